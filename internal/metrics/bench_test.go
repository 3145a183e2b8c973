package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/store"
)

// bigStore builds a ledger of n invoices shaped like years of a busy
// business: most paid, some promised, disputed or written off, each with its
// sent mail and events, a reply for one in three, drafts and flags.
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
	for start := 0; start < n; start += batch {
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				c, err := tx.EnsureClient(fmt.Sprintf("client%d@example.com", i%2000), "", "fr")
				if err != nil {
					return err
				}
				issue := now.AddDate(0, 0, -(i % 1000))
				id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: fmt.Sprintf("F-%06d", i), ClientID: c.ID,
					Amount: decimal.New(int64(10000+i%90000), -2), Currency: currencies[i%len(currencies)],
					IssueDate: issue, DueDate: issue.AddDate(0, 0, 30)})
				if err != nil {
					return err
				}
				msg, err := tx.AddMessage(store.Message{Folder: "Sent", UIDValidity: 1, UID: uint32(i + 1), Role: "sent",
					MessageID: fmt.Sprintf("<inv%d@example.com>", i), Class: "invoice", InvoiceID: id})
				if err != nil {
					return err
				}
				if _, err := tx.AddEvent(store.Event{Kind: "invoice_discovered", InvoiceID: id, ClientID: c.ID, MessageID: msg, Actor: store.ActorDaemon}); err != nil {
					return err
				}
				if i%3 == 0 {
					if _, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Role: "inbox",
						MessageID: fmt.Sprintf("<re%d@example.com>", i), Class: classes[i%len(classes)], InvoiceID: id}); err != nil {
						return err
					}
				}
				switch {
				case i%10 < 6 && i%1000 > 60:
					if i%20 == 0 {
						if err := tx.SetInvoiceState(id, store.StatePromised); err != nil {
							return err
						}
						if _, err := tx.AddEvent(store.Event{Kind: "state_changed", InvoiceID: id, Actor: store.ActorDaemon,
							Detail: json.RawMessage(`{"from":"open","to":"promised"}`)}); err != nil {
							return err
						}
					}
					if _, _, err := tx.RecordPayment(store.Payment{InvoiceID: id, Amount: decimal.New(int64(10000+i%90000), -2),
						PaidOn: issue.AddDate(0, 0, 20+i%30), Source: "manual"}, store.ActorCLI); err != nil {
						return err
					}
				case i%10 == 6:
					if err := tx.SetInvoiceState(id, store.StatePromised); err != nil {
						return err
					}
					if err := tx.SetPromise(id, now.AddDate(0, 0, i%20-10)); err != nil {
						return err
					}
				case i%10 == 7 && i%7 == 0:
					if _, err := tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: id, ClientID: c.ID}); err != nil {
						return err
					}
					if err := tx.SetInvoiceState(id, store.StateDisputed); err != nil {
						return err
					}
				case i%10 == 8 && i%50 == 8:
					if err := tx.SetInvoiceState(id, store.StateWrittenOff); err != nil {
						return err
					}
				}
				if i%25 == 0 {
					d, err := tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: []string{"friendly", "second", "formal_notice"}[i%3],
						To: []string{c.Email}, Subject: "Rappel", Body: "Bonjour", HoldUntil: now, MessageID: fmt.Sprintf("<d%d@example.com>", i),
						InvoiceIDs: []int64{id}}, store.ActorDaemon)
					if err != nil {
						return err
					}
					if i%100 != 0 {
						if err := tx.SetDraftStatus(d, store.DraftSent, store.ActorDaemon, ""); err != nil {
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
