package domain

// DraftStatus is the life-cycle state of a draft.
type DraftStatus string

// Draft statuses.
const (
	DraftHeld       DraftStatus = "held"     // waiting for its hold to end and a human
	DraftApproved   DraftStatus = "approved" // goes at the next send pass after its hold
	DraftSent       DraftStatus = "sent"
	DraftCancelled  DraftStatus = "cancelled"
	DraftSuperseded DraftStatus = "superseded" // the situation changed before it went
)

// DraftStatuses lists the draft statuses, in the order of a draft's life.
var DraftStatuses = []DraftStatus{DraftHeld, DraftApproved, DraftSent, DraftCancelled, DraftSuperseded}

// Waiting reports whether a human may still act on a draft in status s
// (approve, cancel, edit, send now).
func (s DraftStatus) Waiting() bool { return s == DraftHeld || s == DraftApproved }

// StageKind says what a ladder stage produces; a draft's kind is one of
// KindMessage, KindFormalNotice or KindAnswer.
type StageKind string

// Stage kinds.
const (
	// KindMessage is a reminder e-mail drafted for review.
	KindMessage StageKind = "message"
	// KindCallTask is a task for the human to phone the client.
	KindCallTask StageKind = "call_task"
	// KindFormalNotice is a mise en demeure draft; it always needs approval.
	KindFormalNotice StageKind = "formal_notice"
	// KindHandOff flags the client for a collection professional.
	KindHandOff StageKind = "hand_off"
	// KindAnswer is not a ladder stage: it is the kind of a draft that
	// answers a client's question.
	KindAnswer StageKind = "answer"
)

// SendsMail reports whether a stage of kind k produces a message to the
// client (a call or a hand-off is a task for the owner).
func (k StageKind) SendsMail() bool { return k == KindMessage || k == KindFormalNotice }

// DraftStage names the text a draft carries: a step of the ladder (the
// template of that name) or a message outside it.
type DraftStage string

// Ladder stages (the default ladder's names; a policy may name its own).
const (
	StageCourtesy     DraftStage = "courtesy"
	StageFriendly     DraftStage = "friendly"
	StageSecond       DraftStage = "second"
	StageCall         DraftStage = "call"
	StageFormalNotice DraftStage = "formal_notice"
	// StageProfessional hands the file to a collection professional (a
	// flag, no mail).
	StageProfessional DraftStage = "professional"
)

// Stages outside the ladder: messages that accompany an agreement or a
// payment rather than chase one, and answers to a client's question.
const (
	StagePlanConfirmation DraftStage = "plan_confirmation"
	// StagePromiseConfirmation confirms in writing a payment date the
	// client promised on a call: a promise said aloud is easily forgotten.
	StagePromiseConfirmation DraftStage = "promise_confirmation"
	StageInstalmentReminder  DraftStage = "instalment_reminder"
	StageThankYou            DraftStage = "thank_you"
	StageAnswer              DraftStage = "answer"
)

// Courtesy reports whether s is a stage outside the ladder that accompanies
// an agreement or a payment (the ladder's send rules do not apply to it).
func (s DraftStage) Courtesy() bool {
	return s == StagePlanConfirmation || s == StagePromiseConfirmation || s == StageInstalmentReminder || s == StageThankYou
}
