package policy

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func TestPlanConfirmationDue(t *testing.T) {
	tests := []struct {
		name          string
		active        bool
		agreed, drawn int
		want          bool
	}{
		{"first plan, none drafted", true, 1, 0, true},
		{"first plan, confirmed", true, 1, 1, false},
		{"second plan after a first confirmed", true, 2, 1, true},
		{"second plan, both confirmed", true, 2, 2, false},
		{"more confirmations than plans (edited by hand)", true, 1, 3, false},
		{"plan no longer active", false, 1, 0, false},
		{"ended plan, confirmed", false, 2, 2, false},
	}
	for _, tt := range tests {
		if got := PlanConfirmationDue(tt.active, tt.agreed, tt.drawn); got != tt.want {
			t.Errorf("%s: PlanConfirmationDue(%v, %d, %d) = %v, want %v", tt.name, tt.active, tt.agreed, tt.drawn, got, tt.want)
		}
	}
}

func TestOnMissedInstalment(t *testing.T) {
	tests := []struct {
		name string
		m    MissedInstalment
		want InstalmentAction
	}{
		{"first miss", MissedInstalment{Missed: 1}, InstalmentRemind},
		{"first miss, reminded", MissedInstalment{Missed: 1, Reminded: true}, InstalmentNothing},
		{"first miss, flagged by an earlier count", MissedInstalment{Missed: 1, Flagged: true}, InstalmentRemind},
		{"second miss", MissedInstalment{Missed: 2}, InstalmentFlag},
		{"second miss, already reminded", MissedInstalment{Missed: 2, Reminded: true}, InstalmentFlag},
		{"second miss, flagged", MissedInstalment{Missed: 2, Flagged: true}, InstalmentNothing},
		{"third miss", MissedInstalment{Missed: 3}, InstalmentFlag},
		{"third miss, flagged", MissedInstalment{Missed: 3, Reminded: true, Flagged: true}, InstalmentNothing},
		{"no miss counted", MissedInstalment{}, InstalmentNothing},
	}
	for _, tt := range tests {
		if got := OnMissedInstalment(tt.m); got != tt.want {
			t.Errorf("%s: OnMissedInstalment(%+v) = %d, want %d", tt.name, tt.m, got, tt.want)
		}
	}
}

func TestThankYouDue(t *testing.T) {
	tests := []struct {
		enabled bool
		state   domain.State
		thanked bool
		want    bool
	}{
		{true, domain.StatePaid, false, true},
		{true, domain.StatePaid, true, false},
		{false, domain.StatePaid, false, false},
		{true, domain.StateOpen, false, false},
		{true, domain.StatePlan, false, false},
		{true, domain.StatePaidClaimed, false, false},
		{true, domain.StateCancelled, false, false},
	}
	for _, tt := range tests {
		if got := ThankYouDue(tt.enabled, tt.state, tt.thanked); got != tt.want {
			t.Errorf("ThankYouDue(%v, %s, %v) = %v, want %v", tt.enabled, tt.state, tt.thanked, got, tt.want)
		}
	}
}

func TestShouldSendCourtesy(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	created := at(2026, 1, 13, 10, 0) // Tuesday
	now := at(2026, 1, 14, 10, 0)     // after the hold, in the window
	draft := func(stage domain.DraftStage, f ...func(*CourtesyDraft)) CourtesyDraft {
		d := CourtesyDraft{Stage: stage, CreatedAt: created, HoldUntil: at(2026, 1, 14, 9, 0), Status: domain.DraftApproved}
		for _, fn := range f {
			fn(&d)
		}
		return d
	}
	plan := CourtesyFacts{InvoiceKnown: true, State: domain.StatePlan, Balance: decimal.NewFromInt(600), StillMissed: true}
	paid := CourtesyFacts{InvoiceKnown: true, State: domain.StatePaid, Balance: decimal.Zero}
	with := func(f CourtesyFacts, fn func(*CourtesyFacts)) CourtesyFacts { fn(&f); return f }
	held := func(d *CourtesyDraft) { d.Status = domain.DraftHeld }
	plans := []domain.DraftStage{domain.StagePlanConfirmation, domain.StageInstalmentReminder}

	type row struct {
		name   string
		now    time.Time
		p      *Policy
		d      CourtesyDraft
		f      CourtesyFacts
		mode   domain.Mode
		ok     bool
		reason Reason
	}
	var tests []row
	for _, st := range plans {
		tests = append(tests,
			row{name: string(st) + ": plan in force", d: draft(st), f: plan, mode: domain.ModeReview, ok: true, reason: ReasonOK},
			row{name: string(st) + ": invoice gone", d: draft(st), f: CourtesyFacts{}, mode: domain.ModeReview, reason: ReasonInvoiceGone},
			row{name: string(st) + ": invoice paid, plan over", d: draft(st), f: paid, mode: domain.ModeReview, reason: ReasonPlanEnded},
			row{name: string(st) + ": plan cancelled, invoice open again", d: draft(st), f: with(plan, func(f *CourtesyFacts) { f.State = domain.StateOpen }),
				mode: domain.ModeReview, reason: ReasonPlanEnded},
			row{name: string(st) + ": held, auto mode", d: draft(st, held), f: plan, mode: domain.ModeAuto, ok: true, reason: ReasonOK},
		)
	}
	tests = append(tests,
		row{name: "confirmation: the client wrote since (no matter)", d: draft(domain.StagePlanConfirmation),
			f: with(plan, func(f *CourtesyFacts) { f.LastInbound = now }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "confirmation: no instalment missed (no matter)", d: draft(domain.StagePlanConfirmation),
			f: with(plan, func(f *CourtesyFacts) { f.StillMissed = false }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "reminder: the client wrote since", d: draft(domain.StageInstalmentReminder),
			f: with(plan, func(f *CourtesyFacts) { f.LastInbound = created.Add(time.Hour) }), mode: domain.ModeReview, reason: ReasonClientWrote},
		row{name: "reminder: the client wrote before the draft", d: draft(domain.StageInstalmentReminder),
			f: with(plan, func(f *CourtesyFacts) { f.LastInbound = created.Add(-time.Hour) }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "reminder: the client wrote exactly when it was made", d: draft(domain.StageInstalmentReminder),
			f: with(plan, func(f *CourtesyFacts) { f.LastInbound = created }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		// A promise made on a call is confirmed while it is pending, even
		// after the client wrote (the letter confirms what was said).
		row{name: "promise confirmation: still promised", d: draft(domain.StagePromiseConfirmation),
			f: with(plan, func(f *CourtesyFacts) { f.State = domain.StatePromised; f.LastInbound = now }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "promise confirmation: paid meanwhile", d: draft(domain.StagePromiseConfirmation), f: paid, mode: domain.ModeReview, reason: ReasonPromiseEnded},
		row{name: "promise confirmation: a plan replaced it", d: draft(domain.StagePromiseConfirmation), f: plan, mode: domain.ModeReview, reason: ReasonPromiseEnded},
		row{name: "promise confirmation: broken, open again", d: draft(domain.StagePromiseConfirmation),
			f: with(plan, func(f *CourtesyFacts) { f.State = domain.StateOpen }), mode: domain.ModeReview, reason: ReasonPromiseEnded},
		row{name: "promise confirmation: held, review mode", d: draft(domain.StagePromiseConfirmation, held),
			f: with(plan, func(f *CourtesyFacts) { f.State = domain.StatePromised }), mode: domain.ModeReview, reason: ReasonNotApproved},
		row{name: "reminder: instalment paid since", d: draft(domain.StageInstalmentReminder),
			f: with(plan, func(f *CourtesyFacts) { f.StillMissed = false }), mode: domain.ModeReview, reason: ReasonInstalmentPaid},
		row{name: "reminder: the client wrote and paid", d: draft(domain.StageInstalmentReminder),
			f: with(plan, func(f *CourtesyFacts) { f.StillMissed = false; f.LastInbound = now }), mode: domain.ModeReview, reason: ReasonClientWrote},
		row{name: "thanks: paid", d: draft(domain.StageThankYou), f: paid, mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "thanks: paid, the client wrote since (no matter)", d: draft(domain.StageThankYou),
			f: with(paid, func(f *CourtesyFacts) { f.LastInbound = now }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "thanks: overpaid", d: draft(domain.StageThankYou), f: with(paid, func(f *CourtesyFacts) { f.Balance = decimal.NewFromInt(-5) }),
			mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "thanks: a balance again (payment reversed)", d: draft(domain.StageThankYou),
			f: with(paid, func(f *CourtesyFacts) { f.State = domain.StateOpen; f.Balance = decimal.NewFromInt(10) }), mode: domain.ModeReview, reason: ReasonNotPaid},
		row{name: "thanks: invoice gone", d: draft(domain.StageThankYou), f: CourtesyFacts{}, mode: domain.ModeReview, reason: ReasonInvoiceGone},
		row{name: "thanks: not a plan (no matter)", d: draft(domain.StageThankYou), f: with(paid, func(f *CourtesyFacts) { f.State = domain.StateCancelled }),
			mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "one minute before the hold ends", now: at(2026, 1, 14, 8, 59), d: draft(domain.StageThankYou), f: paid, mode: domain.ModeReview, reason: ReasonHeld},
		row{name: "exactly at the hold's end", now: at(2026, 1, 14, 9, 0), d: draft(domain.StageThankYou), f: paid, mode: domain.ModeReview, ok: true, reason: ReasonOK},
		row{name: "stored hold earlier than the rule is ignored", now: at(2026, 1, 13, 11, 0),
			d: draft(domain.StageThankYou, func(d *CourtesyDraft) { d.HoldUntil = created }), f: paid, mode: domain.ModeReview, reason: ReasonHeld},
		row{name: "stored hold later than the rule is kept", d: draft(domain.StageThankYou, func(d *CourtesyDraft) { d.HoldUntil = at(2026, 1, 15, 9, 0) }),
			f: paid, mode: domain.ModeAuto, reason: ReasonHeld},
		row{name: "outside the send window", now: at(2026, 1, 14, 12, 0), d: draft(domain.StageThankYou), f: paid, mode: domain.ModeReview, reason: ReasonOutsideWindow},
		row{name: "a holiday", now: at(2026, 4, 6, 10, 0), d: draft(domain.StageThankYou, func(d *CourtesyDraft) { d.CreatedAt = at(2026, 4, 2, 10, 0) }),
			f: paid, mode: domain.ModeReview, reason: ReasonOutsideWindow},
		row{name: "review mode, not approved", d: draft(domain.StageThankYou, held), f: paid, mode: domain.ModeReview, reason: ReasonNotApproved},
		row{name: "auto mode, approved", d: draft(domain.StageThankYou), f: paid, mode: domain.ModeAuto, ok: true, reason: ReasonOK},
		row{name: "dry-run, approved", d: draft(domain.StageThankYou), f: paid, mode: domain.ModeDryRun, reason: ReasonDryRun},
		row{name: "dry-run, held", d: draft(domain.StageThankYou, held), f: paid, mode: domain.ModeDryRun, reason: ReasonDryRun},
		row{name: "dry-run, but the situation changed", d: draft(domain.StageThankYou), f: CourtesyFacts{}, mode: domain.ModeDryRun, reason: ReasonInvoiceGone},
		row{name: "unknown mode never sends", d: draft(domain.StageThankYou), f: paid, mode: domain.Mode("yolo"), reason: ReasonUnknownMode},
		row{name: "a ladder stage is not a courtesy mail", d: draft("friendly"), f: paid, mode: domain.ModeReview, reason: ReasonUnknown},
		row{name: "uncompiled policy", p: &Policy{}, d: draft(domain.StageThankYou), f: paid, mode: domain.ModeReview, reason: ReasonUnknown},
	)
	seen := map[Reason]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := p
			if tt.p != nil {
				pol = *tt.p
			}
			n := now
			if !tt.now.IsZero() {
				n = tt.now
			}
			ok, r := ShouldSendCourtesy(n, tt.d, tt.f, pol, tt.mode)
			if ok != tt.ok || r != tt.reason {
				t.Errorf("ShouldSendCourtesy = %v, %s; want %v, %s", ok, r.Code(), tt.ok, tt.reason.Code())
			}
			seen[r] = true
		})
	}
	// Every answer ShouldSendCourtesy can give has a row, and exactly the
	// situation changes retire the draft; the rest only wait.
	supersede := map[Reason]bool{ReasonInvoiceGone: true, ReasonNotPaid: true, ReasonPlanEnded: true,
		ReasonClientWrote: true, ReasonInstalmentPaid: true, ReasonPromiseEnded: true}
	wait := []Reason{ReasonOK, ReasonHeld, ReasonOutsideWindow, ReasonNotApproved, ReasonDryRun, ReasonUnknownMode, ReasonUnknown}
	for r := range supersede {
		if !seen[r] || !r.Supersedes() {
			t.Errorf("%s: tested %v, supersedes %v; want both", r.Code(), seen[r], r.Supersedes())
		}
	}
	for _, r := range wait {
		if !seen[r] || r.Supersedes() {
			t.Errorf("%s: tested %v, supersedes %v; want tested, waiting", r.Code(), seen[r], r.Supersedes())
		}
	}
	if len(seen) != len(supersede)+len(wait) {
		t.Errorf("answers seen %v: a reason without its row above", seen)
	}
}

// A written confirmation follows each promise made on a call, while the
// invoice is still promised.
func TestPromiseConfirmationDue(t *testing.T) {
	for _, tc := range []struct {
		state             domain.State
		promises, drafted int
		want              bool
	}{
		{domain.StatePromised, 1, 0, true},
		{domain.StatePromised, 1, 1, false},
		{domain.StatePromised, 2, 1, true},  // a second call, a new date
		{domain.StatePromised, 0, 0, false}, // promised in a reply: the client wrote it
		{domain.StatePaid, 1, 0, false},
		{domain.StatePlan, 1, 0, false},
		{domain.StateOpen, 1, 0, false},
	} {
		if got := PromiseConfirmationDue(tc.state, tc.promises, tc.drafted); got != tc.want {
			t.Errorf("PromiseConfirmationDue(%s, %d, %d) = %v, want %v", tc.state, tc.promises, tc.drafted, got, tc.want)
		}
	}
}

// The courtesy reasons are recorded with every superseded draft: their
// codes are stored and must not change.
func TestCourtesyReasonCodes(t *testing.T) {
	for r, code := range map[Reason]string{ReasonInvoiceGone: "invoice_gone", ReasonNotPaid: "not_paid",
		ReasonPlanEnded: "plan_ended", ReasonClientWrote: "client_wrote", ReasonInstalmentPaid: "instalment_paid",
		ReasonPromiseEnded: "promise_ended"} {
		if r.Code() != code {
			t.Errorf("reason %d: code %q, want %q", r, r.Code(), code)
		}
	}
}
