package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// sourceName is how a finding names a source.
func sourceName(source string) string {
	switch source {
	case SourceFacturX:
		return "the Factur-X XML"
	case SourceUBL:
		return "the UBL XML"
	case SourceCII:
		return "the CII XML"
	case SourcePDFText:
		return "the PDF text"
	case SourceBody:
		return "the mail"
	}
	return source
}

// disagreements lists where a less trusted source states a fact otherwise
// than the source whose fact was kept (chain is most trusted first, as
// merge reads it). Facts a text source only guessed (an amount without a
// label naming it) are not held against the others.
func disagreements(chain []*sourceFacts) []string {
	var out []string
	var num, amt, due *sourceFacts
	for _, f := range chain {
		if f.number != "" {
			if num == nil {
				num = f
			} else if !namesNumber(f, num.number) {
				out = append(out, fmt.Sprintf("%s names invoice %s, %s %s: %s is kept",
					sourceName(f.source), f.number, sourceName(num.source), num.number, num.number))
			}
		}
		if f.hasAmount && f.strongAmount() {
			switch {
			case amt == nil:
				amt = f
			case !sameMoney(f, amt):
				out = append(out, fmt.Sprintf("%s says %s, %s %s: %s is kept",
					sourceName(f.source), moneyText(f), sourceName(amt.source), moneyText(amt), moneyText(amt)))
			case f.currency != "" && amt.currency != "" && f.currency != amt.currency:
				out = append(out, fmt.Sprintf("%s says the currency is %s, %s %s: %s is kept",
					sourceName(f.source), f.currency, sourceName(amt.source), amt.currency, amt.currency))
			}
		}
		if !f.due.IsZero() {
			if due == nil {
				due = f
			} else if !f.due.Equal(due.due) {
				out = append(out, fmt.Sprintf("%s says payment is due on %s, %s on %s: %s is kept",
					sourceName(f.source), f.due.Format(time.DateOnly), sourceName(due.source), due.due.Format(time.DateOnly), due.due.Format(time.DateOnly)))
			}
		}
	}
	return out
}

// strongAmount tells whether the source's amount was stated as such: any
// structured amount, or a text amount introduced by a label naming a total
// or an amount owed.
func (f *sourceFacts) strongAmount() bool {
	switch f.source {
	case SourcePDFText, SourceBody:
		return f.amountStrong
	}
	return true
}

// namesNumber tells whether a source names the invoice number n among its
// numbers (a text may cite an earlier invoice too).
func namesNumber(f *sourceFacts, n string) bool {
	want := text.NormalizeNumber(n)
	if text.NormalizeNumber(f.number) == want {
		return true
	}
	for _, x := range f.numbers {
		if text.NormalizeNumber(x.value) == want {
			return true
		}
	}
	// PDF text extraction splits numbers ("RE-20 201121/508"): the number
	// written anywhere in the text, spacing aside, is the same number.
	return want != "" && strings.Contains(f.norm, want)
}

// sameMoney tells whether two sources agree on the money: a total or an
// amount owed of one is a total or an amount owed of the other.
func sameMoney(a, b *sourceFacts) bool {
	// The sign aside: a credit note's amount is written either way.
	for _, x := range []decimal.Decimal{a.amount, a.payable} {
		for _, y := range []decimal.Decimal{b.amount, b.payable} {
			if x.Abs().Equal(y.Abs()) {
				return true
			}
		}
	}
	return false
}

func moneyText(f *sourceFacts) string {
	cur := f.currency
	if cur != "" {
		cur = " " + cur
	}
	if !f.payable.Equal(f.amount) && !f.payable.IsZero() {
		return fmt.Sprintf("%s%s owed (total %s%s)", f.payable.StringFixed(2), cur, f.amount.StringFixed(2), cur)
	}
	return f.amount.StringFixed(2) + cur
}

// German payment terms, as ZUGFeRD and XRechnung producers write them in
// the terms' description when no due date field is filled.
var (
	// "Zahlbar innerhalb 30 Tagen netto bis 04.04.2018, 3% Skonto …",
	// "Zahlbar ohne Abzug bis 12.12.2020": the net date, not the discount's.
	reTermsNetDE = regexp.MustCompile(`(?i)(?:netto|ohne\s+(?:abzug|abschlag))\s*,?\s*(?:bis|zum|am)\s+(?:zum\s+|spätestens\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})`)
	// "Bitte überweisen Sie bis zum 24.01.2015", "zahlbar bis 30.11.2018".
	reTermsByDE = regexp.MustCompile(`(?i)(?:zahlbar|zahlen|überweisen|zahlung|fällig)[^.\n]{0,50}?\bbis\s+(?:zum\s+|spätestens\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})`)
	// "Zahlbar innerhalb 14 Tagen nach Erhalt der Rechnung".
	reTermsDaysDE = regexp.MustCompile(`(?i)zahlbar\s+(?:innerhalb|binnen)\s+(?:von\s+)?(\d{1,3})\s+tag`)
	// "Zahlbar sofort rein netto".
	reTermsNowDE = regexp.MustCompile(`(?i)zahlbar\s+sofort`)
)

// termsDueDate reads a due date written in the payment terms of an XML
// invoice ("Zahlbar ohne Abzug bis 12.12.2020", "Échéance : 13/12/2017"),
// and German relative terms as days after issue. how says which.
func termsDueDate(desc string, issue time.Time) (time.Time, string, bool) {
	if len(desc) > 4096 {
		desc = desc[:4096]
	}
	for _, re := range []*regexp.Regexp{reTermsNetDE, reTermsByDE} {
		for _, m := range re.FindAllStringSubmatch(desc, 4) {
			if strings.Contains(strings.ToLower(m[0]), "skonto") {
				continue // the discount's date, not the due date
			}
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			if t, ok := text.Date(y, mo, d); ok {
				return t, "stated", true
			}
		}
	}
	lines := splitLines(desc)
	low := make([]string, len(lines))
	for i, l := range lines {
		low[i] = strings.ToLower(l)
	}
	if t, _, ok := labelledDate(lines, low, dueLabel, false); ok {
		return t, "stated", true
	}
	if issue.IsZero() {
		return time.Time{}, "", false
	}
	if m := reTermsDaysDE.FindStringSubmatch(desc); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n <= 180 {
			return issue.AddDate(0, 0, n), "computed", true
		}
	}
	if reTermsNowDE.MatchString(desc) {
		return issue, "computed", true
	}
	return time.Time{}, "", false
}
