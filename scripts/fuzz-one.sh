#!/bin/sh
# fuzz-one.sh PKG TARGET FUZZTIME [PARALLEL]: fuzzes one target and exits 0
# when it found nothing. Used by scripts/fuzz-short.sh (make test) and
# scripts/soak.sh (make soak); the output of go test goes to standard output.
# FUZZMINIMIZETIME bounds the minimising of each new input (default 5s).
#
# Go 1.26's fuzzing coordinator can end a duration-bound run that found
# nothing with a bare "context deadline exceeded" failure: its -fuzztime
# deadline races the stopping of its workers (go.dev/issue/75804, fixed in
# Go 1.27). A run that failed with exactly that message, wrote no failing
# input and left the target's corpus as it was is that race, not a finding:
# it is reported as such and counted as a pass. Every other failure fails.
set -u
pkg=$1
name=$2
fuzztime=$3
parallel=${4:-$(nproc)}
corpus="$pkg/testdata/fuzz/$name"
before=$(ls "$corpus" 2>/dev/null | sort)
log=$(mktemp)
status=$(mktemp)
trap 'rm -f "$log" "$status"' EXIT
# Minimising each new input of a large seed (a camt.053 statement, a PDF) can
# take the whole budget: bound it so the time goes to fuzzing.
{
	go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" -fuzzminimizetime="${FUZZMINIMIZETIME:-5s}" -parallel="$parallel" "$pkg" 2>&1
	echo $? >"$status"
} | tee "$log"
rc=$(cat "$status")
if [ "$rc" = 0 ]; then
	exit 0
fi
after=$(ls "$corpus" 2>/dev/null | sort)
if grep -A1 "^--- FAIL: $name " "$log" | tail -1 | grep -qx '    context deadline exceeded' &&
	! grep -q 'Failing input written' "$log" &&
	[ "$before" = "$after" ]; then
	echo "fuzz-one: $name: the -fuzztime deadline race of Go's fuzzing coordinator (go.dev/issue/75804): no failing input, counted as a pass"
	exit 0
fi
exit 1
