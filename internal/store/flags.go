// The flag aggregate: opening a flag (once per kind and invoice), acknowledging and resolving it, and the
// queries that list them.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// questionAnswered closes the open information requests on an invoice and
// restarts its ladder's clock.
func (t *Tx) questionAnswered(invoiceID int64, actor domain.Actor, note string) error {
	if err := t.resolveOpenFlags(domain.FlagInfoRequest, invoiceID, actor, note); err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE invoices SET clock_from = ?, updated_at = ? WHERE id = ?`, ts(t.now), ts(t.now), invoiceID); err != nil {
		return fmt.Errorf("store: restart the clock of invoice %d: %w", invoiceID, err)
	}
	return nil
}

// resolveOpenFlags resolves every unresolved flag of kind on an invoice
// with note.
func (t *Tx) resolveOpenFlags(kind domain.FlagKind, invoiceID int64, actor domain.Actor, note string) error {
	ids, err := t.ids(fmt.Sprintf("%s flags of invoice %d", kind, invoiceID),
		`SELECT id FROM flags WHERE kind = ? AND status <> `+resolvedSQL+` AND invoice_id = ?`, kind, invoiceID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.ResolveFlag(id, actor, note); err != nil {
			return err
		}
	}
	return nil
}

// OpenFlagExists tells whether an unresolved flag of this kind exists for the
// invoice (or the client when invoiceID is 0), so recurring signals are
// raised once.
func (t *Tx) OpenFlagExists(kind domain.FlagKind, invoiceID, clientID int64) (bool, error) {
	// An invoice's flags are found through the index on invoice_id: by
	// kind alone the lookup read every flag of that kind, once per reply.
	onInvoice := `COALESCE(invoice_id, 0) = ?`
	if invoiceID != 0 {
		onInvoice = `invoice_id = ?`
	}
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM flags WHERE kind = ? AND status <> `+resolvedSQL+`
		AND `+onInvoice+` AND (? = 0 OR COALESCE(client_id, 0) = ?)`, kind, invoiceID, clientID, clientID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up flag %s: %w", kind, err)
	}
	return n > 0, nil
}

// OpenFlagOnce raises f unless an unresolved flag of its kind is already
// there for its invoice (and its client, when f names one): a recurring
// problem asks a human once. opened tells which happened.
func (t *Tx) OpenFlagOnce(f Flag) (id int64, opened bool, err error) {
	exists, err := t.OpenFlagExists(f.Kind, f.InvoiceID, f.ClientID)
	if err != nil || exists {
		return 0, false, err
	}
	id, err = t.OpenFlag(f)
	return id, err == nil, err
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

// FlagDetail is a flag with the mail that raised it.
type FlagDetail struct {
	Flag
	Message   Message // zero when the flag was not raised by a mail
	FromName  string  // the sender's display name, when recorded
	ReplyText string  // the stripped reply, when recorded
}

// Flag loads one flag with its message.
func (s *Store) Flag(ctx context.Context, id int64) (FlagDetail, error) {
	var f FlagDetail
	var ev string
	var created, resolved, mdate sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT f.id, f.kind, COALESCE(f.invoice_id, 0), COALESCE(i.number, ''), COALESCE(c.id, 0),
		COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(f.message_id, 0), f.evidence, f.status, f.resolution,
		f.created_at, f.resolved_at, COALESCE(m.folder, ''), COALESCE(m.from_addr, ''), COALESCE(m.subject, ''), m.date,
		COALESCE(m.class, ''), COALESCE(m.message_id, ''), COALESCE(m.from_name, ''), COALESCE(m.body_text, ''), f.objection
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id
		LEFT JOIN clients c ON c.id = COALESCE(f.client_id, i.client_id)
		LEFT JOIN messages m ON m.id = f.message_id WHERE f.id = ?`, id).Scan(
		&f.ID, &f.Kind, &f.InvoiceID, &f.InvoiceNum, &f.ClientID, &f.ClientName, &f.ClientEmail, &f.MessageID, &ev,
		&f.Status, &f.Resolution, &created, &resolved, &f.Message.Folder, &f.Message.From, &f.Message.Subject, &mdate,
		&f.Message.Class, &f.Message.MessageID, &f.FromName, &f.ReplyText, &f.Objection)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: flag %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("store: flag %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
		f.Evidence = []string{ev}
	}
	f.CreatedAt, f.ResolvedAt, f.Message.Date = parseTS(created), parseTS(resolved), parseTS(mdate)
	f.Message.ID = f.MessageID
	return f, nil
}

// AcknowledgeFlag records that a human has seen an open flag. Chasing stays
// paused until it is resolved.
func (t *Tx) AcknowledgeFlag(id int64, actor domain.Actor, note string) error {
	return t.setFlagStatus(id, domain.FlagAcknowledged, []domain.FlagStatus{domain.FlagOpen}, actor, note)
}

// ResolveFlag closes a flag with the human's note. The invoice's own state
// is left as it is: resuming or stopping the chase is a separate decision.
func (t *Tx) ResolveFlag(id int64, actor domain.Actor, note string) error {
	return t.setFlagStatus(id, domain.FlagResolved, []domain.FlagStatus{domain.FlagOpen, domain.FlagAcknowledged}, actor, note)
}

// FollowUp is what a human decides for a flag's invoice when resolving the
// flag (the command line's --then, the web form's "after").
type FollowUp string

// Follow-ups of a resolved flag.
const (
	FollowKeep   FollowUp = "keep"   // the invoice stays as it is
	FollowResume FollowUp = "resume" // chasing resumes (ResumeChasing)
	FollowStop   FollowUp = "stop"   // chasing stops until resumed (StopChasing)
)

// ParseFollowUp reads a follow-up; the empty string keeps the invoice as it
// is.
func ParseFollowUp(s string) (FollowUp, error) {
	switch f := FollowUp(s); f {
	case "":
		return FollowKeep, nil
	case FollowKeep, FollowResume, FollowStop:
		return f, nil
	}
	return "", fmt.Errorf("store: follow-up %q: want keep, resume or stop", s)
}

// ResolveFlagThen resolves a flag and then resumes or stops the chasing of
// its invoice, as one decision: when the invoice cannot follow (resuming an
// invoice already chased, stopping a settled one), the error wraps
// ErrWrongStatus and, the transaction being rolled back, the flag stays
// open for the human to decide again. A flag without an invoice only
// resolves. The web page and the command line both call it.
func (t *Tx) ResolveFlagThen(id int64, actor domain.Actor, note string, then FollowUp) error {
	if err := t.ResolveFlag(id, actor, note); err != nil {
		return err
	}
	var inv int64
	if err := t.queryRow(`SELECT COALESCE(invoice_id, 0) FROM flags WHERE id = ?`, id).Scan(&inv); err != nil {
		return fmt.Errorf("store: flag %d: %w", id, err)
	}
	switch {
	case inv == 0 || then == FollowKeep:
		return nil
	case then == FollowResume:
		return t.ResumeChasing(inv, actor, note)
	case then == FollowStop:
		return t.StopChasing(inv, actor, note)
	}
	return fmt.Errorf("store: flag %d: unknown follow-up %q", id, then)
}

func (t *Tx) setFlagStatus(id int64, status domain.FlagStatus, from []domain.FlagStatus, actor domain.Actor, note string) error {
	var cur domain.FlagStatus
	var inv, client sql.NullInt64
	err := t.queryRow(`SELECT status, invoice_id, client_id FROM flags WHERE id = ?`, id).Scan(&cur, &inv, &client)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: flag %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: flag %d: %w", id, err)
	}
	ok := false
	for _, f := range from {
		ok = ok || f == cur
	}
	if !ok {
		return fmt.Errorf("store: flag %d is %s: %w", id, cur, ErrWrongStatus)
	}
	q := `UPDATE flags SET status = ? WHERE id = ?`
	args := []any{status, id}
	if status == domain.FlagResolved {
		q = `UPDATE flags SET status = ?, resolution = ?, resolved_at = ? WHERE id = ?`
		args = []any{status, note, ts(t.now), id}
	}
	if _, err := t.exec(q, args...); err != nil {
		return fmt.Errorf("store: set flag %d %s: %w", id, status, err)
	}
	_, err = t.AddEvent(Event{Kind: status.Event(), InvoiceID: inv.Int64, ClientID: client.Int64, FlagID: id, Actor: actor,
		Detail: EventDetail(map[string]any{"note": note, "from": cur})})
	return err
}

// FlagsOfInvoice lists the flags raised about an invoice, newest first.
func (s *Store) FlagsOfInvoice(ctx context.Context, invoiceID int64) ([]Flag, error) {
	all, err := s.flagsWhere(ctx, `f.invoice_id = ?`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: flags of invoice %d: %w", invoiceID, err)
	}
	return all, nil
}

// flagsWhere lists the flags that cond (an SQL condition on f, or "" for
// all) keeps, newest first.
func (s *Store) flagsWhere(ctx context.Context, cond string, args ...any) ([]Flag, error) {
	if cond != "" {
		cond = ` WHERE ` + cond
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.kind, COALESCE(f.invoice_id, 0), COALESCE(i.number, ''), COALESCE(c.id, 0),
		COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(f.message_id, 0), f.evidence, f.status, f.resolution,
		f.created_at, f.resolved_at, f.objection
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id LEFT JOIN clients c ON c.id = COALESCE(f.client_id, i.client_id)`+cond+`
		ORDER BY f.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Flag
	for rows.Next() {
		var f Flag
		var ev string
		var created, resolved sql.NullString
		if err := rows.Scan(&f.ID, &f.Kind, &f.InvoiceID, &f.InvoiceNum, &f.ClientID, &f.ClientName, &f.ClientEmail,
			&f.MessageID, &ev, &f.Status, &f.Resolution, &created, &resolved, &f.Objection); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			f.Evidence = []string{ev}
		}
		f.CreatedAt, f.ResolvedAt = parseTS(created), parseTS(resolved)
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFlag raises a flag for a human.
func (t *Tx) OpenFlag(f Flag) (int64, error) {
	ev, err := json.Marshal(f.Evidence)
	if err != nil {
		return 0, fmt.Errorf("store: encode evidence: %w", err)
	}
	if f.Evidence == nil {
		ev = []byte("[]")
	}
	id, err := t.insert(`INSERT INTO flags (kind, invoice_id, client_id, message_id, evidence, status, created_at, topics, objection)
		VALUES (?, ?, ?, ?, ?, `+sqlWord(domain.FlagOpen)+`, ?, ?, ?)`, f.Kind, nullID(f.InvoiceID), nullID(f.ClientID), nullID(f.MessageID), string(ev), ts(t.now),
		strings.Join(f.Topics, ","), f.Objection)
	if err != nil {
		return 0, fmt.Errorf("store: open flag %s: %w", f.Kind, err)
	}
	return id, nil
}
