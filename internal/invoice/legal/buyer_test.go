package legal

import "testing"

// BuyerIDs states the client as the invoice names it, for the hand-over
// file: from the text of a PDF here.
func TestBuyer(t *testing.T) {
	text := "Atelier Moreau\n12 rue des Tanneurs\n69001 Lyon\nSIREN : 123 456 789\nTVA : FR12123456789\n\n" +
		"FACTURE N° F-2026-0101\nDate : 07/10/2026\n\nClient :\nBoulangerie Lefèvre SARL\n14 avenue Jean Jaurès\n69007 Lyon\n" +
		"SIREN : 552 100 554\nTVA : FR32552100554\n\nDésignation Qté PU HT Total HT\nFour à pain 1 1 000,00 1 000,00\n" +
		"Total HT 1 000,00\nTVA 20 % 200,00\nTotal TTC 1 200,00\n"
	siren, vat := BuyerIDs(Document{PDFText: text})
	if !sameDigits(siren, "552100554") || vat != "FR32552100554" {
		t.Errorf("buyer SIREN %q VAT %q", siren, vat)
	}
	if siren, vat := BuyerIDs(Document{}); siren != "" || vat != "" {
		t.Errorf("buyer of nothing: %q %q", siren, vat)
	}
}

func sameDigits(a, b string) bool {
	var d []rune
	for _, r := range a {
		if r >= '0' && r <= '9' {
			d = append(d, r)
		}
	}
	return string(d) == b
}
