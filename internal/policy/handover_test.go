package policy

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func TestHandover(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	// The formal notice about "a" left on Tuesday 1 December 2026; its
	// 8 days end on Wednesday 9 December, a working day.
	notice := map[int64]time.Time{tid("a"): at(2026, 12, 1, 10, 0)}
	a := inv("a", day(2026, 10, 1), 5)
	b := inv("b", day(2026, 11, 20), 2)
	hostileOn := func(i InvoiceState) InvoiceState {
		return withInv(i, func(i *InvoiceState) { i.OpenFlags = append(i.OpenFlags, domain.FlagHostile) })
	}
	tests := []struct {
		name   string
		now    time.Time
		c      ClientState
		f      HandoverFacts
		want   domain.HandoverReason // "" when no file is due
		invIDs string
	}{
		{name: "the notice's last day to pay", now: at(2026, 12, 9, 18, 0), c: client(a, b), f: HandoverFacts{NoticeSent: notice}},
		{name: "the day after the notice's deadline", now: at(2026, 12, 10, 9, 0), c: client(a, b), f: HandoverFacts{NoticeSent: notice},
			want: domain.HandoverLadderEnded, invIDs: "a"},
		{name: "no notice sent", now: at(2027, 1, 10, 9, 0), c: client(a, b), f: HandoverFacts{}},
		{name: "paid since the notice", now: at(2026, 12, 10, 9, 0), f: HandoverFacts{NoticeSent: notice},
			c: client(withInv(a, func(i *InvoiceState) { i.Balance = decimal.Zero; i.State = domain.StatePaid }))},
		{name: "a promise after the notice waits for its date", now: at(2026, 12, 10, 9, 0), f: HandoverFacts{NoticeSent: notice},
			c: client(withInv(a, func(i *InvoiceState) { i.State = domain.StatePromised; i.PromiseDate = day(2026, 12, 15) }))},
		{name: "a dispute after the notice is the owner's", now: at(2026, 12, 10, 9, 0), f: HandoverFacts{NoticeSent: notice},
			c: client(withInv(a, func(i *InvoiceState) { i.State = domain.StateDisputed }))},
		{name: "partly paid after the notice: still owed", now: at(2026, 12, 10, 9, 0), f: HandoverFacts{NoticeSent: notice},
			c:    client(withInv(a, func(i *InvoiceState) { i.Balance = decimal.NewFromInt(200) })),
			want: domain.HandoverLadderEnded, invIDs: "a"},
		{name: "already prepared", now: at(2026, 12, 10, 9, 0), c: client(a, b), f: HandoverFacts{NoticeSent: notice, Prepared: true}},
		{name: "a hostile reply: at once, every invoice owed", now: at(2026, 11, 25, 9, 0), c: client(a, hostileOn(b)),
			want: domain.HandoverHostile, invIDs: "a,b"},
		{name: "a hostile reply about the client as a whole", now: at(2026, 11, 25, 9, 0),
			c:    with(client(a, b), func(c *ClientState) { c.ClientFlags = []domain.FlagKind{domain.FlagHostile} }),
			want: domain.HandoverHostile, invIDs: "a,b"},
		{name: "a hostile reply from a client that owes nothing", now: at(2026, 11, 25, 9, 0),
			c: client(hostileOn(withInv(a, func(i *InvoiceState) { i.Balance = decimal.Zero; i.State = domain.StatePaid })))},
		{name: "a hostile reply, file already prepared", now: at(2026, 11, 25, 9, 0), c: client(hostileOn(a)), f: HandoverFacts{Prepared: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := p.Handover(tt.now, tt.c, tt.f)
			if ok != (tt.want != "") || d.Reason != tt.want || names(d.Invoices) != tt.invIDs {
				t.Errorf("Handover = %v %q [%s], want %q [%s]", ok, d.Reason, names(d.Invoices), tt.want, tt.invIDs)
			}
		})
	}
}

// A hostile reply stops every contact with the client: no reminder, no
// answer to an open question, no call task, no payment check, and a draft
// already approved is retired at sending.
func TestHostileStopsEveryContact(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	now := at(2026, 12, 8, 10, 0)
	hostile := func(c ClientState) ClientState {
		c.Invoices[0].OpenFlags = append(c.Invoices[0].OpenFlags, domain.FlagHostile)
		return c
	}
	asked := with(client(inv("a", day(2026, 11, 1), 2)), func(c *ClientState) {
		c.Questions = []Question{{ID: tid("q1"), InvoiceIDs: []int64{tid("a")}, AskedAt: at(2026, 12, 7, 9, 0)}}
	})
	claimed := client(withInv(inv("a", day(2026, 10, 1), 2), func(i *InvoiceState) {
		i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 11, 1, 9, 0)
	}))
	for _, tc := range []struct {
		name   string
		c      ClientState
		before Action
	}{
		{"a reminder due", client(inv("a", day(2026, 11, 1), 1)), ActionDraft},
		{"a call due", client(inv("a", day(2026, 11, 1), 3)), ActionCallTask},
		{"a formal notice due", client(inv("a", day(2026, 10, 20), 4)), ActionFormalNotice},
		{"a question to answer", asked, ActionAnswer},
		{"a payment to check", claimed, ActionPaymentCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := Decide(now, tc.c, p); d.Action != tc.before {
				t.Fatalf("without the hostile reply: %s (%s), want %s", d.Action, d.Reason, tc.before)
			}
			d := Decide(now, hostile(tc.c), p)
			if d.Action != ActionNone || d.Reason != ReasonHostile {
				t.Errorf("after a hostile reply: %s (%s), want none (hostile)", d.Action, d.Reason)
			}
		})
	}
	c := hostile(client(inv("a", day(2026, 11, 1), 1)))
	ok, r := ShouldSend(now, DraftState{ID: 1, Stage: 2, Kind: domain.KindMessage, CreatedAt: at(2026, 12, 1, 9, 0),
		HoldUntil: at(2026, 12, 2, 9, 0), Status: domain.DraftApproved, InvoiceIDs: []int64{tid("a")}}, c, p, domain.ModeReview)
	if ok || r != ReasonHostile || !r.Supersedes() {
		t.Errorf("ShouldSend = %v %s, want false hostile (superseding)", ok, r)
	}
	if ReasonHostile.Code() != "hostile" {
		t.Errorf("code %q", ReasonHostile.Code())
	}
	ok, r = ShouldSendCourtesy(now, CourtesyDraft{Stage: domain.StageThankYou, CreatedAt: at(2026, 12, 1, 9, 0), Status: domain.DraftApproved},
		CourtesyFacts{InvoiceKnown: true, State: domain.StatePaid, Hostile: true}, p, domain.ModeReview)
	if ok || r != ReasonHostile {
		t.Errorf("ShouldSendCourtesy = %v %s, want false hostile", ok, r)
	}
}

// The handover flag informs: the ladder goes on (a repeat of the formal
// notice here) until the owner stops it.
func TestHandoverFlagDoesNotPause(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	c := client(withInv(inv("a", day(2026, 10, 1), 5), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagHandover} }))
	if d := Decide(at(2026, 12, 10, 10, 0), c, p); d.Reason == ReasonOpenFlag || d.Action != ActionHandOff {
		t.Errorf("with a handover flag: %s (%s), want the hand-off task", d.Action, d.Reason)
	}
}
