// Package render turns the state of a client's invoices into the text of a
// reminder (subject, plain text, HTML) from the templates in
// github.com/relance/relance/templates, and checks that a text stays calm.
//
// It is pure: it reads only the template file system it is given, never the
// clock (Data.Today is the date printed in letters) and never the network.
// Client-supplied strings are data: they are escaped in HTML, written
// literally in text, and stripped of line breaks in headers.
package render

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/templates"
)

// Stage names as the templates are named (the domain's draft stages).
const (
	StageCourtesy         = string(domain.StageCourtesy)
	StageFriendly         = string(domain.StageFriendly)
	StageSecond           = string(domain.StageSecond)
	StageCall             = string(domain.StageCall)
	StageFormalNotice     = string(domain.StageFormalNotice)
	StagePlanConfirmation = string(domain.StagePlanConfirmation)
	// StagePromiseConfirmation confirms a payment date promised on a
	// call (Data.Promise).
	StagePromiseConfirmation = string(domain.StagePromiseConfirmation)
	StageInstalmentReminder  = string(domain.StageInstalmentReminder)
	StageThankYou            = string(domain.StageThankYou)
	// StageAnswer answers a client's question (bank details, a copy of the
	// invoice, a PO number, a Chorus Pro upload, an address).
	StageAnswer = string(domain.StageAnswer)
)

// Topics of a client's question, for the answer stage (Data.Asked).
const (
	TopicBankDetails = "bank_details"
	TopicInvoiceCopy = "invoice_copy"
	TopicPONumber    = "po_number"
	TopicChorusPro   = "chorus_pro"
	TopicAddress     = "address"
)

// ErrUnknownStage is returned for a stage without a template (for example
// "professional", which hands the file over and writes nothing).
var ErrUnknownStage = errors.New("render: no template for stage")

// ErrUnknownLanguage is returned for a language without templates.
var ErrUnknownLanguage = errors.New("render: no templates for language")

// Stages lists every stage with a template, in ladder order then the
// follow-up messages.
func Stages() []string {
	return []string{StageCourtesy, StageFriendly, StageSecond, StageCall, StageFormalNotice,
		StagePlanConfirmation, StagePromiseConfirmation, StageInstalmentReminder, StageThankYou, StageAnswer}
}

// Languages lists the languages with a full set of templates.
func Languages() []string { return []string{"fr", "en"} }

func knownStage(s string) bool {
	for _, k := range Stages() {
		if k == s {
			return true
		}
	}
	return false
}

// Business is the creditor: the user of relance, as printed in letters.
type Business struct {
	Name, Email, Phone, Address, SIREN, IBAN, BIC, Signature string
	// Signer is the person who signs the messages: a client answers a
	// person more readily than a company name.
	Signer string
	// City is the place printed next to the date ("Lyon, le …"); when empty
	// it is taken from the postal code line of Address.
	City string
}

// InvoiceLine is one invoice concerned by the message.
type InvoiceLine struct {
	Number       string
	IssueDate    time.Time
	DueDate      time.Time
	Amount       decimal.Decimal // invoiced, tax included
	Balance      decimal.Decimal // still due; equals Amount when nothing was paid
	Currency     string          // ISO 4217; Data.Currency when empty
	DaysLate     int             // ≤ 0 before the due date
	OrderDate    time.Time       // optional, shown on the call sheet
	DeliveryDate time.Time       // optional, shown on the call sheet
}

// PenaltyLine is one period of L441-10 late penalties, computed by the
// policy (a delay across a half-year boundary gives one line per half-year).
type PenaltyLine struct {
	From, To    time.Time
	Days        int
	Base        decimal.Decimal
	RatePercent decimal.Decimal
	Amount      decimal.Decimal
}

// Instalment is one payment of an agreed schedule (échéancier).
type Instalment struct {
	Due    time.Time
	Amount decimal.Decimal
}

// Data is everything a template may print.
type Data struct {
	Language string // "fr" or "en" ("fr-FR" and the like are accepted)
	Stage    string
	Business Business

	ClientName, ContactName string
	// Civility of the person greeted, when someone wrote it down; else it is
	// read from a civility written before ContactName (or, for a consumer,
	// ClientName), and when none is found the greeting names nobody.
	Civility Civility
	// ClientAddress is the debtor's postal address (one line per line),
	// printed under its name at the head of the formal notice.
	ClientAddress string
	B2B           bool

	Invoices []InvoiceLine
	Currency string // default currency of the invoices and of penalties

	// Formal notice. PenaltyTotal is printed as given (it may differ from
	// the sum of the lines when a payment was imputed to interest); when it
	// is zero the lines are summed. Indemnity defaults to 40 € per invoice
	// for B2B and must be zero for B2C.
	Penalties    []PenaltyLine
	PenaltyTotal decimal.Decimal
	Indemnity    decimal.Decimal
	// IndemnityPerInvoice, when set, is the D441-5 amount per invoice the
	// policy configures (penalties.indemnity); Indemnity is then taken as
	// given, zero meaning none.
	IndemnityPerInvoice *decimal.Decimal

	// Instalments still to be paid. For instalment_reminder, those due
	// before Today are the missed ones.
	Instalments []Instalment

	Promise      *time.Time
	LastReminder *time.Time
	// NoAnswer: the client stayed silent after our reminders (a behaviour
	// signal); the second reminder says so gently.
	NoAnswer bool
	// OfferPaymentPlan adds the offer of a payment plan (échéancier) to a
	// reminder; the ladder stage's offer_payment_plan sets it.
	OfferPaymentPlan bool

	History    []string // call sheet: one line per past event
	Complaints []string // call sheet: what the client has complained about
	Phones     []string // call sheet: the client's numbers to call
	Goal       string   // call sheet: what the call should come away with

	Today               time.Time // printed in letters; never read from the clock
	PaymentDeadlineDays int       // formal notice; 8 when zero
	// PaymentDeadline is the formal notice's last day to pay, as the policy
	// computed it (moved to a working day); when zero, Today plus
	// PaymentDeadlineDays.
	PaymentDeadline time.Time

	// Answer: what the client asked for (Topic* constants) and the file
	// names attached to the answer.
	Asked    []string
	Attached []string
	// Objection is the stock objection the answer answers (none for a
	// plain question).
	Objection domain.Objection
}

// Rendered is a message ready for the outbox. Subject is header-safe.
type Rendered struct {
	Subject, Text, HTML string
}

// Renderer renders from a template file system laid out like
// templates.FS (fr/, en/). A user may point it at a copy they edited.
//
// Each template set is parsed the first time it is used and kept: a pass
// renders hundreds of drafts from the same few files, and parsing them again
// for each cost more than executing them. A Renderer therefore reads a file
// once; a new Renderer reads an edited copy again. It is safe for
// concurrent use.
type Renderer struct {
	fsys fs.FS

	mu   sync.Mutex
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// New returns a Renderer over fsys; nil means the embedded templates.
func New(fsys fs.FS) *Renderer {
	if fsys == nil {
		fsys = templates.FS
	}
	return &Renderer{fsys: fsys, text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
}

// Render renders d with the embedded templates.
func Render(d Data) (Rendered, error) {
	return New(nil).Render(d)
}

// Render renders d: subject, plain text and HTML.
func (r *Renderer) Render(d Data) (Rendered, error) {
	v, err := buildView(d)
	if err != nil {
		return Rendered{}, err
	}
	base := v.Lang + "/"
	subject, err := r.execText(v, base+"_common.txt.tmpl", base+v.Stage+".subject.tmpl")
	if err != nil {
		return Rendered{}, err
	}
	text, err := r.execText(v, base+"_common.txt.tmpl", base+v.Stage+".txt.tmpl")
	if err != nil {
		return Rendered{}, err
	}
	html, err := r.execHTML(v, base+"_common.html.tmpl", base+v.Stage+".html.tmpl")
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: SafeHeader(subject), Text: tidyText(text), HTML: tidyHTML(html)}, nil
}

// execText executes the last of files (the others only define blocks).
func (r *Renderer) execText(v *view, files ...string) (string, error) {
	main := files[len(files)-1]
	t, err := parsed(r, r.text, files, func() (*texttemplate.Template, error) {
		return texttemplate.New(main).Option("missingkey=error").ParseFS(r.fsys, files...)
	})
	if err != nil {
		return "", fmt.Errorf("render: parse %s: %w", main, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, baseName(main), v); err != nil {
		return "", fmt.Errorf("render: execute %s: %w", main, err)
	}
	return buf.String(), nil
}

func (r *Renderer) execHTML(v *view, files ...string) (string, error) {
	main := files[len(files)-1]
	t, err := parsed(r, r.html, files, func() (*htmltemplate.Template, error) {
		return htmltemplate.New(main).Option("missingkey=error").ParseFS(r.fsys, files...)
	})
	if err != nil {
		return "", fmt.Errorf("render: parse %s: %w", main, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, baseName(main), v); err != nil {
		return "", fmt.Errorf("render: execute %s: %w", main, err)
	}
	return buf.String(), nil
}

// parsed returns the template set of files from cache, parsing it on first
// use. A set that fails to parse is not kept: the error comes back on every
// use. Both template packages execute a parsed set concurrently.
func parsed[T any](r *Renderer, cache map[string]*T, files []string, parse func() (*T, error)) (*T, error) {
	key := strings.Join(files, "\x00")
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := cache[key]; ok {
		return t, nil
	}
	t, err := parse()
	if err != nil {
		return nil, err
	}
	cache[key] = t
	return t, nil
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// tidyText lets templates be laid out for reading: trailing blanks go, runs
// of blank lines shrink to one, and the text ends with one newline.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	out := make([]string, 0, len(lines))
	prevBlank := false
	for _, l := range lines {
		if l == "" && prevBlank {
			continue
		}
		prevBlank = l == ""
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n") + "\n"
}

func tidyHTML(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}
