#!/bin/sh
# Fuzzes every target of scripts/fuzz-targets for FUZZTIME (default 10s): the
# short version of the fuzzing `make soak` runs for 10 minutes a target. Run by
# `make test`; a failing input is left in the package's testdata/fuzz.
set -eu
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
# Ten seconds leave no room for minimising new inputs by time: from an empty
# fuzz cache, FuzzReadCAMT053 spent its 10 s minimising its first two finds
# for 5 s each (8 executions); bounded to 100 attempts each it runs about
# 200,000.
export FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-100x}"
for t in $(cat scripts/fuzz-targets); do
	pkg=${t%%:*}
	name=${t#*:}
	echo "fuzz $name ($pkg) for $FUZZTIME"
	sh scripts/fuzz-one.sh "$pkg" "$name" "$FUZZTIME"
done
