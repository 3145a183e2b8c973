package classify

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/relance/relance/internal/message"
)

// dayOnlyExpression is the expression dayOnlyMatches replaces.
var dayOnlyExpression = regexp.MustCompile(`\b(?:le|the|avant le|by the|on the|au plus tard le|pour le|before the|d'ici le|jusqu'au|until the|des le|echeance du|echeance le|echeances du|run on the|run of the|batch on the|run du|run de paiement du|paiement du|paiements du|reglements du|reglements fournisseurs du|virements du|virements fournisseurs du|virement du|celui du|campagne du|batch du|tour du|echeance au|echeances au|groupe du|groupes du|prelevement du|prelevements du|paiement au|virement au) (\d{1,2})(?:er|st|nd|rd|th)?\b`)

// TestDayOnlyMatchesExpression: the scan finds what the expression found,
// on every sentence of two writers' replies and on edge cases.
func TestDayOnlyMatchesExpression(t *testing.T) {
	texts := []string{"le 15", "by the 20th and on the 3rd", "au plus tard le 20 decembre", "le 15h30", "le 1er", "xle 15",
		"avec notre echeance du 30.", "run de paiement du 15, le 30", "the 123", "le 5 du mois prochain", "le 31 ou le 1er"}
	for _, text := range replyTexts(t, "w0[12]") {
		for _, s := range sentences(text) {
			texts = append(texts, s.folded)
		}
	}
	if len(texts) < 500 {
		t.Fatalf("only %d sentences", len(texts))
	}
	for _, s := range texts {
		want := dayOnlyExpression.FindAllStringSubmatchIndex(s, -1)
		got := dayOnlyMatches(s, true)
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: scan %v, expression %v", s, got, want)
		}
	}
}

// replyTexts reads the client's words of every corpus reply of the writers
// matching pattern (a folder glob).
func replyTexts(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "replies", pattern, "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files for %s: %v", pattern, err)
	}
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ReplyTextOf(m.Text))
	}
	return out
}
