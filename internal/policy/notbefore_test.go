package policy

import (
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
)

// The owner's "do not chase before" a date holds every reminder, call and
// formal notice about the client until that date, with a reason the owner
// reads and the instant it ends; a draft made before it was set is retired
// at sending time; an answer to the client's question is not chasing and
// still goes.
func TestClientNotBefore(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	notBefore := func(c ClientState, d Date) ClientState { c.NotBefore = d; return c }
	tests := []struct {
		name      string
		now       time.Time
		c         ClientState
		action    Action
		reason    Reason
		notBefore time.Time
	}{
		{name: "no date: the second reminder is due", now: at(2026, 2, 10, 10, 0), c: client(inv("a", day(2026, 1, 1), 1)),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "before the date: nothing, until its first instant", now: at(2026, 2, 10, 10, 0),
			c:      notBefore(client(inv("a", day(2026, 1, 1), 1)), day(2026, 3, 2)),
			action: ActionNone, reason: ReasonClientNotBefore, notBefore: at(2026, 3, 2, 0, 0)},
		{name: "the evening before", now: at(2026, 3, 1, 23, 59),
			c:      notBefore(client(inv("a", day(2026, 1, 1), 1)), day(2026, 3, 2)),
			action: ActionNone, reason: ReasonClientNotBefore, notBefore: at(2026, 3, 2, 0, 0)},
		{name: "on the date the ladder resumes", now: at(2026, 3, 2, 10, 0),
			c:      notBefore(client(inv("a", day(2026, 1, 1), 1)), day(2026, 3, 2)),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "a date past changes nothing", now: at(2026, 2, 10, 10, 0),
			c:      notBefore(client(inv("a", day(2026, 1, 1), 1)), day(2026, 2, 1)),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "the call task waits too", now: at(2026, 2, 10, 10, 0),
			c:      notBefore(client(inv("a", day(2026, 1, 5), 2)), day(2026, 2, 20)),
			action: ActionNone, reason: ReasonClientNotBefore, notBefore: at(2026, 2, 20, 0, 0)},
		{name: "the formal notice waits too", now: at(2026, 3, 10, 10, 0),
			c:      notBefore(client(inv("a", day(2026, 1, 5), 3)), day(2026, 4, 1)),
			action: ActionNone, reason: ReasonClientNotBefore, notBefore: at(2026, 4, 1, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.now, tt.c, p)
			if d.Action != tt.action || d.Reason != tt.reason || (tt.action == ActionNone && !d.NotBefore.Equal(tt.notBefore)) {
				t.Fatalf("got %s/%s not before %v; want %s/%s not before %v", d.Action, d.Reason, d.NotBefore,
					tt.action, tt.reason, tt.notBefore)
			}
		})
	}
	if ReasonClientNotBefore.Code() != "client_not_before" || !ReasonClientNotBefore.Supersedes() {
		t.Errorf("reason %q supersedes %v", ReasonClientNotBefore.Code(), ReasonClientNotBefore.Supersedes())
	}
	// A reminder made before the date was set is retired; an answer goes.
	c := notBefore(client(withInv(inv("a", day(2026, 1, 1), 1), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagInfoRequest} })), day(2026, 3, 2))
	msg := DraftState{ID: 1, Kind: domain.KindMessage, Stage: 2, InvoiceIDs: []int64{tid("a")}, CreatedAt: at(2026, 2, 9, 10, 0),
		HoldUntil: at(2026, 2, 10, 9, 0), Status: domain.DraftApproved}
	if ok, r := ShouldSend(at(2026, 2, 10, 10, 5), msg, c, p, domain.ModeReview); ok || r != ReasonClientNotBefore {
		t.Errorf("reminder: %v %s", ok, r)
	}
	ans := msg
	ans.Kind = domain.KindAnswer
	if _, r := ShouldSend(at(2026, 2, 10, 10, 5), ans, c, p, domain.ModeReview); r == ReasonClientNotBefore {
		t.Errorf("an answer was held by the date: %s", r)
	}
}
