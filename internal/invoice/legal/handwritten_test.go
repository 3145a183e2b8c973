package legal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHandwritten runs the self-check over invoices written by hand in
// wordings and layouts the generator does not use ("Doit :", a VAT
// summary table, quantities first, a legal footer, consumers addressed
// by name). Each file starts with "# expect: KIND" (or none), "# buyer:"
// and optionally "# asked: PO".
func TestHandwritten(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "handwritten", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("%d hand-written invoices, want at least 8", len(files))
	}
	var defective, found, clean, quiet int
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		expect, buyer, asked, text := header(string(raw))
		got := Check(Document{PDFText: text}, buyer, asked)
		if expect == "" {
			clean++
			if len(got) == 0 {
				quiet++
			} else {
				t.Errorf("%s: clean, found %s", filepath.Base(name), kinds(got))
			}
			continue
		}
		defective++
		if len(got) == 1 && got[0].Kind == expect && got[0].Reference == rules[expect].ref {
			found++
		} else {
			t.Errorf("%s: planted %s, found %s", filepath.Base(name), expect, kinds(got))
		}
	}
	t.Logf("hand-written: %d/%d defects found alone, %d/%d clean invoices without finding", found, defective, quiet, clean)
}

func header(raw string) (expect Kind, buyer BuyerKind, asked PO, text string) {
	buyer = Business
	lines := strings.Split(raw, "\n")
	i := 0
	for ; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		key, val, _ := strings.Cut(strings.TrimPrefix(lines[i], "#"), ":")
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "expect":
			if val != "none" {
				expect = Kind(val)
			}
		case "buyer":
			buyer = BuyerKind(val)
		case "asked":
			asked = PO(val)
		}
	}
	return expect, buyer, asked, strings.Join(lines[i:], "\n")
}
