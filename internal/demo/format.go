package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/text"
)

// Money is held in cents (int64) throughout: the sample month only needs
// sums and VAT at fixed rates, and must never pick up float rounding.

// groupDigits formats the absolute value of cents as "1234567,89"-style with
// the given thousands separator and decimal mark.
func groupDigits(cents int64, thousands, decimal string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := text.GroupThousands(strconv.FormatInt(cents/100, 10), thousands)
	s := fmt.Sprintf("%s%s%02d", units, decimal, cents%100)
	if neg {
		return "-" + s
	}
	return s
}

// frMoney is the French way: "1 860,00 €". sep is the thousands separator;
// invoicing programs differ (space, no-break space, none).
func frMoney(cents int64, currency, sep string) string {
	return groupDigits(cents, sep, ",") + "\u00a0" + currencySymbol(currency)
}

// enMoney is the English way: "£2,400.00".
func enMoney(cents int64, currency string) string {
	s := groupDigits(cents, ",", ".")
	if strings.HasPrefix(s, "-") {
		return "-" + currencySymbol(currency) + s[1:]
	}
	return currencySymbol(currency) + s
}

// plainAmount is the XML form: "1860.00".
func plainAmount(cents int64) string { return groupDigits(cents, "", ".") }

func currencySymbol(c string) string {
	switch c {
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "USD":
		return "$"
	default:
		return c
	}
}

// qtyString formats a quantity held in hundredths: 2400 → "24", 1250 → "12,5".
func qtyString(q int64, decimal string) string {
	s := strconv.FormatInt(q/100, 10)
	if frac := q % 100; frac != 0 {
		f := strings.TrimRight(fmt.Sprintf("%02d", frac), "0")
		s += decimal + f
	}
	return s
}

func frDate(t time.Time) string { return t.Format("02/01/2006") }

// frLongDate is "mardi 24 novembre 2026".
func frLongDate(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", text.WeekdayFR(t.Weekday()), t.Day(), text.MonthFR(t.Month()), t.Year())
}

// frDayMonth is "mardi 24 novembre".
func frDayMonth(t time.Time) string {
	return fmt.Sprintf("%s %d %s", text.WeekdayFR(t.Weekday()), t.Day(), text.MonthFR(t.Month()))
}

func frMonthName(t time.Time) string { return text.MonthFR(t.Month()) }

// ukDate is "24 November 2026"; usDate is "November 24, 2026".
func ukDate(t time.Time) string { return t.Format("2 January 2006") }
func usDate(t time.Time) string { return t.Format("January 2, 2006") }

func isoDate(t time.Time) string { return t.Format("2006-01-02") }

// ciiDate is the format 102 of UN/CEFACT (YYYYMMDD) used by Factur-X.
func ciiDate(t time.Time) string { return t.Format("20060102") }

// Attribution lines that mail programs put above quoted history.
func gmailFRAttribution(t time.Time, who string) string {
	return fmt.Sprintf("Le %s %d %s %d à %s, %s a écrit :", text.WeekdayFRShort(t.Weekday()), t.Day(),
		text.MonthFRShort(t.Month()), t.Year(), t.Format("15:04"), who)
}

func appleFRAttribution(t time.Time, who string) string {
	return fmt.Sprintf("Le %d %s %d à %s, %s a écrit :", t.Day(), text.MonthFRShort(t.Month()), t.Year(),
		t.Format("15:04"), who)
}

func thunderbirdFRAttribution(t time.Time, who string) string {
	return fmt.Sprintf("Le %s à %s, %s a écrit :", frDate(t), t.Format("15:04"), who)
}

func gmailENAttribution(t time.Time, who string) string {
	return fmt.Sprintf("On %s, %s at %s, %s wrote:", t.Format("Mon"), t.Format("2 Jan 2006"), t.Format("15:04"), who)
}

// outlookFRHeader is the block Outlook in French puts above the original.
func outlookFRHeader(t time.Time, from, to, subject string) string {
	return fmt.Sprintf("De : %s\nEnvoyé : %s %s\nÀ : %s\nObjet : %s", from, frLongDate(t), t.Format("15:04"), to, subject)
}

func outlookENHeader(t time.Time, from, to, subject string) string {
	return fmt.Sprintf("From: %s\nSent: %s\nTo: %s\nSubject: %s", from, t.Format("Monday, January 2, 2006 3:04 PM"), to, subject)
}

// quote prefixes every line with "> ", the way replies carry history.
func quote(body string) string {
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n")
}
