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
	// vague marks a span no rule narrows to one day ("la semaine
	// prochaine", "early next month", "mi-juillet") or a habit ("every
	// Thursday"): it tells the tense of a sentence, never a commitment's
	// day (a vague promise keeps no date rather than a wrong one).
	vague bool
	// delay marks a count of days from the mail ("sous 8 jours", "within
	// 3 working days"): a promise's term, never the day someone is back.
	delay bool
	// modelT is the day the reply model's date features read (zero:
	// none). The shipped weights were trained on the forms read before
	// "on 7th", "14-11-25", "septante jours", "EOM" and the like, and on
	// the next such day of a month rather than a short month's last: the
	// features keep seeing what they were trained on, so that reading
	// more dates changes no class.
	modelT time.Time
	phrase string
}

// unseen marks the last mention of out as one the model's features do not
// read.
func unseen(out []dateMention) { out[len(out)-1].modelT = time.Time{} }

const monthNames = `janvier|janv|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|octobre|oct|novembre|nov|decembre|dec|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sep|october|november|december`

// numberWords are the counts of a delay ("sous 8 jours", "dans septante
// jours", "within forty-five days"): digits, or French (Belgian and Swiss
// tens included) and English words, tens with their units.
const numberWords = `\d{1,3}|(?:` + tensWords + `)(?:-(?:` + unitWords + `)|-et-une?| et une?)?|` + unitWords + `|` + teenWords + `|a|an|a couple of|quelques|a few|several|plusieurs`

const (
	tensWords = `quatre-vingt-dix|quatre-vingts|quatre-vingt|soixante-dix|vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety`
	unitWords = `une|un|deux|trois|quatre|cinq|six|sept|huit|neuf|one|two|three|four|five|six|seven|eight|nine`
	teenWords = `dix|onze|douze|treize|quatorze|quinze|seize|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen`
)

var (
	reISO     = mustWordRegexp(`\b(\d{4})([-/])(\d{1,2})[-/](\d{1,2})\b`)
	reNumeric = mustWordRegexp(`\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?\b`)
	// "14-11-25", "14-11-2025": with a dash, only with its year ("3-4
	// jours" is a count).
	reDashDate = mustWordRegexp(`\b(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})\b`)
	reDayMonth = mustWordRegexp(`\b(\d{1,2})(?:er|st|nd|rd|th)? (?:of )?(` + monthNames + `)\b\.?(?: (\d{4}))?`)
	reMonthDay = mustWordRegexp(`\b(` + monthNames + `)\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4}))?`)
	reRelDay   = mustWordRegexp(`\b(apres-demain|apres demain|day after tomorrow|demain|dmain|tomorrow|tomorow|tommorow|tommorrow|tmrw|2moro|aujourd'hui|aujourd hui|aujourdhui|ce jour|today|tonight|ce soir|cet apres-midi|this afternoon|this morning|ce matin|hier|yesterday|avant-hier)\b`)
	reWeekday  = mustWordRegexp(`\b(?:(next|this|coming|on|by|ce|d'ici|avant|des|depuis|since|last|every|each|every other|every second|chaque|tous les|le) )?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|tue|weds|wed|thurs|thur|thu|fri)( prochain| qui vient| dernier| passe| en huit| en quinze| (?:de )?la semaine prochaine| next week| of next week| week)?\b`)
	reMonthEnd = mustWordRegexp(`\b(?:(?:la |a la |en |d'ici (?:la )?|avant la |by the |at the |by |at )?(fin du mois (?:de |d')(?:` + monthNames + `)|fin (?:du |de |de ce )?mois(?: prochain)?|end of (?:the |this )?month|end of next month|month[- ]end|fin (?:` + monthNames + `)|end of (?:` + monthNames + `)|debut (?:du |de )?mois(?: prochain)?|early next month|beginning of next month|start of next month|debut (?:` + monthNames + `)|early (?:` + monthNames + `)|mi-(?:` + monthNames + `)|mid-(?:` + monthNames + `)|mid (?:` + monthNames + `)|fin (?:de l'|d')annee|end of (?:the )?year|eom))`)
	reWeek     = mustWordRegexp(`\b(fin de (?:la )?semaine prochaine|end of next week|debut de (?:la )?semaine prochaine|early next week|start of next week|beginning of next week|(?:la |dans la |courant de la |courant )?semaine prochaine|next week|fin de (?:la |cette )?semaine|end of (?:the |this )?week|cette semaine|this week|ce week-end|ce weekend|this weekend|over the weekend)\b`)
	reWithin   = mustWordRegexp(`\b(?:sous|endeans|d'ici|dans|within|in|within the next|in the next|sous les|d'ici a|au plus tard dans|under) (?:les )?(` + numberWords + `) ?(business |working )?(jours?|j|days?|semaines?|weeks?|fortnights?|mois|months?|h|heures?|hours?)( ouvres| ouvrables| business| working)?\b`)
	// "two weeks from now", "10 jours à compter d'aujourd'hui": a count
	// from the mail's day, said after the count.
	reFromNow = mustWordRegexp(`\b(` + numberWords + `) ?(business |working )?(jours?|days?|semaines?|weeks?|fortnights?|mois|months?) (?:from now|from today|a compter d'aujourd'hui|a compter de ce jour|a partir d'aujourd'hui)\b`)
	// A day with a month name set off by dashes or slashes: "15-Dec-2025",
	// "15/dec/25", "15-déc.".
	reDashMonth = mustWordRegexp(`\b(\d{1,2})[-/](` + monthNames + `)\b\.?(?:[-/](\d{4}|\d{2})\b)?`)
	// A day in words: "le quinze", "le vingt-deux décembre", "the
	// fifteenth of December", "on the twenty-first".
	reDayWord = mustWordRegexp(`\b(?:le|the|on the|by the|before the|until the|au plus tard le|pour le|d'ici le) (` + dayWordAlternation + `)\b(?:(?: of)? (` + monthNames + `)\b\.?)?`)
	// Days that end with the working day: "by end of day", "EOD", "by
	// close of business", "dans la journée", "en fin de journée"; "a
	// week today" and "demain en huit" count from the mail's day.
	reDayEnd   = mustWordRegexp(`\b(end of (?:the )?day|end of business|close of business|eod|cob|fin de (?:la )?journee|dans la journee|a week today|a week from today|this day next week|aujourd'hui en huit|demain en huit)\b`)
	reHuitaine = mustWordRegexp(`\b(?:sous |dans la |d'ici )?(huitaine|quinzaine)\b`)
	// "jeudi 11": the day number is the commitment, the weekday its check.
	reWeekdayNum = mustWordRegexp(`\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday),? (?:the )?(\d{1,2})(?:er|st|nd|rd|th)?\b`)
	// A day number or a month after "le mardi" makes it one day
	// ("le mardi 9", "le mardi 9 décembre"), not a habit.
	reWeekdayDay = regexp.MustCompile(`^,? (?:\d|the \d|(?:` + monthNames + `)\b)`)
	// "on 7th", "by 15th of this month", "until day 10": a day number
	// without "the", told by its ordinal suffix or the word "day".
	reOrdinalDay = mustWordRegexp(`\b(?:on|by|before|until|till|after) (?:(\d{1,2})(?:st|nd|rd|th)|day (\d{1,2})(?:st|nd|rd|th)?)\b`)
	// "le premier du mois prochain", "the first of the month".
	reFirstOf   = mustWordRegexp(`\b(?:le premier|the first) (du mois prochain|de mois prochain|du prochain mois|of next month|du mois|of the month)\b`)
	reThisMonth = regexp.MustCompile(`^(?:of this month|of the month|de ce mois|du mois en cours|du mois courant)\b`)
	reNextMonth = regexp.MustCompile(`^(?:du mois prochain|de mois prochain|du prochain mois|of next month|next month)\b`)
)

// Return dates in out-of-office text: a cue, then (within a few words) the
// date findDates reads. A return cue names the first day back ("de retour
// le", "réouverture le", "back in the studio on", "will resume work on"); an
// until cue the last day away ("jusqu'au", "until", "du 10 au 14").
var (
	reReturnCue = regexp.MustCompile(`\b(de retour|retour|a partir du|a partir de|des le|reviendrai|reviens|rentre|rentrerai|reouverture|reouvrira|reouvre|rouvre|rouvrira|rouvrons|reprise|reprendrai|reprendrons|back|return|returns|returning|reopen|reopens|reopening|resume|resumes|resuming|available again|again from|jusqu'au|jusqu'a|until|till|through|thru|au)\b`)
	reUntilCue  = regexp.MustCompile(`^(jusqu'au|jusqu'a|until|till|through|thru|au)$`)
)

// monthNumber reads a folded month name as every package reads one.
func monthNumber(s string) time.Month { return text.ParseMonth(s) }

// dayInWords are the days of a month in words, as people write them after
// "le" or "the": French cardinals (1 is "premier"), English ordinals.
var dayInWords = func() map[string]int {
	m := map[string]int{"premier": 1}
	fr := strings.Fields("un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf")
	for n := 2; n <= 19; n++ {
		m[fr[n-1]] = n
	}
	en := strings.Fields("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth")
	for n := 1; n <= 19; n++ {
		m[en[n-1]] = n
	}
	for _, tens := range []struct {
		n             int
		fr, en, enOrd string
	}{{20, "vingt", "twenty", "twentieth"}, {30, "trente", "thirty", "thirtieth"}} {
		m[tens.fr], m[tens.enOrd] = tens.n, tens.n
		last := 9
		if tens.n == 30 {
			last = 1
		}
		for u := 1; u <= last; u++ {
			if u == 1 {
				m[tens.fr+" et un"], m[tens.fr+"-et-un"] = tens.n+1, tens.n+1
			} else {
				m[tens.fr+"-"+fr[u-1]] = tens.n + u
			}
			m[tens.en+"-"+en[u-1]], m[tens.en+" "+en[u-1]] = tens.n+u, tens.n+u
		}
	}
	return m
}()

// dayWordList lists dayInWords, longest first: the alternation of
// reDayWord tries "vingt-deux" before "vingt".
var dayWordList = func() []string {
	var out []string
	for w := range dayInWords {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}()

var dayWordAlternation = strings.Join(dayWordList, "|")

// weekdayAbbreviations are the short English names that can only be days
// ("will pay Fri"); "mon", "sat" and "sun" are other words too.
var weekdayAbbreviations = wordSet("tue tues wed weds thu thur thurs fri")

func weekdayNumber(s string) (time.Weekday, bool) {
	switch s {
	case "tue", "tues":
		return time.Tuesday, true
	case "wed", "weds":
		return time.Wednesday, true
	case "thu", "thur", "thurs":
		return time.Thursday, true
	case "fri":
		return time.Friday, true
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

// modelCounts are the count words the model's date features read (see
// dateMention.modelT).
var modelCounts = wordSet("un une deux trois quatre cinq six sept huit dix quinze vingt trente one two three four five seven eight ten fifteen twenty thirty a an quelques")

// vagueCount reports whether a count names no number ("quelques jours",
// "a few days"): the delay it opens has no one last day.
func vagueCount(s string) bool {
	switch s {
	case "quelques", "a few", "a couple of", "several", "plusieurs":
		return true
	}
	return false
}

// countWord reads a count of numberWords: "8", "huit", "septante-cinq",
// "quatre-vingt-dix", "forty-five", "vingt et un".
func countWord(s string) int {
	if n, ok := compoundCount(s); ok {
		return n
	}
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
	case "neuf", "nine":
		return 9
	case "dix", "ten":
		return 10
	case "onze", "eleven":
		return 11
	case "douze", "twelve":
		return 12
	case "treize", "thirteen":
		return 13
	case "quatorze", "fourteen":
		return 14
	case "quinze", "fifteen":
		return 15
	case "seize", "sixteen":
		return 16
	case "seventeen":
		return 17
	case "eighteen":
		return 18
	case "nineteen":
		return 19
	case "vingt", "twenty":
		return 20
	case "trente", "thirty":
		return 30
	case "quarante", "forty":
		return 40
	case "cinquante", "fifty":
		return 50
	case "soixante", "sixty":
		return 60
	case "septante", "soixante-dix", "seventy":
		return 70
	case "huitante", "octante", "quatre-vingt", "quatre-vingts", "eighty":
		return 80
	case "nonante", "quatre-vingt-dix", "ninety":
		return 90
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 366 {
		return 0
	}
	return n
}

// compoundCount reads tens with their units ("septante-cinq", "vingt et
// un", "forty-five"); ok is false for a single word.
func compoundCount(s string) (int, bool) {
	for _, sep := range []string{"-et-", " et ", "-"} {
		i := strings.LastIndex(s, sep)
		if i <= 0 {
			continue
		}
		tens, unit := s[:i], s[i+len(sep):]
		t, u := countWord(tens), countWord(unit)
		if t < 20 || t%10 != 0 || u < 1 || u > 9 || strings.Contains(tens, " ") {
			continue
		}
		return t + u, true
	}
	return 0, false
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

// dayMonthYear is the day d of month m, in year y, or when y is 0 in the
// year nearest ref (none when ref is zero too).
func dayMonthYear(ref time.Time, y int, m time.Month, d int) (time.Time, bool) {
	switch {
	case y != 0:
		return midnight(y, m, d)
	case !ref.IsZero():
		return nearestYear(ref, m, d)
	}
	return time.Time{}, false
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

// countAhead is the day n units after ref: days (weekdays only when
// working, as in "sous 5 jours ouvrés": a holiday is the policy's to know),
// weeks, fortnights, months, or hours rounded up to days.
func countAhead(ref time.Time, n int, unit string, working bool) time.Time {
	switch {
	case (strings.HasPrefix(unit, "j") || strings.HasPrefix(unit, "day")) && working:
		return addWorkingDays(ref, n)
	case strings.HasPrefix(unit, "j") || strings.HasPrefix(unit, "day"):
		return ref.AddDate(0, 0, n)
	case strings.HasPrefix(unit, "sem") || strings.HasPrefix(unit, "week"):
		return ref.AddDate(0, 0, 7*n)
	case strings.HasPrefix(unit, "fortnight"):
		return ref.AddDate(0, 0, 14*n)
	case strings.HasPrefix(unit, "mois") || strings.HasPrefix(unit, "month"):
		return ref.AddDate(0, n, 0)
	}
	return ref.AddDate(0, 0, (n+23)/24) // hours
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

// addWorkingDays is the n-th weekday after ref.
func addWorkingDays(ref time.Time, n int) time.Time {
	t := ref
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
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
// that carry their year. Numeric dates are read day first.
func findDates(s string, ref time.Time) []dateMention { return findDatesIn(s, ref, dayFirst) }

// findDatesIn is findDates with the order the mail writes its numeric dates
// in (mailDateOrder).
func findDatesIn(s string, ref time.Time, order dateOrder) []dateMention {
	var out []dateMention
	digits := strings.ContainsAny(s, "0123456789")
	g := gatesOf(s)
	add := func(loc []int, t time.Time, explicit bool) {
		out = append(out, dateMention{start: loc[0], end: loc[1], t: t, modelT: t, explicit: explicit, phrase: s[loc[0]:loc[1]]})
	}
	noRef := ref.IsZero()

	for _, m := range findAll(reISO, digits && (strings.Contains(s, "-") || strings.Contains(s, "/")), s) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[6]:m[7]])
		d, _ := strconv.Atoi(s[m[8]:m[9]])
		if t, ok := midnight(y, time.Month(mo), d); ok {
			add(m[:2], t, true)
			if s[m[4]] == '/' { // "2025/12/15"
				unseen(out)
			}
		}
	}
	numeric := findAll(reNumeric, digits && hasDigitSepDigit(s), s)
	dashed := len(numeric)
	numeric = append(numeric, findAll(reDashDate, digits && hasDigitDashDigit(s), s)...)
	for k, m := range numeric {
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
		// Which number is the month: told by a number above 12, else by
		// the mail's order, which only a slash date follows (a dotted or
		// dashed date is European).
		ambiguous := a <= 12 && b <= 12 && a != b
		flip := b > 12 && a <= 12 || ambiguous && order == monthFirst && s[m[3]] == '/'
		if flip {
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
		t, ok := dayMonthYear(ref, y, time.Month(mo), d)
		if ok {
			add(m[:2], t, true)
			switch last := &out[len(out)-1]; {
			case k >= dashed:
				unseen(out)
			case ambiguous && flip:
				// The model's features read every date day first.
				last.modelT, _ = dayMonthYear(ref, y, time.Month(b), a)
			case ambiguous && order == orderUnknown && s[m[3]] == '/':
				// "05/11" in a mail whose order nothing tells: it tells
				// the tense, never a commitment's day.
				last.vague = true
			}
		}
	}
	for _, m := range findAll(reDayMonth, digits && g&gateMonth != 0, s) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo := monthNumber(s[m[4]:m[5]])
		if mo == 0 {
			continue
		}
		y := 0
		if m[6] >= 0 {
			y = year(s[m[6]:m[7]])
		}
		t, ok := dayMonthYear(ref, y, mo, d)
		if ok {
			add(m[:2], t, true)
		}
	}
	for _, m := range findAll(reMonthDay, digits && g&gateMonth != 0, s) {
		name := s[m[2]:m[3]]
		mo := monthNumber(name)
		// "may 5" is rare next to the modal "may": require a capitalised
		// context we no longer have, so accept only the long English names
		// and unambiguous abbreviations ("mar 9" is also "mardi 9").
		if mo == 0 || name == "may" || name == "mar" || name == "mai" {
			continue
		}
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		y := 0
		if m[6] >= 0 {
			y = year(s[m[6]:m[7]])
		}
		t, ok := dayMonthYear(ref, y, mo, d)
		if ok {
			add(m[:2], t, true)
			if name == "sept" {
				unseen(out)
			}
		}
	}
	for _, m := range findAll(reDashMonth, digits && g&gateMonth != 0 && (strings.Contains(s, "-") || strings.Contains(s, "/")), s) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		y := 0
		if m[6] >= 0 {
			y = year(s[m[6]:m[7]])
		}
		if t, ok := dayMonthYear(ref, y, monthNumber(s[m[4]:m[5]]), d); ok {
			add(m[:2], t, true)
			unseen(out)
		}
	}
	if noRef {
		return dedupe(out)
	}
	for _, m := range findAll(reDayWord, g&gateDayWord != 0, s) {
		w := s[m[2]:m[3]]
		d := dayInWords[w]
		if m[4] >= 0 {
			// "le quinze décembre", "the first of December".
			if t, ok := nearestYear(ref, monthNumber(s[m[4]:m[5]]), d); ok {
				add(m[:2], t, true)
				unseen(out)
			}
			continue
		}
		// Alone, a day in words ends its clause ("je vous règle le
		// quinze."): "le premier virement", "the second reminder" and "le
		// sept" (September) are not days.
		rest := s[m[1]:]
		if d == 1 || w == "sept" || rest != "" && !strings.ContainsRune(".,;:!?)", rune(rest[0])) {
			continue
		}
		if t, ok := dayOnOrAfter(ref, d, true); ok {
			add(m[:2], t, true)
			out[len(out)-1].dayOnly = true
			unseen(out)
		}
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
		case pre == "every" || pre == "each" || pre == "every other" || pre == "every second" || pre == "chaque" || pre == "tous les" ||
			pre == "le" && post == "" && !reWeekdayDay.MatchString(s[m[1]:]):
			// A habit ("every other Thursday", "le mercredi"), not a day.
			add(m[:2], nextWeekday(ref, wd), false)
			out[len(out)-1].vague = true
		case post == " en huit" || post == " en quinze" || post == " week":
			// "lundi en huit", "Tuesday week": a week after the coming
			// Monday or Tuesday.
			weeks := 1
			if post == " en quinze" {
				weeks = 2
			}
			add(m[:2], nextWeekday(ref, wd).AddDate(0, 0, 7*weeks), false)
		case strings.HasSuffix(post, "week"):
			// "mercredi de la semaine prochaine", "Wednesday next week":
			// that day of the week after the mail's.
			add(m[:2], mondayOf(ref).AddDate(0, 0, 7+(int(wd)+6)%7), false)
		case pre == "depuis" || pre == "since" || pre == "last" || post == " dernier" || post == " passe":
			add(m[:2], nextWeekday(ref, wd).AddDate(0, 0, -7), false)
		case (pre == "" || pre == "on") && post == "":
			// A bare weekday is read forward, but in a past-tense sentence
			// ("parti mardi") it is last week's: mark it weak.
			add(m[:2], nextWeekday(ref, wd), false)
			out[len(out)-1].dayOnly = true
		default:
			// "vendredi prochain", "next Friday", "ce vendredi": the
			// first one after the mail's day, tomorrow included.
			add(m[:2], nextWeekday(ref, wd), false)
		}
		if weekdayAbbreviations[s[m[4]:m[5]]] {
			unseen(out) // read for the commitment only (dateMention.modelT)
		}
	}
	for _, m := range findAll(reMonthEnd, g&(gateMonth|gatePeriod) != 0 && mayMatch(litMonthEnd, s), s) {
		p := s[m[2]:m[3]]
		var t time.Time
		next := strings.Contains(p, "prochain") || strings.Contains(p, "next")
		// The end of a month is its last day; its beginning or its
		// middle is a span of days.
		vague := !strings.HasPrefix(p, "fin") && !strings.HasPrefix(p, "end") && !strings.HasPrefix(p, "month") && p != "eom"
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
		out[len(out)-1].vague = vague
		if p == "eom" {
			unseen(out)
		}
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
		// A week has no last day people agree on (Friday, Saturday,
		// Sunday) and no first one either.
		add(m[:2], t, false)
		out[len(out)-1].period = true
		out[len(out)-1].vague = true
	}
	for _, m := range findAll(reWithin, g&gateUnit != 0 && mayMatch(litWithin, s), s) {
		n := countWord(s[m[2]:m[3]])
		if n == 0 {
			continue
		}
		unit := s[m[6]:m[7]]
		add(m[:2], countAhead(ref, n, unit, m[4] >= 0 || m[8] >= 0), false)
		out[len(out)-1].vague = vagueCount(s[m[2]:m[3]])
		out[len(out)-1].delay = true
		if w := s[m[2]:m[3]]; m[4] >= 0 || !modelCounts[w] && !isDigit(w[0]) && w != "a few" && w != "a couple of" || strings.HasPrefix(unit, "fortnight") {
			unseen(out)
		}
	}
	for _, m := range findAll(reFromNow, g&gateUnit != 0 && (strings.Contains(s, " from ") || strings.Contains(s, "compter") || strings.Contains(s, "partir")), s) {
		n := countWord(s[m[2]:m[3]])
		if n == 0 {
			continue
		}
		add(m[:2], countAhead(ref, n, s[m[6]:m[7]], m[4] >= 0), false)
		out[len(out)-1].vague = vagueCount(s[m[2]:m[3]])
		out[len(out)-1].delay = true
		unseen(out)
	}
	var dayEnds [][]int
	for _, m := range findAll(reDayEnd, g&gateDayEnd != 0, s) {
		off := 0
		switch p := s[m[2]:m[3]]; {
		case strings.HasPrefix(p, "demain"):
			off = 8
		case strings.Contains(p, "week") || strings.Contains(p, "huit"):
			off = 7
		default:
			// The end of the working day is the mail's day's only when
			// the sentence names no other ("on Friday by end of day",
			// "jeudi, n'importe quand dans la journée").
			dayEnds = append(dayEnds, m)
			continue
		}
		add(m[:2], ref.AddDate(0, 0, off), false)
		unseen(out)
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
		if rest != "" && (isDigit(rest[0]) || strings.ContainsRune("/%€$£:h", rune(rest[0])) || rest[0] == '.' && len(rest) > 1 && isDigit(rest[1]) ||
			reMonthStart.MatchString(rest)) {
			continue // "mardi 9 décembre" is read whole; "lundi 14h" is a time, "lundi 9.12" a date
		}
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		if t, ok := dayOnOrAfter(ref, d, false); ok {
			add(m[:2], t, true)
			if rest != "" && rest[0] == '.' {
				unseen(out) // "le lundi 15." was read as "le lundi" alone
			}
		}
	}
	days := dayOnlyMatches(s, digits && g&gateDayOnly != 0)
	scanned := len(days)
	for _, m := range findAll(reOrdinalDay, digits && g&gateDayOnly != 0 && hasOrdinalOrDay(s), s) {
		if m[2] < 0 { // "until day 10"
			m[2], m[3] = m[4], m[5]
		}
		days = append(days, m[:4])
	}
	for _, m := range findAll(reFirstOf, strings.Contains(s, "premier") || strings.Contains(s, "first"), s) {
		first := time.Date(ref.Year(), ref.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		if ref.Day() == 1 && !strings.Contains(s[m[2]:m[3]], "prochain") && !strings.Contains(s[m[2]:m[3]], "next") {
			first = ref
		}
		add(m[:2], first, true)
		unseen(out)
	}
	for k, m := range days {
		rest := strings.TrimLeft(s[m[1]:], " ")
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		// What the model's features read (dateMention.modelT): the next
		// such day, a short month skipped unless after "échéance".
		modelT, seen := time.Time{}, false
		if k < scanned && len(m) == 4 && !modelUnseenPrefix[s[m[0]:m[2]-1]] {
			modelT, seen = dayOnOrAfter(ref, d, strings.Contains(s[m[0]:m[1]], "echeance"))
		}
		if reNextMonth.MatchString(rest) {
			// "le 5 du mois prochain": that day of next month.
			first := time.Date(ref.Year(), ref.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			if t, ok := dayOnOrAfter(first, d, true); ok {
				add(m[:2], t, true)
				if k >= scanned {
					unseen(out)
				}
			}
			continue
		}
		var t time.Time
		ok := false
		switch {
		case reThisMonth.MatchString(rest):
			// "by 15th of this month": this month's, even if gone.
			t, ok = dayOnOrAfter(time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, time.UTC), d, true)
		case rest != "" && (isDigit(rest[0]) || strings.ContainsRune("/%€$£:h", rune(rest[0])) || (rest[0] == ',' || rest[0] == '.') && len(rest) > 1 && isDigit(rest[1]) || startsWithAny(rest, "jours", "days", "mois", "months", "semaines", "weeks", "eur", "heures", "hours", "pour", "percent", "fois", "times", "x ") || reMonthStart.MatchString(rest)):
			continue
		default:
			// The next such day on or after the mail's; a day the month
			// lacks is its last ("le virement partira le 30" in
			// February, "avec notre échéance du 31" in November).
			t, ok = dayOnOrAfter(ref, d, true)
		}
		if ok {
			add(m[:2], t, true)
			out[len(out)-1].dayOnly = true
			out[len(out)-1].modelT = modelT
			if !seen {
				unseen(out)
			}
		}
	}
	if len(out) == 0 {
		for _, m := range dayEnds {
			add(m[:2], ref, false)
			unseen(out)
		}
	}
	return alternatives(s, dedupe(out))
}

// approxWords put a day only roughly ("vers le 20", "around the 15th").
var approxWords = []string{"vers", "aux alentours du", "aux alentours de", "autour du", "around", "about", "approximately",
	"roughly", "circa", "environ"}

// alternatives marks vague the days offered as a choice ("lundi ou
// mardi", "today or tomorrow", "le 13 ou le 14") and the days put only
// roughly ("vers le 20"): no one of them is the commitment.
func alternatives(s string, ms []dateMention) []dateMention {
	for k := range ms {
		before := strings.TrimRight(s[:ms[k].start], " ")
		for _, w := range approxWords {
			if strings.HasSuffix(before, w) && (len(before) == len(w) || !isWordByte(before[len(before)-len(w)-1])) {
				ms[k].vague = true
			}
		}
	}
	for k := 1; k < len(ms); k++ {
		a, b := &ms[k-1], &ms[k]
		if b.start < a.end {
			continue
		}
		switch s[a.end:b.start] {
		case " ou ", " or ", " ou bien ", " ou alors ", " voire ", " or maybe ", " ou peut-etre ":
			a.vague, b.vague = true, true
		}
	}
	return ms
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

// hasDigitDashDigit reports whether s holds a digit, "-" and a digit in a
// row, as "14-11-25" does.
func hasDigitDashDigit(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '-' && isDigit(s[i-1]) && isDigit(s[i+1]) {
			return true
		}
	}
	return false
}

// hasOrdinalOrDay reports whether s holds a number with an English ordinal
// suffix ("7th") or the word "day" before a number: reOrdinalDay needs one.
func hasOrdinalOrDay(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if isDigit(s[i-1]) && !isDigit(s[i]) {
			switch s[i : i+2] {
			case "st", "nd", "rd", "th":
				return true
			}
		}
	}
	return strings.Contains(s, "day ")
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
	"virements fournisseurs du", "virement du", "celui du", "campagne du", "batch du", "tour du", "echeance au", "echeances au",
	"groupe du", "groupes du", "prelevement du", "prelevements du", "paiement au", "virement au"}

// modelUnseenPrefix are the prefixes of dayOnlyPrefixes the model's date
// features do not read (see dateMention.modelT).
var modelUnseenPrefix = map[string]bool{"echeance au": true, "echeances au": true, "groupe du": true, "groupes du": true,
	"prelevement du": true, "prelevements du": true, "paiement au": true, "virement au": true}

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
		} else if st, ok := batchOf(head); ok {
			// The fifth index marks a match the model's features do not
			// read (dateMention.modelT).
			out = append(out, []int{st, end, i, j, 1})
		}
		i = j
	}
	return out
}

// batchNouns name a round of payments ("notre échéance fournisseurs du
// 30", "le lot du 25", "le virement groupé du 15"): the day after them is
// the day the round goes out.
var batchNouns = wordSet("lot lots run runs batch batches virement virements paiement paiements reglement reglements echeance echeances campagne tour prelevement prelevements remise versement versements cycle")

// batchOf reports whether head, the text before a day number, ends with
// "du" after a batch noun and at most two words that qualify it
// ("échéance fournisseurs du", "virement groupé mensuel du"), and where the
// noun starts.
func batchOf(head string) (int, bool) {
	rest, ok := strings.CutSuffix(head, " du")
	if !ok {
		return 0, false
	}
	for k := 0; k < 3; k++ {
		sp := strings.LastIndexByte(rest, ' ')
		w := rest[sp+1:]
		if batchNouns[w] {
			return sp + 1, true
		}
		if sp < 0 || w == "" || !isWordByte(w[0]) {
			return 0, false
		}
		rest = rest[:sp]
	}
	return 0, false
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
	gateDayEnd  // end of day, eod, cob, close of business, journée, a week today…
	gateDayWord // a day in words: quinze, fifteenth…
)

var gateWords = func() map[string]uint16 {
	m := map[string]uint16{}
	add := func(g uint16, words string) {
		for _, w := range strings.Fields(words) {
			m[w] |= g
		}
	}
	add(gateMonth, strings.ReplaceAll(monthNames, "|", " "))
	add(gateWeekday, "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday tue tues wed weds thu thur thurs fri")
	add(gateRelDay, "demain dmain tomorrow tomorow tommorow tommorrow tmrw 2moro aujourd aujourdhui hui jour today tonight soir matin midi afternoon morning hier yesterday")
	add(gatePeriod, "mois month annee year eom")
	add(gateWeek, "semaine week weekend")
	add(gateUnit, "jours jour j days day semaines semaine weeks week fortnight fortnights mois month months h heures heure hours hour")
	add(gateHuitaine, "huitaine quinzaine")
	add(gateDayEnd, "day business eod cob journee today huit")
	for _, w := range dayWordList {
		// "vingt et un": "et" and "un" open no day alone.
		add(gateDayWord, strings.NewReplacer("-", " ", " et ", " ", " un", "").Replace(w))
	}
	add(gateDayOnly, "le the du on by au avant before pour ici jusqu until till after day des echeance echeances run batch celui campagne tour paiement paiements reglements virements virement fournisseurs")
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
				if m.modelT.IsZero() {
					m.modelT = o.modelT
				}
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
