// Package demotest runs `relance demo` in-process for tests that need the
// whole product up (the browser tests, the Prometheus tests).
package demotest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/store"
)

// Demo is a running demo.
type Demo struct {
	Addr  string // host:port of the web server
	URL   string // http://Addr
	DB    string
	Store *store.Store // opened beside the daemon, closed at test end
}

// WaitFor polls cond until it holds or the limit passes.
func WaitFor(t testing.TB, what string, limit time.Duration, cond func() (bool, error)) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		ok, err := cond()
		if ok {
			return
		}
		lastErr = err
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s (last: %v)", what, lastErr)
		case <-tick.C:
		}
	}
}

// Start runs `relance demo` on a free port until the test ends, and waits
// until its first sync is done and its first drafts are held, so every page
// and metric has something to show.
func Start(t testing.TB) *Demo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db := filepath.Join(t.TempDir(), "relance.db")
	addrs := make(chan string, 1)
	exited := make(chan int, 1)
	go func() {
		exited <- cli.Main(ctx, []string{"demo", "--db", db, "--http", "127.0.0.1:0"}, &cli.Env{
			Stdout: io.Discard, Stderr: io.Discard, Ready: func(addr string) { addrs <- addr }})
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	d := &Demo{DB: db}
	select {
	case d.Addr = <-addrs:
	case code := <-exited:
		t.Fatalf("relance demo exited with %d before listening", code)
	case <-time.After(60 * time.Second):
		t.Fatal("relance demo did not listen within 60 s")
	}
	d.URL = "http://" + d.Addr
	WaitFor(t, "/readyz", 60*time.Second, func() (bool, error) {
		resp, err := http.Get(d.URL + "/readyz")
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, fmt.Errorf("status %d", resp.StatusCode)
	})
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d.Store = st
	WaitFor(t, "the demo's first drafts", 60*time.Second, func() (bool, error) {
		drafts, err := st.Drafts(context.Background())
		return len(drafts) > 0, err
	})
	return d
}
