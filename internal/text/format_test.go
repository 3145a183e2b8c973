package text

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		lang, amount, cur, want string
	}{
		{"fr", "1234.56", "EUR", "1\u00a0234,56\u00a0€"},
		{"en", "1234.56", "EUR", "€1,234.56"},
		{"fr", "0", "EUR", "0,00\u00a0€"},
		{"fr", "999.999", "EUR", "1\u00a0000,00\u00a0€"},
		{"en", "1000000", "USD", "$1,000,000.00"},
		{"fr", "12.5", "CHF", "12,50\u00a0CHF"},
		{"en", "12.5", "chf", "CHF 12.50"},
		{"en", "1500", "JPY", "JPY 1,500"},
		{"en", "-40", "EUR", "-€40.00"},
		{"fr", "-40", "EUR", "-40,00\u00a0€"},
		{"fr", "100", "", "100,00"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.lang, dec(tt.amount), tt.cur); got != tt.want {
			t.Errorf("FormatMoney(%s, %s, %s) = %q, want %q", tt.lang, tt.amount, tt.cur, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err) // time/tzdata is embedded in this test binary
	}
	tests := []struct {
		lang string
		t    time.Time
		want string
	}{
		{"fr", day(2026, 12, 3), "3 décembre 2026"},
		{"fr", day(2026, 8, 1), "1er août 2026"},
		{"en", day(2026, 12, 3), "3 December 2026"},
		{"en", day(2027, 2, 1), "1 February 2027"},
		// Midnight in Paris is the previous day in UTC: the local date wins.
		{"fr", time.Date(2026, 11, 1, 0, 0, 0, 0, paris), "1er novembre 2026"},
		{"fr", time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.lang, tt.t); got != tt.want {
			t.Errorf("FormatDate(%s, %v) = %q, want %q", tt.lang, tt.t, got, tt.want)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct{ lang, p, want string }{
		{"fr", "12.4", "12,40\u00a0%"},
		{"fr", "12.15", "12,15\u00a0%"},
		{"en", "10", "10.00%"},
		{"en", "8.125", "8.125%"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.lang, dec(tt.p)); got != tt.want {
			t.Errorf("FormatPercent(%s, %s) = %q, want %q", tt.lang, tt.p, got, tt.want)
		}
	}
}

// The page's amounts: narrow spaces in French, and a symbol other than
// the euro before the figure in both languages.
func TestFormatMoneyOnPage(t *testing.T) {
	tests := []struct{ lang, amount, cur, want string }{
		{"fr", "1234.5", "EUR", "1\u202f234,50\u00a0€"},
		{"en", "1234.5", "EUR", "€1,234.50"},
		{"fr", "-40", "EUR", "-40,00\u00a0€"},
		{"en", "-40", "EUR", "€-40.00"},
		{"fr", "-40", "USD", "$-40,00"},
		{"fr", "12.5", "CHF", "12,50\u00a0CHF"},
		{"en", "1000000", "GBP", "£1,000,000.00"},
		{"en", "1500", "JPY", "1,500.00\u00a0JPY"},
	}
	for _, tt := range tests {
		if got := FormatMoneyOnPage(tt.lang, dec(tt.amount), tt.cur); got != tt.want {
			t.Errorf("FormatMoneyOnPage(%s, %s, %s) = %q, want %q", tt.lang, tt.amount, tt.cur, got, tt.want)
		}
	}
}

func TestCurrencyCode(t *testing.T) {
	tests := []struct{ in, symbol, code string }{
		{"€", "EUR", "EUR"}, {" Euros ", "EUR", "EUR"}, {"US$", "USD", "USD"}, {"$", "USD", "USD"},
		{"£", "GBP", "GBP"}, {"fr.", "CHF", "CHF"}, {"C$", "CAD", "CAD"}, {"ca$", "CAD", "CAD"}, {"A$", "AUD", "AUD"},
		// Three letters are a code only where codes are expected: "cts"
		// next to a figure is cents, not a currency.
		{"sek", "", "SEK"}, {"cts", "", "CTS"}, {"ct", "", ""}, {"e", "", ""}, {"", "", ""}, {"É€$", "", ""},
	}
	for _, tc := range tests {
		if got := CurrencySymbolCode(tc.in); got != tc.symbol {
			t.Errorf("CurrencySymbolCode(%q) = %q, want %q", tc.in, got, tc.symbol)
		}
		if got := CurrencyCode(tc.in); got != tc.code {
			t.Errorf("CurrencyCode(%q) = %q, want %q", tc.in, got, tc.code)
		}
	}
}

func TestGroupThousands(t *testing.T) {
	tests := []struct{ in, sep, want string }{
		{"1234567", " ", "1 234 567"}, {"123", ",", "123"}, {"1000", "", "1000"}, {"12345", "\u00a0", "12\u00a0345"}, {"", ",", ""},
	}
	for _, tc := range tests {
		if got := GroupThousands(tc.in, tc.sep); got != tc.want {
			t.Errorf("GroupThousands(%q, %q) = %q, want %q", tc.in, tc.sep, got, tc.want)
		}
	}
}
