package mailbox

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// scriptedServer accepts one connection, greets, and answers the first
// command with reply(tag); then it hangs up, or with hangUp false waits for
// the client to.
func scriptedServer(t *testing.T, hangUp bool, reply func(tag string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1] ready\r\n"))
		r := bufio.NewReader(c)
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag, _, _ := strings.Cut(line, " ")
		c.Write([]byte(reply(tag)))
		if !hangUp {
			io.Copy(io.Discard, r)
		}
	}()
	return ln.Addr().String()
}

func scriptedConn(t *testing.T, addr string) *conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := imapclient.New(nc, nil)
	t.Cleanup(func() { c.Close() })
	if err := c.WaitGreeting(); err != nil {
		t.Fatal(err)
	}
	return &conn{c: c, cmdTimeout: 10 * time.Second}
}

func TestFetchReadsEveryItem(t *testing.T) {
	addr := scriptedServer(t, false, func(tag string) string {
		return "* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 5 BODY[] {5}\r\nhello)\r\n" +
			"* 2 FETCH (UID 9 BODY[] {0}\r\n)\r\n" +
			tag + " OK done\r\n"
	})
	k := scriptedConn(t, addr)
	bufs, err := k.fetch(imap.UIDSetNum(7, 9), &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bufs) != 2 {
		t.Fatalf("%d messages, want 2", len(bufs))
	}
	m := bufs[0]
	if m.UID != 7 || len(m.Flags) != 1 || m.Flags[0] != imap.FlagSeen || m.RFC822Size != 5 ||
		string(m.FindBodySection(&imap.FetchItemBodySection{})) != "hello" {
		t.Errorf("first message = %+v", m)
	}
	if bufs[1].UID != 9 || len(bufs[1].BodySection) != 1 || len(bufs[1].BodySection[0].Bytes) != 0 {
		t.Errorf("second message = %+v", bufs[1])
	}
}

// A connection that dies inside a literal ends the command with an error,
// and (run with -race) nothing reads the connection's buffer from two
// goroutines: go-imap's own Collect does, in this very case.
func TestFetchConnectionLostInLiteral(t *testing.T) {
	addr := scriptedServer(t, true, func(string) string {
		return "* 1 FETCH (UID 7 BODY[] {100}\r\nonly ten b"
	})
	k := scriptedConn(t, addr)
	_, err := k.fetch(imap.UIDSetNum(7), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{}}})
	if err == nil {
		t.Fatal("fetch of a truncated literal succeeded")
	}
	select {
	case <-k.c.Closed():
	default:
		t.Error("connection left open after a failed literal")
	}
}
