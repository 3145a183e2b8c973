package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/relance/relance/internal/engine"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// ChildEnv names the variable that turns a test binary of this package into
// the scan child: its value is the JSON ScanRequest.
const ChildEnv = "RELANCE_PERF_SCAN"

// ScanRequest is what the scan child is asked to do.
type ScanRequest struct {
	Account Account
	DB      string // SQLite file (created)
	// CPUProfile and MemProfile, when set, receive pprof profiles of the
	// scan (the heap profile is written at the end, after a GC).
	CPUProfile string
	MemProfile string
}

// ScanResult is what the scan child reports, plus what the parent measured.
type ScanResult struct {
	Messages int           // ingested (rows in the store)
	Invoices int           // invoices recognised
	Flags    int           // flags raised
	Elapsed  time.Duration // SyncOnce, from the child's clock
	// MaxRSS is the child's peak resident set during the scan (VmHWM read
	// as SyncOnce returns, before the checks that load the whole ledger),
	// in bytes; the parent falls back on getrusage when it is missing.
	MaxRSS int64
	// CPU is the child's user+system time during the scan (getrusage
	// around SyncOnce); the parent falls back on the child's whole life.
	CPU time.Duration
	// What the resident set is made of at the end of the scan (bytes):
	// anonymous memory (Go heap and runtime, SQLite's allocations), pages
	// of files (the binary, the database if mapped) and shared memory (the
	// WAL index); and GoSys, what the Go runtime holds from the system.
	EndRssAnon, EndRssFile, EndRssShmem int64
	GoSys                               uint64
}

// Scan is relance's own initial scan, in this process: a mailbox.Client
// syncing every folder once into the engine and a fresh SQLite store.
func Scan(ctx context.Context, req ScanRequest) (ScanResult, error) {
	st, err := store.Open(ctx, req.DB)
	if err != nil {
		return ScanResult{}, err
	}
	defer st.Close()
	now := func() time.Time { return BaseTime() }
	log := slog.New(slog.DiscardHandler)
	eng := engine.New(engine.Options{Store: st, Logger: log, Now: now, Own: []string{Own}})
	mb, err := mailbox.New(mailbox.Config{Addr: req.Account.Addr, Username: req.Account.User, Password: req.Account.Password,
		TLS: mailbox.TLSNone, Logger: log, Now: now}, eng)
	if err != nil {
		return ScanResult{}, err
	}
	cpu0 := selfCPU()
	start := time.Now()
	if err := mb.SyncOnce(ctx); err != nil {
		return ScanResult{}, fmt.Errorf("perf: scan: %w", err)
	}
	res := ScanResult{Elapsed: time.Since(start), CPU: selfCPU() - cpu0}
	pid := os.Getpid()
	res.MaxRSS, _ = ProcStatusKB(pid, "VmHWM")
	res.EndRssAnon, _ = ProcStatusKB(pid, "RssAnon")
	res.EndRssFile, _ = ProcStatusKB(pid, "RssFile")
	res.EndRssShmem, _ = ProcStatusKB(pid, "RssShmem")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.GoSys = ms.Sys
	counts, err := st.CountMessages(ctx)
	if err != nil {
		return res, err
	}
	for _, n := range counts {
		res.Messages += n
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return res, err
	}
	res.Invoices = len(invs)
	flags, err := st.Flags(ctx)
	if err != nil {
		return res, err
	}
	res.Flags = len(flags)
	return res, nil
}

// ChildMain runs the scan described by the ChildEnv variable and prints the
// ScanResult as JSON on stdout. It returns the process exit code.
func ChildMain(stdout, stderr io.Writer) int {
	var req ScanRequest
	if err := json.Unmarshal([]byte(os.Getenv(ChildEnv)), &req); err != nil {
		fmt.Fprintf(stderr, "perf: child: bad request: %v\n", err)
		return 2
	}
	ctx := context.Background()
	if req.CPUProfile != "" {
		f, err := os.Create(req.CPUProfile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer f.Close()
	}
	res, err := Scan(ctx, req)
	if req.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if req.MemProfile != "" {
		runtime.GC()
		f, err := os.Create(req.MemProfile)
		if err == nil {
			err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// ScanInChild runs Scan in a child process (exe, a binary whose main calls
// ChildMain when ChildEnv is set) so that its peak RSS is its own, and
// reads that peak from the child's rusage.
func ScanInChild(ctx context.Context, exe string, req ScanRequest) (ScanResult, error) {
	if err := os.MkdirAll(filepath.Dir(req.DB), 0o700); err != nil {
		return ScanResult{}, fmt.Errorf("perf: scan child: %w", err)
	}
	b, err := json.Marshal(req)
	if err != nil {
		return ScanResult{}, fmt.Errorf("perf: scan child: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), ChildEnv+"="+string(b))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return ScanResult{}, fmt.Errorf("perf: scan child: %w: %s", err, bytes.TrimSpace(errb.Bytes()))
	}
	var res ScanResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, fmt.Errorf("perf: scan child output %q: %w", out.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if res.MaxRSS == 0 {
			res.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
		}
		if res.CPU == 0 {
			res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return res, nil
}

// selfCPU is this process's user+system time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
