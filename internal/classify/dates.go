package classify

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/text"
)

// dateMention is a date found in folded text, resolved against the mail's
// date. Explicit mentions (a day with a month) outrank vague ones ("next
// week") when a sentence holds both.
type dateMention struct {
	start, end int
	t          time.Time // midnight UTC
	explicit   bool
	dayOnly    bool // "le 15": resolved forward, unreliable in past tense
	// period marks a span read as one day ("fin du mois", "this week"):
	// a named day in the same reply is the more precise commitment.
	period bool
	phrase string
}

const monthNames = `janvier|janv|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|octobre|oct|novembre|nov|decembre|dec|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sep|october|november|december`

const numberWords = `\d{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|dix|quinze|vingt|trente|one|two|three|four|five|seven|eight|ten|fifteen|twenty|thirty|a|an|a couple of|quelques|a few`

var (
	reISO      = mustWordRegexp(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	reNumeric  = mustWordRegexp(`\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?\b`)
	reDayMonth = mustWordRegexp(`\b(\d{1,2})(?:er|st|nd|rd|th)? (?:of )?(` + monthNames + `)\b\.?(?: (\d{4}))?`)
	reMonthDay = mustWordRegexp(`\b(` + monthNames + `)\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4}))?`)
	reRelDay   = mustWordRegexp(`\b(apres-demain|apres demain|day after tomorrow|demain|dmain|tomorrow|tomorow|tommorow|tommorrow|tmrw|2moro|aujourd'hui|aujourd hui|aujourdhui|ce jour|today|tonight|ce soir|cet apres-midi|this afternoon|this morning|ce matin|hier|yesterday|avant-hier)\b`)
	reWeekday  = mustWordRegexp(`\b(?:(next|this|coming|on|by|ce|d'ici|avant|des|depuis|since|last) )?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)( prochain| qui vient| dernier| passe)?\b`)
	reMonthEnd = mustWordRegexp(`\b(?:(?:la |a la |en |d'ici (?:la )?|avant la |by the |at the |by |at )?(fin du mois (?:de |d')(?:` + monthNames + `)|fin (?:du |de |de ce )?mois(?: prochain)?|end of (?:the |this )?month|end of next month|month[- ]end|fin (?:` + monthNames + `)|end of (?:` + monthNames + `)|debut (?:du |de )?mois(?: prochain)?|early next month|beginning of next month|start of next month|debut (?:` + monthNames + `)|early (?:` + monthNames + `)|mi-(?:` + monthNames + `)|mid-(?:` + monthNames + `)|mid (?:` + monthNames + `)|fin (?:de l'|d')annee|end of (?:the )?year))`)
	reWeek     = mustWordRegexp(`\b(fin de (?:la )?semaine prochaine|end of next week|debut de (?:la )?semaine prochaine|early next week|start of next week|beginning of next week|(?:la |dans la |courant de la |courant )?semaine prochaine|next week|fin de (?:la |cette )?semaine|end of (?:the |this )?week|cette semaine|this week|ce week-end|ce weekend|this weekend|over the weekend)\b`)
	reWithin   = mustWordRegexp(`\b(?:sous|endeans|d'ici|dans|within|in|within the next|in the next|sous les|d'ici a|au plus tard dans|under) (?:les )?(` + numberWords + `) ?(jours?|j|days?|semaines?|weeks?|mois|months?|h|heures?|hours?)(?: ouvres| ouvrables| business| working)?\b`)
	reHuitaine = mustWordRegexp(`\b(?:sous |dans la |d'ici )?(huitaine|quinzaine)\b`)
	// "jeudi 11": the day number is the commitment, the weekday its check.
	reWeekdayNum = mustWordRegexp(`\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday),? (?:the )?(\d{1,2})(?:er|st|nd|rd|th)?\b`)
	reNextMonth  = regexp.MustCompile(`^(?:du mois prochain|de mois prochain|du prochain mois|of next month|next month)\b`)
)

// monthNumber reads a folded month name as every package reads one.
func monthNumber(s string) time.Month { return text.ParseMonth(s) }

func weekdayNumber(s string) (time.Weekday, bool) {
	switch s {
	case "lundi", "monday":
		return time.Monday, true
	case "mardi", "tuesday":
		return time.Tuesday, true
	case "mercredi", "wednesday":
		return time.Wednesday, true
	case "jeudi", "thursday":
		return time.Thursday, true
	case "vendredi", "friday":
		return time.Friday, true
	case "samedi", "saturday":
		return time.Saturday, true
	case "dimanche", "sunday":
		return time.Sunday, true
	}
	return 0, false
}

func countWord(s string) int {
	switch s {
	case "un", "une", "one", "a", "an":
		return 1
	case "deux", "two", "a couple of":
		return 2
	case "trois", "three", "quelques", "a few":
		return 3
	case "quatre", "four":
		return 4
	case "cinq", "five":
		return 5
	case "six":
		return 6
	case "sept", "seven":
		return 7
	case "huit", "eight":
		return 8
	case "dix", "ten":
		return 10
	case "quinze", "fifteen":
		return 15
	case "vingt", "twenty":
		return 20
	case "trente", "thirty":
		return 30
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 366 {
		return 0
	}
	return n
}

func midnight(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}

// nearestYear places a day and month without a year in the year that puts it
// closest to ref: "le 5 janvier" written in December is next January, "payé le
// 20 décembre" written in January is last December.
func nearestYear(ref time.Time, m time.Month, d int) (time.Time, bool) {
	t, ok := midnight(ref.Year(), m, d)
	if !ok {
		// 29 February in a common year: try the neighbours.
		if t2, ok2 := midnight(ref.Year()+1, m, d); ok2 {
			return t2, true
		}
		return time.Time{}, false
	}
	switch diff := t.Sub(ref); {
	case diff < -183*24*time.Hour:
		return t.AddDate(1, 0, 0), true
	case diff > 183*24*time.Hour:
		return t.AddDate(-1, 0, 0), true
	}
	return t, true
}

func year(s string) int {
	if s == "" {
		return 0
	}
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	if y < 100 {
		y += 2000
	}
	return y
}

func endOfMonth(y int, m time.Month) time.Time {
	return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// nextWeekday is the first given weekday strictly after ref.
func nextWeekday(ref time.Time, wd time.Weekday) time.Time {
	d := (int(wd) - int(ref.Weekday()) + 7) % 7
	if d == 0 {
		d = 7
	}
	return ref.AddDate(0, 0, d)
}

// fridayOf is the Friday of ref's Monday-based week, or the next one when ref
// is already past it (a weekend).
func fridayOf(ref time.Time) time.Time {
	wd := int(ref.Weekday())
	if wd == 0 {
		wd = 7
	}
	if wd > 5 {
		return ref.AddDate(0, 0, 5+7-wd)
	}
	return ref.AddDate(0, 0, 5-wd)
}

func mondayOf(ref time.Time) time.Time {
	wd := int(ref.Weekday())
	if wd == 0 {
		wd = 7
	}
	return ref.AddDate(0, 0, 1-wd)
}

// findDates returns every date mention in folded text s, resolved against ref
// (midnight UTC of the mail's calendar day). A zero ref resolves only dates
// that carry their year.
func findDates(s string, ref time.Time) []dateMention {
	var out []dateMention
	digits := strings.ContainsAny(s, "0123456789")
	g := gatesOf(s)
	add := func(loc []int, t time.Time, explicit bool) {
		out = append(out, dateMention{start: loc[0], end: loc[1], t: t, explicit: explicit, phrase: s[loc[0]:loc[1]]})
	}
	noRef := ref.IsZero()

	for _, m := range findAll(reISO, digits && strings.Contains(s, "-"), s) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := midnight(y, time.Month(mo), d); ok {
			add(m[:2], t, true)
		}
	}
	for _, m := range findAll(reNumeric, digits && hasDigitSepDigit(s), s) {
		// Amounts ("12.50 €", "1.250,00") and invoice numbers are not dates.
		if m[1] < len(s) && ((s[m[1]] == ',' || s[m[1]] == '.') && m[1]+1 < len(s) && isDigit(s[m[1]+1]) || s[m[1]] == '-' || s[m[1]] == '/') {
			continue
		}
		if m[0] > 0 && (isDigit(s[m[0]-1]) || s[m[0]-1] == '-' || s[m[0]-1] == '/' || s[m[0]-1] == '.') {
			continue
		}
		if rest := strings.TrimSpace(s[m[1]:]); strings.HasPrefix(rest, "€") || strings.HasPrefix(rest, "eur") || strings.HasPrefix(rest, "%") {
			continue
		}
		a, _ := strconv.Atoi(s[m[2]:m[3]])
		b, _ := strconv.Atoi(s[m[4]:m[5]])
		d, mo := a, b
		if b > 12 && a <= 12 { // US order, only when unambiguous
			d, mo = b, a
		}
		y := 0
		if m[6] >= 0 {
			y = year(s[m[6]:m[7]])
		}
		if y == 0 && s[m[2]:m[3]] != "" && m[6] < 0 && strings.Contains(s[m[0]:m[1]], ".") && !dateWordBefore(s, m[0]) {
			// "10.5" with no year is more often a number than a date;
			// "le 14.11" is a date.
			continue
		}
		var t time.Time
		var ok bool
		if y != 0 {
			t, ok = midnight(y, time.Month(mo), d)
		} else if !noRef {
			t, ok = nearestYear(ref, time.Month(mo), d)
		}
		if ok {
			add(m[:2], t, true)
		}
	}
	for _, m := range findAll(reDayMonth, digits && g&gateMonth != 0, s) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo := monthNumber(s[m[4]:m[5]])
		if mo == 0 {
			continue
		}
		var t time.Time
		var ok bool
		if m[6] >= 0 {
			t, ok = midnight(year(s[m[6]:m[7]]), mo, d)
		} else if !noRef {
			t, ok = nearestYear(ref, mo, d)
		}
		if ok {
			add(m[:2], t, true)
		}
	}
	for _, m := range findAll(reMonthDay, digits && g&gateMonth != 0, s) {
		name := s[m[2]:m[3]]
		mo := monthNumber(name)
		// "may 5" is rare next to the modal "may": require a capitalised
		// context we no longer have, so accept only the long English names
		// and unambiguous abbreviations.
		if mo == 0 || name == "may" || name == "mar" || name == "mai" || name == "sept" {
			continue
		}
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		var t time.Time
		var ok bool
		if m[6] >= 0 {
			t, ok = midnight(year(s[m[6]:m[7]]), mo, d)
		} else if !noRef {
			t, ok = nearestYear(ref, mo, d)
		}
		if ok {
			add(m[:2], t, true)
		}
	}
	if noRef {
		return dedupe(out)
	}
	for _, m := range findAll(reRelDay, g&gateRelDay != 0 && mayMatch(litRelDay, s), s) {
		if s[m[2]:m[3]] == "ce jour" && (strings.HasPrefix(s[m[1]:], "-la") || strings.HasPrefix(s[m[1]:], " la") || strings.HasPrefix(s[m[1]:], "-là")) {
			continue // "ce jour-là": that day, named elsewhere
		}
		var off int
		switch s[m[2]:m[3]] {
		case "apres-demain", "apres demain", "day after tomorrow":
			off = 2
		case "demain", "dmain", "tomorrow", "tomorow", "tommorow", "tommorrow", "tmrw", "2moro":
			off = 1
		case "hier", "yesterday":
			off = -1
		case "avant-hier":
			off = -2
		}
		add(m[:2], ref.AddDate(0, 0, off), false)
	}
	for _, m := range findAll(reWeekday, g&gateWeekday != 0, s) {
		wd, ok := weekdayNumber(s[m[4]:m[5]])
		if !ok {
			continue
		}
		pre, post := "", ""
		if m[2] >= 0 {
			pre = s[m[2]:m[3]]
		}
		if m[6] >= 0 {
			post = s[m[6]:m[7]]
		}
		switch {
		case pre == "depuis" || pre == "since" || pre == "last" || post == " dernier" || post == " passe":
			add(m[:2], nextWeekday(ref, wd).AddDate(0, 0, -7), false)
		case (pre == "" || pre == "on") && post == "":
			// A bare weekday is read forward, but in a past-tense sentence
			// ("parti mardi") it is last week's: mark it weak.
			add(m[:2], nextWeekday(ref, wd), false)
			out[len(out)-1].dayOnly = true
		case post == " prochain" || pre == "next":
			// "vendredi prochain", "next Friday": the coming one, but
			// not tomorrow, which would have been said "demain".
			t := nextWeekday(ref, wd)
			if t.Sub(ref) <= 24*time.Hour {
				t = t.AddDate(0, 0, 7)
			}
			add(m[:2], t, false)
		default:
			add(m[:2], nextWeekday(ref, wd), false)
		}
	}
	for _, m := range findAll(reMonthEnd, g&(gateMonth|gatePeriod) != 0 && mayMatch(litMonthEnd, s), s) {
		p := s[m[2]:m[3]]
		var t time.Time
		next := strings.Contains(p, "prochain") || strings.Contains(p, "next")
		switch {
		case strings.Contains(p, "annee") || strings.Contains(p, "year"):
			t = time.Date(ref.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
		case strings.HasPrefix(p, "fin du mois d"):
			mo := monthNumber(strings.TrimPrefix(p[strings.LastIndexAny(p, " '")+1:], "'"))
			nt, ok := nearestYear(ref, mo, 1)
			if !ok {
				continue
			}
			t = endOfMonth(nt.Year(), nt.Month())
		case strings.HasPrefix(p, "fin ") && !strings.Contains(p, "mois") || strings.HasPrefix(p, "end of ") && !strings.Contains(p, "month"):
			mo := monthNumber(p[strings.LastIndexByte(p, ' ')+1:])
			nt, ok := nearestYear(ref, mo, 1)
			if !ok {
				continue
			}
			t = endOfMonth(nt.Year(), nt.Month())
		case strings.HasPrefix(p, "mi-") || strings.HasPrefix(p, "mid"):
			mo := monthNumber(strings.TrimLeft(p[3:], "- "))
			nt, ok := nearestYear(ref, mo, 15)
			if !ok {
				continue
			}
			t = nt
		case strings.HasPrefix(p, "debut ") && !strings.Contains(p, "mois") || strings.HasPrefix(p, "early ") && !strings.Contains(p, "month"):
			mo := monthNumber(p[strings.LastIndexByte(p, ' ')+1:])
			nt, ok := nearestYear(ref, mo, 5)
			if !ok {
				continue
			}
			t = nt
		case strings.HasPrefix(p, "debut") || strings.HasPrefix(p, "early") || strings.HasPrefix(p, "beginning") || strings.HasPrefix(p, "start"):
			t = time.Date(ref.Year(), ref.Month()+1, 5, 0, 0, 0, 0, time.UTC)
		case next:
			t = endOfMonth(ref.Year(), ref.Month()+1)
		default:
			t = endOfMonth(ref.Year(), ref.Month())
		}
		add(m[:2], t, false)
		out[len(out)-1].period = true
	}
	for _, m := range findAll(reWeek, g&gateWeek != 0 && mayMatch(litWeek, s), s) {
		p := s[m[2]:m[3]]
		var t time.Time
		switch {
		case strings.Contains(p, "debut") || strings.Contains(p, "early") || strings.Contains(p, "start") || strings.Contains(p, "beginning"):
			t = mondayOf(ref).AddDate(0, 0, 7)
		case strings.Contains(p, "prochaine") || strings.Contains(p, "next"):
			t = fridayOf(mondayOf(ref)).AddDate(0, 0, 7)
		case strings.Contains(p, "week-end") || strings.Contains(p, "weekend"):
			t = fridayOf(ref).AddDate(0, 0, 1)
		default:
			t = fridayOf(ref)
		}
		add(m[:2], t, false)
		out[len(out)-1].period = true
	}
	for _, m := range findAll(reWithin, g&gateUnit != 0 && mayMatch(litWithin, s), s) {
		n := countWord(s[m[2]:m[3]])
		if n == 0 {
			continue
		}
		unit := s[m[4]:m[5]]
		var t time.Time
		switch {
		case strings.HasPrefix(unit, "j") || strings.HasPrefix(unit, "day"):
			t = ref.AddDate(0, 0, n)
		case strings.HasPrefix(unit, "sem") || strings.HasPrefix(unit, "week"):
			t = ref.AddDate(0, 0, 7*n)
		case strings.HasPrefix(unit, "mois") || strings.HasPrefix(unit, "month"):
			t = ref.AddDate(0, n, 0)
		default: // hours
			t = ref.AddDate(0, 0, (n+23)/24)
		}
		add(m[:2], t, false)
	}
	for _, m := range findAll(reHuitaine, g&gateHuitaine != 0, s) {
		days := 8
		if s[m[2]:m[3]] == "quinzaine" {
			days = 15
		}
		add(m[:2], ref.AddDate(0, 0, days), false)
	}
	for _, m := range findAll(reWeekdayNum, digits && g&gateWeekday != 0, s) {
		rest := strings.TrimLeft(s[m[1]:], " ")
		if rest != "" && (isDigit(rest[0]) || strings.ContainsRune("/%€$£:h.", rune(rest[0])) || reMonthStart.MatchString(rest)) {
			continue // "mardi 9 décembre" is read whole; "lundi 14h" is a time
		}
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		if t, ok := dayOnOrAfter(ref, d, false); ok {
			add(m[:2], t, true)
		}
	}
	for _, m := range dayOnlyMatches(s, digits && g&gateDayOnly != 0) {
		rest := strings.TrimLeft(s[m[1]:], " ")
		if reNextMonth.MatchString(rest) {
			// "le 5 du mois prochain": that day of next month.
			d, _ := strconv.Atoi(s[m[2]:m[3]])
			first := time.Date(ref.Year(), ref.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			if t, ok := dayOnOrAfter(first, d, true); ok {
				add(m[:2], t, true)
			}
			continue
		}
		if rest != "" && (isDigit(rest[0]) || strings.ContainsRune("/%€$£:h", rune(rest[0])) || (rest[0] == ',' || rest[0] == '.') && len(rest) > 1 && isDigit(rest[1]) || startsWithAny(rest, "jours", "days", "mois", "months", "semaines", "weeks", "eur", "heures", "hours", "pour", "percent", "fois", "times", "x ") || reMonthStart.MatchString(rest)) {
			continue
		}
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		// "échéance du 30" in February is its last day.
		clamp := strings.Contains(s[m[0]:m[1]], "echeance")
		if t, ok := dayOnOrAfter(ref, d, clamp); ok {
			add(m[:2], t, true)
			out[len(out)-1].dayOnly = true
		}
	}
	return dedupe(out)
}

// hasDigitSepDigit reports whether s holds a digit, "/" or ".", and a
// digit in a row: every numeric date does ("14/11", "14.11.2025").
func hasDigitSepDigit(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if (s[i] == '/' || s[i] == '.') && isDigit(s[i-1]) && isDigit(s[i+1]) {
			return true
		}
	}
	return false
}

// dateWordBefore reports whether the word before position i introduces a
// date ("le 14.11", "by 12.03").
func dateWordBefore(s string, i int) bool {
	head := strings.TrimRight(s[:i], " ")
	for _, w := range []string{" le", " du", " au", " on", " by", " the", " avant le", " d'ici le", " pour le"} {
		if strings.HasSuffix(" "+head, w) {
			return true
		}
	}
	return false
}

// dayOnlyPrefixes introduce a bare day number ("le 15", "by the 20th",
// "avec notre échéance du 30", "dans notre run de paiement du 15").
var dayOnlyPrefixes = []string{"le", "the", "avant le", "by the", "on the", "au plus tard le", "pour le", "before the", "d'ici le",
	"jusqu'au", "until the", "des le", "echeance du", "echeance le", "echeances du", "run on the", "run of the", "batch on the",
	"run du", "run de paiement du", "paiement du", "paiements du", "reglements du", "reglements fournisseurs du", "virements du",
	"virements fournisseurs du", "virement du", "celui du", "campagne du", "batch du", "tour du"}

// dayOnlyMatches finds "<prefix> <day>" with a prefix of dayOnlyPrefixes
// and a day of one or two digits (with "er", "st", "nd", "rd" or "th"), as
// submatch indices [start, end, day start, day end]; the longest prefix
// wins. A scan of the digits beats an expression of 31 alternatives.
func dayOnlyMatches(s string, pre bool) [][]int {
	if !pre {
		return nil
	}
	var out [][]int
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) || s[i-1] != ' ' {
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i > 2 {
			i = j
			continue
		}
		end := j
		for _, suf := range []string{"er", "st", "nd", "rd", "th"} {
			if strings.HasPrefix(s[j:], suf) {
				end = j + len(suf)
				break
			}
		}
		if end < len(s) && isWordByte(s[end]) {
			// Not a day: "15h", "3x", "2025" (cut above), "1er" followed by
			// a letter.
			i = j
			continue
		}
		head := s[:i-1]
		start := -1
		for _, p := range dayOnlyPrefixes {
			if strings.HasSuffix(head, p) && (len(head) == len(p) || !isWordByte(head[len(head)-len(p)-1])) {
				if st := len(head) - len(p); start < 0 || st < start {
					start = st
				}
			}
		}
		if start >= 0 {
			out = append(out, []int{start, end, i, j})
		}
		i = j
	}
	return out
}

// dayOnOrAfter is the first day numbered d on or after ref. With clamp, a
// month too short for d counts its last day instead of being skipped.
func dayOnOrAfter(ref time.Time, d int, clamp bool) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for k := 0; k < 3; k++ {
		y, m := ref.Year(), ref.Month()+time.Month(k)
		last := endOfMonth(y, m)
		day := d
		if day > last.Day() {
			if !clamp {
				continue
			}
			day = last.Day()
		}
		t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		if !t.Before(ref) {
			return t, true
		}
	}
	return time.Time{}, false
}

// Gates: which kinds of date words a sentence holds, read in one pass over
// its words. Each date expression runs only when its kind of word is there:
// most sentences (greetings, signatures with phone numbers) run none.
const (
	gateMonth uint16 = 1 << iota
	gateWeekday
	gateRelDay
	gatePeriod // mois, month, année, year
	gateWeek
	gateUnit // jours, days, semaines, weeks, mois, months, heures, hours
	gateHuitaine
	gateDayOnly // the words that introduce a bare day number: le, the, du, on…
)

var gateWords = func() map[string]uint16 {
	m := map[string]uint16{}
	add := func(g uint16, words string) {
		for _, w := range strings.Fields(words) {
			m[w] |= g
		}
	}
	add(gateMonth, strings.ReplaceAll(monthNames, "|", " "))
	add(gateWeekday, "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday")
	add(gateRelDay, "demain dmain tomorrow tomorow tommorow tommorrow tmrw 2moro aujourd aujourdhui hui jour today tonight soir matin midi afternoon morning hier yesterday")
	add(gatePeriod, "mois month annee year")
	add(gateWeek, "semaine week weekend")
	add(gateUnit, "jours jour j days day semaines semaine weeks week mois month months h heures heure hours hour")
	add(gateHuitaine, "huitaine quinzaine")
	add(gateDayOnly, "le the du on by au avant before pour ici jusqu until des echeance echeances run batch celui campagne tour paiement paiements reglements virements virement fournisseurs")
	return m
}()

func gatesOf(s string) uint16 {
	var g uint16
	eachWord(s, func(start, end int) {
		w := s[start:end]
		if isDigit(w[0]) {
			// "15h", "30j": a number with its unit.
			k := 0
			for k < len(w) && isDigit(w[k]) {
				k++
			}
			w = w[k:]
		}
		g |= gateWords[w]
	})
	return g
}

// eachWord calls fn with the span of each word of folded text s: a run of
// lower-case letters, digits and non-ASCII bytes (accents, "€").
func eachWord(s string, fn func(start, end int)) {
	start := -1
	for i := 0; i <= len(s); i++ {
		word := i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] >= 0x80)
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			fn(start, i)
			start = -1
		}
	}
}

// Prefilter literals of the date patterns (read-only).
var (
	litRelDay   = literalsOf(reRelDay.String())
	litWeekday  = literalsOf(reWeekday.String())
	litMonthEnd = literalsOf(reMonthEnd.String())
	litWeek     = literalsOf(reWeek.String())
	litWithin   = literalsOf(reWithin.String())
	litHuitaine = literalsOf(reHuitaine.String())
	litMonths   = literalsOf(`(` + monthNames + `)`)
	// Every match of reWithin names its unit.
	litWithinUnits = []string{"j", "day", "sem", "week", "mois", "month", "h"}
)

// findAll runs re only when the cheap precondition holds.
func findAll(re *wordRegexp, pre bool, s string) [][]int {
	if !pre {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s)
}

var reMonthStart = regexp.MustCompile(`^(?:of )?(?:` + monthNames + `)\b`)

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func startsWithAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// dedupe drops mentions contained in a longer one ("vendredi" inside
// "vendredi 12 décembre" keeps only the explicit date) and sorts by position.
func dedupe(ms []dateMention) []dateMention {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end > ms[j].end
	})
	out := ms[:0]
	for _, m := range ms {
		drop := false
		for k := range out {
			o := &out[k]
			if m.start >= o.start && m.end <= o.end {
				drop = true
				break
			}
			// A weekday right before an explicit date names the same day.
			if !o.explicit && m.explicit && m.start-o.end <= 2 && m.start >= o.end {
				*o = m
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}
