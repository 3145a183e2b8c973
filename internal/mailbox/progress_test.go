package mailbox

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The scan's progress lines time the wait with the stopwatch, not with the
// business clock: a fixed or simulated Now (the demo, a replay) gave
// per_second=0 and eta=0s.
func TestProgressTimesTheWaitNotTheBusinessClock(t *testing.T) {
	var out bytes.Buffer
	fixed := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	watch := fixed
	cfg := Config{Logger: slog.New(slog.NewTextHandler(&out, nil)), Now: func() time.Time { return fixed },
		Stopwatch: func() time.Time { return watch }, ProgressEvery: 100, ProgressInterval: time.Hour}
	p := newProgress(cfg, folder{Name: "Sent"}, 400)
	for i := 0; i < 200; i++ {
		watch = watch.Add(10 * time.Millisecond) // 100 messages a second
		p.add()
	}
	p.done()
	log := out.String()
	for _, want := range []string{"per_second=100", "eta=2s", "done=200", "elapsed=2s"} {
		if !strings.Contains(log, want) {
			t.Errorf("progress log lacks %q:\n%s", want, log)
		}
	}
}

// Status shows a scan while it runs, with the pace and the time left as the
// stopwatch measures them, and forgets it once the scan ends.
func TestStatusShowsTheScanUnderWay(t *testing.T) {
	watch := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	cfg := Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stopwatch: func() time.Time { return watch },
		ProgressEvery: 1000, ProgressInterval: time.Hour}
	m := &Client{}
	p := newProgress(cfg, folder{Name: "INBOX"}, 1000)
	end := m.watchScan("INBOX", p)
	for i := 0; i < 250; i++ {
		watch = watch.Add(20 * time.Millisecond) // 50 messages a second
		p.add()
	}
	got, ok := m.Status().Scans["INBOX"]
	want := ScanProgress{Done: 250, Total: 1000, Elapsed: 5 * time.Second, PerSecond: 50, ETA: 15 * time.Second}
	if !ok || got != want {
		t.Fatalf("Status().Scans[INBOX] = %+v (present %v), want %+v", got, ok, want)
	}
	end()
	if s := m.Status().Scans; len(s) != 0 {
		t.Fatalf("scans after the end: %+v", s)
	}
}

// A fast scan's first line comes within a second: it says so in tenths
// rather than elapsed=0s and eta=0s; long waits stay in whole seconds.
func TestProgressShortWaitsInTenths(t *testing.T) {
	var out bytes.Buffer
	watch := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	cfg := Config{Logger: slog.New(slog.NewTextHandler(&out, nil)), Stopwatch: func() time.Time { return watch },
		ProgressEvery: 500, ProgressInterval: time.Hour}
	p := newProgress(cfg, folder{Name: "INBOX"}, 600)
	for i := 0; i < 500; i++ {
		watch = watch.Add(800 * time.Microsecond) // 1,250 messages a second
		p.add()
	}
	log := out.String()
	for _, want := range []string{"done=500", "per_second=1250", "eta=100ms", "elapsed=400ms"} {
		if !strings.Contains(log, want) {
			t.Errorf("progress log lacks %q:\n%s", want, log)
		}
	}
	long := p.at(500, watch.Add(80*time.Second+300*time.Millisecond))
	if long.Elapsed != 81*time.Second {
		t.Errorf("elapsed after 80.7 s reads %s, want whole seconds", long.Elapsed)
	}
}
