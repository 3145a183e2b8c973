package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/relance/relance/internal/domain"
)

// Tx is one write transaction. Its methods are the use-case steps that
// callers combine (e.g. ingest a message, record its invoice, advance the
// folder cursor) so that they commit together or not at all.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	now time.Time
	st  *stmtCache
}

// Update runs fn in one write transaction stamped with now. Any error rolls
// everything back.
func (s *Store) Update(ctx context.Context, now time.Time, fn func(*Tx) error) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return fn(&Tx{ctx: ctx, tx: tx, now: now, st: &s.stmts})
	})
	return s.fileError(err)
}

// fileError names the database file in errors about the file itself (read-only,
// disk full, I/O), which the owner fixes on the machine, not in relance.
func (s *Store) fileError(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("%w (database file %s)", err, s.path)
	}
	return err
}

// Now is the transaction's timestamp.
func (t *Tx) Now() time.Time { return t.now }

// MessageKnown reports whether the folder already holds a message with this
// UID under this UIDVALIDITY, or (after a UIDVALIDITY change) the same
// Message-ID: each message is ingested once.
func (t *Tx) MessageKnown(folder string, uidValidity, uid uint32, messageID string) (bool, error) {
	// Two indexed lookups rather than one OR, which SQLite may answer by
	// scanning every message: this runs once per ingested message.
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM messages WHERE folder = ? AND uidvalidity = ? AND uid = ?`,
		folder, uidValidity, uid).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up message: %w", err)
	}
	if n > 0 || messageID == "" {
		return n > 0, nil
	}
	err = t.queryRow(`SELECT COUNT(*) FROM messages WHERE message_id = ? AND folder = ?`, messageID, folder).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up message: %w", err)
	}
	return n > 0, nil
}

// AddMessage records a message as seen and returns its row id.
func (t *Tx) AddMessage(m Message) (int64, error) {
	res, err := t.exec(`INSERT INTO messages
		(folder, uidvalidity, uid, role, message_id, from_addr, subject, date, class, invoice_id, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Folder, m.UIDValidity, m.UID, m.Role, m.MessageID, m.From, m.Subject, nullTS(m.Date), m.Class,
		nullID(m.InvoiceID), ts(t.now))
	if err != nil {
		return 0, fmt.Errorf("store: add message %s/%d: %w", m.Folder, m.UID, err)
	}
	return res.LastInsertId()
}

// SetMessageOutcome records the class and invoice of a message once known.
func (t *Tx) SetMessageOutcome(id int64, class string, invoiceID int64) error {
	_, err := t.exec(`UPDATE messages SET class = ?, invoice_id = ? WHERE id = ?`, class, nullID(invoiceID), id)
	if err != nil {
		return fmt.Errorf("store: set message outcome: %w", err)
	}
	return nil
}

// SetCursor saves how far a folder has been read.
func (t *Tx) SetCursor(c Cursor) error {
	_, err := t.exec(`INSERT INTO cursors (folder, uidvalidity, last_uid, highest_modseq, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
			highest_modseq = excluded.highest_modseq, updated_at = excluded.updated_at`,
		c.Folder, c.UIDValidity, c.LastUID, int64(c.HighestModSeq), ts(t.now))
	if err != nil {
		return fmt.Errorf("store: save cursor of %q: %w", c.Folder, err)
	}
	return nil
}

// EnsureClient returns the client known by email, creating it when new. A
// known client keeps its name unless it had none.
func (t *Tx) EnsureClient(email, name, language string) (Client, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return Client{}, errors.New("store: client without an email address")
	}
	var c Client
	err := t.queryRow(`SELECT c.id, c.name, c.email, c.domain, c.language FROM clients c
		WHERE c.id = (SELECT client_id FROM client_emails WHERE email = ?) OR c.email = ? ORDER BY c.id LIMIT 1`,
		email, email).Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language)
	if err == nil {
		// Keep the address index whole even for rows written by older code.
		if _, err := t.exec(`INSERT OR IGNORE INTO client_emails (email, client_id) VALUES (?, ?)`, email, c.ID); err != nil {
			return Client{}, fmt.Errorf("store: index client email %s: %w", email, err)
		}
	}
	if err == nil {
		if (c.Name == "" && name != "") || (c.Language == "" && language != "") {
			if c.Name == "" {
				c.Name = name
			}
			if c.Language == "" {
				c.Language = language
			}
			if _, err := t.exec(`UPDATE clients SET name = ?, language = ? WHERE id = ?`, c.Name, c.Language, c.ID); err != nil {
				return Client{}, fmt.Errorf("store: update client %s: %w", email, err)
			}
		}
		return c, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Client{}, fmt.Errorf("store: look up client %s: %w", email, err)
	}
	_, domain, _ := strings.Cut(email, "@")
	res, err := t.exec(`INSERT INTO clients (name, email, domain, language, created_at) VALUES (?, ?, ?, ?, ?)`,
		name, email, domain, language, ts(t.now))
	if err != nil {
		return Client{}, fmt.Errorf("store: add client %s: %w", email, err)
	}
	id, _ := res.LastInsertId()
	if _, err := t.exec(`INSERT INTO client_emails (email, client_id) VALUES (?, ?)`, email, id); err != nil {
		return Client{}, fmt.Errorf("store: add client email %s: %w", email, err)
	}
	return Client{ID: id, Name: name, Email: email, Domain: domain, Language: language}, nil
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
	Balance         *decimal.Decimal
	Currency        string
	IssueDate       time.Time
	DueDate         time.Time
	Language        string
	Source          string
	SourceMessageID string
	Missing         []string
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
	res, err := t.exec(`INSERT INTO invoices
		(number, invoice_key, kind, credited_number, client_id, amount, balance, currency, issue_date, due_date,
		 language, source, source_message_id, state, missing, created_at, updated_at, state_since)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+sqlWord(domain.StateOpen)+`, ?, ?, ?, ?)`,
		n.Number, n.Key, n.Kind, n.CreditedNumber, n.ClientID, amount, balance, n.Currency,
		nullDate(n.IssueDate), nullDate(n.DueDate), n.Language, n.Source, n.SourceMessageID,
		strings.Join(n.Missing, ","), ts(t.now), ts(t.now), ts(t.now))
	if err != nil {
		return 0, false, fmt.Errorf("store: add invoice %s: %w", n.Number, err)
	}
	id, _ = res.LastInsertId()
	return id, true, nil
}

// SetInvoiceState moves an invoice to a new state, if the state machine
// allows it (domain.CanMove; else the error wraps ErrWrongStatus), and
// starts the new state's clock (state_since). Entering the state the
// invoice is already in is not a move: it restarts that state's clock (a
// new promise, a plan agreed again). Every change of an invoice's state goes
// through here.
func (t *Tx) SetInvoiceState(id int64, state domain.State) error {
	var from domain.State
	err := t.queryRow(`SELECT state FROM invoices WHERE id = ?`, id).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: invoice %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: state of invoice %d: %w", id, err)
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

// AddEvent appends to the event log.
func (t *Tx) AddEvent(e Event) (int64, error) {
	if e.At.IsZero() {
		e.At = t.now
	}
	if len(e.Detail) == 0 {
		e.Detail = json.RawMessage(`{}`)
	}
	res, err := t.exec(`INSERT INTO events (at, kind, invoice_id, client_id, message_id, draft_id, flag_id, actor, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ts(e.At), e.Kind, nullID(e.InvoiceID), nullID(e.ClientID), nullID(e.MessageID),
		nullID(e.DraftID), nullID(e.FlagID), e.Actor, string(e.Detail))
	if err != nil {
		return 0, fmt.Errorf("store: add event %s: %w", e.Kind, err)
	}
	return res.LastInsertId()
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
	res, err := t.exec(`INSERT INTO flags (kind, invoice_id, client_id, message_id, evidence, status, created_at, topics)
		VALUES (?, ?, ?, ?, ?, `+sqlWord(domain.FlagOpen)+`, ?, ?)`, f.Kind, nullID(f.InvoiceID), nullID(f.ClientID), nullID(f.MessageID), string(ev), ts(t.now),
		strings.Join(f.Topics, ","))
	if err != nil {
		return 0, fmt.Errorf("store: open flag %s: %w", f.Kind, err)
	}
	return res.LastInsertId()
}

// RecordPayment stores a payment against an invoice, lowers its balance and
// marks it paid at zero, with the matching events. A payment whose
// ExternalRef was already recorded changes nothing (duplicate=true).
func (t *Tx) RecordPayment(p Payment, actor domain.Actor) (inv Invoice, duplicate bool, err error) {
	inv, err = t.invoiceByID(p.InvoiceID)
	if err != nil {
		return Invoice{}, false, err
	}
	if p.Currency == "" {
		p.Currency = inv.Currency
	}
	if p.Currency != inv.Currency {
		return Invoice{}, false, fmt.Errorf("store: payment in %s for invoice %s in %s", p.Currency, inv.Number, inv.Currency)
	}
	if !p.Amount.IsPositive() {
		return Invoice{}, false, fmt.Errorf("store: payment amount must be positive, got %s", p.Amount)
	}
	var ext any
	if p.ExternalRef != "" {
		ext = p.ExternalRef
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM payments WHERE external_ref = ?`, p.ExternalRef).Scan(&n); err != nil {
			return Invoice{}, false, fmt.Errorf("store: look up payment: %w", err)
		}
		if n > 0 {
			return inv, true, nil
		}
	}
	res, err := t.exec(`INSERT INTO payments (invoice_id, client_id, amount, currency, paid_on, source, payer, reference, external_ref, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, inv.Client.ID, p.Amount.String(), p.Currency, p.PaidOn.Format(dateLayout),
		p.Source, p.Payer, p.Reference, ext, ts(t.now))
	if err != nil {
		return Invoice{}, false, fmt.Errorf("store: add payment: %w", err)
	}
	payID, _ := res.LastInsertId()
	inv.Balance = inv.Balance.Sub(p.Amount)
	if _, err := t.exec(`UPDATE invoices SET balance = ?, updated_at = ? WHERE id = ?`,
		inv.Balance.String(), ts(t.now), inv.ID); err != nil {
		return Invoice{}, false, fmt.Errorf("store: update balance of %s: %w", inv.Number, err)
	}
	if !inv.Balance.IsPositive() && inv.State != domain.StatePaid {
		if err := t.SetInvoiceState(inv.ID, domain.StatePaid); err != nil {
			return Invoice{}, false, err
		}
		inv.State = domain.StatePaid
	}
	detail, _ := json.Marshal(map[string]any{"payment_id": payID, "amount": p.Amount.String(), "currency": p.Currency,
		"paid_on": p.PaidOn.Format(dateLayout), "source": p.Source, "balance": inv.Balance.String()})
	if _, err := t.AddEvent(Event{Kind: domain.EventPaymentRecorded, InvoiceID: inv.ID, ClientID: inv.Client.ID, Actor: actor, Detail: detail}); err != nil {
		return Invoice{}, false, err
	}
	if inv.State == domain.StatePaid {
		if _, err := t.AddEvent(Event{Kind: domain.EventInvoicePaid, InvoiceID: inv.ID, ClientID: inv.Client.ID, Actor: actor}); err != nil {
			return Invoice{}, false, err
		}
		if err := t.supersedeDraftsOf(inv.ID, actor); err != nil {
			return Invoice{}, false, err
		}
	} else if inv.State == domain.StatePaidClaimed && p.Source != SourceCreditNote {
		if inv, err = t.confirmPartialClaim(inv, p, actor); err != nil {
			return Invoice{}, false, err
		}
	}
	return inv, false, nil
}

// RecordOwnerPayment is a payment the owner records by hand, from the
// command line or the web page: both ask this one question, so both refuse
// alike (ErrWrongStatus) a payment on an invoice already settled (paid,
// cancelled, written off), where nothing is owed any more. Money that a bank
// statement or a notice shows goes through RecordPayment, which takes it even
// on a settled invoice: it arrived, whatever the ledger said.
func (t *Tx) RecordOwnerPayment(p Payment, actor domain.Actor) (Invoice, error) {
	cur, err := t.invoiceByID(p.InvoiceID)
	if err != nil {
		return Invoice{}, err
	}
	if cur.State.Settled() {
		return Invoice{}, fmt.Errorf("store: invoice %s is %s: %w", cur.Number, cur.State, ErrWrongStatus)
	}
	inv, _, err := t.RecordPayment(p, actor)
	return inv, err
}

// confirmPartialClaim closes the partial-payment claims of an invoice once a
// payment is recorded against it and it still owes: the claim is settled by
// the fact, and the rest is chased again.
func (t *Tx) confirmPartialClaim(inv Invoice, p Payment, actor domain.Actor) (Invoice, error) {
	ids, err := t.ids("partial claims", `SELECT id FROM flags WHERE kind = ? AND invoice_id = ? AND status <> `+resolvedSQL, domain.FlagPartialClaim, inv.ID)
	if err != nil || len(ids) == 0 {
		return inv, err
	}
	note := fmt.Sprintf("payment of %s %s recorded; %s %s still owed", p.Amount.StringFixed(2), p.Currency, inv.Balance.StringFixed(2), inv.Currency)
	for _, id := range ids {
		if err := t.ResolveFlag(id, actor, note); err != nil {
			return inv, err
		}
	}
	if err := t.ChangeState(StateChange{InvoiceID: inv.ID, From: domain.StatePaidClaimed, To: domain.StateOpen,
		Because: "partial payment confirmed", ClientID: inv.Client.ID, Actor: actor}); err != nil {
		return inv, err
	}
	inv.State = domain.StateOpen
	return inv, nil
}

// supersedeDraftsOf marks pending drafts about an invoice as superseded.
func (t *Tx) supersedeDraftsOf(invoiceID int64, actor domain.Actor) error {
	rows, err := t.query(`SELECT d.id FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
		WHERE di.invoice_id = ? AND d.status IN `+waitingDraftsSQL, invoiceID)
	if err != nil {
		return fmt.Errorf("store: find drafts of invoice %d: %w", invoiceID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := t.SetDraftStatus(id, domain.DraftSuperseded, actor, ""); err != nil {
			return err
		}
	}
	return nil
}

// SetDraftStatus changes a draft's status and logs the event.
func (t *Tx) SetDraftStatus(id int64, status domain.DraftStatus, actor domain.Actor, reason string) error {
	var approvedAt any
	approvedBy := domain.Actor("")
	if status == domain.DraftApproved {
		approvedAt, approvedBy = ts(t.now), actor
	}
	var sentAt any
	if status == domain.DraftSent {
		sentAt = ts(t.now)
	}
	res, err := t.exec(`UPDATE drafts SET status = ?, updated_at = ?,
		approved_at = COALESCE(?, approved_at), approved_by = CASE WHEN ? <> '' THEN ? ELSE approved_by END,
		sent_at = COALESCE(?, sent_at) WHERE id = ?`, status, ts(t.now), approvedAt, approvedBy, approvedBy, sentAt, id)
	if err != nil {
		return fmt.Errorf("store: set draft %d %s: %w", id, status, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	detail, _ := json.Marshal(map[string]any{"status": status, "reason": reason})
	_, err = t.AddEvent(Event{Kind: status.Event(), DraftID: id, Actor: actor, Detail: detail})
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

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
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
