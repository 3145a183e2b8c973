package store

import (
	"fmt"
	"strings"
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
	var args []any
	var conds []string
	if len(refs) > 0 {
		ph := "?" + strings.Repeat(", ?", len(refs)-1)
		conds = append(conds, `i.source_message_id IN (`+ph+`)`,
			`i.id IN (SELECT di.invoice_id FROM draft_invoices di JOIN drafts d ON d.id = di.draft_id WHERE d.message_id IN (`+ph+`))`)
		for range 2 {
			for _, r := range refs {
				args = append(args, r)
			}
		}
	}
	if sender != "" {
		conds = append(conds, `i.client_id IN (SELECT client_id FROM client_emails WHERE email = ?)`)
		args = append(args, sender)
	}
	if text != "" {
		conds = append(conds, `(length(i.number) >= 3 AND instr(?, upper(i.number)) > 0)`)
		args = append(args, strings.ToUpper(text))
	}
	if len(conds) == 0 {
		return nil, nil
	}
	q := `SELECT i.id, i.number, i.state, i.source_message_id,
		COALESCE((SELECT group_concat(e.email, ',') FROM client_emails e WHERE e.client_id = i.client_id), ''),
		COALESCE((SELECT group_concat(d.message_id, ',') FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
			WHERE di.invoice_id = i.id AND d.status = 'sent'), '')
		FROM invoices i WHERE i.kind = 'invoice' AND (` + strings.Join(conds, " OR ") + `) ORDER BY i.id LIMIT 200`
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
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

// InvoiceState returns the current state of an invoice inside the transaction.
func (t *Tx) InvoiceState(id int64) (string, error) {
	inv, err := t.invoiceByID(id)
	if err != nil {
		return "", err
	}
	return inv.State, nil
}
