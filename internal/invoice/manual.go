package invoice

import (
	"regexp"

	"github.com/relance/relance/internal/policy"
)

var (
	reFormalWords = regexp.MustCompile(`(?i)mise\s+en\s+demeure|formal\s+notice|final\s+notice|dernier\s+avis|letter\s+before\s+action|avant\s+(?:poursuites|proc[ée]dure|contentieux)`)
	reSecondWords = regexp.MustCompile(`(?i)(?:deuxi[èe]me|2\s*[èe]?me|2e|seconde?|nouvelle|troisi[èe]me|3\s*[èe]?me|3e)\s+relance|(?:second|2nd|third|3rd|further)\s+(?:reminder|notice)|toujours\s+pas\s+(?:re[çc]u|r[ée]gl[ée]|de\s+(?:nouvelles|r[ée]ponse))|still\s+(?:not\s+(?:received|been\s+paid)|(?:unpaid|outstanding|awaiting))|malgr[ée]\s+(?:notre|nos)\s+(?:pr[ée]c[ée]dente?s?\s+)?(?:relance|rappel|courriel|message)|despite\s+our\s+(?:previous|earlier)|rest(?:ons|e)\s+sans\s+(?:nouvelles|r[ée]ponse)`)
)

// ReminderLevel reads how far along a reminder the owner wrote by hand goes:
// a formal notice ("mise en demeure"), a second reminder ("deuxième
// relance", "toujours pas reçu", "despite our previous reminder"), else a
// first reminder.
func ReminderLevel(subject, body string) policy.ReminderLevel {
	text := subject + "\n" + body
	if len(text) > maxPDFTextBytes {
		text = text[:maxPDFTextBytes]
	}
	switch {
	case reFormalWords.MatchString(text):
		return policy.LevelFormal
	case reSecondWords.MatchString(text):
		return policy.LevelSecond
	}
	return policy.LevelFirst
}
