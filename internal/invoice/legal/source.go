package legal

import (
	"bytes"
	"strings"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
)

// FromMessage builds the Document of a sent invoice from its mail and from
// what invoice.Detect found in it: the first CII XML (an attachment, or the
// Factur-X file embedded in a PDF), the text of the first readable PDF, the
// body, and the sources' disagreements.
func FromMessage(m *message.Message, r invoice.Result) Document {
	var doc Document
	if m == nil {
		return doc
	}
	doc.Body = m.Text
	doc.Disagreements = append([]string(nil), r.Disagreements...)
	for _, a := range m.Attachments {
		if a.Data == nil {
			continue
		}
		switch {
		case isPDF(a):
			if doc.PDFText == "" {
				if t, err := invoice.PDFText(a.Data); err == nil {
					doc.PDFText = t
				}
			}
			if doc.XML == nil {
				for _, x := range invoice.EmbeddedXML(a.Data) {
					if isCII(x) {
						doc.XML = x
						break
					}
				}
			}
		case doc.XML == nil && isCII(a.Data):
			doc.XML = a.Data
		}
	}
	return doc
}

func isPDF(a message.Attachment) bool {
	return a.ContentType == "application/pdf" || strings.HasSuffix(strings.ToLower(a.Filename), ".pdf")
}

// isCII tells a CII invoice from other XML (UBL is read from its PDF text).
func isCII(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("CrossIndustryInvoice"))
}
