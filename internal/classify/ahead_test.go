package classify

import (
	"testing"
	"time"
)

// The rule that turns a reading into a promise when the payment is only
// announced: on an "other" reading it asks more (a reply to our mail, a word
// that can only mean handing over money) than on a "paid" one.
func TestPaymentAhead(t *testing.T) {
	ref := time.Date(2025, 8, 20, 11, 0, 0, 0, time.UTC)
	cases := []struct {
		name, text string
		strict     bool
		want       bool
	}{
		{"future settling, lenient", "Elles seront réglées le 5 du mois prochain.", false, true},
		{"future settling, strict", "Elles seront réglées le 5 du mois prochain.", true, true},
		{"english future transfer", "My son will pay you on Saturday morning.", true, true},
		{"already paid", "La facture a été réglée le 18 août.", false, false},
		{"a past payment sentence vetoes", "Le virement sera fait le 5 septembre. Le premier virement a été fait hier.", false, false},
		{"a day already gone", "Je réglerai le 10 août.", false, false},
		{"present tense only", "Je vous donne le chèque samedi.", false, false},
		{"'vers' is not a payment, strict", "Je reviendrai vers vous demain.", true, false},
		{"'vers' counts as a word of paying, lenient", "Je reviendrai vers vous demain.", false, true},
		{"a delivery is not a payment", "Vous pourrez livrer mardi prochain ?", true, false},
		{"no date", "Le paiement partira bientôt.", true, false},
		// Clauses: what the client did is told apart from the payment.
		{"a colon sets off what was done", "Je l'ai prévenue : le paiement sera fait le mardi 2 septembre.", true, true},
		{"a past payment clause still vetoes", "Le virement a été fait : vous l'aurez le 5 septembre.", false, false},
		{"a day in a clause not about paying", "I spoke to our CFO this afternoon: the invoice will be paid within 30 days from today.", true, true},
		{"a time's colon splits nothing", "Virement effectué hier à 14:30, il partira demain.", false, false},
		// Today is where a delay counts from, not the day of a payment.
		{"from today", "The invoice will be paid within 30 days from today.", true, true},
		{"today itself", "The invoice will be paid today.", false, false},
		// A clause that says both what happened and what will: its
		// statements apart.
		{"a grant received, the payment to come", "Nous avons reçu hier la subvention et le paiement partira jeudi prochain.", true, true},
		{"an approval, the payment to come", "The invoice has been approved by our management and the payment will be released on 30th of this month.", true, true},
		{"paid, received tomorrow", "Le virement a été fait hier et vous le recevrez demain.", false, false},
		{"paid, received tomorrow, english", "We paid on Monday and you will get it tomorrow.", false, false},
		// A condition's tense says nothing of the payment.
		{"once done", "We shall effect payment by Friday 22nd August. We shall share the transfer slip once done.", true, true},
		{"paid when received", "The invoice was paid when we received it. You will have it on Friday.", false, false},
		// A round of payments still to come is scheduled; the round is
		// the nearer of the next one and the last one of that number.
		{"handed to a round to come", "La facture est passée au virement groupé du 25.", true, true},
		{"handed to a batch to come", "La facture est partie au paiement avec le lot du 25.", true, true},
		{"a round gone this month", "La facture est passée au virement groupé du 15.", false, false},
		{"a round gone two days ago", "Votre facture est partie en paiement avec notre échéance du 18, comme d'habitude.", false, false},
		{"a round to come next month, nearer than the last", "Votre facture est partie en paiement avec notre échéance du 2.", true, true},
		{"a day, not a round", "La facture a été payée le 25.", false, false},
		// The end of the working day belongs to the day named beside it.
		{"any time that day", "Ton chèque va être prêt jeudi, tu peux passer le chercher n'importe quand dans la journée.", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := extract(c.text, "Re: facture", ref, nil)
			ev, got := paymentAhead(&f, ref, c.strict)
			if got != c.want {
				t.Fatalf("paymentAhead(%q, strict=%v) = %v, want %v", c.text, c.strict, got, c.want)
			}
			if got && (ev.Signal != "rule:payment_ahead" || ev.Sentence == "") {
				t.Fatalf("evidence %+v: want the sentence and the rule's signal", ev)
			}
		})
	}
}

func TestAnswersUs(t *testing.T) {
	for subject, want := range map[string]bool{
		"Re: Facture 0243":              true,
		"RE : Relance facture":          true,
		"AW: Rechnung 12":               true,
		"[EXT] Re: invoice":             true,
		"  re: invoice":                 true,
		"Facture F-2025-001":            false,
		"Avis de prélèvement":           false,
		"Réf. : commande 12":            false,
		"Fwd: Re: facture":              false,
		"Your direct debit on the 10th": false,
		"ODP: Reminder: invoice 12":     true,
		"SV: Faktura 12":                true,
		"Odp: Fwd: faktura":             true,
		"WG: Rechnung 12":               false,
	} {
		if got := answersUs(subject); got != want {
			t.Errorf("answersUs(%q) = %v, want %v", subject, got, want)
		}
	}
}

func TestPromiseDateTakesTheFirstInstalmentWhenNoSentenceSpeaksOfPaying(t *testing.T) {
	ref := time.Date(2026, 10, 21, 21, 0, 0, 0, time.UTC)
	f := extract("I can do the first one on the 1st of November, then the 1st of December and January.", "Re: x", ref, nil)
	got := promiseDate(&f, ref, true)
	if got == nil || got.Format(time.DateOnly) != "2026-11-01" {
		t.Fatalf("promise date %v, want 2026-11-01", got)
	}
}
