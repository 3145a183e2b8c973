package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// DraftEdited reports whether a human ever changed the text of a draft (in
// their mail client, on the web page or with the CLI): such a text is theirs
// and is never rewritten by relance.
func (s *Store) DraftEdited(ctx context.Context, id int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE draft_id = ? AND kind = `+sqlWord(domain.EventDraftEdited), id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: edits of draft %d: %w", id, err)
	}
	return n > 0, nil
}

// RewriteDraft replaces the text of a draft still waiting with relance's own
// new version of it (a formal notice re-dated for the day it goes). Unlike
// an edit, the approval stands: the letter is the same, computed for another
// day. detail says what changed and is kept in a draft_rewritten event.
func (t *Tx) RewriteDraft(id int64, subject, body, html string, detail map[string]any) error {
	res, err := t.exec(`UPDATE drafts SET subject = ?, body = ?, html = ?, updated_at = ? WHERE id = ? AND status IN `+waitingDraftsSQL,
		subject, body, html, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: rewrite draft %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: rewrite draft %d: %w", id, ErrWrongStatus)
	}
	_, err = t.AddEvent(Event{Kind: domain.EventDraftRewritten, DraftID: id, Actor: domain.ActorDaemon, Detail: EventDetail(detail)})
	return err
}

// SetClientAddress keeps the postal address an invoice gives for its
// client; the latest invoice's address wins, unless the owner typed one.
// An empty address changes nothing.
func (t *Tx) SetClientAddress(clientID int64, address string) error {
	address = strings.TrimSpace(address)
	if address == "" {
		return nil
	}
	if _, err := t.exec(`UPDATE clients SET postal_address = ?, address_source = `+sqlWord(domain.ContactFromInvoice)+`
		WHERE id = ? AND address_source <> `+sqlWord(domain.ContactFromOwner), address, clientID); err != nil {
		return fmt.Errorf("store: postal address of client %d: %w", clientID, err)
	}
	return nil
}

// Addressee is a client as a letter is addressed to it.
type Addressee struct {
	ID       int64
	Name     string
	Address  string // postal address, "" when unknown
	Language string
	Emails   []string
}

// ClientAddressee returns what a letter to the client needs.
func (s *Store) ClientAddressee(ctx context.Context, clientID int64) (Addressee, error) {
	a := Addressee{ID: clientID}
	var email string
	err := s.db.QueryRowContext(ctx, `SELECT name, email, language, postal_address FROM clients WHERE id = ?`, clientID).
		Scan(&a.Name, &email, &a.Language, &a.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: client %d: %w", clientID, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("store: client %d: %w", clientID, err)
	}
	a.Emails = []string{email}
	rows, err := s.db.QueryContext(ctx, `SELECT email FROM client_emails WHERE client_id = ? AND email <> ? ORDER BY email`, clientID, email)
	if err != nil {
		return a, fmt.Errorf("store: addresses of client %d: %w", clientID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return a, fmt.Errorf("store: addresses of client %d: %w", clientID, err)
		}
		a.Emails = append(a.Emails, e)
	}
	return a, rows.Err()
}
