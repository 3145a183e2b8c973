package scorecard

import (
	"fmt"
	"strconv"
	"strings"
)

// AdviceCode names a piece of advice. The strings are JSON values and
// metric labels: a contract.
type AdviceCode string

// Advice codes. The first four are terms of payment from the lightest to
// the strictest, and a client gets at most one of them (the strictest that
// applies: asking prepayment already means no credit and no special terms);
// a purchase order is asked for beside any of them.
const (
	AdviceDeposit          AdviceCode = "deposit"
	AdviceDropSpecialTerms AdviceCode = "drop_special_terms"
	AdviceStopCredit       AdviceCode = "stop_credit"
	AdvicePrepayment       AdviceCode = "prepayment"
	AdvicePurchaseOrder    AdviceCode = "purchase_order"
)

// AdviceCodes lists every advice code, strictest terms first, then the
// purchase order.
func AdviceCodes() []AdviceCode {
	return []AdviceCode{AdvicePrepayment, AdviceStopCredit, AdviceDropSpecialTerms, AdviceDeposit, AdvicePurchaseOrder}
}

// Advice is one thing to change for the next order, with its reason in
// plain words.
type Advice struct {
	Code   AdviceCode
	Reason Reason
}

// Reason is the same plain sentence in French and English.
type Reason struct {
	FR string
	EN string
}

// In returns the sentence in lang ("fr" or "en"); French for any other,
// as the product's default language.
func (r Reason) In(lang string) string {
	if lang == "en" {
		return r.EN
	}
	return r.FR
}

// Thresholds of the advice.
const (
	// SeriousLateDays: a regular client with an invoice more than this
	// late (a month past its term) has used up the trust that special
	// terms (a longer term, a discount, monthly statements) rest on.
	SeriousLateDays = 30
	// LongOverdueDays: an invoice open more than this long past due (the default
	// ladder's formal notice comes at +45, its hand-off at +60) is money
	// at risk now; new work should not add to it before it is paid.
	LongOverdueDays = 60
	// BrokenPromisesLimit: from this many broken promises the client's
	// word no longer stands for payment. One can be a mishap; two are a
	// pattern.
	BrokenPromisesLimit = 2
)

// advise derives the advice from the figures and the segment.
func advise(c Card) []Advice {
	var out []Advice
	if a, ok := terms(c); ok {
		out = append(out, a)
	}
	if c.Disputes > 0 {
		out = append(out, Advice{AdvicePurchaseOrder, Reason{
			FR: fmt.Sprintf("%s : exigez un bon de commande signé (contenu et prix) avant de commencer le travail.",
				plural(c.Disputes, "contestation soulevée", "contestations soulevées")),
			EN: fmt.Sprintf("%s: require a signed purchase order (scope and price) before starting the work.",
				plural(c.Disputes, "dispute raised", "disputes raised")),
		}})
	}
	return out
}

// terms is the strictest change of payment terms that applies.
func terms(c Card) (Advice, bool) {
	if fr, en := atRisk(c); len(fr) > 0 {
		return Advice{AdvicePrepayment, Reason{
			FR: "Argent déjà en jeu (" + strings.Join(fr, ", ") + ") : demandez le paiement intégral avant tout nouveau travail.",
			EN: "Money already at risk (" + strings.Join(en, ", ") + "): ask for payment in full before any new work.",
		}}, true
	}
	s := c.Segment
	switch {
	case s.Payer == PayerChronic:
		return Advice{AdviceStopCredit, Reason{
			FR: fmt.Sprintf("Retards répétés : %d factures sur %d en retard, retard médian de %s jours. Ne travaillez plus à crédit : paiement à la commande ou à la livraison.",
				c.Late, c.Measured, days(c.MedianDaysLate, ",")),
			EN: fmt.Sprintf("Chronic late payer: %d of %d invoices late, median %s days late. Stop working on credit: payment with the order or on delivery.",
				c.Late, c.Measured, days(c.MedianDaysLate, ".")),
		}}, true
	case s.Relationship == RelationshipRegular && s.Payer == PayerOccasional && c.WorstDaysLate > SeriousLateDays:
		return Advice{AdviceDropSpecialTerms, Reason{
			FR: fmt.Sprintf("Client régulier, mais une facture a atteint %d jours de retard : revenez à vos conditions de paiement standard (ni délai ni remise particulière).", c.WorstDaysLate),
			EN: fmt.Sprintf("Regular client, but an invoice ran %d days late: go back to your standard payment terms (no extra time, no special discount).", c.WorstDaysLate),
		}}, true
	case s.Relationship == RelationshipNew && s.Payer == PayerUnknown:
		return Advice{AdviceDeposit, Reason{
			FR: "Nouveau client, aucune facture encore échue : demandez un acompte à la commande, le temps de voir comment il paie.",
			EN: "New client with no invoice due yet: ask for a deposit with the order until you have seen how they pay.",
		}}, true
	case s.Relationship == RelationshipNew && s.Payer == PayerOccasional:
		return Advice{AdviceDeposit, Reason{
			FR: fmt.Sprintf("Nouveau client déjà en retard (%s) : demandez un acompte à la prochaine commande.",
				plural(c.Late, "facture", "factures")),
			EN: fmt.Sprintf("New client already late (%s): ask for a deposit with the next order.",
				plural(c.Late, "invoice", "invoices")),
		}}, true
	}
	return Advice{}, false
}

// atRisk lists, in both languages, what puts money owed at risk now.
func atRisk(c Card) (fr, en []string) {
	if c.PromisesBroken >= BrokenPromisesLimit {
		fr = append(fr, fmt.Sprintf("%d promesses de paiement non tenues", c.PromisesBroken))
		en = append(en, fmt.Sprintf("%d broken promises to pay", c.PromisesBroken))
	}
	if c.OldestOverdueDays > LongOverdueDays {
		fr = append(fr, fmt.Sprintf("une facture impayée %d jours après son échéance", c.OldestOverdueDays))
		en = append(en, fmt.Sprintf("an invoice unpaid %d days after its due date", c.OldestOverdueDays))
	}
	if c.Tone == ToneHostile {
		fr = append(fr, "une réponse récente hostile")
		en = append(en, "a recent hostile reply")
	}
	return fr, en
}

// plural writes n with the singular or plural words; French and English
// both take the singular for one (and French for zero, which no caller
// passes).
func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// days writes a median of days with the language's decimal separator: 12,
// 7.5 or 7,5.
func days(d float64, sep string) string {
	return strings.Replace(strconv.FormatFloat(d, 'f', -1, 64), ".", sep, 1)
}
