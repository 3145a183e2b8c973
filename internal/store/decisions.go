package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// ErrReasonRequired refuses "send now" without the human's reason.
var ErrReasonRequired = errors.New("store: a reason is required")

// Quiet is a human's "no new reminder for this invoice until …", given when
// cancelling a draft (policy.Quiet is what it means for the ladder).
type Quiet struct {
	Kind  policy.QuietKind
	Until time.Time // QuietUntilDate: the date (midnight UTC, like every stored date)
	Since time.Time
	// Wrote is when the client first wrote after Since (QuietUntilReply),
	// an automatic reply or a bounce not counting.
	Wrote  time.Time
	Reason string
}

// Policy is the quiet as the decision core reads it.
func (q Quiet) Policy() policy.Quiet {
	out := policy.Quiet{Kind: q.Kind, Since: q.Since, Wrote: q.Wrote}
	if !q.Until.IsZero() {
		out.Until = policy.DateOf(q.Until)
	}
	return out
}

// CancelDraft cancels a draft not yet sent; its invoices stay quiet for
// policy.DefaultQuietDays (CancelDraftUntil says until when).
func (t *Tx) CancelDraft(id int64, actor domain.Actor, reason string) error {
	return t.CancelDraftUntil(id, actor, reason, policy.Quiet{})
}

// CancelDraftUntil cancels a draft not yet sent and records, on each of its
// invoices, until when no new reminder may be drafted about it: a date, the
// client's next message, or never. A zero q means the default
// (policy.DefaultQuietDays from today).
func (t *Tx) CancelDraftUntil(id int64, actor domain.Actor, reason string, q policy.Quiet) error {
	if _, err := t.waitingDraftStatus(id); err != nil {
		return err
	}
	if err := t.SetDraftStatus(id, domain.DraftCancelled, actor, reason); err != nil {
		return err
	}
	return t.quietDraftInvoices(id, actor, reason, q)
}

// quietDraftInvoices records q on every invoice of draft id.
func (t *Tx) quietDraftInvoices(id int64, actor domain.Actor, reason string, q policy.Quiet) error {
	if q.Kind == policy.QuietNone {
		q.Kind, q.Until = policy.QuietUntilDate, policy.DateOf(t.now).AddDays(policy.DefaultQuietDays)
	}
	q.Since = t.now
	rows, err := t.query(`SELECT di.invoice_id, i.client_id FROM draft_invoices di JOIN invoices i ON i.id = di.invoice_id
		WHERE di.draft_id = ? ORDER BY di.invoice_id`, id)
	if err != nil {
		return fmt.Errorf("store: invoices of draft %d: %w", id, err)
	}
	type pair struct{ inv, client int64 }
	var invs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.inv, &p.client); err != nil {
			rows.Close()
			return fmt.Errorf("store: invoices of draft %d: %w", id, err)
		}
		invs = append(invs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var until any
	if q.Kind == policy.QuietUntilDate {
		until = q.Until.String()
	}
	for _, p := range invs {
		if _, err := t.exec(`UPDATE invoices SET quiet_kind = ?, quiet_until = ?, quiet_since = ?, quiet_reason = ?, updated_at = ?
			WHERE id = ?`, string(q.Kind), until, ts(t.now), reason, ts(t.now), p.inv); err != nil {
			return fmt.Errorf("store: quiet invoice %d: %w", p.inv, err)
		}
		detail := map[string]any{"until": string(q.Kind), "reason": reason, "draft": id}
		if q.Kind == policy.QuietUntilDate {
			detail["date"] = q.Until.String()
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventChasingQuiet, InvoiceID: p.inv, ClientID: p.client, DraftID: id, Actor: actor,
			Detail: EventDetail(detail)}); err != nil {
			return err
		}
	}
	return nil
}

// LiftQuiet ends a "no new reminder until …" decision on an invoice; it
// reports whether there was one.
func (t *Tx) LiftQuiet(invoiceID int64, actor domain.Actor, reason string) (bool, error) {
	var kind string
	var client int64
	err := t.queryRow(`SELECT quiet_kind, client_id FROM invoices WHERE id = ?`, invoiceID).Scan(&kind, &client)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: invoice %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("store: invoice %d: %w", invoiceID, err)
	}
	if kind == "" {
		return false, nil
	}
	if _, err := t.exec(`UPDATE invoices SET quiet_kind = '', quiet_until = NULL, quiet_since = NULL, quiet_reason = '', updated_at = ?
		WHERE id = ?`, ts(t.now), invoiceID); err != nil {
		return false, fmt.Errorf("store: lift quiet on invoice %d: %w", invoiceID, err)
	}
	_, err = t.AddEvent(Event{Kind: domain.EventChasingQuietLifted, InvoiceID: invoiceID, ClientID: client, Actor: actor,
		Detail: EventDetail(map[string]string{"was": kind, "reason": reason})})
	return true, err
}

// InvoiceQuiet returns the "no new reminder until …" decision on an
// invoice (Kind empty: none).
func (s *Store) InvoiceQuiet(ctx context.Context, invoiceID int64) (Quiet, error) {
	var q Quiet
	var kind string
	var until, since sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT quiet_kind, quiet_until, quiet_since, quiet_reason FROM invoices WHERE id = ?`, invoiceID).
		Scan(&kind, &until, &since, &q.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("store: invoice %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return q, fmt.Errorf("store: quiet of invoice %d: %w", invoiceID, err)
	}
	q.Kind, q.Until, q.Since = policy.QuietKind(kind), parseDate(until), parseTS(since)
	return q, nil
}

// SendDraftNow is the human's explicit "send now": the draft is approved
// if it was not, and leaves at the next pass whatever the hold, the gap or
// the send window (every check of the client's state still applies). The
// reason is required and kept in the event log with the actor.
func (t *Tx) SendDraftNow(id int64, actor domain.Actor, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("store: send draft %d now: %w", id, ErrReasonRequired)
	}
	status, err := t.waitingDraftStatus(id)
	if err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE drafts SET send_now = 1, hold_lifted = 1, updated_at = ? WHERE id = ?`, ts(t.now), id); err != nil {
		return fmt.Errorf("store: send draft %d now: %w", id, err)
	}
	if status == domain.DraftHeld {
		if err := t.SetDraftStatus(id, domain.DraftApproved, actor, "send now: "+reason); err != nil {
			return err
		}
	}
	_, err = t.AddEvent(Event{Kind: domain.EventDraftSendNow, DraftID: id, Actor: actor, Detail: EventDetail(map[string]string{"reason": reason})})
	return err
}

// InstallationKey is the identifier unique to this installation (its
// database). The drafts it puts in the IMAP Drafts folder carry it.
func (s *Store) InstallationKey(ctx context.Context) (string, error) {
	var key string
	if err := s.db.QueryRowContext(ctx, `SELECT key FROM installation WHERE id = 1`).Scan(&key); err != nil {
		return "", fmt.Errorf("store: installation key: %w", err)
	}
	return key, nil
}

// InstallationKey is Store.InstallationKey inside a transaction.
func (t *Tx) InstallationKey() (string, error) {
	var key string
	if err := t.queryRow(`SELECT key FROM installation WHERE id = 1`).Scan(&key); err != nil {
		return "", fmt.Errorf("store: installation key: %w", err)
	}
	return key, nil
}

// DraftByID loads one draft inside a transaction.
func (t *Tx) DraftByID(id int64) (Draft, error) {
	d, err := scanDraft(t.queryRow(draftSelect+` WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: draft %d: %w", id, err)
	}
	return d, nil
}
