package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/receivables"
)

// Receivables reads every invoice (credit notes aside) with its client and
// the payments received against it, as the overview's figures need them.
// A credit note lowers the invoice's amount from the start; an invoice
// settled without a payment row for all of it (paid by hand, cancelled,
// written off) is closed on the day it changed state, in loc (the
// business's time zone).
func (s *Store) Receivables(ctx context.Context, loc *time.Location) ([]receivables.Invoice, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.client_id, COALESCE(NULLIF(c.name, ''), c.email), i.currency, i.amount,
		i.issue_date, i.due_date, i.state, i.state_since
		FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.kind = 'invoice' ORDER BY i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: receivables: %w", err)
	}
	var out []receivables.Invoice
	var states []domain.State
	var since []time.Time
	at := map[int64]int{}
	for rows.Next() {
		var id int64
		var inv receivables.Invoice
		var amount string
		var state domain.State
		var issue, due, stateSince sql.NullString
		if err := rows.Scan(&id, &inv.ClientID, &inv.ClientName, &inv.Currency, &amount, &issue, &due, &state, &stateSince); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: receivables: %w", err)
		}
		if inv.Amount, err = decimal.NewFromString(amount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: receivables: invoice %d: bad amount %q: %w", id, amount, err)
		}
		inv.Issued, inv.Due = parseDate(issue), parseDate(due)
		at[id] = len(out)
		out = append(out, inv)
		states = append(states, state)
		since = append(since, parseTS(stateSince))
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: receivables: %w", err)
	}
	prows, err := s.db.QueryContext(ctx, `SELECT invoice_id, amount, paid_on, source FROM payments
		WHERE invoice_id IS NOT NULL ORDER BY paid_on, id`)
	if err != nil {
		return nil, fmt.Errorf("store: receivables: payments: %w", err)
	}
	defer prows.Close()
	paid := make([]decimal.Decimal, len(out))
	for prows.Next() {
		var id int64
		var amount, source string
		var on sql.NullString
		if err := prows.Scan(&id, &amount, &on, &source); err != nil {
			return nil, fmt.Errorf("store: receivables: payments: %w", err)
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		a, err := decimal.NewFromString(amount)
		if err != nil {
			return nil, fmt.Errorf("store: receivables: payment on invoice %d: bad amount %q: %w", id, amount, err)
		}
		if source == SourceCreditNote {
			out[i].Amount = out[i].Amount.Sub(a)
			continue
		}
		out[i].Payments = append(out[i].Payments, receivables.Payment{On: parseDate(on), Amount: a})
		paid[i] = paid[i].Add(a)
	}
	if err := prows.Err(); err != nil {
		return nil, fmt.Errorf("store: receivables: payments: %w", err)
	}
	for i := range out {
		if states[i].Settled() && paid[i].LessThan(out[i].Amount) && !since[i].IsZero() {
			y, m, d := since[i].In(loc).Date()
			out[i].Closed = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	return out, nil
}
