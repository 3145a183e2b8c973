// Package perf measures relance against the physical limit and a peer tool.
//
// It generates realistic mailboxes (Generate: invoices with PDFs in Sent,
// quoted replies in INBOX; the soak scans the same mailboxes under kills)
// straight into a Dovecot maildir, and times, on the same mailbox in one
// run: the whole first pass a new user waits for (`relance run --once` on a
// fresh database, the built binary as a child process, with the phases it
// logs), relance's scan alone in a child process whose peak RSS is read
// back, a bare go-imap client fetching every full message and discarding it
// (the limit), and mbsync with and without fsync (the peer). It also
// measures the idle daemon's memory, the delay from an APPENDed reply to its
// flag, one process serving hundreds of mailboxes (BenchmarkFleet: memory,
// time until all have synced, reply → flag under that load), and the policy
// pass over a large ledger. `make bench` runs the
// benchmarks of this package and writes BENCHMARKS.md; `go test
// ./internal/testing/perf -run 'Smoke|FirstPass'` checks the harness on
// small mailboxes (TestFleetSmoke the fleet's).
package perf
