package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// StatsOptions says how Stats summarises the store.
type StatsOptions struct {
	// Now is the instant ages are measured from.
	Now time.Time
	// Today is the business's calendar day (only its date is used): days
	// past due and months of sales are counted in the business's calendar,
	// not in UTC.
	Today time.Time
	// AgeBounds are the inclusive upper bounds, in days past due, of every
	// age band but the last (e.g. 0, 30, 60, 90: not yet due, 1–30, 31–60,
	// 61–90, over 90). An invoice without a due date is in the first band.
	AgeBounds []int
	// SalesMonths is how many calendar months of invoiced sales are summed
	// (the current month, to date, included).
	SalesMonths int
	// DelayWindowDays limits the payment delay to invoices paid in the last
	// that many days.
	DelayWindowDays int
}

// Stats is a consistent snapshot of aggregate figures, read in one
// transaction. Amounts are exact.
type Stats struct {
	InvoicesByState map[string]int
	// Outstanding holds the unpaid balance of invoices still expected to be
	// paid (not paid, cancelled or written off; credit notes excluded), by
	// currency and age band. Only non-zero groups are listed.
	Outstanding []AgedBalance
	// MonthlySales lists, per currency, the amounts invoiced in each
	// calendar month: index 0 is the current month up to Today, 1 the month
	// before, and so on (SalesMonths entries). Cancelled invoices and credit
	// notes are not sales.
	MonthlySales map[string][]decimal.Decimal
	// PaymentDelay is over invoices paid within the delay window.
	PaymentDelay   PaymentDelay
	DraftsByStatus map[string]int
	// OldestHeld is when the oldest draft still held was created (zero
	// when none is held).
	OldestHeld time.Time
	// Flags counts unresolved flags by kind.
	Flags    []FlagStat
	Promises PromiseStats
	// RemindersSent counts sent drafts by ladder stage.
	RemindersSent map[string]int
	// Replies counts messages read in the inbox by class.
	Replies map[string]int
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

// PromiseStats classifies invoices that were ever promised: kept (paid
// without a broken-promise flag), broken (a broken_promise flag was raised)
// and pending (still expected, no broken-promise flag yet).
type PromiseStats struct {
	Kept, Broken, Pending int
}

// microUnits is an SQL expression giving a decimal text column as an exact
// integer count of millionths. Amounts are stored as plain decimal text
// ("-1234.5", never with an exponent), so splitting on the point is exact,
// and summing integers in SQL avoids both floating point and reading every
// row into Go.
func microUnits(col string) string {
	abs := "ltrim(" + col + ", '-')"
	return strings.NewReplacer("ABS", abs, "COL", col).Replace(`(CASE WHEN COL LIKE '-%' THEN -1 ELSE 1 END * (
		CASE WHEN instr(ABS, '.') > 0
			THEN CAST(substr(ABS, 1, instr(ABS, '.') - 1) AS INTEGER) * 1000000
				+ CAST(substr(substr(ABS, instr(ABS, '.') + 1) || '000000', 1, 6) AS INTEGER)
			ELSE CAST(ABS AS INTEGER) * 1000000 END))`)
}

func fromMicro(n int64) decimal.Decimal { return decimal.New(n, -6) }

// Stats computes the figures metrics export, with aggregate queries only, so
// that a scrape stays fast however many invoices the store holds.
func (s *Store) Stats(ctx context.Context, o StatsOptions) (Stats, error) {
	if o.SalesMonths <= 0 {
		o.SalesMonths = 1
	}
	st := Stats{InvoicesByState: map[string]int{}, MonthlySales: map[string][]decimal.Decimal{},
		DraftsByStatus: map[string]int{}, RemindersSent: map[string]int{}, Replies: map[string]int{}}
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
			return queryRows(ctx, tx, `SELECT state, COUNT(*) FROM invoices GROUP BY state`, nil, func(r *sql.Rows) error {
				var state string
				var n int
				if err := r.Scan(&state, &n); err != nil {
					return err
				}
				st.InvoicesByState[state] = n
				return nil
			})
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
		{"monthly sales", func() error {
			first := time.Date(o.Today.Year(), o.Today.Month()-time.Month(o.SalesMonths-1), 1, 0, 0, 0, 0, time.UTC)
			q := `SELECT currency, substr(issue_date, 1, 7), SUM(` + microUnits("amount") + `) FROM invoices
				WHERE kind = 'invoice' AND state <> 'cancelled' AND issue_date >= ? AND issue_date <= ?
				GROUP BY 1, 2`
			return queryRows(ctx, tx, q, []any{first.Format(dateLayout), today}, func(r *sql.Rows) error {
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
			from := o.Today.AddDate(0, 0, -o.DelayWindowDays).Format(dateLayout)
			// Payment rows are the reference; an invoice marked paid
			// without one counts from its invoice_paid event.
			q := `WITH settled(invoice_id, paid_on) AS (
					SELECT invoice_id, MAX(paid_on) FROM payments WHERE invoice_id IS NOT NULL GROUP BY invoice_id
					UNION ALL
					SELECT e.invoice_id, substr(MAX(e.at), 1, 10) FROM events e
					WHERE e.kind = 'invoice_paid' AND e.invoice_id IS NOT NULL
						AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = e.invoice_id)
					GROUP BY e.invoice_id)
				SELECT COUNT(*), COALESCE(SUM(CAST(julianday(s.paid_on) - julianday(i.due_date) AS INTEGER)), 0)
				FROM settled s JOIN invoices i ON i.id = s.invoice_id
				WHERE i.state = 'paid' AND i.kind = 'invoice' AND i.due_date IS NOT NULL
					AND s.paid_on >= ? AND s.paid_on <= ?`
			return tx.QueryRowContext(ctx, q, from, today).Scan(&st.PaymentDelay.Invoices, &st.PaymentDelay.SumDays)
		}},
		{"drafts", func() error {
			return queryRows(ctx, tx, `SELECT status, COUNT(*), MIN(created_at) FROM drafts GROUP BY status`, nil, func(r *sql.Rows) error {
				var status string
				var n int
				var oldest sql.NullString
				if err := r.Scan(&status, &n, &oldest); err != nil {
					return err
				}
				st.DraftsByStatus[status] = n
				if status == DraftHeld {
					st.OldestHeld = parseTS(oldest)
				}
				return nil
			})
		}},
		{"flags", func() error {
			q := `SELECT kind, COUNT(*), MIN(CASE WHEN status = 'open' THEN created_at END) FROM flags
				WHERE status <> 'resolved' GROUP BY kind ORDER BY kind`
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
		{"promises", func() error {
			// A promise leaves a promise date, the promised state, or a
			// state change to it in the log (a promise without a date).
			q := `WITH promised(invoice_id) AS (
					SELECT id FROM invoices WHERE promise_date IS NOT NULL OR state = 'promised'
					UNION
					SELECT invoice_id FROM events WHERE kind = 'state_changed' AND invoice_id IS NOT NULL
						AND json_valid(detail) AND json_extract(detail, '$.to') = 'promised'),
				broken(invoice_id) AS (
					SELECT DISTINCT invoice_id FROM flags WHERE kind = 'broken_promise' AND invoice_id IS NOT NULL)
				SELECT
					COALESCE(SUM(b.invoice_id IS NULL AND i.state = 'paid'), 0),
					COALESCE(SUM(b.invoice_id IS NOT NULL), 0),
					COALESCE(SUM(b.invoice_id IS NULL AND i.state NOT IN ('paid', 'cancelled', 'written_off')), 0)
				FROM promised p JOIN invoices i ON i.id = p.invoice_id
				LEFT JOIN broken b ON b.invoice_id = p.invoice_id`
			return tx.QueryRowContext(ctx, q).Scan(&st.Promises.Kept, &st.Promises.Broken, &st.Promises.Pending)
		}},
		{"reminders sent", func() error {
			return queryRows(ctx, tx, `SELECT stage, COUNT(*) FROM drafts WHERE status = 'sent' GROUP BY stage`, nil, func(r *sql.Rows) error {
				var stage string
				var n int
				if err := r.Scan(&stage, &n); err != nil {
					return err
				}
				st.RemindersSent[stage] = n
				return nil
			})
		}},
		{"replies", func() error {
			return queryRows(ctx, tx, `SELECT class, COUNT(*) FROM messages WHERE role = 'inbox' GROUP BY class`, nil, func(r *sql.Rows) error {
				var class string
				var n int
				if err := r.Scan(&class, &n); err != nil {
					return err
				}
				st.Replies[class] = n
				return nil
			})
		}},
	}
	for _, step := range steps {
		if err := step.run(); err != nil {
			return st, fmt.Errorf("store: stats: %s: %w", step.name, err)
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
			FROM invoices WHERE kind = 'invoice' AND state NOT IN ('paid', 'cancelled', 'written_off'))
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
