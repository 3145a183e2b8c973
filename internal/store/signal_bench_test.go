package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// BenchmarkSignalRaised asks, as a first pass over a long history does,
// whether each of 600 behaviour signals was raised before, in a ledger of
// 3,000 invoices whose events (20 each) and signals are already logged. The
// figure is per signal asked.
func BenchmarkSignalRaised(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "relance.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	const invoices, eventsEach, signals = 3000, 20, 600
	var ids []int64
	err = s.Update(ctx, t0, func(tx *Tx) error {
		for i := range invoices {
			c, err := tx.EnsureClient(fmt.Sprintf("compta@client%d.fr", i%500), "Client", "fr")
			if err != nil {
				return err
			}
			id, _, err := tx.UpsertInvoice(NewInvoice{Number: fmt.Sprintf("F-%05d", i), ClientID: c.ID,
				Amount: decimal.NewFromInt(100), Currency: "EUR", IssueDate: t0, DueDate: t0.AddDate(0, 0, 30)})
			if err != nil {
				return err
			}
			ids = append(ids, id)
			for range eventsEach {
				if _, err := tx.AddEvent(Event{Kind: domain.EventReplyReceived, InvoiceID: id, ClientID: c.ID, Actor: domain.ActorDaemon,
					Detail: EventDetail(map[string]any{"class": "other"})}); err != nil {
					return err
				}
			}
			if i%2 == 0 {
				if err := tx.RecordSignal(domain.FlagSilence, id, c.ID, 0, fmt.Sprintf("silent after reminder %d", i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		err := s.Update(ctx, t0, func(tx *Tx) error {
			raised := 0
			for i, id := range ids[:signals] {
				ok, err := tx.SignalRaised(domain.FlagSilence, id, fmt.Sprintf("silent after reminder %d", i))
				if err != nil {
					return err
				}
				if ok {
					raised++
				}
			}
			if raised != signals/2 {
				return fmt.Errorf("%d signals found raised, want %d", raised, signals/2)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*signals)/1000, "us/signal")
}
