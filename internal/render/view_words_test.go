package render

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

// The words the renderer puts around values (the place and date line, the
// subject's reference, a long list of numbers) in each language.
func TestViewWords(t *testing.T) {
	var eight []InvoiceLine
	for i := 1; i <= 8; i++ {
		eight = append(eight, InvoiceLine{Number: fmt.Sprintf("F-%d", i), IssueDate: day(2026, 10, 1), DueDate: day(2026, 10, 31),
			Amount: decimal.NewFromInt(10), Balance: decimal.NewFromInt(10), Currency: "EUR", DaysLate: 20})
	}
	three := threeInvoices(20)
	for i := range three {
		three[i].Currency = "EUR"
	}
	noPlace := business()
	noPlace.Address = ""
	tests := []struct {
		lang     string
		biz      Business
		invoices []InvoiceLine
		dated    string
		ref      string
	}{
		{"fr", business(), oneInvoice(20), "Lyon, le 1er décembre 2026", "Facture F-2026-0042"},
		{"en", business(), oneInvoice(20), "Lyon, 1 December 2026", "Invoice F-2026-0042"},
		{"fr", noPlace, three, "Le 1er décembre 2026", "Factures F-2026-0042, F-2026-0051 et F-2026-0057"},
		{"en", noPlace, three, "1 December 2026", "Invoices F-2026-0042, F-2026-0051 and F-2026-0057"},
		{"fr", business(), eight, "Lyon, le 1er décembre 2026", "Factures F-1, F-2, F-3, F-4, F-5 et 3 autres"},
		{"en", business(), eight, "Lyon, 1 December 2026", "Invoices F-1, F-2, F-3, F-4, F-5 and 3 others"},
	}
	for _, tc := range tests {
		v, err := buildView(Data{Language: tc.lang, Stage: StageFriendly, Business: tc.biz, Invoices: tc.invoices, Today: day(2026, 12, 1),
			ClientName: "Studio Kuma"})
		if err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		if v.Dated != tc.dated || v.SubjectRef != tc.ref {
			t.Errorf("%s, %d invoices: dated %q, ref %q; want %q, %q", tc.lang, len(tc.invoices), v.Dated, v.SubjectRef, tc.dated, tc.ref)
		}
	}
}
