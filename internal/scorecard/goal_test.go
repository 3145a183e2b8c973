package scorecard

import "testing"

func TestCallGoal(t *testing.T) {
	for _, c := range []struct {
		name string
		card Card
		want GoalCode
	}{
		{"a dispute comes first", Card{Disputes: 1, PromisesBroken: 2, Segment: Segment{RelationshipRegular, PayerChronic}}, GoalSettleDispute},
		{"a broken promise", Card{PromisesBroken: 1, Segment: Segment{RelationshipRegular, PayerOccasional}}, GoalPlan},
		{"a chronic late payer", Card{Segment: Segment{RelationshipRegular, PayerChronic}}, GoalPlan},
		{"money long overdue", Card{OldestOverdueDays: LongOverdueDays + 1, Segment: Segment{RelationshipNew, PayerOccasional}}, GoalPlan},
		{"just at the limit", Card{OldestOverdueDays: LongOverdueDays, Segment: Segment{RelationshipNew, PayerOccasional}}, GoalDate},
		{"a punctual client late for once", Card{OldestOverdueDays: 20, Segment: Segment{RelationshipRegular, PayerPunctual}}, GoalCause},
		{"a new client", Card{Segment: Segment{RelationshipNew, PayerUnknown}}, GoalDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := CallGoal(c.card)
			if g.Code != c.want {
				t.Fatalf("CallGoal = %s, want %s", g.Code, c.want)
			}
			if g.Reason.In("fr") == "" || g.Reason.In("en") == "" || g.Reason.In("fr") == g.Reason.In("en") {
				t.Errorf("reason not in both languages: %+v", g.Reason)
			}
		})
	}
}
