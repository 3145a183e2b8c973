// Package metrics exposes relance's Prometheus metrics on a custom registry.
// Gauges about invoices, drafts and flags are computed from the store at
// scrape time (so they can never drift from it); counters about the mailbox
// and sending are updated by the components as things happen.
//
// Money is exported as float64 (Prometheus has no other number type); the
// store keeps exact decimals and remains the reference.
package metrics

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/relance/relance/internal/store"
)

// Metrics holds the registry and the counters components update.
type Metrics struct {
	Registry *prometheus.Registry

	MessagesIngested *prometheus.CounterVec // folder role
	IMAPConnected    *prometheus.GaugeVec   // folder role
	IMAPReconnects   prometheus.Counter
	LastSync         prometheus.Gauge // unix seconds of the last successful full sync
}

// BuildInfo describes the running binary.
type BuildInfo struct {
	Version, Revision string
}

// New builds the registry: Go and process collectors, build info, the store
// collector (evaluated at scrape time, bounded by timeout) and the counters.
func New(st *store.Store, bi BuildInfo, now func() time.Time, loc *time.Location, logger *slog.Logger) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "relance_build_info",
		Help: "Build information of the running relance; the value is always 1.",
	}, []string{"version", "revision", "goversion"})
	build.WithLabelValues(bi.Version, bi.Revision, runtime.Version()).Set(1)
	reg.MustRegister(build)

	m := &Metrics{
		Registry: reg,
		MessagesIngested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "relance_messages_ingested_total",
			Help: "Messages read from the mailbox and recorded, by folder role.",
		}, []string{"folder"}),
		IMAPConnected: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "relance_imap_connected",
			Help: "1 when the IMAP connection serving this folder role is up.",
		}, []string{"folder"}),
		IMAPReconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "relance_imap_reconnects_total",
			Help: "IMAP reconnection attempts.",
		}),
		LastSync: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "relance_last_sync_timestamp_seconds",
			Help: "Unix time of the last successful sync of every folder.",
		}),
	}
	reg.MustRegister(m.MessagesIngested, m.IMAPConnected, m.IMAPReconnects, m.LastSync)
	for _, role := range []string{"inbox", "sent", "drafts", "extra"} {
		m.MessagesIngested.WithLabelValues(role)
	}
	if st != nil {
		reg.MustRegister(NewStoreCollector(st, now, loc, 5*time.Second, logger))
	}
	return m
}

// Age buckets of overdue amounts, in days past due.
var Buckets = []string{"current", "1-30", "31-60", "61-90", "90+"}

// Bucket places an invoice by days past its due date (negative or zero: current).
func Bucket(daysPastDue int) string {
	switch {
	case daysPastDue <= 0:
		return "current"
	case daysPastDue <= 30:
		return "1-30"
	case daysPastDue <= 60:
		return "31-60"
	case daysPastDue <= 90:
		return "61-90"
	default:
		return "90+"
	}
}

// StoreCollector reads the store at scrape time.
type StoreCollector struct {
	st      *store.Store
	now     func() time.Time
	loc     *time.Location
	timeout time.Duration
	logger  *slog.Logger

	invoices, outstanding, drafts, flags, success *prometheus.Desc
}

// NewStoreCollector builds the scrape-time collector.
func NewStoreCollector(st *store.Store, now func() time.Time, loc *time.Location, timeout time.Duration, logger *slog.Logger) *StoreCollector {
	if loc == nil {
		loc = time.UTC
	}
	return &StoreCollector{
		st: st, now: now, loc: loc, timeout: timeout, logger: logger,
		invoices: prometheus.NewDesc("relance_invoices", "Invoices by state.", []string{"state"}, nil),
		outstanding: prometheus.NewDesc("relance_outstanding_amount",
			"Unpaid balance of open invoices, by currency and age bucket (days past due; 'current' is not yet due). Float copy of exact store amounts.",
			[]string{"currency", "bucket"}, nil),
		drafts:  prometheus.NewDesc("relance_drafts", "Drafts by status.", []string{"status"}, nil),
		flags:   prometheus.NewDesc("relance_flags_open", "Flags not yet resolved, by kind.", []string{"kind"}, nil),
		success: prometheus.NewDesc("relance_scrape_success", "1 when the store could be read for this scrape.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *StoreCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.invoices
	ch <- c.outstanding
	ch <- c.drafts
	ch <- c.flags
	ch <- c.success
}

// Collect implements prometheus.Collector.
func (c *StoreCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	ok := 1.0
	if err := c.collect(ctx, ch); err != nil {
		ok = 0
		if c.logger != nil {
			c.logger.Warn("metrics: cannot read store", slog.Any("err", err))
		}
	}
	ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, ok)
}

func (c *StoreCollector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	invs, err := c.st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return err
	}
	today := civilDay(c.now().In(c.loc))
	perState := map[string]float64{}
	for _, s := range store.States {
		perState[s] = 0
	}
	type key struct{ cur, bucket string }
	amounts := map[key]float64{}
	for _, inv := range invs {
		perState[inv.State]++
		if inv.Kind != "invoice" || !open(inv.State) || !inv.Balance.IsPositive() {
			continue
		}
		days := 0
		if !inv.DueDate.IsZero() {
			days = int(today.Sub(civilDay(inv.DueDate)).Hours() / 24)
		}
		for _, b := range Buckets { // every bucket present for each currency seen
			amounts[key{inv.Currency, b}] += 0
		}
		f, _ := inv.Balance.Float64()
		amounts[key{inv.Currency, Bucket(days)}] += f
	}
	for s, n := range perState {
		ch <- prometheus.MustNewConstMetric(c.invoices, prometheus.GaugeValue, n, s)
	}
	for k, v := range amounts {
		ch <- prometheus.MustNewConstMetric(c.outstanding, prometheus.GaugeValue, v, k.cur, k.bucket)
	}
	drafts, err := c.st.Drafts(ctx)
	if err != nil {
		return err
	}
	perStatus := map[string]float64{store.DraftHeld: 0, store.DraftApproved: 0, store.DraftSent: 0, store.DraftCancelled: 0, store.DraftSuperseded: 0}
	for _, d := range drafts {
		perStatus[d.Status]++
	}
	for s, n := range perStatus {
		ch <- prometheus.MustNewConstMetric(c.drafts, prometheus.GaugeValue, n, s)
	}
	flags, err := c.st.Flags(ctx, store.FlagOpen, store.FlagAcknowledged)
	if err != nil {
		return err
	}
	perKind := map[string]float64{}
	for _, f := range flags {
		perKind[f.Kind]++
	}
	for k, n := range perKind {
		ch <- prometheus.MustNewConstMetric(c.flags, prometheus.GaugeValue, n, k)
	}
	return nil
}

// open states are those where money is still expected.
func open(state string) bool {
	switch state {
	case store.StatePaid, store.StateCancelled, store.StateWrittenOff:
		return false
	}
	return true
}

func civilDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
