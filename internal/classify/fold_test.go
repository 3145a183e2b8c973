package classify

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldReference is fold written the plain way: decompose the whole text,
// drop the marks, map the rest one character at a time. fold must agree
// with it on every input; it only looks the characters up in a table.
func foldReference(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFD.String(s)
	var b strings.Builder
	space := true
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
		switch rep, ok := foldSpecial(r); {
		case unicode.Is(unicode.Mn, r):
		case ok:
			emit(rep)
		case unicode.IsSpace(r):
			emit(" ")
		default:
			emit(string(unicode.ToLower(r)))
		}
	}
	return strings.TrimRight(b.String(), " ")
}

var foldSamples = []string{
	"", " ", "  Déjà  RÉGLÉ\u00a0!  ", "Je vous ai fait le virement… l’an passé — «merci»",
	"e\u0301te\u0301", "ŒUVRE cœur Æsop straße Øre Łódź", "\xff\xfeinvalid\xc3", "tab\tnew\nline\r\n",
	"Ångström ﬁn ½ № ™ ①", "한국어 日本語 العربية עברית", "\u200bzero\ufeffwidth\u00adsoft",
	"`back´tick‛", "10\u202f000,00\u2009€", "ǅ ǈ İstanbul ΣΑΣ",
}

func TestFoldAgreesWithDecomposition(t *testing.T) {
	for _, s := range foldSamples {
		if got, want := fold(s), foldReference(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
	for r := rune(0); r < 0x3000; r++ {
		s := "a" + string(r) + "b"
		if got, want := fold(s), foldReference(s); got != want {
			t.Fatalf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range foldSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := fold(s), foldReference(s); got != want {
			t.Fatalf("fold(%q) = %q, want %q", s, got, want)
		}
	})
}
