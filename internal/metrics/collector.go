package metrics

import (
	"context"
	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/receivables"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
)

// secondsPerDay converts day counts to the base unit Prometheus expects.
const secondsPerDay = 86400

// DSOMonths is how far back the countback of DSO goes: receivables larger
// than a year of sales report a DSO of that year's length.
const DSOMonths = 12

// CohortDays bounds the payment delay and the promise outcomes to invoices
// due in the last year, so that they follow how clients pay now.
const CohortDays = 365

// Promise outcomes, the values of relance_promises' label.
var PromiseOutcomes = []string{"kept", "broken", "pending"}

// TrendsMaxAge is how long the collector New registers serves DSO, payment
// delay and promise outcomes before reading them again. They move with
// payments and months, and reading them costs in proportion to a year of
// invoices, so they are refreshed in the background rather than on every
// scrape.
const TrendsMaxAge = 5 * time.Minute

// StoreCollector reads the store at scrape time.
type StoreCollector struct {
	st      *store.Store
	now     func() time.Time
	loc     *time.Location
	timeout time.Duration
	logger  *slog.Logger

	// trendsMaxAge > 0 serves trends from a cache refreshed in the
	// background once older; 0 reads them on every scrape.
	trendsMaxAge time.Duration
	mu           sync.Mutex
	trends       *cachedTrends
	refreshing   bool
	// segments are the clients' segments of their business day;
	// segmentsDone is closed when the reading under way ends.
	segments     *cachedSegments
	segmentsDone chan struct{}

	invoices, outstanding, dso, delayAvg, delayCount *prometheus.Desc
	drafts, oldestHeld, flags, oldestFlag            *prometheus.Desc
	promises, reminders, noticesHeld                 *prometheus.Desc
	corrections, model                               *prometheus.Desc
	weekly, topOverdue, topOutstanding               *prometheus.Desc
	clients, segmentOverdue                          *prometheus.Desc
	success, duration                                *prometheus.Desc
}

// TopDebtors is how many debtors relance_top_debtor_* names: a bounded
// number of series whatever the size of the ledger.
const TopDebtors = 5

// trends are the slow figures: the store's (DSO's sales, payment delay,
// promises) and those rebuilt from the invoices' history (the weekly
// amount overdue, the largest debtors), read together.
type trends struct {
	store.Trends
	Weekly  []receivables.Trend
	Debtors []receivables.Debtor
}

// segmentFigures are the clients of each scorecard segment and what they
// owe past due, per currency. Every client's scorecard reads its whole
// history (about two minutes for 2,000 clients over 100,000 invoices), so
// with the cache they are read once a business day, in the background,
// and a scrape never waits for them longer than its own timeout.
type segmentFigures struct {
	Clients map[scorecard.Segment]int
	Overdue map[scorecard.Segment]map[string]decimal.Decimal
}

type cachedTrends struct {
	t   trends
	day time.Time // the business day they were computed for
	at  time.Time
}

// NewStoreCollector builds the scrape-time collector. Ages and days past due
// are counted from now() in the business's time zone loc. Every figure is
// read on every scrape; WithTrendsCache relaxes that for the slow ones.
func NewStoreCollector(st *store.Store, now func() time.Time, loc *time.Location, timeout time.Duration, logger *slog.Logger) *StoreCollector {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &StoreCollector{
		st: st, now: now, loc: loc, timeout: timeout, logger: logger,
		invoices: prometheus.NewDesc("relance_invoices", "Invoices by state.", []string{"state"}, nil),
		outstanding: prometheus.NewDesc("relance_outstanding_amount",
			"Unpaid balance of invoices still expected to be paid, by currency and age bucket (days past due in the business's time zone; 'current' is not yet due, every other bucket is overdue). Float copy of the exact store amounts.",
			[]string{"currency", "bucket"}, nil),
		dso: prometheus.NewDesc("relance_dso_seconds",
			"Days sales outstanding by currency, in seconds (divide by 86400 for days), countback method: today's receivables are matched against the amounts invoiced month by month backwards (the current month to date first); each month fully consumed adds its days, the last one the share of its days that the remaining receivables represent. At most 12 months.",
			[]string{"currency"}, nil),
		delayAvg: prometheus.NewDesc("relance_payment_delay_average_seconds",
			"Average delay between due date and payment of the paid invoices due in the last 365 days, in seconds (whole days × 86400; negative when paid early); absent when there are none.",
			nil, nil),
		delayCount: prometheus.NewDesc("relance_payment_delay_invoices",
			"Paid invoices due in the last 365 days, over which the average payment delay is computed.", nil, nil),
		drafts: prometheus.NewDesc("relance_drafts", "Drafts by status.", []string{"status"}, nil),
		oldestHeld: prometheus.NewDesc("relance_drafts_oldest_held_age_seconds",
			"Age of the oldest draft still held for review (0 when none is held).", nil, nil),
		flags: prometheus.NewDesc("relance_flags_open", "Flags not yet resolved (open or acknowledged), by kind.", []string{"kind"}, nil),
		oldestFlag: prometheus.NewDesc("relance_flags_oldest_open_age_seconds",
			"Age of the oldest flag nobody has acknowledged or resolved yet, by kind (absent for kinds with none).", []string{"kind"}, nil),
		promises: prometheus.NewDesc("relance_promises",
			"Invoices with a promise of payment, by outcome: kept (paid with no broken-promise flag) and broken (a broken-promise flag was raised) among invoices due in the last 365 days; pending (still expected, not broken) among all.",
			[]string{"outcome"}, nil),
		reminders: prometheus.NewDesc("relance_reminders_sent_total", "Reminders sent, by ladder stage.", []string{"stage"}, nil),
		noticesHeld: prometheus.NewDesc("relance_formal_notices_awaiting_approval",
			"Formal notice (mise en demeure) drafts held for the owner's approval; a formal notice never goes without it.", nil, nil),
		corrections: prometheus.NewDesc("relance_classifier_corrections",
			"The owner's corrections of reply readings, folded into the local model.", nil, nil),
		model: prometheus.NewDesc("relance_classifier_model_info",
			"The shipped reply model (its id: a digest of its weights); always 1.", []string{"version"}, nil),
		weekly: prometheus.NewDesc("relance_overdue_weekly_amount",
			"Amount overdue at the end of today (weeks_ago 0) and of the same weekday each of the 11 weeks before, by currency, rebuilt from the invoices' issue, due and payment dates: the 12-week trend is whole from the first scrape, not only since relance was installed. Float copy of the exact store amounts.",
			[]string{"currency", "weeks_ago"}, nil),
		topOverdue: prometheus.NewDesc("relance_top_debtor_overdue_amount",
			"Amount past due of the 5 largest debtors (rank 1 owes the most past due; per client and currency, the currency most invoices are owed in first). Float copy of the exact store amounts.",
			[]string{"rank", "client", "currency"}, nil),
		topOutstanding: prometheus.NewDesc("relance_top_debtor_outstanding_amount",
			"Everything owed, due or not, by the 5 largest debtors, with the same rank and labels as relance_top_debtor_overdue_amount.",
			[]string{"rank", "client", "currency"}, nil),
		clients: prometheus.NewDesc("relance_clients",
			"Clients by scorecard segment: how long known (new, regular) and how they pay (unknown, punctual, occasional, chronic), as \"<relationship>_<payer>\" (one of 8 values, each always present).",
			[]string{"segment"}, nil),
		segmentOverdue: prometheus.NewDesc("relance_overdue_by_segment_amount",
			"Amount past due by the clients of each scorecard segment (the labels of relance_clients), by currency. Float copy of the exact store amounts.",
			[]string{"segment", "currency"}, nil),
		success:  prometheus.NewDesc("relance_scrape_success", "1 when the store could be read for this scrape.", nil, nil),
		duration: prometheus.NewDesc("relance_scrape_duration_seconds", "Time spent reading the store for this scrape.", nil, nil),
	}
}

// WithTrendsCache makes the collector serve DSO, payment delay and promise
// outcomes from a copy refreshed in the background once older than maxAge
// (or from an earlier business day), so that scrapes stay fast on a long
// history. The first scrape reads them synchronously.
func (c *StoreCollector) WithTrendsCache(maxAge time.Duration) *StoreCollector {
	c.trendsMaxAge = maxAge
	return c
}

// Describe implements prometheus.Collector.
func (c *StoreCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.invoices, c.outstanding, c.dso, c.delayAvg, c.delayCount, c.drafts,
		c.oldestHeld, c.flags, c.oldestFlag, c.promises, c.reminders, c.noticesHeld, c.corrections, c.model, c.weekly, c.topOverdue,
		c.topOutstanding, c.clients, c.segmentOverdue, c.success, c.duration} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A store that cannot be read
// yields relance_scrape_success 0 and no store metric, rather than zeros
// that would look like an empty ledger.
func (c *StoreCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	now := c.now()
	today := civilDay(now.In(c.loc))
	start := time.Now()
	ok := 1.0
	st, err := c.st.Stats(ctx, store.StatsOptions{Today: today, AgeBounds: domain.BucketLimits()})
	var (
		tr   trends
		segs *segmentFigures
	)
	if err == nil {
		tr, err = c.currentTrends(ctx, now, today)
	}
	if err == nil {
		segs, err = c.currentSegments(ctx, today)
	}
	if err != nil {
		ok = 0
		c.logger.Warn("metrics: cannot read store", slog.Any("err", err))
	} else {
		c.emit(ch, now, today, st, tr, segs)
	}
	ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, ok)
	ch <- prometheus.MustNewConstMetric(c.duration, prometheus.GaugeValue, time.Since(start).Seconds())
}

// readTrends reads the slow figures as of today.
func (c *StoreCollector) readTrends(ctx context.Context, today time.Time) (trends, error) {
	st, err := c.st.Trends(ctx, store.TrendsOptions{Today: today, SalesMonths: DSOMonths, CohortDays: CohortDays})
	if err != nil {
		return trends{}, err
	}
	invs, err := c.st.Receivables(ctx, c.loc)
	if err != nil {
		return trends{}, err
	}
	return trends{Trends: st, Weekly: receivables.ComputeTrend(invs, today, receivables.TrendWeeks),
		Debtors: receivables.TopDebtors(invs, today, TopDebtors)}, nil
}

// SegmentsTimeout bounds one background reading of the clients' segments.
const SegmentsTimeout = 15 * time.Minute

// currentSegments returns the segments of today. Without the cache they
// are read now. With it, a reading is started once a business day; the
// previous day's figures serve meanwhile, and only the first scrapes after
// a start wait for it, until ctx ends, serving none rather than failing.
func (c *StoreCollector) currentSegments(ctx context.Context, today time.Time) (*segmentFigures, error) {
	if c.trendsMaxAge <= 0 {
		f, err := c.readSegments(ctx, today)
		return &f, err
	}
	c.mu.Lock()
	cached, done := c.segments, c.segmentsDone
	if (cached == nil || !cached.day.Equal(today)) && done == nil {
		done = make(chan struct{})
		c.segmentsDone = done
		go func() {
			rctx, cancel := context.WithTimeout(context.Background(), SegmentsTimeout)
			defer cancel()
			f, err := c.readSegments(rctx, today)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.segmentsDone = nil
			close(done)
			if err != nil {
				c.logger.Warn("metrics: cannot read the clients' segments", slog.Any("err", err))
				return
			}
			c.segments = &cachedSegments{f: f, day: today}
		}()
	}
	c.mu.Unlock()
	// Only a collector that has never read them waits: otherwise the
	// previous day's figures serve until the new ones are read.
	if done != nil && cached == nil {
		select {
		case <-done:
			c.mu.Lock()
			cached = c.segments
			c.mu.Unlock()
		case <-ctx.Done():
		}
	}
	if cached == nil {
		return nil, nil
	}
	return &cached.f, nil
}

type cachedSegments struct {
	f   segmentFigures
	day time.Time
}

// readSegments places every client in its scorecard segment as of today
// and adds up what each segment owes past due.
func (c *StoreCollector) readSegments(ctx context.Context, today time.Time) (segmentFigures, error) {
	cs, err := c.st.ClientSummaries(ctx, today)
	if err != nil {
		return segmentFigures{}, err
	}
	f := segmentFigures{Clients: map[scorecard.Segment]int{}, Overdue: map[scorecard.Segment]map[string]decimal.Decimal{}}
	for _, cl := range cs {
		card, err := c.st.ClientScorecard(ctx, cl.ID, today)
		if err != nil {
			return segmentFigures{}, err
		}
		f.Clients[card.Segment]++
		for _, o := range cl.Overdue {
			if f.Overdue[card.Segment] == nil {
				f.Overdue[card.Segment] = map[string]decimal.Decimal{}
			}
			f.Overdue[card.Segment][o.Currency] = f.Overdue[card.Segment][o.Currency].Add(o.Amount)
		}
	}
	return f, nil
}

// currentTrends returns trends fresh enough, starting a background refresh
// when the cached copy is stale. Only the very first read waits.
func (c *StoreCollector) currentTrends(ctx context.Context, now, today time.Time) (trends, error) {
	if c.trendsMaxAge <= 0 {
		return c.readTrends(ctx, today)
	}
	c.mu.Lock()
	cached := c.trends
	stale := cached == nil || !cached.day.Equal(today) || now.Sub(cached.at) >= c.trendsMaxAge
	startRefresh := cached != nil && stale && !c.refreshing
	if startRefresh {
		c.refreshing = true
	}
	c.mu.Unlock()
	if cached == nil {
		t, err := c.readTrends(ctx, today)
		if err != nil {
			return t, err
		}
		c.mu.Lock()
		c.trends = &cachedTrends{t: t, day: today, at: now}
		c.mu.Unlock()
		return t, nil
	}
	if startRefresh {
		go func() {
			rctx, cancel := context.WithTimeout(context.Background(), c.timeout*4)
			defer cancel()
			t, err := c.readTrends(rctx, today)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err != nil {
				c.logger.Warn("metrics: cannot refresh trends", slog.Any("err", err))
				return
			}
			c.trends = &cachedTrends{t: t, day: today, at: now}
		}()
	}
	return cached.t, nil
}

func (c *StoreCollector) emit(ch chan<- prometheus.Metric, now, today time.Time, st store.Stats, tr trends, segs *segmentFigures) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	age := func(t time.Time) float64 {
		if t.IsZero() || t.After(now) {
			return 0
		}
		return now.Sub(t).Seconds()
	}

	for _, s := range domain.States {
		gauge(c.invoices, float64(st.InvoicesByState[s]), string(s))
	}
	gauge(c.corrections, float64(st.Corrections))
	gauge(c.model, 1, classify.Shipped().ID)

	// Every bucket of every currency seen is present, so that sums and
	// graphs do not lose a series when a bucket empties.
	type key struct {
		cur  string
		band int
	}
	amounts := map[key]decimal.Decimal{}
	receivable := map[string]decimal.Decimal{}
	for _, b := range st.Outstanding {
		if b.Band < 0 || b.Band >= len(domain.Buckets) {
			continue
		}
		amounts[key{b.Currency, b.Band}] = amounts[key{b.Currency, b.Band}].Add(b.Amount)
		receivable[b.Currency] = receivable[b.Currency].Add(b.Amount)
	}
	for cur := range receivable {
		for i, name := range domain.Buckets {
			f, _ := amounts[key{cur, i}].Float64()
			gauge(c.outstanding, f, cur, string(name))
		}
	}
	for cur := range tr.MonthlySales {
		if _, ok := receivable[cur]; !ok {
			receivable[cur] = decimal.Zero
		}
	}
	for cur, r := range receivable {
		gauge(c.dso, DSO(r, tr.MonthlySales[cur], today)*secondsPerDay, cur)
	}

	gauge(c.delayCount, float64(tr.PaymentDelay.Invoices))
	// Absent rather than NaN (which breaks sums and alerts) or a misleading
	// 0 when no invoice was paid yet.
	if tr.PaymentDelay.Invoices > 0 {
		gauge(c.delayAvg, float64(tr.PaymentDelay.SumDays)*secondsPerDay/float64(tr.PaymentDelay.Invoices))
	}

	for _, s := range domain.DraftStatuses {
		gauge(c.drafts, float64(st.DraftsByStatus[s]), string(s))
	}
	gauge(c.oldestHeld, age(st.OldestHeld))

	for _, f := range st.Flags {
		gauge(c.flags, float64(f.Unresolved), f.Kind)
		if !f.OldestOpen.IsZero() {
			gauge(c.oldestFlag, age(f.OldestOpen), f.Kind)
		}
	}

	gauge(c.promises, float64(tr.PromisesKept), "kept")
	gauge(c.promises, float64(tr.PromisesBroken), "broken")
	gauge(c.promises, float64(st.PromisesPending), "pending")

	for stage, n := range st.RemindersSent {
		counter(c.reminders, float64(n), stage)
	}
	gauge(c.noticesHeld, float64(st.FormalNoticesHeld))

	for _, t := range tr.Weekly {
		for i, p := range t.Points {
			f, _ := p.Overdue.Float64()
			gauge(c.weekly, f, t.Currency, strconv.Itoa(len(t.Points)-1-i))
		}
	}
	for i, d := range tr.Debtors {
		rank := strconv.Itoa(i + 1)
		over, _ := d.Overdue.Float64()
		owed, _ := d.Outstanding.Float64()
		gauge(c.topOverdue, over, rank, d.ClientName, d.Currency)
		gauge(c.topOutstanding, owed, rank, d.ClientName, d.Currency)
	}

	// Absent until a first reading ends (never read as an empty ledger).
	// Then every segment is present, and every currency any segment owes
	// in is given for each, so that a segment emptying keeps its series.
	if segs == nil {
		return
	}
	currencies := map[string]bool{}
	for _, byCur := range segs.Overdue {
		for cur := range byCur {
			currencies[cur] = true
		}
	}
	for _, seg := range scorecard.Segments() {
		gauge(c.clients, float64(segs.Clients[seg]), seg.String())
		for cur := range currencies {
			f, _ := segs.Overdue[seg][cur].Float64()
			gauge(c.segmentOverdue, f, seg.String(), cur)
		}
	}
}

// DSO computes days sales outstanding by the countback method. sales[0] is
// what was invoiced in today's month up to today, sales[i] in the i-th
// month before. Receivables beyond every month given count the whole span.
func DSO(receivable decimal.Decimal, sales []decimal.Decimal, today time.Time) float64 {
	remaining := receivable
	days := 0.0
	monthStart := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i, s := range sales {
		if !remaining.IsPositive() {
			break
		}
		var span float64
		if i == 0 {
			span = float64(today.Day())
		} else {
			start := monthStart.AddDate(0, -i, 0)
			span = float64(start.AddDate(0, 1, 0).Sub(start).Hours() / 24)
		}
		if s.IsPositive() && !remaining.GreaterThan(s) {
			share, _ := remaining.Div(s).Float64()
			return days + span*share
		}
		days += span
		if s.IsPositive() {
			remaining = remaining.Sub(s)
		}
	}
	return days
}

func civilDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
