package policy

import "fmt"

// Reason explains a Decide or ShouldSend answer. Code gives a stable
// machine name (for events and JSON), String a sentence for humans.
type Reason uint8

// Reasons. Their numeric values are not stable; store Code() instead.
const (
	ReasonUnknown Reason = iota

	// Answers that let something happen.
	ReasonOK            // ShouldSend: every check passed
	ReasonStageDue      // Decide: a ladder stage is due
	ReasonPaymentCheck  // Decide: a payment claim stayed unconfirmed too long
	ReasonQuestionAsked // Decide: the client asked for information: answer it

	// Nothing to do.
	ReasonNothingOpen // no invoice left to chase
	ReasonNotYetDue   // the next stage's date has not come
	ReasonLadderDone  // every stage was used

	// Pauses and stops.
	ReasonExcluded       // client excluded by configuration
	ReasonGrievance      // open grievance: whole client paused
	ReasonHardship       // open hardship flag: whole client paused
	ReasonDisputed       // invoice disputed
	ReasonOpenFlag       // an open flag waits for a human
	ReasonPromised       // payment promised; waiting for date + grace
	ReasonPaymentClaimed // client says it paid
	ReasonPaymentPlan    // a payment plan replaces the ladder
	ReasonOnHold         // invoice put on hold by the user
	ReasonPaused         // invoice paused until a date
	ReasonOutOfOffice    // client's auto-reply gave a return date
	ReasonSeveralPauses  // every open invoice is paused, for different reasons
	ReasonNoRecipient    // no address to write to
	ReasonAwaitingAnswer // the client asked a question we have not answered
	ReasonSignalPause    // a behaviour signal the policy pauses on

	// Timing.
	ReasonDraftPending      // a draft for this client already waits
	ReasonMinGap            // too soon after the last message
	ReasonInboundQuiet      // the client wrote recently
	ReasonHeld              // the draft's hold has not passed
	ReasonOutsideWindow     // outside the send window
	ReasonNotApproved       // review mode: not yet approved
	ReasonApprovalRequired  // auto mode, but formal notice or past dispute
	ReasonInboundSinceDraft // the client wrote after the draft was made
	ReasonQuestionClosed    // an answer whose question is no longer open

	// Invoice gone.
	ReasonPaid           // balance is zero or the invoice is paid
	ReasonInvoiceClosed  // cancelled or written off
	ReasonInvoiceUnknown // the draft names an invoice the client no longer has
	ReasonNoInvoice      // the draft names no invoice

	// Draft status.
	ReasonDraftCancelled
	ReasonDraftSuperseded
	ReasonAlreadySent

	// Mode.
	ReasonDryRun      // dry-run mode: everything passed but nothing is sent
	ReasonUnknownMode // a mode this version does not know: never send

	// Human decisions.
	ReasonQuiet // a human cancelled a draft and said "no new reminder until …"
	// ReasonClientNotBefore: the owner asked not to chase the client before
	// a date (its file's "do not chase before").
	ReasonClientNotBefore

	// Courtesy mails (ShouldSendCourtesy).
	ReasonInvoiceGone    // the draft's invoice is no longer known
	ReasonNotPaid        // thanks for an invoice that still has a balance
	ReasonPlanEnded      // a plan message, but the invoice is no longer under a plan
	ReasonClientWrote    // the client wrote after the instalment reminder was made
	ReasonInstalmentPaid // the instalment reminded of is no longer missed

	// ReasonHostile: a reply turned aggressive or insulting; every contact
	// with the client stops (no reminder, no answer, no call).
	ReasonHostile

	// ReasonPromiseEnded: the confirmation of a promise made on a call,
	// but the invoice is no longer promised (paid, broken, a plan).
	ReasonPromiseEnded

	reasonEnd
)

type reasonText struct{ code, text string }

func (r Reason) info() reasonText {
	switch r {
	case ReasonOK:
		return reasonText{"ok", "ready to send"}
	case ReasonStageDue:
		return reasonText{"stage_due", "a reminder stage is due"}
	case ReasonPaymentCheck:
		return reasonText{"payment_check", "the client said it paid but no payment was seen: check the bank"}
	case ReasonQuestionAsked:
		return reasonText{"question_asked", "the client asked for information: an answer is prepared"}
	case ReasonAwaitingAnswer:
		return reasonText{"awaiting_answer", "the client asked a question that is not answered yet"}
	case ReasonSignalPause:
		return reasonText{"signal_pause", "a behaviour signal pauses chasing (policy setting)"}
	case ReasonNothingOpen:
		return reasonText{"nothing_open", "no open invoice"}
	case ReasonNotYetDue:
		return reasonText{"not_yet_due", "the next reminder is not due yet"}
	case ReasonLadderDone:
		return reasonText{"ladder_done", "every stage of the ladder has been used"}
	case ReasonExcluded:
		return reasonText{"excluded", "client excluded from reminders"}
	case ReasonGrievance:
		return reasonText{"grievance", "open grievance: every reminder to this client is paused"}
	case ReasonHardship:
		return reasonText{"hardship", "client in difficulty: every reminder to this client is paused"}
	case ReasonDisputed:
		return reasonText{"disputed", "invoice disputed"}
	case ReasonOpenFlag:
		return reasonText{"open_flag", "an open flag waits for a human"}
	case ReasonPromised:
		return reasonText{"promised", "payment promised: waiting for the promised date and grace"}
	case ReasonPaymentClaimed:
		return reasonText{"payment_claimed", "the client says it has paid"}
	case ReasonPaymentPlan:
		return reasonText{"payment_plan", "a payment plan is in place"}
	case ReasonOnHold:
		return reasonText{"on_hold", "invoice on hold"}
	case ReasonPaused:
		return reasonText{"paused", "invoice paused until a date"}
	case ReasonOutOfOffice:
		return reasonText{"out_of_office", "client away until its return date"}
	case ReasonSeveralPauses:
		return reasonText{"several_pauses", "every open invoice is paused"}
	case ReasonNoRecipient:
		return reasonText{"no_recipient", "no address to write to"}
	case ReasonDraftPending:
		return reasonText{"draft_pending", "a draft for this client is already waiting"}
	case ReasonMinGap:
		return reasonText{"min_gap", "too soon after the last message to this client"}
	case ReasonInboundQuiet:
		return reasonText{"inbound_quiet", "the client wrote recently"}
	case ReasonHeld:
		return reasonText{"held", "held until the next working day's review time"}
	case ReasonOutsideWindow:
		return reasonText{"outside_window", "outside the send window"}
	case ReasonNotApproved:
		return reasonText{"not_approved", "waiting for approval"}
	case ReasonApprovalRequired:
		return reasonText{"approval_required", "a formal notice or a message after a dispute needs explicit approval"}
	case ReasonInboundSinceDraft:
		return reasonText{"inbound_since_draft", "the client wrote after the draft was made"}
	case ReasonQuestionClosed:
		return reasonText{"question_closed", "the question the answer replies to is closed"}
	case ReasonPaid:
		return reasonText{"paid", "invoice paid"}
	case ReasonInvoiceClosed:
		return reasonText{"invoice_closed", "invoice cancelled or written off"}
	case ReasonInvoiceUnknown:
		return reasonText{"invoice_unknown", "the draft names an unknown invoice"}
	case ReasonNoInvoice:
		return reasonText{"no_invoice", "the draft names no invoice"}
	case ReasonDraftCancelled:
		return reasonText{"draft_cancelled", "draft cancelled"}
	case ReasonDraftSuperseded:
		return reasonText{"draft_superseded", "draft superseded"}
	case ReasonAlreadySent:
		return reasonText{"already_sent", "already sent"}
	case ReasonDryRun:
		return reasonText{"dry_run", "dry-run mode: would send"}
	case ReasonUnknownMode:
		return reasonText{"unknown_mode", "unknown mode: nothing is sent"}
	case ReasonInvoiceGone:
		return reasonText{"invoice_gone", "the invoice the message is about is gone"}
	case ReasonNotPaid:
		return reasonText{"not_paid", "thanks for an invoice that is not paid"}
	case ReasonPlanEnded:
		return reasonText{"plan_ended", "the payment plan has ended"}
	case ReasonPromiseEnded:
		return reasonText{"promise_ended", "the promise confirmed is no longer pending (paid, broken or replaced by a plan)"}
	case ReasonClientWrote:
		return reasonText{"client_wrote", "the client wrote after the instalment reminder was made"}
	case ReasonInstalmentPaid:
		return reasonText{"instalment_paid", "the missed instalment has been paid"}
	case ReasonHostile:
		return reasonText{"hostile", "the client's reply turned hostile: every contact with this client stops"}
	case ReasonClientNotBefore:
		return reasonText{"client_not_before", "the owner asked not to chase this client before a date"}
	case ReasonQuiet:
		return reasonText{"quiet", "a draft was cancelled: no new reminder until the date, the client's next message, or ever, as decided"}
	}
	return reasonText{"unknown", fmt.Sprintf("unknown reason %d", uint8(r))}
}

// Code is the stable snake_case name of r.
func (r Reason) Code() string { return r.info().code }

// String is a short English sentence for logs and the review page.
func (r Reason) String() string { return r.info().text }

// MarshalText encodes r as its Code.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.Code()), nil }

// UnmarshalText decodes a Code.
func (r *Reason) UnmarshalText(b []byte) error {
	for x := ReasonUnknown + 1; x < reasonEnd; x++ {
		if x.Code() == string(b) {
			*r = x
			return nil
		}
	}
	return fmt.Errorf("policy: unknown reason %q", b)
}

// Supersedes reports whether a held draft refused for reason r should be
// superseded (the situation changed; Decide will make a fresh one if still
// needed) rather than simply retried later.
func (r Reason) Supersedes() bool {
	switch r {
	case ReasonExcluded, ReasonGrievance, ReasonHardship, ReasonDisputed, ReasonOpenFlag, ReasonPromised,
		ReasonPaymentClaimed, ReasonPaymentPlan, ReasonOnHold, ReasonPaused, ReasonNoRecipient, ReasonAwaitingAnswer, ReasonSignalPause,
		ReasonInboundSinceDraft, ReasonQuestionClosed, ReasonPaid, ReasonInvoiceClosed, ReasonInvoiceUnknown, ReasonNoInvoice, ReasonQuiet, ReasonClientNotBefore,
		ReasonInvoiceGone, ReasonNotPaid, ReasonPlanEnded, ReasonClientWrote, ReasonInstalmentPaid, ReasonHostile, ReasonPromiseEnded:
		return true
	}
	return false
}
