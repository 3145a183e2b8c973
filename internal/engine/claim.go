package engine

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/invoice"
)

// noteUnknownSender is the note on a reply's event when its sender is not
// the client's address.
const noteUnknownSender = "from an unknown address"

// ClaimKind is what a "paid" reply claims of an invoice's balance.
type ClaimKind string

// Claims.
const (
	// ClaimWhole: the whole balance is said to be paid (no amount, the
	// balance after credit notes and earlier payments, or the total).
	ClaimWhole ClaimKind = "whole"
	// ClaimPartial: an amount below the balance is said to be paid; the
	// rest is chased once a human confirms the payment.
	ClaimPartial ClaimKind = "partial"
)

// claimReading is the money sense of a reply about one invoice.
type claimReading struct {
	Kind    ClaimKind // "" when the reply claims no payment
	Amount  decimal.Decimal
	Balance decimal.Decimal
	Number  string
	// Overrode is set when a reply read as a dispute names exactly what the
	// invoice still owes after credit notes or partial payments, and
	// speaks of paying it: the difference with the total is explained, and
	// it is a payment claim for the whole balance.
	Overrode bool
	Note     string
}

// readClaim reads what a reply says was paid against the invoice c. Pure.
func readClaim(r classify.Result, c invoice.Candidate) claimReading {
	cr := claimReading{Balance: c.Balance, Number: c.Number}
	reduced := c.Balance.IsPositive() && c.Balance.LessThan(c.Amount)
	namesBalance := false
	for _, a := range r.Amounts {
		if a.Equal(c.Balance) {
			namesBalance = true
		}
	}
	class := r.Class
	if class == classify.Dispute && reduced && namesBalance && speaksOfPaying(r) {
		cr.Overrode = true
		cr.Note = fmt.Sprintf("names %s, exactly what %s still owes after credit notes and payments (total %s): a payment claim, not a dispute",
			c.Balance.StringFixed(2), c.Number, c.Amount.StringFixed(2))
		class = classify.Paid
	}
	if class != classify.Paid {
		return cr
	}
	cr.Kind, cr.Amount = ClaimWhole, c.Balance
	if len(r.Amounts) == 0 || namesBalance {
		return cr
	}
	var below decimal.Decimal
	for _, a := range r.Amounts {
		if a.Equal(c.Amount) || a.GreaterThanOrEqual(c.Balance) {
			// The total (a credit note not deducted) or more: the whole.
			return cr
		}
		if a.IsPositive() && a.GreaterThan(below) {
			below = a
		}
	}
	if below.IsPositive() {
		cr.Kind, cr.Amount = ClaimPartial, below
	}
	return cr
}

// speaksOfPaying tells whether the model read one of the reply's weightiest
// sentences as about a payment made. Words alone are not enough: "je refuse
// de payer 800 €" speaks of paying too.
func speaksOfPaying(r classify.Result) bool {
	for _, ev := range r.Evidence {
		if ev.Signal == "model:"+string(classify.Paid) {
			return true
		}
	}
	return false
}
