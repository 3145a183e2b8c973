package invoice

import (
	"reflect"
	"testing"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

// TestPDFsReadOnce: the same PDF detected again (a re-send) is answered
// from memory, with the result of a fresh reading; past the bound, the
// oldest PDF is read again.
func TestPDFsReadOnce(t *testing.T) {
	facturx := makePDF(t, pdfwrite.Doc{
		Lines:       invoiceLines("F-2026-0142", "1 234,56 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: readTestdata(t, "cii-invoice.xml"), Relationship: "Data"}},
	})
	plain := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0143", "980,00 €")})
	first := sent("Facture F-2026-0142", "Bonjour, ci-joint la facture.", pdfAttachment("F-2026-0142.pdf", facturx))
	resend := sent("TR: Facture F-2026-0142", "Bonjour, je vous la renvoie.", pdfAttachment("F-2026-0142.pdf", facturx))
	other := sent("Facture F-2026-0143", "Bonjour, ci-joint la facture.", pdfAttachment("F-2026-0143.pdf", plain))

	pdfs := NewPDFs(0)
	for _, m := range []*message.Message{first, resend, first} {
		want := Detect(m, Options{})
		if got := Detect(m, Options{PDFs: pdfs}); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: remembered reading differs:\n got %+v\nwant %+v", m.Subject, got, want)
		}
	}
	// The text and the embedded files of the one PDF, once each.
	if n := pdfs.Reads(); n != 2 {
		t.Errorf("%d reads for three mails carrying one PDF, want 2", n)
	}

	small := NewPDFs(1)
	for _, m := range []*message.Message{first, other, first} {
		Detect(m, Options{PDFs: small})
	}
	if n := small.Reads(); n != 6 {
		t.Errorf("%d reads with room for one PDF, alternating two, want 6", n)
	}
}
