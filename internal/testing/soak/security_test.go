package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// approveAndSend drafts in the evening, approves from the CLI, and sends
// the next morning.
func approveAndSend(t *testing.T, w *env, evening time.Time) {
	t.Helper()
	w.once(evening)
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	held, err := st.Drafts(context.Background(), domain.DraftHeld)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range held {
		w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
	}
	w.once(evening.Add(15*time.Hour + 30*time.Minute))
}

// An invoice whose client name and subject carry "\r\nBcc:" (as RFC 2047
// encoded words, the only way a header can carry a line break) gives a
// reminder with one recipient and no Bcc.
func TestHeaderInjection(t *testing.T) {
	w := newWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	name := "=?utf-8?q?Studio_Kuma=0D=0ABcc:_evil@attacker.test=0D=0AX-Injected:_1?="
	raw := invoiceMail("F-2026-0501", "inv-inj@atelier.test", name, "lea@studiokuma.test", issued, issued.AddDate(0, 0, 30), "660.00")
	raw = bytes.Replace(raw, []byte("Subject: Facture F-2026-0501 - Atelier Test"),
		[]byte("Subject: =?utf-8?q?Facture_F-2026-0501=0D=0ABcc:_evil2@attacker.test?="), 1)
	if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
		t.Fatal(err)
	}
	approveAndSend(t, w, time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	msgs := w.Sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("sink holds %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || !strings.EqualFold(m.To[0], "lea@studiokuma.test") {
		t.Errorf("envelope recipients %v, want only lea@studiokuma.test", m.To)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	for k := range parsed.Header {
		if strings.EqualFold(k, "Bcc") || strings.EqualFold(k, "X-Injected") {
			t.Errorf("injected header %s: %q", k, parsed.Header[k])
		}
	}
	head, _, _ := bytes.Cut(m.Data, []byte("\r\n\r\n"))
	if bytes.Contains(bytes.ToLower(head), []byte("\nbcc:")) || bytes.Contains(head, []byte("attacker.test")) && !bytes.Contains(head, []byte("=?")) {
		t.Errorf("header block carries the injection:\n%s", head)
	}
	for _, h := range []string{"To", "Cc"} {
		if list, err := parsed.Header.AddressList(h); err == nil {
			for _, a := range list {
				if strings.Contains(a.Address, "attacker") {
					t.Errorf("%s carries %s", h, a.Address)
				}
			}
		}
	}
}

// Template syntax in a client's name or a reply is printed as text, never
// evaluated: the business's IBAN does not appear in their place.
func TestTemplateInjection(t *testing.T) {
	const iban = "FR7630001007941234567890185"
	w := newWorld(t)
	t.Setenv("RELANCE_BUSINESS_IBAN", iban)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	payload := "{{.Business.IBAN}}"
	if err := w.IMAP.Deliver("Sent", invoiceMail("F-2026-0502", "inv-tpl@atelier.test", payload+" SARL", "compta@tpl.test", issued, issued.AddDate(0, 0, 30), "410.00"), true); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	drafts, err := st.Drafts(context.Background())
	if err != nil || len(drafts) != 1 {
		t.Fatalf("drafts: %d, %v", len(drafts), err)
	}
	// The name is data: stored as written, and printed (if a template
	// prints it) as written.
	invs, err := st.Invoices(context.Background(), store.InvoiceFilter{})
	if err != nil || len(invs) != 1 || !strings.Contains(invs[0].Client.Name, payload) {
		t.Fatalf("invoice client: %+v, %v", invs, err)
	}
	d := drafts[0]
	if strings.Contains(d.Subject, iban) || strings.Join(d.To, ",") != "compta@tpl.test" {
		t.Errorf("subject %q, to %v", d.Subject, d.To)
	}
	// Our template prints the IBAN once, after its label; any other
	// occurrence would be the client's text evaluated.
	labelled := 0
	for _, line := range strings.Split(d.Body, "\n") {
		if strings.HasPrefix(line, "IBAN") && strings.HasSuffix(strings.TrimSpace(line), iban) {
			labelled++
		}
	}
	if n := strings.Count(d.Body, iban); n != labelled {
		t.Errorf("the IBAN appears %d times, not all after the label:\n%s", n, d.Body)
	}
	if strings.Contains(d.Body, "Business") && !strings.Contains(d.Body, payload) {
		t.Errorf("template text half evaluated:\n%s", d.Body)
	}
	// A reply carrying template syntax and a dispute.
	reply := replyMail("tpl-reply@tpl.test", "compta@tpl.test", payload, "inv-tpl@atelier.test", "Re: Facture F-2026-0502",
		time.Date(2026, 9, 15, 8, 0, 0, 0, paris), "Bonjour,\r\n\r\nJe conteste cette facture {{.Business.IBAN}} {{printf \"%s\" .}} : les travaux ne sont pas conformes au devis.\r\n")
	if err := w.IMAP.Deliver("INBOX", reply, false); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
	flags, err := st.Flags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flags {
		ev := strings.Join(f.Evidence, " ")
		if strings.Contains(ev, iban) {
			t.Errorf("flag %s evidence evaluated the template: %q", f.Kind, ev)
		}
	}
}

// refusingSMTP accepts connections and refuses every AUTH.
type refusingSMTP struct{}

func (refusingSMTP) NewSession(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }

type refusingSession struct{}

func (refusingSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (refusingSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, _ string) error {
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
	}), nil
}
func (refusingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (refusingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (refusingSession) Data(io.Reader) error                 { return nil }
func (refusingSession) Reset()                               {}
func (refusingSession) Logout() error                        { return nil }

func startRefusingSMTP(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(refusingSMTP{})
	srv.Domain = "refusing.test"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Secrets never reach an output: relance runs at debug level with sentinel
// secrets through check-config, a failing IMAP login, a refused SMTP AUTH,
// the daemon (with a web request using a wrong token) and the demo, and no
// line of stdout or stderr holds a sentinel (nor its base64 in an AUTH).
func TestSecretsNeverPrinted(t *testing.T) {
	const (
		imapSecret  = "SENTINEL-imap-7f3a9c"
		smtpSecret  = "SENTINEL-smtp-b41e02"
		tokenSecret = "SENTINEL-http-5d88e1"
		wrongSecret = "SENTINEL-wrong-0c9d44"
	)
	w := newWorld(t)
	// Dovecot learns the sentinel as the account's password.
	if err := os.WriteFile(filepath.Join(w.IMAP.Dir(), "passwd"), []byte(w.IMAP.User+":{PLAIN}"+imapSecret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail("F-2026-0503", "inv-sec@atelier.test", "Studio Kuma", "lea@studiokuma.test", issued, issued.AddDate(0, 0, 30), "660.00"), true); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"RELANCE_LOG_LEVEL=debug",
		"RELANCE_IMAP_PASSWORD=" + imapSecret,
		"RELANCE_SMTP_PASSWORD=" + smtpSecret,
		"RELANCE_HTTP_TOKEN=" + tokenSecret,
		"RELANCE_SMTP_ADDR=" + startRefusingSMTP(t),
	}
	var outputs []string
	runChild := func(name string, extra []string, args ...string) {
		cmd := command(append(append([]string(nil), env...), extra...), args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		_ = cmd.Run() // failing is expected for some
		outputs = append(outputs, name+":\n"+out.String())
	}
	runChild("check-config", nil, "check-config")
	runChild("wrong IMAP password", []string{"RELANCE_IMAP_PASSWORD=" + wrongSecret}, "run", "--once", "--now", "2026-09-14T18:00:00+02:00")
	// A successful login, a draft, its approval, then the refused AUTH.
	runChild("drafting", nil, "run", "--once", "--now", "2026-09-14T18:00:00+02:00")
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	held, _ := st.Drafts(context.Background(), domain.DraftHeld)
	st.Close()
	if len(held) != 1 {
		t.Fatalf("held drafts: %d (outputs:\n%s)", len(held), strings.Join(outputs, "\n"))
	}
	w.Relance("drafts", "approve", strconv.FormatInt(held[0].ID, 10))
	runChild("refused SMTP AUTH", nil, "run", "--once", "--now", "2026-09-15T09:30:00+02:00")
	if !strings.Contains(strings.ToLower(outputs[len(outputs)-1]), "auth") {
		t.Errorf("the refused SMTP AUTH left no trace in the log:\n%s", outputs[len(outputs)-1])
	}
	outputs = append(outputs, "daemon:\n"+runDaemonBriefly(t, env, []string{"RELANCE_HTTP_ADDR=" + freeAddr(t)}, "run"))
	outputs = append(outputs, "demo:\n"+runDaemonBriefly(t, env, nil, "demo", "--http", freeAddr(t)))

	all := strings.Join(outputs, "\n")
	for _, s := range []string{imapSecret, smtpSecret, tokenSecret, wrongSecret} {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)),
			base64.StdEncoding.EncodeToString([]byte("\x00" + w.IMAP.User + "\x00" + s)),
			base64.StdEncoding.EncodeToString([]byte("\x00factures@atelier.test\x00" + s))} {
			if strings.Contains(all, form) {
				for _, o := range outputs {
					if strings.Contains(o, form) {
						t.Errorf("a secret (%s) appears in the output of %s", s, strings.SplitN(o, ":", 2)[0])
					}
				}
			}
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("outputs (%d bytes):\n%s", len(all), clip(all, 6000))
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "\n…"
	}
	return s
}

// runDaemonBriefly starts a long-running command, waits until it serves
// HTTP, makes an unauthenticated and a wrongly authenticated request, stops
// it with SIGTERM and returns everything it printed.
func runDaemonBriefly(t *testing.T, env, extra []string, args ...string) string {
	t.Helper()
	cmd := command(append(append([]string(nil), env...), extra...), args...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	addrCh := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			for _, key := range []string{"http=", "web page:  http://"} {
				if i := strings.Index(line, key); i >= 0 {
					a := strings.Fields(line[i+len(key):])[0]
					a = strings.TrimSuffix(strings.TrimPrefix(a, "http://"), "/")
					select {
					case addrCh <- a:
					default:
					}
				}
			}
		}
	}()
	select {
	case addr := <-addrCh:
		client := &http.Client{Timeout: 5 * time.Second}
		for _, tok := range []string{"", "wrong-token"} {
			req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%v did not start serving", args)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	select {
	case err := <-werr:
		var ee interface{ ExitCode() int }
		if err != nil && errors.As(err, &ee) && ee.ExitCode() > 0 {
			t.Logf("%v exited %d", args, ee.ExitCode())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-werr
		t.Errorf("%v did not stop on SIGTERM", args)
	}
	pw.Close()
	<-done
	return out.String()
}

// Plaintext to a server that is not on loopback is refused by the
// configuration (IMAP and SMTP) and by the mailbox itself.
func TestTLSRequiredToRemoteServers(t *testing.T) {
	base := []string{
		"RELANCE_IMAP_ADDR=imap.example.com:143", "RELANCE_IMAP_USERNAME=u", "RELANCE_IMAP_PASSWORD=p",
		"RELANCE_SMTP_ADDR=smtp.example.com:587", "RELANCE_FROM=a@example.com", "RELANCE_DB=" + filepath.Join(t.TempDir(), "x.db"),
	}
	cases := []struct {
		name  string
		extra []string
		want  string // "" when valid
	}{
		{"TLS everywhere", []string{"RELANCE_IMAP_TLS=implicit", "RELANCE_SMTP_TLS=starttls"}, ""},
		{"plaintext IMAP", []string{"RELANCE_IMAP_TLS=none", "RELANCE_SMTP_TLS=starttls"}, "IMAP_TLS"},
		{"plaintext SMTP", []string{"RELANCE_IMAP_TLS=implicit", "RELANCE_SMTP_TLS=none"}, "SMTP_TLS"},
		{"plaintext IMAP, insecure allowed", []string{"RELANCE_IMAP_TLS=none", "RELANCE_IMAP_INSECURE=true", "RELANCE_SMTP_TLS=starttls"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := command(append(append([]string(nil), base...), c.extra...), "check-config")
			cmd.Env = filterEnv(cmd.Env, "RELANCE_")
			cmd.Env = append(cmd.Env, append(append([]string{beRelance + "=1"}, base...), c.extra...)...)
			out, err := cmd.CombinedOutput()
			if c.want == "" {
				if err != nil {
					t.Errorf("valid configuration refused: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Errorf("want a refusal naming %s, got %v:\n%s", c.want, err, out)
			}
		})
	}
	_, err := mailbox.New(mailbox.Config{Addr: "imap.example.com:143", Username: "u", Password: "p", TLS: mailbox.TLSNone}, nil)
	if !errors.Is(err, mailbox.ErrPlaintextRefused) {
		t.Errorf("mailbox.New to a remote host without TLS: %v, want ErrPlaintextRefused", err)
	}
	if _, err := mailbox.New(mailbox.Config{Addr: "127.0.0.1:143", Username: "u", Password: "p", TLS: mailbox.TLSNone}, nil); errors.Is(err, mailbox.ErrPlaintextRefused) {
		t.Errorf("loopback plaintext refused: %v", err)
	}
}

// filterEnv drops the variables with a prefix.
func filterEnv(env []string, prefix string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}
