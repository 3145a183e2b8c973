package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// fixture is a store with one client, one overdue invoice, a held draft and
// an open dispute flag, served by a handler.
type fixture struct {
	st      *store.Store
	srv     *httptest.Server
	inv     int64
	draft   int64
	flag    int64
	clock   *time.Time
	payload string
}

const xss = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">javascript:alert(3)`

func newFixture(t *testing.T, opt Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, payload: xss}
	clock := now
	f.clock = &clock
	err = st.Update(ctx, now.Add(-48*time.Hour), func(tx *store.Tx) error {
		c, err := tx.EnsureClient("evil@example.com", "Evil "+xss, "fr")
		if err != nil {
			return err
		}
		f.inv, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-001", ClientID: c.ID, Amount: decimal.NewFromInt(1200),
			Currency: "EUR", IssueDate: now.AddDate(0, 0, -40), DueDate: now.AddDate(0, 0, -10)})
		if err != nil {
			return err
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 3, Role: "inbox", MessageID: "r@x",
			From: "evil@example.com", Subject: "Re: facture " + xss, Date: now.Add(-30 * time.Hour), Class: "dispute", InvoiceID: f.inv})
		if err != nil {
			return err
		}
		if err := tx.SetMessageText(msg, "Evil "+xss, "Bonjour,\nJe conteste "+xss+"\nMerci"); err != nil {
			return err
		}
		f.flag, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: f.inv, MessageID: msg, Evidence: []string{"Je conteste " + xss}})
		if err != nil {
			return err
		}
		f.draft, err = tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: "friendly", To: []string{"evil@example.com"},
			Subject: "Facture F-2026-001 " + xss, Body: "Bonjour,\n" + xss + "\nCordialement", HoldUntil: now.Add(2 * time.Hour),
			MessageID: "d1@x", InvoiceIDs: []int64{f.inv}}, domain.ActorDaemon)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	opt.Store = st
	opt.Now = func() time.Time { return *f.clock }
	h, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfFrom(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%.2000s", body)
	}
	return m[1]
}

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	for _, p := range []string{"/", "/review", "/flags", "/flags?all=1", "/flags/1", "/flags/1/sheet", "/invoices",
		"/invoices?bucket=1-30&q=evil", "/invoices/1", "/rejected", "/rejected?lang=en", "/?lang=en", "/review?lang=en"} {
		resp, body := b.get(f.srv.URL + p)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d\n%.1500s", p, resp.StatusCode, body)
		}
		if strings.Contains(body, "<script>window") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: mail content rendered unescaped", p)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", p, resp.Header.Get("Cache-Control"))
		}
	}
	if _, body := b.get(f.srv.URL + "/flags/1"); !strings.Contains(body, "<mark>Je conteste &lt;script&gt;") {
		t.Errorf("the evidence is not marked in the reply:\n%.3000s", body)
	}
	if resp, _ := b.get(f.srv.URL + "/flags/999"); resp.StatusCode != 404 {
		t.Errorf("unknown flag: %d", resp.StatusCode)
	}
	if resp, _ := b.get(f.srv.URL + "/invoices/x"); resp.StatusCode != 404 {
		t.Errorf("bad invoice id: %d", resp.StatusCode)
	}
}

func TestLanguage(t *testing.T) {
	f := newFixture(t, Options{})
	cases := []struct{ accept, want string }{
		{"", "À relire"},
		{"en-GB,en;q=0.9", "To review"},
		{"de-DE,de;q=0.9", "À relire"},
		{"fr-CA,en;q=0.5", "À relire"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", f.srv.URL+"/review", nil)
		req.Header.Set("Accept-Language", c.accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), c.want) {
			t.Errorf("Accept-Language %q: page lacks %q", c.accept, c.want)
		}
	}
}

func TestPostWithoutCSRFIsRefused(t *testing.T) {
	f := newFixture(t, Options{})
	*f.clock = now.Add(3 * time.Hour) // the hold is over
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/review")
	tok := csrfFrom(t, page)
	// A token one character off; "x"+tok[1:] was the token itself one time
	// in 64, when it began with "x".
	wrong := "x" + tok[1:]
	if tok[0] == 'x' {
		wrong = "y" + tok[1:]
	}
	cases := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{}},
		{"wrong token", url.Values{"csrf": {wrong}}},
		{"empty token", url.Values{"csrf": {""}}},
	}
	for _, c := range cases {
		resp, _ := b.post(f.srv.URL+"/drafts/1/approve", c.form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", c.name, resp.StatusCode)
		}
	}
	// A client without the cookie at all (another site's form) is refused
	// even when it guesses a well-formed token.
	resp, _ := newBrowser(t).post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cookie-less POST: status %d, want 403", resp.StatusCode)
	}
	// A cross-site browser request is refused before the token is looked at.
	req, _ := http.NewRequest("POST", f.srv.URL+"/drafts/1/approve", strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := b.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %v %v", resp.StatusCode, err)
	}
	d, _ := f.st.DraftDetail(context.Background(), f.draft)
	if d.Status != domain.DraftHeld {
		t.Fatalf("draft became %s through a refused POST", d.Status)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with token: status %d", resp.StatusCode)
	}
	d, _ = f.st.DraftDetail(context.Background(), f.draft)
	if d.Status != domain.DraftApproved || d.ApprovedBy != domain.ActorWeb {
		t.Fatalf("draft %s by %s, want approved by web", d.Status, d.ApprovedBy)
	}
}

func TestApproveBeforeHoldNeedsOverride(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/review")
	tok := csrfFrom(t, page)
	resp, body := b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "L&#39;attente n&#39;est pas terminée") {
		t.Fatalf("early approval: status %d\n%.3000s", resp.StatusCode, body)
	}
	d, _ := f.st.DraftDetail(context.Background(), f.draft)
	if d.Status != domain.DraftHeld {
		t.Fatalf("draft %s after a refused approval", d.Status)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}, "override": {"   "}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("blank override accepted: %d", resp.StatusCode)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}, "override": {"client on the phone asked for it"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("override: status %d", resp.StatusCode)
	}
	tl, _ := f.st.Timeline(context.Background(), f.inv)
	found := false
	for _, e := range tl {
		found = found || (e.Kind == "draft_approved" && strings.Contains(string(e.Detail), "hold overridden: client on the phone asked for it"))
	}
	if !found {
		t.Fatal("the override reason is not logged")
	}
}

func TestEditReRunsCalmCheck(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/review")
	tok := csrfFrom(t, page)
	resp, _ := b.post(f.srv.URL+"/drafts/1/edit", url.Values{"csrf": {tok}, "subject": {"Facture F-2026-001"},
		"body": {"Bonjour,\r\nPAYEZ MAINTENANT !!! C'est inadmissible.\r\n"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, page = b.get(f.srv.URL + resp.Header.Get("Location"))
	if !strings.Contains(page, "Points de ton à revoir") || !strings.Contains(page, "Texte enregistré") {
		t.Fatalf("no tone warning after an aggressive edit:\n%.4000s", page)
	}
	d, _ := f.st.DraftDetail(context.Background(), f.draft)
	if strings.Contains(d.Body, "\r") || !strings.Contains(d.Body, "PAYEZ") {
		t.Fatalf("stored body %q", d.Body)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/edit", url.Values{"csrf": {tok}, "subject": {""}, "body": {"x"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty subject: %d", resp.StatusCode)
	}
}

func TestFlagAndInvoiceActions(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/flags/1")
	tok := csrfFrom(t, page)
	if resp, _ := b.post(f.srv.URL+"/flags/1/resolve", url.Values{"csrf": {tok}, "note": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("resolve without note: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/flags/1/acknowledge", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", resp.StatusCode)
	}
	resp, _ := b.post(f.srv.URL+"/flags/1/resolve", url.Values{"csrf": {tok}, "note": {"avoir de 200 € accepté"}, "after": {"stop"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", resp.StatusCode)
	}
	fl, _ := f.st.Flag(ctx, f.flag)
	inv, _ := f.st.InvoiceByID(ctx, f.inv)
	if fl.Status != domain.FlagResolved || fl.Resolution != "avoir de 200 € accepté" || inv.State != domain.StateOnHold {
		t.Fatalf("flag %s %q, invoice %s", fl.Status, fl.Resolution, inv.State)
	}
	if resp, _ := b.post(f.srv.URL+"/invoices/1/resume", url.Values{"csrf": {tok}, "reason": {"ok"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resume: %d", resp.StatusCode)
	}
	for _, c := range []struct {
		amount string
		status int
	}{{"abc", 422}, {"-5", 422}, {"200,50", 303}, {"", 303}, {"1", 409}} {
		resp, _ := b.post(f.srv.URL+"/invoices/1/pay", url.Values{"csrf": {tok}, "amount": {c.amount}, "date": {"2026-11-30"}})
		if resp.StatusCode != c.status {
			t.Errorf("pay %q: status %d, want %d", c.amount, resp.StatusCode, c.status)
		}
	}
	inv, _ = f.st.InvoiceByID(ctx, f.inv)
	pays, _ := f.st.Payments(ctx, f.inv)
	if inv.State != domain.StatePaid || !inv.Balance.IsZero() || len(pays) != 2 || !pays[0].Amount.Equal(decimal.RequireFromString("200.5")) {
		t.Fatalf("invoice %s balance %s payments %+v", inv.State, inv.Balance, pays)
	}
}

func TestTokenRequiresLogin(t *testing.T) {
	f := newFixture(t, Options{Token: "s3cret-token", Addr: "0.0.0.0:8025"})
	b := newBrowser(t)
	resp, _ := b.get(f.srv.URL + "/review")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous GET: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/healthz", "/readyz", "/static/style.css"} {
		if resp, _ := b.get(f.srv.URL + p); resp.StatusCode != 200 {
			t.Errorf("%s needs no login: %d", p, resp.StatusCode)
		}
	}
	_, page := b.get(f.srv.URL + "/login?next=/review")
	tok := csrfFrom(t, page)
	// An anonymous POST with a valid double-submit token is still refused.
	if resp, _ := b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}, "override": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous POST: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/login", url.Values{"token": {"s3cret-token"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without CSRF: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/login", url.Values{"csrf": {tok}, "token": {"wrong"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	resp, _ = b.post(f.srv.URL+"/login", url.Values{"csrf": {tok}, "token": {"s3cret-token"}, "next": {"//evil.example/x"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sc *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Secure {
		t.Fatalf("session cookie %+v", sc)
	}
	resp, page = b.get(f.srv.URL + "/review")
	if resp.StatusCode != 200 {
		t.Fatalf("logged-in GET: %d", resp.StatusCode)
	}
	sessTok := csrfFrom(t, page)
	if sessTok == tok {
		t.Fatal("the session did not get its own CSRF token")
	}
	if resp, _ := b.post(f.srv.URL+"/drafts/1/cancel", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("pre-login token accepted after login: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/drafts/1/cancel", url.Values{"csrf": {sessTok}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logged-in POST: %d", resp.StatusCode)
	}
	// Sessions end.
	*f.clock = now.Add(13 * time.Hour)
	if resp, _ := b.get(f.srv.URL + "/review"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("expired session: %d", resp.StatusCode)
	}
}

func TestSecureCookieBehindTLSProxy(t *testing.T) {
	f := newFixture(t, Options{Token: "tok"})
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/login")
	tok := csrfFrom(t, page)
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {tok}, "token": {"tok"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && !c.Secure {
			t.Fatal("session cookie not Secure behind a TLS proxy")
		}
	}
}

func TestNonLoopbackWithoutTokenRefusesToStart(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cases := []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8025", "", true},
		{"[::1]:8025", "", true},
		{"localhost:8025", "", true},
		{"", "", true},
		{"0.0.0.0:8025", "", false},
		{":8025", "", false},
		{"192.168.1.10:8025", "", false},
		{"0.0.0.0:8025", "t", true},
	}
	for _, c := range cases {
		_, err := New(Options{Store: st, Addr: c.addr, Token: c.token})
		if c.ok != (err == nil) || (!c.ok && !errors.Is(err, ErrTokenRequired)) {
			t.Errorf("New(addr %q, token %q) = %v", c.addr, c.token, err)
		}
	}
}

func TestForeignHostRefusedWithoutToken(t *testing.T) {
	f := newFixture(t, Options{})
	req, _ := http.NewRequest("GET", f.srv.URL+"/", nil)
	req.Host = "attacker.example:8025"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("rebound host: %d", resp.StatusCode)
	}
}

// With a token (any non-loopback bind), /metrics answers only to a bearer
// credential: overdue totals are business figures.
func TestMetricsNeedBearerWithToken(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := newFixture(t, Options{Token: "s3cret-token", Addr: "0.0.0.0:8025", Gatherer: reg})
	req, _ := http.NewRequest("GET", f.srv.URL+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/metrics without credential: %d", resp.StatusCode)
	}
	for token, want := range map[string]int{"wrong": http.StatusUnauthorized, "s3cret-token": http.StatusOK} {
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics with Bearer %s: %d, want %d", token, resp.StatusCode, want)
		}
	}
}

// A payment plan can be recorded from the invoice page; it then shows there.
func TestRecordPlanFromInvoicePage(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	inv, err := f.st.InvoiceByNumber(context.Background(), "F-2026-001")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/invoices/%d", f.srv.URL, inv.ID)
	_, body := b.get(page)
	tok := csrfFrom(t, body)
	resp, _ := b.post(page+"/plan", url.Values{"csrf": {tok}, "instalments": {"bad"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad plan: %d", resp.StatusCode)
	}
	resp, _ = b.post(page+"/plan", url.Values{"csrf": {tok}, "instalments": {"2026-12-15 600,00\n2027-01-15 600"}})
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan: %d", resp.StatusCode)
	}
	plan, err := f.st.ActivePlan(context.Background(), inv.ID)
	if err != nil || len(plan.Instalments) != 2 {
		t.Fatalf("plan in the store: %+v, %v", plan, err)
	}
	if _, body := b.get(page); !strings.Contains(body, "15 janv.") && !strings.Contains(body, "2027") {
		t.Errorf("the plan is not shown on the invoice page")
	}
}
