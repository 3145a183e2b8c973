package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// History is a client's timeline as the behaviour signals read it: what was
// invoiced and paid, which reminders went out, how the client answered and
// what it promised. It is plain data so the store does not depend on the
// classifier; the engine maps it.
type History struct {
	ClientID  int64
	Invoices  []HistoryInvoice
	Reminders []HistoryReminder
	Replies   []HistoryReply
	Promises  []HistoryPromise
}

// HistoryInvoice is one invoice with the money received against it. Paid is
// the day the balance reached zero (zero while unpaid).
type HistoryInvoice struct {
	ID       int64
	Number   string
	State    domain.State
	Amount   decimal.Decimal
	Balance  decimal.Decimal
	Issued   time.Time
	Due      time.Time
	Paid     time.Time
	Payments []HistoryPayment
}

// Open reports whether the invoice is still owed (chased or paused).
func (h HistoryInvoice) Open() bool {
	switch h.State {
	case domain.StatePaid, domain.StateCancelled, domain.StateWrittenOff:
		return false
	}
	return true
}

// HistoryPayment is one payment received.
type HistoryPayment struct {
	Date   time.Time
	Amount decimal.Decimal
}

// HistoryReminder is a reminder we sent about an invoice.
type HistoryReminder struct {
	InvoiceID int64
	Invoice   string
	Sent      time.Time
	Stage     domain.DraftStage // "" for a log written before stages were kept
}

// HistoryReply is a message received from the client, with its class. Invoice
// is empty when the reply was not tied to an invoice.
type HistoryReply struct {
	InvoiceID int64
	Invoice   string
	Received  time.Time
	Class     string
}

// HistoryPromise is a payment date the client committed to; Kept tells
// whether the invoice was fully paid by that day.
type HistoryPromise struct {
	InvoiceID int64
	Invoice   string
	Made      time.Time
	Date      time.Time
	Kept      bool
}

// BehaviourHistory reads everything the behaviour signals need about one client.
// (ClientHistory, in review.go, is the human-readable timeline.)
// Credit notes are left out: they are not owed by the client.
func (s *Store) BehaviourHistory(ctx context.Context, clientID int64) (History, error) {
	h := History{ClientID: clientID}
	byID := map[int64]*HistoryInvoice{}
	promised := map[int64]time.Time{} // invoices.promise_date

	rows, err := s.db.QueryContext(ctx, `SELECT id, number, state, amount, balance, issue_date, due_date, promise_date
		FROM invoices WHERE client_id = ? AND kind = 'invoice' ORDER BY COALESCE(issue_date, created_at), id`, clientID)
	if err != nil {
		return History{}, fmt.Errorf("store: history of client %d: invoices: %w", clientID, err)
	}
	for rows.Next() {
		var inv HistoryInvoice
		var amount, balance string
		var issue, due, promise sql.NullString
		if err := rows.Scan(&inv.ID, &inv.Number, &inv.State, &amount, &balance, &issue, &due, &promise); err != nil {
			rows.Close()
			return History{}, fmt.Errorf("store: history of client %d: invoices: %w", clientID, err)
		}
		if inv.Amount, err = decimal.NewFromString(amount); err != nil {
			rows.Close()
			return History{}, fmt.Errorf("store: history of client %d: invoice %s: bad amount %q: %w", clientID, inv.Number, amount, err)
		}
		if inv.Balance, err = decimal.NewFromString(balance); err != nil {
			rows.Close()
			return History{}, fmt.Errorf("store: history of client %d: invoice %s: bad balance %q: %w", clientID, inv.Number, balance, err)
		}
		inv.Issued, inv.Due = parseDate(issue), parseDate(due)
		if p := parseDate(promise); !p.IsZero() {
			promised[inv.ID] = p
		}
		h.Invoices = append(h.Invoices, inv)
	}
	if err := rows.Close(); err != nil {
		return History{}, fmt.Errorf("store: history of client %d: invoices: %w", clientID, err)
	}
	for i := range h.Invoices {
		byID[h.Invoices[i].ID] = &h.Invoices[i]
	}

	if err := s.historyPayments(ctx, clientID, byID); err != nil {
		return History{}, err
	}
	if err := s.historyEvents(ctx, &h, byID); err != nil {
		return History{}, err
	}
	if err := s.historyReplies(ctx, &h, byID); err != nil {
		return History{}, err
	}

	// The invoice row keeps the latest promise; the event log keeps every
	// one. Add the row's when no event carried it (set by hand, say).
	for id, date := range promised {
		found := false
		for _, p := range h.Promises {
			if p.InvoiceID == id && p.Date.Equal(date) {
				found = true
				break
			}
		}
		if !found {
			inv := byID[id]
			h.Promises = append(h.Promises, HistoryPromise{InvoiceID: id, Invoice: inv.Number, Date: date})
		}
	}
	for i := range h.Promises {
		p := &h.Promises[i]
		if inv := byID[p.InvoiceID]; inv != nil && !inv.Paid.IsZero() && !inv.Paid.After(p.Date) {
			p.Kept = true
		}
	}
	sort.SliceStable(h.Promises, func(i, j int) bool {
		if !h.Promises[i].Date.Equal(h.Promises[j].Date) {
			return h.Promises[i].Date.Before(h.Promises[j].Date)
		}
		return h.Promises[i].InvoiceID < h.Promises[j].InvoiceID
	})
	return h, nil
}

// historyPayments attaches payments to invoices and dates the payment that
// brought each balance to zero. A credit note is no payment: it lowers what
// the invoice asks (its Amount here), so a credited invoice paid in one
// transfer is no "partial payment".
func (s *Store) historyPayments(ctx context.Context, clientID int64, byID map[int64]*HistoryInvoice) error {
	rows, err := s.db.QueryContext(ctx, `SELECT p.invoice_id, p.amount, p.paid_on, p.source FROM payments p
		JOIN invoices i ON i.id = p.invoice_id WHERE i.client_id = ? ORDER BY p.paid_on, p.id`, clientID)
	if err != nil {
		return fmt.Errorf("store: history of client %d: payments: %w", clientID, err)
	}
	defer rows.Close()
	paidSum := map[int64]decimal.Decimal{}
	for rows.Next() {
		var id int64
		var amount, source string
		var paidOn sql.NullString
		if err := rows.Scan(&id, &amount, &paidOn, &source); err != nil {
			return fmt.Errorf("store: history of client %d: payments: %w", clientID, err)
		}
		inv := byID[id]
		if inv == nil {
			continue
		}
		a, err := decimal.NewFromString(amount)
		if err != nil {
			return fmt.Errorf("store: history of client %d: payment on %s: bad amount %q: %w", clientID, inv.Number, amount, err)
		}
		d := parseDate(paidOn)
		if source == SourceCreditNote {
			inv.Amount = inv.Amount.Sub(a)
			if inv.Paid.IsZero() && !inv.Amount.IsPositive() {
				inv.Paid = d
			}
			continue
		}
		inv.Payments = append(inv.Payments, HistoryPayment{Date: d, Amount: a})
		paidSum[id] = paidSum[id].Add(a)
		if inv.Paid.IsZero() && paidSum[id].GreaterThanOrEqual(inv.Amount) {
			inv.Paid = d
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: history of client %d: payments: %w", clientID, err)
	}
	return nil
}

// historyEvents reads reminders sent, promises made (replies carrying a
// promise date) and the day invoices settled without a payment row (marked
// paid by hand).
func (s *Store) historyEvents(ctx context.Context, h *History, byID map[int64]*HistoryInvoice) error {
	rows, err := s.db.QueryContext(ctx, `SELECT e.kind, e.at, e.invoice_id, e.detail FROM events e
		JOIN invoices i ON i.id = e.invoice_id
		WHERE i.client_id = ? AND e.kind IN `+sqlList(domain.EventReminderSent, domain.EventReplyReceived, domain.EventInvoicePaid)+`
		ORDER BY e.at, e.id`, h.ClientID)
	if err != nil {
		return fmt.Errorf("store: history of client %d: events: %w", h.ClientID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind domain.EventKind
		var at, detail string
		var invID int64
		if err := rows.Scan(&kind, &at, &invID, &detail); err != nil {
			return fmt.Errorf("store: history of client %d: events: %w", h.ClientID, err)
		}
		inv := byID[invID]
		if inv == nil {
			continue
		}
		when := parseTS(sql.NullString{String: at, Valid: true})
		switch kind {
		case domain.EventReminderSent:
			var d struct {
				Stage domain.DraftStage `json:"stage"`
			}
			// A detail that does not decode still counts as a reminder,
			// of no known stage.
			_ = json.Unmarshal([]byte(detail), &d)
			h.Reminders = append(h.Reminders, HistoryReminder{InvoiceID: invID, Invoice: inv.Number, Sent: when, Stage: d.Stage})
		case domain.EventInvoicePaid:
			if inv.Paid.IsZero() {
				inv.Paid = time.Date(when.Year(), when.Month(), when.Day(), 0, 0, 0, 0, time.UTC)
			}
		case domain.EventReplyReceived:
			var d struct {
				Class       string `json:"class"`
				PromiseDate string `json:"promise_date"`
			}
			// Details are ours, but an old or hand-written row must not
			// stop the whole history: a detail that does not decode is
			// simply no promise.
			if json.Unmarshal([]byte(detail), &d) != nil || d.Class != "promise" || d.PromiseDate == "" {
				continue
			}
			date, err := time.Parse(dateLayout, d.PromiseDate)
			if err != nil {
				continue
			}
			h.Promises = append(h.Promises, HistoryPromise{InvoiceID: invID, Invoice: inv.Number, Made: when, Date: date})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: history of client %d: events: %w", h.ClientID, err)
	}
	return nil
}

// historyReplies lists the client's inbound messages with their class: those
// tied to one of its invoices, and those from one of its addresses.
func (s *Store) historyReplies(ctx context.Context, h *History, byID map[int64]*HistoryInvoice) error {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, COALESCE(m.invoice_id, 0), COALESCE(m.date, m.ingested_at), m.class
		FROM messages m
		LEFT JOIN invoices i ON i.id = m.invoice_id
		WHERE m.role = 'inbox' AND m.class <> ''
		  AND (i.client_id = ? OR (m.invoice_id IS NULL AND LOWER(m.from_addr) IN
		       (SELECT email FROM client_emails WHERE client_id = ?)))
		ORDER BY COALESCE(m.date, m.ingested_at), m.id`, h.ClientID, h.ClientID)
	if err != nil {
		return fmt.Errorf("store: history of client %d: replies: %w", h.ClientID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, invID int64
		var at, class string
		if err := rows.Scan(&id, &invID, &at, &class); err != nil {
			return fmt.Errorf("store: history of client %d: replies: %w", h.ClientID, err)
		}
		r := HistoryReply{InvoiceID: invID, Received: parseTS(sql.NullString{String: at, Valid: true}), Class: class}
		if inv := byID[invID]; inv != nil {
			r.Invoice = inv.Number
		}
		h.Replies = append(h.Replies, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: history of client %d: replies: %w", h.ClientID, err)
	}
	return nil
}

// SignalRaised tells whether a behaviour signal with this kind and evidence
// was already raised on the invoice, whatever became of its flag.
func (t *Tx) SignalRaised(kind domain.FlagKind, invoiceID int64, evidence string) (bool, error) {
	// The invoice is compared as a column, not through COALESCE, so that the
	// partial index of behaviour signals answers (one without an invoice is
	// looked for among those without one).
	invoice, args := `invoice_id = ?`, []any{invoiceID, kind, evidence}
	if invoiceID == 0 {
		invoice, args = `invoice_id IS NULL`, args[1:]
	}
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM events WHERE kind = `+sqlWord(domain.EventBehaviourSignal)+`
		AND `+invoice+` AND json_extract(detail, '$.signal') = ? AND json_extract(detail, '$.evidence') = ?`,
		args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up signal %s: %w", kind, err)
	}
	return n > 0, nil
}

// RecordSignal logs a behaviour signal raised as a flag.
func (t *Tx) RecordSignal(kind domain.FlagKind, invoiceID, clientID, flagID int64, evidence string) error {
	_, err := t.AddEvent(Event{Kind: domain.EventBehaviourSignal, InvoiceID: invoiceID, ClientID: clientID, FlagID: flagID, Actor: domain.ActorDaemon,
		Detail: EventDetail(map[string]any{"signal": kind, "evidence": evidence})})
	return err
}
