package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
)

// Tasks, behaviour signals, repeats and questions: every path moves on.
func TestDecideEveryPathMovesOn(t *testing.T) {
	at := parisAt(t)
	def := defaultPolicy(t)
	pausing, err := ParseBytes([]byte(`{"behaviour_signals": {"partial": {"pause": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	repeating, err := ParseBytes([]byte(`{"ladders": {"standard": {"stages": [
		{"name": "friendly", "kind": "message", "offset_days": 7},
		{"name": "formal_notice", "kind": "formal_notice", "offset_days": 45},
		{"name": "professional", "kind": "hand_off", "offset_days": 60}],
		"repeat": {"every_days": 15, "times": 2}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	repeatSecond, err := ParseBytes([]byte(`{"ladders": {"standard": {"stages": [
		{"name": "friendly", "kind": "message", "offset_days": 7},
		{"name": "second", "kind": "message", "offset_days": 21}],
		"repeat": {"every_days": 10, "times": 1, "stage": "friendly"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	now := at(2026, 1, 13, 10, 0) // a Tuesday
	holdWed := at(2026, 1, 14, 9, 0)
	flags := func(i InvoiceState, k ...domain.FlagKind) InvoiceState { i.OpenFlags = k; return i }
	question := func(id string, a AnswerState, invs ...string) Question {
		ids := make([]int64, len(invs))
		for i, name := range invs {
			ids[i] = tid(name)
		}
		return Question{ID: tid(id), InvoiceIDs: ids, AskedAt: at(2026, 1, 12, 8, 0), Answer: a}
	}

	type want struct {
		action    Action
		reason    Reason
		stage     int
		invoices  string
		notBefore time.Time
	}
	tests := []struct {
		name string
		p    Policy
		now  time.Time
		c    ClientState
		want want
		more func(t *testing.T, d Decision)
	}{
		// A call task is a step, not a wall.
		{name: "open call task: the formal notice still comes on schedule, the task in its context",
			c:    client(flags(inv("a", day(2025, 11, 25), 4), domain.FlagCall)),
			want: want{ActionFormalNotice, ReasonStageDue, 5, "a:5", holdWed},
			more: func(t *testing.T, d Decision) {
				if len(d.OpenTasks) != 1 || d.OpenTasks[0] != (OpenTask{InvoiceID: tid("a"), Kind: domain.FlagCall}) {
					t.Errorf("open tasks %+v", d.OpenTasks)
				}
			}},
		{name: "open call task before the next stage: waits for its date, not for the task",
			c:    client(flags(inv("a", day(2025, 12, 10), 4), domain.FlagCall)),
			want: want{ActionNone, ReasonNotYetDue, 0, "", at(2026, 1, 24, 0, 0)}},
		{name: "open hand-off task: the ladder is done, not paused",
			c:    client(flags(inv("a", day(2025, 10, 1), 6), domain.FlagHandOff)),
			want: want{ActionNone, ReasonLadderDone, 0, "", time.Time{}}},
		{name: "a call task on the client as a whole pauses nothing",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.ClientFlags = []domain.FlagKind{domain.FlagCall} }),
			want: want{ActionDraft, ReasonStageDue, 2, "a:2", holdWed}},
		// Behaviour signals inform; they pause only where the policy says.
		{name: "silence informs: the next stage goes",
			c:    client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagSilence)),
			want: want{ActionDraft, ReasonStageDue, 3, "a:3", holdWed},
			more: func(t *testing.T, d Decision) {
				if len(d.OpenTasks) != 1 || d.OpenTasks[0].Kind != domain.FlagSilence {
					t.Errorf("open tasks %+v", d.OpenTasks)
				}
			}},
		{name: "slower answers inform", c: client(flags(inv("a", day(2026, 1, 5), 0), domain.FlagSlower)),
			want: want{ActionDraft, ReasonStageDue, 2, "a:2", holdWed}},
		{name: "suddenly late informs", c: client(flags(inv("a", day(2026, 1, 5), 0), domain.FlagSuddenlyLate)),
			want: want{ActionDraft, ReasonStageDue, 2, "a:2", holdWed}},
		{name: "partial payment informs by default", c: client(flags(inv("a", day(2026, 1, 5), 0), domain.FlagPartial)),
			want: want{ActionDraft, ReasonStageDue, 2, "a:2", holdWed}},
		{name: "partial payment pauses where the policy says so", p: pausing,
			c:    client(flags(inv("a", day(2026, 1, 5), 0), domain.FlagPartial)),
			want: want{ActionNone, ReasonSignalPause, 0, "", time.Time{}}},
		{name: "the pausing setting is per signal", p: pausing,
			c:    client(flags(inv("a", day(2026, 1, 5), 0), domain.FlagSilence)),
			want: want{ActionDraft, ReasonStageDue, 2, "a:2", holdWed}},
		{name: "broken promise with its flag open: the next stage, referring to the promise",
			c: client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagBrokenPromise), func(i *InvoiceState) {
				i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 6)
			})),
			want: want{ActionDraft, ReasonStageDue, 3, "a:3", holdWed},
			more: func(t *testing.T, d Decision) {
				if d.BrokenPromise != day(2026, 1, 6) {
					t.Errorf("BrokenPromise %s", d.BrokenPromise)
				}
			}},
		{name: "broken promise pausing by policy", p: func() Policy {
			p, err := ParseBytes([]byte(`{"behaviour_signals": {"broken_promise": {"pause": true}}}`))
			if err != nil {
				t.Fatal(err)
			}
			return p
		}(),
			c: client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagBrokenPromise), func(i *InvoiceState) {
				i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 6)
			})),
			want: want{ActionNone, ReasonSignalPause, 0, "", time.Time{}}},
		{name: "a promise kept waiting gives no broken-promise wording",
			c:    client(inv("a", day(2025, 12, 20), 2)),
			want: want{ActionDraft, ReasonStageDue, 3, "a:3", holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.BrokenPromise.IsZero() || len(d.OpenTasks) != 0 {
					t.Errorf("BrokenPromise %s, open tasks %+v", d.BrokenPromise, d.OpenTasks)
				}
			}},
		// The repeat after the last stage.
		{name: "repeat 1 after the hand-off: the formal notice again, 15 days after the last offset",
			p: repeating, now: at(2026, 1, 13, 10, 0), c: client(inv("a", day(2025, 10, 30), 3)),
			want: want{ActionFormalNotice, ReasonStageDue, 4, "a:4", holdWed},
			more: func(t *testing.T, d Decision) {
				if d.Template != "formal_notice" || !d.RequiresApproval {
					t.Errorf("repeat %+v", d)
				}
			}},
		{name: "repeat not yet due", p: repeating, c: client(inv("a", day(2025, 11, 10), 3)),
			want: want{ActionNone, ReasonNotYetDue, 0, "", at(2026, 1, 24, 0, 0)}}, // 10 Nov + 75
		{name: "repeat 2", p: repeating, c: client(inv("a", day(2025, 10, 1), 4)),
			want: want{ActionFormalNotice, ReasonStageDue, 5, "a:5", holdWed}},
		{name: "after the last repeat the ladder is done", p: repeating, c: client(inv("a", day(2025, 6, 1), 5)),
			want: want{ActionNone, ReasonLadderDone, 0, "", time.Time{}}},
		{name: "repeats continue while the hand-off task is open", p: repeating,
			c:    client(flags(inv("a", day(2025, 10, 30), 3), domain.FlagHandOff)),
			want: want{ActionFormalNotice, ReasonStageDue, 4, "a:4", holdWed}},
		{name: "handed off (on hold): no repeat", p: repeating,
			c:    client(withInv(inv("a", day(2025, 10, 30), 3), func(i *InvoiceState) { i.State = domain.StateOnHold })),
			want: want{ActionNone, ReasonOnHold, 0, "", time.Time{}}},
		{name: "repeat of a named stage", p: repeatSecond, c: client(inv("a", day(2025, 12, 1), 2)),
			want: want{ActionDraft, ReasonStageDue, 3, "a:3", holdWed},
			more: func(t *testing.T, d Decision) {
				if d.Template != "friendly" || d.StageName != "friendly" {
					t.Errorf("repeat of friendly: %s %s", d.StageName, d.Template)
				}
			}},
		// Questions get answers.
		{name: "a question opens an answer at once, whatever the gap and the quiet time",
			c: with(client(flags(inv("a", day(2026, 1, 5), 2), domain.FlagInfoRequest)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a")}
				c.LastContact, c.LastInbound = at(2026, 1, 12, 10, 0), at(2026, 1, 13, 8, 0)
			}),
			want: want{ActionAnswer, ReasonQuestionAsked, 0, "a:0", now},
			more: func(t *testing.T, d Decision) {
				if d.QuestionID != tid("q1") || !d.HoldUntil.Equal(holdWed) {
					t.Errorf("answer %+v", d)
				}
			}},
		{name: "an answer is pending: the invoice waits",
			c: with(client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerPending, "a")}
			}),
			want: want{ActionNone, ReasonAwaitingAnswer, 0, "", time.Time{}}},
		{name: "the answer was cancelled: no new answer, the invoice still waits",
			c: with(client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerCancelled, "a")}
			}),
			want: want{ActionNone, ReasonAwaitingAnswer, 0, "", time.Time{}}},
		{name: "a question about one invoice leaves the others chased",
			c: with(client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest), inv("b", day(2026, 1, 5), 0)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerPending, "a")}
			}),
			want: want{ActionDraft, ReasonStageDue, 2, "b:2", holdWed}},
		{name: "a question about a paid invoice needs no answer",
			c: with(client(withInv(inv("a", day(2025, 12, 20), 2), func(i *InvoiceState) { i.State = domain.StatePaid }), inv("b", day(2026, 1, 5), 0)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a")}
			}),
			want: want{ActionDraft, ReasonStageDue, 2, "b:2", holdWed}},
		{name: "a question from a client who said it paid gets no answer: its task waits for a human",
			c: with(client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest), func(i *InvoiceState) {
				i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 6, 9, 0)
			})), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a")}
			}),
			want: want{ActionNone, ReasonAwaitingAnswer, 0, "", time.Time{}}},
		{name: "a question about a disputed invoice gets no answer",
			c: with(client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest, domain.FlagDispute), func(i *InvoiceState) {
				i.State = domain.StateDisputed
			})), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a")}
			}),
			want: want{ActionNone, ReasonDisputed, 0, "", time.Time{}}},
		{name: "a question about two invoices, one since claimed paid: the answer is about the other",
			c: with(client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest), func(i *InvoiceState) {
				i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 12, 9, 0)
			}), flags(inv("b", day(2025, 12, 20), 2), domain.FlagInfoRequest)), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a", "b")}
			}),
			want: want{ActionAnswer, ReasonQuestionAsked, 0, "b:0", now}},
		{name: "a promise does not hold an answer back",
			c: with(client(withInv(flags(inv("a", day(2025, 12, 20), 2), domain.FlagInfoRequest), func(i *InvoiceState) {
				i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 30)
			})), func(c *ClientState) {
				c.Questions = []Question{question("q1", AnswerNone, "a")}
			}),
			want: want{ActionAnswer, ReasonQuestionAsked, 0, "a:0", now}},
		{name: "the clock restarts from the answer: the second comes 14 days after it",
			c:    client(withInv(inv("a", day(2025, 12, 20), 2), func(i *InvoiceState) { i.ClockFrom = at(2026, 1, 5, 10, 0) })),
			want: want{ActionNone, ReasonNotYetDue, 0, "", at(2026, 1, 19, 0, 0)}},
		{name: "an old restart no longer delays",
			c:    client(withInv(inv("a", day(2025, 12, 20), 2), func(i *InvoiceState) { i.ClockFrom = at(2025, 12, 25, 10, 0) })),
			want: want{ActionDraft, ReasonStageDue, 3, "a:3", holdWed}},
		{name: "a restart before any stage counts the first stage's offset",
			c:    client(withInv(inv("a", day(2026, 1, 2), 0), func(i *InvoiceState) { i.ClockFrom = at(2026, 1, 8, 10, 0) })),
			want: want{ActionNone, ReasonNotYetDue, 0, "", at(2026, 1, 15, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			if p.Calendar == nil {
				p = def
			}
			n := tt.now
			if n.IsZero() {
				n = now
			}
			d := Decide(n, tt.c, p)
			if d.Action != tt.want.action || d.Reason != tt.want.reason {
				t.Fatalf("got %s (%s), want %s (%s); paused %+v", d.Action, d.Reason.Code(), tt.want.action, tt.want.reason.Code(), d.Paused)
			}
			if d.Stage != tt.want.stage || steps(d) != tt.want.invoices {
				t.Errorf("stage %d invoices %q, want %d %q", d.Stage, steps(d), tt.want.stage, tt.want.invoices)
			}
			if !d.NotBefore.Equal(tt.want.notBefore) {
				t.Errorf("NotBefore %s, want %s", d.NotBefore.In(p.Location), tt.want.notBefore.In(p.Location))
			}
			if tt.more != nil {
				tt.more(t, d)
			}
		})
	}
}

func TestRepeatConfigErrors(t *testing.T) {
	tests := []struct{ json, field string }{
		{`{"ladders": {"s": {"stages": [{"name": "f", "kind": "message", "offset_days": 7}], "repeat": {"every_days": 0, "times": 2}}}}`, "ladders.s.repeat.every_days"},
		{`{"ladders": {"s": {"stages": [{"name": "f", "kind": "message", "offset_days": 7}], "repeat": {"every_days": 15, "times": 99}}}}`, "ladders.s.repeat.times"},
		{`{"ladders": {"s": {"stages": [{"name": "f", "kind": "message", "offset_days": 7}], "repeat": {"every_days": 15, "times": 2, "stage": "nope"}}}}`, "ladders.s.repeat.stage"},
		{`{"ladders": {"s": {"stages": [{"name": "c", "kind": "call_task", "offset_days": 30}], "repeat": {"every_days": 15, "times": 2}}}}`, "ladders.s.repeat"},
		{`{"ladders": {"s": {"stages": [{"name": "c", "kind": "call_task", "offset_days": 30}], "repeat": {"every_days": 15, "times": 2, "stage": "c"}}}}`, "ladders.s.repeat.stage"},
		{`{"behaviour_signals": {"shouting": {"pause": true}}}`, `unknown field "shouting"`},
	}
	for _, tt := range tests {
		_, err := ParseBytes([]byte(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v, want one naming %s", tt.json, err, tt.field)
		}
	}
}

// A silent client over a whole season: after the call, the ladder goes on
// to the formal notice, the hand-off, then the repeats, and stops.
func TestSilentClientWithOpenTasksRunsTheWholeLadder(t *testing.T) {
	at := parisAt(t)
	p, err := ParseBytes([]byte(`{"ladders": {"standard": {"stages": [
		{"name": "friendly", "kind": "message", "offset_days": 7},
		{"name": "second", "kind": "message", "offset_days": 21},
		{"name": "call", "kind": "call_task", "offset_days": 30},
		{"name": "formal_notice", "kind": "formal_notice", "offset_days": 45},
		{"name": "professional", "kind": "hand_off", "offset_days": 60}],
		"repeat": {"every_days": 15, "times": 2}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := client(inv("a", day(2026, 1, 5), 0))
	var got []string
	for now := at(2026, 1, 5, 10, 0); now.Before(at(2026, 6, 1, 0, 0)); now = now.Add(24 * time.Hour) {
		if c.PendingDraft != nil && !now.Before(p.NextSendTime(p.HoldUntil(c.PendingDraft.CreatedAt))) {
			c.Invoices[0].LastStageSent = c.PendingDraft.Stage
			c.LastContact, c.PendingDraft = now, nil
		}
		d := Decide(now, c, p)
		switch d.Action {
		case ActionCallTask, ActionHandOff:
			// The task stays open: no outcome is ever logged.
			c.Invoices[0].LastStageSent = d.Stage
			c.Invoices[0].OpenFlags = append(c.Invoices[0].OpenFlags, map[Action]domain.FlagKind{ActionCallTask: domain.FlagCall, ActionHandOff: domain.FlagHandOff}[d.Action])
			got = append(got, string(d.Action))
		case ActionDraft, ActionFormalNotice:
			c.PendingDraft = &PendingDraft{ID: 1, Stage: d.Stage, CreatedAt: now}
			got = append(got, d.Template)
		}
	}
	want := "friendly second call_task formal_notice hand_off formal_notice formal_notice"
	if strings.Join(got, " ") != want {
		t.Errorf("steps %q, want %q", strings.Join(got, " "), want)
	}
}

func TestShouldSendAnswer(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	made := at(2026, 1, 12, 10, 0)
	now := at(2026, 1, 13, 10, 0)
	c := with(client(withInv(inv("a", day(2026, 1, 5), 2), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagInfoRequest} })),
		func(c *ClientState) { c.LastContact, c.LastInbound = at(2026, 1, 12, 9, 0), at(2026, 1, 12, 8, 0) })
	answer := DraftState{ID: 1, Kind: domain.KindAnswer, InvoiceIDs: []int64{tid("a")}, CreatedAt: made, Status: domain.DraftHeld}
	reminder := answer
	reminder.Kind = domain.KindMessage
	tests := []struct {
		name string
		d    DraftState
		c    ClientState
		mode domain.Mode
		ok   bool
		r    Reason
	}{
		{"auto: the answer goes despite the question's pause and the gap", answer, c, domain.ModeAuto, true, ReasonOK},
		{"a reminder for the same invoice waits for the answer", reminder, c, domain.ModeAuto, false, ReasonAwaitingAnswer},
		{"review: the answer needs approval", answer, c, domain.ModeReview, false, ReasonNotApproved},
		{"auto: an answer with a blank to fill needs approval", func() DraftState { d := answer; d.RequiresApproval = true; return d }(), c, domain.ModeAuto, false, ReasonApprovalRequired},
		{"the client wrote again after the answer was made", answer, with(c, func(c *ClientState) { c.LastInbound = at(2026, 1, 12, 15, 0) }), domain.ModeAuto, false, ReasonInboundSinceDraft},
		{"paid meanwhile", answer, with(c, func(c *ClientState) {
			c.Invoices = append([]InvoiceState(nil), c.Invoices...)
			c.Invoices[0].State = domain.StatePaid
		}), domain.ModeAuto, false, ReasonPaid},
		// The answer is retired when it no longer makes sense.
		{"the owner corrected a reply's reading to paid after the answer was made", answer, invoice0(c, func(i *InvoiceState) {
			i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 12, 9, 30)
		}), domain.ModeAuto, false, ReasonPaymentClaimed},
		{"disputed since, on the phone", answer, invoice0(c, func(i *InvoiceState) {
			i.State, i.OpenFlags = domain.StateDisputed, []domain.FlagKind{domain.FlagInfoRequest, domain.FlagDispute}
		}), domain.ModeAuto, false, ReasonDisputed},
		{"a dispute flag opened since", answer, invoice0(c, func(i *InvoiceState) {
			i.OpenFlags = []domain.FlagKind{domain.FlagInfoRequest, domain.FlagDispute}
		}), domain.ModeAuto, false, ReasonDisputed},
		{"a payment to check", answer, invoice0(c, func(i *InvoiceState) {
			i.OpenFlags = []domain.FlagKind{domain.FlagInfoRequest, domain.FlagPaymentCheck}
		}), domain.ModeAuto, false, ReasonPaymentClaimed},
		{"the owner closed the question another way", answer, invoice0(c, func(i *InvoiceState) {
			i.OpenFlags = nil
		}), domain.ModeAuto, false, ReasonQuestionClosed},
		{"approved, then the client said it paid", func() DraftState { d := answer; d.Status = domain.DraftApproved; return d }(), invoice0(c, func(i *InvoiceState) {
			i.State = domain.StatePaidClaimed
		}), domain.ModeReview, false, ReasonPaymentClaimed},
		{"a promise does not stop the answer", answer, invoice0(c, func(i *InvoiceState) {
			i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 30)
		}), domain.ModeAuto, true, ReasonOK},
		{"a call task open beside the question does not stop the answer", answer, invoice0(c, func(i *InvoiceState) {
			i.OpenFlags = []domain.FlagKind{domain.FlagCall, domain.FlagInfoRequest}
		}), domain.ModeAuto, true, ReasonOK},
		{"one of two invoices claimed paid: the whole answer is retired (Decide makes a new one)",
			func() DraftState { d := answer; d.InvoiceIDs = []int64{tid("a"), tid("b")}; return d }(),
			with(c, func(c *ClientState) {
				b := c.Invoices[0]
				b.ID, b.Number, b.State = tid("b"), "F-b", domain.StatePaidClaimed
				c.Invoices = append(append([]InvoiceState(nil), c.Invoices...), b)
			}), domain.ModeAuto, false, ReasonPaymentClaimed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, r := ShouldSend(now, tt.d, tt.c, p, tt.mode)
			if ok != tt.ok || r != tt.r {
				t.Errorf("got %v (%s), want %v (%s)", ok, r.Code(), tt.ok, tt.r.Code())
			}
		})
	}
	if !ReasonAwaitingAnswer.Supersedes() {
		t.Error("a reminder made before the question must be superseded")
	}
	for _, r := range []Reason{ReasonPaymentClaimed, ReasonDisputed, ReasonQuestionClosed} {
		if !r.Supersedes() {
			t.Errorf("an answer refused for %s must be retired, not kept waiting", r.Code())
		}
	}
}

// invoice0 returns c with a copy of its first invoice changed by f.
func invoice0(c ClientState, f func(*InvoiceState)) ClientState {
	c.Invoices = append([]InvoiceState(nil), c.Invoices...)
	f(&c.Invoices[0])
	return c
}

func TestAfterTask(t *testing.T) {
	tests := []struct {
		kind    domain.FlagKind
		outcome TaskOutcome
		want    TaskEffect
		err     bool
	}{
		{domain.FlagCall, OutcomeReached, TaskEffect{}, false},
		{domain.FlagCall, OutcomeNoAnswer, TaskEffect{}, false},
		{domain.FlagCall, OutcomePromise, TaskEffect{State: domain.StatePromised, NeedsDate: true}, false},
		{domain.FlagCall, OutcomePlan, TaskEffect{State: domain.StatePlan, NeedsPlan: true}, false},
		{domain.FlagCall, OutcomeDispute, TaskEffect{State: domain.StateDisputed, OpenDispute: true}, false},
		{domain.FlagCall, OutcomeHandedOff, TaskEffect{}, true},
		{domain.FlagCall, OutcomeAnswered, TaskEffect{}, true},
		{domain.FlagCall, "shouted", TaskEffect{}, true},
		{domain.FlagHandOff, OutcomeHandedOff, TaskEffect{State: domain.StateOnHold}, false},
		{domain.FlagHandOff, OutcomePromise, TaskEffect{State: domain.StatePromised, NeedsDate: true}, false},
		{domain.FlagInfoRequest, OutcomeAnswered, TaskEffect{RestartClock: true}, false},
		{domain.FlagInfoRequest, OutcomeReached, TaskEffect{}, true},
		{domain.FlagInfoRequest, OutcomePromise, TaskEffect{}, true},
		{domain.FlagDispute, OutcomeReached, TaskEffect{}, true},
		{domain.FlagSilence, OutcomeReached, TaskEffect{}, true},
	}
	for _, tt := range tests {
		got, err := AfterTask(tt.kind, tt.outcome)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("AfterTask(%s, %s) = %+v, %v; want %+v, error %v", tt.kind, tt.outcome, got, err, tt.want, tt.err)
		}
	}
}
