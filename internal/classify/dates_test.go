package classify

import (
	"testing"
	"time"
)

// TestDateResolution pins how the date phrases people use resolve, against
// Wednesday 3 December 2025 (the rules of shared/notes/reply-labels.md).
func TestDateResolution(t *testing.T) {
	ref := time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct{ text, want string }{
		{"je paierai demain", "2025-12-04"},
		{"virement vendredi prochain", "2025-12-05"},
		{"paiement fin du mois", "2025-12-31"},
		{"paiement fin de mois", "2025-12-31"},
		{"debut de semaine prochaine", "2025-12-08"},
		{"sous huitaine", "2025-12-11"},
		{"sous quinzaine", "2025-12-18"},
		{"le 5 du mois prochain", "2026-01-05"},
		{"avec notre echeance du 30", "2025-12-30"},
		{"next tuesday", "2025-12-09"},
		{"end of next week", "2025-12-12"},
		{"in our next payment run on the 25th", "2025-12-25"},
		{"within 30 days", "2026-01-02"},
		{"le 14/12", "2025-12-14"},
		{"le 14.12.2025", "2025-12-14"},
		{"jeudi 11", "2025-12-11"},
		{"le jeudi 11 decembre", "2025-12-11"},
		{"d'ici vendredi", "2025-12-05"},
		{"au plus tard le 20", "2025-12-20"},
		{"le 05/01", "2026-01-05"},
	}
	for _, tt := range tests {
		ds := findDates(tt.text, ref)
		if len(ds) != 1 || ds[0].t.Format(time.DateOnly) != tt.want {
			var got []string
			for _, d := range ds {
				got = append(got, d.t.Format(time.DateOnly))
			}
			t.Errorf("%q: %v, want %s", tt.text, got, tt.want)
		}
	}
	// An "échéance du 30" in February is its last day.
	feb := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	if ds := findDates("avec notre echeance du 30", feb); len(ds) != 1 || ds[0].t.Format(time.DateOnly) != "2026-02-28" {
		t.Errorf("échéance du 30 in February: %+v", ds)
	}
	// Vague ones keep no date.
	for _, s := range []string{"au prochain virement groupe", "des que possible", "asap", "bientot"} {
		if ds := findDates(s, ref); len(ds) != 0 {
			t.Errorf("%q resolved to %v", s, ds[0].t)
		}
	}
}
