package render

import (
	"strings"
	"testing"
)

// TestCalmCheckAggressive: edits a user might make in anger, each caught
// with the right code.
func TestCalmCheckAggressive(t *testing.T) {
	tests := []struct {
		text, stage, code string
	}{
		// French
		{"Vous êtes vraiment des incompétents.", "friendly", CodeInsult},
		{"Bande d'escrocs, payez ce que vous devez.", "second", CodeInsult},
		{"C'est du foutage de gueule.", "second", CodeInsult},
		{"Quel CONNARD ce comptable.", "friendly", CodeInsult},
		{"Vous etes des voleurs", "second", CodeInsult},
		{"C'est une honte de traiter ses fournisseurs ainsi.", "second", CodeInsult},
		{"Votre attitude est inadmissible.", "second", CodeInsult},
		{"Sans paiement, j'envoie l'huissier.", "friendly", CodeThreat},
		{"Nous allons vous traîner au tribunal.", "second", CodeThreat},
		{"Mon avocat vous contactera.", "second", CodeThreat},
		{"Nous engagerons des poursuites judiciaires.", "second", CodeThreat},
		{"Votre dossier part au contentieux.", "second", CodeThreat},
		{"Vous finirez sur notre liste noire.", "friendly", CodeThreat},
		{"Nous transmettrons à une société de recouvrement.", "second", CodeThreat},
		{"Je vais porter plainte.", "second", CodeThreat},
		{"PAYEZ VOTRE FACTURE MAINTENANT.", "friendly", CodeShouting},
		{"Merci de régler la facture F-2026-0042 IMMÉDIATEMENT ET SANS DISCUTER.", "second", CodeShouting},
		{"Merci de payer !!", "friendly", CodeExclamation},
		{"Vous n'avez toujours pas payé ?!", "second", CodeExclamation},
		{"Comme d'habitude, rien reçu.", "second", CodeSarcasm},
		{"Encore une fois, je dois vous relancer.", "second", CodeSarcasm},
		{"Je vous écris pour la énième fois.", "second", CodeSarcasm},
		{"Ceci est votre dernier avertissement.", "second", CodePressure},
		{"C'est votre dernière chance de régler.", "friendly", CodePressure},
		{"Par votre faute, nous ne pouvons pas payer nos salariés.", "second", CodePressure},
		// English
		{"You are completely incompetent.", "second", CodeInsult},
		{"This is bullshit.", "friendly", CodeInsult},
		{"Stop behaving like crooks.", "second", CodeInsult},
		{"Your excuses are pathetic.", "second", CodeInsult},
		{"We will take legal action.", "friendly", CodeThreat},
		{"Our lawyer is ready.", "second", CodeThreat},
		{"See you in court.", "second", CodeThreat},
		{"We will sue you.", "second", CodeThreat},
		{"We will name and shame you online.", "second", CodeThreat},
		{"You will be blacklisted.", "second", CodeThreat},
		{"Your file goes to a debt collector next week.", "second", CodeThreat},
		{"PAY THIS INVOICE NOW.", "friendly", CodeShouting},
		{"Please pay!!!", "friendly", CodeExclamation},
		{"Really?!", "second", CodeExclamation},
		{"As usual, nothing arrived.", "second", CodeSarcasm},
		{"I am writing for the umpteenth time.", "second", CodeSarcasm},
		{"Yet again the payment is late.", "second", CodeSarcasm},
		{"This is your final warning.", "second", CodePressure},
		{"Last chance to pay.", "friendly", CodePressure},
		// Insults stay insults in the formal notice.
		{"Nous mettons en demeure ces escrocs.", "formal_notice", CodeInsult},
		{"PAYEZ SOUS HUIT JOURS.", "formal_notice", CodeShouting},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ws := CalmCheck(tt.text, tt.stage, "fr")
			for _, w := range ws {
				if w.Code == tt.code {
					if w.Excerpt == "" || !strings.Contains(tt.text, w.Excerpt) {
						t.Errorf("excerpt %q is not a passage of the text", w.Excerpt)
					}
					return
				}
			}
			t.Errorf("no %s warning; got %+v", tt.code, ws)
		})
	}
}

// TestCalmCheckCalm: ordinary courteous sentences raise nothing.
func TestCalmCheckCalm(t *testing.T) {
	calm := []string{
		"Merci !",
		"Merci beaucoup pour votre règlement !",
		"Pourriez-vous y jeter un œil ?",
		"La facture F-2026-0042 reste à régler.",
		"Factures FAC-2026-ABC-001, INV-XYZ-2026-12 et F-2026-0057.",
		"Montant HT 1 000,00 €, TVA 200,00 €, soit 1 200,00 € TTC.",
		"Vous trouverez notre RIB et notre IBAN en PDF, avec le SIREN.",
		"Merci de payer en EUR ou en USD par virement SEPA.",
		"Je vous remercie encore une fois pour votre confiance.",
		"Merci encore une fois !",
		"Nous avons signé le procès-verbal de réception.",
		"Nous sommes un peu à court de trésorerie ce mois-ci.",
		"À court terme, un échéancier est possible.",
		"Au plaisir de poursuivre notre collaboration.",
		"Pourriez-vous me confirmer la date ?",
		"Thank you once again for your trust.",
		"Could you confirm the payment date?",
		"Please find our IBAN and BIC below; the VAT number is on the PDF.",
		"Invoice INV-2026-0042 is still open.",
		"Business as usual on our side: we remain at your disposal.",
		"I hope you are well. Thanks!",
		"Courtesy reminder: invoice F-1 falls due on 3 December.",
		"We issue an invoice, then a reminder; nothing more.",
		"Is everything all right?",
		"Nous restons à votre écoute pour toute question.",
	}
	for _, s := range calm {
		if ws := CalmCheck(s, "friendly", "fr"); len(ws) > 0 {
			t.Errorf("%q flagged: %+v", s, ws)
		}
	}
}

// TestCalmCheckFormalNotice: the formal notice may state legal action.
func TestCalmCheckFormalNotice(t *testing.T) {
	s := "À défaut, nous saisirons le tribunal par voie d'injonction de payer et mandaterons un commissaire de justice."
	if ws := CalmCheck(s, "formal_notice", "fr"); len(ws) > 0 {
		t.Errorf("formal notice flagged: %+v", ws)
	}
	ws := CalmCheck(s, "second", "fr")
	if len(ws) < 3 {
		t.Errorf("second reminder: want threats for tribunal, injonction, commissaire; got %+v", ws)
	}
	if ws := CalmCheck("Ceci est votre dernier avertissement.", "formal_notice", "fr"); len(ws) > 0 {
		t.Errorf("formal notice flagged for a final warning: %+v", ws)
	}
}

func TestCalmCheckMessages(t *testing.T) {
	fr := CalmCheck("Payez, bande d'idiots !!", "friendly", "fr-FR")
	en := CalmCheck("Payez, bande d'idiots !!", "friendly", "en")
	if len(fr) != 2 || len(en) != 2 {
		t.Fatalf("want 2 warnings each, got fr=%+v en=%+v", fr, en)
	}
	if fr[0].Code != CodeInsult || fr[1].Code != CodeExclamation {
		t.Errorf("order or codes: %+v", fr)
	}
	if !strings.Contains(fr[0].Message, "blessant") || !strings.Contains(en[0].Message, "rude") {
		t.Errorf("messages not in the asked language: %q / %q", fr[0].Message, en[0].Message)
	}
	if fr[0].Excerpt != "idiots" || fr[1].Excerpt != "idiots !!" {
		t.Errorf("excerpts: %q, %q", fr[0].Excerpt, fr[1].Excerpt)
	}
}

func TestCalmCheckNames(t *testing.T) {
	s := "Bonjour, ici SARL MARTIN ET FILS au sujet de la facture."
	if ws := CalmCheck(s, "friendly", "fr"); len(ws) != 1 || ws[0].Code != CodeShouting {
		t.Errorf("without names: want one shouting warning, got %+v", ws)
	}
	if ws := CalmCheckNames(s, "friendly", "fr", []string{"SARL MARTIN ET FILS"}); len(ws) != 0 {
		t.Errorf("with names: %+v", ws)
	}
	if ws := CalmCheckNames("Client : LES CONS DU COIN", "friendly", "fr", []string{"LES CONS DU COIN"}); len(ws) != 0 {
		t.Errorf("a client's name is not an insult: %+v", ws)
	}
}

func TestCalmCheckShoutingRuns(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"NE PAS oublier", 0},
		{"TRÈS TRÈS URGENT", 1},
		{"URGENT URGENT et URGENT URGENT", 0},
		{"PAYEZ F-2026-001 EUR TOUT DE SUITE", 1},
		{"PAYEZ\nMAINTENANT\nSVP", 1},
		{"TVA RIB IBAN PDF SIREN SIRET", 0},
		{"A B C D E", 0},
	}
	for _, tt := range tests {
		got := 0
		for _, w := range CalmCheck(tt.text, "friendly", "en") {
			if w.Code == CodeShouting {
				got++
			}
		}
		if got != tt.want {
			t.Errorf("%q: %d shouting warnings, want %d", tt.text, got, tt.want)
		}
	}
}

func FuzzCalmCheck(f *testing.F) {
	f.Add("PAYEZ !!! huissier", "friendly")
	f.Add("\xff\xfe ÉÉÉ ?!", "formal_notice")
	f.Fuzz(func(t *testing.T, text, stage string) {
		for _, w := range CalmCheck(text, stage, "fr") {
			if w.Code == "" || w.Message == "" {
				t.Fatalf("empty warning %+v", w)
			}
		}
	})
}

// TestRenderedWithShoutyNames: a business and a client written in capitals
// pass once their names are known.
func TestRenderedWithShoutyNames(t *testing.T) {
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			d := c.data
			d.Business.Name = "ATELIER MARTIN ET FILS"
			d.Business.Signature = "PAUL MARTIN\nGÉRANT DE L'ATELIER"
			d.Business.Address = "12 RUE DE LA RÉPUBLIQUE\n69002 LYON"
			d.ClientName = "BOULANGERIE DUPONT FRÈRES"
			r, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if ws := CalmCheckNames(r.Text, d.Stage, lang, d.Names()); len(ws) > 0 {
				t.Errorf("%s/%s: %+v", lang, c.name, ws)
			}
		}
	}
}
