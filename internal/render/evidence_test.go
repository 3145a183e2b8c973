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
		{"fr", "bounce from mailer-daemon@x.fr, not tied to any invoice", "Réponse lue comme «\u00a0bounce\u00a0» venue de mailer-daemon@x.fr, rattachée à aucune facture."},
		{"en", "dispute from boss@client.fr, an address that is not the client's (domain client.fr)", "A reply read as “dispute” from boss@client.fr, an address that is not the client's (domain client.fr)."},
		{"fr", "read as promise, without confidence (48 %)", "Lue comme «\u00a0promise\u00a0», sans certitude (48\u00a0%)."},
		{"en", "reply from a@b.fr could be about several invoices ([F-1 F-2]): amount 100.00", "The reply from a@b.fr could be about several invoices ([F-1 F-2]): amount 100.00"},
		{"fr", `invoice F-9 found in "Facture F-9" but no client address`, "Facture F-9 trouvée dans «\u00a0Facture F-9\u00a0», sans adresse de client."},
		{"fr", `credit_note AV-1 found in "Avoir" but no client address`, "Avoir AV-1 trouvé dans «\u00a0Avoir\u00a0», sans adresse de client."},
		{"fr", "says 120.00 was paid of a balance of 300.00: recording the payment (relance pay F-2 --amount 120.00) confirms it, and the rest is chased again",
			"Le client dit avoir payé 120.00 sur un solde de 300.00\u00a0: enregistrer ce paiement (relance pay F-2 --amount 120.00) le confirme, et le reste est relancé."},
		// The line the store adds to a flag whose objection was answered
		// (store.AnswerEvidence).
		{"fr", "answer: draft 3", "Une réponse à son objection a été préparée (brouillon n°\u00a03)."},
		{"en", "answer: draft 12", "An answer to its objection was drafted (draft #12)."},
		{"en", "answer: draft three", "answer: draft three"},
		// A client's words are shown as they are.
		{"fr", "Je conteste le montant de la facture.", "Je conteste le montant de la facture."},
		{"en", "missing:due_date", "missing:due_date"},
	} {
		if got := Evidence(c.lang, c.in, nil); got != c.want {
			t.Errorf("Evidence(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

// The page names the class in its own words.
func TestEvidenceClassLabel(t *testing.T) {
	label := func(c string) string { return map[string]string{"bounce": "non distribué"}[c] }
	got := Evidence("fr", "bounce from mailer-daemon@x.fr, not tied to any invoice", label)
	if want := "Réponse lue comme «\u00a0non distribué\u00a0» venue de mailer-daemon@x.fr, rattachée à aucune facture."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
