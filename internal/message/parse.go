package message

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Part is one leaf MIME part fetched on its own, as the IMAP layer gets it
// from BODYSTRUCTURE and BODY[section]. An attached message/rfc822 counts
// as a leaf: its Body is the whole embedded message.
type Part struct {
	Path              []int             // IMAP section path, e.g. [2 1]
	MediaType         string            // lower-case, e.g. "text/plain"
	Params            map[string]string // lower-case keys: charset, name, ...
	Disposition       string            // "attachment", "inline" or ""
	DispositionParams map[string]string // filename, ...
	Encoding          string            // Content-Transfer-Encoding as announced
	Size              int               // encoded size announced by BODYSTRUCTURE
	Body              []byte            // raw (still transfer-encoded) bytes; nil when not fetched
}

// ErrEmpty is returned when the input holds nothing but whitespace.
var ErrEmpty = errors.New("message: empty input")

// Parse reads one mail and normalizes it. It tolerates the usual damage of
// real mail (see the package tests) and records what it could not decode in
// Message.Problems. It fails only when nothing usable could be read: an
// empty input or a read error before any byte arrived.
func Parse(r io.Reader, opt Options) (*Message, error) {
	opt = opt.withDefaults()
	if r == nil {
		return nil, fmt.Errorf("message: parse: %w", ErrEmpty)
	}
	var buf bytes.Buffer
	limit := opt.MaxMessageBytes
	if limit < math.MaxInt64 {
		limit++ // one byte more tells an oversize mail from one at the limit
	}
	_, err := buf.ReadFrom(io.LimitReader(r, limit))
	raw := buf.Bytes()
	var problems []string
	if err != nil {
		if len(raw) == 0 {
			return nil, fmt.Errorf("message: parse: read: %w", err)
		}
		problems = append(problems, fmt.Sprintf("read error after %d bytes: %v", len(raw), err))
	}
	oversize := int64(len(raw)) > opt.MaxMessageBytes
	if oversize {
		// Only the header is worth keeping; the body is dropped before any
		// decoding so the buffer can be released at once.
		raw = headerPrefix(raw, opt.MaxHeaderBytes)
		problems = append(problems, fmt.Sprintf("message larger than %d bytes, body skipped", opt.MaxMessageBytes))
	}
	data := normalizeNewlinesInPlace(raw)
	data = skipMboxFrom(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("message: parse: %w", ErrEmpty)
	}
	if oversize {
		h, _, hp := readHeader(data, opt.MaxHeaderBytes)
		problems = append(problems, hp...)
		m := build(h, nil, opt, 0, newBudget(opt), problems)
		return m, nil
	}
	return parseBytes(data, opt, 0, newBudget(opt), problems), nil
}

// Assemble builds the Message for a mail fetched piecewise: its header
// block (BODY[HEADER]) and its leaf parts from BODYSTRUCTURE, in order,
// with the bodies (BODY.PEEK[section]) of those NeedsBody selects. Given
// every part's body it yields what Parse yields for the whole mail; a part
// with a nil Body becomes a metadata-only attachment (Missing, sized as
// announced) that a later call may fill in. An attached message/rfc822 is
// one Part whose Body is the whole embedded message.
func Assemble(header []byte, parts []Part, opt Options) (*Message, error) {
	opt = opt.withDefaults()
	data := skipMboxFrom(normalizeNewlines(header))
	if len(bytes.TrimSpace(data)) == 0 && len(parts) == 0 {
		return nil, fmt.Errorf("message: assemble: %w", ErrEmpty)
	}
	h, _, problems := readHeader(data, opt.MaxHeaderBytes)
	if len(parts) > opt.MaxParts {
		problems = append(problems, fmt.Sprintf("more than %d parts, rest skipped", opt.MaxParts))
		parts = parts[:opt.MaxParts]
	}
	norm := make([]Part, len(parts))
	for i, p := range parts {
		p.MediaType = strings.ToLower(strings.TrimSpace(p.MediaType))
		p.Disposition = normalizeDisposition(p.Disposition)
		p.Params = lowerKeys(p.Params)
		p.DispositionParams = lowerKeys(p.DispositionParams)
		if p.Body != nil && !lineBreaksIgnored(p) {
			p.Body = normalizeNewlines(p.Body)
		}
		norm[i] = p
	}
	b := newBudget(opt)
	b.parts = len(norm)
	return build(h, norm, opt, 0, b, problems), nil
}

// lineBreaksIgnored reports whether every reading of p's raw body skips
// CR and LF alike, so that turning CRLF into LF (a copy of the whole body:
// a PDF's hundred kilobytes) changes nothing: a base64 body is only sized
// and decoded, both of which skip line breaks, but an HTML body is also
// searched raw for its charset.
func lineBreaksIgnored(p Part) bool {
	return normalizeEncoding(p.Encoding) == "base64" && !strings.HasPrefix(p.MediaType, "text/")
}

func lowerKeys(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// budget is shared by a mail and the messages attached to it, so nesting
// cannot multiply the part limit.
type budget struct {
	parts    int
	max      int
	exceeded bool
}

func newBudget(opt Options) *budget { return &budget{max: opt.MaxParts} }

// headerPrefix returns the header block of raw (up to its blank line),
// copied so the rest of raw can be released.
func headerPrefix(raw []byte, maxHeader int) []byte {
	limit := min(len(raw), maxHeader+4096)
	head := raw[:limit]
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n"), []byte("\r\r")} {
		if i := bytes.Index(head, sep); i >= 0 {
			head = head[:i+len(sep)]
			break
		}
	}
	return bytes.Clone(head)
}

// skipMboxFrom drops an mbox "From sender date" separator line and blank
// lines before the header.
func skipMboxFrom(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\n' || b[0] == ' ' || b[0] == '\t') {
		// Leading blank lines only; a leading blank before a field is kept
		// out of the way the same way.
		i := bytes.IndexByte(b, '\n')
		if i < 0 || len(bytes.TrimSpace(b[:i])) > 0 {
			break
		}
		b = b[i+1:]
	}
	if bytes.HasPrefix(b, []byte("From ")) || bytes.HasPrefix(b, []byte(">From ")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[i+1:]
		}
		return nil
	}
	return b
}

// parseBytes parses a whole mail already in LF form.
func parseBytes(data []byte, opt Options, depth int, b *budget, problems []string) *Message {
	h, body, hp := readHeader(data, opt.MaxHeaderBytes)
	problems = append(problems, hp...)
	w := &walker{opt: opt, budget: b, problems: problems}
	w.entity(h, body, nil, depth, "")
	return build(h, w.parts, opt, depth, b, w.problems)
}

// walker flattens a MIME tree into its leaves, numbered as IMAP sections.
type walker struct {
	opt      Options
	budget   *budget
	parts    []Part
	problems []string
}

func (w *walker) problem(path []int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if len(path) > 0 {
		msg = "part " + section(path) + ": " + msg
	}
	w.problems = append(w.problems, msg)
}

func section(path []int) string {
	var sb strings.Builder
	for i, n := range path {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(strconv.Itoa(n))
	}
	return sb.String()
}

func normalizeDisposition(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	switch {
	case strings.HasPrefix(d, "attach"):
		return "attachment"
	case d == "inline":
		return "inline"
	}
	// Garbage dispositions are ignored rather than treated as attachment
	// (RFC 2183 says otherwise, but mail readers show such parts inline,
	// and a lost body is worse than an extra one).
	return ""
}

// entity walks one entity. path is its IMAP section (nil for the root);
// parentType is the enclosing multipart type.
func (w *walker) entity(h rawHeader, body []byte, path []int, depth int, parentType string) {
	ctRaw := h.get("Content-Type")
	mt, params := mediaType(ctRaw)
	if mt == "" || !strings.Contains(mt, "/") {
		if parentType == "multipart/digest" && ctRaw == "" {
			mt = "message/rfc822"
		} else {
			if ctRaw != "" {
				w.problem(path, "invalid content type %q, read as text/plain", clip(ctRaw, 60))
			}
			mt = "text/plain"
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= w.opt.MaxDepth {
			w.problem(path, "nesting deeper than %d, part skipped", w.opt.MaxDepth)
			return
		}
		boundary := params["boundary"]
		children, found, closed := splitMultipart(body, boundary)
		if !found {
			if guess := guessBoundary(body); guess != "" {
				children, found, closed = splitMultipart(body, guess)
				w.problem(path, "boundary %q not found, used %q", clip(boundary, 70), clip(guess, 70))
			}
		}
		if !found {
			w.problem(path, "multipart boundary not found, body read as text")
			textParams := map[string]string{}
			if cs, ok := params["charset"]; ok {
				textParams["charset"] = cs
			}
			w.leaf(h, body, path, "text/plain", textParams)
			return
		}
		if !closed {
			w.problem(path, "multipart closing boundary missing")
		}
		for i, child := range children {
			if w.budget.parts >= w.budget.max {
				if !w.budget.exceeded {
					w.budget.exceeded = true
					w.problem(path, "more than %d parts, rest skipped", w.budget.max)
				}
				return
			}
			ch, cbody, cp := readHeader(child, w.opt.MaxHeaderBytes)
			childPath := append(append([]int(nil), path...), i+1)
			for _, p := range cp {
				w.problem(childPath, "%s", p)
			}
			w.entity(ch, cbody, childPath, depth+1, mt)
		}
		return
	}
	if path == nil {
		path = []int{1}
	}
	if w.budget.parts >= w.budget.max {
		return
	}
	w.leaf(h, body, path, mt, params)
}

func (w *walker) leaf(h rawHeader, body []byte, path []int, mt string, params map[string]string) {
	if path == nil {
		path = []int{1}
	}
	disp, dparams := mediaType(h.get("Content-Disposition"))
	w.budget.parts++
	w.parts = append(w.parts, Part{
		Path:              path,
		MediaType:         mt,
		Params:            params,
		Disposition:       normalizeDisposition(disp),
		DispositionParams: dparams,
		Encoding:          strings.TrimSpace(toUTF8(h.get("Content-Transfer-Encoding"))),
		Size:              len(body),
		Body:              body,
	})
}

// splitMultipart cuts body at its boundary lines. It accepts trailing
// blanks after a delimiter and a missing closing delimiter (the last part
// then runs to the end); the newline before each delimiter belongs to it.
func splitMultipart(body []byte, boundary string) (parts [][]byte, found, closed bool) {
	if boundary == "" {
		return nil, false, false
	}
	delim := []byte("--" + boundary)
	start := -1
	pos := 0
	for pos < len(body) {
		line, next := nextLine(body, pos)
		if len(line) >= len(delim) && line[0] == '-' && bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t")
			isClose := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || isClose {
				found = true
				if start >= 0 {
					end := pos - 1
					if end < start {
						end = start
					}
					parts = append(parts, body[start:end])
				}
				if isClose {
					return parts, true, true
				}
				start = next
			}
		}
		pos = next
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts, found, false
}

// guessBoundary finds a delimiter-like line ("--token") that occurs at least
// twice, for multiparts whose boundary parameter is missing or wrong.
func guessBoundary(body []byte) string {
	seen := map[string]int{}
	pos := 0
	for pos < len(body) && len(seen) < 1000 {
		line, next := nextLine(body, pos)
		pos = next
		if len(line) < 3 || line[0] != '-' || line[1] != '-' || len(line) > 80 {
			continue
		}
		tok := strings.TrimRight(string(line[2:]), " \t")
		tok = strings.TrimSuffix(tok, "--")
		if tok == "" || strings.ContainsAny(tok, " \t") || strings.Trim(tok, "-") == "" {
			continue
		}
		seen[tok]++
		if seen[tok] >= 2 {
			return tok
		}
	}
	return ""
}
