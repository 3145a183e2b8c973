package classify

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// History is a client's timeline as the store knows it. Behaviour reads it
// to spot a grudge that the client does not put into words.
type History struct {
	Invoices  []InvoiceRecord
	Reminders []ReminderRecord
	Replies   []ReplyRecord
	Promises  []PromiseRecord
}

// InvoiceRecord is one invoice of the client. Paid is nil while unpaid.
type InvoiceRecord struct {
	Number   string
	Amount   decimal.Decimal
	Issued   time.Time
	Due      time.Time
	Paid     *time.Time
	Payments []PaymentRecord // partial payments, in any order
}

// PaymentRecord is money received against an invoice.
type PaymentRecord struct {
	Date   time.Time
	Amount decimal.Decimal
}

// ReminderRecord is a reminder we sent.
type ReminderRecord struct {
	Invoice string
	Sent    time.Time
}

// ReplyRecord is a reply received from the client.
type ReplyRecord struct {
	Invoice  string
	Received time.Time
	Class    Class
}

// PromiseRecord is a payment date the client committed to.
type PromiseRecord struct {
	Invoice string
	Made    time.Time
	Date    time.Time // promised payment day
	Kept    bool
}

// Thresholds tune the behaviour signals.
type Thresholds struct {
	// UnansweredReminders in a row, after at least AnsweredBefore answered
	// ones, raise "silence".
	UnansweredReminders int
	AnsweredBefore      int
	// AnswerWindow is how long after a reminder a reply counts as its answer.
	AnswerWindow time.Duration
	// SlowerFactor: the latest answer delay exceeds the client's earlier
	// median by this factor (and by at least SlowerMin) to raise "slower".
	SlowerFactor float64
	SlowerMin    time.Duration
	// PromiseGrace after a promised date before "promise_broken".
	PromiseGrace time.Duration
	// PunctualShare of earlier invoices paid by their due date (over at
	// least PunctualMin invoices) makes a client "usually punctual";
	// LateAfter past due then raises "suddenly_late".
	PunctualShare float64
	PunctualMin   int
	LateAfter     time.Duration
}

// DefaultThresholds are the product defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{
		UnansweredReminders: 2, AnsweredBefore: 1, AnswerWindow: 14 * 24 * time.Hour,
		SlowerFactor: 2, SlowerMin: 3 * 24 * time.Hour,
		PromiseGrace:  3 * 24 * time.Hour,
		PunctualShare: 0.8, PunctualMin: 3, LateAfter: 7 * 24 * time.Hour,
	}
}

// SignalKind names a behaviour signal.
type SignalKind string

// Behaviour signal kinds. A signal raises the flag of its name, so the names
// are the domain's flag kinds; only a broken promise has a word of its own
// (its flag is the one the policy raises too).
const (
	SignalSilence                  = SignalKind(domain.FlagSilence)      // no answer to reminders from a client who used to answer
	SignalSlower                   = SignalKind(domain.FlagSlower)       // answers getting slower
	SignalPromiseBroken SignalKind = "promise_broken"                    // promised date passed without payment
	SignalPartial                  = SignalKind(domain.FlagPartial)      // partial payments
	SignalSuddenlyLate             = SignalKind(domain.FlagSuddenlyLate) // usually punctual client now late
)

// Signal is one behaviour signal with its evidence for the human.
type Signal struct {
	Kind     SignalKind `json:"kind"`
	Invoice  string     `json:"invoice,omitempty"`
	Evidence string     `json:"evidence"`
}

// Behaviour derives the behaviour signals of a client's history at now. It is
// pure: same history, same now, same signals, in a stable order.
func Behaviour(h History, now time.Time, t Thresholds) []Signal {
	d := DefaultThresholds()
	if t.UnansweredReminders <= 0 {
		t.UnansweredReminders = d.UnansweredReminders
	}
	if t.AnswerWindow <= 0 {
		t.AnswerWindow = d.AnswerWindow
	}
	if t.SlowerFactor <= 1 {
		t.SlowerFactor = d.SlowerFactor
	}
	if t.PunctualShare <= 0 {
		t.PunctualShare = d.PunctualShare
	}
	if t.PunctualMin <= 0 {
		t.PunctualMin = d.PunctualMin
	}
	var out []Signal
	out = append(out, silence(h, now, t)...)
	out = append(out, slower(h, now, t)...)
	out = append(out, brokenPromises(h, now, t)...)
	out = append(out, partials(h)...)
	out = append(out, suddenlyLate(h, now, t)...)
	return out
}

// answerDelays pairs each reminder sent before now with the first human reply
// within the window; -1 marks an unanswered reminder. Reminders whose window
// is still open are left out.
func answerDelays(h History, now time.Time, t Thresholds) (rems []ReminderRecord, delays []time.Duration) {
	rems = append(rems, h.Reminders...)
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].Sent.Before(rems[j].Sent) })
	replies := append([]ReplyRecord(nil), h.Replies...)
	sort.SliceStable(replies, func(i, j int) bool { return replies[i].Received.Before(replies[j].Received) })
	var kept []ReminderRecord
	for i, r := range rems {
		if r.Sent.After(now) {
			continue
		}
		end := r.Sent.Add(t.AnswerWindow)
		if i+1 < len(rems) && rems[i+1].Sent.Before(end) {
			end = rems[i+1].Sent
		}
		delay := time.Duration(-1)
		for _, rep := range replies {
			if rep.Class == AutoReply || rep.Class == Bounce {
				continue
			}
			if !rep.Received.Before(r.Sent) && rep.Received.Before(end) && !rep.Received.After(now) {
				delay = rep.Received.Sub(r.Sent)
				break
			}
		}
		if delay < 0 && now.Before(end) {
			continue // the client may still answer
		}
		kept = append(kept, r)
		delays = append(delays, delay)
	}
	return kept, delays
}

func silence(h History, now time.Time, t Thresholds) []Signal {
	rems, delays := answerDelays(h, now, t)
	trail := 0
	for i := len(delays) - 1; i >= 0 && delays[i] < 0; i-- {
		trail++
	}
	answered := 0
	for _, d := range delays[:len(delays)-trail] {
		if d >= 0 {
			answered++
		}
	}
	if trail < t.UnansweredReminders || answered < t.AnsweredBefore {
		return nil
	}
	last := rems[len(rems)-1]
	return []Signal{{Kind: SignalSilence, Invoice: last.Invoice, Evidence: fmt.Sprintf(
		"%d reminders unanswered since %s, from a client who answered %d before",
		trail, rems[len(rems)-trail].Sent.Format(time.DateOnly), answered)}}
}

func slower(h History, now time.Time, t Thresholds) []Signal {
	_, delays := answerDelays(h, now, t)
	var answered []time.Duration
	for _, d := range delays {
		if d >= 0 {
			answered = append(answered, d)
		}
	}
	if len(answered) < 3 {
		return nil
	}
	last := answered[len(answered)-1]
	earlier := append([]time.Duration(nil), answered[:len(answered)-1]...)
	sort.Slice(earlier, func(i, j int) bool { return earlier[i] < earlier[j] })
	median := earlier[len(earlier)/2]
	if float64(last) < t.SlowerFactor*float64(median) || last-median < t.SlowerMin {
		return nil
	}
	return []Signal{{Kind: SignalSlower, Evidence: fmt.Sprintf(
		"last answer came after %s, usually after %s", days(last), days(median))}}
}

func brokenPromises(h History, now time.Time, t Thresholds) []Signal {
	paid := map[string]*time.Time{}
	for _, inv := range h.Invoices {
		paid[inv.Number] = inv.Paid
	}
	var out []Signal
	for _, p := range h.Promises {
		if p.Kept || !now.After(p.Date.Add(t.PromiseGrace)) {
			continue
		}
		if pd, ok := paid[p.Invoice]; ok && pd != nil && !pd.After(p.Date.Add(t.PromiseGrace)) {
			continue
		}
		out = append(out, Signal{Kind: SignalPromiseBroken, Invoice: p.Invoice, Evidence: fmt.Sprintf(
			"payment promised on %s for %s (said on %s) not received",
			p.Date.Format(time.DateOnly), p.Invoice, p.Made.Format(time.DateOnly))})
	}
	return out
}

func partials(h History) []Signal {
	var out []Signal
	for _, inv := range h.Invoices {
		if len(inv.Payments) == 0 {
			continue
		}
		sum := decimal.Zero
		for _, p := range inv.Payments {
			sum = sum.Add(p.Amount)
		}
		if sum.GreaterThanOrEqual(inv.Amount) && len(inv.Payments) == 1 {
			continue
		}
		if sum.LessThan(inv.Amount) || len(inv.Payments) > 1 {
			out = append(out, Signal{Kind: SignalPartial, Invoice: inv.Number, Evidence: fmt.Sprintf(
				"%d payment(s) totalling %s of %s on %s", len(inv.Payments), sum.StringFixed(2), inv.Amount.StringFixed(2), inv.Number)})
		}
	}
	return out
}

func suddenlyLate(h History, now time.Time, t Thresholds) []Signal {
	var closed, onTime int
	for _, inv := range h.Invoices {
		if inv.Paid != nil && !inv.Paid.After(now) {
			closed++
			if !inv.Paid.After(inv.Due.Add(24 * time.Hour)) {
				onTime++
			}
		}
	}
	if closed < t.PunctualMin || float64(onTime) < t.PunctualShare*float64(closed) {
		return nil
	}
	var out []Signal
	for _, inv := range h.Invoices {
		if (inv.Paid == nil || inv.Paid.After(now)) && now.Sub(inv.Due) > t.LateAfter {
			out = append(out, Signal{Kind: SignalSuddenlyLate, Invoice: inv.Number, Evidence: fmt.Sprintf(
				"%s is %s overdue; %d of %d earlier invoices were paid on time",
				inv.Number, days(now.Sub(inv.Due)), onTime, closed)})
		}
	}
	return out
}

func days(d time.Duration) string {
	n := int(d.Hours()/24 + 0.5)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
