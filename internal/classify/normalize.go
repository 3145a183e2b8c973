package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold lower-cases s, removes accents (so "réglé", "regle" and "REGLÉ" meet),
// unifies apostrophes and dashes, and collapses whitespace. Clients type
// without accents on phones and with curly apostrophes in Word; the lexicons
// are written against this folded form only.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	foldInto(&b, s)
	return strings.TrimRight(b.String(), " ")
}

// foldInto writes fold(s) to b, but for the spaces fold trims at its end.
func foldInto(b *strings.Builder, s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	space := true // drops leading spaces
	for i := 0; i < len(s); {
		var rep string
		if c := s[i]; c < utf8.RuneSelf {
			i++
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
				// Most of a reply: nothing to look up.
				b.WriteByte(c)
				space = false
				continue
			}
			rep = foldTable[c]
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if int(r) < len(foldTable) {
				rep = foldTable[r]
			} else {
				rep = foldRune(r)
			}
		}
		for j := 0; j < len(rep); j++ {
			if rep[j] == ' ' {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteByte(rep[j])
			space = false
		}
	}
}

// foldTable holds foldRune of the runes replies are mostly made of (ASCII
// and the Latin alphabets), so that folding is a lookup.
var foldTable = func() (t [0x250]string) {
	for r := range t {
		t[r] = foldRune(rune(r))
	}
	return t
}()

// foldRune is what one character becomes: its decomposition (accents are
// separate marks there) without the marks, lower-cased, with the special
// cases of foldSpecial; whitespace becomes one space.
func foldRune(r rune) string {
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if rep, ok := foldSpecial(d); ok {
			b.WriteString(rep)
			continue
		}
		if unicode.IsSpace(d) {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(unicode.ToLower(d))
	}
	return b.String()
}

// foldSpecial maps the characters NFD does not decompose.
func foldSpecial(r rune) (string, bool) {
	switch r {
	case '’', '‘', 'ʼ', '´', '`', '‛':
		return "'", true
	case '“', '”', '«', '»', '„':
		return `"`, true
	case '–', '—', '‑', '‐', '−':
		return "-", true
	case '\u00a0', '\u202f', '\u2009', '\u2007':
		return " ", true
	case '\u200b', '\ufeff', '\u00ad':
		return "", true
	case '…':
		return "...", true
	case 'œ', 'Œ':
		return "oe", true
	case 'æ', 'Æ':
		return "ae", true
	case 'ß':
		return "ss", true
	case 'ø', 'Ø':
		return "o", true
	case 'ł', 'Ł':
		return "l", true
	}
	return "", false
}
