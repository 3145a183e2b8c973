// Package invoice recognises the invoices we sent and ties replies to them.
//
// Detect reads a sent mail and says whether it carries an invoice, a credit
// note, or something that only looks like one (a quote, a pro forma, an
// order confirmation, a receipt, one of our own reminders). It reads, in
// order of trust, Factur-X / ZUGFeRD XML embedded in a PDF, a UBL 2.1 or CII
// XML attachment, the text of a PDF attachment, and the subject and body in
// French or English. Facts it cannot find are listed in Result.Missing for a
// human to complete; they are never guessed.
//
// Thread ties an incoming mail to the invoices it is about, by Message-ID,
// by invoice number, or by sender, and otherwise asks for triage.
//
// Everything here is pure: no I/O, no clock, and no panic on any input.
package invoice

import (
	"net/mail"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/text"
)

// Kind is what a sent mail turned out to be.
type Kind string

// The kinds Detect reports.
const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
	KindNone       Kind = "not_invoice"
)

// Sources of the facts in a Result, most trusted first.
const (
	SourceFacturX = "facturx"
	SourceUBL     = "ubl"
	SourceCII     = "cii"
	SourcePDFText = "pdf_text"
	SourceBody    = "body"
)

// Names used in Result.Missing.
const (
	FieldNumber    = "number"
	FieldAmount    = "amount"
	FieldCurrency  = "currency"
	FieldIssueDate = "issue_date"
	FieldDueDate   = "due_date"
	FieldClient    = "client"
)

// Party is the seller or the client of an invoice.
type Party struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"` // one line, parts joined by ", "
	VATID   string `json:"vat_id,omitempty"`
	// LegalID is the registration number (SIREN, SIRET, company number)
	// and Phone the contact's telephone, as the XML states them.
	LegalID string `json:"legal_id,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// Result is what Detect found in one mail.
type Result struct {
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason"`
	// Rejected says why a document a person may take for an invoice is not
	// one of our receivables (a supplier's invoice, a quote, one of our
	// reminders…); empty for invoices, credit notes and ordinary mail. The
	// facts below are still read from such a document, for the owner to
	// adopt it.
	Rejected Rejection `json:"rejected,omitempty"`
	Source   string    `json:"source,omitempty"`

	Number         string `json:"number,omitempty"`
	CreditedNumber string `json:"credited_number,omitempty"` // credit notes: the invoice credited, when stated

	Client Party `json:"client"`
	// Seller is us. Seller.Email is always the address the mail was sent
	// from, so that Key does not change when a re-send carries less data.
	Seller Party `json:"seller"`

	Amount   decimal.Decimal `json:"amount"`   // total including VAT (TTC)
	Currency string          `json:"currency"` // ISO 4217
	// Payable is what the document asks to be paid: the total less what
	// was already paid (a deposit, "acompte versé", Factur-X
	// TotalPrepaidAmount), as its DuePayableAmount, UBL PayableAmount or "reste
	// à payer" says. It equals Amount when nothing was prepaid. Prepaid is
	// that deposit (zero when none).
	Payable decimal.Decimal `json:"payable"`
	Prepaid decimal.Decimal `json:"prepaid"`

	IssueDate time.Time `json:"issue_date"` // midnight UTC of the calendar day
	DueDate   time.Time `json:"due_date"`
	// OrderDate and DeliveryDate are the buyer's order and the delivery as
	// the XML states them (zero when it does not): the call sheet shows
	// them.
	OrderDate    time.Time `json:"order_date,omitzero"`
	DeliveryDate time.Time `json:"delivery_date,omitzero"`
	DueFromTerms bool      `json:"due_from_terms,omitempty"`

	Language string   `json:"language"` // "fr" or "en"
	Missing  []string `json:"missing,omitempty"`
	// Findings are what a human must check beyond a missing fact: sources
	// that disagree (the XML says one amount, the body another: the XML
	// wins), a field present but unusable (an amount that is not a number,
	// a buyer address that is not an e-mail address), an attachment that
	// could not be read. Each names the problem.
	Findings []string `json:"findings,omitempty"`
	// Disagreements are the Findings where two sources state a fact
	// otherwise, kept apart for the legal self-check; not part of the JSON.
	Disagreements []string `json:"-"`
	Evidence      []string `json:"evidence,omitempty"`
}

// UsableEmail says whether s is an e-mail address a reminder can be sent
// to, and returns it lower-cased: one bare addr-spec (an optional "mailto:"
// is dropped), with a domain holding a dot. Public-sector routing ids,
// Peppol participant ids and free text are not.
func UsableEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 254 {
		return "", false
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.TrimSpace(s[7:])
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;\"()[]\\") {
		return "", false
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || !strings.EqualFold(a.Address, s) {
		return "", false
	}
	return strings.ToLower(s), true
}

// Options tunes Detect.
type Options struct {
	// OwnAddresses are our own mailboxes (lower-case). Recipients listed here
	// (a copy to ourselves, the accounting alias) are never taken for the
	// client.
	OwnAddresses []string
	// DefaultCurrency is the business's own currency (e.g. "EUR"). It is used
	// only when an amount is stated without any symbol or code; when empty,
	// such an invoice is flagged with a missing currency instead.
	DefaultCurrency string
	// DefaultLanguage is used when the text gives no clue ("fr" when empty).
	DefaultLanguage string
	// Identity is who we are beyond each mail's From (the configured
	// business name and registration numbers): a document whose buyer is
	// us and whose seller is not is no receivable of ours.
	Identity Identity
	// MaxPDFBytes bounds the PDF attachments read (default 20 MiB); larger
	// ones are ignored, as a hostile PDF can cost far more to read than its
	// size suggests.
	MaxPDFBytes int
	// PDFs, when set, remembers what was read from each PDF, so the same
	// bytes (a re-send, the self-check after discovery) are read once.
	PDFs *PDFs
}

func (o Options) maxPDF() int {
	if o.MaxPDFBytes > 0 {
		return o.MaxPDFBytes
	}
	return 20 << 20
}

// Key identifies an invoice across re-sends: the normalized number and the
// seller. Two mails with the same Key are the same invoice. It is "" when
// the number is unknown, since without a number a re-send cannot be told
// from a new invoice.
func Key(r Result) string {
	n := text.NormalizeNumber(r.Number)
	if n == "" {
		return ""
	}
	seller := strings.ToLower(strings.TrimSpace(r.Seller.Email))
	if i := strings.LastIndexByte(seller, '@'); i >= 0 {
		// The domain, not the mailbox: invoices go out from factures@ and
		// from a person's address in the same business.
		seller = seller[i+1:]
	}
	if seller == "" {
		if v := text.NormalizeNumber(r.Seller.VATID); v != "" {
			seller = "vat:" + v
		} else {
			seller = "name:" + strings.ToLower(strings.Join(strings.Fields(r.Seller.Name), " "))
		}
	}
	kind := "inv"
	if r.Kind == KindCreditNote {
		// A credit note may reuse the numbering of invoices; it is a
		// different document from the invoice with the same number.
		kind = "cn"
	}
	return kind + ":" + n + "@" + seller
}

// Detect says what a sent mail is and extracts the invoice facts it holds.
func Detect(m *message.Message, opt Options) Result {
	if m == nil {
		return Result{Kind: KindNone, Reason: "no message", Language: defaultLang(opt)}
	}
	d := newDetection(m, opt)
	return d.run()
}

// NeedsPDF tells whether the bytes of a PDF attachment that were not fetched
// are needed: true only when nothing already at hand (subject, body, XML
// attachments) gives the invoice number, amount and due date, and the mail
// is not a near miss such as a quote or one of our reminders.
func NeedsPDF(m *message.Message) bool {
	_, need := Inspect(m, Options{})
	return need
}

// Inspect is Detect and NeedsPDF from one reading of the mail: the result of
// what is at hand, and whether the PDFs left out should be fetched and the
// mail detected again with them.
func Inspect(m *message.Message, opt Options) (Result, bool) {
	if m == nil {
		return Detect(nil, opt), false
	}
	d := newDetection(m, opt)
	r := d.run()
	unfetched := false
	for _, a := range m.Attachments {
		if isPDF(a) && a.Data == nil && !a.Truncated {
			unfetched = true
			break
		}
	}
	if !unfetched {
		return r, false
	}
	if r.Kind == KindNone {
		// A near miss stays one whatever its PDF says; a mail with no
		// signal at all may be an invoice that only its PDF names.
		return r, r.Reason == reasonNoEvidence
	}
	return r, r.Number == "" || !d.hasAmount || r.DueDate.IsZero()
}

func defaultLang(opt Options) string {
	if opt.DefaultLanguage == "en" {
		return "en"
	}
	return "fr"
}

func isPDF(a message.Attachment) bool {
	if a.ContentType == "application/pdf" || a.ContentType == "application/x-pdf" {
		return true
	}
	return strings.HasSuffix(strings.ToLower(a.Filename), ".pdf")
}

func isXML(a message.Attachment) bool {
	switch a.ContentType {
	case "application/xml", "text/xml":
		return true
	}
	if strings.HasSuffix(a.ContentType, "+xml") {
		return true
	}
	return strings.HasSuffix(strings.ToLower(a.Filename), ".xml")
}

func midnightUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}
