package engine

import (
	"fmt"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

// PaymentSource is where payments being recorded come from.
type PaymentSource struct {
	// MessageID is the stored mail that announced them (a payment notice),
	// 0 for a statement.
	MessageID int64
	// FlagUnknown: a payment no invoice matches is flagged for a human
	// rather than only reported (someone wrote to say they paid us).
	FlagUnknown bool
	Actor       domain.Actor
}

// SettlePayments records payments received, in the order given, in the
// transaction tx: the lines of a bank statement, or the one payment a
// notice mail announces. A payment already recorded changes nothing; one
// the other source already reported (the notice before the statement, or
// the statement before the notice) is the same money, confirmed rather than
// applied again; the rest are matched to the open invoices, each seeing
// what the previous left, and settled. Results are in the order of ps. The
// engine (notices) and `relance import` (statements) both call it.
func SettlePayments(tx *store.Tx, ps []payment.Payment, src PaymentSource) ([]payment.Result, error) {
	open, err := tx.MatchableInvoices()
	if err != nil {
		return nil, err
	}
	twins := map[string]string{} // ExternalRef → the twin's reference
	paired := map[string]bool{}
	for _, p := range ps {
		known, err := tx.PaymentKnown(p.ExternalRef)
		if err != nil {
			return nil, err
		}
		if known {
			continue
		}
		twin, err := tx.PaymentTwin(settlement(p, payment.Result{}, src).Receipt)
		if err != nil {
			return nil, err
		}
		if twin != "" && !paired[twin] {
			twins[p.ExternalRef] = twin
			paired[twin] = true
		}
	}
	var lookupErr error
	known := func(ref string) bool {
		if twins[ref] != "" {
			return true
		}
		k, err := tx.PaymentKnown(ref)
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return k
	}
	results := payment.MatchAll(ps, paymentInvoices(open), known)
	if lookupErr != nil {
		return nil, lookupErr
	}
	for i, r := range results {
		p := ps[i]
		if twin := twins[p.ExternalRef]; twin != "" && r.Outcome == payment.Duplicate {
			results[i].Reason = "already recorded from " + twin
			if err := tx.ConfirmPayment(settlement(p, r, src).Receipt, twin, src.Actor); err != nil {
				return nil, atLine(p, err)
			}
			delete(twins, p.ExternalRef) // a line repeated in the file is a plain duplicate
			continue
		}
		if r.Outcome == payment.Duplicate {
			continue
		}
		if _, err := tx.SettlePayment(settlement(p, r, src), src.Actor); err != nil {
			return nil, atLine(p, err)
		}
	}
	return results, nil
}

// atLine says which line of a statement an error is about.
func atLine(p payment.Payment, err error) error {
	if p.Line == 0 {
		return err
	}
	return fmt.Errorf("line %d: %w", p.Line, err)
}

// paymentInvoices turns the store's open invoices into the matcher's.
func paymentInvoices(open []store.MatchableInvoice) []payment.Invoice {
	out := make([]payment.Invoice, 0, len(open))
	for _, m := range open {
		out = append(out, payment.Invoice{ID: m.ID, Number: m.Number, ClientID: m.ClientID, ClientName: m.ClientName,
			ClientEmails: m.ClientEmails, Balance: m.Balance, Currency: m.Currency, DueDate: m.DueDate})
	}
	return out
}

// settlement turns the matcher's decision about a payment into what the
// store records.
func settlement(p payment.Payment, r payment.Result, src PaymentSource) store.Settlement {
	s := store.Settlement{
		Receipt: store.Receipt{Amount: p.Amount, Currency: p.Currency, PaidOn: p.Date, Source: p.Source, Payer: payerText(p),
			Reference: p.Reference, ExternalRef: p.ExternalRef, MessageID: src.MessageID},
		Outcome: string(r.Outcome), Rule: string(r.Rule), ClientID: r.ClientID, Excess: r.Excess, Reason: r.Reason,
		FlagUnknown: src.FlagUnknown,
	}
	for _, a := range r.Allocations {
		s.Allocations = append(s.Allocations, store.Allocation{InvoiceID: a.InvoiceID, Amount: a.Amount})
	}
	for _, c := range r.Candidates {
		s.Candidates = append(s.Candidates, c.InvoiceID)
	}
	return s
}

func payerText(p payment.Payment) string {
	switch {
	case p.Payer != "" && p.PayerEmail != "":
		return p.Payer + " <" + p.PayerEmail + ">"
	case p.Payer != "":
		return p.Payer
	}
	return p.PayerEmail
}
