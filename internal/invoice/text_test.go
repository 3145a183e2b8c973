package invoice

import (
	"testing"
	"time"
)

func TestFindTerms(t *testing.T) {
	issue := day(2026, 11, 3)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"payable à 30 jours", day(2026, 12, 3), true},
		{"Règlement à 45 jours fin de mois", day(2026, 12, 31), true},
		{"30 jours fin de mois", day(2026, 12, 31), true},
		{"Délai de paiement : 60 jours", day(2027, 1, 2), true},
		{"30 jours nets", day(2026, 12, 3), true},
		{"Payment terms: 14 days", day(2026, 11, 17), true},
		{"Terms: Net 30", day(2026, 12, 3), true},
		{"net 15 days", day(2026, 11, 18), true},
		{"within 10 days of receipt", day(2026, 11, 13), true},
		{"Paiement à réception", issue, true},
		{"Due upon receipt", issue, true},
		{"Total net 1 200,00 €", time.Time{}, false},
		{"Net à payer : 30,00 €", time.Time{}, false},
		{"Merci de votre confiance", time.Time{}, false},
	}
	for _, tc := range tests {
		tm, ok := findTerms(tc.in)
		if ok != tc.ok || (ok && !tm.apply(issue).Equal(tc.want)) {
			t.Errorf("findTerms(%q) = %+v, %v -> %s; want %s, %v", tc.in, tm, ok, tm.apply(issue).Format(time.DateOnly), tc.want.Format(time.DateOnly), tc.ok)
		}
	}
}

func TestFindNumbers(t *testing.T) {
	tests := []struct {
		in    string
		first string
		label string
	}{
		{"Facture n° F-2026-0142 du 03/11/2026", "F-2026-0142", labelInvoice},
		{"Facture N°2026-017.", "2026-017", labelInvoice},
		{"Invoice #1234", "1234", labelInvoice},
		{"Invoice number: INV-2026-0091", "INV-2026-0091", labelInvoice},
		{"voir FAC-10387 ci-joint", "FAC-10387", labelInvoice},
		{"Avoir n° AV-2026-0003", "AV-2026-0003", labelCredit},
		{"Devis D-2026-041", "D-2026-041", labelQuote},
		{"Facture du 3 mars 2026, n° 2026-017", "2026-017", labelInvoice},
		{"Invoice for March 2026", "", ""},
	}
	for _, tc := range tests {
		got := findNumbers(tc.in)
		if tc.first == "" {
			if len(got) != 0 {
				t.Errorf("findNumbers(%q) = %+v, want none", tc.in, got)
			}
			continue
		}
		if len(got) == 0 || got[0].value != tc.first || got[0].label != tc.label {
			t.Errorf("findNumbers(%q) = %+v, want %q (%s) first", tc.in, got, tc.first, tc.label)
		}
	}
}

func TestLanguage(t *testing.T) {
	if got := language("Bonjour, veuillez trouver la facture ci-jointe.", "en"); got != "fr" {
		t.Errorf("fr text -> %q", got)
	}
	if got := language("Hi, please find the invoice attached.", "fr"); got != "en" {
		t.Errorf("en text -> %q", got)
	}
	if got := language("F-2026-0142", "en"); got != "en" {
		t.Errorf("no clue -> %q", got)
	}
}
