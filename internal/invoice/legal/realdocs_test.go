package legal

import (
	"strings"
	"testing"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/testing/testutil/realdocs"
)

// TestRealFacturX reads Factur-X and ZUGFeRD PDFs made by other software:
// line allowances, prices per several units and VAT stated in two
// currencies are read without a false arithmetic finding, and the real
// two-cent error of one sample is found.
func TestRealFacturX(t *testing.T) {
	want := map[string]string{
		"Avoir_FR_type381_BASIC.pdf":                      "ligne / line 1: 5 × 4.10 = 20.50 ≠ 20.48",
		"zugferd_2p0_EXTENDED_Fremdwaehrung.pdf":          "",
		"zugferd_2p0_EN16931_Miete.pdf":                   "",
		"Facture_FR_BASICWL.pdf":                          "",
		"MustangGnuaccountingBeispielRE-20201121_508.pdf": "",
	}
	seen := 0
	for _, d := range realdocs.Docs {
		wantDetail, ok := want[d.Name()]
		if !ok {
			continue
		}
		seen++
		data, err := d.Read()
		if err != nil {
			t.Fatal(err)
		}
		m := &message.Message{Subject: "Votre facture", Text: "Bonjour, ci-joint votre facture.",
			Attachments: []message.Attachment{{Filename: d.Name(), ContentType: "application/pdf", Size: len(data), Data: data}}}
		doc := FromMessage(m, invoice.Detect(m, invoice.Options{DefaultCurrency: "EUR"}))
		if doc.XML == nil {
			t.Errorf("%s: the embedded XML was not read", d.Name())
			continue
		}
		var arith []string
		for _, f := range Check(doc, Business, "") {
			switch f.Kind {
			case LineTotalWrong, LinesSumWrong, VATAmountWrong, TotalInclWrong:
				arith = append(arith, f.Detail)
			}
		}
		if got := strings.Join(arith, "; "); got != wantDetail {
			t.Errorf("%s: arithmetic findings %q, want %q", d.Name(), got, wantDetail)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d documents found in realdocs", seen, len(want))
	}
}
