package classify

import (
	"path/filepath"
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

// sentencesReference is sentences as it was written first: a split, a
// join and a fold for each paragraph and sentence (the cut of long
// sentences is shared).
func sentencesReference(text string) []sentence {
	text = strings.ReplaceAll(headOf(text, maxJudged), "\r\n", "\n")
	var out []sentence
	add := func(s string) {
		eachBounded(s, func(s string) { out = append(out, sentence{orig: s, folded: fold(s)}) })
	}
	for _, para := range strings.Split(text, "\n\n") {
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		p := strings.Join(lines, " ")
		last := 0
		for _, end := range sentenceEnds(p) {
			add(p[last:end])
			last = end
		}
		add(p[last:])
	}
	return out
}

// TestSentencesMatchReference: the split into shared strings gives the
// sentences, as written and folded, of the plain one, on every reply of
// the corpus (whole mails, quotes included) and on edge cases.
func TestSentencesMatchReference(t *testing.T) {
	texts := []string{"", "\n", "\n\n\n", "a\r\nb\r\n\r\nc", "Un.  Deux !\n\n\nTrois ?", " \t\n  \n", "\xff\xfe fin. Ok",
		strings.Repeat("mot ", 300) + ".", strings.Repeat("é", 700), "  Ligne\n\n  \nsuite…  \n", "ÉCRIT EN CAPITALES. « Cité » !"}
	files, err := filepath.Glob(filepath.Join("testdata", "replies", "*", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		m := parseFile(t, f)
		texts = append(texts, m.Text, ReplyTextOf(m.Text))
	}
	n := 0
	for _, text := range texts {
		got, want := sentences(text), sentencesReference(text)
		n += len(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.80q: sentences %q, want %q", text, got, want)
		}
	}
	if n < 10000 {
		t.Errorf("only %d sentences compared", n)
	}
}
