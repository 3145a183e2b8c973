package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/scorecard"
)

func TestHistoryScorecard(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		day := func(s string) time.Time { x, _ := time.Parse(dateLayout, s); return x }
		dec := decimal.RequireFromString
		h := History{
			Invoices: []HistoryInvoice{
				{ID: 1, Number: "F-1", State: domain.StatePaid, Amount: dec("100"), Issued: day("2026-06-01"), Due: day("2026-07-01"),
					Paid: day("2026-07-05"), Payments: []HistoryPayment{{Date: day("2026-07-05"), Amount: dec("100")}}},
				// Marked paid by hand after 40 received: settled on that day.
				{ID: 2, Number: "F-2", State: domain.StatePaid, Amount: dec("300"), Issued: day("2026-07-01"), Due: day("2026-08-01"),
					Paid: day("2026-08-20"), Payments: []HistoryPayment{{Date: day("2026-08-10"), Amount: dec("40")}}},
				{ID: 3, Number: "F-3", State: domain.StateCancelled, Amount: dec("50"), Issued: day("2026-08-01"), Due: day("2026-09-01")},
				{ID: 4, Number: "F-4", State: domain.StateOpen, Amount: dec("80"), Issued: day("2026-09-01"), Due: day("2026-10-01")},
			},
			Reminders: []HistoryReminder{
				{InvoiceID: 4, Invoice: "F-4", Sent: day("2026-10-08"), Stage: domain.StageFriendly},
				{InvoiceID: 4, Invoice: "F-4", Sent: day("2026-11-05"), Stage: domain.StageFormalNotice},
				{InvoiceID: 9, Invoice: "", Sent: day("2026-11-15"), Stage: domain.StageFriendly}, // no invoice of this client
			},
			Replies: []HistoryReply{
				{InvoiceID: 4, Invoice: "F-4", Received: day("2026-10-09"), Class: string(domain.ReplyPromise)},
				{InvoiceID: 4, Invoice: "F-4", Received: day("2026-10-20"), Class: string(domain.ReplyDispute)},
				{Received: day("2026-10-21"), Class: string(domain.ReplyAutoReply)},
				{Received: day("2026-10-22"), Class: string(domain.ReplyOther)},
			},
			Promises: []HistoryPromise{{InvoiceID: 4, Invoice: "F-4", Made: day("2026-10-09"), Date: day("2026-10-15")}},
		}
		want := scorecard.History{
			Invoices: []scorecard.Invoice{
				{Number: "F-1", Issued: day("2026-06-01"), Due: day("2026-07-01"), Amount: dec("100"),
					Payments: []scorecard.Payment{{On: day("2026-07-05"), Amount: dec("100")}}},
				{Number: "F-2", Issued: day("2026-07-01"), Due: day("2026-08-01"), Amount: dec("300"),
					Payments: []scorecard.Payment{{On: day("2026-08-10"), Amount: dec("40")}, {On: day("2026-08-20"), Amount: dec("260")}}},
				{Number: "F-3", Issued: day("2026-08-01"), Due: day("2026-09-01"), Amount: dec("50"), Cancelled: true},
				{Number: "F-4", Issued: day("2026-09-01"), Due: day("2026-10-01"), Amount: dec("80"),
					Reminders: []scorecard.Reminder{{Stage: "friendly", Sent: day("2026-10-08")}, {Stage: "formal_notice", Sent: day("2026-11-05"), Formal: true}}},
			},
			Promises: []scorecard.Promise{{Invoice: "F-4", Made: day("2026-10-09"), For: day("2026-10-15")}},
			Disputes: []scorecard.Dispute{{Invoice: "F-4", Raised: day("2026-10-20")}},
			Replies: []scorecard.Reply{{At: day("2026-10-09"), Tone: scorecard.ToneCordial}, {At: day("2026-10-20"), Tone: scorecard.ToneTense},
				{At: day("2026-10-22"), Tone: scorecard.ToneNeutral}},
		}
		got := h.Scorecard()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scorecard history:\n%+v\nwant\n%+v", got, want)
		}
		// The figures the card draws from it, by hand: F-1 4 days late, F-2 19,
		// F-4 open 37 days past due on 2026-11-07 (the cancelled F-3 left out);
		// two reminders after the due date, one of them formal; the promise of
		// 2026-10-15 broken; the dispute makes the tone tense.
		c := scorecard.Compute(got, day("2026-11-07").Add(9*time.Hour))
		if c.Invoices != 3 || c.LeftOut != 1 || c.WorstDaysLate != 37 || c.MedianDaysLate != 19 || c.Reminders != 2 ||
			c.FormalNotices != 1 || c.Late != 2 || !c.Outstanding.Equal(dec("80")) || c.PromisesBroken != 1 || c.Disputes != 1 || c.Tone != scorecard.ToneTense {
			t.Errorf("card: %+v", c)
		}
	})
}

func TestClientSummaries(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		// Issued t0 (2026-11-02), due 30 days later.
		addInvoice(t, s, "F-1", "b@dupont.fr", "100.50")
		addInvoice(t, s, "F-2", "b@dupont.fr", "20")
		addInvoice(t, s, "F-3", "a@martin.fr", "70")
		if err := s.Update(ctx, t0, func(tx *Tx) error {
			if _, _, err := tx.SetClientKind("a@martin.fr", domain.ClientConsumer, domain.ActorCLI); err != nil {
				return err
			}
			_, err := tx.EnsureClient("z@nothing.fr", "", "en")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		pay := func(number string) {
			inv, err := s.InvoiceByNumber(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Update(ctx, t0, func(tx *Tx) error {
				_, _, err := tx.RecordPayment(Payment{InvoiceID: inv.ID, Amount: inv.Balance, PaidOn: t0, Source: "manual"}, domain.ActorCLI)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		pay("F-2")
		type row struct {
			email, name string
			kind        domain.ClientKind
			invoices    int
			overdue     string
		}
		read := func(today time.Time) []row {
			t.Helper()
			cs, err := s.ClientSummaries(ctx, today)
			if err != nil {
				t.Fatal(err)
			}
			var out []row
			for _, c := range cs {
				r := row{c.Email, c.Name, c.Kind, c.Invoices, ""}
				for _, o := range c.Overdue {
					r.overdue += o.Amount.StringFixed(2) + " " + o.Currency + ";"
				}
				out = append(out, r)
			}
			return out
		}
		// The due date itself is not overdue yet.
		want := []row{
			{"z@nothing.fr", "", domain.ClientBusiness, 0, ""},
			{"a@martin.fr", "Client a@martin.fr", domain.ClientConsumer, 1, ""},
			{"b@dupont.fr", "Client b@dupont.fr", domain.ClientBusiness, 2, ""},
		}
		if got := read(t0.AddDate(0, 0, 30)); !reflect.DeepEqual(got, want) {
			t.Errorf("on the due date:\n%+v\nwant\n%+v", got, want)
		}
		want[1].overdue, want[2].overdue = "70.00 EUR;", "100.50 EUR;"
		if got := read(t0.AddDate(0, 0, 31)); !reflect.DeepEqual(got, want) {
			t.Errorf("the day after:\n%+v\nwant\n%+v", got, want)
		}
		one, err := s.ClientSummaryByEmail(ctx, " A@Martin.fr", t0.AddDate(0, 0, 31))
		if err != nil || one.Email != "a@martin.fr" || one.Kind != domain.ClientConsumer || len(one.Overdue) != 1 {
			t.Errorf("one client: %+v %v", one, err)
		}
		if _, err := s.ClientSummaryByEmail(ctx, "nobody@x.fr", t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown client: %v", err)
		}
	})
}
