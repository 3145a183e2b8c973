package classify

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dayp(s string) *time.Time { t := day(s); return &t }

func TestBehaviour(t *testing.T) {
	now := day("2025-12-03")
	dec := decimal.RequireFromString
	answered := History{
		Reminders: []ReminderRecord{{Invoice: "A", Sent: day("2025-06-02")}, {Invoice: "B", Sent: day("2025-08-04")}},
		Replies:   []ReplyRecord{{Invoice: "A", Received: day("2025-06-03"), Class: Promise}, {Invoice: "B", Received: day("2025-08-05"), Class: Paid}},
	}
	withSilence := answered
	withSilence.Reminders = append(append([]ReminderRecord(nil), answered.Reminders...),
		ReminderRecord{Invoice: "C", Sent: day("2025-10-20")}, ReminderRecord{Invoice: "C", Sent: day("2025-11-10")})
	oneUnanswered := answered
	oneUnanswered.Reminders = append(append([]ReminderRecord(nil), answered.Reminders...), ReminderRecord{Invoice: "C", Sent: day("2025-11-10")})
	neverAnswered := History{Reminders: []ReminderRecord{{Invoice: "C", Sent: day("2025-10-20")}, {Invoice: "C", Sent: day("2025-11-10")}}}
	autoOnly := withSilence
	autoOnly.Replies = append(append([]ReplyRecord(nil), answered.Replies...), ReplyRecord{Invoice: "C", Received: day("2025-11-10"), Class: AutoReply})
	stillOpen := answered
	stillOpen.Reminders = append(append([]ReminderRecord(nil), answered.Reminders...),
		ReminderRecord{Invoice: "C", Sent: day("2025-11-10")}, ReminderRecord{Invoice: "C", Sent: day("2025-12-01")})

	slowing := History{
		Reminders: []ReminderRecord{{Sent: day("2025-03-03")}, {Sent: day("2025-05-05")}, {Sent: day("2025-07-07")}, {Sent: day("2025-11-03")}},
		Replies:   []ReplyRecord{{Received: day("2025-03-04"), Class: Promise}, {Received: day("2025-05-06"), Class: Paid}, {Received: day("2025-07-08"), Class: Paid}, {Received: day("2025-11-13"), Class: Promise}},
	}
	steady := slowing
	steady.Replies = []ReplyRecord{{Received: day("2025-03-04"), Class: Promise}, {Received: day("2025-05-06"), Class: Paid}, {Received: day("2025-07-08"), Class: Paid}, {Received: day("2025-11-05"), Class: Promise}}

	punctual := []InvoiceRecord{
		{Number: "1", Amount: dec("100"), Due: day("2025-03-31"), Paid: dayp("2025-03-28")},
		{Number: "2", Amount: dec("100"), Due: day("2025-05-31"), Paid: dayp("2025-05-30")},
		{Number: "3", Amount: dec("100"), Due: day("2025-07-31"), Paid: dayp("2025-07-31")},
	}
	late := append(append([]InvoiceRecord(nil), punctual...), InvoiceRecord{Number: "4", Amount: dec("100"), Due: day("2025-11-15")})
	justDue := append(append([]InvoiceRecord(nil), punctual...), InvoiceRecord{Number: "4", Amount: dec("100"), Due: day("2025-11-30")})
	usuallyLate := []InvoiceRecord{
		{Number: "1", Amount: dec("100"), Due: day("2025-03-31"), Paid: dayp("2025-04-28")},
		{Number: "2", Amount: dec("100"), Due: day("2025-05-31"), Paid: dayp("2025-06-30")},
		{Number: "3", Amount: dec("100"), Due: day("2025-07-31"), Paid: dayp("2025-08-31")},
		{Number: "4", Amount: dec("100"), Due: day("2025-11-15")},
	}

	tests := []struct {
		name string
		h    History
		want map[SignalKind]int
	}{
		{"empty history", History{}, nil},
		{"answering client", answered, nil},
		{"two reminders unanswered by a client who answered", withSilence, map[SignalKind]int{SignalSilence: 1}},
		{"one reminder unanswered", oneUnanswered, nil},
		{"never answered: not a change", neverAnswered, nil},
		{"an out-of-office is no answer", autoOnly, map[SignalKind]int{SignalSilence: 1}},
		{"last reminder still within its window", stillOpen, nil},
		{"answers getting slower", slowing, map[SignalKind]int{SignalSlower: 1}},
		{"answers steady", steady, nil},
		{"promise passed without payment", History{
			Invoices: []InvoiceRecord{{Number: "7", Amount: dec("500"), Due: day("2025-10-31")}},
			Promises: []PromiseRecord{{Invoice: "7", Made: day("2025-11-10"), Date: day("2025-11-20")}},
		}, map[SignalKind]int{SignalPromiseBroken: 1}},
		{"promise within grace", History{
			Invoices: []InvoiceRecord{{Number: "7", Amount: dec("500"), Due: day("2025-10-31")}},
			Promises: []PromiseRecord{{Invoice: "7", Made: day("2025-11-25"), Date: day("2025-12-01")}},
		}, nil},
		{"promise kept", History{
			Invoices: []InvoiceRecord{{Number: "7", Amount: dec("500"), Due: day("2025-10-31"), Paid: dayp("2025-11-19")}},
			Promises: []PromiseRecord{{Invoice: "7", Made: day("2025-11-10"), Date: day("2025-11-20"), Kept: true}},
		}, nil},
		{"partial payment", History{Invoices: []InvoiceRecord{{Number: "8", Amount: dec("1000"), Due: day("2025-10-31"),
			Payments: []PaymentRecord{{Date: day("2025-11-05"), Amount: dec("400")}}}}}, map[SignalKind]int{SignalPartial: 1}},
		{"paid in instalments", History{Invoices: []InvoiceRecord{{Number: "8", Amount: dec("1000"), Due: day("2025-10-31"), Paid: dayp("2025-11-20"),
			Payments: []PaymentRecord{{Date: day("2025-11-05"), Amount: dec("400")}, {Date: day("2025-11-20"), Amount: dec("600")}}}}}, map[SignalKind]int{SignalPartial: 1}},
		{"paid in full at once", History{Invoices: []InvoiceRecord{{Number: "8", Amount: dec("1000"), Due: day("2025-10-31"), Paid: dayp("2025-11-05"),
			Payments: []PaymentRecord{{Date: day("2025-11-05"), Amount: dec("1000")}}}}}, nil},
		{"punctual client suddenly late", History{Invoices: late}, map[SignalKind]int{SignalSuddenlyLate: 1}},
		{"punctual client, barely overdue", History{Invoices: justDue}, nil},
		{"usually late client", History{Invoices: usuallyLate}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[SignalKind]int{}
			for _, s := range Behaviour(tt.h, now, DefaultThresholds()) {
				if s.Evidence == "" {
					t.Errorf("signal %s without evidence", s.Kind)
				}
				got[s.Kind]++
			}
			if len(got) != len(tt.want) {
				t.Fatalf("signals %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("signals %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestBehaviourThresholds(t *testing.T) {
	now := day("2025-12-03")
	h := History{
		Reminders: []ReminderRecord{{Sent: day("2025-06-02")}, {Sent: day("2025-10-20")}, {Sent: day("2025-11-10")}},
		Replies:   []ReplyRecord{{Received: day("2025-06-03"), Class: Paid}},
	}
	th := DefaultThresholds()
	th.UnansweredReminders = 3
	if s := Behaviour(h, now, th); len(s) != 0 {
		t.Fatalf("with 3 required, got %v", s)
	}
	th.UnansweredReminders = 2
	if s := Behaviour(h, now, th); len(s) != 1 {
		t.Fatalf("with 2 required, got %v", s)
	}
}
