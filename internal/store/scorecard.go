package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/scorecard"
)

// Scorecard gives the client's history as the scorecard reads it. It is the
// one place the store's timeline becomes scorecard.History, so every page
// and command that shows a client's figures computes them alike.
func (h History) Scorecard() scorecard.History {
	var out scorecard.History
	at := map[int64]int{} // invoice id → index in out.Invoices
	for _, inv := range h.Invoices {
		si := scorecard.Invoice{Number: inv.Number, Issued: inv.Issued, Due: inv.Due,
			// The store's Amount already has the credit notes taken off.
			Amount:    inv.Amount,
			Cancelled: inv.State == domain.StateCancelled}
		var paid decimal.Decimal
		for _, p := range inv.Payments {
			si.Payments = append(si.Payments, scorecard.Payment{On: p.Date, Amount: p.Amount})
			paid = paid.Add(p.Amount)
		}
		// An invoice marked paid by hand has no payment row for what the
		// owner received: it was settled on that day all the same.
		if !inv.Paid.IsZero() && paid.LessThan(inv.Amount) {
			si.Payments = append(si.Payments, scorecard.Payment{On: inv.Paid, Amount: inv.Amount.Sub(paid)})
		}
		at[inv.ID] = len(out.Invoices)
		out.Invoices = append(out.Invoices, si)
	}
	for _, r := range h.Reminders {
		if i, ok := at[r.InvoiceID]; ok {
			out.Invoices[i].Reminders = append(out.Invoices[i].Reminders,
				scorecard.Reminder{Stage: string(r.Stage), Sent: r.Sent, Formal: r.Stage == domain.StageFormalNotice})
		}
	}
	for _, p := range h.Promises {
		out.Promises = append(out.Promises, scorecard.Promise{Invoice: p.Invoice, Made: p.Made, For: p.Date})
	}
	for _, r := range h.Replies {
		class := domain.ReplyClass(r.Class)
		if class == domain.ReplyDispute {
			out.Disputes = append(out.Disputes, scorecard.Dispute{Invoice: r.Invoice, Raised: r.Received})
		}
		if tone, ok := replyTone(class); ok {
			out.Replies = append(out.Replies, scorecard.Reply{At: r.Received, Tone: tone})
		}
	}
	return out
}

// replyTone reads a reply's tone from its class, the only reading kept: a
// payment or a promise is cordial, a dispute or a grievance tense, anything
// else a person wrote neutral. No class reads as hostile, so the card never
// calls a client hostile on a guess. Machine replies (out of office, bounces)
// say nothing of the client: ok is false.
func replyTone(c domain.ReplyClass) (scorecard.Tone, bool) {
	switch c {
	case domain.ReplyAutoReply, domain.ReplyBounce:
		return "", false
	case domain.ReplyPaid, domain.ReplyPromise:
		return scorecard.ToneCordial, true
	case domain.ReplyDispute, domain.ReplyGrievance:
		return scorecard.ToneTense, true
	}
	return scorecard.ToneNeutral, true
}

// ClientScorecard computes a client's scorecard as of today (the
// business's calendar date): the one reading the command line, the client
// page and the call sheet share.
func (s *Store) ClientScorecard(ctx context.Context, clientID int64, today time.Time) (scorecard.Card, error) {
	h, err := s.BehaviourHistory(ctx, clientID)
	if err != nil {
		return scorecard.Card{}, err
	}
	return scorecard.Compute(h.Scorecard(), today), nil
}
