package render

import (
	"strings"
	"unicode"
)

// SafeHeader makes s fit on one header line: CR, LF, tabs and every other
// control character become a space (so "Dupont\r\nBcc: x" cannot start a
// header of its own), bidirectional overrides that could disguise a subject
// are dropped, and runs of spaces collapse.
func SafeHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case r == unicode.ReplacementChar:
			continue
		case isBidiControl(r) || r == '\u200b' || r == '\ufeff':
			continue
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == ' ':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// oneLine cleans a value meant for a single line of a letter (a name, an
// invoice number): the same rules as a header.
func oneLine(s string) string { return SafeHeader(s) }

func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\u200e' || r == '\u200f' || r == '\u061c'
}
