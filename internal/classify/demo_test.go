package classify

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/demo"
	"github.com/relance/relance/internal/message"
)

// testDemoInbox reads the demo's sample INBOX, written apart from the
// classifier, as a further held-out check (run by TestEval, so `make eval`
// shows it). Each mail is found by a piece of its Message-ID; the wanted
// class is what its text plainly says.
func testDemoInbox(t *testing.T) {
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
		{"@cave-saintjean.fr", Promise, "2026-11-27", "virement vendredi prochain; genuine praise"},
		{"@wanadoo.fr", Paid, "", "virement efectué ce matin (sic)"},
	}
	inbox := demo.SampleMonth(now)[demo.FolderInbox]
	if len(inbox) != len(want) {
		t.Fatalf("demo INBOX has %d mails, the table %d: label the new ones", len(inbox), len(want))
	}
	var set []labelled
	for _, raw := range inbox {
		m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, w := range want {
			if strings.Contains(m.MessageID, w.id) {
				set = append(set, labelled{file: m.MessageID + " (" + w.why + ")", msg: m, class: w.class, promise: w.promise})
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no label for %s (%s)", m.MessageID, m.Subject)
		}
	}
	s := evaluate(set)
	s.report(t, "demo INBOX")
	for _, e := range s.errors {
		t.Error(e)
	}
}
