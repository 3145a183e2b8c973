package cli

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// `run --db PATH` opens PATH rather than RELANCE_DB, and leaves the
// process environment as it found it.
func TestRunDBFlagOverridesTheVariable(t *testing.T) {
	validEnv(t)
	// A closed loopback port: the store is opened, then the sync fails at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	imapAddr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	envDB, flagDB := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	t.Setenv("RELANCE_IMAP_ADDR", imapAddr)
	t.Setenv("RELANCE_IMAP_TLS", "none")
	t.Setenv("RELANCE_MODE", "dry-run")
	t.Setenv("RELANCE_LOG_LEVEL", "error")
	t.Setenv("RELANCE_DB", envDB)

	_, stderr, code := runCLI(t, "run", "--once", "--db", flagDB)
	if code == ExitOK {
		t.Fatalf("run against a closed IMAP port succeeded:\n%s", stderr)
	}
	if _, err := os.Stat(flagDB); err != nil {
		t.Errorf("the --db store was not opened: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(envDB); !os.IsNotExist(err) {
		t.Errorf("RELANCE_DB's store was opened despite --db (stat: %v)", err)
	}
	if got := os.Getenv("RELANCE_DB"); got != envDB {
		t.Errorf("RELANCE_DB = %q after run --db, want it untouched (%q)", got, envDB)
	}
}
