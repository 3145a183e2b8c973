package classify

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Amounts need a currency next to them: bare numbers in replies are invoice
// numbers, phone numbers and dates far more often than money.
var (
	reAmountAfter  = regexp.MustCompile(`(\d{1,3}(?:[  .,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?) ?(€|eur\b|euros?\b|\$|usd\b|£|gbp\b|chf\b|k€)`)
	reAmountBefore = regexp.MustCompile(`(€|\$|£|eur|usd|gbp|chf) ?(\d{1,3}(?:[ ,.']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\b`)
)

// mayHaveAmount reports whether s names a currency the way the amount
// expressions read one: a sign, or a code before or after a digit. Most
// sentences with "eur" hold it in a word ("leur", "monsieur").
func mayHaveAmount(s string) bool {
	if hasMoneySign(s) {
		return true
	}
	for _, code := range []string{"eur", "usd", "gbp", "chf"} {
		for from := 0; ; {
			i := strings.Index(s[from:], code)
			if i < 0 {
				break
			}
			i += from
			after := strings.TrimPrefix(s[i+len(code):], " ")
			before := strings.TrimRight(s[:i], " ")
			if after != "" && isDigit(after[0]) || before != "" && isDigit(before[len(before)-1]) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// hasMoneySign reports whether s holds "€", "$" or "£": strings.ContainsAny
// with signs outside ASCII decodes s rune by rune, these substring searches
// do not.
func hasMoneySign(s string) bool {
	return strings.IndexByte(s, '$') >= 0 || strings.Contains(s, "€") || strings.Contains(s, "£")
}

// findAmounts returns the money amounts mentioned in folded sentences, in
// order, without duplicates. Only the sentences that name a currency are
// read: most sentences of a reply carry no money.
func findAmounts(sents []string) []decimal.Decimal {
	var out []decimal.Decimal
	var seen map[string]bool
	add := func(raw string, thousands bool) {
		d, ok := parseAmount(raw)
		if !ok {
			return
		}
		if thousands {
			d = d.Mul(decimal.NewFromInt(1000))
		}
		if k := d.String(); !seen[k] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[k] = true
			out = append(out, d)
		}
	}
	var money []string
	for _, s := range sents {
		if strings.ContainsAny(s, "0123456789") && mayHaveAmount(s) {
			money = append(money, s)
		}
	}
	for _, s := range money {
		for _, m := range reAmountAfter.FindAllStringSubmatch(s, -1) {
			add(m[1], m[2] == "k€")
		}
	}
	for _, s := range money {
		for _, m := range reAmountBefore.FindAllStringSubmatch(s, -1) {
			add(m[2], false)
		}
	}
	return out
}

// parseAmount reads an amount found next to a currency; a zero counts as
// no amount.
func parseAmount(raw string) (decimal.Decimal, bool) {
	d, err := text.ParseAmount(raw, "")
	if err != nil || d.IsZero() {
		return decimal.Decimal{}, false
	}
	return d, true
}
