package domain

// State is where an invoice stands in its chasing (see DESIGN.md).
type State string

// Invoice states.
const (
	StateOpen        State = "open"
	StatePromised    State = "promised"     // the client gave a date
	StatePaidClaimed State = "paid_claimed" // the client said it paid; not yet seen
	StatePaid        State = "paid"
	StateDisputed    State = "disputed"
	StateOnHold      State = "on_hold" // a human or a hardship reply paused it
	StatePlan        State = "plan"    // instalments agreed
	StateCancelled   State = "cancelled"
	StateWrittenOff  State = "written_off"
)

// States lists every invoice state, in display order.
var States = []State{StateOpen, StatePromised, StatePaidClaimed, StatePaid, StateDisputed, StateOnHold, StatePlan, StateCancelled, StateWrittenOff}

// Settled reports whether nothing is owed or chased any more on an invoice
// in state s.
func (s State) Settled() bool {
	return s == StatePaid || s == StateCancelled || s == StateWrittenOff
}

// Chased reports whether an invoice in state s is still followed (it may be
// paused, but money is still expected).
func (s State) Chased() bool { return s.Valid() && !s.Settled() }

// Valid reports whether s is one of the known states.
func (s State) Valid() bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// CanMove reports whether an invoice may go from one state to another. While
// money is expected (the chased states) an invoice may move to any state: a
// reply, a correction of its reading, a call's outcome, a plan or a human
// decision each take it where they mean. Once settled, only money received
// moves it again: a cancelled or written-off invoice that is paid after all
// becomes paid; a paid invoice stays paid. Staying in the same state is not
// a move.
func CanMove(from, to State) bool {
	if from == to || !from.Valid() || !to.Valid() {
		return false
	}
	if from.Chased() {
		return true
	}
	return to == StatePaid && from != StatePaid
}
