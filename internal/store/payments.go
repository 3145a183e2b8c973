package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/text"
)

// Payment sources beyond "manual".
const (
	SourceBankNotice = "bank_notice"
	SourceCSV        = "csv"
	SourceCAMT053    = "camt053"
	SourceCreditNote = "credit_note"
)

// Settlement outcomes (the matcher's words).
const (
	SettleMatched  = "matched"
	SettlePartial  = "partial"
	SettleOverpaid = "overpaid"
	SettleTriage   = "triage"
	SettleUnknown  = "unknown"
)

// Outcomes of payment rows not applied to an invoice.
const (
	PaymentApplied = "applied"
	PaymentExcess  = "excess"
	PaymentTriage  = "triage"
	PaymentUnknown = "unknown"
)

// MatchableInvoice is an open invoice with what payment matching needs.
type MatchableInvoice struct {
	ID           int64
	Number       string
	ClientID     int64
	ClientName   string
	ClientEmails []string
	Balance      decimal.Decimal
	Currency     string
	DueDate      time.Time
	State        string
}

// MatchableInvoices lists the invoices a payment may settle: every invoice
// (not credit note) with something left to pay and not cancelled or written
// off, oldest due first.
func (t *Tx) MatchableInvoices() ([]MatchableInvoice, error) {
	rows, err := t.query(`SELECT i.id, i.number, c.id, c.name, i.balance, i.currency, i.due_date, i.state,
		COALESCE((SELECT group_concat(e.email, ',') FROM client_emails e WHERE e.client_id = c.id), c.email)
		FROM invoices i JOIN clients c ON c.id = i.client_id
		WHERE i.kind = 'invoice' AND i.state NOT IN ` + settledStatesSQL + `
		ORDER BY i.due_date IS NULL, i.due_date, i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: matchable invoices: %w", err)
	}
	defer rows.Close()
	var out []MatchableInvoice
	for rows.Next() {
		var m MatchableInvoice
		var balance, emails string
		var due sql.NullString
		if err := rows.Scan(&m.ID, &m.Number, &m.ClientID, &m.ClientName, &balance, &m.Currency, &due, &m.State, &emails); err != nil {
			return nil, fmt.Errorf("store: matchable invoices: %w", err)
		}
		if m.Balance, err = decimal.NewFromString(balance); err != nil {
			return nil, fmt.Errorf("store: invoice %s: bad balance %q: %w", m.Number, balance, err)
		}
		if !m.Balance.IsPositive() {
			continue
		}
		m.DueDate = parseDate(due)
		m.ClientEmails = splitList(emails)
		out = append(out, m)
	}
	return out, rows.Err()
}

// PaymentKnown reports whether a payment with this external reference was
// already recorded, whole or split over several invoices.
func (t *Tx) PaymentKnown(externalRef string) (bool, error) {
	if externalRef == "" {
		return false, nil
	}
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM payments WHERE external_ref = ?
		OR substr(external_ref, 1, ?) = ?`, externalRef, len(externalRef)+1, externalRef+"#").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up payment %q: %w", externalRef, err)
	}
	return n > 0, nil
}

// Receipt is money received, as its source reported it.
type Receipt struct {
	Amount      decimal.Decimal
	Currency    string
	PaidOn      time.Time
	Source      string // bank_notice, csv, camt053
	Payer       string
	Reference   string
	ExternalRef string // required: what makes recording idempotent
	MessageID   int64  // the notification mail (messages row), 0 for statements
}

// Allocation is the part of a receipt applied to one invoice.
type Allocation struct {
	InvoiceID int64
	Amount    decimal.Decimal
}

// Settlement is a receipt with the matcher's decision.
type Settlement struct {
	Receipt
	Outcome     string // SettleMatched, SettlePartial, SettleOverpaid, SettleTriage, SettleUnknown
	Rule        string
	ClientID    int64 // the payer's client when identified
	Allocations []Allocation
	Excess      decimal.Decimal
	Candidates  []int64 // invoices a human chooses among (triage)
	Reason      string
	// FlagUnknown raises a triage flag for money from an unknown payer too
	// (a notification mail: someone meant to pay us); a statement line
	// from an unknown payer is only reported.
	FlagUnknown bool
}

// SettleResult is what recording a settlement did.
type SettleResult struct {
	Duplicate bool      // already recorded: nothing changed
	Invoices  []Invoice // the invoices paid, as they are now
	FlagID    int64     // the triage or overpayment flag raised, if any
}

// SettlePayment records a matched payment in the transaction: each
// allocation through RecordPayment (balance, paid state, superseded drafts,
// events), the money not applied as a payment row without invoice, and a
// flag where a human must decide. A receipt whose ExternalRef is known
// changes nothing.
func (t *Tx) SettlePayment(s Settlement, actor domain.Actor) (SettleResult, error) {
	if s.ExternalRef == "" {
		return SettleResult{}, errors.New("store: settle payment: no external reference")
	}
	if !s.Amount.IsPositive() {
		return SettleResult{}, fmt.Errorf("store: settle payment %s: amount %s is not positive", s.ExternalRef, s.Amount)
	}
	known, err := t.PaymentKnown(s.ExternalRef)
	if err != nil {
		return SettleResult{}, err
	}
	if known {
		return SettleResult{Duplicate: true}, nil
	}
	var res SettleResult
	applied := decimal.Zero
	for i, a := range s.Allocations {
		ref := s.ExternalRef
		if len(s.Allocations) > 1 || s.Excess.IsPositive() {
			ref = fmt.Sprintf("%s#%d", s.ExternalRef, i+1)
		}
		inv, _, err := t.RecordPayment(Payment{InvoiceID: a.InvoiceID, Amount: a.Amount, Currency: s.Currency, PaidOn: s.PaidOn,
			Source: s.Source, Payer: s.Payer, Reference: s.Reference, ExternalRef: ref}, actor)
		if err != nil {
			return SettleResult{}, err
		}
		if inv.State == domain.StatePaid {
			if err := t.completePlan(inv.ID, actor); err != nil {
				return SettleResult{}, err
			}
		}
		res.Invoices = append(res.Invoices, inv)
		applied = applied.Add(a.Amount)
	}
	rest := s.Amount.Sub(applied)
	detail := map[string]any{"amount": s.Amount.String(), "currency": s.Currency, "paid_on": s.PaidOn.Format(dateLayout),
		"source": s.Source, "payer": s.Payer, "reference": s.Reference, "external_ref": s.ExternalRef, "outcome": s.Outcome,
		"rule": s.Rule, "reason": s.Reason}
	if rest.IsPositive() {
		outcome := PaymentExcess
		switch s.Outcome {
		case SettleTriage:
			outcome = PaymentTriage
		case SettleUnknown:
			outcome = PaymentUnknown
		}
		ref := s.ExternalRef
		if len(s.Allocations) > 0 {
			ref += "#excess"
		}
		payID, err := t.addUnallocated(s, rest, outcome, ref)
		if err != nil {
			return SettleResult{}, err
		}
		detail["unallocated"] = rest.String()
		detail["payment_id"] = payID
		var kind domain.FlagKind
		switch {
		case outcome == PaymentTriage, outcome == PaymentUnknown && s.FlagUnknown:
			kind = domain.FlagTriage
		case outcome == PaymentExcess:
			kind = domain.FlagOverpayment
		}
		if kind != "" {
			ev, err := t.settlementEvidence(s, rest, payID)
			if err != nil {
				return SettleResult{}, err
			}
			f := Flag{Kind: kind, ClientID: s.ClientID, MessageID: s.MessageID, Evidence: ev}
			if len(s.Candidates) == 1 {
				f.InvoiceID = s.Candidates[0]
			}
			if res.FlagID, err = t.OpenFlag(f); err != nil {
				return SettleResult{}, err
			}
		}
	}
	ev := Event{Kind: domain.EventPaymentReceived, ClientID: s.ClientID, MessageID: s.MessageID, FlagID: res.FlagID, Actor: actor, Detail: EventDetail(detail)}
	if len(s.Allocations) == 1 {
		ev.InvoiceID = s.Allocations[0].InvoiceID
	}
	if _, err := t.AddEvent(ev); err != nil {
		return SettleResult{}, err
	}
	return res, nil
}

func (t *Tx) addUnallocated(s Settlement, amount decimal.Decimal, outcome, ref string) (int64, error) {
	cur := s.Currency
	if cur == "" {
		cur = "EUR"
	}
	id, err := t.insert(`INSERT INTO payments (invoice_id, client_id, amount, currency, paid_on, source, payer,
		reference, external_ref, created_at, outcome) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(s.ClientID), amount.String(), cur, s.PaidOn.Format(dateLayout), s.Source, s.Payer, s.Reference, ref, ts(t.now), outcome)
	if err != nil {
		return 0, fmt.Errorf("store: record unallocated payment %s: %w", ref, err)
	}
	return id, nil
}

// settlementEvidence says in a few lines what came in and what a human is
// asked to decide.
func (t *Tx) settlementEvidence(s Settlement, rest decimal.Decimal, payID int64) ([]string, error) {
	who := s.Payer
	if who == "" {
		who = "an unnamed payer"
	}
	ev := []string{fmt.Sprintf("payment #%d: %s %s received on %s from %s", payID, s.Amount.StringFixed(2), s.Currency,
		s.PaidOn.Format(dateLayout), who)}
	if s.Reference != "" {
		ref := strings.Join(strings.Fields(s.Reference), " ")
		if len(ref) > 200 {
			ref = ref[:200] + "…"
		}
		ev = append(ev, "reference: "+ref)
	}
	if s.Reason != "" {
		ev = append(ev, s.Reason)
	}
	if !rest.Equal(s.Amount) {
		ev = append(ev, fmt.Sprintf("%s %s not applied to any invoice", rest.StringFixed(2), s.Currency))
	}
	for _, id := range s.Candidates {
		inv, err := t.invoiceByID(id)
		if err != nil {
			return nil, err
		}
		ev = append(ev, fmt.Sprintf("candidate %s (%s, balance %s %s, due %s)", inv.Number, clientName(inv.Client),
			inv.Balance.StringFixed(2), inv.Currency, dateOrDash(inv.DueDate)))
	}
	return ev, nil
}

func clientName(c Client) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}

func dateOrDash(d time.Time) string {
	if d.IsZero() {
		return "-"
	}
	return d.Format(dateLayout)
}

// UnallocatedPayment is money received that no invoice took (yet).
type UnallocatedPayment struct {
	Payment
	Outcome string // excess, triage, unknown
}

// UnallocatedPayments lists money received and not applied, newest first.
func (s *Store) UnallocatedPayments(ctx context.Context) ([]UnallocatedPayment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(client_id, 0), amount, currency, paid_on, source, payer, reference,
		COALESCE(external_ref, ''), outcome FROM payments WHERE invoice_id IS NULL AND outcome <> 'confirmed' ORDER BY paid_on DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: unallocated payments: %w", err)
	}
	defer rows.Close()
	var out []UnallocatedPayment
	for rows.Next() {
		var p UnallocatedPayment
		var amount string
		var paidOn sql.NullString
		if err := rows.Scan(&p.ID, &p.ClientID, &amount, &p.Currency, &paidOn, &p.Source, &p.Payer, &p.Reference, &p.ExternalRef, &p.Outcome); err != nil {
			return nil, fmt.Errorf("store: unallocated payments: %w", err)
		}
		p.Amount, _ = decimal.NewFromString(amount)
		p.PaidOn = parseDate(paidOn)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AssignPayment applies money left unallocated (a triaged payment, an
// unknown payer) to an invoice once a human has said which: the payment
// row moves to the invoice, with the balance, paid state and events of
// RecordPayment. Any part beyond the invoice's balance stays unallocated.
func (t *Tx) AssignPayment(paymentID, invoiceID int64, actor domain.Actor) (Invoice, error) {
	var amount, cur, paidOn, source, payer, ref, ext, outcome string
	err := t.queryRow(`SELECT amount, currency, paid_on, source, payer, reference, COALESCE(external_ref, ''), outcome
		FROM payments WHERE id = ? AND invoice_id IS NULL`, paymentID).Scan(&amount, &cur, &paidOn, &source, &payer, &ref, &ext, &outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, fmt.Errorf("store: unallocated payment %d: %w", paymentID, ErrNotFound)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("store: unallocated payment %d: %w", paymentID, err)
	}
	a, err := decimal.NewFromString(amount)
	if err != nil {
		return Invoice{}, fmt.Errorf("store: payment %d: bad amount %q: %w", paymentID, amount, err)
	}
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return Invoice{}, err
	}
	if !inv.Balance.IsPositive() {
		return Invoice{}, fmt.Errorf("store: invoice %s owes nothing", inv.Number)
	}
	part := decimal.Min(a, inv.Balance)
	date, _ := time.Parse(dateLayout, paidOn)
	// The row keeps its reference under a new name so that a re-import of
	// the same line still finds it (PaymentKnown matches the "#" suffix).
	newRef := any(nil)
	if ext != "" {
		newRef = ext + "#unallocated"
	}
	if _, err := t.exec(`UPDATE payments SET amount = ?, external_ref = ? WHERE id = ?`,
		a.Sub(part).String(), newRef, paymentID); err != nil {
		return Invoice{}, fmt.Errorf("store: assign payment %d: %w", paymentID, err)
	}
	assignedRef := ""
	if ext != "" {
		assignedRef = fmt.Sprintf("%s#assigned-%d", ext, invoiceID)
	}
	after, _, err := t.RecordPayment(Payment{InvoiceID: invoiceID, Amount: part, Currency: cur, PaidOn: date, Source: source,
		Payer: payer, Reference: ref, ExternalRef: assignedRef}, actor)
	if err != nil {
		return Invoice{}, err
	}
	if a.Equal(part) {
		if _, err := t.exec(`DELETE FROM payments WHERE id = ?`, paymentID); err != nil {
			return Invoice{}, fmt.Errorf("store: assign payment %d: %w", paymentID, err)
		}
	}
	if after.State == domain.StatePaid {
		if err := t.completePlan(after.ID, actor); err != nil {
			return Invoice{}, err
		}
	}
	_, err = t.AddEvent(Event{Kind: domain.EventPaymentAssigned, InvoiceID: invoiceID, ClientID: after.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"payment_id": paymentID, "amount": part.String(), "outcome_was": outcome})})
	return after, err
}

// CreditResult is what applying a credit note did.
type CreditResult struct {
	Applied   bool   // the credited invoice's balance was reduced now
	Duplicate bool   // it had been applied before
	Reason    string // why nothing was applied, when Applied and Duplicate are false
	Credited  Invoice
	Excess    decimal.Decimal // credit beyond the credited invoice's balance
	FlagID    int64
}

// ApplyCreditNote reduces the credited invoice's balance by the credit
// note's amount, once: a credit note is recorded as a payment of source
// credit_note keyed by the credit note, so applying it again changes
// nothing. Credit beyond the balance stays on the credit note (its balance)
// and raises an overpayment flag. A credit note naming an invoice not known
// yet is left for a later call (PendingCreditNotes).
func (t *Tx) ApplyCreditNote(creditNoteID int64, actor domain.Actor) (CreditResult, error) {
	cn, err := t.invoiceByID(creditNoteID)
	if err != nil {
		return CreditResult{}, err
	}
	if cn.Kind != "credit_note" {
		return CreditResult{}, fmt.Errorf("store: %s is not a credit note", cn.Number)
	}
	ref := fmt.Sprintf("credit_note:%d", cn.ID)
	known, err := t.PaymentKnown(ref)
	if err != nil {
		return CreditResult{}, err
	}
	if known {
		return CreditResult{Duplicate: true}, nil
	}
	if strings.TrimSpace(cn.CreditedNumber) == "" {
		return CreditResult{Reason: "the credit note names no invoice"}, nil
	}
	credited, found, err := t.creditedInvoice(cn)
	if err != nil {
		return CreditResult{}, err
	}
	if !found {
		return CreditResult{Reason: fmt.Sprintf("invoice %s is not known yet", cn.CreditedNumber)}, nil
	}
	if credited.Currency != cn.Currency {
		id, err := t.OpenFlag(Flag{Kind: domain.FlagSelfCheck, InvoiceID: credited.ID, ClientID: credited.Client.ID,
			Evidence: []string{fmt.Sprintf("credit note %s is in %s but invoice %s is in %s: apply it by hand", cn.Number, cn.Currency, credited.Number, credited.Currency)}})
		return CreditResult{Reason: "currencies differ", Credited: credited, FlagID: id}, err
	}
	credit := cn.Balance.Abs()
	res := CreditResult{Credited: credited}
	part := decimal.Min(credit, decimal.Max(credited.Balance, decimal.Zero))
	paidOn := cn.IssueDate
	if paidOn.IsZero() {
		paidOn = t.now
	}
	if part.IsPositive() {
		after, _, err := t.RecordPayment(Payment{InvoiceID: credited.ID, Amount: part, Currency: cn.Currency, PaidOn: paidOn,
			Source: SourceCreditNote, Reference: cn.Number, ExternalRef: ref}, actor)
		if err != nil {
			return CreditResult{}, err
		}
		if after.State == domain.StatePaid {
			if err := t.completePlan(after.ID, actor); err != nil {
				return CreditResult{}, err
			}
		}
		res.Applied, res.Credited = true, after
	} else {
		// Nothing to reduce, but the credit note is now dealt with: a row
		// of zero keeps it from being applied again.
		if _, err := t.exec(`INSERT INTO payments (invoice_id, client_id, amount, currency, paid_on, source, reference,
			external_ref, created_at, outcome) VALUES (NULL, ?, '0', ?, ?, ?, ?, ?, ?, ?)`, credited.Client.ID, cn.Currency,
			paidOn.Format(dateLayout), SourceCreditNote, cn.Number, ref, ts(t.now), PaymentExcess); err != nil {
			return CreditResult{}, fmt.Errorf("store: record credit note %s: %w", cn.Number, err)
		}
	}
	res.Excess = credit.Sub(part)
	sign := decimal.NewFromInt(1)
	if cn.Balance.IsNegative() {
		sign = sign.Neg()
	}
	if _, err := t.exec(`UPDATE invoices SET balance = ?, updated_at = ? WHERE id = ?`,
		res.Excess.Mul(sign).String(), ts(t.now), cn.ID); err != nil {
		return CreditResult{}, fmt.Errorf("store: balance of credit note %s: %w", cn.Number, err)
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventCreditNoteApplied, InvoiceID: credited.ID, ClientID: credited.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"credit_note": cn.Number, "credit_note_id": cn.ID, "applied": part.String(),
			"excess": res.Excess.String(), "currency": cn.Currency})}); err != nil {
		return CreditResult{}, err
	}
	if res.Excess.IsPositive() {
		res.FlagID, err = t.OpenFlag(Flag{Kind: domain.FlagOverpayment, InvoiceID: credited.ID, ClientID: credited.Client.ID,
			Evidence: []string{fmt.Sprintf("credit note %s (%s %s) exceeds what invoice %s owed by %s %s: refund or carry it over",
				cn.Number, credit.StringFixed(2), cn.Currency, credited.Number, res.Excess.StringFixed(2), cn.Currency)}})
		if err != nil {
			return CreditResult{}, err
		}
	}
	return res, nil
}

// creditedInvoice finds the invoice a credit note credits: by number,
// preferring the credit note's client.
func (t *Tx) creditedInvoice(cn Invoice) (Invoice, bool, error) {
	want := text.NormalizeNumber(cn.CreditedNumber)
	rows, err := t.query(invoiceSelect+` WHERE i.kind = 'invoice' ORDER BY (i.client_id = ?) DESC, i.id`, cn.Client.ID)
	if err != nil {
		return Invoice{}, false, fmt.Errorf("store: find invoice %s: %w", cn.CreditedNumber, err)
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return Invoice{}, false, fmt.Errorf("store: find invoice %s: %w", cn.CreditedNumber, err)
		}
		if text.NormalizeNumber(inv.Number) == want && want != "" {
			return inv, true, nil
		}
	}
	return Invoice{}, false, rows.Err()
}

// PendingCreditNotes lists credit notes naming an invoice that have not
// been applied yet (the daemon retries them when new invoices arrive).
func (t *Tx) PendingCreditNotes() ([]int64, error) {
	return t.ids("pending credit notes", `SELECT i.id FROM invoices i WHERE i.kind = 'credit_note' AND i.credited_number <> ''
		AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.external_ref = 'credit_note:' || i.id) ORDER BY i.id`)
}

// Plan statuses.
const (
	PlanActive    = "active"
	PlanCompleted = "completed"
	PlanCancelled = "cancelled"
)

// NewInstalment is one agreed date and amount.
type NewInstalment struct {
	Due    time.Time
	Amount decimal.Decimal
}

// Instalment is one step of a payment plan, with what was paid towards it.
type Instalment struct {
	ID         int64
	Seq        int
	Due        time.Time
	Amount     decimal.Decimal
	Paid       decimal.Decimal // received towards this instalment (payments go to the earliest first)
	Covered    bool
	RemindedAt time.Time
	FlaggedAt  time.Time
}

// Plan is a payment plan (échéancier) for one invoice.
type Plan struct {
	ID            int64
	InvoiceID     int64
	InvoiceNumber string
	Client        Client
	Currency      string
	Status        string
	StartBalance  decimal.Decimal
	Balance       decimal.Decimal // the invoice's balance now
	PreviousState string
	CreatedAt     time.Time
	Instalments   []Instalment
}

// ErrPlanExists is returned when an invoice already has an active plan.
var ErrPlanExists = errors.New("store: the invoice already has an active payment plan")

// RecordPlan records an agreed payment plan for an invoice: the
// instalments (dates strictly increasing, amounts positive, adding up to
// the balance exactly), the invoice moved to state plan, and held
// reminders about it superseded (they asked for the whole sum at once).
func (t *Tx) RecordPlan(invoiceID int64, instalments []NewInstalment, actor domain.Actor) (Plan, error) {
	inv, err := t.invoiceByID(invoiceID)
	if err != nil {
		return Plan{}, err
	}
	if inv.Kind != "invoice" {
		return Plan{}, fmt.Errorf("store: %s is a %s, not an invoice", inv.Number, inv.Kind)
	}
	switch inv.State {
	case domain.StatePaid, domain.StateCancelled, domain.StateWrittenOff:
		return Plan{}, fmt.Errorf("store: invoice %s is %s: no plan to agree", inv.Number, inv.State)
	}
	if !inv.Balance.IsPositive() {
		return Plan{}, fmt.Errorf("store: invoice %s owes nothing", inv.Number)
	}
	if len(instalments) == 0 {
		return Plan{}, errors.New("store: a payment plan needs at least one instalment")
	}
	sum := decimal.Zero
	for i, in := range instalments {
		if !in.Amount.IsPositive() {
			return Plan{}, fmt.Errorf("store: instalment %d: amount %s must be positive", i+1, in.Amount)
		}
		if in.Due.IsZero() {
			return Plan{}, fmt.Errorf("store: instalment %d: no due date", i+1)
		}
		if i > 0 && !in.Due.After(instalments[i-1].Due) {
			return Plan{}, fmt.Errorf("store: instalment %d: %s is not after %s", i+1, in.Due.Format(dateLayout), instalments[i-1].Due.Format(dateLayout))
		}
		sum = sum.Add(in.Amount)
	}
	if !sum.Equal(inv.Balance) {
		return Plan{}, fmt.Errorf("store: the instalments add up to %s %s but invoice %s owes %s %s", sum.StringFixed(2), inv.Currency,
			inv.Number, inv.Balance.StringFixed(2), inv.Currency)
	}
	var active int
	if err := t.queryRow(`SELECT COUNT(*) FROM payment_plans WHERE invoice_id = ? AND status = 'active'`, inv.ID).Scan(&active); err != nil {
		return Plan{}, fmt.Errorf("store: look up plan of %s: %w", inv.Number, err)
	}
	if active > 0 {
		return Plan{}, fmt.Errorf("%w (%s)", ErrPlanExists, inv.Number)
	}
	planID, err := t.insert(`INSERT INTO payment_plans (invoice_id, status, start_balance, previous_state, created_at, updated_at)
		VALUES (?, 'active', ?, ?, ?, ?)`, inv.ID, inv.Balance.String(), inv.State, ts(t.now), ts(t.now))
	if err != nil {
		return Plan{}, fmt.Errorf("store: record plan of %s: %w", inv.Number, err)
	}
	var detail []map[string]string
	for i, in := range instalments {
		if _, err := t.exec(`INSERT INTO plan_instalments (plan_id, seq, due_date, amount) VALUES (?, ?, ?, ?)`,
			planID, i+1, in.Due.Format(dateLayout), in.Amount.String()); err != nil {
			return Plan{}, fmt.Errorf("store: record instalment %d of %s: %w", i+1, inv.Number, err)
		}
		detail = append(detail, map[string]string{"due": in.Due.Format(dateLayout), "amount": in.Amount.String()})
	}
	if err := t.SetInvoiceState(inv.ID, domain.StatePlan); err != nil {
		return Plan{}, err
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventPlanRecorded, InvoiceID: inv.ID, ClientID: inv.Client.ID, Actor: actor,
		Detail: EventDetail(map[string]any{"plan_id": planID, "instalments": detail, "previous_state": inv.State, "currency": inv.Currency})}); err != nil {
		return Plan{}, err
	}
	if err := t.supersedeDraftsOf(inv.ID, actor); err != nil {
		return Plan{}, err
	}
	return t.plan(planID)
}

// CancelPlan ends an invoice's active plan and puts the invoice back in the
// state it had before.
func (t *Tx) CancelPlan(invoiceID int64, actor domain.Actor, reason string) error {
	var planID int64
	var prev domain.State
	err := t.queryRow(`SELECT id, previous_state FROM payment_plans WHERE invoice_id = ? AND status = 'active'`, invoiceID).Scan(&planID, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: active plan of invoice %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: active plan of invoice %d: %w", invoiceID, err)
	}
	if _, err := t.exec(`UPDATE payment_plans SET status = `+sqlWord(PlanCancelled)+`, updated_at = ? WHERE id = ?`, ts(t.now), planID); err != nil {
		return fmt.Errorf("store: cancel plan %d: %w", planID, err)
	}
	state, err := t.InvoiceState(invoiceID)
	if err != nil {
		return err
	}
	if state == domain.StatePlan {
		if err := t.SetInvoiceState(invoiceID, prev); err != nil {
			return err
		}
	}
	_, err = t.AddEvent(Event{Kind: domain.EventPlanCancelled, InvoiceID: invoiceID, Actor: actor,
		Detail: EventDetail(map[string]any{"plan_id": planID, "reason": reason, "state": prev})})
	return err
}

// completePlan closes the active plan of an invoice just paid.
func (t *Tx) completePlan(invoiceID int64, actor domain.Actor) error {
	r, err := t.exec(`UPDATE payment_plans SET status = 'completed', updated_at = ? WHERE invoice_id = ? AND status = 'active'`,
		ts(t.now), invoiceID)
	if err != nil {
		return fmt.Errorf("store: complete plan of invoice %d: %w", invoiceID, err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		_, err = t.AddEvent(Event{Kind: domain.EventPlanCompleted, InvoiceID: invoiceID, Actor: actor})
	}
	return err
}

// MarkInstalmentReminded records that a reminder for a missed instalment
// was drafted, so that it is drafted once.
func (t *Tx) MarkInstalmentReminded(instalmentID int64) error {
	return t.markInstalment(instalmentID, "reminded_at")
}

// MarkInstalmentFlagged records that a flag was raised for a missed
// instalment.
func (t *Tx) MarkInstalmentFlagged(instalmentID int64) error {
	return t.markInstalment(instalmentID, "flagged_at")
}

func (t *Tx) markInstalment(id int64, column string) error {
	r, err := t.exec(`UPDATE plan_instalments SET `+column+` = COALESCE(`+column+`, ?) WHERE id = ?`, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: mark instalment %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("store: instalment %d: %w", id, ErrNotFound)
	}
	return nil
}

const planSelect = `SELECT p.id, p.invoice_id, i.number, c.id, c.name, c.email, c.domain, c.language, i.currency, p.status,
	p.start_balance, i.balance, i.state, p.previous_state, p.created_at
	FROM payment_plans p JOIN invoices i ON i.id = p.invoice_id JOIN clients c ON c.id = i.client_id`

func (t *Tx) plan(id int64) (Plan, error) {
	plans, err := queryPlans(t.ctx, t.tx, planSelect+` WHERE p.id = ?`, id)
	if err != nil {
		return Plan{}, err
	}
	if len(plans) == 0 {
		return Plan{}, fmt.Errorf("store: plan %d: %w", id, ErrNotFound)
	}
	return plans[0], nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func queryPlans(ctx context.Context, db querier, q string, args ...any) ([]Plan, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: payment plans: %w", err)
	}
	var out []Plan
	for rows.Next() {
		var p Plan
		var start, balance string
		var state domain.State
		var created sql.NullString
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.InvoiceNumber, &p.Client.ID, &p.Client.Name, &p.Client.Email, &p.Client.Domain,
			&p.Client.Language, &p.Currency, &p.Status, &start, &balance, &state, &p.PreviousState, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: payment plans: %w", err)
		}
		p.StartBalance, _ = decimal.NewFromString(start)
		p.Balance, _ = decimal.NewFromString(balance)
		if state.Settled() {
			p.Balance = decimal.Max(p.Balance, decimal.Zero)
		}
		p.CreatedAt = parseTS(created)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: payment plans: %w", err)
	}
	for i := range out {
		if err := loadInstalments(ctx, db, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadInstalments reads a plan's instalments and spreads what was paid
// since the plan over them, earliest first.
func loadInstalments(ctx context.Context, db querier, p *Plan) error {
	rows, err := db.QueryContext(ctx, `SELECT id, seq, due_date, amount, reminded_at, flagged_at FROM plan_instalments
		WHERE plan_id = ? ORDER BY seq`, p.ID)
	if err != nil {
		return fmt.Errorf("store: instalments of plan %d: %w", p.ID, err)
	}
	defer rows.Close()
	paid := p.StartBalance.Sub(p.Balance)
	for rows.Next() {
		var in Instalment
		var due, reminded, flagged sql.NullString
		var amount string
		if err := rows.Scan(&in.ID, &in.Seq, &due, &amount, &reminded, &flagged); err != nil {
			return fmt.Errorf("store: instalments of plan %d: %w", p.ID, err)
		}
		in.Due = parseDate(due)
		in.Amount, _ = decimal.NewFromString(amount)
		in.RemindedAt, in.FlaggedAt = parseTS(reminded), parseTS(flagged)
		in.Paid = decimal.Max(decimal.Zero, decimal.Min(paid, in.Amount))
		paid = paid.Sub(in.Paid)
		in.Covered = in.Paid.Equal(in.Amount)
		p.Instalments = append(p.Instalments, in)
	}
	return rows.Err()
}

// ActivePlan returns the active plan of an invoice (ErrNotFound when none).
func (s *Store) ActivePlan(ctx context.Context, invoiceID int64) (Plan, error) {
	plans, err := queryPlans(ctx, s.db, planSelect+` WHERE p.invoice_id = ? AND p.status = 'active'`, invoiceID)
	if err != nil {
		return Plan{}, err
	}
	if len(plans) == 0 {
		return Plan{}, fmt.Errorf("store: active plan of invoice %d: %w", invoiceID, ErrNotFound)
	}
	return plans[0], nil
}

// Plans lists the payment plans with the given statuses (all when none),
// newest first.
func (s *Store) Plans(ctx context.Context, statuses ...string) ([]Plan, error) {
	q := planSelect
	var args []any
	if len(statuses) > 0 {
		q += ` WHERE p.status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	return queryPlans(ctx, s.db, q+` ORDER BY p.id DESC`, args...)
}

// MissedInstalment is an instalment whose date has passed without the money.
type MissedInstalment struct {
	Plan       Plan // the whole plan, for the reminder's wording
	Instalment Instalment
	Owed       decimal.Decimal // what is still missing of this instalment
	// Missed counts the plan's instalments missed as of the date, this
	// one included: the first calls for a gentle reminder, the second for
	// a flag.
	Missed int
}

// MissedInstalments lists, for every active plan of an invoice still owed,
// the instalments due before asOf (a calendar date in the business's time
// zone; an instalment due that day is not missed yet) and not covered by
// the payments received, oldest first.
func (s *Store) MissedInstalments(ctx context.Context, asOf time.Time) ([]MissedInstalment, error) {
	plans, err := queryPlans(ctx, s.db, planSelect+` WHERE p.status = 'active' AND i.state NOT IN `+settledStatesSQL+`
		ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	today := asOf.Format(dateLayout)
	var out []MissedInstalment
	for _, p := range plans {
		missed := 0
		for _, in := range p.Instalments {
			if in.Covered || in.Due.Format(dateLayout) >= today {
				continue
			}
			missed++
			out = append(out, MissedInstalment{Plan: p, Instalment: in, Owed: in.Amount.Sub(in.Paid), Missed: missed})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Instalment.Due.Before(out[j].Instalment.Due) })
	return out, nil
}

// twinWindowDays is how far apart a notice's date and the statement's
// booking date of the same transfer may be (weekends, value dates).
const twinWindowDays = 5

// PaymentTwin finds the payment another source already reported for the
// same transfer: a notification mail for a statement line, or a statement
// line for a notice. It is the one earlier report, not yet paired, of the
// same amount and currency within a few days; "" when there is none or
// when several would fit (then the receipt is treated as new money and
// matching decides).
func (t *Tx) PaymentTwin(r Receipt) (string, error) {
	if !r.Amount.IsPositive() || r.PaidOn.IsZero() {
		return "", nil
	}
	var sources []any
	switch r.Source {
	case SourceCSV, SourceCAMT053:
		sources = []any{SourceBankNotice}
	case SourceBankNotice:
		sources = []any{SourceCSV, SourceCAMT053}
	default:
		return "", nil
	}
	from := r.PaidOn.AddDate(0, 0, -twinWindowDays).Format(dateLayout)
	to := r.PaidOn.AddDate(0, 0, twinWindowDays).Format(dateLayout)
	args := append(sources, r.Currency, from, to)
	rows, err := t.query(`SELECT external_ref, amount FROM payments
		WHERE source IN (?`+strings.Repeat(", ?", len(sources)-1)+`) AND currency = ? AND paid_on BETWEEN ? AND ?
		AND external_ref IS NOT NULL AND outcome <> 'confirmed'`, args...)
	if err != nil {
		return "", fmt.Errorf("store: look for the twin of %s: %w", r.ExternalRef, err)
	}
	sums := map[string]decimal.Decimal{}
	var order []string
	for rows.Next() {
		var ref, amount string
		if err := rows.Scan(&ref, &amount); err != nil {
			rows.Close()
			return "", fmt.Errorf("store: look for the twin of %s: %w", r.ExternalRef, err)
		}
		base, _, _ := strings.Cut(ref, "#")
		a, _ := decimal.NewFromString(amount)
		if _, ok := sums[base]; !ok {
			order = append(order, base)
		}
		sums[base] = sums[base].Add(a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	var found []string
	for _, base := range order {
		if !sums[base].Equal(r.Amount) {
			continue
		}
		var paired int
		if err := t.queryRow(`SELECT COUNT(*) FROM payments WHERE confirms = ?`, base).Scan(&paired); err != nil {
			return "", fmt.Errorf("store: look for the twin of %s: %w", r.ExternalRef, err)
		}
		if paired == 0 {
			found = append(found, base)
		}
	}
	if len(found) != 1 {
		return "", nil
	}
	return found[0], nil
}

// ConfirmPayment records a second report of a transfer already recorded
// (twin, from PaymentTwin): no balance changes, and the receipt's reference
// is known from now on, so importing it again changes nothing.
func (t *Tx) ConfirmPayment(r Receipt, twin string, actor domain.Actor) error {
	if r.ExternalRef == "" || twin == "" {
		return errors.New("store: confirm payment: external reference and twin required")
	}
	if _, err := t.exec(`INSERT INTO payments (invoice_id, client_id, amount, currency, paid_on, source, payer,
		reference, external_ref, created_at, outcome, confirms) VALUES (NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?)`,
		r.Amount.String(), r.Currency, r.PaidOn.Format(dateLayout), r.Source, r.Payer, r.Reference, r.ExternalRef, ts(t.now), twin); err != nil {
		return fmt.Errorf("store: confirm payment %s: %w", r.ExternalRef, err)
	}
	_, err := t.AddEvent(Event{Kind: domain.EventPaymentConfirmed, MessageID: r.MessageID, Actor: actor,
		Detail: EventDetail(map[string]any{"external_ref": r.ExternalRef, "confirms": twin, "amount": r.Amount.String(), "source": r.Source})})
	return err
}

// Payments lists the payments recorded for an invoice, oldest first.
func (s *Store) Payments(ctx context.Context, invoiceID int64) ([]Payment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(invoice_id, 0), COALESCE(client_id, 0), amount, currency, paid_on, source,
		payer, reference, COALESCE(external_ref, '') FROM payments WHERE invoice_id = ? ORDER BY paid_on, id`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("store: payments of invoice %d: %w", invoiceID, err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var amount string
		var paidOn sql.NullString
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.ClientID, &amount, &p.Currency, &paidOn, &p.Source, &p.Payer, &p.Reference, &p.ExternalRef); err != nil {
			return nil, fmt.Errorf("store: payments of invoice %d: %w", invoiceID, err)
		}
		p.Amount, _ = decimal.NewFromString(amount)
		p.PaidOn = parseDate(paidOn)
		out = append(out, p)
	}
	return out, rows.Err()
}

// RecordPayment stores a payment against an invoice, lowers its balance and
// marks it paid at zero, with the matching events. A payment whose
// ExternalRef was already recorded changes nothing (duplicate=true).
func (t *Tx) RecordPayment(p Payment, actor domain.Actor) (inv Invoice, duplicate bool, err error) {
	inv, err = t.invoiceByID(p.InvoiceID)
	if err != nil {
		return Invoice{}, false, err
	}
	if p.Currency == "" {
		p.Currency = inv.Currency
	}
	if p.Currency != inv.Currency {
		return Invoice{}, false, fmt.Errorf("store: payment in %s for invoice %s in %s", p.Currency, inv.Number, inv.Currency)
	}
	if !p.Amount.IsPositive() {
		return Invoice{}, false, fmt.Errorf("store: payment amount must be positive, got %s", p.Amount)
	}
	var ext any
	if p.ExternalRef != "" {
		ext = p.ExternalRef
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM payments WHERE external_ref = ?`, p.ExternalRef).Scan(&n); err != nil {
			return Invoice{}, false, fmt.Errorf("store: look up payment: %w", err)
		}
		if n > 0 {
			return inv, true, nil
		}
	}
	payID, err := t.insert(`INSERT INTO payments (invoice_id, client_id, amount, currency, paid_on, source, payer, reference, external_ref, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, inv.Client.ID, p.Amount.String(), p.Currency, p.PaidOn.Format(dateLayout),
		p.Source, p.Payer, p.Reference, ext, ts(t.now))
	if err != nil {
		return Invoice{}, false, fmt.Errorf("store: add payment: %w", err)
	}
	inv.Balance = inv.Balance.Sub(p.Amount)
	if _, err := t.exec(`UPDATE invoices SET balance = ?, updated_at = ? WHERE id = ?`,
		inv.Balance.String(), ts(t.now), inv.ID); err != nil {
		return Invoice{}, false, fmt.Errorf("store: update balance of %s: %w", inv.Number, err)
	}
	if !inv.Balance.IsPositive() && inv.State != domain.StatePaid {
		if err := t.SetInvoiceState(inv.ID, domain.StatePaid); err != nil {
			return Invoice{}, false, err
		}
		inv.State = domain.StatePaid
	}
	detail, _ := json.Marshal(map[string]any{"payment_id": payID, "amount": p.Amount.String(), "currency": p.Currency,
		"paid_on": p.PaidOn.Format(dateLayout), "source": p.Source, "balance": inv.Balance.String()})
	if _, err := t.AddEvent(Event{Kind: domain.EventPaymentRecorded, InvoiceID: inv.ID, ClientID: inv.Client.ID, Actor: actor, Detail: detail}); err != nil {
		return Invoice{}, false, err
	}
	if inv.State == domain.StatePaid {
		if _, err := t.AddEvent(Event{Kind: domain.EventInvoicePaid, InvoiceID: inv.ID, ClientID: inv.Client.ID, Actor: actor}); err != nil {
			return Invoice{}, false, err
		}
		if err := t.supersedeDraftsOf(inv.ID, actor); err != nil {
			return Invoice{}, false, err
		}
	} else if inv.State == domain.StatePaidClaimed && p.Source != SourceCreditNote {
		if inv, err = t.confirmPartialClaim(inv, p, actor); err != nil {
			return Invoice{}, false, err
		}
	}
	return inv, false, nil
}

// RecordOwnerPayment is a payment the owner records by hand, from the
// command line or the web page: both ask this one question, so both refuse
// alike (ErrWrongStatus) a payment on an invoice already settled (paid,
// cancelled, written off), where nothing is owed any more. Money that a bank
// statement or a notice shows goes through RecordPayment, which takes it even
// on a settled invoice: it arrived, whatever the ledger said.
func (t *Tx) RecordOwnerPayment(p Payment, actor domain.Actor) (Invoice, error) {
	cur, err := t.invoiceByID(p.InvoiceID)
	if err != nil {
		return Invoice{}, err
	}
	if cur.State.Settled() {
		return Invoice{}, fmt.Errorf("store: invoice %s is %s: %w", cur.Number, cur.State, ErrWrongStatus)
	}
	inv, _, err := t.RecordPayment(p, actor)
	return inv, err
}

// confirmPartialClaim closes the partial-payment claims of an invoice once a
// payment is recorded against it and it still owes: the claim is settled by
// the fact, and the rest is chased again.
func (t *Tx) confirmPartialClaim(inv Invoice, p Payment, actor domain.Actor) (Invoice, error) {
	ids, err := t.ids("partial claims", `SELECT id FROM flags WHERE kind = ? AND invoice_id = ? AND status <> `+resolvedSQL, domain.FlagPartialClaim, inv.ID)
	if err != nil || len(ids) == 0 {
		return inv, err
	}
	note := fmt.Sprintf("payment of %s %s recorded; %s %s still owed", p.Amount.StringFixed(2), p.Currency, inv.Balance.StringFixed(2), inv.Currency)
	for _, id := range ids {
		if err := t.ResolveFlag(id, actor, note); err != nil {
			return inv, err
		}
	}
	if err := t.ChangeState(StateChange{InvoiceID: inv.ID, From: domain.StatePaidClaimed, To: domain.StateOpen,
		Because: "partial payment confirmed", ClientID: inv.Client.ID, Actor: actor}); err != nil {
		return inv, err
	}
	inv.State = domain.StateOpen
	return inv, nil
}
