#!/bin/sh
# Runs the benchmarks and writes BENCHMARKS.md: each headline figure beside
# its target (pass/miss), the growth with size, every benchmark's medians,
# the command that produced each, the machine and its load at the start, and
# the CPU profile of the largest scan (kept in $BENCH_PROFILE_DIR, default
# /tmp/relance-bench-profiles).
#
# The raw `go test` output and the run's metadata are kept next to the
# profiles; BENCH_RENDER=1 only rewrites BENCHMARKS.md from them (after an
# edit of scripts/benchtable/analysis.md, for instance).
#
# BENCH_QUICK=1 is a smoke run (small sizes, one round each, 50 mailboxes
# for BenchmarkFleet): minutes, not reference figures. BENCH_COUNT sets -count
# of the micro-benchmarks.
set -eu
cd "$(dirname "$0")/.."

if [ "${BENCH_QUICK:-0}" = "1" ]; then
	sizes=1000 growth= runs=1 invoices=1000,10000 appends=10 count=1 quick=true fleet=50
else
	sizes=1000,10000,20000 growth=100000 runs=3 invoices=1000,10000,100000 appends=50 count="${BENCH_COUNT:-5}" quick=false fleet=500
fi
# BENCH_FLEET sets the number of mailboxes BenchmarkFleet serves.
fleet="${BENCH_FLEET:-$fleet}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Profiles, raw output and metadata stay after the run.
prof="${BENCH_PROFILE_DIR:-/tmp/relance-bench-profiles}"
mkdir -p "$prof"
out="$prof/bench-output.txt"

render() {
	. "$prof/bench-meta.sh"
	profile="$work/profile.md"
	: >"$profile"
	if [ -f "$prof/scan-cpu.pprof" ]; then
		{
			echo "\`go tool pprof -top -cum\` of relance's scan of the largest mailbox (child process; \`go test ./internal/testing/perf -bench BenchmarkScan -benchtime 1x -args -perf.profile=DIR\` writes \`scan-cpu.pprof\` and \`scan-heap.pprof\` there), relance's frames and the hot library frames under them:"
			echo
			echo '```'
			go tool pprof -top -cum -nodecount=400 "$prof/scan-cpu.pprof" 2>/dev/null |
				awk 'NR<=6 || /relance\/internal\/(engine|store|mailbox|message|classify|invoice|reply)|instrFunc|upperFunc|prepareV2|\(\*Tx\)\.Commit$/' |
				head -45
			echo '```'
			echo
			echo "Heap, bytes allocated during the scan (\`go tool pprof -sample_index=alloc_space -top\`):"
			echo
			echo '```'
			go tool pprof -sample_index=alloc_space -top -nodecount=12 "$prof/scan-heap.pprof" 2>/dev/null | sed -n '4,20p'
			echo '```'
		} >"$profile"
	fi
	go run ./scripts/benchtable -machine "$machine" -load "$load (at the end: $end_load; the whole run took $minutes min)" \
		-date "$started" -quick="$quick" -profile "$profile" -notes scripts/benchtable/analysis.md <"$out" >BENCHMARKS.md
	echo "wrote BENCHMARKS.md" >&2
}

if [ "${BENCH_RENDER:-0}" = "1" ]; then
	render
	exit 0
fi

sh scripts/test-deps.sh bench
rm -f "$prof"/scan-cpu.pprof "$prof"/scan-heap.pprof
: >"$out"
load=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
t0=$(date +%s)

# run CMD...: records the command, then its output, in $out; a failing
# benchmark fails the whole run.
run() {
	echo "running: $*" >&2
	echo "command: $*" >>"$out"
	if ! "$@" >"$work/one.txt" 2>&1; then
		cat "$work/one.txt" >&2
		echo "bench: failed: $*" >&2
		exit 1
	fi
	cat "$work/one.txt" >>"$out"
	grep -E '^(Benchmark|    perf_test)' "$work/one.txt" >&2 || true
}

# The short, single-core benchmarks come first: on this kind of shared virtual
# machine, CPU-bound figures taken after the quarter of an hour of the scan
# below come out slower (BenchmarkClassify about 1,700 replies/s there against
# about 2,400 run alone).
run go test ./internal/testing/perf -run '^$' -bench '^BenchmarkPolicyPass$' -benchtime 5x -timeout 20m \
	-args -perf.invoices="$invoices"
# Each run of BenchmarkScrape builds its 100,000-invoice store: 3 are enough.
run go test ./internal/metrics -run '^$' -bench '^BenchmarkScrape$' -count 3 -timeout 20m
# BenchmarkClassify is the figure with a target; BenchmarkClassifyWithObjection
# reads replies as the daemon does (the stock objection too).
run go test ./internal/classify -run '^$' -bench '^BenchmarkClassify(WithObjection)?$' -cpu 1 -count "$count"
run go test ./internal/web -run '^$' -bench '^BenchmarkPages$' -count "$count" -timeout 20m
run go test ./internal/message ./internal/reply ./internal/invoice ./internal/policy -run '^$' -bench . -benchmem -count "$count"

# The first pass a new user waits for (`relance run --once` on a fresh
# database, child process, with its phases), relance's scan alone (child
# process, profiled), the bare fetch and mbsync with and without fsync, each
# round every reader once, another one first each round, on one Dovecot per
# size; then, for the growth table only, one round of relance and the bare
# fetch on a larger mailbox. mbsync comes from isync (test-deps.sh bench).
run go test ./internal/testing/perf -run '^$' -bench '^BenchmarkScan$' -benchtime 1x -timeout 180m \
	-args -perf.sizes="$sizes" -perf.growth="$growth" -perf.runs="$runs" -perf.profile="$prof"
run go test ./internal/testing/perf -run '^$' -bench '^BenchmarkDaemon$' -benchtime 1x -timeout 10m \
	-args -perf.appends="$appends"
# Many mailboxes in one process: one Dovecot user per mailbox, each a
# few hundred generated messages, one `relance run` with a mailboxes file.
run go test ./internal/testing/perf -run '^$' -bench '^BenchmarkFleet$' -benchtime 1x -timeout 90m \
	-args -perf.fleet="$fleet"

{
	echo "load='$load'"
	echo "end_load='$(cut -d' ' -f1-3 /proc/loadavg)'"
	echo "minutes=$((($(date +%s) - t0 + 59) / 60))"
	echo "started='$started'"
	echo "quick=$quick"
	echo "machine='$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3-), Dovecot $(/usr/sbin/dovecot --version 2>/dev/null | cut -d' ' -f1), $(mbsync --version 2>/dev/null || echo 'no mbsync')'"
} >"$prof/bench-meta.sh"
render
