package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func payStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), testDB(t, "pay"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func payInvoice(t *testing.T, s *Store, number, email, name, amount, kind, credited string) int64 {
	t.Helper()
	var id int64
	err := s.Update(context.Background(), t0, func(tx *Tx) error {
		c, err := tx.EnsureClient(email, name, "fr")
		if err != nil {
			return err
		}
		id, _, err = tx.UpsertInvoice(NewInvoice{Number: number, Kind: kind, CreditedNumber: credited, ClientID: c.ID,
			Amount: decimal.RequireFromString(amount), Currency: "EUR", IssueDate: t0, DueDate: t0.AddDate(0, 0, 30)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func payDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func payInvoiceNamed(t *testing.T, s *Store, number string) Invoice {
	t.Helper()
	inv, err := s.InvoiceByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestSettlePayment(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		a := payInvoice(t, s, "F-1", "a@client.fr", "Client A", "100", "", "")
		b := payInvoice(t, s, "F-2", "a@client.fr", "Client A", "50", "", "")
		c := payInvoice(t, s, "F-3", "c@client.fr", "Client C", "80", "", "")
		paidOn := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		// A held reminder for F-1 must be superseded when it is paid.
		var draftID int64
		err := s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			draftID, err = tx.CreateDraft(NewDraft{ClientID: 1, Stage: "friendly", To: []string{"a@client.fr"}, Subject: "F-1",
				Body: "…", HoldUntil: t0.AddDate(0, 0, 1), MessageID: "d1@relance", InvoiceIDs: []int64{a, b}}, domain.ActorDaemon)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		settlements := []Settlement{
			{Receipt: Receipt{Amount: payDec("150"), Currency: "EUR", PaidOn: paidOn, Source: SourceCAMT053, Payer: "CLIENT A", ExternalRef: "camt:1"},
				Outcome: SettleMatched, Rule: "several", ClientID: 1, Allocations: []Allocation{{a, payDec("100")}, {b, payDec("50")}}},
			{Receipt: Receipt{Amount: payDec("30"), Currency: "EUR", PaidOn: paidOn, Source: SourceCAMT053, ExternalRef: "camt:2"},
				Outcome: SettlePartial, Rule: "reference", Allocations: []Allocation{{c, payDec("30")}}},
			{Receipt: Receipt{Amount: payDec("70"), Currency: "EUR", PaidOn: paidOn, Source: SourceCAMT053, ExternalRef: "camt:3"},
				Outcome: SettleOverpaid, Rule: "reference", Allocations: []Allocation{{c, payDec("50")}}, Excess: payDec("20")},
			{Receipt: Receipt{Amount: payDec("12"), Currency: "EUR", PaidOn: paidOn, Source: SourceCAMT053, Payer: "Who", ExternalRef: "camt:4"},
				Outcome: SettleUnknown, Reason: "payer is not a known client"},
			{Receipt: Receipt{Amount: payDec("40"), Currency: "EUR", PaidOn: paidOn, Source: SourceCAMT053, Payer: "Client A", ExternalRef: "camt:5"},
				Outcome: SettleTriage, Reason: "which one?", Candidates: []int64{a, b}, ClientID: 1},
		}
		apply := func() []SettleResult {
			var out []SettleResult
			err := s.Update(ctx, t0, func(tx *Tx) error {
				for _, st := range settlements {
					r, err := tx.SettlePayment(st, domain.ActorCLI)
					if err != nil {
						return err
					}
					out = append(out, r)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		first := apply()
		for i, r := range first {
			if r.Duplicate {
				t.Errorf("settlement %d: duplicate on first import", i)
			}
		}
		for num, want := range map[string][2]string{"F-1": {"0", string(domain.StatePaid)}, "F-2": {"0", string(domain.StatePaid)}, "F-3": {"0", string(domain.StatePaid)}} {
			inv := payInvoiceNamed(t, s, num)
			if !inv.Balance.Equal(payDec(want[0])) || inv.State != domain.State(want[1]) {
				t.Errorf("%s: balance %s state %s, want %s %s", num, inv.Balance, inv.State, want[0], want[1])
			}
		}
		if first[2].FlagID == 0 || first[3].FlagID != 0 || first[4].FlagID == 0 {
			t.Errorf("flags: overpaid %d, unknown %d, triage %d; want overpaid and triage flagged, unknown only reported",
				first[2].FlagID, first[3].FlagID, first[4].FlagID)
		}
		flags, err := s.Flags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[domain.FlagKind]Flag{}
		for _, f := range flags {
			kinds[f.Kind] = f
		}
		if f := kinds["triage"]; !strings.Contains(strings.Join(f.Evidence, "\n"), "candidate F-1") || !strings.Contains(strings.Join(f.Evidence, "\n"), "candidate F-2") {
			t.Errorf("triage evidence %q lacks the candidates", f.Evidence)
		}
		if f := kinds["overpayment"]; !strings.Contains(strings.Join(f.Evidence, "\n"), "20.00 EUR not applied") {
			t.Errorf("overpayment evidence %q", f.Evidence)
		}
		drafts, err := s.Drafts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(drafts) != 1 || drafts[0].ID != draftID || drafts[0].Status != domain.DraftSuperseded {
			t.Errorf("draft %+v, want superseded", drafts)
		}
		un, err := s.UnallocatedPayments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(un) != 3 {
			t.Fatalf("unallocated %+v, want excess, unknown, triage", un)
		}
		eventsBefore, _ := s.Events(ctx, 0)

		// Re-import: nothing changes.
		for i, r := range apply() {
			if !r.Duplicate {
				t.Errorf("settlement %d: re-import recorded again", i)
			}
		}
		eventsAfter, _ := s.Events(ctx, 0)
		flagsAfter, _ := s.Flags(ctx)
		if len(eventsAfter) != len(eventsBefore) || len(flagsAfter) != len(flags) {
			t.Errorf("re-import added %d events and %d flags", len(eventsAfter)-len(eventsBefore), len(flagsAfter)-len(flags))
		}

		// The triaged 40 goes to... nothing is owed any more: refused.
		err = s.Update(ctx, t0, func(tx *Tx) error { _, err := tx.AssignPayment(un[2].ID, a, domain.ActorWeb); return err })
		if err == nil {
			t.Errorf("assigning to a paid invoice succeeded")
		}
	})
}

func TestAssignPayment(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		a := payInvoice(t, s, "F-10", "a@client.fr", "Client A", "100", "", "")
		settle := Settlement{Receipt: Receipt{Amount: payDec("130"), Currency: "EUR", PaidOn: t0, Source: SourceCSV, ExternalRef: "csv:x"},
			Outcome: SettleTriage, Candidates: []int64{a}}
		var payID int64
		err := s.Update(ctx, t0, func(tx *Tx) error {
			_, err := tx.SettlePayment(settle, domain.ActorCLI)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		un, err := s.UnallocatedPayments(ctx)
		if err != nil || len(un) != 1 {
			t.Fatalf("unallocated %+v %v", un, err)
		}
		payID = un[0].ID
		var after Invoice
		err = s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			after, err = tx.AssignPayment(payID, a, domain.ActorWeb)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if after.State != domain.StatePaid || !after.Balance.IsZero() {
			t.Errorf("after assignment %s %s", after.Balance, after.State)
		}
		un, _ = s.UnallocatedPayments(ctx)
		if len(un) != 1 || !un[0].Amount.Equal(payDec("30")) {
			t.Errorf("the 30 beyond the invoice should stay unallocated: %+v", un)
		}
		// The same line imported again is still known.
		err = s.Update(ctx, t0, func(tx *Tx) error {
			r, err := tx.SettlePayment(settle, domain.ActorCLI)
			if err == nil && !r.Duplicate {
				t.Errorf("re-import after assignment recorded again")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestApplyCreditNote(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		inv := payInvoice(t, s, "F-2026-7", "a@client.fr", "Client A", "500", "", "")
		cn := payInvoice(t, s, "AV-1", "a@client.fr", "Client A", "-200", "credit_note", "F 2026 7")
		big := payInvoice(t, s, "AV-2", "a@client.fr", "Client A", "400", "credit_note", "F-2026-7")
		orphan := payInvoice(t, s, "AV-3", "a@client.fr", "Client A", "10", "credit_note", "F-404")
		var pending []int64
		err := s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			pending, err = tx.PendingCreditNotes()
			return err
		})
		if err != nil || len(pending) != 3 {
			t.Fatalf("pending %v %v", pending, err)
		}
		run := func(id int64) CreditResult {
			var r CreditResult
			err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				r, err = tx.ApplyCreditNote(id, domain.ActorDaemon)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := run(cn); !r.Applied || !r.Credited.Balance.Equal(payDec("300")) {
			t.Errorf("first credit note: %+v", r)
		}
		if r := run(cn); !r.Duplicate || !payInvoiceNamed(t, s, "F-2026-7").Balance.Equal(payDec("300")) {
			t.Errorf("second application changed the balance: %+v", r)
		}
		r := run(big)
		if !r.Applied || r.Credited.State != domain.StatePaid || !r.Excess.Equal(payDec("100")) || r.FlagID == 0 {
			t.Errorf("larger credit note: %+v", r)
		}
		if got := payInvoiceNamed(t, s, "AV-2"); !got.Balance.Equal(payDec("100")) {
			t.Errorf("credit left on AV-2: %s, want 100", got.Balance)
		}
		if r := run(orphan); r.Applied || r.Reason == "" {
			t.Errorf("orphan credit note: %+v", r)
		}
		_ = s.Update(ctx, t0, func(tx *Tx) error {
			pending, err = tx.PendingCreditNotes()
			return err
		})
		if len(pending) != 1 || pending[0] != orphan {
			t.Errorf("pending after: %v", pending)
		}
		err = s.Update(ctx, t0, func(tx *Tx) error { _, err := tx.ApplyCreditNote(inv, domain.ActorDaemon); return err })
		if err == nil {
			t.Errorf("an invoice was applied as a credit note")
		}
	})
}

func TestPaymentPlan(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		id := payInvoice(t, s, "F-50", "p@client.fr", "Client P", "900", "", "")
		day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
		three := []NewInstalment{{day("2026-12-15"), payDec("300")}, {day("2027-01-15"), payDec("300")}, {day("2027-02-15"), payDec("300")}}
		bad := map[string][]NewInstalment{
			"wrong total":    {{day("2026-12-15"), payDec("300")}},
			"dates reversed": {{day("2027-01-15"), payDec("450")}, {day("2026-12-15"), payDec("450")}},
			"zero amount":    {{day("2026-12-15"), payDec("0")}, {day("2027-01-15"), payDec("900")}},
			"none":           nil,
		}
		for name, inst := range bad {
			err := s.Update(ctx, t0, func(tx *Tx) error { _, err := tx.RecordPlan(id, inst, domain.ActorCLI); return err })
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		var plan Plan
		err := s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			plan, err = tx.RecordPlan(id, three, domain.ActorCLI)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Status != PlanActive || len(plan.Instalments) != 3 || payInvoiceNamed(t, s, "F-50").State != domain.StatePlan {
			t.Fatalf("plan %+v", plan)
		}
		err = s.Update(ctx, t0, func(tx *Tx) error { _, err := tx.RecordPlan(id, three, domain.ActorCLI); return err })
		if !errors.Is(err, ErrPlanExists) {
			t.Errorf("second plan: %v, want ErrPlanExists", err)
		}
		missed := func(asOf string) []MissedInstalment {
			m, err := s.MissedInstalments(ctx, day(asOf))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		pay := func(amount, ref string) {
			err := s.Update(ctx, t0, func(tx *Tx) error {
				_, err := tx.SettlePayment(Settlement{Receipt: Receipt{Amount: payDec(amount), Currency: "EUR", PaidOn: t0, Source: SourceCSV, ExternalRef: ref},
					Outcome: SettlePartial, Allocations: []Allocation{{id, payDec(amount)}}}, domain.ActorCLI)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if m := missed("2026-12-15"); len(m) != 0 {
			t.Errorf("due today is not missed yet: %+v", m)
		}
		m := missed("2026-12-16")
		if len(m) != 1 || m[0].Instalment.Seq != 1 || m[0].Missed != 1 || !m[0].Owed.Equal(payDec("300")) {
			t.Fatalf("first missed: %+v", m)
		}
		err = s.Update(ctx, t0, func(tx *Tx) error { return tx.MarkInstalmentReminded(m[0].Instalment.ID) })
		if err != nil {
			t.Fatal(err)
		}
		pay("200", "p1") // part of the first instalment
		m = missed("2027-01-20")
		if len(m) != 2 || !m[0].Owed.Equal(payDec("100")) || m[0].Instalment.RemindedAt.IsZero() || m[1].Missed != 2 {
			t.Fatalf("after a partial payment: %+v", m)
		}
		pay("400", "p2") // the rest of the first and the second
		if m := missed("2027-01-20"); len(m) != 0 {
			t.Errorf("covered instalments still missed: %+v", m)
		}
		pay("300", "p3")
		if inv := payInvoiceNamed(t, s, "F-50"); inv.State != domain.StatePaid {
			t.Errorf("after the last instalment: %s", inv.State)
		}
		plans, err := s.Plans(ctx)
		if err != nil || len(plans) != 1 || plans[0].Status != PlanCompleted {
			t.Errorf("plans %+v %v", plans, err)
		}
		if m := missed("2027-06-01"); len(m) != 0 {
			t.Errorf("a paid invoice has missed instalments: %+v", m)
		}
	})
}

func TestCancelPlan(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		id := payInvoice(t, s, "F-60", "p@client.fr", "Client P", "100", "", "")
		err := s.Update(ctx, t0, func(tx *Tx) error {
			if err := tx.SetInvoiceState(id, domain.StatePromised); err != nil {
				return err
			}
			if _, err := tx.RecordPlan(id, []NewInstalment{{t0.AddDate(0, 1, 0), payDec("100")}}, domain.ActorCLI); err != nil {
				return err
			}
			return tx.CancelPlan(id, domain.ActorCLI, "client asked")
		})
		if err != nil {
			t.Fatal(err)
		}
		if st := payInvoiceNamed(t, s, "F-60").State; st != domain.StatePromised {
			t.Errorf("state after cancel %s, want promised", st)
		}
		if _, err := s.ActivePlan(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("active plan after cancel: %v", err)
		}
	})
}

func TestMatchableInvoices(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		payInvoice(t, s, "F-70", "a@client.fr", "Client A", "100", "", "")
		payInvoice(t, s, "AV-70", "a@client.fr", "Client A", "-100", "credit_note", "F-70")
		paid := payInvoice(t, s, "F-71", "b@client.fr", "Client B", "10", "", "")
		err := s.Update(ctx, t0, func(tx *Tx) error {
			if _, _, err := tx.RecordPayment(Payment{InvoiceID: paid, Amount: payDec("10"), PaidOn: t0, Source: "manual"}, domain.ActorCLI); err != nil {
				return err
			}
			if _, err := tx.EnsureClient("compta@client.fr", "", ""); err != nil {
				return err
			}
			invs, err := tx.MatchableInvoices()
			if err != nil {
				return err
			}
			if len(invs) != 1 || invs[0].Number != "F-70" || invs[0].ClientEmails[0] != "a@client.fr" {
				t.Errorf("matchable %+v", invs)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestPaymentTwin(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := payStore(t)
		day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
		notice := func(ref, amount string) Settlement {
			return Settlement{Receipt: Receipt{Amount: payDec(amount), Currency: "EUR", PaidOn: day, Source: SourceBankNotice, ExternalRef: ref},
				Outcome: SettleUnknown}
		}
		line := Receipt{Amount: payDec("60"), Currency: "EUR", PaidOn: day.AddDate(0, 0, 2), Source: SourceCAMT053, ExternalRef: "camt:9"}
		err := s.Update(ctx, t0, func(tx *Tx) error {
			for _, n := range []Settlement{notice("notice:a", "60"), notice("notice:b", "70")} {
				if _, err := tx.SettlePayment(n, domain.ActorDaemon); err != nil {
					return err
				}
			}
			twin, err := tx.PaymentTwin(line)
			if err != nil || twin != "notice:a" {
				t.Errorf("twin %q %v, want notice:a", twin, err)
			}
			if err := tx.ConfirmPayment(line, twin, domain.ActorCLI); err != nil {
				return err
			}
			// Paired once only.
			if twin, _ := tx.PaymentTwin(Receipt{Amount: payDec("60"), Currency: "EUR", PaidOn: day, Source: SourceCSV, ExternalRef: "csv:2"}); twin != "" {
				t.Errorf("notice paired twice with %q", twin)
			}
			// Too far apart, another currency, the same source: no twin.
			for _, r := range []Receipt{
				{Amount: payDec("70"), Currency: "EUR", PaidOn: day.AddDate(0, 0, 9), Source: SourceCSV},
				{Amount: payDec("70"), Currency: "GBP", PaidOn: day, Source: SourceCSV},
				{Amount: payDec("70"), Currency: "EUR", PaidOn: day, Source: SourceBankNotice},
			} {
				if twin, _ := tx.PaymentTwin(r); twin != "" {
					t.Errorf("%+v paired with %q", r, twin)
				}
			}
			// Two notices fit: no guess.
			if _, err := tx.SettlePayment(notice("notice:c", "70"), domain.ActorDaemon); err != nil {
				return err
			}
			if twin, _ := tx.PaymentTwin(Receipt{Amount: payDec("70"), Currency: "EUR", PaidOn: day, Source: SourceCSV}); twin != "" {
				t.Errorf("ambiguous twin chosen: %q", twin)
			}
			known, err := tx.PaymentKnown("camt:9")
			if err != nil || !known {
				t.Errorf("confirmed line not known: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		un, _ := s.UnallocatedPayments(ctx)
		if len(un) != 3 {
			t.Errorf("unallocated %d, want the three notices (the confirmation is not money)", len(un))
		}
	})
}
