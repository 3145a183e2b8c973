package perf

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// MbsyncBinary is the peer tool (Debian package isync).
const MbsyncBinary = "mbsync"

// MbsyncAvailable reports whether mbsync is on PATH.
func MbsyncAvailable() bool {
	_, err := exec.LookPath(MbsyncBinary)
	return err == nil
}

// Mbsync pulls every folder of the account into a fresh local Maildir under
// dir with mbsync's defaults (fsync on) or with "FSync no", and returns the
// wall time of the mbsync process. dir is emptied first.
func Mbsync(ctx context.Context, a Account, dir string, fsync bool) (time.Duration, error) {
	host, port, err := net.SplitHostPort(a.Addr)
	if err != nil {
		return 0, fmt.Errorf("perf: mbsync: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, fmt.Errorf("perf: mbsync: %w", err)
	}
	local := filepath.Join(dir, "Maildir")
	if err := os.MkdirAll(local, 0o700); err != nil {
		return 0, fmt.Errorf("perf: mbsync: %w", err)
	}
	fs := "yes"
	if !fsync {
		fs = "no"
	}
	// Plaintext to loopback: no TLS, and LOGIN named explicitly since
	// mbsync refuses to offer a password in clear otherwise.
	conf := fmt.Sprintf(`FSync %s

IMAPAccount bench
Host %s
Port %s
User %s
Pass "%s"
SSLType None
AuthMechs LOGIN PLAIN

IMAPStore far
Account bench

MaildirStore near
Path %s/
Inbox %s/INBOX
SubFolders Verbatim

Channel bench
Far :far:
Near :near:
Patterns *
Create Near
Sync Pull
SyncState *
`, fs, host, port, a.User, a.Password, local, local)
	cfg := filepath.Join(dir, "mbsyncrc")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return 0, fmt.Errorf("perf: mbsync: %w", err)
	}
	cmd := exec.CommandContext(ctx, MbsyncBinary, "-c", cfg, "-a", "-q")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return elapsed, fmt.Errorf("perf: mbsync: %w: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	return elapsed, nil
}

// CountMaildir counts the message files under a Maildir tree.
func CountMaildir(root string) (int, error) {
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			parent := filepath.Base(filepath.Dir(p))
			if parent == "cur" || parent == "new" {
				n++
			}
		}
		return nil
	})
	return n, err
}
