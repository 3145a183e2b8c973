package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/shopspring/decimal"
	"golang.org/x/net/html"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// siteBox is one seeded mailbox of a test site: its store and the ids of
// what was seeded in it (the same in every mailbox, on purpose: each store
// numbers its rows from 1).
type siteBox struct {
	st                *store.Store
	client            string
	inv, flag, draft  int64
	invoices, flagsOn int
}

// seedBox opens a store and records, under the same invoice number in
// every mailbox, one client's overdue invoices (extra more of them), a
// dispute flag on the first and a held draft.
func seedBox(t *testing.T, client, currency string, amount int64, extra int) *siteBox {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "box.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &siteBox{st: st, client: client, invoices: 1 + extra, flagsOn: 1}
	email := strings.ToLower(strings.ReplaceAll(client, " ", ".")) + "@example.com"
	err = st.Update(ctx, now.Add(-48*time.Hour), func(tx *store.Tx) error {
		c, err := tx.EnsureClient(email, client, "fr")
		if err != nil {
			return err
		}
		b.inv, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-001", ClientID: c.ID, Amount: decimal.NewFromInt(amount),
			Currency: currency, IssueDate: now.AddDate(0, 0, -40), DueDate: now.AddDate(0, 0, -10)})
		if err != nil {
			return err
		}
		for i := 0; i < extra; i++ {
			if _, _, err := tx.UpsertInvoice(store.NewInvoice{Number: fmt.Sprintf("F-2026-1%02d", i), ClientID: c.ID,
				Amount: decimal.NewFromInt(amount), Currency: currency, IssueDate: now.AddDate(0, 0, -40),
				DueDate: now.AddDate(0, 0, -5)}); err != nil {
				return err
			}
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 3, Role: "inbox", MessageID: "r@" + email,
			From: email, Subject: "Re: facture F-2026-001", Date: now.Add(-30 * time.Hour), Class: "dispute", InvoiceID: b.inv})
		if err != nil {
			return err
		}
		if err := tx.SetMessageText(msg, client, "Bonjour,\nJe conteste la facture de "+client+".\nMerci"); err != nil {
			return err
		}
		if b.flag, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: b.inv, MessageID: msg,
			Evidence: []string{"Je conteste la facture de " + client + "."}}); err != nil {
			return err
		}
		b.draft, err = tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: "friendly", To: []string{email},
			Subject: "Facture F-2026-001", Body: "Bonjour " + client + ",\nCordialement", HoldUntil: now.Add(2 * time.Hour),
			MessageID: "d1@" + email, InvoiceIDs: []int64{b.inv}}, domain.ActorDaemon)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// twoBoxSite serves mailboxes "alpha" (1 200 EUR overdue, connected) and
// "beta" (three invoices of 300 USD, disconnected) on one site; beta is
// listed first, the site sorts them.
func twoBoxSite(t *testing.T, opt SiteOptions) (*httptest.Server, *siteBox, *siteBox) {
	t.Helper()
	a := seedBox(t, "Alpha Client", "EUR", 1200, 0)
	b := seedBox(t, "Beta Client", "USD", 300, 2)
	synced := now.Add(-90 * time.Second)
	opt.Mailboxes = []SiteMailbox{
		{Name: "beta", Options: Options{Store: b.st, Names: []string{"Bêta & Fils"},
			Health: func() Health { return Health{Known: true, Connected: false, LastSync: synced} }}},
		{Name: "alpha", Options: Options{Store: a.st, Names: []string{"Cabinet Alpha"},
			Health: func() Health { return Health{Known: true, Connected: true, LastSync: synced} }}},
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return now }
	}
	s, err := NewSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, a, b
}

// parseHTML parses a page, failing the test on a malformed one.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// pageLink is a link or form target of a page; inSwitch tells whether it
// sits in the header's mailbox switcher.
type pageLink struct {
	attr, value string
	inSwitch    bool
}

func pageLinks(doc *html.Node) []pageLink {
	var out []pageLink
	var walk func(n *html.Node, inSwitch bool)
	walk = func(n *html.Node, inSwitch bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" && a.Val == "switch" {
					inSwitch = true
				}
			}
			for _, a := range n.Attr {
				if a.Key == "href" || a.Key == "action" || a.Key == "src" {
					out = append(out, pageLink{attr: n.Data + "@" + a.Key, value: a.Val, inSwitch: inSwitch})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inSwitch)
		}
	}
	walk(doc, false)
	return out
}

// elementByID finds the element whose id is id (nil: none).
func elementByID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if e := elementByID(c, id); e != nil {
			return e
		}
	}
	return nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// checkLinks fails the test for each link or form target of page (at path
// where) that leaves the mailbox's prefix: only the stylesheet, the script,
// the icon, the logout and the switcher (the other mailboxes and the
// overview of them all) may. It returns the page's links to follow and the
// number checked.
func checkLinks(t *testing.T, where, prefix string, doc *html.Node) (follow []string, n int) {
	t.Helper()
	if elementByID(doc, "switch") == nil {
		t.Errorf("%s: no mailbox switcher", where)
	}
	for _, l := range pageLinks(doc) {
		n++
		v := l.value
		switch {
		case strings.HasPrefix(v, "#"), strings.HasPrefix(v, "tel:"):
		case l.inSwitch:
			if v != "/" && !(strings.HasPrefix(v, "/m/") && v != prefix) {
				t.Errorf("%s: switcher %s=%q is neither the overview of all nor another mailbox", where, l.attr, v)
			}
		case strings.HasPrefix(v, "/static/"), l.attr == "form@action" && v == "/logout":
		case strings.HasPrefix(v, prefix):
			u, err := url.Parse(v)
			if err != nil {
				t.Errorf("%s: %s=%q: %v", where, l.attr, v, err)
				continue
			}
			if l.attr == "a@href" && u.Fragment == "" {
				follow = append(follow, u.RequestURI())
			}
		default:
			t.Errorf("%s: %s=%q leaves %s", where, l.attr, v, prefix)
		}
	}
	return follow, n
}

// postForm is a form of a page as a browser would submit it untouched,
// but for the notes and reasons its textareas ask for.
type postForm struct {
	action string
	values url.Values
}

func postForms(doc *html.Node) []postForm {
	var out []postForm
	var cur *postForm
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, _ := attr(n, "name")
			switch n.Data {
			case "form":
				if m, _ := attr(n, "method"); m == "post" {
					a, _ := attr(n, "action")
					out = append(out, postForm{action: a, values: url.Values{}})
					cur = &out[len(out)-1]
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
					cur = nil
					return
				}
			case "input":
				typ, _ := attr(n, "type")
				_, checked := attr(n, "checked")
				if v, _ := attr(n, "value"); cur != nil && name != "" && ((typ != "radio" && typ != "checkbox") || checked) {
					cur.values.Set(name, v)
				}
			case "textarea":
				if cur != nil && name != "" {
					v := textOf(n)
					if v == "" {
						v = "Vu avec le client."
					}
					cur.values.Set(name, v)
				}
			case "select":
				if cur != nil && name != "" {
					var first, chosen string
					for o := n.FirstChild; o != nil; o = o.NextSibling {
						if o.Type == html.ElementNode && o.Data == "option" {
							v, ok := attr(o, "value")
							if !ok {
								v = textOf(o)
							}
							if first == "" {
								first = v
							}
							if _, sel := attr(o, "selected"); sel {
								chosen = v
							}
						}
					}
					if chosen == "" {
						chosen = first
					}
					cur.values.Set(name, chosen)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// Every page of a mailbox, reached by following its own links from its
// overview, keeps every link and form under the mailbox's prefix; every
// form of them, submitted, answers under the prefix too (a redirect there,
// or the page again with the reason), and leaves the other mailbox as it
// was.
func TestSiteLinksStayUnderTheMailbox(t *testing.T) {
	srv, _, _ := twoBoxSite(t, SiteOptions{})
	b := newBrowser(t)
	forms := map[string]postForm{}
	for _, box := range []string{"alpha", "beta"} {
		prefix := "/m/" + box + "/"
		seen := map[string]bool{}
		// The sheet is linked from call tasks only; the rest is reached
		// by following links.
		queue := []string{prefix, prefix + "?lang=en", prefix + "flags?all=1", prefix + "rejected", prefix + "flags/1/sheet"}
		pages, links := 0, 0
		for len(queue) > 0 && pages < 80 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] {
				continue
			}
			seen[p] = true
			resp, body := b.get(srv.URL + p)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", p, resp.StatusCode)
				continue
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				continue // a hand-over download
			}
			pages++
			doc := parseHTML(t, body)
			follow, n := checkLinks(t, p, prefix, doc)
			queue = append(queue, follow...)
			links += n
			if box == "alpha" {
				for _, f := range postForms(doc) {
					if _, ok := forms[f.action]; !ok && f.action != "/logout" {
						forms[f.action] = f
					}
				}
			}
		}
		// The pages reached: overview, review, flags, the flag, its sheet,
		// invoices, the invoice, clients, the client, rejected, in two
		// languages.
		t.Logf("%s: %d pages, %d links and forms checked", box, pages, links)
		if pages < 10 || links < 100 {
			t.Errorf("%s: only %d pages and %d links checked", box, pages, links)
		}
		for _, want := range []string{prefix + "review", prefix + "flags/1", prefix + "flags/1/sheet", prefix + "invoices/1", prefix + "clients/1"} {
			if !seen[want] {
				t.Errorf("%s: the crawl never reached %s", box, want)
			}
		}
	}

	// Beta's pages before alpha's actions, to compare after.
	betaPages := []string{"/m/beta/", "/m/beta/review", "/m/beta/flags/1", "/m/beta/invoices/1", "/m/beta/clients/1"}
	before := map[string]string{}
	for _, p := range betaPages {
		_, before[p] = b.get(srv.URL + p)
	}
	actions := make([]string, 0, len(forms))
	for a := range forms {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	redirected := 0
	for _, a := range actions {
		resp, body := b.post(srv.URL+a, forms[a].values)
		switch {
		case resp.StatusCode == http.StatusSeeOther:
			redirected++
			if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/m/alpha/") {
				t.Errorf("POST %s → %q, outside /m/alpha/", a, loc)
			}
		case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden:
			// Refused (the hold is not over, a field is missing): the
			// page again, its links under the prefix.
			checkLinks(t, "POST "+a, "/m/alpha/", parseHTML(t, body))
		default:
			t.Errorf("POST %s: %d\n%.500s", a, resp.StatusCode, body)
		}
	}
	t.Logf("alpha: %d forms submitted, %d redirected", len(actions), redirected)
	if len(actions) < 12 || redirected < 6 {
		t.Errorf("only %d forms submitted, %d redirected: %v", len(actions), redirected, actions)
	}
	for _, p := range betaPages {
		if _, after := b.get(srv.URL + p); after != before[p] {
			t.Errorf("%s changed after alpha's actions", p)
		}
	}
}

// The site's overview lists every mailbox by name with its own figures.
func TestSiteOverview(t *testing.T) {
	srv, _, _ := twoBoxSite(t, SiteOptions{})
	b := newBrowser(t)
	resp, body := b.get(srv.URL + "/")
	if resp.StatusCode != 200 {
		t.Fatalf("/: %d\n%s", resp.StatusCode, body)
	}
	doc := parseHTML(t, body)
	if elementByID(doc, "switch") != nil {
		t.Error("the overview of all mailboxes shows a switcher")
	}
	table := elementByID(doc, "mailboxes")
	if table == nil {
		t.Fatalf("no table of mailboxes:\n%s", body)
	}
	var rows []string
	for _, l := range pageLinks(table) {
		rows = append(rows, l.value)
	}
	if strings.Join(rows, " ") != "/m/alpha/ /m/beta/" {
		t.Errorf("rows link to %v, want alpha then beta", rows)
	}
	text := textOf(table)
	for _, want := range []string{
		"Cabinet Alpha alpha 1 200,00 € (1 facture) 1 1 Connectée",
		"Bêta &amp; Fils",
		"Bêta & Fils beta $900,00 (3 factures) 1 1 Déconnectée",
		"Dernière synchro",
	} {
		if want == "Bêta &amp; Fils" {
			if !strings.Contains(body, want) {
				t.Errorf("the business's name is not escaped in the page")
			}
			continue
		}
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q:\n%q", want, text)
		}
	}
	// The page's language, once chosen, holds for the next requests too.
	_, body = b.get(srv.URL + "/?lang=en")
	if text := textOf(parseHTML(t, body)); !strings.Contains(text, "All mailboxes") || !strings.Contains(text, "1 invoice) 1 1 Connected") {
		t.Errorf("English overview:\n%q", text)
	}
	// The filter keeps the rows whose name or business's name matches.
	_, body = b.get(srv.URL + "/?q=FILS")
	table = elementByID(parseHTML(t, body), "mailboxes")
	if got := textOf(table); !strings.Contains(got, "Bêta & Fils") || strings.Contains(got, "Cabinet Alpha") {
		t.Errorf("filter ?q=FILS shows:\n%s", got)
	}
	if !strings.Contains(textOf(parseHTML(t, body)), "1 of 2") {
		t.Errorf("the filter does not say how many rows it kept")
	}
}

// A page or an action of one mailbox never shows nor touches another's
// data, though both hold invoice F-2026-001 under the same ids.
func TestSiteKeepsMailboxesApart(t *testing.T) {
	srv, a, bb := twoBoxSite(t, SiteOptions{})
	if a.inv != bb.inv || a.flag != bb.flag || a.draft != bb.draft {
		t.Fatalf("the fixture wants the same ids in both mailboxes: %+v %+v", a, bb)
	}
	br := newBrowser(t)
	id := func(n int64) string { return fmt.Sprint(n) }
	for _, c := range []struct{ box, mine, theirs string }{{"alpha", "Alpha Client", "Beta Client"}, {"beta", "Beta Client", "Alpha Client"}} {
		for _, p := range []string{"", "review", "flags", "flags/" + id(a.flag), "flags/" + id(a.flag) + "/sheet", "invoices",
			"invoices/" + id(a.inv), "clients", "clients/1"} {
			resp, body := br.get(srv.URL + "/m/" + c.box + "/" + p)
			if resp.StatusCode != 200 {
				t.Errorf("%s/%s: %d", c.box, p, resp.StatusCode)
				continue
			}
			if !strings.Contains(body, c.mine) || strings.Contains(body, c.theirs) {
				t.Errorf("/m/%s/%s: shows %q %v, %q %v", c.box, p, c.mine, strings.Contains(body, c.mine), c.theirs, strings.Contains(body, c.theirs))
			}
		}
	}

	// Acknowledging alpha's flag changes alpha's store only, and lands on
	// alpha's flag page.
	_, page := br.get(srv.URL + "/m/alpha/flags/" + id(a.flag))
	resp, _ := br.post(srv.URL+"/m/alpha/flags/"+id(a.flag)+"/acknowledge", url.Values{"csrf": {csrfFrom(t, page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/m/alpha/flags/"+id(a.flag)+"?done=acknowledged" {
		t.Fatalf("acknowledge: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	flagStatus := func(st *store.Store) domain.FlagStatus {
		f, err := st.Flag(context.Background(), a.flag)
		if err != nil {
			t.Fatal(err)
		}
		return f.Status
	}
	if got := flagStatus(a.st); got != domain.FlagAcknowledged {
		t.Errorf("alpha's flag is %s", got)
	}
	if got := flagStatus(bb.st); got != domain.FlagOpen {
		t.Errorf("beta's flag is %s after alpha's was acknowledged", got)
	}

	// Recording a payment on beta's invoice leaves alpha's unpaid.
	resp, _ = br.post(srv.URL+"/m/beta/invoices/"+id(bb.inv)+"/pay", url.Values{"csrf": {csrfFrom(t, page)}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/m/beta/invoices/"+id(bb.inv)+"?") {
		t.Fatalf("pay: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	state := func(st *store.Store) domain.State {
		inv, err := st.InvoiceByID(context.Background(), a.inv)
		if err != nil {
			t.Fatal(err)
		}
		return inv.State
	}
	if got := state(bb.st); got != domain.StatePaid {
		t.Errorf("beta's invoice is %s", got)
	}
	if got := state(a.st); got == domain.StatePaid {
		t.Error("alpha's invoice was paid by beta's action")
	}

	// A corrected reading goes back to the page it came from, under the
	// same mailbox, whatever the form's back says.
	resp, _ = br.post(srv.URL+"/m/beta/replies/1/correct", url.Values{"csrf": {csrfFrom(t, page)}, "class": {"dispute"}, "back": {"/flags/1"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/m/beta/flags/1?") {
		t.Errorf("correct: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = br.post(srv.URL+"/m/beta/replies/1/correct", url.Values{"csrf": {csrfFrom(t, page)}, "class": {"dispute"}, "back": {"//evil.example/x"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/m/beta/flags?") {
		t.Errorf("correct with a foreign back: → %q", loc)
	}
}

// An unknown mailbox is not found, for a page as for an action; a known
// one typed without its slash is sent to its overview.
func TestSiteUnknownMailbox(t *testing.T) {
	srv, a, _ := twoBoxSite(t, SiteOptions{})
	b := newBrowser(t)
	for _, p := range []string{"/m/gamma/", "/m/gamma", "/m/gamma/review", "/m/gamma/flags/1", "/m/Alpha/", "/m/"} {
		if resp, body := b.get(srv.URL + p); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Introuvable") {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	_, page := b.get(srv.URL + "/m/alpha/flags/1")
	if resp, _ := b.post(srv.URL+"/m/gamma/flags/1/acknowledge", url.Values{"csrf": {csrfFrom(t, page)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST to an unknown mailbox: %d", resp.StatusCode)
	}
	if f, _ := a.st.Flag(context.Background(), a.flag); f.Status != domain.FlagOpen {
		t.Errorf("a POST to an unknown mailbox changed a flag: %s", f.Status)
	}
	resp, _ := b.get(srv.URL + "/m/alpha")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/m/alpha/" {
		t.Errorf("/m/alpha: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.get(srv.URL + "/review"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a mailbox page at the root of a site: %d", resp.StatusCode)
	}
}

// One login opens every mailbox; its CSRF token serves them all; the
// probes, metrics and static files are the site's.
func TestSiteOneLogin(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "relance_test_gauge", Help: "test"}))
	ready := errors.New("first sync not finished")
	srv, a, bb := twoBoxSite(t, SiteOptions{Token: "site-token", Gatherer: reg,
		Ready: func(context.Context) error { return ready }})
	b := newBrowser(t)
	resp, _ := b.get(srv.URL + "/m/beta/review")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape("/m/beta/review") {
		t.Fatalf("before login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.get(srv.URL + "/m/gamma/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("an unknown mailbox before login: %d, want the login like any page", resp.StatusCode)
	}
	_, page := b.get(srv.URL + "/login")
	resp, _ = b.post(srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "token": {"site-token"}, "next": {"/m/beta/review"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/m/beta/review" {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/", "/m/alpha/", "/m/beta/flags", "/m/alpha/invoices"} {
		if resp, _ := b.get(srv.URL + p); resp.StatusCode != 200 {
			t.Errorf("%s after login: %d", p, resp.StatusCode)
		}
	}
	_, page = b.get(srv.URL + "/m/alpha/")
	tok := csrfFrom(t, page) // the logout form's
	for _, box := range []*siteBox{a, bb} {
		name := map[*siteBox]string{a: "alpha", bb: "beta"}[box]
		resp, _ := b.post(srv.URL+"/m/"+name+"/flags/1/acknowledge", url.Values{"csrf": {tok}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("acknowledge in %s with the session's token: %d", name, resp.StatusCode)
		}
		if f, _ := box.st.Flag(context.Background(), box.flag); f.Status != domain.FlagAcknowledged {
			t.Errorf("%s's flag: %s", name, f.Status)
		}
	}
	if resp, _ := b.get(srv.URL + "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if resp, _ := b.get(srv.URL + "/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the process is ready: %d", resp.StatusCode)
	}
	ready = nil
	if resp, _ := b.get(srv.URL + "/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz: %d", resp.StatusCode)
	}
	if resp, _ := b.get(srv.URL + "/static/style.css"); resp.StatusCode != 200 {
		t.Errorf("/static/style.css: %d", resp.StatusCode)
	}
	if resp, _ := b.get(srv.URL + "/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without the bearer token: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer site-token")
	mresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	mresp.Body.Close()
	if mresp.StatusCode != 200 {
		t.Errorf("/metrics with the token: %d", mresp.StatusCode)
	}
	resp, _ = b.post(srv.URL+"/logout", url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := b.get(srv.URL + "/m/alpha/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

// The single-mailbox page has no switcher; a site's mailbox page lists the
// others and the overview of all.
func TestSiteSwitcher(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	if _, body := b.get(f.srv.URL + "/"); elementByID(parseHTML(t, body), "switch") != nil {
		t.Error("a single mailbox's page shows a switcher")
	}
	srv, _, _ := twoBoxSite(t, SiteOptions{})
	_, body := b.get(srv.URL + "/m/beta/flags?lang=en")
	sw := elementByID(parseHTML(t, body), "switch")
	if sw == nil {
		t.Fatal("no switcher on a site's mailbox page")
	}
	var got []string
	for _, l := range pageLinks(sw) {
		got = append(got, l.value)
	}
	if strings.Join(got, " ") != "/ /m/alpha/" {
		t.Errorf("switcher links %v", got)
	}
	if text := textOf(sw); !strings.Contains(text, "Mailbox: Bêta & Fils") || !strings.Contains(text, "All mailboxes") ||
		!strings.Contains(text, "Cabinet Alpha") {
		t.Errorf("switcher reads %q", text)
	}
}

// NewSite refuses what the runtime should never pass: a name that is not a
// lower-case slug, a name twice, a mailbox without a store, no mailbox, an
// open address without a token.
func TestNewSiteRefuses(t *testing.T) {
	st := seedBox(t, "Alpha Client", "EUR", 100, 0).st
	box := func(name string) SiteMailbox { return SiteMailbox{Name: name, Options: Options{Store: st}} }
	for _, c := range []struct {
		what string
		opt  SiteOptions
	}{
		{"no mailbox", SiteOptions{}},
		{"upper case", SiteOptions{Mailboxes: []SiteMailbox{box("Alpha")}}},
		{"leading hyphen", SiteOptions{Mailboxes: []SiteMailbox{box("-alpha")}}},
		{"underscore", SiteOptions{Mailboxes: []SiteMailbox{box("al_pha")}}},
		{"slash", SiteOptions{Mailboxes: []SiteMailbox{box("al/pha")}}},
		{"empty", SiteOptions{Mailboxes: []SiteMailbox{box("")}}},
		{"twice", SiteOptions{Mailboxes: []SiteMailbox{box("alpha"), box("alpha")}}},
		{"no store", SiteOptions{Mailboxes: []SiteMailbox{{Name: "alpha"}}}},
		{"open address", SiteOptions{Addr: "0.0.0.0:8025", Mailboxes: []SiteMailbox{box("alpha")}}},
	} {
		if _, err := NewSite(c.opt); err == nil {
			t.Errorf("%s: accepted", c.what)
		}
	}
	if _, err := NewSite(SiteOptions{Addr: "0.0.0.0:8025", Mailboxes: []SiteMailbox{box("a")}}); !errors.Is(err, ErrTokenRequired) {
		t.Errorf("open address: %v", err)
	}
	if _, err := NewSite(SiteOptions{Mailboxes: []SiteMailbox{box("alpha-2"), box("0b")}}); err != nil {
		t.Errorf("valid names refused: %v", err)
	}
}

// Five hundred mailboxes stay one plain table, sorted by name, that the
// filter narrows; a mailbox's switcher lists the 499 others. (The mailboxes
// share one store here: the page, not the stores, is under test.)
func TestSiteManyMailboxes(t *testing.T) {
	box := seedBox(t, "Alpha Client", "EUR", 100, 0)
	var boxes []SiteMailbox
	for i := 499; i >= 0; i-- {
		boxes = append(boxes, SiteMailbox{Name: fmt.Sprintf("client-%03d", i),
			Options: Options{Store: box.st, Names: []string{fmt.Sprintf("Entreprise %03d", i)}}})
	}
	s, err := NewSite(SiteOptions{Mailboxes: boxes, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	start := time.Now()
	resp, body := b.get(srv.URL + "/")
	t.Logf("500 mailboxes: %d bytes in %v", len(body), time.Since(start))
	if resp.StatusCode != 200 {
		t.Fatalf("/: %d", resp.StatusCode)
	}
	links := pageLinks(elementByID(parseHTML(t, body), "mailboxes"))
	if len(links) != 500 || links[0].value != "/m/client-000/" || links[499].value != "/m/client-499/" {
		t.Fatalf("%d rows, first %v", len(links), links[:1])
	}
	for i := 1; i < len(links); i++ {
		if links[i-1].value >= links[i].value {
			t.Fatalf("rows out of order: %s before %s", links[i-1].value, links[i].value)
		}
	}
	_, body = b.get(srv.URL + "/?q=" + url.QueryEscape("entreprise 04"))
	doc := parseHTML(t, body)
	if got := len(pageLinks(elementByID(doc, "mailboxes"))); got != 10 {
		t.Errorf("filter \"entreprise 04\" keeps %d rows, want 10", got)
	}
	if !strings.Contains(textOf(doc), "10 sur 500") {
		t.Errorf("the filter does not say 10 of 500")
	}
	_, body = b.get(srv.URL + "/m/client-250/")
	if got := len(pageLinks(elementByID(parseHTML(t, body), "switch"))); got != 500 {
		t.Errorf("the switcher has %d links, want the overview of all and 499 mailboxes", got)
	}
}
