package message

import (
	"bytes"
	"fmt"
	"strings"
)

// field is one header field as read: canonical name and the unfolded raw
// value (still RFC 2047 encoded, possibly 8-bit).
type field struct {
	name  string
	value string
}

type rawHeader []field

// get returns the raw value of the first field named name (canonical).
func (h rawHeader) get(name string) string {
	for _, f := range h {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

func (h rawHeader) has(name string) bool {
	for _, f := range h {
		if f.name == name {
			return true
		}
	}
	return false
}

// isFieldLine reports whether line looks like "Name: value": a non-empty run
// of printable ASCII other than ":" and space, then a colon (some mailers put
// blanks before the colon).
func isFieldLine(line []byte) bool {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ':' {
			break
		}
		if c <= ' ' || c >= 0x7f {
			// Allow "Name :" but not "two words:".
			j := i
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			return i > 0 && j < len(line) && line[j] == ':'
		}
		i++
	}
	return i > 0 && i < len(line)
}

func nextLine(b []byte, pos int) (line []byte, next int) {
	if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
		return b[pos : pos+i], pos + i + 1
	}
	return b[pos:], len(b)
}

// readHeader splits b (LF line ends) into its header block and body. It is
// deliberately lenient: a line that is neither a field nor a continuation
// is skipped when a field follows it, and otherwise taken as the start of
// the body (mail whose blank separator line went missing). maxBytes bounds
// the header block; fields beyond it are dropped.
func readHeader(b []byte, maxBytes int) (h rawHeader, body []byte, problems []string) {
	pos := 0
	var cur *bytes.Buffer
	var curName string
	flush := func() {
		if cur != nil {
			h = append(h, field{name: curName, value: strings.TrimSpace(cur.String())})
			cur = nil
		}
	}
	truncated := false
	// A stray blank before the very first field ("  From: x") is dropped
	// rather than taken as a continuation of nothing.
	for pos < len(b) && (b[pos] == ' ' || b[pos] == '\t') {
		line, _ := nextLine(b, pos)
		if !isFieldLine(bytes.TrimLeft(line, " \t")) {
			break
		}
		pos++
	}
	for pos < len(b) {
		line, next := nextLine(b, pos)
		if len(line) == 0 {
			pos = next
			break
		}
		if !truncated && pos > maxBytes {
			truncated = true
			flush()
			problems = append(problems, fmt.Sprintf("header larger than %d bytes, rest dropped", maxBytes))
		}
		if truncated {
			pos = next
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur.Write(line)
			}
			pos = next
			continue
		}
		if isFieldLine(line) {
			flush()
			i := bytes.IndexByte(line, ':')
			curName = canonicalKey(string(bytes.TrimSpace(line[:i])))
			cur = new(bytes.Buffer)
			cur.Write(line[i+1:])
			pos = next
			continue
		}
		// Neither field nor continuation.
		if next < len(b) {
			following, _ := nextLine(b, next)
			if isFieldLine(following) && len(h) > 0 || cur != nil && isFieldLine(following) {
				problems = append(problems, fmt.Sprintf("malformed header line %q skipped", clip(string(line), 60)))
				pos = next
				continue
			}
		}
		if cur == nil && len(h) == 0 {
			// No header at all: the whole thing is body.
			return nil, b, nil
		}
		problems = append(problems, "header not followed by a blank line")
		break
	}
	flush()
	return h, b[pos:], problems
}

// decodeHeaderText decodes a raw header value for display: raw 8-bit bytes
// are read as UTF-8 or Windows-1252, RFC 2047 encoded words in any charset
// are decoded, folding whitespace is collapsed.
func decodeHeaderText(raw string) string {
	s := decodeWords(raw)
	return collapseSpace(s)
}

func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\t\n\r") && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// decodeWords decodes RFC 2047 encoded words. Unlike mime.WordDecoder it
// joins the bytes of adjacent words of one charset before converting them
// (mailers split multibyte characters across words), accepts words with
// blanks inside, and falls back on UTF-8/Windows-1252 for unknown charsets.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return toUTF8(s)
	}
	var out strings.Builder
	var pending []byte
	pendingCharset := ""
	flushPending := func() {
		if len(pending) > 0 {
			t, _ := decodeCharset(pendingCharset, pending)
			out.WriteString(t)
			pending = pending[:0]
		}
	}
	rest := s
	gap := "" // whitespace seen after the last encoded word
	lastWasWord := false
	for len(rest) > 0 {
		i := strings.Index(rest, "=?")
		if i < 0 {
			flushPending()
			out.WriteString(gap)
			out.WriteString(toUTF8(rest))
			gap = ""
			break
		}
		cs, enc, text, end, ok := parseWord(rest[i:])
		if !ok {
			flushPending()
			out.WriteString(gap)
			gap = ""
			out.WriteString(toUTF8(rest[:i+2]))
			rest = rest[i+2:]
			lastWasWord = false
			continue
		}
		before := rest[:i]
		if lastWasWord && strings.TrimSpace(before) == "" {
			// Whitespace between adjacent encoded words is not part of
			// the text (RFC 2047 section 6.2).
			before = ""
		} else {
			flushPending()
			out.WriteString(gap)
			out.WriteString(toUTF8(before))
		}
		gap = ""
		decoded, good := decodeWordText(enc, text)
		if !good {
			flushPending()
			out.WriteString(toUTF8(rest[i : i+end]))
		} else {
			if cs != pendingCharset {
				flushPending()
				pendingCharset = cs
			}
			pending = append(pending, decoded...)
		}
		rest = rest[i+end:]
		lastWasWord = true
		// Hold back whitespace so that it is dropped if another word follows.
		j := 0
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		gap, rest = rest[:j], rest[j:]
	}
	flushPending()
	out.WriteString(gap)
	return out.String()
}

// parseWord parses "=?charset?enc?text?=" at the start of s.
func parseWord(s string) (cs, enc, text string, end int, ok bool) {
	if !strings.HasPrefix(s, "=?") {
		return "", "", "", 0, false
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 < 1 || q1 > 75 {
		return "", "", "", 0, false
	}
	q1 += 2
	if q1+2 >= len(s) || s[q1+2] != '?' {
		return "", "", "", 0, false
	}
	enc = s[q1+1 : q1+2]
	closing := strings.Index(s[q1+3:], "?=")
	if closing < 0 {
		return "", "", "", 0, false
	}
	text = s[q1+3 : q1+3+closing]
	if strings.ContainsAny(text, "\n") && len(text) > 200 {
		return "", "", "", 0, false
	}
	cs = normalizeCharset(s[2:q1])
	return cs, enc, text, q1 + 3 + closing + 2, true
}

func decodeWordText(enc, text string) ([]byte, bool) {
	switch enc {
	case "B", "b":
		out, _ := decodeBase64([]byte(text))
		return out, true
	case "Q", "q":
		b := make([]byte, 0, len(text))
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case c == '_':
				b = append(b, ' ')
			case c == '=' && i+2 < len(text):
				h, ok1 := unhex(text[i+1])
				l, ok2 := unhex(text[i+2])
				if ok1 && ok2 {
					b = append(b, h<<4|l)
					i += 2
				} else {
					b = append(b, c)
				}
			default:
				b = append(b, c)
			}
		}
		return b, true
	}
	return nil, false
}

// mediaType parses a Content-Type or Content-Disposition value leniently:
// the lower-cased value and its parameters with lower-case keys and
// decoded values. Broken parameter syntax keeps whatever can be salvaged.
func mediaType(raw string) (string, map[string]string) {
	raw = toUTF8(strings.TrimSpace(raw))
	if raw == "" {
		return "", nil
	}
	params := map[string]string{}
	value, rest, _ := strings.Cut(raw, ";")
	value = strings.ToLower(strings.TrimSpace(value))
	value = strings.Trim(value, "\"'")
	if i := strings.IndexAny(value, " \t"); i >= 0 {
		value = value[:i]
	}
	parseParams(rest, params)
	return value, params
}

// parseParams reads "k=v; k2="v 2"; k3*=utf-8”x%20y; k4*0=a; k4*1=b".
func parseParams(s string, params map[string]string) {
	type cont struct {
		parts   map[int]string
		encoded bool
	}
	conts := map[string]*cont{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\n;")
		if s == "" {
			break
		}
		eq := strings.IndexByte(s, '=')
		semi := strings.IndexByte(s, ';')
		if eq < 0 || (semi >= 0 && semi < eq) {
			// A bare word; skip it.
			if semi < 0 {
				break
			}
			s = s[semi+1:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t\n")
		var val string
		if strings.HasPrefix(s, "\"") {
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					b.WriteByte(s[i])
					continue
				}
				if s[i] == '"' {
					break
				}
				b.WriteByte(s[i])
			}
			val = b.String()
			if i < len(s) {
				s = s[i+1:]
			} else {
				s = ""
			}
			if j := strings.IndexByte(s, ';'); j >= 0 {
				s = s[j:]
			} else {
				s = ""
			}
		} else {
			j := strings.IndexByte(s, ';')
			if j < 0 {
				val, s = s, ""
			} else {
				val, s = s[:j], s[j:]
			}
			val = strings.TrimSpace(val)
		}
		if key == "" {
			continue
		}
		// RFC 2231: name*=charset'lang'pct-encoded, name*N[*]=...
		base, section, isExt := key, -1, false
		if star := strings.IndexByte(key, '*'); star >= 0 {
			base = key[:star]
			tail := key[star+1:]
			if strings.HasSuffix(tail, "*") {
				isExt = true
				tail = strings.TrimSuffix(tail, "*")
			} else if tail == "" {
				isExt = true
			}
			if tail != "" {
				n := 0
				okNum := true
				for _, c := range tail {
					if c < '0' || c > '9' || n > 1000 {
						okNum = false
						break
					}
					n = n*10 + int(c-'0')
				}
				if !okNum {
					continue
				}
				section = n
			}
		}
		if section < 0 {
			if isExt {
				params[base] = decode2231(val, true)
			} else if _, seen := params[base]; !seen {
				params[base] = decodeWords(val)
			}
			continue
		}
		c := conts[base]
		if c == nil {
			c = &cont{parts: map[int]string{}}
			conts[base] = c
		}
		if section == 0 && isExt {
			c.encoded = true
		}
		if isExt && section > 0 {
			val = "\x00" + val // marker: percent-decode this piece
		}
		if len(c.parts) < 100 {
			c.parts[section] = val
		}
	}
	for base, c := range conts {
		if _, ok := params[base]; ok && !c.encoded {
			continue
		}
		var joined strings.Builder
		for i := 0; i < len(c.parts); i++ {
			p, ok := c.parts[i]
			if !ok {
				break
			}
			joined.WriteString(strings.TrimPrefix(p, "\x00"))
		}
		if c.encoded {
			params[base] = decode2231(joined.String(), true)
		} else {
			params[base] = decodeWords(joined.String())
		}
	}
}

// decode2231 decodes charset'lang'percent-encoded (RFC 2231).
func decode2231(v string, withCharset bool) string {
	cs := ""
	if withCharset {
		parts := strings.SplitN(v, "'", 3)
		if len(parts) == 3 {
			cs, v = parts[0], parts[2]
		}
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			h, ok1 := unhex(v[i+1])
			l, ok2 := unhex(v[i+2])
			if ok1 && ok2 {
				b = append(b, h<<4|l)
				i += 2
				continue
			}
		}
		b = append(b, v[i])
	}
	s, _ := decodeCharset(cs, b)
	return decodeWords(s)
}
