package legal

import (
	"bytes"
	"strings"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
)

// FromMessage builds the Document of a sent invoice from its mail and from
// what invoice.Detect found in it: the first CII or UBL invoice XML (an
// attachment, or the Factur-X file embedded in a PDF), the text of the first readable PDF, the
// body, and the sources' disagreements.
func FromMessage(m *message.Message, r invoice.Result) Document {
	return FromMessageWith(m, r, nil)
}

// FromMessageWith is FromMessage reading the PDFs through pdfs, which
// remembers what discovery already read of them (nil: read again).
func FromMessageWith(m *message.Message, r invoice.Result, pdfs *invoice.PDFs) Document {
	var doc Document
	if m == nil {
		return doc
	}
	doc.Body = m.Text
	doc.Disagreements = append([]string(nil), r.Disagreements...)
	for _, a := range m.Attachments {
		if isPDF(a) && (a.Data == nil || a.Truncated) {
			doc.Unfetched = true
		}
		if a.Data == nil {
			continue
		}
		switch {
		case isPDF(a):
			if doc.PDFText == "" {
				if t, err := pdfs.Text(a.Data); err == nil {
					doc.PDFText = t
				}
			}
			if doc.XML == nil {
				for _, x := range pdfs.EmbeddedXML(a.Data) {
					if isStructured(x) {
						doc.XML = x
						break
					}
				}
			}
		case doc.XML == nil && isStructured(a.Data):
			doc.XML = a.Data
		}
	}
	return doc
}

func isPDF(a message.Attachment) bool {
	return a.ContentType == "application/pdf" || strings.HasSuffix(strings.ToLower(a.Filename), ".pdf")
}

// isStructured tells a CII or UBL invoice from other XML.
func isStructured(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("CrossIndustryInvoice")) || bytes.Contains(head, []byte(nsUBL))
}

// BuyerIDs returns the SIREN and VAT number the invoice gives its buyer
// (its XML first, then its PDF and its mail's words), "" when it gives
// none: the hand-over file states them for the debtor. Names and
// addresses are not returned: the text reader folds their case and accents.
func BuyerIDs(doc Document) (siren, vat string) {
	f, _ := read(doc)
	return f.buyer.siren, strings.ToUpper(f.buyer.vat)
}
