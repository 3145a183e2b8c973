package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
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

// A client who said it paid and later writes a promise ("it goes out this
// week") keeps its claim: the invoice stays paid_claimed, so no reminder
// comes on the promise's date plus grace; the payment check or a human
// decides. A dispute after a claim still moves the invoice.
func TestPromiseAfterClaimKeepsTheClaim(t *testing.T) {
	e, st := newEngine(t)
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	ingestAll(t, e,
		sentMail(1, us, "Client 01 <compta@client01.fr>", "Facture FA-2025-0325", at, "Facture n° FA-2025-0325\nMontant TTC : 1175,25 €\nÉchéance : 03/12/2026\n"),
		sentMail(2, us, "Client 16 <compta@client16.fr>", "Invoice INV-2025-0076", at, "Invoice INV-2025-0076\nAmount due: EUR 892.16\nDue date: 3 December 2026\n"),
		inboxMail(1, "Client 01 <compta@client01.fr>", "Virement", "", at.Add(48*time.Hour),
			"Bonjour,\nLe virement de 1175,25 € est parti ce matin.\nCordialement"),
		inboxMail(2, "Client 16 <compta@client16.fr>", "Re: Invoice", "sent-2@relance.test", at.Add(48*time.Hour),
			"Hello,\nPayment was sent this morning.\nBest"),
	)
	for _, n := range []string{"FA-2025-0325", "INV-2025-0076"} {
		if s := invoiceNamed(t, st, n).State; s != domain.StatePaidClaimed {
			t.Fatalf("%s is %s after the paid reply, want paid_claimed", n, s)
		}
	}
	ingestAll(t, e,
		inboxMail(3, "Client 01 <compta@client01.fr>", "facture 325", "", at.Add(7*24*time.Hour),
			"Bonjour, elle part en paiement cette semaine."),
		inboxMail(4, "Client 16 <compta@client16.fr>", "Re: Invoice", "sent-2@relance.test", at.Add(7*24*time.Hour),
			"Bonjour,\nDésolé du retard, je m'en occupe cette semaine.\nCordialement"),
	)
	for _, n := range []string{"FA-2025-0325", "INV-2025-0076"} {
		inv := invoiceNamed(t, st, n)
		if inv.State != domain.StatePaidClaimed {
			t.Errorf("%s is %s after a promise that followed the payment claim, want paid_claimed", n, inv.State)
		}
		tl, err := st.Timeline(context.Background(), inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		promises := 0
		for _, ev := range tl {
			if ev.Kind == "reply_received" && strings.Contains(string(ev.Detail), `"class":"promise"`) {
				promises++
			}
		}
		if promises != 1 {
			t.Errorf("%s: %d promise replies in the timeline, want the one received", n, promises)
		}
	}
	ingestAll(t, e,
		inboxMail(5, "Client 01 <compta@client01.fr>", "Re: facture 325", "", at.Add(8*24*time.Hour),
			"Bonjour,\nJe conteste cette facture FA-2025-0325 : la prestation n'a jamais été livrée. Merci de l'annuler.\n"),
	)
	if s := invoiceNamed(t, st, "FA-2025-0325").State; s != domain.StateDisputed {
		t.Errorf("FA-2025-0325 is %s after a dispute that followed the claim, want disputed", s)
	}
}
