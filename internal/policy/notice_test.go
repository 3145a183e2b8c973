package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
)

func TestNoticeDeadline(t *testing.T) {
	c := frCal(t)
	tests := []struct {
		name    string
		sendDay Date
		days    int
		want    Date
	}{
		{"working day stays", day(2026, 12, 7), 8, day(2026, 12, 15)},
		{"Saturday moves to Monday", day(2026, 12, 4), 8, day(2026, 12, 14)},
		{"Sunday moves to Monday", day(2026, 12, 12), 8, day(2026, 12, 21)},
		{"Christmas (Friday) moves to Monday", day(2026, 12, 17), 8, day(2026, 12, 28)},
		{"11 November moves to the 12th", day(2026, 11, 3), 8, day(2026, 11, 12)},
		{"Saturday before Easter Monday moves to Tuesday", day(2026, 3, 27), 8, day(2026, 4, 7)},
		{"New Year's Day (Friday) moves to Monday", day(2026, 12, 24), 8, day(2027, 1, 4)},
		{"a longer period", day(2026, 12, 7), 15, day(2026, 12, 22)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NoticeDeadline(tt.sendDay, tt.days, c)
			if got != tt.want {
				t.Errorf("NoticeDeadline(%s, %d) = %s (%s), want %s", tt.sendDay, tt.days, got, got.Weekday(), tt.want)
			}
			if !c.IsBusinessDate(got) {
				t.Errorf("deadline %s is not a working day", got)
			}
		})
	}
}

func TestNoticeDeadlineHonoursClosedDays(t *testing.T) {
	c := frCal(t).WithClosedDays(day(2026, 12, 15))
	if got := NoticeDeadline(day(2026, 12, 7), 8, c); got != day(2026, 12, 16) {
		t.Errorf("deadline on a closed day: got %s, want 2026-12-16", got)
	}
}

func TestFormalNoticeTerms(t *testing.T) {
	p := defaultPolicy(t)
	paris := p.Location
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	client := Client{ID: 1, Name: "Garage Martin", Emails: []string{"compta@garage-martin.fr"}, Language: "fr"}
	inv := InvoiceState{ID: 10, Number: "F-2026-101", Amount: dec("1200.00"), Balance: dec("1200.00"), Currency: "EUR",
		IssueDate: day(2026, 10, 7), DueDate: day(2026, 11, 6), State: domain.StateOpen}
	fifteen := p
	fifteen.NoticeDeadlineDays = 15

	tests := []struct {
		name        string
		p           Policy
		now, hold   time.Time
		client      Client
		payments    []Payment
		sendDay     Date
		deadline    Date
		days        int    // penalty days counted
		interest    string // interest due, rounded
		noPenalties bool
	}{
		{
			// Drafted on Saturday 5 December, held until Monday 09:00: the
			// letter is dated Monday, penalties run to Monday (7 Nov – 7 Dec
			// = 31 days at 12.40 %: 1200 × 12.40 × 31 / 36500 = 12.6378…),
			// and the deadline is Monday + 8 = Tuesday 15 December.
			name: "Saturday draft sent Monday", p: p,
			now: at(2026, 12, 5, 10, 0), hold: at(2026, 12, 7, 9, 0), client: client,
			sendDay: day(2026, 12, 7), deadline: day(2026, 12, 15), days: 31, interest: "12.64",
		},
		{
			// Seen again on the Monday afternoon, after the send window: it
			// can only go on Tuesday, so it is dated Tuesday.
			name: "after the window it goes the next working day", p: p,
			now: at(2026, 12, 7, 14, 0), hold: at(2026, 12, 7, 9, 0), client: client,
			sendDay: day(2026, 12, 8), deadline: day(2026, 12, 16), days: 32, interest: "13.05",
		},
		{
			// Inside the window after the hold: today.
			name: "inside the window it goes today", p: p,
			now: at(2026, 12, 9, 10, 30), hold: at(2026, 12, 7, 9, 0), client: client,
			sendDay: day(2026, 12, 9), deadline: day(2026, 12, 17), days: 33, interest: "13.45",
		},
		{
			// Sent Thursday 17 December: + 8 days is Christmas (Friday), so
			// the deadline is Monday 28 December.
			name: "deadline on a holiday moves to the next working day", p: p,
			now: at(2026, 12, 16, 15, 0), hold: at(2026, 12, 17, 9, 0), client: client,
			sendDay: day(2026, 12, 17), deadline: day(2026, 12, 28), days: 41, interest: "16.71",
		},
		{
			// Sent Friday 4 December: + 8 days is a Saturday.
			name: "deadline on a weekend moves to Monday", p: p,
			now: at(2026, 12, 4, 9, 30), hold: at(2026, 12, 4, 9, 0), client: client,
			sendDay: day(2026, 12, 4), deadline: day(2026, 12, 14), days: 28, interest: "11.41",
		},
		{
			name: "configured period", p: fifteen,
			now: at(2026, 12, 5, 10, 0), hold: at(2026, 12, 7, 9, 0), client: client,
			sendDay: day(2026, 12, 7), deadline: day(2026, 12, 22), days: 31, interest: "12.64",
		},
		{
			// 600 paid on 20 November: 1200 for 14 days, then 600 for 17 days.
			// 1200 × 12.40 × 14 / 36500 + 600 × 12.40 × 17 / 36500 = 5.7073… + 3.4652… = 9.17.
			name: "penalties to the sending day after a partial payment", p: p,
			now: at(2026, 12, 5, 10, 0), hold: at(2026, 12, 7, 9, 0), client: client,
			payments: []Payment{{Date: day(2026, 11, 20), Amount: dec("600")}},
			sendDay:  day(2026, 12, 7), deadline: day(2026, 12, 15), days: 31, interest: "9.17",
		},
		{
			name: "a consumer gets no penalties", p: p,
			now: at(2026, 12, 5, 10, 0), hold: at(2026, 12, 7, 9, 0), client: Client{ID: 2, Name: "M. Durand", Emails: []string{"durand@example.org"}, B2C: true},
			sendDay: day(2026, 12, 7), deadline: day(2026, 12, 15), noPenalties: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms, err := tt.p.FormalNotice(tt.now, tt.hold, tt.client, []NoticeInvoice{{Invoice: inv, Payments: tt.payments}})
			if err != nil {
				t.Fatalf("FormalNotice: %v", err)
			}
			if terms.SendDay != tt.sendDay {
				t.Errorf("send day = %s, want %s", terms.SendDay, tt.sendDay)
			}
			if terms.Deadline != tt.deadline {
				t.Errorf("deadline = %s (%s), want %s", terms.Deadline, terms.Deadline.Weekday(), tt.deadline)
			}
			if !tt.p.Calendar.IsBusinessDate(terms.Deadline) {
				t.Errorf("deadline %s is not a working day", terms.Deadline)
			}
			if tt.noPenalties {
				if !terms.B2C || len(terms.Penalties) != 0 || !terms.Indemnity().IsZero() {
					t.Errorf("consumer: B2C=%v penalties=%+v", terms.B2C, terms.Penalties)
				}
				return
			}
			if len(terms.Penalties) != 1 || terms.Penalties[0].Err != nil {
				t.Fatalf("penalties = %+v", terms.Penalties)
			}
			res := terms.Penalties[0].Result
			lines := res.Lines
			if len(lines) == 0 || lines[len(lines)-1].To != tt.sendDay {
				t.Errorf("penalties do not run to the sending day %s: %+v", tt.sendDay, lines)
			}
			if res.DaysLate != tt.days {
				t.Errorf("days late = %d, want %d", res.DaysLate, tt.days)
			}
			if got := terms.InterestDue().StringFixed(2); got != tt.interest {
				t.Errorf("interest due = %s, want %s", got, tt.interest)
			}
			if got := terms.Indemnity().StringFixed(2); got != "40.00" {
				t.Errorf("indemnity = %s, want the D441-5 40.00", got)
			}
		})
	}
}

func TestFormalNoticeKeepsOtherInvoicesWhenOneCannotBeComputed(t *testing.T) {
	p := defaultPolicy(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, p.Location)
	good := InvoiceState{ID: 1, Number: "F-1", Amount: dec("100"), Balance: dec("100"), Currency: "EUR", DueDate: day(2026, 11, 6)}
	undated := InvoiceState{ID: 2, Number: "F-2", Amount: dec("100"), Balance: dec("100"), Currency: "EUR"}
	terms, err := p.FormalNotice(now, now, Client{ID: 1, Name: "X", Emails: []string{"x@example.com"}},
		[]NoticeInvoice{{Invoice: good}, {Invoice: undated}})
	if err != nil {
		t.Fatal(err)
	}
	if len(terms.Penalties) != 2 || terms.Penalties[0].Err != nil || terms.Penalties[1].Err == nil {
		t.Fatalf("penalties = %+v", terms.Penalties)
	}
	if !strings.Contains(terms.Penalties[1].Err.Error(), "F-2") {
		t.Errorf("error does not name the invoice: %v", terms.Penalties[1].Err)
	}
}

func TestFormalNoticeDeadlineDaysSetting(t *testing.T) {
	p, err := ParseBytes([]byte(`{"formal_notice_deadline_days": 15}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.NoticeDeadlineDays != 15 {
		t.Errorf("NoticeDeadlineDays = %d, want 15", p.NoticeDeadlineDays)
	}
	if def := defaultPolicy(t); def.NoticeDeadlineDays != 8 {
		t.Errorf("default NoticeDeadlineDays = %d, want 8", def.NoticeDeadlineDays)
	}
	_, err = ParseBytes([]byte(`{"formal_notice_deadline_days": 0}`))
	if err == nil || !strings.Contains(err.Error(), "formal_notice_deadline_days") {
		t.Errorf("0 days: err = %v, want a formal_notice_deadline_days error", err)
	}
}

func TestNoticeNotBefore(t *testing.T) {
	p := defaultPolicy(t)
	paris := p.Location
	hold := time.Date(2026, 12, 7, 9, 0, 0, 0, paris)
	tests := []struct {
		name string
		c    ClientState
		want time.Time
	}{
		{"the hold alone", ClientState{}, hold},
		// Last reminder Thursday 3 December 10:00: five working days later
		// is Thursday 10 December 10:00.
		{"the minimum gap", ClientState{LastContact: time.Date(2026, 12, 3, 10, 0, 0, 0, paris)}, time.Date(2026, 12, 10, 10, 0, 0, 0, paris)},
		{"an absence", ClientState{OutOfOfficeUntil: time.Date(2026, 12, 14, 0, 0, 0, 0, paris)}, time.Date(2026, 12, 14, 0, 0, 0, 0, paris)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.NoticeNotBefore(hold, tt.c); !got.Equal(tt.want) {
				t.Errorf("NoticeNotBefore = %s, want %s", got, tt.want)
			}
			// The notice is then dated for that day's first send slot.
			terms, err := p.FormalNotice(hold.Add(-48*time.Hour), p.NoticeNotBefore(hold, tt.c), Client{ID: 1, Emails: []string{"a@b.fr"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := DateIn(p.NextSendTime(tt.want), paris); terms.SendDay != want {
				t.Errorf("dated %s, want %s", terms.SendDay, want)
			}
		})
	}
}
