// Package web serves the review page (overview, drafts to review, flags,
// invoices), /metrics, /healthz and /readyz. It reads the store and changes
// it only through store use cases, each logged as an event by actor "web".
//
// Mail content (subjects, names, bodies, evidence) is data: it goes through
// html/template's contextual escaping everywhere and the Content Security
// Policy forbids inline script, so a hostile mail stays inert.
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

//go:embed assets
var assets embed.FS

// ErrTokenRequired refuses to serve a non-loopback address without a token.
var ErrTokenRequired = errors.New("web: a non-loopback listen address requires an access token (RELANCE_HTTP_TOKEN)")

// Health is the mailbox's state as the overview shows it.
type Health struct {
	Known      bool // false: no mailbox observer wired
	Connected  bool
	LastSync   time.Time // zero: not synced yet
	Reconnects int
	// Scans are the folder reads under way, the first one above all.
	Scans []Scan
}

// Scan is a folder read under way.
type Scan struct {
	Folder       string
	Done, Total  int
	PerSecond    float64
	ETA, Elapsed time.Duration
}

// Rate is the pace in whole messages a second, as the page shows it.
func (s Scan) Rate() int { return int(s.PerSecond + 0.5) }

// Options wires the handler.
type Options struct {
	Store    *store.Store
	Gatherer prometheus.Gatherer
	// Ready reports nil once the daemon can serve (store open, first sync done).
	Ready    func(context.Context) error
	Now      func() time.Time
	Location *time.Location
	Logger   *slog.Logger
	// Addr is the address the server listens on. Unless it is a loopback
	// address, Token must be set. Empty means the caller serves the handler
	// itself (tests) and is treated as loopback.
	Addr string
	// Token protects the page behind a login form. Empty: no login, and
	// only Host headers naming this machine are accepted.
	Token string
	// SessionTTL is how long a login lasts (default 12 hours).
	SessionTTL time.Duration
	// Health reports the mailbox connection (nil: unknown).
	Health func() Health
	// Names are words the tone check must not flag in drafts (the
	// business's name); client names and invoice numbers are added.
	Names []string
	// RateTable reports the ECB rate table's age at an instant (nil: not
	// shown); the overview shows it, highlighted once out of date.
	RateTable func(now time.Time) policy.RateTableStatus
	// Policy tells when an approved draft leaves (shown on each draft) and
	// the default "until when?" of a cancel. Optional: without it the page
	// shows the end of the hold.
	Policy *policy.Policy
	// Poke asks the daemon for a pass soon (after "send now"). Optional.
	Poke func()
}

// Handler is the HTTP surface of relance.
type Handler struct {
	opt      Options
	mux      *http.ServeMux
	pages    map[string]*template.Template
	sessions *sessions
	static   http.Handler
	cop      *http.CrossOriginProtection
	// writes counts the changes made through the page, so that figures
	// kept for a while (the overview's money) are dropped after one.
	writes atomic.Uint64
	money  moneyCache
}

var pageNames = []string{"overview", "review", "flags", "flag", "invoices", "invoice", "rejected", "sheet", "login", "error", "clients", "client"}

// New builds the handler. It refuses a non-loopback Addr without a Token.
func New(opt Options) (*Handler, error) {
	if opt.Store == nil {
		return nil, errors.New("web: no store")
	}
	if opt.Addr != "" && !isLoopbackAddr(opt.Addr) && opt.Token == "" {
		return nil, fmt.Errorf("%w: %s", ErrTokenRequired, opt.Addr)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	h := &Handler{opt: opt, mux: http.NewServeMux(), pages: map[string]*template.Template{},
		sessions: newSessions(opt.SessionTTL), cop: http.NewCrossOriginProtection()}
	for _, name := range pageNames {
		t, err := template.New("base.html").Funcs(funcs).ParseFS(assets, "assets/base.html", "assets/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		h.pages[name] = t
	}
	static, err := fs.Sub(assets, "assets/static")
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	h.static = http.StripPrefix("/static/", http.FileServerFS(static))

	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /readyz", h.readyz)
	if opt.Gatherer != nil {
		h.mux.Handle("GET /metrics", promhttp.HandlerFor(opt.Gatherer, promhttp.HandlerOpts{ErrorLog: slogErrorLog{opt.Logger}}))
	}
	h.mux.Handle("GET /static/", h.static)
	h.mux.HandleFunc("GET /login", h.page(h.loginPage))
	h.mux.HandleFunc("POST /login", h.page(h.login))
	h.mux.HandleFunc("POST /logout", h.page(h.logout))
	h.mux.HandleFunc("GET /{$}", h.page(h.overview))
	h.mux.HandleFunc("GET /review", h.page(h.review))
	h.mux.HandleFunc("POST /drafts/{id}/approve", h.page(h.approveDraft))
	h.mux.HandleFunc("POST /drafts/{id}/cancel", h.page(h.cancelDraft))
	h.mux.HandleFunc("POST /drafts/{id}/send-now", h.page(h.sendDraftNow))
	h.mux.HandleFunc("POST /drafts/{id}/edit", h.page(h.editDraft))
	h.mux.HandleFunc("POST /drafts/{id}/objection", h.page(h.setDraftObjection))
	h.mux.HandleFunc("GET /flags", h.page(h.flags))
	h.mux.HandleFunc("GET /flags/{id}", h.page(h.flag))
	h.mux.HandleFunc("GET /flags/{id}/sheet", h.page(h.sheet))
	h.mux.HandleFunc("GET /flags/{id}/handover.pdf", h.page(h.handoverFile(false)))
	h.mux.HandleFunc("GET /flags/{id}/handover.zip", h.page(h.handoverFile(true)))
	h.mux.HandleFunc("POST /flags/{id}/acknowledge", h.page(h.acknowledgeFlag))
	h.mux.HandleFunc("POST /flags/{id}/resolve", h.page(h.resolveFlag))
	h.mux.HandleFunc("POST /flags/{id}/outcome", h.page(h.taskOutcome))
	h.mux.HandleFunc("POST /flags/{id}/objection", h.page(h.setFlagObjection))
	h.mux.HandleFunc("POST /replies/{id}/correct", h.page(h.correctReading))
	h.mux.HandleFunc("GET /invoices", h.page(h.invoices))
	h.mux.HandleFunc("GET /invoices/{id}", h.page(h.invoice))
	h.mux.HandleFunc("GET /rejected", h.page(h.rejected))
	h.mux.HandleFunc("POST /rejected/{id}/adopt", h.page(h.adoptDocument))
	h.mux.HandleFunc("POST /invoices/{id}/pay", h.page(h.payInvoice))
	h.mux.HandleFunc("POST /invoices/{id}/resume", h.page(h.resumeChasing))
	h.mux.HandleFunc("POST /invoices/{id}/stop", h.page(h.stopChasing))
	h.mux.HandleFunc("POST /invoices/{id}/plan", h.page(h.recordPlan))
	h.mux.HandleFunc("GET /clients", h.page(h.clients))
	h.mux.HandleFunc("GET /clients/{id}", h.page(h.clientPage))
	h.mux.HandleFunc("POST /clients/{id}/kind", h.page(h.setClientKind))
	h.mux.HandleFunc("POST /clients/{id}/phones", h.page(h.addClientPhone))
	h.mux.HandleFunc("POST /clients/{id}/phones/remove", h.page(h.removeClientPhone))
	h.mux.HandleFunc("POST /clients/{id}/file", h.page(h.setClientFile))
	return h, nil
}

// publicPaths are served without a login: probes, metrics for the
// scraper, the stylesheet and the login form itself.
func publicPath(p string) bool {
	switch p {
	case "/healthz", "/readyz", "/metrics", "/login":
		return true
	}
	return len(p) > len("/static/") && p[:len("/static/")] == "/static/"
}

// ServeHTTP applies the security headers and the access rules, then routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if h.opt.Token == "" && !hostAllowed(r.Host) {
		http.Error(w, "relance: unknown host; open the page through 127.0.0.1 or localhost", http.StatusMisdirectedRequest)
		return
	}
	// Off loopback, /metrics (overdue totals are business figures) needs the
	// token as a bearer credential, which Prometheus sends natively.
	if r.URL.Path == "/metrics" && h.opt.Token != "" && !bearerOK(r, h.opt.Token) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="relance"`)
		http.Error(w, "relance: /metrics needs Authorization: Bearer <RELANCE_HTTP_TOKEN>", http.StatusUnauthorized)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// request is one page request with what every handler needs.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	ctx  context.Context
	L    *locale
	auth reqAuth
	now  time.Time
	// Set by an action that refuses, before it renders the page again.
	status int
	errKey string
	focus  int64
}

// page wraps a page or action handler: language, authentication, CSRF and
// cross-origin checks, and errors shown as a calm page.
func (h *Handler) page(fn func(*request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang, explicit := pickLang(r)
		if explicit {
			h.setCookie(w, r, langCookie, lang, 365*24*3600)
		}
		q := &request{w: w, r: r, ctx: r.Context(), L: newLocale(lang, h.opt.Location), now: h.opt.Now()}
		// Pages show mail and money: no copy kept by the browser or a proxy.
		w.Header().Set("Cache-Control", "no-store")
		a, err := h.authenticate(w, r)
		if err != nil {
			h.internalError(q, err)
			return
		}
		q.auth = a
		if r.Method == http.MethodPost {
			defer h.writes.Add(1)
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if err := h.cop.Check(r); err != nil || !csrfOK(r, a.csrf) {
				h.opt.Logger.Warn("web: refused a POST without a valid CSRF token", slog.String("path", r.URL.Path))
				h.errorPage(q, http.StatusForbidden, "err.forbidden")
				return
			}
		}
		if h.opt.Token != "" && !a.loggedIn && !publicPath(r.URL.Path) {
			if r.Method != http.MethodGet {
				h.errorPage(q, http.StatusUnauthorized, "login.lead")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err := fn(q); err != nil {
			switch {
			case errors.Is(err, store.ErrNotFound):
				h.errorPage(q, http.StatusNotFound, "err.notfound")
			default:
				h.internalError(q, err)
			}
		}
	}
}

func (h *Handler) internalError(q *request, err error) {
	h.opt.Logger.Error("web: request failed", slog.String("path", q.r.URL.Path), slog.Any("err", err))
	h.errorPage(q, http.StatusInternalServerError, "err.internal")
}

func (h *Handler) errorPage(q *request, status int, key string) {
	h.render(q, status, "error", pageData{Title: q.L.T(key), Error: q.L.T(key)})
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if h.opt.Ready != nil {
		if err := h.opt.Ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}

type slogErrorLog struct{ l *slog.Logger }

func (s slogErrorLog) Println(v ...any) {
	s.l.Error("metrics: " + fmt.Sprint(v...))
}

// bearerOK compares an Authorization: Bearer credential in constant time.
func bearerOK(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}
