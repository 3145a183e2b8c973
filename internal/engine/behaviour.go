package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// RaiseBehaviourFlags reads the history of every client that still owes an
// invoice and opens a flag for each behaviour signal (silence after reminders,
// slower answers, a broken promise, partial payments, a punctual client now
// late) that was not raised before, with the default thresholds.
func (e *Engine) RaiseBehaviourFlags(ctx context.Context, now time.Time) error {
	return e.RaiseBehaviourFlagsWith(ctx, now, classify.DefaultThresholds())
}

// RaiseBehaviourFlagsWith is RaiseBehaviourFlags with explicit thresholds.
//
// A signal is flagged at most once: not while a flag of its kind is open on
// the same invoice, and never again once the very same signal (kind, invoice
// and evidence) was raised, so a human who resolves a flag is not asked the
// same question on the next pass. Signals about settled invoices are history
// only; a signal about the client as a whole lands on its oldest open invoice.
func (e *Engine) RaiseBehaviourFlagsWith(ctx context.Context, now time.Time, th classify.Thresholds) error {
	open, err := e.st.Invoices(ctx, store.InvoiceFilter{States: []domain.State{domain.StateOpen, domain.StatePromised,
		domain.StatePaidClaimed, domain.StateDisputed, domain.StateOnHold, domain.StatePlan}})
	if err != nil {
		return fmt.Errorf("engine: behaviour: %w", err)
	}
	seen := map[int64]bool{}
	var clients []int64
	for _, inv := range open {
		if inv.Kind == "credit_note" || seen[inv.Client.ID] {
			continue
		}
		seen[inv.Client.ID] = true
		clients = append(clients, inv.Client.ID)
	}
	sort.Slice(clients, func(i, j int) bool { return clients[i] < clients[j] })
	// Every client is read first, and what it signals is written in one
	// transaction: a first pass over years of history raises hundreds of
	// signals, and a commit each made it wait on the disk hundreds of times.
	var pending []clientSignals
	for _, id := range clients {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: behaviour: %w", err)
		}
		cs, err := e.behaviourOf(ctx, now, id, th)
		if err != nil {
			return err
		}
		if len(cs.signals) > 0 {
			pending = append(pending, cs)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	return e.st.Update(ctx, now, func(tx *store.Tx) error {
		for _, cs := range pending {
			if err := e.raise(ctx, tx, cs); err != nil {
				return err
			}
		}
		return nil
	})
}

// clientSignals is what one client's history signals, with the open
// invoices a signal may land on.
type clientSignals struct {
	clientID     int64
	signals      []classify.Signal
	openByNumber map[string]int64
	oldest       int64 // the open invoice a signal about the client lands on
}

func (e *Engine) behaviourOf(ctx context.Context, now time.Time, clientID int64, th classify.Thresholds) (clientSignals, error) {
	cs := clientSignals{clientID: clientID}
	h, err := e.st.BehaviourHistory(ctx, clientID)
	if err != nil {
		return cs, fmt.Errorf("engine: behaviour of client %d: %w", clientID, err)
	}
	signals := classify.Behaviour(toClassifyHistory(h), now, th)
	if len(signals) == 0 {
		return cs, nil
	}
	openByNumber := map[string]int64{}
	var oldest *store.HistoryInvoice
	for i := range h.Invoices {
		inv := &h.Invoices[i]
		if !inv.Open() {
			continue
		}
		openByNumber[inv.Number] = inv.ID
		if oldest == nil || dueKey(inv).Before(dueKey(oldest)) {
			oldest = inv
		}
	}
	if oldest == nil {
		return cs, nil
	}
	cs.signals, cs.openByNumber, cs.oldest = signals, openByNumber, oldest.ID
	return cs, nil
}

// raise opens a flag for each of a client's signals not already open or
// raised before.
func (e *Engine) raise(ctx context.Context, tx *store.Tx, cs clientSignals) error {
	clientID := cs.clientID
	for _, sig := range cs.signals {
		invID := cs.oldest
		if sig.Invoice != "" {
			id, ok := cs.openByNumber[sig.Invoice]
			if !ok {
				continue
			}
			invID = id
		}
		kind := flagKind(sig.Kind)
		exists, err := tx.OpenFlagExists(kind, invID, clientID)
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		raised, err := tx.SignalRaised(kind, invID, sig.Evidence)
		if err != nil {
			return err
		}
		if raised {
			continue
		}
		flagID, err := tx.OpenFlag(store.Flag{Kind: kind, InvoiceID: invID, ClientID: clientID, Evidence: []string{sig.Evidence}})
		if err != nil {
			return err
		}
		if err := tx.RecordSignal(kind, invID, clientID, flagID, sig.Evidence); err != nil {
			return err
		}
		e.log.InfoContext(ctx, "behaviour signal", slog.String("kind", string(kind)), slog.Int64("client", clientID),
			slog.Int64("invoice", invID), slog.String("evidence", sig.Evidence))
	}
	return nil
}

// dueKey orders invoices by due date, undated ones by issue date.
func dueKey(inv *store.HistoryInvoice) time.Time {
	if !inv.Due.IsZero() {
		return inv.Due
	}
	return inv.Issued
}

func toClassifyHistory(h store.History) classify.History {
	var out classify.History
	for _, inv := range h.Invoices {
		r := classify.InvoiceRecord{Number: inv.Number, Amount: inv.Amount, Issued: inv.Issued, Due: inv.Due}
		if !inv.Paid.IsZero() {
			p := inv.Paid
			r.Paid = &p
		}
		for _, p := range inv.Payments {
			r.Payments = append(r.Payments, classify.PaymentRecord{Date: p.Date, Amount: p.Amount})
		}
		out.Invoices = append(out.Invoices, r)
	}
	for _, r := range h.Reminders {
		out.Reminders = append(out.Reminders, classify.ReminderRecord{Invoice: r.Invoice, Sent: r.Sent})
	}
	for _, r := range h.Replies {
		out.Replies = append(out.Replies, classify.ReplyRecord{Invoice: r.Invoice, Received: r.Received, Class: classify.Class(r.Class)})
	}
	for _, p := range h.Promises {
		out.Promises = append(out.Promises, classify.PromiseRecord{Invoice: p.Invoice, Made: p.Made, Date: p.Date, Kept: p.Kept})
	}
	return out
}

// flagKind names the flag a behaviour signal raises. A broken promise is
// also noticed by the policy when it decides; both use one kind so that the
// owner sees one flag, not two.
func flagKind(k classify.SignalKind) domain.FlagKind {
	if k == classify.SignalPromiseBroken {
		return domain.FlagBrokenPromise
	}
	return domain.FlagKind(k)
}
