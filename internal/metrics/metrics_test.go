package metrics

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/store"
)

func TestBucket(t *testing.T) {
	cases := map[int]string{-5: "current", 0: "current", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90", 91: "90+", 400: "90+"}
	for days, want := range cases {
		if got := Bucket(days); got != want {
			t.Errorf("Bucket(%d) = %s, want %s", days, got, want)
		}
	}
}

// Amounts land in the right bucket per currency, counted in the business's
// calendar days, across a month end.
func TestStoreCollector(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paris, _ := time.LoadLocation("Europe/Paris")
	// 1 March 00:30 in Paris is still 28 February in UTC: days count in Paris.
	now := time.Date(2026, 3, 1, 0, 30, 0, 0, paris)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	add := func(num, email, amount, cur string, due time.Time, state string) {
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			c, err := tx.EnsureClient(email, "", "fr")
			if err != nil {
				return err
			}
			id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: num, ClientID: c.ID, Amount: decimal.RequireFromString(amount), Currency: cur, DueDate: due})
			if err != nil {
				return err
			}
			if state != store.StateOpen {
				return tx.SetInvoiceState(id, state)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("F-1", "a@x.fr", "100.10", "EUR", day(2026, 3, 1), store.StateOpen)   // due today: current
	add("F-2", "a@x.fr", "200", "EUR", day(2026, 2, 28), store.StateOpen)     // 1 day late
	add("F-3", "b@x.fr", "300", "EUR", day(2026, 1, 30), store.StateOpen)     // 30 days late
	add("F-4", "b@x.fr", "400", "EUR", day(2026, 1, 29), store.StatePromised) // 31 days late
	add("F-5", "c@x.uk", "50", "GBP", day(2025, 11, 1), store.StateOpen)      // 120 days late
	add("F-6", "c@x.uk", "999", "GBP", day(2025, 11, 1), store.StatePaid)     // paid: not outstanding

	c := NewStoreCollector(st, func() time.Time { return now }, paris, time.Second, nil)
	want := `
# HELP relance_outstanding_amount Unpaid balance of open invoices, by currency and age bucket (days past due; 'current' is not yet due). Float copy of exact store amounts.
# TYPE relance_outstanding_amount gauge
relance_outstanding_amount{bucket="1-30",currency="EUR"} 500
relance_outstanding_amount{bucket="31-60",currency="EUR"} 400
relance_outstanding_amount{bucket="61-90",currency="EUR"} 0
relance_outstanding_amount{bucket="90+",currency="EUR"} 0
relance_outstanding_amount{bucket="current",currency="EUR"} 100.1
relance_outstanding_amount{bucket="1-30",currency="GBP"} 0
relance_outstanding_amount{bucket="31-60",currency="GBP"} 0
relance_outstanding_amount{bucket="61-90",currency="GBP"} 0
relance_outstanding_amount{bucket="90+",currency="GBP"} 50
relance_outstanding_amount{bucket="current",currency="GBP"} 0
# HELP relance_scrape_success 1 when the store could be read for this scrape.
# TYPE relance_scrape_success gauge
relance_scrape_success 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "relance_outstanding_amount", "relance_scrape_success"); err != nil {
		t.Fatal(err)
	}
	wantStates := `
# HELP relance_invoices Invoices by state.
# TYPE relance_invoices gauge
relance_invoices{state="cancelled"} 0
relance_invoices{state="disputed"} 0
relance_invoices{state="on_hold"} 0
relance_invoices{state="open"} 4
relance_invoices{state="paid"} 1
relance_invoices{state="paid_claimed"} 0
relance_invoices{state="plan"} 0
relance_invoices{state="promised"} 1
relance_invoices{state="written_off"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(wantStates), "relance_invoices"); err != nil {
		t.Fatal(err)
	}
}

func TestScrapeFailureIsReported(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // a closed store cannot be read
	c := NewStoreCollector(st, time.Now, time.UTC, time.Second, nil)
	want := `
# HELP relance_scrape_success 1 when the store could be read for this scrape.
# TYPE relance_scrape_success gauge
relance_scrape_success 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "relance_scrape_success"); err != nil {
		t.Fatal(err)
	}
}
