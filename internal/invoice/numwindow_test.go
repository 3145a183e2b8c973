package invoice

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// numberTexts hold the document words in every way the windows must see
// them: capitals, glued to letters or digits, across lines, at the start
// and end of the text, after a previous number, through case folding.
var numberTexts = []string{
	"Facture F-2026-0142",
	"FACTURE N° 2026-17 et facture n°2026-18",
	"xfacture 12 Facture 13",
	"12facture 5, (facture 6) :facture 7",
	"Bon de\ncommande BC-77 puis pro -\n forma PF-3",
	"note d’honoraires NH-4 ; note de crédit NC-5 ; credit note CN-6",
	"Facture ABC facture 12 FACT-9 INV.2026.3",
	"Invoice #A12 invoice no. 77 inv. 9 fact.10",
	"Commande 12#34 Order: 99-1 purchase order PO-12",
	"devi\u017f D-1 \u212aFA-1",
	"avoir AV-12FA-1 AFA-2 _FA-3 FA-4_ CR-5/6 F/7 F_8 F-9",
	"facture",
	"Le devis",
	"\nfacture 1\n",
	"FA-1FA-2 FAC12 FACT/3 FC.4 PRO-5 CMD_6 DEV7 CN8 AVO9 PO10",
	"éfacture 3 — ßinvoice 4 · ‘facture 5’",
}

func corpusTexts(t *testing.T) []string {
	t.Helper()
	texts := append([]string{}, numberTexts...)
	for _, root := range []string{realmailDir, "../classify/testdata/replies", "testdata"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil && len(b) <= 16<<10 {
				texts = append(texts, string(b))
			}
			return nil
		})
	}
	// A regular sample of 600 mails keeps the test short; the fuzz target
	// goes further.
	if step := len(texts) / 600; step > 1 {
		sample := append([]string{}, numberTexts...)
		for i := len(numberTexts); i < len(texts); i += step {
			sample = append(sample, texts[i])
		}
		texts = sample
	}
	return texts
}

func checkNumberWindows(t *testing.T, s string) {
	t.Helper()
	if got, want := labeledNumbers(s), reNumLabeled.FindAllStringSubmatchIndex(s, -1); !reflect.DeepEqual(got, want) {
		t.Fatalf("labeledNumbers(%q) = %v, the pattern over the whole text %v", s, got, want)
	}
	if got, want := prefixedNumbers(s), reNumPrefixed.FindAllStringSubmatchIndex(s, -1); !reflect.DeepEqual(got, want) {
		t.Fatalf("prefixedNumbers(%q) = %v, the pattern over the whole text %v", s, got, want)
	}
}

// TestNumberWindows: on tricky texts and on every mail of the corpora, the
// windowed searches find exactly the matches of the patterns run over the
// whole text, at the same positions.
func TestNumberWindows(t *testing.T) {
	texts := corpusTexts(t)
	if len(texts) < 300 {
		t.Fatalf("%d texts read: the corpus is missing", len(texts))
	}
	found := 0
	for _, s := range texts {
		checkNumberWindows(t, s)
		found += len(labeledNumbers(s)) + len(prefixedNumbers(s))
	}
	if found < 100 {
		t.Errorf("only %d numbers found: the check proves little", found)
	}
	if labelLits == nil || prefixLits == nil {
		t.Errorf("no literals derived: the windows are off (labels %q, prefixes %q)", labelLits, prefixLits)
	}
}

// FuzzNumberWindows checks the windowed searches against the patterns on
// any text.
func FuzzNumberWindows(f *testing.F) {
	for _, s := range numberTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNumberWindows(t, s) })
}

// amountLabelsNear are the gated labels labelledAmount searches with first.
func amountLabelsNear() []gated {
	return append(append([]gated{}, amountLabels...), payableLabel, prepaidLabel)
}

func checkFirstLabel(t *testing.T, l string) {
	t.Helper()
	for _, g := range amountLabelsNear() {
		if got, want := g.first(l), g.re.FindStringIndex(l); !reflect.DeepEqual(got, want) {
			t.Fatalf("first(%q) = %v, %s over the whole line %v", l, got, g.re, want)
		}
	}
}

// TestFirstLabel: on tricky lines and on every line of the corpora, a
// label searched from near its literal is the first match of its pattern
// over the whole line.
func TestFirstLabel(t *testing.T) {
	lines := append([]string{}, trickyLines...)
	lines = append(lines, "(total TTC) 12", "xmontant 3 montant 4", "Montant total TTC: 1 200,00 €", "sous-total 12 total 13",
		"Total (incl. VAT) 12", "moins l' acompte 30", "net\u00a0à payer 4", "residual amount 4")
	for _, s := range corpusTexts(t) {
		lines = append(lines, splitLines(s)...)
	}
	near, matched := 0, 0
	for _, g := range amountLabelsNear() {
		if g.near {
			near++
		}
	}
	for _, l := range lines {
		checkFirstLabel(t, l)
		if amountLabels[2].re.MatchString(l) {
			matched++
		}
	}
	if near < 4 || matched < 50 {
		t.Errorf("%d labels searched from their literals, %d lines matched: the check proves little", near, matched)
	}
}

// FuzzFirstLabel checks first against the label patterns on any line.
func FuzzFirstLabel(f *testing.F) {
	for _, l := range trickyLines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, l string) { checkFirstLabel(t, l) })
}
