package text

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, mark, want string
		err            bool
	}{
		{"1 234,56", "", "1234.56", false},
		{"1\u202f234,56 €", "", "1234.56", false},
		{"1.234,56", "", "1234.56", false},
		{"1,234.56", "", "1234.56", false},
		{"1234.5", "", "1234.5", false},
		{"-120,00", "", "-120", false},
		{"+1 200", "", "1200", false},
		{"(75.20)", "", "-75.2", false},
		{"1,234", "", "1234", false},
		{"1,234", ",", "1.234", false},
		{"1.234", ",", "1234", false},
		{"12", ".", "12", false},
		{"EUR 99,90", "", "99.9", false},
		{"", "", "", true},
		{"abc", "", "", true},
		{"12-3", "", "", true},
		{"12/3", "", "", true},
	}
	for _, tc := range tests {
		got, err := ParseAmount(tc.in, tc.mark)
		if (err != nil) != tc.err {
			t.Errorf("ParseAmount(%q, %q) error %v, want error %v", tc.in, tc.mark, err, tc.err)
			continue
		}
		if err == nil && !got.Equal(dec(tc.want)) {
			t.Errorf("ParseAmount(%q, %q) = %s, want %s", tc.in, tc.mark, got, tc.want)
		}
	}
}

// A document's amount is read like any other, except that both marks in one
// figure make the last one the decimal mark, which then needs one or two
// digits.
func TestParseDocumentAmount(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"1 234,56", "1234.56", true},
		{"1.234,56", "1234.56", true},
		{"1,234.56", "1234.56", true},
		{"1234.56", "1234.56", true},
		{"1234,5", "1234.5", true},
		{"1'250.50", "1250.50", true},
		{"12\u202f500,00", "12500", true},
		{"1,234", "1234", true},
		{"1.234", "1234", true},
		{"980", "980", true},
		{"1 234 567,89", "1234567.89", true},
		{"-50,00", "-50", true},
		{"12,345,678.9", "12345678.9", true},
		// Both marks, three digits after the last: not an amount here,
		// a plain number (1234567) for ParseAmount.
		{"1,234.567", "", false},
		{"1.234,567", "", false},
	}
	for _, tc := range tests {
		got, err := ParseDocumentAmount(tc.in)
		if (err == nil) != tc.ok || (err == nil && !got.Equal(dec(tc.want))) {
			t.Errorf("ParseDocumentAmount(%q) = %s, %v; want %s, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if got, err := ParseAmount("1,234.567", ""); err != nil || !got.Equal(dec("1234567")) {
		t.Errorf("ParseAmount(1,234.567) = %s, %v; want 1234567", got, err)
	}
}

// FuzzParseAmount checks what holds for any input: no panic, and an amount
// read is made of the input's own digits, in order, with the sign it gave.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1 234,56", "1.234,56 €", "(75.20)", "-120,00", "+1 200", "EUR 99,90", "1,234.567",
		"12\u202f500,00", "", "abc", "12-3", "1'250.50", ".5", "0,001", "−3,50"} {
		f.Add(s, "")
		f.Add(s, ",")
		f.Add(s, ".")
	}
	f.Fuzz(func(t *testing.T, raw, mark string) {
		for _, doc := range []bool{false, true} {
			var d decimal.Decimal
			var err error
			if doc {
				d, err = ParseDocumentAmount(raw)
			} else {
				d, err = ParseAmount(raw, mark)
			}
			if err != nil {
				continue
			}
			var digits strings.Builder
			for _, r := range raw {
				if r >= '0' && r <= '9' {
					digits.WriteRune(r)
				}
			}
			if digits.Len() == 0 {
				t.Fatalf("%q read as %s without a digit", raw, d)
			}
			got := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(d.Abs().StringFixed(-d.Exponent())), "0")
			want := strings.TrimLeft(digits.String(), "0")
			if strings.TrimRight(got, "0") != strings.TrimRight(want, "0") {
				t.Fatalf("%q read as %s: digits %q, input has %q", raw, d, got, want)
			}
			// A read twice is read the same: the canonical form parses back.
			back, err := ParseAmount(d.String(), ".")
			if err != nil || !back.Equal(d) {
				t.Fatalf("%q read as %s, which reads back as %s, %v", raw, d, back, err)
			}
		}
	})
}

func TestParseTypedAmount(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"1 234,50", "1234.5", true},
		{"1\u202f234,50 €", "1234.5", true},
		{"1234.50", "1234.5", true},
		{"1,234.50", "1234.5", true},
		{"$1,234.50", "1234.5", true},
		{"£12", "12", true},
		{"12,5", "12.5", true},
		{"-3", "-3", true},
		{"", "", false},
		{" € ", "", false},
		{"douze", "", false},
	}
	for _, tc := range tests {
		got, err := ParseTypedAmount(tc.in)
		if (err == nil) != tc.ok || (err == nil && !got.Equal(dec(tc.want))) {
			t.Errorf("ParseTypedAmount(%q) = %s, %v; want %s, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
