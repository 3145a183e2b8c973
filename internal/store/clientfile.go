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

// ClientSummary is one client as the clients list shows it.
type ClientSummary struct {
	Client
	Kind domain.ClientKind
	// Invoices counts the client's invoices (credit notes aside), whatever
	// their state.
	Invoices int
	// Overdue sums, per currency, the balances still owed past their due
	// date.
	Overdue []CurrencyAmount
}

// ClientSummaries lists every client by name then address, as of today
// (the business's calendar date).
func (s *Store) ClientSummaries(ctx context.Context, today time.Time) ([]ClientSummary, error) {
	return s.clientSummaries(ctx, today, "")
}

// ClientSummaryByEmail finds the client one of whose addresses is email
// (ErrNotFound when none).
func (s *Store) ClientSummaryByEmail(ctx context.Context, email string, today time.Time) (ClientSummary, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	cs, err := s.clientSummaries(ctx, today, email)
	if err != nil {
		return ClientSummary{}, err
	}
	if len(cs) == 0 {
		return ClientSummary{}, fmt.Errorf("store: client %s: %w", email, ErrNotFound)
	}
	return cs[0], nil
}

// clientSummaries reads the clients, only the one known by email when it
// is not empty.
func (s *Store) clientSummaries(ctx context.Context, today time.Time, email string) ([]ClientSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.name, c.email, c.domain, c.language, c.b2c,
		(SELECT COUNT(*) FROM invoices i WHERE i.client_id = c.id AND i.kind = 'invoice')
		FROM clients c
		WHERE ? = '' OR c.id = (SELECT client_id FROM client_emails WHERE email = ?) OR c.email = ?
		ORDER BY c.name COLLATE NOCASE, c.email, c.id`, email, email, email)
	if err != nil {
		return nil, fmt.Errorf("store: clients: %w", err)
	}
	var out []ClientSummary
	at := map[int64]int{}
	for rows.Next() {
		var c ClientSummary
		var b2c int
		if err := rows.Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language, &b2c, &c.Invoices); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: clients: %w", err)
		}
		c.Kind = domain.KindOfConsumer(b2c != 0)
		at[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: clients: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// Overdue as the overview counts it: unsettled invoices with a balance,
	// due before today.
	rows, err = s.db.QueryContext(ctx, `SELECT client_id, currency, balance FROM invoices
		WHERE kind = 'invoice' AND state NOT IN `+settledStatesSQL+` AND due_date IS NOT NULL AND due_date < ?`,
		today.Format(dateLayout))
	if err != nil {
		return nil, fmt.Errorf("store: clients: overdue: %w", err)
	}
	defer rows.Close()
	overdue := map[int64]map[string]*CurrencyAmount{}
	for rows.Next() {
		var id int64
		var cur, bal string
		if err := rows.Scan(&id, &cur, &bal); err != nil {
			return nil, fmt.Errorf("store: clients: overdue: %w", err)
		}
		b, err := decimal.NewFromString(bal)
		if _, ok := at[id]; !ok || err != nil || !b.IsPositive() {
			continue
		}
		if overdue[id] == nil {
			overdue[id] = map[string]*CurrencyAmount{}
		}
		addTo(overdue[id], cur, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: clients: overdue: %w", err)
	}
	for id, m := range overdue {
		out[at[id]].Overdue = sortedAmounts(m)
	}
	return out, nil
}
