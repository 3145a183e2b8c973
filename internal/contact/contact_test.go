package contact

import (
	"reflect"
	"testing"

	"github.com/relance/relance/internal/domain"
)

type want struct {
	norm string
	kind domain.ContactKind
	ext  string
}

func norms(ps []Phone) []want {
	out := []want{}
	for _, p := range ps {
		out = append(out, want{p.Norm, p.Kind, p.Ext})
	}
	return out
}

// Signatures as clients write them: the numbers read, with their kind and
// extension; fax lines marked; our own number (quoted back) left out;
// dates, amounts, SIRET and invoice numbers never taken for a phone.
func TestFromReply(t *testing.T) {
	own := "04 65 71 23 48"
	for _, c := range []struct {
		name      string
		body, sig string
		want      []want
	}{
		{"french mobile in signature", "Bonjour,\nLe virement part vendredi.\nCordialement",
			"Claire Dupont\nGérante – Boulangerie Dupont SARL\nTél. : 06 12 34 56 78",
			[]want{{"+33612345678", domain.ContactMobile, ""}}},
		{"dotted office line and fax", "Bien reçu, merci.", "Marc Petit\nCabinet Petit\nTél 01.23.45.67.89 - Fax 01.23.45.67.90",
			[]want{{"+33123456789", domain.ContactPhone, ""}, {"+33123456790", domain.ContactFax, ""}}},
		{"+33 with trunk zero in brackets", "Je vous rappelle demain.", "Sophie Martin\n+33 (0)6 98 76 54 32",
			[]want{{"+33698765432", domain.ContactMobile, ""}}},
		{"+33 without trunk zero and extension", "", "Standard : +33 4 72 00 11 22 poste 215",
			[]want{{"+33472001122", domain.ContactPhone, "215"}}},
		{"UK landline", "Thanks, we will pay on Friday.\nKind regards", "James Wilson\nAccounts Payable\nT: 0161 496 0000 ext. 204",
			[]want{{"+441614960000", domain.ContactPhone, "204"}}},
		{"UK international and mobile", "", "Emma Clarke\nOffice: +44 20 7946 0958\nMobile: 07700 900123\nFax: +44 (0)20 7946 0959",
			[]want{{"+442079460958", domain.ContactPhone, ""}, {"+447700900123", domain.ContactMobile, ""}, {"+442079460959", domain.ContactFax, ""}}},
		{"number given in the body", "Appelez-moi plutôt au 07 81 22 33 44 après 18 h.", "",
			[]want{{"+33781223344", domain.ContactMobile, ""}}},
		{"our own number quoted back", "J'ai essayé de vous joindre au 04 65 71 23 48 sans succès.", "Paul",
			[]want{}},
		{"no phone: dates, amounts, references", "Le 12/03/2026 nous avons réglé 1 234,56 € (facture F-2026-0042).",
			"SIRET 123 456 789 00012\nTVA FR12 123456789\nIBAN FR76 3000 6000 0112 3456 7890 189", []want{}},
		{"same number twice", "Tél 06 12 34 56 78", "Mobile : +33 6 12 34 56 78", []want{{"+33612345678", domain.ContactMobile, ""}}},
		{"other country code", "", "Tel. +32 2 555 12 34", []want{{"+3225551234", domain.ContactPhone, ""}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := norms(FromReply(c.body, c.sig, own))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestPhoneWritten(t *testing.T) {
	ps := Phones("Tél. :  06 12\u00a034 56 78 poste 12")
	if len(ps) != 1 || ps[0].Number != "06 12 34 56 78" || ps[0].Display() != "06 12 34 56 78 ext. 12" {
		t.Fatalf("got %+v", ps)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"06 12 34 56 78": "+33612345678", "+33 6 12 34 56 78": "+33612345678", "0033612345678": "+33612345678",
		"0161 496 0000": "+441614960000", "+44 (0)161 496 0000": "+441614960000", "020 7946 0000": "+442079460000",
	} {
		if got, ok := Normalize(in); !ok || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345", "123 456 789", "not a phone", "+33 6 12 34", "06 12 34 56 78 90 12"} {
		if got, ok := Normalize(in); ok {
			t.Errorf("Normalize(%q) = %q, want refused", in, got)
		}
	}
}

// The buyer's block of an invoice gives the client's number; ours, in the
// header and the footer, is never taken.
func TestInvoicePhones(t *testing.T) {
	text := `Atelier Dupont Menuiserie
12 rue des Lilas, 69003 Lyon
Tél. 04 65 71 23 48

FACTURE F-2026-0142

Facturé à :
Boulangerie Martin SARL
4 place du Marché
69007 Lyon
Tél : 04 78 12 34 56

Désignation          Qté   Prix
Pose de fenêtres       2  1 200,00
Total TTC                 2 880,00
SIRET 123 456 789 00012 – Tél 04 65 71 23 48`
	got := norms(InvoicePhones(text))
	if want := []want{{"+33478123456", domain.ContactPhone, ""}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	en := "Bill to: Wilson & Co Ltd, 1 King Street, Manchester M2 4WU, tel 0161 496 0000\nShip to: 0161 496 9999"
	if got := norms(InvoicePhones(en)); !reflect.DeepEqual(got, []want{{"+441614960000", domain.ContactPhone, ""}}) {
		t.Errorf("english: got %+v", got)
	}
}

func TestGuessKind(t *testing.T) {
	for _, c := range []struct {
		name string
		b    Buyer
		want domain.ClientKind
	}{
		{"VAT number", Buyer{Name: "Martin", VATID: "FR 12 123456789"}, domain.ClientBusiness},
		{"SIREN", Buyer{Name: "Martin", LegalID: "123 456 789"}, domain.ClientBusiness},
		{"SIRET", Buyer{LegalID: "12345678900012"}, domain.ClientBusiness},
		{"SARL in the name", Buyer{Name: "Boulangerie Martin SARL", Email: "contact@gmail.com"}, domain.ClientBusiness},
		{"Ltd in the name", Buyer{Name: "Wilson & Co Ltd"}, domain.ClientBusiness},
		{"S.A.S. dotted", Buyer{Name: "Toitures du Rhône (S.A.S)"}, domain.ClientBusiness},
		{"a trade in the name beats a webmail address", Buyer{Name: "Garage Ferrand", Email: "garage.ferrand@orange.fr"}, domain.ClientBusiness},
		{"a shop sign", Buyer{Name: "Fromagerie Vial", Email: "fromagerie.vial@wanadoo.fr"}, domain.ClientBusiness},
		{"civility", Buyer{Name: "Mme Claire Dupont", Email: "claire@dupont-famille.fr"}, domain.ClientConsumer},
		{"Mr", Buyer{Name: "Mr John Smith"}, domain.ClientConsumer},
		{"webmail", Buyer{Name: "Claire Dupont", Email: "claire.dupont@orange.fr"}, domain.ClientConsumer},
		{"gmail", Buyer{Name: "J. Smith", Email: "jsmith@gmail.com"}, domain.ClientConsumer},
		{"nothing says", Buyer{Name: "Claire Dupont", Email: "claire@dupont.fr"}, ""},
		{"a word containing a form is not one", Buyer{Name: "Sasha Balthazar", Email: "sasha@balthazar.fr"}, ""},
		{"short VAT is not one", Buyer{VATID: "FR1"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := GuessKind(c.b)
			if g.Kind != c.want {
				t.Fatalf("GuessKind(%+v) = %q (%s), want %q", c.b, g.Kind, g.WhyEN, c.want)
			}
			if g.Kind != "" && (g.Why("fr") == "" || g.Why("en") == "" || g.Why("fr") == g.Why("en")) {
				t.Errorf("reasons not given in both languages: %+v", g)
			}
		})
	}
}

func FuzzPhones(f *testing.F) {
	f.Add("Tél. : 06 12 34 56 78 poste 3\nFax +44 (0)20 7946 0959")
	f.Add("+((((0)))) 00 00")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range Phones(s) {
			if n, ok := Normalize(p.Number); !ok || n != p.Norm {
				t.Fatalf("%q read as %+v but normalizes to %q %v", s, p, n, ok)
			}
		}
		_ = InvoicePhones(s)
		_ = ReplyAddress(s, s)
		_ = GuessKind(Buyer{Name: s, Email: s, VATID: s, LegalID: s})
	})
}

func TestSignatureAddress(t *testing.T) {
	for _, c := range []struct{ name, sig, want string }{
		{"french two lines", "Claire Dupont\nBoulangerie Dupont\n12 rue des Lilas\n69003 Lyon\nTél. 04 78 12 34 56", "12 rue des Lilas, 69003 Lyon"},
		{"french one line", "Marc Petit – 4 place du Marché, 69007 Lyon", ""},
		{"street first, one line", "4 place du Marché, 69007 Lyon", "4 place du Marché, 69007 Lyon"},
		{"with a building line", "3 bis avenue Jean-Jaurès\nBâtiment B\n69007 Lyon Cedex 07", "3 bis avenue Jean-Jaurès, Bâtiment B, 69007 Lyon Cedex 07"},
		{"british", "James Wilson\nAccounts Payable\n1 King Street\nManchester M2 4WU", "1 King Street, Manchester M2 4WU"},
		{"no town: not an address", "12 rue des Lilas\nTél. 04 78 12 34 56", ""},
		{"no street", "Claire Dupont\n69003 Lyon", ""},
		{"a sentence is not a street", "2 routes sont possibles pour la livraison\n75001 Paris", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := SignatureAddress(c.sig); got != c.want {
				t.Errorf("SignatureAddress = %q, want %q", got, c.want)
			}
		})
	}
}

func TestReplyAddress(t *testing.T) {
	body := "Bonjour,\nMerci de livrer au 5 rue du Chantier\n69100 Villeurbanne.\n\nBien cordialement,\n\nClaire Dupont\n12 rue des Lilas\n69003 Lyon"
	if got := ReplyAddress(body, ""); got != "12 rue des Lilas, 69003 Lyon" {
		t.Errorf("under the sign-off: %q", got)
	}
	if got := ReplyAddress("Bonjour,\nLivrez au 5 rue du Chantier\n69100 Villeurbanne", ""); got != "" {
		t.Errorf("an address in the body's sentences was taken for the client's: %q", got)
	}
	if got := ReplyAddress("Thanks,", "James Wilson\n1 King Street\nManchester M2 4WU"); got != "1 King Street, Manchester M2 4WU" {
		t.Errorf("signature: %q", got)
	}
}

// The digit gate skips only lines no candidate number can match: on lines
// with fewer than two digits, reCandidate finds nothing, and on the others
// the gate lets the line through.
func TestTwoDigitGate(t *testing.T) {
	for _, line := range []string{
		"", "Tél. 06 12 34 56 78", "n° 1", "Bureau : 7", "+44 20 7946 0958", "a1b2", "12", "1 ", "Merci, à bientôt",
		"SIRET 123 456 789 00012", "٠١٢٣٤٥٦٧٨٩", "(0) 1 ext. 2",
	} {
		if got, want := hasTwoDigits(line), reCandidate.MatchString(line); want && !got {
			t.Errorf("hasTwoDigits(%q) = false, but reCandidate matches it", line)
		}
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] >= '0' && line[i] <= '9' {
				n++
			}
		}
		if hasTwoDigits(line) != (n >= 2) {
			t.Errorf("hasTwoDigits(%q) = %v with %d digits", line, hasTwoDigits(line), n)
		}
	}
}
