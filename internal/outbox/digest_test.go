package outbox

import (
	"strings"
	"testing"

	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// The digest's words come from a catalogue; the owner must read the same
// mail, to the byte, in both languages.
func TestDigestTextWhole(t *testing.T) {
	d := policy.Date{Year: 2026, Month: 9, Day: 15}
	drafts := []store.Draft{{ID: 3, Stage: "friendly", ClientName: "Studio Kuma", Subject: "Facture F-1 : petit rappel"}}
	flags := []store.Flag{
		{ID: 9, Kind: "dispute", ClientName: "Cave", InvoiceNum: "F-2", Evidence: []string{strings.Repeat("trop long ", 40)}},
		{ID: 10, Kind: "grievance", ClientName: "X", InvoiceNum: "F-3"},
	}
	broken := []store.Flag{{ID: 11, Kind: "broken_promise", ClientName: "Y", InvoiceNum: "F-4"}}
	long := "trop long trop long trop long trop long trop long trop long trop long trop long trop long trop long trop long trop long trop long trop lo…"
	tests := []struct {
		fr            bool
		subject, body string
	}{
		{true, "relance : 1 brouillon(s) à relire, 3 signalement(s)",
			"Bonjour,\n\nVoici ce qui vous attend aujourd'hui (2026-09-15).\n\nÀ relire et approuver :\n" +
				"  - #3 friendly · Studio Kuma · Facture F-1 : petit rappel\n\nNouveaux signalements :\n" +
				"  - #9 dispute · Cave F-2 — « " + long + " »\n  - #10 grievance · X F-3\n\nPromesses non tenues :\n  - Y F-4\n\n" +
				"Tout est sur la page de relance, ou : relance drafts list · relance flags list\n"},
		{false, "relance: 1 draft(s) to reread, 3 flag(s)",
			"Hello,\n\nHere is what waits for you today (2026-09-15).\n\nTo reread and approve:\n" +
				"  - #3 friendly · Studio Kuma · Facture F-1 : petit rappel\n\nNew flags:\n" +
				"  - #9 dispute · Cave F-2 — \"" + long + "\"\n  - #10 grievance · X F-3\n\nBroken promises:\n  - Y F-4\n\n" +
				"Everything is on relance's page, or: relance drafts list · relance flags list\n"},
	}
	for _, tc := range tests {
		subject, body := digestText(tc.fr, d, drafts, flags, broken)
		if subject != tc.subject {
			t.Errorf("fr=%v subject = %q, want %q", tc.fr, subject, tc.subject)
		}
		if body != tc.body {
			t.Errorf("fr=%v body = %q, want %q", tc.fr, body, tc.body)
		}
	}
}

// Every message of the digest exists in both languages with the same
// verbs, so no owner reads a French line in an English digest.
func TestDigestCatalogueComplete(t *testing.T) {
	fr, en := digestMessages["fr"], digestMessages["en"]
	if len(fr) != len(en) {
		t.Fatalf("fr has %d messages, en %d", len(fr), len(en))
	}
	for id, f := range fr {
		e, ok := en[id]
		if !ok {
			t.Errorf("%s: no English", id)
			continue
		}
		if strings.Count(f, "%") != strings.Count(e, "%") {
			t.Errorf("%s: verbs differ: %q / %q", id, f, e)
		}
	}
}

// The owner reads a returned mail and a self-check in words in the digest
// too, not a MIME type or a field name.
func TestDigestEvidenceInWords(t *testing.T) {
	d := policy.Date{Year: 2026, Month: 9, Day: 15}
	flags := []store.Flag{
		{ID: 4, Kind: "bounce", ClientName: "Cave", InvoiceNum: "F-2", Evidence: []string{"Content-Type: multipart/report; report-type=delivery-status"}},
		{ID: 5, Kind: "self_check", ClientName: "Kuma", InvoiceNum: "F-3", Evidence: []string{"missing: due_date"}},
	}
	for fr, want := range map[bool][]string{
		true:  {"avis de non-remise", "Introuvable sur la facture : date d'échéance"}, // the digest folds every space
		false: {"non-delivery notice", "Not found on the invoice: due date"},
	} {
		_, body := digestText(fr, d, nil, flags, nil)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("fr=%v: %q not in the digest:\n%s", fr, w, body)
			}
		}
		for _, raw := range []string{"multipart/report", "due_date"} {
			if strings.Contains(body, raw) {
				t.Errorf("fr=%v: %q in the digest:\n%s", fr, raw, body)
			}
		}
	}
}
