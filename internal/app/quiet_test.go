package app

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestQuietSettlerWaitsForQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var settled atomic.Int32
		q := &quietSettler{settle: func() { settled.Add(1) }}

		// A burst: activity every second for five seconds never settles.
		for range 5 {
			q.activity()
			time.Sleep(time.Second)
			synctest.Wait()
			if n := settled.Load(); n != 0 {
				t.Fatalf("settled %d times during the burst", n)
			}
		}
		// Quiet: settles once, quietAfter after the last activity.
		time.Sleep(quietAfter - time.Second - time.Millisecond)
		synctest.Wait()
		if n := settled.Load(); n != 0 {
			t.Fatalf("settled %d times before quietAfter", n)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if n := settled.Load(); n != 1 {
			t.Fatalf("settled %d times after quietAfter, want 1", n)
		}
		// Staying quiet settles no more.
		time.Sleep(10 * quietAfter)
		synctest.Wait()
		if n := settled.Load(); n != 1 {
			t.Fatalf("settled %d times while quiet, want 1", n)
		}
		// The next burst settles again, and stop cancels a pending settle.
		q.activity()
		time.Sleep(2 * quietAfter)
		synctest.Wait()
		q.activity()
		q.stop()
		time.Sleep(2 * quietAfter)
		synctest.Wait()
		if n := settled.Load(); n != 2 {
			t.Fatalf("settled %d times, want 2", n)
		}
	})
}

func TestQuietSettlerNil(t *testing.T) {
	var q *quietSettler
	q.activity()
	q.stop()
}
