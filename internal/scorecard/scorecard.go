// Package scorecard knows each client from its history: how many invoices,
// how much billed, how late it pays (median and worst), how many reminders
// it needed, which promises it kept or broke, its disputes and the tone of its
// recent replies; from those a segment (new or regular; punctual, occasional
// or chronic late payer) and advice for the next order (deposit, prepayment,
// standard terms, purchase order, no more credit), each with its reason in
// French and English.
//
// It is pure: no I/O and no clock. The caller hands in the history and
// "now", so every figure can be checked by hand against a table of dates.
//
// Dates are civil dates: a time.Time counts as the calendar day it shows in
// its own location, so a due date stored as midnight UTC and "now" in the
// business's time zone compare by day without drifting across zones.
package scorecard

import (
	"slices"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// History is everything known about one client.
type History struct {
	Invoices []Invoice
	// Promises to pay, each tied to an invoice by its number where known.
	Promises []Promise
	// Disputes the client raised (a reply read as a dispute, or one the
	// owner recorded).
	Disputes []Dispute
	// Replies from the client with the tone each was read in.
	Replies []Reply
}

// Invoice is one invoice of the client with what happened to it.
type Invoice struct {
	Number string
	Issued time.Time // zero when unknown
	Due    time.Time // zero when unknown: Issued + DefaultTermDays is used
	// Amount is the total including VAT.
	Amount decimal.Decimal
	// Credited is the total of the credit notes against this invoice.
	Credited decimal.Decimal
	// Cancelled: the invoice was cancelled (sent by mistake, replaced); it
	// is left out of every figure. A written-off invoice is not cancelled:
	// the client never paid it, and it counts as still open.
	Cancelled bool
	Payments  []Payment
	// Reminders sent for this invoice (messages and formal notices).
	Reminders []Reminder
}

// Payment is money received against an invoice.
type Payment struct {
	On     time.Time
	Amount decimal.Decimal
}

// Reminder is one reminder sent.
type Reminder struct {
	// Stage is the ladder stage's name (friendly, second, formal_notice…);
	// it is carried for display, the figures only use Sent and Formal.
	Stage string
	Sent  time.Time
	// Formal: the reminder was a formal notice (mise en demeure).
	Formal bool
}

// Promise is a client's word that it will pay by a date.
type Promise struct {
	// Invoice is the number of the invoice promised; empty when the reply
	// could not be tied to one.
	Invoice string
	Made    time.Time
	For     time.Time
	// Amount promised; zero means the whole balance.
	Amount decimal.Decimal
	// Recorded is the outcome the owner logged, used only when the
	// payments cannot tell (no invoice tied to the promise).
	Recorded Outcome
}

// Outcome of a promise.
type Outcome string

// Outcomes of a promise.
const (
	// OutcomePending: the promised day (plus grace) has not passed, or
	// nothing tells whether it was kept.
	OutcomePending Outcome = ""
	OutcomeKept    Outcome = "kept"
	OutcomeBroken  Outcome = "broken"
)

// Dispute is a disagreement the client raised about an invoice.
type Dispute struct {
	Invoice string
	Raised  time.Time
}

// Reply is one reply from the client and the tone it was read in.
type Reply struct {
	At   time.Time
	Tone Tone
}

// Tone is how a reply reads, from the calmest to the harshest.
type Tone string

// Tones, from the calmest to the harshest.
const (
	ToneCordial Tone = "cordial"
	ToneNeutral Tone = "neutral"
	ToneTense   Tone = "tense"
	ToneHostile Tone = "hostile"
)

// Tones lists every tone from the calmest to the harshest.
func Tones() []Tone { return []Tone{ToneCordial, ToneNeutral, ToneTense, ToneHostile} }

// rank orders tones; an unknown tone ranks as neutral, which is what a
// reply with no marked tone reads as.
func (t Tone) rank() int {
	if i := slices.Index(Tones(), t); i >= 0 {
		return i
	}
	return 1
}

// Figures of the history, before any judgement.
const (
	// DefaultTermDays stands in for an unknown due date: the French
	// default term when nothing was agreed (Code de commerce L441-10 I:
	// the thirtieth day after delivery or service).
	DefaultTermDays = 30
	// PromiseGraceDays is how long after the promised day a payment still
	// keeps the promise: a transfer ordered on that day reaches the
	// account one to three business days later, more over a weekend.
	PromiseGraceDays = 3
	// RecentReplies and RecentReplyDays bound the replies whose tone the
	// card shows: the five latest of the last year. The tone is about the
	// relationship now; an old quarrel settled since should not colour it.
	RecentReplies   = 5
	RecentReplyDays = 365
)

// Card is a client's scorecard.
type Card struct {
	// Invoices counts the invoices still to be collected in full or in
	// part: neither cancelled nor fully credited.
	Invoices int
	// LeftOut counts the cancelled and fully credited invoices.
	LeftOut int
	// Billed is the sum of the counted invoices' amounts less their
	// credit notes; Paid what was received against them; Outstanding the
	// rest (never below zero per invoice).
	Billed      decimal.Decimal
	Paid        decimal.Decimal
	Outstanding decimal.Decimal

	// Measured counts the invoices whose lateness is known: settled ones
	// (paid − due, zero when paid on time) and open ones past due (now −
	// due, a figure that can only grow). Open invoices not yet due are not
	// measured: counting them as on time would flatter the client.
	Measured int
	// Overdue counts the open invoices past due.
	Overdue int
	// Late counts the measured invoices more than LateGraceDays late.
	Late int
	// MedianDaysLate is the median of the measured invoices' days late
	// (the mean of the two middle ones for an even count); WorstDaysLate
	// the largest. Open overdue invoices count with now − due: leaving
	// them out would let a client who stopped paying look punctual on the
	// strength of its old invoices, and their lateness is a floor that
	// only grows, so the median can only be understated, never inflated.
	MedianDaysLate float64
	WorstDaysLate  int
	// OldestOverdueDays is now − due of the oldest open invoice past due,
	// zero without one: the money at risk today, whatever the past.
	OldestOverdueDays int

	// Reminders counts the reminders sent after an invoice's due date
	// (a notice before it is a courtesy, not a reminder the client made
	// necessary); RemindersPerInvoice divides them by Measured, the
	// invoices that had a chance to need one.
	Reminders           int
	RemindersPerInvoice float64
	FormalNotices       int

	PromisesKept    int
	PromisesBroken  int
	PromisesPending int

	Disputes int

	// RecentTones counts the tones of the recent replies (see
	// RecentReplies); Tone is the harshest of them, empty without any:
	// one hostile reply among cordial ones is what the owner must know.
	RecentTones map[Tone]int
	Tone        Tone

	Segment Segment
	Advice  []Advice
}

// line is one counted invoice reduced to what the figures need.
type line struct {
	due, settled day // settled: 0 when still open
	hasDue       bool
	paid         decimal.Decimal
	payments     []Payment
}

// Compute builds the client's scorecard as of now.
func Compute(h History, now time.Time) Card {
	today := dayOf(now)
	var c Card
	lines := map[string]line{}
	var late []int
	var first day
	for _, inv := range h.Invoices {
		toCollect := inv.Amount.Sub(inv.Credited)
		if inv.Cancelled || !toCollect.IsPositive() {
			c.LeftOut++
			continue
		}
		c.Invoices++
		if !inv.Issued.IsZero() && (first == 0 || dayOf(inv.Issued) < first) {
			first = dayOf(inv.Issued)
		}
		l := settle(inv, toCollect)
		c.Billed = c.Billed.Add(toCollect)
		c.Paid = c.Paid.Add(l.paid)
		if rest := toCollect.Sub(l.paid); rest.IsPositive() {
			c.Outstanding = c.Outstanding.Add(rest)
		}
		if inv.Number != "" {
			lines[inv.Number] = l
		}
		if !l.hasDue {
			continue
		}
		switch {
		case l.settled != 0:
			late = append(late, max(0, int(l.settled-l.due)))
		case today > l.due:
			c.Overdue++
			late = append(late, int(today-l.due))
			c.OldestOverdueDays = max(c.OldestOverdueDays, int(today-l.due))
		default:
			continue // not yet due: nothing to measure
		}
		for _, r := range inv.Reminders {
			if dayOf(r.Sent) > l.due {
				c.Reminders++
				if r.Formal {
					c.FormalNotices++
				}
			}
		}
	}
	c.Measured = len(late)
	for _, d := range late {
		if d > LateGraceDays {
			c.Late++
		}
	}
	c.MedianDaysLate, c.WorstDaysLate = medianAndWorst(late)
	if c.Measured > 0 {
		c.RemindersPerInvoice = float64(c.Reminders) / float64(c.Measured)
	}
	for _, p := range h.Promises {
		switch promiseOutcome(p, lines, today) {
		case OutcomeKept:
			c.PromisesKept++
		case OutcomeBroken:
			c.PromisesBroken++
		default:
			c.PromisesPending++
		}
	}
	c.Disputes = len(h.Disputes)
	c.RecentTones, c.Tone = recentTones(h.Replies, today)
	c.Segment = segmentOf(c, first, today)
	c.Advice = advise(c)
	return c
}

// settle finds the day the invoice was paid in full: the day the running
// total of its payments reached what was to collect. A part payment does
// not stop the clock: the invoice is late until the last euro arrives.
func settle(inv Invoice, toCollect decimal.Decimal) line {
	l := line{payments: sortedPayments(inv.Payments)}
	switch {
	case !inv.Due.IsZero():
		l.due, l.hasDue = dayOf(inv.Due), true
	case !inv.Issued.IsZero():
		l.due, l.hasDue = dayOf(inv.Issued)+DefaultTermDays, true
	}
	for _, p := range l.payments {
		l.paid = l.paid.Add(p.Amount)
		if l.settled == 0 && l.paid.GreaterThanOrEqual(toCollect) {
			l.settled = dayOf(p.On)
		}
	}
	return l
}

func sortedPayments(in []Payment) []Payment {
	out := slices.Clone(in)
	sort.SliceStable(out, func(i, j int) bool { return out[i].On.Before(out[j].On) })
	return out
}

// promiseOutcome reads a promise's outcome from the payments of its
// invoice: kept when the promised amount (or the whole balance) arrived by
// the promised day plus PromiseGraceDays, broken when that day passed
// without it. Without a known invoice the owner's recorded outcome stands.
func promiseOutcome(p Promise, lines map[string]line, today day) Outcome {
	l, ok := lines[p.Invoice]
	if !ok || p.For.IsZero() {
		return p.Recorded
	}
	deadline := dayOf(p.For) + PromiseGraceDays
	if p.Amount.IsPositive() {
		var got decimal.Decimal
		for _, pay := range l.payments {
			if d := dayOf(pay.On); d >= dayOf(p.Made) && d <= deadline {
				got = got.Add(pay.Amount)
			}
		}
		if got.GreaterThanOrEqual(p.Amount) {
			return OutcomeKept
		}
	} else if l.settled != 0 && l.settled <= deadline {
		return OutcomeKept
	}
	if today > deadline {
		return OutcomeBroken
	}
	return OutcomePending
}

// medianAndWorst of days late; zero for none.
func medianAndWorst(days []int) (float64, int) {
	if len(days) == 0 {
		return 0, 0
	}
	s := slices.Clone(days)
	slices.Sort(s)
	n := len(s)
	median := float64(s[n/2])
	if n%2 == 0 {
		median = float64(s[n/2-1]+s[n/2]) / 2
	}
	return median, s[n-1]
}

// recentTones counts the tones of the RecentReplies latest replies of the
// last RecentReplyDays, and names the harshest.
func recentTones(replies []Reply, today day) (map[Tone]int, Tone) {
	rs := slices.Clone(replies)
	// Newest first; on the same instant the harsher first, so the result
	// does not depend on the order the replies were listed in.
	sort.SliceStable(rs, func(i, j int) bool {
		if !rs[i].At.Equal(rs[j].At) {
			return rs[i].At.After(rs[j].At)
		}
		return rs[i].Tone.rank() > rs[j].Tone.rank()
	})
	counts := map[Tone]int{}
	var harshest Tone
	n := 0
	for _, r := range rs {
		if n == RecentReplies {
			break
		}
		if today-dayOf(r.At) > RecentReplyDays {
			break // sorted newest first: every later one is older still
		}
		t := r.Tone
		if t.rank() == 1 {
			t = ToneNeutral
		}
		counts[t]++
		if harshest == "" || t.rank() > harshest.rank() {
			harshest = t
		}
		n++
	}
	return counts, harshest
}

// day is a civil date as a count of days since 1970-01-01. Zero is a real
// day (1970-01-01) that no invoice of this product carries, so it doubles
// as "none" for a settlement day.
type day int

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
