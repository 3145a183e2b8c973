package classify

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var dateWordRegexps = []*wordRegexp{reISO, reNumeric, reDayMonth, reMonthDay, reRelDay, reWeekday, reMonthEnd,
	reWeek, reWithin, reHuitaine, reWeekdayNum, reOrdinalDay, reDashDate, reFirstOf, reFromNow, reDashMonth, reDayWord, reDayEnd}

var wordRegexpSamples = []string{
	"", "le 12/03/2025 et le 2025-03-12", "€5 15/3 a15/3 _15/3 x 1.2.2026", "paiement fin du mois de mars, d'ici la fin de mois",
	"next tuesday or tuesday the 14th, end of next week", "sous huitaine, dans 2 jours ouvres, within 30 days",
	"demain matin, apres-demain, tmrw", "mardi 9 decembre, lundi 14h", "5th of may 2026, may 5, 2026",
	"aujourd'hui ou hier", "in in in 3 weeks", "tuesdaytuesday 12 12", "é12/3 ü demain", "\xff12/3\xfe",
	"on 7th, by 15th of this month, until day 10, 14-11-25 06-12-34-56-78 3-4 jours", "dans septante-cinq jours, sous quatre-vingt-dix jours, within forty-five business days",
	"lundi en huit, every other thursday, le mercredi de la semaine prochaine, wednesday next week, pay fri or tues, le premier du mois prochain, the first of the month",
	"15-dec-2025 15/dec/25 1-janv. 2025/12/15, le quinze, le vingt et un decembre, the twenty-first of december, on the fifteenth",
	"by end of day, eod, cob, close of business, dans la journee, a week today, demain en huit, two weeks from now, dix jours a compter d'aujourd'hui, in a fortnight",
}

func checkWordRegexp(t *testing.T, w *wordRegexp, s string) {
	t.Helper()
	got := w.FindAllStringSubmatchIndex(s)
	want := w.re.FindAllStringSubmatchIndex(s, -1)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s on %q:\n got %v\nwant %v", w, s, got, want)
	}
}

// TestWordRegexpAgrees holds the fast matcher to the regexp package on
// tricky strings and on every folded sentence of the reply corpus.
func TestWordRegexpAgrees(t *testing.T) {
	texts := append([]string(nil), wordRegexpSamples...)
	files, _ := filepath.Glob(filepath.Join("testdata", "replies", "*", "*.eml"))
	every, want := 1, 3000
	if raceDetector {
		every, want = 10, 300
	}
	for i, f := range files {
		if i%every != 0 {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, headOf(fold(string(raw)), 1500))
	}
	if len(texts) < want {
		t.Fatalf("only %d texts: is the corpus there?", len(texts))
	}
	for _, w := range dateWordRegexps {
		for _, s := range texts {
			checkWordRegexp(t, w, s)
		}
	}
}

func TestWordRegexpRefusesWhatItCannotSpeedUp(t *testing.T) {
	for _, expr := range []string{`a\b`, `\ba|b`, `\b(?:x)?y$`, `\b(?:\d*)`, `\b(?:é|e)`, `\b(?i:mai)`} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("mustWordRegexp(%q) did not refuse", expr)
				}
			}()
			mustWordRegexp(expr)
		}()
	}
}

func FuzzWordRegexp(f *testing.F) {
	for _, s := range wordRegexpSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range dateWordRegexps {
			checkWordRegexp(t, w, s)
		}
	})
}
