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

// replyStates are the states a reading of a reply may have set, which a
// corrected reading may therefore undo. An owner's decision (a plan, a
// cancellation, a payment recorded) is never undone by a correction.
var replyStates = map[domain.State]bool{domain.StateOpen: true, domain.StatePromised: true, domain.StatePaidClaimed: true, domain.StateDisputed: true, domain.StateOnHold: true}

// Correction is the owner's reading of one reply.
type Correction struct {
	ID          int64
	MessageID   int64 // the stored reply, 0 for a file read offline
	Text        string
	Subject     string
	ReplyDate   time.Time // the reply's Date header (zero when unknown)
	ClassBefore string
	Class       string
	PromiseDate time.Time // zero when none
	Actor       domain.Actor
	CreatedAt   time.Time
}

// CorrectionResult says what a correction changed.
type CorrectionResult struct {
	CorrectionID int64
	Invoices     []int64 // invoices the reply is about
	States       map[int64][2]domain.State
	FlagsClosed  []int64
	FlagOpened   int64
}

// ErrNotAReply is returned when a correction names a message that is not a
// client's reply.
var ErrNotAReply = errors.New("not a client reply")

// CorrectReading records the owner's reading of the stored reply msgID and
// applies it at once: the message's class, the state of each invoice it is
// about (when a reading set that state), its promise date, the flags its
// former reading opened (closed), a flag for the new reading when it needs a
// person, and an event with the actor on each invoice.
func (t *Tx) CorrectReading(msgID int64, class domain.ReplyClass, promise time.Time, actor domain.Actor) (CorrectionResult, error) {
	var role, before, subject, text, from string
	var date sql.NullString
	err := t.queryRow(`SELECT role, class, subject, body_text, from_addr, date FROM messages WHERE id = ?`, msgID).Scan(&role, &before, &subject, &text, &from, &date)
	if errors.Is(err, sql.ErrNoRows) {
		return CorrectionResult{}, fmt.Errorf("store: message %d: %w", msgID, ErrNotFound)
	}
	if err != nil {
		return CorrectionResult{}, fmt.Errorf("store: message %d: %w", msgID, err)
	}
	if role != "inbox" {
		return CorrectionResult{}, fmt.Errorf("store: message %d (%s): %w", msgID, role, ErrNotAReply)
	}
	var res CorrectionResult
	res.CorrectionID, err = t.addCorrection(Correction{MessageID: msgID, Text: text, Subject: subject, ReplyDate: parseTS(date), ClassBefore: before,
		Class: string(class), PromiseDate: promise, Actor: actor})
	if err != nil {
		return res, err
	}
	if _, err := t.exec(`UPDATE messages SET class = ? WHERE id = ?`, class, msgID); err != nil {
		return res, fmt.Errorf("store: correct message %d: %w", msgID, err)
	}
	res.Invoices, err = t.replyInvoices(msgID)
	if err != nil {
		return res, err
	}
	// The former reading's flags on this reply are closed; a flag the
	// owner already resolved stays as it is.
	flags, err := t.ids(fmt.Sprintf("flags of message %d", msgID), `SELECT id FROM flags WHERE message_id = ? AND status != ?
		AND kind IN (?, ?, ?, ?, ?, `+sqlWord(domain.FlagTriage)+`, `+sqlWord(domain.FlagInfoRequest)+`)`, msgID, domain.FlagResolved, domain.FlagDispute, domain.FlagGrievance, domain.FlagHardship, domain.FlagBounce, domain.FlagUnsure)
	if err != nil {
		return res, err
	}
	note := fmt.Sprintf("reading corrected: %s → %s", before, class)
	for _, id := range flags {
		if err := t.setFlagStatus(id, domain.FlagResolved, []domain.FlagStatus{domain.FlagOpen, domain.FlagAcknowledged}, actor, note); err != nil {
			return res, err
		}
		res.FlagsClosed = append(res.FlagsClosed, id)
	}
	res.States = map[int64][2]domain.State{}
	detail := map[string]any{"from": before, "to": class}
	if !promise.IsZero() {
		detail["promise_date"] = promise.Format(time.DateOnly)
	}
	for _, inv := range res.Invoices {
		state, err := t.InvoiceState(inv)
		if err != nil {
			return res, err
		}
		if replyStates[state] {
			next := policy.StateAfterReply(domain.StateOpen, class)
			if next == "" {
				next = domain.StateOpen
			}
			if next != state {
				if err := t.ChangeState(StateChange{InvoiceID: inv, From: state, To: next, Because: "reading corrected to " + string(class),
					MessageID: msgID, Actor: actor}); err != nil {
					return res, err
				}
				res.States[inv] = [2]domain.State{state, next}
			}
		}
		if class == domain.ReplyPromise && !promise.IsZero() {
			if err := t.SetPromise(inv, promise); err != nil {
				return res, err
			}
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventReadingCorrected, InvoiceID: inv, MessageID: msgID, Actor: actor, Detail: EventDetail(detail)}); err != nil {
			return res, err
		}
	}
	if len(res.Invoices) == 0 {
		if _, err := t.AddEvent(Event{Kind: domain.EventReadingCorrected, MessageID: msgID, Actor: actor, Detail: EventDetail(detail)}); err != nil {
			return res, err
		}
	}
	if class == domain.ReplyInfoRequest {
		// A question gets its answer: one task per invoice it is about
		// (what it asks for is left for the owner to fill in the answer).
		for _, inv := range res.Invoices {
			id, err := t.OpenFlag(Flag{Kind: domain.FlagInfoRequest, InvoiceID: inv, MessageID: msgID,
				Evidence: []string{fmt.Sprintf("read as %s by the owner (%s)", class, actor), firstLine(text)}})
			if err != nil {
				return res, err
			}
			if res.FlagOpened == 0 {
				res.FlagOpened = id
			}
		}
	}
	if policy.ReplyNeedsHuman(class) && class != domain.ReplyBounce {
		f := Flag{Kind: domain.FlagKind(class), MessageID: msgID, Evidence: []string{fmt.Sprintf("read as %s by the owner (%s)", class, actor), firstLine(text)}}
		if len(res.Invoices) > 0 {
			f.InvoiceID = res.Invoices[0]
		} else {
			f.Kind = domain.FlagTriage
		}
		if res.FlagOpened, err = t.OpenFlag(f); err != nil {
			return res, err
		}
	}
	return res, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// replyInvoices lists the invoices a stored reply was tied to.
func (t *Tx) replyInvoices(msgID int64) ([]int64, error) {
	return t.ids(fmt.Sprintf("invoices of message %d", msgID), `SELECT DISTINCT invoice_id FROM events
		WHERE message_id = ? AND kind = `+sqlWord(domain.EventReplyReceived)+` AND invoice_id IS NOT NULL
		UNION SELECT invoice_id FROM messages WHERE id = ? AND invoice_id IS NOT NULL ORDER BY 1`, msgID, msgID)
}

// AddCorrection stores the owner's reading of a reply that is not in the
// store (a file read offline): it shapes later readings only.
func (t *Tx) AddCorrection(text, subject string, replyDate time.Time, class string, promise time.Time, actor domain.Actor) (int64, error) {
	return t.addCorrection(Correction{Text: text, Subject: subject, ReplyDate: replyDate, Class: string(class), PromiseDate: promise, Actor: actor})
}

func (t *Tx) addCorrection(c Correction) (int64, error) {
	id, err := t.insert(`INSERT INTO corrections (message_id, text, subject, reply_date, class_before, class, promise_date, actor, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullID(c.MessageID), c.Text, c.Subject, nullTS(c.ReplyDate), c.ClassBefore, c.Class, nullDate(c.PromiseDate), c.Actor, ts(t.now))
	if err != nil {
		return 0, fmt.Errorf("store: add correction: %w", err)
	}
	return id, nil
}

// Corrections returns every correction, oldest first. When a reply was
// corrected twice, both are returned: the later one is the owner's word.
func (s *Store) Corrections(ctx context.Context) ([]Correction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, message_id, text, subject, reply_date, class_before, class, promise_date, actor, created_at
		FROM corrections ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: corrections: %w", err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		var msg sql.NullInt64
		var replyDate, promise, created sql.NullString
		if err := rows.Scan(&c.ID, &msg, &c.Text, &c.Subject, &replyDate, &c.ClassBefore, &c.Class, &promise, &c.Actor, &created); err != nil {
			return nil, fmt.Errorf("store: corrections: %w", err)
		}
		c.MessageID, c.ReplyDate, c.PromiseDate, c.CreatedAt = msg.Int64, parseTS(replyDate), parseDate(promise), parseTS(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CorrectionsVersion identifies the set of corrections: it changes whenever
// one is added, so a process can tell when its model is stale.
func (s *Store) CorrectionsVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(id) FROM corrections`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: corrections version: %w", err)
	}
	return v.Int64, nil
}

// ReplyByMessageID finds a stored client reply by its Message-ID header.
func (s *Store) ReplyByMessageID(ctx context.Context, messageID string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM messages WHERE message_id = ? AND role = 'inbox' ORDER BY id DESC LIMIT 1`,
		strings.Trim(strings.TrimSpace(messageID), "<>")).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: reply %s: %w", messageID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: reply %s: %w", messageID, err)
	}
	return id, nil
}

// MessageClass is how a stored message was read ("" until it is).
func (s *Store) MessageClass(ctx context.Context, id int64) (string, error) {
	var class string
	err := s.db.QueryRowContext(ctx, `SELECT class FROM messages WHERE id = ?`, id).Scan(&class)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: message %d: %w", id, err)
	}
	return class, nil
}
