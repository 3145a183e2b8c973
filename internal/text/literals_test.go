package text

import (
	"slices"
	"strings"
	"testing"
)

func TestLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{`(?i)montant|total`, []string{"montant", "total"}},
		{`(?i)r[èe]gl[ée]`, []string{"règlé", "règle", "reglé", "regle"}},
		{`(?i)net\s+[àa]\s+payer`, []string{"payer"}},
		{`(?:^|[^\p{L}])somme`, []string{"somme"}},
		{`(?i)\bk`, []string{"k"}},
		{`a*`, nil},
		{`(?:total)?\d+`, strings.Split("0123456789", "")},
	}
	for _, tt := range tests {
		lits := Literals(tt.pattern, true)
		var want []string
		for _, w := range tt.want {
			want = append(want, FoldCase(w))
		}
		if !slices.Equal(slices.Sorted(slices.Values(lits)), slices.Sorted(slices.Values(want))) {
			t.Errorf("Literals(%q, true) = %q, want %q", tt.pattern, lits, want)
		}
	}
}

func TestFoldCase(t *testing.T) {
	for _, pair := range [][2]string{{"TOTAL", "total"}, {"\u212a", "k"}, {"\u017f", "s"}, {"É", FoldCase("é")}, {"ÀÉ", FoldCase("àé")}} {
		if got, want := FoldCase(pair[0]), FoldCase(pair[1]); got != want {
			t.Errorf("FoldCase(%q) = %q, FoldCase(%q) = %q: want equal", pair[0], got, pair[1], want)
		}
	}
}

// Without folding, the strings are the text's own, and case-insensitive
// parts give none.
func TestLiteralsExact(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{`\b(virement|paiement) (part|partira)\b`, []string{"virement part", "virement partira", "paiement part", "paiement partira"}},
		{`(!!|\?!)`, []string{"!!", "?!"}},
		{`r[èe]gl`, []string{"règl", "regl"}},
		{`(?i)montant`, nil},
	}
	for _, tt := range tests {
		if got := Literals(tt.pattern, false); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tt.want))) {
			t.Errorf("Literals(%q, false) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
	if !MayMatch(nil, "anything") || MayMatch([]string{"x"}, "abc") || !MayMatch([]string{"x", "b"}, "abc") {
		t.Error("MayMatch: wrong answer")
	}
}
