package text

import (
	"strings"
	"unicode"
)

// NormalizeNumber reduces an invoice number to upper-case letters and
// digits, so "F-2026-0142", "f 2026/0142" and "F2026.0142" compare equal.
// Only ASCII letters count: the normalized number is part of stored keys,
// which must not depend on Unicode case tables.
func NormalizeNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// NumberToken is a run of letters and digits joined by - / _ . in a text,
// normalized (Key), with where it stands in the text (Start, End: bytes,
// the trailing separators left out).
type NumberToken struct {
	Key        string
	Start, End int
}

// NumberTokenSpans splits text into runs of ASCII letters and digits joined
// by - / _ . ("F-2026-0142," is F20260142 at 0..11).
func NumberTokenSpans(s string) []NumberToken {
	var out []NumberToken
	start := -1
	flush := func(end int) {
		if start >= 0 {
			tok := strings.TrimRight(s[start:end], "-/_.")
			if n := NormalizeNumber(tok); n != "" {
				out = append(out, NumberToken{Key: n, Start: start, End: start + len(tok)})
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		sep := c == '-' || c == '/' || c == '_' || c == '.'
		switch {
		case alnum:
			if start < 0 {
				start = i
			}
		case sep && start >= 0:
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}

// NumberTokens lists the normalized tokens of s that hold a digit, the
// forms an invoice number cited in a text may take.
func NumberTokens(s string) []string {
	var out []string
	for _, t := range NumberTokenSpans(s) {
		if strings.ContainsAny(t.Key, "0123456789") {
			out = append(out, t.Key)
		}
	}
	return out
}

// WrittenNumbers lists the words of a text that could be invoice numbers as
// they are written, upper-cased with their inner separators kept
// ("F-2026-0142", "2026/017", "INV.12"; a trailing separator is dropped),
// each once, at most 200. They are compared with the numbers as stored,
// where NumberTokens compares normalized forms.
func WrittenNumbers(s string) []string {
	const maxTokens = 200
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/' || r == '_' || r == '.')
	}) {
		f = strings.ToUpper(strings.Trim(f, "-/_."))
		if len(f) < 3 || len(f) > 40 || !strings.ContainsAny(f, "0123456789") || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if len(out) == maxTokens {
			break
		}
	}
	return out
}
