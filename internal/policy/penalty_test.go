package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

type wantLine struct {
	from, to Date
	days     int
	base     string
	rate     string
	rounded  string
}

func TestLatePenalties(t *testing.T) {
	rates := defaultPolicy(t).Penalties
	interestFirst := rates
	interestFirst.Imputation = InterestFirst
	contract := rates
	contract.ContractRate = decimal.NewNullDecimal(dec("15"))
	tiny := rates
	tiny.ContractRate = decimal.NewNullDecimal(dec("2.5"))

	tests := []struct {
		name                                                   string
		in                                                     PenaltyInput
		lines                                                  []wantLine
		daysLate                                               int
		interest, interestPaid, principalDue, indemnity, total string
		warning                                                string
	}{
		{
			// 16 March → 14 April 2026 = 16 + 14 = 30 days, 2026 H1 rate = ECB on
			// 1 Jan 2026 (2.15, since 2025-06-11) + 10 = 12.15 %.
			// 1200 × 12.15 × 30 / 36500 = 437400 / 36500 = 11.98356… → 11.98.
			// Total 1200 + 11.98 + 40 = 1251.98.
			name: "simple B2B",
			in:   PenaltyInput{Principal: dec("1200.00"), Currency: "EUR", DueDate: day(2026, 3, 15), AsOf: day(2026, 4, 14), Rates: rates},
			lines: []wantLine{
				{day(2026, 3, 16), day(2026, 4, 14), 30, "1200", "12.15", "11.98"},
			},
			daysLate: 30, interest: "11.98", interestPaid: "0", principalDue: "1200", indemnity: "40", total: "1251.98",
		},
		{
			// Across 30 June 2026. H1: 16–30 June = 15 days at 12.15 %
			//   10000 × 12.15 × 15 / 36500 = 1822500 / 36500 = 49.93150…
			// H2: 1–20 July = 20 days at ECB on 1 July (2.40 since 2026-06-17) + 10 = 12.40 %
			//   10000 × 12.40 × 20 / 36500 = 2480000 / 36500 = 67.94520…
			// The mid-June ECB change does not alter the H1 rate.
			// Interest 117.87671… → 117.88; total 10000 + 117.88 + 40 = 10157.88.
			name: "across a half-year boundary",
			in:   PenaltyInput{Principal: dec("10000"), Currency: "EUR", DueDate: day(2026, 6, 15), AsOf: day(2026, 7, 20), Rates: rates},
			lines: []wantLine{
				{day(2026, 6, 16), day(2026, 6, 30), 15, "10000", "12.15", "49.93"},
				{day(2026, 7, 1), day(2026, 7, 20), 20, "10000", "12.40", "67.95"},
			},
			daysLate: 35, interest: "117.88", interestPaid: "0", principalDue: "10000", indemnity: "40", total: "10157.88",
		},
		{
			// Partial payment of 2000 on 20 January, principal first.
			// 1–20 Jan: 20 days × 5000: 5000 × 12.15 × 20 / 36500 = 1215000 / 36500 = 33.28767…
			// 21 Jan–19 Feb: 11 + 19 = 30 days × 3000: 3000 × 12.15 × 30 / 36500 = 1093500 / 36500 = 29.95890…
			// Interest 63.24657… → 63.25; total 3000 + 63.25 + 40 = 3103.25.
			name: "partial payment, principal first",
			in: PenaltyInput{Principal: dec("5000"), Currency: "EUR", DueDate: day(2025, 12, 31), AsOf: day(2026, 2, 19), Rates: rates,
				Payments: []Payment{{day(2026, 1, 20), dec("2000")}}},
			lines: []wantLine{
				{day(2026, 1, 1), day(2026, 1, 20), 20, "5000", "12.15", "33.29"},
				{day(2026, 1, 21), day(2026, 2, 19), 30, "3000", "12.15", "29.96"},
			},
			daysLate: 50, interest: "63.25", interestPaid: "0", principalDue: "3000", indemnity: "40", total: "3103.25",
		},
		{
			// Same, interest first (Code civil 1343-1): of the 2000, 33.287671… pays the
			// accrued penalty, 1966.712328… the principal → base 3033.287671…
			// 3033.287671… × 12.15 × 30 / 36500 = 1105633.356… / 36500 = 30.29132…
			// Interest 33.28767 + 30.29132 = 63.57899… → 63.58; paid 33.29; due 30.29.
			// Principal 3033.29; total 3033.29 + 30.29 + 40 = 3103.58.
			name: "partial payment, interest first",
			in: PenaltyInput{Principal: dec("5000"), Currency: "EUR", DueDate: day(2025, 12, 31), AsOf: day(2026, 2, 19), Rates: interestFirst,
				Payments: []Payment{{day(2026, 1, 20), dec("2000")}}},
			lines: []wantLine{
				{day(2026, 1, 1), day(2026, 1, 20), 20, "5000", "12.15", "33.29"},
				{day(2026, 1, 21), day(2026, 2, 19), 30, "3033.287671232877", "12.15", "30.29"},
			},
			daysLate: 50, interest: "63.58", interestPaid: "33.29", principalDue: "3033.29", indemnity: "40", total: "3103.58",
		},
		{
			// 2024 H2 → 2025 H1 with two payments; paid in full on 31 January 2025.
			// 1–31 Dec 2024: 31 days × 2400 at 4.25 (ECB on 1 July 2024) + 10 = 14.25 %
			//   2400 × 14.25 × 31 / 36500 = 1060200 / 36500 = 29.04657…
			// 400 paid 31 Dec → 2000 from 1 Jan.
			// 1–31 Jan 2025: 31 days × 2000 at 3.15 (ECB on 1 Jan 2025) + 10 = 13.15 %
			//   2000 × 13.15 × 31 / 36500 = 815300 / 36500 = 22.33698…
			// Interest 51.38356… → 51.38; principal 0; total 51.38 + 40 = 91.38.
			name: "paid late in two parts across a year",
			in: PenaltyInput{Principal: dec("2400"), Currency: "EUR", DueDate: day(2024, 11, 30), AsOf: day(2025, 3, 1), Rates: rates,
				Payments: []Payment{{day(2025, 1, 31), dec("2000")}, {day(2024, 12, 31), dec("400")}}},
			lines: []wantLine{
				{day(2024, 12, 1), day(2024, 12, 31), 31, "2400", "14.25", "29.05"},
				{day(2025, 1, 1), day(2025, 1, 31), 31, "2000", "13.15", "22.34"},
			},
			daysLate: 62, interest: "51.38", interestPaid: "0", principalDue: "0", indemnity: "40", total: "91.38",
		},
		{
			// Contract rate 15 %, still split at the half-year for the notice's table.
			// 21–30 June: 1000 × 15 × 10 / 36500 = 4.10958…; 1–9 July: 1000 × 15 × 9 / 36500 = 3.69863…
			// Interest 7.80821… → 7.81; total 1000 + 7.81 + 40 = 1047.81.
			name: "contract rate",
			in:   PenaltyInput{Principal: dec("1000"), Currency: "EUR", DueDate: day(2026, 6, 20), AsOf: day(2026, 7, 9), Rates: contract},
			lines: []wantLine{
				{day(2026, 6, 21), day(2026, 6, 30), 10, "1000", "15", "4.11"},
				{day(2026, 7, 1), day(2026, 7, 9), 9, "1000", "15", "3.70"},
			},
			daysLate: 19, interest: "7.81", interestPaid: "0", principalDue: "1000", indemnity: "40", total: "1047.81",
		},
		{
			// 73 × 2.5 × 1 / 36500 = 182.5 / 36500 = 0.005 exactly: half-up gives 0.01.
			name:     "half-up rounding",
			in:       PenaltyInput{Principal: dec("73"), Currency: "EUR", DueDate: day(2026, 3, 1), AsOf: day(2026, 3, 2), Rates: tiny},
			lines:    []wantLine{{day(2026, 3, 2), day(2026, 3, 2), 1, "73", "2.5", "0.01"}},
			daysLate: 1, interest: "0.01", interestPaid: "0", principalDue: "73", indemnity: "40", total: "113.01",
		},
		{
			// Consumer: no L441-10 penalty, no indemnity; the 200 paid late still counts.
			name: "B2C",
			in: PenaltyInput{Principal: dec("1200"), Currency: "EUR", DueDate: day(2026, 3, 15), AsOf: day(2026, 4, 14), B2C: true, Rates: rates,
				Payments: []Payment{{day(2026, 4, 1), dec("200")}}},
			interest: "0", interestPaid: "0", principalDue: "1000", indemnity: "0", total: "1000", warning: "consumer",
		},
		{
			name: "paid on the due date: nothing late",
			in: PenaltyInput{Principal: dec("1200"), Currency: "EUR", DueDate: day(2026, 3, 15), AsOf: day(2026, 4, 14), Rates: rates,
				Payments: []Payment{{day(2026, 3, 15), dec("1200")}}},
			interest: "0", interestPaid: "0", principalDue: "0", indemnity: "0", total: "0",
		},
		{
			name:     "as of the due date: nothing late yet",
			in:       PenaltyInput{Principal: dec("1200"), Currency: "EUR", DueDate: day(2026, 3, 15), AsOf: day(2026, 3, 15), Rates: rates},
			interest: "0", interestPaid: "0", principalDue: "1200", indemnity: "0", total: "1200",
		},
		{
			// 1 day: 500 × 12.15 × 1 / 36500 = 0.16643… → 0.17. The 40 € is not added to a USD total.
			name:     "other currency",
			in:       PenaltyInput{Principal: dec("500"), Currency: "USD", DueDate: day(2026, 3, 15), AsOf: day(2026, 3, 16), Rates: rates},
			lines:    []wantLine{{day(2026, 3, 16), day(2026, 3, 16), 1, "500", "12.15", "0.17"}},
			daysLate: 1, interest: "0.17", interestPaid: "0", principalDue: "500", indemnity: "40", total: "500.17", warning: "USD",
		},
		{
			// 2027 H1 uses the last known rate (2.65 since 2026-09-16) + 10 = 12.65 % with a warning:
			// 1000 × 12.65 × 30 / 36500 = 10.39726… → 10.40.
			name:     "beyond the checked table",
			in:       PenaltyInput{Principal: dec("1000"), Currency: "EUR", DueDate: day(2026, 12, 31), AsOf: day(2027, 1, 30), Rates: rates},
			lines:    []wantLine{{day(2027, 1, 1), day(2027, 1, 30), 30, "1000", "12.65", "10.40"}},
			daysLate: 30, interest: "10.40", interestPaid: "0", principalDue: "1000", indemnity: "40", total: "1050.40", warning: "last checked",
		},
		{
			// Payment after AsOf is ignored; a payment larger than the principal
			// (principal first) pays penalties with the rest.
			// 16 March–14 April: 30 days, 11.98356… as in "simple B2B"; 1250 paid on 14 April:
			// 1200 to principal, 11.98356… to interest.
			name: "overpayment pays penalties",
			in: PenaltyInput{Principal: dec("1200"), Currency: "EUR", DueDate: day(2026, 3, 15), AsOf: day(2026, 4, 20), Rates: rates,
				Payments: []Payment{{day(2026, 4, 14), dec("1250")}, {day(2026, 5, 1), dec("10")}}},
			lines:    []wantLine{{day(2026, 3, 16), day(2026, 4, 14), 30, "1200", "12.15", "11.98"}},
			daysLate: 30, interest: "11.98", interestPaid: "11.98", principalDue: "0", indemnity: "40", total: "40",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := LatePenalties(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Lines) != len(tt.lines) {
				t.Fatalf("%d lines, want %d: %+v", len(res.Lines), len(tt.lines), res.Lines)
			}
			for i, w := range tt.lines {
				g := res.Lines[i]
				if g.From != w.from || g.To != w.to || g.Days != w.days || !g.Base.Round(12).Equal(dec(w.base)) ||
					!g.Rate.Equal(dec(w.rate)) || !g.Rounded.Equal(dec(w.rounded)) {
					t.Errorf("line %d = %s..%s %d days base %s rate %s amount %s; want %+v",
						i, g.From, g.To, g.Days, g.Base, g.Rate, g.Rounded, w)
				}
			}
			checks := []struct {
				name string
				got  decimal.Decimal
				want string
			}{
				{"interest", res.Interest, tt.interest}, {"interest paid", res.InterestPaid, tt.interestPaid},
				{"principal due", res.PrincipalDue, tt.principalDue}, {"indemnity", res.Indemnity, tt.indemnity},
				{"total", res.Total, tt.total},
			}
			for _, c := range checks {
				if !c.got.Equal(dec(c.want)) {
					t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
				}
			}
			if !res.InterestDue.Equal(res.Interest.Sub(res.InterestPaid)) {
				t.Errorf("interest due %s", res.InterestDue)
			}
			if res.DaysLate != tt.daysLate {
				t.Errorf("days late %d, want %d", res.DaysLate, tt.daysLate)
			}
			joined := strings.Join(res.Warnings, "\n")
			if (tt.warning == "") != (joined == "") || !strings.Contains(joined, tt.warning) {
				t.Errorf("warnings %q, want one containing %q", joined, tt.warning)
			}
		})
	}
}

func TestLatePenaltiesErrors(t *testing.T) {
	rates := defaultPolicy(t).Penalties
	tests := []struct {
		name string
		in   PenaltyInput
		is   error
	}{
		{"negative principal", PenaltyInput{Principal: dec("-1"), DueDate: day(2026, 1, 1), AsOf: day(2026, 2, 1), Rates: rates}, nil},
		{"no due date", PenaltyInput{Principal: dec("1"), AsOf: day(2026, 2, 1), Rates: rates}, nil},
		{"no as-of date", PenaltyInput{Principal: dec("1"), DueDate: day(2026, 1, 1), Rates: rates}, nil},
		{"negative payment", PenaltyInput{Principal: dec("1"), DueDate: day(2026, 1, 1), AsOf: day(2026, 2, 1), Rates: rates,
			Payments: []Payment{{day(2026, 1, 5), dec("-3")}}}, nil},
		{"before the table", PenaltyInput{Principal: dec("1"), DueDate: day(2020, 1, 1), AsOf: day(2020, 2, 1), Rates: rates}, ErrNoRate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LatePenalties(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestL441RateTable(t *testing.T) {
	// The half-year rates of the notes' table: ECB on 1 Jan / 1 Jul + 10.
	rates := defaultPolicy(t).Penalties
	for _, tc := range []struct {
		d    Date
		want string
	}{
		{day(2024, 3, 1), "14.50"}, {day(2024, 9, 1), "14.25"}, {day(2025, 3, 1), "13.15"},
		{day(2025, 9, 1), "12.15"}, {day(2026, 3, 1), "12.15"}, {day(2026, 9, 1), "12.40"},
	} {
		got, err := rates.L441Rate(tc.d)
		if err != nil || !got.Equal(dec(tc.want)) {
			t.Errorf("L441Rate(%s) = %s, %v; want %s", tc.d, got, err, tc.want)
		}
	}
}

func TestPenaltyInputFor(t *testing.T) {
	p, err := ParseBytes([]byte(`{"clients": {"@home.example": {"b2c": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	i := inv("a", Date{}, 0)
	i.IssueDate = day(2026, 2, 13) // due 30 days later: 15 March
	in := p.PenaltyInputFor(i, Client{Emails: []string{"me@home.example"}}, nil, day(2026, 4, 14))
	if in.DueDate != day(2026, 3, 15) || !in.B2C || !in.Principal.Equal(dec("1200")) || in.Rates.Imputation != PrincipalFirst {
		t.Errorf("input %+v", in)
	}
	in.B2C = false
	res, err := LatePenalties(in)
	if err != nil || !res.Total.Equal(dec("1251.98")) { // as in "simple B2B"
		t.Errorf("total %s, %v", res.Total, err)
	}
}
