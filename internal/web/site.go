package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/relance/relance/internal/store"
)

// A site serves several mailboxes from one listener: an overview of them
// all at /, each mailbox's own pages under /m/NAME/, and once for the whole
// site the login, the probes, /metrics and the static files. Whether a
// request may see a mailbox is decided in one place, Site.mayOpen: every
// mailbox for the access token's login, or while the site has no account;
// else the mailboxes granted to the account logged in (all of them for an
// administrator).

// SiteOptions wires a site of several mailboxes.
type SiteOptions struct {
	// Addr is the address the server listens on; unless it is a loopback
	// address, Token must be set (as for Options).
	Addr string
	// Token protects the whole site behind one login form.
	Token      string
	SessionTTL time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
	// Gatherer serves /metrics; Ready answers /readyz for the whole process.
	Gatherer  prometheus.Gatherer
	Ready     func(context.Context) error
	Mailboxes []SiteMailbox
	// Accounts is the process's database, where `relance users` keeps the
	// web accounts and their grants. Nil: no accounts, the token alone.
	Accounts *store.Store
}

// SiteMailbox is one mailbox of a site: its name (the path segment of its
// pages) and the options of its pages. The first of Options.Names is the
// business's name, as the overview and the switcher show it. Options'
// Addr, Token, Gatherer, Now and SessionTTL are the site's, its Logger the
// site's with the mailbox's name, and its Ready unused (the site's /readyz
// answers for the whole process).
type SiteMailbox struct {
	Name    string
	Options Options
}

// mailboxName is the form of a mailbox's name: a lower-case slug, safe in
// a path without escaping.
var mailboxName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Site is the HTTP surface of relance for several mailboxes.
type Site struct {
	// root serves what is not a mailbox's: the overview of them all,
	// login, probes, metrics, static files, and the 404 of an unknown name.
	root  *Handler
	boxes map[string]*Handler
	names []string // sorted
}

// NewSite builds the site. It refuses a non-loopback Addr without a Token,
// an empty list, a malformed or repeated name and a mailbox without a store.
func NewSite(opt SiteOptions) (*Site, error) {
	if len(opt.Mailboxes) == 0 {
		return nil, errors.New("web: a site needs at least one mailbox")
	}
	if err := checkAddr(opt.Addr, opt.Token); err != nil {
		return nil, err
	}
	rootOpt := Options{Addr: opt.Addr, Token: opt.Token, SessionTTL: opt.SessionTTL, Logger: opt.Logger, Now: opt.Now,
		Gatherer: opt.Gatherer, Ready: opt.Ready}.withDefaults()
	sh, err := newShell(rootOpt.SessionTTL)
	if err != nil {
		return nil, err
	}
	sh.accounts = opt.Accounts
	s := &Site{boxes: map[string]*Handler{}}
	s.root = &Handler{shell: sh, opt: rootOpt, mux: http.NewServeMux()}
	s.root.routeListener()
	s.root.handle("GET /{$}", s.overview)
	// Every path under /m/ not taken by a known mailbox: not found, after
	// the login like any page, so that the names are not told to strangers.
	s.root.mux.HandleFunc("/m/", s.root.page(func(*request) error { return store.ErrNotFound }))
	for _, m := range opt.Mailboxes {
		if !mailboxName.MatchString(m.Name) {
			return nil, fmt.Errorf("web: mailbox name %q: use lower-case letters, digits and hyphens, starting with a letter or digit", m.Name)
		}
		if _, dup := s.boxes[m.Name]; dup {
			return nil, fmt.Errorf("web: mailbox %q listed twice", m.Name)
		}
		if m.Options.Store == nil {
			return nil, fmt.Errorf("web: mailbox %q: no store", m.Name)
		}
		o := m.Options
		o.Addr, o.Token, o.Gatherer = opt.Addr, rootOpt.Token, nil
		o.SessionTTL, o.Now = rootOpt.SessionTTL, rootOpt.Now
		o.Logger = rootOpt.Logger.With(slog.String("mailbox", m.Name))
		h := &Handler{shell: sh, opt: o.withDefaults(), mux: http.NewServeMux(), prefix: "/m/" + m.Name, site: s, name: m.Name}
		h.routeMailbox()
		// A typed /m/NAME lacks the slash of the mailbox's overview.
		h.mux.HandleFunc("GET "+h.prefix, h.page(func(q *request) error {
			http.Redirect(q.w, q.r, h.prefix+"/", http.StatusSeeOther)
			return nil
		}))
		s.boxes[m.Name] = h
		s.names = append(s.names, m.Name)
	}
	sort.Strings(s.names)
	return s, nil
}

// mayOpen tells whether the request may see mailbox name. Every request
// under /m/NAME/ and every mailbox the overview and the switcher list pass
// through it, so that a rule of who sees which mailbox is written here and
// nowhere else: see viewer. A mailbox out of view answers as an unknown
// one, not found, so that its name is not told.
func (s *Site) mayOpen(r *http.Request, name string) bool {
	_, ok := s.boxes[name]
	return ok && s.root.viewerOf(r, s.root.opt.Now(), s.root.opt.Logger).mayOpen(name)
}

// ServeHTTP sends /m/NAME/… to the mailbox's pages and the rest to the
// site's own.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = s.root.withViewer(r, s.root.opt.Now(), s.root.opt.Logger)
	rest, ok := strings.CutPrefix(r.URL.Path, "/m/")
	if !ok {
		s.root.ServeHTTP(w, r)
		return
	}
	name, _, _ := strings.Cut(rest, "/")
	if !s.mayOpen(r, name) {
		s.root.ServeHTTP(w, r)
		return
	}
	s.boxes[name].ServeHTTP(w, r)
}

// siteLink is a mailbox as the overview and the switcher name it.
type siteLink struct {
	Name  string // the path segment
	Title string // the business's name
	Href  string
}

func (s *Site) link(name string) siteLink {
	h := s.boxes[name]
	title := name
	if len(h.opt.Names) > 0 && strings.TrimSpace(h.opt.Names[0]) != "" {
		title = h.opt.Names[0]
	}
	return siteLink{Name: name, Title: title, Href: h.prefix + "/"}
}

// switcher is the header's list of the other mailboxes on a mailbox's page.
type switcher struct {
	Current siteLink
	Others  []siteLink
}

func (s *Site) switcher(r *http.Request, current string) *switcher {
	sw := &switcher{Current: s.link(current)}
	for _, n := range s.names {
		if n != current && s.mayOpen(r, n) {
			sw.Others = append(sw.Others, s.link(n))
		}
	}
	return sw
}

// siteRow is one mailbox on the site's overview, with the figures of its
// own overview. L writes its dates in the mailbox's time zone.
type siteRow struct {
	siteLink
	// Role is the i18n key of the viewer's role in the mailbox, on a site
	// with accounts ("": not shown).
	Role   string
	L      *locale
	O      store.Overview
	Health Health
	Failed bool // its store could not be read: the row says so, the others show
}

type siteBody struct {
	Rows   []siteRow
	Search string
	Total  int // the mailboxes the request may see, before the filter
}

// overview is the site's front page: one row a mailbox, sorted by name,
// filtered by ?q= on the name or the business's name.
func (s *Site) overview(q *request) error {
	search := strings.TrimSpace(q.r.URL.Query().Get("q"))
	b := siteBody{Search: search}
	needle := strings.ToLower(search)
	for _, n := range s.names {
		if !s.mayOpen(q.r, n) {
			continue
		}
		b.Total++
		row := siteRow{siteLink: s.link(n), Role: q.viewer.role(n)}
		if needle != "" && !strings.Contains(strings.ToLower(row.Name), needle) && !strings.Contains(strings.ToLower(row.Title), needle) {
			continue
		}
		h := s.boxes[n]
		row.L = newLocale(q.L.Lang, h.opt.Location)
		o, err := h.opt.Store.Overview(q.ctx, q.now, q.today(h.opt.Location))
		if err != nil {
			h.opt.Logger.Error("web: mailbox overview failed", slog.Any("err", err))
			row.Failed = true
		}
		row.O = o
		if h.opt.Health != nil {
			row.Health = h.opt.Health()
		}
		b.Rows = append(b.Rows, row)
	}
	d := s.root.base(q, "", q.L.T("site.title"))
	d.Wide = true
	d.Body = b
	s.root.render(q, http.StatusOK, "site", d)
	return nil
}
