package policy

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func TestShouldSend(t *testing.T) {
	at := parisAt(t)
	p := defaultPolicy(t)
	excluding, err := ParseBytes([]byte(`{"clients": {"1": {"excluded": true}}}`))
	if err != nil {
		t.Fatal(err)
	}

	created := at(2026, 1, 13, 10, 0) // Tuesday
	baseDraft := DraftState{ID: 1, Kind: domain.KindMessage, Stage: 2, InvoiceIDs: []int64{tid("a")}, CreatedAt: created,
		HoldUntil: at(2026, 1, 14, 9, 0), Status: domain.DraftApproved}
	baseClient := client(inv("a", day(2026, 1, 5), 0), inv("b", day(2026, 1, 5), 0))
	now := at(2026, 1, 14, 10, 0)

	draft := func(f func(*DraftState)) DraftState {
		d := baseDraft
		d.InvoiceIDs = append([]int64(nil), d.InvoiceIDs...)
		f(&d)
		return d
	}
	cl := func(f func(*ClientState)) ClientState {
		c := baseClient
		c.Invoices = append([]InvoiceState(nil), c.Invoices...)
		f(&c)
		return c
	}
	held := func(d *DraftState) { d.Status = domain.DraftHeld }

	tests := []struct {
		name   string
		p      *Policy
		now    time.Time
		d      DraftState
		c      ClientState
		mode   domain.Mode
		ok     bool
		reason Reason
	}{
		{name: "approved, after hold, in window", d: baseDraft, c: baseClient, mode: domain.ModeReview, ok: true, reason: ReasonOK},
		{name: "exactly at hold end", now: at(2026, 1, 14, 9, 0), d: baseDraft, c: baseClient, mode: domain.ModeReview, ok: true, reason: ReasonOK},
		{name: "one minute before hold end", now: at(2026, 1, 14, 8, 59), d: baseDraft, c: baseClient, mode: domain.ModeReview, reason: ReasonHeld},
		{name: "same day as created", now: at(2026, 1, 13, 11, 0), d: baseDraft, c: baseClient, mode: domain.ModeReview, reason: ReasonHeld},
		{name: "stored hold earlier than the rule is ignored", now: at(2026, 1, 13, 11, 0),
			d: draft(func(d *DraftState) { d.HoldUntil = created }), c: baseClient, mode: domain.ModeReview, reason: ReasonHeld},
		{name: "stored hold later than the rule is kept", now: at(2026, 1, 14, 10, 0),
			d: draft(func(d *DraftState) { d.HoldUntil = at(2026, 1, 15, 9, 0) }), c: baseClient, mode: domain.ModeReview, reason: ReasonHeld},
		{name: "outside window", now: at(2026, 1, 14, 12, 0), d: baseDraft, c: baseClient, mode: domain.ModeReview, reason: ReasonOutsideWindow},
		{name: "holiday", now: at(2026, 4, 6, 10, 0), d: draft(func(d *DraftState) { d.CreatedAt = at(2026, 4, 2, 10, 0) }),
			c: baseClient, mode: domain.ModeReview, reason: ReasonOutsideWindow},
		{name: "review mode, not approved", d: draft(held), c: baseClient, mode: domain.ModeReview, reason: ReasonNotApproved},
		{name: "auto mode, held message goes", d: draft(held), c: baseClient, mode: domain.ModeAuto, ok: true, reason: ReasonOK},
		{name: "auto mode never sends a formal notice unapproved",
			d: draft(func(d *DraftState) { held(d); d.Kind = domain.KindFormalNotice; d.Stage = 5 }), c: baseClient, mode: domain.ModeAuto,
			reason: ReasonApprovalRequired},
		{name: "auto mode sends an approved formal notice",
			d: draft(func(d *DraftState) { d.Kind = domain.KindFormalNotice; d.Stage = 5 }), c: baseClient, mode: domain.ModeAuto, ok: true, reason: ReasonOK},
		{name: "review mode, formal notice not approved",
			d: draft(func(d *DraftState) { held(d); d.Kind = domain.KindFormalNotice }), c: baseClient, mode: domain.ModeReview, reason: ReasonNotApproved},
		{name: "auto mode never sends unapproved after a dispute", d: draft(held),
			c: cl(func(c *ClientState) { c.Invoices[0].DisputedBefore = true }), mode: domain.ModeAuto, reason: ReasonApprovalRequired},
		{name: "unknown kind needs approval in auto mode", d: draft(func(d *DraftState) { held(d); d.Kind = "" }), c: baseClient,
			mode: domain.ModeAuto, reason: ReasonApprovalRequired},
		{name: "dry-run never sends", d: baseDraft, c: baseClient, mode: domain.ModeDryRun, reason: ReasonDryRun},
		{name: "dry-run reports the real blocker first", now: at(2026, 1, 13, 11, 0), d: baseDraft, c: baseClient, mode: domain.ModeDryRun, reason: ReasonHeld},
		{name: "unknown mode", d: baseDraft, c: baseClient, mode: "turbo", reason: ReasonUnknownMode},
		{name: "already sent", d: draft(func(d *DraftState) { d.Status = domain.DraftSent }), c: baseClient, mode: domain.ModeAuto, reason: ReasonAlreadySent},
		{name: "cancelled", d: draft(func(d *DraftState) { d.Status = domain.DraftCancelled }), c: baseClient, mode: domain.ModeAuto, reason: ReasonDraftCancelled},
		{name: "superseded", d: draft(func(d *DraftState) { d.Status = domain.DraftSuperseded }), c: baseClient, mode: domain.ModeAuto, reason: ReasonDraftSuperseded},
		{name: "unknown status", d: draft(func(d *DraftState) { d.Status = "lost" }), c: baseClient, mode: domain.ModeAuto, reason: ReasonUnknown},
		{name: "paid", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StatePaid }), mode: domain.ModeReview, reason: ReasonPaid},
		{name: "balance reached zero", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].Balance = decimal.Zero }), mode: domain.ModeReview, reason: ReasonPaid},
		{name: "one of two grouped invoices paid", d: draft(func(d *DraftState) { d.InvoiceIDs = []int64{tid("a"), tid("b")} }),
			c: cl(func(c *ClientState) { c.Invoices[1].Balance = decimal.Zero }), mode: domain.ModeReview, reason: ReasonPaid},
		{name: "cancelled invoice", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StateCancelled }), mode: domain.ModeReview, reason: ReasonInvoiceClosed},
		{name: "written off", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StateWrittenOff }), mode: domain.ModeReview, reason: ReasonInvoiceClosed},
		{name: "payment claimed", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StatePaidClaimed }), mode: domain.ModeReview, reason: ReasonPaymentClaimed},
		{name: "disputed", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StateDisputed }), mode: domain.ModeReview, reason: ReasonDisputed},
		{name: "promise made", d: baseDraft, c: cl(func(c *ClientState) {
			c.Invoices[0].State, c.Invoices[0].PromiseDate = domain.StatePromised, day(2026, 1, 20)
		}), mode: domain.ModeReview, reason: ReasonPromised},
		{name: "payment plan", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StatePlan }), mode: domain.ModeReview, reason: ReasonPaymentPlan},
		{name: "on hold", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].State = domain.StateOnHold }), mode: domain.ModeReview, reason: ReasonOnHold},
		{name: "paused", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].PausedUntil = at(2026, 2, 1, 0, 0) }), mode: domain.ModeReview, reason: ReasonPaused},
		{name: "open flag on invoice", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].OpenFlags = []domain.FlagKind{"bounce"} }), mode: domain.ModeReview, reason: ReasonOpenFlag},
		{name: "dispute flag on invoice", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[0].OpenFlags = []domain.FlagKind{domain.FlagDispute} }), mode: domain.ModeReview, reason: ReasonDisputed},
		{name: "grievance on another invoice", d: baseDraft, c: cl(func(c *ClientState) { c.Invoices[1].OpenFlags = []domain.FlagKind{domain.FlagGrievance} }), mode: domain.ModeReview, reason: ReasonGrievance},
		{name: "hardship on the client", d: baseDraft, c: cl(func(c *ClientState) { c.ClientFlags = []domain.FlagKind{domain.FlagHardship} }), mode: domain.ModeReview, reason: ReasonHardship},
		{name: "invoice unknown", d: draft(func(d *DraftState) { d.InvoiceIDs = []int64{tid("zz")} }), c: baseClient, mode: domain.ModeReview, reason: ReasonInvoiceUnknown},
		{name: "no invoice", d: draft(func(d *DraftState) { d.InvoiceIDs = nil }), c: baseClient, mode: domain.ModeReview, reason: ReasonNoInvoice},
		{name: "client wrote after the draft", d: baseDraft, c: cl(func(c *ClientState) { c.LastInbound = at(2026, 1, 13, 17, 0) }), mode: domain.ModeReview, reason: ReasonInboundSinceDraft},
		{name: "client wrote before the draft", d: baseDraft, c: cl(func(c *ClientState) { c.LastInbound = at(2026, 1, 13, 9, 0) }), mode: domain.ModeReview, ok: true, reason: ReasonOK},
		{name: "out of office", d: baseDraft, c: cl(func(c *ClientState) { c.OutOfOfficeUntil = at(2026, 1, 16, 0, 0) }), mode: domain.ModeReview, reason: ReasonOutOfOffice},
		{name: "min gap", d: baseDraft, c: cl(func(c *ClientState) { c.LastContact = at(2026, 1, 12, 10, 0) }), mode: domain.ModeReview, reason: ReasonMinGap},
		{name: "min gap just over", now: at(2026, 1, 14, 10, 0), d: baseDraft, c: cl(func(c *ClientState) { c.LastContact = at(2026, 1, 7, 10, 0) }),
			mode: domain.ModeReview, ok: true, reason: ReasonOK},
		{name: "excluded", p: &excluding, d: baseDraft, c: baseClient, mode: domain.ModeAuto, reason: ReasonExcluded},
		{name: "no recipient", d: baseDraft, c: cl(func(c *ClientState) { c.Client.Emails = nil }), mode: domain.ModeAuto, reason: ReasonNoRecipient},
		{name: "uncompiled policy", p: &Policy{}, d: baseDraft, c: baseClient, mode: domain.ModeAuto, reason: ReasonUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := p
			if tt.p != nil {
				pol = *tt.p
			}
			n := tt.now
			if n.IsZero() {
				n = now
			}
			ok, r := ShouldSend(n, tt.d, tt.c, pol, tt.mode)
			if ok != tt.ok || r != tt.reason {
				t.Errorf("ShouldSend = %v, %s; want %v, %s", ok, r.Code(), tt.ok, tt.reason.Code())
			}
		})
	}
}

func TestReasonsHaveCodesAndText(t *testing.T) {
	seen := map[string]Reason{}
	for r := ReasonUnknown + 1; r < reasonEnd; r++ {
		code := r.Code()
		if code == "unknown" || r.String() == "" {
			t.Errorf("reason %d has no code or text", r)
		}
		if prev, dup := seen[code]; dup {
			t.Errorf("reasons %d and %d share code %q", prev, r, code)
		}
		seen[code] = r
		var back Reason
		b, _ := r.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("round trip of %q: %v %v", code, back, err)
		}
	}
	var r Reason
	if err := r.UnmarshalText([]byte("nope")); err == nil {
		t.Error("unknown code accepted")
	}
	for _, r := range []Reason{ReasonPaid, ReasonInboundSinceDraft, ReasonDisputed, ReasonGrievance} {
		if !r.Supersedes() {
			t.Errorf("%s should supersede", r.Code())
		}
	}
	for _, r := range []Reason{ReasonHeld, ReasonOutsideWindow, ReasonNotApproved, ReasonMinGap, ReasonDryRun, ReasonOK} {
		if r.Supersedes() {
			t.Errorf("%s should not supersede", r.Code())
		}
	}
}
