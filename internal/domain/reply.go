package domain

// ReplyClass is the meaning of a reply, as the classifier reads it and the
// owner corrects it (`relance classify --json`, `relance learn`): a contract.
type ReplyClass string

// The reply classes.
const (
	ReplyPaid        ReplyClass = "paid"
	ReplyPromise     ReplyClass = "promise"
	ReplyDispute     ReplyClass = "dispute"
	ReplyGrievance   ReplyClass = "grievance"
	ReplyHardship    ReplyClass = "hardship"
	ReplyInfoRequest ReplyClass = "info_request"
	ReplyAutoReply   ReplyClass = "auto_reply"
	ReplyBounce      ReplyClass = "bounce"
	ReplyOther       ReplyClass = "other"
)

// ReplyClasses lists every class in a stable order.
func ReplyClasses() []ReplyClass {
	return []ReplyClass{ReplyPaid, ReplyPromise, ReplyDispute, ReplyGrievance, ReplyHardship, ReplyInfoRequest,
		ReplyAutoReply, ReplyBounce, ReplyOther}
}

// NeedsHuman reports whether replies of this class must be handled by a
// person before any further reminder.
func (c ReplyClass) NeedsHuman() bool {
	return c == ReplyDispute || c == ReplyGrievance || c == ReplyHardship
}
