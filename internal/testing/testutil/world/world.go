// Package world sets up what end-to-end tests drive relance against: a real
// Dovecot mailbox, an SMTP sink, a database path, and relance's environment
// pointing at them, with helpers to run the command line in-process.
package world

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/smtpsink"
)

// From is the business address the world's relance sends from.
const From = "Atelier Test <factures@atelier.test>"

// World is a mailbox, a sink and a database, with RELANCE_* set for the test.
type World struct {
	T    *testing.T
	IMAP *dovecot.Server
	Sink *smtpsink.Sink
	DB   string
	Env  map[string]string
}

// Options shape the world's servers; the zero value is New's world.
type Options struct {
	// IMAP configures Dovecot (a Courier-style layout, for instance).
	IMAP dovecot.Options
	// SMTP, when set, makes the sink check logins (or offer no AUTH);
	// nil is the sink that accepts any login.
	SMTP *smtpsink.Options
}

// New starts Dovecot and the sink and sets the environment (t.Setenv, so the
// test must not be parallel).
func New(t *testing.T) *World {
	t.Helper()
	return NewWith(t, Options{})
}

// NewWith is New with servers shaped by opts.
func NewWith(t *testing.T, opts Options) *World {
	t.Helper()
	sink := func() *smtpsink.Sink {
		if opts.SMTP == nil {
			return smtpsink.Start(t)
		}
		return smtpsink.StartWith(t, *opts.SMTP)
	}
	w := &World{T: t, IMAP: dovecot.StartWith(t, opts.IMAP), Sink: sink(), DB: filepath.Join(t.TempDir(), "relance.db")}
	w.Env = map[string]string{
		"RELANCE_IMAP_ADDR":     w.IMAP.Addr,
		"RELANCE_IMAP_USERNAME": w.IMAP.User,
		"RELANCE_IMAP_PASSWORD": w.IMAP.Password,
		"RELANCE_IMAP_TLS":      "none",
		"RELANCE_SMTP_ADDR":     w.Sink.Addr,
		"RELANCE_SMTP_TLS":      "none",
		"RELANCE_SMTP_USERNAME": "factures@atelier.test",
		"RELANCE_FROM":          From,
		"RELANCE_DB":            w.DB,
		"RELANCE_LOG_LEVEL":     "warn",
	}
	for k, v := range w.Env {
		t.Setenv(k, v)
	}
	return w
}

// Run runs one relance command in-process.
func Run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, &cli.Env{Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), code
}

// Relance runs one command in-process and fails the test on a non-zero exit.
func (w *World) Relance(args ...string) string {
	w.T.Helper()
	out, errOut, code := Run(args...)
	if code != 0 {
		w.T.Fatalf("relance %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// Paris is the business's time zone in these tests.
func Paris() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}
