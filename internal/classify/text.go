package classify

import (
	"strings"
)

// sentence is one sentence of the reply, original and folded.
type sentence struct {
	orig, folded string
}

// sentenceEnds returns where the sentences of a paragraph end: after a run
// of ".", "!" or "?" and the white space that follows it (or the end).
func sentenceEnds(p string) []int {
	var out []int
	eachSentenceEnd(p, func(end int) { out = append(out, end) })
	return out
}

// eachSentenceEnd calls fn with each end sentenceEnds returns, in order.
func eachSentenceEnd(p string, fn func(end int)) {
	for i := 0; i < len(p); i++ {
		if p[i] != '.' && p[i] != '!' && p[i] != '?' {
			continue
		}
		j := i
		for j < len(p) && (p[j] == '.' || p[j] == '!' || p[j] == '?') {
			j++
		}
		switch {
		case j == len(p):
			fn(j)
		case isSpaceByte(p[j]) && !(j == i+1 && p[i] == '.' && j+1 < len(p) && isDigit(p[j+1]) && monthAbbreviations[fold(lastWord(p[:i]))]):
			// "Dec. 15", "le 5 janv. 2026": the period of a month's
			// abbreviation before a number ends no sentence.
			fn(j + 1)
		}
		i = j
	}
}

// monthAbbreviations are the folded short month names written with a
// period.
var monthAbbreviations = wordSet("jan janv feb fev fevr mar apr avr jun jul juil aug sep sept oct nov dec")

// lastWord is the run of letters that ends s.
func lastWord(s string) string {
	i := len(s)
	for i > 0 && (s[i-1] >= 'a' && s[i-1] <= 'z' || s[i-1] >= 'A' && s[i-1] <= 'Z' || s[i-1] >= 0x80) {
		i--
	}
	return s[i:]
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// Bounds on what is read. A reply's meaning sits in its first paragraphs;
// past these sizes the text is a pasted document or hostile input, and
// reading it all would only cost time (the rules look back from each match,
// so a sentence without end would be read quadratically).
const (
	maxJudged   = 16 << 10 // bytes of reply text judged
	maxSentence = 480      // bytes in one sentence before it is cut at a space
)

// sentences splits a reply into sentences. Paragraphs are split at blank
// lines, lines inside a paragraph joined (clients hard-wrap at 72 columns),
// then split after ".", "!" or "?" followed by a space.
func sentences(text string) []sentence { return appendSentences(nil, text) }

// appendSentences appends the sentences of text to out. The joined
// paragraphs share one string, and so do the folded sentences: a reply's
// split costs a few allocations, not several per paragraph and sentence.
func appendSentences(out []sentence, text string) []sentence {
	text = strings.ReplaceAll(headOf(text, maxJudged), "\r\n", "\n")
	var joined, folded strings.Builder
	joined.Grow(len(text))
	folded.Grow(len(text) + 16)
	for rest, more := text, true; more; {
		var para string
		para, rest, more = strings.Cut(rest, "\n\n")
		// The paragraph's lines, trimmed, joined by one space.
		start := joined.Len()
		for lines, line, first, moreLines := para, "", true, true; moreLines; first = false {
			line, lines, moreLines = strings.Cut(lines, "\n")
			if !first {
				joined.WriteByte(' ')
			}
			joined.WriteString(strings.TrimSpace(line))
		}
		p := joined.String()[start:]
		last := 0
		eachSentenceEnd(p, func(end int) {
			out = addSentence(out, &folded, p[last:end])
			last = end
		})
		out = addSentence(out, &folded, p[last:])
	}
	return out
}

func addSentence(out []sentence, folded *strings.Builder, s string) []sentence {
	eachBounded(s, func(s string) {
		start := folded.Len()
		foldInto(folded, s)
		// The builder's string shares its bytes, which later writes leave
		// as they are.
		out = append(out, sentence{orig: s, folded: strings.TrimRight(folded.String()[start:], " ")})
	})
	return out
}

// eachBounded calls fn with s trimmed, cut at spaces (or, without one, at
// a rune boundary) into pieces of at most maxSentence bytes; never with "".
func eachBounded(s string, fn func(string)) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	for len(s) > maxSentence {
		cut := strings.LastIndexByte(s[:maxSentence], ' ')
		if cut <= 0 {
			cut = maxSentence
			for cut > 0 && !utf8RuneStart(s[cut]) {
				cut--
			}
		}
		eachBounded(s[:cut], fn)
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		fn(s)
	}
}

// precision ranks date mentions: a written date, then a named day, then a
// span ("this week's batch on Thursday" commits to Thursday).
func precision(d dateMention) int {
	switch {
	case d.explicit:
		return 2
	case d.period:
		return 0
	}
	return 1
}

// Function words of each language, folded. A word list and a map beat two
// large alternations run over the whole reply.
var (
	frenchWords  = wordSet("le la les des du un une est et je nous vous pas pour avec sur merci bonjour cordialement facture virement reglement demain semaine mois ce cette que qui dans sera avons ai")
	englishWords = wordSet("the and is are we you i not for with on thanks thank hi hello regards invoice payment will tomorrow week month this that it be have has paid of to")
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// detectLanguage guesses "fr" or "en" from function words; French wins ties
// as the product's home language. Words are runs of ASCII letters, digits
// and underscores, as for \b in the lexicon's patterns.
func detectLanguage(folded ...string) string {
	fr, en := 0, 0
	for _, text := range folded {
		start := -1
		for i := 0; i <= len(text); i++ {
			word := i < len(text) && isWordByte(text[i])
			if word && start < 0 {
				start = i
			}
			if !word && start >= 0 {
				var l uint8
				if w := text[start:i]; languageFilter.may(w) {
					l = languageWords[w]
				}
				fr += int(l & 1)
				en += int(l >> 1)
				start = -1
			}
		}
	}
	if en > fr {
		return "en"
	}
	return "fr"
}

// languageWords: bit 0 a French function word, bit 1 an English one.
var languageWords = func() map[string]uint8 {
	m := map[string]uint8{}
	for w := range frenchWords {
		m[w] |= 1
	}
	for w := range englishWords {
		m[w] |= 2
	}
	return m
}()

var languageFilter = filterOf(languageWords)

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}
