package policy

import (
	"cmp"
	"fmt"
	"time"
)

// Date is a civil calendar date with no clock and no time zone. Due dates,
// promise dates and holidays are dates: "due on 31 January" means the whole of
// that day wherever the business is, so they must not drift when converted
// between zones the way a time.Time at midnight would.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t as seen in t's own location. Callers holding a
// date stored as midnight UTC or midnight local get the intended date either way.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// DateIn returns the date of instant t as seen in loc.
func DateIn(t time.Time, loc *time.Location) Date {
	return DateOf(t.In(loc))
}

// ParseDate parses an ISO 8601 calendar date (YYYY-MM-DD).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("want YYYY-MM-DD, got %q", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (YYYY-MM-DD, empty for none).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// dayNumber counts days since 1970-01-01; arithmetic on it is exact because a
// civil day has no DST.
func (d Date) dayNumber() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dateFromDayNumber(n int) Date {
	return DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// DaysSince returns the number of calendar days from e to d (d − e).
func (d Date) DaysSince(e Date) int { return d.dayNumber() - e.dayNumber() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(int(d.Month), int(e.Month))
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// At returns the instant at hour:minute on d in loc. A wall time that does not
// exist because of a DST jump is normalised forward by time.Date (02:30 on the
// spring-forward night becomes 03:30).
func (d Date) At(loc *time.Location, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}

// Clock is a wall-clock time of day, minute precision.
type Clock struct {
	Hour   int
	Minute int
}

// ParseClock parses "HH:MM" (24-hour).
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return Clock{}, fmt.Errorf("want HH:MM (24-hour), got %q", s)
	}
	return Clock{t.Hour(), t.Minute()}, nil
}

// String formats c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// On returns the instant at c on date d in loc.
func (c Clock) On(d Date, loc *time.Location) time.Time { return d.At(loc, c.Hour, c.Minute) }

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
