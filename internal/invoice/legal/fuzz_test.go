package legal

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck feeds the checker any text and any XML: it reads client and
// third-party documents, so it must never panic.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "handwritten", "*.txt"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), []byte(nil))
	}
	f.Add("Désignation | TVA\n20 % | 12\n5 %", []byte(`<CrossIndustryInvoice><SupplyChainTradeTransaction><IncludedSupplyChainTradeLineItem/></SupplyChainTradeTransaction></CrossIndustryInvoice>`))
	f.Add("Qté\nitem 1 2 3\n", []byte("<CrossIndustryInvoice><ExchangedDocument><IssueDateTime><DateTimeString>2026</DateTimeString></IssueDateTime></ExchangedDocument></CrossIndustryInvoice>"))
	f.Fuzz(func(t *testing.T, text string, xml []byte) {
		for _, b := range []BuyerKind{Business, Consumer} {
			for _, f := range Check(Document{PDFText: text, Body: text, XML: xml, Disagreements: []string{text}}, b, PO(text)) {
				if f.Reference == "" || f.FR == "" || f.EN == "" {
					t.Fatalf("finding without words: %+v", f)
				}
			}
		}
	})
}
