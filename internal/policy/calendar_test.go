package policy

import (
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func day(y int, m time.Month, d int) Date { return Date{y, m, d} }

func frCal(t testing.TB) *Calendar {
	return NewCalendar(mustLoc(t, "Europe/Paris"), FrenchHolidays()...)
}

func TestFrenchHolidays2026And2027(t *testing.T) {
	c := frCal(t)
	tests := []struct {
		date Date
		name string
	}{
		{day(2026, 1, 1), "Nouvel an"},
		{day(2026, 4, 6), "Lundi de Pâques"}, // Easter 2026 is 5 April
		{day(2026, 5, 1), "Fête du Travail"},
		{day(2026, 5, 8), "Fête de la Victoire"},
		{day(2026, 5, 14), "Ascension"},          // Easter + 39
		{day(2026, 5, 25), "Lundi de Pentecôte"}, // Easter + 50
		{day(2026, 7, 14), "Fête Nationale"},
		{day(2026, 8, 15), "Assomption"},
		{day(2026, 11, 1), "Toussaint"},
		{day(2026, 11, 11), "Armistice de 1918"},
		{day(2026, 12, 25), "Noël"},
		{day(2027, 1, 1), "Nouvel an"},
		{day(2027, 3, 29), "Lundi de Pâques"}, // Easter 2027 is 28 March
		{day(2027, 5, 1), "Fête du Travail"},
		{day(2027, 5, 6), "Ascension"},
		{day(2027, 5, 8), "Fête de la Victoire"},
		{day(2027, 5, 17), "Lundi de Pentecôte"},
		{day(2027, 7, 14), "Fête Nationale"},
		{day(2027, 8, 15), "Assomption"},
		{day(2027, 11, 1), "Toussaint"},
		{day(2027, 11, 11), "Armistice de 1918"},
		{day(2027, 12, 25), "Noël"},
	}
	for _, tt := range tests {
		t.Run(tt.date.String(), func(t *testing.T) {
			name, ok := c.Holiday(tt.date)
			if !ok || name != tt.name {
				t.Errorf("Holiday(%s) = %q, %v; want %q", tt.date, name, ok, tt.name)
			}
			if c.IsBusinessDate(tt.date) {
				t.Errorf("IsBusinessDate(%s) = true on %s", tt.date, tt.name)
			}
		})
	}
	// Exactly these eleven per year, nothing else on a weekday.
	for _, year := range []int{2026, 2027} {
		n := 0
		for d := day(year, 1, 1); d.Year == year; d = d.AddDays(1) {
			if _, ok := c.Holiday(d); ok {
				n++
			}
		}
		if n != 11 {
			t.Errorf("%d: %d holidays, want 11", year, n)
		}
	}
}

func TestHolidaysOutsidePrecomputedYears(t *testing.T) {
	c := frCal(t)
	// Easter 2150 is 12 April (computed, not precomputed): Easter Monday 13 April.
	if name, ok := c.Holiday(day(2150, 4, 13)); !ok || name != "Lundi de Pâques" {
		t.Errorf("2150-04-13 = %q, %v", name, ok)
	}
	if _, ok := c.Holiday(day(2150, 4, 14)); ok {
		t.Errorf("2150-04-14 reported as holiday")
	}
}

func TestAlsaceMoselle(t *testing.T) {
	c := NewCalendar(mustLoc(t, "Europe/Paris"), AlsaceMoselleHolidays()...)
	for _, d := range []Date{day(2026, 4, 3), day(2026, 12, 26), day(2027, 3, 26)} {
		if c.IsBusinessDate(d) && d.Weekday() != time.Saturday {
			t.Errorf("%s should be a holiday in Alsace-Moselle", d)
		}
	}
	if !frCal(t).IsBusinessDate(day(2026, 4, 3)) {
		t.Errorf("Good Friday 2026 is a working day outside Alsace-Moselle")
	}
}

func TestIsBusinessDate(t *testing.T) {
	c := frCal(t)
	tests := []struct {
		d    Date
		want bool
	}{
		{day(2026, 1, 2), true},    // Friday after New Year
		{day(2026, 1, 3), false},   // Saturday
		{day(2026, 1, 4), false},   // Sunday
		{day(2026, 1, 5), true},    // Monday
		{day(2026, 4, 3), true},    // Good Friday: worked outside Alsace-Moselle
		{day(2026, 4, 6), false},   // Easter Monday
		{day(2026, 4, 7), true},    // Tuesday after Easter
		{day(2026, 11, 10), true},  // Tuesday
		{day(2026, 11, 11), false}, // Armistice, a Wednesday
		{day(2026, 12, 24), true},  // Christmas Eve is worked
		{day(2026, 12, 26), false}, // Saturday
	}
	for _, tt := range tests {
		if got := c.IsBusinessDate(tt.d); got != tt.want {
			t.Errorf("IsBusinessDate(%s %s) = %v, want %v", tt.d, tt.d.Weekday(), got, tt.want)
		}
	}
}

func TestClosedAndOpenDays(t *testing.T) {
	c := frCal(t).WithClosedDays(day(2026, 12, 24)).WithOpenDays(day(2026, 5, 25))
	if c.IsBusinessDate(day(2026, 12, 24)) {
		t.Error("closed day is a business day")
	}
	if !c.IsBusinessDate(day(2026, 5, 25)) {
		t.Error("open Whit Monday is not a business day")
	}
	// The original calendar is unchanged.
	if !frCal(t).IsBusinessDate(day(2026, 12, 24)) {
		t.Error("WithClosedDays changed the receiver")
	}
}

func TestNextAndAddBusinessDates(t *testing.T) {
	c := frCal(t)
	tests := []struct {
		name string
		from Date
		n    int
		want Date
	}{
		{"friday+1 is monday", day(2026, 1, 9), 1, day(2026, 1, 12)},
		{"saturday+1 is monday", day(2026, 1, 10), 1, day(2026, 1, 12)},
		{"saturday+5 is friday", day(2026, 1, 10), 5, day(2026, 1, 16)},
		{"thursday before Easter +1 is good friday", day(2026, 4, 2), 1, day(2026, 4, 3)},
		{"good friday +1 skips easter monday", day(2026, 4, 3), 1, day(2026, 4, 7)},
		{"ascension thursday bridge", day(2026, 5, 13), 1, day(2026, 5, 15)},
		{"may 2026: 1st and 8th are fridays", day(2026, 4, 30), 5, day(2026, 5, 11)},
		// 7 May (Thu) → 11 (Mon), 12, 13, 15 (14 Ascension), 18: five working days.
		{"ascension week", day(2026, 5, 7), 5, day(2026, 5, 18)},
		{"whit monday", day(2026, 5, 22), 1, day(2026, 5, 26)},
		{"armistice wednesday", day(2026, 11, 10), 1, day(2026, 11, 12)},
		{"christmas friday", day(2026, 12, 24), 1, day(2026, 12, 28)},
		{"new year 2027 friday", day(2026, 12, 31), 1, day(2027, 1, 4)},
		{"easter monday 2027", day(2027, 3, 26), 1, day(2027, 3, 30)},
		{"backwards over easter monday", day(2026, 4, 7), -1, day(2026, 4, 3)},
		{"backwards over weekend", day(2026, 1, 12), -2, day(2026, 1, 8)},
		{"zero", day(2026, 1, 10), 0, day(2026, 1, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddBusinessDates(tt.from, tt.n); got != tt.want {
				t.Errorf("AddBusinessDates(%s, %d) = %s %s, want %s", tt.from, tt.n, got, got.Weekday(), tt.want)
			}
		})
	}
}

func TestBusinessDayInstantsAcrossZones(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	ny := mustLoc(t, "America/New_York")
	tokyo := mustLoc(t, "Asia/Tokyo")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		loc  *time.Location
		at   time.Time
		want bool
	}{
		// 2026-04-05T20:00Z is Sunday 22:00 in Paris, Monday 05:00 (Easter Monday) in Tokyo.
		{"paris sunday evening", paris, utc("2026-04-05T20:00:00Z"), false},
		{"tokyo easter monday morning", tokyo, utc("2026-04-05T20:00:00Z"), false},
		// 2026-04-06T22:30Z is Tuesday 00:30 in Paris but Easter Monday 18:30 in New York.
		{"paris tuesday just after midnight", paris, utc("2026-04-06T22:30:00Z"), true},
		{"new york still easter monday", ny, utc("2026-04-06T22:30:00Z"), false},
		// 2026-04-07T16:00Z is Wednesday 01:00 in Tokyo, Tuesday in New York.
		{"tokyo wednesday", tokyo, utc("2026-04-07T16:00:00Z"), true},
		// 2026-01-03T03:00Z is Saturday in Paris, Friday 22:00 in New York.
		{"new york friday night", ny, utc("2026-01-03T03:00:00Z"), true},
		{"paris saturday", paris, utc("2026-01-03T03:00:00Z"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCalendar(tt.loc, FrenchHolidays()...)
			if got := c.IsBusinessDay(tt.at); got != tt.want {
				t.Errorf("IsBusinessDay(%s in %s) = %v, want %v", tt.at, tt.loc, got, tt.want)
			}
		})
	}
}

func TestHoldUntilAndDST(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	ny := mustLoc(t, "America/New_York")
	tokyo := mustLoc(t, "Asia/Tokyo")
	tests := []struct {
		name    string
		loc     *time.Location
		created time.Time
		want    time.Time // an instant; compared with Equal
	}{
		{"tuesday afternoon", paris, time.Date(2026, 1, 13, 15, 0, 0, 0, paris), time.Date(2026, 1, 14, 8, 0, 0, 0, time.UTC)},
		{"just after midnight still waits a day", paris, time.Date(2026, 1, 13, 0, 5, 0, 0, paris), time.Date(2026, 1, 14, 8, 0, 0, 0, time.UTC)},
		{"before review time still waits a day", paris, time.Date(2026, 1, 13, 8, 0, 0, 0, paris), time.Date(2026, 1, 14, 8, 0, 0, 0, time.UTC)},
		{"friday to monday", paris, time.Date(2026, 1, 16, 18, 0, 0, 0, paris), time.Date(2026, 1, 19, 8, 0, 0, 0, time.UTC)},
		{"saturday to monday", paris, time.Date(2026, 1, 17, 11, 0, 0, 0, paris), time.Date(2026, 1, 19, 8, 0, 0, 0, time.UTC)},
		// Spring forward on Sunday 29 March 2026: Monday 09:00 is CEST = 07:00 UTC.
		{"over spring DST", paris, time.Date(2026, 3, 27, 15, 0, 0, 0, paris), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		// Fall back on Sunday 25 October 2026: Monday 09:00 is CET = 08:00 UTC.
		{"over autumn DST", paris, time.Date(2026, 10, 23, 15, 0, 0, 0, paris), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)},
		// The night of the change itself: 02:30 on 25 October happens twice.
		{"during the repeated hour", paris, time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)},
		{"over 2027 spring DST", paris, time.Date(2027, 3, 26, 10, 0, 0, 0, paris), time.Date(2027, 3, 30, 7, 0, 0, 0, time.UTC)}, // Monday 29th is Easter Monday
		{"thursday before easter 2026", paris, time.Date(2026, 4, 2, 10, 0, 0, 0, paris), time.Date(2026, 4, 3, 7, 0, 0, 0, time.UTC)},
		{"good friday to tuesday", paris, time.Date(2026, 4, 3, 10, 0, 0, 0, paris), time.Date(2026, 4, 7, 7, 0, 0, 0, time.UTC)},
		{"armistice eve", paris, time.Date(2026, 11, 10, 16, 0, 0, 0, paris), time.Date(2026, 11, 12, 8, 0, 0, 0, time.UTC)},
		{"ascension eve", paris, time.Date(2026, 5, 13, 16, 0, 0, 0, paris), time.Date(2026, 5, 15, 7, 0, 0, 0, time.UTC)},
		// New York springs forward on 8 March 2026 (a different Sunday from Paris).
		{"new york spring DST", ny, time.Date(2026, 3, 6, 17, 0, 0, 0, ny), time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)},
		{"new york autumn DST", ny, time.Date(2026, 10, 30, 17, 0, 0, 0, ny), time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)},
		// Created on Monday evening in New York although it is already Tuesday in UTC.
		{"new york date not utc date", ny, time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)},
		{"tokyo no DST", tokyo, time.Date(2026, 3, 27, 15, 0, 0, 0, tokyo), time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCalendar(tt.loc, FrenchHolidays()...)
			if tt.loc != paris {
				c = NewCalendar(tt.loc)
			}
			got := HoldUntil(tt.created, c, 9, 0)
			if !got.Equal(tt.want) {
				t.Errorf("HoldUntil(%s) = %s, want %s", tt.created, got.UTC(), tt.want)
			}
			if lt := got.In(tt.loc); lt.Hour() != 9 || lt.Minute() != 0 {
				t.Errorf("hold ends at %s local, want 09:00", lt.Format("15:04"))
			}
		})
	}
}

func TestAddBusinessDaysKeepsWallClockOverDST(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	c := frCal(t)
	from := time.Date(2026, 3, 27, 10, 30, 0, 0, paris) // Friday, CET
	got := c.AddBusinessDays(from, 1)
	if want := time.Date(2026, 3, 30, 8, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %s, want %s", got.UTC(), want)
	}
	if d := got.Sub(from); d != 71*time.Hour {
		t.Errorf("elapsed %s, want 71h (the lost DST hour)", d)
	}
	back := c.AddBusinessDays(time.Date(2026, 10, 26, 10, 30, 0, 0, paris), -1)
	if want := time.Date(2026, 10, 23, 8, 30, 0, 0, time.UTC); !back.Equal(want) {
		t.Errorf("backwards over autumn DST: got %s, want %s", back.UTC(), want)
	}
	if nb := c.NextBusinessDay(time.Date(2026, 3, 28, 23, 0, 0, 0, paris)); !nb.Equal(time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("NextBusinessDay = %s, want Monday 00:00 CEST", nb.UTC())
	}
}

func TestDateBasics(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1); got != day(2026, 3, 1) {
		t.Errorf("AddDays = %s", got)
	}
	if got := day(2028, 2, 28).AddDays(1); got != day(2028, 2, 29) {
		t.Errorf("leap AddDays = %s", got)
	}
	if n := day(2026, 7, 1).DaysSince(day(2026, 6, 15)); n != 16 {
		t.Errorf("DaysSince = %d", n)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("2026-02-30 accepted")
	}
	if _, err := ParseClock("25:00"); err == nil {
		t.Error("25:00 accepted")
	}
	var z Date
	if err := z.UnmarshalText([]byte("2026-11-11")); err != nil || z != day(2026, 11, 11) {
		t.Errorf("UnmarshalText = %v, %v", z, err)
	}
	if b, _ := z.MarshalText(); string(b) != "2026-11-11" {
		t.Errorf("MarshalText = %s", b)
	}
}
