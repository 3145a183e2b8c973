// Package receivables computes how the money owed to the business is doing,
// from the invoices' own history (issue, due and payment dates): days sales
// outstanding, overdue by age, a weekly trend of the amount overdue, the
// largest debtors. A firm that runs no Prometheus sees it on the overview;
// the trend goes back before relance was installed because it is rebuilt
// from the invoices' dates, not from samples taken since.
//
// It is pure: the day of the figures is passed in, amounts are decimals,
// and every figure is per currency (amounts in different currencies are
// never added).
package receivables

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Invoice is one invoice as its history tells it.
type Invoice struct {
	ClientID   int64
	ClientName string
	Currency   string
	// Amount is what the invoice asks, credit notes already taken off.
	Amount decimal.Decimal
	Issued time.Time // the day it was issued (a zero date: billed from the start)
	Due    time.Time // the day it falls due (zero: never overdue)
	// Payments received against it, each on its day.
	Payments []Payment
	// Closed is the day the invoice left the books without a payment
	// recorded for all of it (paid by hand, cancelled, written off): what
	// the payments leave is no longer owed from that day. Zero while open.
	Closed time.Time
}

// Payment is money received on a day.
type Payment struct {
	On     time.Time
	Amount decimal.Decimal
}

// day drops the clock and the zone: figures are counted in calendar days.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysBetween(from, to time.Time) int {
	return int(day(to).Sub(day(from)).Hours() / 24)
}

// BalanceAt is what the invoice still asked at the end of day on: nothing
// before it was issued, its amount less the payments received by then, and
// nothing once closed.
func (inv Invoice) BalanceAt(on time.Time) decimal.Decimal {
	on = day(on)
	if !inv.Issued.IsZero() && day(inv.Issued).After(on) {
		return decimal.Zero
	}
	if !inv.Closed.IsZero() && !day(inv.Closed).After(on) {
		return decimal.Zero
	}
	b := inv.Amount
	for _, p := range inv.Payments {
		if !day(p.On).After(on) {
			b = b.Sub(p.Amount)
		}
	}
	if b.IsNegative() {
		return decimal.Zero
	}
	return b
}

// OverdueAt reports whether the invoice was past due at the end of day on
// (the day after its due date is the first day late).
func (inv Invoice) OverdueAt(on time.Time) bool {
	return !inv.Due.IsZero() && day(inv.Due).Before(day(on))
}

// currencies lists the currencies of invs in a stable order.
func currencies(invs []Invoice) []string {
	seen := map[string]bool{}
	var out []string
	for _, inv := range invs {
		if !seen[inv.Currency] {
			seen[inv.Currency] = true
			out = append(out, inv.Currency)
		}
	}
	sort.Strings(out)
	return out
}

// DSOWindowDays is the period over which sales are counted for the DSO:
// about a quarter, long enough to smooth one month's large invoice.
const DSOWindowDays = 90

// DSO is the days sales outstanding of one currency, by the count-back-free
// formula DSO = receivables ÷ billed over the window × window days: the
// receivables are every balance still owed at the end of the day, due or
// not; billed sums the invoices issued in the window days ending that day.
type DSO struct {
	Currency    string
	Receivables decimal.Decimal
	Billed      decimal.Decimal
	WindowDays  int
	// Days is the DSO rounded to the day; Known is false when nothing was
	// billed in the window (no ratio to draw).
	Days  int
	Known bool
}

// ComputeDSO gives the DSO of each currency on day on, over windowDays
// (DSOWindowDays when zero or less).
func ComputeDSO(invs []Invoice, on time.Time, windowDays int) []DSO {
	if windowDays <= 0 {
		windowDays = DSOWindowDays
	}
	on = day(on)
	from := on.AddDate(0, 0, -windowDays) // exclusive: the window is (from, on]
	var out []DSO
	for _, cur := range currencies(invs) {
		d := DSO{Currency: cur, WindowDays: windowDays}
		for _, inv := range invs {
			if inv.Currency != cur {
				continue
			}
			d.Receivables = d.Receivables.Add(inv.BalanceAt(on))
			if !inv.Issued.IsZero() && day(inv.Issued).After(from) && !day(inv.Issued).After(on) {
				d.Billed = d.Billed.Add(inv.Amount)
			}
		}
		if d.Billed.IsPositive() {
			d.Known = true
			d.Days = int(d.Receivables.Mul(decimal.NewFromInt(int64(windowDays))).Div(d.Billed).Round(0).IntPart())
		}
		if d.Receivables.IsZero() && d.Billed.IsZero() {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Aging is one currency's balances by age on a day, in the order of
// domain.Buckets.
type Aging struct {
	Currency string
	Buckets  []decimal.Decimal
	Total    decimal.Decimal
	Overdue  decimal.Decimal // every bucket but the current one
}

// ComputeAging places each balance owed on day on in its aging bucket.
func ComputeAging(invs []Invoice, on time.Time) []Aging {
	var out []Aging
	for _, cur := range currencies(invs) {
		a := Aging{Currency: cur, Buckets: make([]decimal.Decimal, len(domain.Buckets))}
		for _, inv := range invs {
			b := inv.BalanceAt(on)
			if inv.Currency != cur || !b.IsPositive() {
				continue
			}
			bucket := domain.BucketCurrent
			if !inv.Due.IsZero() {
				bucket = domain.BucketOf(daysBetween(inv.Due, on))
			}
			for i, name := range domain.Buckets {
				if name == bucket {
					a.Buckets[i] = a.Buckets[i].Add(b)
				}
			}
			a.Total = a.Total.Add(b)
			if bucket != domain.BucketCurrent {
				a.Overdue = a.Overdue.Add(b)
			}
		}
		if a.Total.IsPositive() {
			out = append(out, a)
		}
	}
	return out
}

// TrendWeeks is how far back the overview's trend goes.
const TrendWeeks = 12

// Point is the amount overdue at the end of one day.
type Point struct {
	Day     time.Time
	Overdue decimal.Decimal
}

// Trend is one currency's amount overdue, week after week.
type Trend struct {
	Currency string
	Points   []Point // oldest first; the last is the day asked
	Max      decimal.Decimal
}

// ComputeTrend rebuilds the amount overdue at the end of day on and of the
// same weekday each of the weeks-1 weeks before (TrendWeeks when zero or
// less), from the invoices' dates: what was owed and past due then, less
// what had been paid by then.
func ComputeTrend(invs []Invoice, on time.Time, weeks int) []Trend {
	if weeks <= 0 {
		weeks = TrendWeeks
	}
	on = day(on)
	var out []Trend
	for _, cur := range currencies(invs) {
		t := Trend{Currency: cur}
		any := false
		for w := weeks - 1; w >= 0; w-- {
			d := on.AddDate(0, 0, -7*w)
			p := Point{Day: d}
			for _, inv := range invs {
				if inv.Currency == cur && inv.OverdueAt(d) {
					p.Overdue = p.Overdue.Add(inv.BalanceAt(d))
				}
			}
			if p.Overdue.GreaterThan(t.Max) {
				t.Max = p.Overdue
			}
			any = any || p.Overdue.IsPositive()
			t.Points = append(t.Points, p)
		}
		if any {
			out = append(out, t)
		}
	}
	return out
}

// Debtor is what one client owes in one currency on a day.
type Debtor struct {
	ClientID    int64
	ClientName  string
	Currency    string
	Outstanding decimal.Decimal // every balance owed, due or not
	Overdue     decimal.Decimal // the part past due
	Invoices    int             // invoices with something owed
	// OldestDaysLate is the days past due of the oldest overdue invoice
	// (0 when nothing is overdue).
	OldestDaysLate int
}

// TopDebtors lists the n clients owing the most on day on, per client and
// currency: in the currency most invoices are owed in first, the largest
// overdue amount first, then the largest outstanding, then the name.
func TopDebtors(invs []Invoice, on time.Time, n int) []Debtor {
	type key struct {
		id  int64
		cur string
	}
	by := map[key]*Debtor{}
	var order []key
	for _, inv := range invs {
		b := inv.BalanceAt(on)
		if !b.IsPositive() {
			continue
		}
		k := key{inv.ClientID, inv.Currency}
		d := by[k]
		if d == nil {
			d = &Debtor{ClientID: inv.ClientID, ClientName: inv.ClientName, Currency: inv.Currency}
			by[k] = d
			order = append(order, k)
		}
		d.Outstanding = d.Outstanding.Add(b)
		d.Invoices++
		if inv.OverdueAt(on) {
			d.Overdue = d.Overdue.Add(b)
			if late := daysBetween(inv.Due, on); late > d.OldestDaysLate {
				d.OldestDaysLate = late
			}
		}
	}
	out := make([]Debtor, 0, len(order))
	owedIn := map[string]int{} // invoices owed per currency
	for _, k := range order {
		out = append(out, *by[k])
		owedIn[k.cur] += by[k].Invoices
	}
	// Amounts in two currencies cannot be compared: the currency most
	// invoices are owed in comes first, then the others.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Currency != b.Currency {
			if owedIn[a.Currency] != owedIn[b.Currency] {
				return owedIn[a.Currency] > owedIn[b.Currency]
			}
			return a.Currency < b.Currency
		}
		if c := a.Overdue.Cmp(b.Overdue); c != 0 {
			return c > 0
		}
		if c := a.Outstanding.Cmp(b.Outstanding); c != 0 {
			return c > 0
		}
		return a.ClientName < b.ClientName
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
