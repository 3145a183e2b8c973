package invoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/relance/relance/internal/message"
)

// Candidate is an invoice a reply may be about.
type Candidate struct {
	ID           int64
	Number       string
	ClientEmails []string
	MessageIDs   []string // the invoice mail and our reminders, without angle brackets
	Open         bool
}

// Match is how Thread tied a mail to invoices.
type Match struct {
	InvoiceIDs []int64 // the invoices the mail is about; empty unless Rule is references, number or sender
	// Rule is "references", "number", "sender", "triage" (a human must
	// choose among Candidates) or "none" (unknown sender).
	Rule       string
	Candidates []int64
	Evidence   string
}

// Rules reported in Match.Rule.
const (
	RuleReferences = "references"
	RuleNumber     = "number"
	RuleSender     = "sender"
	RuleTriage     = "triage"
	RuleNone       = "none"
)

// Thread ties a received mail to the invoices it is about. In order: a
// Message-ID of an invoice or reminder in In-Reply-To/References; else the
// invoice numbers written in the subject or body; else the sender, when
// that client has exactly one open invoice. Several open invoices for the
// sender give "triage"; an unknown sender gives "none". It never guesses.
func Thread(m *message.Message, cands []Candidate) Match {
	if m == nil {
		return Match{Rule: RuleNone, Evidence: "no message"}
	}
	if ids, ev := byReferences(m, cands); len(ids) > 0 {
		return Match{InvoiceIDs: ids, Rule: RuleReferences, Evidence: ev}
	}
	if ids, ev := byNumber(m, cands); len(ids) > 0 {
		return Match{InvoiceIDs: ids, Rule: RuleNumber, Evidence: ev}
	}
	from := strings.ToLower(strings.TrimSpace(m.From.Email))
	if from == "" {
		return Match{Rule: RuleNone, Evidence: "no sender address"}
	}
	var open, known []int64
	for _, c := range cands {
		if !containsFold(c.ClientEmails, from) {
			continue
		}
		known = append(known, c.ID)
		if c.Open {
			open = append(open, c.ID)
		}
	}
	open, known = sortedUnique(open), sortedUnique(known)
	switch {
	case len(open) == 1:
		return Match{InvoiceIDs: open, Rule: RuleSender, Evidence: fmt.Sprintf("%s has exactly one open invoice", from)}
	case len(open) > 1:
		return Match{Rule: RuleTriage, Candidates: open, Evidence: fmt.Sprintf("%s has %d open invoices", from, len(open))}
	case len(known) > 0:
		// A known client writing about none of its open invoices: which
		// closed one it means is a human's call.
		return Match{Rule: RuleTriage, Candidates: known, Evidence: fmt.Sprintf("%s has no open invoice", from)}
	}
	return Match{Rule: RuleNone, Evidence: fmt.Sprintf("%s is not a known client address", from)}
}

func byReferences(m *message.Message, cands []Candidate) ([]int64, string) {
	refs := make(map[string]bool)
	for _, list := range [][]string{m.InReplyTo, m.References} {
		for _, id := range list {
			if id = normMsgID(id); id != "" {
				refs[id] = true
			}
		}
	}
	if len(refs) == 0 {
		return nil, ""
	}
	var ids []int64
	var hit string
	for _, c := range cands {
		for _, mid := range c.MessageIDs {
			if refs[normMsgID(mid)] {
				ids = append(ids, c.ID)
				if hit == "" {
					hit = normMsgID(mid)
				}
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil, ""
	}
	return sortedUnique(ids), "refers to <" + hit + ">"
}

// normMsgID compares Message-IDs case-insensitively: some gateways change
// the case of the domain part, and collisions by case are not a concern.
func normMsgID(id string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
}

// byNumber finds candidates whose number is written in the subject or the
// body. Long or lettered numbers are matched as tokens anywhere; short
// all-digit ones ("Invoice #42") only where introduced as a document
// number, since "42" alone is as likely a street number.
func byNumber(m *message.Message, cands []Candidate) ([]int64, string) {
	text := m.Subject + "\n" + m.Text
	if len(text) > maxPDFTextBytes {
		text = text[:maxPDFTextBytes]
	}
	tokens := make(map[string]bool)
	for _, t := range numberTokens(text) {
		tokens[t] = true
	}
	labelled := make(map[string]bool)
	for _, n := range findNumbers(text) {
		labelled[NormalizeNumber(n.value)] = true
	}
	var ids []int64
	var found []string
	for _, c := range cands {
		n := NormalizeNumber(c.Number)
		if n == "" {
			continue
		}
		strong := len(n) >= 5 || strings.IndexFunc(n, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
		if labelled[n] || (strong && tokens[n]) {
			ids = append(ids, c.ID)
			found = append(found, c.Number)
		}
	}
	if len(ids) == 0 {
		return nil, ""
	}
	return sortedUnique(ids), "mentions " + strings.Join(slices.Compact(found), ", ")
}

// numberTokens splits text into normalized runs of letters and digits
// joined by - / _ . so "F-2026-0142," yields "F20260142".
func numberTokens(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			tok := strings.TrimRight(s[start:end], "-/_.")
			if n := NormalizeNumber(tok); n != "" && strings.ContainsAny(n, "0123456789") {
				out = append(out, n)
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		sep := c == '-' || c == '/' || c == '_' || c == '.'
		switch {
		case alnum:
			if start < 0 {
				start = i
			}
		case sep && start >= 0:
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

func sortedUnique(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
