package scorecard

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// now is a Monday; every history below is read on that day.
var now = time.Date(2026, time.December, 7, 10, 30, 0, 0, paris)

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// d is a civil date at midnight UTC, as the store keeps due dates.
func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func eur(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func paid(on, amount string) Payment { return Payment{On: d(on), Amount: eur(amount)} }

func sent(stage, on string) Reminder { return Reminder{Stage: stage, Sent: d(on)} }

// want holds the figures of a card, worked out by hand from the dates (the
// comment beside each history shows the arithmetic).
type want struct {
	invoices, leftOut         int
	billed, paid, outstanding string
	measured, overdue, late   int
	median                    float64
	worst, oldest             int
	reminders                 int
	perInvoice                float64
	formal                    int
	kept, broken, pending     int
	disputes                  int
	tones                     map[Tone]int
	tone                      Tone
	segment                   string
	advice                    []AdviceCode
}

func TestComputeHistories(t *testing.T) {
	tests := []struct {
		name string
		h    History
		want want
	}{{
		// One invoice, due 20 December: nothing measured yet.
		name: "new client, first invoice not yet due",
		h: History{Invoices: []Invoice{
			{Number: "A1", Issued: d("2026-11-20"), Due: d("2026-12-20"), Amount: eur("1200.00")},
		}},
		want: want{invoices: 1, billed: "1200", paid: "0", outstanding: "1200",
			tones: map[Tone]int{}, segment: "new_unknown", advice: []AdviceCode{AdviceDeposit}},
	}, {
		// Days late 0 (early), 5 (Apr 9 → Apr 14, within the grace), 0, 0
		// (early): median of 0,0,0,5 = 0, worst 5, none late. First invoice
		// 331 days ago, four invoices: regular.
		name: "punctual regular client",
		h: History{
			Invoices: []Invoice{
				{Number: "B1", Issued: d("2026-01-10"), Due: d("2026-02-09"), Amount: eur("500"), Payments: []Payment{paid("2026-02-05", "500")}},
				{Number: "B2", Issued: d("2026-03-10"), Due: d("2026-04-09"), Amount: eur("800"), Payments: []Payment{paid("2026-04-14", "800")}},
				{Number: "B3", Issued: d("2026-06-01"), Due: d("2026-07-01"), Amount: eur("300"), Payments: []Payment{paid("2026-07-01", "300")}},
				{Number: "B4", Issued: d("2026-10-01"), Due: d("2026-10-31"), Amount: eur("650"), Payments: []Payment{paid("2026-10-30", "650")}},
			},
			Replies: []Reply{{At: d("2026-04-14"), Tone: ToneCordial}},
		},
		want: want{invoices: 4, billed: "2250", paid: "2250", outstanding: "0",
			measured: 4, median: 0, worst: 5,
			tones: map[Tone]int{ToneCordial: 1}, tone: ToneCordial, segment: "regular_punctual"},
	}, {
		// Days late: C1 0 (early), C2 45 (May 1 → Jun 15), C3 3, C4 0, C5
		// open 5 (Dec 2 → Dec 7, within the grace). Sorted 0,0,3,5,45:
		// median 3, worst 45, one late. Two reminders after C2's due date;
		// C5's courtesy notice came before its due date and does not
		// count: 2 / 5 measured = 0.4. Worst 45 > 30: back to standard terms.
		name: "occasional late payer with one serious delay",
		h: History{Invoices: []Invoice{
			{Number: "C1", Issued: d("2026-02-02"), Due: d("2026-03-04"), Amount: eur("1000"), Payments: []Payment{paid("2026-03-02", "1000")}},
			{Number: "C2", Issued: d("2026-04-01"), Due: d("2026-05-01"), Amount: eur("2000"), Payments: []Payment{paid("2026-06-15", "2000")},
				Reminders: []Reminder{sent("friendly", "2026-05-08"), sent("second", "2026-05-22")}},
			{Number: "C3", Issued: d("2026-07-01"), Due: d("2026-07-31"), Amount: eur("1500"), Payments: []Payment{paid("2026-08-03", "1500")}},
			{Number: "C4", Issued: d("2026-09-01"), Due: d("2026-10-01"), Amount: eur("700"), Payments: []Payment{paid("2026-10-01", "700")}},
			{Number: "C5", Issued: d("2026-11-02"), Due: d("2026-12-02"), Amount: eur("900"),
				Reminders: []Reminder{sent("courtesy", "2026-11-29")}},
		}},
		want: want{invoices: 5, billed: "6100", paid: "5200", outstanding: "900",
			measured: 5, overdue: 1, late: 1, median: 3, worst: 45, oldest: 5,
			reminders: 2, perInvoice: 0.4,
			tones: map[Tone]int{}, segment: "regular_occasional", advice: []AdviceCode{AdviceDropSpecialTerms}},
	}, {
		// Days late: D1 34 (Feb 14 → Mar 20), D2 20 (Apr 14 → May 4), D3 2,
		// D4 open 53 (Oct 15 → Dec 7). Sorted 2,20,34,53: median (20+34)/2
		// = 27, worst 53; three late of four (≥ half, ≥ 2): chronic. Six
		// reminders after due dates, one a formal notice: 6 / 4 = 1.5.
		name: "chronic late payer",
		h: History{Invoices: []Invoice{
			{Number: "D1", Issued: d("2026-01-15"), Due: d("2026-02-14"), Amount: eur("1200"), Payments: []Payment{paid("2026-03-20", "1200")},
				Reminders: []Reminder{sent("friendly", "2026-02-21"), sent("second", "2026-03-07")}},
			{Number: "D2", Issued: d("2026-03-15"), Due: d("2026-04-14"), Amount: eur("1200"), Payments: []Payment{paid("2026-05-04", "1200")},
				Reminders: []Reminder{sent("friendly", "2026-04-21")}},
			{Number: "D3", Issued: d("2026-06-15"), Due: d("2026-07-15"), Amount: eur("1200"), Payments: []Payment{paid("2026-07-17", "1200")}},
			{Number: "D4", Issued: d("2026-09-15"), Due: d("2026-10-15"), Amount: eur("1200"),
				Reminders: []Reminder{sent("friendly", "2026-10-22"), sent("second", "2026-11-05"),
					{Stage: "formal_notice", Sent: d("2026-11-30"), Formal: true}}},
		}},
		want: want{invoices: 4, billed: "4800", paid: "3600", outstanding: "1200",
			measured: 4, overdue: 1, late: 3, median: 27, worst: 53, oldest: 53,
			reminders: 6, perInvoice: 1.5, formal: 1,
			tones: map[Tone]int{}, segment: "regular_chronic", advice: []AdviceCode{AdviceStopCredit}},
	}, {
		// E1 (2400, due Sep 2) paid 800 on Oct 15, Nov 4 and Nov 23:
		// settled Nov 23, 82 days late. Promise 1, the whole balance by
		// Sep 30 (+3 = Oct 3): settled later, broken. Promise 2, 800 by
		// Oct 31 (+3 = Nov 3): the 800 came on Nov 4, a day too late,
		// broken. Promise 3, 800 by Nov 20 (+3 = Nov 23): came on Nov 23,
		// kept. E2 open since Oct 31: 37 days; its promise for Dec 10 (+3 =
		// Dec 13) is pending. Median (37+82)/2 = 59.5, worst 82; both late:
		// chronic, but two broken promises ask for prepayment, the
		// strictest term.
		name: "broken promises",
		h: History{
			Invoices: []Invoice{
				{Number: "E1", Issued: d("2026-08-03"), Due: d("2026-09-02"), Amount: eur("2400"),
					Payments: []Payment{paid("2026-11-23", "800"), paid("2026-10-15", "800"), paid("2026-11-04", "800")}},
				{Number: "E2", Issued: d("2026-10-01"), Due: d("2026-10-31"), Amount: eur("600")},
			},
			Promises: []Promise{
				{Invoice: "E1", Made: d("2026-09-20"), For: d("2026-09-30")},
				{Invoice: "E1", Made: d("2026-10-20"), For: d("2026-10-31"), Amount: eur("800")},
				{Invoice: "E1", Made: d("2026-11-10"), For: d("2026-11-20"), Amount: eur("800")},
				{Invoice: "E2", Made: d("2026-11-25"), For: d("2026-12-10")},
			},
		},
		want: want{invoices: 2, billed: "3000", paid: "2400", outstanding: "600",
			measured: 2, overdue: 1, late: 2, median: 59.5, worst: 82, oldest: 37,
			kept: 1, broken: 2, pending: 1,
			tones: map[Tone]int{}, segment: "new_chronic", advice: []AdviceCode{AdvicePrepayment}},
	}, {
		// F2 (3200) disputed, credited 1200, the 2000 left paid Jul 10: 37
		// days late (Jun 3 → Jul 10). F1 0, F3 2, F4 5. Sorted 0,2,5,37:
		// median 3.5, worst 37, one late: occasional. Regular (first
		// invoice 280 days ago), worst 37 > 30: standard terms; two
		// disputes: a purchase order. Recent tones: tense twice, neutral.
		name: "disputes",
		h: History{
			Invoices: []Invoice{
				{Number: "F1", Issued: d("2026-03-02"), Due: d("2026-04-01"), Amount: eur("4500"), Payments: []Payment{paid("2026-04-01", "4500")}},
				{Number: "F2", Issued: d("2026-05-04"), Due: d("2026-06-03"), Amount: eur("3200"), Credited: eur("1200"), Payments: []Payment{paid("2026-07-10", "2000")}},
				{Number: "F3", Issued: d("2026-06-01"), Due: d("2026-07-01"), Amount: eur("1800"), Payments: []Payment{paid("2026-07-03", "1800")}},
				{Number: "F4", Issued: d("2026-09-01"), Due: d("2026-10-01"), Amount: eur("2500"), Payments: []Payment{paid("2026-10-06", "2500")}},
			},
			Disputes: []Dispute{{Invoice: "F2", Raised: d("2026-06-10")}, {Invoice: "F4", Raised: d("2026-10-05")}},
			Replies: []Reply{{At: d("2026-06-10"), Tone: ToneTense}, {At: d("2026-07-08"), Tone: ToneNeutral},
				{At: d("2026-10-05"), Tone: ToneTense}},
		},
		want: want{invoices: 4, billed: "10800", paid: "10800", outstanding: "0",
			measured: 4, late: 1, median: 3.5, worst: 37, disputes: 2,
			tones: map[Tone]int{ToneTense: 2, ToneNeutral: 1}, tone: ToneTense, segment: "regular_occasional",
			advice: []AdviceCode{AdviceDropSpecialTerms, AdvicePurchaseOrder}},
	}, {
		// G1 paid 300 + 300 + 400: settled on the last part, Aug 14, 30
		// days late (Jul 15 → Aug 14). G2 600 on its due date, 400 five
		// days later: 5, not late. G3 250 paid before its due date (Dec
		// 16): open, not measured. Median 17.5, worst 30, one late:
		// occasional. First invoice 175 days ago: new. Billed 2750, paid
		// 2250, outstanding 500.
		name: "partial payments",
		h: History{Invoices: []Invoice{
			{Number: "G1", Issued: d("2026-06-15"), Due: d("2026-07-15"), Amount: eur("1000.00"),
				Payments: []Payment{paid("2026-07-10", "300"), paid("2026-07-25", "300"), paid("2026-08-14", "400")}},
			{Number: "G2", Issued: d("2026-08-01"), Due: d("2026-08-31"), Amount: eur("1000.00"),
				Payments: []Payment{paid("2026-08-31", "600"), paid("2026-09-05", "400")}},
			{Number: "G3", Issued: d("2026-11-16"), Due: d("2026-12-16"), Amount: eur("750.00"),
				Payments: []Payment{paid("2026-12-01", "250")}},
		}},
		want: want{invoices: 3, billed: "2750", paid: "2250", outstanding: "500",
			measured: 2, late: 1, median: 17.5, worst: 30,
			tones: map[Tone]int{}, segment: "new_occasional", advice: []AdviceCode{AdviceDeposit}},
	}, {
		// H1 fully credited and H2 cancelled are left out (H2's reminder
		// too). H3 1200 less a 200 credit note: 1000 paid Apr 3, 2 days.
		// H4 early, H5 7 days (Sep 2 → Sep 9): late. Sorted 0,2,7: median
		// 2, worst 7, one late; one reminder over three measured.
		name: "credited and cancelled invoices",
		h: History{Invoices: []Invoice{
			{Number: "H1", Issued: d("2026-01-05"), Due: d("2026-02-04"), Amount: eur("1000"), Credited: eur("1000")},
			{Number: "H2", Issued: d("2026-02-02"), Due: d("2026-03-04"), Amount: eur("1500"), Cancelled: true,
				Reminders: []Reminder{sent("friendly", "2026-03-11")}},
			{Number: "H3", Issued: d("2026-03-02"), Due: d("2026-04-01"), Amount: eur("1200"), Credited: eur("200"), Payments: []Payment{paid("2026-04-03", "1000")}},
			{Number: "H4", Issued: d("2026-05-04"), Due: d("2026-06-03"), Amount: eur("800"), Payments: []Payment{paid("2026-06-01", "800")}},
			{Number: "H5", Issued: d("2026-08-03"), Due: d("2026-09-02"), Amount: eur("600"), Payments: []Payment{paid("2026-09-09", "600")},
				Reminders: []Reminder{sent("friendly", "2026-09-09")}},
		}},
		want: want{invoices: 3, leftOut: 2, billed: "2400", paid: "2400", outstanding: "0",
			measured: 3, late: 1, median: 2, worst: 7,
			reminders: 1, perInvoice: 1.0 / 3,
			tones: map[Tone]int{}, segment: "regular_occasional"},
	}, {
		// Nothing paid. I1 open 61 days (Oct 7 → Dec 7), I2 33 (Nov 4 →
		// Dec 7), I3 not yet due. Median 47, worst 61: both late, chronic;
		// 61 > 60 days unpaid: prepayment. First invoice 91 days ago: new.
		name: "no paid invoice yet",
		h: History{Invoices: []Invoice{
			{Number: "I1", Issued: d("2026-09-07"), Due: d("2026-10-07"), Amount: eur("2000"),
				Reminders: []Reminder{sent("friendly", "2026-10-14"), sent("second", "2026-10-28"), sent("second", "2026-11-06")}},
			{Number: "I2", Issued: d("2026-10-05"), Due: d("2026-11-04"), Amount: eur("1000"),
				Reminders: []Reminder{sent("friendly", "2026-11-11")}},
			{Number: "I3", Issued: d("2026-11-30"), Due: d("2026-12-30"), Amount: eur("500")},
		}},
		want: want{invoices: 3, billed: "3500", paid: "0", outstanding: "3500",
			measured: 2, overdue: 2, late: 2, median: 47, worst: 61, oldest: 61,
			reminders: 4, perInvoice: 2,
			tones: map[Tone]int{}, segment: "new_chronic", advice: []AdviceCode{AdvicePrepayment}},
	}, {
		// Punctual (0, 0, 5). Promises not tied to a known invoice keep
		// the owner's recorded outcome: kept, broken, pending. The last
		// five replies of the year: hostile (Nov 30), tense, cordial,
		// neutral, cordial; the Mar 1 one is sixth, the 2025 one older
		// than a year. One hostile reply: prepayment.
		name: "hostile reply and promises the payments cannot tell",
		h: History{
			Invoices: []Invoice{
				{Number: "J1", Issued: d("2025-11-03"), Due: d("2025-12-03"), Amount: eur("400"), Payments: []Payment{paid("2025-12-01", "400")}},
				{Number: "J2", Issued: d("2026-02-02"), Due: d("2026-03-04"), Amount: eur("400"), Payments: []Payment{paid("2026-03-04", "400")}},
				{Number: "J3", Issued: d("2026-05-04"), Due: d("2026-06-03"), Amount: eur("400"), Payments: []Payment{paid("2026-06-08", "400")}},
			},
			Promises: []Promise{
				{Made: d("2026-06-01"), For: d("2026-06-05"), Recorded: OutcomeKept},
				{Invoice: "X-99", Made: d("2026-06-01"), For: d("2026-06-05"), Recorded: OutcomeBroken},
				{Made: d("2026-11-01"), For: d("2026-11-05")},
			},
			Replies: []Reply{
				{At: d("2025-11-20"), Tone: ToneHostile},
				{At: d("2026-03-01"), Tone: ToneHostile},
				{At: d("2026-04-01"), Tone: ToneCordial},
				{At: d("2026-11-30"), Tone: ToneHostile},
				{At: d("2026-05-01"), Tone: ToneNeutral},
				{At: d("2026-06-01"), Tone: ToneCordial},
				{At: d("2026-06-05"), Tone: ToneTense},
			},
		},
		want: want{invoices: 3, billed: "1200", paid: "1200", outstanding: "0",
			measured: 3, worst: 5,
			kept: 1, broken: 1, pending: 1,
			tones: map[Tone]int{ToneHostile: 1, ToneTense: 1, ToneCordial: 2, ToneNeutral: 1}, tone: ToneHostile,
			segment: "regular_punctual", advice: []AdviceCode{AdvicePrepayment}},
	}, {
		// Four invoices each 10 days late: median 10 (ties), worst 10; all
		// late: chronic.
		name: "ties",
		h: History{Invoices: []Invoice{
			{Number: "K1", Issued: d("2026-01-01"), Due: d("2026-01-31"), Amount: eur("100"), Payments: []Payment{paid("2026-02-10", "100")}},
			{Number: "K2", Issued: d("2026-02-01"), Due: d("2026-03-03"), Amount: eur("100"), Payments: []Payment{paid("2026-03-13", "100")}},
			{Number: "K3", Issued: d("2026-03-01"), Due: d("2026-03-31"), Amount: eur("100"), Payments: []Payment{paid("2026-04-10", "100")}},
			{Number: "K4", Issued: d("2026-04-01"), Due: d("2026-05-01"), Amount: eur("100"), Payments: []Payment{paid("2026-05-11", "100")}},
		}},
		want: want{invoices: 4, billed: "400", paid: "400", outstanding: "0",
			measured: 4, late: 4, median: 10, worst: 10,
			tones: map[Tone]int{}, segment: "regular_chronic", advice: []AdviceCode{AdviceStopCredit}},
	}, {
		// No due dates: 30 days after issue stands in. L1 issued Mar 2,
		// due Apr 1, paid Apr 20: 19. L2 issued Jun 1, due Jul 1, paid
		// Jul 1: 0. L3 with neither date: counted, billed, not measured.
		// One of two late: occasional (fewer than two late).
		name: "unknown due dates take the default term",
		h: History{Invoices: []Invoice{
			{Number: "L1", Issued: d("2026-03-02"), Amount: eur("250"), Payments: []Payment{paid("2026-04-20", "250")}},
			{Number: "L2", Issued: d("2026-06-01"), Amount: eur("250"), Payments: []Payment{paid("2026-07-01", "250")}},
			{Number: "L3", Amount: eur("250")},
		}},
		want: want{invoices: 3, billed: "750", paid: "500", outstanding: "250",
			measured: 2, late: 1, median: 9.5, worst: 19,
			tones: map[Tone]int{}, segment: "regular_occasional"},
	}, {
		// Two invoices paid early, first a year ago: two are too few to be
		// regular, but the record is clean: no advice.
		name: "new client who pays on time",
		h: History{Invoices: []Invoice{
			{Number: "M1", Issued: d("2025-12-01"), Due: d("2025-12-31"), Amount: eur("90.50"), Payments: []Payment{paid("2025-12-20", "90.50")}},
			{Number: "M2", Issued: d("2026-06-01"), Due: d("2026-07-01"), Amount: eur("120.25"), Payments: []Payment{paid("2026-06-25", "120.25")}},
		}},
		want: want{invoices: 2, billed: "210.75", paid: "210.75", outstanding: "0",
			measured: 2, tones: map[Tone]int{}, segment: "new_punctual"},
	}, {
		name: "no history",
		want: want{billed: "0", paid: "0", outstanding: "0", tones: map[Tone]int{}, segment: "new_unknown",
			advice: []AdviceCode{AdviceDeposit}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkCard(t, Compute(tt.h, now), tt.want)
		})
	}
}

func checkCard(t *testing.T, c Card, w want) {
	t.Helper()
	ints := []struct {
		name      string
		got, want int
	}{
		{"Invoices", c.Invoices, w.invoices}, {"LeftOut", c.LeftOut, w.leftOut},
		{"Measured", c.Measured, w.measured}, {"Overdue", c.Overdue, w.overdue}, {"Late", c.Late, w.late},
		{"WorstDaysLate", c.WorstDaysLate, w.worst}, {"OldestOverdueDays", c.OldestOverdueDays, w.oldest},
		{"Reminders", c.Reminders, w.reminders}, {"FormalNotices", c.FormalNotices, w.formal},
		{"PromisesKept", c.PromisesKept, w.kept}, {"PromisesBroken", c.PromisesBroken, w.broken},
		{"PromisesPending", c.PromisesPending, w.pending}, {"Disputes", c.Disputes, w.disputes},
	}
	for _, f := range ints {
		if f.got != f.want {
			t.Errorf("%s = %d, want %d", f.name, f.got, f.want)
		}
	}
	money := []struct {
		name string
		got  decimal.Decimal
		want string
	}{{"Billed", c.Billed, w.billed}, {"Paid", c.Paid, w.paid}, {"Outstanding", c.Outstanding, w.outstanding}}
	for _, f := range money {
		if !f.got.Equal(eur(f.want)) {
			t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
		}
	}
	if c.MedianDaysLate != w.median {
		t.Errorf("MedianDaysLate = %v, want %v", c.MedianDaysLate, w.median)
	}
	if c.RemindersPerInvoice != w.perInvoice {
		t.Errorf("RemindersPerInvoice = %v, want %v", c.RemindersPerInvoice, w.perInvoice)
	}
	if len(c.RecentTones) != len(w.tones) {
		t.Errorf("RecentTones = %v, want %v", c.RecentTones, w.tones)
	}
	for tone, n := range w.tones {
		if c.RecentTones[tone] != n {
			t.Errorf("RecentTones = %v, want %v", c.RecentTones, w.tones)
			break
		}
	}
	if c.Tone != w.tone {
		t.Errorf("Tone = %q, want %q", c.Tone, w.tone)
	}
	if got := c.Segment.String(); got != w.segment {
		t.Errorf("Segment = %s, want %s", got, w.segment)
	}
	if got := codes(c.Advice); !slices.Equal(got, w.advice) {
		t.Errorf("Advice = %v, want %v", got, w.advice)
	}
}

func codes(as []Advice) []AdviceCode {
	var out []AdviceCode
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}
