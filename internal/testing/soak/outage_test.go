package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// runExpectFailure runs `run --once` and returns its output; it must fail.
func runExpectFailure(t *testing.T, now time.Time) string {
	t.Helper()
	cmd := command(nil, "run", "--once", "--now", now.Format(time.RFC3339))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("run --once succeeded during the outage:\n%s", out)
	}
	return string(out)
}

func countMessages(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Errorf("integrity: %v", err)
	}
	m, err := st.CountMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func deliverReplies(t *testing.T, w *env, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		raw := replyMail(fmt.Sprintf("outage-%d@client.test", i), fmt.Sprintf("c%d@client.test", i), "Client", "", "Question",
			time.Date(2026, 9, 10, 8, 0, 0, 0, paris), "Bonjour,\r\n\r\nPourriez-vous me renvoyer votre RIB ?\r\n")
		if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
			t.Fatal(err)
		}
	}
}

// The database file made read-only (chattr +i: root ignores file modes): a
// pass fails with an error naming the file, nothing is corrupted, and once
// writable again the pass records what arrived meanwhile.
func TestDatabaseReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chattr +i needs root (and a non-root user cannot bypass chmod 0444 either way)")
	}
	if _, err := exec.LookPath("chattr"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chattr is required under CI=true (Debian package e2fsprogs): %v", err)
		}
		t.Skip("chattr not installed")
	}
	w := newWorld(t)
	deliverReplies(t, w, 0, 3)
	now := time.Date(2026, 9, 10, 18, 0, 0, 0, paris)
	w.once(now)
	deliverReplies(t, w, 3, 3)
	files := []string{w.DB, w.DB + "-wal", w.DB + "-shm"}
	var locked []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			if out, err := exec.Command("chattr", "+i", f).CombinedOutput(); err != nil {
				t.Skipf("chattr +i %s: %v %s (file system without immutable files)", f, err, out)
			}
			locked = append(locked, f)
		}
	}
	unlock := func() {
		for _, f := range locked {
			_ = exec.Command("chattr", "-i", f).Run()
		}
		locked = nil
	}
	t.Cleanup(unlock)
	out := runExpectFailure(t, now.Add(time.Hour))
	if !strings.Contains(out, w.DB) && !strings.Contains(out, filepath.Base(w.DB)) {
		t.Errorf("the error does not name the database file:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(out), "read") && !strings.Contains(strings.ToLower(out), "permi") {
		t.Errorf("the error does not say the file is read-only:\n%s", out)
	}
	t.Logf("read-only database: %s", lastLine(out))
	unlock()
	w.once(now.Add(2 * time.Hour))
	if n := countMessages(t, w.DB); n != 6 {
		t.Errorf("after recovery the store holds %d messages, want 6", n)
	}
}

// The disk holding the database full (a 16 MB tmpfs, room for SQLite's
// write-ahead log to reach its checkpoint size of about 4 MB once freed): a
// pass fails with a clear error naming the file, the database stays intact,
// and once space is freed the pass records everything.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s (no privilege to mount here)", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	w := newWorld(t)
	w.DB = filepath.Join(dir, "relance.db")
	t.Setenv("RELANCE_DB", w.DB)
	deliverReplies(t, w, 0, 5)
	now := time.Date(2026, 9, 10, 18, 0, 0, 0, paris)
	w.once(now)
	// Fill what is left, then bring mail whose recording needs space.
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(f, io.LimitReader(zeroReader{}, 32<<20)) // stops at ENOSPC
	f.Close()
	deliverReplies(t, w, 5, 200)
	out := runExpectFailure(t, now.Add(time.Hour))
	low := strings.ToLower(out)
	if !strings.Contains(low, "full") && !strings.Contains(low, "space") && !strings.Contains(low, "i/o") {
		t.Errorf("the error does not say the disk is full:\n%s", out)
	}
	if !strings.Contains(out, w.DB) {
		t.Errorf("the error does not name the database file:\n%s", out)
	}
	t.Logf("disk full: %s", lastLine(out))
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	w.once(now.Add(2 * time.Hour))
	if n := countMessages(t, w.DB); n != 205 {
		t.Errorf("after recovery the store holds %d messages, want 205", n)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// The clock jumps back and forth between passes (`run --once --now`): no
// reminder goes twice, no draft is duplicated, and no hold is shortened.
func TestClockJumps(t *testing.T) {
	w := newWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	for i, c := range []string{"studio", "garage", "cave"} {
		if err := w.IMAP.Deliver("Sent", invoiceMail(fmt.Sprintf("F-2026-06%02d", i), fmt.Sprintf("inv-clock-%d@atelier.test", i), "Client "+c,
			c+"@client.test", issued.AddDate(0, 0, i), issued.AddDate(0, 0, 30+i), "500.00"), true); err != nil {
			t.Fatal(err)
		}
	}
	evening := time.Date(2026, 9, 14, 18, 0, 0, 0, paris)
	approveAndSend(t, w, evening)
	sent := len(w.Sink.Messages())
	if sent == 0 {
		t.Fatal("nothing sent before the jumps")
	}
	holds := func() map[int64]time.Time {
		st, err := store.Open(context.Background(), w.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ds, err := st.Drafts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]time.Time{}
		for _, d := range ds {
			m[d.ID] = d.HoldUntil
		}
		return m
	}
	before := holds()
	// Backwards: a day, a month, a year; then the present again.
	for _, now := range []time.Time{evening.AddDate(0, 0, -1), evening.AddDate(0, -1, 0), evening.AddDate(-1, 0, 0),
		evening.Add(15*time.Hour + 30*time.Minute), evening.Add(15 * time.Hour)} {
		w.once(now)
	}
	after := holds()
	if len(after) != len(before) {
		t.Errorf("drafts %d → %d after the clock went back", len(before), len(after))
	}
	for id, h := range before {
		if a, ok := after[id]; ok && a.Before(h) {
			t.Errorf("draft %d hold shortened from %s to %s", id, h, a)
		}
	}
	if got := len(w.Sink.Messages()); got != sent {
		t.Errorf("sink %d → %d after the clock went back", sent, got)
	}
	// Forwards by weeks, then back again: the ladder goes on, each reminder
	// once.
	approveAndSend(t, w, evening.AddDate(0, 0, 16))
	w.once(evening.AddDate(0, 0, 2))
	approveAndSend(t, w, evening.AddDate(0, 0, 30))
	seen := map[string]bool{}
	for _, m := range w.Sink.Messages() {
		id := messageIDOf(m.Data)
		if seen[id] {
			t.Errorf("%s sent twice", id)
		}
		seen[id] = true
	}
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, _ := st.Drafts(context.Background())
	perStage := map[string]int{}
	for _, d := range ds {
		if d.Status == domain.DraftSent {
			perStage[d.ClientName+"/"+d.Stage]++
		}
	}
	for k, n := range perStage {
		if n > 1 {
			t.Errorf("%s sent %d times", k, n)
		}
	}
	t.Logf("after the jumps: %d reminders sent, per client and stage %v", len(seen), perStage)
}

// daemon runs `relance run` as a child process until the test ends.
type daemon struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
}

func startDaemon(t *testing.T, extra ...string) *daemon {
	t.Helper()
	cmd := command(append([]string{"RELANCE_HTTP_ADDR=" + freeAddr(t), "RELANCE_LOG_LEVEL=info"}, extra...), "run")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, out: &bytes.Buffer{}, done: make(chan struct{})}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	go func() {
		defer close(d.done)
		for l := range lines {
			d.out.WriteString(l + "\n")
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		pw.Close()
		<-d.done
		if t.Failed() {
			t.Logf("daemon output:\n%s", clip(d.out.String(), 8000))
		}
	})
	return d
}

// waitMessages polls the store until it holds n messages.
func waitMessages(t *testing.T, db string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	got := 0
	for time.Now().Before(deadline) {
		if _, err := os.Stat(db); err == nil {
			st, err := store.Open(context.Background(), db)
			if err == nil {
				m, _ := st.CountMessages(context.Background())
				st.Close()
				got = 0
				for _, v := range m {
					got += v
				}
				if got >= n {
					return
				}
			}
		}
		time.Sleep(100 * time.Millisecond) // polling the daemon's progress
	}
	t.Fatalf("the store holds %d messages after %v, want %d", got, within, n)
}

// Dovecot restarted while the daemon scans a large INBOX, then while it
// IDLEs: the daemon reconnects and records every message once.
func TestIMAPRestartMidScanAndIdle(t *testing.T) {
	w := newWorld(t)
	const first = 600
	deliverReplies(t, w, 0, first)
	_ = startDaemon(t)
	// Mid-scan: as soon as the first messages are recorded.
	waitMessages(t, w.DB, 50, 60*time.Second)
	w.IMAP.Restart()
	waitMessages(t, w.DB, first, 3*time.Minute)
	// Mid-IDLE: the daemon waits for mail; the server goes away and comes
	// back, with mail delivered while it was down.
	w.IMAP.Stop()
	deliverReplies(t, w, first, 20)
	w.IMAP.Start()
	deliverReplies(t, w, first+20, 5)
	waitMessages(t, w.DB, first+25, 3*time.Minute)

	db := openDB(t, w.DB)
	var total, distinct int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT message_id) FROM messages`).Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	if total != first+25 || distinct != total {
		t.Errorf("messages recorded %d (distinct %d), want %d once each", total, distinct, first+25)
	}
	for i := range first + 25 {
		id := "outage-" + strconv.Itoa(i) + "@client.test"
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE message_id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s recorded %d times", id, n)
		}
	}
}
