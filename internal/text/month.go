package text

import (
	"strconv"
	"strings"
	"time"
)

// MonthFR is the French name of m: "janvier" … "décembre".
func MonthFR(m time.Month) string {
	return [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}[m-1]
}

// MonthFRShort is the French abbreviation of m as French mail clients and
// tables write it: "janv.", "févr.", "mars" … "déc.".
func MonthFRShort(m time.Month) string {
	return [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
		"oct.", "nov.", "déc."}[m-1]
}

// WeekdayFR is the French name of d: "dimanche" … "samedi".
func WeekdayFR(d time.Weekday) string {
	return [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}[d]
}

// WeekdayFRShort is the French abbreviation of d as Gmail and Apple Mail
// write it: "dim.", "lun." … "sam.".
func WeekdayFRShort(d time.Weekday) string {
	return [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}[d]
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "û", "u", "ô", "o")

// ParseMonth reads a French or English month name or abbreviation, in any
// case, with or without accents or a trailing dot: "janv.", "Février",
// "aout", "Sept", "december". It returns 0 for anything else. Names with a
// distinctive start are read by that start ("janv", "juil", "sept"), so
// that every abbreviation a writer invents is understood; the short ones
// that could be other words ("mar", "mai", "jun") must be whole.
func ParseMonth(name string) time.Month {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	n = unaccent.Replace(n)
	switch {
	case strings.HasPrefix(n, "jan"):
		return time.January
	case strings.HasPrefix(n, "fev"), strings.HasPrefix(n, "feb"):
		return time.February
	case n == "mar" || n == "mars" || n == "march":
		return time.March
	case strings.HasPrefix(n, "avr"), strings.HasPrefix(n, "apr"):
		return time.April
	case n == "mai" || n == "may":
		return time.May
	case n == "juin" || n == "jun" || n == "june":
		return time.June
	case strings.HasPrefix(n, "juil"), n == "jul" || n == "july":
		return time.July
	case strings.HasPrefix(n, "aou"), strings.HasPrefix(n, "aug"):
		return time.August
	case strings.HasPrefix(n, "sep"):
		return time.September
	case strings.HasPrefix(n, "oct"):
		return time.October
	case strings.HasPrefix(n, "nov"):
		return time.November
	case strings.HasPrefix(n, "dec"):
		return time.December
	}
	return 0
}

// frenchToEnglishMonths replaces French month names and abbreviations, with
// and without accents, by the English ones Go's time layouts read. Whole
// names come before abbreviations so that "septembre" is not read as
// "sept." followed by letters.
var frenchToEnglishMonths = func() *strings.Replacer {
	var pairs []string
	add := func(fr, en string) {
		pairs = append(pairs, fr)
		pairs = append(pairs, en)
		if plain := unaccent.Replace(fr); plain != fr {
			pairs = append(pairs, plain, en)
		}
	}
	for m := time.January; m <= time.December; m++ {
		add(MonthFR(m), m.String())
	}
	for m := time.January; m <= time.December; m++ {
		if short := MonthFRShort(m); short != MonthFR(m) {
			add(short, m.String()[:3])
		}
	}
	return strings.NewReplacer(pairs...)
}()

// EnglishMonths rewrites the French month names of a lower-case date
// ("3 févr. 2026", "12 décembre 2026") in English ("3 Feb 2026", "12
// December 2026"), so that Go's time layouts can read it.
func EnglishMonths(lower string) string {
	return frenchToEnglishMonths.Replace(lower)
}

// FormatDate writes the calendar date of t in its own location, in words:
// "1er décembre 2026", "1 December 2026". The caller passes dates already in
// the business's time zone, so converting here would shift midnight dates
// across a day boundary.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	if lang == "fr" {
		day := strconv.Itoa(d)
		if d == 1 {
			day = "1er"
		}
		return day + " " + MonthFR(m) + " " + strconv.Itoa(y)
	}
	return strconv.Itoa(d) + " " + m.String() + " " + strconv.Itoa(y)
}

// FormatShortDate writes the calendar date of t with the month abbreviated,
// as tables show it: "3 déc. 2026", "3 Dec 2026".
func FormatShortDate(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return strconv.Itoa(t.Day()) + " " + MonthFRShort(t.Month()) + " " + strconv.Itoa(t.Year())
}
