package payment

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Outcome is what matching concluded about a payment.
type Outcome string

// Outcomes.
const (
	// Matched: the payment settles its invoices exactly.
	Matched Outcome = "matched"
	// Partial: the payment pays part of one clearly identified invoice.
	Partial Outcome = "partial"
	// Overpaid: the invoices are settled and money is left over (Excess),
	// or a known client paid with nothing open.
	Overpaid Outcome = "overpaid"
	// Triage: a human chooses among Candidates; nothing is applied.
	Triage Outcome = "triage"
	// Unknown: the payer is no client and nothing ties the payment to an
	// invoice.
	Unknown Outcome = "unknown"
	// Duplicate: this payment was already recorded (same ExternalRef).
	Duplicate Outcome = "duplicate"
)

// Rule says which matching rule decided.
type Rule string

// Rules, in the order they are tried.
const (
	RuleReference    Rule = "reference"     // invoice numbers in the reference
	RuleAmountClient Rule = "amount_client" // exact amount of one invoice of the payer
	RuleSeveral      Rule = "several"       // exact sum of several invoices of one client
	RulePartial      Rule = "partial"       // less than the only invoice the payer owes
	RuleSingle       Rule = "single"        // more than the only invoice the payer owes
)

// Allocation is the part of a payment applied to one invoice.
type Allocation struct {
	InvoiceID int64
	Number    string
	Amount    decimal.Decimal
	Settles   bool // the invoice's balance reaches zero
}

// Candidate is an invoice a human may tie an uncertain payment to.
type Candidate struct {
	InvoiceID int64
	Number    string
	ClientID  int64
	Client    string
	Balance   decimal.Decimal
}

// Result is the decision about one payment.
type Result struct {
	Outcome     Outcome
	Rule        Rule
	Allocations []Allocation
	Excess      decimal.Decimal // money beyond what the invoices owed
	ClientID    int64           // the payer's client, when identified
	Candidates  []Candidate     // for Triage
	Reason      string          // one sentence a human can read
}

// maxSubsetInvoices bounds the search for a combination of invoices: a
// client with more open invoices than this goes to triage instead.
const maxSubsetInvoices = 16

// Match ties one payment to open invoices (see the package documentation
// for the order of the rules). It never modifies open.
func Match(p Payment, open []Invoice) Result {
	if !p.Amount.IsPositive() {
		return Result{Outcome: Unknown, Reason: fmt.Sprintf("amount %s is not money received", p.Amount)}
	}
	cur := strings.ToUpper(p.Currency)
	// 1. Invoice numbers in the reference.
	if named := invoicesNamed(p.Reference, open); len(named) > 0 {
		return byReference(p, cur, named)
	}
	same := make([]Invoice, 0, len(open))
	for _, inv := range open {
		if (cur == "" || inv.Currency == cur) && inv.Balance.IsPositive() {
			same = append(same, inv)
		}
	}
	// 2. The payer, by address or name.
	clients := payerClients(p, open)
	if len(clients) == 0 {
		exact := filter(same, func(inv Invoice) bool { return inv.Balance.Equal(p.Amount) })
		if len(exact) > 0 {
			return Result{Outcome: Triage, Candidates: candidates(exact),
				Reason: fmt.Sprintf("payer %q is not a known client, but the amount equals %s", payerLabel(p), numbers(exact))}
		}
		if p.Payer == "" && p.PayerEmail == "" {
			return Result{Outcome: Unknown, Reason: "nothing in the label names a known client or an open invoice"}
		}
		return Result{Outcome: Unknown, Reason: fmt.Sprintf("payer %q is not a known client and the reference names no open invoice", payerLabel(p))}
	}
	theirs := filter(same, func(inv Invoice) bool { return clients[inv.ClientID] })
	var clientID int64
	if len(clients) == 1 {
		for id := range clients {
			clientID = id
		}
	}
	exact := filter(theirs, func(inv Invoice) bool { return inv.Balance.Equal(p.Amount) })
	switch {
	case len(exact) == 1:
		return settle(p.Amount, exact, RuleAmountClient, exact[0].ClientID,
			fmt.Sprintf("amount equals the balance of %s of %s", exact[0].Number, exact[0].ClientName))
	case len(exact) > 1:
		return Result{Outcome: Triage, ClientID: clientID, Candidates: candidates(exact),
			Reason: fmt.Sprintf("amount equals the balance of %d invoices (%s): which one is paid is a human's call", len(exact), numbers(exact))}
	}
	if len(clients) > 1 {
		return Result{Outcome: Triage, Candidates: candidates(theirs),
			Reason: fmt.Sprintf("payer %q could be %d clients and no invoice has this amount", payerLabel(p), len(clients))}
	}
	// 3. Several invoices of the one client, exactly.
	if len(theirs) > maxSubsetInvoices {
		return Result{Outcome: Triage, ClientID: clientID, Candidates: candidates(theirs),
			Reason: fmt.Sprintf("the client has %d open invoices, too many to find which ones this pays", len(theirs))}
	}
	subsets := exactSubsets(theirs, p.Amount, 2)
	switch len(subsets) {
	case 1:
		return settle(p.Amount, subsets[0], RuleSeveral, clientID,
			fmt.Sprintf("amount equals the sum of %s", numbers(subsets[0])))
	case 2:
		union := unionOf(subsets)
		return Result{Outcome: Triage, ClientID: clientID, Candidates: candidates(union),
			Reason: fmt.Sprintf("several combinations of invoices (%s) add up to the amount", numbers(union))}
	}
	// 4. Part of the single invoice the client owes.
	switch len(theirs) {
	case 0:
		return Result{Outcome: Overpaid, ClientID: clientID, Excess: p.Amount,
			Reason: "the client has no open invoice in this currency: an overpayment, or a payment of a settled invoice"}
	case 1:
		inv := theirs[0]
		if p.Amount.LessThan(inv.Balance) {
			return settle(p.Amount, theirs, RulePartial, clientID,
				fmt.Sprintf("part of %s, the only invoice the client owes", inv.Number))
		}
		return settle(p.Amount, theirs, RuleSingle, clientID,
			fmt.Sprintf("more than %s, the only invoice the client owes", inv.Number))
	}
	return Result{Outcome: Triage, ClientID: clientID, Candidates: candidates(theirs),
		Reason: fmt.Sprintf("the client owes %d invoices (%s) and the amount matches none of them or their sums", len(theirs), numbers(theirs))}
}

// byReference decides for a payment whose reference names invoices.
func byReference(p Payment, cur string, named []Invoice) Result {
	for _, inv := range named {
		if cur != "" && inv.Currency != cur {
			return Result{Outcome: Triage, Candidates: candidates(named),
				Reason: fmt.Sprintf("the reference names %s in %s but the payment is in %s", inv.Number, inv.Currency, cur)}
		}
	}
	owing := filter(named, func(inv Invoice) bool { return inv.Balance.IsPositive() })
	if len(owing) == 0 {
		return Result{Outcome: Triage, Candidates: candidates(named),
			Reason: fmt.Sprintf("the reference names %s, which owes nothing", numbers(named))}
	}
	clientID := owing[0].ClientID
	for _, inv := range owing[1:] {
		if inv.ClientID != clientID {
			clientID = 0
		}
	}
	if len(owing) == 1 {
		return settle(p.Amount, owing, RuleReference, clientID, fmt.Sprintf("the reference names %s", owing[0].Number))
	}
	sum := total(owing)
	if p.Amount.LessThan(sum) {
		return Result{Outcome: Triage, ClientID: clientID, Candidates: candidates(owing),
			Reason: fmt.Sprintf("the reference names %s but the amount is less than their total %s: which to settle is a human's call",
				numbers(owing), sum.StringFixed(2))}
	}
	return settle(p.Amount, owing, RuleReference, clientID, fmt.Sprintf("the reference names %s", numbers(owing)))
}

// settle allocates amount to invs in order (oldest due first when several).
// The amount must be at least the total, unless invs is one invoice paid in
// part.
func settle(amount decimal.Decimal, invs []Invoice, rule Rule, clientID int64, reason string) Result {
	r := Result{Rule: rule, ClientID: clientID, Reason: reason}
	left := amount
	for _, inv := range invs {
		a := decimal.Min(left, inv.Balance)
		if !a.IsPositive() {
			break
		}
		r.Allocations = append(r.Allocations, Allocation{InvoiceID: inv.ID, Number: inv.Number, Amount: a, Settles: a.Equal(inv.Balance)})
		left = left.Sub(a)
	}
	switch {
	case left.IsPositive():
		r.Outcome, r.Excess = Overpaid, left
		r.Reason += fmt.Sprintf("; %s more than owed", left.StringFixed(2))
	case len(r.Allocations) == 1 && !r.Allocations[0].Settles:
		r.Outcome = Partial
	default:
		r.Outcome = Matched
	}
	return r
}

// invoicesNamed returns the open invoices whose number appears in text,
// written as issued ("F-2026-014") or as banks reduce it ("F2026014",
// "F 2026 014").
func invoicesNamed(s string, open []Invoice) []Invoice {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	upper := strings.ToUpper(s)
	words := strings.FieldsFunc(upper, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":;,()[]#=*+\"'", r)
	})
	normWords := make([]string, len(words))
	for i, w := range words {
		normWords[i] = text.NormalizeNumber(w)
	}
	var out []Invoice
	for _, inv := range open {
		n := text.NormalizeNumber(inv.Number)
		if !distinctive(n) {
			continue
		}
		if containsBounded(upper, strings.ToUpper(strings.TrimSpace(inv.Number))) || inWords(normWords, n) {
			out = append(out, inv)
		}
	}
	sortByDue(out)
	return out
}

// distinctive rejects numbers too short or too plain to be recognised in
// free text without matching dates and amounts.
func distinctive(n string) bool {
	if len(n) < 3 {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return true
		}
	}
	return len(n) >= 4
}

// containsBounded finds needle in s with no letter or digit glued to either
// side.
func containsBounded(s, needle string) bool {
	if needle == "" {
		return false
	}
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], needle)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(needle)
		before, after := ' ', ' '
		if i > 0 {
			before = lastRune(s[:i])
		}
		if end < len(s) {
			after = firstRune(s[end:])
		}
		if !isAlnum(before) && !isAlnum(after) {
			return true
		}
		from = i + 1
	}
	return false
}

// inWords looks for n as one word or up to four consecutive words joined.
func inWords(words []string, n string) bool {
	for i := range words {
		joined := ""
		for j := i; j < len(words) && j < i+4; j++ {
			joined += words[j]
			if joined == n {
				return true
			}
			if len(joined) >= len(n) {
				break
			}
		}
	}
	return false
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return ' '
}

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return ' '
	}
	return r[len(r)-1]
}

// payerClients returns the clients the payer is: by address first, else by
// name (or, when the bank gave no payer, by a name written in the label).
func payerClients(p Payment, open []Invoice) map[int64]bool {
	out := map[int64]bool{}
	if email := strings.ToLower(strings.TrimSpace(p.PayerEmail)); email != "" {
		for _, inv := range open {
			for _, e := range inv.ClientEmails {
				if e == email {
					out[inv.ClientID] = true
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, inv := range open {
		switch {
		case p.Payer != "":
			if nameMatches(p.Payer, inv.ClientName) {
				out[inv.ClientID] = true
			}
		case p.Reference != "":
			if mentionsName(p.Reference, inv.ClientName) {
				out[inv.ClientID] = true
			}
		}
	}
	return out
}

// exactSubsets returns up to limit combinations of at least two invoices
// whose balances add up to amount exactly.
func exactSubsets(invs []Invoice, amount decimal.Decimal, limit int) [][]Invoice {
	var out [][]Invoice
	var pick []Invoice
	var walk func(i int, left decimal.Decimal)
	walk = func(i int, left decimal.Decimal) {
		if len(out) >= limit {
			return
		}
		if left.IsZero() {
			if len(pick) >= 2 {
				out = append(out, append([]Invoice(nil), pick...))
			}
			return
		}
		for j := i; j < len(invs); j++ {
			if invs[j].Balance.GreaterThan(left) {
				continue
			}
			pick = append(pick, invs[j])
			walk(j+1, left.Sub(invs[j].Balance))
			pick = pick[:len(pick)-1]
		}
	}
	walk(0, amount)
	return out
}

func unionOf(sets [][]Invoice) []Invoice {
	seen := map[int64]bool{}
	var out []Invoice
	for _, s := range sets {
		for _, inv := range s {
			if !seen[inv.ID] {
				seen[inv.ID] = true
				out = append(out, inv)
			}
		}
	}
	sortByDue(out)
	return out
}

func filter(invs []Invoice, keep func(Invoice) bool) []Invoice {
	var out []Invoice
	for _, inv := range invs {
		if keep(inv) {
			out = append(out, inv)
		}
	}
	sortByDue(out)
	return out
}

// sortByDue orders invoices oldest due first (unknown due dates last), so
// allocations settle the oldest debt first.
func sortByDue(invs []Invoice) {
	sort.SliceStable(invs, func(i, j int) bool {
		a, b := invs[i].DueDate, invs[j].DueDate
		if a.IsZero() != b.IsZero() {
			return b.IsZero()
		}
		if !a.Equal(b) {
			return a.Before(b)
		}
		return invs[i].ID < invs[j].ID
	})
}

func total(invs []Invoice) decimal.Decimal {
	sum := decimal.Zero
	for _, inv := range invs {
		sum = sum.Add(inv.Balance)
	}
	return sum
}

func candidates(invs []Invoice) []Candidate {
	out := make([]Candidate, 0, len(invs))
	for _, inv := range invs {
		out = append(out, Candidate{InvoiceID: inv.ID, Number: inv.Number, ClientID: inv.ClientID, Client: inv.ClientName, Balance: inv.Balance})
	}
	return out
}

func numbers(invs []Invoice) string {
	ns := make([]string, len(invs))
	for i, inv := range invs {
		ns[i] = inv.Number
	}
	return strings.Join(ns, ", ")
}

func payerLabel(p Payment) string {
	switch {
	case p.Payer != "" && p.PayerEmail != "":
		return p.Payer + " <" + p.PayerEmail + ">"
	case p.Payer != "":
		return p.Payer
	case p.PayerEmail != "":
		return p.PayerEmail
	}
	return "(no name)"
}

// MatchAll matches a batch in order, as if each result were applied before
// the next: a second payment for an invoice sees what the first left. A
// payment whose ExternalRef known reports, or that repeats one earlier in
// the batch, is a Duplicate. open is not modified.
func MatchAll(payments []Payment, open []Invoice, known func(externalRef string) bool) []Result {
	cur := make([]Invoice, len(open))
	copy(cur, open)
	seen := map[string]bool{}
	out := make([]Result, 0, len(payments))
	for _, p := range payments {
		if p.ExternalRef != "" && (seen[p.ExternalRef] || (known != nil && known(p.ExternalRef))) {
			out = append(out, Result{Outcome: Duplicate, Reason: "already recorded (" + p.ExternalRef + ")"})
			continue
		}
		seen[p.ExternalRef] = true
		r := Match(p, cur)
		for _, a := range r.Allocations {
			for i := range cur {
				if cur[i].ID == a.InvoiceID {
					cur[i].Balance = cur[i].Balance.Sub(a.Amount)
				}
			}
		}
		out = append(out, r)
	}
	return out
}
