package scorecard

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// ago is the civil date n days before now's date.
func ago(n int) time.Time { return time.Date(2026, time.December, 7-n, 0, 0, 0, 0, time.UTC) }

// paidLate is an invoice issued 30 days before its due date, due `due` days
// ago, paid in full `late` days after its due date (before it when
// negative).
func paidLate(number string, due, late int) Invoice {
	return Invoice{Number: number, Issued: ago(due + 30), Due: ago(due), Amount: eur("100"),
		Payments: []Payment{{On: ago(due - late), Amount: eur("100")}}}
}

// openSince is an unpaid invoice due `due` days ago.
func openSince(number string, due int) Invoice {
	return Invoice{Number: number, Issued: ago(due + 30), Due: ago(due), Amount: eur("100")}
}

// record is a regular client's history (invoices due 300, 280, … days ago,
// the first issued 330 days ago), each paid that many days late.
func record(lates ...int) History {
	var h History
	for i, late := range lates {
		h.Invoices = append(h.Invoices, paidLate(fmt.Sprintf("R%d", i+1), 300-20*i, late))
	}
	return h
}

func TestLateGrace(t *testing.T) {
	tests := []struct {
		name string
		inv  Invoice
		late int
	}{
		{"paid 4 days late", paidLate("P", 100, 4), 0},
		{"paid 5 days late, at the grace", paidLate("P", 100, 5), 0},
		{"paid 6 days late", paidLate("P", 100, 6), 1},
		{"open 4 days past due", openSince("P", 4), 0},
		{"open 5 days past due", openSince("P", 5), 0},
		{"open 6 days past due", openSince("P", 6), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compute(History{Invoices: []Invoice{tt.inv}}, now)
			if c.Measured != 1 || c.Late != tt.late {
				t.Errorf("Measured, Late = %d, %d; want 1, %d", c.Measured, c.Late, tt.late)
			}
		})
	}
}

func TestPayerThresholds(t *testing.T) {
	tests := []struct {
		name  string
		lates []int
		want  Payer
	}{
		{"one late of one: too few to be a habit", []int{40}, PayerOccasional},
		{"one late of two", []int{40, 0}, PayerOccasional},
		{"two late of three", []int{40, 0, 12}, PayerChronic},
		{"two late of four: exactly half", []int{40, 0, 12, 1}, PayerChronic},
		{"two late of five: just under half", []int{40, 0, 12, 1, 0}, PayerOccasional},
		{"three late of six: exactly half", []int{6, 0, 6, 0, 6, 0}, PayerChronic},
		{"three late of seven: just under half", []int{6, 0, 6, 0, 6, 0, 0}, PayerOccasional},
		{"all at the grace", []int{5, 5, 5}, PayerPunctual},
		{"all early", []int{-3, -10, 0}, PayerPunctual},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compute(record(tt.lates...), now).Segment.Payer; got != tt.want {
				t.Errorf("Payer = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRelationshipThresholds(t *testing.T) {
	// three invoices, the first issued firstAgo days ago.
	since := func(firstAgo int) History {
		return History{Invoices: []Invoice{
			{Number: "S1", Issued: ago(firstAgo), Due: ago(firstAgo - 30), Amount: eur("100")},
			{Number: "S2", Issued: ago(20), Due: ago(-10), Amount: eur("100")},
			{Number: "S3", Issued: ago(10), Due: ago(-20), Amount: eur("100")},
		}}
	}
	tests := []struct {
		name string
		h    History
		want Relationship
	}{
		{"two invoices, first 330 days ago", record(0, 0), RelationshipNew},
		{"three invoices, first 330 days ago", record(0, 0, 0), RelationshipRegular},
		{"four invoices, first 330 days ago", record(0, 0, 0, 0), RelationshipRegular},
		{"first invoice 182 days ago", since(182), RelationshipNew},
		{"first invoice 183 days ago", since(183), RelationshipRegular},
		{"first invoice 184 days ago", since(184), RelationshipRegular},
		{"a cancelled invoice does not count", History{Invoices: append(record(0, 0).Invoices,
			Invoice{Number: "X", Issued: ago(400), Amount: eur("100"), Cancelled: true})}, RelationshipNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compute(tt.h, now).Segment.Relationship; got != tt.want {
				t.Errorf("Relationship = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAdviceThresholds(t *testing.T) {
	// broken: a regular punctual client with n broken promises the owner
	// recorded.
	broken := func(n int) History {
		h := record(0, 0, 0)
		for range n {
			h.Promises = append(h.Promises, Promise{Made: ago(100), For: ago(90), Recorded: OutcomeBroken})
		}
		return h
	}
	tests := []struct {
		name string
		h    History
		want []AdviceCode
	}{
		{"regular, occasionally late, worst 29 days", record(0, 29, 0, 0), nil},
		{"regular, occasionally late, worst 30 days", record(0, 30, 0, 0), nil},
		{"regular, occasionally late, worst 31 days", record(0, 31, 0, 0), []AdviceCode{AdviceDropSpecialTerms}},
		{"new, one invoice open 59 days", History{Invoices: []Invoice{openSince("O", 59)}}, []AdviceCode{AdviceDeposit}},
		{"new, one invoice open 60 days", History{Invoices: []Invoice{openSince("O", 60)}}, []AdviceCode{AdviceDeposit}},
		{"new, one invoice open 61 days", History{Invoices: []Invoice{openSince("O", 61)}}, []AdviceCode{AdvicePrepayment}},
		{"one broken promise", broken(1), nil},
		{"two broken promises", broken(2), []AdviceCode{AdvicePrepayment}},
		{"three broken promises", broken(3), []AdviceCode{AdvicePrepayment}},
		{"one dispute, punctual", History{Invoices: record(0, 0, 0).Invoices, Disputes: []Dispute{{Invoice: "R1"}}},
			[]AdviceCode{AdvicePurchaseOrder}},
		{"tense reply is not hostile", History{Invoices: record(0, 0, 0).Invoices, Replies: []Reply{{At: ago(3), Tone: ToneTense}}}, nil},
		{"chronic and hostile: prepayment only", History{Invoices: record(20, 20, 20).Invoices,
			Replies: []Reply{{At: ago(3), Tone: ToneHostile}}}, []AdviceCode{AdvicePrepayment}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(Compute(tt.h, now).Advice); !slices.Equal(got, tt.want) {
				t.Errorf("Advice = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPromiseGrace(t *testing.T) {
	// A promise made 20 days ago to pay the whole balance 10 days ago:
	// grace runs to 7 days ago.
	promise := Promise{Invoice: "P", Made: ago(20), For: ago(10)}
	part := Promise{Invoice: "P", Made: ago(20), For: ago(10), Amount: eur("40")}
	tests := []struct {
		name     string
		payments []Payment
		p        Promise
		at       time.Time
		want     Outcome
	}{
		{"paid two days after the promised day", []Payment{{On: ago(8), Amount: eur("100")}}, promise, now, OutcomeKept},
		{"paid on the last day of grace", []Payment{{On: ago(7), Amount: eur("100")}}, promise, now, OutcomeKept},
		{"paid a day after the grace", []Payment{{On: ago(6), Amount: eur("100")}}, promise, now, OutcomeBroken},
		{"unpaid, the day before the grace ends", nil, promise, now.AddDate(0, 0, -8), OutcomePending},
		{"unpaid, the last day of grace", nil, promise, now.AddDate(0, 0, -7), OutcomePending},
		{"unpaid, the day after the grace", nil, promise, now.AddDate(0, 0, -6), OutcomeBroken},
		{"the promised part paid in two", []Payment{{On: ago(12), Amount: eur("20")}, {On: ago(9), Amount: eur("20")}}, part, now, OutcomeKept},
		{"a part paid before the promise does not keep it", []Payment{{On: ago(25), Amount: eur("40")}}, part, now, OutcomeBroken},
		{"part of the promised part", []Payment{{On: ago(9), Amount: eur("39.99")}}, part, now, OutcomeBroken},
		{"the owner's record does not override the payments", nil, Promise{Invoice: "P", Made: ago(20), For: ago(10), Recorded: OutcomeKept}, now, OutcomeBroken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := openSince("P", 30)
			inv.Payments = tt.payments
			c := Compute(History{Invoices: []Invoice{inv}, Promises: []Promise{tt.p}}, tt.at)
			got := map[Outcome]int{OutcomeKept: c.PromisesKept, OutcomeBroken: c.PromisesBroken, OutcomePending: c.PromisesPending}
			for o, n := range got {
				if want := map[bool]int{true: 1, false: 0}[o == tt.want]; n != want {
					t.Errorf("kept, broken, pending = %d, %d, %d; want one %q", c.PromisesKept, c.PromisesBroken, c.PromisesPending, tt.want)
					break
				}
			}
		})
	}
}

func TestRecentTones(t *testing.T) {
	replies := func(daysAgo ...int) []Reply {
		var out []Reply
		for _, n := range daysAgo {
			out = append(out, Reply{At: ago(n), Tone: ToneCordial})
		}
		return out
	}
	tests := []struct {
		name    string
		replies []Reply
		cordial int
	}{
		{"364 days ago", replies(364), 1},
		{"365 days ago", replies(365), 1},
		{"366 days ago", replies(366), 0},
		{"five replies", replies(1, 2, 3, 4, 5), 5},
		{"six replies: the five latest", replies(6, 1, 2, 3, 4, 5), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compute(History{Replies: tt.replies}, now).RecentTones[ToneCordial]; got != tt.cordial {
				t.Errorf("cordial replies = %d, want %d", got, tt.cordial)
			}
		})
	}

	// The sixth latest reply, hostile, no longer sets the tone; one of the
	// five latest does.
	old := append(replies(1, 2, 3, 4, 5), Reply{At: ago(6), Tone: ToneHostile})
	if got := Compute(History{Replies: old}, now).Tone; got != ToneCordial {
		t.Errorf("Tone with a hostile sixth reply = %q, want cordial", got)
	}
	recent := append(replies(1, 2, 3, 4), Reply{At: ago(5), Tone: ToneHostile})
	if got := Compute(History{Replies: recent}, now).Tone; got != ToneHostile {
		t.Errorf("Tone with a hostile fifth reply = %q, want hostile", got)
	}
	// A tone outside the set reads as neutral.
	c := Compute(History{Replies: []Reply{{At: ago(1), Tone: "sarcastic"}}}, now)
	if c.Tone != ToneNeutral || c.RecentTones[ToneNeutral] != 1 {
		t.Errorf("unknown tone: Tone %q, counts %v; want neutral once", c.Tone, c.RecentTones)
	}
}

// Days count as the business's calendar shows them: half past midnight in
// Paris on 7 December is already the 7th, although UTC still says the 6th.
func TestCivilDays(t *testing.T) {
	early := time.Date(2026, time.December, 7, 0, 30, 0, 0, paris)
	c := Compute(History{Invoices: []Invoice{{Number: "Z", Issued: d("2026-11-06"), Due: d("2026-12-01"), Amount: eur("10")}}}, early)
	if c.WorstDaysLate != 6 || c.OldestOverdueDays != 6 {
		t.Errorf("days past due = %d, %d; want 6 (Dec 1 → Dec 7)", c.WorstDaysLate, c.OldestOverdueDays)
	}
	// Due today is not yet overdue.
	c = Compute(History{Invoices: []Invoice{{Number: "Z", Issued: d("2026-11-07"), Due: d("2026-12-07"), Amount: eur("10")}}}, early)
	if c.Measured != 0 || c.Overdue != 0 {
		t.Errorf("due today: Measured %d, Overdue %d; want 0, 0", c.Measured, c.Overdue)
	}
}
