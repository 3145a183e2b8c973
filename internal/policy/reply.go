package policy

import "github.com/relance/relance/internal/domain"

// ReplyNeedsHuman reports whether a reply of this class opens a flag of its
// own kind (the chasing of its invoice pauses until a person acts). An
// info_request opens a task instead: the invoice waits for the answer relance
// prepares.
func ReplyNeedsHuman(class domain.ReplyClass) bool {
	switch class {
	case domain.ReplyDispute, domain.ReplyGrievance, domain.ReplyHardship, domain.ReplyBounce:
		return true
	}
	return false
}

// StateAfterReply is what a reply of this class does to an invoice in state:
// the new state, or "" when it stays. Only invoices still being chased move;
// settled ones never move on a reply. A promise does not undo a payment
// claim: the client said it paid, so nothing is chased until the payment is
// seen or a human says otherwise (the payment check, resuming chasing);
// chasing again after a promise broken would remind a client who said it
// paid.
func StateAfterReply(state domain.State, class domain.ReplyClass) domain.State {
	switch state {
	case domain.StateOpen, domain.StatePromised, domain.StatePaidClaimed:
	default:
		return ""
	}
	switch class {
	case domain.ReplyPaid:
		return domain.StatePaidClaimed
	case domain.ReplyPromise:
		if state == domain.StatePaidClaimed {
			return ""
		}
		return domain.StatePromised
	case domain.ReplyDispute:
		return domain.StateDisputed
	case domain.ReplyHardship:
		return domain.StateOnHold
	}
	return ""
}

// ObjectionFlag is the flag that carries the stock objection o a reply of
// this class raised, and names the answer drafted for it: the class's own
// flag when it opens one (a dispute, a question), else an objection flag,
// which pauses nothing. None ("") when the objection gets no answer: from
// an automatic mail, or from a client who says it paid, unless it paid by
// a cheque still in the post (its number and date let the payment be
// matched); asking "when will you pay?" of a client who says it did would
// be wrong, and the payment check follows that claim.
func ObjectionFlag(class domain.ReplyClass, o domain.Objection) domain.FlagKind {
	switch {
	case o == domain.NoObjection, class == domain.ReplyBounce, class == domain.ReplyAutoReply:
		return ""
	case class == domain.ReplyPaid && o != domain.ObjectionChequeInPost:
		return ""
	case ReplyNeedsHuman(class):
		return domain.FlagKind(class)
	case class == domain.ReplyInfoRequest:
		return domain.FlagInfoRequest
	}
	return domain.FlagObjection
}
