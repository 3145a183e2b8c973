package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/relance/relance/internal/app"
	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/demo"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/metrics"
	"github.com/relance/relance/internal/policy"
)

func newLoggerFor(w io.Writer, format, level string) *slog.Logger {
	return config.NewLogger(w, format, level)
}

func loadConfig(env *Env, o config.Overrides) (*config.Config, int) {
	cfg, warnings, err := config.Load(o)
	logger := newLogger(env)
	for _, w := range warnings {
		logger.Warn(w)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance: invalid configuration:\n%s\n", indent(err.Error()))
		return nil, ExitError
	}
	return cfg, ExitOK
}

func cmdCheckConfig(_ context.Context, env *Env, args []string) int {
	fs := flagSet(env, "check-config")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, warnings, err := config.Load(config.Overrides{})
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	if cfg != nil {
		for _, e := range cfg.Effective() {
			fmt.Fprintf(env.Stdout, "%s=%s\n", e.Var, e.Value)
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance: invalid configuration:\n%s\n", indent(err.Error()))
		return ExitError
	}
	pol, err := app.LoadPolicy(cfg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance: invalid configuration:\n%s\n", indent(err.Error()))
		return ExitError
	}
	rates := pol.Penalties.RateTableStatus(policy.DateIn(env.Now(), pol.Location))
	fmt.Fprintf(env.Stdout, "ECB rate table (penalties.ecb_rates): %s\n", rates)
	if rates.OutOfDate {
		fmt.Fprintf(env.Stderr, "warning: the ECB rate table is out of date: late-payment penalties may use a wrong rate\n")
	}
	fmt.Fprintln(env.Stderr, "configuration is valid")
	return ExitOK
}

func cmdRun(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "run")
	once := fs.Bool("once", false, "run one full pass (sync, classify, decide, draft, send what is due) and exit")
	nowFlag := fs.String("now", "", "the business clock, as RFC 3339 (e.g. 2026-12-01T09:00:00+01:00): fixed with --once; without, it starts at that instant and runs on (rehearsals, tests)")
	db := fs.String("db", "", "path of the SQLite database, or postgres:// URL (overrides RELANCE_DB)")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	now := env.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance run: --now: not an RFC 3339 time: %q\n", *nowFlag)
			return ExitUsage
		}
		now = func() time.Time { return t }
		if !*once {
			offset := time.Until(t)
			now = func() time.Time { return time.Now().Add(offset) }
		}
	}
	if file, _ := os.LookupEnv(config.Prefix + "_MAILBOXES_FILE"); file != "" {
		return runFleet(ctx, env, config.Overrides{DB: *db}, now, *once)
	}
	cfg, code := loadConfig(env, config.Overrides{DB: *db})
	if cfg == nil {
		return code
	}
	logger := cfg.Logger(env.Stderr)
	a, err := app.New(ctx, app.Options{Config: cfg, Logger: logger, Now: now, OnListen: env.Ready,
		BuildInfo: metrics.BuildInfo{Version: env.Build.Version, Revision: env.Build.Revision}, Fault: env.Fault})
	if err != nil {
		return errorf(env, "%v", err)
	}
	defer a.Close()
	if *once {
		if err := a.Once(ctx); err != nil {
			return errorf(env, "%v", err)
		}
		return ExitOK
	}
	if err := a.Run(ctx); err != nil {
		return errorf(env, "%v", err)
	}
	return ExitOK
}

// runFleet is relance run for the mailboxes of RELANCE_MAILBOXES_FILE.
func runFleet(ctx context.Context, env *Env, o config.Overrides, now func() time.Time, once bool) int {
	cfg, mailboxes, err := config.LoadFleet(o)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance: invalid configuration:\n%s\n", indent(err.Error()))
		return ExitError
	}
	logger := cfg.Logger(env.Stderr)
	// SIGHUP, or a change of the file, applies the mailboxes file anew.
	reload := make(chan struct{}, 1)
	poke := func() {
		select {
		case reload <- struct{}{}:
		default:
		}
	}
	if !once {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-hup:
					logger.Info("SIGHUP: reading the mailboxes file again")
					poke()
				}
			}
		}()
		file, _ := os.LookupEnv(config.Prefix + "_MAILBOXES_FILE")
		go watchFile(ctx, file, mailboxesFileCheck, func() {
			logger.Info("the mailboxes file changed: reading it again", slog.String("file", file))
			poke()
		})
	}
	f, err := app.NewFleet(ctx, app.FleetOptions{Config: cfg, Mailboxes: mailboxes, Logger: logger, Now: now, Replica: cfg.ReplicaID,
		OnListen: env.Ready, BuildInfo: metrics.BuildInfo{Version: env.Build.Version, Revision: env.Build.Revision},
		Fault: env.Fault, Reload: reload, Load: func() ([]config.Mailbox, error) {
			_, m, err := config.LoadFleet(o)
			return m, err
		}})
	if err != nil {
		return errorf(env, "%v", err)
	}
	defer f.Close()
	if once {
		err = f.Once(ctx)
	} else {
		err = f.Run(ctx)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	return ExitOK
}

// mailboxesFileCheck is how often the mailboxes file is looked at for a
// change.
const mailboxesFileCheck = 5 * time.Second

// watchFile calls changed each time the file at path has another size or
// modification time than at the previous look, every interval, until ctx
// ends. A file that cannot be read for a moment (an editor replacing it)
// is looked at again later.
func watchFile(ctx context.Context, path string, every time.Duration, changed func()) {
	stamp := func() string {
		fi, err := os.Stat(path)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
	}
	last := stamp()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if now := stamp(); now != "" && now != last {
			last = now
			changed()
		}
	}
}

func cmdDemo(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "demo")
	db := fs.String("db", "", "path of the SQLite database (overrides RELANCE_DB; default: a new file in a temporary directory)")
	httpAddr := fs.String("http", "", "listen address of the web page and /metrics (overrides RELANCE_HTTP_ADDR; default 127.0.0.1:8025, a free port if busy)")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	logger := newLogger(env)
	listen, err := demoListen(os.LookupEnv, *httpAddr, *db)
	if err != nil {
		return errorf(env, "demo: %v", err)
	}
	if listen.warning != "" {
		logger.Warn(listen.warning)
	}
	dbPath := listen.db
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "relance-demo-")
		if err != nil {
			return errorf(env, "demo: %v", err)
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "relance.db")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	now := env.Now()
	denv, err := demo.Start(ctx, now, logger)
	if err != nil {
		return errorf(env, "demo: %v", err)
	}
	defer denv.Close()

	ln, err := net.Listen("tcp", listen.addr)
	if err != nil {
		host, _, _ := net.SplitHostPort(listen.addr)
		logger.Warn("demo: address busy, using a free port", slog.String("addr", listen.addr), slog.Any("err", err))
		ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return errorf(env, "demo: listen: %v", err)
		}
	}
	cfg := &config.Config{
		IMAPAddr: denv.IMAPAddr, IMAPUsername: denv.Username, IMAPPassword: config.Secret(denv.Password),
		IMAPAuth: "plain", IMAPTLS: config.TLSNone, IMAPPollInterval: 5 * time.Second, PassInterval: 30 * time.Second,
		SMTPAddr: denv.SMTPAddr, SMTPUsername: denv.Username, SMTPPassword: config.Secret(denv.Password),
		SMTPTLS: config.TLSNone, SaveSent: true, ThankYou: true,
		From: "Atelier Moreau <" + denv.Username + ">", DB: dbPath, HTTPAddr: ln.Addr().String(),
		Timezone: "Europe/Paris", Mode: string(domain.ModeReview), LogFormat: "text", LogLevel: "info",
		BusinessIBAN: denv.Business.IBAN, BusinessBIC: denv.Business.BIC, SignatureName: "Hélène Moreau",
		HTTPToken: listen.token,
	}
	if err := cfg.Validate(); err != nil {
		ln.Close()
		return errorf(env, "demo: %v", err)
	}
	a, err := app.New(ctx, app.Options{Config: cfg, Logger: logger, Listener: ln,
		BuildInfo: metrics.BuildInfo{Version: env.Build.Version, Revision: env.Build.Revision},
		OnListen: func(addr string) {
			fmt.Fprintf(env.Stdout, "relance demo is running (Ctrl-C to stop)\n")
			fmt.Fprintf(env.Stdout, "  web page:  http://%s/\n  metrics:   http://%s/metrics\n  database:  %s\n", addr, addr, config.RedactDB(dbPath))
			if listen.token != "" {
				fmt.Fprintf(env.Stdout, "  access:    the token of RELANCE_HTTP_TOKEN (listening on %s)\n", ln.Addr())
			}
			fmt.Fprintf(env.Stdout, "  mailbox:   imap://%s (user %s, password %s), SMTP sink %s\n", denv.IMAPAddr, denv.Username, denv.Password, denv.SMTPAddr)
			fmt.Fprintf(env.Stdout, "  try:       relance invoices --db %s\n", config.RedactDB(dbPath))
			if env.Ready != nil {
				env.Ready(addr)
			}
		}})
	if err != nil {
		ln.Close()
		return errorf(env, "demo: %v", err)
	}
	defer a.Close()
	if err := a.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return errorf(env, "demo: %v", err)
	}
	return ExitOK
}

// demoAddress is where the demo listens and keeps its store.
type demoAddress struct {
	addr    string
	db      string // empty: a temporary file
	token   config.Secret
	warning string
}

// defaultDemoAddr is the demo's address when nothing is configured.
const defaultDemoAddr = "127.0.0.1:8025"

// demoListen resolves the demo's address and store: a flag wins over
// RELANCE_HTTP_ADDR and RELANCE_DB. An address beyond loopback (the
// container image sets 0.0.0.0:8025) is used only with a token
// (RELANCE_HTTP_TOKEN or _FILE), as for the daemon; without one the demo
// stays on loopback, same port, and says why.
func demoListen(lookup config.Getenv, flagAddr, flagDB string) (demoAddress, error) {
	d := demoAddress{addr: flagAddr, db: flagDB}
	if d.addr == "" {
		d.addr, _ = lookup("RELANCE_HTTP_ADDR")
	}
	if d.addr == "" {
		d.addr = defaultDemoAddr
	}
	if d.db == "" {
		d.db, _ = lookup("RELANCE_DB")
	}
	host, port, err := net.SplitHostPort(d.addr)
	if err != nil {
		return d, fmt.Errorf("listen address %q: want host:port: %w", d.addr, err)
	}
	if d.token, err = config.LookupSecret(lookup, "HTTP_TOKEN"); err != nil {
		return d, err
	}
	if !config.IsLoopback(host) && d.token == "" {
		d.warning = fmt.Sprintf("demo: %s is beyond loopback and RELANCE_HTTP_TOKEN is not set: listening on 127.0.0.1:%s only; set a token to reach the demo from elsewhere", d.addr, port)
		d.addr = net.JoinHostPort("127.0.0.1", port)
	}
	return d, nil
}

func indent(s string) string {
	out := "  "
	for _, r := range s {
		out += string(r)
		if r == '\n' {
			out += "  "
		}
	}
	return out
}
