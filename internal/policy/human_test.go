package policy

import (
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
)

func TestParseQuiet(t *testing.T) {
	today := day(2026, 3, 10)
	tests := []struct {
		in      string
		want    Quiet
		wantErr bool
	}{
		{in: "", want: Quiet{Kind: QuietUntilDate, Until: day(2026, 3, 17)}},
		{in: "2026-04-01", want: Quiet{Kind: QuietUntilDate, Until: day(2026, 4, 1)}},
		{in: "reply", want: Quiet{Kind: QuietUntilReply}},
		{in: " Never ", want: Quiet{Kind: QuietNever}},
		{in: "2026-03-10", wantErr: true}, // today: not a date in the future
		{in: "2026-03-01", wantErr: true},
		{in: "soon", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseQuiet(tt.in, today)
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("ParseQuiet(%q) = %+v, %v; want %+v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// A draft cancelled with "until when?" does not come back before then:
// Decide drafts nothing for the invoice while the decision holds, and
// ShouldSend retires a waiting draft about it.
func TestQuietAfterCancel(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	cancelledAt := at(2026, 2, 10, 10, 0) // Tuesday; invoice 40 days overdue
	overdue := inv("a", day(2026, 1, 1), 1)
	quiet := func(q Quiet) ClientState {
		i := overdue
		i.Quiet = q
		return client(i)
	}
	wrote := func(c ClientState, t time.Time) ClientState { c.Invoices[0].Quiet.Wrote = t; return c }
	autoReply := func(c ClientState, t time.Time) ClientState { c.LastInbound = t; return c }
	tests := []struct {
		name      string
		now       time.Time
		c         ClientState
		action    Action
		reason    Reason
		notBefore time.Time
	}{
		{name: "no decision: the second reminder is due", now: at(2026, 2, 10, 10, 4), c: client(overdue), action: ActionDraft, reason: ReasonStageDue},
		{name: "four minutes after a cancel until a date", now: at(2026, 2, 10, 10, 4),
			c:      quiet(Quiet{Kind: QuietUntilDate, Until: day(2026, 3, 2), Since: cancelledAt}),
			action: ActionNone, reason: ReasonQuiet, notBefore: at(2026, 3, 2, 0, 0)},
		{name: "the day before the date", now: at(2026, 3, 1, 23, 59),
			c:      quiet(Quiet{Kind: QuietUntilDate, Until: day(2026, 3, 2), Since: cancelledAt}),
			action: ActionNone, reason: ReasonQuiet, notBefore: at(2026, 3, 2, 0, 0)},
		{name: "on the date the ladder resumes", now: at(2026, 3, 2, 10, 0),
			c:      quiet(Quiet{Kind: QuietUntilDate, Until: day(2026, 3, 2), Since: cancelledAt}),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "until the client writes: silent client", now: at(2026, 5, 10, 10, 0),
			c:      quiet(Quiet{Kind: QuietUntilReply, Since: cancelledAt}),
			action: ActionNone, reason: ReasonQuiet},
		{name: "until the client writes: an automatic reply does not count", now: at(2026, 5, 12, 10, 0),
			c:      autoReply(quiet(Quiet{Kind: QuietUntilReply, Since: cancelledAt}), at(2026, 3, 3, 10, 0)),
			action: ActionNone, reason: ReasonQuiet},
		{name: "until the client writes: the client wrote", now: at(2026, 5, 12, 10, 0),
			c:      wrote(quiet(Quiet{Kind: QuietUntilReply, Since: cancelledAt}), at(2026, 3, 3, 10, 0)),
			action: ActionDraft, reason: ReasonStageDue},
		{name: "never, a year later", now: at(2027, 2, 10, 10, 0), c: quiet(Quiet{Kind: QuietNever, Since: cancelledAt}),
			action: ActionNone, reason: ReasonQuiet},
		{name: "never, even after the client wrote", now: at(2027, 2, 10, 10, 0),
			c:      wrote(quiet(Quiet{Kind: QuietNever, Since: cancelledAt}), at(2026, 6, 1, 10, 0)),
			action: ActionNone, reason: ReasonQuiet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.now, tt.c, p)
			if d.Action != tt.action || d.Reason != tt.reason || !d.NotBefore.Equal(tt.notBefore) && tt.action == ActionNone {
				t.Fatalf("got %s/%s not before %v; want %s/%s not before %v", d.Action, d.Reason, d.NotBefore,
					tt.action, tt.reason, tt.notBefore)
			}
		})
	}
	// Another invoice of the same client is still chased.
	other := inv("b", day(2026, 1, 1), 1)
	held := overdue
	held.Quiet = Quiet{Kind: QuietNever, Since: cancelledAt}
	d := Decide(at(2026, 2, 10, 10, 4), client(held, other), p)
	if d.Action != ActionDraft || steps(d) != "b:2" {
		t.Fatalf("the other invoice: %s %s", d.Action, steps(d))
	}
	// A waiting draft about a quiet invoice is retired at sending time.
	ds := DraftState{ID: 1, Kind: domain.KindMessage, Stage: 2, InvoiceIDs: []int64{tid("a")}, CreatedAt: at(2026, 2, 9, 10, 0),
		HoldUntil: at(2026, 2, 10, 9, 0), Status: domain.DraftApproved}
	ok, r := ShouldSend(at(2026, 2, 10, 10, 5), ds, client(held), p, domain.ModeReview)
	if ok || r != ReasonQuiet || !r.Supersedes() {
		t.Fatalf("ShouldSend on a quiet invoice: %v %s", ok, r)
	}
}

// SendTime states when an approved draft goes, and ShouldSend lets it go
// exactly then: never before, and on the first pass at or after it.
func TestSendTimeAgreesWithShouldSend(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	created := at(2026, 1, 13, 15, 0) // Tuesday afternoon: held until Wednesday's review time
	base := DraftState{ID: 1, Kind: domain.KindMessage, Stage: 2, InvoiceIDs: []int64{tid("a")}, CreatedAt: created,
		HoldUntil: p.HoldUntil(created), Status: domain.DraftApproved}
	c := client(inv("a", day(2026, 1, 5), 1))
	lifted, now := base, base
	lifted.HoldLifted = true
	now.SendNow = true
	gap := c
	gap.LastContact = at(2026, 1, 13, 10, 0)
	away := c
	away.OutOfOfficeUntil = at(2026, 1, 19, 14, 0)
	tests := []struct {
		name string
		now  time.Time
		d    DraftState
		c    ClientState
		want time.Time
	}{
		{name: "approved before the hold: the first slot after it", now: at(2026, 1, 13, 16, 0), d: base, c: c,
			want: maxTime(p.HoldUntil(created), at(2026, 1, 14, 9, 0))},
		{name: "hold lifted inside the window: now", now: at(2026, 1, 13, 10, 30), d: withCreated(lifted, at(2026, 1, 13, 10, 0)), c: c,
			want: at(2026, 1, 13, 10, 30)},
		{name: "hold lifted outside the window: next opening", now: at(2026, 1, 13, 16, 0), d: lifted, c: c, want: at(2026, 1, 14, 9, 0)},
		{name: "hold lifted on Friday evening: Monday", now: at(2026, 1, 16, 18, 0), d: withCreated(lifted, at(2026, 1, 16, 17, 0)), c: c,
			want: at(2026, 1, 19, 9, 0)},
		{name: "minimum gap", now: at(2026, 1, 13, 16, 0), d: base, c: gap,
			want: p.NextSendTime(p.Calendar.AddBusinessDays(gap.LastContact, p.MinGap))},
		{name: "client away", now: at(2026, 1, 13, 16, 0), d: base, c: away, want: at(2026, 1, 20, 9, 0)},
		{name: "send now: now, whatever the hour", now: at(2026, 1, 13, 22, 0), d: now, c: gap, want: at(2026, 1, 13, 22, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.SendTime(tt.now, tt.d, tt.c)
			if !got.Equal(tt.want) {
				t.Fatalf("SendTime = %v, want %v", got, tt.want)
			}
			if ok, r := ShouldSend(got, tt.d, tt.c, p, domain.ModeReview); !ok {
				t.Fatalf("ShouldSend at the stated time: %s", r)
			}
			if before := got.Add(-time.Minute); !before.Before(tt.now) {
				if ok, _ := ShouldSend(before, tt.d, tt.c, p, domain.ModeReview); ok {
					t.Fatalf("ShouldSend a minute before the stated time")
				}
			}
		})
	}
	// "Send now" still respects the client's state.
	paid := c
	paid.Invoices = []InvoiceState{c.Invoices[0]}
	paid.Invoices[0].State = domain.StatePaid
	if ok, r := ShouldSend(at(2026, 1, 13, 22, 0), now, paid, p, domain.ModeReview); ok || r != ReasonPaid {
		t.Fatalf("send now to a client who paid: %v %s", ok, r)
	}
}

func withCreated(d DraftState, t time.Time) DraftState {
	d.CreatedAt, d.HoldUntil = t, t
	return d
}

func maxTime(a, b time.Time) time.Time { return laterOf(a, b) }

func TestOwnsDraftCopy(t *testing.T) {
	tests := []struct {
		key, copyKey string
		legacy, want bool
	}{
		{"k1", "k1", false, true},
		{"k1", "k2", false, false}, // another installation on the same mailbox
		{"k1", "k2", true, false},
		{"k1", "", false, false}, // a bare number names nobody
		{"k1", "", true, true},   // a copy made before installations had keys
		{"", "", false, false},
		{"", "k2", false, false},
	}
	for _, tt := range tests {
		if got := OwnsDraftCopy(tt.key, tt.copyKey, tt.legacy); got != tt.want {
			t.Errorf("OwnsDraftCopy(%q, %q, %v) = %v", tt.key, tt.copyKey, tt.legacy, got)
		}
	}
}

func TestEditMatches(t *testing.T) {
	to := []string{"compta@dupont.fr"}
	nums := []string{"F-2026-0142", "F-2026-0150"}
	tests := []struct {
		name          string
		copyTo, cc    []string
		subject, text string
		want          bool
	}{
		{name: "same recipients, both invoices", copyTo: []string{"Compta@Dupont.fr"}, subject: "Factures F-2026-0142 et F-2026-0150", text: "Bonjour", want: true},
		{name: "invoices named in the text", copyTo: to, subject: "Rappel", text: "factures f-2026-0142, F-2026-0150", want: true},
		{name: "another client", copyTo: []string{"achats@martin.fr"}, subject: "Factures F-2026-0142 et F-2026-0150", text: "x"},
		{name: "a recipient added", copyTo: []string{"compta@dupont.fr", "boss@dupont.fr"}, subject: "F-2026-0142 F-2026-0150"},
		{name: "a cc added", copyTo: to, cc: []string{"boss@dupont.fr"}, subject: "F-2026-0142 F-2026-0150"},
		{name: "an invoice missing", copyTo: to, subject: "Facture F-2026-0142", text: "Bonjour"},
		{name: "another client's text", copyTo: to, subject: "Facture F-2026-0999", text: "Mise en demeure"},
	}
	for _, tt := range tests {
		if got, why := EditMatches(to, nil, tt.copyTo, tt.cc, nums, tt.subject, tt.text); got != tt.want || (!got && why == "") {
			t.Errorf("%s: %v %q", tt.name, got, why)
		}
	}
}
