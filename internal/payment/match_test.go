package payment

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The ledger of a small studio: Boulangerie Martin owes three invoices,
// Atelier Dupont two, Northwind one in EUR and one in USD,
// Paul Martin (a second Martin) and Cabinet Leroy one each.
func ledger() []Invoice {
	return []Invoice{
		{ID: 1, Number: "F-2026-014", ClientID: 10, ClientName: "SARL Boulangerie Martin", ClientEmails: []string{"compta@boulangerie-martin.fr"}, Balance: d("1200.00"), Currency: "EUR", DueDate: day("2026-10-15")},
		{ID: 2, Number: "F-2026-019", ClientID: 10, ClientName: "SARL Boulangerie Martin", ClientEmails: []string{"compta@boulangerie-martin.fr"}, Balance: d("350.00"), Currency: "EUR", DueDate: day("2026-10-30")},
		{ID: 3, Number: "F-2026-023", ClientID: 10, ClientName: "SARL Boulangerie Martin", ClientEmails: []string{"compta@boulangerie-martin.fr"}, Balance: d("480.00"), Currency: "EUR", DueDate: day("2026-11-10")},
		{ID: 4, Number: "F-2026-020", ClientID: 20, ClientName: "Atelier Dupont", ClientEmails: []string{"jeanne@atelier-dupont.fr"}, Balance: d("600.00"), Currency: "EUR", DueDate: day("2026-11-01")},
		{ID: 5, Number: "F-2026-021", ClientID: 20, ClientName: "Atelier Dupont", ClientEmails: []string{"jeanne@atelier-dupont.fr"}, Balance: d("600.00"), Currency: "EUR", DueDate: day("2026-11-05")},
		{ID: 6, Number: "INV-0042", ClientID: 30, ClientName: "Northwind Traders Ltd", ClientEmails: []string{"ap@northwind.example"}, Balance: d("2500.00"), Currency: "EUR", DueDate: day("2026-11-03")},
		{ID: 7, Number: "INV-0043", ClientID: 30, ClientName: "Northwind Traders Ltd", ClientEmails: []string{"ap@northwind.example"}, Balance: d("900.00"), Currency: "USD", DueDate: day("2026-11-04")},
		{ID: 9, Number: "F-2026-031", ClientID: 50, ClientName: "Paul Martin", ClientEmails: []string{"paul.martin@example.org"}, Balance: d("75.00"), Currency: "EUR", DueDate: day("2026-11-21")},
		{ID: 8, Number: "F-2026-030", ClientID: 40, ClientName: "Cabinet Leroy", ClientEmails: []string{"leroy@cabinet-leroy.fr"}, Balance: d("1000.00"), Currency: "EUR", DueDate: day("2026-11-20")},
	}
}

func TestMatch(t *testing.T) {
	type alloc struct {
		number, amount string
	}
	tests := []struct {
		name       string
		p          Payment
		outcome    Outcome
		rule       Rule
		allocs     []alloc
		excess     string
		client     int64
		candidates []string
		reason     string // substring
	}{
		{name: "reference as issued", p: Payment{Amount: d("350"), Currency: "EUR", Payer: "SOMEONE ELSE", Reference: "Facture F-2026-019 merci"},
			outcome: Matched, rule: RuleReference, allocs: []alloc{{"F-2026-019", "350"}}, client: 10},
		{name: "reference as banks write it", p: Payment{Amount: d("350"), Currency: "EUR", Reference: "VIR SEPA RECU /DE BOULANGERIE /MOTIF FACT F2026019"},
			outcome: Matched, rule: RuleReference, allocs: []alloc{{"F-2026-019", "350"}}, client: 10},
		{name: "reference split in words", p: Payment{Amount: d("350"), Currency: "EUR", Reference: "REGLEMENT F 2026 019"},
			outcome: Matched, rule: RuleReference, allocs: []alloc{{"F-2026-019", "350"}}},
		{name: "reference prefix of another number is not a match", p: Payment{Amount: d("10"), Currency: "EUR", Payer: "Inconnu SA", Reference: "F-2026-0190"},
			outcome: Unknown},
		{name: "reference wins over a different payer", p: Payment{Amount: d("600"), Currency: "EUR", Payer: "Boulangerie Martin", Reference: "INV-0042 part"},
			outcome: Partial, rule: RuleReference, allocs: []alloc{{"INV-0042", "600"}}, client: 30},
		{name: "reference naming two invoices, exact sum", p: Payment{Amount: d("1550"), Currency: "EUR", Reference: "F-2026-014 F-2026-019"},
			outcome: Matched, rule: RuleReference, allocs: []alloc{{"F-2026-014", "1200"}, {"F-2026-019", "350"}}, client: 10},
		{name: "reference naming two invoices, short of the sum", p: Payment{Amount: d("1000"), Currency: "EUR", Reference: "F-2026-014 F-2026-019"},
			outcome: Triage, candidates: []string{"F-2026-014", "F-2026-019"}, client: 10},
		{name: "reference in another currency", p: Payment{Amount: d("900"), Currency: "EUR", Reference: "INV-0043"},
			outcome: Triage, candidates: []string{"INV-0043"}, reason: "in USD"},
		{name: "by amount and payer name", p: Payment{Amount: d("480.00"), Currency: "EUR", Payer: "SARL BOULANGERIE MARTIN", Reference: "VIREMENT"},
			outcome: Matched, rule: RuleAmountClient, allocs: []alloc{{"F-2026-023", "480"}}, client: 10},
		{name: "by amount and truncated payer name", p: Payment{Amount: d("480.00"), Currency: "EUR", Payer: "BOULANGERIE MAR"},
			outcome: Matched, rule: RuleAmountClient, allocs: []alloc{{"F-2026-023", "480"}}, client: 10},
		{name: "by amount and payer email", p: Payment{Amount: d("2500"), Currency: "EUR", Payer: "N. Traders", PayerEmail: "AP@northwind.example"},
			outcome: Matched, rule: RuleAmountClient, allocs: []alloc{{"INV-0042", "2500"}}, client: 30},
		{name: "by amount and client named in the label", p: Payment{Amount: d("1000"), Currency: "EUR", Reference: "VIR INST CABINET LEROY HONORAIRES"},
			outcome: Matched, rule: RuleAmountClient, allocs: []alloc{{"F-2026-030", "1000"}}, client: 40},
		{name: "one payment for several invoices", p: Payment{Amount: d("830"), Currency: "EUR", Payer: "Boulangerie Martin"},
			outcome: Matched, rule: RuleSeveral, allocs: []alloc{{"F-2026-019", "350"}, {"F-2026-023", "480"}}, client: 10},
		{name: "all three invoices at once", p: Payment{Amount: d("2030"), Currency: "EUR", Payer: "Boulangerie Martin"},
			outcome: Matched, rule: RuleSeveral, allocs: []alloc{{"F-2026-014", "1200"}, {"F-2026-019", "350"}, {"F-2026-023", "480"}}, client: 10},
		{name: "partial payment of the only invoice", p: Payment{Amount: d("400"), Currency: "EUR", Payer: "CABINET LEROY"},
			outcome: Partial, rule: RulePartial, allocs: []alloc{{"F-2026-030", "400"}}, client: 40},
		{name: "partial payment by reference", p: Payment{Amount: d("500"), Currency: "EUR", Reference: "acompte F-2026-014"},
			outcome: Partial, rule: RuleReference, allocs: []alloc{{"F-2026-014", "500"}}, client: 10},
		{name: "overpayment by reference", p: Payment{Amount: d("400"), Currency: "EUR", Reference: "F-2026-019"},
			outcome: Overpaid, rule: RuleReference, allocs: []alloc{{"F-2026-019", "350"}}, excess: "50", client: 10},
		{name: "overpayment of the only invoice", p: Payment{Amount: d("1100"), Currency: "EUR", Payer: "Cabinet Leroy"},
			outcome: Overpaid, rule: RuleSingle, allocs: []alloc{{"F-2026-030", "1000"}}, excess: "100", client: 40},
		{name: "unknown payer", p: Payment{Amount: d("77.10"), Currency: "EUR", Payer: "M. Paul Inconnu", Reference: "remboursement"},
			outcome: Unknown, reason: "not a known client"},
		{name: "unknown payer with an amount some invoice has", p: Payment{Amount: d("1000"), Currency: "EUR", Payer: "Jean Inconnu"},
			outcome: Triage, candidates: []string{"F-2026-030"}, reason: "not a known client"},
		{name: "ambiguous: two invoices of the same amount", p: Payment{Amount: d("600"), Currency: "EUR", Payer: "ATELIER DUPONT"},
			outcome: Triage, candidates: []string{"F-2026-020", "F-2026-021"}, client: 20},
		{name: "ambiguous: no exact combination", p: Payment{Amount: d("999"), Currency: "EUR", Payer: "Boulangerie Martin"},
			outcome: Triage, candidates: []string{"F-2026-014", "F-2026-019", "F-2026-023"}, client: 10},
		{name: "ambiguous: payer could be two clients", p: Payment{Amount: d("5"), Currency: "EUR", Payer: "MARTIN"},
			outcome: Triage, reason: "could be 2 clients"},
		{name: "known client with nothing open in that currency", p: Payment{Amount: d("50"), Currency: "GBP", Payer: "Northwind Traders"},
			outcome: Overpaid, excess: "50", client: 30},
		{name: "not money received", p: Payment{Amount: d("-20"), Currency: "EUR", Reference: "F-2026-019"},
			outcome: Unknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			open := ledger()
			r := Match(tc.p, open)
			if r.Outcome != tc.outcome || r.Rule != tc.rule {
				t.Fatalf("outcome %s/%s, want %s/%s (%s)", r.Outcome, r.Rule, tc.outcome, tc.rule, r.Reason)
			}
			if len(r.Allocations) != len(tc.allocs) {
				t.Fatalf("allocations %+v, want %v", r.Allocations, tc.allocs)
			}
			for i, a := range tc.allocs {
				if r.Allocations[i].Number != a.number || !r.Allocations[i].Amount.Equal(d(a.amount)) {
					t.Errorf("allocation %d = %s %s, want %s %s", i, r.Allocations[i].Number, r.Allocations[i].Amount, a.number, a.amount)
				}
			}
			wantExcess := decimal.Zero
			if tc.excess != "" {
				wantExcess = d(tc.excess)
			}
			if !r.Excess.Equal(wantExcess) {
				t.Errorf("excess %s, want %s", r.Excess, wantExcess)
			}
			if tc.client != 0 && r.ClientID != tc.client {
				t.Errorf("client %d, want %d", r.ClientID, tc.client)
			}
			if tc.candidates != nil {
				var got []string
				for _, c := range r.Candidates {
					got = append(got, c.Number)
				}
				if strings.Join(got, ",") != strings.Join(tc.candidates, ",") {
					t.Errorf("candidates %v, want %v", got, tc.candidates)
				}
			}
			if tc.outcome == Triage && len(r.Candidates) == 0 {
				t.Errorf("triage without candidates")
			}
			if tc.outcome == Triage && len(r.Allocations) > 0 {
				t.Errorf("triage must not allocate: %+v", r.Allocations)
			}
			if !strings.Contains(r.Reason, tc.reason) || r.Reason == "" {
				t.Errorf("reason %q, want it to contain %q", r.Reason, tc.reason)
			}
			for i, inv := range ledger() {
				if !open[i].Balance.Equal(inv.Balance) {
					t.Fatalf("Match modified its input")
				}
			}
		})
	}
}

func TestMatchAll(t *testing.T) {
	payments := []Payment{
		{Amount: d("500"), Currency: "EUR", Reference: "F-2026-014", ExternalRef: "a"},
		{Amount: d("700"), Currency: "EUR", Reference: "F-2026-014 solde", ExternalRef: "b"},
		{Amount: d("700"), Currency: "EUR", Reference: "F-2026-014 solde", ExternalRef: "b"}, // same line twice in the file
		{Amount: d("350"), Currency: "EUR", Reference: "F-2026-019", ExternalRef: "imported-last-week"},
		{Amount: d("100"), Currency: "EUR", Reference: "F-2026-014", ExternalRef: "c"}, // the invoice is settled now
	}
	known := func(ref string) bool { return ref == "imported-last-week" }
	got := MatchAll(payments, ledger(), known)
	want := []Outcome{Partial, Matched, Duplicate, Duplicate, Triage}
	for i, w := range want {
		if got[i].Outcome != w {
			t.Errorf("payment %d: %s (%s), want %s", i, got[i].Outcome, got[i].Reason, w)
		}
	}
	if a := got[1].Allocations; len(a) != 1 || !a[0].Amount.Equal(d("700")) || !a[0].Settles {
		t.Errorf("second payment allocations %+v, want the 700 left, settling", a)
	}
}

func TestExactSubsetsBounded(t *testing.T) {
	var invs []Invoice
	for i := range 30 {
		invs = append(invs, Invoice{ID: int64(i + 1), Number: "X-" + string(rune('A'+i)), ClientID: 1, ClientName: "Big Client", Balance: d("10"), Currency: "EUR"})
	}
	r := Match(Payment{Amount: d("20"), Currency: "EUR", Payer: "Big Client"}, invs)
	if r.Outcome != Triage {
		t.Fatalf("outcome %s, want triage for a client with many invoices", r.Outcome)
	}
}
