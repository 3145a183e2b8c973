package app

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/relance/relance/internal/web"
)

// siteHandler serves the fleet's web site, rebuilt when the mailboxes
// change (a reload): requests already under way finish on the site they
// started on.
type siteHandler struct{ site atomic.Pointer[web.Site] }

func (h *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.site.Load().ServeHTTP(w, r)
}

// handler is the fleet's HTTP surface: one site, an overview of every
// mailbox at /, each mailbox's pages under /m/NAME/.
func (f *Fleet) handler() (http.Handler, error) {
	site, err := f.site()
	if err != nil {
		return nil, err
	}
	f.web = &siteHandler{}
	f.web.site.Store(site)
	return f.web, nil
}

// site builds the web site of the mailboxes served now.
func (f *Fleet) site() (*web.Site, error) {
	opt := web.SiteOptions{Addr: f.opt.Config.HTTPAddr, Token: f.opt.Config.HTTPToken.Reveal(), Now: f.opt.Now,
		Logger: f.log.With(slog.String("component", "web")), Gatherer: f.registry, Ready: f.ready, Accounts: f.accounts}
	for _, name := range f.Names() {
		if a := f.Mailbox(name); a != nil {
			opt.Mailboxes = append(opt.Mailboxes, web.SiteMailbox{Name: name, Options: a.webOptions()})
		}
	}
	return web.NewSite(opt)
}

// refreshSite rebuilds the site after the mailboxes changed.
func (f *Fleet) refreshSite() {
	if f.web == nil {
		return
	}
	site, err := f.site()
	if err != nil {
		f.log.Error("web site not rebuilt: it still shows the mailboxes before the reload", slog.Any("err", err))
		return
	}
	f.web.site.Store(site)
}
