package message

import (
	"regexp"
	"strings"
)

// looksLikeDSN reports text that is a delivery-status body: it opens with
// header-style fields and names a recipient and an action or status.
func looksLikeDSN(text string) bool {
	if !startsWithField(text) {
		return false
	}
	t := strings.TrimLeft(text, " \t\n")
	recipient, outcome := false, false
	for _, block := range dsnBlocks(t) {
		for _, f := range block {
			switch f.name {
			case "Final-Recipient", "Original-Recipient":
				recipient = true
			case "Action", "Status":
				outcome = true
			}
		}
	}
	return recipient && outcome
}

// startsWithField reports text whose first non-blank line is a header field.
func startsWithField(text string) bool {
	t := strings.TrimLeft(text, " \t\n")
	first, _, _ := strings.Cut(t, "\n")
	return isFieldLine([]byte(first))
}

// dsnBlocks splits a status body into its field blocks. A line that is not
// a field continues the previous one: MTAs paste multi-line SMTP replies
// into Diagnostic-Code without folding them.
func dsnBlocks(text string) []rawHeader {
	var blocks []rawHeader
	for _, chunk := range strings.Split(text, "\n\n") {
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		lines := strings.Split(strings.TrimLeft(chunk, "\n"), "\n")
		for i := 1; i < len(lines); i++ {
			if l := lines[i]; l != "" && l[0] != ' ' && l[0] != '\t' && !isFieldLine([]byte(l)) {
				lines[i] = " " + l
			}
		}
		h, _, _ := readHeader([]byte(strings.Join(lines, "\n")), 64<<10)
		if len(h) > 0 {
			blocks = append(blocks, h)
		}
		if len(blocks) > 200 {
			break
		}
	}
	return blocks
}

var statusCodeRe = regexp.MustCompile(`[245]\.\d{1,3}\.\d{1,3}`)

// report fills Message.Report from a delivery-status or disposition
// notification body. The first status part wins.
func (bd *bodyBuilder) report(kind, text string, path []int) {
	if bd.m.Report != nil && bd.m.Report.Action != "" {
		return
	}
	r := &Report{Type: kind}
	var chosen rawHeader
	seen := map[string]bool{}
	for _, block := range dsnBlocks(text) {
		if id := block.get("Original-Message-Id"); id != "" && r.OriginalMessageID == "" {
			if ids := parseMsgIDs(id); len(ids) > 0 {
				r.OriginalMessageID = ids[0]
			}
		}
		rcpt := recipientOf(block.get("Final-Recipient"))
		if rcpt == "" {
			rcpt = recipientOf(block.get("Original-Recipient"))
		}
		if rcpt != "" && !seen[rcpt] {
			seen[rcpt] = true
			r.Recipients = append(r.Recipients, rcpt)
		}
		action := strings.ToLower(collapseSpace(block.get("Action")))
		if kind == "disposition-notification" && action == "" {
			action = collapseSpace(block.get("Disposition"))
		}
		if action == "" {
			continue
		}
		if chosen == nil || (r.Action != "failed" && action == "failed") {
			chosen = block
			r.Action = action
		}
	}
	if chosen != nil {
		st := collapseSpace(toUTF8(chosen.get("Status")))
		if code := statusCodeRe.FindString(st); code != "" {
			st = code
		}
		r.Status = st
		r.Diagnostic = diagnosticOf(chosen.get("Diagnostic-Code"))
	}
	bd.m.Report = r
}

func recipientOf(v string) string {
	v = strings.TrimSpace(toUTF8(v))
	if v == "" {
		return ""
	}
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	v = strings.Trim(strings.TrimSpace(v), "<>\"")
	if email := emailRe.FindString(v); email != "" {
		return strings.ToLower(email)
	}
	return strings.ToLower(v)
}

func diagnosticOf(v string) string {
	v = collapseSpace(decodeHeaderText(v))
	if typ, after, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(typ, " ") && len(typ) < 20 {
		v = strings.TrimSpace(after)
	}
	return v
}

// dsnStart finds where delivery-status fields begin inside a text.
func dsnStart(text string) int {
	best := -1
	for _, name := range []string{"Reporting-MTA:", "Final-Recipient:", "Original-Recipient:"} {
		i := strings.Index(text, "\n"+name)
		if strings.HasPrefix(text, name) {
			i = -1
			if best < 0 || 0 < best {
				best = 0
			}
			continue
		}
		if i >= 0 && (best < 0 || i+1 < best) {
			best = i + 1
		}
	}
	return best
}
