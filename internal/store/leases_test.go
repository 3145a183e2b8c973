package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/internal/config"
)

// A lease is held by one replica at a time; it is renewed by its holder
// only, taken over once it has run out (or been released) with a greater
// token, and the replicas seen lately are the live ones.
func TestLeasesOneHolderAtATime(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		ttl := 15 * time.Second
		tokA, ok, err := s.AcquireLease(ctx, "mb-01", "replica-a", t0, t0.Add(ttl))
		if err != nil || !ok || tokA != 1 {
			t.Fatalf("first acquire: %d %v %v", tokA, ok, err)
		}
		if _, ok, err := s.AcquireLease(ctx, "mb-01", "replica-b", t0.Add(5*time.Second), t0.Add(20*time.Second)); err != nil || ok {
			t.Fatalf("acquire of a held lease: ok=%v %v", ok, err)
		}
		if ok, err := s.RenewLease(ctx, "mb-01", "replica-b", tokA, t0.Add(5*time.Second), t0.Add(20*time.Second)); err != nil || ok {
			t.Fatalf("renewal by another replica: ok=%v %v", ok, err)
		}
		if ok, err := s.RenewLease(ctx, "mb-01", "replica-a", tokA, t0.Add(10*time.Second), t0.Add(25*time.Second)); err != nil || !ok {
			t.Fatalf("renewal by the holder: ok=%v %v", ok, err)
		}
		// Still held at 24 s thanks to the renewal; free at 26 s.
		if _, ok, _ := s.AcquireLease(ctx, "mb-01", "replica-b", t0.Add(24*time.Second), t0.Add(39*time.Second)); ok {
			t.Fatal("taken over before the renewed lease ran out")
		}
		tokB, ok, err := s.AcquireLease(ctx, "mb-01", "replica-b", t0.Add(26*time.Second), t0.Add(41*time.Second))
		if err != nil || !ok || tokB <= tokA {
			t.Fatalf("takeover: token %d (after %d), ok=%v %v", tokB, tokA, ok, err)
		}
		if ok, _ := s.RenewLease(ctx, "mb-01", "replica-a", tokA, t0.Add(27*time.Second), t0.Add(42*time.Second)); ok {
			t.Fatal("the old holder renewed a lease taken over")
		}
		if err := s.ReleaseLease(ctx, "mb-01", "replica-b", tokB, t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if tok, ok, err := s.AcquireLease(ctx, "mb-01", "replica-a", t0.Add(30*time.Second), t0.Add(45*time.Second)); err != nil || !ok || tok <= tokB {
			t.Fatalf("acquire after release: %d %v %v", tok, ok, err)
		}
		leases, err := s.Leases(ctx)
		if err != nil || len(leases) != 1 || leases[0].Owner != "replica-a" || !leases[0].ExpiresAt.Equal(t0.Add(45*time.Second)) {
			t.Fatalf("leases: %+v %v", leases, err)
		}

		for id, seen := range map[string]time.Time{"replica-a": t0, "replica-b": t0.Add(-time.Minute)} {
			if err := s.Heartbeat(ctx, id, seen); err != nil {
				t.Fatal(err)
			}
		}
		if live, err := s.LiveReplicas(ctx, t0.Add(-ttl)); err != nil || len(live) != 1 || live[0] != "replica-a" {
			t.Fatalf("live replicas: %v %v", live, err)
		}
	})
}

// On PostgreSQL a mailbox's store, fenced with its lease, refuses every
// write once another replica has taken the lease over: a replica that lost
// its mailbox can change nothing of it.
func TestFencedWritesNeedTheLease(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		base := testDB(t, "relance")
		process := openAt(t, base)
		mb := openAt(t, config.MailboxDB(base, "mb-01"))
		schema, err := process.Schema(ctx)
		if err != nil || schema == "" {
			t.Fatalf("schema %q %v", schema, err)
		}
		now := time.Now()
		tok, ok, err := process.AcquireLease(ctx, "mb-01", "replica-a", now, now.Add(time.Minute))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		mb.SetFence(&Fence{LeaseSchema: schema, Mailbox: "mb-01", Owner: "replica-a", Token: tok})
		addInvoice(t, mb, "F-1", "a@example.com", "10") // held: the write goes through
		if err := process.ReleaseLease(ctx, "mb-01", "replica-a", tok, now); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := process.AcquireLease(ctx, "mb-01", "replica-b", time.Now(), time.Now().Add(time.Minute)); err != nil || !ok {
			t.Fatal("takeover", ok, err)
		}
		err = mb.Update(ctx, t0, func(tx *Tx) error {
			_, err := tx.EnsureClient("b@example.com", "B", "fr")
			return err
		})
		if !errors.Is(err, ErrFenced) {
			t.Fatalf("write after the takeover: %v, want ErrFenced", err)
		}
		if invs, _ := mb.Invoices(ctx, InvoiceFilter{}); len(invs) != 1 {
			t.Fatalf("invoices: %d, want the one written under the lease", len(invs))
		}
	})
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
