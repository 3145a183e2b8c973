package web

import (
	"testing"
	"time"
)

// The web page prints instants in the business's time zone with their
// offset, in winter and in summer time.
func TestDateTimeInTheBusinessZoneWithOffset(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	winter := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 7, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang string
		at   time.Time
		want string
	}{
		{"fr", winter, "7 déc. 2026 à 09h00 (+01:00)"},
		{"fr", summer, "7 juil. 2026 à 10h00 (+02:00)"},
		{"en", winter, "7 Dec 2026, 09:00 (+01:00)"},
		{"en", summer, "7 Jul 2026, 10:00 (+02:00)"},
	} {
		if got := newLocale(tc.lang, paris).DateTime(tc.at); got != tc.want {
			t.Errorf("%s DateTime(%s) = %q, want %q", tc.lang, tc.at, got, tc.want)
		}
	}
	if got := newLocale("en", paris).DateTime(time.Time{}); got != "—" {
		t.Errorf("zero time = %q", got)
	}
}
