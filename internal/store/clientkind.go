package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// clientByEmail finds the client one of whose addresses is email
// (ErrNotFound when none).
func (t *Tx) clientByEmail(email string) (Client, bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var c Client
	var b2c int
	err := t.queryRow(`SELECT c.id, c.name, c.email, c.domain, c.language, c.b2c FROM clients c
		WHERE c.id = (SELECT client_id FROM client_emails WHERE email = ?) OR c.email = ? ORDER BY c.id LIMIT 1`,
		email, email).Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language, &b2c)
	if errors.Is(err, sql.ErrNoRows) {
		return Client{}, false, fmt.Errorf("store: client %s: %w", email, ErrNotFound)
	}
	if err != nil {
		return Client{}, false, fmt.Errorf("store: look up client %s: %w", email, err)
	}
	return c, b2c != 0, nil
}

// SetClientKind records whether the client known by email is a business or
// a consumer: the policy reads it (a consumer owes no L441-10 penalties and
// no 40 € indemnity). The change is logged with its actor; setting the kind
// a client already has changes and logs nothing, and changed says so.
func (t *Tx) SetClientKind(email string, kind domain.ClientKind, actor domain.Actor) (c Client, changed bool, err error) {
	if !kind.Valid() {
		return Client{}, false, fmt.Errorf("store: client kind %q is neither %q nor %q", kind, domain.ClientBusiness, domain.ClientConsumer)
	}
	c, b2c, err := t.clientByEmail(email)
	if err != nil {
		return Client{}, false, err
	}
	was := domain.KindOfConsumer(b2c)
	if was == kind {
		return c, false, nil
	}
	if _, err := t.exec(`UPDATE clients SET b2c = ? WHERE id = ?`, boolInt(kind.Consumer()), c.ID); err != nil {
		return Client{}, false, fmt.Errorf("store: set kind of client %s: %w", c.Email, err)
	}
	_, err = t.AddEvent(Event{Kind: domain.EventClientKindSet, ClientID: c.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"kind": kind, "was": was})})
	return c, true, err
}
