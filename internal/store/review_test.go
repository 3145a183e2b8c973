package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func TestBucketOf(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		cases := []struct {
			due    time.Time
			bucket domain.Bucket
			days   int
		}{
			{time.Time{}, domain.BucketCurrent, 0},
			{today.AddDate(0, 0, 5), domain.BucketCurrent, -5},
			{today, domain.BucketCurrent, 0},
			{today.AddDate(0, 0, -1), domain.Bucket1to30, 1},
			{today.AddDate(0, 0, -30), domain.Bucket1to30, 30},
			{today.AddDate(0, 0, -31), domain.Bucket31to60, 31},
			{today.AddDate(0, 0, -60), domain.Bucket31to60, 60},
			{today.AddDate(0, 0, -61), domain.Bucket61to90, 61},
			{today.AddDate(0, 0, -90), domain.Bucket61to90, 90},
			{today.AddDate(0, 0, -91), domain.Bucket90Plus, 91},
		}
		for _, c := range cases {
			b, d := BucketOf(c.due, today)
			if b != c.bucket || d != c.days {
				t.Errorf("BucketOf(%s) = %s, %d; want %s, %d", c.due.Format(dateLayout), b, d, c.bucket, c.days)
			}
		}
	})
}

// seedAging adds invoices due n days before today (t0 + 30 days is their
// default due date, so the helper sets it explicitly).
func seedAging(t *testing.T, s *Store, today time.Time) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	rows := []struct {
		num, email, amount, cur string
		late                    int
	}{
		{"F-1", "a@example.com", "100", "EUR", -3},
		{"F-2", "a@example.com", "200", "EUR", 10},
		{"F-3", "b@example.com", "300.50", "EUR", 45},
		{"F-4", "b@example.com", "400", "EUR", 75},
		{"F-5", "c@example.com", "500", "EUR", 120},
		{"G-1", "c@example.com", "50", "GBP", 12},
	}
	err := s.Update(context.Background(), t0, func(tx *Tx) error {
		for _, r := range rows {
			c, err := tx.EnsureClient(r.email, "Client "+r.email, "fr")
			if err != nil {
				return err
			}
			id, _, err := tx.UpsertInvoice(NewInvoice{Number: r.num, ClientID: c.ID, Amount: decimal.RequireFromString(r.amount),
				Currency: r.cur, DueDate: today.AddDate(0, 0, -r.late)})
			if err != nil {
				return err
			}
			ids[r.num] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestAgingAndOverview(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		ids := seedAging(t, s, today)
		if err := s.Update(ctx, t0, func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: ids["F-5"], Amount: decimal.NewFromInt(500), PaidOn: t0}, domain.ActorCLI)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Aging(ctx, AgingFilter{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Matched != 5 || len(rep.Rows) != 5 {
			t.Fatalf("matched %d rows %d, want 5 (the paid one left out)", rep.Matched, len(rep.Rows))
		}
		if len(rep.Totals) != 2 || rep.Totals[0].Currency != "EUR" || rep.Totals[1].Currency != "GBP" {
			t.Fatalf("totals %+v", rep.Totals)
		}
		eur := rep.Totals[0]
		want := []string{"100", "200", "300.5", "400", "0"}
		for i, w := range want {
			if !eur.Buckets[i].Equal(decimal.RequireFromString(w)) {
				t.Errorf("EUR bucket %s = %s, want %s", domain.Buckets[i], eur.Buckets[i], w)
			}
		}
		if !eur.Total.Equal(decimal.RequireFromString("1000.5")) {
			t.Errorf("EUR total %s", eur.Total)
		}

		cases := []struct {
			name string
			f    AgingFilter
			want []string
		}{
			{"bucket 31-60", AgingFilter{Bucket: domain.Bucket31to60}, []string{"F-3"}},
			{"bucket current", AgingFilter{Bucket: domain.BucketCurrent}, []string{"F-1"}},
			{"bucket 90+ with settled", AgingFilter{Bucket: domain.Bucket90Plus, Settled: true}, []string{"F-5"}},
			{"search client", AgingFilter{Search: "B@EXAMPLE"}, []string{"F-4", "F-3"}},
			{"search number", AgingFilter{Search: "g-1"}, []string{"G-1"}},
			{"currency", AgingFilter{Currency: "GBP"}, []string{"G-1"}},
			{"page", AgingFilter{Limit: 2, Offset: 1}, []string{"F-3", "G-1"}},
		}
		for _, c := range cases {
			c.f.Today = today
			rep, err := s.Aging(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, r := range rep.Rows {
				got = append(got, r.Number)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: rows %v, want %v", c.name, got, c.want)
				continue
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s: rows %v, want %v", c.name, got, c.want)
					break
				}
			}
		}

		o, err := s.Overview(ctx, t0, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Overdue) != 2 || !o.Overdue[0].Amount.Equal(decimal.RequireFromString("900.5")) || o.Overdue[0].Count != 3 {
			t.Errorf("overdue %+v", o.Overdue)
		}
		if len(o.Outstanding) != 2 || !o.Outstanding[0].Amount.Equal(decimal.RequireFromString("1000.5")) {
			t.Errorf("outstanding %+v", o.Outstanding)
		}
	})
}

func TestFlagDecisions(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-9", "x@example.com", "120")
		var flagID int64
		err := s.Update(ctx, t0, func(tx *Tx) error {
			if err := tx.SetInvoiceState(inv, domain.StateDisputed); err != nil {
				return err
			}
			msg, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 7, Role: "inbox", MessageID: "m7@x",
				From: "x@example.com", Subject: "Re: F-9", Date: t0, Class: "dispute", InvoiceID: inv})
			if err != nil {
				return err
			}
			if err := tx.SetMessageText(msg, "Xavier Dupont", "Hello,\nthe work is not finished.\nXavier"); err != nil {
				return err
			}
			flagID, err = tx.OpenFlag(Flag{Kind: "dispute", InvoiceID: inv, MessageID: msg, Evidence: []string{"the work is not finished"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		fd, err := s.Flag(ctx, flagID)
		if err != nil {
			t.Fatal(err)
		}
		if fd.Message.Subject != "Re: F-9" || fd.ClientEmail != "x@example.com" || fd.InvoiceNum != "F-9" || fd.Evidence[0] != "the work is not finished" ||
			fd.FromName != "Xavier Dupont" || !strings.Contains(fd.ReplyText, "not finished") {
			t.Fatalf("flag detail %+v", fd)
		}
		steps := []struct {
			name string
			fn   func(*Tx) error
			want error
		}{
			{"acknowledge", func(tx *Tx) error { return tx.AcknowledgeFlag(flagID, domain.ActorWeb, "") }, nil},
			{"acknowledge twice", func(tx *Tx) error { return tx.AcknowledgeFlag(flagID, domain.ActorWeb, "") }, ErrWrongStatus},
			{"resolve", func(tx *Tx) error { return tx.ResolveFlag(flagID, domain.ActorWeb, "credit note agreed") }, nil},
			{"resolve twice", func(tx *Tx) error { return tx.ResolveFlag(flagID, domain.ActorWeb, "again") }, ErrWrongStatus},
			{"resume", func(tx *Tx) error { return tx.ResumeChasing(inv, domain.ActorWeb, "settled by phone") }, nil},
			{"resume open", func(tx *Tx) error { return tx.ResumeChasing(inv, domain.ActorWeb, "") }, ErrWrongStatus},
			{"stop", func(tx *Tx) error { return tx.StopChasing(inv, domain.ActorWeb, "friend of the family") }, nil},
			{"stop twice", func(tx *Tx) error { return tx.StopChasing(inv, domain.ActorWeb, "") }, ErrWrongStatus},
			{"missing flag", func(tx *Tx) error { return tx.ResolveFlag(999, domain.ActorWeb, "") }, ErrNotFound},
		}
		for _, st := range steps {
			err := s.Update(ctx, t0, st.fn)
			if (st.want == nil && err != nil) || (st.want != nil && !errors.Is(err, st.want)) {
				t.Fatalf("%s: err %v, want %v", st.name, err, st.want)
			}
		}
		fd, _ = s.Flag(ctx, flagID)
		if fd.Status != domain.FlagResolved || fd.Resolution != "credit note agreed" || fd.ResolvedAt.IsZero() {
			t.Errorf("resolved flag %+v", fd)
		}
		got, _ := s.InvoiceByID(ctx, inv)
		if got.State != domain.StateOnHold {
			t.Errorf("state %s, want on_hold", got.State)
		}
		tl, err := s.Timeline(ctx, inv)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range tl {
			kinds = append(kinds, string(e.Kind))
		}
		want := []string{"invoice_discovered", "flag_acknowledged", "flag_resolved", "chasing_resumed", "chasing_stopped"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		hist, err := s.ClientHistory(ctx, got.Client.ID, 3)
		if err != nil || len(hist) != 3 || hist[0].Kind != "chasing_stopped" || hist[0].InvoiceNumber != "F-9" {
			t.Errorf("history %+v %v", hist, err)
		}
	})
}

func TestDraftDecisions(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-10", "y@example.com", "80")
		got, _ := s.InvoiceByID(ctx, inv)
		hold := t0.Add(24 * time.Hour)
		newDraft := func(n int) int64 {
			var id int64
			err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				id, err = tx.CreateDraft(NewDraft{ClientID: got.Client.ID, Stage: "friendly", To: []string{"y@example.com"},
					Subject: "Rappel", Body: "Bonjour", HoldUntil: hold, MessageID: fmt.Sprintf("d%d@x", n), InvoiceIDs: []int64{inv}}, domain.ActorDaemon)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		d1, d2 := newDraft(1), newDraft(2)
		early := t0.Add(time.Hour)
		if err := s.Update(ctx, early, func(tx *Tx) error { return tx.ApproveDraft(d1, domain.ActorWeb, "") }); !errors.Is(err, ErrHoldNotOver) {
			t.Fatalf("early approval without override: %v", err)
		}
		if err := s.Update(ctx, early, func(tx *Tx) error { return tx.ApproveDraft(d1, domain.ActorWeb, "client asked for it today") }); err != nil {
			t.Fatalf("early approval with override: %v", err)
		}
		if err := s.Update(ctx, early, func(tx *Tx) error { return tx.ReviseDraft(d1, "Rappel", "Bonjour, merci", domain.ActorWeb) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, hold, func(tx *Tx) error { return tx.ApproveDraft(d1, domain.ActorWeb, "") }); err != nil {
			t.Fatalf("approval after the hold: %v", err)
		}
		if err := s.Update(ctx, hold, func(tx *Tx) error { return tx.CancelDraft(d2, domain.ActorWeb, "duplicate") }); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, hold, func(tx *Tx) error { return tx.CancelDraft(d2, domain.ActorWeb, "") }); !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("cancel twice: %v", err)
		}
		d, _ := s.DraftDetail(ctx, d1)
		if d.Status != domain.DraftApproved || d.Body != "Bonjour, merci" {
			t.Errorf("draft %+v", d.Draft)
		}
		tl, _ := s.Timeline(ctx, inv)
		var overridden bool
		for _, e := range tl {
			if e.Kind == "draft_approved" && e.DraftID == d1 && string(e.Detail) != "" &&
				strings.Contains(string(e.Detail), "hold overridden: client asked for it today") {
				overridden = true
			}
		}
		if !overridden {
			t.Errorf("the override reason is not in the timeline: %+v", tl)
		}
	})
}

func TestBucketBoundsAgreeWithBucketOf(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		b := newBucketBounds(today)
		for n := -5; n <= 130; n++ {
			due := today.AddDate(0, 0, -n)
			want, _ := BucketOf(due, today)
			if got := b.bucket(due.Format(dateLayout)); got != want {
				t.Errorf("%d days late: %s, want %s", n, got, want)
			}
		}
	})
}
