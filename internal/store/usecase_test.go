package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// flagged is an invoice in state with one open dispute flag on it, and one
// flag about no invoice.
func flagged(t *testing.T, state domain.State) (s *Store, inv, flag, loose int64) {
	t.Helper()
	s = openTest(t)
	inv = addInvoice(t, s, "F-1", "a@x.fr", "100")
	err := s.Update(context.Background(), t0, func(tx *Tx) error {
		if state != domain.StateOpen {
			if err := tx.SetInvoiceState(inv, state); err != nil {
				return err
			}
		}
		var err error
		if flag, err = tx.OpenFlag(Flag{Kind: domain.FlagDispute, InvoiceID: inv, Evidence: []string{"je conteste"}}); err != nil {
			return err
		}
		loose, err = tx.OpenFlag(Flag{Kind: domain.FlagTriage, Evidence: []string{"?"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, inv, flag, loose
}

func TestResolveFlagThen(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		for _, c := range []struct {
			name      string
			state     domain.State
			then      FollowUp
			wrong     bool // refused with ErrWrongStatus, nothing changed
			wantState domain.State
			wantEvent domain.EventKind
		}{
			{"keep", domain.StateDisputed, FollowKeep, false, domain.StateDisputed, ""},
			{"resume a disputed invoice", domain.StateDisputed, FollowResume, false, domain.StateOpen, domain.EventChasingResumed},
			{"stop an open invoice", domain.StateOpen, FollowStop, false, domain.StateOnHold, domain.EventChasingStopped},
			{"resume an invoice already chased", domain.StateOpen, FollowResume, true, domain.StateOpen, ""},
			{"stop a paid invoice", domain.StatePaid, FollowStop, true, domain.StatePaid, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				s, inv, flag, _ := flagged(t, c.state)
				err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlagThen(flag, domain.ActorCLI, "vu avec le client", c.then) })
				if c.wrong != errors.Is(err, ErrWrongStatus) || !c.wrong && err != nil {
					t.Fatalf("err = %v, want ErrWrongStatus: %v", err, c.wrong)
				}
				f, _ := s.Flag(ctx, flag)
				i, _ := s.InvoiceByID(ctx, inv)
				wantFlag := domain.FlagResolved
				if c.wrong {
					wantFlag = domain.FlagOpen
				}
				if f.Status != wantFlag || i.State != c.wantState {
					t.Fatalf("flag %s invoice %s, want %s %s", f.Status, i.State, wantFlag, c.wantState)
				}
				evs, _ := s.Timeline(ctx, inv)
				found := c.wantEvent == ""
				for _, e := range evs {
					found = found || e.Kind == c.wantEvent && e.Actor == domain.ActorCLI
				}
				if !found {
					t.Fatalf("no %s event by the command line in %+v", c.wantEvent, evs)
				}
			})
		}
	})
}

func TestResolveFlagThenEdges(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s, inv, flag, loose := flagged(t, domain.StateDisputed)
		// A flag about no invoice only resolves, whatever follows.
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlagThen(loose, domain.ActorWeb, "ok", FollowStop) }); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.Flag(ctx, loose); f.Status != domain.FlagResolved {
			t.Fatalf("loose flag %s", f.Status)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlagThen(flag, domain.ActorWeb, "ok", FollowKeep) }); err != nil {
			t.Fatal(err)
		}
		// Twice: the second is refused and changes nothing.
		err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlagThen(flag, domain.ActorWeb, "encore", FollowResume) })
		if !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("second resolve: %v", err)
		}
		if i, _ := s.InvoiceByID(ctx, inv); i.State != domain.StateDisputed {
			t.Fatalf("invoice %s after a refused resolve", i.State)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlagThen(9999, domain.ActorWeb, "ok", FollowKeep) }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown flag: %v", err)
		}
	})
}

func TestParseFollowUp(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		for in, want := range map[string]FollowUp{"": FollowKeep, "keep": FollowKeep, "resume": FollowResume, "stop": FollowStop} {
			if got, err := ParseFollowUp(in); err != nil || got != want {
				t.Errorf("ParseFollowUp(%q) = %q, %v", in, got, err)
			}
		}
		if _, err := ParseFollowUp("later"); err == nil {
			t.Error("later accepted")
		}
	})
}

func stateSince(t *testing.T, s *Store, inv int64) string {
	t.Helper()
	var since string
	if err := s.db.QueryRow(`SELECT state_since FROM invoices WHERE id = ?`, inv).Scan(&since); err != nil {
		t.Fatal(err)
	}
	return since
}

// Every change of state goes through the state machine and starts the new
// state's clock, a payment that settles the invoice included.
func TestSetInvoiceStateFollowsTheStateMachine(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		inv := addInvoice(t, s, "F-1", "a@x.fr", "100")
		t1, t2, t3 := t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
		if err := s.Update(ctx, t1, func(tx *Tx) error { return tx.SetInvoiceState(inv, domain.StatePromised) }); err != nil {
			t.Fatal(err)
		}
		if got := stateSince(t, s, inv); got != ts(t1) {
			t.Fatalf("state_since %s after a move, want %s", got, ts(t1))
		}
		err := s.Update(ctx, t2, func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: inv, Amount: decimal.NewFromInt(100), PaidOn: t2, Source: "manual"}, domain.ActorCLI)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if i, _ := s.InvoiceByID(ctx, inv); i.State != domain.StatePaid || stateSince(t, s, inv) != ts(t2) {
			t.Fatalf("after the payment: %s since %s, want paid since %s", i.State, stateSince(t, s, inv), ts(t2))
		}
		// A paid invoice is never chased again: refused, nothing changes.
		err = s.Update(ctx, t3, func(tx *Tx) error { return tx.SetInvoiceState(inv, domain.StateOpen) })
		if !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("paid → open: %v", err)
		}
		if i, _ := s.InvoiceByID(ctx, inv); i.State != domain.StatePaid || stateSince(t, s, inv) != ts(t2) {
			t.Fatalf("after a refused move: %s since %s", i.State, stateSince(t, s, inv))
		}
		if err := s.Update(ctx, t3, func(tx *Tx) error { return tx.SetInvoiceState(9999, domain.StateOpen) }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown invoice: %v", err)
		}
	})
}

func TestChangeStateLogsTheChange(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		inv := addInvoice(t, s, "F-1", "a@x.fr", "100")
		at := t0.Add(-time.Hour) // the reply's own time
		t1 := t0.Add(time.Hour)
		err := s.Update(ctx, t1, func(tx *Tx) error {
			if err := tx.ChangeState(StateChange{InvoiceID: inv, From: domain.StateOpen, To: domain.StatePromised, Because: "promise", At: at,
				Actor: domain.ActorDaemon}); err != nil {
				return err
			}
			// The same state again (a second promise) restarts its clock.
			return tx.ChangeState(StateChange{InvoiceID: inv, From: domain.StatePromised, To: domain.StatePromised, Because: "promise",
				Actor: domain.ActorWeb})
		})
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := s.Timeline(ctx, inv)
		var changes []string
		for _, e := range evs {
			if e.Kind == domain.EventStateChanged {
				changes = append(changes, string(e.Actor)+" "+string(e.Detail)+" "+e.At.UTC().Format(time.RFC3339))
			}
		}
		want := []string{
			`daemon {"because":"promise","from":"open","to":"promised"} ` + at.Format(time.RFC3339),
			`web {"because":"promise","from":"promised","to":"promised"} ` + t1.Format(time.RFC3339),
		}
		if strings.Join(changes, "\n") != strings.Join(want, "\n") {
			t.Fatalf("state changes:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
		}
		// A move the state machine refuses logs nothing.
		err = s.Update(ctx, t1, func(tx *Tx) error {
			if err := tx.SetInvoiceState(inv, domain.StateCancelled); err != nil {
				return err
			}
			return tx.ChangeState(StateChange{InvoiceID: inv, From: domain.StateCancelled, To: domain.StateOnHold, Actor: domain.ActorCLI})
		})
		if !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("cancelled → on_hold: %v", err)
		}
	})
}

// A recurring problem asks a human once while its flag is unresolved, and
// again once it was resolved; the same kind elsewhere is another flag.
func TestOpenFlagOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		inv := addInvoice(t, s, "F-1", "a@x.fr", "100")
		other := addInvoice(t, s, "F-2", "a@x.fr", "50")
		open := func(f Flag) (int64, bool) {
			t.Helper()
			var id int64
			var opened bool
			err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				id, opened, err = tx.OpenFlagOnce(f)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id, opened
		}
		first, ok := open(Flag{Kind: domain.FlagCall, InvoiceID: inv, Evidence: []string{"appeler"}})
		if !ok || first == 0 {
			t.Fatal("first flag not opened")
		}
		if id, ok := open(Flag{Kind: domain.FlagCall, InvoiceID: inv}); ok || id != 0 {
			t.Fatalf("second flag of the same kind opened: %d", id)
		}
		if _, ok := open(Flag{Kind: domain.FlagCall, InvoiceID: other}); !ok {
			t.Fatal("the same kind on another invoice was not opened")
		}
		if _, ok := open(Flag{Kind: domain.FlagSendingStopped}); !ok {
			t.Fatal("installation flag not opened")
		}
		if _, ok := open(Flag{Kind: domain.FlagSendingStopped}); ok {
			t.Fatal("installation flag opened twice")
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.ResolveFlag(first, domain.ActorWeb, "appelé") }); err != nil {
			t.Fatal(err)
		}
		if _, ok := open(Flag{Kind: domain.FlagCall, InvoiceID: inv}); !ok {
			t.Fatal("not opened again after the first was resolved")
		}
	})
}

// The state lists the queries use read exactly as the literals they
// replace: same query text, same plans, same indexes.
func TestStateListsForQueries(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		for got, want := range map[string]string{
			chasedStatesSQL:                  `('open', 'promised', 'paid_claimed', 'disputed', 'on_hold', 'plan')`,
			settledStatesSQL:                 `('paid', 'cancelled', 'written_off')`,
			allStatesSQL:                     `('open', 'promised', 'paid_claimed', 'paid', 'disputed', 'on_hold', 'plan', 'cancelled', 'written_off')`,
			sqlWord(domain.EventInvoicePaid): `'invoice_paid'`,
		} {
			if got != want {
				t.Errorf("%s, want %s", got, want)
			}
		}
	})
}

// TestStatusListsForQueries pins the SQL text written from the draft and flag
// statuses: it must stay what the queries said before they named the domain.
func TestStatusListsForQueries(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		for got, want := range map[string]string{
			waitingDraftsSQL:                 `('held', 'approved')`,
			unresolvedSQL:                    `('open', 'acknowledged')`,
			resolvedSQL:                      `'resolved'`,
			machineRepliesSQL:                `('auto_reply', 'bounce')`,
			sqlWord(domain.DraftHeld):        `'held'`,
			sqlWord(domain.DraftSent):        `'sent'`,
			sqlWord(domain.FlagOpen):         `'open'`,
			sqlWord(domain.StageThankYou):    `'thank_you'`,
			sqlWord(domain.KindFormalNotice): `'formal_notice'`,
			sqlWord(PlanCancelled):           `'cancelled'`,
		} {
			if got != want {
				t.Errorf("%s, want %s", got, want)
			}
		}
	})
}
