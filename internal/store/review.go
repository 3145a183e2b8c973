package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Review use cases: what the review page (and the CLI beside it) reads and
// decides. Every decision is one transaction that changes the current state
// and appends the event saying who did it and why.

// ErrHoldNotOver refuses an approval before the draft's hold ends when no
// override reason was given.
var ErrHoldNotOver = errors.New("store: the hold has not ended yet")

// ErrWrongStatus is returned when a draft or flag is no longer in a status
// the action applies to (someone else acted first, or the daemon did).
var ErrWrongStatus = errors.New("store: not in a status this action applies to")

// BucketOf returns the aging bucket of an invoice due on due, seen on today
// (both calendar dates; a zero due date counts as current).
func BucketOf(due, today time.Time) (bucket domain.Bucket, daysLate int) {
	if due.IsZero() {
		return domain.BucketCurrent, 0
	}
	d := daysBetween(due, today)
	return domain.BucketOf(d), d
}

func daysBetween(from, to time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// bucketRange gives the due dates (inclusive bounds, "" when open) of a
// bucket seen on today, so the bucket filter runs in SQL.
func bucketRange(bucket domain.Bucket, today time.Time) (from, to string, ok bool) {
	first, last, ok := bucket.Bounds()
	if !ok {
		return "", "", false
	}
	if last != math.MaxInt {
		from = today.AddDate(0, 0, -last).Format(dateLayout)
	}
	if first != math.MinInt {
		to = today.AddDate(0, 0, -first).Format(dateLayout)
	}
	return from, to, true
}

// bucketBounds classifies due dates as text ("YYYY-MM-DD" sorts like the
// date), which keeps the totals scan free of date parsing: from[i] is the
// earliest due date of domain.Buckets[i] (the last bucket takes the rest).
type bucketBounds struct{ from []string }

func newBucketBounds(today time.Time) bucketBounds {
	var b bucketBounds
	for _, days := range domain.BucketLimits() {
		b.from = append(b.from, today.AddDate(0, 0, -days).Format(dateLayout))
	}
	return b
}

func (b bucketBounds) bucket(due string) domain.Bucket {
	if due == "" {
		return domain.Buckets[0]
	}
	for i, from := range b.from {
		if due >= from {
			return domain.Buckets[i]
		}
	}
	return domain.Buckets[len(domain.Buckets)-1]
}

// CurrencyAmount is a sum of money in one currency.
type CurrencyAmount struct {
	Currency string
	Amount   decimal.Decimal
	Count    int
}

// Overview is the head of the review page.
type Overview struct {
	Overdue     []CurrencyAmount // balances past due, per currency
	Outstanding []CurrencyAmount // every balance still owed, per currency
	DraftsHeld  int              // drafts waiting for a decision
	DraftsReady int              // of which the hold has ended
	FlagsOpen   int              // flags nobody has looked at
	FlagsSeen   int              // acknowledged, not yet resolved
}

// Overview sums what is owed and counts what waits, as of now (today is
// the business's calendar date).
func (s *Store) Overview(ctx context.Context, now, today time.Time) (Overview, error) {
	var o Overview
	rows, err := s.db.QueryContext(ctx, `SELECT currency, balance, COALESCE(due_date, '') FROM invoices
		WHERE kind = 'invoice' AND state NOT IN `+settledStatesSQL)
	if err != nil {
		return o, fmt.Errorf("store: overview: %w", err)
	}
	overdue := map[string]*CurrencyAmount{}
	owed := map[string]*CurrencyAmount{}
	todayS := today.Format(dateLayout)
	for rows.Next() {
		var cur, bal, due string
		if err := rows.Scan(&cur, &bal, &due); err != nil {
			rows.Close()
			return o, fmt.Errorf("store: overview: %w", err)
		}
		b, err := decimal.NewFromString(bal)
		if err != nil || !b.IsPositive() {
			continue
		}
		addTo(owed, cur, b)
		if due != "" && due < todayS {
			addTo(overdue, cur, b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, fmt.Errorf("store: overview: %w", err)
	}
	o.Overdue, o.Outstanding = sortedAmounts(overdue), sortedAmounts(owed)
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(hold_until <= ?), 0) FROM drafts WHERE status = `+sqlWord(domain.DraftHeld), ts(now)).
		Scan(&o.DraftsHeld, &o.DraftsReady)
	if err != nil {
		return o, fmt.Errorf("store: overview drafts: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(status = `+sqlWord(domain.FlagOpen)+`), 0), COALESCE(SUM(status = `+sqlWord(domain.FlagAcknowledged)+`), 0) FROM flags`).
		Scan(&o.FlagsOpen, &o.FlagsSeen)
	if err != nil {
		return o, fmt.Errorf("store: overview flags: %w", err)
	}
	return o, nil
}

func addTo(m map[string]*CurrencyAmount, cur string, amt decimal.Decimal) {
	c := m[cur]
	if c == nil {
		c = &CurrencyAmount{Currency: cur}
		m[cur] = c
	}
	c.Amount = c.Amount.Add(amt)
	c.Count++
}

func sortedAmounts(m map[string]*CurrencyAmount) []CurrencyAmount {
	out := make([]CurrencyAmount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// AgingFilter narrows the aging table. Zero values match every invoice
// still owed.
type AgingFilter struct {
	Today    time.Time     // the business's calendar date
	Search   string        // number, client name or address (substring, any case)
	Bucket   domain.Bucket // one of domain.Buckets, or "" for all
	Currency string        // "" for all
	// Settled includes paid, cancelled and written-off invoices in the rows
	// (the totals always count only what is still owed).
	Settled bool
	Offset  int
	Limit   int // rows returned; 0 means 100
}

// AgingRow is one invoice of the aging table.
type AgingRow struct {
	Invoice
	Bucket   domain.Bucket
	DaysLate int
}

// AgingTotal is one currency's line of totals.
type AgingTotal struct {
	Currency string
	Buckets  []decimal.Decimal // in the order of domain.Buckets
	Total    decimal.Decimal
}

// AgingReport is the aging table: totals of every matching invoice still
// owed, and one page of rows.
type AgingReport struct {
	Totals  []AgingTotal
	Rows    []AgingRow
	Matched int // rows matching the filter, across pages
}

// Aging builds the aging table. Totals ignore the bucket filter so the
// five columns always show; rows honour it.
func (s *Store) Aging(ctx context.Context, f AgingFilter) (AgingReport, error) {
	var rep AgingReport
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	where := ` WHERE i.kind = 'invoice'`
	var args []any
	if f.Search != "" {
		like := "%" + strings.ToLower(strings.TrimSpace(f.Search)) + "%"
		where += ` AND (lower(i.number) LIKE ? OR lower(c.name) LIKE ? OR c.email LIKE ?)`
		args = append(args, like, like, like)
	}
	if f.Currency != "" {
		where += ` AND i.currency = ?`
		args = append(args, f.Currency)
	}
	// Totals and the count, from a light scan of the matching invoices.
	rows, err := s.db.QueryContext(ctx, `SELECT i.currency, i.balance, COALESCE(i.due_date, ''), i.state
		FROM invoices i JOIN clients c ON c.id = i.client_id`+where, args...)
	if err != nil {
		return rep, fmt.Errorf("store: aging: %w", err)
	}
	totals := map[string]*AgingTotal{}
	bounds := newBucketBounds(f.Today)
	for rows.Next() {
		var cur, bal, due string
		var state domain.State
		if err := rows.Scan(&cur, &bal, &due, &state); err != nil {
			rows.Close()
			return rep, fmt.Errorf("store: aging: %w", err)
		}
		settled := state.Settled()
		bucket := bounds.bucket(due)
		if (!settled || f.Settled) && (f.Bucket == "" || f.Bucket == bucket) {
			rep.Matched++
		}
		b, err := decimal.NewFromString(bal)
		if settled || err != nil || !b.IsPositive() {
			continue
		}
		t := totals[cur]
		if t == nil {
			t = &AgingTotal{Currency: cur, Buckets: make([]decimal.Decimal, len(domain.Buckets))}
			totals[cur] = t
		}
		for i, name := range domain.Buckets {
			if name == bucket {
				t.Buckets[i] = t.Buckets[i].Add(b)
			}
		}
		t.Total = t.Total.Add(b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("store: aging: %w", err)
	}
	for _, t := range totals {
		rep.Totals = append(rep.Totals, *t)
	}
	sort.Slice(rep.Totals, func(i, j int) bool { return rep.Totals[i].Currency < rep.Totals[j].Currency })

	// One page of full rows, the oldest debt first.
	if !f.Settled {
		where += ` AND i.state NOT IN ` + settledStatesSQL
	}
	if f.Bucket != "" {
		from, to, ok := bucketRange(f.Bucket, f.Today)
		if !ok {
			return rep, fmt.Errorf("store: aging: unknown bucket %q", f.Bucket)
		}
		if f.Bucket == domain.BucketCurrent {
			where += ` AND (i.due_date IS NULL OR i.due_date >= ?)`
			args = append(args, from)
		} else {
			if from != "" {
				where += ` AND i.due_date >= ?`
				args = append(args, from)
			}
			where += ` AND i.due_date <= ?`
			args = append(args, to)
		}
	}
	q := invoiceSelect + where + ` ORDER BY i.due_date IS NULL, i.due_date, i.id LIMIT ? OFFSET ?`
	args = append(args, f.Limit, f.Offset)
	page, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return rep, fmt.Errorf("store: aging rows: %w", err)
	}
	defer page.Close()
	for page.Next() {
		inv, err := scanInvoice(page)
		if err != nil {
			return rep, fmt.Errorf("store: aging rows: %w", err)
		}
		bucket, days := BucketOf(inv.DueDate, f.Today)
		rep.Rows = append(rep.Rows, AgingRow{Invoice: inv, Bucket: bucket, DaysLate: days})
	}
	return rep, page.Err()
}

// InvoiceByID loads one invoice.
func (s *Store) InvoiceByID(ctx context.Context, id int64) (Invoice, error) {
	inv, err := scanInvoice(s.db.QueryRowContext(ctx, invoiceSelect+` WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, err)
	}
	return inv, nil
}

// InvoicesOfClient lists a client's invoices, oldest due date first.
func (s *Store) InvoicesOfClient(ctx context.Context, clientID int64) ([]Invoice, error) {
	return s.listInvoices(ctx, fmt.Sprintf("invoices of client %d", clientID),
		invoiceSelect+` WHERE i.client_id = ? ORDER BY i.due_date IS NULL, i.due_date, i.id`, clientID)
}

// TimelineEntry is an event with what the page shows beside it: the mail it
// came from and the draft it concerns.
type TimelineEntry struct {
	Event
	InvoiceNumber string
	Message       Message // zero when the event has no message
	DraftStage    string
	DraftSubject  string
}

const timelineSelect = `SELECT e.id, e.at, e.kind, COALESCE(e.invoice_id, 0), COALESCE(e.client_id, 0), COALESCE(e.message_id, 0),
	COALESCE(e.draft_id, 0), COALESCE(e.flag_id, 0), e.actor, e.detail, COALESCE(i.number, ''),
	COALESCE(m.from_addr, ''), COALESCE(m.subject, ''), m.date, COALESCE(m.class, ''),
	COALESCE(d.stage, ''), COALESCE(d.subject, '')
	FROM events e LEFT JOIN invoices i ON i.id = e.invoice_id LEFT JOIN messages m ON m.id = e.message_id
	LEFT JOIN drafts d ON d.id = e.draft_id`

func (s *Store) timeline(ctx context.Context, q string, args ...any) ([]TimelineEntry, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at, mdate sql.NullString
		var detail string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.InvoiceID, &e.ClientID, &e.MessageID, &e.DraftID, &e.FlagID, &e.Actor,
			&detail, &e.InvoiceNumber, &e.Message.From, &e.Message.Subject, &mdate, &e.Message.Class,
			&e.DraftStage, &e.DraftSubject); err != nil {
			return nil, err
		}
		e.At, e.Message.Date = parseTS(at), parseTS(mdate)
		e.Message.ID = e.MessageID
		e.Detail = json.RawMessage(detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Timeline lists everything that happened to an invoice, oldest first:
// discovery, replies, drafts and their fate, payments, flags. Events from
// mail carry the mail's date, so the order is by time, then by record.
func (s *Store) Timeline(ctx context.Context, invoiceID int64) ([]TimelineEntry, error) {
	out, err := s.timeline(ctx, timelineSelect+` WHERE e.invoice_id = ?
		OR (e.invoice_id IS NULL AND e.draft_id IN (SELECT draft_id FROM draft_invoices WHERE invoice_id = ?))
		OR (e.invoice_id IS NULL AND e.flag_id IN (SELECT id FROM flags WHERE invoice_id = ?))
		ORDER BY e.at, e.id`, invoiceID, invoiceID, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: timeline of invoice %d: %w", invoiceID, err)
	}
	return out, nil
}

// ClientHistory lists the latest events about a client and its invoices,
// newest first.
func (s *Store) ClientHistory(ctx context.Context, clientID int64, limit int) ([]TimelineEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	out, err := s.timeline(ctx, timelineSelect+` WHERE e.client_id = ? OR e.invoice_id IN (SELECT id FROM invoices WHERE client_id = ?)
		ORDER BY e.at DESC, e.id DESC LIMIT ?`, clientID, clientID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: history of client %d: %w", clientID, err)
	}
	return out, nil
}

// FlagDetail is a flag with the mail that raised it.
type FlagDetail struct {
	Flag
	Message   Message // zero when the flag was not raised by a mail
	FromName  string  // the sender's display name, when recorded
	ReplyText string  // the stripped reply, when recorded
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

// Flag loads one flag with its message.
func (s *Store) Flag(ctx context.Context, id int64) (FlagDetail, error) {
	var f FlagDetail
	var ev string
	var created, resolved, mdate sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT f.id, f.kind, COALESCE(f.invoice_id, 0), COALESCE(i.number, ''), COALESCE(c.id, 0),
		COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(f.message_id, 0), f.evidence, f.status, f.resolution,
		f.created_at, f.resolved_at, COALESCE(m.folder, ''), COALESCE(m.from_addr, ''), COALESCE(m.subject, ''), m.date,
		COALESCE(m.class, ''), COALESCE(m.message_id, ''), COALESCE(m.from_name, ''), COALESCE(m.body_text, '')
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id
		LEFT JOIN clients c ON c.id = COALESCE(f.client_id, i.client_id)
		LEFT JOIN messages m ON m.id = f.message_id WHERE f.id = ?`, id).Scan(
		&f.ID, &f.Kind, &f.InvoiceID, &f.InvoiceNum, &f.ClientID, &f.ClientName, &f.ClientEmail, &f.MessageID, &ev,
		&f.Status, &f.Resolution, &created, &resolved, &f.Message.Folder, &f.Message.From, &f.Message.Subject, &mdate,
		&f.Message.Class, &f.Message.MessageID, &f.FromName, &f.ReplyText)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: flag %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("store: flag %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
		f.Evidence = []string{ev}
	}
	f.CreatedAt, f.ResolvedAt, f.Message.Date = parseTS(created), parseTS(resolved), parseTS(mdate)
	f.Message.ID = f.MessageID
	return f, nil
}

// AcknowledgeFlag records that a human has seen an open flag. Chasing stays
// paused until it is resolved.
func (t *Tx) AcknowledgeFlag(id int64, actor domain.Actor, note string) error {
	return t.setFlagStatus(id, domain.FlagAcknowledged, []domain.FlagStatus{domain.FlagOpen}, actor, note)
}

// ResolveFlag closes a flag with the human's note. The invoice's own state
// is left as it is: resuming or stopping the chase is a separate decision.
func (t *Tx) ResolveFlag(id int64, actor domain.Actor, note string) error {
	return t.setFlagStatus(id, domain.FlagResolved, []domain.FlagStatus{domain.FlagOpen, domain.FlagAcknowledged}, actor, note)
}

// FollowUp is what a human decides for a flag's invoice when resolving the
// flag (the command line's --then, the web form's "after").
type FollowUp string

// Follow-ups of a resolved flag.
const (
	FollowKeep   FollowUp = "keep"   // the invoice stays as it is
	FollowResume FollowUp = "resume" // chasing resumes (ResumeChasing)
	FollowStop   FollowUp = "stop"   // chasing stops until resumed (StopChasing)
)

// ParseFollowUp reads a follow-up; the empty string keeps the invoice as it
// is.
func ParseFollowUp(s string) (FollowUp, error) {
	switch f := FollowUp(s); f {
	case "":
		return FollowKeep, nil
	case FollowKeep, FollowResume, FollowStop:
		return f, nil
	}
	return "", fmt.Errorf("store: follow-up %q: want keep, resume or stop", s)
}

// ResolveFlagThen resolves a flag and then resumes or stops the chasing of
// its invoice, as one decision: when the invoice cannot follow (resuming an
// invoice already chased, stopping a settled one), the error wraps
// ErrWrongStatus and, the transaction being rolled back, the flag stays
// open for the human to decide again. A flag without an invoice only
// resolves. The web page and the command line both call it.
func (t *Tx) ResolveFlagThen(id int64, actor domain.Actor, note string, then FollowUp) error {
	if err := t.ResolveFlag(id, actor, note); err != nil {
		return err
	}
	var inv int64
	if err := t.queryRow(`SELECT COALESCE(invoice_id, 0) FROM flags WHERE id = ?`, id).Scan(&inv); err != nil {
		return fmt.Errorf("store: flag %d: %w", id, err)
	}
	switch {
	case inv == 0 || then == FollowKeep:
		return nil
	case then == FollowResume:
		return t.ResumeChasing(inv, actor, note)
	case then == FollowStop:
		return t.StopChasing(inv, actor, note)
	}
	return fmt.Errorf("store: flag %d: unknown follow-up %q", id, then)
}

func (t *Tx) setFlagStatus(id int64, status domain.FlagStatus, from []domain.FlagStatus, actor domain.Actor, note string) error {
	var cur domain.FlagStatus
	var inv, client sql.NullInt64
	err := t.queryRow(`SELECT status, invoice_id, client_id FROM flags WHERE id = ?`, id).Scan(&cur, &inv, &client)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: flag %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: flag %d: %w", id, err)
	}
	ok := false
	for _, f := range from {
		ok = ok || f == cur
	}
	if !ok {
		return fmt.Errorf("store: flag %d is %s: %w", id, cur, ErrWrongStatus)
	}
	q := `UPDATE flags SET status = ? WHERE id = ?`
	args := []any{status, id}
	if status == domain.FlagResolved {
		q = `UPDATE flags SET status = ?, resolution = ?, resolved_at = ? WHERE id = ?`
		args = []any{status, note, ts(t.now), id}
	}
	if _, err := t.exec(q, args...); err != nil {
		return fmt.Errorf("store: set flag %d %s: %w", id, status, err)
	}
	_, err = t.AddEvent(Event{Kind: status.Event(), InvoiceID: inv.Int64, ClientID: client.Int64, FlagID: id, Actor: actor,
		Detail: EventDetail(map[string]any{"note": note, "from": cur})})
	return err
}

// chasingStates are the states from which a human may resume chasing.
var resumableStates = []domain.State{domain.StateOnHold, domain.StateDisputed, domain.StatePaidClaimed, domain.StatePromised}

// ResumeChasing puts an invoice paused by a reply or by the user back on
// the ladder. Open flags on it still pause chasing until resolved.
func (t *Tx) ResumeChasing(invoiceID int64, actor domain.Actor, reason string) error {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return err
	}
	ok := false
	for _, s := range resumableStates {
		ok = ok || s == inv.State
	}
	// A cancelled draft's "until when?" is lifted by resuming too.
	lifted, err := t.LiftQuiet(invoiceID, actor, reason)
	if err != nil {
		return err
	}
	if lifted && !ok {
		return nil
	}
	if !ok {
		return fmt.Errorf("store: invoice %s is %s: %w", inv.Number, inv.State, ErrWrongStatus)
	}
	if err := t.SetInvoiceState(invoiceID, domain.StateOpen); err != nil {
		return err
	}
	_, err = t.AddEvent(Event{Kind: domain.EventChasingResumed, InvoiceID: invoiceID, ClientID: inv.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"from": inv.State, "reason": reason})})
	return err
}

// StopChasing puts an invoice on hold until a human resumes it, and retires
// the drafts waiting about it.
func (t *Tx) StopChasing(invoiceID int64, actor domain.Actor, reason string) error {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return err
	}
	if inv.State.Settled() || inv.State == domain.StateOnHold {
		return fmt.Errorf("store: invoice %s is %s: %w", inv.Number, inv.State, ErrWrongStatus)
	}
	if err := t.SetInvoiceState(invoiceID, domain.StateOnHold); err != nil {
		return err
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventChasingStopped, InvoiceID: invoiceID, ClientID: inv.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"from": inv.State, "reason": reason})}); err != nil {
		return err
	}
	return t.supersedeDraftsOf(invoiceID, actor)
}

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

// FlagsOfInvoice lists the flags raised about an invoice, newest first.
func (s *Store) FlagsOfInvoice(ctx context.Context, invoiceID int64) ([]Flag, error) {
	all, err := s.flagsWhere(ctx, `f.invoice_id = ?`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: flags of invoice %d: %w", invoiceID, err)
	}
	return all, nil
}

// flagsWhere lists the flags that cond (an SQL condition on f, or "" for
// all) keeps, newest first.
func (s *Store) flagsWhere(ctx context.Context, cond string, args ...any) ([]Flag, error) {
	if cond != "" {
		cond = ` WHERE ` + cond
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.kind, COALESCE(f.invoice_id, 0), COALESCE(i.number, ''), COALESCE(c.id, 0),
		COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(f.message_id, 0), f.evidence, f.status, f.resolution,
		f.created_at, f.resolved_at
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id LEFT JOIN clients c ON c.id = COALESCE(f.client_id, i.client_id)`+cond+`
		ORDER BY f.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Flag
	for rows.Next() {
		var f Flag
		var ev string
		var created, resolved sql.NullString
		if err := rows.Scan(&f.ID, &f.Kind, &f.InvoiceID, &f.InvoiceNum, &f.ClientID, &f.ClientName, &f.ClientEmail,
			&f.MessageID, &ev, &f.Status, &f.Resolution, &created, &resolved); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			f.Evidence = []string{ev}
		}
		f.CreatedAt, f.ResolvedAt = parseTS(created), parseTS(resolved)
		out = append(out, f)
	}
	return out, rows.Err()
}
