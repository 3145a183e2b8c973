package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Where the demo listens and keeps its store: flags win over RELANCE_HTTP_ADDR
// and RELANCE_DB; beyond loopback only with a token.
func TestDemoListen(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name             string
		env              map[string]string
		flagAddr, flagDB string
		addr, db, token  string
		warns            bool
	}{
		{name: "nothing set", addr: defaultDemoAddr},
		{name: "environment", env: map[string]string{"RELANCE_HTTP_ADDR": "127.0.0.1:9000", "RELANCE_DB": "/data/relance.db"},
			addr: "127.0.0.1:9000", db: "/data/relance.db"},
		{name: "flags win", env: map[string]string{"RELANCE_HTTP_ADDR": "127.0.0.1:9000", "RELANCE_DB": "/data/relance.db"},
			flagAddr: "127.0.0.1:9100", flagDB: "/tmp/x.db", addr: "127.0.0.1:9100", db: "/tmp/x.db"},
		{name: "container with a token", env: map[string]string{"RELANCE_HTTP_ADDR": "0.0.0.0:8025", "RELANCE_HTTP_TOKEN": "s3cret"},
			addr: "0.0.0.0:8025", token: "s3cret"},
		{name: "token from a file", env: map[string]string{"RELANCE_HTTP_ADDR": ":8025", "RELANCE_HTTP_TOKEN_FILE": tokenFile},
			addr: ":8025", token: "from-file"},
		{name: "beyond loopback without a token stays on loopback", env: map[string]string{"RELANCE_HTTP_ADDR": "0.0.0.0:8025"},
			addr: "127.0.0.1:8025", warns: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := demoListen(envOf(c.env), c.flagAddr, c.flagDB)
			if err != nil {
				t.Fatal(err)
			}
			if d.addr != c.addr || d.db != c.db || d.token.Reveal() != c.token || (d.warning != "") != c.warns {
				t.Errorf("got addr %q db %q token %q warning %q; want %q %q %q warning %v", d.addr, d.db, d.token.Reveal(), d.warning,
					c.addr, c.db, c.token, c.warns)
			}
		})
	}
	if _, err := demoListen(envOf(map[string]string{"RELANCE_HTTP_TOKEN": "a", "RELANCE_HTTP_TOKEN_FILE": tokenFile}), "", ""); err == nil {
		t.Error("RELANCE_HTTP_TOKEN and its _FILE together were accepted")
	}
}

// `docker run -e RELANCE_HTTP_TOKEN=… relance demo`: the image's
// RELANCE_HTTP_ADDR (all interfaces) and RELANCE_DB are honoured, the page
// answers beyond loopback and asks for the token.
func TestDemoHonoursEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	t.Setenv("RELANCE_HTTP_ADDR", "0.0.0.0:0")
	t.Setenv("RELANCE_HTTP_TOKEN", "demo-token-123")
	t.Setenv("RELANCE_DB", db)
	t.Setenv("RELANCE_LOG_LEVEL", "warn")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"demo"}, &Env{Stdout: &out, Stderr: &errb, Now: time.Now,
			Ready: func(addr string) { ready <- addr }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("demo did not stop")
		}
	})
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("demo exited %d:\n%s%s", code, out.String(), errb.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("demo did not listen:\n%s%s", out.String(), errb.String())
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
		t.Fatalf("demo listens on %s, want every interface", addr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("RELANCE_DB not used: %v", err)
	}
	if !strings.Contains(out.String(), "database:  "+db) {
		t.Errorf("output does not name the database %s:\n%s", db, out.String())
	}
	if strings.Contains(out.String()+errb.String(), "demo-token-123") {
		t.Error("the token was printed")
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hosts := []string{"127.0.0.1"}
	if ip := nonLoopbackIP(); ip != "" {
		hosts = append(hosts, ip)
	}
	for _, h := range hosts {
		base := "http://" + net.JoinHostPort(h, port)
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			t.Fatalf("%s/healthz: %v", base, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s/healthz: %s", base, resp.Status)
		}
		resp, err = client.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s/ without the token: %s %q, want the login form", base, resp.Status, loc)
		}
		// The login form exchanges the token for a session.
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Timeout: 5 * time.Second, Jar: jar}
		resp, err = browser.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		u, _ := url.Parse(base)
		var csrf string
		for _, c := range jar.Cookies(u) {
			if c.Name == "relance_csrf" {
				csrf = c.Value
			}
		}
		resp, err = browser.PostForm(base+"/login", url.Values{"token": {"demo-token-123"}, "csrf": {csrf}, "next": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
			t.Errorf("%s: login with the token: %s at %s", base, resp.Status, resp.Request.URL)
		}
	}
}

// nonLoopbackIP returns an IPv4 address of this machine other than
// loopback, or "" when it has none.
func nonLoopbackIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
