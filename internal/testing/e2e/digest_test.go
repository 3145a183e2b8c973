package e2e

import (
	"strings"
	"testing"
	"time"
)

// With RELANCE_NOTIFY_TO set, the owner gets one digest per business day at
// the review hour, listing the drafts to reread and the new flags; it goes
// out at once (it is not a reminder) and never twice a day.
func TestDailyDigest(t *testing.T) {
	w := newWorld(t)
	t.Setenv("RELANCE_NOTIFY_TO", "gerant@atelier.test")
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	dispute := replyMail("r1@client.test", "lea@studiokuma.fr", "Léa", "inv-1@atelier.test", "Re: Facture F-2026-0501", issued.AddDate(0, 0, 2),
		"Bonjour,\r\n\r\nJe conteste cette facture : le montant ne correspond pas au devis signé.\r\n", false)
	if err := w.IMAP.Deliver("INBOX", dispute, false); err != nil {
		t.Fatal(err)
	}
	if err := w.IMAP.Deliver("Sent", invoiceMail(2, "Cave Saint-Jean", "olivier@cave-saintjean.fr", issued, issued.AddDate(0, 0, 30), "480.00", false), true); err != nil {
		t.Fatal(err)
	}
	digests := func() []string {
		var out []string
		for _, m := range w.Sink.Messages() {
			if len(m.To) == 1 && m.To[0] == "gerant@atelier.test" {
				out = append(out, decodeQP(string(m.Data)))
			}
		}
		return out
	}
	w.once(time.Date(2026, 9, 14, 8, 0, 0, 0, paris)) // Monday, before the review hour
	if n := len(digests()); n != 0 {
		t.Fatalf("%d digests before the review hour", n)
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris)) // a draft is held, the dispute is flagged
	w.once(time.Date(2026, 9, 14, 19, 0, 0, 0, paris))
	d := digests()
	if len(d) != 1 {
		t.Fatalf("%d digests on Monday, want 1", len(d))
	}
	for _, want := range []string{"brouillon", "Cave Saint-Jean", "dispute", "conteste"} {
		if !strings.Contains(d[0], want) {
			t.Errorf("digest lacks %q:\n%s", want, d[0])
		}
	}
	w.once(time.Date(2026, 9, 15, 9, 5, 0, 0, paris))
	if n := len(digests()); n != 2 {
		t.Fatalf("%d digests by Tuesday morning, want 2", n)
	}
}
