package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// accountsSite is a site of mailboxes alpha and beta whose accounts live in
// a process database of their own; each mailbox also holds a hand-over
// file's flag, so that its downloads exist.
type accountsSite struct {
	srv      *httptest.Server
	site     *Site
	acc      *store.Store
	a, b     *siteBox
	handover int64 // the hand-over flag, the same id in both mailboxes
}

func newAccountsSite(t *testing.T, token string) *accountsSite {
	t.Helper()
	ctx := context.Background()
	acc, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { acc.Close() })
	s := &accountsSite{acc: acc, a: seedBox(t, "Alpha Client", "EUR", 1200, 0), b: seedBox(t, "Beta Client", "USD", 300, 0)}
	for _, box := range []*siteBox{s.a, s.b} {
		err := box.st.Update(ctx, now, func(tx *store.Tx) error {
			c, _, err := box.st.InvoiceClient(ctx, box.inv)
			if err != nil {
				return err
			}
			if _, err := tx.SaveHandoverFile(store.HandoverFile{ClientID: c.ID, InvoiceID: box.inv, Reason: "hostile",
				PDFName: "dossier.pdf", PDF: []byte("%PDF-1.4 " + box.client), ZIPName: "dossier.zip", ZIP: []byte("PK " + box.client)}); err != nil {
				return err
			}
			s.handover, err = tx.OpenFlag(store.Flag{Kind: domain.FlagHandover, InvoiceID: box.inv, ClientID: c.ID, Evidence: []string{"ready"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.site, err = NewSite(SiteOptions{Token: token, Accounts: acc, Now: func() time.Time { return now }, Mailboxes: []SiteMailbox{
		{Name: "alpha", Options: Options{Store: s.a.st, Names: []string{"Cabinet Alpha"}}},
		{Name: "beta", Options: Options{Store: s.b.st, Names: []string{"Bêta & Fils"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(s.site)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *accountsSite) add(t *testing.T, login, name, password string, admin bool, grants map[string]domain.Role) {
	t.Helper()
	ctx := context.Background()
	if err := s.acc.AddAccount(ctx, store.NewAccount{Login: login, Name: name, Password: password, Admin: admin}, now); err != nil {
		t.Fatal(err)
	}
	for mb, role := range grants {
		if err := s.acc.GrantRole(ctx, login, mb, role, now); err != nil {
			t.Fatal(err)
		}
	}
}

// login signs in through the form and returns the session's CSRF token.
func (s *accountsSite) login(t *testing.T, b *browser, login, password string) string {
	t.Helper()
	_, page := b.get(s.srv.URL + "/login")
	resp, body := b.post(s.srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "login": {login}, "password": {password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%.800s", login, resp.StatusCode, body)
	}
	_, page = b.get(s.srv.URL + "/")
	return csrfFrom(t, page)
}

// routePath is a route's pattern made a path of box's seeded rows.
func (s *accountsSite) routePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	id := "1"
	switch {
	case strings.Contains(path, "/handover."):
		id = fmt.Sprint(s.handover)
	case strings.Contains(path, "/drafts/"):
		id = fmt.Sprint(s.a.draft)
	case strings.Contains(path, "/flags/"):
		id = fmt.Sprint(s.a.flag)
	case strings.Contains(path, "/invoices/"):
		id = fmt.Sprint(s.a.inv)
	}
	return method, strings.ReplaceAll(path, "{id}", id)
}

// actionForm is what every action may need, so that a refusal is the
// access rule's and not a missing field's.
func actionForm(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "note": {"Vu avec le client."}, "reason": {"Vu."}, "class": {"dispute"}, "kind": {"consumer"},
		"outcome": {"no_answer"}, "then": {"keep"}, "until": {"reply"}, "body": {"Bonjour,\nMerci."}, "subject": {"Facture"},
		"amount": {"10"}, "date": {"2026-12-01"}, "phone": {"01 23 45 67 89"}, "number": {"01 23 45 67 89"}, "instalments": {"2026-12-20:100"}}
}

// Logged in as the owner of alpha, every page and action route of beta
// answers not found (as an unknown mailbox: no switcher, no name of beta),
// changes nothing of beta, while every route of alpha reaches its handler;
// the overview and the switcher show alpha alone.
func TestAccountSeesOnlyItsMailboxes(t *testing.T) {
	s := newAccountsSite(t, "")
	b := newBrowser(t)

	// No account yet: the site is as before, open on loopback.
	if resp, _ := b.get(s.srv.URL + "/m/beta/"); resp.StatusCode != 200 {
		t.Fatalf("without accounts: /m/beta/ %d", resp.StatusCode)
	}
	s.add(t, "marie@alpha.fr", "Marie Alpha", "alpha-secret-1", false, map[string]domain.Role{"alpha": domain.RoleOwner})
	s.add(t, "paul", "Paul Leroy", "cabinet-secret-2", false, map[string]domain.Role{"beta": domain.RoleStaff})
	s.add(t, "cabinet", "", "cabinet-admin-3", true, nil)

	// Now a login is asked for, with a login and a password, in both
	// languages.
	resp, _ := b.get(s.srv.URL + "/m/alpha/review")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("with accounts, before login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for lang, words := range map[string][]string{"fr": {"Identifiant", "Mot de passe"}, "en": {"Login", "Password"}} {
		_, page := b.get(s.srv.URL + "/login?lang=" + lang)
		doc := parseHTML(t, page)
		if elementByID(doc, "login") == nil || elementByID(doc, "password") == nil || elementByID(doc, "token") != nil {
			t.Errorf("%s: the login form lacks its fields", lang)
		}
		for _, w := range words {
			if !strings.Contains(textOf(doc), w) {
				t.Errorf("%s: the login form lacks %q", lang, w)
			}
		}
	}
	_, page := b.get(s.srv.URL + "/login?lang=fr")
	resp, body := b.post(s.srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "login": {"marie@alpha.fr"}, "password": {"wrong-password"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Identifiant ou mot de passe incorrect.") || !strings.Contains(body, `value="marie@alpha.fr"`) {
		t.Errorf("wrong password: %d\n%.600s", resp.StatusCode, body)
	}
	csrf := s.login(t, b, "Marie@Alpha.fr", "alpha-secret-1")

	beforeFlag, _ := s.b.st.Flag(context.Background(), s.b.flag)
	draftsOf := func(st *store.Store) string {
		ds, err := st.Drafts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%+v", ds)
	}
	beforeDrafts := draftsOf(s.b.st)
	routes := s.site.boxes["beta"].routes
	if len(routes) < 30 {
		t.Fatalf("only %d routes of beta: %v", len(routes), routes)
	}
	routes = append(routes, "GET /m/beta", "GET /m/beta/flags?all=1")
	var gets, posts int
	for _, pattern := range routes {
		method, path := s.routePath(pattern)
		var resp *http.Response
		var body string
		if method == http.MethodGet {
			gets++
			resp, body = b.get(s.srv.URL + path)
		} else {
			posts++
			resp, body = b.post(s.srv.URL+path, actionForm(csrf))
		}
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as alpha's owner: %d, want 404 or 403", method, path, resp.StatusCode)
			continue
		}
		if doc := parseHTML(t, body); elementByID(doc, "switch") != nil || strings.Contains(body, "Beta Client") || strings.Contains(body, "Bêta") ||
			strings.Contains(body, "%PDF") {
			t.Errorf("%s %s: the refusal shows beta's page or data:\n%.600s", method, path, body)
		}
	}
	t.Logf("beta as alpha's owner: %d pages and %d actions refused", gets, posts)
	if f, _ := s.b.st.Flag(context.Background(), s.b.flag); f.Status != beforeFlag.Status {
		t.Errorf("beta's flag moved from %s to %s", beforeFlag.Status, f.Status)
	}
	if after := draftsOf(s.b.st); after != beforeDrafts {
		t.Errorf("beta's drafts changed:\n%s\n%s", beforeDrafts, after)
	}
	if inv, _ := s.b.st.InvoiceByID(context.Background(), s.b.inv); inv.State != domain.StateOpen && inv.State != domain.StateDisputed {
		t.Errorf("beta's invoice is %s", inv.State)
	}

	// Alpha's pages answer 200; its actions reach their handler (a
	// redirect, a refusal of the action, or a row not found on alpha's own
	// page, which carries the switcher).
	for _, pattern := range s.site.boxes["alpha"].routes {
		method, path := s.routePath(pattern)
		if method == http.MethodGet {
			if resp, body := b.get(s.srv.URL + path); resp.StatusCode != 200 {
				t.Errorf("GET %s as its owner: %d\n%.400s", path, resp.StatusCode, body)
			}
			continue
		}
		resp, body := b.post(s.srv.URL+path, actionForm(csrf))
		if resp.StatusCode == http.StatusForbidden || (resp.StatusCode == http.StatusNotFound && elementByID(parseHTML(t, body), "switch") == nil) {
			t.Errorf("POST %s as its owner: %d, refused before its handler", path, resp.StatusCode)
		}
	}

	// The overview lists alpha alone, with the role; the switcher leads
	// nowhere else; the header names the account and its role.
	_, body = b.get(s.srv.URL + "/?lang=fr")
	doc := parseHTML(t, body)
	var rows []string
	for _, l := range pageLinks(elementByID(doc, "mailboxes")) {
		rows = append(rows, l.value)
	}
	if strings.Join(rows, " ") != "/m/alpha/" || strings.Contains(body, "Bêta") || !strings.Contains(textOf(doc), "1 sur 1") {
		t.Errorf("alpha's owner's overview lists %v:\n%s", rows, textOf(elementByID(doc, "mailboxes")))
	}
	if got := textOf(elementByID(doc, "mailboxes")); !strings.Contains(got, "Cabinet Alpha alpha propriétaire") {
		t.Errorf("the row does not show the role: %q", got)
	}
	_, body = b.get(s.srv.URL + "/m/alpha/?lang=fr")
	doc = parseHTML(t, body)
	var sw []string
	for _, l := range pageLinks(elementByID(doc, "switch")) {
		sw = append(sw, l.value)
	}
	if strings.Join(sw, " ") != "/" {
		t.Errorf("alpha's owner's switcher links %v", sw)
	}
	if who := textOf(elementByID(doc, "who")); who != "Connecté : Marie Alpha · propriétaire" {
		t.Errorf("header says %q", who)
	}

	// Revoked while logged in: alpha is gone at the next request.
	if err := s.acc.Revoke(context.Background(), "marie@alpha.fr", "alpha"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.get(s.srv.URL + "/m/alpha/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("after the revoke: /m/alpha/ %d", resp.StatusCode)
	}

	// Staff of beta sees beta alone, as staff.
	staff := newBrowser(t)
	s.login(t, staff, "paul", "cabinet-secret-2")
	_, body = staff.get(s.srv.URL + "/?lang=en")
	if got := textOf(elementByID(parseHTML(t, body), "mailboxes")); !strings.Contains(got, "Bêta & Fils beta staff") || strings.Contains(got, "Cabinet Alpha") {
		t.Errorf("staff's overview: %q", got)
	}
	if resp, _ := staff.get(s.srv.URL + "/m/alpha/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("staff of beta opens alpha: %d", resp.StatusCode)
	}

	// The administrator sees both.
	admin := newBrowser(t)
	s.login(t, admin, "cabinet", "cabinet-admin-3")
	_, body = admin.get(s.srv.URL + "/")
	if n := len(pageLinks(elementByID(parseHTML(t, body), "mailboxes"))); n != 2 {
		t.Errorf("the administrator's overview has %d rows", n)
	}
	for _, p := range []string{"/m/alpha/flags/1", "/m/beta/flags/1", fmt.Sprintf("/m/beta/flags/%d/handover.pdf", s.handover)} {
		if resp, _ := admin.get(s.srv.URL + p); resp.StatusCode != 200 {
			t.Errorf("administrator: %s %d", p, resp.StatusCode)
		}
	}
}

// On a site with accounts, the access token still logs in (the login left
// empty, the token as the password, or the token form's field) and sees
// every mailbox; /metrics keeps its bearer token.
func TestAccountsTokenIsTheOperatorsWayIn(t *testing.T) {
	s := newAccountsSite(t, "site-token-123")
	s.add(t, "marie@alpha.fr", "Marie Alpha", "alpha-secret-1", false, map[string]domain.Role{"alpha": domain.RoleOwner})
	for _, form := range []url.Values{{"login": {""}, "password": {"site-token-123"}}, {"token": {"site-token-123"}}} {
		b := newBrowser(t)
		_, page := b.get(s.srv.URL + "/login?lang=en")
		if !strings.Contains(page, "leave the login empty and enter the access token") {
			t.Errorf("the login page does not tell the operator how to use the token")
		}
		form.Set("csrf", csrfFrom(t, page))
		if resp, body := b.post(s.srv.URL+"/login", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("token login %v: %d\n%.500s", form, resp.StatusCode, body)
		}
		_, body := b.get(s.srv.URL + "/m/beta/?lang=en")
		if who := textOf(elementByID(parseHTML(t, body), "who")); who != "Signed in: operator (token)" {
			t.Errorf("header says %q", who)
		}
		for _, p := range []string{"/m/alpha/", "/m/beta/review"} {
			if resp, _ := b.get(s.srv.URL + p); resp.StatusCode != 200 {
				t.Errorf("token session: %s %d", p, resp.StatusCode)
			}
		}
	}
	// A login with the token as its password is not the token's session.
	b := newBrowser(t)
	_, page := b.get(s.srv.URL + "/login")
	if resp, _ := b.post(s.srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "login": {"marie@alpha.fr"}, "password": {"site-token-123"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an account's login with the token as password: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer site-token-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		t.Error("/metrics refuses the bearer token on a site with accounts")
	}
}

// An accounts database that cannot be read shows no mailbox: the site asks
// for a login rather than opening every page, and nobody logs in.
func TestAccountsUnreadableFailsClosed(t *testing.T) {
	s := newAccountsSite(t, "")
	b := newBrowser(t)
	_, page := b.get(s.srv.URL + "/m/alpha/review") // no account yet: open
	if err := s.acc.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/m/alpha/", "/m/beta/review", "/"} {
		if resp, _ := b.get(s.srv.URL + p); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s with the accounts unreadable: %d → %q, want the login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, body := b.post(s.srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "login": {"marie"}, "password": {"whatever-123"}})
	if resp.StatusCode == http.StatusSeeOther {
		t.Errorf("logged in with the accounts unreadable:\n%.300s", body)
	}
}
