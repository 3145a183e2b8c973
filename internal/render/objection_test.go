package render

import (
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
)

// Each objection's answer says what the owner needs to hear from the
// client, asks when and how, offers the written confirmation of the plan,
// and never speaks of penalties or of the 40 € indemnity (a consumer gets
// the same answers as a business).
func TestObjectionAnswers(t *testing.T) {
	want := map[string]map[domain.Objection][]string{
		"fr": {
			domain.ObjectionChequeInPost:          {"chèque", "numéro", "montant", "date d'envoi"},
			domain.ObjectionOversight:             {"simple oubli", "date exacte"},
			domain.ObjectionClientNotPaid:         {"une partie dès maintenant", "le solde au plus tard le"},
			domain.ObjectionGoodsReturned:         {"pourquoi", "quand", "transporteur"},
			domain.ObjectionProgressPaymentDefect: {"situation de travaux", "ne vaut ni réception ni acceptation", "visite", "partie non contestée"},
			domain.ObjectionNotReceived:           {"ci-joint", "adresse de facturation"},
			domain.ObjectionWrongAmount:           {"détail", "avoir"},
			domain.ObjectionAwaitingApproval:      {"qui la valide", "quel délai", "bon de commande"},
		},
		"en": {
			domain.ObjectionChequeInPost:          {"cheque", "number", "amount", "date it was sent"},
			domain.ObjectionOversight:             {"simple oversight", "exact date"},
			domain.ObjectionClientNotPaid:         {"part of it now", "the balance by"},
			domain.ObjectionGoodsReturned:         {"why", "when", "carrier"},
			domain.ObjectionProgressPaymentDefect: {"progress payment", "neither the handover nor an acceptance", "visit", "undisputed part"},
			domain.ObjectionNotReceived:           {"attached", "billing address"},
			domain.ObjectionWrongAmount:           {"detail", "credit note"},
			domain.ObjectionAwaitingApproval:      {"who approves", "by when", "purchase order number"},
		},
	}
	common := map[string][]string{
		"fr": {"quand et comment", "par écrit"},
		"en": {"when and how", "in writing"},
	}
	for _, lang := range Languages() {
		for _, o := range domain.Objections() {
			for _, b2b := range []bool{true, false} {
				d := Data{Stage: StageAnswer, Language: lang, Business: business(), ClientName: "Boulangerie Dupont",
					ContactName: "Claire Dupont", B2B: b2b, Invoices: oneInvoice(20), Objection: o, Today: day(2026, 11, 20)}
				if o == domain.ObjectionNotReceived {
					d.Attached = []string{"F-2026-0042.pdf"}
				}
				r, err := Render(d)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, o, err)
				}
				for part, text := range map[string]string{"text": r.Text, "html": htmlText(r.HTML)} {
					low := strings.ToLower(text)
					for _, w := range append(want[lang][o], common[lang]...) {
						if !strings.Contains(low, strings.ToLower(w)) {
							t.Errorf("%s %s %s (b2b %v): no %q in\n%s", lang, o, part, b2b, w, text)
						}
					}
					for _, w := range []string{"pénalit", "penalt", "indemnit", "40 €", "€40", "l441"} {
						if strings.Contains(low, w) {
							t.Errorf("%s %s %s: speaks of %q", lang, o, part, w)
						}
					}
				}
			}
		}
	}
	if _, err := Render(Data{Stage: StageAnswer, Language: "fr", Business: business(), ClientName: "X", Invoices: oneInvoice(1),
		Objection: "lost_in_space"}); err == nil {
		t.Error("an unknown objection renders")
	}
}
