package engine

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/invoice"
)

// owed is the balance an invoice starts with when it says less is left to
// pay than its total (a deposit already paid); nil means the whole amount.
// A credit note's amount is all it credits.
func owed(r invoice.Result) *decimal.Decimal {
	if r.Kind != invoice.KindInvoice || r.Payable.Equal(r.Amount) {
		return nil
	}
	b := r.Payable
	return &b
}

// selfCheck is the evidence of the self_check flag an invoice needs: what is
// missing, then each finding (sources that disagree, fields that cannot be
// used). Empty when nothing needs a human. A re-send fills only what the
// invoice lacked, so what it misses is no news; what it contradicts is.
func selfCheck(r invoice.Result, created bool) []string {
	var ev []string
	if created && len(r.Missing) > 0 {
		ev = append(ev, "missing: "+strings.Join(r.Missing, ", "))
	}
	return append(ev, r.Findings...)
}

// creditNoteFacts is what is recorded of a credit note: it asks for no
// payment, so it has no due date, and a due date it does not state is not
// missing.
func creditNoteFacts(r invoice.Result) invoice.Result {
	if r.Kind != invoice.KindCreditNote {
		return r
	}
	r.DueDate, r.DueFromTerms = time.Time{}, false
	var missing []string
	for _, f := range r.Missing {
		if f != invoice.FieldDueDate {
			missing = append(missing, f)
		}
	}
	r.Missing = missing
	return r
}
