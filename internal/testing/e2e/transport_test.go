package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/app"
	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/smtpsink"
	"github.com/relance/relance/internal/testing/testutil/world"
)

func newWorldWith(t *testing.T, opts world.Options) *env { return &env{world.NewWith(t, opts)} }

// The account world.New configures for SMTP: its username, and the IMAP
// password it defaults to.
const smtpUser = "factures@atelier.test"

func openFlags(t *testing.T, w *env, kind string) []store.Flag {
	t.Helper()
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.Flags(context.Background(), domain.FlagOpen, domain.FlagAcknowledged)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Flag
	for _, f := range all {
		if string(f.Kind) == kind {
			out = append(out, f)
		}
	}
	return out
}

// A local relay that offers no AUTH (Postfix on port 25) takes the
// reminder with the default RELANCE_SMTP_AUTH=auto, although a username
// and password are set.
func TestSMTPRelayWithoutAuth(t *testing.T) {
	w := newWorldWith(t, world.Options{SMTP: &smtpsink.Options{}})
	d := heldAndApproved(t, w)
	w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
	msgs := w.Sink.Messages()
	if len(msgs) != 1 || msgs[0].AuthMech != "" {
		t.Fatalf("sink holds %+v, want one message sent without a login", msgs)
	}
	if s := draftNow(t, w, d.ID); s.Status != domain.DraftSent {
		t.Fatalf("draft status %s", s.Status)
	}
}

// RELANCE_SMTP_AUTH=xoauth2 logs in with the token of RELANCE_IMAP_TOKEN_FILE,
// and the server reads a well-formed XOAUTH2 string for the account.
func TestSMTPXOAuth2WithTheIMAPToken(t *testing.T) {
	const token = "ya29.a0AfB_e2e-access-token"
	w := newWorldWith(t, world.Options{SMTP: &smtpsink.Options{Mechanisms: []string{smtpsink.Plain, smtpsink.Login, smtpsink.XOAuth2},
		RequireAuth: true, Tokens: map[string]string{smtpUser: token}}})
	tokenPath := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenPath, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_SMTP_AUTH", "xoauth2")
	t.Setenv("RELANCE_IMAP_TOKEN_FILE", tokenPath)
	heldAndApproved(t, w)
	w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
	msgs := w.Sink.Messages()
	if len(msgs) != 1 || msgs[0].AuthMech != smtpsink.XOAuth2 || msgs[0].AuthUser != smtpUser {
		t.Fatalf("sink holds %+v, want one message after an XOAUTH2 login as %s", msgs, smtpUser)
	}
}

// A refused login is permanent and not the message's own: one
// smtp_failed flag, no DATA, no retry within the process however many
// passes run, /readyz and relance_smtp_sending_stopped say so, and the
// draft stays approved. A restart checks the login once (still refused:
// still one flag); once the account is corrected, the restart's check
// resolves the flag and the reminder goes, once.
func TestSMTPLoginRefusedStopsSendingOnce(t *testing.T) {
	checking := smtpsink.Options{Mechanisms: []string{smtpsink.Plain, smtpsink.Login}, RequireAuth: true,
		Users: map[string]string{smtpUser: "not-the-password-relance-has"}}
	w := newWorldWith(t, world.Options{SMTP: &checking})
	d := heldAndApproved(t, w)
	ctx := context.Background()
	at := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)

	// One process, many passes (the daemon).
	cfg, _, err := config.Load(config.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64
	now.Store(at.UnixNano())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Options{Config: cfg, Now: func() time.Time { return time.Unix(0, now.Load()) }, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		now.Store(at.Add(time.Duration(i) * 10 * time.Minute).UnixNano())
		if err := a.Once(ctx); err != nil {
			t.Fatalf("pass %d: %v", i, err)
		}
	}
	if n := len(w.Sink.Logins()); n != 1 {
		t.Errorf("%d logins in 4 passes of one process, want 1 (no retry)", n)
	}
	if n := w.Sink.Attempts(); n != 0 {
		t.Errorf("%d DATA commands after a refused login", n)
	}
	flags := openFlags(t, w, "smtp_failed")
	if len(flags) != 1 || !strings.Contains(strings.Join(flags[0].Evidence, " "), "RELANCE_SMTP_PASSWORD") {
		t.Fatalf("smtp_failed flags = %+v, want one naming the setting to check", flags)
	}
	if strings.Contains(strings.Join(flags[0].Evidence, " "), w.IMAP.Password) {
		t.Error("the flag shows the password")
	}
	if s := draftNow(t, w, d.ID); s.Status != domain.DraftApproved {
		t.Errorf("draft status %s, want approved (it goes once sending resumes)", s.Status)
	}
	if n := countInMaildir(t, w.IMAP.Maildir("Sent"), d.MessageID); n != 0 {
		t.Errorf("Sent holds %d copies of a message that never went", n)
	}
	readyz, metrics := serve(t, a, ln.Addr().String())
	if !strings.HasPrefix(readyz, "503") || !strings.Contains(readyz, "smtp: sending stopped") {
		t.Errorf("/readyz = %q, want 503 naming the stopped sending", readyz)
	}
	if !strings.Contains(metrics, "\nrelance_smtp_sending_stopped 1\n") || !strings.Contains(metrics, `relance_smtp_failures_total{kind="permanent"} 1`) {
		t.Errorf("/metrics lacks relance_smtp_sending_stopped 1 and one permanent failure:\n%s", grepLines(metrics, "relance_smtp"))
	}
	a.Close()

	// Restarts with the account still wrong: one check each, no new flag.
	w.once(at.Add(time.Hour))
	w.once(at.Add(time.Hour + 10*time.Minute))
	if n := len(w.Sink.Logins()); n != 3 {
		t.Errorf("%d logins after two restarts, want 3 (one check per start)", n)
	}
	if n := len(openFlags(t, w, "smtp_failed")); n != 1 || w.Sink.Attempts() != 0 {
		t.Errorf("%d smtp_failed flags and %d DATA after restarts, want 1 and 0", n, w.Sink.Attempts())
	}

	// The account is corrected: the next start checks, resolves, sends.
	checking.Users = map[string]string{smtpUser: w.IMAP.Password}
	w.Sink.SetOptions(checking)
	w.once(at.Add(2 * time.Hour))
	if msgs := w.Sink.Messages(); len(msgs) != 1 || msgs[0].AuthUser != smtpUser {
		t.Fatalf("sink holds %d messages after the correction, want 1", len(msgs))
	}
	if n := len(openFlags(t, w, "smtp_failed")); n != 0 {
		t.Errorf("%d smtp_failed flags still open after sending resumed", n)
	}
	if s := draftNow(t, w, d.ID); s.Status != domain.DraftSent {
		t.Errorf("draft status %s, want sent", s.Status)
	}
	w.once(at.Add(3 * time.Hour))
	if n := len(w.Sink.Messages()); n != 1 {
		t.Errorf("%d messages after another pass, want 1", n)
	}
}

// serve runs the app (its web server on addr, the listener it was given)
// until /readyz and /metrics have answered, and returns "STATUS body" of
// /readyz and the /metrics text.
func serve(t *testing.T, a *app.App, addr string) (readyz, metrics string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not stop")
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return resp.StatusCode, string(b)
	}
	code, body := get("/readyz")
	readyz = fmt.Sprintf("%d %s", code, body)
	_, metrics = get("/metrics")
	return readyz, metrics
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
