// The invoice aggregate: recording invoices, their state (checked against domain.State.CanMove), promises,
// stages done and pauses, and the queries that list them.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// SetPromise records the date a client promised to pay an invoice.
func (t *Tx) SetPromise(invoiceID int64, date time.Time) error {
	_, err := t.exec(`UPDATE invoices SET promise_date = ?, updated_at = ? WHERE id = ?`, nullDate(date), ts(t.now), invoiceID)
	if err != nil {
		return fmt.Errorf("store: set promise of invoice %d: %w", invoiceID, err)
	}
	return nil
}

// StageDone records a ladder stage reached without a mail (a call task, a
// hand-off flag).
func (t *Tx) StageDone(invoiceIDs []int64, stage int) error {
	for _, inv := range invoiceIDs {
		if _, err := t.exec(`UPDATE invoices SET last_stage = MAX(last_stage, ?), updated_at = ? WHERE id = ?`,
			stage, ts(t.now), inv); err != nil {
			return fmt.Errorf("store: stage of invoice %d: %w", inv, err)
		}
	}
	return nil
}

// PaidAfterChasing lists invoices paid after at least one reminder that have
// no thank-you draft yet.
func (s *Store) PaidAfterChasing(ctx context.Context) ([]Invoice, error) {
	return s.listInvoices(ctx, "paid after chasing", invoiceSelect+` WHERE i.kind = 'invoice' AND i.state = `+sqlWord(domain.StatePaid)+` AND i.last_stage > 0
		AND NOT EXISTS (SELECT 1 FROM draft_invoices di JOIN drafts d ON d.id = di.draft_id WHERE di.invoice_id = i.id AND d.stage = `+sqlWord(domain.StageThankYou)+`)
		ORDER BY i.id`)
}

// InvoiceClient returns the client of an invoice with all its addresses.
func (s *Store) InvoiceClient(ctx context.Context, invoiceID int64) (Client, []string, error) {
	var c Client
	err := s.db.QueryRowContext(ctx, `SELECT c.id, c.name, c.email, c.domain, c.language FROM invoices i JOIN clients c ON c.id = i.client_id
		WHERE i.id = ?`, invoiceID).Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, fmt.Errorf("store: invoice %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return c, nil, fmt.Errorf("store: client of invoice %d: %w", invoiceID, err)
	}
	return c, []string{c.Email}, nil
}

// ManualContact records a mail the owner wrote by hand about these
// invoices (found in Sent): the ladder stage it amounts to (0: none, a
// contact only) and the client's last contact, never moved backwards.
func (t *Tx) ManualContact(invoiceIDs []int64, stage int, at time.Time) error {
	if at.IsZero() {
		at = t.now
	}
	for _, inv := range invoiceIDs {
		if _, err := t.exec(`UPDATE invoices SET last_stage = MAX(last_stage, ?), updated_at = ? WHERE id = ?`,
			stage, ts(t.now), inv); err != nil {
			return fmt.Errorf("store: stage of invoice %d: %w", inv, err)
		}
		if _, err := t.exec(`UPDATE clients SET last_contact = ? WHERE id = (SELECT client_id FROM invoices WHERE id = ?)
			AND (last_contact IS NULL OR last_contact < ?)`, ts(at), inv, ts(at)); err != nil {
			return fmt.Errorf("store: last contact for invoice %d: %w", inv, err)
		}
	}
	return nil
}

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

// ErrWrongStatus is returned when a draft or flag is no longer in a status
// the action applies to (someone else acted first, or the daemon did).
var ErrWrongStatus = errors.New("store: not in a status this action applies to")

// InvoiceByID loads one invoice.
func (s *Store) InvoiceByID(ctx context.Context, id int64) (Invoice, error) {
	inv, err := scanInvoice(s.db.QueryRowContext(ctx, invoiceSelect+` WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, err)
	}
	return inv, nil
}

// InvoicesOfClient lists a client's invoices, oldest due date first.
func (s *Store) InvoicesOfClient(ctx context.Context, clientID int64) ([]Invoice, error) {
	return s.listInvoices(ctx, fmt.Sprintf("invoices of client %d", clientID),
		invoiceSelect+` WHERE i.client_id = ? ORDER BY i.due_date IS NULL, i.due_date, i.id`, clientID)
}

// chasingStates are the states from which a human may resume chasing.
var resumableStates = []domain.State{domain.StateOnHold, domain.StateDisputed, domain.StatePaidClaimed, domain.StatePromised}

// ResumeChasing puts an invoice paused by a reply or by the user back on
// the ladder. Open flags on it still pause chasing until resolved.
func (t *Tx) ResumeChasing(invoiceID int64, actor domain.Actor, reason string) error {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return err
	}
	ok := false
	for _, s := range resumableStates {
		ok = ok || s == inv.State
	}
	// A cancelled draft's "until when?" is lifted by resuming too.
	lifted, err := t.LiftQuiet(invoiceID, actor, reason)
	if err != nil {
		return err
	}
	if lifted && !ok {
		return nil
	}
	if !ok {
		return fmt.Errorf("store: invoice %s is %s: %w", inv.Number, inv.State, ErrWrongStatus)
	}
	if err := t.SetInvoiceState(invoiceID, domain.StateOpen); err != nil {
		return err
	}
	_, err = t.AddEvent(Event{Kind: domain.EventChasingResumed, InvoiceID: invoiceID, ClientID: inv.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"from": inv.State, "reason": reason})})
	return err
}

// StopChasing puts an invoice on hold until a human resumes it, and retires
// the drafts waiting about it.
func (t *Tx) StopChasing(invoiceID int64, actor domain.Actor, reason string) error {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return err
	}
	if inv.State.Settled() || inv.State == domain.StateOnHold {
		return fmt.Errorf("store: invoice %s is %s: %w", inv.Number, inv.State, ErrWrongStatus)
	}
	if err := t.SetInvoiceState(invoiceID, domain.StateOnHold); err != nil {
		return err
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventChasingStopped, InvoiceID: invoiceID, ClientID: inv.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"from": inv.State, "reason": reason})}); err != nil {
		return err
	}
	return t.supersedeDraftsOf(invoiceID, actor)
}

// NewInvoice is what discovery found in a sent mail.
type NewInvoice struct {
	Number         string
	Key            string
	Kind           string
	CreditedNumber string
	ClientID       int64
	Amount         decimal.Decimal
	// Balance is what the invoice leaves to pay when it says so (a deposit
	// already paid, Factur-X DuePayableAmount); nil means the whole Amount.
	Balance   *decimal.Decimal
	Currency  string
	IssueDate time.Time
	DueDate   time.Time
	// OrderDate and DeliveryDate: zero when the invoice does not say.
	OrderDate, DeliveryDate time.Time
	Language                string
	Source                  string
	SourceMessageID         string
	Missing                 []string
}

// UpsertInvoice records a discovered invoice. A re-send (same key) returns the
// existing invoice with created=false and fills only what it lacked.
func (t *Tx) UpsertInvoice(n NewInvoice) (id int64, created bool, err error) {
	if n.Key == "" {
		n.Key = strings.ToUpper(n.Number)
	}
	if n.Kind == "" {
		n.Kind = "invoice"
	}
	err = t.queryRow(`SELECT id FROM invoices WHERE invoice_key = ?`, n.Key).Scan(&id)
	switch {
	case err == nil:
		_, err = t.exec(`UPDATE invoices SET
			due_date = COALESCE(due_date, ?), issue_date = COALESCE(issue_date, ?), updated_at = ? WHERE id = ?`,
			nullDate(n.DueDate), nullDate(n.IssueDate), ts(t.now), id)
		if err == nil {
			err = t.setOrderDates(id, n, true)
		}
		if err != nil {
			return 0, false, fmt.Errorf("store: update invoice %s: %w", n.Number, err)
		}
		return id, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, fmt.Errorf("store: look up invoice %s: %w", n.Number, err)
	}
	amount, balance := n.Amount.String(), n.Amount.String()
	if n.Balance != nil {
		balance = n.Balance.String()
	}
	id, err = t.insert(`INSERT INTO invoices
		(number, invoice_key, kind, credited_number, client_id, amount, balance, currency, issue_date, due_date,
		 language, source, source_message_id, state, missing, created_at, updated_at, state_since)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+sqlWord(domain.StateOpen)+`, ?, ?, ?, ?)`,
		n.Number, n.Key, n.Kind, n.CreditedNumber, n.ClientID, amount, balance, n.Currency,
		nullDate(n.IssueDate), nullDate(n.DueDate), n.Language, n.Source, n.SourceMessageID,
		strings.Join(n.Missing, ","), ts(t.now), ts(t.now), ts(t.now))
	if err != nil {
		return 0, false, fmt.Errorf("store: add invoice %s: %w", n.Number, err)
	}
	if err := t.setOrderDates(id, n, false); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// setOrderDates records the order and delivery dates an invoice states,
// when it states them; a re-send (keep) fills only what was missing.
func (t *Tx) setOrderDates(id int64, n NewInvoice, keep bool) error {
	if n.OrderDate.IsZero() && n.DeliveryDate.IsZero() {
		return nil
	}
	q := `UPDATE invoices SET order_date = COALESCE(?, order_date), delivery_date = COALESCE(?, delivery_date) WHERE id = ?`
	if keep {
		q = `UPDATE invoices SET order_date = COALESCE(order_date, ?), delivery_date = COALESCE(delivery_date, ?) WHERE id = ?`
	}
	if _, err := t.exec(q, nullDate(n.OrderDate), nullDate(n.DeliveryDate), id); err != nil {
		return fmt.Errorf("store: order dates of invoice %s: %w", n.Number, err)
	}
	return nil
}

// SetInvoiceState moves an invoice to a new state, if the state machine
// allows it (domain.CanMove; else the error wraps ErrWrongStatus), and
// starts the new state's clock (state_since). Entering the state the
// invoice is already in is not a move: it restarts that state's clock (a
// new promise, a plan agreed again). Every change of an invoice's state goes
// through here.
func (t *Tx) SetInvoiceState(id int64, state domain.State) error {
	from, err := t.InvoiceState(id)
	if err != nil {
		return err
	}
	if from != state && !domain.CanMove(from, state) {
		return fmt.Errorf("store: invoice %d cannot go from %s to %s: %w", id, from, state, ErrWrongStatus)
	}
	_, err = t.exec(`UPDATE invoices SET state = ?, updated_at = ?, state_since = ?,
		disputed_before = CASE WHEN ? = `+sqlWord(domain.StateDisputed)+` THEN 1 ELSE disputed_before END WHERE id = ?`, state, ts(t.now), ts(t.now), state, id)
	if err != nil {
		return fmt.Errorf("store: set state of invoice %d: %w", id, err)
	}
	return nil
}

// StateChange is a change of an invoice's state as its state_changed event
// tells it.
type StateChange struct {
	InvoiceID int64
	From, To  domain.State
	Because   string    // the reply's class, the call's outcome, …
	At        time.Time // when it happened; zero: now
	ClientID  int64     // what the event is also about, when known
	MessageID int64
	FlagID    int64
	Actor     domain.Actor
}

// ChangeState moves an invoice (SetInvoiceState) and logs the change.
// From is the state the caller read; To may equal it (a call's outcome
// confirming a promise), which restarts the state's clock and is logged.
func (t *Tx) ChangeState(c StateChange) error {
	if err := t.SetInvoiceState(c.InvoiceID, c.To); err != nil {
		return err
	}
	_, err := t.AddEvent(Event{Kind: domain.EventStateChanged, At: c.At, InvoiceID: c.InvoiceID, ClientID: c.ClientID,
		MessageID: c.MessageID, FlagID: c.FlagID, Actor: c.Actor,
		Detail: EventDetail(map[string]any{"from": c.From, "to": c.To, "because": c.Because})})
	return err
}

func (t *Tx) invoiceByID(id int64) (Invoice, error) {
	row := t.queryRow(invoiceSelect+` WHERE i.id = ?`, id)
	inv, err := scanInvoice(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, ErrNotFound)
	}
	return inv, err
}

// InvoicesByID returns the invoices with these ids, in the order given (an
// unknown id is left out): one query for a reminder's invoices.
func (s *Store) InvoicesByID(ctx context.Context, ids []int64) ([]Invoice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	list, err := s.listInvoices(ctx, "invoices by id", invoiceSelect+` WHERE i.id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Invoice, len(list))
	for _, inv := range list {
		byID[inv.ID] = inv
	}
	out := make([]Invoice, 0, len(list))
	for _, id := range ids {
		if inv, ok := byID[id]; ok {
			out = append(out, inv)
		}
	}
	return out, nil
}
