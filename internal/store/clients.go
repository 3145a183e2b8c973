// The client aggregate: clients, what we heard from them, and the chasing view the policy decides on
// (a client with its invoices, questions, pending draft and flags).

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
	// Objection is the stock objection the reply raised (none for a
	// plain question).
	Objection domain.Objection
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
	NotBefore   time.Time // the owner's "do not chase before" (a date; zero: none)
	FlagKinds   []string  // open flags about the client as a whole
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
	// With only = 0 every client is loaded; the same statements, scoped
	// (clientScope), serve one.
	// Clients are read once each, and invoices only with the columns the
	// decision and the drafts use: this load is most of a policy pass.
	byClient := map[int64]*ChasingClient{}
	scope, args := clientScope(only, `c.id = ?`)
	crows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.email, c.domain, c.language, c.b2c, c.last_contact, c.last_inbound, c.away_until, c.not_before
		FROM clients c WHERE `+scope+` AND EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = c.id
			AND i.kind = 'invoice' AND i.state NOT IN `+settledStatesSQL+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: chasing clients: %w", err)
	}
	for crows.Next() {
		var c ChasingClient
		var b2c int
		var lastContact, lastInbound, away, notBefore sql.NullString
		if err := crows.Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language, &b2c, &lastContact, &lastInbound, &away, &notBefore); err != nil {
			crows.Close()
			return nil, fmt.Errorf("store: chasing clients: %w", err)
		}
		c.B2C, c.LastContact, c.LastInbound, c.AwayUntil = b2c != 0, parseTS(lastContact), parseTS(lastInbound), parseDate(away)
		c.NotBefore = parseDate(notBefore)
		byClient[c.ID] = &c
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, err
	}
	scope, args = clientScope(only, `i.client_id = ?`)
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.client_id, i.number, i.amount, i.balance, i.currency, i.issue_date, i.due_date,
		i.language, i.source_message_id, i.state, i.state_since, i.last_stage, i.promise_date, i.disputed_before, i.clock_from,
		i.quiet_kind, i.quiet_until, i.quiet_since,
		CASE WHEN i.quiet_kind = 'reply' THEN (SELECT MIN(m.date) FROM messages m JOIN client_emails ce ON ce.email = m.from_addr
			WHERE ce.client_id = i.client_id AND m.role IN ('inbox', 'extra') AND m.class NOT IN `+machineRepliesSQL+`
			AND m.date > i.quiet_since) END
		FROM invoices i WHERE i.kind = 'invoice' AND i.state NOT IN `+settledStatesSQL+`
		AND `+scope+` ORDER BY i.client_id, i.due_date, i.id`, args...)
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
	scope, args = clientScope(only, `client_id = ?`)
	emailRows, err := tx.QueryContext(ctx, `SELECT client_id, email FROM client_emails WHERE `+scope+` ORDER BY client_id, email`, args...)
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
	scope, args = clientScope(only, `client_id = ? OR invoice_id IN (SELECT id FROM invoices WHERE client_id = ?)`)
	flagRows, err := tx.QueryContext(ctx, `SELECT kind, COALESCE(invoice_id, 0), COALESCE(client_id, 0) FROM flags WHERE status <> `+resolvedSQL+`
		AND `+scope, args...)
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
			// A hostile reply stops contact with the client whatever
			// invoice it was about, one already paid included.
			if c := byClient[cl]; c != nil && kind == string(domain.FlagHostile) {
				c.FlagKinds = append(c.FlagKinds, kind)
			}
		} else if c := byClient[cl]; c != nil {
			c.FlagKinds = append(c.FlagKinds, kind)
		}
	}
	flagRows.Close()
	scope, args = clientScope(only, `d.client_id = ?`)
	draftRows, err := tx.QueryContext(ctx, draftSelect+` WHERE d.status IN `+waitingDraftsSQL+` AND `+scope+` ORDER BY d.id`, args...)
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
	// A question is an info_request, or any flag carrying the objection
	// its reply raised: both are answered by a draft.
	asks := func(col string) string {
		return `(` + col + `kind = ` + sqlWord(domain.FlagInfoRequest) + ` OR ` + col + `objection <> '')`
	}
	scope, args := clientScope(only, `i.client_id = ?`)
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.invoice_id, i.client_id, COALESCE(f.message_id, 0),
		COALESCE((SELECT m.date FROM messages m WHERE m.id = f.message_id), f.created_at), f.topics, f.objection
		FROM flags f JOIN invoices i ON i.id = f.invoice_id
		WHERE `+asks("f.")+` AND f.status <> `+resolvedSQL+` AND `+scope+` ORDER BY f.id`, args...)
	if err != nil {
		return fmt.Errorf("store: open questions: %w", err)
	}
	var list []questionRow
	for rows.Next() {
		var r questionRow
		if err := rows.Scan(&r.flagID, &r.invID, &r.clientID, &r.msgID, &r.created, &r.topics, &r.objection); err != nil {
			rows.Close()
			return fmt.Errorf("store: open questions: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: open questions: %w", err)
	}
	if len(list) == 0 {
		return nil
	}
	answers, err := questionAnswers(ctx, tx, only, asks(""), list)
	if err != nil {
		return err
	}
	byMessage := map[int64]*Question{}
	type ref struct {
		client int64
		q      *Question
	}
	var order []ref
	for _, r := range list {
		q := byMessage[r.msgID]
		if q == nil || r.msgID == 0 {
			q = &Question{FlagID: r.flagID, MessageID: r.msgID, AskedAt: parseTS(r.created), Topics: splitList(r.topics), Objection: r.objection}
			switch answers[r.flagID] {
			case domain.DraftHeld, domain.DraftApproved:
				q.Answer = policy.AnswerPending
			case domain.DraftCancelled:
				q.Answer = policy.AnswerCancelled
			case domain.DraftSent:
				if r.objection != domain.NoObjection {
					// The flag of a dispute outlives the answer to its
					// objection: answered once.
					q.Answer = policy.AnswerSent
				}
			}
			if r.msgID != 0 {
				byMessage[r.msgID] = q
			}
			order = append(order, ref{r.clientID, q})
		}
		q.FlagIDs = append(q.FlagIDs, r.flagID)
		q.InvoiceIDs = append(q.InvoiceIDs, r.invID)
	}
	for _, r := range order {
		if c := byClient[r.client]; c != nil {
			c.Questions = append(c.Questions, *r.q)
		}
	}
	return nil
}

// questionRow is an open question flag as loadQuestions reads it.
type questionRow struct {
	flagID, invID, clientID, msgID int64
	created                        sql.NullString
	topics                         string
	objection                      domain.Objection
}

// questionAnswers gives, for each question flag of list, the status of the
// latest draft answering it: a draft of the flag itself or of another
// question flag (whatever its status) raised by the same message. Read
// with two queries and joined here: without an index on the drafts' flag,
// a lookup per question went over every draft, and a first pass adds
// hundreds of drafts while it reads its questions again.
func questionAnswers(ctx context.Context, tx *sql.Tx, only int64, asks string, list []questionRow) (map[int64]domain.DraftStatus, error) {
	// The question flags of each message, the closed ones included.
	siblings := map[int64][]int64{}
	q := `SELECT id, message_id FROM flags WHERE ` + asks + ` AND message_id IS NOT NULL`
	var args []any
	if only != 0 {
		seen := map[int64]bool{}
		for _, r := range list {
			if r.msgID != 0 && !seen[r.msgID] {
				seen[r.msgID] = true
				args = append(args, r.msgID)
			}
		}
		if len(args) == 0 {
			q = ""
		} else {
			q += ` AND message_id IN (?` + strings.Repeat(`, ?`, len(args)-1) + `)`
		}
	}
	if q != "" {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: question flags: %w", err)
		}
		for rows.Next() {
			var id, msg int64
			if err := rows.Scan(&id, &msg); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: question flags: %w", err)
			}
			siblings[msg] = append(siblings[msg], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: question flags: %w", err)
		}
	}
	candidates := func(r questionRow) []int64 {
		if r.msgID == 0 {
			return []int64{r.flagID}
		}
		return append([]int64{r.flagID}, siblings[r.msgID]...)
	}
	// The latest draft of each of those flags.
	q = `SELECT id, flag_id, status FROM drafts WHERE flag_id IS NOT NULL`
	args = nil
	if only != 0 {
		seen := map[int64]bool{}
		for _, r := range list {
			for _, id := range candidates(r) {
				if !seen[id] {
					seen[id] = true
					args = append(args, id)
				}
			}
		}
		q = `SELECT id, flag_id, status FROM drafts WHERE flag_id IN (?` + strings.Repeat(`, ?`, len(args)-1) + `)`
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: answers of questions: %w", err)
	}
	type latest struct {
		draft  int64
		status domain.DraftStatus
	}
	byFlag := map[int64]latest{}
	for rows.Next() {
		var d, flag int64
		var st domain.DraftStatus
		if err := rows.Scan(&d, &flag, &st); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: answers of questions: %w", err)
		}
		if cur, ok := byFlag[flag]; !ok || d > cur.draft {
			byFlag[flag] = latest{d, st}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: answers of questions: %w", err)
	}
	out := make(map[int64]domain.DraftStatus, len(list))
	for _, r := range list {
		var best latest
		for _, id := range candidates(r) {
			if l, ok := byFlag[id]; ok && l.draft > best.draft {
				best = l
			}
		}
		out[r.flagID] = best.status
	}
	return out, nil
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

// EnsureClient returns the client known by email, creating it when new. A
// known client keeps its name unless it had none.
func (t *Tx) EnsureClient(email, name, language string) (Client, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return Client{}, errors.New("store: client without an email address")
	}
	c, _, err := t.clientByEmail(email)
	if err == nil {
		// Keep the address index whole even for rows written by older code.
		if _, err := t.exec(`INSERT INTO client_emails (email, client_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, email, c.ID); err != nil {
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
	if !errors.Is(err, ErrNotFound) {
		return Client{}, err
	}
	_, domain, _ := strings.Cut(email, "@")
	id, err := t.insert(`INSERT INTO clients (name, email, domain, language, created_at) VALUES (?, ?, ?, ?, ?)`,
		name, email, domain, language, ts(t.now))
	if err != nil {
		return Client{}, fmt.Errorf("store: add client %s: %w", email, err)
	}
	if _, err := t.exec(`INSERT INTO client_emails (email, client_id) VALUES (?, ?)`, email, id); err != nil {
		return Client{}, fmt.Errorf("store: add client email %s: %w", email, err)
	}
	return Client{ID: id, Name: name, Email: email, Domain: domain, Language: language}, nil
}

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
// no 40 € indemnity), and no guess from an invoice changes it afterwards.
// The change is logged with its actor; setting the kind a client already
// has, once confirmed, changes and logs nothing, and changed says so.
func (t *Tx) SetClientKind(email string, kind domain.ClientKind, actor domain.Actor) (c Client, changed bool, err error) {
	if !kind.Valid() {
		return Client{}, false, fmt.Errorf("store: client kind %q is neither %q nor %q", kind, domain.ClientBusiness, domain.ClientConsumer)
	}
	c, b2c, err := t.clientByEmail(email)
	if err != nil {
		return Client{}, false, err
	}
	was := domain.KindOfConsumer(b2c)
	var confirmed bool
	if err := t.queryRow(`SELECT kind_confirmed FROM clients WHERE id = ?`, c.ID).Scan(&confirmed); err != nil {
		return Client{}, false, fmt.Errorf("store: kind of client %s: %w", c.Email, err)
	}
	if was == kind && confirmed {
		return c, false, nil
	}
	// The owner's word: from now on no invoice's guess changes it.
	if _, err := t.exec(`UPDATE clients SET b2c = ?, kind_confirmed = 1 WHERE id = ?`, boolInt(kind.Consumer()), c.ID); err != nil {
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
	// KindConfirmed says the owner set Kind; otherwise it is the invoices'
	// guess (KindGuess, "" when they said nothing) or the default.
	KindConfirmed bool
	KindGuess     domain.ClientKind
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
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.name, c.email, c.domain, c.language, c.b2c, c.kind_confirmed, c.kind_guess,
		(SELECT COUNT(*) FROM invoices i WHERE i.client_id = c.id AND i.kind = 'invoice')
		FROM clients c
		WHERE ? = '' OR c.id = (SELECT client_id FROM client_emails WHERE email = ?) OR c.email = ?
		ORDER BY lower(c.name), c.email, c.id`, email, email, email)
	if err != nil {
		return nil, fmt.Errorf("store: clients: %w", err)
	}
	var out []ClientSummary
	at := map[int64]int{}
	for rows.Next() {
		var c ClientSummary
		var b2c int
		if err := rows.Scan(&c.ID, &c.Name, &c.Email, &c.Domain, &c.Language, &b2c, &c.KindConfirmed, &c.KindGuess, &c.Invoices); err != nil {
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

// clientScope is the condition that keeps one client's rows (cond, each of
// whose placeholders takes the client's id) or, when only is 0, every row.
// Written into the statement rather than as "(? = 0 OR col = ?)": SQLite
// uses no index through such an OR, so loading one client read every
// client's invoices, flags and questions, and the outbox loads a client
// again after each draft it makes for it.
func clientScope(only int64, cond string) (string, []any) {
	if only == 0 {
		return "1 = 1", nil
	}
	args := make([]any, strings.Count(cond, "?"))
	for i := range args {
		args[i] = only
	}
	return "(" + cond + ")", args
}
