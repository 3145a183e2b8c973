package soak

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the store's driver, read directly by the checks

	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/testing/testutil/fault"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// The test binary doubles as relance: with this variable set it runs the
// command line and exits, so the crash tests can SIGKILL a real process. It
// sits outside the RELANCE_ namespace, which relance checks for typos.
const beRelance = "RELANCETEST_SOAK_MAIN"

var longSoak = flag.Bool("soak", false, "run the long crash soak (also RELANCE_SOAK=1)")

func TestMain(m *testing.M) {
	if os.Getenv(beRelance) == "1" {
		os.Exit(cli.Main(context.Background(), os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Fault: fault.FromEnv()}))
	}
	os.Exit(m.Run())
}

func soakLong() bool { return *longSoak || os.Getenv("RELANCE_SOAK") == "1" }

var paris = world.Paris()

// env is a world with the soak's own helpers.
type env struct {
	*world.World
}

func newWorld(t *testing.T) *env { return &env{world.New(t)} }

func runInProcess(args ...string) (stdout, stderr string, code int) { return world.Run(args...) }

// command prepares relance as a child process.
func command(extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		// The soak's own switches are not relance's configuration.
		if !strings.HasPrefix(kv, "RELANCE_SOAK") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, beRelance+"=1")
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// once runs `relance run --once --now T` as a child process to completion.
func (w *env) once(now time.Time) {
	w.T.Helper()
	cmd := command(nil, "run", "--once", "--now", now.Format(time.RFC3339))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		w.T.Fatalf("relance run --once --now %s: %v\n%s", now.Format(time.RFC3339), err, out.String())
	}
}

// killer decides when to SIGKILL a child: after a delay, or as soon as its
// log shows the n-th line containing a marker.
type killer struct {
	delay  time.Duration // 0: no timed kill
	marker string        // "": no log-triggered kill
	nth    int
}

func (k killer) String() string {
	if k.marker != "" {
		return fmt.Sprintf("on log line %d containing %q", k.nth, k.marker)
	}
	return fmt.Sprintf("after %v", k.delay)
}

// outcome of a child run.
type outcome struct {
	killed   bool
	err      error // a failure other than the kill
	output   string
	duration time.Duration
}

// runKillable runs `relance run --once --now T` and kills it as k says.
// The timed kill is the point of the test: the process must survive being
// stopped at any instant, so the instant is a timer, not a condition.
func runKillable(now time.Time, k killer, extraEnv ...string) outcome {
	env := append([]string(nil), extraEnv...)
	if k.marker != "" {
		env = append(env, "RELANCE_LOG_LEVEL=debug")
	}
	cmd := command(env, "run", "--once", "--now", now.Format(time.RFC3339))
	var out bytes.Buffer
	var mu sync.Mutex
	cmd.Stdout = &lockedWriter{w: &out, mu: &mu}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return outcome{err: err}
	}
	var once sync.Once
	var killedByUs bool
	kill := func() {
		once.Do(func() {
			killedByUs = cmd.Process.Signal(syscall.SIGKILL) == nil
		})
	}
	var timer *time.Timer
	if k.delay > 0 {
		timer = time.AfterFunc(k.delay, kill)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		seen := 0
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			out.WriteString(line)
			out.WriteByte('\n')
			mu.Unlock()
			if k.marker != "" && strings.Contains(line, k.marker) {
				seen++
				if seen == k.nth {
					kill()
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Wait()
	pw.Close()
	<-scanned
	if timer != nil {
		timer.Stop()
	}
	once.Do(func() {}) // no kill after Wait
	o := outcome{duration: time.Since(start)}
	mu.Lock()
	o.output = out.String()
	mu.Unlock()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL && killedByUs {
			o.killed = true
			return o
		}
	}
	o.err = err
	return o
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// openDB opens the store's file read-only for the checks.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// maildirMessage is one file of a Dovecot folder.
type maildirMessage struct {
	path      string
	messageID string
	header    mail.Header
}

// maildirMessages lists the messages of a folder on disk, with their
// Message-ID (without angle brackets).
func maildirMessages(t *testing.T, dir string) []maildirMessage {
	t.Helper()
	var out []maildirMessage
	for _, sub := range []string{"cur", "new"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range entries {
			p := filepath.Join(dir, sub, e.Name())
			f, err := os.Open(p)
			if err != nil {
				continue // expunged meanwhile
			}
			m, err := mail.ReadMessage(bufio.NewReader(io.LimitReader(f, 1<<20)))
			f.Close()
			mm := maildirMessage{path: p}
			if err == nil {
				mm.header = m.Header
				mm.messageID = strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
			}
			out = append(out, mm)
		}
	}
	return out
}

// invoiceMail writes the mail an invoicing tool would send.
func invoiceMail(num, msgID, client, email string, issued, due time.Time, amount string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Atelier Test <factures@atelier.test>\r\nTo: %s <%s>\r\n", client, email)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", issued.In(paris).Format(time.RFC1123Z), msgID)
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	fr := strings.ReplaceAll(amount, ".", ",")
	fmt.Fprintf(&b, "Subject: Facture %s - Atelier Test\r\n\r\nBonjour,\r\n\r\nVeuillez trouver ci-joint la facture n° %s du %s, d'un montant de %s € TTC.\r\n\r\nDate d'échéance : %s\r\n\r\nCordialement,\r\nAtelier Test\r\n",
		num, num, issued.Format("02/01/2006"), fr, due.Format("02/01/2006"))
	return []byte(b.String())
}

// replyMail writes a client's reply to one of our messages.
func replyMail(id, from, fromName, inReplyTo, subject string, date time.Time, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: Atelier Test <factures@atelier.test>\r\n", fromName, from)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", date.In(paris).Format(time.RFC1123Z), id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	fmt.Fprintf(&b, "Subject: %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", subject, body)
	return []byte(b.String())
}
