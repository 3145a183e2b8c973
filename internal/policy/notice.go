package policy

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// DefaultNoticeDeadlineDays is the payment deadline a formal notice gives,
// in calendar days from its date, when the policy file sets none.
const DefaultNoticeDeadlineDays = 8

// NoticeInvoice is one invoice claimed by a formal notice, with the payments
// received for it.
type NoticeInvoice struct {
	Invoice  InvoiceState
	Payments []Payment
}

// NoticeTerms are the dated facts of a formal notice. They hold for the day
// the letter leaves, never for the day it was drafted: a notice drafted on a
// Saturday and sent on Monday is dated Monday, counts penalties to Monday,
// and its deadline runs from Monday.
type NoticeTerms struct {
	// SendDay is the local date the notice goes: the date printed on it.
	SendDay Date
	// DeadlineDays is the period granted, in calendar days.
	DeadlineDays int
	// Deadline is SendDay + DeadlineDays, moved forward to the next working
	// day when it falls on a weekend, a public holiday or a closed day.
	Deadline Date
	// Language and B2C are the client's after the policy's overrides.
	Language string
	B2C      bool
	// Penalties holds one entry per invoice, in the order given, computed
	// to SendDay; nil for a consumer (no L441-10 penalties).
	Penalties []NoticePenalty
}

// NoticePenalty is the L441-10 computation for one invoice of a notice.
// Err says why it could not be made (no due date, no rate known): the
// notice then states no penalty for that invoice.
type NoticePenalty struct {
	InvoiceID int64
	Result    PenaltyResult
	Err       error
}

// NoticeSendDay is the local date on which a draft held until holdUntil will
// leave if approved in time: the day of the first send slot at or after both
// now and the end of the hold.
func (p Policy) NoticeSendDay(now, holdUntil time.Time) Date {
	at := laterOf(now, holdUntil)
	if next := p.NextSendTime(at); !next.IsZero() {
		at = next
	}
	return DateIn(at, p.Location)
}

// NoticeNotBefore is the earliest a waiting notice to client c may go as
// far as time alone tells: after its hold, the minimum gap since the last
// contact, and the client's announced absence. ShouldSend checks the same
// at the moment of sending.
func (p Policy) NoticeNotBefore(holdUntil time.Time, c ClientState) time.Time {
	at := holdUntil
	if !c.LastContact.IsZero() && p.Calendar != nil {
		at = laterOf(at, p.Calendar.AddBusinessDays(c.LastContact, p.MinGap))
	}
	return laterOf(at, c.OutOfOfficeUntil)
}

// NoticeDeadline is the last day to pay that a notice dated sendDay gives:
// days calendar days later, or the next working day of cal when that day is
// not one.
func NoticeDeadline(sendDay Date, days int, cal *Calendar) Date {
	d := sendDay.AddDays(days)
	if cal != nil && !cal.IsBusinessDate(d) {
		d = cal.NextBusinessDate(d)
	}
	return d
}

// FormalNotice computes the terms of a formal notice for client c and its
// invoices as the letter will be on the day it goes (see NoticeSendDay):
// its date, the deadline, and the L441-10 penalties counted to that day.
// It is pure: the caller passes now and the payments.
func (p Policy) FormalNotice(now, holdUntil time.Time, c Client, invoices []NoticeInvoice) (NoticeTerms, error) {
	if p.Calendar == nil || p.Location == nil {
		return NoticeTerms{}, errors.New("policy: formal notice: policy not compiled")
	}
	eff := p.resolve(c)
	t := NoticeTerms{SendDay: p.NoticeSendDay(now, holdUntil), DeadlineDays: p.NoticeDeadlineDays,
		Language: eff.language, B2C: eff.b2c}
	if t.DeadlineDays <= 0 {
		t.DeadlineDays = DefaultNoticeDeadlineDays
	}
	t.Deadline = NoticeDeadline(t.SendDay, t.DeadlineDays, p.Calendar)
	if eff.b2c {
		return t, nil
	}
	for _, ni := range invoices {
		res, err := LatePenalties(p.PenaltyInputFor(ni.Invoice, c, ni.Payments, t.SendDay))
		if err != nil {
			err = fmt.Errorf("policy: penalties of invoice %s: %w", ni.Invoice.Number, err)
		}
		t.Penalties = append(t.Penalties, NoticePenalty{InvoiceID: ni.Invoice.ID, Result: res, Err: err})
	}
	return t, nil
}

// InterestDue sums the penalties still due over the notice's invoices.
func (t NoticeTerms) InterestDue() decimal.Decimal {
	sum := decimal.Zero
	for _, r := range t.Penalties {
		if r.Err == nil {
			sum = sum.Add(r.Result.InterestDue)
		}
	}
	return sum
}

// Indemnity sums, in euros, the D441-5 fixed indemnities the notice
// claims: one per invoice paid late, whatever its currency (none for a
// consumer).
func (t NoticeTerms) Indemnity() decimal.Decimal {
	sum := decimal.Zero
	for _, r := range t.Penalties {
		if r.Err == nil {
			sum = sum.Add(r.Result.Indemnity)
		}
	}
	return sum
}

// ClientLanguage is the language letters to c are written in, after the
// policy's overrides.
func (p Policy) ClientLanguage(c Client) string { return p.resolve(c).language }
