package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/metrics"
	"github.com/relance/relance/internal/store"
)

// DefaultScanSlots is how many mailboxes of a fleet read their folders in
// full at the same time. A first scan holds a batch of messages and their
// judgement in memory; a few at once keep both cores busy while memory
// stays that of a few scans, whatever the number of mailboxes.
const DefaultScanSlots = 4

// ConnectsPerHost bounds the connections a fleet opens at the same time to
// one IMAP server (mailbox.Config.ConnectSlots).
const ConnectsPerHost = 8

// startStagger spaces the mailboxes' first connections, so that hundreds of
// logins do not reach a server in the same instant.
const startStagger = 20 * time.Millisecond

// FleetOptions injects what a Fleet needs from its caller.
type FleetOptions struct {
	// Config is the process's configuration (RELANCE_*): its database, web
	// address and token are the fleet's.
	Config    *config.Config
	Mailboxes []config.Mailbox
	Logger    *slog.Logger
	Now       func() time.Time
	BuildInfo metrics.BuildInfo
	Listener  net.Listener
	OnListen  func(addr string)
	// ScanSlots bounds the full folder passes made at once (DefaultScanSlots
	// when zero).
	ScanSlots int
	// Replica names this process among the replicas sharing a PostgreSQL
	// database (DefaultReplicaID when empty). With PostgreSQL, the fleet
	// works only the mailboxes whose lease it holds (see LeaseTTL).
	Replica string
	// Fault is App's Fault, for every mailbox (crash tests).
	Fault func(point string)
	// Reload, when it delivers, makes Run read the mailboxes again with
	// Load and apply the difference (SIGHUP, a change of the file).
	Reload <-chan struct{}
	Load   func() ([]config.Mailbox, error)
}

// Fleet is many mailboxes (businesses) served by one process: each has its
// own store, engine, IMAP watcher, outbox and schedule, as an App has; they
// share the web server, the metrics registry and the scan slots. A slow or
// failing server holds back only the mailboxes on it: each watcher
// reconnects with its own backoff.
type Fleet struct {
	opt      FleetOptions
	log      *slog.Logger
	registry *metrics.Registry
	slots    chan struct{}
	// connects are the connection slots of each IMAP server, by host.
	connects map[string]chan struct{}

	mu    sync.Mutex
	names []string           // in the order of the mailboxes file
	apps  map[string]*member // by name
	// started counts the mailboxes started so far, to space their first
	// connections.
	started int
	// web is the site Run serves, rebuilt by a reload.
	web *siteHandler
	// replica is this process's name; leases, the process's database when
	// the mailboxes are shared by replicas (PostgreSQL), nil otherwise.
	replica string
	leases  *store.Store
	// accounts is the process's database read by the site for its web
	// accounts: the leases' store with PostgreSQL, RELANCE_DB's file with
	// SQLite.
	accounts *store.Store
}

// member is one mailbox of the fleet and, once it runs, how to stop it.
type member struct {
	app    *App
	cfg    *config.Config
	cancel context.CancelFunc // nil until started
	done   chan struct{}
	// token is the fencing token of the lease this replica holds on the
	// mailbox (0: none; always 0 without leases).
	token int64
}

// NewFleet opens every mailbox's store and wires its components; nothing
// runs yet. With SQLite, the directory of the mailboxes' files is created
// beside the database (config.MailboxDB).
func NewFleet(ctx context.Context, opt FleetOptions) (*Fleet, error) {
	if opt.Config == nil || len(opt.Mailboxes) == 0 {
		return nil, errors.New("app: a fleet needs a configuration and at least one mailbox")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.ScanSlots <= 0 {
		opt.ScanSlots = DefaultScanSlots
	}
	if opt.Replica == "" {
		opt.Replica = DefaultReplicaID()
	}
	f := &Fleet{opt: opt, log: opt.Logger.With(slog.String("replica", opt.Replica)), registry: metrics.NewRegistry(opt.BuildInfo),
		apps: map[string]*member{}, slots: make(chan struct{}, opt.ScanSlots), replica: opt.Replica,
		connects: map[string]chan struct{}{}}
	if config.IsPostgresURL(opt.Config.DB) {
		st, err := store.Open(ctx, opt.Config.DB)
		if err != nil {
			return nil, fmt.Errorf("app: the process's database: %w", err)
		}
		f.leases = st
	}
	f.accounts = f.leases
	if f.accounts == nil {
		st, err := store.Open(ctx, opt.Config.DB)
		if err != nil {
			return nil, fmt.Errorf("app: the process's database: %w", err)
		}
		f.accounts = st
	}
	for _, m := range opt.Mailboxes {
		a, err := f.open(ctx, m)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.names = append(f.names, m.Name)
		f.apps[m.Name] = &member{app: a, cfg: m.Config}
	}
	return f, nil
}

// open wires one mailbox.
func (f *Fleet) open(ctx context.Context, m config.Mailbox) (*App, error) {
	if !config.IsPostgresURL(m.Config.DB) {
		if err := os.MkdirAll(filepath.Dir(m.Config.DB), 0o750); err != nil {
			return nil, fmt.Errorf("app: mailbox %s: database directory: %w", m.Name, err)
		}
	}
	a, err := New(ctx, Options{Config: m.Config, Logger: f.log.With(slog.String("mailbox", m.Name)),
		Now: f.opt.Now, BuildInfo: f.opt.BuildInfo, Mailbox: m.Name, Registry: f.registry, ScanSlots: f.slots, Fault: f.opt.Fault,
		ConnectSlots: f.connectSlots(m.Config.IMAPAddr)})
	if err != nil {
		return nil, fmt.Errorf("app: mailbox %s: %w", m.Name, err)
	}
	if f.leases == nil {
		// Without replicas this process works every mailbox.
		a.metrics.LeaseHeld.Set(1)
	}
	return a, nil
}

// connectSlots are the connection slots shared by the mailboxes whose IMAP
// server is at addr (by host: one server often listens on several ports).
func (f *Fleet) connectSlots(addr string) chan struct{} {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.ToLower(host)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.connects[host] == nil {
		f.connects[host] = make(chan struct{}, ConnectsPerHost)
	}
	return f.connects[host]
}

// Names lists the mailboxes in the order of the mailboxes file.
func (f *Fleet) Names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.names...)
}

// Mailbox is the App serving mailbox name, nil when there is none.
func (f *Fleet) Mailbox(name string) *App {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := f.apps[name]; m != nil {
		return m.app
	}
	return nil
}

// Close releases every mailbox's store.
func (f *Fleet) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	for _, m := range f.apps {
		errs = append(errs, m.app.Close())
	}
	if f.leases != nil {
		errs = append(errs, f.leases.Close())
	}
	if f.accounts != nil && f.accounts != f.leases {
		errs = append(errs, f.accounts.Close())
	}
	return errors.Join(errs...)
}

// Once runs one full pass of every mailbox, as App.Once does for one,
// a few at a time (the scan slots), and returns the mailboxes' failures
// together: one failing mailbox does not stop the others' pass.
func (f *Fleet) Once(ctx context.Context) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	sem := make(chan struct{}, f.opt.ScanSlots)
	for _, name := range f.Names() {
		a := f.Mailbox(name)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := a.Once(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("mailbox %s: %w", name, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Run serves every mailbox until ctx ends, then gives them ShutdownGrace to
// stop. Only the web server failing ends the fleet: a mailbox whose server
// fails keeps retrying on its own. Each delivery on Reload applies the
// mailboxes Load returns: new ones start, removed ones stop (their data
// stays), changed ones restart with their new settings.
func (f *Fleet) Run(ctx context.Context) error {
	handler, err := f.handler()
	if err != nil {
		return err
	}
	ln := f.opt.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", f.opt.Config.HTTPAddr)
		if err != nil {
			return fmt.Errorf("app: listen on %s (RELANCE_HTTP_ADDR): %w", f.opt.Config.HTTPAddr, err)
		}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	if f.opt.OnListen != nil {
		f.opt.OnListen(ln.Addr().String())
	}
	f.log.Info("relance started", slog.String("http", ln.Addr().String()), slog.Int("mailboxes", len(f.Names())),
		slog.String("db", config.RedactDB(f.opt.Config.DB)))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	serveErr := make(chan error, 1)
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- fmt.Errorf("app: web server: %w", err)
			cancel()
		}
	}()
	leased := make(chan struct{})
	if f.leases != nil {
		go func() {
			defer close(leased)
			f.leaseLoop(runCtx)
		}()
	} else {
		close(leased)
		for _, name := range f.Names() {
			f.start(runCtx, name)
		}
	}
	for running := true; running; {
		select {
		case <-runCtx.Done():
			running = false
		case <-f.opt.Reload:
			if err := f.reload(runCtx); err != nil {
				f.log.Error("mailboxes not reloaded: the running ones go on unchanged", slog.Any("err", err))
				continue
			}
			f.refreshSite()
		}
	}
	f.log.Info("relance stopping")
	shutCtx, shutCancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer shutCancel()
	_ = srv.Shutdown(shutCtx)
	done := make(chan struct{})
	go func() {
		<-leased // gives its leases back as it ends
		for _, name := range f.Names() {
			f.stop(name)
		}
		<-served
		close(done)
	}()
	select {
	case <-done:
	case <-shutCtx.Done():
		f.log.Warn("relance: components did not stop within the grace period")
	}
	select {
	case err := <-serveErr:
		return err
	default:
	}
	f.log.Info("relance stopped")
	return nil
}

// start runs mailbox name's watcher and schedule until ctx ends or it is
// stopped, its first connection spaced from the previous mailbox's.
func (f *Fleet) start(ctx context.Context, name string) {
	f.mu.Lock()
	m := f.apps[name]
	if m == nil || m.cancel != nil {
		f.mu.Unlock()
		return
	}
	delay := time.Duration(f.started) * startStagger
	f.started++
	ctx, m.cancel = context.WithCancel(ctx)
	m.done = make(chan struct{})
	f.mu.Unlock()
	go func() {
		defer close(m.done)
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := m.app.work(ctx); err != nil && ctx.Err() == nil {
			f.log.Error("mailbox stopped", slog.String("mailbox", name), slog.Any("err", err))
		}
	}()
}

// stop ends mailbox name's work and waits for it; its store stays open.
func (f *Fleet) stop(name string) {
	f.mu.Lock()
	m := f.apps[name]
	f.mu.Unlock()
	if m == nil || m.cancel == nil {
		return
	}
	m.cancel()
	<-m.done
	f.mu.Lock()
	m.cancel, m.done = nil, nil
	f.mu.Unlock()
}

// reload reads the mailboxes again and applies the difference. A file
// that does not load changes nothing.
func (f *Fleet) reload(ctx context.Context) error {
	if f.opt.Load == nil {
		return nil
	}
	mailboxes, err := f.opt.Load()
	if err != nil {
		return err
	}
	want := map[string]config.Mailbox{}
	var names []string
	for _, m := range mailboxes {
		want[m.Name] = m
		names = append(names, m.Name)
	}
	for _, name := range f.Names() {
		m, kept := want[name]
		if kept && reflect.DeepEqual(m.Config, f.configOf(name)) {
			continue
		}
		if f.leases != nil {
			f.giveBack(ctx, name, time.Now())
		}
		f.stop(name)
		f.mu.Lock()
		old := f.apps[name]
		delete(f.apps, name)
		f.mu.Unlock()
		if err := old.app.Close(); err != nil {
			f.log.Warn("mailbox store not closed", slog.String("mailbox", name), slog.Any("err", err))
		}
		if !kept {
			f.log.Info("mailbox removed: its work stops, its data stays", slog.String("mailbox", name))
		}
	}
	for _, name := range names {
		f.mu.Lock()
		_, running := f.apps[name]
		f.mu.Unlock()
		if running {
			continue
		}
		a, err := f.open(ctx, want[name])
		if err != nil {
			f.log.Error("mailbox not started", slog.String("mailbox", name), slog.Any("err", err))
			continue
		}
		f.mu.Lock()
		f.apps[name] = &member{app: a, cfg: want[name].Config}
		f.mu.Unlock()
		if f.leases == nil {
			f.log.Info("mailbox started", slog.String("mailbox", name))
			f.start(ctx, name)
		}
	}
	f.mu.Lock()
	f.names = f.names[:0]
	for _, name := range names {
		if f.apps[name] != nil {
			f.names = append(f.names, name)
		}
	}
	f.mu.Unlock()
	return nil
}

func (f *Fleet) configOf(name string) *config.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := f.apps[name]; m != nil {
		return m.cfg
	}
	return nil
}

// ready is nil once every mailbox is ready (its store answers, its first
// pass is done, its sending is not stopped); else it names the first that
// is not.
func (f *Fleet) ready(ctx context.Context) error {
	for _, name := range f.Names() {
		m := f.member(name)
		if m == nil || (f.leases != nil && m.token == 0) {
			continue // another replica's
		}
		if err := m.app.ready(ctx); err != nil {
			return fmt.Errorf("mailbox %s: %w", name, err)
		}
	}
	return nil
}
