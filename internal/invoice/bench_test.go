package invoice

import (
	"testing"

	"github.com/relance/relance/internal/invoice/pdfwrite"
)

func BenchmarkDetect(b *testing.B) {
	b.Run("body", func(b *testing.B) {
		m := sent("Facture F-2026-0142", "Bonjour Madame Dupont,\n\nVeuillez trouver ci-jointe la facture n° F-2026-0142 émise le 03/11/2026 "+
			"pour la refonte du site vitrine.\n\nMontant TTC : 1 234,56 €\nDate d'échéance : 3 décembre 2026\n"+
			"Règlement par virement (IBAN FR76 3000 6000 0112 3456 7890 189).\n\nPénalités de retard : trois fois le taux "+
			"d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 €.\n\nBien cordialement,\nBérénice Martin\nStudio Martin")
		b.ReportAllocs()
		for b.Loop() {
			if r := Detect(m, Options{}); r.Number == "" {
				b.Fatal("no number")
			}
		}
	})
	b.Run("facturx", func(b *testing.B) {
		pdf := makePDF(b, pdfwrite.Doc{
			Lines:       invoiceLines("F-2026-0142", "1 234,56 €"),
			Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: readTestdata(b, "cii-invoice.xml"), Relationship: "Data"}},
			PadBytes:    80 << 10,
		})
		m := sent("Facture F-2026-0142", "Bonjour, ci-joint la facture.", pdfAttachment("F-2026-0142.pdf", pdf))
		b.SetBytes(int64(len(pdf)))
		b.ReportAllocs()
		for b.Loop() {
			if r := Detect(m, Options{}); r.Source != SourceFacturX {
				b.Fatalf("Source = %q", r.Source)
			}
		}
	})
}
