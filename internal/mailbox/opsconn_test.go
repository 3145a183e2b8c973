package mailbox

import (
	"bytes"
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
	dials := countDials(c)
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
	if k, _ := c.ops.take(); k != nil {
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
	if k, _ := c.ops.take(); k != nil {
		t.Error("CloseIdle left the connection kept")
	}
}

// FetchMessages fetches messages where the scan saw them, all of a folder
// in one UID FETCH on the kept connection, and leaves out every ref that no
// longer points at its message: another Message-ID at the UID, another
// UIDVALIDITY, a folder gone. A message appended after the folder was
// selected is fetched too, and a folder whose UIDVALIDITY changed is read
// again.
func TestFetchMessagesByUIDDovecot(t *testing.T) {
	srv := dovecot.Start(t)
	c := newDovecotClient(t, srv, newMemStore(), nil)
	dials := countDials(c)
	ctx := context.Background()
	mail := func(id string) []byte {
		return []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: Facture\r\nMessage-ID: <" + id + ">\r\n\r\nFacture " + id + ".\r\n")
	}
	uids := map[string]uint32{}
	for _, id := range []string{"inv-1@example.com", "inv-2@example.com", "inv-3@example.com"} {
		uid, err := c.Append(ctx, RoleSent, mail(id), []string{`\Seen`}, time.Time{})
		if err != nil || uid == 0 {
			t.Fatalf("append %s: uid %d, %v", id, uid, err)
		}
		uids[id] = uid
	}
	if err := c.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	validity := c.store.(*memStore).cursors["Sent"].UIDValidity
	if validity == 0 {
		t.Fatal("no UIDVALIDITY recorded for Sent")
	}
	dialsBefore := dials.Load()
	refs := []MessageRef{
		{Folder: "Sent", UIDValidity: validity, UID: uids["inv-1@example.com"], MessageID: "inv-1@example.com"},
		{Folder: "Sent", UIDValidity: validity, UID: uids["inv-3@example.com"], MessageID: "<inv-3@example.com>"},
		// Another message is at this UID now.
		{Folder: "Sent", UIDValidity: validity, UID: uids["inv-2@example.com"], MessageID: "moved@example.com"},
		// The folder was renumbered since.
		{Folder: "Sent", UIDValidity: validity + 1, UID: uids["inv-2@example.com"], MessageID: "inv-2@example.com"},
		// The folder is gone.
		{Folder: "Archives 2025", UIDValidity: validity, UID: 1, MessageID: "inv-9@example.com"},
	}
	got, err := c.FetchMessages(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got["inv-1@example.com"], mail("inv-1@example.com")) || !bytes.Equal(got["inv-3@example.com"], mail("inv-3@example.com")) {
		t.Fatalf("FetchMessages = %q, want inv-1 and inv-3 only", got)
	}

	// Sent stays selected on the kept connection; a message appended since
	// is there all the same.
	uid4, err := c.Append(ctx, RoleSent, mail("inv-4@example.com"), []string{`\Seen`}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.FetchMessages(ctx, []MessageRef{{Folder: "Sent", UIDValidity: validity, UID: uid4, MessageID: "inv-4@example.com"}})
	if err != nil || !bytes.Equal(got["inv-4@example.com"], mail("inv-4@example.com")) {
		t.Fatalf("a message appended since: %q, %v", got, err)
	}
	if n := dials.Load() - dialsBefore; n > 1 {
		t.Errorf("three operations dialled %d times, want at most 1", n)
	}

	// Renumbered: the refs of the old numbering find nothing, and the
	// new numbering is read.
	srv.ChangeUIDValidity("Sent")
	got, err = c.FetchMessages(ctx, refs[:2])
	if err != nil || len(got) != 0 {
		t.Fatalf("after a UIDVALIDITY change: %q, %v; want nothing", got, err)
	}
	if _, found, err := c.FetchMessage(ctx, RoleSent, "inv-1@example.com"); err != nil || !found {
		t.Fatalf("after a UIDVALIDITY change, by Message-ID: found %v, %v", found, err)
	}
}

// A kept connection used a moment ago is taken without a NOOP, but not
// once the server has closed it: the end of its stream was seen. One unused
// for longer is checked with a NOOP first. Either way the operation after a
// restart dials again and succeeds.
func TestKeptConnectionAfterRestartDovecot(t *testing.T) {
	srv := dovecot.Start(t)
	c := newDovecotClient(t, srv, newMemStore(), nil)
	dials := countDials(c)
	ctx := context.Background()
	usedAt := func(at time.Time) {
		c.ops.mu.Lock()
		defer c.ops.mu.Unlock()
		c.ops.used = at
	}
	for i := range 3 {
		if _, err := c.DraftsState(ctx); err != nil {
			t.Fatalf("operation %d: %v", i, err)
		}
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("three operations in a row dialled %d times, want 1", n)
	}
	for _, tc := range []struct {
		name string
		used time.Time
	}{
		{"used a moment ago", time.Now()},
		{"used long ago", time.Now().Add(-time.Hour)},
	} {
		before := dials.Load()
		srv.Restart()
		// The restart may take longer than opsFresh: the time of last use
		// is set after it.
		usedAt(tc.used)
		if _, err := c.DraftsState(ctx); err != nil {
			t.Fatalf("%s, after a restart: %v", tc.name, err)
		}
		if n := dials.Load() - before; n != 1 {
			t.Errorf("%s, after a restart: %d dials, want 1", tc.name, n)
		}
	}
}

// countDials counts the connections c dials from now on.
func countDials(c *Client) *atomic.Int64 {
	var dials atomic.Int64
	c.dialFunc = func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, "tcp", addr)
	}
	return &dials
}
