package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/web"
)

// webClient drives the review page of a store as a person would: a session
// cookie, the form's CSRF token, no redirect followed.
type webClient struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
	tok string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newWebClient(t *testing.T, db string) *webClient {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := web.New(web.Options{Store: st, Now: func() time.Time { return payNow }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	w := &webClient{t: t, srv: srv, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	resp, err := w.c.Get(srv.URL + "/review")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the review page (%d)", resp.StatusCode)
	}
	w.tok = string(m[1])
	return w
}

func (w *webClient) post(path string, form url.Values) int {
	w.t.Helper()
	form.Set("csrf", w.tok)
	resp, err := w.c.PostForm(w.srv.URL+path, form)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// outcome is what an action did, said the same way for both paths: done,
// refused because the object is not in a status the action applies to, or
// something else.
func cliOutcome(code int) string {
	switch code {
	case ExitOK:
		return "done"
	case ExitError:
		return "refused"
	}
	return "exit " + strconv.Itoa(code)
}

func webOutcome(status int) string {
	switch status {
	case http.StatusSeeOther:
		return "done"
	case http.StatusConflict:
		return "refused"
	}
	return "http " + strconv.Itoa(status)
}

// openLedger opens a test's store, closed when the test ends.
func openLedger(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// ledgerState is what a reviewer can see of the ledger after an action.
func ledgerState(t *testing.T, db string, draftID, flagID int64) [3]string {
	t.Helper()
	ctx := context.Background()
	st := openLedger(t, db)
	f, err := st.Flag(ctx, flagID)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.InvoiceByID(ctx, f.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftDetail(ctx, draftID)
	if err != nil {
		t.Fatal(err)
	}
	return [3]string{string(f.Status), string(inv.State), string(d.Status)}
}

// The command line and the web page are two doors to the same use cases:
// on the same ledger, the same steps succeed or are refused alike and leave
// the same ledger behind, including when a step cannot apply (approving or
// editing a cancelled draft, resuming an invoice already chased, resolving a
// flag twice).
func TestCLIAndWebAnswerAlike(t *testing.T) {
	type step struct {
		name string
		cli  func(db, draft, flag string) int
		web  func(w *webClient, draft, flag string) int
		want string
	}
	body := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(body, []byte("Bonjour, un dernier mot."), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []step{
		{"resolve, then resume an invoice already chased",
			func(db, _, flag string) int {
				_, _, code := runCLI(t, "flags", "resolve", flag, "--note", "vu", "--then", "resume", "--db", db)
				return code
			},
			func(w *webClient, _, flag string) int {
				return w.post("/flags/"+flag+"/resolve", url.Values{"note": {"vu"}, "after": {"resume"}})
			}, "refused"},
		{"cancel the draft",
			func(db, draft, _ string) int {
				_, _, code := runCLI(t, "drafts", "cancel", draft, "--reason", "déjà relancé au téléphone", "--db", db)
				return code
			},
			func(w *webClient, draft, _ string) int {
				return w.post("/drafts/"+draft+"/cancel", url.Values{"reason": {"déjà relancé au téléphone"}})
			}, "done"},
		{"approve the cancelled draft",
			func(db, draft, _ string) int {
				_, _, code := runCLI(t, "drafts", "approve", draft, "--override", "le client attend", "--db", db)
				return code
			},
			func(w *webClient, draft, _ string) int {
				return w.post("/drafts/"+draft+"/approve", url.Values{"override": {"le client attend"}})
			}, "refused"},
		{"edit the cancelled draft",
			func(db, draft, _ string) int {
				_, _, code := runCLI(t, "drafts", "edit", draft, "--body-file", body, "--db", db)
				return code
			},
			func(w *webClient, draft, _ string) int {
				return w.post("/drafts/"+draft+"/edit", url.Values{"subject": {"Facture F-2026-014"}, "body": {"Bonjour, un dernier mot."}})
			}, "refused"},
		{"resolve, then resume: the cancelled draft's pause is lifted",
			func(db, _, flag string) int {
				_, _, code := runCLI(t, "flags", "resolve", flag, "--note", "vu", "--then", "resume", "--db", db)
				return code
			},
			func(w *webClient, _, flag string) int {
				return w.post("/flags/"+flag+"/resolve", url.Values{"note": {"vu"}, "after": {"resume"}})
			}, "done"},
		{"resolve the resolved flag again",
			func(db, _, flag string) int {
				_, _, code := runCLI(t, "flags", "resolve", flag, "--note", "encore", "--then", "stop", "--db", db)
				return code
			},
			func(w *webClient, _, flag string) int {
				return w.post("/flags/"+flag+"/resolve", url.Values{"note": {"encore"}, "after": {"stop"}})
			}, "refused"},
	}

	cliDB, cliDraft, cliFlag := reviewLedger(t)
	webDB, webDraft, webFlag := reviewLedger(t)
	w := newWebClient(t, webDB)
	cd, cf := strconv.FormatInt(cliDraft, 10), strconv.FormatInt(cliFlag, 10)
	wd, wf := strconv.FormatInt(webDraft, 10), strconv.FormatInt(webFlag, 10)
	for _, s := range steps {
		c := cliOutcome(s.cli(cliDB, cd, cf))
		h := webOutcome(s.web(w, wd, wf))
		if c != s.want || h != s.want {
			t.Errorf("%s: command line %s, web %s; want %s for both", s.name, c, h, s.want)
		}
		cs, ws := ledgerState(t, cliDB, cliDraft, cliFlag), ledgerState(t, webDB, webDraft, webFlag)
		if cs != ws {
			t.Errorf("%s: the command line left flag, invoice, draft %v; the web %v", s.name, cs, ws)
		}
	}
	// Where the steps end: the flag resolved once, the invoice chased
	// again, the draft cancelled.
	if got := ledgerState(t, cliDB, cliDraft, cliFlag); got != [3]string{string(domain.FlagResolved), string(domain.StateOpen), string(domain.DraftCancelled)} {
		t.Errorf("final ledger %v", got)
	}
}

// A payment the owner records answers alike from both doors: taken on an
// invoice still owed, refused on one already settled (here paid in full),
// with the same ledger behind.
func TestCLIAndWebAnswerAlikeOnPayments(t *testing.T) {
	const number = "F-2026-014"
	ledger := func(db string) (int64, [3]string) {
		t.Helper()
		ctx := context.Background()
		inv, err := openLedger(t, db).InvoiceByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		pays, err := openLedger(t, db).Payments(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		return inv.ID, [3]string{string(inv.State), inv.Balance.StringFixed(2), strconv.Itoa(len(pays))}
	}
	cliDB, _, _ := reviewLedger(t)
	webDB, _, _ := reviewLedger(t)
	w := newWebClient(t, webDB)
	id, _ := ledger(webDB)
	path := "/invoices/" + strconv.FormatInt(id, 10) + "/pay"
	for _, s := range []struct {
		name, amount, want string
	}{
		{"pay part of the balance", "200", "done"},
		{"pay the rest", "", "done"},
		{"pay the paid invoice again", "1", "refused"},
	} {
		args := []string{"pay", number, "--date", "2026-11-20", "--db", cliDB}
		if s.amount != "" {
			args = append(args, "--amount", s.amount)
		}
		_, _, code := runCLI(t, args...)
		c := cliOutcome(code)
		h := webOutcome(w.post(path, url.Values{"amount": {s.amount}, "date": {"2026-11-20"}}))
		if c != s.want || h != s.want {
			t.Errorf("%s: command line %s, web %s; want %s for both", s.name, c, h, s.want)
		}
		_, cs := ledger(cliDB)
		_, ws := ledger(webDB)
		if cs != ws {
			t.Errorf("%s: the command line left invoice %v; the web %v", s.name, cs, ws)
		}
	}
	if _, got := ledger(cliDB); got != [3]string{string(domain.StatePaid), "0.00", "2"} {
		t.Errorf("final ledger %v", got)
	}
}
