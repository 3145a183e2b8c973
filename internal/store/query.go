package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

const invoiceSelect = `SELECT i.id, i.number, i.invoice_key, i.kind, i.credited_number, c.id, c.name, c.email, c.domain, c.language,
	i.amount, i.balance, i.currency, i.issue_date, i.due_date, i.language, i.source, i.source_message_id, i.state,
	i.missing, i.next_action, i.next_action_at, i.created_at, i.updated_at
	FROM invoices i JOIN clients c ON c.id = i.client_id`

type scanner interface{ Scan(...any) error }

func scanInvoice(r scanner) (Invoice, error) {
	var inv Invoice
	var amount, balance, missing string
	var issue, due, next, created, updated sql.NullString
	err := r.Scan(&inv.ID, &inv.Number, &inv.Key, &inv.Kind, &inv.CreditedNumber, &inv.Client.ID, &inv.Client.Name,
		&inv.Client.Email, &inv.Client.Domain, &inv.Client.Language, &amount, &balance, &inv.Currency, &issue, &due,
		&inv.Language, &inv.Source, &inv.SourceMessageID, &inv.State, &missing, &inv.NextAction, &next, &created, &updated)
	if err != nil {
		return Invoice{}, err
	}
	if inv.Amount, err = decimal.NewFromString(amount); err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %s: bad amount %q: %w", inv.Number, amount, err)
	}
	if inv.Balance, err = decimal.NewFromString(balance); err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %s: bad balance %q: %w", inv.Number, balance, err)
	}
	inv.IssueDate, inv.DueDate = parseDate(issue), parseDate(due)
	inv.NextActionAt, inv.CreatedAt, inv.UpdatedAt = parseTS(next), parseTS(created), parseTS(updated)
	if missing != "" {
		inv.Missing = strings.Split(missing, ",")
	}
	return inv, nil
}

// InvoiceFilter narrows Invoices. Zero values match everything.
type InvoiceFilter struct {
	States []domain.State
	Search string // number or client name/email, case-insensitive substring
}

// Invoices lists invoices, oldest due date first.
func (s *Store) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	q := invoiceSelect + ` WHERE 1 = 1`
	var args []any
	if len(f.States) > 0 {
		q += ` AND i.state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Search != "" {
		like := "%" + strings.ToLower(f.Search) + "%"
		q += ` AND (lower(i.number) LIKE ? OR lower(c.name) LIKE ? OR c.email LIKE ?)`
		args = append(args, like, like, like)
	}
	q += ` ORDER BY i.due_date IS NULL, i.due_date, i.id`
	return s.listInvoices(ctx, "list invoices", q, args...)
}

// listInvoices runs a query that selects invoiceSelect's columns and reads
// every invoice it returns; what names the list in errors.
func (s *Store) listInvoices(ctx context.Context, what, q string, args ...any) ([]Invoice, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// InvoiceByNumber finds an invoice by its number (case-insensitive).
func (s *Store) InvoiceByNumber(ctx context.Context, number string) (Invoice, error) {
	row := s.db.QueryRowContext(ctx, invoiceSelect+` WHERE upper(i.number) = upper(?) OR i.invoice_key = upper(?)
		ORDER BY i.id LIMIT 1`, number, number)
	inv, err := scanInvoice(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: invoice %q: %w", number, ErrNotFound)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %q: %w", number, err)
	}
	return inv, nil
}

// Cursor returns the saved cursor of a folder (zero when none).
func (s *Store) Cursor(ctx context.Context, folder string) (Cursor, error) {
	c := Cursor{Folder: folder}
	var modseq int64
	err := s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid, highest_modseq FROM cursors WHERE folder = ?`, folder).
		Scan(&c.UIDValidity, &c.LastUID, &modseq)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("store: read cursor of %q: %w", folder, err)
	}
	c.HighestModSeq = uint64(modseq)
	return c, nil
}

// Events lists the log of an invoice (all events when invoiceID is 0), oldest first.
func (s *Store) Events(ctx context.Context, invoiceID int64) ([]Event, error) {
	q := `SELECT id, at, kind, COALESCE(invoice_id, 0), COALESCE(client_id, 0), COALESCE(message_id, 0),
		COALESCE(draft_id, 0), COALESCE(flag_id, 0), actor, detail FROM events`
	var args []any
	if invoiceID != 0 {
		q += ` WHERE invoice_id = ? OR draft_id IN (SELECT draft_id FROM draft_invoices WHERE invoice_id = ?)`
		args = append(args, invoiceID, invoiceID)
	}
	q += ` ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at sql.NullString
		var detail string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.InvoiceID, &e.ClientID, &e.MessageID, &e.DraftID, &e.FlagID, &e.Actor, &detail); err != nil {
			return nil, fmt.Errorf("store: list events: %w", err)
		}
		e.At = parseTS(at)
		e.Detail = json.RawMessage(detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Drafts lists drafts with the given statuses (all when none), newest first.
func (s *Store) Drafts(ctx context.Context, statuses ...domain.DraftStatus) ([]Draft, error) {
	q := draftSelect
	var args []any
	if len(statuses) > 0 {
		q += ` WHERE d.status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	q += ` ORDER BY d.id DESC`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list drafts: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDraft(r scanner) (Draft, error) {
	var d Draft
	var to, cc, invs string
	var created, hold, approved, sent sql.NullString
	var uid int64
	var context string
	var lifted, now, legacy int
	err := r.Scan(&d.ID, &d.ClientID, &d.ClientName, &d.Stage, &to, &cc, &d.Subject, &d.Body, &created, &hold, &d.Status,
		&d.MessageID, &uid, &d.ApprovedBy, &approved, &sent, &invs, &d.Kind, &context, &lifted, &now, &legacy)
	if err != nil {
		return d, err
	}
	if context != "" && context != "[]" {
		_ = json.Unmarshal([]byte(context), &d.Context)
	}
	d.IMAPUID = uint32(uid)
	d.HoldLifted, d.SendNow, d.LegacyHeader = lifted != 0, now != 0, legacy != 0
	d.To, d.Cc = splitList(to), splitList(cc)
	d.CreatedAt, d.HoldUntil, d.ApprovedAt, d.SentAt = parseTS(created), parseTS(hold), parseTS(approved), parseTS(sent)
	for _, part := range splitList(invs) {
		idStr, num, _ := strings.Cut(part, ":")
		var id int64
		fmt.Sscan(idStr, &id)
		d.InvoiceIDs = append(d.InvoiceIDs, id)
		d.InvoiceNumbers = append(d.InvoiceNumbers, num)
	}
	return d, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Flags lists flags with the given statuses (all when none), newest first.
func (s *Store) Flags(ctx context.Context, statuses ...domain.FlagStatus) ([]Flag, error) {
	var cond string
	var args []any
	if len(statuses) > 0 {
		cond = `f.status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	out, err := s.flagsWhere(ctx, cond, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list flags: %w", err)
	}
	return out, nil
}

// CountMessages counts ingested messages per folder.
func (s *Store) CountMessages(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT folder, COUNT(*) FROM messages GROUP BY folder`)
	if err != nil {
		return nil, fmt.Errorf("store: count messages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var f string
		var n int
		if err := rows.Scan(&f, &n); err != nil {
			return nil, err
		}
		out[f] = n
	}
	return out, rows.Err()
}
