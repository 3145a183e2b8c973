// The hand-over file: the facts it states, read in one place, and the file
// kept once built.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// HandoverRecord is what the store knows for a client's hand-over file:
// who the client is, what it still owes and every mail exchanged about it.
type HandoverRecord struct {
	Client   Addressee
	Consumer bool
	Invoices []HandoverInvoice
	// Sent are our drafts that left (reminders, the formal notice, answers),
	// oldest first.
	Sent []HandoverSent
	// Replies are the client's mails tied to these invoices, oldest first.
	Replies []HandoverReply
}

// HandoverInvoice is an invoice still owed, with the payments it received.
type HandoverInvoice struct {
	Invoice
	Payments []Payment
}

// HandoverSent is one mail of ours that left.
type HandoverSent struct {
	DraftID    int64
	Stage      domain.DraftStage
	Kind       domain.StageKind
	To         []string
	Subject    string
	Body       string
	MessageID  string
	SentAt     time.Time
	InvoiceIDs []int64
}

// HandoverReply is one mail received from the client, with the client's
// own words as kept for the review page (quoted history removed).
type HandoverReply struct {
	ID        int64
	MessageID string
	InvoiceID int64
	From      string
	FromName  string
	Subject   string
	Date      time.Time
	Class     string
	Text      string
}

// HandoverRecordOf reads the facts of a client's hand-over file. A client
// that owes nothing has no file (ErrNotFound).
func (s *Store) HandoverRecordOf(ctx context.Context, clientID int64) (HandoverRecord, error) {
	var r HandoverRecord
	var err error
	if r.Client, err = s.ClientAddressee(ctx, clientID); err != nil {
		return r, err
	}
	var b2c int
	if err := s.db.QueryRowContext(ctx, `SELECT b2c FROM clients WHERE id = ?`, clientID).Scan(&b2c); err != nil {
		return r, fmt.Errorf("store: hand-over of client %d: %w", clientID, err)
	}
	r.Consumer = b2c != 0
	invs, err := s.listInvoices(ctx, "hand-over invoices", invoiceSelect+` WHERE i.client_id = ? AND i.kind = 'invoice'
		ORDER BY COALESCE(i.issue_date, i.created_at), i.id`, clientID)
	if err != nil {
		return r, err
	}
	var ids []any
	for _, inv := range invs {
		if !inv.Balance.IsPositive() || !inv.State.Chased() {
			continue
		}
		pays, err := s.Payments(ctx, inv.ID)
		if err != nil {
			return r, err
		}
		r.Invoices = append(r.Invoices, HandoverInvoice{Invoice: inv, Payments: pays})
		ids = append(ids, inv.ID)
	}
	if len(ids) == 0 {
		return r, fmt.Errorf("store: hand-over of client %d: nothing owed: %w", clientID, ErrNotFound)
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	if r.Sent, err = s.handoverSent(ctx, in, ids); err != nil {
		return r, fmt.Errorf("store: hand-over of client %d: %w", clientID, err)
	}
	if r.Replies, err = s.handoverReplies(ctx, in, ids); err != nil {
		return r, fmt.Errorf("store: hand-over of client %d: %w", clientID, err)
	}
	return r, nil
}

func (s *Store) handoverSent(ctx context.Context, in string, ids []any) ([]HandoverSent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.stage, d.kind, d.to_addrs, d.subject, d.body, d.message_id, d.sent_at,
		(SELECT group_concat(invoice_id) FROM draft_invoices WHERE draft_id = d.id)
		FROM drafts d WHERE d.status = `+sqlWord(domain.DraftSent)+`
		AND d.id IN (SELECT draft_id FROM draft_invoices WHERE invoice_id IN `+in+`) ORDER BY d.sent_at, d.id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("sent mail: %w", err)
	}
	defer rows.Close()
	var out []HandoverSent
	for rows.Next() {
		var h HandoverSent
		var to string
		var sent, invs sql.NullString
		if err := rows.Scan(&h.DraftID, &h.Stage, &h.Kind, &to, &h.Subject, &h.Body, &h.MessageID, &sent, &invs); err != nil {
			return nil, fmt.Errorf("sent mail: %w", err)
		}
		h.To, h.SentAt = splitList(to), parseTS(sent)
		for _, id := range strings.Split(invs.String, ",") {
			var n int64
			if _, err := fmt.Sscan(id, &n); err == nil {
				h.InvoiceIDs = append(h.InvoiceIDs, n)
			}
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *Store) handoverReplies(ctx context.Context, in string, ids []any) ([]HandoverReply, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, message_id, COALESCE(invoice_id, 0), from_addr, from_name, subject, date, class, body_text
		FROM messages WHERE role = 'inbox' AND (invoice_id IN `+in+`
		OR id IN (SELECT message_id FROM events WHERE kind = `+sqlWord(domain.EventReplyReceived)+` AND invoice_id IN `+in+`))
		ORDER BY COALESCE(date, ingested_at), id`, append(slices.Clone(ids), ids...)...)
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	defer rows.Close()
	var out []HandoverReply
	for rows.Next() {
		var h HandoverReply
		var date sql.NullString
		if err := rows.Scan(&h.ID, &h.MessageID, &h.InvoiceID, &h.From, &h.FromName, &h.Subject, &date, &h.Class, &h.Text); err != nil {
			return nil, fmt.Errorf("replies: %w", err)
		}
		h.Date = parseTS(date)
		out = append(out, h)
	}
	return out, rows.Err()
}

// Paid sums the payments recorded for the invoice.
func (h HandoverInvoice) Paid() decimal.Decimal {
	sum := decimal.Zero
	for _, p := range h.Payments {
		sum = sum.Add(p.Amount)
	}
	return sum
}

// HandoverFile is a hand-over file as built: the PDF and the ZIP of the
// originals.
type HandoverFile struct {
	ID        int64
	ClientID  int64
	InvoiceID int64
	Reason    string
	CreatedAt time.Time
	PDFName   string
	PDF       []byte
	ZIPName   string
	ZIP       []byte
}

// SaveHandoverFile keeps a built file (the latest one of a client is its
// file) and logs a handover_prepared event on the invoice.
func (t *Tx) SaveHandoverFile(f HandoverFile) (int64, error) {
	id, err := t.insert(`INSERT INTO handover_files (client_id, invoice_id, reason, created_at, pdf_name, pdf, zip_name, zip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.ClientID, f.InvoiceID, f.Reason, ts(t.now), f.PDFName, f.PDF, f.ZIPName, f.ZIP)
	if err != nil {
		return 0, fmt.Errorf("store: keep the hand-over file of invoice %d: %w", f.InvoiceID, err)
	}
	_, err = t.AddEvent(Event{Kind: domain.EventHandoverPrepared, InvoiceID: f.InvoiceID, ClientID: f.ClientID, Actor: domain.ActorDaemon,
		Detail: EventDetail(map[string]any{"file": id, "reason": f.Reason, "pdf": f.PDFName, "zip": f.ZIPName})})
	return id, err
}

// HandoverFileOf returns the latest hand-over file of the invoice's client
// (a file covers every invoice the client owes); ErrNotFound when none was
// built.
func (s *Store) HandoverFileOf(ctx context.Context, invoiceID int64) (HandoverFile, error) {
	var f HandoverFile
	var created sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, client_id, invoice_id, reason, created_at, pdf_name, pdf, zip_name, zip FROM handover_files
		WHERE client_id = (SELECT client_id FROM invoices WHERE id = ?) ORDER BY created_at DESC, id DESC LIMIT 1`, invoiceID).
		Scan(&f.ID, &f.ClientID, &f.InvoiceID, &f.Reason, &created, &f.PDFName, &f.PDF, &f.ZIPName, &f.ZIP)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: hand-over file of invoice %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("store: hand-over file of invoice %d: %w", invoiceID, err)
	}
	f.CreatedAt = parseTS(created)
	return f, nil
}

// StopContact records a hostile reply about an invoice: a hostile flag
// (once per client while one is open: it stops every contact with the
// client, see policy) carrying the evidence, and every draft still waiting
// for the client cancelled with reason, which the owner reads beside it.
// It returns the flag (0 when one was already open) and the drafts
// cancelled.
func (t *Tx) StopContact(invoiceID, messageID int64, evidence []string, reason string) (flagID int64, cancelled []int64, err error) {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return 0, nil, err
	}
	clientID := inv.Client.ID
	var open int
	if err := t.queryRow(`SELECT COUNT(*) FROM flags WHERE kind = `+sqlWord(domain.FlagHostile)+` AND status <> `+resolvedSQL+`
		AND (client_id = ? OR invoice_id IN (SELECT id FROM invoices WHERE client_id = ?))`, clientID, clientID).Scan(&open); err != nil {
		return 0, nil, fmt.Errorf("store: hostile flags of client %d: %w", clientID, err)
	}
	if open == 0 {
		if flagID, err = t.OpenFlag(Flag{Kind: domain.FlagHostile, InvoiceID: invoiceID, ClientID: clientID, MessageID: messageID,
			Evidence: evidence}); err != nil {
			return 0, nil, err
		}
	}
	ids, err := t.ids("waiting drafts", `SELECT id FROM drafts WHERE client_id = ? AND status IN `+waitingDraftsSQL+` ORDER BY id`, clientID)
	if err != nil {
		return flagID, nil, err
	}
	for _, id := range ids {
		if err := t.SetDraftStatus(id, domain.DraftCancelled, domain.ActorDaemon, reason); err != nil {
			return flagID, cancelled, err
		}
		cancelled = append(cancelled, id)
	}
	return flagID, cancelled, nil
}

// HandoverState is what the policy's hand-over decision reads from the
// store about a client: when each invoice's last formal notice left, and
// whether a file was already built.
func (s *Store) HandoverState(ctx context.Context, clientID int64) (noticeSent map[int64]time.Time, prepared bool, err error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM handover_files WHERE client_id = ?`, clientID).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("store: hand-over files of client %d: %w", clientID, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT di.invoice_id, MAX(d.sent_at) FROM drafts d JOIN draft_invoices di ON di.draft_id = d.id
		WHERE d.client_id = ? AND d.kind = `+sqlWord(domain.KindFormalNotice)+` AND d.status = `+sqlWord(domain.DraftSent)+`
		GROUP BY di.invoice_id`, clientID)
	if err != nil {
		return nil, false, fmt.Errorf("store: formal notices of client %d: %w", clientID, err)
	}
	defer rows.Close()
	noticeSent = map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at sql.NullString
		if err := rows.Scan(&id, &at); err != nil {
			return nil, false, fmt.Errorf("store: formal notices of client %d: %w", clientID, err)
		}
		noticeSent[id] = parseTS(at)
	}
	return noticeSent, n > 0, rows.Err()
}
