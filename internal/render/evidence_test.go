package render

import "testing"

func TestEvidence(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"fr", "missing: due_date, amount", "Introuvable sur la facture\u00a0: date d'échéance, montant"},
		{"en", "missing: number, issue_date", "Not found on the invoice: invoice number, invoice date"},
		{"en", "missing: po_number", "Not found on the invoice: po number"}, // a field without a word keeps its name, readable
		{"fr-FR", "Content-Type: multipart/report; report-type=delivery-status", "Le serveur de messagerie a renvoyé un avis de non-remise\u00a0: notre message n'est pas arrivé."},
		{"en", "part message/delivery-status", "The notice carries the technical delivery report (address refused, mailbox full…)."},
		{"en", "From: MAILER-DAEMON@mx.example.com", "It comes from the mail system (MAILER-DAEMON@mx.example.com), not from the client."},
		{"fr", "Subject: Undelivered Mail Returned to Sender", "Son objet est celui d'un message non distribué\u00a0: «\u00a0Undelivered Mail Returned to Sender\u00a0»."},
		{"fr", "original message returned by postmaster@x.fr", "Notre message est revenu en pièce jointe, renvoyé par postmaster@x.fr."},
		// A client's words are shown as they are.
		{"fr", "Je conteste le montant de la facture.", "Je conteste le montant de la facture."},
		{"en", "missing:due_date", "missing:due_date"},
	} {
		if got := Evidence(c.lang, c.in); got != c.want {
			t.Errorf("Evidence(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}
