package engine

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/legal"
	"github.com/relance/relance/internal/store"
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

// selfChecked is what the legal self-check made of an invoice we sent.
type selfChecked struct {
	findings []legal.Finding
	// ran says the invoice itself was read (its PDF or XML, else its
	// mail); false when the check was off or the PDF could not be had.
	ran bool
}

// buyer is whom the self-check takes our clients for. Until the owner can
// say which clients are private persons, every client is a business: the
// full list of mentions applies, and a consumer's lighter list waits for
// that knowledge rather than a guess from the invoice.
const buyer = legal.Business

// selfCheck is the evidence of the self_check flag an invoice needs: what is
// missing, then each finding (sources that disagree, fields that cannot be
// used), then what the legal self-check found, in the owner's language lang
// with its legal reference. Empty when nothing needs a human. A re-send
// fills only what the invoice lacked, so what it misses is no news; what it
// contradicts is. A disagreement between sources is one fact whichever
// reader saw it: the self-check's words, which cite the law, are kept.
func selfCheck(r invoice.Result, created bool, found []legal.Finding, lang string) []string {
	var ev []string
	if created && len(r.Missing) > 0 {
		ev = append(ev, "missing: "+strings.Join(r.Missing, ", "))
	}
	cited := map[string]bool{}
	for _, f := range found {
		if f.Kind == legal.SourcesDisagree {
			cited[f.Detail] = true
		}
	}
	for _, f := range r.Findings {
		if !cited[f] {
			ev = append(ev, f)
		}
	}
	for _, f := range found {
		ev = append(ev, f.Text(lang))
	}
	return ev
}

// creditNoteFacts is what is recorded of a credit note: it asks for no
// payment, so it gets no due date from payment terms, and a due date it
// does not state is not missing (one it states is kept as written).
func creditNoteFacts(r invoice.Result) invoice.Result {
	if r.Kind != invoice.KindCreditNote {
		return r
	}
	if r.DueFromTerms {
		r.DueDate, r.DueFromTerms = time.Time{}, false
	}
	var missing []string
	for _, f := range r.Missing {
		if f != invoice.FieldDueDate {
			missing = append(missing, f)
		}
	}
	r.Missing = missing
	return r
}

// adoptionFacts are the facts a rejected document would be recorded with,
// were the owner to adopt it as one of our invoices.
func adoptionFacts(r invoice.Result, msgID string) store.AdoptionFacts {
	r.Kind = invoice.KindInvoice
	if r.CreditedNumber != "" {
		r.Kind = invoice.KindCreditNote
	}
	r = creditNoteFacts(r)
	f := store.AdoptionFacts{Kind: string(r.Kind), Number: r.Number, Key: invoice.Key(r), CreditedNumber: r.CreditedNumber,
		ClientEmail: strings.ToLower(r.Client.Email), ClientName: r.Client.Name, Language: r.Language,
		Amount: r.Amount.String(), Balance: r.Amount.String(), Currency: r.Currency, Source: r.Source,
		Missing: r.Missing, Findings: r.Findings}
	if b := owed(r); b != nil {
		f.Balance = b.String()
	}
	if f.Number == "" {
		f.Number, f.Key = "?"+shortID(msgID), "MSG:"+msgID
	}
	if !r.IssueDate.IsZero() {
		f.IssueDate = r.IssueDate.Format(time.DateOnly)
	}
	if !r.DueDate.IsZero() {
		f.DueDate = r.DueDate.Format(time.DateOnly)
	}
	return f
}
