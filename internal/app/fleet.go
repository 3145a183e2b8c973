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
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/metrics"
)

// DefaultScanSlots is how many mailboxes of a fleet read their folders in
// full at the same time. A first scan holds a batch of messages and their
// judgement in memory; a few at once keep both cores busy while memory
// stays that of a few scans, whatever the number of mailboxes.
const DefaultScanSlots = 4

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
}

// Fleet is many mailboxes (businesses) served by one process: each has its
// own store, engine, IMAP watcher, outbox and schedule, as an App has; they
// share the web server, the metrics registry and the scan slots. A slow or
// failing server holds back only the mailboxes on it: each watcher
// reconnects with its own backoff.
type Fleet struct {
	opt      FleetOptions
	log      *slog.Logger
	registry *prometheus.Registry
	names    []string
	apps     map[string]*App
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
	f := &Fleet{opt: opt, log: opt.Logger, registry: metrics.NewRegistry(opt.BuildInfo), apps: map[string]*App{}}
	slots := make(chan struct{}, opt.ScanSlots)
	for _, m := range opt.Mailboxes {
		if !config.IsPostgresURL(m.Config.DB) {
			if err := os.MkdirAll(filepath.Dir(m.Config.DB), 0o750); err != nil {
				f.Close()
				return nil, fmt.Errorf("app: mailbox %s: database directory: %w", m.Name, err)
			}
		}
		a, err := New(ctx, Options{Config: m.Config, Logger: opt.Logger.With(slog.String("mailbox", m.Name)),
			Now: opt.Now, BuildInfo: opt.BuildInfo, Mailbox: m.Name, Registry: f.registry, ScanSlots: slots})
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("app: mailbox %s: %w", m.Name, err)
		}
		f.names = append(f.names, m.Name)
		f.apps[m.Name] = a
	}
	return f, nil
}

// Names lists the mailboxes in the order of the mailboxes file.
func (f *Fleet) Names() []string { return append([]string(nil), f.names...) }

// Mailbox is the App serving mailbox name, nil when there is none.
func (f *Fleet) Mailbox(name string) *App { return f.apps[name] }

// Close releases every mailbox's store.
func (f *Fleet) Close() error {
	var errs []error
	for _, a := range f.apps {
		errs = append(errs, a.Close())
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
	for _, name := range f.names {
		a := f.apps[name]
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
// fails keeps retrying on its own.
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
	f.log.Info("relance started", slog.String("http", ln.Addr().String()), slog.Int("mailboxes", len(f.names)),
		slog.String("db", config.RedactDB(f.opt.Config.DB)))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	serveErr := make(chan error, 1)
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- fmt.Errorf("app: web server: %w", err)
			cancel()
		}
	})
	for i, name := range f.names {
		a := f.apps[name]
		wg.Go(func() {
			t := time.NewTimer(time.Duration(i) * startStagger)
			defer t.Stop()
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
			}
			if err := a.work(runCtx); err != nil && runCtx.Err() == nil {
				f.log.Error("mailbox stopped", slog.String("mailbox", name), slog.Any("err", err))
			}
		})
	}

	<-runCtx.Done()
	f.log.Info("relance stopping")
	shutCtx, shutCancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer shutCancel()
	_ = srv.Shutdown(shutCtx)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
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

// ready is nil once every mailbox is ready (its store answers, its first
// pass is done, its sending is not stopped); else it names the first that
// is not.
func (f *Fleet) ready(ctx context.Context) error {
	for _, name := range f.names {
		if err := f.apps[name].ready(ctx); err != nil {
			return fmt.Errorf("mailbox %s: %w", name, err)
		}
	}
	return nil
}
