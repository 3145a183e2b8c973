package mailbox

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// oauthSession is an in-memory IMAP session that only accepts XOAUTH2
// with the current token.
type oauthSession struct {
	*imapmemserver.UserSession
	srv *oauthServer
}

type oauthServer struct {
	mu    sync.Mutex
	user  *imapmemserver.User
	valid string   // accepted token
	seen  []string // tokens presented, in order
}

func (s *oauthSession) Login(string, string) error { return imapserver.ErrAuthFailed }

func (s *oauthSession) AuthenticateMechanisms() []string { return []string{"XOAUTH2"} }

func (s *oauthSession) Authenticate(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, errors.New("unsupported mechanism")
	}
	return &xoauth2Server{sess: s}, nil
}

type xoauth2Server struct {
	sess   *oauthSession
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, imapserver.ErrAuthFailed
	}
	// user=NAME\x01auth=Bearer TOKEN\x01\x01
	fields := strings.Split(strings.TrimSuffix(string(resp), "\x01\x01"), "\x01")
	var user, token string
	for _, f := range fields {
		if v, ok := strings.CutPrefix(f, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(f, "auth=Bearer "); ok {
			token = v
		}
	}
	s := x.sess.srv
	s.mu.Lock()
	s.seen = append(s.seen, token)
	ok := user == "facturation@example.com" && token == s.valid
	s.mu.Unlock()
	if !ok {
		// As Gmail does: an error challenge the client must answer.
		x.failed = true
		return []byte(`{"status":"401","schemes":"bearer"}`), false, nil
	}
	x.sess.UserSession = imapmemserver.NewUserSession(s.user)
	return nil, true, nil
}

func startOAuthServer(t *testing.T) (*oauthServer, string) {
	t.Helper()
	user := imapmemserver.NewUser("facturation@example.com", "unused")
	for _, name := range []string{"INBOX", "Sent", "Drafts"} {
		if name != "INBOX" {
			if err := user.Create(name, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := user.Create("INBOX", nil); err != nil && !strings.Contains(err.Error(), "exist") {
		t.Fatal(err)
	}
	os := &oauthServer{user: user}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &oauthSession{srv: os}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return os, ln.Addr().String()
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

func appendMem(t *testing.T, u *imapmemserver.User, folder string, raw []byte) {
	t.Helper()
	if _, err := u.Append(folder, bytesLiteral{bytes.NewReader(raw)}, &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}

type bytesLiteral struct{ *bytes.Reader }

func (b bytesLiteral) Size() int64 { return b.Reader.Size() }

func TestXOAuth2TokenReadPerConnect(t *testing.T) {
	srv, addr := startOAuthServer(t)
	appendMem(t, srv.user, "INBOX", genReply(1))
	tokenFile := filepath.Join(t.TempDir(), "token")
	store := newMemStore()
	c, err := New(Config{Addr: addr, Username: "facturation@example.com", Auth: AuthXOAuth2, TokenFile: tokenFile,
		TLS: TLSNone, DialTimeout: 5 * time.Second, Logger: testLogger(t)}, store)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, tok := range []string{"ya29.first", "ya29.second"} {
		if err := os.WriteFile(tokenFile, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv.mu.Lock()
		srv.valid = tok
		srv.mu.Unlock()
		if err := c.SyncOnce(ctx); err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
	}
	// A revoked token: the server's error challenge is answered and the
	// failure reported, not hung on.
	srv.mu.Lock()
	srv.valid = "ya29.third"
	srv.mu.Unlock()
	if err := c.SyncOnce(ctx); err == nil {
		t.Error("stale token accepted")
	}
	srv.mu.Lock()
	seen := append([]string(nil), srv.seen...)
	srv.mu.Unlock()
	if want := []string{"ya29.first", "ya29.second", "ya29.second"}; strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("tokens presented = %q, want %q", seen, want)
	}
	if store.count("INBOX") != 1 {
		t.Errorf("ingested %d, want 1", store.count("INBOX"))
	}
	if err := os.Remove(tokenFile); err != nil {
		t.Fatal(err)
	}
	if err := c.SyncOnce(ctx); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("missing token file: err = %v", err)
	}
}

// recordHandler keeps log records for assertions.
type recordHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.recs = append(h.recs, r.Clone())
	h.mu.Unlock()
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordHandler) withMessage(msg string) []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []slog.Record
	for _, r := range h.recs {
		if r.Message == msg {
			out = append(out, r)
		}
	}
	return out
}

type countObserver struct {
	NopObserver
	mu        sync.Mutex
	reconnect []int
	synced    map[string]int
}

func (o *countObserver) Reconnecting(attempt int, _ time.Duration, _ error) {
	o.mu.Lock()
	o.reconnect = append(o.reconnect, attempt)
	o.mu.Unlock()
}

func (o *countObserver) FolderSynced(f string, _ Role, _ time.Time) {
	o.mu.Lock()
	if o.synced == nil {
		o.synced = map[string]int{}
	}
	o.synced[f]++
	o.mu.Unlock()
}

func (o *countObserver) syncs(f string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.synced[f]
}

// TestRunBackoffSynctest checks the reconnect loop in virtual time: each
// wait within its capped, growing bound, one log line per step, and a clean
// nil return when the context ends mid-wait.
func TestRunBackoffSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &recordHandler{}
		obs := &countObserver{}
		c, err := New(Config{Addr: "127.0.0.1:1", Username: "u", Password: "p", TLS: TLSNone,
			Logger: slog.New(h), Observer: obs}, newMemStore())
		if err != nil {
			t.Fatal(err)
		}
		c.rng = rand.New(rand.NewPCG(7, 7))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var dials []time.Time
		const attempts = 14
		c.dialFunc = func(context.Context, *net.Dialer, string) (net.Conn, error) {
			dials = append(dials, time.Now())
			if len(dials) == attempts {
				// Stop while the next backoff wait runs.
				time.AfterFunc(time.Second/2, cancel)
			}
			return nil, errors.New("connection refused")
		}
		start := time.Now()
		if err := c.Run(ctx); err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
		if len(dials) != attempts {
			t.Fatalf("%d dials, want %d", len(dials), attempts)
		}
		for i := 1; i < len(dials); i++ {
			gap := dials[i].Sub(dials[i-1])
			ceil := min(backoffCap, backoffBase<<(i-1))
			if gap < backoffMin || gap >= ceil {
				t.Errorf("wait before attempt %d = %s, want in [%s, %s)", i+1, gap, backoffMin, ceil)
			}
		}
		if elapsed := time.Since(start); elapsed > 40*time.Minute {
			t.Errorf("virtual time elapsed %s: cap not applied", elapsed)
		}
		logs := h.withMessage("mailbox: connection lost, reconnecting")
		if len(logs) != attempts {
			t.Fatalf("%d reconnect log lines, want %d (one per backoff step)", len(logs), attempts)
		}
		for i, r := range logs {
			var attempt int64
			var hasDelay, hasErr bool
			r.Attrs(func(a slog.Attr) bool {
				switch a.Key {
				case "attempt":
					attempt = a.Value.Int64()
				case "delay":
					hasDelay = true
				case "err":
					hasErr = strings.Contains(a.Value.String(), "connection refused")
				}
				return true
			})
			if attempt != int64(i+1) || !hasDelay || !hasErr {
				t.Errorf("log %d: attempt=%d delay=%v err=%v", i, attempt, hasDelay, hasErr)
			}
		}
		if st := c.Status(); st.Reconnects != attempts || st.Connected {
			t.Errorf("status = %+v", st)
		}
		if len(obs.reconnect) != attempts {
			t.Errorf("observer saw %d reconnects", len(obs.reconnect))
		}
	})
}

// pipeListener hands net.Pipe server ends to an imapserver, so a whole
// client/server pair runs inside a synctest bubble.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 143} }

func (l *pipeListener) dial(ctx context.Context, _ *net.Dialer, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, errors.New("connection refused")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// serveMem serves an in-memory mailbox (user "u", password "p", with
// INBOX, Sent and Drafts) on a pipe listener, both closed at cleanup.
func serveMem(t *testing.T) (*imapmemserver.User, *pipeListener) {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("u", "p")
	for _, n := range []string{"INBOX", "Sent", "Drafts"} {
		_ = user.Create(n, nil)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln := newPipeListener()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	t.Cleanup(func() { ln.Close() })
	return user, ln
}

// TestIdleRestartSynctest runs Run against an in-memory server in virtual
// time: IDLE is left and re-entered every IdleRestart with a UID SEARCH
// after each, and the side folders are checked every SideFolderInterval.
func TestIdleRestartSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		user, ln := serveMem(t)
		appendMem(t, user, "Sent", genMessage("sent", 1))

		store := newMemStore()
		obs := &countObserver{}
		c, err := New(Config{Addr: "127.0.0.1:143", Username: "u", Password: "p", TLS: TLSNone,
			IdleRestart: 10 * time.Minute, SideFolderInterval: 25 * time.Minute, Observer: obs}, store)
		if err != nil {
			t.Fatal(err)
		}
		c.dialFunc = ln.dial
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v", err)
			}
		}()

		synctest.Wait()
		if store.count("Sent") != 1 || obs.syncs("INBOX") < 1 {
			t.Fatalf("initial pass: sent=%d inbox passes=%d", store.count("Sent"), obs.syncs("INBOX"))
		}
		// Mail arriving during IDLE is found by the push or, at the
		// latest, by the UID SEARCH after the next IDLE restart.
		appendMem(t, user, "INBOX", genReply(5))
		time.Sleep(10*time.Minute + time.Second)
		synctest.Wait()
		if store.count("INBOX") != 1 {
			t.Errorf("after one IDLE period: INBOX ingested %d, want 1", store.count("INBOX"))
		}
		time.Sleep(20 * time.Minute)
		synctest.Wait()
		if n := obs.syncs("INBOX"); n < 4 {
			t.Errorf("INBOX passes after 30 min = %d, want ≥ 4 (initial + one per 10 min)", n)
		}
		if n := obs.syncs("Sent"); n != 2 {
			t.Errorf("Sent passes after 30 min = %d, want 2 (initial + one at 25 min)", n)
		}
	})
}

// Synced hears every folder read up to date, with its role and the time of
// the injected clock, exactly as the observer does.
func TestSyncedToldOfEveryFolder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		user, ln := serveMem(t)
		appendMem(t, user, "Sent", genMessage("sent", 1))

		clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		roles := map[string]Role{}
		obs := &countObserver{}
		c, err := New(Config{Addr: "127.0.0.1:143", Username: "u", Password: "p", TLS: TLSNone, Observer: obs,
			Now: func() time.Time { return clock },
			Synced: func(folder string, role Role, at time.Time) {
				mu.Lock()
				defer mu.Unlock()
				if !at.Equal(clock) {
					t.Errorf("%s synced at %s, want the injected clock %s", folder, at, clock)
				}
				roles[folder] = role
			}}, newMemStore())
		if err != nil {
			t.Fatal(err)
		}
		c.dialFunc = ln.dial
		if err := c.SyncOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		want := map[string]Role{"INBOX": RoleInbox, "Sent": RoleSent, "Drafts": RoleDrafts}
		if len(roles) != len(want) {
			t.Errorf("Synced told of %v, want %v", roles, want)
		}
		for f, r := range want {
			if roles[f] != r {
				t.Errorf("Synced: %s has role %q, want %q", f, roles[f], r)
			}
			if n := obs.syncs(f); n != 1 {
				t.Errorf("observer saw %s synced %d times, want 1", f, n)
			}
		}
	})
}

// A mailbox waiting for a scan slot holds no connection: it connects only
// once it has a slot, and a failed connection gives the slot back before
// the backoff wait.
func TestScanSlotTakenBeforeConnecting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slots := make(chan struct{}, 1)
		slots <- struct{}{} // another mailbox's pass
		c, err := New(Config{Addr: "127.0.0.1:1", Username: "u", Password: "p", TLS: TLSNone, ScanSlots: slots}, newMemStore())
		if err != nil {
			t.Fatal(err)
		}
		var dials atomic.Int32
		c.dialFunc = func(context.Context, *net.Dialer, string) (net.Conn, error) {
			dials.Add(1)
			if len(slots) != 1 {
				t.Errorf("dialing with %d slots taken, want its own 1", len(slots))
			}
			return nil, errors.New("connection refused")
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := dials.Load(); n != 0 {
			t.Fatalf("%d connections while every slot was taken", n)
		}
		<-slots // the other pass ends
		synctest.Wait()
		if n := dials.Load(); n != 1 {
			t.Fatalf("%d connections once a slot was free, want 1", n)
		}
		if n := len(slots); n != 0 {
			t.Errorf("%d slots held during the backoff after a failed connection, want 0", n)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}
