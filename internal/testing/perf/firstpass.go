package perf

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/relance/relance/internal/store"
)

// FirstPassRequest is a `relance run --once` on a fresh database: what a new
// user waits for before the first reminders are drafted.
type FirstPassRequest struct {
	Binary   string // relance, built by BuildRelance
	Account  Account
	SMTPAddr string // a sink: nothing is due to be sent in the first pass, but the review mode needs a server
	DB       string // SQLite file, created by the run
}

// FirstPassResult is what the parent measured of the run and read from its
// log.
type FirstPassResult struct {
	// Elapsed is the process's wall time, from exec to exit: start-up and
	// the store's migrations included.
	Elapsed time.Duration
	CPU     time.Duration // user+system of the whole process (rusage)
	MaxRSS  int64         // peak resident set of the whole process, bytes
	// The phases, as the run logs them ("app: pass done"): the scan
	// (reading, threading, classifying and recording every message), the
	// behaviour signals raised after it, and the outbox pass (policy and
	// drafts).
	Scan, Behaviour, Outbox time.Duration
	// Progress holds the scan's progress lines, in order.
	Progress []ProgressLine
	Messages int // rows in the store
	Invoices int
	Drafts   int // held drafts written by the pass
}

// ProgressLine is one "mailbox: scan progress" line of the run's log.
type ProgressLine struct {
	Folder      string
	Done, Total int
	PerSecond   float64
	ETA         time.Duration
	Elapsed     time.Duration
}

// FirstPass runs req.Binary `run --once` at BaseTime on a fresh database, in
// review mode with its JSON log, and reads back the phases, the progress
// lines and what the store holds.
func FirstPass(ctx context.Context, req FirstPassRequest) (FirstPassResult, error) {
	var res FirstPassResult
	if err := os.MkdirAll(filepath.Dir(req.DB), 0o700); err != nil {
		return res, fmt.Errorf("perf: first pass: %w", err)
	}
	cmd := exec.CommandContext(ctx, req.Binary, "run", "--once", "--now", BaseTime().Format(time.RFC3339))
	cmd.Env = RelanceEnv(req.Account, req.SMTPAddr, req.DB, "RELANCE_MODE=review", "RELANCE_LOG_FORMAT=json", "RELANCE_LOG_LEVEL=info")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("perf: first pass: %w: %s", err, tail(stderr.Bytes(), 2000))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
		res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if err := res.readLog(stderr.Bytes()); err != nil {
		return res, err
	}
	st, err := store.Open(ctx, req.DB)
	if err != nil {
		return res, fmt.Errorf("perf: first pass: %w", err)
	}
	defer st.Close()
	counts, err := st.CountMessages(ctx)
	if err != nil {
		return res, fmt.Errorf("perf: first pass: %w", err)
	}
	for _, n := range counts {
		res.Messages += n
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return res, fmt.Errorf("perf: first pass: %w", err)
	}
	res.Invoices = len(invs)
	drafts, err := st.Drafts(ctx, "held")
	if err != nil {
		return res, fmt.Errorf("perf: first pass: %w", err)
	}
	res.Drafts = len(drafts)
	return res, nil
}

// RelanceEnv is the environment of a relance process working the account
// a (plaintext, loopback) with the SMTP server smtpAddr and the database db,
// then extra settings ("RELANCE_X=v").
func RelanceEnv(a Account, smtpAddr, db string, extra ...string) []string {
	env := append(os.Environ(),
		"RELANCE_IMAP_ADDR="+a.Addr, "RELANCE_IMAP_USERNAME="+a.User, "RELANCE_IMAP_PASSWORD="+a.Password,
		"RELANCE_IMAP_TLS=none", "RELANCE_SMTP_ADDR="+smtpAddr, "RELANCE_SMTP_TLS=none", "RELANCE_SMTP_USERNAME="+Own,
		"RELANCE_FROM=Atelier Perf <"+Own+">", "RELANCE_DB="+db)
	return append(env, extra...)
}

// FreeAddr is a loopback address nothing listens on, for a child's web
// server.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("perf: free address: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// readLog picks the phases and the progress lines out of the run's JSON log
// (slog writes durations as nanoseconds).
func (r *FirstPassResult) readLog(log []byte) error {
	var done bool
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var l struct {
			Msg                                   string
			Folder                                string
			Done, Total                           int
			PerSecond                             float64 `json:"per_second"`
			ETA, Elapsed, Sync, Behaviour, Outbox int64
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		switch l.Msg {
		case "mailbox: scan progress":
			r.Progress = append(r.Progress, ProgressLine{Folder: l.Folder, Done: l.Done, Total: l.Total, PerSecond: l.PerSecond,
				ETA: time.Duration(l.ETA), Elapsed: time.Duration(l.Elapsed)})
		case "app: pass done":
			r.Scan, r.Behaviour, r.Outbox, done = time.Duration(l.Sync), time.Duration(l.Behaviour), time.Duration(l.Outbox), true
		}
	}
	if !done {
		return fmt.Errorf("perf: first pass: no \"app: pass done\" line in its log: %s", tail(log, 2000))
	}
	return nil
}

// tail is the end of b, for error messages.
func tail(b []byte, n int) []byte {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
