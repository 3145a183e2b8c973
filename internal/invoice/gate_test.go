package invoice

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gatedLabels are the patterns the amount and terms readers run behind a
// gate.
func gatedLabels() []gated {
	return append(slices.Clone(amountLabels), payableLabel, prepaidLabel, termsEOM, termsDays, termsReceipt)
}

// trickyLines match the labels through case folding: capitals, accented
// capitals, the Kelvin sign (folds to k) and the long s (folds to s).
var trickyLines = []string{
	"MONTANT TTC : 1 234,56 €",
	"Total T.T.C. 980,00 EUR",
	"NET À PAYER : 1 200,00 €",
	"Reste À Régler : 300 €",
	"SOLDE DÛ 45,00",
	"Acompte DÉJÀ VERSÉ : 200,00 €",
	"DÉDUCTION DES ACOMPTES 100 €",
	"Amount Due: $1,200.00",
	"BALANCE OUTSTANDING 99.90 GBP",
	"Total \u212aTC 12",           // Kelvin sign
	"\u017fomme de la facture 12", // long s
	"Grand\tTotal 12",
	"total\u00a0due 3",
	"lines: 12",
	"Paiement à 30 JOURS fin de mois",
	"NET 30",
	"45 Days End Of Month",
	"payable DÈS RÉCEPTION",
	"Due upon RECEIPT",
}

// TestGateSound: on every line of the real-world mail corpus, the labelled
// replies and lines matching through case folding, a gate never keeps a
// pattern from a line it matches.
func TestGateSound(t *testing.T) {
	lines := slices.Clone(trickyLines)
	seen := map[string]bool{}
	for _, root := range []string{realmailDir, "../classify/testdata/replies", "testdata"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				for _, l := range splitLines(string(b)) {
					// Each line once, those with a figure (where a label
					// meets its amount); base64 and other long lines hold
					// no label.
					if len(l) <= 200 && strings.ContainsAny(l, "0123456789") && !seen[l] {
						seen[l] = true
						lines = append(lines, l)
					}
				}
			}
			return nil
		})
	}
	if len(lines) < 5000 {
		t.Fatalf("%d lines read: the corpus is missing", len(lines))
	}
	// A regular sample of 8,000 lines keeps the test short; the fuzz target
	// goes further.
	if step := len(lines) / 8000; step > 1 {
		sample := slices.Clone(trickyLines)
		for i := len(trickyLines); i < len(lines); i += step {
			sample = append(sample, lines[i])
		}
		lines = sample
	}
	matched := 0
	for _, g := range gatedLabels() {
		if g.lits == nil {
			t.Errorf("%s: no gate derived", g.re)
		}
		for _, l := range lines {
			if !g.re.MatchString(l) {
				continue
			}
			matched++
			if !g.mayMatch(foldCase(l)) {
				t.Errorf("gate %q of %s rejects the matching line %q", g.lits, g.re, l)
			}
		}
	}
	if matched < len(trickyLines) {
		t.Errorf("only %d matching lines: the check proves little", matched)
	}
}

// FuzzGate checks the gates' soundness on any text.
func FuzzGate(f *testing.F) {
	for _, l := range trickyLines {
		f.Add(l)
	}
	labels := gatedLabels()
	f.Fuzz(func(t *testing.T, s string) {
		folded := foldCase(s)
		for _, g := range labels {
			if g.re.MatchString(s) && !g.mayMatch(folded) {
				t.Fatalf("gate %q of %s rejects the matching %q", g.lits, g.re, s)
			}
		}
	})
}
