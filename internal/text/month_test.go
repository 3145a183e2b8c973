package text

import (
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in   string
		want time.Month
	}{
		{"janvier", time.January}, {"Janv.", time.January}, {"jan", time.January}, {"January", time.January},
		{"février", time.February}, {"fevr", time.February}, {"Feb.", time.February},
		{"mars", time.March}, {"mar", time.March}, {"March", time.March},
		{"avril", time.April}, {"avr.", time.April}, {"Apr", time.April},
		{"mai", time.May}, {"May", time.May},
		{"juin", time.June}, {"jun", time.June}, {"June", time.June},
		{"juillet", time.July}, {"juil.", time.July}, {"jul", time.July}, {"July", time.July},
		{"août", time.August}, {"aout", time.August}, {"Aug", time.August},
		{"septembre", time.September}, {"sept.", time.September}, {"Sep", time.September},
		{"octobre", time.October}, {"oct", time.October},
		{"novembre", time.November}, {"Nov.", time.November},
		{"décembre", time.December}, {"DEC", time.December}, {"December", time.December},
		// The short names that are other words must be whole.
		{"mardi", 0}, {"maison", 0}, {"junior", 0}, {"julien", 0}, {"", 0}, {"lundi", 0},
	}
	for _, tc := range tests {
		if got := ParseMonth(tc.in); got != tc.want {
			t.Errorf("ParseMonth(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	// Every name this package writes reads back.
	for m := time.January; m <= time.December; m++ {
		for _, name := range []string{MonthFR(m), MonthFRShort(m), m.String(), m.String()[:3]} {
			if got := ParseMonth(name); got != m {
				t.Errorf("ParseMonth(%q) = %v, want %v", name, got, m)
			}
		}
	}
}

func TestEnglishMonths(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3 février 2026", "3 February 2026"},
		{"3 fevrier 2026", "3 February 2026"},
		{"12 décembre 2026", "12 December 2026"},
		{"12 decembre 2026", "12 December 2026"},
		{"15 août 2026", "15 August 2026"},
		{"15 aout 2026", "15 August 2026"},
		{"1 septembre 2026", "1 September 2026"},
		{"1 sept. 2026", "1 Sep 2026"},
		{"3 févr. 2026", "3 Feb 2026"},
		{"3 fevr. 2026", "3 Feb 2026"},
		{"9 janv. 2026", "9 Jan 2026"},
		{"9 déc. 2026", "9 Dec 2026"},
		{"9 dec. 2026", "9 Dec 2026"},
		{"20 mars 2026", "20 March 2026"},
		{"2026-03-20", "2026-03-20"},
	}
	for _, tc := range tests {
		if got := EnglishMonths(tc.in); got != tc.want {
			t.Errorf("EnglishMonths(%q) = %q, want %q", tc.in, got, tc.want)
			continue
		}
		if tc.in != tc.want {
			if _, err := time.Parse("2 January 2006", tc.want); err != nil {
				if _, err := time.Parse("2 Jan 2006", tc.want); err != nil {
					t.Errorf("%q does not parse: %v", tc.want, err)
				}
			}
		}
	}
}

func TestFormatShortDate(t *testing.T) {
	tests := []struct {
		lang string
		t    time.Time
		want string
	}{
		{"fr", day(2026, 12, 3), "3 déc. 2026"},
		{"fr", day(2026, 6, 1), "1 juin 2026"},
		{"en", day(2026, 12, 3), "3 Dec 2026"},
		{"de", day(2026, 2, 14), "14 févr. 2026"},
	}
	for _, tc := range tests {
		if got := FormatShortDate(tc.lang, tc.t); got != tc.want {
			t.Errorf("FormatShortDate(%s, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
		}
	}
}

func TestFrenchNames(t *testing.T) {
	if MonthFR(time.August) != "août" || MonthFRShort(time.February) != "févr." || WeekdayFR(time.Sunday) != "dimanche" ||
		WeekdayFRShort(time.Tuesday) != "mar." {
		t.Errorf("French names: %s %s %s %s", MonthFR(time.August), MonthFRShort(time.February), WeekdayFR(time.Sunday),
			WeekdayFRShort(time.Tuesday))
	}
}
