package mailbox

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

// A pass of operations logs in once, not once per operation; the kept
// connection is dropped and replaced when the server went away, and an
// operation whose context ends does not leave it behind half-used.
func TestOperationsShareOneConnectionDovecot(t *testing.T) {
	srv := dovecot.Start(t)
	c := newDovecotClient(t, srv, newMemStore(), nil)
	var dials atomic.Int64
	c.dialFunc = func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, "tcp", addr)
	}
	ctx := context.Background()
	raw := func(id string) []byte {
		return []byte("From: a@example.com\r\nSubject: Relance\r\nMessage-ID: <" + id + ">\r\n\r\nBonjour.\r\n")
	}
	for i, id := range []string{"d1@relance.example", "d2@relance.example", "d3@relance.example"} {
		uid, err := c.Append(ctx, RoleDrafts, raw(id), []string{`\Draft`}, time.Time{})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if got, found, err := c.FindMessageID(ctx, RoleDrafts, id); err != nil || !found || got != uid {
			t.Fatalf("find %s = %d %v %v, want %d", id, got, found, err, uid)
		}
	}
	if _, err := c.DraftsState(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("seven operations dialled %d times, want 1", n)
	}

	// The server restarts: the kept connection is dead, the next
	// operation notices (NOOP) and dials again, and succeeds.
	srv.Restart()
	st, err := c.DraftsState(ctx)
	if err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if len(st) != 3 {
		t.Errorf("after a restart: %d drafts, want 3", len(st))
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("after a restart: %d dials in all, want 2", n)
	}

	// An operation cancelled midway closes its connection instead of
	// keeping it; the next one works on a new connection.
	cctx, cancel := context.WithCancel(ctx)
	err = c.withConn(cctx, func(k *conn) error {
		cancel()
		return k.do(func() error { return k.c.Noop().Wait() })
	})
	if err == nil || !errors.Is(cctx.Err(), context.Canceled) {
		t.Logf("cancelled operation returned %v", err)
	}
	if k := c.ops.take(); k != nil {
		k.close()
		t.Error("a connection whose operation was cancelled was kept")
	}
	if _, err := c.DraftsState(ctx); err != nil {
		t.Fatalf("after a cancelled operation: %v", err)
	}
	if n := dials.Load(); n != 3 {
		t.Errorf("after a cancelled operation: %d dials in all, want 3", n)
	}

	c.CloseIdle()
	if k := c.ops.take(); k != nil {
		t.Error("CloseIdle left the connection kept")
	}
}
