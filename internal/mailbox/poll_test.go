package mailbox

import (
	"bytes"
	"context"
	"net"
	"testing"
	"testing/synctest"
	"time"
)

// noIdleConn hides the server's IDLE capability (renamed XDLE), as on a
// server without IDLE.
type noIdleConn struct{ net.Conn }

func (c noIdleConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	copy(p[:n], bytes.ReplaceAll(p[:n], []byte("IDLE"), []byte("XDLE")))
	return n, err
}

// PollInterval (RELANCE_IMAP_POLL_INTERVAL) is how often INBOX is checked
// when the server has no IDLE: new mail is found at the next check, not
// before, and the checks follow the interval.
func TestPollIntervalWithoutIdle(t *testing.T) {
	for _, c := range []struct {
		interval    time.Duration
		checks30min int // INBOX passes in 30 minutes after the first
	}{{3 * time.Minute, 10}, {10 * time.Minute, 3}} {
		synctest.Test(t, func(t *testing.T) {
			user, ln := serveMem(t)

			store := newMemStore()
			obs := &countObserver{}
			cl, err := New(Config{Addr: "127.0.0.1:143", Username: "u", Password: "p", TLS: TLSNone,
				PollInterval: c.interval, SideFolderInterval: 24 * time.Hour, Observer: obs}, store)
			if err != nil {
				t.Fatal(err)
			}
			cl.dialFunc = func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
				conn, err := ln.dial(ctx, d, addr)
				if err != nil {
					return nil, err
				}
				return noIdleConn{conn}, nil
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- cl.Run(ctx) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Run = %v", err)
				}
			}()

			synctest.Wait()
			first := obs.syncs("INBOX")
			if first < 1 {
				t.Fatal("no initial INBOX pass")
			}
			appendMem(t, user, "INBOX", genReply(7))
			time.Sleep(c.interval - time.Second)
			synctest.Wait()
			if n := store.count("INBOX"); n != 0 {
				t.Fatalf("poll every %s: new mail read before the interval (%d)", c.interval, n)
			}
			time.Sleep(2 * time.Second)
			synctest.Wait()
			if n := store.count("INBOX"); n != 1 {
				t.Fatalf("poll every %s: %d messages read after one interval, want 1", c.interval, n)
			}
			time.Sleep(30*time.Minute - c.interval - time.Second)
			synctest.Wait()
			if n := obs.syncs("INBOX") - first; n != c.checks30min {
				t.Errorf("poll every %s: %d INBOX checks in 30 minutes, want %d", c.interval, n, c.checks30min)
			}
		})
	}
}
