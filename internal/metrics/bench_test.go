package metrics

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// bigStore builds a ledger of n invoices shaped like five years of a busy
// business: nearly all older invoices paid (a few written off or disputed),
// the last four months partly open or promised; each invoice with its sent
// mail and events, a reply for one in three, drafts and flags.
func bigStore(tb testing.TB, n int) (*store.Store, time.Time) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "big.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	currencies := []string{"EUR", "EUR", "EUR", "GBP", "USD"}
	classes := []string{"paid", "promise", "info_request", "auto_reply", "dispute", "other"}
	const batch = 5000
	const historyDays = 5 * 365
	for start := 0; start < n; start += batch {
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				c, err := tx.EnsureClient(fmt.Sprintf("client%d@example.com", i%2000), "", "fr")
				if err != nil {
					return err
				}
				age := (n - i) * historyDays / n
				issue := now.AddDate(0, 0, -age)
				due := issue.AddDate(0, 0, 30)
				amount := decimal.New(int64(10000+i%90000), -2)
				id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: fmt.Sprintf("F-%06d", i), ClientID: c.ID,
					Amount: amount, Currency: currencies[i%len(currencies)], IssueDate: issue, DueDate: due})
				if err != nil {
					return err
				}
				msg, err := tx.AddMessage(store.Message{Folder: "Sent", UIDValidity: 1, UID: uint32(i + 1), Role: "sent",
					MessageID: fmt.Sprintf("<inv%d@example.com>", i), Class: "invoice", InvoiceID: id})
				if err != nil {
					return err
				}
				if _, err := tx.AddEvent(store.Event{Kind: "invoice_discovered", InvoiceID: id, ClientID: c.ID, MessageID: msg, Actor: domain.ActorDaemon}); err != nil {
					return err
				}
				if i%3 == 0 {
					if _, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Role: "inbox",
						MessageID: fmt.Sprintf("<re%d@example.com>", i), Class: classes[i%len(classes)], InvoiceID: id}); err != nil {
						return err
					}
				}
				pay := func() error {
					paidOn := due.AddDate(0, 0, i%40-10)
					if paidOn.After(now) {
						paidOn = now
					}
					_, _, err := tx.RecordPayment(store.Payment{InvoiceID: id, Amount: amount, PaidOn: paidOn, Source: "manual"}, domain.ActorCLI)
					return err
				}
				promise := func() error {
					if err := tx.SetInvoiceState(id, domain.StatePromised); err != nil {
						return err
					}
					return tx.SetPromise(id, due.AddDate(0, 0, 15))
				}
				switch {
				case age > 120 && i%500 == 0:
					err = tx.SetInvoiceState(id, domain.StateWrittenOff)
				case age > 120 && i%700 == 1:
					if _, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: id, ClientID: c.ID}); err == nil {
						err = tx.SetInvoiceState(id, domain.StateDisputed)
					}
				case age > 120 && i%20 == 0:
					if err = promise(); err == nil {
						err = pay()
					}
				case age > 120, i%3 == 0:
					err = pay()
				case i%6 == 2:
					if err = promise(); err == nil && i%4 == 0 {
						_, err = tx.OpenFlag(store.Flag{Kind: "broken_promise", InvoiceID: id, ClientID: c.ID})
					}
				}
				if err != nil {
					return err
				}
				if i%25 == 0 {
					d, err := tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: []string{"friendly", "second", "formal_notice"}[i%3],
						To: []string{c.Email}, Subject: "Rappel", Body: "Bonjour", HoldUntil: now, MessageID: fmt.Sprintf("<d%d@example.com>", i),
						InvoiceIDs: []int64{id}}, domain.ActorDaemon)
					if err != nil {
						return err
					}
					if i%100 != 0 {
						if err := tx.SetDraftStatus(d, domain.DraftSent, domain.ActorDaemon, ""); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return st, now
}
