package webtest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// On a site with accounts, alpha's owner logs in with a login and a
// password and sees alpha alone, in the overview as in the switcher; beta's
// flag, typed in the address bar, is not found and tells nothing of beta.
// After signing out, the administrator sees both mailboxes and opens it.
func TestSiteAccountsInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	ctx := context.Background()
	at := time.Now()
	accounts, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accounts.Close() })
	for _, a := range []store.NewAccount{{Login: "marie@alpha.fr", Name: "Marie Alpha", Password: "alpha-secret-1"},
		{Login: "cabinet", Name: "Cabinet Leroy", Password: "cabinet-admin-3", Admin: true}} {
		if err := accounts.AddAccount(ctx, a, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := accounts.GrantRole(ctx, "marie@alpha.fr", "alpha", domain.RoleOwner, at); err != nil {
		t.Fatal(err)
	}
	srv, _, beta := twoMailboxSite(t, at, accounts)
	shots := artifactsDir(t)
	b := newBrowser(t, chromium)

	login := func(who, password string) {
		t.Helper()
		step(t, b, "open the login form as "+who, chromedp.Navigate(srv.URL+"/?lang=fr"), chromedp.WaitVisible(chromedp.ID("password")),
			chromedp.SetValue(chromedp.ID("login"), who), chromedp.SetValue(chromedp.ID("password"), password))
		submit(t, b, "sign in as "+who, `form[action="/login"] button.primary`)
		if path := eval[string](t, b, `location.pathname`); path != "/" {
			t.Fatalf("%s's login led to %s", who, path)
		}
	}
	step(t, b, "open the login form", chromedp.Navigate(srv.URL+"/m/alpha/?lang=fr"), chromedp.WaitVisible(chromedp.ID("password")))
	for _, width := range viewportWidths {
		viewport(t, b, width)
		fitsScreen(t, b, "the login form", width)
		screenshot(t, b, filepath.Join(shots, fmt.Sprintf("%d-site-login.png", width)))
	}
	viewport(t, b, 1280)
	if label := eval[string](t, b, `document.querySelector("label[for=login]").innerText`); label != "Identifiant" {
		t.Errorf("the login's label reads %q", label)
	}

	login("marie@alpha.fr", "alpha-secret-1")
	step(t, b, "overview", chromedp.WaitVisible(chromedp.CSS("#mailboxes")))
	if rows := eval[string](t, b, `[...document.querySelectorAll("#mailboxes tbody tr[data-mailbox]")].map(r => r.dataset.mailbox).join(" ")`); rows != "alpha" {
		t.Errorf("alpha's owner's overview lists %q", rows)
	}
	if who := eval[string](t, b, `document.querySelector("#who").innerText`); !strings.Contains(who, "Marie Alpha") {
		t.Errorf("the header names %q", who)
	}
	submit(t, b, "follow alpha's row", `#mailboxes tr[data-mailbox="alpha"] a`)
	if links := eval[string](t, b, `[...document.querySelectorAll("#switch a")].map(a => a.getAttribute("href")).join(" ")`); links != "/" {
		t.Errorf("alpha's owner's switcher links %q", links)
	}
	if who := eval[string](t, b, `document.querySelector("#who").innerText`); !strings.Contains(who, "propriétaire") {
		t.Errorf("the header gives no role: %q", who)
	}
	screenshot(t, b, filepath.Join(shots, "1280-site-owner.png"))

	betaFlag := fmt.Sprintf("%s/m/beta/flags/%d", srv.URL, beta.flag)
	step(t, b, "type beta's flag", chromedp.Navigate(betaFlag), chromedp.WaitVisible(chromedp.CSS("main")))
	page := eval[string](t, b, `document.body.innerText`)
	if !strings.Contains(page, "Introuvable") || strings.Contains(page, "Beta Rénovation") || strings.Contains(page, "Bêta") ||
		eval[bool](t, b, `document.querySelector("#switch") !== null`) {
		t.Errorf("beta's flag, typed by alpha's owner, shows:\n%s", page)
	}
	screenshot(t, b, filepath.Join(shots, "1280-site-not-granted.png"))

	submit(t, b, "sign out", `form[action="/logout"] button`)
	login("cabinet", "cabinet-admin-3")
	step(t, b, "overview", chromedp.WaitVisible(chromedp.CSS("#mailboxes")))
	if rows := eval[string](t, b, `[...document.querySelectorAll("#mailboxes tbody tr[data-mailbox]")].map(r => r.dataset.mailbox).join(" ")`); rows != "alpha beta" {
		t.Errorf("the administrator's overview lists %q", rows)
	}
	step(t, b, "open beta's flag", chromedp.Navigate(betaFlag), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`form[action="/m/beta/flags/%d/acknowledge"]`, beta.flag))))
	if page := eval[string](t, b, `document.querySelector("main").innerText`); !strings.Contains(page, "Beta Rénovation") {
		t.Errorf("the administrator's view of beta's flag:\n%s", page)
	}
	screenshot(t, b, filepath.Join(shots, "1280-site-admin.png"))
}
