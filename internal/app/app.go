// Package app assembles relance's components (store, mailbox watcher,
// pipeline, web server, metrics) and runs them under one lifecycle: started
// together, stopped together on the first error or when the context ends,
// with a bounded grace period.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/engine"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/metrics"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/web"
	"github.com/relance/relance/templates"
)

// ShutdownGrace bounds how long components get to stop after SIGTERM.
const ShutdownGrace = 8 * time.Second

// Options injects what the app needs from its caller.
type Options struct {
	Config *config.Config
	Logger *slog.Logger
	// Now is the clock; relance run --now fixes it.
	Now       func() time.Time
	BuildInfo metrics.BuildInfo
	// Listener, when set, is used instead of listening on Config.HTTPAddr
	// (tests and the demo pass one bound to a free port).
	Listener net.Listener
	// OnListen is told the web server's address once it listens.
	OnListen func(addr string)
	// Fault, when set, is called at named points of a send ("after-smtp");
	// only crash tests set it (through cli.Env.Fault), to die there.
	Fault func(point string)

	// The fields below are set by a Fleet, which serves many mailboxes in
	// one process; a single mailbox leaves them empty.

	// Mailbox is the mailbox's name in the mailboxes file.
	Mailbox string
	// Registry is the process's metrics registry, where this mailbox's
	// series are added with its name in the mailbox label.
	Registry *metrics.Registry
	// ScanSlots bounds the full folder passes made at once by the
	// process's mailboxes (mailbox.Config.ScanSlots).
	ScanSlots chan struct{}
	// ConnectSlots bounds the connections opened at once to the mailbox's
	// IMAP server (mailbox.Config.ConnectSlots).
	ConnectSlots chan struct{}
}

// App is a configured relance.
type App struct {
	opt     Options
	cfg     *config.Config
	log     *slog.Logger
	store   *store.Store
	metrics *metrics.Metrics
	engine  *engine.Engine
	mailbox *mailbox.Client
	outbox  *outbox.Outbox
	synced  readiness
	// progress follows the folder syncs toward readiness (afterSync).
	progress syncProgress
	// passes carries requests for an outbox pass (requestPass) to the
	// loop that runs them (schedule).
	passes chan struct{}
	quiet  *quietSettler
	// zone is the business's time zone (the policy's), in which the web
	// page prints times.
	zone *time.Location
	// penalties is the policy's penalty table, whose ECB rates' age the
	// web page shows.
	penalties policy.PenaltyPolicy
	// policy tells the web page when an approved draft leaves.
	policy *policy.Policy
}

// New opens the store and wires every component; nothing runs yet.
func New(ctx context.Context, opt Options) (*App, error) {
	if opt.Config == nil {
		return nil, errors.New("app: no configuration")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	cfg := opt.Config
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a := &App{opt: opt, cfg: cfg, log: opt.Logger, store: st, passes: make(chan struct{}, 1)}
	if opt.Registry == nil {
		// One mailbox idles most of its life, and its memory is settled
		// down to what it keeps (settleMemory); among many, some mailbox is
		// always busy, and the process's heap is the fleet's to manage.
		a.quiet = &quietSettler{settle: func() { settleMemory(opt.Logger) }}
	}
	if opt.Registry != nil {
		a.metrics = metrics.NewMailbox(opt.Registry, opt.Mailbox, st, opt.Now, loc, opt.Logger)
	} else {
		a.metrics = metrics.New(st, opt.BuildInfo, opt.Now, loc, opt.Logger)
	}
	var notices []payment.NoticeRule
	if cfg.PaymentsConfig != "" {
		f, err := os.Open(cfg.PaymentsConfig)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("app: RELANCE_PAYMENTS_CONFIG: %w", err)
		}
		pc, err := payment.LoadConfig(f)
		f.Close()
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("app: RELANCE_PAYMENTS_CONFIG %s: %w", cfg.PaymentsConfig, err)
		}
		notices = pc.Notices
	}
	pol, err := LoadPolicy(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.metrics.WatchRateTable(pol.Penalties)
	a.penalties = pol.Penalties
	a.engine = engine.New(engine.Options{Store: st, Logger: opt.Logger, Now: opt.Now, Own: ownAddresses(cfg), PaymentNotices: notices,
		Observer: engineObserver{a.metrics}, Identity: identity(cfg), SelfCheck: cfg.SelfCheck, OwnPhones: []string{cfg.BusinessPhone},
		Location: pol.Location,
		StageOf: func(email string, lvl policy.ReminderLevel) int {
			return pol.StageForLevel(policy.Client{Emails: []string{email}}, lvl)
		}})
	mb, err := mailbox.New(mailbox.Config{
		Addr: cfg.IMAPAddr, Username: cfg.IMAPUsername, Password: cfg.IMAPPassword.Reveal(),
		TokenFile: cfg.IMAPTokenFile, Auth: cfg.IMAPAuth, TLS: cfg.IMAPTLS, Insecure: cfg.IMAPInsecure,
		SentFolder: cfg.IMAPSentFolder, DraftsFolder: cfg.IMAPDraftsFolder, ExtraFolders: cfg.IMAPExtraFolders,
		PollInterval: cfg.IMAPPollInterval, Logger: opt.Logger.With(slog.String("component", "mailbox")),
		Observer: mailboxMetrics{m: a.metrics}, Synced: a.afterSync, Now: opt.Now, ScanSlots: opt.ScanSlots, ConnectSlots: opt.ConnectSlots,
	}, a.engine)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	a.mailbox = mb
	a.zone = pol.Location
	a.policy = &pol
	var sender outbox.Sender
	if domain.Mode(cfg.Mode) != domain.ModeDryRun {
		sender, err = outbox.NewSMTPSender(outbox.SMTPConfig{Addr: cfg.SMTPAddr, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword.Reveal(), Auth: cfg.SMTPAuth, TokenFile: cfg.IMAPTokenFile, TLS: cfg.SMTPTLS})
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("app: %w", err)
		}
	}
	mode, err := policy.ParseMode(cfg.Mode)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("app: RELANCE_MODE: %w", err)
	}
	a.outbox, err = outbox.New(outbox.Options{Store: st, Mailbox: mb, Sender: sender, Policy: pol, Mode: mode,
		From: cfg.From, Business: Business(cfg), Renderer: render.New(templates.FS), SaveSent: cfg.SaveSent, ThankYou: cfg.ThankYou, AttachInvoice: cfg.AttachInvoice, NotifyTo: notifyTo(cfg),
		Logger: opt.Logger.With(slog.String("component", "outbox")), Fault: opt.Fault, Observer: outboxObserver{a.metrics}})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	if stopped, err := a.outbox.SendingStopped(ctx); err == nil && stopped != "" {
		a.metrics.SMTPSendingStopped.Set(1)
	}
	return a, nil
}

// LoadPolicy reads RELANCE_POLICY_FILE (or the built-in defaults); the
// business time zone comes from RELANCE_TIMEZONE unless the file sets one.
func LoadPolicy(cfg *config.Config) (policy.Policy, error) {
	pc := policy.DefaultConfig()
	if cfg.PolicyFile != "" {
		b, err := os.ReadFile(cfg.PolicyFile)
		if err != nil {
			return policy.Policy{}, fmt.Errorf("app: RELANCE_POLICY_FILE: %w", err)
		}
		pc, err = policy.DecodeConfig(b)
		if err != nil {
			return policy.Policy{}, fmt.Errorf("app: policy file %s: %w", cfg.PolicyFile, err)
		}
		if pc.TimeZone == "" {
			pc.TimeZone = cfg.Timezone
		}
	} else {
		pc.TimeZone = cfg.Timezone
	}
	p, err := pc.WithDefaults().Compile()
	if err != nil {
		return policy.Policy{}, fmt.Errorf("app: policy: %w", err)
	}
	return p, nil
}

// Business is who the business is, as its letters and files print it:
// the RELANCE_BUSINESS_* settings, the name and address of RELANCE_FROM
// when they leave a gap.
func Business(cfg *config.Config) render.Business {
	b := render.Business{Name: cfg.BusinessName, Address: cfg.BusinessAddress, Phone: cfg.BusinessPhone,
		SIREN: cfg.BusinessSIREN, IBAN: cfg.BusinessIBAN, BIC: cfg.BusinessBIC, Signer: cfg.SignatureName}
	if a, err := mail.ParseAddress(cfg.From); err == nil {
		b.Email = a.Address
		if b.Name == "" {
			b.Name = a.Name
		}
	}
	if b.Name == "" {
		b.Name = b.Email
	}
	return b
}

// Store gives commands run in-process access to the store.
func (a *App) Store() *store.Store { return a.store }

// Close releases the store.
func (a *App) Close() error { return a.store.Close() }

// Once runs one full pass (sync every folder, then decide, draft and send
// what is due) and returns. It logs how long each phase took: on a new
// mailbox this is the wait a person sees, and the phases say where it went.
// They are timed on the wall clock, which --now (the business clock) leaves
// alone.
func (a *App) Once(ctx context.Context) error {
	start := time.Now()
	defer a.mailbox.CloseIdle()
	if err := a.mailbox.SyncOnce(ctx); err != nil {
		return fmt.Errorf("app: sync: %w", err)
	}
	a.synced.mark()
	scan := time.Since(start)
	t, err := a.timedPass(ctx)
	if err != nil {
		return err
	}
	a.log.Info("app: pass done", slog.Duration("sync", scan), slog.Duration("behaviour", t.behaviour),
		slog.Duration("outbox", t.outbox), slog.Duration("elapsed", time.Since(start)))
	return nil
}

// passTimes is how long the phases of a pass took on the wall clock.
type passTimes struct{ behaviour, outbox time.Duration }

// pass reads the clients' behaviour (raising flags that pause chasing),
// then lets the outbox reconcile, draft and send.
func (a *App) pass(ctx context.Context) error {
	_, err := a.timedPass(ctx)
	return err
}

func (a *App) timedPass(ctx context.Context) (passTimes, error) {
	var t passTimes
	now := a.opt.Now()
	start := time.Now()
	if err := a.engine.RaiseBehaviourFlags(ctx, now); err != nil {
		return t, fmt.Errorf("app: behaviour signals: %w", err)
	}
	t.behaviour = time.Since(start)
	if err := a.outbox.Pass(ctx, now); err != nil {
		return t, fmt.Errorf("app: outbox: %w", err)
	}
	t.outbox = time.Since(start) - t.behaviour
	return t, nil
}

// schedule runs pass every PassInterval, and soon after one is requested
// (requestPass: a sync that brought work, an approval on the web page),
// until ctx ends. Run hands it a.pass.
func (a *App) schedule(ctx context.Context, pass func(context.Context) error) {
	interval := a.cfg.PassInterval
	if interval <= 0 {
		interval = 5 * time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.passes:
		}
		if !a.synced.done() {
			continue
		}
		if err := pass(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("pass failed", slog.Any("err", err))
		}
		a.quiet.activity()
	}
}

// requestPass asks for an outbox pass soon, without blocking: requests
// made while one is pending merge into it.
func (a *App) requestPass() {
	select {
	case a.passes <- struct{}{}:
	default:
	}
}

// Run serves until ctx ends or a component fails. On ctx end, components get
// ShutdownGrace to stop; Run then returns nil.
func (a *App) Run(ctx context.Context) error {
	handler, err := web.New(a.webOptions())
	if err != nil {
		return fmt.Errorf("app: web: %w", err)
	}
	ln := a.opt.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", a.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("app: listen on %s (RELANCE_HTTP_ADDR): %w", a.cfg.HTTPAddr, err)
		}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	if a.opt.OnListen != nil {
		a.opt.OnListen(ln.Addr().String())
	}
	a.log.Info("relance started", slog.String("http", ln.Addr().String()), slog.String("mode", a.cfg.Mode),
		slog.String("imap", a.cfg.IMAPAddr), slog.String("db", config.RedactDB(a.cfg.DB)))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer a.quiet.stop()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("app: web server: %w", err)
			cancel()
		}
	})
	wg.Go(func() {
		if err := a.work(runCtx); err != nil && runCtx.Err() == nil {
			errs <- err
			cancel()
		}
	})

	<-runCtx.Done()
	a.log.Info("relance stopping")
	shutCtx, shutCancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer shutCancel()
	_ = srv.Shutdown(shutCtx)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-shutCtx.Done():
		a.log.Warn("relance: components did not stop within the grace period")
	}
	close(errs)
	var first error
	for err := range errs {
		if first == nil {
			first = err
		}
	}
	if first == nil {
		a.log.Info("relance stopped")
	}
	return first
}

// webOptions are the options of this mailbox's pages.
func (a *App) webOptions() web.Options {
	return web.Options{Store: a.store, Gatherer: a.metrics.Registry, Ready: a.ready,
		Now: a.opt.Now, Location: a.zone, Logger: a.log.With(slog.String("component", "web")),
		Addr: a.cfg.HTTPAddr, Token: a.cfg.HTTPToken.Reveal(), Health: a.mailboxHealth,
		Names: []string{Business(a.cfg).Name}, Policy: a.policy, Poke: a.requestPass,
		RateTable: func(now time.Time) policy.RateTableStatus {
			return a.penalties.RateTableStatus(policy.DateIn(now, a.zone))
		}}
}

// work watches the mailbox and runs the pass schedule until ctx ends.
func (a *App) work(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // before Wait: a failed watcher stops the schedule too
	wg.Go(func() { a.schedule(ctx, a.pass) })
	if err := a.mailbox.Run(ctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("app: mailbox: %w", err)
	}
	return nil
}

func (a *App) ready(ctx context.Context) error {
	if err := a.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !a.synced.done() {
		return errors.New("first mailbox sync not finished")
	}
	stopped, err := a.outbox.SendingStopped(ctx)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if stopped != "" {
		return fmt.Errorf("smtp: %s", stopped)
	}
	return nil
}

// mailboxHealth is the mailbox's state for the web page's overview.
func (a *App) mailboxHealth() web.Health {
	st := a.mailbox.Status()
	h := web.Health{Known: true, Connected: st.Connected, Reconnects: st.Reconnects}
	for _, t := range st.LastSync {
		if t.After(h.LastSync) {
			h.LastSync = t
		}
	}
	for name, s := range st.Scans {
		h.Scans = append(h.Scans, web.Scan{Folder: name, Done: s.Done, Total: s.Total, PerSecond: s.PerSecond,
			ETA: s.ETA, Elapsed: s.Elapsed})
	}
	sort.Slice(h.Scans, func(i, j int) bool { return h.Scans[i].Folder < h.Scans[j].Folder })
	return h
}

func ownAddresses(cfg *config.Config) []string {
	var out []string
	if cfg.IMAPUsername != "" {
		out = append(out, cfg.IMAPUsername)
	}
	if addr, err := parseAddr(cfg.From); err == nil {
		out = append(out, addr)
	}
	return out
}

// readiness becomes true once every watched folder has been synced once.
type readiness struct{ ok atomic.Bool }

func (r *readiness) mark()      { r.ok.Store(true) }
func (r *readiness) done() bool { return r.ok.Load() }

// syncProgress remembers which kinds of folder have been read up to date,
// so that the first sync completing INBOX and Sent can be told from the
// ones after it.
type syncProgress struct {
	mu   sync.Mutex
	seen map[mailbox.Role]bool
}

// note records a finished sync of a folder of role and reports whether
// INBOX and Sent have now both been synced at least once.
func (p *syncProgress) note(role mailbox.Role) (complete bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[mailbox.Role]bool{}
	}
	p.seen[role] = true
	return p.seen[mailbox.RoleInbox] && p.seen[mailbox.RoleSent]
}

// wantsPass says whether a finished sync calls for an outbox pass: the one
// that first completes the mailbox (the backlog is known), and each later
// sync of INBOX (replies) or Drafts (the owner's edits and approvals). A
// sync of Sent or of an extra folder brings nothing a pass would act on
// before the next scheduled one.
func wantsPass(role mailbox.Role, first bool) bool {
	return first || role == mailbox.RoleInbox || role == mailbox.RoleDrafts
}

// afterSync is what a finished folder sync sets in motion; the mailbox
// calls it from its sync goroutine, so it only signals. Once INBOX and Sent
// have both been read the daemon is ready (readyz); from then on a sync
// that brings work asks for a pass, the end of the initial scan hands its
// heap back at once, and every sync counts as activity for the quiet
// settler.
func (a *App) afterSync(folder string, role mailbox.Role, at time.Time) {
	if a.progress.note(role) {
		first := !a.synced.done()
		a.synced.mark()
		a.metrics.LastSync.Set(float64(at.Unix()))
		if wantsPass(role, first) {
			a.requestPass()
		}
		if first {
			a.quiet.settleNow()
		}
	}
	if a.synced.done() {
		a.quiet.activity()
	}
}

// mailboxMetrics counts connections and ingested messages. It decides
// nothing: what a finished sync sets in motion is afterSync's.
type mailboxMetrics struct {
	mailbox.NopObserver
	m *metrics.Metrics
}

func (o mailboxMetrics) Connected(up bool) {
	v := 0.0
	if up {
		v = 1
	}
	o.m.IMAPConnected.WithLabelValues("all").Set(v)
}

func (o mailboxMetrics) Reconnecting(int, time.Duration, error) { o.m.IMAPReconnects.Inc() }

func (o mailboxMetrics) Ingested(folder string, role mailbox.Role) {
	o.m.MessagesIngested.WithLabelValues(string(role)).Inc()
}

type engineObserver struct{ m *metrics.Metrics }

func (o engineObserver) Recorded(role, class string) {
	if role == string(mailbox.RoleInbox) {
		o.m.ReplyClassified(class)
	}
}

// outboxObserver counts SMTP outcomes.
type outboxObserver struct{ m *metrics.Metrics }

func (o outboxObserver) Sent() { o.m.SMTPSent.Inc() }

func (o outboxObserver) SendFailed(temporary bool) {
	o.m.SMTPFailures.WithLabelValues(metrics.FailureKind(temporary)).Inc()
}

func (o outboxObserver) SendingStopped(stopped bool) {
	v := 0.0
	if stopped {
		v = 1
	}
	o.m.SMTPSendingStopped.Set(v)
}

func notifyTo(cfg *config.Config) []string {
	if cfg.NotifyTo == "" {
		return nil
	}
	list, err := mail.ParseAddressList(cfg.NotifyTo)
	if err != nil {
		return nil // validated by config already
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Address)
	}
	return out
}

// idleMemoryLimit is the soft heap limit once the initial scan is over:
// from then on the daemon mostly waits, and the heap the scan grew need not
// stay resident. GOMEMLIMIT, when set, wins.
const idleMemoryLimit = 24 << 20

func settleMemory(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(idleMemoryLimit)
	}
	debug.FreeOSMemory()
	released, err := releaseBinaryPages()
	if err != nil {
		log.Warn("app: memory not settled", slog.Any("err", err))
		return
	}
	log.Debug("app: memory settled", slog.Int64("binary_pages_released", released))
}

// quietAfter is how long the daemon must have had nothing to do before the
// heap a burst of work (a sync, a pass) grew is handed back. The idle heap
// holds about 2 MiB of live objects, so a forced collection is cheap and,
// done once per burst, costs nothing a user could notice; between bursts,
// most of the daemon's life, its memory is then what it actually keeps.
const quietAfter = 2 * time.Second

// quietSettler calls settle (settleMemory) once activity has stopped for
// quietAfter.
type quietSettler struct {
	settle func()
	mu     sync.Mutex
	t      *time.Timer
}

func (q *quietSettler) activity() {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.t == nil {
		q.t = time.AfterFunc(quietAfter, q.settle)
		return
	}
	q.t.Reset(quietAfter)
}

// settleNow settles without waiting for quiet: after the initial scan the
// heap it grew is known to be garbage.
func (q *quietSettler) settleNow() {
	if q != nil {
		q.settle()
	}
}

func (q *quietSettler) stop() {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.t != nil {
		q.t.Stop()
	}
}

// identity is who the business is, for telling its invoices from its
// suppliers' ones it forwards.
func identity(cfg *config.Config) invoice.Identity {
	id := invoice.Identity{SIREN: cfg.BusinessSIREN, VAT: cfg.BusinessVAT, IBAN: cfg.BusinessIBAN}
	if n := strings.TrimSpace(cfg.BusinessName); n != "" {
		id.Names = append(id.Names, n)
	}
	return id
}
