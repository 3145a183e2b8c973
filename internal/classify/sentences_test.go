package classify

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// sentenceEndExpression is the expression sentenceEnds replaces.
var sentenceEndExpression = regexp.MustCompile(`[.!?]+(\s|$)`)

// TestSentenceEndsMatchExpression: the scan cuts where the expression cut,
// on every paragraph of two writers' replies and on edge cases.
func TestSentenceEndsMatchExpression(t *testing.T) {
	paras := []string{"Fait.", "Ok!! Merci.", "Vraiment ?! Oui", "3.5 € et 1.250,00", "fin...", "a.\tb", "a.\vb", "?", ""}
	for _, text := range replyTexts(t, "w0[34]") {
		for _, p := range strings.Split(text, "\n\n") {
			paras = append(paras, strings.Join(strings.Fields(p), " "))
		}
	}
	for _, p := range paras {
		var want []int
		for _, loc := range sentenceEndExpression.FindAllStringIndex(p, -1) {
			want = append(want, loc[1])
		}
		if got := sentenceEnds(p); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: scan %v, expression %v", p, got, want)
		}
	}
}
