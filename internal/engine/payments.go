package engine

import (
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

// recordNotice recognises a payment notification (a bank's transfer alert,
// a provider's receipt) among received mail and records the payment it
// announces: matched to the open invoices, applied in this transaction,
// sent to triage when uncertain. It reports whether the mail was a notice;
// a notice is not a client's reply and must not be classified as one.
func (e *Engine) recordNotice(tx *store.Tx, rowID int64, msg *message.Message, rules []payment.NoticeRule) (bool, error) {
	if len(rules) == 0 || msg == nil {
		return false, nil
	}
	n, ok := payment.ParseNotice(msg, rules)
	if !ok {
		return false, nil
	}
	if n.Currency == "" {
		n.Currency = e.invOpt.DefaultCurrency
	}
	if n.Date.IsZero() {
		n.Date = tx.Now()
	}
	known, err := tx.PaymentKnown(n.ExternalRef)
	if err != nil {
		return true, err
	}
	if known {
		// The same notice filed in a second folder.
		return true, tx.SetMessageOutcome(rowID, "payment_notice", 0)
	}
	// The statement imported before the notice arrived already has it.
	s := Settlement(n.Payment, payment.Result{})
	s.MessageID = rowID
	twin, err := tx.PaymentTwin(s.Receipt)
	if err != nil {
		return true, err
	}
	if twin != "" {
		if err := tx.ConfirmPayment(s.Receipt, twin, domain.ActorDaemon); err != nil {
			return true, err
		}
		return true, tx.SetMessageOutcome(rowID, "payment_notice", 0)
	}
	open, err := tx.MatchableInvoices()
	if err != nil {
		return true, err
	}
	r := payment.Match(n.Payment, PaymentInvoices(open))
	s = Settlement(n.Payment, r)
	s.MessageID = rowID
	// Someone wrote to say they paid us: even from an unknown payer, a
	// human should see where the money belongs.
	s.FlagUnknown = true
	var first int64
	if len(s.Allocations) > 0 {
		first = s.Allocations[0].InvoiceID
	}
	if err := tx.SetMessageOutcome(rowID, "payment_notice", first); err != nil {
		return true, err
	}
	if _, err := tx.SettlePayment(s, domain.ActorDaemon); err != nil {
		return true, err
	}
	return true, nil
}

// PaymentInvoices turns the store's open invoices into the matcher's.
func PaymentInvoices(open []store.MatchableInvoice) []payment.Invoice {
	out := make([]payment.Invoice, 0, len(open))
	for _, m := range open {
		out = append(out, payment.Invoice{ID: m.ID, Number: m.Number, ClientID: m.ClientID, ClientName: m.ClientName,
			ClientEmails: m.ClientEmails, Balance: m.Balance, Currency: m.Currency, DueDate: m.DueDate})
	}
	return out
}

// Settlement turns the matcher's decision about a payment into what the
// store records.
func Settlement(p payment.Payment, r payment.Result) store.Settlement {
	s := store.Settlement{
		Receipt: store.Receipt{Amount: p.Amount, Currency: p.Currency, PaidOn: p.Date, Source: p.Source, Payer: payerText(p),
			Reference: p.Reference, ExternalRef: p.ExternalRef},
		Outcome: string(r.Outcome), Rule: string(r.Rule), ClientID: r.ClientID, Excess: r.Excess, Reason: r.Reason,
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
