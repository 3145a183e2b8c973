package invoice

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// embeddedFile is a file found inside a PDF.
type embeddedFile struct {
	name string // from the file specification, "" when it could not be tied
	data []byte
}

// Limits for reading PDFs; a real invoice stays far below all of them.
const (
	maxPDFObjects   = 20000
	maxObjStmBytes  = 4 << 20
	maxPDFPages     = 50
	maxPDFTextBytes = 1 << 20
	// maxPDFContentBytes bounds the decoded page content read for text,
	// over all pages. A small FlateDecode stream can inflate to gigabytes;
	// the text kept is bounded anyway, but reading it would cost minutes.
	maxPDFContentBytes = 16 << 20
)

var (
	reLength    = regexp.MustCompile(`/Length\s+(\d{1,10})(\s+\d+\s+R)?`)
	reEFRef     = regexp.MustCompile(`/EF\s*<<[^>]*?/(?:UF|F)\s+(\d{1,10})\s+\d{1,5}\s+R`)
	reFlateAbbr = regexp.MustCompile(`/Filter\s*/Fl\b`)
	reFirst     = regexp.MustCompile(`/First\s+(\d{1,9})\b`)
	reN         = regexp.MustCompile(`/N\s+(\d{1,9})\b`)
	reEmbedded  = regexp.MustCompile(`/EmbeddedFile\b`)
)

// pdfObject is one indirect object of a PDF, read without the xref table.
type pdfObject struct {
	num    int
	dict   []byte // the text before "stream", or the whole body
	stream []byte // raw (still encoded) stream data, nil when none
}

// scanPDFObjects finds the indirect objects of a PDF by their "N G obj"
// headers instead of trusting the xref table. Real-world invoices are
// often incrementally updated or carry broken offsets, and the embedded
// XML is what matters; objects inside object streams are expanded too.
func scanPDFObjects(data []byte) []pdfObject {
	var objs []pdfObject
	locs := objHeaders(data)
	for i, loc := range locs {
		start := loc.end
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1].start
		}
		body := data[start:end]
		if e := bytes.Index(body, []byte("endobj")); e >= 0 {
			// "endobj" may occur inside binary stream data; only trust it
			// before the stream keyword.
			if s := bytes.Index(body, []byte("stream")); s < 0 || e < s {
				body = body[:e]
			}
		}
		obj := pdfObject{num: loc.num, dict: body}
		if s := bytes.Index(body, []byte("stream")); s >= 0 {
			obj.dict = body[:s]
			raw := body[s+len("stream"):]
			if bytes.HasPrefix(raw, []byte("\r\n")) {
				raw = raw[2:]
			} else if len(raw) > 0 && (raw[0] == '\n' || raw[0] == '\r') {
				raw = raw[1:]
			}
			obj.stream = streamBytes(obj.dict, raw)
		}
		objs = append(objs, obj)
	}
	return objs
}

type objHeader struct{ num, start, end int }

// objHeaders finds "N G obj" headers by scanning for the keyword and
// reading the two integers before it: a regular expression over a PDF's
// binary streams costs far more.
func objHeaders(data []byte) []objHeader {
	var out []objHeader
	isSpace := func(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0 }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; len(out) < maxPDFObjects; {
		k := bytes.Index(data[i:], []byte("obj"))
		if k < 0 {
			break
		}
		k += i
		i = k + 3
		if k+3 < len(data) && !isSpace(data[k+3]) && !strings.ContainsRune("<[(/%", rune(data[k+3])) {
			continue // "objstm" or other words
		}
		j := k - 1
		if j < 0 || !isSpace(data[j]) {
			continue
		}
		for j >= 0 && isSpace(data[j]) {
			j--
		}
		genEnd := j + 1
		for j >= 0 && isDigit(data[j]) {
			j--
		}
		if j+1 == genEnd || genEnd-(j+1) > 5 || j < 0 || !isSpace(data[j]) {
			continue
		}
		for j >= 0 && isSpace(data[j]) {
			j--
		}
		numEnd := j + 1
		for j >= 0 && isDigit(data[j]) {
			j--
		}
		if j+1 == numEnd || numEnd-(j+1) > 10 {
			continue
		}
		num, err := strconv.Atoi(string(data[j+1 : numEnd]))
		if err != nil {
			continue
		}
		out = append(out, objHeader{num: num, start: j + 1, end: k + 3})
	}
	return out
}

// streamBytes cuts the stream data at /Length when it is a direct number
// that lands on "endstream", and at "endstream" otherwise.
func streamBytes(dict, raw []byte) []byte {
	if m := reLength.FindSubmatch(dict); m != nil && len(m[2]) == 0 {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n >= 0 && n <= len(raw) {
			rest := bytes.TrimLeft(raw[n:], "\r\n \t")
			if bytes.HasPrefix(rest, []byte("endstream")) {
				return raw[:n]
			}
		}
	}
	if e := bytes.LastIndex(raw, []byte("endstream")); e >= 0 {
		return bytes.TrimRight(raw[:e], "\r\n")
	}
	return raw
}

// decodeStream applies the stream's filters; only the ones producers use
// for embedded files and object streams are supported.
func decodeStream(o pdfObject, limit int) ([]byte, error) {
	dict := string(o.dict)
	flate := strings.Contains(dict, "/FlateDecode") || reFlateAbbr.MatchString(dict)
	if strings.Contains(dict, "/Filter") && !flate {
		return nil, fmt.Errorf("object %d: unsupported filter", o.num)
	}
	if strings.Contains(dict, "/Predictor") {
		return nil, fmt.Errorf("object %d: predictors are not supported", o.num)
	}
	var r io.Reader = bytes.NewReader(o.stream)
	if flate {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("object %d: inflate: %w", o.num, err)
		}
		defer zr.Close()
		r = zr
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("object %d: inflate: %w", o.num, err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("object %d: decoded stream exceeds %d bytes", o.num, limit)
	}
	return out, nil
}

// expandObjectStreams adds the objects held in /Type /ObjStm streams, where
// PDF 1.5+ writers put dictionaries such as file specifications.
func expandObjectStreams(objs []pdfObject) []pdfObject {
	out := objs
	for _, o := range objs {
		if o.stream == nil || !bytes.Contains(o.dict, []byte("/ObjStm")) {
			continue
		}
		first := intKey(o.dict, reFirst)
		n := intKey(o.dict, reN)
		if first <= 0 || n <= 0 || n > maxPDFObjects {
			continue
		}
		data, err := decodeStream(o, maxObjStmBytes)
		if err != nil || first > len(data) {
			continue
		}
		fields := strings.Fields(string(data[:first]))
		type entry struct{ num, off int }
		var entries []entry
		for i := 0; i+1 < len(fields) && len(entries) < n; i += 2 {
			num, err1 := strconv.Atoi(fields[i])
			off, err2 := strconv.Atoi(fields[i+1])
			if err1 != nil || err2 != nil || off < 0 || first+off > len(data) {
				break
			}
			entries = append(entries, entry{num, first + off})
		}
		for i, e := range entries {
			end := len(data)
			if i+1 < len(entries) && entries[i+1].off >= e.off {
				end = entries[i+1].off
			}
			out = append(out, pdfObject{num: e.num, dict: data[e.off:end]})
			if len(out) > 2*maxPDFObjects {
				return out
			}
		}
	}
	return out
}

func intKey(dict []byte, re *regexp.Regexp) int {
	if m := re.FindSubmatch(dict); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	return 0
}

// embeddedFiles returns the files embedded in a PDF: every stream of type
// /EmbeddedFile, named after the file specification pointing at it.
func embeddedFiles(data []byte) (files []embeddedFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			files, err = nil, fmt.Errorf("malformed PDF: %v", r)
		}
	}()
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\r\n\t "), []byte("%PDF-")) && !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("not a PDF")
	}
	objs := expandObjectStreams(scanPDFObjects(data))
	names := make(map[int]string)
	for _, o := range objs {
		if !bytes.Contains(o.dict, []byte("/EF")) {
			continue
		}
		m := reEFRef.FindSubmatch(o.dict)
		if m == nil {
			continue
		}
		ref, _ := strconv.Atoi(string(m[1]))
		if name := pdfStringKey(o.dict, "/UF"); name != "" {
			names[ref] = name
		} else if name := pdfStringKey(o.dict, "/F"); name != "" {
			names[ref] = name
		}
	}
	for _, o := range objs {
		if o.stream == nil || !isEmbeddedFileDict(o.dict) {
			continue
		}
		b, err := decodeStream(o, maxXMLBytes)
		if err != nil {
			continue
		}
		files = append(files, embeddedFile{name: names[o.num], data: b})
	}
	return files, nil
}

func isEmbeddedFileDict(dict []byte) bool {
	// \b keeps the catalog's /EmbeddedFiles name tree out.
	return reEmbedded.Match(dict)
}

func isNameChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune("/()<>[]{}%", rune(c))
}

// pdfStringKey returns the text string value of key in a dictionary's
// source, decoding literal and hex strings (PDFDocEncoding or UTF-16BE).
func pdfStringKey(dict []byte, key string) string {
	idx := 0
	for {
		i := bytes.Index(dict[idx:], []byte(key))
		if i < 0 {
			return ""
		}
		i += idx + len(key)
		idx = i
		if i < len(dict) && isNameChar(dict[i]) {
			continue // a longer name such as /UF when looking for /F
		}
		rest := bytes.TrimLeft(dict[i:], " \t\r\n")
		if len(rest) == 0 {
			return ""
		}
		var raw []byte
		switch rest[0] {
		case '(':
			raw = literalString(rest)
		case '<':
			if len(rest) > 1 && rest[1] == '<' {
				continue
			}
			raw = hexString(rest)
		default:
			continue
		}
		return textFromPDF(raw)
	}
}

func literalString(b []byte) []byte {
	var out []byte
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			depth++
			if depth == 1 {
				continue
			}
		case c == ')':
			depth--
			if depth == 0 {
				return out
			}
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r', '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
		if len(out) > 1024 {
			return out
		}
	}
	return out
}

func hexString(b []byte) []byte {
	var out []byte
	var hi int = -1
	for _, c := range b[1:] {
		if c == '>' {
			break
		}
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		default:
			continue
		}
		if hi < 0 {
			hi = v
			continue
		}
		out = append(out, byte(hi<<4|v))
		hi = -1
		if len(out) > 1024 {
			break
		}
	}
	if hi >= 0 {
		out = append(out, byte(hi<<4))
	}
	return out
}

func textFromPDF(raw []byte) string {
	if len(raw) >= 2 && raw[0] == 0xfe && raw[1] == 0xff {
		u := make([]uint16, 0, len(raw)/2)
		for i := 2; i+1 < len(raw); i += 2 {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		return string(utf16.Decode(u))
	}
	// PDFDocEncoding matches Latin-1 for the characters file names use.
	r := make([]rune, len(raw))
	for i, c := range raw {
		r[i] = rune(c)
	}
	return string(r)
}

// pdfText returns the text of a PDF's pages. The PDF library panics on some
// malformed input; that is contained here and reported as an error.
func pdfText(data []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("malformed PDF: %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var pages []pdf.Value
	// The page tree is walked here, bounded in depth and size, rather than
	// with the library's page lookup, which loops forever on a cyclic tree.
	var walk func(v pdf.Value, depth int)
	walk = func(v pdf.Value, depth int) {
		if depth > 16 || len(pages) >= maxPDFPages {
			return
		}
		switch v.Key("Type").Name() {
		case "Pages":
			kids := v.Key("Kids")
			for i := 0; i < kids.Len() && i < maxPDFPages && len(pages) < maxPDFPages; i++ {
				walk(kids.Index(i), depth+1)
			}
		case "Page":
			pages = append(pages, v)
		}
	}
	walk(rd.Trailer().Key("Root").Key("Pages"), 0)
	var b strings.Builder
	fonts := make(map[string]*pdf.Font)
	budget := int64(maxPDFContentBytes)
	for _, v := range pages {
		n := contentSize(v.Key("Contents"), budget)
		if n > budget {
			return "", fmt.Errorf("page content inflates beyond %d bytes: text not read", maxPDFContentBytes)
		}
		budget -= n
		p := pdf.Page{V: v}
		for _, name := range p.Fonts() {
			if _, ok := fonts[name]; !ok {
				f := p.Font(name)
				fonts[name] = &f
			}
		}
		t, err := p.GetPlainText(fonts)
		if err != nil {
			continue
		}
		b.WriteString(t)
		b.WriteString("\n")
		if b.Len() > maxPDFTextBytes {
			break
		}
	}
	return b.String(), nil
}

// contentSize measures the decoded size of a page's content (a stream or an
// array of streams), reading at most limit+1 bytes.
func contentSize(c pdf.Value, limit int64) int64 {
	var total int64
	add := func(s pdf.Value) {
		if total > limit || s.Kind() != pdf.Stream {
			return
		}
		r := s.Reader()
		defer r.Close()
		n, _ := io.Copy(io.Discard, io.LimitReader(r, limit-total+1))
		total += n
	}
	if c.Kind() == pdf.Array {
		for i := 0; i < c.Len() && total <= limit; i++ {
			add(c.Index(i))
		}
	} else {
		add(c)
	}
	return total
}

// PDFText returns the text of a PDF's pages, as Detect reads it, for checks
// that need the whole wording of the invoice rather than its facts.
func PDFText(data []byte) (string, error) { return pdfText(data) }

// EmbeddedXML returns the XML files embedded in a PDF (the Factur-X or
// ZUGFeRD data), in the order they appear.
func EmbeddedXML(data []byte) [][]byte {
	files, _ := embeddedFiles(data)
	return xmlFiles(files)
}

// xmlFiles are the embedded files that are XML.
func xmlFiles(files []embeddedFile) [][]byte {
	var out [][]byte
	for _, f := range files {
		if strings.HasSuffix(strings.ToLower(f.name), ".xml") || bytes.HasPrefix(bytes.TrimSpace(f.data), []byte("<?xml")) {
			out = append(out, f.data)
		}
	}
	return out
}
