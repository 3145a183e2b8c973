package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// paris returns local times for the tests; every expected instant is
// written in Paris time unless it says otherwise.
func parisAt(t testing.TB) func(y int, m time.Month, d, h, min int) time.Time {
	loc := mustLoc(t, "Europe/Paris")
	return func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
}

// tid is the id a test's invoice or question named by a short word ("a",
// "q1") stands for: the word's bytes as a number, so tname gives the word
// back and expectations can still be written with the names.
func tid(name string) int64 {
	var n int64
	for i := 0; i < len(name) && i < 7; i++ {
		n = n<<8 | int64(name[i])
	}
	return n
}

// tname is the word tid made id from.
func tname(id int64) string {
	var b []byte
	for ; id > 0; id >>= 8 {
		b = append([]byte{byte(id & 0xff)}, b...)
	}
	return string(b)
}

// names lists the words the ids stand for, comma-separated.
func names(ids []int64) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = tname(id)
	}
	return strings.Join(out, ",")
}

func inv(id string, due Date, last int) InvoiceState {
	return InvoiceState{ID: tid(id), Number: "F-" + id, Amount: decimal.NewFromInt(1200), Balance: decimal.NewFromInt(1200),
		Currency: "EUR", DueDate: due, State: domain.StateOpen, LastStageSent: last}
}

func client(invs ...InvoiceState) ClientState {
	return ClientState{Client: Client{ID: 1, Name: "Client", Emails: []string{"compta@client.example"}}, Invoices: invs}
}

func steps(d Decision) string {
	var parts []string
	for _, s := range d.Invoices {
		parts = append(parts, fmt.Sprintf("%s:%d", tname(s.ID), s.Stage))
	}
	return strings.Join(parts, ",")
}

func with(c ClientState, f func(*ClientState)) ClientState { f(&c); return c }

func withInv(i InvoiceState, f func(*InvoiceState)) InvoiceState { f(&i); return i }

// Default ladder: 1 courtesy −3 (off), 2 friendly +7, 3 second +21 (plan),
// 4 call +30, 5 formal notice +45, 6 hand-off +60.
func TestDecide(t *testing.T) {
	at := parisAt(t)
	def := defaultPolicy(t)
	withCourtesy := defaultPolicy(t)
	lad := *withCourtesy.Ladders["standard"]
	lad.Stages = append([]Stage(nil), lad.Stages...)
	lad.Stages[0].Enabled = true
	withCourtesy.Ladders = map[string]*Ladder{"standard": &lad}
	excluding, err := ParseBytes([]byte(`{"clients": {"1": {"excluded": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	excludingAddr, err := ParseBytes([]byte(`{"clients": {"Compta@Client.example": {"excluded": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	addressing, err := ParseBytes([]byte(`{"clients": {"1": {"to": ["ap@client.example"], "language": "en"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	now := at(2026, 1, 13, 10, 0) // a Tuesday
	holdWed := at(2026, 1, 14, 9, 0)

	type want struct {
		action    Action
		reason    Reason
		stage     int
		invoices  string
		mentioned string
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
		{name: "no invoice", c: client(), want: want{action: ActionNone, reason: ReasonNothingOpen}},
		{name: "only paid or cancelled invoices", c: client(
			withInv(inv("a", day(2025, 12, 1), 0), func(i *InvoiceState) { i.State = domain.StatePaid }),
			withInv(inv("b", day(2025, 12, 1), 0), func(i *InvoiceState) { i.State = domain.StateCancelled }),
			withInv(inv("c", day(2025, 12, 1), 0), func(i *InvoiceState) { i.State = domain.StateWrittenOff }),
		), want: want{action: ActionNone, reason: ReasonNothingOpen}},
		{name: "zero balance is closed", c: client(withInv(inv("a", day(2025, 12, 1), 0), func(i *InvoiceState) { i.Balance = decimal.Zero })),
			want: want{action: ActionNone, reason: ReasonNothingOpen}},
		{name: "not yet due: wakes up on the friendly date", c: client(inv("a", day(2026, 1, 10), 0)),
			want: want{action: ActionNone, reason: ReasonNotYetDue, notBefore: at(2026, 1, 17, 0, 0)}},
		{name: "friendly due: held until tomorrow 09:00", c: client(inv("a", day(2026, 1, 5), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.HoldUntil.Equal(holdWed) || d.StageName != "friendly" || d.Template != "friendly" || d.RequiresApproval ||
					d.OfferPaymentPlan || d.Language != "fr" || d.To[0] != "compta@client.example" {
					t.Errorf("decision %+v", d)
				}
			}},
		{name: "friendly on its exact day", c: client(inv("a", day(2026, 1, 6), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "friendly the day before", c: client(inv("a", day(2026, 1, 7), 0)),
			want: want{action: ActionNone, reason: ReasonNotYetDue, notBefore: at(2026, 1, 14, 0, 0)}},
		{name: "friday draft waits for monday", now: at(2026, 1, 16, 15, 0), c: client(inv("a", day(2026, 1, 9), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 1, 19, 9, 0)}},
		{name: "good friday draft skips easter monday", now: at(2026, 4, 3, 10, 0), c: client(inv("a", day(2026, 3, 27), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 4, 7, 9, 0)}},
		{name: "armistice eve draft waits for thursday", now: at(2026, 11, 10, 10, 0), c: client(inv("a", day(2026, 11, 2), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 11, 12, 9, 0)}},
		{name: "draft before DST change", now: at(2026, 3, 27, 16, 0), c: client(inv("a", day(2026, 3, 20), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)}},
		{name: "second reminder offers a plan", c: client(inv("a", day(2025, 12, 20), 2)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 3, invoices: "a:3", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.OfferPaymentPlan || d.StageName != "second" {
					t.Errorf("decision %+v", d)
				}
			}},
		{name: "call task is immediate", c: client(inv("a", day(2025, 12, 10), 3)),
			want: want{action: ActionCallTask, reason: ReasonStageDue, stage: 4, invoices: "a:4", notBefore: now}},
		{name: "formal notice needs approval and states penalties", c: client(inv("a", day(2025, 11, 25), 4)),
			want: want{action: ActionFormalNotice, reason: ReasonStageDue, stage: 5, invoices: "a:5", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.RequiresApproval || !d.LatePenalties || d.B2C {
					t.Errorf("decision %+v", d)
				}
			}},
		{name: "formal notice to a consumer has no penalties",
			c:    with(client(inv("a", day(2025, 11, 25), 4)), func(c *ClientState) { c.Client.B2C = true }),
			want: want{action: ActionFormalNotice, reason: ReasonStageDue, stage: 5, invoices: "a:5", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.RequiresApproval || d.LatePenalties || !d.B2C {
					t.Errorf("decision %+v", d)
				}
			}},
		{name: "hand-off flag", c: client(inv("a", day(2025, 11, 10), 5)),
			want: want{action: ActionHandOff, reason: ReasonStageDue, stage: 6, invoices: "a:6", notBefore: now}},
		{name: "ladder done", c: client(inv("a", day(2025, 10, 1), 6)),
			want: want{action: ActionNone, reason: ReasonLadderDone}},
		{name: "catch-up never skips: first reminder first", c: client(inv("a", day(2025, 11, 1), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "catch-up after the first: second", c: client(inv("a", day(2025, 11, 1), 2)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 3, invoices: "a:3", notBefore: holdWed}},
		{name: "grouping: highest stage, each invoice one step, others mentioned",
			c: client(inv("a", day(2026, 1, 5), 0), inv("b", day(2025, 12, 20), 2), inv("c", day(2026, 1, 12), 0),
				inv("d", day(2026, 2, 1), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 3, invoices: "a:2,b:3", mentioned: "c", notBefore: holdWed}},
		{name: "grouping never puts a reminder into a formal notice",
			c:    client(inv("a", day(2025, 11, 25), 4), inv("b", day(2026, 1, 5), 0)),
			want: want{action: ActionFormalNotice, reason: ReasonStageDue, stage: 5, invoices: "a:5", notBefore: holdWed}},
		{name: "two formal notices grouped", c: client(inv("a", day(2025, 11, 25), 4), inv("b", day(2025, 11, 20), 4)),
			want: want{action: ActionFormalNotice, reason: ReasonStageDue, stage: 5, invoices: "a:5,b:5", notBefore: holdWed}},
		{name: "human tasks before messages", c: client(inv("a", day(2025, 12, 10), 3), inv("b", day(2026, 1, 5), 0)),
			want: want{action: ActionCallTask, reason: ReasonStageDue, stage: 4, invoices: "a:4", notBefore: now}},
		{name: "min gap: wait, then draft the working day before it ends",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.LastContact = at(2026, 1, 12, 10, 0) }),
			want: want{action: ActionNone, reason: ReasonMinGap, notBefore: at(2026, 1, 16, 0, 0)}}, // gap ends Mon 19 10:00
		{name: "min gap ended before the hold",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.LastContact = at(2026, 1, 6, 15, 0) }),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "min gap ends on the hold day, inside the window",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.LastContact = at(2026, 1, 7, 11, 30) }),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 1, 14, 11, 30)}},
		{name: "min gap ends on the hold day, after the window",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.LastContact = at(2026, 1, 7, 12, 30) }),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 1, 15, 9, 0)}},
		{name: "min gap across easter monday", now: at(2026, 4, 2, 10, 0),
			c:    with(client(inv("a", day(2026, 3, 20), 0)), func(c *ClientState) { c.LastContact = at(2026, 3, 30, 10, 0) }),
			want: want{action: ActionNone, reason: ReasonMinGap, notBefore: at(2026, 4, 3, 0, 0)}}, // gap ends Tue 7 April 10:00
		{name: "min gap ending good friday", now: at(2026, 4, 2, 10, 0),
			c:    with(client(inv("a", day(2026, 3, 20), 0)), func(c *ClientState) { c.LastContact = at(2026, 3, 27, 10, 0) }),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: at(2026, 4, 3, 10, 0)}},
		{name: "call task waits for the min gap",
			c:    with(client(inv("a", day(2025, 12, 10), 3)), func(c *ClientState) { c.LastContact = at(2026, 1, 12, 10, 0) }),
			want: want{action: ActionNone, reason: ReasonMinGap, notBefore: at(2026, 1, 19, 10, 0)}},
		{name: "inbound quiet",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.LastInbound = at(2026, 1, 13, 8, 0) }),
			want: want{action: ActionNone, reason: ReasonInboundQuiet, notBefore: at(2026, 1, 14, 0, 0)}}, // quiet ends Thu 15 08:00
		{name: "pending draft",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.PendingDraft = &PendingDraft{ID: 1, Stage: 2} }),
			want: want{action: ActionNone, reason: ReasonDraftPending}},
		{name: "pending draft does not hold back a call task",
			c: with(client(inv("a", day(2025, 12, 10), 3)), func(c *ClientState) {
				c.PendingDraft = &PendingDraft{ID: 1, Stage: 2}
			}),
			want: want{action: ActionCallTask, reason: ReasonStageDue, stage: 4, invoices: "a:4", notBefore: now}},
		{name: "out of office until return",
			c: with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) {
				c.OutOfOfficeUntil = at(2026, 1, 20, 8, 0)
			}),
			want: want{action: ActionNone, reason: ReasonOutOfOffice, notBefore: at(2026, 1, 20, 8, 0)}},
		{name: "out of office over: chase again",
			c: with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) {
				c.OutOfOfficeUntil = at(2026, 1, 12, 8, 0)
			}),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "out of office holds back a call task",
			c: with(client(inv("a", day(2025, 12, 10), 3)), func(c *ClientState) {
				c.OutOfOfficeUntil = at(2026, 1, 20, 8, 0)
			}),
			want: want{action: ActionNone, reason: ReasonOutOfOffice, notBefore: at(2026, 1, 20, 8, 0)}},
		{name: "out of office does not hold back the hand-off flag",
			c: with(client(inv("a", day(2025, 11, 10), 5)), func(c *ClientState) {
				c.OutOfOfficeUntil = at(2026, 1, 20, 8, 0)
			}),
			want: want{action: ActionHandOff, reason: ReasonStageDue, stage: 6, invoices: "a:6", notBefore: now}},
		{name: "excluded by the policy file", p: excluding, c: client(inv("a", day(2026, 1, 5), 0)),
			want: want{action: ActionNone, reason: ReasonExcluded}},
		{name: "excluded by the policy file by address", p: excludingAddr,
			c:    client(inv("a", day(2026, 1, 5), 0)),
			want: want{action: ActionNone, reason: ReasonExcluded}},
		{name: "grievance on the client",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.ClientFlags = []domain.FlagKind{domain.FlagGrievance} }),
			want: want{action: ActionNone, reason: ReasonGrievance}},
		{name: "grievance on one invoice pauses the whole client",
			c: client(inv("a", day(2026, 1, 5), 0),
				withInv(inv("b", day(2025, 11, 1), 2), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagGrievance} })),
			want: want{action: ActionNone, reason: ReasonGrievance}},
		{name: "hardship pauses the whole client",
			c: client(inv("a", day(2026, 1, 5), 0),
				withInv(inv("b", day(2025, 11, 1), 2), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagHardship} })),
			want: want{action: ActionNone, reason: ReasonHardship}},
		{name: "other client flag",
			c:    with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.ClientFlags = []domain.FlagKind{"bounce"} }),
			want: want{action: ActionNone, reason: ReasonOpenFlag}},
		{name: "a dispute pauses its invoice only",
			c: client(inv("a", day(2026, 1, 5), 0),
				withInv(inv("b", day(2025, 12, 20), 2), func(i *InvoiceState) { i.State = domain.StateDisputed })),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if len(d.Paused) != 1 || d.Paused[0].ID != tid("b") || d.Paused[0].Reason != ReasonDisputed {
					t.Errorf("paused %+v", d.Paused)
				}
			}},
		{name: "dispute flag on the only invoice",
			c:    client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagDispute} })),
			want: want{action: ActionNone, reason: ReasonDisputed}},
		{name: "open bounce flag on the invoice",
			c:    client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{"bounce"} })),
			want: want{action: ActionNone, reason: ReasonOpenFlag}},
		// The self-check of our own invoice holds its first reminder until
		// the owner resolves the flag (accepts the invoice) or a corrected
		// invoice replaces it; the engine raises it before the first
		// reminder only, so a ladder under way is not stopped by it.
		{name: "self-check flag holds the first reminder",
			c:    client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagSelfCheck} })),
			want: want{action: ActionNone, reason: ReasonOpenFlag}},
		{name: "self-check flag resolved: the first reminder is due",
			c:    client(inv("a", day(2026, 1, 5), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "self-check flag holds its invoice only",
			c: client(inv("a", day(2026, 1, 5), 0),
				withInv(inv("b", day(2026, 1, 2), 0), func(i *InvoiceState) { i.OpenFlags = []domain.FlagKind{domain.FlagSelfCheck} })),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if len(d.Paused) != 1 || d.Paused[0].ID != tid("b") || d.Paused[0].Reason != ReasonOpenFlag {
					t.Errorf("paused %+v", d.Paused)
				}
			}},
		{name: "promise before its date", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 15)
		})), want: want{action: ActionNone, reason: ReasonPromised, notBefore: at(2026, 1, 20, 0, 0)}}, // 15 + 2 working days = Mon 19
		{name: "promise within grace", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 9)
		})), want: want{action: ActionNone, reason: ReasonPromised, notBefore: at(2026, 1, 14, 0, 0)}}, // Fri 9 + 2 = Tue 13
		{name: "broken promise moves on", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 8)
		})), want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if len(d.Signals) != 1 || d.Signals[0].Kind != SignalBrokenPromise || d.Signals[0].InvoiceID != tid("a") ||
					d.Signals[0].Date != day(2026, 1, 8) {
					t.Errorf("signals %+v", d.Signals)
				}
			}},
		{name: "promise without a date counts from when it was made", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.StateSince = domain.StatePromised, at(2026, 1, 12, 16, 0)
		})), want: want{action: ActionNone, reason: ReasonPromised, notBefore: at(2026, 1, 15, 0, 0)}},
		{name: "payment claimed", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 12, 16, 0)
		})), want: want{action: ActionNone, reason: ReasonPaymentClaimed, notBefore: at(2026, 1, 19, 0, 0)}},
		{name: "payment claim unconfirmed: ask the human", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 6, 10, 0)
		})), want: want{action: ActionPaymentCheck, reason: ReasonPaymentCheck, invoices: "a:0", notBefore: now}},
		{name: "payment check already open", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.StateSince, i.OpenFlags = domain.StatePaidClaimed, at(2026, 1, 6, 10, 0), []domain.FlagKind{domain.FlagPaymentCheck}
		})), want: want{action: ActionNone, reason: ReasonOpenFlag}},
		{name: "payment plan", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.State = domain.StatePlan })),
			want: want{action: ActionNone, reason: ReasonPaymentPlan}},
		{name: "on hold", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.State = domain.StateOnHold })),
			want: want{action: ActionNone, reason: ReasonOnHold}},
		{name: "on hold until a date", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.PausedUntil = domain.StateOnHold, at(2026, 2, 1, 0, 0)
		})), want: want{action: ActionNone, reason: ReasonOnHold, notBefore: at(2026, 2, 1, 0, 0)}},
		{name: "on hold until a past date: chase again", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.State, i.PausedUntil = domain.StateOnHold, at(2026, 1, 10, 0, 0)
		})), want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "open invoice paused until a date", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) {
			i.PausedUntil = at(2026, 1, 20, 0, 0)
		})), want: want{action: ActionNone, reason: ReasonPaused, notBefore: at(2026, 1, 20, 0, 0)}},
		{name: "several pauses", c: client(
			withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.State = domain.StateDisputed }),
			withInv(inv("b", day(2026, 1, 5), 0), func(i *InvoiceState) { i.State = domain.StatePlan }),
		), want: want{action: ActionNone, reason: ReasonSeveralPauses}},
		{name: "unknown state is never chased", c: client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.State = "weird" })),
			want: want{action: ActionNone, reason: ReasonOnHold}},
		{name: "no address", c: with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) { c.Client.Emails = nil }),
			want: want{action: ActionNone, reason: ReasonNoRecipient}},
		{name: "the policy file's override by client id gives the address", p: addressing,
			c: with(client(inv("a", day(2026, 1, 5), 0)), func(c *ClientState) {
				c.Client.Emails = nil
			}),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if d.Language != "en" || len(d.To) != 1 || d.To[0] != "ap@client.example" {
					t.Errorf("decision %+v", d)
				}
			}},
		{name: "after a dispute every message needs approval",
			c:    client(withInv(inv("a", day(2026, 1, 5), 0), func(i *InvoiceState) { i.DisputedBefore = true })),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed},
			more: func(t *testing.T, d Decision) {
				if !d.RequiresApproval {
					t.Error("RequiresApproval = false")
				}
			}},
		{name: "unknown due date: 30 days after issue",
			c:    client(withInv(inv("a", Date{}, 0), func(i *InvoiceState) { i.IssueDate = day(2025, 12, 6) })),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "no date at all: not chased", c: client(inv("a", Date{}, 0)),
			want: want{action: ActionNone, reason: ReasonOnHold}},
		{name: "courtesy before the due date", p: withCourtesy, c: client(inv("a", day(2026, 1, 15), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 1, invoices: "a:1", notBefore: holdWed}},
		{name: "courtesy dropped once overdue", p: withCourtesy, c: client(inv("a", day(2026, 1, 5), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "a:2", notBefore: holdWed}},
		{name: "courtesy not mixed with an overdue reminder", p: withCourtesy,
			c:    client(inv("a", day(2026, 1, 15), 0), inv("b", day(2026, 1, 5), 0)),
			want: want{action: ActionDraft, reason: ReasonStageDue, stage: 2, invoices: "b:2", notBefore: holdWed}},
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
			if got := names(d.Mentioned); got != tt.want.mentioned {
				t.Errorf("mentioned %q, want %q", got, tt.want.mentioned)
			}
			if !d.NotBefore.Equal(tt.want.notBefore) {
				t.Errorf("NotBefore %s, want %s", d.NotBefore.In(p.Location), tt.want.notBefore.In(p.Location))
			}
			if d.Action == ActionDraft || d.Action == ActionFormalNotice {
				if d.NotBefore.Before(d.HoldUntil) || !p.InSendWindow(d.NotBefore) {
					t.Errorf("NotBefore %s before hold %s or outside window", d.NotBefore, d.HoldUntil)
				}
			}
			if tt.more != nil {
				tt.more(t, d)
			}
		})
	}
}

func TestDecideUncompiledPolicyDoesNothing(t *testing.T) {
	d := Decide(time.Now(), client(inv("a", day(2020, 1, 1), 0)), Policy{})
	if d.Action != ActionNone {
		t.Fatalf("zero Policy acted: %+v", d)
	}
}

func TestDecideOtherLadderPerClient(t *testing.T) {
	at := parisAt(t)
	p, err := ParseBytes([]byte(`{"ladders": {
		"standard": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 7}]},
		"gentle": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 15}]}},
		"clients": {"@slow.example": {"ladder": "gentle"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := client(inv("a", day(2026, 1, 1), 0))
	if d := Decide(at(2026, 1, 13, 10, 0), c, p); d.Action != ActionDraft {
		t.Fatalf("standard: %s %s", d.Action, d.Reason)
	}
	c.Client.Emails = []string{"boss@Slow.example"}
	d := Decide(at(2026, 1, 13, 10, 0), c, p)
	if d.Action != ActionNone || !d.NotBefore.Equal(at(2026, 1, 16, 0, 0)) {
		t.Fatalf("gentle: %s %s %s", d.Action, d.Reason, d.NotBefore)
	}
}

// simulate runs Decide and ShouldSend every half hour like the daemon would,
// approving every draft at once, and returns what happened. down reports
// the instants when the daemon is not running.
type simEvent struct {
	at    time.Time
	what  Action
	stage int
	ids   string
	made  time.Time // draft creation, for sends
}

func simulate(t *testing.T, p Policy, c ClientState, from, to time.Time, down func(time.Time) bool) []simEvent {
	t.Helper()
	var events []simEvent
	var draft *DraftState
	var draftSteps []InvoiceStep
	apply := func(st []InvoiceStep) {
		for _, s := range st {
			for i := range c.Invoices {
				if c.Invoices[i].ID == s.ID && s.Stage > c.Invoices[i].LastStageSent {
					c.Invoices[i].LastStageSent = s.Stage
				}
			}
		}
	}
	for now := from; now.Before(to); now = now.Add(30 * time.Minute) {
		if down != nil && down(now) {
			continue
		}
		if draft != nil {
			ok, r := ShouldSend(now, *draft, c, p, domain.ModeReview)
			switch {
			case ok:
				apply(draftSteps)
				c.LastContact = now
				events = append(events, simEvent{now, "sent", draft.Stage, steps(Decision{Invoices: draftSteps}), draft.CreatedAt})
				draft, c.PendingDraft = nil, nil
			case r.Supersedes():
				t.Fatalf("%s: draft superseded: %s", now, r)
			}
			continue
		}
		for i := 0; i < 5; i++ { // apply tasks until a draft or nothing
			d := Decide(now, c, p)
			switch d.Action {
			case ActionNone:
			case ActionDraft, ActionFormalNotice:
				kind := domain.KindMessage
				if d.Action == ActionFormalNotice {
					kind = domain.KindFormalNotice
				}
				ids := make([]int64, len(d.Invoices))
				for j, s := range d.Invoices {
					ids[j] = s.ID
				}
				draft = &DraftState{ID: 1, Kind: kind, Stage: d.Stage, InvoiceIDs: ids, CreatedAt: now,
					HoldUntil: d.HoldUntil, Status: domain.DraftApproved}
				draftSteps = d.Invoices
				c.PendingDraft = &PendingDraft{ID: 1, Stage: d.Stage, CreatedAt: now}
				events = append(events, simEvent{now, d.Action, d.Stage, steps(d), now})
			default:
				apply(d.Invoices)
				if d.Action == ActionCallTask {
					c.LastContact = now
				}
				events = append(events, simEvent{now, d.Action, d.Stage, steps(d), now})
				continue
			}
			break
		}
	}
	return events
}

func TestCatchUpAfterTenDaysDown(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	// Due Monday 1 December 2025: friendly 8 Dec, second 22 Dec, call 31 Dec,
	// formal notice 15 Jan, hand-off 30 Jan. The daemon is down from
	// 19 December to 29 December (10 days), across the second and the call.
	c := client(inv("a", day(2025, 12, 1), 0), inv("b", day(2025, 12, 12), 0))
	down := func(t time.Time) bool { return !t.Before(at(2025, 12, 19, 0, 0)) && t.Before(at(2025, 12, 29, 0, 0)) }
	events := simulate(t, p, c, at(2025, 12, 1, 0, 0), at(2026, 3, 15, 0, 0), down)

	last := map[string]int{}
	var lastSend time.Time
	for _, e := range events {
		t.Logf("%s %-13s stage %d %s", e.at.In(p.Location).Format("Mon 2006-01-02 15:04"), e.what, e.stage, e.ids)
		if down(e.at) {
			t.Errorf("event while down: %+v", e)
		}
		if e.what == ActionDraft || e.what == ActionFormalNotice {
			continue // counted when sent
		}
		for _, part := range strings.Split(e.ids, ",") {
			var id string
			var st int
			if _, err := fmt.Sscanf(strings.Replace(part, ":", " ", 1), "%s %d", &id, &st); err != nil {
				t.Fatal(err)
			}
			if prev := last[id]; st != nextEnabled(p, prev) {
				t.Errorf("%s: invoice %s went from stage %d to %d", e.at, id, prev, st)
			}
			last[id] = st
		}
		if e.what == "sent" {
			if !p.InSendWindow(e.at) || e.at.Before(p.HoldUntil(e.made)) {
				t.Errorf("sent at %s: outside window or before hold (made %s)", e.at, e.made)
			}
			if !lastSend.IsZero() && e.at.Before(p.Calendar.AddBusinessDays(lastSend, p.MinGap)) {
				t.Errorf("sent at %s less than %d working days after %s", e.at, p.MinGap, lastSend)
			}
			lastSend = e.at
		}
	}
	if last["a"] != 6 || last["b"] != 6 {
		t.Errorf("final stages a=%d b=%d, want both 6 (hand-off)", last["a"], last["b"])
	}
}

func nextEnabled(p Policy, last int) int {
	s, _ := p.Ladders["standard"].next(last, true)
	return s.Number
}

func TestDecideInOtherTimeZones(t *testing.T) {
	// One instant, 2026-03-09T03:30Z: Sunday 23:30 in New York (EDT since
	// 8 March), Monday 04:30 in Paris (CET), Monday 12:30 in Tokyo. The
	// friendly reminder of an invoice due 2 March falls on Monday 9 March.
	instant := time.Date(2026, 3, 9, 3, 30, 0, 0, time.UTC)
	tests := []struct {
		zone      string
		action    Action
		notBefore time.Time // UTC
	}{
		{"America/New_York", ActionNone, time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC)}, // Monday 00:00 EDT
		{"Europe/Paris", ActionDraft, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)},   // Tuesday 09:00 CET
		{"Asia/Tokyo", ActionDraft, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)},     // Tuesday 09:00 JST
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			p, err := ParseBytes([]byte(`{"time_zone": "` + tt.zone + `", "holidays": "none"}`))
			if err != nil {
				t.Fatal(err)
			}
			d := Decide(instant, client(inv("a", day(2026, 3, 2), 0)), p)
			if d.Action != tt.action || !d.NotBefore.Equal(tt.notBefore) {
				t.Errorf("got %s at %s, want %s at %s", d.Action, d.NotBefore.UTC(), tt.action, tt.notBefore)
			}
		})
	}
}
