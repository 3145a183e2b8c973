package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The words mail programs put before a subject they answer or forward, as
// Outlook, Thunderbird, Gmail and Apple Mail write them in the languages a
// client may use, lower-cased: "Re:", "AW:" (German), "SV:" (Scandinavian),
// "VS:" (Finnish), "Antw:" (Dutch), "ODP:" (Polish), "R:", "RIF:", "RIS:"
// (Italian), "RES:" (Portuguese), "ΑΠ:", "ΣΧΕΤ:" (Greek), "Отв:"
// (Russian), "回复:", "答复:" (Chinese); "Fwd:", "TR:" (French), "WG:"
// (German), "RV:" (Spanish), "ENC:" (Portuguese), "VB:" (Swedish), "VL:"
// (Finnish), "PD:" (Polish). "Réf. :" is a reference, neither.
var (
	replyPrefixes     = wordSet("re aw sv vs antw odp r ris rif res resp atb ynt bls vá απ σχετ отв 回复 答复 返信")
	forwardPrefixes   = wordSet("fw fwd tr wg rv enc vb vl pd doorst wt пер 转发 轉寄")
	referencePrefixes = wordSet("ref réf")
)

// subjectPrefixes splits a subject into the answer and forward prefixes
// mail programs put before it (with the tags gateways add, "[EXT]", and
// counters, "Re[2]:", "RE :") and the rest; answer reports whether the
// first of them marks an answer rather than a forward.
func subjectPrefixes(subject string) (rest string, answer bool) {
	s := strings.TrimSpace(subject)
	first := true
	for {
		// A tag the client's gateway puts first ("[EXT] Re: …") hides nothing.
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return s, answer
			}
			s = strings.TrimSpace(s[end+1:])
			continue
		}
		word, after, ok := prefixWord(s)
		if !ok {
			return s, answer
		}
		w := strings.ToLower(word)
		switch {
		case replyPrefixes[w]:
			answer = answer || first
		case forwardPrefixes[w] || referencePrefixes[w]:
		default:
			return s, answer
		}
		first = false
		s = strings.TrimSpace(after)
	}
}

// prefixWord reads a run of letters, an optional period ("Réf.") or
// counter ("[2]", "(2)"), optional spaces (a no-break one in French) and a
// colon (or a full-width one) at the start of s.
func prefixWord(s string) (word, rest string, ok bool) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += n
	}
	if i == 0 || i > 12 {
		return "", s, false
	}
	word, rest = s[:i], strings.TrimPrefix(s[i:], ".")
	if len(rest) > 0 && (rest[0] == '[' || rest[0] == '(') {
		if end := strings.IndexAny(rest, "])"); end > 0 && end < 6 {
			rest = rest[end+1:]
		}
	}
	rest = strings.TrimLeft(rest, " \u00a0\u202f\t")
	switch {
	case strings.HasPrefix(rest, ":"):
		return word, rest[1:], true
	case strings.HasPrefix(rest, "："):
		return word, rest[len("："):], true
	}
	return "", s, false
}

// answersUs reports whether a subject is a reply's ("Re:", "RE :", "AW:",
// "ODP:"; "Réf. :" and "Fwd:" are not): what a client writes back about
// paying answers our mail, while a supplier's notice that it "will debit on
// the 10th" opens a thread of its own.
func answersUs(subject string) bool {
	_, answer := subjectPrefixes(subject)
	return answer
}
