package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Payment is a payment received for one invoice.
type Payment struct {
	Date   Date
	Amount decimal.Decimal
}

// PenaltyInput is one invoice for LatePenalties.
type PenaltyInput struct {
	// Principal is the invoice amount including VAT (TTC).
	Principal decimal.Decimal
	Currency  string
	DueDate   Date
	// AsOf is the last day counted (usually the date of the formal notice).
	AsOf     Date
	Payments []Payment
	// B2C: the debtor is a consumer; neither L441-10 penalties nor the
	// D441-5 indemnity apply.
	B2C   bool
	Rates PenaltyPolicy
}

// PenaltyLine is one stretch of days at one base and one rate, for the
// formal notice's table. From and To are both counted.
type PenaltyLine struct {
	From, To Date
	Days     int
	Base     decimal.Decimal // principal still unpaid during the stretch
	Rate     decimal.Decimal // yearly percent
	// Amount is exact; Rounded is Amount to the cent, half-up, for display.
	// The rounded lines may differ from the rounded total by a cent.
	Amount  decimal.Decimal
	Rounded decimal.Decimal
}

// PenaltyResult is what a formal notice states for one invoice. Every total
// is rounded to the cent, half-up, once, at the end.
type PenaltyResult struct {
	Currency string
	// DaysLate counts the days penalties ran on a positive principal.
	DaysLate int
	Lines    []PenaltyLine
	// Interest is the L441-10 penalty accrued over all lines.
	Interest decimal.Decimal
	// InterestPaid is the part of the payments imputed to penalties.
	InterestPaid decimal.Decimal
	// InterestDue = Interest − InterestPaid.
	InterestDue decimal.Decimal
	// PrincipalDue is the principal left after payments up to AsOf.
	PrincipalDue decimal.Decimal
	// Indemnity is the D441-5 fixed indemnity, in euros.
	Indemnity decimal.Decimal
	// Total = PrincipalDue + InterestDue + Indemnity (the indemnity only when
	// the invoice is in euros; otherwise see Warnings).
	Total    decimal.Decimal
	Warnings []string
}

// maxPenaltyDays bounds the computation; no claim is that old.
const maxPenaltyDays = 100 * 366

var (
	// ErrNoRate is returned when the ECB table has no rate for a half-year.
	ErrNoRate = errors.New("no ECB rate known")
)

// LatePenalties computes L441-10 late-payment penalties and the D441-5
// indemnity for one invoice:
//
//	penalty = unpaid principal × yearly rate × days / 365, per stretch
//
// Penalties run from the day after the due date to AsOf. The rate is the
// contract rate when configured, else the ECB main refinancing rate in force
// on 1 January (for days in January–June) or 1 July (July–December) plus the
// margin (10 points), so a delay across 30 June or 31 December is split. A
// payment counts for its own day at the old base and reduces the base from
// the next day, imputed on principal first or on accrued penalties first as
// configured.
func LatePenalties(in PenaltyInput) (PenaltyResult, error) {
	res := PenaltyResult{Currency: in.Currency}
	switch {
	case in.Principal.IsNegative():
		return res, fmt.Errorf("policy: late penalties: negative principal %s", in.Principal)
	case in.DueDate.IsZero():
		return res, errors.New("policy: late penalties: missing due date")
	case in.AsOf.IsZero():
		return res, errors.New("policy: late penalties: missing as-of date")
	case in.AsOf.DaysSince(in.DueDate) > maxPenaltyDays:
		return res, fmt.Errorf("policy: late penalties: %s is more than 100 years after the due date %s", in.AsOf, in.DueDate)
	}
	pays := slices.Clone(in.Payments)
	for _, py := range pays {
		if py.Amount.IsNegative() || py.Date.IsZero() {
			return res, fmt.Errorf("policy: late penalties: invalid payment %s on %q", py.Amount, py.Date)
		}
	}
	slices.SortStableFunc(pays, func(a, b Payment) int { return a.Date.Compare(b.Date) })

	base := in.Principal
	interest, interestPaid := decimal.Zero, decimal.Zero
	// pay imputes a payment made after penalties started to run.
	pay := func(amount decimal.Decimal) {
		if in.Rates.Imputation == InterestFirst {
			owed := interest.Sub(interestPaid)
			toInterest := decimal.Min(amount, owed)
			interestPaid = interestPaid.Add(toInterest)
			amount = amount.Sub(toInterest)
		}
		toPrincipal := decimal.Min(amount, base)
		base = base.Sub(toPrincipal)
		amount = amount.Sub(toPrincipal)
		if amount.IsPositive() { // principal fully paid: the rest pays penalties
			extra := decimal.Min(amount, interest.Sub(interestPaid))
			interestPaid = interestPaid.Add(extra)
		}
	}

	start := in.DueDate.AddDays(1)
	i := 0
	for ; i < len(pays) && pays[i].Date.Before(start); i++ {
		base = base.Sub(decimal.Min(pays[i].Amount, base)) // paid in time
	}

	if in.B2C {
		res.Warnings = append(res.Warnings, "consumer debtor: no L441-10 penalties and no D441-5 indemnity; "+
			"legal interest (Code civil 1231-6) runs only from a formal notice")
		for ; i < len(pays) && !pays[i].Date.After(in.AsOf); i++ {
			base = base.Sub(decimal.Min(pays[i].Amount, base))
		}
		res.PrincipalDue = base.Round(2)
		res.Interest, res.InterestPaid, res.InterestDue, res.Indemnity = decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		res.Total = res.PrincipalDue
		return res, nil
	}

	warned := map[Date]bool{}
	for cur := start; !cur.After(in.AsOf) && base.IsPositive(); {
		hStart, hEnd := halfYear(cur)
		rate, err := in.Rates.rateFor(hStart)
		if err != nil {
			return res, fmt.Errorf("policy: late penalties: %w", err)
		}
		if w := in.Rates.staleWarning(hStart); w != "" && !warned[hStart] {
			warned[hStart] = true
			res.Warnings = append(res.Warnings, w)
		}
		end := hEnd
		if in.AsOf.Before(end) {
			end = in.AsOf
		}
		if i < len(pays) && pays[i].Date.Before(end) {
			end = pays[i].Date
		}
		days := end.DaysSince(cur) + 1
		amount := base.Mul(rate).Mul(decimal.NewFromInt(int64(days))).DivRound(decimal.NewFromInt(36500), 12)
		res.Lines = append(res.Lines, PenaltyLine{From: cur, To: end, Days: days, Base: base, Rate: rate,
			Amount: amount, Rounded: amount.Round(2)})
		res.DaysLate += days
		interest = interest.Add(amount)
		for ; i < len(pays) && pays[i].Date == end; i++ {
			pay(pays[i].Amount)
		}
		cur = end.AddDays(1)
	}
	// Payments after the principal reached zero or after AsOf are not for us.
	for ; i < len(pays) && !pays[i].Date.After(in.AsOf); i++ {
		pay(pays[i].Amount)
	}

	res.Interest = interest.Round(2)
	res.InterestPaid = interestPaid.Round(2)
	res.InterestDue = res.Interest.Sub(res.InterestPaid)
	res.PrincipalDue = base.Round(2)
	res.Indemnity = decimal.Zero
	res.Total = res.PrincipalDue.Add(res.InterestDue)
	if res.DaysLate > 0 && in.Rates.Indemnity.IsPositive() {
		res.Indemnity = in.Rates.Indemnity.Round(2)
		if cur := strings.ToUpper(strings.TrimSpace(in.Currency)); cur == "EUR" || cur == "" {
			res.Total = res.Total.Add(res.Indemnity)
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf(
				"the D441-5 indemnity is %s EUR and is not added to a total in %s", res.Indemnity.StringFixed(2), cur))
		}
	}
	return res, nil
}

// halfYear returns the first and last day of d's half-year.
func halfYear(d Date) (Date, Date) {
	if d.Month <= time.June {
		return Date{d.Year, time.January, 1}, Date{d.Year, time.June, 30}
	}
	return Date{d.Year, time.July, 1}, Date{d.Year, time.December, 31}
}

// rateFor returns the yearly percent for the half-year starting on h.
func (pp PenaltyPolicy) rateFor(h Date) (decimal.Decimal, error) {
	if pp.ContractRate.Valid {
		return pp.ContractRate.Decimal, nil
	}
	ecb, ok := pp.ECBRateOn(h)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w on %s: extend penalties.ecb_rates", ErrNoRate, h)
	}
	return ecb.Add(pp.MarginPoints), nil
}

// ECBRateOn returns the ECB main refinancing rate in force on d.
func (pp PenaltyPolicy) ECBRateOn(d Date) (decimal.Decimal, bool) {
	var r decimal.Decimal
	found := false
	for _, rc := range pp.ECBRates {
		if rc.From.After(d) {
			break
		}
		r, found = rc.Rate, true
	}
	return r, found
}

// L441Rate returns the L441-10 default rate (ECB + margin) for the
// half-year containing d, as the formal notice states it.
func (pp PenaltyPolicy) L441Rate(d Date) (decimal.Decimal, error) {
	h, _ := halfYear(d)
	return pp.rateFor(h)
}

func (pp PenaltyPolicy) staleWarning(h Date) string {
	if pp.ContractRate.Valid || pp.ECBRatesCheckedOn.IsZero() || !h.After(pp.ECBRatesCheckedOn) {
		return ""
	}
	return fmt.Sprintf("the ECB rate table was last checked on %s; the rate used from %s may be out of date",
		pp.ECBRatesCheckedOn, h)
}

// PenaltyInputFor prepares LatePenalties for one invoice of a client as of
// a date, with the payments received for it. The principal is the invoice
// amount including VAT; the due date falls back to 30 days after issue like
// Decide's.
func (p Policy) PenaltyInputFor(inv InvoiceState, c Client, payments []Payment, asOf Date) PenaltyInput {
	due, _ := inv.dueDate()
	return PenaltyInput{
		Principal: inv.Amount,
		Currency:  inv.Currency,
		DueDate:   due,
		AsOf:      asOf,
		Payments:  payments,
		B2C:       p.resolve(c).b2c,
		Rates:     p.Penalties,
	}
}
