package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/text"
)

// view is what templates see: every value already formatted for the
// language, so templates hold wording only and never compute.
type view struct {
	Lang, Stage string
	B2B         bool

	Business      Business // single-line fields cleaned
	BusinessLines []string // postal address, one line each
	Signature     []string // signature block, one line each
	Place         string
	Today         string
	Dated         string // "Lyon, le 3 décembre 2026"

	Client      string
	Contact     string
	ClientLines []string // the debtor's postal address, one line each
	// Greeting opens a message ("Bonjour Madame Dupont," / "Hello,");
	// Salutation opens a letter ("Madame" / "Madame, Monsieur"); Named
	// says whether a person is named ("Yours sincerely" then).
	Greeting, Salutation string
	Named                bool

	Invoices   []invoiceView
	Single     bool
	First      invoiceView
	Numbers    string // "F-1, F-2 et F-3"
	SubjectRef string // "Facture F-1" / "Invoices F-1 and F-2"
	AnyPartial bool
	AnyOverdue bool
	MaxLate    int

	Totals      []string // balance per currency, first appearance order
	Total       string   // Totals as a sentence
	PaidTotal   string   // thank_you: what was received, as a sentence
	GrandTotals []string // formal notice: balances + penalties + indemnity
	GrandTotal  string

	Penalties    []penaltyView
	PenaltyTotal string
	HasPenalties bool
	Indemnity    string
	IndemnityPer string
	HasIndemnity bool
	// AnnounceIndemnity: a reminder to a business names the D441-5
	// indemnity per invoice (IndemnityPer) before the formal notice claims
	// it; never to a consumer, nor when the policy sets it to zero.
	AnnounceIndemnity bool
	Deadline          int
	DeadlineDate      string

	Instalments      []instalmentView
	Missed           []instalmentView
	Upcoming         []instalmentView
	InstalmentsTotal string

	Promise          string
	LastReminder     string
	NoAnswer         bool
	OfferPaymentPlan bool

	History    []string
	Complaints []string
	Phones     []string
	Goal       string

	// Answer: what was asked, what is attached.
	AskBank, AskCopy, AskPO, AskChorus, AskAddress, AskOther bool
	Attached                                                 []string
	// Objection is the stock objection answered (domain.Objection's
	// string), "" for a plain question.
	Objection string
}

type invoiceView struct {
	Number       string
	IssueDate    string
	DueDate      string
	OrderDate    string
	DeliveryDate string
	Amount       string
	Balance      string
	Paid         string // amount already received
	Partial      bool
	DaysLate     int
	Overdue      bool
	// OnReceipt: the invoice fell due the day it was issued; it is then
	// "payable à réception", not "due" on its own date.
	OnReceipt bool
	Due       string // the due date, or "payable à réception"
}

type penaltyView struct {
	From, To, Base, Rate, Amount string
	Days                         int
}

type instalmentView struct {
	Due, Amount string
	Missed      bool
}

// normLang maps "fr-FR", "FR", "fr_CA" to "fr".
func normLang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return l
}

func isDunning(stage string) bool {
	switch stage {
	case StageThankYou, StageAnswer:
		return false
	}
	return true
}

// moneyTotals sums by currency in order of first appearance.
type moneyTotals struct {
	order []string
	sum   map[string]decimal.Decimal
}

func (m *moneyTotals) add(cur string, a decimal.Decimal) {
	if m.sum == nil {
		m.sum = map[string]decimal.Decimal{}
	}
	if _, ok := m.sum[cur]; !ok {
		m.order = append(m.order, cur)
	}
	m.sum[cur] = m.sum[cur].Add(a)
}

func (m *moneyTotals) format(lang string) []string {
	out := make([]string, 0, len(m.order))
	for _, c := range m.order {
		out = append(out, text.FormatMoney(lang, m.sum[c], c))
	}
	return out
}

func buildView(d Data) (*view, error) {
	lang := normLang(d.Language)
	if lang != "fr" && lang != "en" {
		return nil, fmt.Errorf("%w: %q", ErrUnknownLanguage, d.Language)
	}
	if !knownStage(d.Stage) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownStage, d.Stage)
	}
	if len(d.Invoices) == 0 {
		return nil, fmt.Errorf("render: %s: no invoice", d.Stage)
	}
	v := &view{Lang: lang, Stage: d.Stage, B2B: d.B2B, NoAnswer: d.NoAnswer, OfferPaymentPlan: d.OfferPaymentPlan}
	per := indemnityPer(d)
	v.IndemnityPer = text.FormatMoney(lang, per, "EUR")
	v.AnnounceIndemnity = d.B2B && per.IsPositive()
	for _, a := range d.Asked {
		switch a {
		case TopicBankDetails:
			v.AskBank = true
		case TopicInvoiceCopy:
			v.AskCopy = true
		case TopicPONumber:
			v.AskPO = true
		case TopicChorusPro:
			v.AskChorus = true
		case TopicAddress:
			v.AskAddress = true
		}
	}
	if d.Objection != domain.NoObjection {
		if !d.Objection.Valid() {
			return nil, fmt.Errorf("render: %s: unknown objection %q", d.Stage, d.Objection)
		}
		v.Objection = string(d.Objection)
		// "We never received it" is answered with the invoice itself.
		v.AskCopy = v.AskCopy || d.Objection == domain.ObjectionNotReceived
	}
	v.AskOther = !v.AskBank && !v.AskCopy && !v.AskPO && !v.AskChorus && !v.AskAddress && v.Objection == ""
	for _, f := range d.Attached {
		if f = oneLine(f); f != "" {
			v.Attached = append(v.Attached, f)
		}
	}
	v.Business = Business{
		Name: oneLine(d.Business.Name), Email: oneLine(d.Business.Email), Phone: oneLine(d.Business.Phone),
		SIREN: oneLine(d.Business.SIREN), IBAN: oneLine(d.Business.IBAN), BIC: oneLine(d.Business.BIC),
		Address: d.Business.Address, Signature: strings.TrimSpace(d.Business.Signature), City: oneLine(d.Business.City),
		Signer: oneLine(d.Business.Signer),
	}
	for _, l := range strings.FieldsFunc(d.Business.Address, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = oneLine(l); l != "" {
			v.BusinessLines = append(v.BusinessLines, l)
		}
	}
	for _, l := range strings.Split(v.Business.Signature, "\n") {
		v.Signature = append(v.Signature, oneLine(l))
	}
	if v.Business.Signature == "" {
		v.Signature = nil
	}
	if v.Business.Name == "" {
		return nil, fmt.Errorf("render: %s: business name is empty", d.Stage)
	}
	v.Place = v.Business.City
	if v.Place == "" {
		v.Place = cityOf(d.Business.Address)
	}
	v.Client = oneLine(d.ClientName)
	v.Contact = oneLine(d.ContactName)
	if v.Client == "" && v.Contact == "" {
		return nil, fmt.Errorf("render: %s: client name is empty", d.Stage)
	}
	if v.Client == "" {
		v.Client = v.Contact
	}
	civ, surname := d.Civility, ""
	person := v.Contact
	if person == "" && !d.B2B {
		// A consumer is the person.
		person = v.Client
	}
	if c, s := ParseCivility(person); c != "" {
		surname = s
		if civ == "" {
			civ = c
		}
	} else if f := strings.Fields(person); civ != "" && len(f) > 0 {
		surname = f[len(f)-1]
	}
	v.Greeting, v.Salutation, v.Named = addressing(lang, civ, surname)
	// An address read from an invoice may come on one line, with commas.
	addr := strings.FieldsFunc(d.ClientAddress, func(r rune) bool { return r == '\n' || r == '\r' })
	if len(addr) == 1 {
		addr = strings.Split(addr[0], ",")
	}
	for _, l := range addr {
		if l = oneLine(l); l != "" && l != v.Client {
			v.ClientLines = append(v.ClientLines, l)
		}
	}

	if d.Stage == StagePromiseConfirmation && d.Promise == nil {
		return nil, fmt.Errorf("render: %s: Promise is required", d.Stage)
	}
	needsToday := d.Stage == StageFormalNotice || d.Stage == StagePlanConfirmation || d.Stage == StageInstalmentReminder
	if d.Today.IsZero() && needsToday {
		return nil, fmt.Errorf("render: %s: Today is required", d.Stage)
	}
	v.Today = text.FormatDate(lang, d.Today)
	switch {
	case v.Today == "":
	case v.Place != "":
		v.Dated = viewWords.T(lang, "dated.place", v.Place, v.Today)
	default:
		v.Dated = viewWords.T(lang, "dated", v.Today)
	}

	defCur := strings.ToUpper(strings.TrimSpace(d.Currency))
	var balances, amounts moneyTotals
	var numbers []string
	for i, in := range d.Invoices {
		num := oneLine(in.Number)
		if num == "" {
			return nil, fmt.Errorf("render: %s: invoice %d has no number", d.Stage, i+1)
		}
		cur := strings.ToUpper(strings.TrimSpace(in.Currency))
		if cur == "" {
			cur = defCur
		}
		if cur == "" {
			return nil, fmt.Errorf("render: %s: invoice %s has no currency", d.Stage, num)
		}
		if in.Amount.IsNegative() || in.Balance.IsNegative() {
			return nil, fmt.Errorf("render: %s: invoice %s has a negative amount", d.Stage, num)
		}
		// A reminder for nothing due is a bug upstream; refusing it keeps a
		// paid client from ever receiving one.
		if isDunning(d.Stage) && !in.Balance.IsPositive() {
			return nil, fmt.Errorf("render: %s: invoice %s has nothing left to pay", d.Stage, num)
		}
		iv := invoiceView{
			Number:       num,
			IssueDate:    text.FormatDate(lang, in.IssueDate),
			DueDate:      text.FormatDate(lang, in.DueDate),
			OrderDate:    text.FormatDate(lang, in.OrderDate),
			DeliveryDate: text.FormatDate(lang, in.DeliveryDate),
			Amount:       text.FormatMoney(lang, in.Amount, cur),
			Balance:      text.FormatMoney(lang, in.Balance, cur),
			DaysLate:     in.DaysLate,
			Overdue:      in.DaysLate > 0,
		}
		iv.Due = iv.DueDate
		if !in.DueDate.IsZero() && !in.IssueDate.IsZero() && dateOnly(in.DueDate).Equal(dateOnly(in.IssueDate)) {
			iv.OnReceipt = true
			iv.Due = viewWords.T(lang, "on_receipt")
		}
		if !in.Balance.Equal(in.Amount) && d.Stage != StageThankYou {
			iv.Partial = true
			v.AnyPartial = true
			iv.Paid = text.FormatMoney(lang, in.Amount.Sub(in.Balance), cur)
		}
		if iv.Overdue {
			v.AnyOverdue = true
		}
		if in.DaysLate > v.MaxLate {
			v.MaxLate = in.DaysLate
		}
		v.Invoices = append(v.Invoices, iv)
		numbers = append(numbers, num)
		balances.add(cur, in.Balance)
		amounts.add(cur, in.Amount)
		if defCur == "" {
			defCur = cur
		}
	}
	v.Single = len(v.Invoices) == 1
	v.First = v.Invoices[0]
	v.Numbers = joinList(lang, shortList(lang, numbers))
	if v.Single {
		v.SubjectRef = viewWords.T(lang, "subject.one", v.Numbers)
	} else {
		v.SubjectRef = viewWords.T(lang, "subject.many", v.Numbers)
	}
	v.Totals = balances.format(lang)
	v.Total = joinList(lang, v.Totals)
	v.PaidTotal = joinList(lang, amounts.format(lang))

	if d.Promise != nil {
		v.Promise = text.FormatDate(lang, *d.Promise)
	}
	if d.LastReminder != nil {
		v.LastReminder = text.FormatDate(lang, *d.LastReminder)
	}
	for _, h := range d.History {
		if h = oneLine(h); h != "" {
			v.History = append(v.History, h)
		}
	}
	for _, c := range d.Complaints {
		if c = oneLine(c); c != "" {
			v.Complaints = append(v.Complaints, c)
		}
	}
	for _, p := range d.Phones {
		if p = oneLine(p); p != "" {
			v.Phones = append(v.Phones, p)
		}
	}
	v.Goal = oneLine(d.Goal)

	if err := v.addFormalNotice(d, defCur, balances); err != nil {
		return nil, err
	}
	if err := v.addInstalments(d, defCur); err != nil {
		return nil, err
	}
	return v, nil
}

// indemnityPer is the D441-5 recovery indemnity per invoice: the policy's
// when given, else the 40 € the law sets.
func indemnityPer(d Data) decimal.Decimal {
	if d.IndemnityPerInvoice != nil {
		return *d.IndemnityPerInvoice
	}
	return decimal.NewFromInt(40)
}

// shortList keeps subjects readable: beyond six numbers the rest is counted.
func shortList(lang string, nums []string) []string {
	const max = 6
	if len(nums) <= max {
		return nums
	}
	out := append([]string(nil), nums[:max-1]...)
	return append(out, viewWords.T(lang, "list.others", len(nums)-(max-1)))
}

func (v *view) addFormalNotice(d Data, cur string, balances moneyTotals) error {
	if d.Stage != StageFormalNotice {
		return nil
	}
	if !d.B2B {
		// L441-10 penalties and the D441-5 indemnity exist only between
		// businesses; claiming them from a consumer would be unlawful.
		if len(d.Penalties) > 0 || !d.PenaltyTotal.IsZero() {
			return fmt.Errorf("render: formal_notice: L441-10 penalties given for a consumer (B2C)")
		}
		if !d.Indemnity.IsZero() {
			return fmt.Errorf("render: formal_notice: recovery indemnity given for a consumer (B2C)")
		}
	}
	v.Deadline = d.PaymentDeadlineDays
	if v.Deadline <= 0 {
		v.Deadline = 8
	}
	if !d.PaymentDeadline.IsZero() {
		v.DeadlineDate = text.FormatDate(v.Lang, d.PaymentDeadline)
	} else {
		v.DeadlineDate = text.FormatDate(v.Lang, dateOnly(d.Today).AddDate(0, 0, v.Deadline))
	}

	penCur := strings.ToUpper(strings.TrimSpace(d.Currency))
	if penCur == "" {
		penCur = cur
	}
	sum := decimal.Zero
	for _, p := range d.Penalties {
		if p.To.Before(p.From) || p.Days < 0 || p.Amount.IsNegative() {
			return fmt.Errorf("render: formal_notice: penalty line %s–%s is inconsistent",
				p.From.Format(time.DateOnly), p.To.Format(time.DateOnly))
		}
		v.Penalties = append(v.Penalties, penaltyView{
			From: text.FormatDate(v.Lang, p.From), To: text.FormatDate(v.Lang, p.To), Days: p.Days,
			Base: text.FormatMoney(v.Lang, p.Base, penCur), Rate: text.FormatPercent(v.Lang, p.RatePercent),
			Amount: text.FormatMoney(v.Lang, p.Amount, penCur),
		})
		sum = sum.Add(p.Amount)
	}
	total := d.PenaltyTotal
	if total.IsZero() {
		total = sum
	}
	if total.IsNegative() {
		return fmt.Errorf("render: formal_notice: negative penalty total")
	}
	v.HasPenalties = len(v.Penalties) > 0 || total.IsPositive()
	v.PenaltyTotal = text.FormatMoney(v.Lang, total, penCur)

	indemnity, per := d.Indemnity, indemnityPer(d)
	if d.IndemnityPerInvoice == nil && d.B2B && indemnity.IsZero() {
		indemnity = per.Mul(decimal.NewFromInt(int64(len(d.Invoices))))
	}
	if indemnity.IsNegative() {
		return fmt.Errorf("render: formal_notice: negative indemnity")
	}
	v.HasIndemnity = d.B2B && indemnity.IsPositive()
	v.Indemnity = text.FormatMoney(v.Lang, indemnity, "EUR")
	v.IndemnityPer = text.FormatMoney(v.Lang, per, "EUR")

	grand := moneyTotals{order: append([]string(nil), balances.order...), sum: map[string]decimal.Decimal{}}
	for k, a := range balances.sum {
		grand.sum[k] = a
	}
	if v.HasPenalties {
		grand.add(penCur, total)
	}
	if v.HasIndemnity {
		grand.add("EUR", indemnity)
	}
	v.GrandTotals = grand.format(v.Lang)
	v.GrandTotal = joinList(v.Lang, v.GrandTotals)
	return nil
}

func (v *view) addInstalments(d Data, cur string) error {
	switch d.Stage {
	case StagePlanConfirmation, StageInstalmentReminder:
	default:
		return nil
	}
	if len(d.Instalments) == 0 {
		return fmt.Errorf("render: %s: no instalment", d.Stage)
	}
	today := dateOnly(d.Today)
	var total moneyTotals
	for _, in := range d.Instalments {
		if !in.Amount.IsPositive() {
			return fmt.Errorf("render: %s: instalment of %s is not positive", d.Stage, in.Due.Format(time.DateOnly))
		}
		iv := instalmentView{Due: text.FormatDate(v.Lang, in.Due), Amount: text.FormatMoney(v.Lang, in.Amount, cur)}
		if d.Stage == StageInstalmentReminder && dateOnly(in.Due).Before(today) {
			iv.Missed = true
			v.Missed = append(v.Missed, iv)
		} else {
			v.Upcoming = append(v.Upcoming, iv)
		}
		v.Instalments = append(v.Instalments, iv)
		total.add(cur, in.Amount)
	}
	if d.Stage == StageInstalmentReminder && len(v.Missed) == 0 {
		return fmt.Errorf("render: instalment_reminder: no instalment is due before %s", d.Today.Format(time.DateOnly))
	}
	v.InstalmentsTotal = joinList(v.Lang, total.format(v.Lang))
	return nil
}
