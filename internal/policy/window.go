package policy

import (
	"fmt"
	"strings"
	"time"
)

// SendWindow is when messages may leave: some days of the week, between
// Start (inclusive) and End (exclusive) local time, and only on working days.
type SendWindow struct {
	Days  [7]bool // indexed by time.Weekday
	Start Clock
	End   Clock
}

// DefaultSendWindow is Monday to Friday, 09:00–12:00. Businesses whose
// clients read mail best mid-week may narrow it to Tuesday–Thursday
// 09:00–11:00 in the policy file.
func DefaultSendWindow() SendWindow {
	w := SendWindow{Start: Clock{9, 0}, End: Clock{12, 0}}
	for d := time.Monday; d <= time.Friday; d++ {
		w.Days[d] = true
	}
	return w
}

// Contains reports whether instant t falls inside the window.
func (w SendWindow) Contains(t time.Time, c *Calendar) bool {
	lt := t.In(c.loc)
	d := DateOf(lt)
	if !w.Days[d.Weekday()] || !c.IsBusinessDate(d) {
		return false
	}
	return !lt.Before(w.Start.On(d, c.loc)) && lt.Before(w.End.On(d, c.loc))
}

// Next returns t itself when t is inside the window, otherwise the start of
// the next window. It returns the zero time when no window opens within
// three years (a window with no day, or a calendar closed every day).
func (w SendWindow) Next(t time.Time, c *Calendar) time.Time {
	lt := t.In(c.loc)
	d := DateOf(lt)
	for i := 0; i < maxScanDays; i, d = i+1, d.AddDays(1) {
		if !w.Days[d.Weekday()] || !c.IsBusinessDate(d) {
			continue
		}
		start := w.Start.On(d, c.loc)
		if i > 0 || lt.Before(start) {
			return start
		}
		if lt.Before(w.End.On(d, c.loc)) {
			return t
		}
	}
	return time.Time{}
}

func (w SendWindow) validate(field string) error {
	weekday := false
	for d := time.Monday; d <= time.Friday; d++ {
		weekday = weekday || w.Days[d]
	}
	if !weekday {
		return fieldErr(field+".days", "at least one day from Monday to Friday is needed (weekends are not working days)")
	}
	if w.End.minutes() <= w.Start.minutes() {
		return fieldErr(field+".end", fmt.Sprintf("must be after start (%s), got %s", w.Start, w.End))
	}
	return nil
}

func parseWeekday(s string) (time.Weekday, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sun", "sunday", "dim", "dimanche":
		return time.Sunday, true
	case "mon", "monday", "lun", "lundi":
		return time.Monday, true
	case "tue", "tuesday", "mar", "mardi":
		return time.Tuesday, true
	case "wed", "wednesday", "mer", "mercredi":
		return time.Wednesday, true
	case "thu", "thursday", "jeu", "jeudi":
		return time.Thursday, true
	case "fri", "friday", "ven", "vendredi":
		return time.Friday, true
	case "sat", "saturday", "sam", "samedi":
		return time.Saturday, true
	}
	return 0, false
}
