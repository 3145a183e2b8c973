package policy

import (
	"fmt"
	"slices"
	"time"

	"github.com/relance/relance/internal/domain"
)

// ParseMode parses a mode name; the empty string is domain.ModeReview.
func ParseMode(s string) (domain.Mode, error) {
	switch domain.Mode(s) {
	case "":
		return domain.ModeReview, nil
	case domain.ModeReview, domain.ModeAuto, domain.ModeDryRun:
		return domain.Mode(s), nil
	}
	return "", fmt.Errorf("policy: unknown mode %q (want review, auto or dry-run)", s)
}

// DraftState is the draft being considered for sending.
type DraftState struct {
	ID         int64
	Kind       domain.StageKind // domain.KindMessage or domain.KindFormalNotice
	Stage      int
	InvoiceIDs []int64
	CreatedAt  time.Time
	// HoldUntil as stored; the hold is also recomputed from CreatedAt so a
	// wrong stored value can only delay a send, never hasten it.
	HoldUntil time.Time
	Status    domain.DraftStatus
	// RequiresApproval: the draft was made needing a human's approval even
	// in auto mode (an answer with a blank to fill).
	RequiresApproval bool
	// HoldLifted: a human approved the draft before its hold ended, giving
	// a reason; the hold no longer applies (the other timing rules do).
	HoldLifted bool
	// SendNow: a human chose "send now", giving a reason; no timing rule
	// applies (hold, minimum gap, absence, send window), every check of
	// the client's and the invoices' state still does.
	SendNow bool
	// Objection: the draft answers the stock objection a reply raised.
	Objection domain.Objection
}

// ShouldSend re-checks, at the moment of sending, everything that could have
// changed since the draft was made. The reason is ReasonOK when it returns
// true; otherwise r.Supersedes() tells whether the draft is obsolete or
// merely has to wait. In dry-run mode it returns false with ReasonDryRun
// exactly when the other modes' checks would all pass, so the caller can log
// what it would have sent.
func ShouldSend(now time.Time, d DraftState, c ClientState, p Policy, mode domain.Mode) (bool, Reason) {
	if p.Calendar == nil || p.Location == nil {
		return false, ReasonUnknown
	}
	switch d.Status {
	case domain.DraftSent:
		return false, ReasonAlreadySent
	case domain.DraftCancelled:
		return false, ReasonDraftCancelled
	case domain.DraftSuperseded:
		return false, ReasonDraftSuperseded
	case domain.DraftHeld, domain.DraftApproved:
	default:
		return false, ReasonUnknown
	}
	switch mode {
	case domain.ModeReview, domain.ModeAuto, domain.ModeDryRun:
	default:
		return false, ReasonUnknownMode
	}

	eff := p.resolve(c.Client)
	if eff.excluded {
		return false, ReasonExcluded
	}
	if len(eff.to) == 0 {
		return false, ReasonNoRecipient
	}
	objection := d.Kind == domain.KindAnswer && d.Objection != domain.NoObjection
	if r := p.clientWidePause(&c); r != ReasonUnknown && !objection {
		return false, r
	}
	if len(d.InvoiceIDs) == 0 {
		return false, ReasonNoInvoice
	}
	today := DateIn(now, p.Location)
	afterDispute := false
	answer := d.Kind == domain.KindAnswer
	if !answer && today.Before(c.NotBefore) {
		// Set after the draft was made: it goes no more, a fresh one is
		// made once the date has come.
		return false, ReasonClientNotBefore
	}
	for _, id := range d.InvoiceIDs {
		inv := findInvoice(c.Invoices, id)
		if inv == nil {
			return false, ReasonInvoiceUnknown
		}
		switch {
		case inv.State == domain.StatePaid || !inv.Balance.IsPositive():
			return false, ReasonPaid
		case inv.State == domain.StateCancelled || inv.State == domain.StateWrittenOff:
			return false, ReasonInvoiceClosed
		}
		afterDispute = afterDispute || inv.DisputedBefore || inv.State == domain.StateDisputed
		if objection {
			// The answer to an objection is what the reply's own flag asks
			// for: it goes, once approved, whatever pause that flag causes.
			continue
		}
		if answer {
			// An answer replies to what the client asked: the pauses of the
			// ladder are not for it. It goes only while its question is
			// open and its invoice still to be paid: bank details to a
			// client who since said it paid, or disputes, make no sense.
			if r := answerPause(inv); r != ReasonUnknown {
				return false, r
			}
			if !slices.Contains(inv.OpenFlags, domain.FlagInfoRequest) {
				return false, ReasonQuestionClosed
			}
			continue
		}
		r, _, _ := p.invoicePause(now, today, inv)
		if r == ReasonUnknown {
			r, _ = p.quietPause(today, inv)
		}
		if r == ReasonUnknown && !isChaseableState(inv.State) {
			r = ReasonOnHold
		}
		if r != ReasonUnknown {
			return false, r
		}
	}
	if c.LastInbound.After(d.CreatedAt) {
		return false, ReasonInboundSinceDraft
	}
	if r := p.timingReason(now, d, c); r != ReasonUnknown {
		return false, r
	}
	needsApproval := mode != domain.ModeAuto || (d.Kind != domain.KindMessage && d.Kind != domain.KindAnswer) || afterDispute || d.RequiresApproval
	if needsApproval && d.Status != domain.DraftApproved {
		if mode == domain.ModeAuto {
			return false, ReasonApprovalRequired
		}
		if mode == domain.ModeReview {
			return false, ReasonNotApproved
		}
	}
	if mode == domain.ModeDryRun {
		return false, ReasonDryRun
	}
	return true, ReasonOK
}

func findInvoice(invs []InvoiceState, id int64) *InvoiceState {
	for i := range invs {
		if invs[i].ID == id {
			return &invs[i]
		}
	}
	return nil
}
