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

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// ChasingInvoice is an invoice with what the decision core needs.
type ChasingInvoice struct {
	Invoice
	StateSince     time.Time
	LastStage      int
	PromiseDate    time.Time // zero when none
	DisputedBefore bool
	FlagKinds      []string // kinds of open flags on this invoice
	// Quiet is the "no new reminder until …" of a cancelled draft.
	Quiet     Quiet
	ClockFrom time.Time // when the ladder's clock restarted (an answer sent); zero when never
}

// Question is a client's open information request: one info_request task
// per invoice it is about, opened by one message.
type Question struct {
	FlagID     int64 // the first of its tasks
	FlagIDs    []int64
	InvoiceIDs []int64
	MessageID  int64 // the client's message (0 when unknown)
	AskedAt    time.Time
	Topics     []string
	// Answer is where its answer stands: none (or the last one was
	// superseded), pending (held or approved) or cancelled.
	Answer policy.AnswerState
}

// ChasingClient is one client with its invoices still worth deciding about.
type ChasingClient struct {
	Client
	Emails      []string
	B2C         bool
	LastContact time.Time
	LastInbound time.Time
	AwayUntil   time.Time
	FlagKinds   []string // open flags about the client as a whole
	Invoices    []ChasingInvoice
	Pending     *Draft // a held or approved draft, when one exists
	Questions   []Question
}

// ChasingClients loads every client with at least one invoice not settled
// (paid, cancelled, written off), in one read transaction.
func (s *Store) ChasingClients(ctx context.Context) ([]ChasingClient, error) {
	return s.chasingClients(ctx, 0)
}

// ChasingClient loads one client as ChasingClients would (nil when it has
// nothing left to chase).
func (s *Store) ChasingClient(ctx context.Context, clientID int64) (*ChasingClient, error) {
	cs, err := s.chasingClients(ctx, clientID)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

func (s *Store) chasingClients(ctx context.Context, only int64) ([]ChasingClient, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: chasing clients: %w", err)
	}
	defer tx.Rollback()
	// With only = 0 every client is loaded; the same statements serve one.
	// Clients are read once each, and invoices only with the columns the
	// decision and the drafts use: this load is most of a policy pass.
	byClient := map[int64]*ChasingClient{}
	crows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.email, c.domain, c.language, c.b2c, c.last_contact, c.last_inbound, c.away_until
		FROM clients c WHERE (? = 0 OR c.id = ?) AND EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = c.id
			AND i.kind = 'invoice' AND i.state NOT IN `+settledStatesSQL+`)`, only, only)
	if err != nil {
		return nil, fmt.Errorf("store: chasing clients: %w", err)
	}
	for crows.Next() {
		var c ChasingClient
		var b2c int
		var lastContact, lastInbound, away sql.NullString
		if err := crows.Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language, &b2c, &lastContact, &lastInbound, &away); err != nil {
			crows.Close()
			return nil, fmt.Errorf("store: chasing clients: %w", err)
		}
		c.B2C, c.LastContact, c.LastInbound, c.AwayUntil = b2c != 0, parseTS(lastContact), parseTS(lastInbound), parseDate(away)
		byClient[c.ID] = &c
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.client_id, i.number, i.amount, i.balance, i.currency, i.issue_date, i.due_date,
		i.language, i.source_message_id, i.state, i.state_since, i.last_stage, i.promise_date, i.disputed_before, i.clock_from,
		i.quiet_kind, i.quiet_until, i.quiet_since,
		CASE WHEN i.quiet_kind = 'reply' THEN (SELECT MIN(m.date) FROM messages m JOIN client_emails ce ON ce.email = m.from_addr
			WHERE ce.client_id = i.client_id AND m.role IN ('inbox', 'extra') AND m.class NOT IN `+machineRepliesSQL+`
			AND m.date > i.quiet_since) END
		FROM invoices i WHERE i.kind = 'invoice' AND i.state NOT IN `+settledStatesSQL+`
		AND (? = 0 OR i.client_id = ?) ORDER BY i.client_id, i.due_date, i.id`, only, only)
	if err != nil {
		return nil, fmt.Errorf("store: chasing clients: %w", err)
	}
	var order []int64
	for rows.Next() {
		var ci ChasingInvoice
		var clientID int64
		var amount, balance string
		var issue, due, since, promise, clock, quietUntil, quietSince, quietWrote sql.NullString
		var disputed int
		var quietKind string
		if err := rows.Scan(&ci.ID, &clientID, &ci.Number, &amount, &balance, &ci.Currency, &issue, &due, &ci.Language,
			&ci.SourceMessageID, &ci.State, &since, &ci.LastStage, &promise, &disputed, &clock, &quietKind, &quietUntil, &quietSince, &quietWrote); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: chasing clients: %w", err)
		}
		c := byClient[clientID]
		if c == nil {
			continue
		}
		if ci.Amount, err = decimal.NewFromString(amount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: invoice %s: bad amount %q: %w", ci.Number, amount, err)
		}
		if ci.Balance, err = decimal.NewFromString(balance); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: invoice %s: bad balance %q: %w", ci.Number, balance, err)
		}
		ci.Kind = "invoice"
		ci.Client = c.Client
		ci.IssueDate, ci.DueDate, ci.PromiseDate = parseDate(issue), parseDate(due), parseDate(promise)
		ci.StateSince, ci.DisputedBefore, ci.ClockFrom = parseTS(since), disputed != 0, parseTS(clock)
		ci.Quiet = Quiet{Kind: policy.QuietKind(quietKind), Until: parseDate(quietUntil), Since: parseTS(quietSince), Wrote: parseTS(quietWrote)}
		if len(c.Invoices) == 0 {
			order = append(order, clientID)
		}
		c.Invoices = append(c.Invoices, ci)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, nil
	}
	// Addresses, flags and pending drafts, one query each.
	emailRows, err := tx.QueryContext(ctx, `SELECT client_id, email FROM client_emails WHERE (? = 0 OR client_id = ?) ORDER BY client_id, email`, only, only)
	if err != nil {
		return nil, fmt.Errorf("store: client emails: %w", err)
	}
	for emailRows.Next() {
		var id int64
		var e string
		if err := emailRows.Scan(&id, &e); err != nil {
			emailRows.Close()
			return nil, err
		}
		if c := byClient[id]; c != nil && e != c.Email {
			c.Emails = append(c.Emails, e)
		}
	}
	emailRows.Close()
	flagRows, err := tx.QueryContext(ctx, `SELECT kind, COALESCE(invoice_id, 0), COALESCE(client_id, 0) FROM flags WHERE status <> `+resolvedSQL+`
		AND (? = 0 OR client_id = ? OR invoice_id IN (SELECT id FROM invoices WHERE client_id = ?))`, only, only, only)
	if err != nil {
		return nil, fmt.Errorf("store: open flags: %w", err)
	}
	invFlags := map[int64][]string{}
	for flagRows.Next() {
		var kind string
		var inv, cl int64
		if err := flagRows.Scan(&kind, &inv, &cl); err != nil {
			flagRows.Close()
			return nil, err
		}
		if inv != 0 {
			invFlags[inv] = append(invFlags[inv], kind)
		} else if c := byClient[cl]; c != nil {
			c.FlagKinds = append(c.FlagKinds, kind)
		}
	}
	flagRows.Close()
	draftRows, err := tx.QueryContext(ctx, draftSelect+` WHERE d.status IN `+waitingDraftsSQL+` AND (? = 0 OR d.client_id = ?) ORDER BY d.id`, only, only)
	if err != nil {
		return nil, fmt.Errorf("store: pending drafts: %w", err)
	}
	for draftRows.Next() {
		d, err := scanDraft(draftRows)
		if err != nil {
			draftRows.Close()
			return nil, err
		}
		if c := byClient[d.ClientID]; c != nil {
			dd := d
			c.Pending = &dd
		}
	}
	draftRows.Close()
	if err := loadQuestions(ctx, tx, only, byClient); err != nil {
		return nil, err
	}
	out := make([]ChasingClient, 0, len(order))
	for _, id := range order {
		c := byClient[id]
		c.Emails = append([]string{c.Email}, c.Emails...)
		for i := range c.Invoices {
			c.Invoices[i].FlagKinds = invFlags[c.Invoices[i].ID]
		}
		out = append(out, *c)
	}
	return out, nil
}

// loadQuestions attaches to each client its open information requests and
// where their answers stand.
func loadQuestions(ctx context.Context, tx *sql.Tx, only int64, byClient map[int64]*ChasingClient) error {
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.invoice_id, i.client_id, COALESCE(f.message_id, 0),
		COALESCE((SELECT m.date FROM messages m WHERE m.id = f.message_id), f.created_at), f.topics,
		COALESCE((SELECT d.status FROM drafts d WHERE d.flag_id IN (SELECT f2.id FROM flags f2 WHERE f2.kind = `+sqlWord(domain.FlagInfoRequest)+`
			AND (f2.id = f.id OR (f.message_id IS NOT NULL AND f2.message_id = f.message_id))) ORDER BY d.id DESC LIMIT 1), '')
		FROM flags f JOIN invoices i ON i.id = f.invoice_id
		WHERE f.kind = `+sqlWord(domain.FlagInfoRequest)+` AND f.status <> `+resolvedSQL+` AND (? = 0 OR i.client_id = ?) ORDER BY f.id`, only, only)
	if err != nil {
		return fmt.Errorf("store: open questions: %w", err)
	}
	defer rows.Close()
	byMessage := map[int64]*Question{}
	type ref struct {
		client int64
		q      *Question
	}
	var order []ref
	for rows.Next() {
		var flagID, invID, clientID, msgID int64
		var created sql.NullString
		var topics string
		var answer domain.DraftStatus
		if err := rows.Scan(&flagID, &invID, &clientID, &msgID, &created, &topics, &answer); err != nil {
			return fmt.Errorf("store: open questions: %w", err)
		}
		q := byMessage[msgID]
		if q == nil || msgID == 0 {
			q = &Question{FlagID: flagID, MessageID: msgID, AskedAt: parseTS(created), Topics: splitList(topics)}
			switch answer {
			case domain.DraftHeld, domain.DraftApproved:
				q.Answer = policy.AnswerPending
			case domain.DraftCancelled:
				q.Answer = policy.AnswerCancelled
			}
			if msgID != 0 {
				byMessage[msgID] = q
			}
			order = append(order, ref{clientID, q})
		}
		q.FlagIDs = append(q.FlagIDs, flagID)
		q.InvoiceIDs = append(q.InvoiceIDs, invID)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: open questions: %w", err)
	}
	for _, r := range order {
		if c := byClient[r.client]; c != nil {
			c.Questions = append(c.Questions, *r.q)
		}
	}
	return nil
}

// SetPromise records the date a client promised to pay an invoice.
func (t *Tx) SetPromise(invoiceID int64, date time.Time) error {
	_, err := t.exec(`UPDATE invoices SET promise_date = ?, updated_at = ? WHERE id = ?`, nullDate(date), ts(t.now), invoiceID)
	if err != nil {
		return fmt.Errorf("store: set promise of invoice %d: %w", invoiceID, err)
	}
	return nil
}

// ClientHeardFrom records a message from the client (and its out-of-office
// return date, when it announced one).
func (t *Tx) ClientHeardFrom(email string, at time.Time, awayUntil time.Time) error {
	q := `UPDATE clients SET last_inbound = CASE WHEN last_inbound IS NULL OR last_inbound < ? THEN ? ELSE last_inbound END`
	args := []any{ts(at), ts(at)}
	if !awayUntil.IsZero() {
		q += `, away_until = ?`
		args = append(args, nullDate(awayUntil))
	}
	q += ` WHERE id = (SELECT client_id FROM client_emails WHERE email = ?)`
	args = append(args, strings.ToLower(email))
	if _, err := t.exec(q, args...); err != nil {
		return fmt.Errorf("store: record inbound from %s: %w", email, err)
	}
	return nil
}

// InvoiceClientHeardFrom records a message about an invoice as one from its
// client, whatever address wrote it (a colleague at the client's domain, a
// personal address citing the number): the client has written, so chasing
// waits its quiet days and a draft made before it is not sent.
func (t *Tx) InvoiceClientHeardFrom(invoiceID int64, at time.Time) error {
	_, err := t.exec(`UPDATE clients SET last_inbound = CASE WHEN last_inbound IS NULL OR last_inbound < ? THEN ? ELSE last_inbound END
		WHERE id = (SELECT client_id FROM invoices WHERE id = ?)`, ts(at), ts(at), invoiceID)
	if err != nil {
		return fmt.Errorf("store: record inbound about invoice %d: %w", invoiceID, err)
	}
	return nil
}

// NewDraft is a reminder ready to be held for review.
type NewDraft struct {
	ClientID         int64
	Stage            string
	StageNumber      int
	Kind             domain.StageKind // message, formal_notice or answer
	To, Cc           []string
	Subject          string
	Body, HTML       string
	HoldUntil        time.Time
	MessageID        string // reserved now, used when sending
	InReplyTo        string
	References       []string
	RequiresApproval bool
	InvoiceIDs       []int64
	// FlagID is the task an answer draft answers (0: none).
	FlagID int64
	// Context lists what the reviewer should know beside the text.
	Context []DraftNote
	// Attachments are sent with the message.
	Attachments []Attachment
}

// Attachment is a file sent with a draft.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// CreateDraft stores a held draft and logs it on each invoice.
func (t *Tx) CreateDraft(n NewDraft, actor domain.Actor) (int64, error) {
	if n.Kind == "" {
		n.Kind = domain.KindMessage
	}
	context := []byte("[]")
	if len(n.Context) > 0 {
		context, _ = json.Marshal(n.Context)
	}
	res, err := t.exec(`INSERT INTO drafts (client_id, stage, stage_number, kind, to_addrs, cc_addrs, subject, body, html,
		created_at, hold_until, status, message_id, in_reply_to, refs, requires_approval, updated_at, flag_id, context)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+sqlWord(domain.DraftHeld)+`, ?, ?, ?, ?, ?, ?, ?)`,
		n.ClientID, n.Stage, n.StageNumber, n.Kind, strings.Join(n.To, ","), strings.Join(n.Cc, ","), n.Subject, n.Body, n.HTML,
		ts(t.now), ts(n.HoldUntil), n.MessageID, n.InReplyTo, strings.Join(n.References, " "), boolInt(n.RequiresApproval), ts(t.now),
		nullID(n.FlagID), string(context))
	if err != nil {
		return 0, fmt.Errorf("store: create draft: %w", err)
	}
	id, _ := res.LastInsertId()
	for i, a := range n.Attachments {
		if _, err := t.exec(`INSERT INTO draft_attachments (draft_id, position, filename, content_type, data) VALUES (?, ?, ?, ?, ?)`,
			id, i, a.Filename, a.ContentType, a.Data); err != nil {
			return 0, fmt.Errorf("store: attach %s to draft %d: %w", a.Filename, id, err)
		}
	}
	for _, inv := range n.InvoiceIDs {
		if _, err := t.exec(`INSERT INTO draft_invoices (draft_id, invoice_id) VALUES (?, ?)`, id, inv); err != nil {
			return 0, fmt.Errorf("store: link draft %d to invoice %d: %w", id, inv, err)
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventDraftHeld, InvoiceID: inv, ClientID: n.ClientID, DraftID: id, Actor: actor,
			Detail: EventDetail(map[string]any{"stage": n.Stage, "hold_until": ts(n.HoldUntil), "subject": n.Subject})}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const draftSelect = `SELECT d.id, d.client_id, c.name, d.stage, d.to_addrs, d.cc_addrs, d.subject, d.body, d.created_at, d.hold_until,
	d.status, d.message_id, COALESCE(d.imap_uid, 0), d.approved_by, d.approved_at, d.sent_at,
	COALESCE((SELECT group_concat(i.id || ':' || i.number, ',') FROM draft_invoices di JOIN invoices i ON i.id = di.invoice_id
		WHERE di.draft_id = d.id), ''), d.kind, d.context, d.hold_lifted, d.send_now, d.legacy_header
	FROM drafts d JOIN clients c ON c.id = d.client_id`

// DraftDetail is a draft with what sending needs.
type DraftDetail struct {
	Draft
	StageNumber      int
	Kind             domain.StageKind
	HTML             string
	InReplyTo        string
	References       []string
	RequiresApproval bool
	SendAttempts     int
	LastAttemptAt    time.Time
	LastError        string
	SMTPAcceptedAt   time.Time
	FlagID           int64
	Attachments      []Attachment
}

// DraftDetail loads one draft by id.
func (s *Store) DraftDetail(ctx context.Context, id int64) (DraftDetail, error) {
	row := s.db.QueryRowContext(ctx, `SELECT stage_number, kind, html, in_reply_to, refs, requires_approval, send_attempts, smtp_accepted_at,
		last_attempt_at, last_error, COALESCE(flag_id, 0) FROM drafts WHERE id = ?`, id)
	var d DraftDetail
	var refs string
	var req int
	var accepted, lastAttempt sql.NullString
	if err := row.Scan(&d.StageNumber, &d.Kind, &d.HTML, &d.InReplyTo, &refs, &req, &d.SendAttempts, &accepted, &lastAttempt, &d.LastError, &d.FlagID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return d, fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
		}
		return d, fmt.Errorf("store: draft %d: %w", id, err)
	}
	d.RequiresApproval = req != 0
	d.SMTPAcceptedAt = parseTS(accepted)
	d.LastAttemptAt = parseTS(lastAttempt)
	if refs != "" {
		d.References = strings.Fields(refs)
	}
	base, err := scanDraft(s.db.QueryRowContext(ctx, draftSelect+` WHERE d.id = ?`, id))
	if err != nil {
		return d, fmt.Errorf("store: draft %d: %w", id, err)
	}
	kind := d.Kind
	d.Draft = base
	d.Kind = kind
	rows, err := s.db.QueryContext(ctx, `SELECT filename, content_type, data FROM draft_attachments WHERE draft_id = ? ORDER BY position`, id)
	if err != nil {
		return d, fmt.Errorf("store: attachments of draft %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Data); err != nil {
			return d, fmt.Errorf("store: attachments of draft %d: %w", id, err)
		}
		d.Attachments = append(d.Attachments, a)
	}
	return d, rows.Err()
}

// SetDraftIMAPUID records where the Drafts copy lives (0: no copy).
func (t *Tx) SetDraftIMAPUID(id int64, uid uint32) error {
	var v any
	if uid != 0 {
		v = int64(uid)
	}
	_, err := t.exec(`UPDATE drafts SET imap_uid = ?, updated_at = ? WHERE id = ?`, v, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: set IMAP UID of draft %d: %w", id, err)
	}
	return nil
}

// EditDraft adopts the user's edit of a held draft.
func (t *Tx) EditDraft(id int64, subject, body string, actor domain.Actor) error {
	_, err := t.exec(`UPDATE drafts SET subject = ?, body = ?, html = '', updated_at = ? WHERE id = ? AND status IN `+waitingDraftsSQL,
		subject, body, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: edit draft %d: %w", id, err)
	}
	_, err = t.AddEvent(Event{Kind: domain.EventDraftEdited, DraftID: id, Actor: actor})
	return err
}

// NoteSendAttempt counts an attempt and keeps the last error.
func (t *Tx) NoteSendAttempt(id int64, errText string) error {
	_, err := t.exec(`UPDATE drafts SET send_attempts = send_attempts + 1, last_error = ?, updated_at = ?,
		last_attempt_at = ? WHERE id = ?`, errText, ts(t.now), ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: note send attempt of draft %d: %w", id, err)
	}
	return nil
}

// MarkSMTPAccepted records that the server took the message, before anything
// else happens, so a crash afterwards never leads to a second submission.
func (t *Tx) MarkSMTPAccepted(id int64) error {
	_, err := t.exec(`UPDATE drafts SET smtp_accepted_at = ?, updated_at = ? WHERE id = ?`, ts(t.now), ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: mark draft %d accepted: %w", id, err)
	}
	return nil
}

// DraftSent completes a send: status, the stage reached by each invoice, and
// the client's last contact.
func (t *Tx) DraftSent(d DraftDetail, actor domain.Actor) error {
	if err := t.SetDraftStatus(d.ID, domain.DraftSent, actor, ""); err != nil {
		return err
	}
	if d.Kind == domain.KindAnswer {
		return t.answerSent(d, actor)
	}
	for _, inv := range d.InvoiceIDs {
		if _, err := t.exec(`UPDATE invoices SET last_stage = MAX(last_stage, ?), updated_at = ? WHERE id = ?`,
			d.StageNumber, ts(t.now), inv); err != nil {
			return fmt.Errorf("store: stage of invoice %d: %w", inv, err)
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventReminderSent, InvoiceID: inv, ClientID: d.ClientID, DraftID: d.ID, Actor: actor,
			Detail: EventDetail(map[string]any{"stage": d.Stage, "message_id": d.MessageID})}); err != nil {
			return err
		}
	}
	_, err := t.exec(`UPDATE clients SET last_contact = ? WHERE id = ?`, ts(t.now), d.ClientID)
	if err != nil {
		return fmt.Errorf("store: last contact of client %d: %w", d.ClientID, err)
	}
	return nil
}

// answerSent completes the send of an answer: the questions it answers are
// closed and the ladder's clock of their invoices restarts now.
func (t *Tx) answerSent(d DraftDetail, actor domain.Actor) error {
	note := fmt.Sprintf("answered by draft %d", d.ID)
	for _, inv := range d.InvoiceIDs {
		if _, err := t.AddEvent(Event{Kind: domain.EventAnswerSent, InvoiceID: inv, ClientID: d.ClientID, DraftID: d.ID, Actor: actor,
			Detail: EventDetail(map[string]any{"message_id": d.MessageID})}); err != nil {
			return err
		}
		if err := t.questionAnswered(inv, actor, note); err != nil {
			return err
		}
	}
	_, err := t.exec(`UPDATE clients SET last_contact = ? WHERE id = ?`, ts(t.now), d.ClientID)
	if err != nil {
		return fmt.Errorf("store: last contact of client %d: %w", d.ClientID, err)
	}
	return nil
}

// questionAnswered closes the open information requests on an invoice and
// restarts its ladder's clock.
func (t *Tx) questionAnswered(invoiceID int64, actor domain.Actor, note string) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id FROM flags WHERE kind = `+sqlWord(domain.FlagInfoRequest)+` AND status <> `+resolvedSQL+` AND invoice_id = ?`, invoiceID)
	if err != nil {
		return fmt.Errorf("store: questions of invoice %d: %w", invoiceID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("store: questions of invoice %d: %w", invoiceID, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := t.ResolveFlag(id, actor, note); err != nil {
			return err
		}
	}
	if _, err := t.exec(`UPDATE invoices SET clock_from = ?, updated_at = ? WHERE id = ?`, ts(t.now), ts(t.now), invoiceID); err != nil {
		return fmt.Errorf("store: restart the clock of invoice %d: %w", invoiceID, err)
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

// Payments lists the payments recorded for an invoice, oldest first.
func (s *Store) Payments(ctx context.Context, invoiceID int64) ([]Payment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(invoice_id, 0), COALESCE(client_id, 0), amount, currency, paid_on, source,
		payer, reference, COALESCE(external_ref, '') FROM payments WHERE invoice_id = ? ORDER BY paid_on, id`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: payments of invoice %d: %w", invoiceID, err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var amount string
		var paidOn sql.NullString
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.ClientID, &amount, &p.Currency, &paidOn, &p.Source, &p.Payer, &p.Reference, &p.ExternalRef); err != nil {
			return nil, fmt.Errorf("store: payments of invoice %d: %w", invoiceID, err)
		}
		p.Amount, _ = decimal.NewFromString(amount)
		p.PaidOn = parseDate(paidOn)
		out = append(out, p)
	}
	return out, rows.Err()
}

// DraftByMessageID finds the draft that reserved a Message-ID.
func (s *Store) DraftByMessageID(ctx context.Context, msgID string) (Draft, error) {
	d, err := scanDraft(s.db.QueryRowContext(ctx, draftSelect+` WHERE d.message_id = ?`, msgID))
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, fmt.Errorf("store: draft with Message-ID %q: %w", msgID, ErrNotFound)
	}
	return d, err
}

// OpenFlagExists tells whether an unresolved flag of this kind exists for the
// invoice (or the client when invoiceID is 0), so recurring signals are
// raised once.
func (t *Tx) OpenFlagExists(kind domain.FlagKind, invoiceID, clientID int64) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM flags WHERE kind = ? AND status <> `+resolvedSQL+`
		AND COALESCE(invoice_id, 0) = ? AND (? = 0 OR COALESCE(client_id, 0) = ?)`, kind, invoiceID, clientID, clientID).Scan(&n)
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

// DraftForEdit returns what adopting an edit needs to compare: the draft's
// status, body and IMAP UID.
func (t *Tx) DraftForEdit(id int64) (status, subject, body string, uid uint32, err error) {
	var u sql.NullInt64
	err = t.queryRow(`SELECT status, subject, body, imap_uid FROM drafts WHERE id = ?`, id).Scan(&status, &subject, &body, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", 0, fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", "", "", 0, fmt.Errorf("store: draft %d: %w", id, err)
	}
	return status, subject, body, uint32(u.Int64), nil
}

// NoteSendError records how the attempt under way failed.
func (t *Tx) NoteSendError(id int64, errText string) error {
	_, err := t.exec(`UPDATE drafts SET last_error = ?, updated_at = ? WHERE id = ?`, errText, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: note send error of draft %d: %w", id, err)
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

// CountDrafts counts the drafts of this stage about the invoice (any status).
func (s *Store) CountDrafts(ctx context.Context, invoiceID int64, stage string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
		WHERE di.invoice_id = ? AND d.stage = ?`, invoiceID, stage).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s drafts of invoice %d: %w", stage, invoiceID, err)
	}
	return n, nil
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

// MessageHeaderID returns the Message-ID header of a stored message ("" when
// the message is unknown).
func (s *Store) MessageHeaderID(ctx context.Context, id int64) (string, error) {
	var msgID string
	err := s.db.QueryRowContext(ctx, `SELECT message_id FROM messages WHERE id = ?`, id).Scan(&msgID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: message %d: %w", id, err)
	}
	return msgID, nil
}
