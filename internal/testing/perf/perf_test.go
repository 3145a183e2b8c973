package perf

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/smtpsink"
)

var (
	flagRuns    = flag.Int("perf.runs", 3, "rounds per scan size (each round times every reader once)")
	flagSizes   = flag.String("perf.sizes", "1000,10000,20000", "mailbox sizes scanned by BenchmarkScan")
	flagGrowth  = flag.String("perf.growth", "", "larger mailbox sizes BenchmarkScan measures for growth only: one round, relance and the bare fetch")
	flagPolicy  = flag.String("perf.invoices", "1000,10000,100000", "ledger sizes of BenchmarkPolicyPass")
	flagAppends = flag.Int("perf.appends", 50, "replies APPENDed by BenchmarkDaemon")
	flagProfile = flag.String("perf.profile", "", "directory receiving CPU and heap profiles of the largest scan")
	// The first pass builds the relance binary and adds `run --once` to every
	// round: off, the benchmark times the scan alone against its peers.
	flagFirstPass = flag.Bool("perf.firstpass", true, "time `relance run --once` on a fresh database in every round of BenchmarkScan")
)

func TestMain(m *testing.M) {
	// The scan child is this test binary re-executed.
	if os.Getenv(ChildEnv) != "" {
		os.Exit(ChildMain(os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// mailUID owns the maildir: the Dovecot harness runs mail processes as
// nobody.
const mailUID = 65534

type seeded struct {
	srv   *dovecot.Server
	acct  Account
	stats Stats
}

// newMailbox generates spec into a fresh Dovecot's maildir before it starts.
func newMailbox(tb testing.TB, spec Spec) *seeded {
	tb.Helper()
	var stats Stats
	var genErr error
	srv := dovecot.StartWith(tb, dovecot.Options{Seed: func(s *dovecot.Server) {
		stats, genErr = Generate(spec, NewMaildirWriter(s.Maildir, mailUID, mailUID).Write)
	}})
	if genErr != nil {
		tb.Fatal(genErr)
	}
	return &seeded{srv: srv, acct: Account{Addr: srv.Addr, User: srv.User, Password: srv.Password}, stats: stats}
}

func sizes(tb testing.TB, s string) []int {
	tb.Helper()
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			tb.Fatalf("bad size %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out
}

// TestSmoke checks the harness end to end on 200 messages: the generator,
// the bare fetch, relance's scan in a child process, and mbsync when it is
// installed.
func TestSmoke(t *testing.T) {
	ctx := context.Background()
	spec := Spec{Messages: 200, Invoices: 80, Seed: 1}
	mb := newMailbox(t, spec)
	folders := []string{FolderSent, FolderInbox}

	bare, err := BareFetch(ctx, mb.acct, folders)
	if err != nil {
		t.Fatal(err)
	}
	if bare.Messages != spec.Messages || bare.Bytes < mb.stats.Bytes {
		t.Errorf("bare fetch: %d messages, %d bytes; want %d messages, ≥ %d bytes", bare.Messages, bare.Bytes, spec.Messages, mb.stats.Bytes)
	}

	res, err := ScanInChild(ctx, os.Args[0], ScanRequest{Account: mb.acct, DB: filepath.Join(t.TempDir(), "relance.db")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != spec.Messages {
		t.Errorf("relance scan: %d messages recorded, want %d", res.Messages, spec.Messages)
	}
	if res.Invoices != spec.Invoices {
		t.Errorf("relance scan: %d invoices recognised, want %d", res.Invoices, spec.Invoices)
	}
	if res.MaxRSS <= 0 || res.Elapsed <= 0 {
		t.Errorf("relance scan: peak RSS %d, elapsed %s: not measured", res.MaxRSS, res.Elapsed)
	}

	if !MbsyncAvailable() {
		t.Log("mbsync not installed (apt-get install isync): peer not checked")
		return
	}
	dir := t.TempDir()
	if _, err := Mbsync(ctx, mb.acct, dir, false); err != nil {
		t.Fatal(err)
	}
	n, err := CountMaildir(filepath.Join(dir, "Maildir"))
	if err != nil {
		t.Fatal(err)
	}
	if n != spec.Messages {
		t.Errorf("mbsync pulled %d messages, want %d", n, spec.Messages)
	}
}

// BenchmarkScan times, in one run and on one mailbox per size, the whole
// first pass a new user waits for (`relance run --once` on a fresh database,
// child process: time, CPU, peak RSS and the phases it logs), relance's scan
// alone (child process), the bare full fetch and mbsync with and without
// fsync. Run with -benchtime=1x: one iteration is -perf.runs rounds, the
// readers taking turns at going first, and the metrics are medians over the
// rounds.
func BenchmarkScan(b *testing.B) {
	all := sizes(b, *flagSizes)
	largest := all[len(all)-1]
	var bin, smtpAddr string
	if *flagFirstPass {
		var err error
		if bin, err = BuildRelance(context.Background(), b.TempDir()); err != nil {
			b.Fatal(err)
		}
		smtpAddr = smtpsink.Start(b).Addr
	}
	for _, n := range all {
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			benchScan(b, scanBench{n: n, profile: n == largest, runs: *flagRuns, peer: true, bin: bin, smtp: smtpAddr})
		})
	}
	if *flagGrowth == "" {
		return
	}
	for _, n := range sizes(b, *flagGrowth) {
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			benchScan(b, scanBench{n: n, runs: 1, bin: bin, smtp: smtpAddr})
		})
	}
}

type scanRound struct {
	relance        ScanResult
	pass           FirstPassResult
	bare           FetchResult
	mbsync, nosync time.Duration
}

// scanBench is one mailbox size of BenchmarkScan.
type scanBench struct {
	n       int
	profile bool // profile relance's scan in the first round
	runs    int
	peer    bool   // mbsync too
	bin     string // relance, for the first pass; "" leaves it out
	smtp    string // the sink the first pass is configured with
}

func benchScan(b *testing.B, sb scanBench) {
	ctx := context.Background()
	n := sb.n
	spec := Spec{Messages: n, Invoices: n * 2 / 5, Seed: 2026}
	mb := newMailbox(b, spec)
	folders := []string{FolderSent, FolderInbox}
	tmp := b.TempDir()
	exe := os.Args[0]
	peer := sb.peer && MbsyncAvailable()
	if sb.peer && !peer {
		b.Log("mbsync not installed (apt-get install isync): peer figures missing")
	}
	withPass := sb.bin != ""

	// Warm Dovecot's index and cache files and the page cache once, so every
	// reader meets the same server state.
	if err := Warm(ctx, mb.acct, folders); err != nil {
		b.Fatal(err)
	}
	var found int
	var rounds []scanRound
	run := 0
	for b.Loop() {
		for range sb.runs {
			run++
			var r scanRound
			db := filepath.Join(tmp, fmt.Sprintf("run%d.db", run))
			readers := []func(){
				func() {
					var err error
					if r.bare, err = BareFetch(ctx, mb.acct, folders); err != nil {
						b.Fatal(err)
					}
				},
				func() {
					req := ScanRequest{Account: mb.acct, DB: db}
					if run == 1 && sb.profile && *flagProfile != "" {
						// Profiled in the first round: the heap profile is written
						// after the timed scan, and CPU sampling costs a few percent.
						dir, err := filepath.Abs(*flagProfile)
						if err != nil {
							b.Fatal(err)
						}
						if err := os.MkdirAll(dir, 0o755); err != nil {
							b.Fatal(err)
						}
						req.CPUProfile, req.MemProfile = filepath.Join(dir, "scan-cpu.pprof"), filepath.Join(dir, "scan-heap.pprof")
					}
					var err error
					if r.relance, err = ScanInChild(ctx, exe, req); err != nil {
						b.Fatal(err)
					}
					if r.relance.Messages != n {
						b.Fatalf("relance recorded %d messages of %d", r.relance.Messages, n)
					}
					found = r.relance.Invoices
					removeDB(db)
				},
			}
			if withPass {
				readers = append(readers, func() {
					pdb := filepath.Join(tmp, fmt.Sprintf("pass%d.db", run))
					var err error
					if r.pass, err = FirstPass(ctx, FirstPassRequest{Binary: sb.bin, Account: mb.acct, SMTPAddr: sb.smtp, DB: pdb}); err != nil {
						b.Fatal(err)
					}
					if r.pass.Messages != n {
						b.Fatalf("relance run --once recorded %d messages of %d", r.pass.Messages, n)
					}
					removeDB(pdb)
					// Its drafts went to the Drafts folder: the others
					// would read them.
					if err := EmptyFolder(ctx, mb.acct, "Drafts"); err != nil {
						b.Fatal(err)
					}
				})
			}
			if peer {
				readers = append(readers, func() {
					var err error
					if r.mbsync, err = Mbsync(ctx, mb.acct, filepath.Join(tmp, "mbsync"), true); err != nil {
						b.Fatal(err)
					}
				}, func() {
					var err error
					if r.nosync, err = Mbsync(ctx, mb.acct, filepath.Join(tmp, "mbsync"), false); err != nil {
						b.Fatal(err)
					}
				})
			}
			// Each round another reader goes first: none always meets the
			// machine right after the same neighbour.
			for i := range readers {
				readers[(i+run-1)%len(readers)]()
			}
			b.Logf("round %d: first pass %.2fs (scan %.2fs, behaviour %.2fs, outbox %.2fs; cpu %.2fs, peak %.1f MiB, %d drafts) · scan alone %.2fs (cpu %.2fs, %d msgs, %d invoices, peak %.1f MiB; at the end anon %.1f, file %.1f, shmem %.1f, Go runtime %.1f MiB) · bare %.2fs · mbsync %.2fs · mbsync FSync no %.2fs",
				run, r.pass.Elapsed.Seconds(), r.pass.Scan.Seconds(), r.pass.Behaviour.Seconds(), r.pass.Outbox.Seconds(), r.pass.CPU.Seconds(), mib(r.pass.MaxRSS), r.pass.Drafts,
				r.relance.Elapsed.Seconds(), r.relance.CPU.Seconds(), r.relance.Messages, r.relance.Invoices, mib(r.relance.MaxRSS),
				mib(r.relance.EndRssAnon), mib(r.relance.EndRssFile), mib(r.relance.EndRssShmem), mib(int64(r.relance.GoSys)),
				r.bare.Elapsed.Seconds(), r.mbsync.Seconds(), r.nosync.Seconds())
			rounds = append(rounds, r)
		}
	}
	b.StopTimer()

	pick := func(f func(scanRound) time.Duration) time.Duration {
		ds := make([]time.Duration, len(rounds))
		for i, r := range rounds {
			ds[i] = f(r)
		}
		return Median(ds)
	}
	// Ratios are taken round by round (same load), then their median.
	per := func(x, y func(scanRound) time.Duration) float64 {
		return ratio(pick(func(r scanRound) time.Duration { return scaled(x(r), y(r)) }))
	}
	bare := func(r scanRound) time.Duration { return r.bare.Elapsed }
	nosync := func(r scanRound) time.Duration { return r.nosync }
	rel := pick(func(r scanRound) time.Duration { return r.relance.Elapsed })
	b.ReportMetric(rel.Seconds(), "relance-s")
	b.ReportMetric(float64(n)/rel.Seconds(), "msgs/s")
	b.ReportMetric(pick(func(r scanRound) time.Duration { return r.relance.CPU }).Seconds(), "relance-cpu-s")
	b.ReportMetric(float64(rel.Microseconds())/float64(n), "us/msg")
	b.ReportMetric(float64(pick(func(r scanRound) time.Duration { return time.Duration(r.relance.MaxRSS) }))/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(pick(bare).Seconds(), "bare-s")
	b.ReportMetric(per(func(r scanRound) time.Duration { return r.relance.Elapsed }, bare), "x-bare")
	if withPass {
		whole := func(r scanRound) time.Duration { return r.pass.Elapsed }
		scan := func(r scanRound) time.Duration { return r.pass.Scan }
		p := pick(whole)
		b.ReportMetric(p.Seconds(), "pass-s")
		b.ReportMetric(float64(p.Microseconds())/float64(n), "pass-us/msg")
		b.ReportMetric(pick(func(r scanRound) time.Duration { return r.pass.CPU }).Seconds(), "pass-cpu-s")
		b.ReportMetric(float64(pick(func(r scanRound) time.Duration { return time.Duration(r.pass.MaxRSS) }))/(1<<20), "pass-peak-RSS-MiB")
		b.ReportMetric(pick(scan).Seconds(), "pass-scan-s")
		b.ReportMetric(pick(func(r scanRound) time.Duration { return r.pass.Behaviour }).Seconds(), "pass-behaviour-s")
		b.ReportMetric(pick(func(r scanRound) time.Duration { return r.pass.Outbox }).Seconds(), "pass-outbox-s")
		b.ReportMetric(per(whole, bare), "pass-x-bare")
		b.ReportMetric(per(scan, bare), "pass-scan-x-bare")
		if peer {
			b.ReportMetric(per(whole, nosync), "pass-x-mbsync-nofsync")
			b.ReportMetric(per(whole, func(r scanRound) time.Duration { return r.mbsync }), "pass-x-mbsync")
		}
	}
	if peer {
		b.ReportMetric(pick(func(r scanRound) time.Duration { return r.mbsync }).Seconds(), "mbsync-s")
		b.ReportMetric(pick(nosync).Seconds(), "mbsync-nofsync-s")
		b.ReportMetric(per(func(r scanRound) time.Duration { return r.relance.Elapsed }, nosync), "x-mbsync-nofsync")
	}
	b.ReportMetric(float64(mb.stats.Bytes)/1e6, "mailbox-MB")
	b.ReportMetric(float64(found), "invoices-found")
}

// removeDB deletes a SQLite file and its companions.
func removeDB(db string) {
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		os.Remove(p)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// scaled carries a ratio a/b through Median as a fixed-point Duration.
func scaled(a, b time.Duration) time.Duration {
	if b <= 0 {
		return 0
	}
	return time.Duration(float64(a) / float64(b) * 1e6)
}

func ratio(d time.Duration) float64 { return float64(d) / 1e6 }

// BenchmarkDaemon runs the built relance binary against a small synced
// mailbox: its resident memory once idle, then the delay from a dispute
// reply APPENDed through IMAP to its flag in the store (IDLE push), over
// -perf.appends replies.
func BenchmarkDaemon(b *testing.B) {
	ctx := context.Background()
	spec := Spec{Messages: 200, Invoices: 100, Seed: 7}
	mb := newMailbox(b, spec)
	sink := smtpsink.Start(b)
	tmp := b.TempDir()
	bin, err := BuildRelance(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	httpAddr, err := FreeAddr()
	if err != nil {
		b.Fatal(err)
	}
	db := filepath.Join(tmp, "relance.db")
	pid := startDaemon(b, bin, RelanceEnv(mb.acct, sink.Addr, db, "RELANCE_HTTP_ADDR="+httpAddr, "RELANCE_LOG_LEVEL=warn"),
		filepath.Join(tmp, "relance.log"))
	if err := WaitHTTP(ctx, "http://"+httpAddr+"/readyz", 2*time.Minute); err != nil {
		b.Fatal(err)
	}
	if err := WaitIdle(ctx, pid, 3*time.Second, 2*time.Minute); err != nil {
		b.Fatal(err)
	}
	idle, err := ProcStatusKB(pid, "VmRSS")
	if err != nil {
		b.Fatal(err)
	}
	// Anonymous memory is the heap and stacks; file-backed is the binary's
	// pages (shared, reclaimable).
	idleAnon, err := ProcStatusKB(pid, "RssAnon")
	if err != nil {
		b.Fatal(err)
	}
	idleFile, err := ProcStatusKB(pid, "RssFile")
	if err != nil {
		b.Fatal(err)
	}
	// Of the anonymous part, what the Go runtime holds (its own /metrics).
	goMem, err := scrapeGauges(ctx, "http://"+httpAddr+"/metrics", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes", "go_memstats_sys_bytes")
	if err != nil {
		b.Fatal(err)
	}

	st, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	app, err := NewAppender(mb.acct)
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	var lat []time.Duration
	k := 0
	for b.Loop() {
		for range *flagAppends {
			i := k % spec.Invoices
			raw := DisputeReply(k, i, 7)
			k++
			start := time.Now()
			if err := app.Append(FolderInbox, raw); err != nil {
				b.Fatal(err)
			}
			if err := waitFlag(ctx, st, "dispute", InvoiceNumber(i), 10*time.Second); err != nil {
				b.Fatalf("reply %d: %v", k, err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	b.StopTimer()
	hwm, err := ProcStatusKB(pid, "VmHWM")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(idle)/(1<<20), "idle-RSS-MiB")
	b.ReportMetric(float64(idleAnon)/(1<<20), "idle-RssAnon-MiB")
	b.ReportMetric(float64(idleFile)/(1<<20), "idle-RssFile-MiB")
	b.ReportMetric(goMem["go_memstats_heap_inuse_bytes"]/(1<<20), "idle-go-heap-inuse-MiB")
	b.ReportMetric(goMem["go_memstats_stack_inuse_bytes"]/(1<<20), "idle-go-stacks-MiB")
	b.ReportMetric(goMem["go_memstats_sys_bytes"]/(1<<20), "idle-go-sys-MiB")
	b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(Median(lat).Microseconds())/1000, "append-to-flag-ms")
	b.ReportMetric(float64(percentile(lat, 0.9).Microseconds())/1000, "append-to-flag-p90-ms")
	b.ReportMetric(float64(len(lat)), "appends")
}

// startDaemon starts `bin run` with env, its output in logPath, and stops
// it (SIGTERM, then waits) when the test ends; it returns its pid.
func startDaemon(tb testing.TB, bin string, env []string, logPath string) int {
	tb.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logf.Close()
	})
	return cmd.Process.Pid
}

// scrapeGauges reads unlabelled gauges from a Prometheus text endpoint.
func scrapeGauges(ctx context.Context, url string, names ...string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("perf: scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("perf: scrape %s: %w", url, err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && slices.Contains(names, f[0]) {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				out[f[0]] = v
			}
		}
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("perf: %s: no %s", url, n)
		}
	}
	return out, nil
}

// waitFlag polls the store until an open flag of kind exists on invoice
// number.
func waitFlag(ctx context.Context, st *store.Store, kind domain.FlagKind, number string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		flags, err := st.Flags(ctx, "open")
		if err != nil {
			return err
		}
		for _, f := range flags {
			if f.Kind == kind && f.InvoiceNum == number {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no open %s flag on %s after %s", kind, number, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// BenchmarkPolicyPass times the decision half of an outbox pass over a
// SQLite ledger of n invoices, all still chased: loading them
// (store.ChasingClients) and deciding for each client (policy.Decide).
func BenchmarkPolicyPass(b *testing.B) {
	for _, n := range sizes(b, *flagPolicy) {
		b.Run(fmt.Sprintf("invoices=%d", n), func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(b.TempDir(), "ledger.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			now := BaseTime()
			if err := BuildLedger(ctx, st, n, now); err != nil {
				b.Fatal(err)
			}
			p, err := DefaultPolicy()
			if err != nil {
				b.Fatal(err)
			}
			var load, decide, total []time.Duration
			for b.Loop() {
				res, err := PolicyPass(ctx, st, p, now)
				if err != nil {
					b.Fatal(err)
				}
				if res.Invoices != n {
					b.Fatalf("pass saw %d invoices, want %d", res.Invoices, n)
				}
				load, decide, total = append(load, res.Load), append(decide, res.Decide), append(total, res.Load+res.Decide)
			}
			b.ReportMetric(ms(Median(load)), "load-ms")
			b.ReportMetric(ms(Median(decide)), "decide-ms")
			b.ReportMetric(ms(Median(total)), "pass-ms")
			b.ReportMetric(float64(Median(total).Nanoseconds())/float64(n), "ns/invoice")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
