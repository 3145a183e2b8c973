// Package dovecot starts a real Dovecot IMAP server for integration tests.
//
// The server listens on a free 127.0.0.1 port, keeps every file (config,
// maildir, sockets, state, log) in one temporary directory, and is stopped
// when the test ends. Tests that need it skip when Dovecot is not installed,
// except under CI=true where a missing binary fails the test: a green CI must
// mean the IMAP tests really ran.
package dovecot

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is where Debian's dovecot-core installs the server.
const Binary = "/usr/sbin/dovecot"

// mailUID and mailGID are the uid/gid mail is accessed as ("nobody"): Dovecot
// refuses to run mail processes as root.
const (
	mailUID = 65534
	mailGID = 65534
)

// TLSMode selects whether the server offers TLS.
type TLSMode int

const (
	// TLSNone serves plaintext only (the default).
	TLSNone TLSMode = iota
	// TLSStartTLS serves plaintext with the STARTTLS upgrade available.
	TLSStartTLS
	// TLSImplicit serves TLS from the first byte.
	TLSImplicit
)

// Options tune the server. The zero value gives a plaintext server.
type Options struct {
	TLS TLSMode
	// CertPEM and KeyPEM are the server certificate and key, required when
	// TLS is not TLSNone.
	CertPEM, KeyPEM []byte
	// Seed is called after the maildir exists and before the first start,
	// so a test can drop many messages in with Deliver at file speed.
	Seed func(s *Server)

	// The fields below make the server look like the ones many people
	// have (Courier, cPanel, older Cyrus): their zero values give the
	// default layout, no prefix, separator "/", SPECIAL-USE Sent, Drafts
	// and Trash.

	// Prefix is the personal namespace's prefix, e.g. "INBOX.".
	Prefix string
	// Separator is the hierarchy separator ("/" when empty).
	Separator string
	// NoSpecialUse leaves out the SPECIAL-USE capability and attributes
	// (and the Sent, Drafts and Trash folders they are set on).
	NoSpecialUse bool
	// NoNamespace leaves the NAMESPACE capability out, so a client must
	// infer the prefix and separator from LIST.
	NoNamespace bool
	// Folders are created before the first start, by name below the
	// prefix ("Sent Items", "Éléments envoyés").
	Folders []string
	// RefuseCreate makes CREATE fail with NO [NOPERM]: the folder root is
	// not writable by the mail user (indexes and control files live
	// elsewhere, so everything else works).
	RefuseCreate bool
	// Users are more accounts beside User, each with its own mail and
	// User's password (DeliverTo writes into theirs).
	Users []string
}

// capabilities is Dovecot 2.3's own post-login capability list; a server
// built with NoSpecialUse or NoNamespace announces it less those.
const capabilities = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS " +
	"THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 " +
	"CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY " +
	"PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE"

// Server is a running Dovecot.
type Server struct {
	Addr     string // host:port of the IMAP (or IMAPS) listener
	User     string
	Password string

	t       testing.TB
	dir     string
	conf    string
	logPath string
	opts    Options

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	seq     int
	stopped bool
}

// Start starts Dovecot for the test and registers its shutdown.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dovecot: %s missing under CI (apt-get install dovecot-imapd): %v", Binary, err)
		}
		t.Skipf("dovecot: %s not installed (apt-get install dovecot-imapd)", Binary)
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("dovecot: the test server needs root to switch mail processes to uid 65534")
		}
		t.Skip("dovecot: the test server needs root")
	}
	if opts.TLS != TLSNone && (len(opts.CertPEM) == 0 || len(opts.KeyPEM) == 0) {
		t.Fatal("dovecot: TLS requested without CertPEM/KeyPEM")
	}

	// Not t.TempDir: its parents are 0700 and Dovecot's unprivileged
	// processes (dovenull, dovecot, 65534) must traverse the tree.
	dir, err := os.MkdirTemp("", "relance-dovecot-")
	if err != nil {
		t.Fatalf("dovecot: temp dir: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("dovecot: chmod: %v", err)
	}

	s := &Server{
		User:     "relance",
		Password: "s3cret-test-pass",
		t:        t,
		dir:      dir,
		conf:     filepath.Join(dir, "dovecot.conf"),
		logPath:  filepath.Join(dir, "dovecot.log"),
		opts:     opts,
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := s.writeConfig(port); err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	// INBOX exists from the start so Deliver works before the first login.
	for _, user := range append([]string{s.User}, opts.Users...) {
		for _, f := range append([]string{"INBOX"}, opts.Folders...) {
			if err := s.ensureMaildirOf(user, f); err != nil {
				t.Fatalf("dovecot: %v", err)
			}
		}
	}
	if opts.Seed != nil {
		opts.Seed(s)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			s.dumpLog()
		}
	})
	if err := s.start(); err != nil {
		s.dumpLog()
		t.Fatalf("dovecot: %v", err)
	}
	return s
}

// Pid is the Dovecot master process's id, 0 when it is stopped: its
// children serve the connections.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.stopped {
		return 0
	}
	return s.cmd.Process.Pid
}

// Dir is the server's temporary directory.
func (s *Server) Dir() string { return s.dir }

// LogPath is Dovecot's log file.
func (s *Server) LogPath() string { return s.logPath }

// Maildir is the on-disk directory of a folder ("INBOX", "Sent", ...),
// named with or without the namespace prefix ("INBOX.Sent Items" or "Sent
// Items" when Prefix is "INBOX.").
func (s *Server) Maildir(folder string) string { return s.MaildirOf(s.User, folder) }

// MaildirOf is Maildir for the mail of user (User or one of Users).
func (s *Server) MaildirOf(user, folder string) string {
	root := s.maildirRoot(user)
	if strings.EqualFold(folder, "INBOX") {
		return root
	}
	if p := s.opts.Prefix; p != "" && len(folder) > len(p) && strings.EqualFold(folder[:len(p)], p) {
		folder = folder[len(p):]
	}
	// Maildir++ layout: a folder is a dot directory, hierarchy with dots;
	// names are stored in UTF-8 (the mail_location's UTF-8 option).
	return filepath.Join(root, "."+strings.ReplaceAll(folder, s.separator(), "."))
}

func (s *Server) maildirRoot(user string) string {
	return filepath.Join(s.dir, "mail", user, "Maildir")
}

func (s *Server) separator() string {
	if s.opts.Separator == "" {
		return "/"
	}
	return s.opts.Separator
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) writeConfig(port int) error {
	for _, d := range []string{"run", "state", "ssl"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return fmt.Errorf("mkdir %s: %w", d, err)
		}
	}
	passwd := filepath.Join(s.dir, "passwd")
	var accounts strings.Builder
	for _, u := range append([]string{s.User}, s.opts.Users...) {
		fmt.Fprintf(&accounts, "%s:{PLAIN}%s\n", u, s.Password)
	}
	if err := os.WriteFile(passwd, []byte(accounts.String()), 0o644); err != nil {
		return fmt.Errorf("write passwd: %w", err)
	}
	mailRoot := filepath.Join(s.dir, "mail")
	if err := os.MkdirAll(mailRoot, 0o755); err != nil {
		return fmt.Errorf("mkdir mail: %w", err)
	}
	if err := os.Chown(mailRoot, mailUID, mailGID); err != nil {
		return fmt.Errorf("chown mail: %w", err)
	}

	var ssl, listeners string
	switch s.opts.TLS {
	case TLSNone:
		ssl = "ssl = no\n"
		listeners = fmt.Sprintf("  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }\n  inet_listener imaps {\n    port = 0\n  }\n", port)
	default:
		cert := filepath.Join(s.dir, "ssl", "cert.pem")
		key := filepath.Join(s.dir, "ssl", "key.pem")
		if err := os.WriteFile(cert, s.opts.CertPEM, 0o644); err != nil {
			return fmt.Errorf("write cert: %w", err)
		}
		if err := os.WriteFile(key, s.opts.KeyPEM, 0o600); err != nil {
			return fmt.Errorf("write key: %w", err)
		}
		ssl = fmt.Sprintf("ssl = yes\nssl_cert = <%s\nssl_key = <%s\nssl_min_protocol = TLSv1.2\n", cert, key)
		if _, err := os.Stat("/usr/share/dovecot/dh.pem"); err == nil {
			ssl += "ssl_dh = </usr/share/dovecot/dh.pem\n"
		}
		if s.opts.TLS == TLSImplicit {
			listeners = fmt.Sprintf("  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = %d\n    ssl = yes\n  }\n", port)
		} else {
			listeners = fmt.Sprintf("  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }\n  inet_listener imaps {\n    port = 0\n  }\n", port)
		}
	}

	// Indexes and control files out of the folder root, so that a root
	// the mail user cannot write refuses CREATE and nothing else.
	location := ""
	if s.opts.RefuseCreate {
		location = fmt.Sprintf(":INDEX=%[1]s/mail/%%u/index:CONTROL=%[1]s/mail/%%u/control", s.dir)
	}
	special := "  mailbox Sent {\n    special_use = \\Sent\n    auto = subscribe\n  }\n" +
		"  mailbox Drafts {\n    special_use = \\Drafts\n    auto = subscribe\n  }\n" +
		"  mailbox Trash {\n    special_use = \\Trash\n    auto = subscribe\n  }\n"
	capability := ""
	if s.opts.NoSpecialUse || s.opts.NoNamespace {
		var caps []string
		for _, c := range strings.Fields(capabilities) {
			if (c == "SPECIAL-USE" && s.opts.NoSpecialUse) || (c == "NAMESPACE" && s.opts.NoNamespace) {
				continue
			}
			caps = append(caps, c)
		}
		capability = "imap_capability = " + strings.Join(caps, " ")
	}
	if s.opts.NoSpecialUse {
		special = ""
	}

	conf := fmt.Sprintf(`# generated by internal/testing/testutil/dovecot
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = relance-test-%[2]d
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
debug_log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
%[3]s
mail_location = maildir:%[1]s/mail/%%u/Maildir:UTF-8%[7]s
mail_uid = %[4]d
mail_gid = %[5]d
first_valid_uid = 1
first_valid_gid = 1
mail_privileged_group =
imap_idle_notify_interval = 2 mins
# IDLE learns of new mail through inotify, but every mail process runs as
# one uid and the kernel gives a uid 128 inotify instances by default
# (fs.inotify.max_user_instances): past them Dovecot logs "Inotify instance
# limit ... exceeded, disabling" and checks an idling mailbox only every
# mailbox_idle_check_interval, 30 s by default. A server holding hundreds
# of IDLE connections checks every second instead.
mailbox_idle_check_interval = 1 secs
shutdown_clients = yes

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[4]d gid=%[5]d home=%[1]s/mail/%%u
}

%[8]s
namespace inbox {
  inbox = yes
  separator = %[9]s
  prefix = %[10]s
%[11]s}

# Login processes in Dovecot's high-performance mode: a few long-lived
# ones each serve many connections. The default (service_count = 1)
# forks a process per connection, one at a time; on a loaded machine a
# process serving hundreds of mailboxes then fills the listen queue
# faster than it drains, clients give up waiting for the greeting, and
# the queue fills with their dead connections.
service imap-login {
%[6]s  service_count = 0
  process_min_avail = 2
  process_limit = 2048
}
# Many accounts at once (a process serving many mailboxes keeps an IDLE
# connection and an operations connection to each): Dovecot's default
# of 100 imap processes would refuse the rest.
service imap {
  process_limit = 2048
}
# Every login asks auth and every connection is counted by anvil: their
# default client_limit of 1000 is below what 2048 login processes need
# (doveconf warns of it at start), and a fleet's hundreds of simultaneous
# logins would meet it.
service auth {
  user = root
  client_limit = 4096
}
service anvil {
  client_limit = 4096
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`, s.dir, port, ssl, mailUID, mailGID, listeners, location, capability, s.separator(), s.opts.Prefix, special)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// ensureMaildir creates a folder's maildir (cur, new, tmp) owned by the mail
// user.
func (s *Server) ensureMaildir(folder string) error { return s.ensureMaildirOf(s.User, folder) }

func (s *Server) ensureMaildirOf(user, folder string) error {
	md := s.MaildirOf(user, folder)
	for _, d := range []string{md, filepath.Join(md, "cur"), filepath.Join(md, "new"), filepath.Join(md, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("mkdir %s: %w", d, err)
		}
	}
	// Chown the whole chain from the user's home down; with RefuseCreate
	// the folder root stays root's, so the mail user cannot add a folder.
	home := filepath.Join(s.dir, "mail", user)
	root := s.maildirRoot(user)
	return filepath.Walk(home, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == root && s.opts.RefuseCreate {
			if err := os.Chmod(p, 0o755); err != nil {
				return err
			}
			return os.Lchown(p, 0, 0)
		}
		return os.Lchown(p, mailUID, mailGID)
	})
}

// Deliver writes a message straight into a folder's maildir, as a local
// delivery agent would. It works before the server starts (fast seeding) and
// while it runs (Dovecot notices new files on its next sync, and pushes them
// to an IDLE client).
func (s *Server) Deliver(folder string, raw []byte, seen bool) error {
	return s.DeliverTo(s.User, folder, raw, seen)
}

// DeliverTo is Deliver into the mail of user (User or one of Users).
func (s *Server) DeliverTo(user, folder string, raw []byte, seen bool) error {
	if err := s.ensureMaildirOf(user, folder); err != nil {
		return err
	}
	s.mu.Lock()
	s.seq++
	name := fmt.Sprintf("%d.M%dP%d.relance-test", time.Now().Unix(), s.seq, os.Getpid())
	s.mu.Unlock()
	md := s.MaildirOf(user, folder)
	tmp := filepath.Join(md, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	if err := os.Chown(tmp, mailUID, mailGID); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	dst := filepath.Join(md, "new", name)
	if seen {
		dst = filepath.Join(md, "cur", name+":2,S")
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	return nil
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	cmd := exec.Command(Binary, "-F", "-c", s.conf)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", Binary, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exited)
	}()
	s.cmd = cmd
	s.exited = exited
	s.stopped = false
	return s.waitReady(exited)
}

// waitReady polls the listener until it greets, the process dies, or a
// deadline passes.
func (s *Server) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		if lastErr = s.greets(); lastErr == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("dovecot exited during start-up (see its log)")
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dovecot not ready on %s: %w", s.Addr, lastErr)
		}
	}
}

func (s *Server) greets() error {
	conn, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	var rd *bufio.Reader
	if s.opts.TLS == TLSImplicit {
		tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // readiness probe only
		rd = bufio.NewReader(tc)
	} else {
		rd = bufio.NewReader(conn)
	}
	line, err := rd.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	return nil
}

// Stop stops the server and waits for it to exit. Safe to call twice.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, exited, stopped := s.cmd, s.exited, s.stopped
	s.stopped = true
	s.mu.Unlock()
	if cmd == nil || stopped {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		// Kill the whole process group: imap and login children too.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	// Sessions (imap processes) can outlive the master; an outage must cut
	// every client, so finish the whole process group.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	// The master exits before its children; wait until the port is free so
	// that Restart can bind it again.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
}

// Restart stops and starts the server again on the same port with the same
// data.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.dumpLog()
		s.t.Fatalf("dovecot: restart: %v", err)
	}
}

// Start starts a stopped server again (Stop then Start is Restart with a gap
// a test can use to check reconnection).
func (s *Server) Start() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.dumpLog()
		s.t.Fatalf("dovecot: start: %v", err)
	}
}

// ChangeUIDValidity makes Dovecot renumber a folder: with the server
// stopped, the folder's UID list and indexes are removed, so on restart it
// assigns a fresh UIDVALIDITY (taken from the account-wide counter, hence
// different) and new UIDs to the same messages. The server is running again
// when it returns.
func (s *Server) ChangeUIDValidity(folder string) {
	s.t.Helper()
	s.Stop()
	md := s.Maildir(folder)
	entries, err := os.ReadDir(md)
	if err != nil {
		s.t.Fatalf("dovecot: read %s: %v", md, err)
	}
	for _, e := range entries {
		n := e.Name()
		if n == "dovecot-uidlist" || strings.HasPrefix(n, "dovecot.index") || n == "dovecot.list.index" || strings.HasPrefix(n, "dovecot.list.index") {
			if err := os.Remove(filepath.Join(md, n)); err != nil {
				s.t.Fatalf("dovecot: %v", err)
			}
		}
	}
	if err := s.start(); err != nil {
		s.dumpLog()
		s.t.Fatalf("dovecot: restart after UIDVALIDITY change: %v", err)
	}
}

func (s *Server) dumpLog() {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		s.t.Logf("dovecot: no log: %v", err)
		return
	}
	const max = 20000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	s.t.Logf("dovecot log (%s):\n%s", s.logPath, b)
}
