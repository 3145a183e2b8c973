package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// courtesy prepares the written confirmation of each new payment plan, a
// gentle reminder when an instalment is missed (a flag when a second one
// is), and thanks when a chased invoice is paid. It gathers the facts; the
// policy decides which of these each plan, instalment and invoice calls for.
func (x *Outbox) courtesy(ctx context.Context, now time.Time) error {
	var errs []error
	all, err := x.o.Store.Plans(ctx)
	if err != nil {
		return err
	}
	// The plans each invoice has had over its life, which
	// PlanConfirmationDue weighs against the confirmations drafted.
	plansOf := map[int64]int{}
	for _, p := range all {
		plansOf[p.InvoiceID]++
	}
	for _, p := range all {
		// Only a plan in force is confirmed: the drafts of the others are
		// not even counted.
		active := p.Status == "active"
		if !active {
			continue
		}
		done, err := x.o.Store.CountDrafts(ctx, p.InvoiceID, string(domain.StagePlanConfirmation))
		if err != nil || !policy.PlanConfirmationDue(active, plansOf[p.InvoiceID], done) {
			errs = append(errs, err)
			continue
		}
		var inst []render.Instalment
		for _, in := range p.Instalments {
			if !in.Covered {
				inst = append(inst, render.Instalment{Due: in.Due, Amount: in.Amount.Sub(in.Paid)})
			}
		}
		errs = append(errs, x.courtesyDraft(ctx, now, p.InvoiceID, domain.StagePlanConfirmation, inst, nil))
	}
	// A payment date promised on a call is confirmed in writing, as a plan
	// is: the client rereads what was agreed and can correct it.
	promised, err := x.o.Store.PromisesOnCall(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, p := range promised {
		if policy.PromiseConfirmationDue(domain.StatePromised, p.Promises, p.Confirmations) {
			errs = append(errs, x.courtesyDraft(ctx, now, p.InvoiceID, domain.StagePromiseConfirmation, nil, &p.Date))
		}
	}
	missed, err := x.o.Store.MissedInstalments(ctx, now)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, m := range missed {
		switch policy.OnMissedInstalment(policy.MissedInstalment{Missed: m.Missed,
			Reminded: !m.Instalment.RemindedAt.IsZero(), Flagged: !m.Instalment.FlaggedAt.IsZero()}) {
		case policy.InstalmentFlag:
			errs = append(errs, x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
				if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagPlanMissed, InvoiceID: m.Plan.InvoiceID, ClientID: m.Plan.Client.ID,
					Evidence: []string{fmt.Sprintf("%d instalments of the payment plan for %s missed; %s %s still owed on the one due %s",
						m.Missed, m.Plan.InvoiceNumber, m.Owed.StringFixed(2), m.Plan.Currency, m.Instalment.Due.Format("2006-01-02"))}}); err != nil {
					return err
				}
				return tx.MarkInstalmentFlagged(m.Instalment.ID)
			}))
		case policy.InstalmentRemind:
			inst := []render.Instalment{{Due: m.Instalment.Due, Amount: m.Owed}}
			for _, in := range m.Plan.Instalments {
				if !in.Covered && in.Due.After(m.Instalment.Due) {
					inst = append(inst, render.Instalment{Due: in.Due, Amount: in.Amount.Sub(in.Paid)})
				}
			}
			err := x.courtesyDraft(ctx, now, m.Plan.InvoiceID, domain.StageInstalmentReminder, inst, nil)
			if err == nil {
				err = x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.MarkInstalmentReminded(m.Instalment.ID) })
			}
			errs = append(errs, err)
		}
	}
	if !x.o.ThankYou {
		// No thanks are ever due: the store is not asked for candidates.
		return errors.Join(errs...)
	}
	// The store lists the chased invoices now paid and not yet thanked.
	paid, err := x.o.Store.PaidAfterChasing(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, inv := range paid {
		if policy.ThankYouDue(x.o.ThankYou, inv.State, false) {
			errs = append(errs, x.courtesyDraft(ctx, now, inv.ID, domain.StageThankYou, nil, nil))
		}
	}
	return errors.Join(errs...)
}

// courtesyDraft holds one courtesy message about an invoice: a plan's
// instalments, or the date promised on a call, as the stage needs.
func (x *Outbox) courtesyDraft(ctx context.Context, now time.Time, invoiceID int64, stage domain.DraftStage, inst []render.Instalment, promise *time.Time) error {
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
	if stage == domain.StageThankYou {
		// Thanks speak of the invoice as it was, not of a zero balance.
		line.Balance = inv.Amount
	}
	data := render.Data{Language: lang, Stage: string(stage), Business: x.o.Business, ClientName: inv.Client.Name, B2B: true,
		Invoices: []render.InvoiceLine{line}, Currency: inv.Currency, Instalments: inst, Promise: promise, Today: now.In(loc)}
	var refs []string
	if inv.SourceMessageID != "" {
		refs = []string{inv.SourceMessageID}
	}
	return x.hold(ctx, now, heldDraft{clientID: inv.Client.ID, clientName: inv.Client.Name, to: []string{inv.Client.Email},
		data: data, kind: domain.KindMessage, invoiceIDs: []int64{inv.ID}, refs: refs, requiresApproval: true})
}

// considerCourtesy re-checks a courtesy draft at the moment of sending: it
// gathers what may have changed and executes what policy.ShouldSendCourtesy
// answers.
func (x *Outbox) considerCourtesy(ctx context.Context, now time.Time, d store.DraftDetail, c store.ChasingClient) error {
	invs, err := x.o.Store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return err
	}
	facts := policy.CourtesyFacts{LastInbound: c.LastInbound, Hostile: slices.Contains(c.FlagKinds, string(domain.FlagHostile))}
	var inv *store.Invoice
	for i := range invs {
		if len(d.InvoiceIDs) > 0 && invs[i].ID == d.InvoiceIDs[0] {
			inv = &invs[i]
		}
	}
	if inv != nil {
		facts.InvoiceKnown, facts.State, facts.Balance = true, inv.State, inv.Balance
	}
	if inv != nil && domain.DraftStage(d.Stage) == domain.StageInstalmentReminder {
		missed, err := x.o.Store.MissedInstalments(ctx, now)
		if err != nil {
			return err
		}
		for _, m := range missed {
			facts.StillMissed = facts.StillMissed || m.Plan.InvoiceID == inv.ID
		}
	}
	ok, reason := policy.ShouldSendCourtesy(now, policy.CourtesyDraft{Stage: domain.DraftStage(d.Stage), CreatedAt: d.CreatedAt,
		HoldUntil: d.HoldUntil, Status: d.Status}, facts, x.o.Policy, x.o.Mode)
	switch {
	case ok:
		return x.send(ctx, now, d)
	case reason.Supersedes():
		return x.supersede(ctx, now, d, reason)
	case reason == policy.ReasonDryRun:
		x.log.Info("dry-run: would send", slog.Int64("draft", d.ID), slog.String("stage", d.Stage), slog.Any("to", d.To))
	}
	return nil
}
