package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/relance/relance/internal/store"
)

// Accounts. A site given the process's database (SiteOptions.Accounts)
// asks, as soon as one account exists there, for a login and a password,
// and shows each account the mailboxes it was granted (an administrator
// all of them). The access token, when set, still logs in with every
// mailbox in view: it is the operator's way in when no account can.

// viewer is who a request is, as far as the mailboxes go.
type viewer struct {
	// accounts: the site has accounts, so a login is required.
	accounts bool
	// all: sees every mailbox (no accounts, the token's session, or an
	// administrator's).
	all bool
	// account is the logged-in account (nil: none, or the token's session).
	account *store.Account
}

// mayOpen tells whether the viewer sees mailbox name.
func (v viewer) mayOpen(name string) bool {
	return v.all || (v.account != nil && v.account.MayOpen(name))
}

// role is the i18n key of what the viewer is in mailbox name ("" on the
// overview of all for someone without the run of the site).
func (v viewer) role(name string) string {
	switch {
	case v.account != nil && v.account.Admin:
		return "role.admin"
	case v.account != nil:
		if r, ok := v.account.RoleIn(name); ok {
			return "role." + string(r)
		}
		return ""
	case v.accounts && v.all:
		return "role.operator"
	}
	return ""
}

type viewerKey struct{}

// withViewer keeps in the request's context its viewer, resolved at the
// first need and once: the overview's many rows and the page's login check
// ask the database once, and the probes, metrics and static files never.
func (sh *shell) withViewer(r *http.Request, now time.Time, logger *slog.Logger) *http.Request {
	if _, ok := r.Context().Value(viewerKey{}).(func() viewer); ok {
		return r
	}
	once := sync.OnceValue(func() viewer { return sh.resolveViewer(r, now, logger) })
	return r.WithContext(context.WithValue(r.Context(), viewerKey{}, once))
}

// viewerOf is the viewer withViewer keeps, or resolved now.
func (sh *shell) viewerOf(r *http.Request, now time.Time, logger *slog.Logger) viewer {
	if v, ok := r.Context().Value(viewerKey{}).(func() viewer); ok {
		return v()
	}
	return sh.resolveViewer(r, now, logger)
}

// resolveViewer reads the session and its account. Without an accounts
// database, or with no account in it, everyone who passes the login (the
// token's, if any) sees every mailbox, as before accounts existed. A
// database that cannot be read shows nothing: the site fails closed.
func (sh *shell) resolveViewer(r *http.Request, now time.Time, logger *slog.Logger) viewer {
	if sh.accounts == nil {
		return viewer{all: true}
	}
	ctx := r.Context()
	has, err := sh.accounts.HasAccounts(ctx)
	if err != nil {
		logger.Error("web: read the accounts", slog.Any("err", err))
		return viewer{accounts: true}
	}
	if !has {
		return viewer{all: true}
	}
	v := viewer{accounts: true}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return v
	}
	sess, ok := sh.sessions.get(c.Value, now)
	if !ok {
		return v
	}
	if sess.login == "" {
		v.all = true // the token's session
		return v
	}
	a, err := sh.accounts.Account(ctx, sess.login)
	if err != nil {
		// Removed since the login, or unreadable: nothing in view.
		logger.Warn("web: the session's account cannot be read", slog.String("login", sess.login), slog.Any("err", err))
		return v
	}
	v.account, v.all = &a, a.Admin
	return v
}
