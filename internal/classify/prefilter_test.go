package classify

import (
	"regexp"
	"testing"
)

func TestLiteralsOf(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
	}{
		{`\b(virement|paiement) (part|partira)\b`, []string{"le virement part", "paiement partira"}},
		{`\b(c'?\s?est) fait\b`, []string{"c'est fait", "cest fait"}},
		{`\b(a|b)? ?ok`, []string{"ok"}},
		{`(!!|\?!)`, []string{"!!", "?!"}},
	}
	for _, tt := range tests {
		lits := literalsOf(tt.pattern)
		re := regexp.MustCompile(tt.pattern)
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Fatalf("%q does not match %q", tt.pattern, s)
			}
			if !mayMatch(lits, s) {
				t.Errorf("prefilter %q of %q rejects matching %q", lits, tt.pattern, s)
			}
		}
	}
}

// TestLexiconPrefilterSound checks on the corpus that the prefilter never
// hides a match of any rule.
// Rules split into branches (compiled lazily) match where the whole pattern
// matches.
