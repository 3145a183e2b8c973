// The client's file: phone numbers found or typed, the kind an invoice
// suggests until the owner confirms one, the owner's "do not chase before",
// postal address and notes.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
)

// ErrBadPhone is returned for a phone number relance cannot read.
var ErrBadPhone = errors.New("store: not a phone number (French, British, or with its +country code)")

// ErrNoSuchPhone is returned when removing a number the client does not have.
var ErrNoSuchPhone = errors.New("store: no such phone number")

// ClientPhone is one phone number of a client.
type ClientPhone struct {
	ID        int64
	Number    string // as written
	Norm      string // international form
	Ext       string
	Kind      domain.ContactKind
	Source    domain.ContactSource
	MessageID int64 // the mail it was found in (0: typed by the owner)
	SeenAt    time.Time
}

// Display is the number as a person reads it, with its extension.
func (p ClientPhone) Display() string {
	return contact.Phone{Number: p.Number, Ext: p.Ext}.Display()
}

// FoundPhones records the phone numbers found in a mail about the client
// (an invoice's buyer block, the client's own reply). A number already
// known is only seen again; one the owner removed is not brought back.
func (t *Tx) FoundPhones(clientID int64, source domain.ContactSource, messageID int64, at time.Time, phones []contact.Phone) error {
	for _, p := range phones {
		var removed int
		err := t.queryRow(`SELECT removed FROM client_phones WHERE client_id = ? AND norm = ?`, clientID, p.Norm).Scan(&removed)
		switch {
		case err == nil:
			if removed != 0 {
				continue
			}
			if _, err := t.exec(`UPDATE client_phones SET seen_at = ? WHERE client_id = ? AND norm = ? AND seen_at < ?`,
				ts(at), clientID, p.Norm, ts(at)); err != nil {
				return fmt.Errorf("store: phone of client %d: %w", clientID, err)
			}
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: phone of client %d: %w", clientID, err)
		}
		if _, err := t.exec(`INSERT INTO client_phones (client_id, number, norm, ext, kind, source, message_id, seen_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, clientID, p.Number, p.Norm, p.Ext, p.Kind, source, nullID(messageID), ts(at)); err != nil {
			return fmt.Errorf("store: phone of client %d: %w", clientID, err)
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventClientPhoneAdded, At: at, ClientID: clientID, MessageID: messageID, Actor: domain.ActorDaemon,
			Detail: EventDetail(map[string]any{"number": p.Display(), "norm": p.Norm, "kind": p.Kind, "source": source})}); err != nil {
			return err
		}
	}
	return nil
}

// FoundPhonesOf records the phone numbers a client gave in a mail it sent
// from one of its addresses; a sender that is no client gives none (a
// colleague's number is not the client's until the owner says so).
func (t *Tx) FoundPhonesOf(email string, source domain.ContactSource, messageID int64, at time.Time, phones []contact.Phone) error {
	c, _, err := t.clientByEmail(email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return t.FoundPhones(c.ID, source, messageID, at, phones)
}

// FoundAddressOf keeps the postal address a client gave in the signature
// of a mail it sent from one of its addresses, while its file has none: an
// invoice's buyer address (the one letters are sent to) and the owner's
// come first.
func (t *Tx) FoundAddressOf(email string, messageID int64, at time.Time, address string) error {
	address = strings.TrimSpace(address)
	if address == "" {
		return nil
	}
	c, _, err := t.clientByEmail(email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE clients SET postal_address = ?, address_source = ? WHERE id = ? AND postal_address = ''`,
		address, domain.ContactFromSignature, c.ID)
	if err != nil {
		return fmt.Errorf("store: address of client %s: %w", c.Email, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = t.AddEvent(Event{Kind: domain.EventClientFileSet, At: at, ClientID: c.ID, MessageID: messageID, Actor: domain.ActorDaemon,
		Detail: EventDetail(map[string]any{"address": address, "source": domain.ContactFromSignature})})
	return err
}

// ClientPhones lists the client's phone numbers, the ones to call first
// (owner's, then most recently seen), faxes last; removed ones left out.
func (s *Store) ClientPhones(ctx context.Context, clientID int64) ([]ClientPhone, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, number, norm, ext, kind, source, COALESCE(message_id, 0), seen_at FROM client_phones
		WHERE client_id = ? AND removed = 0
		ORDER BY kind = 'fax', source <> 'owner', seen_at DESC, id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("store: phones of client %d: %w", clientID, err)
	}
	defer rows.Close()
	var out []ClientPhone
	for rows.Next() {
		var p ClientPhone
		var seen sql.NullString
		if err := rows.Scan(&p.ID, &p.Number, &p.Norm, &p.Ext, &p.Kind, &p.Source, &p.MessageID, &seen); err != nil {
			return nil, fmt.Errorf("store: phones of client %d: %w", clientID, err)
		}
		p.SeenAt = parseTS(seen)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetKindGuess keeps the kind an invoice suggests for its client. Until the
// owner confirms a kind, the guess is what the policy reads: a client
// guessed a consumer is treated as one (no L441-10 penalties, no 40 €
// indemnity: claiming them of a private person is the error that cannot be
// taken back, leaving them out of a business's letter can be mended by the
// owner's confirmation). A confirmed kind never changes here.
func (t *Tx) SetKindGuess(clientID int64, g contact.Guess) error {
	if g.Kind == "" {
		return nil
	}
	why, _ := json.Marshal(map[string]string{"fr": g.WhyFR, "en": g.WhyEN})
	var was domain.ClientKind
	var confirmed int
	if err := t.queryRow(`SELECT kind_guess, kind_confirmed FROM clients WHERE id = ?`, clientID).Scan(&was, &confirmed); err != nil {
		return fmt.Errorf("store: kind guess of client %d: %w", clientID, err)
	}
	q := `UPDATE clients SET kind_guess = ?, kind_guess_why = ? WHERE id = ?`
	args := []any{g.Kind, string(why), clientID}
	if confirmed == 0 {
		q = `UPDATE clients SET kind_guess = ?, kind_guess_why = ?, b2c = ? WHERE id = ?`
		args = []any{g.Kind, string(why), boolInt(g.Kind.Consumer()), clientID}
	}
	if _, err := t.exec(q, args...); err != nil {
		return fmt.Errorf("store: kind guess of client %d: %w", clientID, err)
	}
	if was == g.Kind || confirmed != 0 {
		return nil
	}
	_, err := t.AddEvent(Event{Kind: domain.EventClientKindGuessed, ClientID: clientID, Actor: domain.ActorDaemon,
		Detail: EventDetail(map[string]any{"kind": g.Kind, "why_fr": g.WhyFR, "why_en": g.WhyEN})})
	return err
}

// ClientFileChange is what the owner corrects in a client's file; nil
// fields are left as they are.
type ClientFileChange struct {
	AddPhones    []string // as typed: "06 12 34 56 78", "+44 161 496 0000 ext 12"
	RemovePhones []string // as typed or in international form
	Address      *string
	// NotBefore: no reminder, call or notice before this date (zero clears it).
	NotBefore *time.Time
	Notes     *string
}

// UpdateClientFile applies the owner's corrections to the file of the
// client known by email, each logged with its actor. The web page and
// `relance clients set` both call it. A number to remove that the client
// does not have is ErrNoSuchPhone; one that cannot be read is ErrBadPhone.
func (t *Tx) UpdateClientFile(email string, ch ClientFileChange, actor domain.Actor) (Client, error) {
	c, _, err := t.clientByEmail(email)
	if err != nil {
		return Client{}, err
	}
	for _, raw := range ch.AddPhones {
		ps := contact.Phones(raw)
		if len(ps) != 1 {
			return c, fmt.Errorf("%w: %q", ErrBadPhone, raw)
		}
		p := ps[0]
		if _, err := t.exec(`INSERT INTO client_phones (client_id, number, norm, ext, kind, source, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (client_id, norm) DO UPDATE SET number = excluded.number, ext = excluded.ext, kind = excluded.kind,
			source = excluded.source, seen_at = excluded.seen_at, removed = 0`,
			c.ID, p.Number, p.Norm, p.Ext, p.Kind, domain.ContactFromOwner, ts(t.now)); err != nil {
			return c, fmt.Errorf("store: add phone of client %s: %w", c.Email, err)
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventClientPhoneAdded, ClientID: c.ID, Actor: actor,
			Detail: EventDetail(map[string]any{"number": p.Display(), "norm": p.Norm, "kind": p.Kind, "source": domain.ContactFromOwner})}); err != nil {
			return c, err
		}
	}
	for _, raw := range ch.RemovePhones {
		norm, ok := contact.Normalize(raw)
		if !ok {
			return c, fmt.Errorf("%w: %q", ErrBadPhone, raw)
		}
		var number string
		err := t.queryRow(`SELECT number FROM client_phones WHERE client_id = ? AND norm = ? AND removed = 0`, c.ID, norm).Scan(&number)
		if errors.Is(err, sql.ErrNoRows) {
			return c, fmt.Errorf("%w: client %s has no phone %s", ErrNoSuchPhone, c.Email, raw)
		}
		if err != nil {
			return c, fmt.Errorf("store: remove phone of client %s: %w", c.Email, err)
		}
		if _, err := t.exec(`UPDATE client_phones SET removed = 1 WHERE client_id = ? AND norm = ?`, c.ID, norm); err != nil {
			return c, fmt.Errorf("store: remove phone of client %s: %w", c.Email, err)
		}
		if _, err := t.AddEvent(Event{Kind: domain.EventClientPhoneRemoved, ClientID: c.ID, Actor: actor,
			Detail: EventDetail(map[string]any{"number": number, "norm": norm})}); err != nil {
			return c, err
		}
	}
	detail := map[string]any{}
	if ch.Address != nil {
		a := strings.TrimSpace(*ch.Address)
		src := domain.ContactFromOwner
		if a == "" {
			src = "" // cleared: the next address found fills it
		}
		if _, err := t.exec(`UPDATE clients SET postal_address = ?, address_source = ? WHERE id = ?`, a, src, c.ID); err != nil {
			return c, fmt.Errorf("store: address of client %s: %w", c.Email, err)
		}
		detail["address"] = a
	}
	if ch.NotBefore != nil {
		if _, err := t.exec(`UPDATE clients SET not_before = ? WHERE id = ?`, nullDate(*ch.NotBefore), c.ID); err != nil {
			return c, fmt.Errorf("store: do-not-chase date of client %s: %w", c.Email, err)
		}
		detail["not_before"] = ""
		if !ch.NotBefore.IsZero() {
			detail["not_before"] = ch.NotBefore.Format(dateLayout)
		}
	}
	if ch.Notes != nil {
		n := strings.TrimSpace(*ch.Notes)
		if _, err := t.exec(`UPDATE clients SET notes = ? WHERE id = ?`, n, c.ID); err != nil {
			return c, fmt.Errorf("store: notes of client %s: %w", c.Email, err)
		}
		detail["notes"] = n
	}
	if len(detail) > 0 {
		if _, err := t.AddEvent(Event{Kind: domain.EventClientFileSet, ClientID: c.ID, Actor: actor, Detail: EventDetail(detail)}); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ClientFile is everything the client's page shows beside its history.
type ClientFile struct {
	ClientSummary
	Emails        []string
	Phones        []ClientPhone
	Address       string
	AddressSource domain.ContactSource // "" when no address is known
	// GuessWhy is why the invoices suggest KindGuess, by language.
	GuessWhy  map[string]string
	NotBefore time.Time // zero when none
	Notes     string
}

// ClientFileByID reads the client's file as of today.
func (s *Store) ClientFileByID(ctx context.Context, clientID int64, today time.Time) (ClientFile, error) {
	var email string
	if err := s.db.QueryRowContext(ctx, `SELECT email FROM clients WHERE id = ?`, clientID).Scan(&email); errors.Is(err, sql.ErrNoRows) {
		return ClientFile{}, fmt.Errorf("store: client %d: %w", clientID, ErrNotFound)
	} else if err != nil {
		return ClientFile{}, fmt.Errorf("store: client %d: %w", clientID, err)
	}
	sum, err := s.ClientSummaryByEmail(ctx, email, today)
	if err != nil {
		return ClientFile{}, err
	}
	f := ClientFile{ClientSummary: sum}
	var why string
	var notBefore sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT postal_address, address_source, kind_guess_why, not_before, notes
		FROM clients WHERE id = ?`, clientID).Scan(&f.Address, &f.AddressSource, &why, &notBefore, &f.Notes)
	if err != nil {
		return f, fmt.Errorf("store: file of client %d: %w", clientID, err)
	}
	_ = json.Unmarshal([]byte(why), &f.GuessWhy)
	f.NotBefore = parseDate(notBefore)
	a, err := s.ClientAddressee(ctx, clientID)
	if err != nil {
		return f, err
	}
	f.Emails = a.Emails
	f.Phones, err = s.ClientPhones(ctx, clientID)
	return f, err
}
