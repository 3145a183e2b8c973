package domain

// FlagKind is what a flag asks a human to look at. The policy reads some
// kinds (see policy.flagPause); any other kind pauses its invoice.
type FlagKind string

// Replies that need a person.
const (
	FlagDispute     FlagKind = "dispute"
	FlagGrievance   FlagKind = "grievance" // pauses the whole client
	FlagHardship    FlagKind = "hardship"  // pauses the whole client
	FlagBounce      FlagKind = "bounce"
	FlagTriage      FlagKind = "triage" // a reply no invoice could be found for, or not read
	FlagUnsure      FlagKind = "unsure" // the model could not read a reply with confidence
	FlagInfoRequest FlagKind = "info_request"
	// FlagUnknownSender: money said to move on the word of an address that
	// is not the client's.
	FlagUnknownSender FlagKind = "unknown_sender"
	// FlagPartialClaim: a reply claims less than the balance was paid.
	FlagPartialClaim FlagKind = "partial_claim"
	// FlagHostile: a reply turned aggressive or insulting. It stops every
	// contact with the client (no reminder, no answer, no call) until the
	// owner resolves it.
	FlagHostile FlagKind = "hostile"
	// FlagObjection: a reply raised a stock objection (the cheque is in the
	// post, the amount is wrong…) and its class has no flag of its own; an
	// answer is drafted for the owner, and the chasing follows the class.
	FlagObjection FlagKind = "objection"
)

// Money and documents.
const (
	FlagPaymentCheck FlagKind = "payment_check"
	FlagSelfCheck    FlagKind = "self_check" // our own invoice lacks something
	FlagOverpayment  FlagKind = "overpayment"
	FlagPlanMissed   FlagKind = "plan_missed"
	// FlagHandover: the file for a third party is ready (the ladder ended
	// unpaid, or a reply turned hostile); its evidence names the file.
	FlagHandover FlagKind = "handover"
)

// Tasks for the human: the ladder goes on while they are open.
const (
	FlagCall    FlagKind = "call"
	FlagHandOff FlagKind = "hand_off"
)

// Behaviour signals: they inform, and pause only where the policy says so.
const (
	FlagSilence       FlagKind = "silence"
	FlagSlower        FlagKind = "slower"
	FlagBrokenPromise FlagKind = "broken_promise"
	FlagPartial       FlagKind = "partial"
	FlagSuddenlyLate  FlagKind = "suddenly_late"
)

// Sending.
const (
	FlagSendUnconfirmed FlagKind = "send_unconfirmed"
	FlagSendFailed      FlagKind = "send_failed"
	FlagSendingStopped  FlagKind = "smtp_failed" // the SMTP server refuses us: sending stops
	FlagNoDraftsFolder  FlagKind = "drafts_folder_missing"
)

// FlagStatus is where a flag stands.
type FlagStatus string

// Flag statuses.
const (
	FlagOpen         FlagStatus = "open"
	FlagAcknowledged FlagStatus = "acknowledged"
	FlagResolved     FlagStatus = "resolved"
)
