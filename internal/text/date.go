package text

import (
	"regexp"
	"strconv"
	"time"
)

var reDate = regexp.MustCompile(`(?i)(\d{4})-(\d{1,2})-(\d{1,2})(?:\D|$)|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b|(\d{1,2})(?:er|st|nd|rd|th)?\s+(\p{L}{3,10})\.?,?\s+(\d{4})|(\p{L}{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)

// Date is the day y-m-d when it exists (a two-digit year is of this
// century; years outside 1990–2200 are not an invoice's).
func Date(y, m, d int) (time.Time, bool) {
	if y < 100 {
		y += 2000
	}
	if y < 1990 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31 November
	}
	return t, true
}

// FirstDate returns the first date written in s and where it starts:
// 2026-11-03, 03/11/2026, 3.11.26, 3 novembre 2026, 1er déc. 2026,
// November 3, 2026. monthFirst reads ambiguous numeric dates as US
// month/day.
func FirstDate(s string, monthFirst bool) (time.Time, int, bool) {
	for _, m := range reDate.FindAllStringSubmatchIndex(s, 6) {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		atoi := func(i int) int { n, _ := strconv.Atoi(g(i)); return n }
		var t time.Time
		ok := false
		switch {
		case g(1) != "":
			t, ok = Date(atoi(1), atoi(2), atoi(3))
		case g(4) != "":
			a, b := atoi(4), atoi(5)
			d, mo := a, b
			if (monthFirst && b <= 12 && a <= 12) || (a <= 12 && b > 12) {
				d, mo = b, a
			}
			t, ok = Date(atoi(6), mo, d)
		case g(7) != "":
			if mo := ParseMonth(g(8)); mo != 0 {
				t, ok = Date(atoi(9), int(mo), atoi(7))
			}
		case g(10) != "":
			if mo := ParseMonth(g(10)); mo != 0 {
				t, ok = Date(atoi(12), int(mo), atoi(11))
			}
		}
		if ok {
			return t, m[0], true
		}
	}
	return time.Time{}, -1, false
}
