package text

import (
	"strings"

	"github.com/shopspring/decimal"
)

// nbsp is the non-breaking space French typography puts before ":" "?" "!"
// and inside amounts. In mail the narrow variant (U+202F) is more correct
// but older mail fonts draw it as a box, so the wide one is used there.
const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

// zeroDecimals reports the common ISO 4217 currencies without minor unit.
func zeroDecimals(currency string) bool {
	switch currency {
	case "JPY", "KRW", "ISK", "CLP", "VND", "XOF", "XAF", "XPF":
		return true
	}
	return false
}

// currencySymbol gives the symbol readers expect; other codes are written as
// the ISO code, which is never ambiguous.
func currencySymbol(currency string) (string, bool) {
	switch currency {
	case "EUR":
		return "€", true
	case "USD":
		return "$", true
	case "GBP":
		return "£", true
	}
	return "", false
}

// GroupThousands writes the digits of intPart with sep between groups of
// three.
func GroupThousands(intPart, sep string) string {
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatMoney writes an amount in a mail the way each language's readers
// write it: "1 234,56 €" (non-breaking spaces) in French, "€1,234.56" in
// English; currencies without minor unit get no decimals.
func FormatMoney(lang string, amount decimal.Decimal, currency string) string {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	places := int32(2)
	if zeroDecimals(currency) {
		places = 0
	}
	neg := amount.IsNegative()
	s := amount.Abs().StringFixed(places)
	intPart, frac, _ := strings.Cut(s, ".")
	thousands, point := ",", "."
	if lang == "fr" {
		thousands, point = nbsp, ","
	}
	num := GroupThousands(intPart, thousands)
	if frac != "" {
		num += point + frac
	}
	if neg {
		num = "-" + num
	}
	sym, hasSym := currencySymbol(currency)
	switch {
	case currency == "":
		return num
	case lang == "fr" && hasSym:
		return num + nbsp + sym
	case lang == "fr":
		return num + nbsp + currency
	case hasSym:
		if neg {
			return "-" + sym + num[1:]
		}
		return sym + num
	default:
		return currency + " " + num
	}
}

// FormatMoneyOnPage writes an amount on a web page: "1 234,50 €" in French
// with the narrow non-breaking space browsers draw well, "€1,234.50" in
// English, and a symbol other than the euro before the figure in both, as
// the page's tables have always shown it.
func FormatMoneyOnPage(lang string, amount decimal.Decimal, currency string) string {
	s := amount.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	group, dec := narrowNbsp, ","
	if lang == "en" {
		group, dec = ",", "."
	}
	out := GroupThousands(intPart, group) + dec + frac
	sign := ""
	if neg {
		sign = "-"
	}
	sym, _ := currencySymbol(currency)
	switch {
	case sym == "":
		return sign + out + nbsp + currency
	case lang == "en" || currency != "EUR":
		return sym + sign + out
	}
	return sign + out + nbsp + sym
}

// FormatPercent writes a rate: "12,15 %" in French, "12.15%" in English.
func FormatPercent(lang string, p decimal.Decimal) string {
	// Two decimals as rates are published ("12,40 %"); more only when the
	// configured rate really has them.
	s := p.StringFixed(2)
	if !p.Equal(p.Round(2)) {
		s = p.String()
	}
	if lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + nbsp + "%"
	}
	return s + "%"
}

// CurrencySymbolCode maps a currency sign or word as amounts are written
// ("€", "euros", "US$", "fr.", "C$") to its ISO 4217 code, "" when it is
// none of those.
func CurrencySymbolCode(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "€", "eur", "euro", "euros":
		return "EUR"
	case "$", "usd", "us$":
		return "USD"
	case "£", "gbp":
		return "GBP"
	case "chf", "fr.":
		return "CHF"
	case "cad", "c$", "ca$":
		return "CAD"
	case "aud", "a$":
		return "AUD"
	}
	return ""
}

// CurrencyCode maps a sign, a word or a code to its ISO 4217 code: the
// signs and words of CurrencySymbolCode, and any three letters taken as a
// code ("sek" is SEK), as bank exports write codes this package does not
// list. "" when unknown.
func CurrencyCode(s string) string {
	if c := CurrencySymbolCode(s); c != "" {
		return c
	}
	up := strings.ToUpper(strings.TrimSpace(s))
	if len(up) == 3 && up[0] >= 'A' && up[0] <= 'Z' && up[1] >= 'A' && up[1] <= 'Z' && up[2] >= 'A' && up[2] <= 'Z' {
		return up
	}
	return ""
}
