// Package metrics exposes relance's Prometheus metrics on a custom registry.
// Gauges about invoices, drafts, flags, promises, reminders and replies are
// computed from the store at scrape time by aggregate queries (so they can
// never drift from it and survive restarts); counters about the mailbox and
// SMTP are updated by the components as things happen.
//
// Money is exported as float64 (Prometheus has no other number type); the
// store keeps exact decimals and remains the reference.
package metrics

import (
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/store"
)

// ScrapeTimeout bounds the store queries of one scrape.
const ScrapeTimeout = 5 * time.Second

// SMTP failure kinds, the values of relance_smtp_failures_total's label.
const (
	FailureTemporary = "temporary"
	FailurePermanent = "permanent"
)

// FolderRoles are the values of the folder label of the mailbox metrics.
var FolderRoles = []string{"inbox", "sent", "drafts", "extra"}

// Metrics holds the registry and the counters components update.
type Metrics struct {
	// Registry gathers what /metrics serves: this mailbox's metrics and,
	// with many mailboxes, every other's (see NewMailbox).
	Registry *prometheus.Registry
	// reg is where this mailbox's collectors are registered: Registry
	// itself, or Registry with the mailbox label added.
	reg prometheus.Registerer

	MessagesIngested *prometheus.CounterVec // folder role
	IMAPConnected    *prometheus.GaugeVec   // folder role ("all" when one connection serves every folder)
	IMAPReconnects   prometheus.Counter
	LastSync         prometheus.Gauge // unix seconds of the last successful full sync
	SMTPSent         prometheus.Counter
	SMTPFailures     *prometheus.CounterVec // kind: temporary, permanent
	// SMTPSendingStopped is 1 while a permanent SMTP or configuration
	// failure stops all sending (an open smtp_failed flag).
	SMTPSendingStopped prometheus.Gauge
	Replies            *prometheus.CounterVec // class
	// LeaseHeld is 1 while this replica holds the mailbox's lease (many
	// mailboxes on PostgreSQL); summed over replicas, 0 means nobody works
	// the mailbox.
	LeaseHeld prometheus.Gauge

	now func() time.Time
	loc *time.Location
}

// BuildInfo describes the running binary.
type BuildInfo struct {
	Version, Revision string
}

// New builds the registry: Go and process collectors, build info, the store
// collector (evaluated at scrape time, bounded by ScrapeTimeout) and the
// counters. A nil store leaves the store collector out.
func New(st *store.Store, bi BuildInfo, now func() time.Time, loc *time.Location, logger *slog.Logger) *Metrics {
	reg := NewRegistry(bi)
	return newIn(reg, reg, st, now, loc, logger)
}

// NewRegistry is the registry of a process: Go and process collectors and
// the build info, to which each mailbox adds its own (NewMailbox).
func NewRegistry(bi BuildInfo) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "relance_build_info",
		Help: "Build information of the running relance; the value is always 1.",
	}, []string{"version", "revision", "goversion"})
	build.WithLabelValues(bi.Version, bi.Revision, runtime.Version()).Set(1)
	reg.MustRegister(build)
	return reg
}

// Registry is a process's registry, shared by its mailboxes.
type Registry = prometheus.Registry

// MailboxLabel is the label that tells the mailboxes of one process apart.
// Its values are the names of the mailboxes file, so it stays bounded.
const MailboxLabel = "mailbox"

// NewMailbox registers mailbox name's metrics (counters and store
// collector) in a process's registry (NewRegistry), each series carrying
// the label mailbox="name". The process's own series carry none.
func NewMailbox(reg *prometheus.Registry, name string, st *store.Store, now func() time.Time, loc *time.Location, logger *slog.Logger) *Metrics {
	return newIn(reg, prometheus.WrapRegistererWith(prometheus.Labels{MailboxLabel: name}, reg), st, now, loc, logger)
}

func newIn(gather *prometheus.Registry, reg prometheus.Registerer, st *store.Store, now func() time.Time, loc *time.Location, logger *slog.Logger) *Metrics {
	m := &Metrics{
		Registry: gather, reg: reg, now: now, loc: loc,
		MessagesIngested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "relance_messages_ingested_total",
			Help: "Messages read from the mailbox and recorded, by folder role.",
		}, []string{"folder"}),
		IMAPConnected: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "relance_imap_connected",
			Help: "1 when the IMAP connection serving this folder role is up (folder=\"all\" when one connection serves every folder).",
		}, []string{"folder"}),
		IMAPReconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "relance_imap_reconnects_total",
			Help: "IMAP reconnection attempts.",
		}),
		LastSync: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "relance_last_sync_timestamp_seconds",
			Help: "Unix time of the last successful sync of every folder (0 before the first).",
		}),
		SMTPSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "relance_smtp_sent_total",
			Help: "Reminders the SMTP server accepted.",
		}),
		SMTPFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "relance_smtp_failures_total",
			Help: "Failed SMTP submissions, by kind: temporary (retried later) or permanent (the draft is stopped and flagged).",
		}, []string{"kind"}),
		SMTPSendingStopped: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "relance_smtp_sending_stopped",
			Help: "1 while a permanent SMTP or configuration failure (refused login, missing AUTH or TLS, refused sender) stops all sending until corrected (an open smtp_failed flag).",
		}),
		Replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "relance_replies_total",
			Help: "Client replies read in the inbox and classified, by class.",
		}, []string{"class"}),
	}
	reg.MustRegister(m.MessagesIngested, m.IMAPConnected, m.IMAPReconnects, m.LastSync, m.SMTPSent, m.SMTPFailures, m.SMTPSendingStopped, m.Replies)
	m.LeaseHeld = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "relance_mailbox_lease_held",
		Help: "1 while this process works the mailbox: always with one mailbox; with many on PostgreSQL, while this replica holds the mailbox's lease (summed over the replicas, 0 means nobody works it).",
	})
	reg.MustRegister(m.LeaseHeld)
	if gather == reg {
		// One mailbox, one process: it works its mailbox.
		m.LeaseHeld.Set(1)
	}
	for _, role := range FolderRoles {
		m.MessagesIngested.WithLabelValues(role)
	}
	m.SMTPFailures.WithLabelValues(FailureTemporary)
	m.SMTPFailures.WithLabelValues(FailurePermanent)
	for _, c := range classify.Classes() {
		m.Replies.WithLabelValues(string(c))
	}
	if st != nil {
		reg.MustRegister(NewStoreCollector(st, now, loc, ScrapeTimeout, logger).WithTrendsCache(TrendsMaxAge))
	}
	return m
}

// ReplyClassified counts a classified reply. A class outside the known set
// counts as other, so the label set stays bounded.
func (m *Metrics) ReplyClassified(class string) {
	if !slices.Contains(classify.Classes(), classify.Class(class)) {
		class = string(classify.Other)
	}
	m.Replies.WithLabelValues(class).Inc()
}

// FailureKind names an SMTP failure for relance_smtp_failures_total.
func FailureKind(temporary bool) string {
	if temporary {
		return FailureTemporary
	}
	return FailurePermanent
}
