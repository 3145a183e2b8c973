package scorecard

import (
	"encoding/json"
	"slices"
	"testing"
)

// The reasons are what the owner reads: each is checked word for word in
// both languages, with the figures of its history.
func TestAdviceReasons(t *testing.T) {
	tests := []struct {
		name   string
		h      History
		fr, en []string
	}{{
		name: "prepayment: broken promises, a long overdue invoice and a hostile reply",
		h: History{
			Invoices: []Invoice{openSince("A", 75)},
			Promises: []Promise{{Recorded: OutcomeBroken}, {Recorded: OutcomeBroken}},
			Replies:  []Reply{{At: ago(2), Tone: ToneHostile}},
		},
		fr: []string{"Argent déjà en jeu (2 promesses de paiement non tenues, une facture impayée 75 jours après son échéance, une réponse récente hostile) : demandez le paiement intégral avant tout nouveau travail."},
		en: []string{"Money already at risk (2 broken promises to pay, an invoice unpaid 75 days after its due date, a recent hostile reply): ask for payment in full before any new work."},
	}, {
		// 40, 0, 12, 1 days late: two late of four, median (1+12)/2 = 6.5.
		name: "stop credit",
		h:    record(40, 0, 12, 1),
		fr:   []string{"Retards répétés : 2 factures sur 4 en retard, retard médian de 6,5 jours. Ne travaillez plus à crédit : paiement à la commande ou à la livraison."},
		en:   []string{"Chronic late payer: 2 of 4 invoices late, median 6.5 days late. Stop working on credit: payment with the order or on delivery."},
	}, {
		name: "drop special terms, and a purchase order after a dispute",
		h:    History{Invoices: record(0, 44, 0).Invoices, Disputes: []Dispute{{Invoice: "R2"}}},
		fr: []string{
			"Client régulier, mais une facture a atteint 44 jours de retard : revenez à vos conditions de paiement standard (ni délai ni remise particulière).",
			"1 contestation soulevée : exigez un bon de commande signé (contenu et prix) avant de commencer le travail.",
		},
		en: []string{
			"Regular client, but an invoice ran 44 days late: go back to your standard payment terms (no extra time, no special discount).",
			"1 dispute raised: require a signed purchase order (scope and price) before starting the work.",
		},
	}, {
		name: "deposit, new client already late",
		h:    record(9),
		fr:   []string{"Nouveau client déjà en retard (1 facture) : demandez un acompte à la prochaine commande."},
		en:   []string{"New client already late (1 invoice): ask for a deposit with the next order."},
	}, {
		name: "deposit, new client not yet due, and disputes",
		h: History{Invoices: []Invoice{{Number: "N", Issued: ago(3), Due: ago(-27), Amount: eur("100")}},
			Disputes: []Dispute{{Invoice: "N"}, {Invoice: "N"}}},
		fr: []string{
			"Nouveau client, aucune facture encore échue : demandez un acompte à la commande, le temps de voir comment il paie.",
			"2 contestations soulevées : exigez un bon de commande signé (contenu et prix) avant de commencer le travail.",
		},
		en: []string{
			"New client with no invoice due yet: ask for a deposit with the order until you have seen how they pay.",
			"2 disputes raised: require a signed purchase order (scope and price) before starting the work.",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fr, en []string
			for _, a := range Compute(tt.h, now).Advice {
				fr = append(fr, a.Reason.In("fr"))
				en = append(en, a.Reason.In("en"))
			}
			if !slices.Equal(fr, tt.fr) {
				t.Errorf("French reasons:\n%q\nwant\n%q", fr, tt.fr)
			}
			if !slices.Equal(en, tt.en) {
				t.Errorf("English reasons:\n%q\nwant\n%q", en, tt.en)
			}
		})
	}
}

func TestReasonLanguage(t *testing.T) {
	r := Reason{FR: "bonjour", EN: "hello"}
	for lang, want := range map[string]string{"fr": "bonjour", "en": "hello", "": "bonjour", "de": "bonjour"} {
		if got := r.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
}

// The labels are metric labels and JSON values: the exact set is the
// contract, and it stays bounded.
func TestSegmentLabels(t *testing.T) {
	var got []string
	for _, s := range Segments() {
		got = append(got, s.String())
	}
	want := []string{
		"new_unknown", "new_punctual", "new_occasional", "new_chronic",
		"regular_unknown", "regular_punctual", "regular_occasional", "regular_chronic",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Segments() = %v, want %v", got, want)
	}
	b, err := json.Marshal(map[string]Segment{"segment": {RelationshipRegular, PayerChronic}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"segment":"regular_chronic"}` {
		t.Errorf("JSON = %s", b)
	}
	codes := []string{}
	for _, c := range AdviceCodes() {
		codes = append(codes, string(c))
	}
	if want := []string{"prepayment", "stop_credit", "drop_special_terms", "deposit", "purchase_order"}; !slices.Equal(codes, want) {
		t.Errorf("AdviceCodes() = %v, want %v", codes, want)
	}
	tones := []string{}
	for _, tone := range Tones() {
		tones = append(tones, string(tone))
	}
	if want := []string{"cordial", "neutral", "tense", "hostile"}; !slices.Equal(tones, want) {
		t.Errorf("Tones() = %v, want %v", tones, want)
	}
}
