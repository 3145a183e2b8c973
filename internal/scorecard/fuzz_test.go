package scorecard

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

// bytes hands out the fuzzer's input one small number at a time, zero once
// it runs out, so every input decodes to some history.
type bytes struct{ b []byte }

func (r *bytes) next(n int) int {
	if len(r.b) == 0 {
		return 0
	}
	v := int(r.b[0]) % n
	r.b = r.b[1:]
	return v
}

// history decodes an arbitrary history: up to eight invoices of the last
// two years with credits, cancellations, part payments (early or late) and
// reminders, promises tied or not, disputes and replies of every tone.
func history(data []byte) History {
	r := &bytes{data}
	var h History
	for i := range r.next(9) {
		due := r.next(700) - 60 // up to two months ahead
		amount := decimal.NewFromInt(int64(1 + r.next(5000)))
		inv := Invoice{Number: fmt.Sprintf("F%d", i), Issued: ago(due + r.next(90)), Amount: amount}
		if r.next(8) != 0 {
			inv.Due = ago(due)
		}
		switch r.next(10) {
		case 0:
			inv.Cancelled = true
		case 1:
			inv.Credited = amount
		case 2:
			inv.Credited = amount.Div(decimal.NewFromInt(int64(2 + r.next(4)))).Round(2)
		}
		for range r.next(4) {
			inv.Payments = append(inv.Payments, Payment{On: ago(due - r.next(120) + 20),
				Amount: amount.Div(decimal.NewFromInt(int64(1 + r.next(3)))).Round(2)})
		}
		for range r.next(5) {
			inv.Reminders = append(inv.Reminders, Reminder{Sent: ago(due - r.next(90) + 5), Formal: r.next(4) == 0})
		}
		h.Invoices = append(h.Invoices, inv)
	}
	for range r.next(5) {
		p := Promise{Invoice: fmt.Sprintf("F%d", r.next(10)), Made: ago(r.next(200)), Recorded: Outcome([]Outcome{OutcomePending, OutcomeKept, OutcomeBroken}[r.next(3)])}
		p.For = p.Made.AddDate(0, 0, r.next(30))
		if r.next(2) == 0 {
			p.Amount = decimal.NewFromInt(int64(r.next(1000)))
		}
		h.Promises = append(h.Promises, p)
	}
	for range r.next(4) {
		h.Disputes = append(h.Disputes, Dispute{Invoice: fmt.Sprintf("F%d", r.next(10)), Raised: ago(r.next(400))})
	}
	for range r.next(9) {
		h.Replies = append(h.Replies, Reply{At: ago(r.next(500)), Tone: Tones()[r.next(4)]})
	}
	return h
}

// payerRank orders the known payer kinds from best to worst.
var payerRank = map[Payer]int{PayerPunctual: 0, PayerOccasional: 1, PayerChronic: 2}

func FuzzCompute(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 10, 200, 1, 5, 2, 40, 0, 1, 30, 2, 7, 9, 3, 1, 4, 100, 2, 3})
	f.Add([]byte{8, 250, 33, 17, 99, 4, 3, 1, 0, 2, 200, 1, 150, 80, 3, 20, 2, 2, 1, 60, 7, 7, 7})
	f.Add([]byte("a history of a client who pays late more often than not, with promises and disputes"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := history(data)
		c := Compute(h, now)
		checkInvariants(t, h, c)

		// The order the store lists things in changes nothing.
		rev := History{Invoices: slices.Clone(h.Invoices), Promises: slices.Clone(h.Promises),
			Disputes: h.Disputes, Replies: slices.Clone(h.Replies)}
		slices.Reverse(rev.Invoices)
		slices.Reverse(rev.Promises)
		slices.Reverse(rev.Replies)
		if got := Compute(rev, now); fmt.Sprint(got) != fmt.Sprint(c) {
			t.Errorf("reversed history gives another card:\n%+v\nwant\n%+v", got, c)
		}

		// One more invoice paid on its due date never makes the client
		// look worse: the payer kind does not get worse, a regular
		// client stays regular.
		more := h
		more.Invoices = append(slices.Clone(h.Invoices), paidLate("ON-TIME", 10, 0))
		after := Compute(more, now)
		before := c.Segment
		switch {
		case before.Payer == PayerUnknown && after.Segment.Payer != PayerPunctual:
			t.Errorf("payer %s after a first invoice paid on time", after.Segment.Payer)
		case before.Payer != PayerUnknown && payerRank[after.Segment.Payer] > payerRank[before.Payer]:
			t.Errorf("payer %s → %s after an invoice paid on time", before.Payer, after.Segment.Payer)
		}
		if before.Relationship == RelationshipRegular && after.Segment.Relationship != RelationshipRegular {
			t.Error("a regular client became new after one more invoice")
		}
		if after.Late != c.Late || after.Measured != c.Measured+1 {
			t.Errorf("late %d of %d → %d of %d after an invoice paid on time", c.Late, c.Measured, after.Late, after.Measured)
		}
	})
}

func checkInvariants(t *testing.T, h History, c Card) {
	t.Helper()
	for name, n := range map[string]int{"Invoices": c.Invoices, "LeftOut": c.LeftOut, "Measured": c.Measured,
		"Overdue": c.Overdue, "Late": c.Late, "WorstDaysLate": c.WorstDaysLate, "OldestOverdueDays": c.OldestOverdueDays,
		"Reminders": c.Reminders, "FormalNotices": c.FormalNotices, "Disputes": c.Disputes} {
		if n < 0 {
			t.Errorf("%s = %d < 0", name, n)
		}
	}
	for name, m := range map[string]decimal.Decimal{"Billed": c.Billed, "Paid": c.Paid, "Outstanding": c.Outstanding} {
		if m.IsNegative() {
			t.Errorf("%s = %s < 0", name, m)
		}
	}
	if c.MedianDaysLate < 0 || c.RemindersPerInvoice < 0 {
		t.Errorf("median %v, reminders per invoice %v: negative", c.MedianDaysLate, c.RemindersPerInvoice)
	}
	if float64(c.WorstDaysLate) < c.MedianDaysLate {
		t.Errorf("worst %d < median %v", c.WorstDaysLate, c.MedianDaysLate)
	}
	if c.OldestOverdueDays > c.WorstDaysLate {
		t.Errorf("oldest overdue %d > worst %d", c.OldestOverdueDays, c.WorstDaysLate)
	}
	if c.Invoices+c.LeftOut != len(h.Invoices) {
		t.Errorf("Invoices %d + LeftOut %d != %d invoices", c.Invoices, c.LeftOut, len(h.Invoices))
	}
	if c.Measured > c.Invoices || c.Late > c.Measured || c.Overdue > c.Measured {
		t.Errorf("Measured %d, Late %d, Overdue %d of %d invoices", c.Measured, c.Late, c.Overdue, c.Invoices)
	}
	if c.Outstanding.GreaterThan(c.Billed) {
		t.Errorf("Outstanding %s > Billed %s", c.Outstanding, c.Billed)
	}
	if c.FormalNotices > c.Reminders {
		t.Errorf("FormalNotices %d > Reminders %d", c.FormalNotices, c.Reminders)
	}
	if c.PromisesKept+c.PromisesBroken+c.PromisesPending != len(h.Promises) {
		t.Errorf("promises %d + %d + %d != %d", c.PromisesKept, c.PromisesBroken, c.PromisesPending, len(h.Promises))
	}
	if c.Disputes != len(h.Disputes) {
		t.Errorf("Disputes %d != %d", c.Disputes, len(h.Disputes))
	}
	replies := 0
	for tone, n := range c.RecentTones {
		if !slices.Contains(Tones(), tone) || n <= 0 {
			t.Errorf("RecentTones[%q] = %d", tone, n)
		}
		replies += n
		if tone.rank() > c.Tone.rank() {
			t.Errorf("Tone %q is not the harshest of %v", c.Tone, c.RecentTones)
		}
	}
	if replies > RecentReplies || (replies == 0) != (c.Tone == "") {
		t.Errorf("%d recent replies, Tone %q", replies, c.Tone)
	}
	if !slices.Contains(Segments(), c.Segment) {
		t.Errorf("segment %v is not one of Segments()", c.Segment)
	}
	if (c.Measured == 0) != (c.Segment.Payer == PayerUnknown) {
		t.Errorf("payer %s with %d measured invoices", c.Segment.Payer, c.Measured)
	}
	termsAdvice := 0
	for i, a := range c.Advice {
		if !slices.Contains(AdviceCodes(), a.Code) || a.Reason.FR == "" || a.Reason.EN == "" || a.Reason.FR == a.Reason.EN {
			t.Errorf("advice %d: %+v", i, a)
		}
		if a.Code != AdvicePurchaseOrder {
			termsAdvice++
		}
	}
	if termsAdvice > 1 {
		t.Errorf("%d changes of terms advised at once: %v", termsAdvice, codes(c.Advice))
	}
}
