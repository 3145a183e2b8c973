package perf

import (
	"context"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/smtpsink"
)

// The first pass a new user waits for, run as they would run it: the
// relance binary, `run --once`, a fresh database, a generated mailbox on
// Dovecot. It records every message, drafts reminders for the overdue
// invoices, logs its phases, and its progress lines carry a real pace, the
// time left and the time spent.
func TestFirstPass(t *testing.T) {
	ctx := context.Background()
	spec := Spec{Messages: 2000, Invoices: 700, Clients: 80, Seed: 3}
	mb := newMailbox(t, spec)
	bin, err := BuildRelance(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sink := smtpsink.Start(t)
	res, err := FirstPass(ctx, FirstPassRequest{Binary: bin, Account: mb.acct, SMTPAddr: sink.Addr, DB: filepath.Join(t.TempDir(), "relance.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first pass: %.2fs (scan %.2fs, behaviour %.3fs, outbox %.3fs), cpu %.2fs, peak %.1f MiB, %d drafts; progress %+v",
		res.Elapsed.Seconds(), res.Scan.Seconds(), res.Behaviour.Seconds(), res.Outbox.Seconds(), res.CPU.Seconds(), mib(res.MaxRSS), res.Drafts, res.Progress)
	if res.Messages != spec.Messages || res.Invoices != spec.Invoices {
		t.Errorf("recorded %d messages and %d invoices, want %d and %d", res.Messages, res.Invoices, spec.Messages, spec.Invoices)
	}
	// Invoices of the last two years, due 30 days after issue, seen on
	// BaseTime: most are overdue, and nothing has been sent yet.
	if res.Drafts == 0 {
		t.Error("the first pass drafted no reminder")
	}
	if len(sink.Messages()) != 0 {
		t.Errorf("the first pass sent %d messages; drafts wait for review", len(sink.Messages()))
	}
	if res.Scan <= 0 || res.Behaviour <= 0 || res.Outbox <= 0 || res.Scan+res.Behaviour+res.Outbox > res.Elapsed {
		t.Errorf("phases scan %s, behaviour %s, outbox %s within a run of %s: not measured", res.Scan, res.Behaviour, res.Outbox, res.Elapsed)
	}
	if res.CPU <= 0 || res.MaxRSS <= 0 {
		t.Errorf("cpu %s, peak RSS %d: not measured", res.CPU, res.MaxRSS)
	}
	seen := map[string]bool{}
	for _, p := range res.Progress {
		seen[p.Folder] = true
		if p.Done <= 0 || p.Total != map[string]int{FolderSent: spec.Invoices, FolderInbox: spec.Messages - spec.Invoices}[p.Folder] {
			t.Errorf("progress line %+v: wrong count", p)
		}
		if p.PerSecond <= 0 || p.Elapsed <= 0 {
			t.Errorf("progress line %+v: no pace or no time spent", p)
			continue
		}
		// The figures agree with each other, to the tenth of a second the
		// line rounds to: at its pace, what is done took the time it says,
		// and what is left will take the time it announces.
		near := func(got time.Duration, msgs int) bool {
			want := time.Duration(float64(msgs) / p.PerSecond * float64(time.Second))
			return got-want <= 150*time.Millisecond && want-got <= 150*time.Millisecond
		}
		if !near(p.Elapsed, p.Done) {
			t.Errorf("progress line %+v: %d messages at %.1f a second is not %s", p, p.Done, p.PerSecond, p.Elapsed)
		}
		if !near(p.ETA, p.Total-p.Done) {
			t.Errorf("progress line %+v: %d messages left at %.1f a second is not %s", p, p.Total-p.Done, p.PerSecond, p.ETA)
		}
	}
	for _, f := range []string{FolderSent, FolderInbox} {
		if !seen[f] {
			t.Errorf("no progress line for %s (every %d messages)", f, 500)
		}
	}
}

// While the daemon reads a new mailbox for the first time, its web page's
// overview shows how far the scan has come, at what pace, and how long is
// left.
func TestOverviewDuringFirstScan(t *testing.T) {
	ctx := context.Background()
	spec := Spec{Messages: 4000, Invoices: 800, PDFShare: -1, Seed: 5}
	mb := newMailbox(t, spec)
	tmp := t.TempDir()
	bin, err := BuildRelance(ctx, tmp)
	if err != nil {
		t.Fatal(err)
	}
	sink := smtpsink.Start(t)
	httpAddr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = RelanceEnv(mb.acct, sink.Addr, filepath.Join(tmp, "relance.db"), "RELANCE_HTTP_ADDR="+httpAddr, "RELANCE_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	// "1 234 messages par seconde, encore environ 3 s (depuis 2 s)": a
	// pace, the time left, the time spent.
	scanLine := regexp.MustCompile(`Première lecture de (Sent|INBOX) : [\d\x{202f}]+ sur [\d\x{202f}]+ messages`)
	rateLine := regexp.MustCompile(`[\d\x{202f}]+ messages par seconde, encore environ [^()]+ \(depuis [^()]+\)`)
	cl := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(2 * time.Minute)
	var last string
	for {
		if time.Now().After(deadline) {
			t.Fatalf("the overview never showed the scan's pace; last page:\n%s", last)
		}
		if resp, err := cl.Get("http://" + httpAddr + "/"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = strings.ReplaceAll(string(b), "&#39;", "'")
			if scanLine.MatchString(last) && rateLine.MatchString(last) {
				t.Logf("overview during the scan: %q", rateLine.FindString(last))
				break
			}
			if err := WaitHTTP(ctx, "http://"+httpAddr+"/readyz", time.Millisecond); err == nil {
				t.Fatalf("the first scan ended and the overview never showed its pace; last page:\n%s", last)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
