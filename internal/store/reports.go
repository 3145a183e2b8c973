// Reports over the invoices: the overview's figures and the aging report by bucket.

package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

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
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN hold_until <= ? THEN 1 ELSE 0 END), 0) FROM drafts WHERE status = `+sqlWord(domain.DraftHeld), ts(now)).
		Scan(&o.DraftsHeld, &o.DraftsReady)
	if err != nil {
		return o, fmt.Errorf("store: overview drafts: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = `+sqlWord(domain.FlagOpen)+` THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = `+sqlWord(domain.FlagAcknowledged)+` THEN 1 ELSE 0 END), 0) FROM flags`).
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

// MailboxFigures are the few numbers that say how a mailbox is doing, as
// `relance mailboxes` lists them.
type MailboxFigures struct {
	Invoices int // invoices (not credit notes) ever discovered
	// LastRead is when mail was last recorded from a folder (its cursor
	// moved); zero before the first message.
	LastRead time.Time
	Overview
}

// MailboxFigures counts the mailbox's invoices and what waits in it, as of
// now (today is the business's calendar date).
func (s *Store) MailboxFigures(ctx context.Context, now, today time.Time) (MailboxFigures, error) {
	var f MailboxFigures
	var err error
	if f.Overview, err = s.Overview(ctx, now, today); err != nil {
		return f, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE kind = 'invoice'`).Scan(&f.Invoices); err != nil {
		return f, fmt.Errorf("store: count invoices: %w", err)
	}
	var last sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(updated_at) FROM cursors`).Scan(&last); err != nil {
		return f, fmt.Errorf("store: last read: %w", err)
	}
	f.LastRead = parseTS(last)
	return f, nil
}
