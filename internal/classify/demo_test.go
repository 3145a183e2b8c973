package classify

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/demo"
	"github.com/relance/relance/internal/message"
)

// TestDemoInbox reads the demo's sample INBOX, written apart from the
// corpus the model is trained on. Each mail is found by a piece of its
// Message-ID; the wanted class is what its text plainly says.
func TestDemoInbox(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	want := []struct {
		id      string
		class   Class
		promise string
		why     string
	}{
		{"45F8E1D355@mail.atelier-moreau.fr", Bounce, "", "Postfix: host not found"},
		{"@lespetits-loups.fr", Promise, "2026-11-05", "the treasurer pays at the start of the month"},
		{"PR3P193MB378D207F74DA1BFECD56", Dispute, "", "transport charged 1 000 instead of 500"},
		{"CA52D3A078DB", InfoRequest, "", "reissue with a PO number"},
		{"@ap.serenite-sante.fr", AutoReply, "", "supplier portal acknowledgement"},
		{"PR3P193MB08544CBE5CFC2C6F60C2", Hardship, "", "own client has not paid; three instalments"},
		{"CAF55B2F71DF63", Dispute, "", "skirting boards invoiced, never fitted"},
		{"CA3065854965d3", Promise, "2026-10-31", "payment run at the end of the month"},
		{"@studiokuma.fr", Other, "", "ok merci"},
		{"@boulangerie-petitjean.fr", InfoRequest, "", "asks for the RIB"},
		{"@librairie-lavirgule.fr", AutoReply, "", "read receipt"},
		{"newsletter.202611", Other, "", "supplier newsletter"},
		{"@pharmacie-bellecour.fr", InfoRequest, "", "invoice to the SELARL, with VAT number; pays on receipt"},
		{"PR3P193MBD6B9D9200D6C20ED8160", AutoReply, "", "out of office"},
		{"PR3P193MB0801CACE65817CFE7432", Grievance, "", "the door still rubs, as usual"},
		{"ferrand.dispute", Dispute, "", "cupboard doors rub, one does not close"},
		{"facture.FC-2026-11873", Other, "", "a supplier's own invoice"},
		{"PR3P193MBB1525F16AF83DBF738E8", InfoRequest, "", "copy of the invoice; bank details to confirm after a fake mail"},
		{"PR3P193MB3873C81D5A14405CB2C5", Paid, "", "réglée ce jour par virement"},
		// Written on a Thursday: "vendredi prochain" is the next day.
		{"@cave-saintjean.fr", Promise, "2026-11-20", "virement vendredi prochain; genuine praise"},
		{"@wanadoo.fr", Paid, "", "virement efectué ce matin (sic)"},
	}
	inbox := demo.SampleMonth(now)[demo.FolderInbox]
	if len(inbox) != len(want) {
		t.Fatalf("demo INBOX has %d mails, the table %d: label the new ones", len(inbox), len(want))
	}
	misses := 0
	for _, raw := range inbox {
		m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, w := range want {
			if !strings.Contains(m.MessageID, w.id) {
				continue
			}
			found = true
			res := Classify(m, DefaultOptions())
			// The rules of checkReadings: a reply a human must see is
			// always flagged; a class miss is counted (at most one in ten);
			// a date read on a rightly read promise is the right one.
			if w.class.NeedsHuman() && !res.NeedsHuman {
				t.Errorf("%s (%s): read %s without a flag, want %s; evidence %+v", m.MessageID, w.why, res.Class, w.class, res.Evidence)
				break
			}
			if res.Class != w.class {
				misses++
				t.Logf("miss: %s (%s): read %s, want %s; evidence %+v", m.MessageID, w.why, res.Class, w.class, res.Evidence)
				break
			}
			got := ""
			if res.PromiseDate != nil {
				got = res.PromiseDate.Format(time.DateOnly)
			}
			if w.promise != "" && got != w.promise {
				t.Errorf("%s (%s): promise date %q, want %s", m.MessageID, w.why, got, w.promise)
			}
			break
		}
		if !found {
			t.Errorf("no label for %s (%s)", m.MessageID, m.Subject)
		}
	}
	if misses*10 > len(inbox) {
		t.Errorf("%d of %d demo mails read as another class (at most one in ten)", misses, len(inbox))
	}
}
