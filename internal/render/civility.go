package render

import "strings"

// Civility is how a person is addressed ("Madame", "Monsieur"). It is known
// only when someone wrote it (the invoice's buyer block, the owner); it is
// never guessed from a first name.
type Civility string

// Known civilities; the empty Civility means unknown.
const (
	CivilityMr Civility = "mr"
	CivilityMs Civility = "ms"
)

// civilityWords maps the written forms, folded to lower case and without the
// final dot, to a civility.
var civilityWords = map[string]Civility{
	"m": CivilityMr, "mr": CivilityMr, "monsieur": CivilityMr, "mister": CivilityMr,
	"mme": CivilityMs, "madame": CivilityMs, "mlle": CivilityMs, "mademoiselle": CivilityMs,
	"mrs": CivilityMs, "ms": CivilityMs, "miss": CivilityMs,
}

// ParseCivility reads a civility written before a name ("Mme Claire Dupont",
// "M. Jean Moreau", "Mrs Jane Cole") and returns it with the surname (the
// last word). A name without one, or naming two people ("M. et Mme
// Garnier"), gives the empty civility: the greeting then names nobody.
func ParseCivility(name string) (Civility, string) {
	words := strings.Fields(name)
	if len(words) < 2 {
		return "", ""
	}
	c, ok := civilityWords[strings.TrimSuffix(strings.ToLower(words[0]), ".")]
	if !ok {
		return "", ""
	}
	for _, w := range words[1:] {
		switch strings.ToLower(w) {
		case "et", "and", "&":
			return "", ""
		}
	}
	return c, words[len(words)-1]
}

// addressing returns the greeting line and the letter's salutation (without
// its comma, which the closing formula repeats in French) for a person whose
// civility and surname are known, else the neutral forms.
func addressing(lang string, c Civility, surname string) (greeting, salutation string, named bool) {
	if c == "" || surname == "" {
		return viewWords.T(lang, "greeting"), viewWords.T(lang, "salutation"), false
	}
	title := viewWords.T(lang, "civility."+string(c))
	return viewWords.T(lang, "greeting.named", title, surname), viewWords.T(lang, "salutation.named", title, surname), true
}
