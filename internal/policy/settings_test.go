package policy

import (
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
