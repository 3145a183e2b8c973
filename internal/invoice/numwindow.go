package invoice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/relance/relance/internal/text"
)

// Go's regexp tries every alternative of a number pattern at every position
// of a text, and a mail or an invoice holds a document word in a few places
// only. The two searches below give exactly what FindAllStringSubmatchIndex
// gives over the whole text, but run each pattern only from a little before
// the next place one of its literals (text.Literals) occurs, at a position
// where the pattern sees the same context as in the whole text.

var (
	// labelLits: every label of reNumLabeled holds one of these (ASCII,
	// lower-case).
	labelLits = asciiOnly(text.Literals(reNumLabeled.String(), true))
	// prefixLits: every match of reNumPrefixed starts with one of these
	// (as written: the pattern is case-sensitive).
	prefixLits = asciiOnly(text.Literals(reNumPrefixed.String(), false))
)

// asciiOnly returns lits when every one is ASCII, else nil (no window).
func asciiOnly(lits []string) []string {
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if l[i] >= utf8.RuneSelf {
				return nil
			}
		}
	}
	return lits
}

// foldsToASCII reports whether s holds a character that (?i) matches with
// an ASCII letter without being one (the Kelvin sign and the long s): the
// ASCII lower-casing the windows search would not see it.
func foldsToASCII(s string) bool {
	return strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")
}

// firstOf is the first position at or after from where one of lits occurs
// in s, -1 when none does.
func firstOf(s string, from int, lits []string) int {
	best := -1
	rest := s[from:]
	for _, l := range lits {
		if best >= 0 {
			// Only an earlier occurrence can improve on best.
			rest = s[from:min(len(s), best+len(l)-1)]
		}
		if i := strings.Index(rest, l); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
		}
	}
	return best
}

// asciiLower lower-cases the ASCII letters of s, leaving every other byte
// (so that positions stay those of s).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// labelByte reports whether c may be inside a document label of
// reNumLabeled before its literal ("bon de commande", "pro - forma",
// "note d'honoraires", "crédit"): letters, spaces, apostrophes, hyphens,
// dots and any byte of a non-ASCII character.
func labelByte(c byte) bool {
	return c >= utf8.RuneSelf || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
		c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\'' || c == '-' || c == '.'
}

// labeledNumbers is reNumLabeled.FindAllStringSubmatchIndex(s, -1).
//
// A match is an optional character that is no letter or digit, a label
// holding a literal, then the number. The search for the next match starts
// at the end of the previous one or, further on, at the first byte before
// the next literal that cannot be inside a label: there the pattern's "^"
// could only let a label start on that byte, which is no letter, so it
// finds what it finds in the whole text. After a match the next byte is no
// ASCII letter or digit (the number takes them all) for the same reason.
func labeledNumbers(s string) [][]int {
	if labelLits == nil || foldsToASCII(s) {
		return reNumLabeled.FindAllStringSubmatchIndex(s, -1)
	}
	low := asciiLower(s)
	var out [][]int
	for pos := 0; pos < len(s); {
		q := firstOf(low, pos, labelLits)
		if q < 0 {
			break
		}
		m := submatchFrom(reNumLabeled, s, windowStart(s, pos, q, labelByte))
		if m == nil {
			break
		}
		out = append(out, m)
		pos = m[1]
	}
	return out
}

// windowStart is where a search for a label whose literal occurs at q
// starts: the walk back from q over the bytes inLabel accepts stops at pos
// or at the first byte it does not accept, which is included (it may be
// the character a pattern wants before the label).
func windowStart(s string, pos, q int, inLabel func(byte) bool) int {
	k := q
	for k > pos && inLabel(s[k-1]) {
		k--
	}
	if k > pos {
		k--
	}
	return k
}

// submatchFrom is re.FindStringSubmatchIndex of s from k on, in positions
// of s.
func submatchFrom(re *regexp.Regexp, s string, k int) []int {
	return shift(re.FindStringSubmatchIndex(s[k:]), k)
}

// prefixedNumbers is reNumPrefixed.FindAllStringSubmatchIndex(s, -1).
//
// A match starts with one of the prefixes, after a word boundary: the
// search starts at the first occurrence of a prefix not glued to a word
// character before it, where "\b" reads the same as in the whole text.
func prefixedNumbers(s string) [][]int {
	if prefixLits == nil {
		return reNumPrefixed.FindAllStringSubmatchIndex(s, -1)
	}
	var out [][]int
	for pos := 0; pos < len(s); {
		q := firstOf(s, pos, prefixLits)
		if q < 0 {
			break
		}
		if q > 0 && isASCIIWord(s[q-1]) {
			pos = q + 1
			continue
		}
		m := submatchFrom(reNumPrefixed, s, q)
		if m == nil {
			break
		}
		out = append(out, m)
		pos = m[1]
	}
	return out
}

// isASCIIWord is \b's notion of a word character.
func isASCIIWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func shift(m []int, by int) []int {
	for i := range m {
		if m[i] >= 0 {
			m[i] += by
		}
	}
	return m
}
