package mailbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/relance/relance/internal/message"
)

// maxFetchSections bounds the parts downloaded per message. Each is one item
// of the FETCH command line, which servers cap (Dovecot at 64 KiB; RFC 7162
// asks only for 8 KiB): a mail of 10,000 parts would make the command fail
// on every scan and stop the folder's sync. Parts beyond it are described,
// not fetched, like oversize ones.
const maxFetchSections = 200

// partPlan is what the scan knows of a message's parts before downloading
// any: every leaf described, and which of them to fetch.
type partPlan struct {
	parts []message.Part
	fetch []int // indexes into parts
	bytes int64 // announced size of the parts to fetch
}

// planParts walks a BODYSTRUCTURE. It never descends into attached
// messages: their header is enough to recognise a bounced or forwarded mail,
// and their body is often the very PDF a scan must not download.
func planParts(bs imap.BodyStructure, maxPartBytes int) partPlan {
	var p partPlan
	if bs == nil {
		return p
	}
	bs.Walk(func(path []int, node imap.BodyStructure) bool {
		single, ok := node.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		if len(path) == 0 {
			// A single-part message: IMAP names its body section 1.
			path = []int{1}
		}
		part := message.Part{
			Path:      slices.Clone(path),
			MediaType: single.MediaType(),
			Params:    lowerKeys(single.Params),
			Encoding:  strings.ToLower(single.Encoding),
			Size:      int(single.Size),
		}
		if d := single.Disposition(); d != nil {
			part.Disposition = strings.ToLower(d.Value)
			part.DispositionParams = lowerKeys(d.Params)
		}
		p.parts = append(p.parts, part)
		if len(p.fetch) < maxFetchSections && wantPart(part) && (int(single.Size) <= maxPartBytes || part.MediaType == "message/rfc822") {
			p.fetch = append(p.fetch, len(p.parts)-1)
			if part.MediaType != "message/rfc822" {
				p.bytes += int64(single.Size)
			}
		}
		return true
	})
	return p
}

// wantPart says whether the scan downloads a part: what a reader, the
// classifier or the invoice extractor needs without opening a PDF.
func wantPart(p message.Part) bool {
	switch p.MediaType {
	case "text/plain", "text/html", "text/enriched", "text/rfc822-headers",
		"text/xml", "application/xml",
		"message/delivery-status", "message/global-delivery-status",
		"message/disposition-notification", "message/global-disposition-notification",
		"message/feedback-report",
		"message/rfc822", "message/global":
		return true
	}
	if strings.HasSuffix(p.MediaType, "+xml") {
		return true
	}
	name := p.DispositionParams["filename"]
	if name == "" {
		name = p.Params["name"]
	}
	return strings.HasSuffix(strings.ToLower(strings.TrimSpace(name)), ".xml")
}

// section is the FETCH item that downloads a part: the whole part, or only
// the header of an attached message.
func section(p message.Part) *imap.FetchItemBodySection {
	s := &imap.FetchItemBodySection{Part: slices.Clone(p.Path), Peek: true}
	if p.MediaType == "message/rfc822" || p.MediaType == "message/global" {
		s.Specifier = imap.PartSpecifierHeader
	}
	return s
}

// sectionKey identifies a set of sections, so that messages needing the same
// ones share one FETCH command.
func sectionKey(parts []message.Part, idx []int) string {
	var b strings.Builder
	for _, i := range idx {
		b.WriteString(pathString(parts[i].Path))
		if s := section(parts[i]); s.Specifier != "" {
			b.WriteString("." + string(s.Specifier))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

func pathString(path []int) string {
	s := make([]string, len(path))
	for i, n := range path {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

func lowerKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func findPart(parts []message.Part, path []int) (int, error) {
	for i, p := range parts {
		if slices.Equal(p.Path, path) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("mailbox: no part %s in this message", pathString(path))
}
