package domain

import "testing"

// Every pair of states is checked against the table written out by hand, so
// a change of the rule shows here as a list of moves.
func TestCanMoveEveryPair(t *testing.T) {
	chased := []State{StateOpen, StatePromised, StatePaidClaimed, StateDisputed, StateOnHold, StatePlan}
	allowed := map[[2]State]bool{}
	for _, from := range chased {
		for _, to := range States {
			if from != to {
				allowed[[2]State{from, to}] = true
			}
		}
	}
	allowed[[2]State{StateCancelled, StatePaid}] = true
	allowed[[2]State{StateWrittenOff, StatePaid}] = true

	n := 0
	for _, from := range States {
		for _, to := range States {
			want := allowed[[2]State{from, to}]
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
			if want {
				n++
			}
		}
	}
	// 6 chased states × 8 others, plus two late payments.
	if n != 6*8+2 {
		t.Fatalf("%d allowed moves, want %d", n, 6*8+2)
	}
}

func TestCanMoveRefusals(t *testing.T) {
	for _, c := range []struct {
		from, to State
		why      string
	}{
		{StatePaid, StateOpen, "a paid invoice is never chased again"},
		{StatePaid, StateDisputed, "a paid invoice is never disputed"},
		{StateCancelled, StateOpen, "a cancelled invoice is not reopened"},
		{StateWrittenOff, StatePromised, "a written-off invoice takes no promise"},
		{StateCancelled, StateWrittenOff, "settled to settled"},
		{StateOpen, StateOpen, "staying is not a move"},
		{StateOpen, State("archived"), "unknown target"},
		{State("archived"), StateOpen, "unknown source"},
	} {
		if CanMove(c.from, c.to) {
			t.Errorf("CanMove(%s, %s) allowed: %s", c.from, c.to, c.why)
		}
	}
}

func TestStateSets(t *testing.T) {
	settled := map[State]bool{StatePaid: true, StateCancelled: true, StateWrittenOff: true}
	for _, s := range States {
		if s.Settled() != settled[s] || s.Chased() == settled[s] || !s.Valid() {
			t.Errorf("%s: settled %v chased %v valid %v", s, s.Settled(), s.Chased(), s.Valid())
		}
	}
	if State("").Chased() || State("x").Valid() {
		t.Error("an unknown state is neither chased nor valid")
	}
	// The strings are contracts (database, JSON, CLI): they never change.
	want := []string{"open", "promised", "paid_claimed", "paid", "disputed", "on_hold", "plan", "cancelled", "written_off"}
	for i, s := range States {
		if string(s) != want[i] {
			t.Errorf("state %d = %q, want %q", i, s, want[i])
		}
	}
}
