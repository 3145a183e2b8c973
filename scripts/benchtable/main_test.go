package main

import (
	"strings"
	"testing"
)

const sample = `command: go test ./internal/testing/perf -bench BenchmarkScan -args -perf.runs=3
pkg: github.com/relance/relance/internal/testing/perf
BenchmarkScan/messages=1000-2 	1	100 ns/op	2.0 relance-s	2000 us/msg	1.1 pass-s	1100 pass-us/msg
BenchmarkScan/messages=20000-2 	1	100 ns/op	1.2 x-bare	0.5 x-mbsync-nofsync	40 peak-RSS-MiB	60 relance-s	3000 us/msg	20.4 pass-x-bare	11.1 pass-x-mbsync-nofsync	4.5 pass-x-mbsync	10.1 pass-scan-x-bare	54 pass-peak-RSS-MiB	27.5 pass-s	1375 pass-us/msg	14 pass-scan-s	12 pass-behaviour-s
    perf_test.go:191: round 1: relance 60s
command: go test ./internal/testing/perf -bench BenchmarkFleet -args -perf.fleet=500
pkg: github.com/relance/relance/internal/testing/perf
BenchmarkFleet-2 	1	100 ns/op	612 peak-RSS-MiB	1100 steady-RSS-MiB	540 synced-s	480 append-to-flag-ms
command: go test ./internal/classify -bench BenchmarkClassify -cpu 1 -count 3
pkg: github.com/relance/relance/internal/classify
BenchmarkClassify 	1000	500000 ns/op	1900 replies/s
BenchmarkClassify 	1000	500000 ns/op	2100 replies/s
BenchmarkClassify 	1000	500000 ns/op	2500 replies/s
command: go test ./internal/web -bench BenchmarkPages -count 1
pkg: github.com/relance/relance/internal/web
BenchmarkPages/invoices-filtered-2         	      33	  34578164 ns/op
BenchmarkPages/invoice-2                   	    1993	    611255 ns/op
`

func TestWrite(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	write(&out, res, "2 cores", "1.00 0.50 0.25", "2026-01-01", false)
	got := out.String()
	for _, want := range []string{
		"| Initial scan of 20,000 messages, alone: relance ÷ bare full fetch | 1.2 × | ≤ 1.3 × | pass | 1 × 3 | `go test ./internal/testing/perf -bench BenchmarkScan -args -perf.runs=3` |",
		"| Initial scan of 20,000 messages, alone: relance ÷ mbsync `FSync no` | 0.5 × | ≤ 0.3 × | **miss** |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): ÷ bare full fetch | 20.4 × | ≤ 1.5 × | **miss** | 1 × 3 |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): ÷ mbsync `FSync no` | 11.1 × | ≤ 1 × | **miss** |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): ÷ mbsync, default settings | 4.5 × | — |  |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): its scan phase ÷ bare full fetch | 10.1 × | ≤ 1.3 × | **miss** |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): peak RSS | 54 MiB | ≤ 64 MiB | pass |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): behaviour signals phase | 12 s | — |",
		"| First pass over 20,000 messages (`relance run --once`, fresh database): outbox phase (policy, drafts) | not measured | — |",
		"## Growth: First pass (`relance run --once`)",
		"| 20000 | 27.5 s | 1375 µs/message | 1.25 |",
		"| Classify, one core (stripping included) | 2100 replies/s | ≥ 10000 replies/s | **miss** | 3 | `go test ./internal/classify -bench BenchmarkClassify -cpu 1 -count 3` |",
		"| Idle daemon RSS | not measured | ≤ 25 MiB |",
		"| Web page with 10,000 invoices: invoices, filtered `/invoices?bucket=90+&q=…` | 34.58 ms | ≤ 50 ms | pass | 1 |",
		"| Web page with 10,000 invoices: one invoice `/invoices/{id}` | 0.6113 ms | ≤ 50 ms | pass |",
		"| Web page with 10,000 invoices: home `/` | not measured | ≤ 50 ms |",
		"## Growth: Initial scan alone (relance)",
		"| 20000 | 60 s | 3000 µs/message | 1.5 |",
		"From 1000 to 20000 messages the cost per item changes 1.5×: linear or better.",
		"Load average at start: 1.00 0.50 0.25.",
		"| 500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK): peak RSS | 612.0 MiB | ≤ 1024 MiB | pass | 1 | `go test ./internal/testing/perf -bench BenchmarkFleet -args -perf.fleet=500` |",
		"| 500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK): steady RSS (all synced, then 30 s quiet or 5 min) | 1100 MiB | ≤ 1024 MiB | **miss** |",
		"| 500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK): start → every mailbox synced (`/readyz`) | 540.0 s | ≤ 600.0 s | pass |",
		"| 500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK): reply delivered → flagged (median) | 480.0 ms | ≤ 1000 ms | pass |",
		"| 500 mailboxes in one process (`relance run`, Dovecot users on loopback; 50 under BENCH_QUICK): reply delivered → flagged (90th percentile) | not measured | — |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "perf_test.go") {
		t.Error("a log line was read as a benchmark")
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
