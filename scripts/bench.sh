#!/bin/sh
# Runs every benchmark (5 runs each) and writes BENCHMARKS.md: medians, the
# command that produced them, and the machine.
set -eu
cd "$(dirname "$0")/.."
COUNT="${BENCH_COUNT:-5}"
PATTERN="${BENCH:-.}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cmd="go test -run=^\$ -bench=$PATTERN -benchmem -count=$COUNT -timeout 60m ./..."
echo "running: $cmd" >&2
go test -run='^$' -bench="$PATTERN" -benchmem -count="$COUNT" -timeout 60m ./... | tee "$out" >&2
{
	echo "# Benchmarks"
	echo
	echo "Produced by \`make bench\` (\`$cmd\`, medians of $COUNT runs) on $(date -u +%Y-%m-%d)."
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3-)."
	echo
	go run ./scripts/benchtable < "$out"
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
