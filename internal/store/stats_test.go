package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Decimal text becomes exact millionths, whatever its sign and precision.
func TestMicroUnits(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		cases := []struct {
			in   string
			want int64
		}{
			{"0", 0},
			{"100", 100_000_000},
			{"100.1", 100_100_000},
			{"0.000001", 1},
			{"1234.56", 1_234_560_000},
			{"-5.5", -5_500_000},
			{"-0.25", -250_000},
			{"12.3456789", 12_345_679}, // beyond millionths is rounded
			{"999999999.99", 999_999_999_990_000},
		}
		for _, c := range cases {
			var got int64
			if err := s.db.QueryRow(`SELECT `+microUnits("v")+` FROM (SELECT CAST(? AS TEXT) AS v) AS x`, c.in).Scan(&got); err != nil {
				t.Fatalf("%s: %v", c.in, err)
			}
			if got != c.want {
				t.Errorf("microUnits(%s) = %d, want %d", c.in, got, c.want)
			}
		}
	})
}

func TestStats(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		// 1 March 2026 in the business's calendar; ages from this instant.
		now := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC)
		today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		ids := map[string]int64{}
		update := func(at time.Time, fn func(tx *Tx) error) {
			t.Helper()
			if err := s.Update(ctx, at, fn); err != nil {
				t.Fatal(err)
			}
		}
		add := func(num, kind, email, amount, cur string, issue, due time.Time) {
			update(now, func(tx *Tx) error {
				c, err := tx.EnsureClient(email, "", "fr")
				if err != nil {
					return err
				}
				ids[num], _, err = tx.UpsertInvoice(NewInvoice{Number: num, Kind: kind, ClientID: c.ID,
					Amount: decimal.RequireFromString(amount), Currency: cur, IssueDate: issue, DueDate: due})
				return err
			})
		}
		add("F-1", "", "a@x.fr", "100.10", "EUR", day(2026, 2, 15), day(2026, 3, 1))     // current
		add("F-2", "", "a@x.fr", "200", "EUR", day(2026, 1, 29), day(2026, 2, 28))       // 1 day late
		add("F-3", "", "b@x.fr", "300", "EUR", day(2025, 12, 31), day(2026, 1, 30))      // 30 days late
		add("F-4", "", "b@x.fr", "400", "EUR", day(2025, 12, 30), day(2026, 1, 29))      // 31 days late
		add("F-5", "", "c@x.uk", "50", "GBP", day(2025, 10, 2), time.Time{})             // no due date: current
		add("F-6", "", "c@x.uk", "999", "GBP", day(2025, 10, 2), day(2025, 11, 1))       // paid 10 days late
		add("F-7", "", "a@x.fr", "80", "EUR", day(2026, 1, 11), day(2026, 2, 10))        // promised, paid 5 days early
		add("F-8", "", "a@x.fr", "70", "EUR", day(2026, 2, 1), day(2026, 3, 1))          // cancelled
		add("CN-1", "credit_note", "a@x.fr", "50", "EUR", day(2026, 2, 20), time.Time{}) // not a sale, not owed
		add("F-9", "", "d@x.us", "10.5", "USD", day(2024, 1, 1), day(2024, 1, 31))       // 2 years late, no recent sale

		update(now, func(tx *Tx) error {
			if err := tx.SetInvoiceState(ids["F-8"], domain.StateCancelled); err != nil {
				return err
			}
			if err := tx.SetInvoiceState(ids["F-4"], domain.StatePromised); err != nil {
				return err
			}
			if err := tx.SetPromise(ids["F-4"], day(2026, 2, 20)); err != nil {
				return err
			}
			if _, err := tx.OpenFlag(Flag{Kind: "broken_promise", InvoiceID: ids["F-4"]}); err != nil {
				return err
			}
			if err := tx.SetPromise(ids["F-3"], day(2026, 3, 10)); err != nil { // pending
				return err
			}
			if err := tx.SetPromise(ids["F-7"], day(2026, 2, 6)); err != nil { // kept
				return err
			}
			if _, _, err := tx.RecordPayment(Payment{InvoiceID: ids["F-7"], Amount: decimal.RequireFromString("80"), PaidOn: day(2026, 2, 5), Source: "manual"}, domain.ActorCLI); err != nil {
				return err
			}
			// Paid in two parts: the last one settles it.
			if _, _, err := tx.RecordPayment(Payment{InvoiceID: ids["F-6"], Amount: decimal.RequireFromString("500"), PaidOn: day(2025, 11, 3), Source: "manual"}, domain.ActorCLI); err != nil {
				return err
			}
			_, _, err := tx.RecordPayment(Payment{InvoiceID: ids["F-6"], Amount: decimal.RequireFromString("499"), PaidOn: day(2025, 11, 11), Source: "manual"}, domain.ActorCLI)
			return err
		})

		var clientID int64
		update(now, func(tx *Tx) error {
			c, err := tx.EnsureClient("a@x.fr", "", "")
			clientID = c.ID
			return err
		})
		draft := func(at time.Time, msgID, stage string, status domain.DraftStatus) {
			update(at, func(tx *Tx) error {
				id, err := tx.CreateDraft(NewDraft{ClientID: clientID, Stage: stage, To: []string{"a@x.fr"}, Subject: "s", Body: "b",
					HoldUntil: at.Add(24 * time.Hour), MessageID: msgID, InvoiceIDs: []int64{ids["F-2"]}}, domain.ActorDaemon)
				if err != nil || status == domain.DraftHeld {
					return err
				}
				return tx.SetDraftStatus(id, status, domain.ActorDaemon, "")
			})
		}
		draft(now.Add(-50*time.Hour), "<1@x>", "friendly", domain.DraftHeld)
		draft(now.Add(-time.Hour), "<2@x>", "friendly", domain.DraftHeld)
		draft(now.Add(-200*time.Hour), "<3@x>", "friendly", domain.DraftSent)
		draft(now.Add(-300*time.Hour), "<4@x>", "second", domain.DraftSent)
		draft(now.Add(-400*time.Hour), "<5@x>", "friendly", domain.DraftCancelled)

		flag := func(at time.Time, kind domain.FlagKind, status domain.FlagStatus) {
			update(at, func(tx *Tx) error {
				id, err := tx.OpenFlag(Flag{Kind: kind, InvoiceID: ids["F-1"]})
				if err != nil {
					return err
				}
				switch status {
				case domain.FlagAcknowledged:
					return tx.AcknowledgeFlag(id, domain.ActorWeb, "")
				case domain.FlagResolved:
					return tx.ResolveFlag(id, domain.ActorWeb, "done")
				}
				return nil
			})
		}
		flag(now.Add(-30*time.Hour), "dispute", domain.FlagOpen)
		flag(now.Add(-100*time.Hour), "dispute", domain.FlagAcknowledged)
		flag(now.Add(-10*time.Hour), "hardship", domain.FlagAcknowledged)
		flag(now.Add(-500*time.Hour), "triage", domain.FlagResolved)

		got, err := s.Stats(ctx, StatsOptions{Today: today, AgeBounds: []int{0, 30, 60, 90}})
		if err != nil {
			t.Fatal(err)
		}
		d := decimal.RequireFromString
		want := Stats{
			InvoicesByState: map[domain.State]int{domain.StateOpen: 6, domain.StatePromised: 1, domain.StatePaid: 2, domain.StateCancelled: 1},
			Outstanding: []AgedBalance{
				{"EUR", 0, d("100.1")}, {"EUR", 1, d("500")}, {"EUR", 2, d("400")},
				{"GBP", 0, d("50")},
				{"USD", 4, d("10.5")},
			},
			DraftsByStatus: map[domain.DraftStatus]int{domain.DraftHeld: 2, domain.DraftSent: 2, domain.DraftCancelled: 1},
			OldestHeld:     now.Add(-50 * time.Hour),
			Flags: []FlagStat{
				{Kind: "broken_promise", Unresolved: 1, OldestOpen: now},
				{Kind: "dispute", Unresolved: 2, OldestOpen: now.Add(-30 * time.Hour)},
				{Kind: "hardship", Unresolved: 1},
			},
			PromisesPending: 1,
			RemindersSent:   map[string]int{"friendly": 1, "second": 1},
		}
		for i := range got.Outstanding {
			got.Outstanding[i].Amount = d(got.Outstanding[i].Amount.String())
		}
		for i := range want.Outstanding {
			want.Outstanding[i].Amount = d(want.Outstanding[i].Amount.String())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Stats =\n%+v\nwant\n%+v", got, want)
		}

		trends, err := s.Trends(ctx, TrendsOptions{Today: today, SalesMonths: 12, CohortDays: 365})
		if err != nil {
			t.Fatal(err)
		}
		zeros := func(n int) []decimal.Decimal { return make([]decimal.Decimal, n) }
		eur, gbp := zeros(12), zeros(12)
		eur[1], eur[2], eur[3] = d("100.1"), d("280"), d("700")
		gbp[5] = d("1049")
		wantTrends := Trends{
			MonthlySales:   map[string][]decimal.Decimal{"EUR": eur, "GBP": gbp},
			PaymentDelay:   PaymentDelay{Invoices: 2, SumDays: 10 - 5},
			PromisesKept:   1,
			PromisesBroken: 1,
		}
		for cur, months := range trends.MonthlySales {
			for i, m := range months {
				if !m.Equal(wantTrends.MonthlySales[cur][i]) {
					t.Errorf("sales %s month -%d = %s, want %s", cur, i, m, wantTrends.MonthlySales[cur][i])
				}
			}
		}
		if len(trends.MonthlySales) != len(wantTrends.MonthlySales) {
			t.Errorf("sales currencies: %v", trends.MonthlySales)
		}
		trends.MonthlySales, wantTrends.MonthlySales = nil, nil
		if !reflect.DeepEqual(trends, wantTrends) {
			t.Errorf("Trends = %+v, want %+v", trends, wantTrends)
		}
	})
}

func TestStatsEmptyStore(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		got, err := s.Stats(context.Background(), StatsOptions{Today: now, AgeBounds: []int{0, 30}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Outstanding) != 0 || len(got.InvoicesByState) != 0 || !got.OldestHeld.IsZero() || got.PromisesPending != 0 {
			t.Errorf("empty store: %+v", got)
		}
		tr, err := s.Trends(context.Background(), TrendsOptions{Today: now, SalesMonths: 3, CohortDays: 30})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.MonthlySales) != 0 || tr.PaymentDelay != (PaymentDelay{}) || tr.PromisesKept != 0 || tr.PromisesBroken != 0 {
			t.Errorf("empty store: %+v", tr)
		}
	})
}

func TestStatsCancelled(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Stats(ctx, StatsOptions{Today: t0}); err == nil {
			t.Fatal("Stats with a cancelled context succeeded")
		}
		if _, err := s.Trends(ctx, TrendsOptions{Today: t0}); err == nil {
			t.Fatal("Trends with a cancelled context succeeded")
		}
	})
}
