package text

import "fmt"

// Catalogue holds the product's own sentences by language and message id:
// Catalogue{"fr": {"nav.review": "À relire"}, "en": {…}}. The page, the
// owner's digest, the calm check's warnings, the words around a reminder's
// values and the letter's mentions each read theirs from one, so every
// sentence has one id and each translation one place. Mail bodies to
// clients are template files, which a business edits; a catalogue is for
// the product's own words.
type Catalogue map[string]map[string]string

// Fallback is the language a catalogue is complete in: a message missing in
// another language is shown in French rather than blank.
const Fallback = "fr"

// Message returns the sentence id in lang, or in the fallback language, and
// whether either has it.
func (c Catalogue) Message(lang, id string) (string, bool) {
	if s, ok := c[lang][id]; ok {
		return s, true
	}
	s, ok := c[Fallback][id]
	return s, ok
}

// T translates id into lang; args fill its %s/%d verbs. An unknown id shows
// itself, so a missing translation is visible rather than blank.
func (c Catalogue) T(lang, id string, args ...any) string {
	s, ok := c.Message(lang, id)
	if !ok {
		return id
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
