package policy

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// policyEffect shows what one setting of the policy file changes: the same
// question asked of a policy without the setting (off, "{}" when empty)
// and with it (on) gets a different answer, the one the setting promises.
type policyEffect struct {
	key     string // the setting's path, as TestEveryPolicySettingHasATest names it
	off, on string
	check   func(t *testing.T, off, on Policy)
}

// policyEffects is one row per setting of config/policy.example.json and
// of Config; TestEveryPolicySettingHasATest fails when a setting has none.
func policyEffects(t *testing.T) []policyEffect {
	at := parisAt(t)
	now := at(2026, 1, 13, 10, 0) // a Tuesday
	monday := at(2026, 1, 12, 10, 0)
	dueFriendly := func() ClientState { return client(inv("a", day(2025, 12, 29), 0)) } // 15 days late
	decide := func(p Policy, c ClientState) Decision { return Decide(now, c, p) }
	business := func(d Date) func(t *testing.T, off, on Policy) {
		return func(t *testing.T, off, on Policy) {
			if got, was := on.Calendar.IsBusinessDate(d), off.Calendar.IsBusinessDate(d); got == was {
				t.Errorf("%s working day: %v with the setting and without", d, got)
			}
		}
	}
	action := func(off, on Action) func(t *testing.T, po, pn Policy) {
		return func(t *testing.T, po, pn Policy) {
			if d := decide(po, dueFriendly()); d.Action != off {
				t.Errorf("without: %s (%v), want %s", d.Action, d.Reason, off)
			}
			if d := decide(pn, dueFriendly()); d.Action != on {
				t.Errorf("with: %s (%v), want %s", d.Action, d.Reason, on)
			}
		}
	}
	blocked := func(reason Reason, c func() ClientState) func(t *testing.T, off, on Policy) {
		return func(t *testing.T, off, on Policy) {
			if d := decide(off, c()); d.Action != ActionDraft {
				t.Errorf("without: %s (%v), want a draft", d.Action, d.Reason)
			}
			if d := decide(on, c()); d.Action != ActionNone || d.Reason != reason {
				t.Errorf("with: %s (%v), want none (%v)", d.Action, d.Reason, reason)
			}
		}
	}
	decision := func(get func(Decision) any, off, on any) func(t *testing.T, po, pn Policy) {
		return func(t *testing.T, po, pn Policy) {
			if g := get(decide(po, dueFriendly())); !reflect.DeepEqual(g, off) {
				t.Errorf("without: %v, want %v", g, off)
			}
			if g := get(decide(pn, dueFriendly())); !reflect.DeepEqual(g, on) {
				t.Errorf("with: %v, want %v", g, on)
			}
		}
	}
	rate := func(d Date, off, on string) func(t *testing.T, po, pn Policy) {
		return func(t *testing.T, po, pn Policy) {
			for _, c := range []struct {
				p    Policy
				want string
			}{{po, off}, {pn, on}} {
				r, err := c.p.Penalties.L441Rate(d)
				if err != nil || !r.Equal(decimal.RequireFromString(c.want)) {
					t.Errorf("L441 rate on %s = %s (%v), want %s", d, r, err, c.want)
				}
			}
		}
	}
	penalties := func(get func(PenaltyResult) decimal.Decimal, off, on string) func(t *testing.T, po, pn Policy) {
		return func(t *testing.T, po, pn Policy) {
			for _, c := range []struct {
				p    Policy
				want string
			}{{po, off}, {pn, on}} {
				in := c.p.PenaltyInputFor(InvoiceState{Number: "F-1", Amount: decimal.NewFromInt(1000), Currency: "EUR",
					DueDate: day(2025, 7, 1)}, Client{Emails: []string{"compta@client.example"}},
					[]Payment{{Date: day(2025, 10, 1), Amount: decimal.NewFromInt(500)}}, day(2025, 12, 31))
				res, err := LatePenalties(in)
				if err != nil || !get(res).Equal(decimal.RequireFromString(c.want)) {
					t.Errorf("got %s (%v), want %s", get(res), err, c.want)
				}
			}
		}
	}
	twoLadders := `"ladders": {"standard": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 7}]},
		"slow": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 30}]}}`
	oneStage := func(extra string) string {
		return `{"ladders": {"l": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 7` + extra + `}]}}}`
	}
	commented := `{"comment": "c", "send_window": {"comment": "c"}, "ladders": {"l": {"comment": "c", "stages": [
		{"name": "friendly", "kind": "message", "offset_days": 7, "comment": "c"}]}},
		"clients": {"@x.example": {"comment": "c"}}, "penalties": {"comment": "c"}}`

	signalPause := func(key string, kind domain.FlagKind) policyEffect {
		return policyEffect{key: "behaviour_signals." + key + ".pause", on: `{"behaviour_signals": {"` + key + `": {"pause": true}}}`,
			check: blocked(ReasonSignalPause, func() ClientState {
				c := dueFriendly()
				c.Invoices[0].OpenFlags = []domain.FlagKind{kind}
				return c
			})}
	}
	repeatLadder := func(repeat string) string {
		return `{"ladders": {"standard": {"stages": [
			{"name": "friendly", "kind": "message", "offset_days": 7},
			{"name": "formal_notice", "kind": "formal_notice", "offset_days": 45},
			{"name": "professional", "kind": "hand_off", "offset_days": 60}]` + repeat + `}}}`
	}
	pastTheLadder := func() ClientState { return client(inv("a", day(2025, 10, 30), 3)) } // 75 days late, every stage done
	repeatDecision := func(check func(t *testing.T, without, with Decision)) func(t *testing.T, off, on Policy) {
		return func(t *testing.T, off, on Policy) {
			check(t, decide(off, pastTheLadder()), decide(on, pastTheLadder()))
		}
	}
	effects := []policyEffect{
		signalPause("silence", domain.FlagSilence), signalPause("slower", domain.FlagSlower), signalPause("broken_promise", domain.FlagBrokenPromise),
		signalPause("partial", domain.FlagPartial), signalPause("suddenly_late", domain.FlagSuddenlyLate),
		{key: "ladders.*.repeat.times", off: repeatLadder(""), on: repeatLadder(`, "repeat": {"every_days": 15, "times": 2}`),
			check: repeatDecision(func(t *testing.T, without, with Decision) {
				if without.Action != ActionNone || without.Reason != ReasonLadderDone || with.Action != ActionFormalNotice {
					t.Errorf("after the last stage: %s (%v) without a repeat, %s with", without.Action, without.Reason, with.Action)
				}
			})},
		{key: "ladders.*.repeat.every_days", off: repeatLadder(`, "repeat": {"every_days": 30, "times": 2}`),
			on: repeatLadder(`, "repeat": {"every_days": 15, "times": 2}`),
			check: repeatDecision(func(t *testing.T, without, with Decision) {
				if without.Action != ActionNone || without.Reason != ReasonNotYetDue || with.Action != ActionFormalNotice {
					t.Errorf("75 days late: %s (%v) every 30 days, %s every 15", without.Action, without.Reason, with.Action)
				}
			})},
		{key: "ladders.*.repeat.stage", off: repeatLadder(`, "repeat": {"every_days": 15, "times": 2}`),
			on: repeatLadder(`, "repeat": {"every_days": 15, "times": 2, "stage": "friendly"}`),
			check: repeatDecision(func(t *testing.T, without, with Decision) {
				if without.Template != "formal_notice" || with.Template != "friendly" {
					t.Errorf("repeated %q by default, %q with the stage named", without.Template, with.Template)
				}
			})},
	}
	return append(effects, []policyEffect{
		{key: "comment", off: oneStage(""), on: commented, check: func(t *testing.T, off, on Policy) {
			if a, b := decide(off, dueFriendly()), decide(on, dueFriendly()); !reflect.DeepEqual(a, b) {
				t.Errorf("comments changed the decision: %+v / %+v", a, b)
			}
		}},
		{key: "time_zone", on: `{"time_zone": "America/New_York"}`, check: func(t *testing.T, off, on Policy) {
			ny, _ := time.LoadLocation("America/New_York")
			h := on.HoldUntil(now)
			if h.In(ny).Hour() != 9 || h.Equal(off.HoldUntil(now)) {
				t.Errorf("hold ends %s with the zone, %s without", h, off.HoldUntil(now))
			}
		}},
		{key: "holidays", on: `{"holidays": "none"}`, check: business(day(2026, 7, 14))},
		{key: "holidays", on: `{"holidays": "fr-alsace-moselle"}`, check: business(day(2026, 4, 3))},
		{key: "closed_days", on: `{"closed_days": ["2026-12-23"]}`, check: business(day(2026, 12, 23))},
		{key: "open_days", on: `{"open_days": ["2026-07-14"]}`, check: business(day(2026, 7, 14))},
		{key: "review_time", on: `{"review_time": "14:00"}`, check: func(t *testing.T, off, on Policy) {
			if h := on.HoldUntil(now); !h.Equal(at(2026, 1, 14, 14, 0)) || off.HoldUntil(now).Equal(h) {
				t.Errorf("hold ends %s, want Wednesday 14:00", h)
			}
		}},
		{key: "send_window.days", on: `{"send_window": {"days": ["tue", "wed", "thu"]}}`, check: func(t *testing.T, off, on Policy) {
			if n := on.NextSendTime(monday); !n.Equal(at(2026, 1, 13, 9, 0)) || !off.NextSendTime(monday).Equal(monday) {
				t.Errorf("next send from Monday: %s with, %s without", n, off.NextSendTime(monday))
			}
		}},
		{key: "send_window.start", on: `{"send_window": {"start": "10:30"}}`, check: func(t *testing.T, off, on Policy) {
			if n := on.NextSendTime(monday); !n.Equal(at(2026, 1, 12, 10, 30)) || !off.NextSendTime(monday).Equal(monday) {
				t.Errorf("next send at 10:00: %s with, %s without", n, off.NextSendTime(monday))
			}
		}},
		{key: "send_window.end", on: `{"send_window": {"end": "10:00"}}`, check: func(t *testing.T, off, on Policy) {
			eleven := at(2026, 1, 12, 11, 0)
			if n := on.NextSendTime(eleven); !n.Equal(at(2026, 1, 13, 9, 0)) || !off.NextSendTime(eleven).Equal(eleven) {
				t.Errorf("next send at 11:00: %s with, %s without", n, off.NextSendTime(eleven))
			}
		}},
		{key: "min_gap_business_days", on: `{"min_gap_business_days": 10}`,
			check: blocked(ReasonMinGap, func() ClientState {
				c := dueFriendly()
				c.LastContact = at(2026, 1, 5, 10, 0)
				return c
			})},
		{key: "inbound_quiet_business_days", on: `{"inbound_quiet_business_days": 5}`,
			check: blocked(ReasonInboundQuiet, func() ClientState {
				c := dueFriendly()
				c.LastInbound = at(2026, 1, 12, 10, 0)
				return c
			})},
		{key: "promise_grace_business_days", on: `{"promise_grace_business_days": 5}`, check: func(t *testing.T, off, on Policy) {
			c := client(withInv(inv("a", day(2025, 12, 29), 0), func(i *InvoiceState) {
				i.State, i.PromiseDate = domain.StatePromised, day(2026, 1, 8)
			}))
			if d := decide(off, c); d.Action != ActionDraft {
				t.Errorf("2 days of grace after 8 January: %s (%v), want a draft", d.Action, d.Reason)
			}
			if d := decide(on, c); d.Action != ActionNone || d.Reason != ReasonPromised {
				t.Errorf("5 days of grace: %s (%v), want to wait for the promise", d.Action, d.Reason)
			}
		}},
		{key: "payment_claim_check_business_days", on: `{"payment_claim_check_business_days": 2}`, check: func(t *testing.T, off, on Policy) {
			c := client(withInv(inv("a", day(2025, 12, 29), 0), func(i *InvoiceState) {
				i.State, i.StateSince = domain.StatePaidClaimed, at(2026, 1, 9, 10, 0)
			}))
			if d := decide(off, c); d.Action == ActionPaymentCheck {
				t.Errorf("5 days after a claim of 9 January: %s already", d.Action)
			}
			if d := decide(on, c); d.Action != ActionPaymentCheck {
				t.Errorf("2 days: %s (%v), want a payment check", d.Action, d.Reason)
			}
		}},
		{key: "default_language", on: `{"default_language": "en"}`,
			check: decision(func(d Decision) any { return d.Language }, "fr", "en")},
		{key: "default_ladder", off: `{` + twoLadders + `}`, on: `{"default_ladder": "slow", ` + twoLadders + `}`,
			check: action(ActionDraft, ActionNone)},
		{key: "ladders.*.stages[].name", off: oneStage(""),
			on:    `{"ladders": {"l": {"stages": [{"name": "rappel", "kind": "message", "offset_days": 7}]}}}`,
			check: decision(func(d Decision) any { return d.StageName + "/" + d.Template }, "friendly/friendly", "rappel/rappel")},
		{key: "ladders.*.stages[].kind", off: oneStage(""),
			on:    `{"ladders": {"l": {"stages": [{"name": "friendly", "kind": "call_task", "offset_days": 7}]}}}`,
			check: action(ActionDraft, ActionCallTask)},
		{key: "ladders.*.stages[].offset_days", off: oneStage(""),
			on:    `{"ladders": {"l": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 20}]}}}`,
			check: action(ActionDraft, ActionNone)},
		{key: "ladders.*.stages[].enabled",
			off: `{"ladders": {"l": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 7},
				{"name": "second", "kind": "message", "offset_days": 10}]}}}`,
			on: `{"ladders": {"l": {"stages": [{"name": "friendly", "kind": "message", "offset_days": 7, "enabled": false},
				{"name": "second", "kind": "message", "offset_days": 10}]}}}`,
			check: decision(func(d Decision) any { return d.StageName }, "friendly", "second")},
		{key: "ladders.*.stages[].offer_payment_plan", off: oneStage(""), on: oneStage(`, "offer_payment_plan": true`),
			check: decision(func(d Decision) any { return d.OfferPaymentPlan }, false, true)},
		{key: "ladders.*.stages[].template", off: oneStage(""), on: oneStage(`, "template": "second"`),
			check: decision(func(d Decision) any { return d.Template }, "friendly", "second")},
		{key: "clients.*.excluded", on: `{"clients": {"@client.example": {"excluded": true}}}`,
			check: decision(func(d Decision) any { return d.Reason }, ReasonStageDue, ReasonExcluded)},
		{key: "clients.*.ladder", off: `{` + twoLadders + `}`, on: `{"clients": {"compta@client.example": {"ladder": "slow"}}, ` + twoLadders + `}`,
			check: action(ActionDraft, ActionNone)},
		{key: "clients.*.language", on: `{"clients": {"1": {"language": "en"}}}`,
			check: decision(func(d Decision) any { return d.Language }, "fr", "en")},
		{key: "clients.*.to", on: `{"clients": {"@client.example": {"to": ["ap@client.example"]}}}`,
			check: decision(func(d Decision) any { return d.To }, []string{"compta@client.example"}, []string{"ap@client.example"})},
		{key: "clients.*.cc", on: `{"clients": {"@client.example": {"cc": ["boss@client.example"]}}}`,
			check: decision(func(d Decision) any { return d.Cc }, []string(nil), []string{"boss@client.example"})},
		{key: "clients.*.b2c", on: `{"clients": {"@client.example": {"b2c": true}}}`, check: func(t *testing.T, off, on Policy) {
			c := Client{ID: 1, Emails: []string{"compta@client.example"}}
			for _, x := range []struct {
				p   Policy
				b2c bool
			}{{off, false}, {on, true}} {
				terms, err := x.p.FormalNotice(now, now, c, []NoticeInvoice{{Invoice: inv("a", day(2025, 11, 1), 4)}})
				if err != nil || terms.B2C != x.b2c || (len(terms.Penalties) == 0) != x.b2c {
					t.Errorf("b2c %v: terms %+v, %v", x.b2c, terms, err)
				}
			}
		}},
		{key: "penalties.ecb_rates[].rate", on: `{"penalties": {"ecb_rates": [{"from": "2020-01-01", "rate": "1.00"}]}}`,
			check: rate(day(2026, 1, 20), "12.15", "11.00")},
		{key: "penalties.ecb_rates[].from",
			off:   `{"penalties": {"ecb_rates": [{"from": "2020-01-01", "rate": "1"}, {"from": "2026-03-01", "rate": "3"}]}}`,
			on:    `{"penalties": {"ecb_rates": [{"from": "2020-01-01", "rate": "1"}, {"from": "2025-12-01", "rate": "3"}]}}`,
			check: rate(day(2026, 1, 20), "11", "13")},
		{key: "penalties.ecb_rates_checked_on", on: `{"penalties": {"ecb_rates_checked_on": "2027-01-01"}}`,
			check: func(t *testing.T, off, on Policy) {
				if a, b := off.Penalties.RateTableStatus(day(2027, 1, 5)), on.Penalties.RateTableStatus(day(2027, 1, 5)); !a.OutOfDate || b.OutOfDate {
					t.Errorf("out of date on 5 January 2027: %v checked 2026-11-01, %v checked 2027-01-01", a.OutOfDate, b.OutOfDate)
				}
			}},
		{key: "penalties.margin_points", on: `{"penalties": {"margin_points": "7"}}`, check: rate(day(2026, 1, 20), "12.15", "9.15")},
		{key: "penalties.contract_rate", on: `{"penalties": {"contract_rate": "15"}}`, check: rate(day(2026, 1, 20), "12.15", "15")},
		{key: "penalties.imputation", on: `{"penalties": {"imputation": "interest_first"}}`,
			check: penalties(func(r PenaltyResult) decimal.Decimal { return r.PrincipalDue }, "500", "530.62")},
		{key: "penalties.indemnity", on: `{"penalties": {"indemnity": "50"}}`,
			check: penalties(func(r PenaltyResult) decimal.Decimal { return r.Indemnity }, "40", "50")},
		{key: "formal_notice_deadline_days", on: `{"formal_notice_deadline_days": 15}`, check: func(t *testing.T, off, on Policy) {
			c := Client{ID: 1, Emails: []string{"compta@client.example"}}
			for _, x := range []struct {
				p    Policy
				want Date
			}{{off, day(2026, 1, 22)}, {on, day(2026, 1, 29)}} { // sent Wednesday 14 January
				terms, err := x.p.FormalNotice(now, at(2026, 1, 14, 9, 0), c, nil)
				if err != nil || terms.Deadline != x.want {
					t.Errorf("deadline %s (%v), want %s", terms.Deadline, err, x.want)
				}
			}
		}},
	}...)
}

// Each setting of the policy file does what it says (see policyEffects).
func TestPolicySettingsEffect(t *testing.T) {
	for _, e := range policyEffects(t) {
		t.Run(e.key, func(t *testing.T) {
			off := e.off
			if off == "" {
				off = "{}"
			}
			po, err := ParseBytes([]byte(off))
			if err != nil {
				t.Fatalf("without: %v", err)
			}
			pn, err := ParseBytes([]byte(e.on))
			if err != nil {
				t.Fatalf("with: %v", err)
			}
			e.check(t, po, pn)
		})
	}
}
