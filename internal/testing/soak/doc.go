// Package soak holds relance's stress tests: a crash soak that kills the
// daemon at random moments over simulated weeks, outages of the IMAP server,
// the SMTP server, the database file and the disk, hostile and broken mail,
// and the security properties (header and template injection, secrets kept
// out of every output, TLS to remote servers).
//
// A short version of each runs with `go test`; `-soak` (or RELANCE_SOAK=1)
// runs the long crash soak that `make soak` reports in SOAK.md.
package soak
