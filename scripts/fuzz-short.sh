#!/bin/sh
# Fuzzes every target of scripts/fuzz-targets for FUZZTIME (default 10s): the
# short version of the fuzzing `make soak` runs for 10 minutes a target. Run by
# `make test`; a failing input is left in the package's testdata/fuzz.
set -eu
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
for t in $(cat scripts/fuzz-targets); do
	pkg=${t%%:*}
	name=${t#*:}
	echo "fuzz $name ($pkg) for $FUZZTIME"
	sh scripts/fuzz-one.sh "$pkg" "$name" "$FUZZTIME"
done
