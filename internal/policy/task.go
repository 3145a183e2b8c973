package policy

import (
	"fmt"

	"github.com/relance/relance/internal/domain"
)

// TaskOutcome is what the human logs when a task is done: how the call
// went, whether the file was handed off, whether the question was answered
// some other way.
type TaskOutcome string

// Task outcomes.
const (
	OutcomeReached   TaskOutcome = "reached"    // spoke to the client; nothing more agreed
	OutcomePromise   TaskOutcome = "promise"    // the client promised to pay by a date
	OutcomePlan      TaskOutcome = "plan"       // a payment plan was agreed
	OutcomeDispute   TaskOutcome = "dispute"    // the client disputes the invoice
	OutcomeNoAnswer  TaskOutcome = "no_answer"  // nobody answered
	OutcomeHandedOff TaskOutcome = "handed_off" // the file went to a collection professional
	OutcomeAnswered  TaskOutcome = "answered"   // the client's question was answered another way
)

// TaskOutcomes lists the outcomes in the order forms show them.
func TaskOutcomes() []TaskOutcome {
	return []TaskOutcome{OutcomeReached, OutcomePromise, OutcomePlan, OutcomeDispute, OutcomeNoAnswer, OutcomeHandedOff, OutcomeAnswered}
}

// TaskEffect is what logging an outcome does. The task is always closed;
// the ladder then continues from the invoice's new state.
type TaskEffect struct {
	// State is the invoice's new state ("" keeps it).
	State domain.State
	// NeedsDate: the outcome carries a date (the promised payment date).
	NeedsDate bool
	// NeedsPlan: the outcome carries the agreed instalments.
	NeedsPlan bool
	// OpenDispute opens a dispute flag for a human, with the note as its
	// evidence.
	OpenDispute bool
	// RestartClock: the next stage's interval counts from now (the client
	// got what it asked for).
	RestartClock bool
}

// AfterTask says what logging outcome o on a task of kind k does. A call
// left open never stops the ladder; its outcome steers what comes next: a
// promise pauses until its date and grace, a plan replaces the ladder, a
// dispute pauses the invoice for a human, reached and no answer let the
// next stage come on schedule. A hand-off stops chasing. An information
// request is closed only as answered (another way than the prepared
// draft), which restarts the clock like an answer sent.
func AfterTask(k domain.FlagKind, o TaskOutcome) (TaskEffect, error) {
	if !IsTaskFlag(k) {
		return TaskEffect{}, fmt.Errorf("policy: a %s flag is not a task with an outcome", k)
	}
	if k == domain.FlagInfoRequest && o != OutcomeAnswered {
		// A question is closed by its answer; what the client then says
		// comes as a reply or through a call.
		return TaskEffect{}, fmt.Errorf("policy: a client's question takes the outcome %s, not %s", OutcomeAnswered, o)
	}
	switch o {
	case OutcomeReached, OutcomeNoAnswer:
		return TaskEffect{}, nil
	case OutcomePromise:
		return TaskEffect{State: domain.StatePromised, NeedsDate: true}, nil
	case OutcomePlan:
		return TaskEffect{State: domain.StatePlan, NeedsPlan: true}, nil
	case OutcomeDispute:
		return TaskEffect{State: domain.StateDisputed, OpenDispute: true}, nil
	case OutcomeHandedOff:
		if k != domain.FlagHandOff {
			return TaskEffect{}, fmt.Errorf("policy: outcome %s is for a hand-off task, not %s", o, k)
		}
		return TaskEffect{State: domain.StateOnHold}, nil
	case OutcomeAnswered:
		if k != domain.FlagInfoRequest {
			return TaskEffect{}, fmt.Errorf("policy: outcome %s is for an information request, not %s", o, k)
		}
		return TaskEffect{RestartClock: true}, nil
	}
	return TaskEffect{}, fmt.Errorf("policy: unknown task outcome %q (want reached, promise, plan, dispute, no_answer, handed_off or answered)", o)
}
