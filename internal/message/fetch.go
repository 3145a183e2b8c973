package message

import "strings"

// maxEmbeddedFetch bounds an attached message fetched in the first pass:
// the original of a bounce is small; a forwarded mail with its own
// attachments is fetched on demand instead.
const maxEmbeddedFetch = 1 << 20

// NeedsBody tells the IMAP layer whether to fetch a part's body in the
// first pass, from its BODYSTRUCTURE alone: readable text, XML invoices,
// delivery reports and the headers or small original of a bounced message.
// PDFs are left for a second pass, when nothing else gave the invoice
// facts (call Assemble again with their bodies then).
func NeedsBody(p Part, opt Options) bool {
	opt = opt.withDefaults()
	mt := strings.ToLower(p.MediaType)
	disp := normalizeDisposition(p.Disposition)
	filename := partFilename(&p)
	// Announced sizes are of the encoded form: base64 adds a third.
	encodedLimit := func(decoded int) int { return decoded/3*4 + decoded/3 + 1024 }
	switch {
	case isStatusType(mt), isHeadersType(mt):
		return true
	case isMessageType(mt):
		return p.Size <= maxEmbeddedFetch
	case (mt == "text/plain" || mt == "text/html") && disp != "attachment" && filename == "":
		return p.Size <= encodedLimit(opt.MaxTextBytes*4)
	case isXML(mt, filename):
		return p.Size <= encodedLimit(opt.MaxAttachmentBytes)
	}
	return false
}
