package invoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/text"
)

// Candidate is an invoice a reply may be about.
type Candidate struct {
	ID           int64
	Number       string
	ClientEmails []string
	// MessageIDs are the mails we sent about the invoice, without angle
	// brackets: the invoice mail and its re-sends, our reminders, its
	// credit notes, plan confirmations, the owner's own mails about it.
	MessageIDs []string
	Open       bool
	// Amount is the invoice's total, Balance what it still owes (after
	// credit notes and payments); both identify it when a reply names one.
	Amount, Balance decimal.Decimal
}

// Route is how a reply was tied to its invoices: recorded on the reply's
// event, shown in the timeline and by `relance invoices show`.
type Route string

// Routes reported in Match.Rule, most certain first.
const (
	// RouteReferences: In-Reply-To/References name a mail of ours about
	// the invoice.
	RouteReferences Route = "references"
	// RouteNumber: the invoice number is written in the subject or body.
	RouteNumber Route = "number"
	// RouteAmount: an amount in the reply is the balance or the total of
	// exactly one open invoice of the sender (or, for an unknown sender, of
	// the whole ledger).
	RouteAmount Route = "amount"
	// RouteSender: the sender's address is the client's, and the client has
	// exactly one open invoice.
	RouteSender Route = "sender"
	// RouteDomain: another address at the client's own domain (never a
	// public webmail domain), the client having exactly one open invoice.
	RouteDomain Route = "domain"
	// RouteTriage: several invoices fit equally; a human chooses among
	// Candidates.
	RouteTriage Route = "triage"
	// RouteNone: nothing ties the mail to an invoice.
	RouteNone Route = "none"
)

// The former names of the routes.
const (
	RuleReferences = RouteReferences
	RuleNumber     = RouteNumber
	RuleSender     = RouteSender
	RuleTriage     = RouteTriage
	RuleNone       = RouteNone
)

// Match is how Thread tied a mail to invoices.
type Match struct {
	InvoiceIDs []int64 // the invoices the mail is about; empty for triage and none
	Rule       Route
	Candidates []int64 // triage: the invoices that fit equally
	Evidence   string
	// UnknownSender is set when the mail is tied to invoices whose client
	// does not use the sender's address or domain: a payer's personal
	// address, a colleague's webmail. What it says about money is a human's
	// to check.
	UnknownSender bool
}

// ThreadOptions are what Thread knows of the reply beyond the mail.
type ThreadOptions struct {
	// Amounts are the money amounts the reply mentions (the classifier's
	// reading).
	Amounts []decimal.Decimal
}

// Thread ties a received mail to the invoices it is about, without amounts.
func Thread(m *message.Message, cands []Candidate) Match {
	return ThreadWith(m, cands, ThreadOptions{})
}

// ThreadWith ties a received mail to the invoices it is about. In order: a
// Message-ID of a mail of ours in In-Reply-To/References; else the invoice
// numbers written in the subject or body (any case, spacing or prefix; a
// bare "facture 311" only among the sender's invoices); else an amount that
// is the balance or total of exactly one open invoice of the sender; else
// the sender, when its address (or another address at the client's own
// domain) belongs to a client with exactly one open invoice. An unknown
// sender is tied only by number or amount, and the match says so. Several
// invoices fitting equally give "triage"; nothing gives "none". It never
// guesses.
func ThreadWith(m *message.Message, cands []Candidate, opt ThreadOptions) Match {
	if m == nil {
		return Match{Rule: RouteNone, Evidence: "no message"}
	}
	from := strings.ToLower(strings.TrimSpace(m.From.Email))
	byID := make(map[int64]Candidate, len(cands))
	for _, c := range cands {
		byID[c.ID] = c
	}
	linked := func(ids []int64, route Route, ev string) Match {
		mt := Match{InvoiceIDs: ids, Rule: route, Evidence: ev}
		mt.UnknownSender = from == ""
		for _, id := range ids {
			if rel := relation(from, byID[id]); rel == relNone {
				mt.UnknownSender = true
			}
		}
		if mt.UnknownSender {
			mt.Evidence += "; from an unknown address"
		}
		return mt
	}
	if ids, ev := byReferences(m, cands); len(ids) > 0 {
		return linked(ids, RouteReferences, ev)
	}
	if ids, ev := byNumber(m, cands, from); len(ids) > 0 {
		return linked(ids, RouteNumber, ev)
	}
	// The sender's own invoices: by address, else by the client's domain.
	var mine []Candidate
	route := RouteSender
	for _, c := range cands {
		if relation(from, c) == relAddress {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		route = RouteDomain
		for _, c := range cands {
			if relation(from, c) == relDomain {
				mine = append(mine, c)
			}
		}
	}
	var open, known []int64
	for _, c := range mine {
		known = append(known, c.ID)
		if c.Open {
			open = append(open, c.ID)
		}
	}
	open, known = sortedUnique(open), sortedUnique(known)
	if len(opt.Amounts) > 0 {
		pool := mine
		if len(mine) == 0 {
			// An unknown sender: an exact amount may still name one open
			// invoice of the whole ledger.
			pool = cands
		}
		if ids, ev := byAmount(opt.Amounts, pool); len(ids) == 1 {
			return linked(ids, RouteAmount, ev)
		} else if len(ids) > 1 {
			return Match{Rule: RouteTriage, Candidates: ids, Evidence: ev + ": they fit equally"}
		}
	}
	if from == "" {
		return Match{Rule: RouteNone, Evidence: "no sender address"}
	}
	who := from
	if route == RouteDomain {
		who = "an address at " + domainOf(from)
	}
	switch {
	case len(open) == 1:
		return Match{InvoiceIDs: open, Rule: route, Evidence: fmt.Sprintf("%s: the client has exactly one open invoice", who)}
	case len(open) > 1:
		return Match{Rule: RouteTriage, Candidates: open, Evidence: fmt.Sprintf("%s: the client has %d open invoices", who, len(open))}
	case len(known) > 0:
		// A known client writing about none of its open invoices: which
		// closed one it means is a human's call.
		return Match{Rule: RouteTriage, Candidates: known, Evidence: fmt.Sprintf("%s: the client has no open invoice", who)}
	}
	return Match{Rule: RouteNone, Evidence: fmt.Sprintf("%s is not a known client address", from)}
}

type senderRelation int

const (
	relNone senderRelation = iota
	relDomain
	relAddress
)

// relation says how the sender relates to a candidate's client: one of its
// addresses, another address at its own domain, or neither.
func relation(from string, c Candidate) senderRelation {
	if from == "" {
		return relNone
	}
	if containsFold(c.ClientEmails, from) {
		return relAddress
	}
	d := domainOf(from)
	if d == "" || PublicWebmail(d) || reservedDomain(d) {
		return relNone
	}
	for _, e := range c.ClientEmails {
		if strings.EqualFold(domainOf(strings.TrimSpace(e)), d) {
			return relDomain
		}
	}
	return relNone
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// publicWebmail are mail providers whose users share nothing but the
// provider: two addresses there are two people.
var publicWebmail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.fr": true, "yahoo.co.uk": true, "ymail.com": true,
	"hotmail.com": true, "hotmail.fr": true, "hotmail.co.uk": true, "outlook.com": true, "outlook.fr": true, "live.com": true,
	"live.fr": true, "msn.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true, "aol.fr": true,
	"orange.fr": true, "wanadoo.fr": true, "free.fr": true, "sfr.fr": true, "neuf.fr": true, "laposte.net": true,
	"bbox.fr": true, "numericable.fr": true, "club-internet.fr": true, "gmx.com": true, "gmx.fr": true, "gmx.de": true,
	"gmx.net": true, "web.de": true, "t-online.de": true, "proton.me": true, "protonmail.com": true, "pm.me": true,
	"tutanota.com": true, "yandex.com": true, "yandex.ru": true, "mail.ru": true, "zoho.com": true, "fastmail.com": true,
	"qq.com": true, "163.com": true, "libero.it": true, "btinternet.com": true, "sky.com": true, "comcast.net": true,
	"skynet.be": true, "bluewin.ch": true, "hey.com": true, "mailo.com": true, "posteo.de": true, "posteo.net": true,
}

// reservedDomain tells whether d is one of the example domains of RFC 2606,
// shared by everyone who writes an example and so no one's own.
func reservedDomain(d string) bool {
	switch d {
	case "example.com", "example.org", "example.net":
		return true
	}
	return strings.HasSuffix(d, ".invalid") || strings.HasSuffix(d, ".localhost")
}

// PublicWebmail tells whether domain is a public webmail provider.
func PublicWebmail(domain string) bool {
	return publicWebmail[strings.ToLower(strings.TrimSpace(domain))]
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
// body, in any case, spacing or separators ("n°FA-2025-0311", "fa 2025
// 0311", "inv-2025-0077"). Long or lettered numbers are matched as tokens
// anywhere; short all-digit ones ("Invoice #42") only where introduced as a
// document number, since "42" alone is as likely a street number. A number
// introduced as an invoice's that is only the end of a candidate's
// ("facture 311" for FA-2025-0311) counts among the sender's own invoices
// only.
func byNumber(m *message.Message, cands []Candidate, from string) ([]int64, string) {
	said := m.Subject + "\n" + m.Text
	if len(said) > maxPDFTextBytes {
		said = said[:maxPDFTextBytes]
	}
	tokens := make(map[string]bool)
	for _, t := range NumberKeys(said) {
		tokens[t] = true
	}
	labelled := make(map[string]bool)
	var short []string
	for _, n := range findNumbers(said) {
		k := text.NormalizeNumber(n.value)
		labelled[k] = true
		if n.label == labelInvoice || n.label == labelCredit || n.label == labelOther {
			short = append(short, k)
		}
	}
	var ids []int64
	var found []string
	for _, c := range cands {
		n := text.NormalizeNumber(c.Number)
		if n == "" {
			continue
		}
		strong := len(n) >= 5 || strings.IndexFunc(n, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
		hit := labelled[n] || (strong && tokens[n])
		if !hit && relation(from, c) != relNone {
			for _, s := range short {
				if tailMatch(c.Number, s) {
					hit = true
					break
				}
			}
		}
		if hit {
			ids = append(ids, c.ID)
			found = append(found, c.Number)
		}
	}
	if len(ids) == 0 {
		return nil, ""
	}
	return sortedUnique(ids), "mentions " + strings.Join(slices.Compact(found), ", ")
}

// tailMatch tells whether s, a normalized number cited without its prefix,
// is the end of the number: its last run of digits without the leading
// zeros ("311" for FA-2025-0311), or its normalized end of four characters
// or more ("20250311").
func tailMatch(number, s string) bool {
	n := text.NormalizeNumber(number)
	if s == "" || s == n {
		return s == n
	}
	if len(s) >= 4 && strings.HasSuffix(n, s) {
		return true
	}
	if strings.Trim(s, "0123456789") != "" {
		return false
	}
	number = strings.TrimSpace(number)
	i := len(number)
	for i > 0 && number[i-1] >= '0' && number[i-1] <= '9' {
		i--
	}
	tail := strings.TrimLeft(number[i:], "0")
	return tail != "" && tail == strings.TrimLeft(s, "0")
}

// byAmount lists the open candidates whose balance or total is one of the
// amounts.
func byAmount(amounts []decimal.Decimal, cands []Candidate) ([]int64, string) {
	var ids []int64
	var said []string
	for _, c := range cands {
		if !c.Open {
			continue
		}
		for _, a := range amounts {
			if a.IsPositive() && (a.Equal(c.Balance) || a.Equal(c.Amount)) {
				ids = append(ids, c.ID)
				said = append(said, fmt.Sprintf("%s (%s)", a.StringFixed(2), c.Number))
				break
			}
		}
	}
	ids = sortedUnique(ids)
	if len(ids) == 0 {
		return nil, ""
	}
	return ids, "names the amount " + strings.Join(said, ", ")
}

// NumberKeys lists the normalized forms a text may give an invoice number
// in: each run of letters and digits joined by - / _ . ("F-2026-0142," is
// F20260142), and the same runs joined across single spaces, two or three
// at a time ("FA 2025 0311" is FA20250311). Only forms holding a digit are
// kept.
func NumberKeys(s string) []string {
	toks := text.NumberTokenSpans(s)
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if k != "" && !seen[k] && strings.ContainsAny(k, "0123456789") {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i, t := range toks {
		add(t.Key)
		joined := t.Key
		for j := i + 1; j < len(toks) && j <= i+2; j++ {
			if toks[j].Start-toks[j-1].End != 1 || s[toks[j-1].End] != ' ' {
				break
			}
			joined += toks[j].Key
			add(joined)
		}
	}
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

// SharedDomain tells whether domain is shared by people who have nothing
// else in common (a public webmail provider, an example domain): another
// address there is not the client's.
func SharedDomain(domain string) bool {
	d := strings.ToLower(strings.TrimSpace(domain))
	return PublicWebmail(d) || reservedDomain(d)
}
