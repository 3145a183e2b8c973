package message

import (
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// wordDecoder lets net/mail decode encoded display names in any charset;
// decodeWords runs again afterwards for the words it leaves alone.
func newWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(io.LimitReader(r, 1<<16))
		if err != nil {
			return nil, err
		}
		s, _ := decodeCharset(cs, b)
		return strings.NewReader(s), nil
	}}
}

var localRe = regexp.MustCompile(`^(?:(.*?)\s*<)?([A-Za-z0-9._+-]+)>?$`)

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+=!#$&'*/?^{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?`)

// parseAddressList parses From/To/Cc style values. net/mail handles the
// well-formed majority; the fallback splits on commas outside quotes and
// brackets and digs an address out of each piece.
func parseAddressList(raw string) []Address {
	raw = strings.TrimSpace(toUTF8(raw))
	if raw == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: newWordDecoder()}
	if list, err := p.ParseList(raw); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: cleanName(a.Name), Email: strings.ToLower(a.Address)})
		}
		return dedupeAddresses(out)
	}
	var out []Address
	for _, piece := range splitAddresses(raw) {
		if a, ok := parseOneAddress(piece); ok {
			out = append(out, a)
		}
	}
	return dedupeAddresses(out)
}

func dedupeAddresses(in []Address) []Address {
	if len(in) == 0 {
		return nil
	}
	out := in[:0]
	seen := map[string]bool{}
	for _, a := range in {
		if a.Email == "" || seen[a.Email] {
			continue
		}
		seen[a.Email] = true
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func cleanName(n string) string {
	n = decodeHeaderText(n)
	n = strings.Trim(n, "\"' ")
	return n
}

func splitAddresses(s string) []string {
	var parts []string
	depthAngle, inQuote, depthParen := 0, false, 0
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '<':
			depthAngle++
		case c == '>':
			if depthAngle > 0 {
				depthAngle--
			}
		case c == '(':
			depthParen++
		case c == ')':
			if depthParen > 0 {
				depthParen--
			}
		case (c == ',' || c == ';') && depthAngle == 0 && depthParen == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func parseOneAddress(piece string) (Address, bool) {
	piece = strings.TrimSpace(piece)
	if piece == "" {
		return Address{}, false
	}
	p := mail.AddressParser{WordDecoder: newWordDecoder()}
	if a, err := p.Parse(piece); err == nil {
		return Address{Name: cleanName(a.Name), Email: strings.ToLower(a.Address)}, true
	}
	// "Name <addr>" with junk, or a bare address with junk around it.
	if lt := strings.LastIndexByte(piece, '<'); lt >= 0 {
		gt := strings.IndexByte(piece[lt:], '>')
		inner := piece[lt+1:]
		if gt >= 0 {
			inner = piece[lt+1 : lt+gt]
		}
		if email := emailRe.FindString(inner); email != "" {
			name := strings.TrimSpace(piece[:lt])
			return Address{Name: cleanName(name), Email: strings.ToLower(email)}, true
		}
	}
	if loc := emailRe.FindStringIndex(piece); loc != nil {
		name := strings.TrimSpace(piece[:loc[0]] + " " + piece[loc[1]:])
		name = strings.Trim(name, "()<> ")
		return Address{Name: cleanName(name), Email: strings.ToLower(piece[loc[0]:loc[1]])}, true
	}
	// A local mailbox without domain ("MAILER-DAEMON", "Postmaster
	// <postmaster>") still tells who wrote: keep it.
	if m := localRe.FindStringSubmatch(piece); m != nil {
		return Address{Name: cleanName(m[1]), Email: strings.ToLower(m[2])}, true
	}
	return Address{}, false
}

// parseMsgIDs extracts message identifiers without angle brackets. Values
// without brackets (seen from broken mailers) are split on whitespace.
func parseMsgIDs(raw string) []string {
	raw = toUTF8(raw)
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.TrimSpace(id)
		id = strings.Join(strings.Fields(id), "")
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
	}
	if strings.Contains(raw, "<") {
		rest := raw
		for {
			lt := strings.IndexByte(rest, '<')
			if lt < 0 {
				break
			}
			gt := strings.IndexByte(rest[lt:], '>')
			if gt < 0 {
				add(rest[lt+1:])
				break
			}
			add(rest[lt+1 : lt+gt])
			rest = rest[lt+gt+1:]
		}
		return out
	}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '\n' }) {
		if strings.HasPrefix(f, "(") {
			continue
		}
		add(f)
	}
	return out
}

var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "BST": 1, "WEST": 1, "EET": 2, "EEST": 3,
	"IST": 5, "JST": 9, "KST": 9, "HKT": 8, "AEST": 10, "AEDT": 11,
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"2 Jan 06 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon 2 Jan 2006 15:04:05 -0700",
	"Mon 2 Jan 2006 15:04 -0700",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon, Jan 2 2006 15:04:05 -0700",
	"Mon, Jan 2, 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 3:04:05 PM -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"02/01/2006 15:04:05",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Monday, January 2, 2006 15:04:05 -0700",
}

var (
	parenRe   = regexp.MustCompile(`\([^()]*\)`)
	zoneNameR = regexp.MustCompile(`\s([A-Za-z]{1,5})$`)
	offsetRe  = regexp.MustCompile(`([+-])(\d{1,2}):?(\d{2})$`)
)

// parseDate accepts RFC 5322 dates and the many deviations mailers produce
// (missing seconds or weekday, two-digit years, zone names, ctime style,
// ISO 8601). It returns the zero time when nothing fits.
func parseDate(raw string) time.Time {
	s := collapseSpace(toUTF8(raw))
	if s == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return fixZone(t)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	s = strings.TrimSpace(parenRe.ReplaceAllString(s, ""))
	s = strings.ReplaceAll(s, ",", ", ")
	s = collapseSpace(s)
	s = strings.ReplaceAll(s, " ,", ",")
	// Turn a trailing zone name into a numeric offset.
	if m := zoneNameR.FindStringSubmatch(s); m != nil {
		if off, ok := zoneOffsets[strings.ToUpper(m[1])]; ok {
			s = strings.TrimSpace(s[:len(s)-len(m[0])])
			if !offsetRe.MatchString(s) {
				s += " " + formatOffset(off)
			}
		}
	}
	// "+01:00" and "+100" → "+0100".
	if m := offsetRe.FindStringSubmatchIndex(s); m != nil {
		sign, hh, mm := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		if len(hh) == 1 {
			hh = "0" + hh
		}
		prefix := strings.TrimSpace(s[:m[0]])
		if !strings.HasSuffix(prefix, "T") && len(prefix) > 0 {
			s = prefix + " " + sign + hh + mm
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return fixYear(t)
		}
	}
	// Drop a leading weekday in any language and retry.
	if i := strings.IndexByte(s, ','); i >= 0 && i < 12 {
		rest := strings.TrimSpace(s[i+1:])
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, rest); err == nil {
				return fixYear(t)
			}
		}
	}
	return time.Time{}
}

func formatOffset(hours int) string {
	sign := "+"
	if hours < 0 {
		sign = "-"
		hours = -hours
	}
	return sign + string(rune('0'+hours/10)) + string(rune('0'+hours%10)) + "00"
}

// fixZone gives a zone abbreviation that time.Parse did not know (it then
// invents a zero offset) its real offset.
func fixZone(t time.Time) time.Time {
	name, off := t.Zone()
	if off != 0 || name == "" {
		return t
	}
	if h, ok := zoneOffsets[strings.ToUpper(name)]; ok && h != 0 {
		y, mo, d := t.Date()
		return time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("", h*3600))
	}
	return t
}

// fixYear maps two-digit years as RFC 5322 section 4.3 says.
func fixYear(t time.Time) time.Time {
	y := t.Year()
	switch {
	case y < 50:
		return t.AddDate(2000, 0, 0)
	case y < 100:
		return t.AddDate(1900, 0, 0)
	}
	return t
}
