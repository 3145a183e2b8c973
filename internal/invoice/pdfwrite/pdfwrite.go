// Package pdfwrite writes small, valid PDF 1.7 documents: a few pages of
// Helvetica text, optional embedded files (the way Factur-X / ZUGFeRD attach
// their XML), and optional padding that makes a file as heavy as a real
// invoice PDF. It exists so tests, benchmarks and the demo can produce
// invoice PDFs without a dependency; it is not a general PDF library.
//
// Output is deterministic: the same Doc always yields the same bytes, so
// generated files can be compared with golden copies.
package pdfwrite

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// File is a file embedded in the PDF.
type File struct {
	Name string // file name as shown to readers, e.g. "factur-x.xml"
	MIME string // media type, e.g. "text/xml"; empty means application/octet-stream
	Data []byte
	// Relationship is the /AFRelationship of the file: "Data", "Source",
	// "Alternative", "Supplement" or "Unspecified" (the default).
	Relationship string
}

// Doc describes the document to write.
type Doc struct {
	Title       string
	Lines       []string // one text line each; non WinAnsi characters become '?'
	Attachments []File
	// PadBytes adds an incompressible image of about that many bytes, so a
	// generated invoice weighs what a scanned logo or letterhead makes real
	// ones weigh (30–120 KiB).
	PadBytes int
}

const (
	pageWidth    = 595 // A4 in points
	pageHeight   = 842
	marginLeft   = 56
	marginTop    = 60
	fontSize     = 11
	leading      = 15
	linesPerPage = (pageHeight - 2*marginTop) / leading
	maxPadBytes  = 64 << 20
)

// Write writes d as a PDF 1.7 file to w.
func Write(w io.Writer, d Doc) error {
	if d.PadBytes < 0 || d.PadBytes > maxPadBytes {
		return fmt.Errorf("pdfwrite: PadBytes %d out of range [0, %d]", d.PadBytes, maxPadBytes)
	}
	for _, f := range d.Attachments {
		if f.Name == "" {
			return errors.New("pdfwrite: attachment without a name")
		}
		switch f.Relationship {
		case "", "Data", "Source", "Alternative", "Supplement", "Unspecified":
		default:
			return fmt.Errorf("pdfwrite: attachment %q: unknown relationship %q", f.Name, f.Relationship)
		}
	}

	b := &builder{}
	b.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

	// Object numbers are fixed up front so that forward references are
	// known while writing in order.
	const (
		catalogID = 1
		pagesID   = 2
		fontID    = 3
		infoID    = 4
	)
	next := 5
	alloc := func() int { n := next; next++; return n }

	pages := paginate(d.Lines)
	pageIDs := make([]int, len(pages))
	contentIDs := make([]int, len(pages))
	for i := range pages {
		pageIDs[i] = alloc()
		contentIDs[i] = alloc()
	}
	imageID := 0
	if d.PadBytes > 0 {
		imageID = alloc()
	}
	specIDs := make([]int, len(d.Attachments))
	fileIDs := make([]int, len(d.Attachments))
	for i := range d.Attachments {
		specIDs[i] = alloc()
		fileIDs[i] = alloc()
	}
	metaID := 0
	if len(d.Attachments) > 0 {
		metaID = alloc()
	}

	// Catalog.
	var cat strings.Builder
	fmt.Fprintf(&cat, "<< /Type /Catalog /Pages %d 0 R", pagesID)
	if len(d.Attachments) > 0 {
		// The name tree must be sorted by key; attachments are few, so a
		// single leaf node holds them all.
		order := sortedByName(d.Attachments)
		cat.WriteString(" /Names << /EmbeddedFiles << /Names [")
		for _, i := range order {
			fmt.Fprintf(&cat, " %s %d 0 R", textString(d.Attachments[i].Name), specIDs[i])
		}
		cat.WriteString(" ] >> >> /AF [")
		for i := range d.Attachments {
			fmt.Fprintf(&cat, " %d 0 R", specIDs[i])
		}
		fmt.Fprintf(&cat, " ] /Metadata %d 0 R", metaID)
	}
	cat.WriteString(" >>")
	b.object(catalogID, cat.String())

	// Page tree.
	var kids strings.Builder
	for _, id := range pageIDs {
		fmt.Fprintf(&kids, " %d 0 R", id)
	}
	b.object(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s ] /Count %d >>", kids.String(), len(pageIDs)))
	b.object(fontID, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")

	var info strings.Builder
	info.WriteString("<< /Producer (relance pdfwrite)")
	if d.Title != "" {
		fmt.Fprintf(&info, " /Title %s", textString(d.Title))
	}
	info.WriteString(" >>")
	b.object(infoID, info.String())

	for i, lines := range pages {
		res := fmt.Sprintf("/Font << /F1 %d 0 R >>", fontID)
		if imageID != 0 && i == 0 {
			res += fmt.Sprintf(" /XObject << /Im1 %d 0 R >>", imageID)
		}
		b.object(pageIDs[i], fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>",
			pagesID, pageWidth, pageHeight, res, contentIDs[i]))
		content := pageContent(lines, imageID != 0 && i == 0)
		if err := b.flateStream(contentIDs[i], "", content); err != nil {
			return err
		}
	}

	if imageID != 0 {
		const width = 256
		height := (d.PadBytes + width - 1) / width
		b.rawStream(imageID, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", width, height),
			noise(width*height))
	}

	for i, f := range d.Attachments {
		rel := f.Relationship
		if rel == "" {
			rel = "Unspecified"
		}
		b.object(specIDs[i], fmt.Sprintf("<< /Type /Filespec /F %s /UF %s /AFRelationship /%s /Desc %s /EF << /F %d 0 R /UF %d 0 R >> >>",
			textString(f.Name), textString(f.Name), rel, textString(f.Name), fileIDs[i], fileIDs[i]))
		mime := f.MIME
		if mime == "" {
			mime = "application/octet-stream"
		}
		if err := b.flateStream(fileIDs[i], fmt.Sprintf("/Type /EmbeddedFile /Subtype %s /Params << /Size %d >>", pdfName(mime), len(f.Data)), f.Data); err != nil {
			return err
		}
	}
	if metaID != 0 {
		b.rawStream(metaID, "/Type /Metadata /Subtype /XML", xmp(d))
	}

	b.finish(next, catalogID, infoID)
	_, err := w.Write(b.buf.Bytes())
	if err != nil {
		return fmt.Errorf("pdfwrite: write: %w", err)
	}
	return nil
}

type builder struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (b *builder) begin(id int) {
	if b.offsets == nil {
		b.offsets = make(map[int]int)
	}
	b.offsets[id] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n", id)
}

func (b *builder) object(id int, body string) {
	b.begin(id)
	b.buf.WriteString(body)
	b.buf.WriteString("\nendobj\n")
}

func (b *builder) rawStream(id int, dict string, data []byte) {
	b.begin(id)
	fmt.Fprintf(&b.buf, "<< %s /Length %d >>\nstream\n", dict, len(data))
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
}

func (b *builder) flateStream(id int, dict string, data []byte) error {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return fmt.Errorf("pdfwrite: deflate: %w", err)
	}
	if _, err := zw.Write(data); err != nil {
		return fmt.Errorf("pdfwrite: deflate: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("pdfwrite: deflate: %w", err)
	}
	if dict != "" {
		dict += " "
	}
	b.rawStream(id, dict+"/Filter /FlateDecode", z.Bytes())
	return nil
}

func (b *builder) finish(size, rootID, infoID int) {
	xref := b.buf.Len()
	fmt.Fprintf(&b.buf, "xref\n0 %d\n0000000000 65535 f \n", size)
	for id := 1; id < size; id++ {
		fmt.Fprintf(&b.buf, "%010d 00000 n \n", b.offsets[id])
	}
	fmt.Fprintf(&b.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, rootID, infoID, xref)
}

func paginate(lines []string) [][]string {
	if len(lines) == 0 {
		return [][]string{nil}
	}
	var pages [][]string
	for len(lines) > linesPerPage {
		pages = append(pages, lines[:linesPerPage])
		lines = lines[linesPerPage:]
	}
	return append(pages, lines)
}

func pageContent(lines []string, image bool) []byte {
	var c bytes.Buffer
	if image {
		// A small logo-sized placement in the top right corner.
		fmt.Fprintf(&c, "q 96 0 0 48 %d %d cm /Im1 Do Q\n", pageWidth-marginLeft-96, pageHeight-marginTop+4)
	}
	fmt.Fprintf(&c, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", fontSize, leading, marginLeft, pageHeight-marginTop-fontSize)
	for i, l := range lines {
		if i > 0 {
			c.WriteString("T*\n")
		}
		c.WriteString(literal(winAnsi(l)))
		c.WriteString(" Tj\n")
	}
	c.WriteString("ET\n")
	return c.Bytes()
}

// noise returns n deterministic pseudo-random bytes that do not compress,
// like the pixels of a photographed logo.
func noise(n int) []byte {
	out := make([]byte, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range out {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out[i] = byte(x >> 24)
	}
	return out
}

// winAnsiHigh maps the characters of Windows-1252's 0x80–0x9F block; the
// range 0xA0–0xFF is identical to Latin-1.
func winAnsiHigh(r rune) (byte, bool) {
	switch r {
	case '€':
		return 0x80, true
	case '‚':
		return 0x82, true
	case 'ƒ':
		return 0x83, true
	case '„':
		return 0x84, true
	case '…':
		return 0x85, true
	case '†':
		return 0x86, true
	case '‡':
		return 0x87, true
	case 'ˆ':
		return 0x88, true
	case '‰':
		return 0x89, true
	case 'Š':
		return 0x8a, true
	case '‹':
		return 0x8b, true
	case 'Œ':
		return 0x8c, true
	case 'Ž':
		return 0x8e, true
	case '‘':
		return 0x91, true
	case '’':
		return 0x92, true
	case '“':
		return 0x93, true
	case '”':
		return 0x94, true
	case '•':
		return 0x95, true
	case '–':
		return 0x96, true
	case '—':
		return 0x97, true
	case '˜':
		return 0x98, true
	case '™':
		return 0x99, true
	case 'š':
		return 0x9a, true
	case '›':
		return 0x9b, true
	case 'œ':
		return 0x9c, true
	case 'ž':
		return 0x9e, true
	case 'Ÿ':
		return 0x9f, true
	}
	return 0, false
}

func winAnsi(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			out = append(out, ' ')
		case r >= 0x20 && r < 0x7f:
			out = append(out, byte(r))
		case r == 0xa0 || r == 0x202f: // no-break spaces used as French thousand separators
			out = append(out, 0xa0)
		case r > 0xa0 && r <= 0xff:
			out = append(out, byte(r))
		default:
			if c, ok := winAnsiHigh(r); ok {
				out = append(out, c)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// literal returns b as a PDF literal string.
func literal(b []byte) string {
	var s strings.Builder
	s.WriteByte('(')
	for _, c := range b {
		switch c {
		case '(', ')', '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(')')
	return s.String()
}

// textString encodes a PDF text string: ASCII as a literal, anything else as
// UTF-16BE with a byte order mark.
func textString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return literal([]byte(s))
	}
	var h strings.Builder
	h.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&h, "%04X", u)
	}
	h.WriteString(">")
	return h.String()
}

// pdfName encodes s as a PDF name, escaping delimiters as #xx.
func pdfName(s string) string {
	var n strings.Builder
	n.WriteByte('/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("#/()<>[]{}%", c) >= 0 {
			fmt.Fprintf(&n, "#%02X", c)
			continue
		}
		n.WriteByte(c)
	}
	return n.String()
}

func sortedByName(files []File) []int {
	idx := make([]int, len(files))
	for i := range idx {
		idx[i] = i
	}
	// Insertion sort: a handful of files, and no import needed for stability.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && files[idx[j]].Name < files[idx[j-1]].Name; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// xmp returns the XMP packet that announces a Factur-X document, so readers
// that look at metadata rather than the attachment list still find it.
func xmp(d Doc) []byte {
	name := d.Attachments[0].Name
	for _, f := range d.Attachments {
		if f.Relationship == "Data" || f.Relationship == "Alternative" {
			name = f.Name
			break
		}
	}
	var x strings.Builder
	x.WriteString("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	x.WriteString("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
	x.WriteString("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n")
	x.WriteString("<rdf:Description rdf:about=\"\" xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\">")
	fmt.Fprintf(&x, "<fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>%s</fx:DocumentFileName>", xmlEscape(name))
	x.WriteString("<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>\n")
	x.WriteString("</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return []byte(x.String())
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;")
	return r.Replace(s)
}
