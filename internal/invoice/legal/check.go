package legal

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Document is an invoice as relance reads it: the structured XML when the
// invoice carries one (Factur-X, CII), the text of its PDF, the text of its
// mail, and what internal/invoice found when the sources disagree.
type Document struct {
	XML     []byte
	PDFText string
	Body    string
	// Disagreements are invoice.Result.Disagreements: each one names a
	// fact two sources state otherwise.
	Disagreements []string
	// Unfetched says the mail carries a PDF whose bytes were not at hand
	// (left on the server, or cut short). The invoice is that PDF, not the
	// mail announcing it: without it or its XML nothing is checked, so
	// the caller fetches it first.
	Unfetched bool
}

// party is what an invoice says about the seller or the buyer.
type party struct {
	name, address, siren, vat string
}

// line is one line of the invoice's table.
type line struct {
	designation                         string
	qty, price, total, rate             decimal.Decimal
	hasQty, hasPrice, hasTotal, hasRate bool
	// basis is the number of units the price is for (zero: one);
	// adjust is the line's charges less its allowances.
	basis, adjust decimal.Decimal
}

// expected is the line's total from its quantity and price.
func (l line) expected() decimal.Decimal {
	v := l.qty.Mul(l.price)
	if l.basis.Sign() > 0 {
		v = v.Div(l.basis)
	}
	return v.Add(l.adjust).Round(2)
}

// tax is one VAT line of the totals: a rate, its base and its amount.
type tax struct {
	rate, base, amount          decimal.Decimal
	hasRate, hasBase, hasAmount bool
}

// nature is what the invoice bills: goods, services or both.
type nature int

const (
	natureUnknown nature = iota
	natureGoods
	natureServices
	natureMixed
)

// facts is what one invoice states, read from its XML or from its text.
type facts struct {
	number       string
	issue, due   time.Time
	dueOnReceipt bool
	// termDays is the payment term the terms state ("à 30 jours"), with
	// endOfMonth when it runs to the end of a month; 0 when not stated.
	termDays   int
	endOfMonth bool

	seller, buyer party
	delivery      string
	lines         []line
	taxes         []tax

	excl, vat, incl          decimal.Decimal
	hasExcl, hasVAT, hasIncl bool
	// linesTotal is the stated sum of the lines (CII LineTotalAmount),
	// which differs from the total excluding VAT by the allowances and
	// charges on the whole invoice; text invoices state only the latter.
	linesTotal    decimal.Decimal
	hasLinesTotal bool
	// rateInText says the PDF's text names a VAT rate its XML leaves out.
	rateInText bool
	vatExempt  bool
	// franchise is the small-business VAT exemption (CGI art. 293 B): such
	// a seller has no VAT number to state.
	franchise bool

	terms, penalty, indemnity, discount, vatBasis bool
	nature                                        nature
}

// cent is the rounding an amount may differ by.
var cent = decimal.New(1, -2)

// Check lists the findings of the self-check of one invoice before its
// first reminder; none when the invoice is in order. buyer says whether the
// client is a business or a private person; asked is the purchase-order
// number the client asked to see on the invoice (empty when none).
func Check(doc Document, buyer BuyerKind, asked PO) []Finding {
	if doc.Unfetched && len(doc.XML) == 0 && strings.TrimSpace(doc.PDFText) == "" {
		return nil
	}
	f, written := read(doc)
	var out []Finding
	add := func(k Kind, detail string) { out = append(out, newFinding(k, detail)) }
	b2b := buyer != Consumer

	if f.number == "" {
		add(MissingNumber, "")
	}
	if f.issue.IsZero() {
		add(MissingDate, "")
	}
	seller := f.seller
	if f.franchise && seller.vat == "" {
		seller.vat = "293 B"
	}
	checkParty(seller, add, MissingSellerName, MissingSellerAddress, MissingSellerSIREN, MissingSellerVAT)
	if f.buyer.name == "" {
		add(MissingBuyerName, "")
	}
	if f.buyer.address == "" {
		add(MissingBuyerAddress, "")
	}
	if b2b {
		if f.buyer.siren == "" {
			add(MissingBuyerSIREN, "")
		}
		if f.nature == natureUnknown {
			add(MissingOperationNature, "")
		}
		if (f.nature == natureGoods || f.nature == natureMixed) && f.delivery == "" {
			add(MissingDeliveryAddress, "")
		}
	}
	checkLines(f, add)
	checkMoney(f, add)
	if b2b {
		checkTerms(f, add)
	} else {
		if f.penalty {
			add(ConsumerPenalties, "")
		}
		if f.indemnity {
			add(ConsumerRecovery, "")
		}
	}
	for _, d := range doc.Disagreements {
		add(SourcesDisagree, d)
	}
	if want := text.NormalizeNumber(string(asked)); want != "" && !strings.Contains(text.NormalizeNumber(written), want) {
		add(PurchaseOrder, "bon de commande / purchase order "+string(asked))
	}
	return out
}

func checkParty(p party, add func(Kind, string), name, address, siren, vat Kind) {
	if p.name == "" {
		add(name, "")
	}
	if p.address == "" {
		add(address, "")
	}
	if p.siren == "" {
		add(siren, "")
	}
	if p.vat == "" {
		add(vat, "")
	}
}

// checkLines reports the first line that lacks a designation, a quantity or
// a unit price (one finding per mention, however many lines lack it), and
// the first line whose total is not its quantity times its price.
func checkLines(f facts, add func(Kind, string)) {
	if len(f.lines) == 0 {
		add(MissingDesignation, "aucune ligne / no line")
		return
	}
	var noDesig, noQty, noPrice, wrong string
	for i, l := range f.lines {
		n := fmt.Sprintf("%d", i+1)
		switch {
		case l.designation == "" && noDesig == "":
			noDesig = "ligne / line " + n
		}
		if !l.hasQty && noQty == "" {
			noQty = "ligne / line " + n
		}
		if !l.hasPrice && noPrice == "" {
			noPrice = "ligne / line " + n
		}
		if l.hasQty && l.hasPrice && l.hasTotal && wrong == "" {
			if want := l.expected(); want.Sub(l.total).Abs().GreaterThan(cent) {
				wrong = fmt.Sprintf("ligne / line %s: %s × %s = %s ≠ %s", n, l.qty, l.price.StringFixed(2), want.StringFixed(2), l.total.StringFixed(2))
			}
		}
	}
	for _, c := range []struct {
		k Kind
		d string
	}{{MissingDesignation, noDesig}, {MissingQuantity, noQty}, {MissingUnitPrice, noPrice}, {LineTotalWrong, wrong}} {
		if c.d != "" {
			add(c.k, c.d)
		}
	}
}

// checkMoney checks the VAT mentions, the totals and their arithmetic. A
// sum that cannot be made (a total missing) is not held against the
// invoice twice: the missing mention is the finding.
func checkMoney(f facts, add func(Kind, string)) {
	if !f.vatExempt {
		if !f.rateNamed() && !f.rateInText {
			add(MissingVATRate, "")
		}
		if !f.hasVAT {
			add(MissingVATAmount, "")
		}
	}
	if !f.hasExcl || !f.hasIncl {
		add(MissingTotals, "")
	}
	if stated, ok := f.linesTotal, f.hasLinesTotal; ok || f.hasExcl {
		if !ok {
			stated = f.excl
		}
		sum, all := decimal.Zero, true
		for _, l := range f.lines {
			all = all && l.hasTotal
			sum = sum.Add(l.total)
		}
		if all && len(f.lines) > 0 && sum.Sub(stated).Abs().GreaterThan(cent) {
			add(LinesSumWrong, fmt.Sprintf("Σ %s ≠ %s", sum.StringFixed(2), stated.StringFixed(2)))
		}
	}
	if f.hasVAT && f.hasExcl && !f.vatExempt {
		if d, bad := vatMismatch(f); bad {
			add(VATAmountWrong, d)
		}
	}
	if f.hasExcl && f.hasIncl && (f.hasVAT || f.vatExempt) {
		vat := f.vat
		if !f.hasVAT {
			vat = decimal.Zero
		}
		if want := f.excl.Add(vat); want.Sub(f.incl).Abs().GreaterThan(cent) {
			add(TotalInclWrong, fmt.Sprintf("%s + %s = %s ≠ %s", f.excl.StringFixed(2), vat.StringFixed(2), want.StringFixed(2), f.incl.StringFixed(2)))
		}
	}
}

// rateNamed tells whether the invoice names a VAT rate, on a line or in
// its totals.
func (f facts) rateNamed() bool {
	for _, t := range f.taxes {
		if t.hasRate {
			return true
		}
	}
	for _, l := range f.lines {
		if l.hasRate {
			return true
		}
	}
	return false
}

// vatMismatch compares each stated VAT amount with its rate applied to its
// base: the stated base, else the total excluding VAT when one rate is
// used, else the lines at that rate. Each rate's VAT may be a cent off, and
// so may each line of a sum.
func vatMismatch(f facts) (string, bool) {
	rated := 0
	for _, t := range f.taxes {
		if t.hasRate {
			rated++
		}
	}
	sum := decimal.Zero
	for _, t := range f.taxes {
		if !t.hasRate || !t.hasAmount {
			continue
		}
		base, ok := t.base, t.hasBase
		if !ok && rated == 1 {
			base, ok = f.excl, true
		}
		if !ok {
			base, ok = linesAt(f.lines, t.rate)
		}
		sum = sum.Add(t.amount)
		if !ok {
			continue
		}
		if want := base.Mul(t.rate).Div(decimal.NewFromInt(100)).Round(2); want.Sub(t.amount).Abs().GreaterThan(cent) {
			return fmt.Sprintf("%s %% × %s = %s ≠ %s", t.rate, base.StringFixed(2), want.StringFixed(2), t.amount.StringFixed(2)), true
		}
	}
	if rated == 0 {
		// The rate is only on the lines: one rate for all of them.
		var rate decimal.Decimal
		for i, l := range f.lines {
			if !l.hasRate || (i > 0 && !l.rate.Equal(rate)) {
				return "", false
			}
			rate = l.rate
		}
		if want := f.excl.Mul(rate).Div(decimal.NewFromInt(100)).Round(2); want.Sub(f.vat).Abs().GreaterThan(cent) {
			return fmt.Sprintf("%s %% × %s = %s ≠ %s", rate, f.excl.StringFixed(2), want.StringFixed(2), f.vat.StringFixed(2)), true
		}
		return "", false
	}
	// Several VAT lines and a stated total VAT: the total is their sum.
	tol := cent.Mul(decimal.NewFromInt(int64(rated)))
	if rated > 1 && sum.Sub(f.vat).Abs().GreaterThan(tol) {
		return fmt.Sprintf("Σ TVA / VAT %s ≠ %s", sum.StringFixed(2), f.vat.StringFixed(2)), true
	}
	return "", false
}

func linesAt(lines []line, rate decimal.Decimal) (decimal.Decimal, bool) {
	sum, found := decimal.Zero, false
	for _, l := range lines {
		if !l.hasRate || !l.hasTotal {
			return decimal.Zero, false
		}
		if l.rate.Equal(rate) {
			sum, found = sum.Add(l.total), true
		}
	}
	return sum, found
}

// checkTerms checks the business-only mentions of payment and the length
// of the term.
func checkTerms(f facts, add func(Kind, string)) {
	if f.due.IsZero() && !f.dueOnReceipt {
		add(MissingDueDate, "")
	}
	if !f.terms {
		add(MissingPaymentTerms, "")
	}
	if !f.issue.IsZero() {
		due := f.due
		if due.IsZero() && f.termDays > 0 {
			due = f.issue.AddDate(0, 0, f.termDays)
			if f.endOfMonth {
				due = endOfMonth(due)
			}
		}
		if !due.IsZero() && due.After(MaxDue(f.issue)) {
			add(TermTooLong, fmt.Sprintf("%s → %s: %d jours / days", f.issue.Format(time.DateOnly), due.Format(time.DateOnly), int(due.Sub(f.issue).Hours()/24)))
		}
	}
	if !f.penalty {
		add(MissingPenaltyRate, "")
	}
	if !f.indemnity {
		add(MissingRecoveryFee, "")
	}
	if !f.discount {
		add(MissingDiscountTerms, "")
	}
	if (f.nature == natureServices || f.nature == natureMixed) && !f.vatExempt && !f.vatBasis {
		add(MissingVATOnDebits, "")
	}
}

// MaxDue is the latest due date L441-10 I allows for an invoice issued on
// issue: 60 days from its date, or 45 days end of month (read either way
// practice accepts: the end of the month after 45 days, or 45 days after
// the end of the month).
func MaxDue(issue time.Time) time.Time {
	max := issue.AddDate(0, 0, 60)
	for _, d := range []time.Time{endOfMonth(issue.AddDate(0, 0, 45)), endOfMonth(issue).AddDate(0, 0, 45)} {
		if d.After(max) {
			max = d
		}
	}
	return max
}

func endOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location())
}
