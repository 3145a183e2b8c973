package message

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// build turns a header and the leaf parts of a mail into a Message. Parse
// and Assemble both end here, which is what makes their results equal.
func build(h rawHeader, parts []Part, opt Options, depth int, b *budget, problems []string) *Message {
	m := &Message{Problems: problems}
	m.Header = make(map[string][]string, len(h))
	for _, f := range h {
		m.Header[f.name] = append(m.Header[f.name], decodeHeaderText(f.value))
	}
	if ids := parseMsgIDs(h.get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = parseMsgIDs(h.get("In-Reply-To"))
	m.References = parseMsgIDs(h.get("References"))
	from := parseAddressList(h.get("From"))
	if len(from) == 0 {
		from = parseAddressList(h.get("Sender"))
	}
	if len(from) > 0 {
		m.From = from[0]
	} else if raw := h.get("From"); raw != "" {
		// "MAILER-DAEMON <>" and the like: keep who it claims to be.
		name := raw
		if i := strings.IndexByte(name, '<'); i >= 0 {
			name = name[:i]
		}
		m.From = Address{Name: cleanName(name)}
	}
	m.ReplyTo = parseAddressList(h.get("Reply-To"))
	m.To = parseAddressList(h.get("To"))
	m.Cc = parseAddressList(h.get("Cc"))
	m.Subject = decodeHeaderText(h.get("Subject"))
	if d := h.get("Date"); d != "" {
		m.Date = parseDate(d)
		if m.Date.IsZero() {
			m.addProblem(nil, "unparseable date %q", clip(d, 60))
		}
	}

	topType, topParams := mediaType(h.get("Content-Type"))
	bd := &bodyBuilder{m: m, opt: opt, depth: depth, budget: b, single: len(parts) == 1}
	for i := range parts {
		bd.part(&parts[i])
	}
	bd.finish(topType, topParams)
	if len(m.Problems) > maxProblems {
		more := len(m.Problems) - maxProblems
		m.Problems = append(m.Problems[:maxProblems:maxProblems], fmt.Sprintf("%d more problems not listed", more))
	}
	return m
}

// maxProblems bounds Message.Problems: a hostile mail can produce one per
// part, and the list is for people to read.
const maxProblems = 50

func (m *Message) addProblem(path []int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if len(path) > 0 {
		msg = "part " + section(path) + ": " + msg
	}
	m.Problems = append(m.Problems, msg)
}

type bodyBuilder struct {
	m        *Message
	opt      Options
	depth    int
	budget   *budget
	single   bool // the mail has one part: a named text part is still its body
	plain    []string
	html     []string
	bodySeen bool // a readable body part came before
	origID   string
	origSubj string
	origSeen bool
}

func partFilename(p *Part) string {
	name := p.DispositionParams["filename"]
	if name == "" {
		name = p.Params["name"]
	}
	if name == "" {
		return ""
	}
	name = decodeHeaderText(name)
	// Keep only the base name: some mailers send full client paths.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	return name
}

func isStatusType(mt string) bool {
	switch mt {
	case "message/delivery-status", "message/global-delivery-status", "text/delivery-status",
		"message/disposition-notification", "message/global-disposition-notification":
		return true
	}
	return false
}

func isHeadersType(mt string) bool {
	return mt == "text/rfc822-headers" || mt == "message/rfc822-headers" || mt == "message/global-headers"
}

func isMessageType(mt string) bool {
	return mt == "message/rfc822" || mt == "message/global"
}

func (bd *bodyBuilder) part(p *Part) {
	mt := p.MediaType
	filename := partFilename(p)
	if p.Body == nil {
		bd.m.Attachments = append(bd.m.Attachments, Attachment{
			Filename: filename, ContentType: mt, Size: p.Size, Section: section(p.Path), Missing: true,
		})
		return
	}
	switch {
	case isStatusType(mt):
		text := bd.text(p, "")
		if !startsWithField(text) {
			// Human-readable text mislabelled as a status part.
			bd.plain = append(bd.plain, text)
			bd.bodySeen = true
			return
		}
		bd.report(reportTypeOf(mt), text, p.Path)
		return
	case isHeadersType(mt):
		text := bd.text(p, "")
		h, _, _ := readHeader([]byte(text), bd.opt.MaxHeaderBytes)
		bd.original(decodeFirstID(h), decodeHeaderText(h.get("Subject")))
		return
	case isMessageType(mt):
		bd.embedded(p, filename)
		return
	case (mt == "text/plain" || mt == "text/html") && p.Disposition != "attachment" && (filename == "" || bd.single):
		bd.body(p)
		return
	}
	bd.attachment(p, filename)
}

func decodeFirstID(h rawHeader) string {
	if ids := parseMsgIDs(h.get("Message-Id")); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func reportTypeOf(mt string) string {
	if strings.Contains(mt, "disposition-notification") {
		return "disposition-notification"
	}
	return "delivery-status"
}

// text decodes a textual part to clean UTF-8. charset overrides the
// declared one when non-empty.
func (bd *bodyBuilder) text(p *Part, charset string) string {
	decoded, prob := decodeTransfer(p.Encoding, p.Body)
	if prob != "" {
		bd.m.addProblem(p.Path, "%s", prob)
	}
	if charset == "" {
		charset = p.Params["charset"]
	}
	s, prob := decodeCharset(charset, decoded)
	if prob != "" {
		bd.m.addProblem(p.Path, "%s", prob)
	}
	return cleanText(s)
}

var metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)`)

func (bd *bodyBuilder) body(p *Part) {
	limit := bd.opt.MaxTextBytes
	if p.MediaType == "text/html" {
		// Markup outweighs text; the converted text is checked again.
		limit *= 4
	}
	if decodedSize(p.Encoding, p.Body) > limit {
		bd.m.addProblem(p.Path, "%s body larger than %d bytes, skipped", p.MediaType, limit)
		bd.bodySeen = true
		return
	}
	if p.MediaType == "text/html" {
		cs := p.Params["charset"]
		if cs == "" {
			head := p.Body[:min(len(p.Body), 2048)]
			if mm := metaCharsetRe.FindSubmatch(head); mm != nil {
				cs = string(mm[1])
			}
		}
		bd.html = append(bd.html, bd.text(p, cs))
		bd.bodySeen = true
		return
	}
	t := bd.text(p, "")
	if bd.bodySeen && looksLikeDSN(t) {
		// A delivery-status part labelled text/plain.
		bd.report("delivery-status", t, p.Path)
		return
	}
	if strings.EqualFold(p.Params["format"], "flowed") {
		t = unflow(t, strings.EqualFold(p.Params["delsp"], "yes"))
	}
	bd.plain = append(bd.plain, t)
	bd.bodySeen = true
}

func isPDF(mt, filename string) bool {
	if mt == "application/pdf" || mt == "application/x-pdf" || mt == "application/acrobat" {
		return true
	}
	return strings.HasSuffix(strings.ToLower(filename), ".pdf")
}

func isXML(mt, filename string) bool {
	if mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml") {
		return true
	}
	return strings.HasSuffix(strings.ToLower(filename), ".xml")
}

func (bd *bodyBuilder) attachment(p *Part, filename string) {
	a := Attachment{Filename: filename, ContentType: p.MediaType, Section: section(p.Path)}
	if !isPDF(p.MediaType, filename) && !isXML(p.MediaType, filename) {
		a.Size = decodedSize(p.Encoding, p.Body)
		bd.m.Attachments = append(bd.m.Attachments, a)
		return
	}
	size := decodedSize(p.Encoding, p.Body)
	if size > bd.opt.MaxAttachmentBytes {
		a.Size = size
		a.Truncated = true
		bd.m.addProblem(p.Path, "attachment larger than %d bytes, data not kept", bd.opt.MaxAttachmentBytes)
		bd.m.Attachments = append(bd.m.Attachments, a)
		return
	}
	data, prob := decodeTransfer(p.Encoding, p.Body)
	if prob != "" {
		bd.m.addProblem(p.Path, "%s", prob)
	}
	a.Size = len(data)
	a.Data = data
	switch normalizeEncoding(p.Encoding) {
	case "base64", "quoted-printable":
	default:
		// Identity encodings alias the input buffer; the Message must own
		// its data.
		a.Data = bytes.Clone(data)
	}
	bd.m.Attachments = append(bd.m.Attachments, a)
}

// decodedSize computes the decoded size without keeping the bytes: exact
// for identity and base64, decoded for quoted-printable (rare on large
// binary parts).
func decodedSize(enc string, raw []byte) int {
	switch normalizeEncoding(enc) {
	case "base64":
		n := 0
		for _, c := range raw {
			if base64Values[c] != 0xff {
				n++
			}
		}
		// Padding ends quanta early only in concatenated blobs; the
		// common case is one trailing quantum.
		full := n / 4 * 3
		switch n % 4 {
		case 2:
			full++
		case 3:
			full += 2
		}
		if hasInnerPadding(raw) {
			out, _ := decodeBase64(raw)
			return len(out)
		}
		return full
	case "quoted-printable":
		out, _ := decodeQP(raw)
		return len(out)
	}
	return len(raw)
}

// hasInnerPadding reports "=" followed later by more base64 data.
func hasInnerPadding(raw []byte) bool {
	i := strings.IndexByte(string(raw), '=')
	if i < 0 {
		return false
	}
	for _, c := range raw[i:] {
		if c != '=' && base64Values[c] != 0xff {
			return true
		}
	}
	return false
}

func (bd *bodyBuilder) embedded(p *Part, filename string) {
	data, prob := decodeTransfer(p.Encoding, p.Body)
	if prob != "" {
		bd.m.addProblem(p.Path, "%s", prob)
	}
	a := Attachment{Filename: filename, ContentType: p.MediaType, Size: len(data), Section: section(p.Path)}
	bd.m.Attachments = append(bd.m.Attachments, a)
	if bd.depth+1 >= bd.opt.MaxDepth {
		bd.m.addProblem(p.Path, "attached message nested deeper than %d, not parsed", bd.opt.MaxDepth)
		return
	}
	data = skipMboxFrom(normalizeNewlines(data))
	if len(strings.TrimSpace(string(data[:min(len(data), 512)]))) == 0 {
		return
	}
	sub := parseBytes(data, bd.opt, bd.depth+1, bd.budget, nil)
	bd.m.Embedded = append(bd.m.Embedded, sub)
	bd.original(sub.MessageID, sub.Subject)
}

// original records the first original-message identity seen (from an
// attached message or a text/rfc822-headers part).
func (bd *bodyBuilder) original(id, subject string) {
	if bd.origSeen {
		return
	}
	bd.origSeen = true
	bd.origID, bd.origSubj = id, subject
}

func (bd *bodyBuilder) finish(topType string, topParams map[string]string) {
	m := bd.m
	text := joinTexts(bd.plain)
	if strings.TrimSpace(text) == "" && len(bd.html) > 0 {
		var conv []string
		for _, h := range bd.html {
			conv = append(conv, htmlToText(h, bd.opt.MaxTextBytes+1))
		}
		text = joinTexts(conv)
	}
	if len(text) > bd.opt.MaxTextBytes {
		m.addProblem(nil, "text body larger than %d bytes, skipped", bd.opt.MaxTextBytes)
		text = ""
	}
	// No-break spaces (French typography puts them before ":" and inside
	// amounts) become plain spaces so pattern matching downstream sees
	// "a écrit :" and "1 250,00 €" as typed.
	m.Text = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(text)
	if len(bd.html) > 0 {
		m.HTML = bd.html[0]
	}
	if topType == "multipart/report" && (m.Report == nil || m.Report.Action == "") {
		// A report whose status part went missing (broken MIME read as
		// text) often still carries the status fields in its text.
		if i := dsnStart(text); i >= 0 && looksLikeDSN(text[i:]) {
			bd.report("delivery-status", text[i:], nil)
		}
	}
	if m.Report == nil && topType == "multipart/report" {
		m.Report = &Report{Type: strings.ToLower(topParams["report-type"])}
	}
	if m.Report != nil && bd.origSeen {
		if m.Report.OriginalMessageID == "" {
			m.Report.OriginalMessageID = bd.origID
		}
		m.Report.OriginalSubject = bd.origSubj
	}
}

func joinTexts(parts []string) string {
	var kept []string
	for _, p := range parts {
		p = strings.TrimRight(strings.TrimLeft(p, "\n"), " \t\n")
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n")
}

// unflow joins the soft-broken lines of format=flowed text (RFC 3676).
func unflow(s string, delsp bool) string {
	var out strings.Builder
	var cur strings.Builder
	curDepth := -1
	emit := func() {
		if curDepth < 0 {
			return
		}
		if curDepth > 0 {
			out.WriteString(strings.Repeat(">", curDepth))
			out.WriteByte(' ')
		}
		out.WriteString(cur.String())
		out.WriteByte('\n')
		cur.Reset()
		curDepth = -1
	}
	for _, line := range strings.Split(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ")
		if curDepth >= 0 && depth != curDepth {
			emit()
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delsp {
			content = content[:len(content)-1]
		}
		curDepth = depth
		cur.WriteString(content)
		if !flowed {
			emit()
		}
	}
	emit()
	return strings.TrimSuffix(out.String(), "\n")
}
