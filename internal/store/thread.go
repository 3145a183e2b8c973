package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ThreadCandidate is an invoice a reply might be about, with what threading
// needs to decide: its number, its client's addresses and the Message-IDs of
// the mails we sent about it (the invoice and our reminders).
type ThreadCandidate struct {
	ID           int64
	Number       string
	ClientEmails []string
	MessageIDs   []string
	Open         bool
}

// ThreadCandidates returns the invoices a reply may refer to: those whose
// mails it references, those of the sender's client, and those whose number
// appears in text. The list is bounded by what the reply names, not by the
// size of the ledger.
func (t *Tx) ThreadCandidates(refs []string, sender, text string) ([]ThreadCandidate, error) {
	sender = strings.ToLower(strings.TrimSpace(sender))
	// Each way in is one indexed lookup; the union of ids is then read once.
	ids := map[int64]bool{}
	collect := func(q string, args ...any) error {
		rows, err := t.query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids[id] = true
		}
		return rows.Err()
	}
	if len(refs) > 0 {
		// Threading takes a reference to the invoice mail or a sent reminder
		// before anything else: when one is found, the sender's and the
		// text's candidates cannot change the outcome and are not read.
		ph, args := placeholders(refs)
		if err := collect(`SELECT id FROM invoices WHERE kind = 'invoice' AND source_message_id IN (`+ph+`)
			UNION SELECT di.invoice_id FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
				JOIN invoices i ON i.id = di.invoice_id
				WHERE d.status = 'sent' AND i.kind = 'invoice' AND d.message_id IN (`+ph+`)`, append(args, args...)...); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
		if len(ids) > 0 {
			return t.threadCandidatesByID(ids)
		}
		if err := collect(`SELECT id FROM invoices WHERE source_message_id IN (`+ph+`)`, args...); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
		if err := collect(`SELECT di.invoice_id FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id WHERE d.message_id IN (`+ph+`)`, args...); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
	}
	if sender != "" {
		// A long-standing client has many invoices: its 100 most recent
		// are what a reply without a reference can be about.
		if err := collect(`SELECT i.id FROM client_emails e JOIN invoices i ON i.client_id = e.client_id WHERE e.email = ?
			ORDER BY i.id DESC LIMIT 100`, sender); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
	}
	if tokens := numberTokens(text); len(tokens) > 0 {
		ph, args := placeholders(tokens)
		if err := collect(`SELECT id FROM invoices WHERE upper(number) IN (`+ph+`)`, args...); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
	}
	return t.threadCandidatesByID(ids)
}

// threadCandidatesByID reads what threading needs of these invoices.
func (t *Tx) threadCandidatesByID(ids map[int64]bool) ([]ThreadCandidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, strconv.FormatInt(id, 10))
	}
	ph, args := placeholders(list)
	q := `SELECT i.id, i.number, i.state, i.source_message_id,
		COALESCE((SELECT group_concat(e.email, ',') FROM client_emails e WHERE e.client_id = i.client_id), ''),
		COALESCE((SELECT group_concat(d.message_id, ',') FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
			WHERE di.invoice_id = i.id AND d.status = 'sent'), '')
		FROM invoices i WHERE i.kind = 'invoice' AND i.id IN (` + ph + `) ORDER BY i.id LIMIT 200`
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: thread candidates: %w", err)
	}
	defer rows.Close()
	var out []ThreadCandidate
	for rows.Next() {
		var c ThreadCandidate
		var state, src, emails, drafts string
		if err := rows.Scan(&c.ID, &c.Number, &state, &src, &emails, &drafts); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
		c.Open = state != StatePaid && state != StateCancelled && state != StateWrittenOff
		c.ClientEmails = splitList(emails)
		if src != "" {
			c.MessageIDs = append(c.MessageIDs, src)
		}
		c.MessageIDs = append(c.MessageIDs, splitList(drafts)...)
		out = append(out, c)
	}
	return out, rows.Err()
}

// numberTokens lists the words of a text that could be invoice numbers
// (upper-cased, holding a digit), for an indexed lookup. Separators inside
// numbers (F-2026-0142, 2026/017, INV.12) are kept; a trailing one is not.
func numberTokens(text string) []string {
	const maxTokens = 200
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/' || r == '_' || r == '.')
	}) {
		f = strings.ToUpper(strings.Trim(f, "-/_."))
		if len(f) < 3 || len(f) > 40 || !strings.ContainsAny(f, "0123456789") || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if len(out) == maxTokens {
			break
		}
	}
	return out
}

func placeholders(vals []string) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return "?" + strings.Repeat(", ?", len(vals)-1), args
}

// InvoiceState returns the current state of an invoice inside the transaction.
func (t *Tx) InvoiceState(id int64) (string, error) {
	inv, err := t.invoiceByID(id)
	if err != nil {
		return "", err
	}
	return inv.State, nil
}
