package store

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Invoice states, draft and flag statuses and actors are the domain's words
// (package domain).

// Client is a customer, known by its main address.
type Client struct {
	ID       int64
	Name     string
	Email    string
	Domain   string
	Language string
}

// Invoice is the current state of one invoice (or credit note).
type Invoice struct {
	ID             int64
	Number         string
	Key            string
	Kind           string // invoice, credit_note
	CreditedNumber string
	Client         Client
	Amount         decimal.Decimal
	Balance        decimal.Decimal
	Currency       string
	IssueDate      time.Time // zero when unknown
	DueDate        time.Time // zero when unknown
	// OrderDate and DeliveryDate are the client's order and the delivery,
	// as the invoice's XML states them; only the call file reads them (zero
	// elsewhere, and when unknown).
	OrderDate, DeliveryDate time.Time
	Language                string
	Source                  string
	SourceMessageID         string
	State                   domain.State
	Missing                 []string
	NextAction              string
	NextActionAt            time.Time
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// Event is one line of the append-only log.
type Event struct {
	ID        int64
	At        time.Time
	Kind      domain.EventKind
	InvoiceID int64 // 0 when none
	ClientID  int64
	MessageID int64
	DraftID   int64
	FlagID    int64
	Actor     domain.Actor
	Detail    json.RawMessage
}

// Draft is a reminder held for review, then sent (or not).
type Draft struct {
	ID             int64
	ClientID       int64
	ClientName     string
	Stage          string
	To             []string
	Cc             []string
	Subject        string
	Body           string
	CreatedAt      time.Time
	HoldUntil      time.Time
	Status         domain.DraftStatus
	MessageID      string
	IMAPUID        uint32
	ApprovedBy     domain.Actor
	ApprovedAt     time.Time
	SentAt         time.Time
	InvoiceIDs     []int64
	InvoiceNumbers []string
	// Kind is domain.KindMessage, KindFormalNotice or KindAnswer.
	Kind domain.StageKind
	// Context lists what the reviewer should know beside the text (an open
	// call task, a broken promise, a blank to fill).
	Context []DraftNote
	// HoldLifted: approved before the hold ended, with a reason.
	HoldLifted bool
	// SendNow: a human chose "send now" (with a reason).
	SendNow bool
	// LegacyHeader: the draft was copied to Drafts before copies carried
	// the installation's key (X-Relance-Draft held the bare number).
	LegacyHeader bool
	// Objection is, for an answer, the stock objection it answers (the
	// kind its flag carries now).
	Objection domain.Objection
}

// DraftNote is one thing the reviewer of a draft should know: a stable code
// (the web page and the command line word it) and its arguments.
type DraftNote struct {
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
}

// Draft note codes.
const (
	NotePromiseBroken = "promise_broken" // date: the promised date passed unpaid; the message refers to it
	NoteOpenCall      = "open_call"      // invoice: a call task without logged outcome
	NoteOpenHandOff   = "open_hand_off"  // invoice: the hand-off task is open
	NoteSignal        = "signal"         // invoice, kind: a behaviour signal is open
	NoteQuestion      = "question"       // asked at, topics: the question an answer answers
	NoteNoPDF         = "no_pdf"         // invoice: no PDF found in Sent; attach the copy by hand
	NoteBlank         = "blank"          // what: a blank the human fills before approving
	NoteObjection     = "objection"      // kind: the stock objection an answer answers
)

// Flag asks a human to look at something.
type Flag struct {
	ID          int64
	Kind        domain.FlagKind
	InvoiceID   int64
	InvoiceNum  string
	ClientID    int64
	ClientName  string
	ClientEmail string
	MessageID   int64
	Evidence    []string
	// Topics are what an info_request asked for (bank_details,
	// invoice_copy, po_number, chorus_pro, address).
	Topics []string
	// Objection is the stock objection the reply raised, when it raised
	// one: an answer is drafted for it.
	Objection  domain.Objection
	Status     domain.FlagStatus
	Resolution string
	CreatedAt  time.Time
	ResolvedAt time.Time
}

// Cursor is how far a mailbox folder has been read.
type Cursor struct {
	Folder        string
	UIDValidity   uint32
	LastUID       uint32
	HighestModSeq uint64
}

// Message is a mail seen in a folder.
type Message struct {
	ID          int64
	Folder      string
	UIDValidity uint32
	UID         uint32
	Role        string
	MessageID   string
	From        string
	Subject     string
	Date        time.Time
	Class       string
	InvoiceID   int64
}

// Payment is money received against an invoice.
type Payment struct {
	ID          int64
	InvoiceID   int64
	ClientID    int64
	Amount      decimal.Decimal
	Currency    string
	PaidOn      time.Time
	Source      string
	Payer       string
	Reference   string
	ExternalRef string
}
