package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/handwritten"
)

// With RELANCE_SELF_CHECK=true, an invoice we send is checked before its
// first reminder: a defective one (our SIREN missing from its PDF) gets a
// self_check flag naming the finding and its legal reference, and no
// friendly reminder is drafted for it while the flag is open; a clean one
// is chased as before. Once the owner resolves the flag (accepts the
// invoice), the next pass drafts its reminder.
func TestSelfCheckHoldsTheFirstReminder(t *testing.T) {
	w := newWorld(t)
	t.Setenv("RELANCE_SELF_CHECK", "true")
	for _, c := range []struct{ msgID, to, subject, file string }{
		{"sc-defect@atelier.test", "Brasserie du Lion <compta@brasserie-lion.fr>", "Facture JM-2026-041", "hw03-micro-no-siren.txt"},
		{"sc-clean@atelier.test", "SCI Les Tilleuls <gerance@sci-tilleuls.fr>", "Facture 2026-10-087", "hw01-plombier-clean.txt"},
	} {
		raw := linkMail(c.msgID, us, c.to, c.subject, time.Date(2026, 11, 2, 10, 0, 0, 0, paris),
			"Bonjour,\n\nVeuillez trouver notre facture en pièce jointe.\n\nCordialement,\nAtelier Test\n",
			mailPart{name: "facture.pdf", ctype: "application/pdf", data: pdfDoc(t, handwritten.Lines(t, c.file))})
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
	}

	// Monday 14 December: both invoices are past their friendly reminder's day.
	monday := time.Date(2026, 12, 14, 18, 0, 0, 0, paris)
	w.once(monday)
	var flags []struct {
		ID       int64    `json:"id"`
		Kind     string   `json:"kind"`
		Invoice  string   `json:"invoice"`
		Status   string   `json:"status"`
		Evidence []string `json:"evidence"`
	}
	if err := json.Unmarshal([]byte(w.Relance("flags", "--json")), &flags); err != nil {
		t.Fatal(err)
	}
	var flagID int64
	for _, f := range flags {
		if f.Kind != "self_check" {
			continue
		}
		if f.Invoice != "JM-2026-041" || flagID != 0 {
			t.Fatalf("self_check flag on %s (%q): want one, on JM-2026-041 only", f.Invoice, f.Evidence)
		}
		flagID = f.ID
		want := "Notre numéro SIREN (ou SIRET) n'apparaît pas sur la facture. — CGI, annexe II, art. 242 nonies A"
		if len(f.Evidence) != 1 || f.Evidence[0] != want {
			t.Errorf("evidence %q, want %q", f.Evidence, want)
		}
	}
	if flagID == 0 {
		t.Fatalf("no self_check flag on the defective invoice; flags: %+v", flags)
	}
	held := heldByClient(t, w)
	if _, ok := held["gerance@sci-tilleuls.fr"]; !ok {
		t.Errorf("the clean invoice got no reminder draft: %d held", len(held))
	}
	if _, ok := held["compta@brasserie-lion.fr"]; ok {
		t.Fatalf("a reminder was drafted for the invoice under self-check")
	}

	// The owner accepts the invoice as it is: the next pass drafts its
	// friendly reminder.
	tuesday := monday.Add(24 * time.Hour)
	if _, errOut, code := relanceAt(tuesday, "flags", "resolve", strconv.FormatInt(flagID, 10), "--note", "facture acceptée"); code != 0 {
		t.Fatalf("flags resolve: exit %d: %s", code, errOut)
	}
	w.once(tuesday)
	held = heldByClient(t, w)
	d, ok := held["compta@brasserie-lion.fr"]
	if !ok {
		t.Fatalf("no reminder drafted once the flag was resolved: %d held", len(held))
	}
	if !strings.Contains(d.Body, "JM-2026-041") {
		t.Errorf("the reminder does not name its invoice:\n%s", d.Body)
	}
}
