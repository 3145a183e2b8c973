package render

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// nbsp is the non-breaking space French typography puts before ":" "?" "!"
// and inside amounts. The narrow variant (U+202F) is more correct but older
// mail fonts draw it as a box, so the wide one is used everywhere.
const nbsp = "\u00a0"

func frMonth(m time.Month) string {
	return [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}[m-1]
}

// formatDate writes the calendar date of t in its own location: the caller
// passes dates already in the business's time zone, so converting here would
// shift midnight dates across a day boundary.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	if lang == "fr" {
		day := strconv.Itoa(d)
		if d == 1 {
			day = "1er"
		}
		return day + " " + frMonth(m) + " " + strconv.Itoa(y)
	}
	return strconv.Itoa(d) + " " + m.String() + " " + strconv.Itoa(y)
}

// dateOnly drops the clock so that comparisons are made on calendar days.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

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

// formatMoney writes amounts the way each language's readers write them:
// "1 234,56 €" (non-breaking spaces) in French, "€1,234.56" in English.
func formatMoney(lang string, amount decimal.Decimal, currency string) string {
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
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	num := b.String()
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

// formatPercent writes a rate: "12,15 %" in French, "12.15%" in English.
func formatPercent(lang string, p decimal.Decimal) string {
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

// joinList joins items as a sentence: "A, B et C" / "A, B and C".
func joinList(lang string, items []string) string {
	and := " and "
	if lang == "fr" {
		and = " et "
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}

// cityOf guesses the town to print in "Lyon, le 3 décembre 2026" from a
// postal address: the segment that starts with a postal code wins, else the
// last segment.
func cityOf(address string) string {
	segs := strings.FieldsFunc(address, func(r rune) bool { return r == ',' || r == '\n' || r == ';' })
	var last string
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.TrimSpace(segs[i])
		if s == "" {
			continue
		}
		if last == "" {
			last = s
		}
		rest := strings.TrimLeft(s, "0123456789 ")
		if rest != s && len(s)-len(rest) >= 4 && rest != "" {
			return stripCedex(rest)
		}
	}
	return stripCedex(strings.TrimLeft(last, "0123456789 "))
}

// stripCedex removes the postal routing suffix ("Lyon Cedex 02"), which is
// not part of the town's name.
func stripCedex(s string) string {
	if i := strings.Index(strings.ToLower(s), " cedex"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
