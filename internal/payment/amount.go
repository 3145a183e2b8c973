package payment

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// ParseAmount reads a money amount written the French or the English way:
// "1 234,56", "1.234,56", "1,234.56", "1234.5", "-120,00", "+1 200 €".
// mark is the decimal mark when the source states it ("," or "."); empty
// means: the last separator followed by one or two digits is the decimal
// mark, any other separator groups thousands.
func ParseAmount(raw, mark string) (decimal.Decimal, error) {
	s := strings.TrimSpace(raw)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		// Accounting notation for negatives.
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	var digits strings.Builder
	lastSep, lastSepPos, nDigits := rune(0), -1, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
			nDigits++
		case r == '.' || r == ',' || r == '\'' || r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009':
			if nDigits == 0 {
				continue
			}
			if r == '.' || r == ',' {
				lastSep, lastSepPos = r, digits.Len()
			}
		case r == '-' || r == '\u2212':
			if nDigits > 0 {
				return decimal.Zero, fmt.Errorf("payment: amount %q: sign after digits", raw)
			}
			neg = true
		case r == '+':
			if nDigits > 0 {
				return decimal.Zero, fmt.Errorf("payment: amount %q: sign after digits", raw)
			}
		case isCurrencyRune(r):
			// "€", "$", "EUR" letters around the number.
		default:
			return decimal.Zero, fmt.Errorf("payment: amount %q: unexpected %q", raw, r)
		}
	}
	if nDigits == 0 {
		return decimal.Zero, fmt.Errorf("payment: amount %q: no digits", raw)
	}
	all := digits.String()
	intPart, frac := all, ""
	switch {
	case mark != "":
		if lastSep != 0 && string(lastSep) == mark {
			intPart, frac = all[:lastSepPos], all[lastSepPos:]
		}
	case lastSep != 0:
		if n := len(all) - lastSepPos; n == 1 || n == 2 {
			intPart, frac = all[:lastSepPos], all[lastSepPos:]
		}
	}
	if intPart == "" {
		intPart = "0"
	}
	txt := intPart
	if frac != "" {
		txt += "." + frac
	}
	d, err := decimal.NewFromString(txt)
	if err != nil {
		return decimal.Zero, fmt.Errorf("payment: amount %q: %w", raw, err)
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

func isCurrencyRune(r rune) bool {
	switch r {
	case '€', '$', '£':
		return true
	}
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
}

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
	d, err := ParseAmount(best.num, "")
	if err != nil {
		return decimal.Zero, "", false
	}
	return d, CurrencyCode(best.cur), true
}

// CurrencyCode maps a symbol or word to its ISO 4217 code ("" when unknown).
func CurrencyCode(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "€", "eur", "euro", "euros":
		return "EUR"
	case "$", "usd", "us$":
		return "USD"
	case "£", "gbp":
		return "GBP"
	case "chf":
		return "CHF"
	case "cad", "ca$":
		return "CAD"
	}
	up := strings.ToUpper(strings.TrimSpace(s))
	if len(up) == 3 && up[0] >= 'A' && up[0] <= 'Z' && up[1] >= 'A' && up[1] <= 'Z' && up[2] >= 'A' && up[2] <= 'Z' {
		return up
	}
	return ""
}
