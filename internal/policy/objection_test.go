package policy

import (
	"testing"

	"github.com/relance/relance/internal/domain"
)

// The flag that carries a reply's objection: the class's own when it has
// one, else an objection flag; automatic mail raises none, and a client
// who says it paid is answered only about a cheque in the post.
func TestObjectionFlag(t *testing.T) {
	for _, tt := range []struct {
		class domain.ReplyClass
		o     domain.Objection
		want  domain.FlagKind
	}{
		{domain.ReplyDispute, domain.ObjectionWrongAmount, domain.FlagDispute},
		{domain.ReplyGrievance, domain.ObjectionAwaitingApproval, domain.FlagGrievance},
		{domain.ReplyHardship, domain.ObjectionClientNotPaid, domain.FlagHardship},
		{domain.ReplyInfoRequest, domain.ObjectionNotReceived, domain.FlagInfoRequest},
		{domain.ReplyPromise, domain.ObjectionOversight, domain.FlagObjection},
		{domain.ReplyOther, domain.ObjectionGoodsReturned, domain.FlagObjection},
		{domain.ReplyPaid, domain.ObjectionChequeInPost, domain.FlagObjection},
		{domain.ReplyPaid, domain.ObjectionOversight, ""},
		{domain.ReplyPaid, domain.ObjectionWrongAmount, ""},
		{domain.ReplyPromise, domain.NoObjection, ""},
		{domain.ReplyBounce, domain.ObjectionNotReceived, ""},
		{domain.ReplyAutoReply, domain.ObjectionOversight, ""},
	} {
		if got := ObjectionFlag(tt.class, tt.o); got != tt.want {
			t.Errorf("ObjectionFlag(%s, %s) = %q, want %q", tt.class, tt.o, got, tt.want)
		}
	}
}

// A reply that raises an objection gets an answer draft, held like a
// reminder; the chasing follows the reply's class.
func TestDecideAnswersObjections(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	now := at(2026, 1, 13, 10, 0) // a Tuesday
	holdWed := at(2026, 1, 14, 9, 0)
	flags := func(i InvoiceState, k ...domain.FlagKind) InvoiceState { i.OpenFlags = k; return i }
	objection := func(o domain.Objection, a AnswerState, invs ...string) Question {
		ids := make([]int64, len(invs))
		for i, name := range invs {
			ids[i] = tid(name)
		}
		return Question{ID: tid("q"), InvoiceIDs: ids, AskedAt: at(2026, 1, 12, 8, 0), Answer: a, Objection: o}
	}
	state := func(i InvoiceState, s domain.State) InvoiceState { i.State = s; return i }
	tests := []struct {
		name      string
		c         ClientState
		action    Action
		reason    Reason
		objection domain.Objection
		approval  bool
	}{
		{name: "the cheque is in the post (a promise): an answer at once, held to the next business day",
			c: with(client(flags(state(inv("a", day(2025, 12, 20), 2), domain.StatePromised), domain.FlagObjection)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionChequeInPost, AnswerNone, "a")}
				c.LastContact, c.LastInbound = at(2026, 1, 12, 10, 0), at(2026, 1, 13, 8, 0)
			}),
			action: ActionAnswer, reason: ReasonQuestionAsked, objection: domain.ObjectionChequeInPost},
		{name: "a wrong amount disputed: the dispute stops the ladder, the answer is drafted for approval",
			c: with(client(flags(state(inv("a", day(2025, 12, 20), 2), domain.StateDisputed), domain.FlagDispute)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionWrongAmount, AnswerNone, "a")}
			}),
			action: ActionAnswer, reason: ReasonQuestionAsked, objection: domain.ObjectionWrongAmount, approval: true},
		{name: "our own client has not paid us (hardship pauses the client): the answer still comes, for approval",
			c: with(client(state(inv("a", day(2025, 12, 20), 2), domain.StateOnHold)), func(c *ClientState) {
				c.ClientFlags = []domain.FlagKind{domain.FlagHardship}
				c.Questions = []Question{objection(domain.ObjectionClientNotPaid, AnswerNone, "a")}
			}),
			action: ActionAnswer, reason: ReasonQuestionAsked, objection: domain.ObjectionClientNotPaid, approval: true},
		{name: "said paid (a payment claim) does not hold the answer back",
			c: with(client(state(inv("a", day(2025, 12, 20), 2), domain.StatePaidClaimed)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionChequeInPost, AnswerNone, "a")}
			}),
			action: ActionAnswer, reason: ReasonQuestionAsked, objection: domain.ObjectionChequeInPost},
		{name: "once the answer is held, the dispute still stops the ladder",
			c: with(client(flags(state(inv("a", day(2025, 12, 20), 2), domain.StateDisputed), domain.FlagDispute)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionWrongAmount, AnswerPending, "a")}
			}),
			action: ActionNone, reason: ReasonDisputed},
		{name: "once the answer left, nothing more is drafted for it",
			c: with(client(flags(state(inv("a", day(2025, 12, 20), 2), domain.StateDisputed), domain.FlagDispute)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionProgressPaymentDefect, AnswerSent, "a")}
			}),
			action: ActionNone, reason: ReasonDisputed},
		{name: "an objection flag pauses nothing: with the answer held, the next stage comes",
			c: with(client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagObjection)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionOversight, AnswerPending, "a")}
			}),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "a paid invoice needs no answer",
			c: with(client(state(inv("a", day(2025, 12, 20), 2), domain.StatePaid)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionNotReceived, AnswerNone, "a")}
			}),
			action: ActionNone, reason: ReasonNothingOpen},
		{name: "a grievance with an objection: answered for approval, the client stays paused",
			c: with(client(flags(inv("a", day(2025, 12, 20), 2), domain.FlagGrievance)), func(c *ClientState) {
				c.Questions = []Question{objection(domain.ObjectionAwaitingApproval, AnswerNone, "a")}
			}),
			action: ActionAnswer, reason: ReasonQuestionAsked, objection: domain.ObjectionAwaitingApproval, approval: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(now, tt.c, p)
			if d.Action != tt.action || d.Reason != tt.reason {
				t.Fatalf("got %s (%s), want %s (%s); paused %+v", d.Action, d.Reason.Code(), tt.action, tt.reason.Code(), d.Paused)
			}
			if d.Objection != tt.objection || d.RequiresApproval != tt.approval {
				t.Errorf("objection %q approval %v, want %q %v", d.Objection, d.RequiresApproval, tt.objection, tt.approval)
			}
			if d.Action == ActionAnswer && (d.QuestionID != tid("q") || !d.NotBefore.Equal(now) || !d.HoldUntil.Equal(holdWed) || steps(d) != "a:0") {
				t.Errorf("answer %+v", d)
			}
		})
	}
}

// At the moment of sending, an approved answer to an objection goes
// whatever pause the reply's own flag causes, and never unapproved after
// a dispute; a plain answer on a disputed invoice still waits.
func TestShouldSendObjectionAnswer(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	now := at(2026, 1, 14, 10, 0)
	answer := DraftState{ID: 1, Kind: domain.KindAnswer, InvoiceIDs: []int64{tid("a")}, CreatedAt: at(2026, 1, 13, 10, 0),
		HoldUntil: at(2026, 1, 14, 9, 0), Status: domain.DraftApproved, Objection: domain.ObjectionWrongAmount}
	disputed := client(withInv(inv("a", day(2025, 12, 20), 2), func(i *InvoiceState) {
		i.State, i.OpenFlags = domain.StateDisputed, []domain.FlagKind{domain.FlagDispute}
	}))
	hardship := with(client(inv("a", day(2025, 12, 20), 2)), func(c *ClientState) { c.ClientFlags = []domain.FlagKind{domain.FlagHardship} })
	held := answer
	held.Status = domain.DraftHeld
	plain := answer
	plain.Objection = domain.NoObjection
	paid := client(withInv(inv("a", day(2025, 12, 20), 2), func(i *InvoiceState) { i.State = domain.StatePaid }))
	for _, tt := range []struct {
		name   string
		d      DraftState
		c      ClientState
		mode   domain.Mode
		ok     bool
		reason Reason
	}{
		{"approved, disputed invoice", answer, disputed, domain.ModeReview, true, ReasonOK},
		{"approved, client paused by hardship", answer, hardship, domain.ModeReview, true, ReasonOK},
		{"held in auto mode after a dispute", held, disputed, domain.ModeAuto, false, ReasonApprovalRequired},
		{"a plain answer on a disputed invoice", plain, disputed, domain.ModeReview, false, ReasonDisputed},
		{"paid since", answer, paid, domain.ModeReview, false, ReasonPaid},
	} {
		ok, r := ShouldSend(now, tt.d, tt.c, p, tt.mode)
		if ok != tt.ok || r != tt.reason {
			t.Errorf("%s: ShouldSend = %v %s, want %v %s", tt.name, ok, r.Code(), tt.ok, tt.reason.Code())
		}
	}
}
