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

// Handler is the HTTP surface of relance: one mailbox's pages, alone at the
// root of the listener (New) or under /m/NAME on a site (NewSite).
type Handler struct {
	*shell
	opt Options
	mux *http.ServeMux
	// writes counts the changes made through the page, so that figures
	// kept for a while (the overview's money) are dropped after one.
	writes atomic.Uint64
	money  moneyCache
	// prefix comes before every path of the mailbox's pages: empty alone,
	// "/m/NAME" on a site.
	prefix string
	// site and name place the mailbox on its site (nil alone): its pages
	// then show the switcher to the others.
	site *Site
	name string
	// routes lists the patterns handle registered, so that a test of who
	// may reach what walks every one of them.
	routes []string
}

// shell is what every page served by one listener shares: the templates
// (parsed once, whatever the number of mailboxes), the sessions, the
// cross-origin check and the static files.
type shell struct {
	pages    map[string]*template.Template
	sessions *sessions
	static   http.Handler
	cop      *http.CrossOriginProtection
	// accounts is the process's database of web accounts (nil: the
	// access token alone protects the pages).
	accounts *store.Store
}

var pageNames = []string{"overview", "review", "flags", "flag", "invoices", "invoice", "rejected", "sheet", "login", "error", "clients", "client", "site"}

func newShell(sessionTTL time.Duration) (*shell, error) {
	sh := &shell{pages: map[string]*template.Template{}, sessions: newSessions(sessionTTL), cop: http.NewCrossOriginProtection()}
	for _, name := range pageNames {
		t, err := template.New("base.html").Funcs(funcs).ParseFS(assets, "assets/base.html", "assets/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		sh.pages[name] = t
	}
	static, err := fs.Sub(assets, "assets/static")
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	sh.static = http.StripPrefix("/static/", http.FileServerFS(static))
	return sh, nil
}

// checkAddr refuses a non-loopback listen address without a token.
func checkAddr(addr, token string) error {
	if addr != "" && !isLoopbackAddr(addr) && token == "" {
		return fmt.Errorf("%w: %s", ErrTokenRequired, addr)
	}
	return nil
}

// withDefaults fills the options a caller may leave out.
func (opt Options) withDefaults() Options {
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
	return opt
}

// New builds the handler. It refuses a non-loopback Addr without a Token.
func New(opt Options) (*Handler, error) {
	if opt.Store == nil {
		return nil, errors.New("web: no store")
	}
	if err := checkAddr(opt.Addr, opt.Token); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	sh, err := newShell(opt.SessionTTL)
	if err != nil {
		return nil, err
	}
	h := &Handler{shell: sh, opt: opt, mux: http.NewServeMux()}
	h.routeListener()
	h.routeMailbox()
	return h, nil
}

// routeListener registers what a listener serves once, whatever its
// mailboxes: probes, metrics, static files, login and logout.
func (h *Handler) routeListener() {
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /readyz", h.readyz)
	if h.opt.Gatherer != nil {
		h.mux.Handle("GET /metrics", promhttp.HandlerFor(h.opt.Gatherer, promhttp.HandlerOpts{ErrorLog: slogErrorLog{h.opt.Logger}}))
	}
	h.mux.Handle("GET /static/", h.static)
	h.handle("GET /login", h.loginPage)
	h.handle("POST /login", h.login)
	h.handle("POST /logout", h.logout)
}

// routeMailbox registers the pages and actions of the mailbox, under its
// prefix.
func (h *Handler) routeMailbox() {
	h.handle("GET /{$}", h.overview)
	h.handle("GET /review", h.review)
	h.handle("POST /drafts/{id}/approve", h.approveDraft)
	h.handle("POST /drafts/{id}/cancel", h.cancelDraft)
	h.handle("POST /drafts/{id}/send-now", h.sendDraftNow)
	h.handle("POST /drafts/{id}/edit", h.editDraft)
	h.handle("POST /drafts/{id}/objection", h.setDraftObjection)
	h.handle("GET /flags", h.flags)
	h.handle("GET /flags/{id}", h.flag)
	h.handle("GET /flags/{id}/sheet", h.sheet)
	h.handle("GET /flags/{id}/handover.pdf", h.handoverFile(false))
	h.handle("GET /flags/{id}/handover.zip", h.handoverFile(true))
	h.handle("POST /flags/{id}/acknowledge", h.acknowledgeFlag)
	h.handle("POST /flags/{id}/resolve", h.resolveFlag)
	h.handle("POST /flags/{id}/outcome", h.taskOutcome)
	h.handle("POST /flags/{id}/objection", h.setFlagObjection)
	h.handle("POST /replies/{id}/correct", h.correctReading)
	h.handle("GET /invoices", h.invoices)
	h.handle("GET /invoices/{id}", h.invoice)
	h.handle("GET /rejected", h.rejected)
	h.handle("POST /rejected/{id}/adopt", h.adoptDocument)
	h.handle("POST /invoices/{id}/pay", h.payInvoice)
	h.handle("POST /invoices/{id}/resume", h.resumeChasing)
	h.handle("POST /invoices/{id}/stop", h.stopChasing)
	h.handle("POST /invoices/{id}/plan", h.recordPlan)
	h.handle("GET /clients", h.clients)
	h.handle("GET /clients/{id}", h.clientPage)
	h.handle("POST /clients/{id}/kind", h.setClientKind)
	h.handle("POST /clients/{id}/phones", h.addClientPhone)
	h.handle("POST /clients/{id}/phones/remove", h.removeClientPhone)
	h.handle("POST /clients/{id}/file", h.setClientFile)
}

// handle registers a page or action ("METHOD /path") under the prefix.
func (h *Handler) handle(pattern string, fn func(*request) error) {
	method, path, _ := strings.Cut(pattern, " ")
	h.mux.HandleFunc(method+" "+h.prefix+path, h.page(fn))
	h.routes = append(h.routes, method+" "+h.prefix+path)
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
	// viewer says which mailboxes the request may see.
	viewer viewer
	now    time.Time
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
		q.L.prefix = h.prefix
		// Pages show mail and money: no copy kept by the browser or a proxy.
		w.Header().Set("Cache-Control", "no-store")
		a, err := h.authenticate(w, r)
		if err != nil {
			h.internalError(q, err)
			return
		}
		q.auth = a
		q.viewer = h.viewerOf(r, q.now, h.opt.Logger)
		if r.Method == http.MethodPost {
			defer h.writes.Add(1)
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if err := h.cop.Check(r); err != nil || !csrfOK(r, a.csrf) {
				h.opt.Logger.Warn("web: refused a POST without a valid CSRF token", slog.String("path", r.URL.Path))
				h.errorPage(q, http.StatusForbidden, "err.forbidden")
				return
			}
		}
		if h.loginRequired(q) && !a.loggedIn && !publicPath(r.URL.Path) {
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

// loginRequired tells whether the pages need a login: with an access
// token, or once the site has an account.
func (h *Handler) loginRequired(q *request) bool {
	return h.opt.Token != "" || q.viewer.accounts
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
