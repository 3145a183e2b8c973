package mailbox

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Connections to one server are opened a bounded number at a time: with one
// connection slot taken by a login that hangs (a server that accepts and
// never greets), a second mailbox of the same server waits for the slot
// without connecting, and gives up when its context ends.
func TestConnectSlotsBoundConnectionsToAServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			t.Cleanup(func() { c.Close() }) // never greets
		}
	}()
	slots := make(chan struct{}, 1)
	client := func() *Client {
		c, err := New(Config{Addr: ln.Addr().String(), Username: "u", Password: "p", TLS: TLSNone,
			DialTimeout: 3 * time.Second, ConnectSlots: slots}, newMemStore())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first, second := client(), client()
	firstDone := make(chan error, 1)
	go func() {
		_, err := first.dial(context.Background(), nil)
		firstDone <- err
	}()
	deadline := time.Now().Add(2 * time.Second)
	for accepted.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first connection never reached the server")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = second.dial(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for a connection slot") {
		t.Fatalf("second dial: %v, want it to wait for the slot", err)
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the server saw %d connections while the slot was taken, want 1", n)
	}
	// The hanging login ends at its DialTimeout and frees the slot.
	if err := <-firstDone; err == nil {
		t.Fatal("the first dial succeeded against a server that never greets")
	}
	if len(slots) != 0 {
		t.Fatalf("%d slots still taken after both dials", len(slots))
	}
}
