package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// BenchmarkPages renders each page with 10,000 invoices in the store
// (target: under 50 ms per page).
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const invoices, clients = 10_000, 400
	var flagID, invID int64
	err = st.Update(ctx, now.AddDate(0, -6, 0), func(tx *store.Tx) error {
		ids := make([]int64, clients)
		for c := range clients {
			cl, err := tx.EnsureClient(fmt.Sprintf("client%03d@example.com", c), fmt.Sprintf("Client %03d SARL", c), "fr")
			if err != nil {
				return err
			}
			ids[c] = cl.ID
		}
		for i := range invoices {
			cur := "EUR"
			if i%10 == 0 {
				cur = "GBP"
			}
			due := now.AddDate(0, 0, 30-(i%150))
			id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: fmt.Sprintf("F-%05d", i), ClientID: ids[i%clients],
				Amount: decimal.New(int64(100+i%5000), 0), Currency: cur, IssueDate: due.AddDate(0, 0, -30), DueDate: due})
			if err != nil {
				return err
			}
			if _, err := tx.AddEvent(store.Event{Kind: "invoice_discovered", InvoiceID: id, ClientID: ids[i%clients], Actor: domain.ActorDaemon}); err != nil {
				return err
			}
			if i%200 == 0 {
				invID = id
				if flagID, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: id, Evidence: []string{"Nous contestons le montant."}}); err != nil {
					return err
				}
			}
			if i%500 == 0 {
				if _, err := tx.CreateDraft(store.NewDraft{ClientID: ids[i%clients], Stage: "friendly", To: []string{"x@example.com"},
					Subject: "Facture " + fmt.Sprint(i), Body: "Bonjour,\n\nSauf erreur de notre part, la facture reste due.\n\nCordialement",
					HoldUntil: now.Add(time.Hour), MessageID: fmt.Sprintf("b%d@x", i), InvoiceIDs: []int64{id}}, domain.ActorDaemon); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Options{Store: st, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	// Stable names: BENCHMARKS.md lists each page beside its target.
	for _, page := range []struct{ name, path string }{
		{"home", "/"}, {"review", "/review"}, {"flags", "/flags"}, {"flag", fmt.Sprintf("/flags/%d", flagID)},
		{"invoices", "/invoices"}, {"invoices-filtered", "/invoices?bucket=90%2B&q=client"},
		{"invoice", fmt.Sprintf("/invoices/%d", invID)},
	} {
		p := page.path
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "http://127.0.0.1"+p, nil)
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", p, rec.Code)
				}
			}
		})
	}
}
