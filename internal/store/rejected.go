package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// AdoptionFacts are what a rejected document would be recorded with, were
// it an invoice: the facts discovery read from it.
type AdoptionFacts struct {
	Kind           string   `json:"kind"` // invoice or credit_note
	Number         string   `json:"number"`
	Key            string   `json:"key"`
	CreditedNumber string   `json:"credited_number,omitempty"`
	ClientEmail    string   `json:"client_email"`
	ClientName     string   `json:"client_name"`
	Language       string   `json:"language"`
	Amount         string   `json:"amount"`
	Balance        string   `json:"balance"`
	Currency       string   `json:"currency"`
	IssueDate      string   `json:"issue_date,omitempty"`
	DueDate        string   `json:"due_date,omitempty"`
	Source         string   `json:"source,omitempty"`
	Missing        []string `json:"missing,omitempty"`
	Findings       []string `json:"findings,omitempty"`
}

// RejectedDocument is a mail we sent that looked like an invoice and was
// set aside, with its reason.
type RejectedDocument struct {
	MessageID     int64 // the stored message
	HeaderID      string
	Subject       string
	Date          time.Time
	Rejected      string // the typed reason (not_ours, quote, own_reminder…)
	Reason        string // in words
	Facts         AdoptionFacts
	AdoptedNumber string // the invoice it became when the owner adopted it
}

type sentNotInvoiceDetail struct {
	Reason   string         `json:"reason"`
	Rejected string         `json:"rejected"`
	Subject  string         `json:"subject"`
	Facts    *AdoptionFacts `json:"facts"`
}

// RejectedDocuments lists the documents set aside, newest first; adopted
// ones only when withAdopted.
func (s *Store) RejectedDocuments(ctx context.Context, withAdopted bool) ([]RejectedDocument, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.message_id, m.subject, m.date, e.detail, COALESCE(i.number, '')
		FROM events e JOIN messages m ON m.id = e.message_id
		LEFT JOIN invoices i ON i.id = m.invoice_id AND m.class IN ('invoice', 'credit_note')
		WHERE e.kind = ? AND e.detail LIKE '%"rejected":"_%' ORDER BY m.date DESC, m.id DESC`, domain.EventSentNotInvoice)
	if err != nil {
		return nil, fmt.Errorf("store: rejected documents: %w", err)
	}
	defer rows.Close()
	out := []RejectedDocument{}
	for rows.Next() {
		var d RejectedDocument
		var date sql.NullString
		var detail string
		if err := rows.Scan(&d.MessageID, &d.HeaderID, &d.Subject, &date, &detail, &d.AdoptedNumber); err != nil {
			return nil, fmt.Errorf("store: rejected documents: %w", err)
		}
		var det sentNotInvoiceDetail
		if err := json.Unmarshal([]byte(detail), &det); err != nil || det.Rejected == "" {
			continue
		}
		if d.AdoptedNumber != "" && !withAdopted {
			continue
		}
		d.Date, d.Rejected, d.Reason = parseTS(date), det.Rejected, det.Reason
		if det.Facts != nil {
			d.Facts = *det.Facts
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ErrNotRejected is returned when adopting a message that was not set
// aside as a rejected document (or was adopted already).
var ErrNotRejected = errors.New("not a rejected document")

// AdoptDocument records the rejected document ref (its Message-ID, with or
// without angle brackets, or its number in the store) as one of our
// invoices, as the owner says: the invoice with the facts read from it, an
// event with the actor, and a self_check flag for what it lacks. It is the
// one use case behind `relance invoices adopt` and the page's button.
func (t *Tx) AdoptDocument(ref string, actor domain.Actor) (Invoice, error) {
	ref = strings.Trim(strings.TrimSpace(ref), "<>")
	var rowID int64
	var subject, detail string
	var invoiceID sql.NullInt64
	// A message tied to an invoice as the owner's own reminder is still a
	// document to adopt; one adopted already has the class of an invoice.
	q := `SELECT m.id, m.subject, CASE WHEN m.class IN ('invoice', 'credit_note') THEN m.invoice_id END, e.detail FROM messages m JOIN events e ON e.message_id = m.id AND e.kind = ?
		WHERE m.message_id = ? ORDER BY e.id DESC LIMIT 1`
	args := []any{domain.EventSentNotInvoice, ref}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		q = `SELECT m.id, m.subject, CASE WHEN m.class IN ('invoice', 'credit_note') THEN m.invoice_id END, e.detail FROM messages m JOIN events e ON e.message_id = m.id AND e.kind = ?
			WHERE m.id = ? ORDER BY e.id DESC LIMIT 1`
		args = []any{domain.EventSentNotInvoice, n}
	}
	err := t.queryRow(q, args...).Scan(&rowID, &subject, &invoiceID, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: adopt %s: %w", ref, ErrNotRejected)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("store: adopt %s: %w", ref, err)
	}
	var det sentNotInvoiceDetail
	if err := json.Unmarshal([]byte(detail), &det); err != nil || det.Rejected == "" || det.Facts == nil {
		return Invoice{}, fmt.Errorf("store: adopt %s: %w", ref, ErrNotRejected)
	}
	if invoiceID.Valid {
		return Invoice{}, fmt.Errorf("store: adopt %s: adopted already: %w", ref, ErrNotRejected)
	}
	f := *det.Facts
	if f.ClientEmail == "" {
		return Invoice{}, fmt.Errorf("store: adopt %s: the document names no client address", ref)
	}
	client, err := t.EnsureClient(f.ClientEmail, f.ClientName, f.Language)
	if err != nil {
		return Invoice{}, err
	}
	amount, _ := decimal.NewFromString(f.Amount)
	n := NewInvoice{Number: f.Number, Key: f.Key, Kind: f.Kind, CreditedNumber: f.CreditedNumber, ClientID: client.ID,
		Amount: amount, Currency: f.Currency, Language: f.Language, Source: f.Source, Missing: f.Missing}
	if b, err := decimal.NewFromString(f.Balance); err == nil && !b.Equal(amount) {
		n.Balance = &b
	}
	if d, err := time.Parse(dateLayout, f.IssueDate); err == nil {
		n.IssueDate = d
	}
	if d, err := time.Parse(dateLayout, f.DueDate); err == nil {
		n.DueDate = d
	}
	var srcID string
	if err := t.queryRow(`SELECT message_id FROM messages WHERE id = ?`, rowID).Scan(&srcID); err != nil {
		return Invoice{}, fmt.Errorf("store: adopt %s: %w", ref, err)
	}
	n.SourceMessageID = srcID
	id, created, err := t.UpsertInvoice(n)
	if err != nil {
		return Invoice{}, err
	}
	kind := f.Kind
	if kind == "" {
		kind = "invoice"
	}
	if err := t.SetMessageOutcome(rowID, kind, id); err != nil {
		return Invoice{}, err
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventDocumentAdopted, InvoiceID: id, ClientID: client.ID, MessageID: rowID, Actor: actor,
		Detail: EventDetail(map[string]any{"number": f.Number, "rejected": det.Rejected, "reason": det.Reason, "subject": subject, "created": created})}); err != nil {
		return Invoice{}, err
	}
	if kind == "credit_note" && created {
		if _, err := t.ApplyCreditNote(id, actor); err != nil {
			return Invoice{}, err
		}
	}
	var ev []string
	if created && len(f.Missing) > 0 {
		ev = append(ev, "missing: "+strings.Join(f.Missing, ", "))
	}
	ev = append(ev, f.Findings...)
	if len(ev) > 0 {
		if _, err := t.OpenFlag(Flag{Kind: domain.FlagSelfCheck, InvoiceID: id, ClientID: client.ID, MessageID: rowID, Evidence: ev}); err != nil {
			return Invoice{}, err
		}
	}
	return t.invoiceByID(id)
}
