package metrics

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestBucket(t *testing.T) {
	cases := map[int]string{-5: "current", 0: "current", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90", 91: "90+", 400: "90+"}
	for days, want := range cases {
		if got := string(domain.BucketOf(days)); got != want {
			t.Errorf("Bucket(%d) = %s, want %s", days, got, want)
		}
	}
}

func TestDSO(t *testing.T) {
	d := decimal.RequireFromString
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		receivable string
		sales      []string
		want       float64
	}{
		{"nothing owed", "0", []string{"100", "100"}, 0},
		{"within the current month", "50", []string{"100", "100"}, 5},                              // half of 10 days
		{"into February", "150", []string{"100", "100"}, 10 + 14},                                  // 28 days × 50/100
		{"a month without sales counts whole", "150", []string{"100", "0", "100"}, 10 + 28 + 15.5}, // January: 31 × 50/100
		{"beyond every month", "1000", []string{"100", "100"}, 10 + 28},
		{"no sales at all", "10", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sales []decimal.Decimal
			for _, s := range c.sales {
				sales = append(sales, d(s))
			}
			if got := DSO(d(c.receivable), sales, today); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("DSO = %v, want %v", got, c.want)
			}
		})
	}
}

// fixture fills a store with a small ledger around a month end, in several
// currencies, with drafts, flags, promises and payments. now is
// 1 March 2026 00:30 in Paris, still 28 February in UTC.
func fixture(t testing.TB) (*store.Store, time.Time, *time.Location) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 30, 0, 0, paris)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	upd := func(at time.Time, fn func(tx *store.Tx) error) {
		t.Helper()
		if err := st.Update(ctx, at, fn); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	add := func(num, kind, email, amount, cur string, issue, due time.Time) {
		upd(now, func(tx *store.Tx) error {
			c, err := tx.EnsureClient(email, "", "fr")
			if err != nil {
				return err
			}
			ids[num], _, err = tx.UpsertInvoice(store.NewInvoice{Number: num, Kind: kind, ClientID: c.ID,
				Amount: decimal.RequireFromString(amount), Currency: cur, IssueDate: issue, DueDate: due})
			return err
		})
	}
	add("F-1", "", "a@x.fr", "100.10", "EUR", day(2026, 2, 15), day(2026, 3, 1))     // due today in Paris: current
	add("F-2", "", "a@x.fr", "200", "EUR", day(2026, 1, 29), day(2026, 2, 28))       // 1 day late
	add("F-3", "", "b@x.fr", "300", "EUR", day(2025, 12, 31), day(2026, 1, 30))      // 30 days late
	add("F-4", "", "b@x.fr", "400", "EUR", day(2025, 12, 30), day(2026, 1, 29))      // 31 days late
	add("F-5", "", "c@x.uk", "50", "GBP", day(2025, 10, 2), day(2025, 11, 1))        // 120 days late
	add("F-6", "", "c@x.uk", "999", "GBP", day(2025, 10, 2), day(2025, 11, 1))       // paid 10 days late
	add("F-7", "", "d@x.us", "250.50", "USD", day(2025, 11, 1), day(2025, 12, 1))    // 90 days late
	add("F-8", "", "a@x.fr", "80", "EUR", day(2026, 1, 11), day(2026, 2, 10))        // promised, paid 5 days early
	add("F-9", "", "a@x.fr", "70", "EUR", day(2026, 2, 1), day(2026, 1, 1))          // cancelled
	add("CN-1", "credit_note", "a@x.fr", "50", "EUR", day(2026, 2, 20), time.Time{}) // not owed
	upd(now, func(tx *store.Tx) error {
		for _, step := range []func() error{
			func() error { return tx.SetInvoiceState(ids["F-9"], domain.StateCancelled) },
			func() error { return tx.SetInvoiceState(ids["F-2"], domain.StatePromised) }, // pending
			func() error { return tx.SetInvoiceState(ids["F-4"], domain.StatePromised) }, // broken
			func() error { return tx.SetPromise(ids["F-4"], day(2026, 2, 20)) },
			func() error { return tx.SetInvoiceState(ids["F-8"], domain.StatePromised) }, // kept
			func() error { return tx.SetPromise(ids["F-8"], day(2026, 2, 6)) },
			func() error {
				_, _, err := tx.RecordPayment(store.Payment{InvoiceID: ids["F-8"], Amount: decimal.RequireFromString("80"), PaidOn: day(2026, 2, 5), Source: "manual"}, domain.ActorCLI)
				return err
			},
			func() error {
				_, _, err := tx.RecordPayment(store.Payment{InvoiceID: ids["F-6"], Amount: decimal.RequireFromString("999"), PaidOn: day(2025, 11, 11), Source: "manual"}, domain.ActorCLI)
				return err
			},
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	var clientID int64
	upd(now, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("a@x.fr", "", "")
		clientID = c.ID
		return err
	})
	draft := func(at time.Time, msgID, stage string, status domain.DraftStatus) {
		upd(at, func(tx *store.Tx) error {
			id, err := tx.CreateDraft(store.NewDraft{ClientID: clientID, Stage: stage, To: []string{"a@x.fr"}, Subject: "s", Body: "b",
				HoldUntil: at.Add(24 * time.Hour), MessageID: msgID, InvoiceIDs: []int64{ids["F-1"]}}, domain.ActorDaemon)
			if err != nil || status == domain.DraftHeld {
				return err
			}
			return tx.SetDraftStatus(id, status, domain.ActorDaemon, "")
		})
	}
	draft(now.Add(-50*time.Hour), "<1@x>", "friendly", domain.DraftHeld)
	draft(now.Add(-time.Hour), "<2@x>", "second", domain.DraftHeld)
	draft(now.Add(-200*time.Hour), "<3@x>", "friendly", domain.DraftSent)
	draft(now.Add(-250*time.Hour), "<4@x>", "friendly", domain.DraftSent)
	draft(now.Add(-300*time.Hour), "<5@x>", "second", domain.DraftSent)
	draft(now.Add(-400*time.Hour), "<6@x>", "friendly", domain.DraftCancelled)
	draft(now.Add(-3*time.Hour), "<7@x>", "friendly", domain.DraftApproved)
	flagAt := func(at time.Time, kind domain.FlagKind, status domain.FlagStatus, inv int64) {
		upd(at, func(tx *store.Tx) error {
			id, err := tx.OpenFlag(store.Flag{Kind: kind, InvoiceID: inv})
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
	flagAt(now.Add(-30*time.Hour), "dispute", domain.FlagOpen, ids["F-3"])
	flagAt(now.Add(-100*time.Hour), "dispute", domain.FlagAcknowledged, ids["F-1"])
	flagAt(now.Add(-10*time.Hour), "hardship", domain.FlagAcknowledged, ids["F-5"])
	flagAt(now.Add(-500*time.Hour), "triage", domain.FlagResolved, 0)
	flagAt(now.Add(-2*time.Hour), "broken_promise", domain.FlagOpen, ids["F-4"])
	return st, now, paris
}

// storeMetrics are every metric the store collector exports but its own
// duration (not deterministic).
var storeMetrics = []string{
	"relance_invoices", "relance_outstanding_amount", "relance_dso_seconds", "relance_payment_delay_average_seconds",
	"relance_payment_delay_invoices", "relance_drafts", "relance_drafts_oldest_held_age_seconds", "relance_flags_open",
	"relance_flags_oldest_open_age_seconds", "relance_promises", "relance_reminders_sent_total",
	"relance_overdue_weekly_amount", "relance_top_debtor_overdue_amount", "relance_top_debtor_outstanding_amount",
	"relance_clients", "relance_overdue_by_segment_amount", "relance_scrape_success",
}

// The whole exposition is compared with a golden file; the values that
// matter are also checked one by one below, computed by hand.
func TestStoreCollector(t *testing.T) {
	st, now, paris := fixture(t)
	c := NewStoreCollector(st, func() time.Time { return now }, paris, time.Second, nil)
	golden := filepath.Join("testdata", "collector.golden")
	if *update {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(c)
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		for _, mf := range mfs {
			if mf.GetName() == "relance_scrape_duration_seconds" {
				continue
			}
			if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.CollectAndCompare(c, bytes.NewReader(want), storeMetrics...); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", err, problems)
	}

	h := float64(time.Hour / time.Second)
	dso := func(days ...float64) float64 {
		s := 0.0
		for _, d := range days {
			s += d
		}
		return s
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"relance_invoices", map[string]string{"state": "open"}, 5}, // F-1, F-3, F-5, F-7, CN-1
		{"relance_invoices", map[string]string{"state": "promised"}, 2},
		{"relance_invoices", map[string]string{"state": "paid"}, 2},
		{"relance_invoices", map[string]string{"state": "cancelled"}, 1},
		{"relance_invoices", map[string]string{"state": "disputed"}, 0},
		{"relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "current"}, 100.1},
		{"relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "1-30"}, 500},
		{"relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "31-60"}, 400},
		{"relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "90+"}, 0},
		{"relance_outstanding_amount", map[string]string{"currency": "GBP", "bucket": "90+"}, 50},
		{"relance_outstanding_amount", map[string]string{"currency": "GBP", "bucket": "current"}, 0},
		{"relance_outstanding_amount", map[string]string{"currency": "USD", "bucket": "61-90"}, 250.5},
		// EUR: 1000.10 owed; March to date (1 day) and February (28) sold
		// 0 and 100.10, January 280, December 700 of which 620 remain.
		{"relance_dso_seconds", map[string]string{"currency": "EUR"}, 86400 * dso(1, 28, 31, 31*620/700.0)},
		// GBP: 50 owed, 1049 sold in October, nothing since.
		{"relance_dso_seconds", map[string]string{"currency": "GBP"}, 86400 * dso(1, 28, 31, 31, 30, 31*50/1049.0)},
		{"relance_dso_seconds", map[string]string{"currency": "USD"}, 86400 * dso(1, 28, 31, 31, 30)},
		{"relance_payment_delay_average_seconds", nil, (10 - 5) / 2.0 * 86400},
		{"relance_payment_delay_invoices", nil, 2},
		{"relance_drafts", map[string]string{"status": "held"}, 2},
		{"relance_drafts", map[string]string{"status": "approved"}, 1},
		{"relance_drafts", map[string]string{"status": "sent"}, 3},
		{"relance_drafts", map[string]string{"status": "cancelled"}, 1},
		{"relance_drafts", map[string]string{"status": "superseded"}, 0},
		{"relance_drafts_oldest_held_age_seconds", nil, 50 * h},
		{"relance_flags_open", map[string]string{"kind": "dispute"}, 2},
		{"relance_flags_open", map[string]string{"kind": "hardship"}, 1},
		{"relance_flags_open", map[string]string{"kind": "broken_promise"}, 1},
		{"relance_flags_oldest_open_age_seconds", map[string]string{"kind": "dispute"}, 30 * h},
		{"relance_flags_oldest_open_age_seconds", map[string]string{"kind": "broken_promise"}, 2 * h},
		{"relance_promises", map[string]string{"outcome": "kept"}, 1},
		{"relance_promises", map[string]string{"outcome": "broken"}, 1},
		{"relance_promises", map[string]string{"outcome": "pending"}, 1},
		{"relance_reminders_sent_total", map[string]string{"stage": "friendly"}, 2},
		{"relance_reminders_sent_total", map[string]string{"stage": "second"}, 1},
		// The weekly amount overdue, from the invoices' dates. Today
		// (1 March): F-2 200 + F-3 300 + F-4 400, as the buckets say.
		{"relance_overdue_weekly_amount", map[string]string{"currency": "EUR", "weeks_ago": "0"}, 900},
		// 22 February: F-2 not due yet; F-3 300, F-4 400, and F-9 70,
		// cancelled only on 1 March; F-8 was paid on 5 February.
		{"relance_overdue_weekly_amount", map[string]string{"currency": "EUR", "weeks_ago": "1"}, 770},
		{"relance_overdue_weekly_amount", map[string]string{"currency": "GBP", "weeks_ago": "0"}, 50},
		// 14 December 2025: F-6 paid on 11 November, F-5 still owed.
		{"relance_overdue_weekly_amount", map[string]string{"currency": "GBP", "weeks_ago": "11"}, 50},
		{"relance_overdue_weekly_amount", map[string]string{"currency": "USD", "weeks_ago": "11"}, 250.5},
		// The euros first (four invoices owed), then GBP and USD.
		{"relance_top_debtor_overdue_amount", map[string]string{"rank": "1", "client": "b@x.fr", "currency": "EUR"}, 700},
		{"relance_top_debtor_outstanding_amount", map[string]string{"rank": "1", "client": "b@x.fr", "currency": "EUR"}, 700},
		{"relance_top_debtor_overdue_amount", map[string]string{"rank": "2", "client": "a@x.fr", "currency": "EUR"}, 200},
		{"relance_top_debtor_outstanding_amount", map[string]string{"rank": "2", "client": "a@x.fr", "currency": "EUR"}, 300.1},
		{"relance_top_debtor_overdue_amount", map[string]string{"rank": "3", "client": "c@x.uk", "currency": "GBP"}, 50},
		{"relance_top_debtor_overdue_amount", map[string]string{"rank": "4", "client": "d@x.us", "currency": "USD"}, 250.5},
		// Segments: a@x.fr measured on F-2 (1 day late, within the grace)
		// and F-8 (paid early): punctual. b@x.fr late 30 and 31 days on
		// both, c@x.uk 120 days on F-5 and 10 on F-6: chronic. d@x.us late
		// on its only invoice: occasional (one late invoice is no habit).
		// All four are new: a@x.fr has three invoices but its first is
		// from January, the others fewer than three.
		{"relance_clients", map[string]string{"segment": "new_punctual"}, 1},
		{"relance_clients", map[string]string{"segment": "new_chronic"}, 2},
		{"relance_clients", map[string]string{"segment": "new_occasional"}, 1},
		{"relance_clients", map[string]string{"segment": "regular_chronic"}, 0},
		{"relance_overdue_by_segment_amount", map[string]string{"segment": "new_punctual", "currency": "EUR"}, 200},
		{"relance_overdue_by_segment_amount", map[string]string{"segment": "new_chronic", "currency": "EUR"}, 700},
		{"relance_overdue_by_segment_amount", map[string]string{"segment": "new_chronic", "currency": "GBP"}, 50},
		{"relance_overdue_by_segment_amount", map[string]string{"segment": "new_occasional", "currency": "USD"}, 250.5},
		{"relance_overdue_by_segment_amount", map[string]string{"segment": "regular_chronic", "currency": "USD"}, 0},
		{"relance_scrape_success", nil, 1},
	}
	got := gather(t, c)
	for _, ck := range checks {
		v, ok := value(got, ck.name, ck.labels)
		if !ok {
			t.Errorf("%s%v: missing", ck.name, ck.labels)
			continue
		}
		if math.Abs(v-ck.want) > 1e-9 {
			t.Errorf("%s%v = %v, want %v", ck.name, ck.labels, v, ck.want)
		}
	}
	for _, absent := range []struct {
		name   string
		labels map[string]string
	}{
		{"relance_flags_oldest_open_age_seconds", map[string]string{"kind": "hardship"}}, // acknowledged only
		{"relance_flags_open", map[string]string{"kind": "triage"}},                      // resolved
	} {
		if _, ok := value(got, absent.name, absent.labels); ok {
			t.Errorf("%s%v: present, want absent", absent.name, absent.labels)
		}
	}
}

// An hour later in UTC the business's day is the same, and no invoice
// changes bucket; at the next Paris midnight F-1 becomes overdue and F-3,
// 31 days late, leaves the 1-30 bucket.
func TestBucketsFollowBusinessDay(t *testing.T) {
	st, now, paris := fixture(t)
	cases := []struct {
		at          time.Time
		current, b1 float64
	}{
		{now, 100.1, 500},
		{now.Add(23 * time.Hour), 100.1, 500},
		{now.Add(24 * time.Hour), 0, 300.1},
	}
	for _, c := range cases {
		col := NewStoreCollector(st, func() time.Time { return c.at }, paris, time.Second, nil)
		got := gather(t, col)
		cur, _ := value(got, "relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "current"})
		b1, _ := value(got, "relance_outstanding_amount", map[string]string{"currency": "EUR", "bucket": "1-30"})
		if math.Abs(cur-c.current) > 1e-9 || math.Abs(b1-c.b1) > 1e-9 {
			t.Errorf("at %s: current %v, 1-30 %v; want %v, %v", c.at, cur, b1, c.current, c.b1)
		}
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
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), storeMetrics...); err != nil {
		t.Fatal(err)
	}
}

// The registry New builds holds the counters at zero before anything
// happened, and passes the client library's lint.
func TestNewRegistry(t *testing.T) {
	st, now, paris := fixture(t)
	m := New(st, BuildInfo{Version: "1.2.3", Revision: "abc"}, func() time.Time { return now }, paris, nil)
	m.SMTPFailures.WithLabelValues(FailureKind(true)).Inc()
	m.SMTPSent.Inc()
	m.SMTPSent.Inc()
	m.ReplyClassified("paid")
	m.ReplyClassified("paid")
	m.ReplyClassified("not-a-class")
	want := `
# HELP relance_smtp_failures_total Failed SMTP submissions, by kind: temporary (retried later) or permanent (the draft is stopped and flagged).
# TYPE relance_smtp_failures_total counter
relance_smtp_failures_total{kind="permanent"} 0
relance_smtp_failures_total{kind="temporary"} 1
# HELP relance_smtp_sent_total Reminders the SMTP server accepted.
# TYPE relance_smtp_sent_total counter
relance_smtp_sent_total 2
# HELP relance_messages_ingested_total Messages read from the mailbox and recorded, by folder role.
# TYPE relance_messages_ingested_total counter
relance_messages_ingested_total{folder="drafts"} 0
relance_messages_ingested_total{folder="extra"} 0
relance_messages_ingested_total{folder="inbox"} 0
relance_messages_ingested_total{folder="sent"} 0
# HELP relance_replies_total Client replies read in the inbox and classified, by class.
# TYPE relance_replies_total counter
relance_replies_total{class="auto_reply"} 0
relance_replies_total{class="bounce"} 0
relance_replies_total{class="dispute"} 0
relance_replies_total{class="grievance"} 0
relance_replies_total{class="hardship"} 0
relance_replies_total{class="info_request"} 0
relance_replies_total{class="other"} 1
relance_replies_total{class="paid"} 2
relance_replies_total{class="promise"} 0
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want),
		"relance_smtp_failures_total", "relance_smtp_sent_total", "relance_messages_ingested_total", "relance_replies_total"); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.GatherAndLint(m.Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "relance_") {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
	n, err := testutil.GatherAndCount(m.Registry, "relance_build_info")
	if err != nil || n != 1 {
		t.Errorf("relance_build_info: %d series, %v", n, err)
	}
}

// BenchmarkScrape measures one scrape of a store holding 100,000 invoices,
// as the daemon serves it (trends from their cache).
func BenchmarkScrape(b *testing.B) {
	st, now := bigStore(b, 100_000)
	c := NewStoreCollector(st, func() time.Time { return now }, time.UTC, 10*time.Second, nil).WithTrendsCache(TrendsMaxAge)
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	for b.Loop() {
		mfs, err := reg.Gather()
		if err != nil || len(mfs) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrends measures the background refresh of the slow figures.
func BenchmarkTrends(b *testing.B) {
	st, now := bigStore(b, 100_000)
	for b.Loop() {
		if _, err := st.Trends(context.Background(), store.TrendsOptions{Today: now, SalesMonths: DSOMonths, CohortDays: CohortDays}); err != nil {
			b.Fatal(err)
		}
	}
}

func gather(t testing.TB, c prometheus.Collector) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

// value finds the series of name whose labels are exactly labels.
func value(mfs []*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue metric
				}
			}
			switch {
			case m.Gauge != nil:
				return m.GetGauge().GetValue(), true
			case m.Counter != nil:
				return m.GetCounter().GetValue(), true
			}
		}
	}
	return 0, false
}

// BenchmarkSegments measures the clients' segments, read with the slow
// figures: a scorecard per client (2,000 clients over 100,000 invoices).
func BenchmarkSegments(b *testing.B) {
	st, now := bigStore(b, 100_000)
	c := NewStoreCollector(st, func() time.Time { return now }, time.UTC, time.Minute, nil)
	for b.Loop() {
		if _, err := c.readSegments(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}

// As the daemon serves them (with the cache), the segments of a small
// ledger are on the first scrape: the scrape waits for their reading
// within its own timeout.
func TestSegmentsWithTheCache(t *testing.T) {
	st, now, paris := fixture(t)
	c := NewStoreCollector(st, func() time.Time { return now }, paris, 10*time.Second, nil).WithTrendsCache(TrendsMaxAge)
	if v, ok := value(gather(t, c), "relance_clients", map[string]string{"segment": "new_chronic"}); !ok || v != 2 {
		t.Errorf("first scrape: relance_clients{new_chronic} = %v (present %v), want 2", v, ok)
	}

}

// With many mailboxes in one process, each mailbox's series carry its name
// in the mailbox label, the process's own (build info, Go runtime) none, and
// the registry still lints clean.
func TestMailboxesShareOneRegistry(t *testing.T) {
	st, now, paris := fixture(t)
	other, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	clock := func() time.Time { return now }
	reg := NewRegistry(BuildInfo{Version: "1.2.3", Revision: "abc"})
	a := NewMailbox(reg, "menuiserie-dupuis", st, clock, paris, nil)
	b := NewMailbox(reg, "boulangerie-martin", other, clock, paris, nil)
	a.SMTPSent.Inc()
	b.SMTPSent.Inc()
	b.SMTPSent.Inc()
	want := `
# HELP relance_smtp_sent_total Reminders the SMTP server accepted.
# TYPE relance_smtp_sent_total counter
relance_smtp_sent_total{mailbox="boulangerie-martin"} 2
relance_smtp_sent_total{mailbox="menuiserie-dupuis"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "relance_smtp_sent_total"); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]bool{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var mailbox string
			for _, l := range m.GetLabel() {
				if l.GetName() == MailboxLabel {
					mailbox = l.GetValue()
				}
			}
			name := f.GetName()
			if seen[name] == nil {
				seen[name] = map[string]bool{}
			}
			seen[name][mailbox] = true
		}
	}
	if !seen["relance_build_info"][""] || len(seen["relance_build_info"]) != 1 {
		t.Fatalf("build info by mailbox: %v, want one series without the label", seen["relance_build_info"])
	}
	// A store gauge is computed per mailbox, from that mailbox's store.
	if got := seen["relance_invoices"]; !got["menuiserie-dupuis"] || !got["boulangerie-martin"] || got[""] {
		t.Fatalf("relance_invoices by mailbox: %v", got)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "relance_") {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
}
