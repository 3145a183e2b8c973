package store

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func TestBehaviourHistory(t *testing.T) {
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
		at := func(v string) time.Time { return d(v).Add(9 * time.Hour) }
		var client, other Client
		var paidID, partID, openID, creditID int64
		err := s.Update(ctx, at("2026-06-01"), func(tx *Tx) error {
			var err error
			if client, err = tx.EnsureClient("compta@client.fr", "Client", "fr"); err != nil {
				return err
			}
			if other, err = tx.EnsureClient("x@other.fr", "Other", "fr"); err != nil {
				return err
			}
			add := func(number string, c Client, kind, amount, issue, due string) int64 {
				id, _, e := tx.UpsertInvoice(NewInvoice{Number: number, Kind: kind, ClientID: c.ID, Amount: decimal.RequireFromString(amount),
					Currency: "EUR", IssueDate: d(issue), DueDate: d(due)})
				if e != nil && err == nil {
					err = e
				}
				return id
			}
			paidID = add("F-1", client, "invoice", "100", "2026-06-01", "2026-07-01")
			partID = add("F-2", client, "invoice", "300", "2026-07-01", "2026-08-01")
			openID = add("F-3", client, "invoice", "50", "2026-08-01", "2026-09-01")
			creditID = add("AV-1", client, "credit_note", "20", "2026-08-02", "2026-08-02")
			add("X-1", other, "invoice", "999", "2026-06-01", "2026-07-01")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		step := func(now string, fn func(tx *Tx) error) {
			t.Helper()
			if err := s.Update(ctx, at(now), fn); err != nil {
				t.Fatal(err)
			}
		}
		step("2026-06-30", func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: paidID, Amount: decimal.RequireFromString("100"), PaidOn: d("2026-06-30"), Source: "manual"}, domain.ActorCLI)
			return err
		})
		step("2026-08-10", func(tx *Tx) error {
			_, err := tx.AddEvent(Event{Kind: "reminder_sent", InvoiceID: partID, ClientID: client.ID, Actor: domain.ActorDaemon})
			return err
		})
		step("2026-08-12", func(tx *Tx) error {
			id, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 1, Role: "inbox", MessageID: "a@client.fr",
				From: "compta@client.fr", Date: at("2026-08-12"), Class: "promise", InvoiceID: partID})
			if err != nil {
				return err
			}
			if _, err := tx.AddEvent(Event{Kind: "reply_received", InvoiceID: partID, MessageID: id, Actor: domain.ActorDaemon,
				Detail: EventDetail(map[string]any{"class": "promise", "promise_date": "2026-08-20"})}); err != nil {
				return err
			}
			// A reply with no invoice, from one of the client's addresses.
			_, err = tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 2, Role: "inbox", MessageID: "b@client.fr",
				From: "Compta@Client.fr", Date: at("2026-08-13"), Class: "other"})
			if err != nil {
				return err
			}
			// Someone else's reply and an unclassified message stay out.
			if _, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 3, Role: "inbox", MessageID: "c@other.fr",
				From: "x@other.fr", Date: at("2026-08-13"), Class: "paid"}); err != nil {
				return err
			}
			return tx.SetPromise(partID, d("2026-08-20"))
		})
		step("2026-08-25", func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: partID, Amount: decimal.RequireFromString("120"), PaidOn: d("2026-08-25"), Source: "manual"}, domain.ActorCLI)
			if err != nil {
				return err
			}
			// A promise set by hand, with no reply behind it.
			return tx.SetPromise(openID, d("2026-09-15"))
		})

		h, err := s.BehaviourHistory(ctx, client.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Invoices) != 3 {
			t.Fatalf("invoices = %+v, want F-1, F-2, F-3 (no credit note, no other client)", h.Invoices)
		}
		for _, inv := range h.Invoices {
			if inv.ID == creditID {
				t.Errorf("credit note in history")
			}
		}
		f1, f2, f3 := h.Invoices[0], h.Invoices[1], h.Invoices[2]
		if f1.Number != "F-1" || !f1.Paid.Equal(d("2026-06-30")) || f1.Open() || len(f1.Payments) != 1 {
			t.Errorf("F-1 = %+v, want paid on 2026-06-30 with one payment", f1)
		}
		if f2.Number != "F-2" || !f2.Paid.IsZero() || !f2.Open() || len(f2.Payments) != 1 || !f2.Payments[0].Amount.Equal(decimal.RequireFromString("120")) {
			t.Errorf("F-2 = %+v, want open with one partial payment of 120", f2)
		}
		if !f3.Due.Equal(d("2026-09-01")) || !f3.Issued.Equal(d("2026-08-01")) {
			t.Errorf("F-3 dates = %v %v", f3.Issued, f3.Due)
		}
		if len(h.Reminders) != 1 || h.Reminders[0].Invoice != "F-2" || !h.Reminders[0].Sent.Equal(at("2026-08-10")) {
			t.Errorf("reminders = %+v", h.Reminders)
		}
		if len(h.Replies) != 2 || h.Replies[0].Class != "promise" || h.Replies[0].Invoice != "F-2" ||
			h.Replies[1].Class != "other" || h.Replies[1].Invoice != "" || !h.Replies[1].Received.Equal(at("2026-08-13")) {
			t.Errorf("replies = %+v", h.Replies)
		}
		if len(h.Promises) != 2 {
			t.Fatalf("promises = %+v, want the replied one and the hand-set one", h.Promises)
		}
		p1, p2 := h.Promises[0], h.Promises[1]
		if p1.Invoice != "F-2" || !p1.Date.Equal(d("2026-08-20")) || !p1.Made.Equal(at("2026-08-12")) || p1.Kept {
			t.Errorf("promise 1 = %+v, want F-2 on 2026-08-20 made 2026-08-12, not kept", p1)
		}
		if p2.Invoice != "F-3" || !p2.Date.Equal(d("2026-09-15")) || !p2.Made.IsZero() || p2.Kept {
			t.Errorf("promise 2 = %+v, want F-3 on 2026-09-15 set by hand", p2)
		}

		// Paying the rest on time keeps a later promise.
		step("2026-08-26", func(tx *Tx) error {
			if err := tx.SetPromise(partID, d("2026-08-28")); err != nil {
				return err
			}
			_, _, err := tx.RecordPayment(Payment{InvoiceID: partID, Amount: decimal.RequireFromString("180"), PaidOn: d("2026-08-27"), Source: "manual"}, domain.ActorCLI)
			return err
		})
		h, err = s.BehaviourHistory(ctx, client.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Invoices[1].Paid.Equal(d("2026-08-27")) {
			t.Errorf("F-2 paid = %v, want 2026-08-27", h.Invoices[1].Paid)
		}
		kept := map[string]bool{}
		for _, p := range h.Promises {
			kept[p.Date.Format(dateLayout)] = p.Kept
		}
		if kept["2026-08-20"] || !kept["2026-08-28"] {
			t.Errorf("kept = %v, want the 20th broken and the 28th kept", kept)
		}

		empty, err := s.BehaviourHistory(ctx, 9999)
		if err != nil || len(empty.Invoices)+len(empty.Replies)+len(empty.Reminders)+len(empty.Promises) != 0 {
			t.Errorf("unknown client: %+v, %v", empty, err)
		}
		_ = other
	})
}

func TestSignalRaised(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		id := addInvoice(t, s, "F-9", "a@b.fr", "10")
		ctx := context.Background()
		err := s.Update(ctx, t0, func(tx *Tx) error {
			if ok, err := tx.SignalRaised("partial", id, "ev"); err != nil || ok {
				t.Errorf("before: %v %v", ok, err)
			}
			if err := tx.RecordSignal("partial", id, 0, 0, "ev"); err != nil {
				return err
			}
			for _, c := range []struct {
				kind domain.FlagKind
				ev   string
				inv  int64
				want bool
			}{{"partial", "ev", id, true}, {"partial", "other", id, false}, {"silence", "ev", id, false}, {"partial", "ev", id + 1, false}} {
				ok, err := tx.SignalRaised(c.kind, c.inv, c.ev)
				if err != nil || ok != c.want {
					t.Errorf("SignalRaised(%s, %d, %s) = %v, %v; want %v", c.kind, c.inv, c.ev, ok, err, c.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// A credit note lowers what an invoice asks; it is not a payment: a
// credited invoice paid in one transfer has one payment, for the whole of
// what it then asked, and is paid on that day.
func TestBehaviourHistoryCreditNoteIsNoPayment(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		day := func(v string) time.Time { x, _ := time.Parse(dateLayout, v); return x }
		var invID int64
		err := s.Update(ctx, day("2026-06-01"), func(tx *Tx) error {
			c, err := tx.EnsureClient("compta@client.fr", "Client", "fr")
			if err != nil {
				return err
			}
			invID, _, err = tx.UpsertInvoice(NewInvoice{Number: "FA-2025-0312", Kind: "invoice", ClientID: c.ID, Amount: decimal.RequireFromString("1000"),
				Currency: "EUR", IssueDate: day("2026-06-01"), DueDate: day("2026-07-01")})
			if err != nil {
				return err
			}
			cn, _, err := tx.UpsertInvoice(NewInvoice{Number: "AV-2025-0012", Kind: "credit_note", CreditedNumber: "FA-2025-0312", ClientID: c.ID,
				Amount: decimal.RequireFromString("200"), Currency: "EUR", IssueDate: day("2026-06-10")})
			if err != nil {
				return err
			}
			if _, err := tx.ApplyCreditNote(cn, domain.ActorDaemon); err != nil {
				return err
			}
			_, _, err = tx.RecordPayment(Payment{InvoiceID: invID, Amount: decimal.RequireFromString("800"), PaidOn: day("2026-06-20"), Source: "manual"}, domain.ActorCLI)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.BehaviourHistory(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range h.Invoices {
			if inv.ID != invID {
				continue
			}
			if len(inv.Payments) != 1 || !inv.Payments[0].Amount.Equal(decimal.RequireFromString("800")) {
				t.Errorf("payments = %+v, want the one transfer of 800", inv.Payments)
			}
			if !inv.Amount.Equal(decimal.RequireFromString("800")) || !inv.Paid.Equal(day("2026-06-20")) {
				t.Errorf("amount %s paid %s, want 800 paid on 2026-06-20", inv.Amount, inv.Paid)
			}
			return
		}
		t.Fatal("invoice not in the history")
	})
}
