package text

import (
	"strings"
	"unicode/utf8"
)

// CP1252 prepares s for a PDF written with the core fonts, whose encoding
// is Windows-1252: the characters it lacks become their nearest equivalent
// (the thin spaces French formatting puts in amounts, hyphens), any other
// "?". Every PDF relance prints shares this one reading of the encoding.
func CP1252(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u202f' || r == '\u2009' || r == '\u2007' || r == '\u2002' || r == '\u2003':
			b.WriteRune('\u00a0')
		case r == '\u2010' || r == '\u2011' || r == '\u2212':
			b.WriteByte('-')
		case r == '\t':
			b.WriteString("    ")
		case r < 0x80 || inCP1252(r):
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// inCP1252 reports whether r has a place in Windows-1252 above ASCII.
func inCP1252(r rune) bool {
	if r >= 0xa0 && r <= 0xff {
		return true
	}
	switch r {
	case '€', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 'Ž', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 'ž', 'Ÿ':
		return true
	}
	return false
}

// AddressLines splits a postal address written on several lines, or on
// one line with commas, into its lines, each on one line of single spaces.
func AddressLines(a string) []string {
	var out []string
	lines := strings.FieldsFunc(a, func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) == 1 {
		lines = strings.Split(lines[0], ",")
	}
	for _, l := range lines {
		if l = OneLine(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// OneLine folds every run of white space, line breaks included, into one
// space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
