package webtest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/web"
)

// siteMailbox is one seeded mailbox of the site: its store and its flag.
type siteMailbox struct {
	st   *store.Store
	flag int64
}

// seedSiteMailbox records, through the store's use cases, a client's
// overdue invoice F-2026-001 (the same number in every mailbox) and the
// dispute flag of its reply.
func seedSiteMailbox(t *testing.T, client string, at time.Time) siteMailbox {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "box.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := siteMailbox{st: st}
	email := strings.ToLower(strings.Fields(client)[0]) + "@example.com"
	err = st.Update(ctx, at, func(tx *store.Tx) error {
		c, err := tx.EnsureClient(email, client, "fr")
		if err != nil {
			return err
		}
		inv, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-001", ClientID: c.ID, Amount: decimal.NewFromInt(840),
			Currency: "EUR", IssueDate: at.AddDate(0, 0, -45), DueDate: at.AddDate(0, 0, -15)})
		if err != nil {
			return err
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 7, Role: "inbox", MessageID: "r@" + email,
			From: email, Subject: "Re: facture F-2026-001", Date: at.Add(-time.Hour), Class: "dispute", InvoiceID: inv})
		if err != nil {
			return err
		}
		if err := tx.SetMessageText(msg, client, "Bonjour,\nJe conteste cette facture, le travail n'est pas fini.\nMerci"); err != nil {
			return err
		}
		m.flag, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: inv, MessageID: msg,
			Evidence: []string{"Je conteste cette facture, le travail n'est pas fini."}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// twoMailboxSite serves mailboxes alpha ("Atelier Alpha", client Alpha
// Travaux) and beta ("Bêta Bâtiment", client Beta Rénovation), listed beta
// first, with the web accounts of accounts (nil: none).
func twoMailboxSite(t *testing.T, at time.Time, accounts *store.Store) (*httptest.Server, siteMailbox, siteMailbox) {
	t.Helper()
	alpha := seedSiteMailbox(t, "Alpha Travaux", at)
	beta := seedSiteMailbox(t, "Beta Rénovation", at)
	site, err := web.NewSite(web.SiteOptions{Accounts: accounts, Mailboxes: []web.SiteMailbox{
		{Name: "beta", Options: web.Options{Store: beta.st, Names: []string{"Bêta Bâtiment"}}},
		{Name: "alpha", Options: web.Options{Store: alpha.st, Names: []string{"Atelier Alpha"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return srv, alpha, beta
}

// On a site of several mailboxes, a user opens the overview of them all,
// follows one mailbox's row, opens its flag and acknowledges it: the page
// lands back under that mailbox, the flag moves in its store only, and the
// switcher leads to the other mailbox.
func TestSiteInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	ctx := context.Background()
	at := time.Now()
	srv, alpha, beta := twoMailboxSite(t, at, nil)
	shots := artifactsDir(t)
	b := newBrowser(t, chromium)

	step(t, b, "open the overview of all mailboxes", chromedp.Navigate(srv.URL+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS("#mailboxes")))
	if rows := eval[int](t, b, `document.querySelectorAll("#mailboxes tbody tr[data-mailbox]").length`); rows != 2 {
		t.Fatalf("%d rows in the overview, want 2", rows)
	}
	if first := eval[string](t, b, `document.querySelector("#mailboxes tbody tr").dataset.mailbox`); first != "alpha" {
		t.Errorf("first row is %q, want alpha (sorted by name)", first)
	}
	for _, width := range viewportWidths {
		viewport(t, b, width)
		fitsScreen(t, b, "overview of all mailboxes", width)
		screenshot(t, b, filepath.Join(shots, fmt.Sprintf("%d-site.png", width)))
	}
	viewport(t, b, 1280)

	submit(t, b, "follow beta's row", `#mailboxes tr[data-mailbox="beta"] a`)
	if path := eval[string](t, b, `location.pathname`); path != "/m/beta/" {
		t.Fatalf("beta's row led to %s", path)
	}
	if sw := eval[string](t, b, `document.querySelector("#switch summary").innerText`); !strings.Contains(sw, "Bêta Bâtiment") {
		t.Errorf("the switcher names %q, want beta's business", sw)
	}
	submit(t, b, "open the flags", `nav[aria-label="relance"] a[href="/m/beta/flags"]`)
	flagLink := fmt.Sprintf(`main a[href="/m/beta/flags/%d"]`, beta.flag)
	submit(t, b, "open beta's flag", flagLink)
	for _, width := range viewportWidths {
		viewport(t, b, width)
		fitsScreen(t, b, "beta's flag", width)
		screenshot(t, b, filepath.Join(shots, fmt.Sprintf("%d-site-flag.png", width)))
	}
	viewport(t, b, 1280)
	submit(t, b, "acknowledge", fmt.Sprintf(`form[action="/m/beta/flags/%d/acknowledge"] button`, beta.flag))
	loc, err := url.Parse(eval[string](t, b, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/m/beta/flags/%d", beta.flag); loc.Path != want || loc.Query().Get("done") != string(domain.FlagAcknowledged) {
		t.Errorf("after acknowledging: %s, want %s?done=acknowledged", loc, want)
	}
	if notice := eval[string](t, b, `(document.querySelector(".notice") || {}).innerText || ""`); notice == "" {
		t.Error("no notice after acknowledging")
	}
	status := func(m siteMailbox) domain.FlagStatus {
		f, err := m.st.Flag(ctx, m.flag)
		if err != nil {
			t.Fatal(err)
		}
		return f.Status
	}
	if got := status(beta); got != domain.FlagAcknowledged {
		t.Errorf("beta's flag is %s after the browser acknowledged it", got)
	}
	if got := status(alpha); got != domain.FlagOpen {
		t.Errorf("alpha's flag is %s: beta's action reached it", got)
	}

	// The switcher is a plain disclosure: open it, follow the other mailbox.
	step(t, b, "open the switcher", chromedp.Click(chromedp.CSS("#switch summary")), chromedp.WaitVisible(chromedp.CSS(`#switch a[href="/m/alpha/"]`)))
	screenshot(t, b, filepath.Join(shots, "1280-site-switcher.png"))
	submit(t, b, "switch to alpha", `#switch a[href="/m/alpha/"]`)
	if path := eval[string](t, b, `location.pathname`); path != "/m/alpha/" {
		t.Errorf("the switcher led to %s", path)
	}
	if flags := eval[string](t, b, `document.querySelector("main").innerText`); !strings.Contains(flags, "Alpha Travaux") || strings.Contains(flags, "Beta Rénovation") {
		t.Errorf("alpha's overview shows:\n%s", flags)
	}
}
