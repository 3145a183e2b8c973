// Messages read from the mailbox: what is known, how each was read, and the text kept for a person.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

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

// maxReplyText bounds the stored reply: the page needs the client's words,
// not a forwarded archive.
const maxReplyText = 64 << 10

// SetMessageText keeps the sender's display name and the stripped text of a
// reply, for the review page to show a flag's evidence in context.
func (t *Tx) SetMessageText(id int64, fromName, text string) error {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if len(text) > maxReplyText {
		cut := maxReplyText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	_, err := t.exec(`UPDATE messages SET from_name = ?, body_text = ? WHERE id = ?`,
		strings.ToValidUTF8(fromName, "\uFFFD"), text, id)
	if err != nil {
		return fmt.Errorf("store: keep text of message %d: %w", id, err)
	}
	return nil
}

// MessageKnown reports whether the folder already holds a message with this
// UID under this UIDVALIDITY, or (after a UIDVALIDITY change) the same
// Message-ID: each message is ingested once.
func (t *Tx) MessageKnown(folder string, uidValidity, uid uint32, messageID string) (bool, error) {
	// Two indexed lookups in one statement (an OR of the columns may be
	// answered by scanning every message): this runs once per ingested
	// message.
	var known bool
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM messages WHERE folder = ? AND uidvalidity = ? AND uid = ?)
		OR (? <> '' AND EXISTS (SELECT 1 FROM messages WHERE message_id = ? AND folder = ?))`,
		folder, uidValidity, uid, messageID, messageID, folder).Scan(&known)
	if err != nil {
		return false, fmt.Errorf("store: look up message: %w", err)
	}
	return known, nil
}

// AddMessage records a message as seen and returns its row id.
func (t *Tx) AddMessage(m Message) (int64, error) {
	id, err := t.insert(`INSERT INTO messages
		(folder, uidvalidity, uid, role, message_id, from_addr, subject, date, class, invoice_id, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Folder, m.UIDValidity, m.UID, m.Role, m.MessageID, m.From, m.Subject, nullTS(m.Date), m.Class,
		nullID(m.InvoiceID), ts(t.now))
	if err != nil {
		return 0, fmt.Errorf("store: add message %s/%d: %w", m.Folder, m.UID, err)
	}
	return id, nil
}

// SetMessageOutcome records the class and invoice of a message once known.
func (t *Tx) SetMessageOutcome(id int64, class string, invoiceID int64) error {
	_, err := t.exec(`UPDATE messages SET class = ?, invoice_id = ? WHERE id = ?`, class, nullID(invoiceID), id)
	if err != nil {
		return fmt.Errorf("store: set message outcome: %w", err)
	}
	return nil
}

// MessageLocation is where a recorded message was seen: its folder, the
// folder's UIDVALIDITY and the message's UID then.
type MessageLocation struct {
	MessageID   string
	Folder      string
	UIDValidity uint32
	UID         uint32
}

// MessageLocations returns, for each Message-ID recorded in a folder of the
// role, where it was last seen (the row recorded last): one query for a
// reminder's invoices, whose mails are then fetched by UID.
func (s *Store) MessageLocations(ctx context.Context, role string, msgIDs []string) ([]MessageLocation, error) {
	if len(msgIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(msgIDs)+1)
	args = append(args, role)
	for _, id := range msgIDs {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, folder, uidvalidity, uid FROM messages
		WHERE role = ? AND message_id IN (?`+strings.Repeat(`, ?`, len(msgIDs)-1)+`) ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: message locations: %w", err)
	}
	defer rows.Close()
	var out []MessageLocation
	seen := map[string]bool{}
	for rows.Next() {
		var l MessageLocation
		if err := rows.Scan(&l.MessageID, &l.Folder, &l.UIDValidity, &l.UID); err != nil {
			return nil, fmt.Errorf("store: message locations: %w", err)
		}
		if !seen[l.MessageID] {
			seen[l.MessageID] = true
			out = append(out, l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: message locations: %w", err)
	}
	return out, nil
}
