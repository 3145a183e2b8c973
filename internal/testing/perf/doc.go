// Package perf measures relance against the physical limit and a peer tool.
//
// It generates realistic mailboxes (invoices with PDFs in Sent, quoted
// replies in INBOX) straight into a Dovecot maildir, and times three readers
// of the same mailbox in one run: relance's real pipeline (mailbox sync,
// engine, SQLite store) in a child process whose peak RSS is read back, a
// bare go-imap client fetching every full message and discarding it (the
// limit), and mbsync (the peer). It also measures the idle daemon's memory,
// the delay from an APPENDed reply to its flag, and the policy pass over a
// large ledger. `make bench` runs the benchmarks of this package and writes
// BENCHMARKS.md; `go test ./internal/testing/perf -run Smoke` checks the harness on a
// small mailbox.
package perf
