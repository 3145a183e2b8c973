package payment

import (
	"strings"
	"time"

	"github.com/relance/relance/internal/text"
)

// dateLayout turns a readable date format ("DD/MM/YYYY", "D MMMM YYYY")
// into a Go layout. A format that already is a Go layout is kept.
func dateLayout(f string) string {
	if strings.Contains(f, "2006") || strings.Contains(f, "06") && !strings.Contains(f, "Y") {
		return f
	}
	repl := strings.NewReplacer(
		"YYYY", "2006", "YY", "06",
		"MMMM", "January", "MMM", "Jan", "MM", "01", "M", "1",
		"DD", "02", "D", "2",
	)
	return repl.Replace(f)
}

// parseDate reads raw with the first layout that fits.
func parseDate(raw string, layouts []string) (time.Time, bool) {
	raw = strings.Join(strings.Fields(raw), " ")
	if raw == "" {
		return time.Time{}, false
	}
	variants := []string{raw}
	if fr := text.EnglishMonths(strings.ToLower(raw)); fr != strings.ToLower(raw) {
		variants = append(variants, fr)
	}
	for _, v := range variants {
		for _, l := range layouts {
			if t, err := time.Parse(l, v); err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
			}
		}
	}
	return time.Time{}, false
}
