package invoice

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"testing"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"Facture F-2026-0142\nMontant TTC : 1 234,56 €\nDate d'échéance : 3 décembre 2026",
		"Invoice #1234\nAmount due: $1,234.56\nDue date: Dec 3, 2026\nNet 30",
		"Avoir AV-1 sur facture F-2 : 10,00 €, payable à 45 jours fin de mois",
		"Client :\n\n\n",
		"Total TTC :",
		"n° n° n° # # 1/1/1 99/99/9999 2026-13-45",
		"\x00\xff\xfe€€€ 1'2'3,4.5,6 ",
	} {
		f.Add("Facture", s)
	}
	f.Fuzz(func(t *testing.T, subject, body string) {
		m := &message.Message{
			From:    message.Address{Email: "factures@studio-martin.example"},
			To:      []message.Address{{Email: "client@example.org"}},
			Subject: subject,
			Text:    body,
		}
		r := Detect(m, Options{})
		if r.Kind != KindInvoice && r.Kind != KindCreditNote && r.Kind != KindNone {
			t.Fatalf("Kind = %q", r.Kind)
		}
		_ = Key(r)
		NeedsPDF(m)
		Thread(m, []Candidate{{ID: 1, Number: "F-2026-0142", ClientEmails: []string{"client@example.org"}, Open: true}})
	})
}

func FuzzPDF(f *testing.F) {
	xml := readTestdata(f, "cii-invoice.xml")
	f.Add(makePDF(f, pdfwrite.Doc{Lines: invoiceLines("F-2026-0142", "1 234,56 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", Data: xml, Relationship: "Data"}}}))
	f.Add(makePDF(f, pdfwrite.Doc{Lines: []string{"Facture F-1", "Total TTC : 10 €"}}))
	f.Add(objStmPDF(f, xml))
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 5 >> endobj\ntrailer << /Root << /Pages 1 0 R >> >>\nstartxref\n9\n%%EOF"))
	f.Add([]byte("%PDF-1.4\n1 0 obj <</Type/ObjStm/N 99/First 1/Filter/FlateDecode/Length 3>>stream\nabc\nendstream endobj"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := &message.Message{
			From:        message.Address{Email: "factures@studio-martin.example"},
			Subject:     "Facture",
			Attachments: []message.Attachment{pdfAttachment("f.pdf", data)},
		}
		Detect(m, Options{})
	})
}

// objStmPDF builds a PDF 1.5-style file whose file specification sits in a
// compressed object stream, as many producers write Factur-X files.
func objStmPDF(t testing.TB, xml []byte) []byte {
	t.Helper()
	deflate := func(b []byte) []byte {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(b)
		w.Close()
		return z.Bytes()
	}
	spec := "<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data /EF << /F 3 0 R >> >>"
	catalog := "<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(factur-x.xml) 2 0 R] >> >> /AF [2 0 R] >>"
	header := fmt.Sprintf("1 0 2 %d ", len(catalog)+1)
	objstm := deflate([]byte(header + catalog + " " + spec))
	file := deflate(xml)
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n", len(header), len(objstm))
	b.Write(objstm)
	b.WriteString("\nendstream\nendobj\n")
	fmt.Fprintf(&b, "3 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d >>\nstream\n", len(file))
	b.Write(file)
	b.WriteString("\nendstream\nendobj\n%%EOF\n")
	return b.Bytes()
}

func TestEmbeddedFilesInObjectStream(t *testing.T) {
	xml := readTestdata(t, "cii-invoice.xml")
	files, err := embeddedFiles(objStmPDF(t, xml))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].name != "factur-x.xml" || !bytes.Equal(files[0].data, xml) {
		t.Fatalf("files = %d, name %q", len(files), func() string {
			if len(files) > 0 {
				return files[0].name
			}
			return ""
		}())
	}
	r := Detect(sent("Facture", "Ci-joint.", pdfAttachment("f.pdf", objStmPDF(t, xml))), Options{})
	if r.Source != SourceFacturX || r.Number != "F-2026-0142" {
		t.Errorf("Source = %q, Number = %q", r.Source, r.Number)
	}
}

func TestPDFNotPanicking(t *testing.T) {
	good := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-1", "1 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", Data: readTestdata(t, "cii-invoice.xml")}}})
	// Every truncation and a sweep of corrupted bytes must be survived.
	for n := 0; n < len(good); n += 97 {
		if _, err := pdfText(good[:n]); err == nil && n < 20 {
			t.Errorf("pdfText accepted %d bytes", n)
		}
		embeddedFiles(good[:n])
	}
	for i := 0; i < len(good); i += 131 {
		bad := bytes.Clone(good)
		bad[i] ^= 0xff
		pdfText(bad)
		embeddedFiles(bad)
	}
}
