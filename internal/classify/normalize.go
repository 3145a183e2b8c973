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
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if !isASCII(s) {
		// Accents become separate marks, dropped below; plain ASCII has none.
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drops leading spaces
	emit := func(rep string) {
		for _, c := range rep {
			if c == ' ' {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteRune(c)
			space = false
		}
	}
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if rep, ok := foldSpecial(r); ok {
			emit(rep)
			continue
		}
		if unicode.IsSpace(r) {
			emit(" ")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
