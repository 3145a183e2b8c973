// Events, the append-only history of every change with its actor, and the timelines built from them.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/relance/relance/internal/domain"
)

// LastEvent returns when the last event of this kind was logged (zero when
// never).
func (s *Store) LastEvent(ctx context.Context, kind domain.EventKind) (time.Time, error) {
	var at sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT MAX(at) FROM events WHERE kind = ?`, kind).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last %s event: %w", kind, err)
	}
	return parseTS(at), nil
}

// AddEvent logs one event on its own.
func (s *Store) AddEvent(ctx context.Context, now time.Time, e Event) error {
	return s.Update(ctx, now, func(tx *Tx) error {
		_, err := tx.AddEvent(e)
		return err
	})
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

// TimelineEntry is an event with what the page shows beside it: the mail it
// came from and the draft it concerns.
type TimelineEntry struct {
	Event
	InvoiceNumber string
	Message       Message // zero when the event has no message
	DraftStage    string
	DraftSubject  string
}

const timelineSelect = `SELECT e.id, e.at, e.kind, COALESCE(e.invoice_id, 0), COALESCE(e.client_id, 0), COALESCE(e.message_id, 0),
	COALESCE(e.draft_id, 0), COALESCE(e.flag_id, 0), e.actor, e.detail, COALESCE(i.number, ''),
	COALESCE(m.from_addr, ''), COALESCE(m.subject, ''), m.date, COALESCE(m.class, ''),
	COALESCE(d.stage, ''), COALESCE(d.subject, '')
	FROM events e LEFT JOIN invoices i ON i.id = e.invoice_id LEFT JOIN messages m ON m.id = e.message_id
	LEFT JOIN drafts d ON d.id = e.draft_id`

func (s *Store) timeline(ctx context.Context, q string, args ...any) ([]TimelineEntry, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at, mdate sql.NullString
		var detail string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.InvoiceID, &e.ClientID, &e.MessageID, &e.DraftID, &e.FlagID, &e.Actor,
			&detail, &e.InvoiceNumber, &e.Message.From, &e.Message.Subject, &mdate, &e.Message.Class,
			&e.DraftStage, &e.DraftSubject); err != nil {
			return nil, err
		}
		e.At, e.Message.Date = parseTS(at), parseTS(mdate)
		e.Message.ID = e.MessageID
		e.Detail = json.RawMessage(detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Timeline lists everything that happened to an invoice, oldest first:
// discovery, replies, drafts and their fate, payments, flags. Events from
// mail carry the mail's date, so the order is by time, then by record.
func (s *Store) Timeline(ctx context.Context, invoiceID int64) ([]TimelineEntry, error) {
	out, err := s.timeline(ctx, timelineSelect+` WHERE e.invoice_id = ?
		OR (e.invoice_id IS NULL AND e.draft_id IN (SELECT draft_id FROM draft_invoices WHERE invoice_id = ?))
		OR (e.invoice_id IS NULL AND e.flag_id IN (SELECT id FROM flags WHERE invoice_id = ?))
		ORDER BY e.at, e.id`, invoiceID, invoiceID, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: timeline of invoice %d: %w", invoiceID, err)
	}
	return out, nil
}

// ClientHistory lists the latest events about a client and its invoices,
// newest first.
func (s *Store) ClientHistory(ctx context.Context, clientID int64, limit int) ([]TimelineEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	out, err := s.timeline(ctx, timelineSelect+` WHERE e.client_id = ? OR e.invoice_id IN (SELECT id FROM invoices WHERE client_id = ?)
		ORDER BY e.at DESC, e.id DESC LIMIT ?`, clientID, clientID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: history of client %d: %w", clientID, err)
	}
	return out, nil
}

// AddEvent appends to the event log.
func (t *Tx) AddEvent(e Event) (int64, error) {
	if e.At.IsZero() {
		e.At = t.now
	}
	if len(e.Detail) == 0 {
		e.Detail = json.RawMessage(`{}`)
	}
	id, err := t.insert(`INSERT INTO events (at, kind, invoice_id, client_id, message_id, draft_id, flag_id, actor, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ts(e.At), e.Kind, nullID(e.InvoiceID), nullID(e.ClientID), nullID(e.MessageID),
		nullID(e.DraftID), nullID(e.FlagID), e.Actor, string(e.Detail))
	if err != nil {
		return 0, fmt.Errorf("store: add event %s: %w", e.Kind, err)
	}
	return id, nil
}

// EventDetail writes an event's detail as JSON, for the store and for the
// engine alike; a value JSON cannot write (none the callers build) gives an
// empty object rather than failing the recording of what happened.
func EventDetail(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
