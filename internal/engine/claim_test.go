package engine

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/invoice"
)

func TestReadClaim(t *testing.T) {
	d := decimal.RequireFromString
	afterCredit := invoice.Candidate{Number: "FA-2025-0312", Amount: d("1000"), Balance: d("800")}
	whole := invoice.Candidate{Number: "FA-2025-0311", Amount: d("1440"), Balance: d("1440")}
	paidEv := []classify.Evidence{{Sentence: "Nous avons réglé le solde de 800 €.", Signal: "model:paid"}}
	disputeEv := []classify.Evidence{{Sentence: "Je conteste ce montant de 800 €.", Signal: "model:dispute"}}
	tests := []struct {
		name     string
		r        classify.Result
		c        invoice.Candidate
		kind     ClaimKind
		amount   string
		overrode bool
	}{
		{"paid, no amount", classify.Result{Class: classify.Paid}, whole, ClaimWhole, "1440", false},
		{"paid the balance after a credit note", classify.Result{Class: classify.Paid, Amounts: []decimal.Decimal{d("800")}}, afterCredit, ClaimWhole, "800", false},
		{"paid the total despite the credit note", classify.Result{Class: classify.Paid, Amounts: []decimal.Decimal{d("1000")}}, afterCredit, ClaimWhole, "800", false},
		{"paid less than the balance", classify.Result{Class: classify.Paid, Amounts: []decimal.Decimal{d("500")}}, whole, ClaimPartial, "500", false},
		{"paid less, after a credit note", classify.Result{Class: classify.Paid, Amounts: []decimal.Decimal{d("300")}}, afterCredit, ClaimPartial, "300", false},
		{"read as a dispute, names the balance and pays it", classify.Result{Class: classify.Dispute, Amounts: []decimal.Decimal{d("800")}, Evidence: paidEv}, afterCredit, ClaimWhole, "800", true},
		{"a dispute naming the balance stays a dispute", classify.Result{Class: classify.Dispute, Amounts: []decimal.Decimal{d("800")}, Evidence: disputeEv}, afterCredit, "", "0", false},
		{"a dispute of a whole invoice stays a dispute", classify.Result{Class: classify.Dispute, Amounts: []decimal.Decimal{d("1440")}, Evidence: paidEv}, whole, "", "0", false},
		{"a promise claims nothing", classify.Result{Class: classify.Promise, Amounts: []decimal.Decimal{d("800")}}, afterCredit, "", "0", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := readClaim(tc.r, tc.c)
			if got.Kind != tc.kind || !got.Amount.Equal(d(tc.amount)) || got.Overrode != tc.overrode {
				t.Errorf("readClaim = %+v, want %q %s overrode %v", got, tc.kind, tc.amount, tc.overrode)
			}
		})
	}
}
