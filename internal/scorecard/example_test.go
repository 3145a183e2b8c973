package scorecard_test

import (
	"fmt"
	"time"

	"github.com/relance/relance/internal/scorecard"
	"github.com/shopspring/decimal"
)

// A client known for a year whose last invoice is still unpaid 40 days
// after its due date: 20 and 40 days late on two invoices of three.
func ExampleCompute() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	h := scorecard.History{Invoices: []scorecard.Invoice{
		{Number: "2025-118", Issued: day("2025-12-01"), Due: day("2025-12-31"), Amount: decimal.RequireFromString("1800.00"),
			Payments: []scorecard.Payment{{On: day("2025-12-29"), Amount: decimal.RequireFromString("1800.00")}}},
		{Number: "2026-041", Issued: day("2026-05-04"), Due: day("2026-06-03"), Amount: decimal.RequireFromString("2400.00"),
			Payments:  []scorecard.Payment{{On: day("2026-06-23"), Amount: decimal.RequireFromString("2400.00")}},
			Reminders: []scorecard.Reminder{{Stage: "friendly", Sent: day("2026-06-10")}}},
		{Number: "2026-097", Issued: day("2026-09-28"), Due: day("2026-10-28"), Amount: decimal.RequireFromString("960.00"),
			Reminders: []scorecard.Reminder{{Stage: "friendly", Sent: day("2026-11-04")}, {Stage: "second", Sent: day("2026-11-18")}}},
	}}
	c := scorecard.Compute(h, time.Date(2026, time.December, 7, 9, 0, 0, 0, time.UTC))
	fmt.Println(c.Segment, c.Invoices, c.Billed.StringFixed(2), c.MedianDaysLate, c.WorstDaysLate, c.RemindersPerInvoice)
	for _, a := range c.Advice {
		fmt.Println(a.Code+":", a.Reason.In("en"))
	}
	// Output:
	// regular_chronic 3 5160.00 20 40 1
	// stop_credit: Chronic late payer: 2 of 3 invoices late, median 20 days late. Stop working on credit: payment with the order or on delivery.
}
