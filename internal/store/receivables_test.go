package store

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// The overview's figures read each invoice with its payments on their
// days; a credit note lowers the invoice from the start, and an invoice
// cancelled (or paid by hand) is closed on the day it changed state, in the
// business's zone.
func TestReceivablesHistory(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		d := func(v string) time.Time {
			x, err := time.Parse(dateLayout, v)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		dec := decimal.RequireFromString
		var paid, part, cancelled, credited int64
		err := s.Update(ctx, d("2026-09-01").Add(9*time.Hour), func(tx *Tx) error {
			c, err := tx.EnsureClient("compta@client.fr", "", "fr")
			if err != nil {
				return err
			}
			add := func(number, kind, amount, issue, due string) int64 {
				id, _, e := tx.UpsertInvoice(NewInvoice{Number: number, Kind: kind, ClientID: c.ID, Amount: dec(amount),
					Currency: "EUR", IssueDate: d(issue), DueDate: d(due)})
				if e != nil && err == nil {
					err = e
				}
				return id
			}
			paid = add("F-1", "invoice", "100", "2026-06-01", "2026-07-01")
			part = add("F-2", "invoice", "300", "2026-07-01", "2026-08-01")
			cancelled = add("F-3", "invoice", "50", "2026-08-01", "2026-09-01")
			credited = add("F-4", "invoice", "200", "2026-08-01", "2026-09-01")
			add("AV-1", "credit_note", "20", "2026-08-02", "2026-08-02")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		step := func(at time.Time, fn func(tx *Tx) error) {
			t.Helper()
			if err := s.Update(ctx, at, fn); err != nil {
				t.Fatal(err)
			}
		}
		step(d("2026-07-03").Add(9*time.Hour), func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: paid, Amount: dec("100"), PaidOn: d("2026-07-03"), Source: "manual"}, domain.ActorCLI)
			return err
		})
		step(d("2026-08-20").Add(9*time.Hour), func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: part, Amount: dec("120"), PaidOn: d("2026-08-20"), Source: "manual"}, domain.ActorCLI)
			return err
		})
		step(d("2026-08-21").Add(9*time.Hour), func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: credited, Amount: dec("20"), PaidOn: d("2026-08-21"), Source: SourceCreditNote}, domain.ActorDaemon)
			return err
		})
		// Cancelled at 23:30 UTC on 9 September: already 10 September in Paris.
		step(time.Date(2026, 9, 9, 23, 30, 0, 0, time.UTC), func(tx *Tx) error {
			return tx.ChangeState(StateChange{InvoiceID: cancelled, From: domain.StateOpen, To: domain.StateCancelled, Actor: domain.ActorCLI})
		})
		paris, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		invs, err := s.Receivables(ctx, paris)
		if err != nil {
			t.Fatal(err)
		}
		if len(invs) != 4 {
			t.Fatalf("receivables %+v, want the four invoices and no credit note", invs)
		}
		f1, f2, f3, f4 := invs[0], invs[1], invs[2], invs[3]
		if f1.ClientName != "compta@client.fr" || f1.Currency != "EUR" || !f1.Issued.Equal(d("2026-06-01")) || !f1.Due.Equal(d("2026-07-01")) {
			t.Errorf("F-1 = %+v", f1)
		}
		if len(f1.Payments) != 1 || !f1.Payments[0].On.Equal(d("2026-07-03")) || !f1.Closed.IsZero() {
			t.Errorf("F-1 paid by its payment, not closed: %+v", f1)
		}
		if len(f2.Payments) != 1 || !f2.BalanceAt(d("2026-08-19")).Equal(dec("300")) || !f2.BalanceAt(d("2026-08-20")).Equal(dec("180")) {
			t.Errorf("F-2 = %+v, want 300 owed until 180 on 20 August", f2)
		}
		if !f3.Closed.Equal(d("2026-09-10")) || !f3.BalanceAt(d("2026-09-09")).Equal(dec("50")) || !f3.BalanceAt(d("2026-09-10")).IsZero() {
			t.Errorf("F-3 closed %s, want 2026-09-10 (Paris)", f3.Closed)
		}
		if !f4.Amount.Equal(dec("180")) || len(f4.Payments) != 0 || !f4.BalanceAt(d("2026-08-05")).Equal(dec("180")) {
			t.Errorf("F-4 = %+v, want 180 owed from the start after the credit note", f4)
		}
	})
}
