package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The daemon serving two mailboxes from a mailboxes file reads its web
// accounts from RELANCE_DB: an account added and granted alpha with
// `relance users` while it runs makes the site ask for a login; logged in,
// its owner sees alpha alone and beta's pages answer 404.
func TestFleetSiteAccounts(t *testing.T) {
	w := twoAccounts(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "mailboxes.json")
	if err := os.WriteFile(file, []byte(`{"mailboxes": [{"name": "alpha"}, {"name": "beta", "IMAP_USERNAME": "client02"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", file)
	d := w.startDaemon(t, "accounts", nil)
	base := "http://" + d.listenAddr(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var resp *http.Response
		var err error
		if method == http.MethodPost {
			resp, err = c.PostForm(base+path, form)
		} else {
			resp, err = c.Get(base + path)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := do("GET", "/m/beta/", nil); code != http.StatusOK {
		t.Fatalf("without accounts, beta's page: %d", code)
	}

	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("alpha-secret-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.Relance("users", "add", "marie", "--name", "Marie", "--password-file", pw)
	w.Relance("users", "grant", "marie", "alpha", "owner")
	if code, _ := do("GET", "/m/alpha/", nil); code != http.StatusSeeOther {
		t.Fatalf("with an account, alpha's page before login: %d, want the login", code)
	}
	_, page := do("GET", "/login", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil || !strings.Contains(page, `name="password"`) {
		t.Fatalf("the login form asks for no password:\n%s", page)
	}
	if code, body := do("POST", "/login", url.Values{"csrf": {csrf[1]}, "login": {"marie"}, "password": {"alpha-secret-1"}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d\n%.500s", code, body)
	}
	if code, body := do("GET", "/", nil); code != http.StatusOK || !strings.Contains(body, `href="/m/alpha/"`) || strings.Contains(body, "/m/beta/") {
		t.Errorf("marie's overview: %d, want alpha alone\n%.2000s", code, body)
	}
	for path, want := range map[string]int{"/m/alpha/invoices": http.StatusOK, "/m/beta/": http.StatusNotFound, "/m/beta/invoices/1": http.StatusNotFound} {
		if code, _ := do("GET", path, nil); code != want {
			t.Errorf("%s as alpha's owner: %d, want %d", path, code, want)
		}
	}
}
