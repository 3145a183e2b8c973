package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// The words a credit controller would sign: each case names what a
// professional expects to read, and what must never be written.

func TestParseCivility(t *testing.T) {
	tests := []struct {
		name    string
		civ     Civility
		surname string
	}{
		{"Mme Claire Dupont", CivilityMs, "Dupont"},
		{"Madame Dupont", CivilityMs, "Dupont"},
		{"M. Jean Moreau", CivilityMr, "Moreau"},
		{"Monsieur Jean-Pierre Le Goff", CivilityMr, "Goff"},
		{"Mrs. Jane Cole", CivilityMs, "Cole"},
		{"Mr John Smith", CivilityMr, "Smith"},
		{"Claire Dupont", "", ""}, // a first name says nothing of a civility
		{"Dominique Martin", "", ""},
		{"M. et Mme Garnier", "", ""}, // two people: greet nobody by name
		{"Mme", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		c, s := ParseCivility(tt.name)
		if c != tt.civ || s != tt.surname {
			t.Errorf("ParseCivility(%q) = %q, %q; want %q, %q", tt.name, c, s, tt.civ, tt.surname)
		}
	}
}

func TestGreeting(t *testing.T) {
	tests := []struct {
		lang, client, contact string
		civility              Civility
		b2b                   bool
		want, wantNot         string
	}{
		{"fr", "Boulangerie Dupont", "Mme Claire Dupont", "", true, "Bonjour Madame Dupont,", "Claire"},
		{"en", "Boulangerie Dupont", "Mme Claire Dupont", "", true, "Dear Ms Dupont,", "Claire"},
		{"fr", "Boulangerie Dupont", "Claire Dupont", "", true, "Bonjour,\n", "Claire"},
		{"en", "Boulangerie Dupont", "Claire Dupont", "", true, "Hello,\n", "Claire"},
		{"fr", "Boulangerie Dupont", "Claire Dupont", CivilityMs, true, "Bonjour Madame Dupont,", "Claire"},
		{"fr", "Jean Moreau", "", "", false, "Bonjour,\n", "Bonjour Jean"},
		{"fr", "M. Jean Moreau", "", "", false, "Bonjour Monsieur Moreau,", "Bonjour M."},
		{"en", "M. Jean Moreau", "", "", false, "Dear Mr Moreau,", "Hello"},
		{"fr", "Boulangerie Dupont", "", "", true, "Bonjour,\n", "Bonjour Boulangerie"},
	}
	for _, tt := range tests {
		d := Data{Language: tt.lang, Stage: StageFriendly, Business: business(), ClientName: tt.client, ContactName: tt.contact,
			Civility: tt.civility, B2B: tt.b2b, Invoices: oneInvoice(10), Today: day(2026, 11, 10)}
		r, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(r.Text, tt.want) || strings.Contains(strings.SplitN(r.Text, "\n", 2)[0], tt.wantNot) {
			t.Errorf("%s %q/%q: greeting %q; want %q", tt.lang, tt.client, tt.contact, strings.SplitN(r.Text, "\n", 2)[0], tt.want)
		}
	}
}

// wordCase renders one stage and checks what it must and must not say, in
// the text and in the HTML's visible text.
type wordCase struct {
	name          string
	data          Data
	want, wantNot []string
}

func checkWords(t *testing.T, cases []wordCase) {
	t.Helper()
	for _, c := range cases {
		r, err := Render(c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for part, s := range map[string]string{"text": r.Subject + "\n" + r.Text, "html": r.Subject + "\n" + htmlText(r.HTML)} {
			s = strings.ReplaceAll(s, "\u00a0", " ")
			for strings.Contains(s, "\n\n") {
				s = strings.ReplaceAll(s, "\n\n", "\n")
			}
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("%s (%s): missing %q in:\n%s", c.name, part, w, s)
				}
			}
			for _, w := range c.wantNot {
				if strings.Contains(s, w) {
					t.Errorf("%s (%s): unexpected %q in:\n%s", c.name, part, w, s)
				}
			}
		}
	}
}

func wordData(lang, stage string, b2b bool) Data {
	d := Data{Language: lang, Stage: stage, Business: business(), ClientName: "Boulangerie Dupont", ContactName: "Mme Claire Dupont",
		B2B: b2b, Currency: "EUR", Today: day(2026, 12, 3), Invoices: oneInvoice(33),
		ClientAddress: "4 place Bellecour\n69002 Lyon"}
	if !b2b {
		d.ClientName, d.ContactName = "Mme Claire Dupont", ""
	}
	return d
}

func TestWordsFriendly(t *testing.T) {
	old := wordData("fr", StageFriendly, true)
	old.Invoices = oneInvoice(76)
	onReceipt := wordData("fr", StageFriendly, true)
	onReceipt.Invoices[0].DueDate = onReceipt.Invoices[0].IssueDate
	onReceiptEn := onReceipt
	onReceiptEn.Language = "en"
	checkWords(t, []wordCase{
		{"fr friendly, 76 days late", old,
			[]string{"Il s'agit sans doute d'un simple oubli", "dans les prochains jours", "Paul Martin\nAtelier Martin"},
			[]string{"Vous avez probablement oublié", "cela arrive à tout le monde", "quand vous aurez un moment"}},
		{"en friendly", func() Data { d := old; d.Language = "en"; return d }(),
			[]string{"most likely a simple oversight", "in the next few days", "Paul Martin\nAtelier Martin"},
			[]string{"when you have a moment", "happens to all of us"}},
		{"fr due on the invoice date", onReceipt, []string{"payable à réception"}, []string{"arrivée à échéance le 1er octobre"}},
		{"en due on the invoice date", onReceiptEn, []string{"payable on receipt"}, []string{"fell due on 1 October"}},
	})
}

func TestWordsSecond(t *testing.T) {
	checkWords(t, []wordCase{
		{"fr second, business", wordData("fr", StageSecond, true),
			[]string{"deuxième relance", "L441-10", "pénalités de retard", "40,00 € par facture", "D441-5"},
			[]string{"second rappel"}},
		{"en second, business", wordData("en", StageSecond, true),
			[]string{"second reminder", "L441-10", "late-payment penalties", "€40.00 per invoice"}, nil},
		{"fr second, business, the policy waives the indemnity", func() Data {
			d := wordData("fr", StageSecond, true)
			zero := decimal.Zero
			d.IndemnityPerInvoice = &zero
			return d
		}(), []string{"L441-10", "pénalités de retard."}, []string{"indemnité", "D441-5"}},
		{"fr second, consumer", wordData("fr", StageSecond, false),
			[]string{"deuxième relance"}, []string{"L441-10", "pénalités", "40 €", "indemnité"}},
		{"en second, consumer", wordData("en", StageSecond, false),
			nil, []string{"L441-10", "penalties", "€40", "indemnity"}},
	})
}

func TestWordsFormalNotice(t *testing.T) {
	fr := wordData("fr", StageFormalNotice, true)
	fr.Penalties = []PenaltyLine{{From: day(2026, 11, 1), To: day(2026, 12, 3), Days: 33, Base: dec("1234.56"), RatePercent: dec("12.15"), Amount: dec("13.56")}}
	en := fr
	en.Language = "en"
	frC := wordData("fr", StageFormalNotice, false)
	enC := frC
	enC.Language = "en"
	checkWords(t, []wordCase{
		{"fr formal notice, business", fr, []string{"Lettre recommandée avec AR", "Boulangerie Dupont\nÀ l'attention de Mme Claire Dupont\n4 place Bellecour\n69002 Lyon",
			"Banque centrale européenne", "majoré de 10 points", "elles courent jusqu'à complet paiement", "\nMadame,\n", "Veuillez agréer, Madame,",
			"vaut mise en demeure au sens de l'article 1344 du Code civil"}, nil},
		{"en formal notice, business", en, []string{"Registered letter with acknowledgement of receipt", "4 place Bellecour\n69002 Lyon",
			"European Central Bank", "plus 10 percentage points", "They run until payment in full", "Dear Ms Dupont,", "Yours sincerely,",
			"article 1344 of the French Civil Code"}, nil},
		{"fr formal notice, consumer", frC, []string{"Lettre recommandée avec AR", "Mme Claire Dupont\n4 place Bellecour", "1231-6"},
			[]string{"L441-10", "pénalités", "40", "indemnité", "Banque centrale"}},
		{"en formal notice, consumer", enC, []string{"Registered letter", "Mme Claire Dupont\n4 place Bellecour", "1231-6"},
			[]string{"L441-10", "penalties", "€40", "indemnity", "Central Bank"}},
	})
}

func TestWordsPlanConfirmation(t *testing.T) {
	d := wordData("fr", StagePlanConfirmation, true)
	d.Instalments = []Instalment{{Due: day(2026, 12, 15), Amount: dec("600")}, {Due: day(2027, 1, 15), Amount: dec("634.56")}}
	en := d
	en.Language = "en"
	checkWords(t, []wordCase{
		{"fr plan", d, []string{"me confirmer votre accord", "le non-paiement d'une seule échéance", "la totalité du solde restant dû"}, nil},
		{"en plan", en, []string{"confirm your agreement", "an instalment not paid on its date would make the whole remaining balance due"}, nil},
	})
}

// A consumer reads no business-only penalty nor the 40 € indemnity, at any
// stage, in any language.
func TestWordsConsumerNoPenalties(t *testing.T) {
	forbidden := map[string][]string{"fr": {"L441-10", "D441-5", "indemnité forfaitaire", "pénalités de retard"},
		"en": {"L441-10", "D441-5", "recovery indemnity", "late-payment penalties"}}
	// 40 € alone, not the end of 440 € nor the start of €400.
	forty := regexp.MustCompile(`(^|[^0-9\s,.\x{a0}])\s?40(,00)?\x{a0}?\s?€|€40(\.00)?([^0-9.,]|$)`)
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			if c.data.B2B {
				continue
			}
			checkWords(t, []wordCase{{lang + "/" + c.name, c.data, nil, forbidden[lang]}})
			r, err := Render(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if m := forty.FindString(r.Text + r.HTML); m != "" {
				t.Errorf("%s/%s: a consumer is told of the 40 € indemnity: %q", lang, c.name, m)
			}
		}
	}
}
