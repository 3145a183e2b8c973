package policy

import (
	"strings"
	"testing"
)

// offer_payment_plan on a stage reaches the decision, which the outbox
// passes to the template (render.TestOfferPaymentPlan shows the text).
func TestStageOfferPaymentPlan(t *testing.T) {
	at := parisAt(t)
	now := at(2026, 1, 13, 10, 0) // a Tuesday
	cases := []struct {
		name   string
		policy string
		last   int // stage already sent
		stage  int
		want   bool
	}{
		{"default friendly offers no plan", `{}`, 0, 2, false},
		{"default second offers a plan", `{}`, 2, 3, true},
		{"friendly with offer_payment_plan", `{"ladders": {"l": {"stages": [
			{"name": "courtesy", "kind": "message", "offset_days": -3, "enabled": false},
			{"name": "friendly", "kind": "message", "offset_days": 7, "offer_payment_plan": true}]}}}`, 0, 2, true},
		{"second without offer_payment_plan", `{"ladders": {"l": {"stages": [
			{"name": "friendly", "kind": "message", "offset_days": 7},
			{"name": "second", "kind": "message", "offset_days": 21}]}}}`, 1, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseBytes([]byte(c.policy))
			if err != nil {
				t.Fatal(err)
			}
			d := Decide(now, client(inv("a", day(2025, 11, 10), c.last)), p)
			if d.Action != ActionDraft || d.Stage != c.stage {
				t.Fatalf("decision %v stage %d (%v), want a draft of stage %d", d.Action, d.Stage, d.Reason, c.stage)
			}
			if d.OfferPaymentPlan != c.want {
				t.Errorf("OfferPaymentPlan = %v, want %v", d.OfferPaymentPlan, c.want)
			}
		})
	}
}

// penalties.ecb_rates_checked_on dates the ECB table: once a half-year
// begins after it, the table is out of date (web page, check-config,
// relance_ecb_rates_out_of_date); a contract_rate makes the table unused.
func TestRateTableStatus(t *testing.T) {
	cases := []struct {
		name, policy string
		today        Date
		used, stale  bool
		age          int
	}{
		{"checked in the half-year in force", `{"penalties": {"ecb_rates_checked_on": "2026-11-01"}}`, day(2026, 12, 7), true, false, 36},
		{"a new half-year began since", `{"penalties": {"ecb_rates_checked_on": "2026-11-01"}}`, day(2027, 1, 4), true, true, 64},
		{"checked on the first day of the half-year", `{"penalties": {"ecb_rates_checked_on": "2027-01-01"}}`, day(2027, 3, 1), true, false, 59},
		{"contract rate", `{"penalties": {"contract_rate": "12"}}`, day(2027, 1, 4), false, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseBytes([]byte(c.policy))
			if err != nil {
				t.Fatal(err)
			}
			s := p.Penalties.RateTableStatus(c.today)
			if s.Used != c.used || s.OutOfDate != c.stale || s.AgeDays != c.age {
				t.Errorf("status %+v, want used %v out of date %v age %d", s, c.used, c.stale, c.age)
			}
			if c.stale && !strings.Contains(s.String(), "OUT OF DATE") {
				t.Errorf("String() = %q", s.String())
			}
		})
	}
}
