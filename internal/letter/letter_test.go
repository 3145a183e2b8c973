package letter

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
)

func utc(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func notice(t *testing.T, lang string) (render.Data, render.Rendered) {
	t.Helper()
	d := render.Data{
		Language: lang, Stage: render.StageFormalNotice,
		Business: render.Business{Name: "Atelier Moreau", Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00",
			Address: "12 rue des Tanneurs, 69001 Lyon", SIREN: "123 456 789", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"},
		ClientName: "Boulangerie Lefèvre & Fils", ContactName: "Hélène Lefèvre", B2B: true, Currency: "EUR",
		ClientAddress: "14 avenue Jean Jaurès\n69007 Lyon",
		Invoices: []render.InvoiceLine{{Number: "F-2026-0101", IssueDate: utc(2026, 10, 7), DueDate: utc(2026, 11, 6),
			Amount: decimal.RequireFromString("1200.00"), Balance: decimal.RequireFromString("1200.00"), DaysLate: 31}},
		Penalties: []render.PenaltyLine{{From: utc(2026, 11, 7), To: utc(2026, 12, 7), Days: 31,
			Base: decimal.RequireFromString("1200"), RatePercent: decimal.RequireFromString("12.40"), Amount: decimal.RequireFromString("12.64")}},
		PenaltyTotal:    decimal.RequireFromString("12.64"),
		Indemnity:       decimal.RequireFromString("40"),
		Today:           utc(2026, 12, 7),
		PaymentDeadline: utc(2026, 12, 15),
	}
	r, err := render.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, r
}

func TestFormalNoticePDFCarriesTheMailsFacts(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		facts []string
	}{
		{"fr", []string{"Lettre recommandée avec AR", "Mise en demeure de payer", "F-2026-0101",
			"1 200,00 €", "12,64 €", "1 252,64 €", "15 décembre 2026", "Lyon, le 7 décembre 2026", "Boulangerie Lefèvre & Fils",
			"14 avenue Jean Jaurès", "69007 Lyon", "L441-10", "SIREN : 123 456 789", "12 rue des Tanneurs"}},
		{"en", []string{"Registered letter with acknowledgement of receipt", "Formal notice to pay", "F-2026-0101",
			"€1,200.00", "€12.64", "€1,252.64", "15 December 2026", "Boulangerie Lefèvre & Fils", "69007 Lyon"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			_, r := notice(t, tc.lang)
			pdf, err := PDF(Letter{Language: tc.lang, Sender: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon",
				SIREN: "123 456 789", Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00"},
				RecipientName: "Boulangerie Lefèvre & Fils", RecipientAddress: "14 avenue Jean Jaurès, 69007 Lyon",
				Registered: true, Subject: r.Subject, Text: r.Text, Date: utc(2026, 12, 7)})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
			}
			text := pdftools.Text(t, pdf)
			mail := pdftools.Normalize(r.Text)
			flat := strings.Join(strings.Fields(text), " ")
			for _, f := range tc.facts {
				if !strings.Contains(flat, f) {
					t.Errorf("PDF text lacks %q:\n%s", f, text)
				}
			}
			// Every line of the mail after its letterhead is in the PDF (the
			// PDF wraps long lines: compare with line breaks as spaces).
			for _, line := range strings.Split(bodyOf(mail, "Atelier Moreau"), "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.Contains(flat, line) {
					t.Errorf("PDF text lacks the mail's line %q", line)
				}
			}
			// The letterhead is printed once, not repeated from the mail; so
			// are the window's recipient block and registered mention, which
			// the mail also carries.
			for _, once := range []string{"SIREN", "69007 Lyon", "Jean Jaur", tc.facts[0]} {
				if n := strings.Count(flat, once); n != 1 {
					t.Errorf("%q printed %d times:\n%s", once, n, text)
				}
			}
		})
	}
}

func TestFormalNoticePDFScreenshot(t *testing.T) {
	_, r := notice(t, "fr")
	pdf, err := PDF(Letter{Language: "fr", Sender: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon",
		SIREN: "123 456 789", Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00"},
		RecipientName: "Boulangerie Lefèvre & Fils", RecipientAddress: "14 avenue Jean Jaurès\n69007 Lyon",
		Registered: true, Subject: r.Subject, Text: r.Text, Date: utc(2026, 12, 7)})
	if err != nil {
		t.Fatal(err)
	}
	png := pdftools.FirstPagePNG(t, pdf)
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Fatalf("first page picture is not a plausible PNG (%d bytes)", len(png))
	}
	dir := pdftools.ScreenshotDir(t, "letter")
	path := filepath.Join(dir, "formal_notice-fr-page1.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "formal_notice-fr.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("first page of the formal notice: %s", path)
}

func TestPDFIsDeterministic(t *testing.T) {
	_, r := notice(t, "fr")
	l := Letter{Language: "fr", Sender: render.Business{Name: "Atelier Moreau"}, RecipientName: "X", Text: r.Text, Date: utc(2026, 12, 7)}
	a, err := PDF(l)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PDF(l)
	if !bytes.Equal(a, b) {
		t.Error("the same letter gives two different PDFs")
	}
	if _, err := PDF(Letter{Language: "fr"}); err == nil {
		t.Error("an empty letter gives no error")
	}
}

// The mentions read from a catalogue print as they always have.
func TestLetterWords(t *testing.T) {
	tests := []struct{ got, want string }{
		{siren("fr", "123 456 789"), "SIREN : 123 456 789"},
		{siren("en", "123 456 789"), "SIREN: 123 456 789"},
		{siren("fr", "  "), ""},
		{letterWords.T("fr", "registered"), "Lettre recommandée avec AR"},
		{letterWords.T("en", "registered"), "Registered letter with acknowledgement of receipt"},
		{letterWords.T("fr", "page", 2), "Page 2/{nb}"},
		{letterWords.T("en", "page", 3), "Page 3/{nb}"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
