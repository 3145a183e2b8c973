package render

import (
	"strings"
	"testing"
)

// A ladder stage's offer_payment_plan is what puts the offer of a payment
// plan in a reminder: present when set, absent otherwise, in both languages,
// text and HTML, on the friendly and the second reminder.
func TestOfferPaymentPlan(t *testing.T) {
	offer := map[string]string{"fr": "convenir d'un échéancier", "en": "agree on a payment plan"}
	for _, lang := range []string{"fr", "en"} {
		for _, stage := range []string{StageFriendly, StageSecond} {
			for _, on := range []bool{false, true} {
				d := Data{Language: lang, Stage: stage, Business: business(), ClientName: "Boulangerie Dupont",
					B2B: true, Currency: "EUR", Today: day(2026, 11, 22), Invoices: oneInvoice(22),
					OfferPaymentPlan: on}
				r, err := Render(d)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, stage, err)
				}
				for part, body := range map[string]string{"text": r.Text, "html": r.HTML} {
					if got := strings.Contains(body, offer[lang]); got != on {
						t.Errorf("%s %s %s with offer_payment_plan=%v: offer present = %v\n%s", lang, stage, part, on, got, body)
					}
				}
			}
		}
	}
}
