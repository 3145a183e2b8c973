package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// Migration 0011 gives the installation its key and marks the drafts then
// waiting as written with the old header, so their copies in Drafts are
// still read; drafts made afterwards are not.
func TestMigrationKeepsWaitingDraftsReadable(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		path := testDB(t, "old")
		old, err := OpenVersion(ctx, path, 9)
		if err != nil {
			t.Fatal(err)
		}
		inv := addInvoice(t, old, "F-1", "a@example.com", "100")
		got, _ := old.InvoiceByID(ctx, inv)
		mk := func(s *Store, n int) int64 {
			var id int64
			if err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				id, err = tx.CreateDraft(NewDraft{ClientID: got.Client.ID, Stage: "friendly", To: []string{"a@example.com"}, Subject: "Rappel F-1",
					Body: "Bonjour", HoldUntil: t0.Add(24 * time.Hour), MessageID: fmt.Sprintf("m%d@x", n), InvoiceIDs: []int64{inv}}, domain.ActorDaemon)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		waiting, sent := mk(old, 1), mk(old, 2)
		if err := old.Update(ctx, t0, func(tx *Tx) error { return tx.SetDraftStatus(sent, domain.DraftSent, domain.ActorDaemon, "") }); err != nil {
			t.Fatal(err)
		}
		old.Close()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fresh := mk(s, 3)
		for id, want := range map[int64]bool{waiting: true, sent: false, fresh: false} {
			d, err := s.DraftDetail(ctx, id)
			if err != nil || d.LegacyHeader != want {
				t.Errorf("draft %d: legacy %v, want %v (%v)", id, d.LegacyHeader, want, err)
			}
		}
		key, err := s.InstallationKey(ctx)
		if err != nil || len(key) != 20 {
			t.Fatalf("installation key %q, %v", key, err)
		}
		other, err := Open(ctx, testDB(t, "other"))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if k2, _ := other.InstallationKey(ctx); k2 == key || k2 == "" {
			t.Fatalf("two installations share the key %q", key)
		}
	})
}

func TestSendNowAndQuiet(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-20", "z@example.com", "80")
		got, _ := s.InvoiceByID(ctx, inv)
		var id int64
		if err := s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			id, err = tx.CreateDraft(NewDraft{ClientID: got.Client.ID, Stage: "friendly", To: []string{"z@example.com"}, Subject: "Rappel",
				Body: "Bonjour", HoldUntil: t0.Add(24 * time.Hour), MessageID: "sn@x", InvoiceIDs: []int64{inv}}, domain.ActorDaemon)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.SendDraftNow(id, domain.ActorWeb, " ") }); !errors.Is(err, ErrReasonRequired) {
			t.Fatalf("send now without a reason: %v", err)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.SendDraftNow(id, domain.ActorWeb, "client on the phone") }); err != nil {
			t.Fatal(err)
		}
		d, _ := s.DraftDetail(ctx, id)
		if d.Status != domain.DraftApproved || !d.SendNow || !d.HoldLifted || d.ApprovedBy != domain.ActorWeb {
			t.Fatalf("after send now: %+v", d.Draft)
		}
		// An edit after approval: what was approved is not what will be sent.
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ReviseDraft(id, "Rappel", "Bonjour, merci", domain.ActorWeb) }); err != nil {
			t.Fatal(err)
		}
		d, _ = s.DraftDetail(ctx, id)
		if d.Status != domain.DraftHeld || d.SendNow || d.HoldLifted {
			t.Fatalf("after an edit: %+v", d.Draft)
		}
		q := policy.Quiet{Kind: policy.QuietUntilDate, Until: policy.DateOf(t0).AddDays(20)}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.CancelDraftUntil(id, domain.ActorCLI, "on holiday", q) }); err != nil {
			t.Fatal(err)
		}
		c, err := s.ChasingClient(ctx, got.Client.ID)
		if err != nil || c == nil {
			t.Fatal(err)
		}
		if pq := c.Invoices[0].Quiet.Policy(); pq.Kind != policy.QuietUntilDate || pq.Until != q.Until || !pq.Since.Equal(t0) {
			t.Fatalf("quiet as the policy reads it: %+v", pq)
		}
		stored, _ := s.InvoiceQuiet(ctx, inv)
		if stored.Reason != "on holiday" {
			t.Fatalf("stored: %+v", stored)
		}
	})
}
