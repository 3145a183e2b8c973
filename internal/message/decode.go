package message

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// normalizeNewlines turns CRLF and lone CR into LF. Mail arrives with all
// three conventions (and mixtures of them); the parser only knows LF. It
// returns b itself when there is nothing to change, so callers must not
// mutate the result.
func normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\r' {
			out = append(out, c)
			continue
		}
		out = append(out, '\n')
		if i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
	}
	return out
}

// normalizeNewlinesInPlace is normalizeNewlines for a buffer the caller
// owns: the output never runs ahead of the input, so no copy is needed.
func normalizeNewlinesInPlace(b []byte) []byte {
	i := bytes.IndexByte(b, '\r')
	if i < 0 {
		return b
	}
	w := i
	for r := i; r < len(b); r++ {
		c := b[r]
		if c == '\r' {
			c = '\n'
			if r+1 < len(b) && b[r+1] == '\n' {
				r++
			}
		}
		b[w] = c
		w++
	}
	return b[:w]
}

// decodeTransfer undoes a Content-Transfer-Encoding. It never fails: broken
// base64 or quoted-printable is decoded as far as it makes sense, and the
// returned problem (empty when none) says what was wrong. The result may
// share memory with raw for identity encodings.
func decodeTransfer(enc string, raw []byte) ([]byte, string) {
	switch normalizeEncoding(enc) {
	case "", "7bit", "8bit", "binary":
		return raw, ""
	case "base64":
		out, bad := decodeBase64(raw)
		if bad {
			return out, "invalid base64 data skipped"
		}
		return out, ""
	case "quoted-printable":
		out, bad := decodeQP(raw)
		if bad {
			return out, "malformed quoted-printable kept literally"
		}
		return out, ""
	default:
		return raw, fmt.Sprintf("unknown transfer encoding %q, kept as is", clip(enc, 40))
	}
}

// normalizeEncoding maps the spellings of Content-Transfer-Encoding seen in
// the wild ("Quoted-Printable;", "quoted printable", "8bits") to the
// RFC 2045 names; anything else is returned lower-cased.
func normalizeEncoding(enc string) string {
	e := strings.ToLower(strings.TrimSpace(enc))
	if i := strings.IndexAny(e, ";("); i >= 0 {
		e = strings.TrimSpace(e[:i])
	}
	e = strings.Trim(e, "\"'")
	switch e {
	case "", "7bit", "8bit", "binary", "base64", "quoted-printable":
		return e
	case "7-bit", "7bits", "7 bit", "none", "plain", "text", "text/plain", "ascii", "us-ascii":
		return "7bit"
	case "8-bit", "8bits", "8 bit", "utf-8", "utf8":
		return "8bit"
	case "quoted_printable", "quoted printable", "qp", "quotedprintable", "quoted-printed":
		return "quoted-printable"
	case "base-64", "b64", "base 64":
		return "base64"
	}
	return e
}

// base64Values maps a byte to its base64 value, 0xff for none. Built once
// and only read.
var base64Values = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	// URL-safe variants appear in mail produced by sloppy web software.
	t['-'] = 62
	t['_'] = 63
	return t
}()

// decodeBase64 decodes leniently: whitespace is skipped, padding ends a
// quantum, and any other foreign byte is skipped and reported. A trailing
// partial quantum yields the bytes it fully determines.
func decodeBase64(raw []byte) (out []byte, bad bool) {
	out = make([]byte, 0, len(raw)*3/4+3)
	var acc uint32
	n := 0
	for _, c := range raw {
		v := base64Values[c]
		if v == 0xff {
			switch c {
			case ' ', '\t', '\n', '\r':
			case '=':
				// Padding closes the current quantum; flush what it holds
				// so concatenated base64 blobs still decode.
				out = flushBase64(out, acc, n)
				acc, n = 0, 0
			default:
				bad = true
			}
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	if n == 1 {
		bad = true
	}
	return flushBase64(out, acc, n), bad
}

func flushBase64(out []byte, acc uint32, n int) []byte {
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeQP decodes quoted-printable leniently: an "=" not followed by two hex
// digits or a line break stays literal, as most mail readers do. Trailing
// whitespace before a line break is dropped (RFC 2045 section 6.7 rule 3).
func decodeQP(raw []byte) (out []byte, bad bool) {
	out = make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '=':
			if i+2 < len(raw)+0 && i+2 <= len(raw)-1 {
				if h, ok := unhex(raw[i+1]); ok {
					if l, ok := unhex(raw[i+2]); ok {
						out = append(out, h<<4|l)
						i += 2
						continue
					}
				}
			}
			// Soft line break, possibly with trailing blanks after "=".
			j := i + 1
			for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t') {
				j++
			}
			if j < len(raw) && raw[j] == '\r' {
				j++
			}
			if j < len(raw) && raw[j] == '\n' {
				i = j
				continue
			}
			if j == len(raw) {
				i = j
				continue
			}
			bad = true
			out = append(out, '=')
		case c == ' ' || c == '\t':
			j := i
			for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t') {
				j++
			}
			if j == len(raw) || raw[j] == '\n' || raw[j] == '\r' {
				i = j - 1
				continue
			}
			out = append(out, raw[i:j]...)
			i = j - 1
		default:
			out = append(out, c)
		}
	}
	return out, bad
}

// normalizeCharset lower-cases a charset label and strips the quoting,
// RFC 2231 language suffix and stray punctuation seen in the wild.
func normalizeCharset(label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	l = strings.Trim(l, "\"' ;")
	if i := strings.IndexByte(l, '*'); i >= 0 {
		l = l[:i]
	}
	return l
}

func isUTF8Label(l string) bool {
	switch l {
	case "utf-8", "utf8", "uft-8", "utf-8bit", "x-utf_8j", "unicode-1-1-utf-8":
		return true
	}
	return false
}

// isPassthroughLabel reports labels that promise nothing about 8-bit bytes,
// so the bytes themselves decide between UTF-8 and Windows-1252.
func isPassthroughLabel(l string) bool {
	switch l {
	case "", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us", "unknown-8bit", "x-unknown",
		"unknown", "default", "8bit", "7bit", "none", "charset", "x-user-defined":
		return true
	}
	return false
}

func isLatinLabel(l string) bool {
	switch l {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-8859-15", "iso8859-15",
		"latin-9", "windows-1252", "cp1252", "win-1252", "x-cp1252", "cp819", "iso-ir-100":
		return true
	}
	return false
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// decodeCharset converts text bytes to UTF-8. It never fails: an unknown or
// lying label falls back to UTF-8 when the bytes are valid UTF-8, else to
// Windows-1252 (which maps every byte, and is what "Latin-1" means in
// practice). The returned problem is empty when the label was honoured.
func decodeCharset(label string, b []byte) (string, string) {
	l := normalizeCharset(label)
	if !hasNonASCII(b) {
		// ASCII is the same in every charset mail uses in practice, except
		// the 7-bit stateful ones.
		if !strings.Contains(l, "2022") && !strings.Contains(l, "utf-7") && !strings.Contains(l, "hz-gb") {
			return string(b), ""
		}
	}
	switch {
	case isUTF8Label(l):
		if utf8.Valid(b) {
			return string(b), ""
		}
		if !hasValidMultibyte(b) {
			return windows1252(b), fmt.Sprintf("charset %q does not match the bytes, decoded as windows-1252", clip(label, 40))
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), "invalid UTF-8 sequences replaced"
	case isPassthroughLabel(l):
		if utf8.Valid(b) {
			return string(b), ""
		}
		return windows1252(b), ""
	case isLatinLabel(l):
		// Mail clients often label UTF-8 text as Latin-1; real Latin-1 text
		// is almost never valid UTF-8 with multibyte sequences.
		if utf8.Valid(b) && hasValidMultibyte(b) {
			return string(b), ""
		}
		if strings.Contains(l, "15") || l == "latin-9" {
			if s, err := charmap.ISO8859_15.NewDecoder().Bytes(b); err == nil {
				return string(s), ""
			}
		}
		return windows1252(b), ""
	}
	if strings.Contains(l, "utf-7") {
		return decodeUTF7(b), ""
	}
	r, err := charset.Reader(l, bytes.NewReader(b))
	if err == nil && r != nil {
		out, rerr := io.ReadAll(r)
		if rerr == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD"), ""
		}
	}
	if utf8.Valid(b) {
		return string(b), fmt.Sprintf("unknown charset %q, kept as UTF-8", clip(label, 40))
	}
	return windows1252(b), fmt.Sprintf("unknown charset %q, decoded as windows-1252", clip(label, 40))
}

// hasValidMultibyte reports whether b holds at least one well-formed
// multibyte UTF-8 sequence.
func hasValidMultibyte(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if size > 1 && r != utf8.RuneError {
			return true
		}
		b = b[size:]
	}
	return false
}

func windows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
			continue
		}
		r := charmap.Windows1252.DecodeByte(c)
		sb.WriteRune(r)
	}
	return sb.String()
}

// toUTF8 converts raw 8-bit header bytes: kept when valid UTF-8 (RFC 6532),
// else read as Windows-1252.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return windows1252([]byte(s))
}

// cleanText normalizes decoded text: LF line ends, no NUL bytes, no BOM.
func cleanText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.IndexByte(s, '\r') >= 0 {
		s = string(normalizeNewlines([]byte(s)))
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

func clip(s string, n int) string {
	s = toUTF8(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// decodeUTF7 decodes RFC 2152 UTF-7, still sent by some Exchange servers
// in delivery reports and unknown to golang.org/x/text.
func decodeUTF7(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '+' {
			sb.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(b) && base64Values[b[j]] != 0xff && b[j] != '-' && b[j] != '_' {
			j++
		}
		if j == i+1 {
			// "+-" is a literal plus.
			sb.WriteByte('+')
			if j < len(b) && b[j] == '-' {
				i = j
			}
			continue
		}
		raw, _ := decodeBase64(b[i+1 : j])
		var units []uint16
		for k := 0; k+1 < len(raw); k += 2 {
			units = append(units, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		for _, r := range utf16.Decode(units) {
			sb.WriteRune(r)
		}
		if j < len(b) && b[j] == '-' {
			j++
		}
		i = j - 1
	}
	return strings.ToValidUTF8(sb.String(), "\uFFFD")
}
