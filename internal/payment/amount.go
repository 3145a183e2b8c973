package payment

import (
	"regexp"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Amounts in mail text need a currency next to them: bare numbers are
// invoice numbers, dates and phone numbers far more often than money.
var (
	reMoneyAfter  = regexp.MustCompile(`(?i)([-+]?\d{1,3}(?:[ \x{00a0}\x{202f}.,']\d{3})+(?:[.,]\d{1,2})?|[-+]?\d+(?:[.,]\d{1,2})?)\s?(€|eur\b|euros?\b|\$|usd\b|£|gbp\b|chf\b|cad\b)`)
	reMoneyBefore = regexp.MustCompile(`(?i)(€|\$|£|\beur|\busd|\bgbp|\bchf|\bcad|\bca\$|\bus\$)\s?([-+]?\d{1,3}(?:[ \x{00a0}\x{202f},.']\d{3})+(?:[.,]\d{1,2})?|[-+]?\d+(?:[.,]\d{1,2})?)`)
)

// FindMoney returns the first amount with a currency in s, preferring the
// earliest in the text.
func FindMoney(s string) (decimal.Decimal, string, bool) {
	type hit struct {
		pos      int
		num, cur string
	}
	var hits []hit
	if m := reMoneyAfter.FindStringSubmatchIndex(s); m != nil {
		hits = append(hits, hit{m[0], s[m[2]:m[3]], s[m[4]:m[5]]})
	}
	if m := reMoneyBefore.FindStringSubmatchIndex(s); m != nil {
		hits = append(hits, hit{m[0], s[m[4]:m[5]], s[m[2]:m[3]]})
	}
	if len(hits) == 0 {
		return decimal.Zero, "", false
	}
	best := hits[0]
	if len(hits) == 2 && hits[1].pos < best.pos {
		best = hits[1]
	}
	d, err := text.ParseAmount(best.num, "")
	if err != nil {
		return decimal.Zero, "", false
	}
	return d, text.CurrencyCode(best.cur), true
}
