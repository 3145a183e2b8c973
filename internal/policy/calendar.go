package policy

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// Years for which holiday dates are computed once at construction; dates
// outside are computed on demand, so the range is a speed trade-off only.
const (
	precomputeFirstYear = 2000
	precomputeLastYear  = 2100
	// maxScanDays bounds every forward search for a business day or a send
	// slot, so a calendar closed on every day cannot loop forever.
	maxScanDays = 3 * 366
)

// FrenchHolidays returns the eleven French national public holidays (jours
// fériés, Code du travail L3133-1): 1 January, Easter Monday, 1 May, 8 May,
// Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November and
// 25 December. Whit Monday stays a public holiday even where it is worked as
// the "journée de solidarité"; a business open that day lists it in
// OpenDays. A fresh slice is returned so callers may edit it.
func FrenchHolidays() []*cal.Holiday {
	return append([]*cal.Holiday(nil), fr.Holidays...)
}

// AlsaceMoselleHolidays returns the French list plus the two extra public
// holidays of Bas-Rhin, Haut-Rhin and Moselle (Good Friday and 26 December).
func AlsaceMoselleHolidays() []*cal.Holiday {
	return append(FrenchHolidays(),
		aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
		aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic}),
	)
}

// Calendar answers "is this a working day for the business" in the business's
// time zone. It is immutable after construction and safe for concurrent use.
type Calendar struct {
	loc     *time.Location
	rules   []*cal.Holiday
	weekend [7]bool
	// closed maps day numbers to the reason the day is closed (holiday name
	// or "closed") for the precomputed years and for extra closed days.
	closed map[int]string
	open   map[int]bool
}

// NewCalendar returns a calendar in loc (UTC when nil) whose non-working days
// are Saturdays, Sundays and the given holidays. Pass FrenchHolidays() for
// France.
func NewCalendar(loc *time.Location, holidays ...*cal.Holiday) *Calendar {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{
		loc:    loc,
		rules:  append([]*cal.Holiday(nil), holidays...),
		closed: make(map[int]string, len(holidays)*(precomputeLastYear-precomputeFirstYear+1)),
		open:   map[int]bool{},
	}
	c.weekend[time.Saturday] = true
	c.weekend[time.Sunday] = true
	for y := precomputeFirstYear; y <= precomputeLastYear; y++ {
		for _, h := range c.rules {
			if h == nil {
				continue
			}
			if _, obs := h.Calc(y); !obs.IsZero() {
				c.closed[DateOf(obs).dayNumber()] = h.Name
			}
		}
	}
	return c
}

// WithClosedDays returns a copy of c in which the given dates are also closed
// (a company closure, a local holiday).
func (c *Calendar) WithClosedDays(days ...Date) *Calendar {
	n := c.clone()
	for _, d := range days {
		n.closed[d.dayNumber()] = "closed"
		delete(n.open, d.dayNumber())
	}
	return n
}

// WithOpenDays returns a copy of c in which the given dates are working days
// even if they are weekends or holidays.
func (c *Calendar) WithOpenDays(days ...Date) *Calendar {
	n := c.clone()
	for _, d := range days {
		n.open[d.dayNumber()] = true
	}
	return n
}

func (c *Calendar) clone() *Calendar {
	n := &Calendar{loc: c.loc, rules: c.rules, weekend: c.weekend,
		closed: make(map[int]string, len(c.closed)), open: make(map[int]bool, len(c.open))}
	for k, v := range c.closed {
		n.closed[k] = v
	}
	for k, v := range c.open {
		n.open[k] = v
	}
	return n
}

// Location returns the business's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Holiday returns the name of the holiday or closure on d, if any. Weekends
// are not reported here.
func (c *Calendar) Holiday(d Date) (string, bool) {
	n := d.dayNumber()
	if name, ok := c.closed[n]; ok {
		return name, true
	}
	if d.Year >= precomputeFirstYear && d.Year <= precomputeLastYear {
		return "", false
	}
	for _, h := range c.rules {
		if h == nil {
			continue
		}
		if _, obs := h.Calc(d.Year); !obs.IsZero() && DateOf(obs) == d {
			return h.Name, true
		}
	}
	return "", false
}

// IsBusinessDate reports whether d is a working day.
func (c *Calendar) IsBusinessDate(d Date) bool {
	if c.open[d.dayNumber()] {
		return true
	}
	if c.weekend[d.Weekday()] {
		return false
	}
	_, hol := c.Holiday(d)
	return !hol
}

// IsBusinessDay reports whether the local date of instant t is a working day.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	return c.IsBusinessDate(DateIn(t, c.loc))
}

// NextBusinessDate returns the first working day strictly after d.
func (c *Calendar) NextBusinessDate(d Date) Date {
	for i := 0; i < maxScanDays; i++ {
		d = d.AddDays(1)
		if c.IsBusinessDate(d) {
			return d
		}
	}
	return d
}

// PrevBusinessDate returns the last working day strictly before d.
func (c *Calendar) PrevBusinessDate(d Date) Date {
	for i := 0; i < maxScanDays; i++ {
		d = d.AddDays(-1)
		if c.IsBusinessDate(d) {
			return d
		}
	}
	return d
}

// AddBusinessDates moves n working days from d: forward when n > 0,
// backward when n < 0, and not at all when n == 0 (d need not be a working
// day itself: five working days after a Saturday is the next Friday).
func (c *Calendar) AddBusinessDates(d Date, n int) Date {
	for ; n > 0; n-- {
		d = c.NextBusinessDate(d)
	}
	for ; n < 0; n++ {
		d = c.PrevBusinessDate(d)
	}
	return d
}

// NextBusinessDay returns the start (00:00 local) of the first working day
// strictly after the local date of t.
func (c *Calendar) NextBusinessDay(t time.Time) time.Time {
	return c.NextBusinessDate(DateIn(t, c.loc)).At(c.loc, 0, 0)
}

// AddBusinessDays moves t by n working days in the business's time zone and
// keeps its local wall-clock time, so a 10:30 contact plus five working days
// is 10:30 again even across a DST change.
func (c *Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	lt := t.In(c.loc)
	d := c.AddBusinessDates(DateOf(lt), n)
	return time.Date(d.Year, d.Month, d.Day, lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), c.loc)
}

// StartOfDay returns 00:00 local time on d.
func (c *Calendar) StartOfDay(d Date) time.Time { return d.At(c.loc, 0, 0) }

// HoldUntil is the earliest moment a draft created at created may leave: the
// review time on the first working day strictly after the creation day (local
// time), so a human always has one working morning to reread it.
func HoldUntil(created time.Time, c *Calendar, reviewHour, reviewMinute int) time.Time {
	return c.NextBusinessDate(DateIn(created, c.loc)).At(c.loc, reviewHour, reviewMinute)
}
