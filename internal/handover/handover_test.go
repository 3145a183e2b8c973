package handover

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// facts is a client that stopped answering after a formal notice: two
// invoices, one paid in part, penalties counted by the policy to 7 December
// 2026 (ECB 2.40 % on 1 July 2026 + 10 points = 12.40 %).
func facts(t *testing.T, lang string, consumer bool) Facts {
	t.Helper()
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	asOf := policy.Date{Year: 2026, Month: time.December, Day: 7}
	penalty := func(amount string, due policy.Date, pays ...policy.Payment) *policy.PenaltyResult {
		r, err := policy.LatePenalties(policy.PenaltyInput{Principal: dec(amount), Currency: "EUR", DueDate: due, AsOf: asOf,
			Payments: pays, B2C: consumer, Rates: pol.Penalties})
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	f := Facts{
		Language: lang, Date: day(2026, 12, 7), Reason: domain.HandoverHostile,
		Creditor: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon", SIREN: "123 456 789",
			Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00"},
		Debtor: Debtor{Name: "Boulangerie Lefèvre & Fils", Emails: []string{"helene@lefevre-boulangerie.fr"},
			Address: "14 avenue Jean Jaurès, 69007 Lyon", SIREN: "552 100 554", VAT: "FR32552100554", Consumer: consumer},
		Invoices: []Invoice{
			{Number: "F-2026-0101", IssueDate: day(2026, 10, 7), DueDate: day(2026, 11, 6), Amount: dec("1200.00"), Paid: dec("0"),
				Balance: dec("1200.00"), Currency: "EUR"},
			{Number: "F-2026-0133", IssueDate: day(2026, 10, 11), DueDate: day(2026, 11, 10), Amount: dec("600.00"), Paid: dec("200.00"),
				Balance: dec("400.00"), Currency: "EUR"},
		},
		Chronology: []Entry{
			{At: day(2026, 10, 7), Kind: EntryInvoice, Subject: "Facture F-2026-0101"},
			{At: day(2026, 11, 16), Kind: EntryReminder, Subject: "Rappel : facture F-2026-0101"},
			{At: day(2026, 11, 20), Kind: EntryPayment, Subject: "200,00 € (F-2026-0133)"},
			{At: day(2026, 11, 23), Kind: EntryFormalNotice, Subject: "Mise en demeure de payer"},
			{At: day(2026, 12, 2), Kind: EntryReply, Subject: "Re: Mise en demeure de payer",
				Excerpt: "Vous êtes des escrocs, je vais vous faire regretter ce courrier."},
		},
		NoticeSent: day(2026, 11, 23),
		Hostile:    []string{"Vous êtes des escrocs, je vais vous faire regretter ce courrier."},
	}
	if !consumer {
		f.Invoices[0].Penalties = penalty("1200.00", policy.Date{Year: 2026, Month: time.November, Day: 6})
		f.Invoices[1].Penalties = penalty("600.00", policy.Date{Year: 2026, Month: time.November, Day: 10},
			policy.Payment{Date: policy.Date{Year: 2026, Month: time.November, Day: 20}, Amount: dec("200.00")})
	}
	return f
}

func flatText(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdftools.Text(t, pdf)), " ")
}

func TestPDFCarriesEveryFact(t *testing.T) {
	for _, tc := range []struct {
		lang, name string
		consumer   bool
		want, not  []string
	}{
		{"fr", "business", false, []string{
			"Dossier de recouvrement", "Atelier Moreau", "12 rue des Tanneurs", "SIREN : 123 456 789",
			"Boulangerie Lefèvre & Fils", "14 avenue Jean Jaurès, 69007 Lyon", "SIREN : 552 100 554", "FR32552100554",
			"helene@lefevre-boulangerie.fr", "Nature : professionnel",
			"F-2026-0101", "7 oct. 2026", "6 nov. 2026", "1 200,00 €", "F-2026-0133", "600,00 €", "200,00 €", "400,00 €",
			"Total restant dû : 1 600,00 €",
			"16 nov. 2026 — Relance envoyée", "20 nov. 2026 — Paiement reçu", "23 nov. 2026 — Mise en demeure envoyée",
			"2 déc. 2026 — Réponse reçue du client", "escrocs",
			"La mise en demeure a été envoyée le 23 novembre 2026",
			"L441-10", "BCE du semestre majoré de 10 points", "D441-5", "40 €",
			// 1 200 € × 12.40 % × 31 / 365 = 12.64 €; 600 € for 10 days then
			// 400 € for 17 days: 2.04 + 2.31 = 4.35 €.
			"F-2026-0101 : 31 jours de retard, taux 12,40 %, pénalités 12,64 €, indemnité 40,00 €",
			"F-2026-0133 : 27 jours de retard, taux 12,40 %, pénalités 4,35 €, indemnité 40,00 €",
			"1 696,99 €",
			"Injonction de payer", "tribunal de commerce", "Cerfa n° 12948", "Médiateur des entreprises", "gratuite",
			"confidentielle", "mediateur-des-entreprises.fr", "société de recouvrement", "avocat",
		}, []string{"tribunal judiciaire", "consommateur"}},
		{"fr", "consumer", true, []string{
			"Nature : consommateur", "tribunal judiciaire", "Cerfa n° 12948", "ni les pénalités", "1231-6",
		}, []string{"Médiateur des entreprises", "tribunal de commerce", "jours de retard", "indemnité 40"}},
		{"en", "business", false, []string{
			"Debt collection file", "Name / company: Boulangerie Lefèvre & Fils", "€1,200.00", "€400.00",
			"16 Nov 2026 — Reminder sent", "23 Nov 2026 — Formal notice sent", "2 Dec 2026 — Reply received from the client",
			"The formal notice was sent on 23 November 2026", "ECB refinancing rate of the half-year plus 10 points",
			"F-2026-0101: 31 days late, rate 12.40%, penalties €12.64, indemnity €40.00",
			"tribunal de commerce", "Cerfa n° 12948", "mediateur-des-entreprises.fr", "collection agency",
		}, nil},
	} {
		t.Run(tc.lang+"/"+tc.name, func(t *testing.T) {
			pdf, err := PDF(facts(t, tc.lang, tc.consumer))
			if err != nil {
				t.Fatal(err)
			}
			got := flatText(t, pdf)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("PDF text has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("PDF text:\n%s", got)
			}
		})
	}
}

func TestPDFScreenshot(t *testing.T) {
	pdf, err := PDF(facts(t, "fr", false))
	if err != nil {
		t.Fatal(err)
	}
	png := pdftools.FirstPagePNG(t, pdf)
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Fatalf("first page picture is not a plausible PNG (%d bytes)", len(png))
	}
	dir := pdftools.ScreenshotDir(t, "handover")
	if err := os.WriteFile(filepath.Join(dir, "handover-fr-page1.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPDFRefusesEmptyFacts(t *testing.T) {
	if _, err := PDF(Facts{Date: day(2026, 12, 7)}); err == nil {
		t.Error("a file without invoices gives no error")
	}
	f := facts(t, "fr", false)
	f.Date = time.Time{}
	if _, err := PDF(f); err == nil {
		t.Error("a file without a date gives no error")
	}
}

func TestZIPHoldsThePDFAndTheOriginals(t *testing.T) {
	pdf, err := PDF(facts(t, "fr", false))
	if err != nil {
		t.Fatal(err)
	}
	pdfName, zipName := Names("fr", "F-2026/0101", day(2026, 12, 7))
	if pdfName != "dossier-F-2026_0101-2026-12-07.pdf" || zipName != "dossier-F-2026_0101-2026-12-07.zip" {
		t.Errorf("names %q %q", pdfName, zipName)
	}
	originals := []File{
		{Name: "facture-F-2026-0101.pdf", Data: []byte("%PDF-1.4 invoice")},
		{Name: "../../etc/passwd", Data: []byte("not out of the folder")},
		{Name: "relance-2026-11-16.eml", Data: []byte("Subject: a\r\n\r\nfirst")},
		{Name: "relance-2026-11-16.eml", Data: []byte("Subject: b\r\n\r\nsecond")},
	}
	z, err := ZIP(pdfName, pdf, originals, day(2026, 12, 7))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadZIP(z, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range got {
		names = append(names, name)
	}
	sort.Strings(names)
	want := []string{pdfName, "originals/_.._etc_passwd", "originals/facture-F-2026-0101.pdf",
		"originals/relance-2026-11-16-2.eml", "originals/relance-2026-11-16.eml"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("entries %q, want %q", names, want)
	}
	// The PDF is the first entry: its name follows the first local header.
	if len(z) < 30+len(pdfName) || string(z[30:30+len(pdfName)]) != pdfName {
		t.Error("the PDF is not the ZIP's first entry")
	}
	if !bytes.Equal(got[pdfName], pdf) || string(got["originals/relance-2026-11-16-2.eml"]) != "Subject: b\r\n\r\nsecond" {
		t.Error("an entry does not hold what was given")
	}
	again, _ := ZIP(pdfName, pdf, originals, day(2026, 12, 7))
	if !bytes.Equal(z, again) {
		t.Error("the same facts give two different ZIPs")
	}
	if _, err := ZIP(pdfName, nil, nil, day(2026, 12, 7)); err == nil {
		t.Error("a ZIP without its PDF gives no error")
	}
}
