package mailbox

import (
	"bufio"
	"context"
	"flag"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

var benchScanN = flag.Int("benchscan.n", 2000, "messages in the mailbox scanned by BenchmarkInitialScan")

// countStore keeps only cursors, so the benchmark measures the mailbox
// side, not a test store's memory.
type countStore struct {
	cursors map[string]Cursor
	n       atomic.Int64
}

func (s *countStore) Cursor(_ context.Context, f string) (Cursor, error) { return s.cursors[f], nil }
func (s *countStore) Ingest(_ context.Context, m Fetched, next Cursor) error {
	s.cursors[m.Folder] = next
	s.n.Add(1)
	return nil
}
func (s *countStore) ResetFolder(_ context.Context, f string, v uint32) error {
	s.cursors[f] = Cursor{Folder: f, UIDValidity: v}
	return nil
}

// BenchmarkInitialScan scans a generated Dovecot mailbox of -benchscan.n
// invoice mails (text, HTML, a 24 KiB PDF, some XML) from scratch.
func BenchmarkInitialScan(b *testing.B) {
	n := *benchScanN
	srv := dovecot.StartWith(b, dovecot.Options{Seed: seedFolder(n, "INBOX")})
	c := newDovecotClient(b, srv, &countStore{}, func(cfg *Config) { cfg.Logger = slog.New(slog.DiscardHandler) })
	// Warm Dovecot's indexes so every iteration measures the same work.
	warm := &countStore{cursors: map[string]Cursor{}}
	c.store = warm
	if err := c.SyncOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var total int64
	for b.Loop() {
		s := &countStore{cursors: map[string]Cursor{}}
		c.store = s
		if err := c.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		if got := s.n.Load(); got != int64(n) {
			b.Fatalf("ingested %d, want %d", got, n)
		}
		total += s.n.Load()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "msgs/s")
	if hwm, ok := peakRSS(); ok {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}

// peakRSS reads VmHWM, the process's peak resident set, in bytes.
func peakRSS() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}
