// Command benchtable turns `go test -bench` output (read from stdin) into the
// Markdown of BENCHMARKS.md: each headline figure beside its target with
// pass/miss and the command that produced it, the growth of the scan and of
// the policy pass with size, then every benchmark's medians.
//
// Lines "command: ..." in the input name the command whose output follows
// (scripts/bench.sh writes them); a benchmark seen in several runs (-count)
// is summarised by its median per metric.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type key struct{ pkg, name string }

type bench struct {
	key
	cmd     string
	samples map[string][]float64
}

// results holds every benchmark read, in first-seen order.
type results struct {
	order []*bench
	by    map[key]*bench
}

// procSuffix is the -GOMAXPROCS suffix the testing package appends.
func procSuffix() *regexp.Regexp { return regexp.MustCompile(`-\d+$`) }

func parse(r io.Reader) (*results, error) {
	res := &results{by: map[key]*bench{}}
	suffix := procSuffix()
	pkg, cmd := "", ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "command: "); ok {
			cmd = c
			continue
		}
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(p, "github.com/relance/relance/")
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a log line that starts with a benchmark name
		}
		k := key{pkg, suffix.ReplaceAllString(f[0], "")}
		b := res.by[k]
		if b == nil {
			b = &bench{key: k, cmd: cmd, samples: map[string][]float64{}}
			res.by[k] = b
			res.order = append(res.order, b)
		}
		// f[1] is the iteration count; then value/unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			b.samples[f[i+1]] = append(b.samples[f[i+1]], v)
		}
	}
	return res, sc.Err()
}

// rounds is how many measurements each sample of b summarises: the perf
// benchmarks report medians over rounds they run themselves (-perf.runs
// scan rounds, -perf.appends replies, -benchtime Nx policy passes).
func rounds(b *bench) int {
	flags := map[string]string{"BenchmarkScan/": "-perf.runs=", "BenchmarkDaemon": "-perf.appends=", "BenchmarkPolicyPass/": "-benchtime "}
	for prefix, flag := range flags {
		if !strings.HasPrefix(b.name, prefix) || b.pkg != "internal/testing/perf" {
			continue
		}
		_, rest, ok := strings.Cut(b.cmd, flag)
		if !ok {
			return 1
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.Fields(rest)[0], "x"))
		if err != nil || n < 1 {
			return 1
		}
		return n
	}
	return 1
}

// value is the median of one metric of one benchmark.
func (r *results) value(pkg, name, unit string) (float64, int, *bench, bool) {
	b := r.by[key{pkg, name}]
	if b == nil || len(b.samples[unit]) == 0 {
		return 0, 0, b, false
	}
	return median(b.samples[unit]), len(b.samples[unit]), b, true
}

// figure is one headline number of issue 9 and its target.
type figure struct {
	label           string
	pkg, name, unit string
	scale           float64 // multiply the metric by this to show it in show
	show            string
	op              string // "<=", ">=" or "" (context, no target)
	limit           float64
}

func figures() []figure {
	const scan = "BenchmarkScan/messages=20000"
	const pass = "First pass over 20,000 messages (`relance run --once`, fresh database)"
	const fleet = "500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK)"
	fs := []figure{
		{pass + ": ÷ bare full fetch", "internal/testing/perf", scan, "pass-x-bare", 1, "×", "<=", 1.5},
		{pass + ": ÷ mbsync `FSync no`", "internal/testing/perf", scan, "pass-x-mbsync-nofsync", 1, "×", "<=", 1},
		{pass + ": ÷ mbsync, default settings", "internal/testing/perf", scan, "pass-x-mbsync", 1, "×", "", 0},
		{pass + ": its scan phase ÷ bare full fetch", "internal/testing/perf", scan, "pass-scan-x-bare", 1, "×", "<=", 1.3},
		{pass + ": peak RSS", "internal/testing/perf", scan, "pass-peak-RSS-MiB", 1, "MiB", "<=", 64},
		{pass + ": wall time, start to exit", "internal/testing/perf", scan, "pass-s", 1, "s", "", 0},
		{pass + ": CPU time (user+system)", "internal/testing/perf", scan, "pass-cpu-s", 1, "s", "", 0},
		{pass + ": scan phase (read, thread, classify, record)", "internal/testing/perf", scan, "pass-scan-s", 1, "s", "", 0},
		{pass + ": behaviour signals phase", "internal/testing/perf", scan, "pass-behaviour-s", 1, "s", "", 0},
		{pass + ": outbox phase (policy, drafts)", "internal/testing/perf", scan, "pass-outbox-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages, alone: relance ÷ bare full fetch", "internal/testing/perf", scan, "x-bare", 1, "×", "<=", 1.3},
		{"Initial scan of 20,000 messages, alone: relance ÷ mbsync `FSync no`", "internal/testing/perf", scan, "x-mbsync-nofsync", 1, "×", "<=", 0.3},
		{"Initial scan of 20,000 messages, alone: relance peak RSS", "internal/testing/perf", scan, "peak-RSS-MiB", 1, "MiB", "<=", 64},
		{"Initial scan of 20,000 messages, alone: relance wall time", "internal/testing/perf", scan, "relance-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages, alone: relance throughput", "internal/testing/perf", scan, "msgs/s", 1, "msg/s", "", 0},
		{"Initial scan of 20,000 messages, alone: relance CPU time (user+system)", "internal/testing/perf", scan, "relance-cpu-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages: bare full fetch (the limit)", "internal/testing/perf", scan, "bare-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages: mbsync, default settings", "internal/testing/perf", scan, "mbsync-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages: mbsync, `FSync no`", "internal/testing/perf", scan, "mbsync-nofsync-s", 1, "s", "", 0},
		{"Initial scan of 20,000 messages: mailbox size", "internal/testing/perf", scan, "mailbox-MB", 1, "MB", "", 0},
		{"Idle daemon RSS", "internal/testing/perf", "BenchmarkDaemon", "idle-RSS-MiB", 1, "MiB", "<=", 25},
		{"Idle daemon RSS: anonymous (heap, stacks)", "internal/testing/perf", "BenchmarkDaemon", "idle-RssAnon-MiB", 1, "MiB", "", 0},
		{"Idle daemon RSS: file-backed (binary pages)", "internal/testing/perf", "BenchmarkDaemon", "idle-RssFile-MiB", 1, "MiB", "", 0},
		{"Reply APPENDed → classified and flagged (median)", "internal/testing/perf", "BenchmarkDaemon", "append-to-flag-ms", 1, "ms", "<=", 1000},
		{"Reply APPENDed → classified and flagged (90th percentile)", "internal/testing/perf", "BenchmarkDaemon", "append-to-flag-p90-ms", 1, "ms", "", 0},
		{fleet + ": peak RSS", "internal/testing/perf", "BenchmarkFleet", "peak-RSS-MiB", 1, "MiB", "<=", 1024},
		{fleet + ": steady RSS (all synced, then 30 s quiet or 5 min)", "internal/testing/perf", "BenchmarkFleet", "steady-RSS-MiB", 1, "MiB", "<=", 1024},
		{fleet + ": steady RSS per mailbox", "internal/testing/perf", "BenchmarkFleet", "steady-KiB/mailbox", 1, "KiB", "", 0},
		{fleet + ": start → every mailbox synced (`/readyz`)", "internal/testing/perf", "BenchmarkFleet", "synced-s", 1, "s", "<=", 600},
		{fleet + ": start → quiet (first passes drafted)", "internal/testing/perf", "BenchmarkFleet", "settled-s", 1, "s", "", 0},
		{fleet + ": reply delivered → flagged (median)", "internal/testing/perf", "BenchmarkFleet", "append-to-flag-ms", 1, "ms", "<=", 1000},
		{fleet + ": reply delivered → flagged (90th percentile)", "internal/testing/perf", "BenchmarkFleet", "append-to-flag-p90-ms", 1, "ms", "", 0},
		{"Policy pass over 100,000 invoices (load + decide)", "internal/testing/perf", "BenchmarkPolicyPass/invoices=100000", "pass-ms", 1, "ms", "<=", 1000},
		{"Policy pass over 100,000 invoices: load (store.ChasingClients)", "internal/testing/perf", "BenchmarkPolicyPass/invoices=100000", "load-ms", 1, "ms", "", 0},
		{"Policy pass over 100,000 invoices: decide (policy.Decide)", "internal/testing/perf", "BenchmarkPolicyPass/invoices=100000", "decide-ms", 1, "ms", "", 0},
		{"`/metrics` scrape with 100,000 invoices", "internal/metrics", "BenchmarkScrape", "ns/op", 1e-6, "ms", "<=", 50},
		{"Classify, one core (stripping included)", "internal/classify", "BenchmarkClassify", "replies/s", 1, "replies/s", ">=", 10000},
		{"Classify, per CPU-second used", "internal/classify", "BenchmarkClassify", "replies/cpu-s", 1, "replies/s", "", 0},
		{"Classify as the daemon reads (stock objection too), one core", "internal/classify", "BenchmarkClassifyWithObjection", "replies/s", 1, "replies/s", "", 0},
	}
	// The review page's own target (each page under 50 ms with 10,000
	// invoices in the store).
	for _, p := range []struct{ name, label string }{
		{"home", "home `/`"}, {"review", "drafts to review `/review`"}, {"flags", "flags `/flags`"},
		{"flag", "one flag `/flags/{id}`"}, {"invoices", "invoices `/invoices`"},
		{"invoices-filtered", "invoices, filtered `/invoices?bucket=90+&q=…`"}, {"invoice", "one invoice `/invoices/{id}`"},
	} {
		fs = append(fs, figure{"Web page with 10,000 invoices: " + p.label, "internal/web", "BenchmarkPages/" + p.name, "ns/op", 1e-6, "ms", "<=", 50})
	}
	return fs
}

func main() {
	machine := flag.String("machine", "", "description of the machine (one Markdown line)")
	load := flag.String("load", "", "load average when the run started")
	notes := flag.String("notes", "", "Markdown file appended as the analysis section")
	profile := flag.String("profile", "", "text file with the profile summary of the largest scan")
	date := flag.String("date", "", "date of the run")
	quick := flag.Bool("quick", false, "the run was a BENCH_QUICK smoke run")
	flag.Parse()
	res, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	write(w, res, *machine, *load, *date, *quick)
	for _, f := range []struct{ title, path string }{{"Profile of the largest scan", *profile}, {"Analysis", *notes}} {
		if f.path == "" {
			continue
		}
		b, err := os.ReadFile(f.path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n## %s\n\n", f.title)
		w.Write(b)
	}
}

func write(w io.Writer, res *results, machine, load, date string, quick bool) {
	fmt.Fprintln(w, "# Benchmarks")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Produced by `make bench` (`scripts/bench.sh`) on %s.", date)
	if quick {
		fmt.Fprint(w, " **BENCH_QUICK smoke run: small sizes, single rounds; not the reference figures.**")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Machine: %s. Load average at start: %s.\n", machine, load)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Targets")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Measurements: runs of the benchmark (`-count`) × the rounds each run takes its own median over.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| figure | median | target | | measurements | command |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, f := range figures() {
		v, n, b, ok := res.value(f.pkg, f.name, f.unit)
		target, verdict := "—", ""
		if f.op != "" {
			sym := map[string]string{"<=": "≤", ">=": "≥"}[f.op]
			target = fmt.Sprintf("%s %s %s", sym, format(f.limit), f.show)
		}
		if !ok {
			fmt.Fprintf(w, "| %s | not measured | %s | | | |\n", f.label, target)
			continue
		}
		v *= f.scale
		if f.op != "" {
			pass := (f.op == "<=" && v <= f.limit) || (f.op == ">=" && v >= f.limit)
			verdict = "**miss**"
			if pass {
				verdict = "pass"
			}
		}
		fmt.Fprintf(w, "| %s | %s %s | %s | %s | %s | `%s` |\n", f.label, format(v), f.show, target, verdict, measurements(n, rounds(b)), b.cmd)
	}
	growth(w, res)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Every benchmark (medians)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| package | benchmark | runs | median | command |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, b := range res.order {
		units := make([]string, 0, len(b.samples))
		for u := range b.samples {
			units = append(units, u)
		}
		sort.Strings(units)
		var parts []string
		runs := 0
		for _, u := range units {
			vs := b.samples[u]
			runs = len(vs)
			parts = append(parts, fmt.Sprintf("%s %s", format(median(vs)), u))
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | `%s` |\n", b.pkg, b.name, runs, strings.Join(parts, " · "), b.cmd)
	}
}

// growth prints the per-item cost of the scan and of the policy pass at
// each size measured, and whether it stays flat (linear total cost).
func growth(w io.Writer, res *results) {
	type series struct {
		title, prefix, size, total, totalUnit, per, perUnit string
	}
	for _, s := range []series{
		{"First pass (`relance run --once`)", "BenchmarkScan/messages=", "messages", "pass-s", "s", "pass-us/msg", "µs/message"},
		{"Initial scan alone (relance)", "BenchmarkScan/messages=", "messages", "relance-s", "s", "us/msg", "µs/message"},
		{"Policy pass (load + decide)", "BenchmarkPolicyPass/invoices=", "invoices", "pass-ms", "ms", "ns/invoice", "ns/invoice"},
	} {
		type point struct {
			n          int
			total, per float64
		}
		var pts []point
		for _, b := range res.order {
			rest, ok := strings.CutPrefix(b.name, s.prefix)
			if !ok || b.pkg != "internal/testing/perf" {
				continue
			}
			n, err := strconv.Atoi(rest)
			if err != nil || len(b.samples[s.per]) == 0 {
				continue
			}
			pts = append(pts, point{n, median(b.samples[s.total]), median(b.samples[s.per])})
		}
		if len(pts) == 0 {
			continue
		}
		slices.SortFunc(pts, func(a, b point) int { return a.n - b.n })
		fmt.Fprintf(w, "\n## Growth: %s\n\n", s.title)
		fmt.Fprintf(w, "| %s | total | per item | per item ÷ smallest size's |\n|---|---|---|---|\n", s.size)
		for _, p := range pts {
			fmt.Fprintf(w, "| %d | %s %s | %s %s | %s |\n", p.n, format(p.total), s.totalUnit, format(p.per), s.perUnit, format(p.per/pts[0].per))
		}
		if len(pts) > 1 {
			first, last := pts[0], pts[len(pts)-1]
			grow := last.per / first.per
			verdict := "linear or better"
			if grow > 1.5 {
				verdict = "**worse than linear**"
			}
			fmt.Fprintf(w, "\nFrom %d to %d %s the cost per item changes %s×: %s.\n", first.n, last.n, s.size, format(grow), verdict)
		}
	}
}

// measurements says what a median was taken over.
func measurements(samples, rounds int) string {
	if rounds > 1 {
		return fmt.Sprintf("%d × %d", samples, rounds)
	}
	return strconv.Itoa(samples)
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func format(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}
