package text

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// ParseAmount reads a money amount written the French or the English way:
// "1 234,56", "1.234,56", "1,234.56", "1234.5", "-120,00", "+1 200 €",
// "(75.20)". mark is the decimal mark when the source states it ("," or
// "."); empty means: the last separator followed by one or two digits is the
// decimal mark, any other separator groups thousands.
func ParseAmount(raw, mark string) (decimal.Decimal, error) {
	return parseAmount(raw, mark, false)
}

// ParseDocumentAmount reads an amount printed on an invoice. When both "."
// and "," appear, the last one is the decimal mark and must be followed by
// one or two digits: a printed total never has three decimals, and reading
// no amount is better than taking "1,234.567" for a million.
func ParseDocumentAmount(raw string) (decimal.Decimal, error) {
	return parseAmount(raw, "", true)
}

func parseAmount(raw, mark string, mixedNeedsCents bool) (decimal.Decimal, error) {
	s := strings.TrimSpace(raw)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		// Accounting notation for negatives.
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	var digits strings.Builder
	lastSep, lastSepPos, nDigits := rune(0), -1, 0
	sawComma, sawDot := false, false
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
				sawComma = sawComma || r == ','
				sawDot = sawDot || r == '.'
			}
		case r == '-' || r == '\u2212':
			if nDigits > 0 {
				return decimal.Zero, fmt.Errorf("text: amount %q: sign after digits", raw)
			}
			neg = true
		case r == '+':
			if nDigits > 0 {
				return decimal.Zero, fmt.Errorf("text: amount %q: sign after digits", raw)
			}
		case isCurrencyRune(r):
			// "€", "$", "EUR" letters around the number.
		default:
			return decimal.Zero, fmt.Errorf("text: amount %q: unexpected %q", raw, r)
		}
	}
	if nDigits == 0 {
		return decimal.Zero, fmt.Errorf("text: amount %q: no digits", raw)
	}
	all := digits.String()
	intPart, frac := all, ""
	switch {
	case mark != "":
		if lastSep != 0 && string(lastSep) == mark {
			intPart, frac = all[:lastSepPos], all[lastSepPos:]
		}
	case mixedNeedsCents && sawComma && sawDot:
		if n := len(all) - lastSepPos; n != 1 && n != 2 {
			return decimal.Zero, fmt.Errorf("text: amount %q: %d decimals after the last mark", raw, n)
		}
		intPart, frac = all[:lastSepPos], all[lastSepPos:]
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
		return decimal.Zero, fmt.Errorf("text: amount %q: %w", raw, err)
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

// ParseTypedAmount reads an amount a person typed in a form, the French or
// English way: "1 234,50", "1234.50", "1,234.50", "12 €". A lone comma is
// the decimal mark (a French keyboard's), a comma beside a dot groups
// thousands; what remains is read as a decimal number.
func ParseTypedAmount(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", "$", "", "£", "").Replace(s)
	if strings.Contains(s, ",") {
		if strings.Contains(s, ".") {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(s, ",", ".")
		}
	}
	if s == "" {
		return decimal.Decimal{}, errors.New("empty amount")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q: %w", s, err)
	}
	return d, nil
}
