package perf

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// BuildRelance builds the relance binary (as `make build` does) into dir and
// returns its path.
func BuildRelance(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "relance")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "github.com/relance/relance/cmd/relance")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("perf: build relance: %w: %s", err, bytes.TrimSpace(b))
	}
	return out, nil
}

// ProcStatusKB reads a "kB" field (VmRSS, VmHWM, ...) of /proc/<pid>/status,
// in bytes.
func ProcStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("perf: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("perf: %s of %d: %w", field, pid, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("perf: no %s in /proc/%d/status", field, pid)
}

// cpuTicks is utime+stime of a process, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	st, err := readStat(pid)
	return st.utime + st.stime, err
}

// procStat is what perf reads of /proc/<pid>/stat; times in clock ticks,
// cutime and cstime those of the children the process has waited for.
type procStat struct {
	ppid                         int
	utime, stime, cutime, cstime int64
}

func readStat(pid int) (procStat, error) {
	var st procStat
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, fmt.Errorf("perf: %w", err)
	}
	// The command name may hold spaces: fields start after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return st, fmt.Errorf("perf: unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return st, fmt.Errorf("perf: short /proc/%d/stat", pid)
	}
	var errs [5]error
	st.ppid, errs[0] = strconv.Atoi(f[1])
	st.utime, errs[1] = strconv.ParseInt(f[11], 10, 64)
	st.stime, errs[2] = strconv.ParseInt(f[12], 10, 64)
	st.cutime, errs[3] = strconv.ParseInt(f[13], 10, 64)
	st.cstime, errs[4] = strconv.ParseInt(f[14], 10, 64)
	for _, err := range errs {
		if err != nil {
			return st, fmt.Errorf("perf: unreadable /proc/%d/stat: %w", pid, err)
		}
	}
	return st, nil
}

// TreeCPUTime is the user+system time used so far by a process and all its
// descendants, living or ended (a server that forks a process per
// connection, as Dovecot does, and reaps them).
func TreeCPUTime(root int) (time.Duration, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("perf: %w", err)
	}
	stats := map[int]procStat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(pid); err == nil {
			stats[pid] = st // a process gone meanwhile is in its parent's cutime
		}
	}
	if _, ok := stats[root]; !ok {
		return 0, fmt.Errorf("perf: no process %d", root)
	}
	inTree := func(pid int) bool {
		for seen := 0; pid > 1 && seen < len(stats); seen++ {
			if pid == root {
				return true
			}
			pid = stats[pid].ppid
		}
		return false
	}
	var ticks int64
	for pid, st := range stats {
		// A living process's own times and those of the children it
		// reaped; the reaped ones are no longer listed, so nothing counts
		// twice.
		if inTree(pid) {
			ticks += st.utime + st.stime + st.cutime + st.cstime
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// WaitIdle returns once the process has used no CPU for quiet (sampled every
// quiet/10), or fails at timeout.
func WaitIdle(ctx context.Context, pid int, quiet, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	step := quiet / 10
	last, err := cpuTicks(pid)
	if err != nil {
		return err
	}
	since := time.Now()
	for time.Since(since) < quiet {
		if time.Now().After(deadline) {
			return fmt.Errorf("perf: process %d still busy after %s", pid, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
		}
		now, err := cpuTicks(pid)
		if err != nil {
			return err
		}
		if now != last {
			last, since = now, time.Now()
		}
	}
	return nil
}

// WaitHTTP polls url until it answers 200, or fails at timeout.
func WaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	return PollHTTP(ctx, url, 20*time.Millisecond, timeout)
}

// PollHTTP is WaitHTTP asking every every: a process serving hundreds of
// mailboxes checks each of them to answer /readyz, and a tight poll would
// load what it measures.
func PollHTTP(ctx context.Context, url string, every, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	cl := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("perf: %w", err)
		}
		resp, err := cl.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("perf: %s not ready after %s (last: %v)", url, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

// WaitQuiet returns once the process has used at most share of one core
// over the last window (sampled every window/30), or fails at timeout. A
// process serving hundreds of mailboxes is never fully idle (each renews
// its IDLE and runs its pass schedule), so WaitIdle would never return.
func WaitQuiet(ctx context.Context, pid int, window time.Duration, share float64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	step := window / 30
	type sample struct {
		at    time.Time
		ticks int64
	}
	var samples []sample
	for {
		ticks, err := cpuTicks(pid)
		if err != nil {
			return err
		}
		now := time.Now()
		samples = append(samples, sample{now, ticks})
		// Keep the oldest sample that still covers a whole window.
		for len(samples) > 1 && now.Sub(samples[1].at) >= window {
			samples = samples[1:]
		}
		if first := samples[0]; now.Sub(first.at) >= window {
			used := time.Duration(ticks-first.ticks) * time.Second / clockTicks
			if float64(used) <= share*float64(now.Sub(first.at)) {
				return nil
			}
		}
		if now.After(deadline) {
			return fmt.Errorf("perf: process %d used more than %.0f %% of a core over every %s until %s", pid, share*100, window, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
		}
	}
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// CPUTime is the user+system time a process has used so far.
func CPUTime(pid int) (time.Duration, error) {
	t, err := cpuTicks(pid)
	return time.Duration(t) * time.Second / clockTicks, err
}

// Median of durations (0 for none).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
