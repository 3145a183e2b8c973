package mailbox

import (
	"bytes"
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
