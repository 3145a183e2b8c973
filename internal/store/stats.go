package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// StatsOptions says how Stats summarises the store.
type StatsOptions struct {
	// Today is the business's calendar day (only its date is used): days
	// past due are counted in the business's calendar, not in UTC.
	Today time.Time
	// AgeBounds are the inclusive upper bounds, in days past due, of every
	// age band but the last (e.g. 0, 30, 60, 90: not yet due, 1–30, 31–60,
	// 61–90, over 90). An invoice without a due date is in the first band.
	AgeBounds []int
}

// TrendsOptions says how Trends summarises the store.
type TrendsOptions struct {
	// Today is the business's calendar day (only its date is used).
	Today time.Time
	// SalesMonths is how many calendar months of invoiced sales are summed
	// (the current month, to date, included).
	SalesMonths int
	// CohortDays bounds the payment delay and the promise outcomes to
	// invoices due in the last that many days.
	CohortDays int
}

// Stats is a consistent snapshot of aggregate figures, read in one
// transaction. Amounts are exact to the millionth.
type Stats struct {
	InvoicesByState map[domain.State]int
	// Outstanding holds the unpaid balance of invoices still expected to be
	// paid (not paid, cancelled or written off; credit notes excluded), by
	// currency and age band. Only non-zero groups are listed.
	Outstanding    []AgedBalance
	DraftsByStatus map[domain.DraftStatus]int
	// OldestHeld is when the oldest draft still held was created (zero
	// when none is held).
	OldestHeld time.Time
	// Flags counts unresolved flags by kind.
	Flags []FlagStat
	// PromisesPending counts invoices with a promise of payment (a
	// promised date, or the promised state) still expected and without a
	// broken-promise flag.
	PromisesPending int
	// RemindersSent counts sent drafts by ladder stage, for every stage
	// any draft was made for (zero when none was sent yet).
	RemindersSent map[string]int
	// FormalNoticesHeld counts formal notice drafts held for review.
	FormalNoticesHeld int
	// Corrections counts the owner's corrections of reply readings.
	Corrections int
}

// AgedBalance is the outstanding balance of one currency in one age band.
type AgedBalance struct {
	Currency string
	Band     int // index into AgeBounds; len(AgeBounds) for the last band
	Amount   decimal.Decimal
}

// PaymentDelay sums the days between due date and payment (negative when
// paid early).
type PaymentDelay struct {
	Invoices int
	SumDays  int
}

// FlagStat is the unresolved flags of one kind.
type FlagStat struct {
	Kind string
	// Unresolved counts open and acknowledged flags.
	Unresolved int
	// OldestOpen is when the oldest flag nobody acknowledged yet was raised
	// (zero when every flag of the kind was acknowledged).
	OldestOpen time.Time
}

// Trends are the slower-moving figures over months of history: sales per
// month, payment delay and promise outcomes. Reading them costs in
// proportion to a year of invoices, so callers refresh them less often than
// Stats.
type Trends struct {
	// MonthlySales lists, per currency, the amounts invoiced in each
	// calendar month: index 0 is the current month up to Today, 1 the month
	// before, and so on (SalesMonths entries). Cancelled invoices and credit
	// notes are not sales.
	MonthlySales map[string][]decimal.Decimal
	// PaymentDelay is over the paid invoices of the cohort.
	PaymentDelay PaymentDelay
	// PromisesKept counts paid invoices of the cohort that had a promised
	// date and no broken-promise flag; PromisesBroken, invoices of the
	// cohort with a broken-promise flag.
	PromisesKept, PromisesBroken int
}

// microUnits is an SQL expression giving a decimal text column as an
// integer count of millionths. Going through a double is exact for amounts
// below a thousand million with at most six decimals (the rounding error
// stays far below half a millionth), and summing integers keeps totals
// exact, while being much cheaper than parsing the text in SQL.
func microUnits(col string) string {
	return `CAST(round(CAST(` + col + ` AS REAL) * 1000000) AS INTEGER)`
}

func fromMicro(n int64) decimal.Decimal { return decimal.New(n, -6) }

// Stats computes the figures metrics export with aggregate queries that
// read only what they need through indexes (open invoices, recent due dates,
// drafts and flags by status), so that a scrape stays fast on a store
// holding years of paid invoices.
func (s *Store) Stats(ctx context.Context, o StatsOptions) (Stats, error) {
	st := Stats{InvoicesByState: map[domain.State]int{}, DraftsByStatus: map[domain.DraftStatus]int{}, RemindersSent: map[string]int{}}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	defer tx.Rollback()
	today := o.Today.Format(dateLayout)
	steps := []struct {
		name string
		run  func() error
	}{
		{"invoices by state", func() error {
			// Paid invoices are most of a long history: they are the total
			// (a b-tree count, no scan) minus every other state, each
			// counted on its own range of the state index.
			var total int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices`).Scan(&total); err != nil {
				return err
			}
			others := 0
			for _, state := range domain.States {
				if state == domain.StatePaid {
					continue
				}
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE state = ?`, state).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					st.InvoicesByState[state] = n
				}
				others += n
			}
			if total > others {
				st.InvoicesByState[domain.StatePaid] = total - others
			}
			return nil
		}},
		{"outstanding", func() error {
			q, args := outstandingQuery(today, o.AgeBounds)
			return queryRows(ctx, tx, q, args, func(r *sql.Rows) error {
				var b AgedBalance
				var micro int64
				if err := r.Scan(&b.Currency, &b.Band, &micro); err != nil {
					return err
				}
				b.Amount = fromMicro(micro)
				st.Outstanding = append(st.Outstanding, b)
				return nil
			})
		}},
		{"drafts", func() error {
			return queryRows(ctx, tx, `SELECT status, COUNT(*), MIN(created_at) FROM drafts GROUP BY status`, nil, func(r *sql.Rows) error {
				var status domain.DraftStatus
				var n int
				var oldest sql.NullString
				if err := r.Scan(&status, &n, &oldest); err != nil {
					return err
				}
				st.DraftsByStatus[status] = n
				if status == domain.DraftHeld {
					st.OldestHeld = parseTS(oldest)
				}
				return nil
			})
		}},
		{"flags", func() error {
			q := `SELECT kind, COUNT(*), MIN(CASE WHEN status = ` + sqlWord(domain.FlagOpen) + ` THEN created_at END) FROM flags
				WHERE status IN ` + unresolvedSQL + ` GROUP BY kind ORDER BY kind`
			return queryRows(ctx, tx, q, nil, func(r *sql.Rows) error {
				var f FlagStat
				var oldest sql.NullString
				if err := r.Scan(&f.Kind, &f.Unresolved, &oldest); err != nil {
					return err
				}
				f.OldestOpen = parseTS(oldest)
				st.Flags = append(st.Flags, f)
				return nil
			})
		}},
		{"pending promises", func() error {
			q := `SELECT COUNT(*) FROM invoices i WHERE i.state IN ` + chasedStatesSQL + `
					AND (i.promise_date IS NOT NULL OR i.state = ` + sqlWord(domain.StatePromised) + `)
					AND i.id NOT IN (SELECT invoice_id FROM flags WHERE kind = ` + sqlWord(domain.FlagBrokenPromise) + ` AND invoice_id IS NOT NULL)`
			return tx.QueryRowContext(ctx, q).Scan(&st.PromisesPending)
		}},
		{"reminders sent", func() error {
			return queryRows(ctx, tx, `SELECT stage, SUM(CASE WHEN status = `+sqlWord(domain.DraftSent)+` THEN 1 ELSE 0 END) FROM drafts GROUP BY stage`, nil, func(r *sql.Rows) error {
				var stage string
				var n int
				if err := r.Scan(&stage, &n); err != nil {
					return err
				}
				st.RemindersSent[stage] = n
				return nil
			})
		}},
		{"formal notices held", func() error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts WHERE status = `+sqlWord(domain.DraftHeld)+` AND kind = `+sqlWord(domain.KindFormalNotice)).Scan(&st.FormalNoticesHeld)
		}},
		{"corrections", func() error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM corrections`).Scan(&st.Corrections)
		}},
	}
	for _, step := range steps {
		if err := step.run(); err != nil {
			return st, fmt.Errorf("store: stats: %s: %w", step.name, err)
		}
	}
	return st, nil
}

// Trends computes the slower-moving figures, in one read transaction.
func (s *Store) Trends(ctx context.Context, o TrendsOptions) (Trends, error) {
	if o.SalesMonths <= 0 {
		o.SalesMonths = 1
	}
	st := Trends{MonthlySales: map[string][]decimal.Decimal{}}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return st, fmt.Errorf("store: trends: %w", err)
	}
	defer tx.Rollback()
	today := o.Today.Format(dateLayout)
	cohortFrom := o.Today.AddDate(0, 0, -o.CohortDays).Format(dateLayout)
	salesFrom := time.Date(o.Today.Year(), o.Today.Month()-time.Month(o.SalesMonths-1), 1, 0, 0, 0, 0, time.UTC).Format(dateLayout)
	steps := []struct {
		name string
		run  func() error
	}{
		{"monthly sales", func() error {
			// An invoice is due on or after its issue date, so the ones
			// issued in the window are among those due since its start
			// (or without a due date), which the state index finds.
			q := `SELECT currency, substr(issue_date, 1, 7), SUM(` + microUnits("amount") + `) FROM invoices
				WHERE (state IN ` + allStatesSQL + ` AND due_date >= ? OR due_date IS NULL)
					AND kind = 'invoice' AND state <> ` + sqlWord(domain.StateCancelled) + ` AND issue_date >= ? AND issue_date <= ?
				GROUP BY 1, 2`
			return queryRows(ctx, tx, q, []any{salesFrom, salesFrom, today}, func(r *sql.Rows) error {
				var cur, month string
				var micro int64
				if err := r.Scan(&cur, &month, &micro); err != nil {
					return err
				}
				m, err := time.Parse("2006-01", month)
				if err != nil {
					return nil // a malformed date is not a sale of any month
				}
				idx := (o.Today.Year()-m.Year())*12 + int(o.Today.Month()) - int(m.Month())
				if idx < 0 || idx >= o.SalesMonths {
					return nil
				}
				sales := st.MonthlySales[cur]
				if sales == nil {
					sales = make([]decimal.Decimal, o.SalesMonths)
					st.MonthlySales[cur] = sales
				}
				sales[idx] = sales[idx].Add(fromMicro(micro))
				return nil
			})
		}},
		{"payment delay", func() error {
			// The last payment settles the invoice; an invoice marked paid
			// without a payment row counts from its invoice_paid event.
			q := `WITH settled AS MATERIALIZED (
					SELECT i.due_date, COALESCE(
						(SELECT MAX(p.paid_on) FROM payments p WHERE p.invoice_id = i.id),
						(SELECT substr(MAX(e.at), 1, 10) FROM events e WHERE e.invoice_id = i.id AND e.kind = ` + sqlWord(domain.EventInvoicePaid) + `)) AS paid_on
					FROM invoices i
					WHERE i.state = ` + sqlWord(domain.StatePaid) + ` AND i.due_date >= ? AND i.due_date <= ? AND i.kind = 'invoice')
				SELECT COUNT(*), COALESCE(SUM(CAST(julianday(paid_on) - julianday(due_date) AS INTEGER)), 0)
				FROM settled WHERE paid_on IS NOT NULL`
			return tx.QueryRowContext(ctx, q, cohortFrom, today).Scan(&st.PaymentDelay.Invoices, &st.PaymentDelay.SumDays)
		}},
		{"promise outcomes", func() error {
			q := `WITH broken(invoice_id) AS (
					SELECT DISTINCT invoice_id FROM flags WHERE kind = ` + sqlWord(domain.FlagBrokenPromise) + ` AND invoice_id IS NOT NULL)
				SELECT
					(SELECT COUNT(*) FROM invoices i WHERE i.state = ` + sqlWord(domain.StatePaid) + ` AND i.due_date >= ? AND i.due_date <= ?
						AND i.promise_date IS NOT NULL AND i.id NOT IN (SELECT invoice_id FROM broken)),
					(SELECT COUNT(*) FROM broken b JOIN invoices i ON i.id = b.invoice_id WHERE i.due_date >= ? AND i.due_date <= ?)`
			return tx.QueryRowContext(ctx, q, cohortFrom, today, cohortFrom, today).Scan(&st.PromisesKept, &st.PromisesBroken)
		}},
	}
	for _, step := range steps {
		if err := step.run(); err != nil {
			return st, fmt.Errorf("store: trends: %s: %w", step.name, err)
		}
	}
	return st, nil
}

// outstandingQuery groups open balances by currency and age band. Days past
// due are whole days between two calendar dates, so the band of an invoice
// changes at the business's midnight, month ends included.
func outstandingQuery(today string, bounds []int) (string, []any) {
	var band strings.Builder
	band.WriteString(`CASE WHEN days IS NULL THEN 0`)
	for i, b := range bounds {
		fmt.Fprintf(&band, ` WHEN days <= %d THEN %d`, b, i)
	}
	fmt.Fprintf(&band, ` ELSE %d END`, len(bounds))
	q := `SELECT currency, ` + band.String() + ` AS band, SUM(micro) FROM (
			SELECT currency, julianday(?) - julianday(due_date) AS days, ` + microUnits("balance") + ` AS micro
			FROM invoices WHERE state IN ` + chasedStatesSQL + ` AND kind = 'invoice') AS chased
		WHERE micro > 0
		GROUP BY currency, band ORDER BY currency, band`
	return q, []any{today}
}

func queryRows(ctx context.Context, tx *sql.Tx, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
