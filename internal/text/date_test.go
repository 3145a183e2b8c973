package text

import (
	"testing"
	"time"
)

func TestFirstDate(t *testing.T) {
	tests := []struct {
		in         string
		monthFirst bool
		want       time.Time
	}{
		{"03/11/2026", false, day(2026, 11, 3)},
		{"03/11/2026", true, day(2026, 3, 11)},
		{"25/11/2026", true, day(2026, 11, 25)},
		{"11/25/2026", false, day(2026, 11, 25)},
		{"03.12.26", false, day(2026, 12, 3)},
		{"2026-12-03", false, day(2026, 12, 3)},
		{"le 1er décembre 2026", false, day(2026, 12, 1)},
		{"3 déc. 2026", false, day(2026, 12, 3)},
		{"15 aout 2026", false, day(2026, 8, 15)},
		{"Dec 3, 2026", false, day(2026, 12, 3)},
		{"December 3rd, 2026", false, day(2026, 12, 3)},
		{"3rd November 2026", false, day(2026, 11, 3)},
		{"31/11/2026", false, time.Time{}},
		{"30 jours fin de mois", false, time.Time{}},
		{"facture n° 2026-10-087", false, time.Time{}}, // an invoice number, not the 8th of October
		{"émise le 2026-10-08T09:30", false, day(2026, 10, 8)},
	}
	for _, tc := range tests {
		got, _, _ := FirstDate(tc.in, tc.monthFirst)
		if !got.Equal(tc.want) {
			t.Errorf("FirstDate(%q, %v) = %s, want %s", tc.in, tc.monthFirst, got, tc.want)
		}
	}
}
