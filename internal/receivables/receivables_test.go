package receivables

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// book is a small firm's invoices, every figure below computed by hand on
// Monday 7 December 2026.
func book() []Invoice {
	return []Invoice{
		// A: 1 000 €, 400 € received on 15 November; 67 days late.
		{ClientID: 1, ClientName: "Alpha", Currency: "EUR", Amount: dec("1000"), Issued: d(2026, 9, 1), Due: d(2026, 10, 1),
			Payments: []Payment{{On: d(2026, 11, 15), Amount: dec("400")}}},
		// B: 500 €, 5 days late.
		{ClientID: 1, ClientName: "Alpha", Currency: "EUR", Amount: dec("500"), Issued: d(2026, 11, 2), Due: d(2026, 12, 2)},
		// C: 2 000 €, late from 15 November, paid in full on 30 November.
		{ClientID: 2, ClientName: "Beta", Currency: "EUR", Amount: dec("2000"), Issued: d(2026, 10, 15), Due: d(2026, 11, 14),
			Payments: []Payment{{On: d(2026, 11, 30), Amount: dec("2000")}}},
		// D: 300 €, not due yet.
		{ClientID: 2, ClientName: "Beta", Currency: "EUR", Amount: dec("300"), Issued: d(2026, 11, 20), Due: d(2026, 12, 20)},
		// E: 800 €, late from 2 July, written off on 1 November.
		{ClientID: 3, ClientName: "Gamma", Currency: "EUR", Amount: dec("800"), Issued: d(2026, 6, 1), Due: d(2026, 7, 1),
			Closed: d(2026, 11, 1)},
		// F: 250 €, 120 days late.
		{ClientID: 3, ClientName: "Gamma", Currency: "EUR", Amount: dec("250"), Issued: d(2026, 7, 10), Due: d(2026, 8, 9)},
		// G: 100 $, 7 days late.
		{ClientID: 2, ClientName: "Beta", Currency: "USD", Amount: dec("100"), Issued: d(2026, 11, 1), Due: d(2026, 11, 30)},
	}
}

var monday = d(2026, 12, 7)

func TestBalanceAt(t *testing.T) {
	b := book()
	for _, c := range []struct {
		inv  int
		on   time.Time
		want string
	}{
		{0, d(2026, 8, 31), "0"},     // not issued yet
		{0, d(2026, 9, 1), "1000"},   // issued that day
		{0, d(2026, 11, 14), "1000"}, // the day before the payment
		{0, d(2026, 11, 15), "600"},  // the payment counts on its day
		{2, d(2026, 11, 30), "0"},
		{4, d(2026, 10, 31), "800"},
		{4, d(2026, 11, 1), "0"}, // written off that day
	} {
		if got := b[c.inv].BalanceAt(c.on); !got.Equal(dec(c.want)) {
			t.Errorf("invoice %c on %s: balance %s, want %s", 'A'+c.inv, c.on.Format(time.DateOnly), got, c.want)
		}
	}
	// Overpaid does not owe a negative amount.
	over := Invoice{Amount: dec("10"), Payments: []Payment{{On: d(2026, 1, 1), Amount: dec("12")}}}
	if got := over.BalanceAt(d(2026, 2, 1)); !got.IsZero() {
		t.Errorf("overpaid balance %s, want 0", got)
	}
}

func TestDSO(t *testing.T) {
	got := ComputeDSO(book(), monday, 0)
	// EUR: owed 600 + 500 + 300 + 250 = 1 650; billed in the 90 days
	// ending 7 December (from 9 September): B 500 + C 2 000 + D 300 =
	// 2 800; 1 650 ÷ 2 800 × 90 = 53.04 → 53 days.
	// USD: 100 ÷ 100 × 90 = 90 days.
	want := []DSO{
		{Currency: "EUR", Receivables: dec("1650"), Billed: dec("2800"), WindowDays: 90, Days: 53, Known: true},
		{Currency: "USD", Receivables: dec("100"), Billed: dec("100"), WindowDays: 90, Days: 90, Known: true},
	}
	if len(got) != len(want) {
		t.Fatalf("DSO %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Currency != w.Currency || !g.Receivables.Equal(w.Receivables) || !g.Billed.Equal(w.Billed) || g.Days != w.Days ||
			g.Known != w.Known || g.WindowDays != w.WindowDays {
			t.Errorf("DSO %d = %+v, want %+v", i, g, w)
		}
	}
	// Over 30 days only D was billed (300): 1 650 ÷ 300 × 30 = 165 days.
	if g := ComputeDSO(book(), monday, 30); g[0].Days != 165 || !g[0].Billed.Equal(dec("300")) {
		t.Errorf("30-day DSO %+v, want 165 days on 300 billed", g[0])
	}
	// Nothing billed in the window: owed, but no ratio.
	old := []Invoice{{Currency: "EUR", Amount: dec("90"), Issued: d(2025, 1, 10), Due: d(2025, 2, 10)}}
	if g := ComputeDSO(old, monday, 0); len(g) != 1 || g[0].Known || !g[0].Receivables.Equal(dec("90")) {
		t.Errorf("DSO without sales %+v, want receivables 90 and no figure", g)
	}
	if g := ComputeDSO(nil, monday, 0); len(g) != 0 {
		t.Errorf("DSO of nothing %+v", g)
	}
}

func TestAging(t *testing.T) {
	got := ComputeAging(book(), monday)
	if len(got) != 2 {
		t.Fatalf("aging %+v", got)
	}
	// current D 300; 1–30 B 500 (5 days); 31–60 none; 61–90 A 600 (67
	// days); 90+ F 250 (120 days).
	eur := got[0]
	for i, w := range []string{"300", "500", "0", "600", "250"} {
		if !eur.Buckets[i].Equal(dec(w)) {
			t.Errorf("EUR bucket %d = %s, want %s", i, eur.Buckets[i], w)
		}
	}
	if !eur.Total.Equal(dec("1650")) || !eur.Overdue.Equal(dec("1350")) {
		t.Errorf("EUR total %s overdue %s, want 1650 and 1350", eur.Total, eur.Overdue)
	}
	if usd := got[1]; usd.Currency != "USD" || !usd.Buckets[1].Equal(dec("100")) || !usd.Overdue.Equal(dec("100")) {
		t.Errorf("USD aging %+v", usd)
	}
}

func TestTrend(t *testing.T) {
	got := ComputeTrend(book(), monday, 0)
	if len(got) != 2 || got[0].Currency != "EUR" || len(got[0].Points) != 12 {
		t.Fatalf("trend %+v", got)
	}
	// Every Monday from 21 September to 7 December, from the invoices'
	// dates alone.
	want := map[string]string{
		"2026-09-21": "1050", // E 800 + F 250; A not due until 1 October
		"2026-10-26": "2050", // A 1 000 + E 800 + F 250
		"2026-11-02": "1250", // E written off the day before: A 1 000 + F 250
		"2026-11-09": "1250",
		"2026-11-16": "2850", // A 600 after 400 paid, C 2 000 late since 15 Nov, F 250
		"2026-11-23": "2850",
		"2026-11-30": "850",  // C paid that day: A 600 + F 250
		"2026-12-07": "1350", // A 600 + B 500 + F 250
	}
	eur := got[0]
	if first, last := eur.Points[0].Day, eur.Points[11].Day; !first.Equal(d(2026, 9, 21)) || !last.Equal(monday) {
		t.Errorf("trend from %s to %s, want 2026-09-21 to 2026-12-07", first, last)
	}
	for _, p := range eur.Points {
		if w, ok := want[p.Day.Format(time.DateOnly)]; ok && !p.Overdue.Equal(dec(w)) {
			t.Errorf("overdue on %s = %s, want %s", p.Day.Format(time.DateOnly), p.Overdue, w)
		}
	}
	if !eur.Max.Equal(dec("2850")) {
		t.Errorf("max %s, want 2850", eur.Max)
	}
	// USD: only the last Monday has G overdue (due 30 November).
	usd := got[1]
	for i, p := range usd.Points {
		want := "0"
		if i == 11 {
			want = "100"
		}
		if !p.Overdue.Equal(dec(want)) {
			t.Errorf("USD on %s = %s, want %s", p.Day.Format(time.DateOnly), p.Overdue, want)
		}
	}
	// A currency with nothing ever overdue has no trend to draw.
	if g := ComputeTrend([]Invoice{{Currency: "CHF", Amount: dec("5"), Issued: d(2026, 12, 1), Due: d(2027, 1, 1)}}, monday, 4); len(g) != 0 {
		t.Errorf("trend of nothing overdue %+v", g)
	}
}

func TestTopDebtors(t *testing.T) {
	got := TopDebtors(book(), monday, 3)
	want := []struct {
		name, cur, out, over string
		invoices, oldest     int
	}{
		{"Alpha", "EUR", "1100", "1100", 2, 67},
		{"Gamma", "EUR", "250", "250", 1, 120},
		{"Beta", "EUR", "300", "0", 1, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("top debtors %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.ClientName != w.name || g.Currency != w.cur || !g.Outstanding.Equal(dec(w.out)) || !g.Overdue.Equal(dec(w.over)) ||
			g.Invoices != w.invoices || g.OldestDaysLate != w.oldest {
			t.Errorf("debtor %d = %+v, want %+v", i, g, w)
		}
	}
	// All of them: the dollars come after the euros, which more invoices
	// are owed in.
	all := TopDebtors(book(), monday, 0)
	if len(all) != 4 || all[3].Currency != "USD" || !all[3].Overdue.Equal(dec("100")) {
		t.Errorf("all debtors %+v", all)
	}
}
