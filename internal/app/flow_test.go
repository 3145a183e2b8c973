package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/metrics"
)

// pending reports whether a pass has been requested, and takes the request.
func pending(a *App) bool {
	select {
	case <-a.passes:
		return true
	default:
		return false
	}
}

// A finished sync sets the work in motion: the daemon is ready once INBOX
// and Sent have both been read, that first complete sync requests a pass
// and hands the scan's heap back, and from then on INBOX and Drafts syncs
// request passes while Sent and extra folders do not.
func TestAfterSyncRequestsPasses(t *testing.T) {
	var settled atomic.Int32
	a := &App{metrics: metrics.New(nil, metrics.BuildInfo{}, time.Now, time.UTC, slog.New(slog.DiscardHandler)),
		passes: make(chan struct{}, 1), quiet: &quietSettler{settle: func() { settled.Add(1) }}}
	t.Cleanup(a.quiet.stop)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

	a.afterSync("Sent", mailbox.RoleSent, at)
	if a.synced.done() || pending(a) || settled.Load() != 0 || testutil.ToFloat64(a.metrics.LastSync) != 0 {
		t.Fatalf("after Sent alone: ready %v, settled %d, last sync %v; want nothing yet",
			a.synced.done(), settled.Load(), testutil.ToFloat64(a.metrics.LastSync))
	}
	a.afterSync("INBOX", mailbox.RoleInbox, at)
	if !a.synced.done() || !pending(a) || settled.Load() != 1 {
		t.Fatalf("after INBOX and Sent: ready %v, settled %d; want ready, a pass requested, settled once", a.synced.done(), settled.Load())
	}
	if got := testutil.ToFloat64(a.metrics.LastSync); got != float64(at.Unix()) {
		t.Errorf("last sync gauge = %v, want %v", got, at.Unix())
	}

	later := at.Add(time.Minute)
	for _, c := range []struct {
		folder string
		role   mailbox.Role
		pass   bool
	}{
		{"Sent", mailbox.RoleSent, false},
		{"Archives", mailbox.RoleExtra, false},
		{"INBOX", mailbox.RoleInbox, true},
		{"Drafts", mailbox.RoleDrafts, true},
	} {
		a.afterSync(c.folder, c.role, later)
		if got := pending(a); got != c.pass {
			t.Errorf("sync of %s: pass requested %v, want %v", c.folder, got, c.pass)
		}
		if got := testutil.ToFloat64(a.metrics.LastSync); got != float64(later.Unix()) {
			t.Errorf("sync of %s: last sync gauge = %v, want %v", c.folder, got, later.Unix())
		}
		later = later.Add(time.Minute)
	}
	if n := settled.Load(); n != 1 {
		t.Errorf("settled %d times at once, want only after the initial scan", n)
	}
}

// Requests made while one is pending merge into it and never block the
// mailbox's sync goroutine.
func TestRequestPassMerges(t *testing.T) {
	a := &App{passes: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		for range 5 {
			a.requestPass()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("requestPass blocked")
	}
	if !pending(a) {
		t.Fatal("no pass requested")
	}
	if pending(a) {
		t.Error("five requests made while one was pending gave more than one pass")
	}
}

// The schedule runs the pass it is handed as soon as one is requested, not
// only on the interval, once the mailbox is ready.
func TestScheduleRunsRequestedPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var passes atomic.Int32
		a := &App{cfg: &config.Config{PassInterval: time.Hour}, log: slog.New(slog.DiscardHandler), passes: make(chan struct{}, 1)}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			a.schedule(ctx, func(context.Context) error { passes.Add(1); return nil })
			close(done)
		}()
		a.requestPass()
		synctest.Wait()
		if n := passes.Load(); n != 0 {
			t.Fatalf("%d passes ran before the mailbox was ready", n)
		}
		a.synced.mark()
		a.requestPass()
		synctest.Wait()
		if n := passes.Load(); n != 1 {
			t.Fatalf("%d passes after one request, want 1", n)
		}
		cancel()
		<-done
	})
}
