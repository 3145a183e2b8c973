package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/store"
)

// The test binary doubles as the relance binary: with this variable set it
// runs main, so tests exercise the real process (signals, exit codes).
const beMain = "RELANCE_TEST_BE_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(beMain) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func relance(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(cleanEnv(), beMain+"=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// cleanEnv drops RELANCE_* variables of the developer's shell.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RELANCE_") {
			out = append(out, kv)
		}
	}
	return out
}

func run(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := relance(t, env, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestUsageAndExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"invoices", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"run", "--now", "yesterday", "--once"}, 2, "RFC 3339"},
		{[]string{"drafts", "explode"}, 2, "unknown action"},
		{[]string{"pay"}, 2, "exactly one invoice"},
		{[]string{"classify"}, 2, "no file"},
		{[]string{"plan", "F-1"}, 1, "no invoice numbered"},
		{[]string{"version"}, 0, "relance"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "x.db")
			out, errOut, code := run(t, []string{"RELANCE_DB=" + db}, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			if !strings.Contains(out+errOut, c.want) {
				t.Fatalf("output lacks %q:\nstdout: %s\nstderr: %s", c.want, out, errOut)
			}
		})
	}
	for _, cmd := range []string{"run", "demo", "classify", "invoices", "drafts", "flags", "pay", "plan", "check-config", "version"} {
		t.Run(cmd+"_help", func(t *testing.T) {
			_, errOut, code := run(t, nil, cmd, "--help")
			if code != 0 || !strings.Contains(errOut, "Usage: relance "+cmd) {
				t.Fatalf("%s --help: exit %d, %s", cmd, code, errOut)
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	good := []string{
		"RELANCE_IMAP_ADDR=imap.example.fr:993", "RELANCE_IMAP_USERNAME=factures@example.fr",
		"RELANCE_IMAP_PASSWORD=sentinel-imap-pw-4242", "RELANCE_SMTP_ADDR=smtp.example.fr:587",
		"RELANCE_FROM=factures@example.fr", "RELANCE_HTTP_TOKEN=sentinel-token-7777",
	}
	out, errOut, code := run(t, good, "check-config")
	if code != 0 {
		t.Fatalf("valid config: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "RELANCE_IMAP_ADDR=imap.example.fr:993") || !strings.Contains(out, "RELANCE_IMAP_PASSWORD=********") {
		t.Fatalf("effective configuration not printed:\n%s", out)
	}
	bad := append(append([]string{}, good...), "RELANCE_IMAP_TLS=none", "RELANCE_TIMEZONE=Mars/Olympus", "RELANCE_FORM=typo")
	out, errOut, code = run(t, bad, "check-config")
	if code != 1 {
		t.Fatalf("invalid config: exit %d", code)
	}
	for _, want := range []string{"RELANCE_IMAP_TLS:", "RELANCE_TIMEZONE:", "RELANCE_FORM is not a relance variable"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, secret := range []string{"sentinel-imap-pw-4242", "sentinel-token-7777"} {
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("secret %s printed", secret)
		}
	}
}

var urlRe = regexp.MustCompile(`web page:\s+(http://\S+)/`)
var dbRe = regexp.MustCompile(`database:\s+(\S+)`)

// startDemo runs `relance demo` as a process and returns its base URL.
func startDemo(t *testing.T, db string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	cmd := relance(t, []string{"RELANCE_LOG_LEVEL=warn"}, "demo", "--db", db, "--http", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case base := <-found:
		return cmd, base, &stderr
	case <-time.After(30 * time.Second):
		t.Fatalf("demo printed no URL; stderr:\n%s", stderr.String())
	}
	return nil, "", nil
}

func waitHTTP(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not 200 within %s (last error %v)", url, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The demo serves /healthz within 10 s of start and its sample month is
// visible through `relance invoices --json --db`.
func TestDemoServesAndShowsSampleData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	start := time.Now()
	_, base, stderr := startDemo(t, db)
	waitHTTP(t, base+"/healthz", 10*time.Second-time.Since(start))
	t.Logf("/healthz answered %s after start", time.Since(start).Round(time.Millisecond))
	waitHTTP(t, base+"/readyz", 60*time.Second)

	out, errOut, code := run(t, nil, "invoices", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("invoices: exit %d: %s\ndemo stderr: %s", code, errOut, stderr.String())
	}
	var invs []struct {
		Number string `json:"number"`
		Client struct {
			Name, Email string
		} `json:"client"`
		Amount    string  `json:"amount"`
		Currency  string  `json:"currency"`
		IssueDate *string `json:"issue_date"`
		DueDate   *string `json:"due_date"`
		State     string  `json:"state"`
	}
	if err := json.Unmarshal([]byte(out), &invs); err != nil {
		t.Fatalf("invoices --json: %v\n%s", err, out)
	}
	if len(invs) < 20 {
		t.Fatalf("demo shows %d invoices, want ≥ 20:\n%s", len(invs), out)
	}
	for _, inv := range invs {
		if inv.Number == "" || inv.Client.Email == "" || inv.Amount == "" || inv.Currency == "" {
			t.Errorf("incomplete invoice: %+v", inv)
		}
	}
	resp, err := http.Get(base + "/invoices")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), invs[0].Number) {
		t.Errorf("the invoices page does not list invoice %s", invs[0].Number)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"relance_build_info", "relance_invoices", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}

// SIGTERM while the daemon is busy (the initial sync under way) ends with
// exit 0 within 10 s, and what was committed is intact and consistent.
func TestSIGTERMDuringActivity(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "demo.db")
			cmd, base, stderr := startDemo(t, db)
			waitHTTP(t, base+"/healthz", 10*time.Second)
			// Vary the moment: right away (mid-sync), or a little later.
			deadline := time.Now().Add(time.Duration(round) * 150 * time.Millisecond)
			for time.Now().Before(deadline) {
				resp, err := http.Get(base + "/")
				if err == nil {
					resp.Body.Close()
				}
			}
			sent := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\nstderr:\n%s", err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after SIGTERM\nstderr:\n%s", stderr.String())
			}
			t.Logf("stopped %s after SIGTERM", time.Since(sent).Round(time.Millisecond))

			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.IntegrityCheck(context.Background()); err != nil {
				t.Fatal(err)
			}
			// Every message up to each folder's cursor is recorded: the cursor
			// and the message commit together, so none is lost or half-done.
			counts, err := st.CountMessages(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for folder, n := range counts {
				c, err := st.Cursor(context.Background(), folder)
				if err != nil {
					t.Fatal(err)
				}
				if uint32(n) != c.LastUID {
					t.Errorf("folder %s: %d messages recorded, cursor at UID %d", folder, n, c.LastUID)
				}
			}
		})
	}
}
