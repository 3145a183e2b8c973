// Package webtest drives the review page of a running demo in a real
// headless Chromium: the decisions a user makes there must land in the
// store, hostile mail must stay inert, and every page must read well at
// desktop and phone widths (screenshots are saved for a human to look at).
package webtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/demotest"
)

// payload is what a hostile client puts in a subject, a display name and a
// body. If any of it ran, window.__pwned would be set or a dialog opened.
const payload = `<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2;alert(2)">` +
	`<a href="javascript:window.__pwned=3">x</a> javascript:alert(3)`

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium): browser tests cannot be skipped in CI")
	}
	t.Skip("chromium not installed; skipping the browser tests")
	return ""
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() (bool, error)) {
	t.Helper()
	demotest.WaitFor(t, what, d, cond)
}

type demo = demotest.Demo

// startDemo runs the demo and also waits for its first flags, which the
// flag pages need.
func startDemo(t *testing.T) *demo {
	t.Helper()
	d := demotest.Start(t)
	waitFor(t, "the demo's first flags", 60*time.Second, func() (bool, error) {
		flags, err := d.Store.Flags(context.Background(), domain.FlagOpen)
		return len(flags) > 0, err
	})
	return d
}

type hostile struct {
	invoice, flag, draft int64
}

// addHostileMail records, through the store's use cases, what a hostile
// client's invoice and reply leave behind: its name, the reply's subject
// and the sentences quoted from its body, and a draft quoting them back.
func addHostileMail(t *testing.T, st *store.Store) hostile {
	t.Helper()
	var h hostile
	now := time.Now()
	err := st.Update(context.Background(), now, func(tx *store.Tx) error {
		// One client gets the reply (its chasing pauses on the flag), the
		// other the draft, so the daemon's next pass leaves the draft held.
		a, err := tx.EnsureClient("mallory@evil.example", "Mallory "+payload, "fr")
		if err != nil {
			return err
		}
		b, err := tx.EnsureClient("trudy@evil.example", "Trudy "+payload, "fr")
		if err != nil {
			return err
		}
		h.invoice, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "XSS-1", ClientID: a.ID, Amount: decimal.NewFromInt(666),
			Currency: "EUR", IssueDate: now.AddDate(0, 0, -50), DueDate: now.AddDate(0, 0, -20)})
		if err != nil {
			return err
		}
		inv2, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "XSS-2", ClientID: b.ID, Amount: decimal.NewFromInt(42),
			Currency: "EUR", IssueDate: now.AddDate(0, 0, -50), DueDate: now.AddDate(0, 0, -20)})
		if err != nil {
			return err
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 999, UID: 1, Role: "inbox", MessageID: "xss@evil.example",
			From: "mallory@evil.example", Subject: "Re: XSS-1 " + payload, Date: now.Add(-time.Hour), Class: "dispute", InvoiceID: h.invoice})
		if err != nil {
			return err
		}
		if _, err := tx.AddEvent(store.Event{Kind: "reply_received", InvoiceID: h.invoice, MessageID: msg, Actor: domain.ActorDaemon,
			Detail: []byte(fmt.Sprintf(`{"class":"dispute","subject":%q,"from":"mallory@evil.example","evidence":[%q]}`,
				"Re: XSS-1 "+payload, "Je conteste "+payload))}); err != nil {
			return err
		}
		if err := tx.SetMessageText(msg, "Mallory "+payload, "Bonjour,\n\nJe conteste "+payload+"\n\nMallory"); err != nil {
			return err
		}
		h.flag, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: h.invoice, MessageID: msg, Evidence: []string{"Je conteste " + payload}})
		if err != nil {
			return err
		}
		h.draft, err = tx.CreateDraft(store.NewDraft{ClientID: b.ID, Stage: "friendly", To: []string{"trudy@evil.example"},
			Subject: "Facture XSS-2 " + payload, Body: "Bonjour Trudy " + payload + ",\n\nCordialement",
			HoldUntil: now.Add(72 * time.Hour), MessageID: "xss-draft@relance.invalid", InvoiceIDs: []int64{inv2}}, domain.ActorDaemon)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func artifactsDir(t *testing.T) string {
	if d := os.Getenv("RELANCE_ARTIFACTS"); d != "" {
		dir := filepath.Join(d, "webtest")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser now, on the long-lived context.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// viewportWidths are the desktop and phone widths every page is read at.
var viewportWidths = []int64{1280, 390}

// viewport sets the browser to a desktop or phone screen of width px.
func viewport(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	height := int64(900)
	if width < 500 {
		height = 844
	}
	step(t, ctx, "viewport", chromedp.EmulateViewport(width, height))
}

// fitsScreen fails when the page is wider than the screen, naming what
// sticks out (a wide table scrolls inside its .table-wrap).
func fitsScreen(t *testing.T, ctx context.Context, what string, width int64) {
	t.Helper()
	if overflow := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); overflow > 1 {
		wide := eval[string](t, ctx, `Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap")).slice(0, 5).map(e => e.tagName + "." + e.className + " " + e.textContent.slice(0, 40)).join(" | ")`)
		t.Errorf("%s at %d px: the page is %d px wider than the screen: %s", what, width, overflow, wide)
	}
}

// screenshot saves the whole page as a PNG at path.
func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// step runs browser actions with a bound on how long they may take.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// submit clicks a form's button and waits for the page that follows.
func submit(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestReviewPageInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	d := startDemo(t)
	ctx := context.Background()
	evil := addHostileMail(t, d.Store)
	shots := artifactsDir(t)

	b := newBrowser(t, chromium)
	var dialogs atomic.Int32
	go func() {
		for _, err := range chromedp.Events(b, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			dialogs.Add(1)
			_, _ = chromedp.Call(b, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()

	pages := []struct{ name, path string }{
		{"overview", "/"},
		{"review", "/review"},
		{"flags", "/flags"},
		{"flag-hostile", fmt.Sprintf("/flags/%d", evil.flag)},
		{"invoices", "/invoices"},
		{"invoice-hostile", fmt.Sprintf("/invoices/%d", evil.invoice)},
	}
	if flags, err := d.Store.Flags(ctx); err == nil {
		for _, f := range flags {
			if f.Kind == "call" {
				pages = append(pages, struct{ name, path string }{"call-sheet", fmt.Sprintf("/flags/%d/sheet", f.ID)})
				break
			}
		}
	}
	// French is the product's first language; the choice sticks in a cookie.
	step(t, b, "choose French", chromedp.Navigate(d.URL+"/?lang=fr"))
	for _, width := range viewportWidths {
		viewport(t, b, width)
		for _, p := range pages {
			step(t, b, "open "+p.path, chromedp.Navigate(d.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
			if pwned := eval[string](t, b, `typeof window.__pwned`); pwned != "undefined" {
				t.Fatalf("%s: mail content ran as script (window.__pwned is %s)", p.path, pwned)
			}
			if n := eval[int](t, b, `document.querySelectorAll("main script, main img, main a[href^='javascript']").length`); n != 0 {
				t.Errorf("%s: %d elements came out of mail content", p.path, n)
			}
			fitsScreen(t, b, p.path, width)
			screenshot(t, b, filepath.Join(shots, fmt.Sprintf("%d-%s.png", width, p.name)))
		}
	}
	// The payload is on screen, as text.
	step(t, b, "viewport", chromedp.EmulateViewport(1280, 900))
	step(t, b, "open hostile flag", chromedp.Navigate(fmt.Sprintf("%s/flags/%d", d.URL, evil.flag)))
	if txt := eval[string](t, b, `document.querySelector("main").innerText`); !strings.Contains(txt, "<script>window.__pwned=1") {
		t.Errorf("the hostile text is not shown as text:\n%s", txt)
	}

	t.Run("approve a draft", func(t *testing.T) {
		drafts, err := d.Store.Drafts(ctx, domain.DraftHeld)
		if err != nil || len(drafts) == 0 {
			t.Fatalf("no held draft in the demo: %v", err)
		}
		var target store.Draft
		for _, dr := range drafts {
			if dr.ID != evil.draft {
				target = dr
				break
			}
		}
		card := fmt.Sprintf("#draft-%d", target.ID)
		step(t, b, "open review", chromedp.Navigate(d.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(card)))
		if time.Now().Before(target.HoldUntil) {
			// The hold is running: approving now needs a reason.
			step(t, b, "open override", chromedp.Click(chromedp.CSS(card+" details.override summary")),
				chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#override-%d", target.ID)), "Le client attend ce message aujourd'hui"))
			submit(t, b, "approve now", card+` button[data-action="approve-now"]`)
		} else {
			submit(t, b, "approve", card+` button[data-action="approve"]`)
		}
		got, err := d.Store.DraftDetail(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The daemon may already have sent it: both prove the approval.
		if got.Status != domain.DraftApproved && got.Status != domain.DraftSent {
			t.Fatalf("draft %d is %s after approval in the browser", target.ID, got.Status)
		}
		if got.ApprovedBy != domain.ActorWeb {
			t.Errorf("approved by %q, want web", got.ApprovedBy)
		}
	})

	t.Run("resolve a flag", func(t *testing.T) {
		flags, err := d.Store.Flags(ctx, domain.FlagOpen)
		if err != nil {
			t.Fatal(err)
		}
		var target store.Flag
		for _, f := range flags {
			if f.ID != evil.flag && f.Kind != "call" {
				target = f
				break
			}
		}
		if target.ID == 0 {
			target = store.Flag{ID: evil.flag}
		}
		step(t, b, "open flag", chromedp.Navigate(fmt.Sprintf("%s/flags/%d", d.URL, target.ID)),
			chromedp.WaitVisible(chromedp.ID("note")),
			chromedp.SetValue(chromedp.ID("note"), "Appelé le client : malentendu réglé."))
		submit(t, b, "resolve", `button[data-action="resolve"]`)
		got, err := d.Store.Flag(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.FlagResolved || got.Resolution != "Appelé le client : malentendu réglé." {
			t.Fatalf("flag %d is %s (%q) after resolving in the browser", target.ID, got.Status, got.Resolution)
		}
	})

	t.Run("mark an invoice paid", func(t *testing.T) {
		rep, err := d.Store.Aging(ctx, store.AgingFilter{Today: time.Now(), Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var target store.AgingRow
		for _, r := range rep.Rows {
			if r.ID != evil.invoice && r.State == domain.StateOpen {
				target = r
				break
			}
		}
		if target.ID == 0 {
			t.Fatal("no open invoice in the demo")
		}
		step(t, b, "open invoice", chromedp.Navigate(fmt.Sprintf("%s/invoices/%d", d.URL, target.ID)),
			chromedp.WaitVisible(chromedp.CSS(`button[data-action="pay"]`)))
		submit(t, b, "pay", `button[data-action="pay"]`)
		got, err := d.Store.InvoiceByID(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != domain.StatePaid || !got.Balance.IsZero() {
			t.Fatalf("invoice %s is %s with balance %s after marking it paid", got.Number, got.State, got.Balance)
		}
		if txt := eval[string](t, b, `document.querySelector(".notice") ? document.querySelector(".notice").innerText : ""`); txt == "" {
			t.Error("no confirmation shown after the payment")
		}
	})

	if n := dialogs.Load(); n != 0 {
		t.Fatalf("%d JavaScript dialogs opened: mail content ran", n)
	}
	if pwned := eval[string](t, b, `typeof window.__pwned`); pwned != "undefined" {
		t.Fatalf("window.__pwned is %s", pwned)
	}
	t.Logf("screenshots in %s", shots)
}
