package domain

// EventKind names what an event of the append-only log records. The web
// page and the command line word each kind; metrics and history count some.
type EventKind string

// Mail read.
const (
	EventMessageIngested      EventKind = "message_ingested"
	EventMessageProblem       EventKind = "message_problem"
	EventFolderReset          EventKind = "folder_reset" // UIDVALIDITY changed: the folder is read again
	EventInvoiceDiscovered    EventKind = "invoice_discovered"
	EventInvoiceResent        EventKind = "invoice_resent"
	EventCreditNoteDiscovered EventKind = "credit_note_discovered"
	EventSentNotInvoice       EventKind = "sent_not_invoice" // a mail in Sent that is not an invoice (kept to be adopted)
	EventDocumentAdopted      EventKind = "document_adopted"
	EventReplyReceived        EventKind = "reply_received"
	EventManualContact        EventKind = "manual_contact"  // the owner wrote to the client by hand
	EventManualReminder       EventKind = "manual_reminder" // ... and it was a reminder
	EventReadingCorrected     EventKind = "reading_corrected"
	EventBehaviourSignal      EventKind = "behaviour_signal"
)

// Invoice state and chasing.
const (
	EventStateChanged       EventKind = "state_changed"
	EventChasingResumed     EventKind = "chasing_resumed"
	EventChasingStopped     EventKind = "chasing_stopped"
	EventChasingQuiet       EventKind = "chasing_quiet"
	EventChasingQuietLifted EventKind = "chasing_quiet_lifted"
	EventTaskOutcome        EventKind = "task_outcome"
	// EventHandoverPrepared: the file for a third party was built.
	EventHandoverPrepared EventKind = "handover_prepared"
	// EventObjectionSet: the owner corrected the stock objection a reply
	// raised; its answer is drafted again.
	EventObjectionSet EventKind = "objection_set"
)

// Clients.
const (
	// EventClientKindSet: the owner said whether a client is a business
	// or a consumer.
	EventClientKindSet EventKind = "client_kind_set"
	// EventClientKindGuessed: an invoice suggested a kind the owner has
	// not confirmed yet.
	EventClientKindGuessed EventKind = "client_kind_guessed"
	// EventClientPhoneAdded, EventClientPhoneRemoved: a phone number of the
	// client was found (an invoice, a reply's signature) or typed by the
	// owner; the owner removed one.
	EventClientPhoneAdded   EventKind = "client_phone_added"
	EventClientPhoneRemoved EventKind = "client_phone_removed"
	// EventClientFileSet: the owner changed the client's file (postal
	// address, "do not chase before", notes).
	EventClientFileSet EventKind = "client_file_set"
)

// Money.
const (
	EventPaymentRecorded   EventKind = "payment_recorded"
	EventPaymentReceived   EventKind = "payment_received"
	EventPaymentAssigned   EventKind = "payment_assigned"
	EventPaymentConfirmed  EventKind = "payment_confirmed"
	EventInvoicePaid       EventKind = "invoice_paid"
	EventCreditNoteApplied EventKind = "credit_note_applied"
	EventPlanRecorded      EventKind = "plan_recorded"
	EventPlanCancelled     EventKind = "plan_cancelled"
	EventPlanCompleted     EventKind = "plan_completed"
)

// Drafts and what was sent. A change of a draft's status is logged as
// "draft_" followed by the status (see DraftStatus.Event).
const (
	EventDraftHeld        EventKind = "draft_held"
	EventDraftApproved    EventKind = "draft_approved"
	EventDraftSent        EventKind = "draft_sent"
	EventDraftCancelled   EventKind = "draft_cancelled"
	EventDraftSuperseded  EventKind = "draft_superseded"
	EventDraftEdited      EventKind = "draft_edited"
	EventDraftEditRefused EventKind = "draft_edit_refused"
	EventDraftCalmWarning EventKind = "draft_calm_warning"
	EventDraftForeign     EventKind = "draft_foreign"
	EventDraftRewritten   EventKind = "draft_rewritten"
	EventDraftSendNow     EventKind = "draft_send_now"
	EventReminderSent     EventKind = "reminder_sent"
	EventAnswerSent       EventKind = "answer_sent"
	EventDigestSent       EventKind = "digest_sent"
	// EventSendFailed: a send failed. Nothing logs it now (a failure opens
	// a send_failed flag), but a log kept from before may hold it.
	EventSendFailed       EventKind = "send_failed"
	EventFlagAcknowledged EventKind = "flag_acknowledged"
	EventFlagResolved     EventKind = "flag_resolved"
)

// Event is the kind logged when a draft takes status s.
func (s DraftStatus) Event() EventKind { return EventKind("draft_" + string(s)) }

// Event is the kind logged when a flag takes status s.
func (s FlagStatus) Event() EventKind { return EventKind("flag_" + string(s)) }
