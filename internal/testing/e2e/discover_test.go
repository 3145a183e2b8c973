package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/relance/relance/internal/demo"
)

// `relance run --once` against a Dovecot mailbox discovers the invoices of
// a realistic month (text bodies, PDFs, Factur-X, UBL, a credit note, a
// re-send, a quote) and `relance invoices --json` lists them.
func TestRunOnceDiscoversInvoices(t *testing.T) {
	w := newWorld(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, paris)
	month := demo.SampleMonth(now)
	for _, raw := range month["Sent"] {
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, raw := range month["INBOX"] {
		if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
			t.Fatal(err)
		}
	}
	w.once(now)
	var invs []struct {
		Number string `json:"number"`
		Client struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"client"`
		Amount    string  `json:"amount"`
		Balance   string  `json:"balance"`
		Currency  string  `json:"currency"`
		IssueDate *string `json:"issue_date"`
		DueDate   *string `json:"due_date"`
		State     string  `json:"state"`
		Kind      string  `json:"kind"`
	}
	out := w.Relance("invoices", "--json")
	if err := json.Unmarshal([]byte(out), &invs); err != nil {
		t.Fatalf("invoices --json: %v\n%s", err, out)
	}
	var invoices, credits int
	currencies := map[string]bool{}
	numbers := map[string]int{}
	for _, in := range invs {
		numbers[in.Number]++
		if in.Kind == "credit_note" {
			credits++
			continue
		}
		invoices++
		currencies[in.Currency] = true
		if in.Number == "" || in.Client.Email == "" || in.Amount == "" || in.Currency == "" || in.IssueDate == nil || in.DueDate == nil {
			t.Errorf("incomplete invoice: %+v", in)
		}
	}
	if invoices < 22 {
		t.Errorf("discovered %d invoices, want ≥ 22 (the sample month has 23)", invoices)
	}
	if credits != 1 {
		t.Errorf("credit notes = %d, want 1", credits)
	}
	for n, c := range numbers {
		if c > 1 {
			t.Errorf("invoice %s listed %d times (a re-send must stay one invoice)", n, c)
		}
	}
	for _, cur := range []string{"EUR", "GBP", "USD"} {
		if !currencies[cur] {
			t.Errorf("no invoice in %s discovered", cur)
		}
	}
}
