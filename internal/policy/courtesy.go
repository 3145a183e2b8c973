package policy

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// PlanConfirmationDue reports whether a payment plan calls for a written
// confirmation now. Each plan agreed gets one: an invoice with n plans over
// its life needs n confirmations, and only the plan in force is confirmed.
func PlanConfirmationDue(active bool, plansAgreed, confirmationsDrafted int) bool {
	return active && confirmationsDrafted < plansAgreed
}

// PromiseConfirmationDue reports whether a payment date promised on a call
// calls for a written confirmation now: each promise a call's outcome
// recorded gets one, and only while the invoice is still promised (paid,
// broken or turned into a plan, there is nothing left to confirm).
func PromiseConfirmationDue(state domain.State, callPromises, confirmationsDrafted int) bool {
	return state == domain.StatePromised && confirmationsDrafted < callPromises
}

// MissedInstalment is an instalment of an active plan whose date has passed
// without the money, as the outbox finds it.
type MissedInstalment struct {
	// Missed counts the plan's instalments missed so far, this one
	// included.
	Missed   int
	Reminded bool // a reminder about this instalment was already drafted
	Flagged  bool // a flag about this instalment was already opened
}

// InstalmentAction is what a missed instalment calls for.
type InstalmentAction uint8

// Instalment actions.
const (
	// InstalmentNothing: already handled, or a later miss handles it.
	InstalmentNothing InstalmentAction = iota
	// InstalmentRemind: the first miss gets a gentle reminder; the client
	// agreed to the plan and may simply have overlooked a date.
	InstalmentRemind
	// InstalmentFlag: a second miss means the plan is not holding; a
	// human decides what follows rather than a reminder per instalment.
	InstalmentFlag
)

// OnMissedInstalment decides, once per instalment, between a reminder (the
// plan's first miss) and a flag (any later one).
func OnMissedInstalment(m MissedInstalment) InstalmentAction {
	switch {
	case m.Missed >= 2 && !m.Flagged:
		return InstalmentFlag
	case m.Missed == 1 && !m.Reminded:
		return InstalmentRemind
	}
	return InstalmentNothing
}

// ThankYouDue reports whether an invoice that was chased is thanked: only
// when the business asked for thanks (enabled), once it is paid, once per
// invoice.
func ThankYouDue(enabled bool, state domain.State, thanked bool) bool {
	return enabled && state == domain.StatePaid && !thanked
}

// CourtesyDraft is a courtesy draft being considered for sending.
type CourtesyDraft struct {
	Stage     domain.DraftStage // a courtesy stage (domain.DraftStage.Courtesy)
	CreatedAt time.Time
	// HoldUntil as stored; the hold is also recomputed from CreatedAt so a
	// wrong stored value can only delay a send, never hasten it.
	HoldUntil time.Time
	Status    domain.DraftStatus
}

// CourtesyFacts is what may have changed since a courtesy draft was made.
type CourtesyFacts struct {
	// InvoiceKnown is false when the draft's invoice is no longer in the
	// store (or the draft names none).
	InvoiceKnown bool
	State        domain.State
	Balance      decimal.Decimal
	// LastInbound is when the client last wrote.
	LastInbound time.Time
	// StillMissed: an instalment of the invoice's plan is still missed
	// (read only for instalment reminders).
	StillMissed bool
	// Hostile: the client's reply turned hostile (an open hostile flag):
	// not even a thank-you goes.
	Hostile bool
}

// ShouldSendCourtesy re-checks a courtesy draft at the moment of sending, as
// ShouldSend does for the ladder: thanks go only for an invoice paid, plan
// messages only while the plan holds, an instalment reminder only while the
// instalment is still missed and the client has not written since. When
// it returns false, the reason's Supersedes tells whether the draft is
// obsolete or merely has to wait. Auto mode sends courtesy drafts after the
// hold without approval: they chase nothing.
func ShouldSendCourtesy(now time.Time, d CourtesyDraft, f CourtesyFacts, p Policy, mode domain.Mode) (bool, Reason) {
	if p.Calendar == nil || p.Location == nil || !d.Stage.Courtesy() {
		return false, ReasonUnknown
	}
	switch {
	case !f.InvoiceKnown:
		return false, ReasonInvoiceGone
	case f.Hostile:
		return false, ReasonHostile
	case d.Stage == domain.StageThankYou && f.Balance.IsPositive():
		return false, ReasonNotPaid
	case d.Stage == domain.StagePromiseConfirmation:
		if f.State != domain.StatePromised {
			return false, ReasonPromiseEnded
		}
	case d.Stage != domain.StageThankYou && f.State != domain.StatePlan:
		return false, ReasonPlanEnded
	case d.Stage == domain.StageInstalmentReminder && f.LastInbound.After(d.CreatedAt):
		return false, ReasonClientWrote
	case d.Stage == domain.StageInstalmentReminder && !f.StillMissed:
		return false, ReasonInstalmentPaid
	}
	hold := d.HoldUntil
	if h := p.HoldUntil(d.CreatedAt); h.After(hold) {
		hold = h
	}
	if now.Before(hold) {
		return false, ReasonHeld
	}
	if !p.InSendWindow(now) {
		return false, ReasonOutsideWindow
	}
	switch mode {
	case domain.ModeDryRun:
		return false, ReasonDryRun
	case domain.ModeReview:
		if d.Status != domain.DraftApproved {
			return false, ReasonNotApproved
		}
	case domain.ModeAuto:
	default:
		return false, ReasonUnknownMode
	}
	return true, ReasonOK
}
