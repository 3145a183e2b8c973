package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// This file builds raw mails by hand rather than with a MIME writer: the
// sample month imitates what different mail programs really emit (their
// boundaries, header order, transfer encodings, quoting), which a generic
// writer would flatten, and everything must be byte-for-byte deterministic.

// Transfer encodings of leaf parts.
const (
	cte8bit   = "8bit"
	cte7bit   = "7bit"
	cteQP     = "quoted-printable"
	cteBase64 = "base64"
)

type field struct{ name, value string }

// part is a MIME entity: a leaf with an encoded body, or a multipart.
type part struct {
	header   []field
	body     []byte // encoded, CRLF line ends; leaves only
	boundary string
	preamble string
	children []*part
}

func (p *part) add(name, value string) *part {
	p.header = append(p.header, field{name, value})
	return p
}

// textPart is a text/* leaf in UTF-8. flowed adds format=flowed, as
// Thunderbird and Apple Mail do for plain text.
func textPart(subtype, text, cte string, flowed bool) *part {
	ct := "text/" + subtype + "; charset=utf-8"
	if flowed {
		ct = "text/" + subtype + "; charset=utf-8; format=flowed"
	}
	p := &part{}
	p.add("Content-Type", ct)
	p.add("Content-Transfer-Encoding", cte)
	p.body = encodeBody([]byte(text), cte)
	return p
}

// attachmentPart is a base64 attachment. Non-ASCII file names are given both
// ways, RFC 2231 and RFC 2047, as common mailers do.
func attachmentPart(mediaType, filename string, data []byte) *part {
	p := &part{}
	name := quoteParam(filename)
	if !isASCII(filename) {
		name = `"` + mime.BEncoding.Encode("utf-8", filename) + `"`
	}
	p.add("Content-Type", mediaType+"; name="+name)
	disp := "attachment; filename=" + name
	if !isASCII(filename) {
		disp = "attachment; filename*=utf-8''" + rfc2231Escape(filename)
	}
	p.add("Content-Disposition", disp)
	p.add("Content-Transfer-Encoding", cteBase64)
	p.body = encodeBody(data, cteBase64)
	return p
}

// rawPart is a leaf whose body is already in its final form (delivery
// status and disposition notification fields).
func rawPart(contentType, body string) *part {
	p := &part{}
	p.add("Content-Type", contentType)
	p.body = crlf([]byte(body))
	return p
}

func multipartPart(subtype, boundary string, children ...*part) *part {
	p := &part{boundary: boundary, children: children}
	p.add("Content-Type", "multipart/"+subtype+"; boundary=\""+boundary+"\"")
	return p
}

func (p *part) writeTo(b *bytes.Buffer) {
	for _, f := range p.header {
		b.WriteString(foldHeader(f.name, f.value))
	}
	b.WriteString("\r\n")
	if p.boundary == "" {
		b.Write(p.body)
		return
	}
	if p.preamble != "" {
		b.WriteString(p.preamble)
		b.WriteString("\r\n")
	}
	for _, c := range p.children {
		b.WriteString("\r\n--" + p.boundary + "\r\n")
		c.writeTo(b)
	}
	b.WriteString("\r\n--" + p.boundary + "--\r\n")
}

// render writes a whole message: the envelope headers, then the body
// entity with its own Content-* headers.
func render(headers []field, body *part) []byte {
	var b bytes.Buffer
	for _, f := range headers {
		b.WriteString(foldHeader(f.name, f.value))
	}
	body.writeTo(&b)
	return b.Bytes()
}

func encodeBody(data []byte, cte string) []byte {
	switch cte {
	case cteQP:
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		w.Write(crlf(data)) // a bytes.Buffer cannot fail
		w.Close()
		return crlf(ensureNewline(b.Bytes()))
	case cteBase64:
		enc := base64.StdEncoding.EncodeToString(data)
		var b bytes.Buffer
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n")
		return b.Bytes()
	default:
		return crlf(ensureNewline(data))
	}
}

func ensureNewline(b []byte) []byte {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return append(append([]byte(nil), b...), '\n')
	}
	return b
}

// crlf turns any mix of LF and CRLF line ends into CRLF.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// foldHeader writes one header field, folded at spaces so that lines stay
// within 78 characters where the value allows it (RFC 5322 2.2.3).
func foldHeader(name, value string) string {
	const limit = 78
	line := name + ": " + value
	if len(line) <= limit {
		return line + "\r\n"
	}
	var b strings.Builder
	words := strings.Split(value, " ")
	cur := name + ":"
	for _, w := range words {
		if len(cur)+1+len(w) > limit && strings.TrimSpace(cur) != name+":" {
			b.WriteString(cur)
			b.WriteString("\r\n")
			cur = ""
		}
		cur += " " + w
	}
	b.WriteString(cur)
	b.WriteString("\r\n")
	return b.String()
}

// encodeText encodes an unstructured header value (Subject) with RFC 2047
// where it is not ASCII. Outlook uses B, most others Q.
func encodeText(s string, b64 bool) string {
	if isASCII(s) {
		return s
	}
	if b64 {
		return mime.BEncoding.Encode("utf-8", s)
	}
	return mime.QEncoding.Encode("utf-8", s)
}

// addr formats one mailbox as mail programs do: a plain phrase when it is
// made of atoms, quoted when it has specials, RFC 2047 when not ASCII.
func addr(p person) string {
	switch {
	case p.name == "":
		return p.email
	case !isASCII(p.name):
		// RFC 2047 5(3): a Q-encoded word in a phrase may only carry
		// letters, digits and !*+-/=_ literally; Go's encoder leaves other
		// specials as they are, so B-encode names that have them.
		if strings.ContainsAny(p.name, "&'()<>,;:\".[]@#$%^{}|~`") {
			return mime.BEncoding.Encode("utf-8", p.name) + " <" + p.email + ">"
		}
		return mime.QEncoding.Encode("utf-8", p.name) + " <" + p.email + ">"
	case isPhrase(p.name):
		return p.name + " <" + p.email + ">"
	default:
		return (&mail.Address{Name: p.name, Address: p.email}).String()
	}
}

// plainAddr is a mailbox as a person reads it, for quoted history.
func plainAddr(p person) string {
	if p.name == "" {
		return p.email
	}
	return p.name + " <" + p.email + ">"
}

// isPhrase reports whether s is a sequence of RFC 5322 atoms.
func isPhrase(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 {
			continue
		}
		return false
	}
	return !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ")
}

func addrList(ps ...person) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = addr(p)
	}
	return strings.Join(out, ", ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func quoteParam(s string) string {
	if strings.ContainsAny(s, " ()<>@,;:\\\"/[]?=") {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
	}
	return s
}

func rfc2231Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// digest derives stable pseudo-random material (Message-IDs, boundaries)
// from a label, so the sample month is identical for identical input.
func digest(label string) string {
	sum := sha256.Sum256([]byte(label))
	return hex.EncodeToString(sum[:])
}

func rfc5322Date(t time.Time) string {
	return t.Format("Mon, 02 Jan 2006 15:04:05 -0700")
}

// wrapText hard-wraps paragraphs at width columns, for 8bit bodies whose
// senders wrap lines themselves. Quoted lines and short lines are kept.
func wrapText(text string, width int) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(line) <= width || strings.HasPrefix(line, ">") {
			out = append(out, line)
			continue
		}
		var cur string
		for _, w := range strings.Fields(line) {
			if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
				out = append(out, cur)
				cur = w
				continue
			}
			if cur == "" {
				cur = w
			} else {
				cur += " " + w
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// textToHTML renders a plain body as the minimal HTML that webmail and
// invoicing programs send alongside it.
func textToHTML(text string) string {
	var b strings.Builder
	b.WriteString("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>\n<div style=\"font-family:Arial,sans-serif;font-size:14px\">\n")
	for _, para := range strings.Split(text, "\n\n") {
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			b.WriteString(htmlEscape(line))
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</div>\n</body></html>\n")
	return b.String()
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}
