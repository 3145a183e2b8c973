package scorecard

import "testing"

func TestCallGoal(t *testing.T) {
	for _, c := range []struct {
		name string
		card Card
		open bool
		want GoalCode
	}{
		{"a dispute comes first", Card{Disputes: 1, PromisesBroken: 2, Segment: Segment{RelationshipRegular, PayerChronic}}, false, GoalSettleDispute},
		{"an open complaint on file", Card{Segment: Segment{RelationshipRegular, PayerPunctual}}, true, GoalSettleDispute},
		{"a broken promise", Card{PromisesBroken: 1, Segment: Segment{RelationshipRegular, PayerOccasional}}, false, GoalPlan},
		{"a chronic late payer", Card{Segment: Segment{RelationshipRegular, PayerChronic}}, false, GoalPlan},
		{"money long overdue", Card{OldestOverdueDays: LongOverdueDays + 1, Segment: Segment{RelationshipNew, PayerOccasional}}, false, GoalPlan},
		{"just at the limit", Card{OldestOverdueDays: LongOverdueDays, Segment: Segment{RelationshipNew, PayerOccasional}}, false, GoalDate},
		{"a punctual client late for once", Card{OldestOverdueDays: 20, Segment: Segment{RelationshipRegular, PayerPunctual}}, false, GoalCause},
		{"a new client", Card{Segment: Segment{RelationshipNew, PayerUnknown}}, false, GoalDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := CallGoal(c.card, c.open)
			if g.Code != c.want {
				t.Fatalf("CallGoal = %s, want %s", g.Code, c.want)
			}
			if g.Reason.In("fr") == "" || g.Reason.In("en") == "" || g.Reason.In("fr") == g.Reason.In("en") {
				t.Errorf("reason not in both languages: %+v", g.Reason)
			}
		})
	}
}
