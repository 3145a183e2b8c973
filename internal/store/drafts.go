// The draft aggregate: held drafts, their approval, edits and cancellation, and each step of sending one.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
)

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
	id, err := t.insert(`INSERT INTO drafts (client_id, stage, stage_number, kind, to_addrs, cc_addrs, subject, body, html,
		created_at, hold_until, status, message_id, in_reply_to, refs, requires_approval, updated_at, flag_id, context)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+sqlWord(domain.DraftHeld)+`, ?, ?, ?, ?, ?, ?, ?)`,
		n.ClientID, n.Stage, n.StageNumber, n.Kind, strings.Join(n.To, ","), strings.Join(n.Cc, ","), n.Subject, n.Body, n.HTML,
		ts(t.now), ts(n.HoldUntil), n.MessageID, n.InReplyTo, strings.Join(n.References, " "), boolInt(n.RequiresApproval), ts(t.now),
		nullID(n.FlagID), string(context))
	if err != nil {
		return 0, fmt.Errorf("store: create draft: %w", err)
	}
	if n.FlagID != 0 && n.Kind == domain.KindAnswer {
		if err := t.linkAnswer(n.FlagID, id); err != nil {
			return 0, err
		}
	}
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
		WHERE di.draft_id = d.id), ''), d.kind, d.context, d.hold_lifted, d.send_now, d.legacy_header,
	COALESCE((SELECT f.objection FROM flags f WHERE f.id = d.flag_id), '')
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
	// AttachmentsOmitted: loaded by DraftDetails, without Attachments;
	// DraftAttachments reads them.
	AttachmentsOmitted bool
}

// DraftDetail loads one draft by id.
func (s *Store) DraftDetail(ctx context.Context, id int64) (DraftDetail, error) {
	d, err := scanDetail(s.db.QueryRowContext(ctx, detailSelect+` WHERE id = ?`, id))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return d, fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
		}
		return d, fmt.Errorf("store: draft %d: %w", id, err)
	}
	base, err := scanDraft(s.db.QueryRowContext(ctx, draftSelect+` WHERE d.id = ?`, id))
	if err != nil {
		return d, fmt.Errorf("store: draft %d: %w", id, err)
	}
	kind := d.Kind
	d.Draft = base
	d.Kind = kind
	d.Attachments, err = s.DraftAttachments(ctx, id)
	return d, err
}

// DraftDetails loads every draft of these statuses, newest first, in two
// queries, without the files they attach (AttachmentsOmitted): a pass
// considers every waiting draft, and reading each one's attachments to
// learn that it is not due yet was most of that.
func (s *Store) DraftDetails(ctx context.Context, statuses ...domain.DraftStatus) ([]DraftDetail, error) {
	drafts, err := s.Drafts(ctx, statuses...)
	if err != nil || len(drafts) == 0 {
		return nil, err
	}
	q := detailSelect
	var args []any
	if len(statuses) > 0 {
		q += ` WHERE status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: draft details: %w", err)
	}
	defer rows.Close()
	byID := map[int64]DraftDetail{}
	for rows.Next() {
		d, err := scanDetail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: draft details: %w", err)
		}
		byID[d.ID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: draft details: %w", err)
	}
	out := make([]DraftDetail, 0, len(drafts))
	for _, base := range drafts {
		// A draft whose status changed between the two queries is left
		// for the next pass.
		d, ok := byID[base.ID]
		if !ok {
			continue
		}
		kind := d.Kind
		d.Draft = base
		d.Kind = kind
		d.AttachmentsOmitted = true
		out = append(out, d)
	}
	return out, nil
}

// DraftAttachments returns the files a draft attaches, in order.
func (s *Store) DraftAttachments(ctx context.Context, id int64) ([]Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT filename, content_type, data FROM draft_attachments WHERE draft_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: attachments of draft %d: %w", id, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Data); err != nil {
			return nil, fmt.Errorf("store: attachments of draft %d: %w", id, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: attachments of draft %d: %w", id, err)
	}
	return out, nil
}

// detailSelect reads what DraftDetail adds to a Draft (scanDetail).
const detailSelect = `SELECT id, stage_number, kind, html, in_reply_to, refs, requires_approval, send_attempts, smtp_accepted_at,
	last_attempt_at, last_error, COALESCE(flag_id, 0) FROM drafts`

func scanDetail(r scanner) (DraftDetail, error) {
	var d DraftDetail
	var refs string
	var req int
	var accepted, lastAttempt sql.NullString
	if err := r.Scan(&d.ID, &d.StageNumber, &d.Kind, &d.HTML, &d.InReplyTo, &refs, &req, &d.SendAttempts, &accepted, &lastAttempt,
		&d.LastError, &d.FlagID); err != nil {
		return d, err
	}
	d.RequiresApproval = req != 0
	d.SMTPAcceptedAt = parseTS(accepted)
	d.LastAttemptAt = parseTS(lastAttempt)
	if refs != "" {
		d.References = strings.Fields(refs)
	}
	return d, nil
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
		if err := t.objectionAnswered(inv, actor, note); err != nil {
			return err
		}
	}
	_, err := t.exec(`UPDATE clients SET last_contact = ? WHERE id = ?`, ts(t.now), d.ClientID)
	if err != nil {
		return fmt.Errorf("store: last contact of client %d: %w", d.ClientID, err)
	}
	return nil
}

// DraftByMessageID finds the draft that reserved a Message-ID.
func (s *Store) DraftByMessageID(ctx context.Context, msgID string) (Draft, error) {
	d, err := scanDraft(s.db.QueryRowContext(ctx, draftSelect+` WHERE d.message_id = ?`, msgID))
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, fmt.Errorf("store: draft with Message-ID %q: %w", msgID, ErrNotFound)
	}
	return d, err
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
		&d.MessageID, &uid, &d.ApprovedBy, &approved, &sent, &invs, &d.Kind, &context, &lifted, &now, &legacy, &d.Objection)
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

// ErrHoldNotOver refuses an approval before the draft's hold ends when no
// override reason was given.
var ErrHoldNotOver = errors.New("store: the hold has not ended yet")

// ApproveDraft approves a held draft. Before its hold ends the approval is
// refused (ErrHoldNotOver) unless override gives the human's reason, which
// the event keeps.
func (t *Tx) ApproveDraft(id int64, actor domain.Actor, override string) error {
	var status domain.DraftStatus
	var hold sql.NullString
	err := t.queryRow(`SELECT status, hold_until FROM drafts WHERE id = ?`, id).Scan(&status, &hold)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: draft %d: %w", id, err)
	}
	if status != domain.DraftHeld {
		return fmt.Errorf("store: draft %d is %s: %w", id, status, ErrWrongStatus)
	}
	reason := ""
	if until := parseTS(hold); t.now.Before(until) {
		override = strings.TrimSpace(override)
		if override == "" {
			return fmt.Errorf("store: draft %d is held until %s: %w", id, until.Format(time.RFC3339), ErrHoldNotOver)
		}
		reason = "hold overridden: " + override
		// The reason lifts the hold: the draft goes at the next send slot.
		if _, err := t.exec(`UPDATE drafts SET hold_lifted = 1 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: approve draft %d: %w", id, err)
		}
	}
	return t.SetDraftStatus(id, domain.DraftApproved, actor, reason)
}

// waitingDraftStatus is the status of a draft a human may still act on
// (held or approved); ErrNotFound or ErrWrongStatus otherwise.
func (t *Tx) waitingDraftStatus(id int64) (domain.DraftStatus, error) {
	var status domain.DraftStatus
	err := t.queryRow(`SELECT status FROM drafts WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: draft %d: %w", id, err)
	}
	if !status.Waiting() {
		return status, fmt.Errorf("store: draft %d is %s: %w", id, status, ErrWrongStatus)
	}
	return status, nil
}

// ReviseDraft replaces the text of a draft still waiting. An approved draft
// goes back to held: what was approved is not what will be sent.
func (t *Tx) ReviseDraft(id int64, subject, body string, actor domain.Actor) error {
	status, err := t.waitingDraftStatus(id)
	if err != nil {
		return err
	}
	if err := t.EditDraft(id, subject, body, actor); err != nil {
		return err
	}
	if status == domain.DraftApproved {
		if _, err := t.exec(`UPDATE drafts SET approved_at = NULL, approved_by = '', hold_lifted = 0, send_now = 0 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: revise draft %d: %w", id, err)
		}
		return t.SetDraftStatus(id, domain.DraftHeld, actor, "edited after approval")
	}
	return nil
}

// supersedeDraftsOf marks pending drafts about an invoice as superseded.
func (t *Tx) supersedeDraftsOf(invoiceID int64, actor domain.Actor) error {
	ids, err := t.ids(fmt.Sprintf("find drafts of invoice %d", invoiceID), `SELECT d.id FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
		WHERE di.invoice_id = ? AND d.status IN `+waitingDraftsSQL, invoiceID)
	if err != nil {
		return err
	}
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
