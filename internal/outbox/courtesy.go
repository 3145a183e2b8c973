package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// Stages outside the ladder: messages that accompany an agreement or a
// payment rather than chase one. They are held and reviewed like every
// draft, but the ladder's send rules (an invoice still owed, the minimum
// gap) do not apply to them; their own re-checks do.
const (
	stagePlanConfirmation   = string(domain.StagePlanConfirmation)
	stageInstalmentReminder = string(domain.StageInstalmentReminder)
	stageThankYou           = string(domain.StageThankYou)
)

func isCourtesy(stage string) bool {
	switch stage {
	case stagePlanConfirmation, stageInstalmentReminder, stageThankYou:
		return true
	}
	return false
}

// courtesy prepares the written confirmation of each new payment plan, a
// gentle reminder when an instalment is missed (a flag when a second one
// is), and thanks when a chased invoice is paid.
func (x *Outbox) courtesy(ctx context.Context, now time.Time) error {
	var errs []error
	all, err := x.o.Store.Plans(ctx)
	if err != nil {
		return err
	}
	// Each plan agreed gets one written confirmation: an invoice with n
	// plans over its life needs n confirmations.
	plansOf := map[int64]int{}
	for _, p := range all {
		plansOf[p.InvoiceID]++
	}
	for _, p := range all {
		if p.Status != "active" {
			continue
		}
		done, err := x.o.Store.CountDrafts(ctx, p.InvoiceID, stagePlanConfirmation)
		if err != nil || done >= plansOf[p.InvoiceID] {
			errs = append(errs, err)
			continue
		}
		var inst []render.Instalment
		for _, in := range p.Instalments {
			if !in.Covered {
				inst = append(inst, render.Instalment{Due: in.Due, Amount: in.Amount.Sub(in.Paid)})
			}
		}
		errs = append(errs, x.courtesyDraft(ctx, now, p.InvoiceID, stagePlanConfirmation, inst))
	}
	missed, err := x.o.Store.MissedInstalments(ctx, now)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, m := range missed {
		switch {
		case m.Missed >= 2 && m.Instalment.FlaggedAt.IsZero():
			errs = append(errs, x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
				if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagPlanMissed, InvoiceID: m.Plan.InvoiceID, ClientID: m.Plan.Client.ID,
					Evidence: []string{fmt.Sprintf("%d instalments of the payment plan for %s missed; %s %s still owed on the one due %s",
						m.Missed, m.Plan.InvoiceNumber, m.Owed.StringFixed(2), m.Plan.Currency, m.Instalment.Due.Format("2006-01-02"))}}); err != nil {
					return err
				}
				return tx.MarkInstalmentFlagged(m.Instalment.ID)
			}))
		case m.Missed == 1 && m.Instalment.RemindedAt.IsZero():
			inst := []render.Instalment{{Due: m.Instalment.Due, Amount: m.Owed}}
			for _, in := range m.Plan.Instalments {
				if !in.Covered && in.Due.After(m.Instalment.Due) {
					inst = append(inst, render.Instalment{Due: in.Due, Amount: in.Amount.Sub(in.Paid)})
				}
			}
			err := x.courtesyDraft(ctx, now, m.Plan.InvoiceID, stageInstalmentReminder, inst)
			if err == nil {
				err = x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.MarkInstalmentReminded(m.Instalment.ID) })
			}
			errs = append(errs, err)
		}
	}
	if !x.o.ThankYou {
		return errors.Join(errs...)
	}
	paid, err := x.o.Store.PaidAfterChasing(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, inv := range paid {
		errs = append(errs, x.courtesyDraft(ctx, now, inv.ID, stageThankYou, nil))
	}
	return errors.Join(errs...)
}

// courtesyDraft holds one courtesy message about an invoice.
func (x *Outbox) courtesyDraft(ctx context.Context, now time.Time, invoiceID int64, stage string, inst []render.Instalment) error {
	invs, err := x.o.Store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return err
	}
	var inv *store.Invoice
	for i := range invs {
		if invs[i].ID == invoiceID {
			inv = &invs[i]
		}
	}
	if inv == nil {
		return fmt.Errorf("outbox: invoice %d: %w", invoiceID, store.ErrNotFound)
	}
	lang := inv.Client.Language
	if lang == "" {
		lang = x.o.Policy.DefaultLanguage
	}
	loc := x.o.Policy.Location
	line := render.InvoiceLine{Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Amount: inv.Amount,
		Balance: inv.Balance, Currency: inv.Currency}
	if !inv.DueDate.IsZero() {
		line.DaysLate = policy.DateIn(now, loc).DaysSince(policy.DateOf(inv.DueDate))
	}
	if stage == stageThankYou {
		// Thanks speak of the invoice as it was, not of a zero balance.
		line.Balance = inv.Amount
	}
	data := render.Data{Language: lang, Stage: stage, Business: x.o.Business, ClientName: inv.Client.Name, B2B: true,
		Invoices: []render.InvoiceLine{line}, Currency: inv.Currency, Instalments: inst, Today: now.In(loc)}
	var refs []string
	if inv.SourceMessageID != "" {
		refs = []string{inv.SourceMessageID}
	}
	return x.hold(ctx, now, heldDraft{clientID: inv.Client.ID, clientName: inv.Client.Name, to: []string{inv.Client.Email},
		data: data, kind: domain.KindMessage, invoiceIDs: []int64{inv.ID}, refs: refs, requiresApproval: true})
}

// considerCourtesy re-checks a courtesy draft at the moment of sending.
func (x *Outbox) considerCourtesy(ctx context.Context, now time.Time, d store.DraftDetail, c store.ChasingClient) error {
	invs, err := x.o.Store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return err
	}
	var inv *store.Invoice
	for i := range invs {
		if len(d.InvoiceIDs) > 0 && invs[i].ID == d.InvoiceIDs[0] {
			inv = &invs[i]
		}
	}
	var reason string
	switch {
	case inv == nil:
		reason = "invoice_gone"
	case d.Stage == stageThankYou && inv.Balance.IsPositive():
		reason = "not_paid"
	case d.Stage != stageThankYou && inv.State != domain.StatePlan:
		reason = "plan_ended"
	case d.Stage == stageInstalmentReminder && c.LastInbound.After(d.CreatedAt):
		reason = "client_wrote"
	}
	if reason == "" && d.Stage == stageInstalmentReminder {
		missed, err := x.o.Store.MissedInstalments(ctx, now)
		if err != nil {
			return err
		}
		still := false
		for _, m := range missed {
			still = still || m.Plan.InvoiceID == inv.ID
		}
		if !still {
			reason = "instalment_paid"
		}
	}
	if reason != "" {
		if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
			return tx.SetDraftStatus(d.ID, domain.DraftSuperseded, domain.ActorDaemon, reason)
		}); err != nil {
			return err
		}
		x.deleteDraftCopy(ctx, d)
		return nil
	}
	hold := d.HoldUntil
	if h := x.o.Policy.HoldUntil(d.CreatedAt); h.After(hold) {
		hold = h
	}
	if now.Before(hold) || !x.o.Policy.InSendWindow(now) {
		return nil
	}
	switch x.o.Mode {
	case domain.ModeDryRun:
		x.log.Info("dry-run: would send", slog.Int64("draft", d.ID), slog.String("stage", d.Stage), slog.Any("to", d.To))
		return nil
	case domain.ModeReview:
		if d.Status != domain.DraftApproved {
			return nil
		}
	}
	return x.send(ctx, now, d)
}
