package perf

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/smtpsink"
)

var (
	flagFleet         = flag.Int("perf.fleet", 500, "mailboxes served by the one relance process of BenchmarkFleet")
	flagFleetMessages = flag.Int("perf.fleet.messages", 300, "messages in each mailbox of BenchmarkFleet")
	flagFleetReplies  = flag.Int("perf.fleet.replies", 30, "dispute replies BenchmarkFleet delivers, one at a time, each to a random mailbox")
	flagFleetQuiet    = flag.Duration("perf.fleet.quiet", 30*time.Second, "how long the fleet must stay quiet before its steady memory is read")
)

// fleetVariants is how many distinct mailboxes are generated; the fleet's
// mailboxes take them in turn. Generating (and writing PDFs for) every one
// of 500 mailboxes would make the seeding longer than the measurement.
const fleetVariants = 8

// fleetSpec is one run of the fleet measurement.
type fleetSpec struct {
	mailboxes, messages int
	replies             int
	quiet               time.Duration // the window of steady memory
	limit               time.Duration // bound of every wait
}

// fleetResult is what the parent measured of the relance process.
type fleetResult struct {
	synced       time.Duration // start → /readyz answers (every mailbox's first sync done)
	syncedCPU    time.Duration // CPU the process used until then
	dovecotCPU   time.Duration // CPU Dovecot used meanwhile (all its processes)
	settled      time.Duration // start → quiet (the first passes' drafting done)
	peakRSS      int64         // VmHWM
	steadyRSS    int64         // VmRSS once quiet
	steadyAnon   int64
	steadyFile   int64
	goHeap       float64 // Go heap in use once quiet (/metrics)
	goStacks     float64
	goSys        float64 // what the Go runtime holds from the system, less what it gave back
	goroutines   float64
	latencies    []time.Duration // reply delivered → flag stored
	invoices     int             // invoices found over the whole fleet
	dovecotLimit []string        // Dovecot's log lines about its limits
}

// fleetUser is the Dovecot login of mailbox k (from 0); mailbox 0 uses the
// server's own user.
func fleetUser(srv *dovecot.Server, k int) string {
	if k == 0 {
		return srv.User
	}
	return fmt.Sprintf("fleet%04d", k)
}

// fleetName is mailbox k's name in the mailboxes file.
func fleetName(k int) string { return fmt.Sprintf("mb-%04d", k) }

// fleetMailboxSpec is variant v of the fleet's mailboxes: few clients, as a
// small business has, so that each mailbox's first pass drafts tens of
// reminders rather than hundreds.
func fleetMailboxSpec(messages, v int) Spec {
	return Spec{Messages: messages, Invoices: messages * 2 / 5, Clients: 25, Seed: uint64(9000 + v)}
}

// runFleet seeds one Dovecot with fs.mailboxes accounts, runs one `relance
// run` serving all of them from a mailboxes file, and measures it: peak
// memory, time until every mailbox has synced, steady memory once it is
// quiet, then the delay from a dispute reply delivered to a random mailbox
// to its flag in that mailbox's store, reply after reply.
func runFleet(tb testing.TB, fs fleetSpec) fleetResult {
	tb.Helper()
	ctx := context.Background()
	var res fleetResult

	// Generate the variants once; each account gets one's files.
	variants := make([][]Message, min(fs.mailboxes, fleetVariants))
	invoicesOf := make([]int, len(variants))
	for v := range variants {
		st, err := Generate(fleetMailboxSpec(fs.messages, v), func(m Message) error {
			variants[v] = append(variants[v], m)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		invoicesOf[v] = st.Invoices
	}
	users := make([]string, 0, fs.mailboxes-1)
	for k := 1; k < fs.mailboxes; k++ {
		users = append(users, fmt.Sprintf("fleet%04d", k))
	}
	seedStart := time.Now()
	var seedErr error
	srv := dovecot.StartWith(tb, dovecot.Options{Users: users, Seed: func(s *dovecot.Server) {
		for k := range fs.mailboxes {
			user := fleetUser(s, k)
			w := NewMaildirWriter(func(folder string) string { return s.MaildirOf(user, folder) }, mailUID, mailUID)
			for _, m := range variants[k%len(variants)] {
				if err := w.Write(m); err != nil {
					seedErr = err
					return
				}
			}
		}
	}})
	if seedErr != nil {
		tb.Fatal(seedErr)
	}
	tb.Logf("seeded %d mailboxes of %d messages in %s", fs.mailboxes, fs.messages, time.Since(seedStart).Round(time.Millisecond))

	tmp := tb.TempDir()
	bin, err := BuildRelance(ctx, tmp)
	if err != nil {
		tb.Fatal(err)
	}
	sink := smtpsink.Start(tb)
	var entries []map[string]string
	for k := range fs.mailboxes {
		entries = append(entries, map[string]string{"name": fleetName(k), "IMAP_USERNAME": fleetUser(srv, k),
			"BUSINESS_NAME": fmt.Sprintf("Atelier %04d", k)})
	}
	doc, err := json.Marshal(map[string]any{"mailboxes": entries})
	if err != nil {
		tb.Fatal(err)
	}
	file := filepath.Join(tmp, "mailboxes.json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	httpAddr, err := FreeAddr()
	if err != nil {
		tb.Fatal(err)
	}
	db := filepath.Join(tmp, "relance.db")
	env := RelanceEnv(Account{Addr: srv.Addr, User: srv.User, Password: srv.Password}, sink.Addr, db,
		"RELANCE_MAILBOXES_FILE="+file, "RELANCE_HTTP_ADDR="+httpAddr, "RELANCE_LOG_LEVEL=warn")
	logPath := filepath.Join(tmp, "relance.log")
	dovecotBefore, err := TreeCPUTime(srv.Pid())
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	pid := startDaemon(tb, bin, env, logPath)
	fail := func(err error) {
		tb.Helper()
		b, _ := os.ReadFile(logPath)
		tb.Fatalf("%v\nrelance's log ends with: %s", err, tail(b, 3000))
	}

	// The memory and CPU of the process every 30 s, for the log.
	trace := make(chan struct{})
	defer close(trace)
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-trace:
				return
			case <-t.C:
				rss, _ := ProcStatusKB(pid, "VmRSS")
				cpu, _ := CPUTime(pid)
				dc, _ := TreeCPUTime(srv.Pid())
				tb.Logf("at %s: RSS %.1f MiB, CPU %s (Dovecot %s)", time.Since(start).Round(time.Second), mib(rss), cpu.Round(time.Second), (dc - dovecotBefore).Round(time.Second))
			}
		}
	}()

	if err := PollHTTP(ctx, "http://"+httpAddr+"/readyz", time.Second, fs.limit); err != nil {
		fail(err)
	}
	res.synced = time.Since(start)
	if res.syncedCPU, err = CPUTime(pid); err != nil {
		tb.Fatal(err)
	}
	dovecotNow, err := TreeCPUTime(srv.Pid())
	if err != nil {
		tb.Fatal(err)
	}
	res.dovecotCPU = dovecotNow - dovecotBefore
	tb.Logf("every mailbox synced after %s (CPU: relance %s, Dovecot %s)", res.synced.Round(time.Millisecond),
		res.syncedCPU.Round(time.Millisecond), res.dovecotCPU.Round(time.Millisecond))

	// The first passes draft after the syncs; steady is once they are done
	// and the process has done little but hold its connections for a
	// while.
	// Hundreds of mailboxes each running a pass every 5 minutes may keep
	// the process above that share for good: then steady is what it holds
	// after 5 minutes of that.
	if err := WaitQuiet(ctx, pid, fs.quiet, 0.1, min(fs.limit, 5*time.Minute)); err != nil {
		// Steady is then read busy: said in the log, settled left at 0.
		tb.Logf("never quiet: %v", err)
	} else {
		res.settled = time.Since(start)
	}
	for _, f := range []struct {
		field string
		to    *int64
	}{{"VmRSS", &res.steadyRSS}, {"RssAnon", &res.steadyAnon}, {"RssFile", &res.steadyFile}} {
		if *f.to, err = ProcStatusKB(pid, f.field); err != nil {
			tb.Fatal(err)
		}
	}
	goMem, err := scrapeGauges(ctx, "http://"+httpAddr+"/metrics", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes", "go_goroutines",
		"go_memstats_sys_bytes", "go_memstats_heap_released_bytes")
	if err != nil {
		tb.Fatal(err)
	}
	res.goHeap, res.goStacks, res.goroutines = goMem["go_memstats_heap_inuse_bytes"], goMem["go_memstats_stack_inuse_bytes"], goMem["go_goroutines"]
	res.goSys = goMem["go_memstats_sys_bytes"] - goMem["go_memstats_heap_released_bytes"]

	// Every mailbox read its whole mailbox: its invoices are all there.
	res.invoices = fleetInvoices(tb, bin, env, fs.mailboxes, func(k int) int { return invoicesOf[k%len(variants)] })

	// Replies under that load: each to a mailbox not yet disputed, about an
	// invoice of it, timed from the file's delivery (Dovecot pushes it to
	// the mailbox's IDLE) to the open flag in the mailbox's store.
	rng := rand.New(rand.NewPCG(42, 42))
	order := rng.Perm(fs.mailboxes)
	for r := range fs.replies {
		k := order[r%len(order)]
		st, err := store.Open(ctx, config.MailboxDB(db, fleetName(k)))
		if err != nil {
			tb.Fatal(err)
		}
		// An invoice not disputed yet (the mailbox's own replies may have
		// disputed some).
		i := rng.IntN(invoicesOf[k%len(variants)])
		for waitFlag(ctx, st, "dispute", InvoiceNumber(i), 0) == nil {
			i = rng.IntN(invoicesOf[k%len(variants)])
		}
		raw := DisputeReply(r, i, 11)
		t0 := time.Now()
		if err := srv.DeliverTo(fleetUser(srv, k), FolderInbox, raw, false); err != nil {
			st.Close()
			tb.Fatal(err)
		}
		err = waitFlag(ctx, st, "dispute", InvoiceNumber(i), time.Minute)
		d := time.Since(t0)
		st.Close()
		if err != nil {
			fail(fmt.Errorf("reply %d to %s: %w", r, fleetName(k), err))
		}
		res.latencies = append(res.latencies, d)
	}
	if res.peakRSS, err = ProcStatusKB(pid, "VmHWM"); err != nil {
		tb.Fatal(err)
	}
	res.dovecotLimit = dovecotLimits(tb, srv.LogPath())
	return res
}

// fleetInvoices checks, through `relance mailboxes --json`, that every
// mailbox has synced and found the invoices of its mailbox, and returns
// their total.
func fleetInvoices(tb testing.TB, bin string, env []string, n int, want func(k int) int) int {
	tb.Helper()
	cmd := exec.Command(bin, "mailboxes", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("relance mailboxes --json: %v", err)
	}
	var rows []struct {
		Mailbox  string  `json:"mailbox"`
		LastSync *string `json:"last_sync"`
		Invoices int     `json:"invoices"`
	}
	if err := json.Unmarshal(out, &rows); err != nil || len(rows) != n {
		tb.Fatalf("relance mailboxes --json: %d rows of %d, %v", len(rows), n, err)
	}
	total := 0
	for k, r := range rows {
		if r.Mailbox != fleetName(k) || r.LastSync == nil || r.Invoices != want(k) {
			tb.Errorf("mailbox %d: %s, last sync %v, %d invoices; want %s synced with %d", k, r.Mailbox, r.LastSync, r.Invoices, fleetName(k), want(k))
		}
		total += r.Invoices
	}
	return total
}

// dovecotLimit matches Dovecot's complaints about a limit reached
// (process_limit, client_limit, mail_max_userip_connections, ...).
var dovecotLimit = regexp.MustCompile(`(?i)(process_limit|client_limit|limit reached|instance limit|Maximum number of connections|too many)`)

// dovecotLimits returns the lines of Dovecot's log saying a limit refused
// or delayed a client.
func dovecotLimits(tb testing.TB, path string) []string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if dovecotLimit.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// TestFleetSmoke checks the fleet harness on a few small mailboxes: every
// mailbox syncs and finds its invoices, each delivered dispute is flagged
// in its own mailbox, and the figures are measured.
func TestFleetSmoke(t *testing.T) {
	fs := fleetSpec{mailboxes: 6, messages: 40, replies: 4, quiet: 3 * time.Second, limit: 3 * time.Minute}
	res := runFleet(t, fs)
	if res.synced <= 0 || res.syncedCPU <= 0 || res.dovecotCPU <= 0 || res.settled < res.synced || res.peakRSS <= 0 || res.steadyRSS <= 0 || res.peakRSS < res.steadyRSS {
		t.Errorf("synced %s, settled %s, peak %d, steady %d: not measured", res.synced, res.settled, res.peakRSS, res.steadyRSS)
	}
	if want := fs.mailboxes * fleetMailboxSpec(fs.messages, 0).Invoices; res.invoices != want {
		t.Errorf("%d invoices over the fleet, want %d", res.invoices, want)
	}
	if len(res.latencies) != fs.replies {
		t.Errorf("%d replies timed, want %d", len(res.latencies), fs.replies)
	}
	// The inotify instances are the machine's, shared with every other
	// Dovecot running: past them IDLE falls back to checking every second
	// (mailbox_idle_check_interval), which the replies above went through.
	var limits []string
	for _, l := range res.dovecotLimit {
		if !strings.Contains(l, "Inotify") {
			limits = append(limits, l)
		}
	}
	if len(limits) > 0 {
		t.Errorf("Dovecot reached a limit: %s", strings.Join(limits, "\n"))
	}
}

// BenchmarkFleet serves -perf.fleet mailboxes (each -perf.fleet.messages
// messages on its own Dovecot account) from one `relance run` process with
// a mailboxes file and SQLite stores: its peak RSS, the time until every
// mailbox has synced, its steady RSS once quiet, and the delay from a
// dispute reply delivered to a random mailbox to its flag, over
// -perf.fleet.replies replies. Run with -benchtime=1x.
func BenchmarkFleet(b *testing.B) {
	fs := fleetSpec{mailboxes: *flagFleet, messages: *flagFleetMessages, replies: *flagFleetReplies,
		quiet: *flagFleetQuiet, limit: 40 * time.Minute}
	if fs.mailboxes < 1 || fs.messages < 1 || fs.replies < 1 {
		b.Fatal("-perf.fleet, -perf.fleet.messages and -perf.fleet.replies must be positive")
	}
	var res fleetResult
	for b.Loop() {
		res = runFleet(b, fs)
	}
	b.StopTimer()
	for _, l := range res.dovecotLimit {
		b.Logf("dovecot: %s", l)
	}
	b.ReportMetric(float64(fs.mailboxes), "mailboxes")
	b.ReportMetric(float64(fs.messages), "messages/mailbox")
	b.ReportMetric(mib(res.peakRSS), "peak-RSS-MiB")
	b.ReportMetric(mib(res.steadyRSS), "steady-RSS-MiB")
	b.ReportMetric(mib(res.steadyAnon), "steady-RssAnon-MiB")
	b.ReportMetric(mib(res.steadyFile), "steady-RssFile-MiB")
	b.ReportMetric(mib(res.steadyRSS)*1024/float64(fs.mailboxes), "steady-KiB/mailbox")
	b.ReportMetric(res.goHeap/(1<<20), "steady-go-heap-inuse-MiB")
	b.ReportMetric(res.goStacks/(1<<20), "steady-go-stacks-MiB")
	b.ReportMetric(res.goSys/(1<<20), "steady-go-sys-unreleased-MiB")
	b.ReportMetric(res.goroutines, "steady-goroutines")
	b.ReportMetric(res.synced.Seconds(), "synced-s")
	b.ReportMetric(res.syncedCPU.Seconds(), "synced-cpu-s")
	b.ReportMetric(res.dovecotCPU.Seconds(), "synced-dovecot-cpu-s")
	b.ReportMetric(res.settled.Seconds(), "settled-s")
	b.ReportMetric(float64(res.invoices), "invoices")
	b.ReportMetric(float64(Median(res.latencies).Microseconds())/1000, "append-to-flag-ms")
	b.ReportMetric(float64(percentile(res.latencies, 0.9).Microseconds())/1000, "append-to-flag-p90-ms")
	b.ReportMetric(float64(len(res.latencies)), "replies")
	b.ReportMetric(float64(len(res.dovecotLimit)), "dovecot-limit-lines")
}
