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
	results, err := SettlePayments(tx, []payment.Payment{n.Payment}, PaymentSource{MessageID: rowID, FlagUnknown: true, Actor: domain.ActorDaemon})
	if err != nil {
		return true, err
	}
	// The mail is tied to the first invoice the money went to (none when
	// it was already known, or was the statement's twin).
	var first int64
	if r := results[0]; r.Outcome != payment.Duplicate && len(r.Allocations) > 0 {
		first = r.Allocations[0].InvoiceID
	}
	return true, tx.SetMessageOutcome(rowID, "payment_notice", first)
}
