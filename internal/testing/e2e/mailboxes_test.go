package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// mailboxName is the name of the k-th mailbox (from 1) in the mailboxes
// file of TestManyMailboxesFromOneFile, and dovecotUser its IMAP login.
func mailboxName(k int) string { return fmt.Sprintf("mb-%02d", k) }

func dovecotUser(w *env, k int) string {
	if k == 1 {
		return w.IMAP.User
	}
	return fmt.Sprintf("client%02d", k)
}

// One process serves 50 businesses from one mailboxes file, each on its own
// Dovecot account. Each mailbox's invoices and flags are its own: the same
// Sent mails (same Message-IDs, numbers, clients) loaded in mailboxes 1 and
// 2 give two separate sets; a dispute in mailbox 1 flags only mailbox 1's
// invoice; the other 48 each find their own invoices.
func TestManyMailboxesFromOneFile(t *testing.T) {
	const n = 50
	var extra []string
	for k := 2; k <= n; k++ {
		extra = append(extra, fmt.Sprintf("client%02d", k))
	}
	w := &env{world.NewWith(t, world.Options{IMAP: dovecot.Options{Users: extra}})}
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	clients := []struct{ name, email string }{{"Studio Kuma", "lea@studiokuma.fr"}, {"Cave Saint-Jean", "olivier@cave-saintjean.fr"}}
	var entries []map[string]string
	for k := 1; k <= n; k++ {
		user := dovecotUser(w, k)
		// Mailboxes 1 and 2 hold the very same two invoices; every other
		// mailbox has invoices of its own numbers.
		base := k * 10
		if k <= 2 {
			base = 0
		}
		for i, c := range clients {
			if err := w.IMAP.DeliverTo(user, "Sent", invoiceMail(base+i+1, c.name, c.email, issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
				t.Fatal(err)
			}
		}
		entries = append(entries, map[string]string{"name": mailboxName(k), "IMAP_USERNAME": user,
			"BUSINESS_NAME": fmt.Sprintf("Atelier %02d", k)})
	}
	dispute := replyMail("r2@client.test", "olivier@cave-saintjean.fr", "Olivier", "inv-2@atelier.test", "Re: Facture F-2026-0502",
		issued.AddDate(0, 0, 2), "Bonjour,\r\n\r\nJe conteste cette facture : le montant ne correspond pas au devis signé.\r\n", false)
	if err := w.IMAP.DeliverTo(dovecotUser(w, 1), "INBOX", dispute, false); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mailboxes.json")
	doc, err := json.Marshal(map[string]any{"mailboxes": entries})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", file)

	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))

	var rows []struct {
		Mailbox    string  `json:"mailbox"`
		LastSync   *string `json:"last_sync"`
		Invoices   int     `json:"invoices"`
		OpenFlags  int     `json:"open_flags"`
		HeldDrafts int     `json:"held_drafts"`
	}
	out := w.Relance("mailboxes", "--json")
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != n {
		t.Fatalf("mailboxes --json: %d rows, %v\n%s", len(rows), err, out)
	}
	for k, r := range rows {
		if r.Mailbox != mailboxName(k+1) || r.Invoices != 2 || r.LastSync == nil || r.HeldDrafts == 0 {
			t.Errorf("mailbox %d: %+v; want its 2 invoices, synced, with held drafts", k+1, r)
		}
		if wantFlags := k == 0; (r.OpenFlags > 0) != wantFlags {
			t.Errorf("mailbox %s has %d open flags; only mb-01 received a dispute", r.Mailbox, r.OpenFlags)
		}
	}

	type invoice struct {
		Number string `json:"number"`
		State  string `json:"state"`
		Client struct {
			Email string `json:"email"`
		} `json:"client"`
	}
	invoicesOf := func(name string) map[string]invoice {
		t.Helper()
		var invs []invoice
		out := w.Relance("invoices", "--json", "--mailbox", name)
		if err := json.Unmarshal([]byte(out), &invs); err != nil {
			t.Fatalf("invoices --mailbox %s: %v\n%s", name, err, out)
		}
		m := map[string]invoice{}
		for _, in := range invs {
			m[in.Number] = in
		}
		return m
	}
	one, two := invoicesOf("mb-01"), invoicesOf("mb-02")
	if len(one) != 2 || len(two) != 2 {
		t.Fatalf("mb-01 %v, mb-02 %v: want the same two invoices in each", one, two)
	}
	if one["F-2026-0502"].State != "disputed" || two["F-2026-0502"].State == "disputed" {
		t.Errorf("F-2026-0502: %q in mb-01 (the dispute's mailbox), %q in mb-02; want disputed in mb-01 only",
			one["F-2026-0502"].State, two["F-2026-0502"].State)
	}
	if _, ok := invoicesOf("mb-37")["F-2026-0871"]; !ok {
		t.Errorf("mb-37 lacks its own invoice F-2026-0871")
	}
	var flags []struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(w.Relance("flags", "--json", "--mailbox", "mb-02")), &flags); err != nil || len(flags) != 0 {
		t.Errorf("flags of mb-02: %+v, %v; want none (the dispute is mb-01's)", flags, err)
	}
	if err := json.Unmarshal([]byte(w.Relance("flags", "--json", "--mailbox", "mb-01")), &flags); err != nil || len(flags) != 1 || flags[0].Kind != "dispute" {
		t.Errorf("flags of mb-01: %+v, %v; want the one dispute", flags, err)
	}
	// Without --mailbox the listing covers the 50 mailboxes: the one flag
	// there is names its mailbox.
	var everyFlag []struct {
		Mailbox string `json:"mailbox"`
		Kind    string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(w.Relance("flags", "--json")), &everyFlag); err != nil || len(everyFlag) != 1 ||
		everyFlag[0].Mailbox != "mb-01" || everyFlag[0].Kind != "dispute" {
		t.Errorf("flags --json across the mailboxes: %+v, %v", everyFlag, err)
	}
	// A mailbox the file does not list is refused by name, and no store
	// is created for it.
	stdout, stderr, code := world.Run("invoices", "--mailbox", "mb-99")
	if code == 0 || !strings.Contains(stderr, `no mailbox "mb-99"`) {
		t.Errorf("--mailbox mb-99: exit %d, %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(w.DB), "mailboxes", "mb-99.db")); !os.IsNotExist(err) {
		t.Errorf("a store was created for an unknown mailbox: %v", err)
	}
}

// A database that served one mailbox before the mailboxes file existed is
// the mailbox named default once the file lists it: its invoices, flags
// and cursors are there, nothing is read twice, and a mailbox added beside
// it starts empty with its own account.
func TestSingleMailboxDatabaseBecomesDefault(t *testing.T) {
	w := &env{world.NewWith(t, world.Options{IMAP: dovecot.Options{Users: []string{"client02"}}})}
	seedTwoInvoices(t, w, "Sent")
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	before := w.Relance("invoices", "--json")

	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.DeliverTo("client02", "Sent", invoiceMail(40, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "120.00", false), true); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mailboxes.json")
	if err := os.WriteFile(file, []byte(`{"mailboxes": [{"name": "default"}, {"name": "atelier-deux", "IMAP_USERNAME": "client02"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", file)
	w.once(time.Date(2026, 9, 15, 18, 0, 0, 0, paris))

	if after := w.Relance("invoices", "--json", "--mailbox", "default"); after != before {
		t.Errorf("the default mailbox's invoices changed:\nbefore %s\nafter  %s", before, after)
	}
	// Without --mailbox a listing covers every mailbox, each object naming
	// its own; an action must say which mailbox it means.
	var every []struct {
		Mailbox string `json:"mailbox"`
		Number  string `json:"number"`
	}
	if err := json.Unmarshal([]byte(w.Relance("invoices", "--json")), &every); err != nil || len(every) != 3 ||
		every[0].Mailbox != "default" || every[2].Mailbox != "atelier-deux" || every[2].Number != "F-2026-0540" {
		t.Errorf("invoices --json across the mailboxes: %+v, %v", every, err)
	}
	if _, stderr, code := world.Run("invoices", "show", "F-2026-0540"); code != 2 || !strings.Contains(stderr, "--mailbox NAME (default, atelier-deux)") {
		t.Errorf("an action without --mailbox: exit %d, %s", code, stderr)
	}
	if n := len(openFlags(t, w, "dispute")); n != 1 {
		t.Errorf("default mailbox: %d dispute flags, want the 1 of before", n)
	}
	var other []struct {
		Number string `json:"number"`
	}
	if err := json.Unmarshal([]byte(w.Relance("invoices", "--json", "--mailbox", "atelier-deux")), &other); err != nil || len(other) != 1 || other[0].Number != "F-2026-0540" {
		t.Errorf("atelier-deux: %+v, %v; want its one invoice", other, err)
	}
}

// lockedBuffer is a child process's stderr, read while it is written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A running daemon applies its mailboxes file again on SIGHUP: a mailbox
// added starts (its invoices are found), a mailbox removed stops (a reply
// delivered to it afterwards is not read) and keeps its data, and the
// others go on.
func TestMailboxesReloadOnSIGHUP(t *testing.T) {
	w := twoAccounts(t)
	file := filepath.Join(t.TempDir(), "mailboxes.json")
	write := func(doc string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	alpha := `{"name": "alpha"}`
	beta := `{"name": "beta", "IMAP_USERNAME": "client02"}`
	write(`{"mailboxes": [` + alpha + `]}`)
	t.Setenv("RELANCE_MAILBOXES_FILE", file)
	d := w.startDaemon(t, "reload", nil)
	invoices := func(name string) int {
		var rows []struct {
			Mailbox  string `json:"mailbox"`
			Invoices int    `json:"invoices"`
		}
		_ = json.Unmarshal([]byte(w.Relance("mailboxes", "--json")), &rows)
		for _, r := range rows {
			if r.Mailbox == name {
				return r.Invoices
			}
		}
		return -1
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 30 s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor("alpha finds its invoice", func() bool { return invoices("alpha") == 1 })

	addr := d.listenAddr(t)
	page := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := page("/"); code != http.StatusOK || !strings.Contains(body, `href="/m/alpha/"`) || strings.Contains(body, "/m/beta/") {
		t.Errorf("overview before the reload: %d, want alpha only\n%s", code, body)
	}

	write(`{"mailboxes": [` + alpha + `, ` + beta + `]}`)
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("beta, added, finds its invoice", func() bool { return invoices("beta") == 1 })
	if code, body := page("/m/beta/invoices"); code != http.StatusOK || !strings.Contains(body, "F-2026-0502") {
		t.Errorf("beta's invoices page after the reload: %d\n%s", code, body)
	}

	write(`{"mailboxes": [` + beta + `]}`)
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("alpha is removed", func() bool { return strings.Contains(d.stderr.String(), "mailbox removed") })
	now := time.Now()
	for i, user := range []string{w.IMAP.User, "client02"} {
		reply := replyMail(fmt.Sprintf("r%d@client.test", i), "olivier@cave-saintjean.fr", "Olivier", fmt.Sprintf("inv-%d@atelier.test", i+1),
			"Re: Facture", now, "Bonjour,\r\n\r\nJe conteste cette facture : le montant ne correspond pas au devis signé.\r\n", false)
		if err := w.IMAP.DeliverTo(user, "INBOX", reply, false); err != nil {
			t.Fatal(err)
		}
	}
	flagsOf := func(name string) int {
		var flags []struct {
			Kind string `json:"kind"`
		}
		_ = json.Unmarshal([]byte(w.Relance("flags", "--json", "--mailbox", name)), &flags)
		return len(flags)
	}
	waitFor("beta reads the dispute", func() bool { return flagsOf("beta") == 1 })
	if code, _ := page("/m/alpha/"); code != http.StatusNotFound {
		t.Errorf("alpha's page after its removal: %d, want 404", code)
	}
	// alpha's data stays, and nothing reads its mail any more.
	if got := w.Relance("mailboxes", "--json"); strings.Contains(got, `"alpha"`) {
		t.Errorf("alpha is still listed: %s", got)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", "")
	if n := flagsOf("default"); n != 0 {
		t.Errorf("the default database got %d flags", n)
	}
	write(`{"mailboxes": [` + alpha + `]}`)
	t.Setenv("RELANCE_MAILBOXES_FILE", file)
	if n := flagsOf("alpha"); n != 0 || invoices("alpha") != 1 {
		t.Errorf("alpha, removed: %d flags (want 0: its reply came after), %d invoices (want its 1, kept)", n, invoices("alpha"))
	}
	d.stop(t)
}

// twoAccounts is a world whose Dovecot has a second account, client02, with
// one overdue invoice (F-2026-0501, F-2026-0502) in the Sent folder of each.
func twoAccounts(t *testing.T) *env {
	t.Helper()
	w := &env{world.NewWith(t, world.Options{IMAP: dovecot.Options{Users: []string{"client02"}}})}
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	for i, user := range []string{w.IMAP.User, "client02"} {
		if err := w.IMAP.DeliverTo(user, "Sent", invoiceMail(i+1, "Cave Saint-Jean", "olivier@cave-saintjean.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// daemon is a `relance run` child process of a test, its stderr kept.
type daemon struct {
	id     string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	gone   chan struct{}
	exit   error
	exitAt time.Time
}

// startDaemon starts `relance run` (with args) as a child process with the
// world's environment plus extraEnv, listening on a free port, logging at
// info; it is killed at the end of the test if still running, and its log
// printed if the test failed.
func (w *env) startDaemon(t *testing.T, id string, extraEnv []string, args ...string) *daemon {
	t.Helper()
	d := &daemon{id: id, stderr: &lockedBuffer{}, gone: make(chan struct{})}
	d.cmd = w.process(append([]string{"RELANCE_HTTP_ADDR=127.0.0.1:0", "RELANCE_LOG_LEVEL=info"}, extraEnv...), append([]string{"run"}, args...)...)
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		d.exit = d.cmd.Wait()
		d.exitAt = time.Now()
		close(d.gone)
	}()
	t.Cleanup(func() {
		_ = d.cmd.Process.Kill()
		<-d.gone
		if t.Failed() {
			t.Logf("relance run %s:\n%s", d.id, d.stderr.String())
		}
	})
	return d
}

// listenAddr waits (30 s at most) for the daemon's log to say where its web
// server listens.
func (d *daemon) listenAddr(t *testing.T) string {
	t.Helper()
	listen := regexp.MustCompile(`msg="relance started" [^\n]*?http=(\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listen.FindStringSubmatch(d.stderr.String()); m != nil {
			return m[1]
		}
		select {
		case <-d.gone:
			t.Fatalf("relance run exited: %v", d.exit)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no listen address in the log")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the daemon with SIGTERM and checks it stops cleanly.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.gone:
		if d.exit != nil {
			t.Errorf("%s after SIGTERM: %v", d.id, d.exit)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("%s did not stop on SIGTERM", d.id)
	}
}
