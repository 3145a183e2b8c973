package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// addReply stores a client's reply read as class, tied to inv, with the
// state and flag that reading produced.
func addReply(t *testing.T, s *Store, inv int64, uid uint32, class classify.Class, state domain.State) int64 {
	t.Helper()
	var id int64
	err := s.Update(context.Background(), t0, func(tx *Tx) error {
		var err error
		id, err = tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: uid, Role: "inbox", MessageID: "r" + string(class) + "@x", From: "a@client.fr", Subject: "RE: facture", Class: string(class)})
		if err != nil {
			return err
		}
		if err := tx.SetMessageText(id, "Client", "Le portail ne ferme toujours pas, nous ne paierons pas."); err != nil {
			return err
		}
		if _, err := tx.AddEvent(Event{Kind: "reply_received", InvoiceID: inv, MessageID: id, Actor: domain.ActorDaemon}); err != nil {
			return err
		}
		if state != "" {
			if err := tx.SetInvoiceState(inv, state); err != nil {
				return err
			}
		}
		if policy.ReplyNeedsHuman(class) {
			_, err = tx.OpenFlag(Flag{Kind: domain.FlagKind(class), InvoiceID: inv, MessageID: id, Evidence: []string{"x"}})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func correct(t *testing.T, s *Store, msg int64, class classify.Class, promise time.Time) CorrectionResult {
	t.Helper()
	var res CorrectionResult
	err := s.Update(context.Background(), t0.Add(time.Hour), func(tx *Tx) error {
		var err error
		res, err = tx.CorrectReading(msg, class, promise, domain.ActorWeb)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCorrectDisputeToPaid(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		inv := addInvoice(t, s, "F-1", "a@client.fr", "100.00")
		msg := addReply(t, s, inv, 1, classify.Dispute, domain.StateDisputed)
		res := correct(t, s, msg, classify.Paid, time.Time{})
		if got := res.States[inv]; got != [2]domain.State{domain.StateDisputed, domain.StatePaidClaimed} {
			t.Errorf("state change %v", got)
		}
		if len(res.FlagsClosed) != 1 || res.FlagOpened != 0 {
			t.Errorf("flags closed %v opened %d", res.FlagsClosed, res.FlagOpened)
		}
		open, err := s.FlagsOfInvoice(context.Background(), inv)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range open {
			if f.Status != domain.FlagResolved {
				t.Errorf("flag %d %s still %s", f.ID, f.Kind, f.Status)
			}
		}
		cs, err := s.Corrections(context.Background())
		if err != nil || len(cs) != 1 {
			t.Fatalf("corrections %v %v", cs, err)
		}
		if c := cs[0]; c.Class != string(classify.Paid) || c.ClassBefore != string(classify.Dispute) || c.MessageID != msg || c.Text == "" || c.Actor != domain.ActorWeb {
			t.Errorf("correction %+v", c)
		}
		evs, err := s.Events(context.Background(), inv)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range evs {
			found = found || e.Kind == "reading_corrected" && e.Actor == domain.ActorWeb
		}
		if !found {
			t.Error("no reading_corrected event by the web")
		}
		if v, err := s.CorrectionsVersion(context.Background()); err != nil || v != cs[0].ID {
			t.Errorf("version %d %v", v, err)
		}
	})
}

func TestCorrectPromiseToDisputeOpensFlag(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		inv := addInvoice(t, s, "F-2", "a@client.fr", "100.00")
		msg := addReply(t, s, inv, 2, classify.Promise, domain.StatePromised)
		res := correct(t, s, msg, classify.Dispute, time.Time{})
		if got := res.States[inv]; got != [2]domain.State{domain.StatePromised, domain.StateDisputed} {
			t.Errorf("state change %v", got)
		}
		if res.FlagOpened == 0 {
			t.Fatal("no flag opened for the dispute")
		}
		f, err := s.Flag(context.Background(), res.FlagOpened)
		if err != nil || f.Kind != domain.FlagDispute || f.InvoiceID != inv || f.Status != domain.FlagOpen {
			t.Errorf("flag %+v %v", f.Flag, err)
		}
	})
}

func TestCorrectToPromiseSetsDate(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		inv := addInvoice(t, s, "F-3", "a@client.fr", "100.00")
		msg := addReply(t, s, inv, 3, "other", "")
		day := time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC)
		res := correct(t, s, msg, classify.Promise, day)
		if got := res.States[inv]; got != [2]domain.State{domain.StateOpen, domain.StatePromised} {
			t.Errorf("state change %v", got)
		}
		var got string
		if err := s.db.QueryRow(`SELECT promise_date FROM invoices WHERE id = ?`, inv).Scan(&got); err != nil || got != "2026-01-30" {
			t.Errorf("promise %q %v", got, err)
		}
	})
}

func TestCorrectLeavesOwnerDecisions(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		inv := addInvoice(t, s, "F-4", "a@client.fr", "100.00")
		msg := addReply(t, s, inv, 4, classify.Paid, domain.StateCancelled)
		res := correct(t, s, msg, classify.Dispute, time.Time{})
		if _, moved := res.States[inv]; moved {
			t.Errorf("a cancelled invoice moved: %v", res.States)
		}
		if st, _ := stateOf(s, inv); st != domain.StateCancelled {
			t.Errorf("state %s", st)
		}
	})
}

func TestCorrectRefusesNonReplies(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		var sent int64
		err := s.Update(context.Background(), t0, func(tx *Tx) error {
			var err error
			sent, err = tx.AddMessage(Message{Folder: "Sent", UIDValidity: 1, UID: 9, Role: "sent", MessageID: "inv@us"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(context.Background(), t0, func(tx *Tx) error {
			_, err := tx.CorrectReading(sent, classify.Paid, time.Time{}, domain.ActorCLI)
			return err
		})
		if !errors.Is(err, ErrNotAReply) {
			t.Errorf("err %v, want ErrNotAReply", err)
		}
		err = s.Update(context.Background(), t0, func(tx *Tx) error {
			_, err := tx.CorrectReading(12345, classify.Paid, time.Time{}, domain.ActorCLI)
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
}

func stateOf(s *Store, inv int64) (domain.State, error) {
	i, err := s.InvoiceByID(context.Background(), inv)
	return i.State, err
}
