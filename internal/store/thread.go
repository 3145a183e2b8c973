package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/text"
)

// ThreadCandidate is an invoice a reply might be about, with what threading
// needs to decide: its number, its client's addresses, the Message-IDs of
// the mails we sent about it (the invoice and its re-sends, our reminders,
// its credit notes, any other mail of ours recorded against it), its total
// and what it still owes.
type ThreadCandidate struct {
	ID              int64
	Number          string
	ClientEmails    []string
	MessageIDs      []string
	Open            bool
	Amount, Balance decimal.Decimal
}

// ThreadQuery is what a reply names that may lead to invoices.
type ThreadQuery struct {
	Refs   []string // In-Reply-To and References
	Sender string
	// Domain is the sender's domain when it may be a client's own (empty
	// for a public webmail provider): other addresses there lead to their
	// client's invoices.
	Domain string
	// Keys are the normalized forms of what may be invoice numbers in the
	// text (invoice.NumberKeys).
	Keys []string
	// Text is the subject and body, for numbers written as stored.
	Text string
	// Amounts are the money amounts the reply names (decimal strings).
	Amounts []string
}

// ThreadCandidates returns the invoices a reply may refer to: those whose
// mails it references, those of the sender's client, and those whose number
// appears in text.
func (t *Tx) ThreadCandidates(refs []string, sender, text string) ([]ThreadCandidate, error) {
	return t.ThreadCandidatesFor(ThreadQuery{Refs: refs, Sender: sender, Text: text})
}

// ThreadCandidatesFor returns the invoices a reply may refer to: those whose
// mails it references (when any, only those), those of the sender's client
// or domain, those whose number appears in the text, and the open ones
// whose balance or total is an amount it names. The list is bounded by what
// the reply names, not by the size of the ledger.
func (t *Tx) ThreadCandidatesFor(q ThreadQuery) ([]ThreadCandidate, error) {
	sender := strings.ToLower(strings.TrimSpace(q.Sender))
	// Each way in is one indexed lookup; the union of ids is then read once.
	ids := map[int64]bool{}
	collect := func(q string, args ...any) error {
		rows, err := t.query(q, args...)
		if err != nil {
			return fmt.Errorf("store: thread candidates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("store: thread candidates: %w", err)
			}
			ids[id] = true
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: thread candidates: %w", err)
		}
		return nil
	}
	var refs []string
	seenRef := map[string]bool{}
	for _, r := range q.Refs {
		r = strings.Trim(strings.TrimSpace(r), "<>")
		for _, v := range []string{r, strings.ToLower(r)} {
			if v != "" && !seenRef[v] && len(refs) < 200 {
				seenRef[v] = true
				refs = append(refs, v)
			}
		}
	}
	if len(refs) > 0 {
		// A reference to any mail of ours about an invoice comes before
		// anything else: the invoice mail, a re-send, a credit note (its
		// invoice), a reminder or other draft we sent, a mail of ours
		// recorded against the invoice. When one is found, the sender's and
		// the text's candidates cannot change the outcome and are not read.
		// UNION ALL: collect keeps each id once, and SQLite need not
		// build a temporary index to drop the repeats of each branch.
		ph, args := placeholders(refs)
		if err := collect(`SELECT id FROM invoices WHERE kind = 'invoice' AND source_message_id IN (`+ph+`)
			UNION ALL SELECT m.invoice_id FROM messages m JOIN invoices i ON i.id = m.invoice_id
				WHERE m.role IN ('sent', 'extra') AND i.kind = 'invoice' AND m.message_id IN (`+ph+`)
			UNION ALL SELECT di.invoice_id FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
				JOIN invoices i ON i.id = di.invoice_id
				WHERE d.status = `+sqlWord(domain.DraftSent)+` AND i.kind = 'invoice' AND d.message_id IN (`+ph+`)
			UNION ALL SELECT i.id FROM invoices cn JOIN invoices i ON i.kind = 'invoice' AND i.client_id = cn.client_id
				AND `+normSQL("i.number")+` = `+normSQL("cn.credited_number")+`
				WHERE cn.kind = 'credit_note' AND cn.credited_number <> '' AND cn.source_message_id IN (`+ph+`)`,
			append(append(append(args, args...), args...), args...)...); err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			return t.threadCandidatesByID(ids)
		}
	}
	if sender != "" {
		// A long-standing client has many invoices: its 100 most recent
		// are what a reply without a reference can be about.
		if err := collect(`SELECT i.id FROM client_emails e JOIN invoices i ON i.client_id = e.client_id WHERE e.email = ?
			ORDER BY i.id DESC LIMIT 100`, sender); err != nil {
			return nil, err
		}
	}
	if d := strings.ToLower(strings.TrimSpace(q.Domain)); d != "" && len(ids) == 0 {
		// Another address at a client's own domain.
		// The domain is compared with the expression of its index
		// (migration 0020), not with a LIKE on the address's end that
		// no index answers.
		if err := collect(`SELECT i.id FROM client_emails e JOIN invoices i ON i.client_id = e.client_id
			WHERE `+emailDomainSQL+` = ? ORDER BY i.id DESC LIMIT 100`, d); err != nil {
			return nil, err
		}
	}
	if tokens := text.WrittenNumbers(q.Text); len(tokens) > 0 {
		ph, args := placeholders(tokens)
		if err := collect(`SELECT id FROM invoices WHERE upper(number) IN (`+ph+`)`, args...); err != nil {
			return nil, err
		}
	}
	// The invoice key is "inv:" + the normalized number + "@" + the seller:
	// each form of a number is a range of its unique index, read 25 ranges
	// to a query.
	keys := q.Keys
	if len(keys) > 200 {
		keys = keys[:200]
	}
	for len(keys) > 0 {
		n := min(len(keys), 25)
		var where []string
		var args []any
		for _, k := range keys[:n] {
			if len(k) < 2 {
				continue
			}
			where = append(where, `(invoice_key >= ? AND invoice_key < ?)`)
			args = append(args, "inv:"+k+"@", "inv:"+k+"A")
		}
		keys = keys[n:]
		if len(where) == 0 {
			continue
		}
		if err := collect(`SELECT id FROM invoices WHERE `+strings.Join(where, " OR "), args...); err != nil {
			return nil, err
		}
	}
	if len(q.Amounts) > 0 {
		amounts := q.Amounts
		if len(amounts) > 20 {
			amounts = amounts[:20]
		}
		ph, args := placeholders(amounts)
		if err := collect(`SELECT id FROM invoices WHERE kind = 'invoice' AND state IN `+chasedStatesSQL+`
			AND (balance IN (`+ph+`) OR amount IN (`+ph+`)) ORDER BY id DESC LIMIT 20`, append(args, args...)...); err != nil {
			return nil, err
		}
	}
	return t.threadCandidatesByID(ids)
}

// emailDomainSQL is the domain of a client address, lower-cased: the
// expression of the index client_emails_domain, written the same way so
// that SQLite uses it.
const emailDomainSQL = `lower(substr(e.email, instr(e.email, '@') + 1))`

// normSQL is the SQL of an invoice number reduced to its letters and digits
// for the usual separators, upper-cased.
func normSQL(col string) string {
	return `upper(replace(replace(replace(replace(replace(` + col + `, '-', ''), '/', ''), ' ', ''), '.', ''), '_', ''))`
}

// threadCandidatesByID reads what threading needs of these invoices.
func (t *Tx) threadCandidatesByID(ids map[int64]bool) ([]ThreadCandidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	ph, args := placeholders(list)
	q := `SELECT i.id, i.number, i.state, i.source_message_id, i.amount, i.balance,
		COALESCE((SELECT group_concat(e.email, ',') FROM client_emails e WHERE e.client_id = i.client_id), ''),
		COALESCE((SELECT group_concat(d.message_id, ',') FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
			WHERE di.invoice_id = i.id AND d.status = ` + sqlWord(domain.DraftSent) + `), ''),
		COALESCE((SELECT group_concat(m.message_id, ',') FROM messages m
			WHERE m.invoice_id = i.id AND m.role IN ('sent', 'extra')), ''),
		COALESCE((SELECT group_concat(cn.source_message_id, ',') FROM invoices cn WHERE cn.kind = 'credit_note'
			AND cn.client_id = i.client_id AND cn.credited_number <> '' AND ` + normSQL("cn.credited_number") + ` = ` + normSQL("i.number") + `), '')
		FROM invoices i WHERE i.kind = 'invoice' AND i.id IN (` + ph + `) ORDER BY i.id LIMIT 200`
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: thread candidates: %w", err)
	}
	defer rows.Close()
	var out []ThreadCandidate
	for rows.Next() {
		var c ThreadCandidate
		var state, src, amount, balance, emails, drafts, mails, credits string
		if err := rows.Scan(&c.ID, &c.Number, &state, &src, &amount, &balance, &emails, &drafts, &mails, &credits); err != nil {
			return nil, fmt.Errorf("store: thread candidates: %w", err)
		}
		c.Open = !domain.State(state).Settled()
		c.Amount, _ = decimal.NewFromString(amount)
		c.Balance, _ = decimal.NewFromString(balance)
		c.ClientEmails = splitList(emails)
		if src != "" {
			c.MessageIDs = append(c.MessageIDs, src)
		}
		for _, l := range []string{drafts, mails, credits} {
			c.MessageIDs = append(c.MessageIDs, splitList(l)...)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// placeholders writes one "?" per value for an IN list, and the values as
// the query's arguments, ids bound as the integers they are.
func placeholders[T any](vals []T) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return "?" + strings.Repeat(", ?", len(vals)-1), args
}

// InvoiceState returns the current state of an invoice inside the
// transaction (read alone: it is asked for every reply).
func (t *Tx) InvoiceState(id int64) (domain.State, error) {
	var state domain.State
	err := t.queryRow(`SELECT state FROM invoices WHERE id = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: invoice %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: state of invoice %d: %w", id, err)
	}
	return state, nil
}
