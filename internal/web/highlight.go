package web

import (
	"sort"
	"strings"
)

// segment is a run of a reply's text, marked when it is evidence. The
// template escapes Text: highlighting never builds HTML from mail.
type segment struct {
	Text string
	Mark bool
}

// highlight splits text into segments, marking every occurrence of each
// evidence sentence (exact, then ignoring case). Evidence not found in the
// text is simply not marked; the page lists it separately.
func highlight(text string, evidence []string) []segment {
	type span struct{ start, end int }
	var spans []span
	lower := strings.ToLower(text)
	for _, ev := range evidence {
		ev = strings.TrimSpace(ev)
		if len(ev) < 3 {
			continue
		}
		hay, needle := text, ev
		if !strings.Contains(text, ev) {
			hay, needle = lower, strings.ToLower(ev)
			// Lower-casing may change byte lengths; offsets are only
			// trusted when it did not.
			if len(hay) != len(text) || len(needle) != len(ev) {
				continue
			}
		}
		for off := 0; off < len(hay); {
			i := strings.Index(hay[off:], needle)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(needle)})
			off += i + len(needle)
		}
	}
	if len(spans) == 0 {
		return []segment{{Text: text}}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	var out []segment
	pos := 0
	for _, s := range merged {
		if s.start > pos {
			out = append(out, segment{Text: text[pos:s.start]})
		}
		out = append(out, segment{Text: text[s.start:s.end], Mark: true})
		pos = s.end
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}
