// Package postgres starts a real PostgreSQL server (Debian's postgresql
// package) for tests: one server per test binary, a fresh database per test.
//
// The cluster lives in one temporary directory (data, socket, log) owned by
// the user the server runs as: the postgres user when the tests run as root,
// since PostgreSQL refuses to run as root. The server listens on a free
// 127.0.0.1 port with trust authentication. It is the test binary's child
// and dies with it, so a crashed or timed-out test run leaves nothing
// behind; TestMain stops it in order with Stop.
//
// Tests skip when the binaries are missing, except under CI=true where that
// fails them: a green CI must mean the PostgreSQL tests really ran.
package postgres

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Server is a running PostgreSQL cluster.
type Server struct {
	Host string // 127.0.0.1
	Port int
	User string // the superuser tests connect as

	bin  string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
	seq  atomic.Int64
}

var (
	sharedMu  sync.Mutex
	shared    *Server
	sharedErr error
	missing   string // why the server cannot run here (skip or fail)
)

// Shared returns the test binary's server, starting it on first use. It
// skips the test (fails it under CI=true) when PostgreSQL is not installed.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil && missing == "" {
		bin, err := binDir()
		if err != nil {
			missing = err.Error()
		} else {
			shared, sharedErr = start(bin)
		}
	}
	switch {
	case missing != "" && os.Getenv("CI") == "true":
		t.Fatalf("postgres: %s under CI (apt-get install postgresql)", missing)
	case missing != "":
		t.Skipf("postgres: %s (apt-get install postgresql)", missing)
	case sharedErr != nil:
		t.Fatalf("postgres: %v", sharedErr)
	}
	return shared
}

// Stop stops the shared server, if one was started, and removes its files.
// TestMain calls it after the tests ran.
func Stop() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.stop()
		shared = nil
	}
}

// tools are the programs the helper runs, all from one directory.
var tools = []string{"initdb", "postgres", "pg_isready", "createdb", "dropdb"}

// binDir finds the directory holding every tool: the newest
// /usr/lib/postgresql/N/bin (where Debian keeps them, off PATH), else the
// one on PATH that has initdb.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if hasTools(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%s not found together (in /usr/lib/postgresql/*/bin or beside initdb on PATH)", strings.Join(tools, ", "))
}

func hasTools(dir string) bool {
	for _, tool := range tools {
		if _, err := os.Stat(filepath.Join(dir, tool)); err != nil {
			return false
		}
	}
	return true
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// runAs is the credential the cluster's processes take: root may not run
// PostgreSQL, so as root they run as the postgres user.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func start(bin string) (*Server, error) {
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// Not t.TempDir: the cluster outlives any one test, and its owner must
	// be the user the server runs as.
	dir, err := os.MkdirTemp("", "relance-postgres-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("chown %s: %w", dir, err)
		}
	}
	s := &Server{Host: "127.0.0.1", User: "postgres", bin: bin, dir: dir}
	data := filepath.Join(dir, "data")
	// C collation: text sorts by byte, as in SQLite.
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", s.User, "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// A port taken between the probe and the bind makes the server exit:
	// try a few.
	var lastErr error
	for range 5 {
		if lastErr = s.run(data, cred); lastErr == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// run starts the postmaster on a free port and waits until it accepts
// connections.
func (s *Server) run(data string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logPath := filepath.Join(s.dir, "postgres.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	if cred != nil {
		_ = logf.Chown(int(cred.Uid), int(cred.Gid))
	}
	// Durability is not under test: no fsync makes each test's fresh
	// database and migrations fast.
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(port),
		"-c", "unix_socket_directories="+s.dir, "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB")
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig: a test binary that dies (panic, timeout) takes its server
	// with it; SIGINT is PostgreSQL's fast shutdown.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGINT}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	s.Port, s.cmd, s.done = port, cmd, done
	deadline := time.Now().Add(30 * time.Second)
	for {
		probe := exec.Command(filepath.Join(s.bin, "pg_isready"), "-q", "-h", s.Host, "-p", strconv.Itoa(port), "-U", s.User)
		if probe.Run() == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("postgres exited during start-up:\n%s", tail(logPath))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("postgres not ready on port %d:\n%s", port, tail(logPath))
		}
	}
}

func (s *Server) stop() {
	s.kill()
	os.RemoveAll(s.dir)
}

// kill stops the postmaster (fast shutdown, then SIGKILL) and waits.
func (s *Server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
}

// URL is the connection URL of database name on this server.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", s.User, s.Host, s.Port, name)
}

// NewDatabase creates an empty database for the test, dropped when it ends
// (after the test's own cleanups, which close its connections), and
// returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.seq.Add(1))
	if out, err := s.client("createdb", name).CombinedOutput(); err != nil {
		t.Fatalf("postgres: createdb %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		// --force ends sessions a failed test left open.
		_ = s.client("dropdb", "--force", name).Run()
	})
	return s.URL(name)
}

func (s *Server) client(tool string, args ...string) *exec.Cmd {
	return exec.Command(filepath.Join(s.bin, tool), append([]string{"-h", s.Host, "-p", strconv.Itoa(s.Port), "-U", s.User}, args...)...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail is the end of the server's log, for a start-up failure.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
