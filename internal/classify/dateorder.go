package classify

import (
	"regexp"
	"strconv"
	"strings"
)

// dateOrder is the order in which a mail writes numeric dates whose two
// numbers could each be a month ("05/11/2025"): day first as in France,
// Britain and most of the world, month first as in the United States, or
// unknown when the mail gives no sign either way worth a commitment's day.
type dateOrder uint8

const (
	dayFirst dateOrder = iota
	monthFirst
	orderUnknown
)

var (
	// A slash date: "11/05/2025", "1/5".
	reSlashDate = regexp.MustCompile(`(?:^|[^\d/.])(\d{1,2})/(\d{1,2})(?:/(?:\d{4}|\d{2}))?(?:$|[^\d/])`)
	// A North American phone number: "(361) 555-0142", "361-555-0142",
	// "+1 361 555 0142".
	reNANPPhone = regexp.MustCompile(`\(\d{3}\) ?\d{3}[-.]\d{4}\b|\b\d{3}-\d{3}-\d{4}\b|\+1[ .-]?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b`)
	// A US state after its city, at the end of a line or before its ZIP
	// code: "Corpus Christi, TX", "Austin, TX 78701".
	reUSState = regexp.MustCompile(`, (?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)(?: \d{5}(?:-\d{4})?)?[ \t]*(?:\n|$)`)
	// Money and payment networks only the United States uses: US dollars
	// named as such, ACH transfers.
	reUSMoney = regexp.MustCompile(`\bUSD\b|\bUS\$|\bUS dollars?\b|\bACH\b`)
	// Dollars of other countries, which write their dates day first.
	reOtherDollar = regexp.MustCompile(`\b(?:AUD|NZD|CAD|SGD|HKD|A|AU|NZ|C|CA|S|HK)\$|\b(?:AUD|NZD|CAD|SGD|HKD)\b`)
)

// mailDateOrder reads the order of numeric dates from a mail's own words
// (its text and signature), in this order of trust: a date whose first
// number is above 12 is written day first, one whose second is above 12
// month first; a mail in English that names a North American phone number,
// a US state, US dollars or an ACH transfer, or writes its unambiguous
// dates month first, is American; one that names Australian, Canadian or
// other dollars is not. A "$" alone does not tell: Australians, Canadians
// and New Zealanders write dollars and their dates day first, so an
// English mail with dollars and nothing else leaves the order unknown
// (better no day than a wrong one). Every other mail is read day first.
func mailDateOrder(words ...string) dateOrder {
	ambiguous, dayEvidence, monthEvidence := false, false, false
	for _, w := range words {
		if !strings.Contains(w, "/") {
			continue
		}
		for _, m := range reSlashDate.FindAllStringSubmatch(w, -1) {
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			switch {
			case a < 1 || b < 1 || a > 31 || b > 31:
			case a > 12 && b <= 12:
				dayEvidence = true
			case b > 12 && a <= 12:
				monthEvidence = true
			case a <= 12 && b <= 12 && a != b:
				ambiguous = true
			}
		}
	}
	if !ambiguous || dayEvidence {
		return dayFirst
	}
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = fold(w)
	}
	if detectLanguage(folded...) != "en" {
		return dayFirst
	}
	all := strings.Join(words, "\n")
	switch {
	case monthEvidence || reNANPPhone.MatchString(all) || reUSState.MatchString(all) || reUSMoney.MatchString(all):
		return monthFirst
	case reOtherDollar.MatchString(all):
		return dayFirst
	case strings.Contains(all, "$"):
		return orderUnknown
	}
	return dayFirst
}
