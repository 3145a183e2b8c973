package render

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/templates"
)

func TestSafeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Dupont\r\nBcc: x@evil", "Dupont Bcc: x@evil"},
		{"Facture F-1\n", "Facture F-1"},
		{"a\tb\x00c\x1bd", "a b c d"},
		{"  many   spaces  ", "many spaces"},
		{"line\u2028sep\u2029para\u0085nel", "line sep para nel"},
		{"bidi \u202eevil\u202c name", "bidi evil name"},
		{"zero\u200bwidth", "zerowidth"},
		{"bad \xff utf8", "bad utf8"},
		{"Échéance : 3 décembre", "Échéance : 3 décembre"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SafeHeader(tt.in); got != tt.want {
			t.Errorf("SafeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHeaderInjection: whatever the client is called, the subject stays one
// header line for every stage and language.
func TestHeaderInjection(t *testing.T) {
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			d := c.data
			d.ClientName = "Dupont\r\nBcc: x@evil"
			d.ContactName = "Claire\nDupont"
			d.Invoices = append([]InvoiceLine(nil), d.Invoices...)
			d.Invoices[0].Number = "F-1\r\nBcc: y@evil"
			r, err := Render(d)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, c.name, err)
			}
			if strings.ContainsAny(r.Subject, "\r\n") {
				t.Errorf("%s/%s: subject %q contains a line break", lang, c.name, r.Subject)
			}
			if strings.Contains(r.Text, "\nBcc:") || strings.Contains(r.HTML, "\nBcc:") {
				t.Errorf("%s/%s: a data line break reached the body", lang, c.name)
			}
		}
	}
}

// TestInjectionInert: markup and template actions in client data are
// escaped in HTML and printed literally in text, never executed.
func TestInjectionInert(t *testing.T) {
	const script = "<script>alert(1)</script>"
	const action = "{{.Business.IBAN}}"
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			clean, err := Render(c.data)
			if err != nil {
				t.Fatal(err)
			}
			d := c.data
			d.ClientName = "ACME " + script + " " + action
			d.ContactName = script
			d.Invoices = append([]InvoiceLine(nil), d.Invoices...)
			d.Invoices[0].Number = "F-" + script + action
			d.History = []string{action + script}
			d.Complaints = []string{script}
			r, err := Render(d)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, c.name, err)
			}
			if strings.Contains(r.HTML, "<script") {
				t.Errorf("%s/%s: HTML contains a live <script>", lang, c.name)
			}
			if !strings.Contains(r.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s/%s: HTML does not show the escaped script", lang, c.name)
			}
			if !strings.Contains(r.Text, script) || !strings.Contains(r.Text, action) {
				t.Errorf("%s/%s: text does not print the data literally", lang, c.name)
			}
			iban := c.data.Business.IBAN
			for part, pair := range map[string][2]string{"text": {clean.Text, r.Text}, "html": {clean.HTML, r.HTML}, "subject": {clean.Subject, r.Subject}} {
				if a, b := strings.Count(pair[0], iban), strings.Count(pair[1], iban); a != b {
					t.Errorf("%s/%s %s: IBAN printed %d times, %d without injection: data was executed", lang, c.name, part, b, a)
				}
			}
		}
	}
}

// TestFrenchTypography: French puts a non-breaking space before ":" "?" "!"
// ";" and English none.
func TestFrenchTypography(t *testing.T) {
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			r, err := Render(c.data)
			if err != nil {
				t.Fatal(err)
			}
			for part, s := range map[string]string{"subject": r.Subject, "text": r.Text, "html": htmlText(r.HTML)} {
				rs := []rune(s)
				for i, ch := range rs {
					if !strings.ContainsRune(":?!;", ch) || i == 0 {
						continue
					}
					prev := rs[i-1]
					ctx := string(rs[max(0, i-20):min(len(rs), i+5)])
					if lang == "fr" && prev != '\u00a0' && prev != '\u202f' {
						t.Errorf("fr/%s %s: %q without a non-breaking space before it: %q", c.name, part, ch, ctx)
					}
					if lang == "en" && (prev == '\u00a0' || prev == ' ') {
						t.Errorf("en/%s %s: space before %q: %q", c.name, part, ch, ctx)
					}
				}
			}
		}
	}
}

func TestStagesHaveTemplates(t *testing.T) {
	want := map[string]bool{}
	for _, lang := range Languages() {
		want[lang+"/_common.txt.tmpl"] = true
		want[lang+"/_common.html.tmpl"] = true
		for _, s := range Stages() {
			for _, ext := range []string{"subject", "txt", "html"} {
				want[lang+"/"+s+"."+ext+".tmpl"] = true
			}
		}
	}
	found := map[string]bool{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		found[p] = true
		if !want[p] {
			t.Errorf("template %s belongs to no stage", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range want {
		if !found[p] {
			t.Errorf("missing template %s", p)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	ok := func(stage string) Data {
		for _, c := range goldenCases("fr") {
			if c.name == stage {
				return c.data
			}
		}
		t.Fatalf("no case %s", stage)
		return Data{}
	}
	tests := []struct {
		name    string
		edit    func(d *Data)
		stage   string
		wantErr error
		wantMsg string
	}{
		{"professional has no template", func(d *Data) { d.Stage = "professional" }, "friendly", ErrUnknownStage, ""},
		{"unknown language", func(d *Data) { d.Language = "de" }, "friendly", ErrUnknownLanguage, ""},
		{"no invoice", func(d *Data) { d.Invoices = nil }, "friendly", nil, "no invoice"},
		{"paid invoice in a reminder", func(d *Data) { d.Invoices[0].Balance = decimal.Zero }, "friendly", nil, "nothing left to pay"},
		{"negative amount", func(d *Data) { d.Invoices[0].Amount = dec("-1") }, "friendly", nil, "negative"},
		{"no number", func(d *Data) { d.Invoices[0].Number = " \r\n" }, "friendly", nil, "no number"},
		{"no currency", func(d *Data) { d.Currency = ""; d.Invoices[0].Currency = "" }, "friendly", nil, "no currency"},
		{"no business", func(d *Data) { d.Business.Name = "" }, "friendly", nil, "business name"},
		{"no client", func(d *Data) { d.ClientName, d.ContactName = "", "" }, "friendly", nil, "client name"},
		{"formal notice without date", func(d *Data) { d.Today = time.Time{} }, "formal_notice", nil, "Today is required"},
		{"B2C with L441-10 penalties", func(d *Data) {
			d.Penalties = []PenaltyLine{{From: day(2026, 7, 2), To: day(2026, 8, 20), Days: 50, Base: dec("350"), RatePercent: dec("12.4"), Amount: dec("5.95")}}
		}, "formal_notice-b2c", nil, "consumer"},
		{"B2C with indemnity", func(d *Data) { d.Indemnity = dec("40") }, "formal_notice-b2c", nil, "consumer"},
		{"inverted penalty period", func(d *Data) { d.Penalties[0].From, d.Penalties[0].To = d.Penalties[0].To, d.Penalties[0].From }, "formal_notice", nil, "inconsistent"},
		{"plan without instalments", func(d *Data) { d.Instalments = nil }, "plan_confirmation", nil, "no instalment"},
		{"zero instalment", func(d *Data) { d.Instalments[0].Amount = decimal.Zero }, "plan_confirmation", nil, "not positive"},
		{"nothing missed yet", func(d *Data) { d.Today = day(2027, 1, 15) }, "instalment_reminder", nil, "no instalment is due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ok(tt.stage)
			d.Invoices = append([]InvoiceLine(nil), d.Invoices...)
			d.Penalties = append([]PenaltyLine(nil), d.Penalties...)
			d.Instalments = append([]Instalment(nil), d.Instalments...)
			tt.edit(&d)
			_, err := Render(d)
			if err == nil {
				t.Fatal("Render succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestRenderDetails(t *testing.T) {
	base := func(lang, stage string) Data {
		return Data{Language: lang, Stage: stage, Business: business(), ClientName: "Client SAS", B2B: true,
			Today: day(2026, 12, 3), Currency: "EUR"}
	}
	tests := []struct {
		name     string
		data     func() Data
		contains []string
		absent   []string
	}{
		{"mixed currencies totalled apart", func() Data {
			d := base("fr", StageFriendly)
			d.Invoices = []InvoiceLine{
				{Number: "A-1", DueDate: day(2026, 11, 1), Amount: dec("1000"), Balance: dec("1000"), DaysLate: 30},
				{Number: "A-2", DueDate: day(2026, 11, 2), Amount: dec("200"), Balance: dec("200"), Currency: "USD", DaysLate: 29},
				{Number: "A-3", DueDate: day(2026, 11, 3), Amount: dec("50.5"), Balance: dec("50.5"), DaysLate: 28},
			}
			return d
		}, []string{"Total\u00a0: 1\u00a0050,50\u00a0€ et 200,00\u00a0$"}, nil},
		{"english mixed currencies", func() Data {
			d := base("en", StageSecond)
			d.Invoices = []InvoiceLine{
				{Number: "A-1", DueDate: day(2026, 11, 1), Amount: dec("1000"), Balance: dec("1000"), Currency: "GBP", DaysLate: 30},
				{Number: "A-2", DueDate: day(2026, 11, 2), Amount: dec("1234567.891"), Balance: dec("1234567.891"), Currency: "CHF", DaysLate: 29},
			}
			return d
		}, []string{"Total: £1,000.00 and CHF 1,234,567.89"}, nil},
		{"default indemnity is 40 € per invoice for B2B", func() Data {
			d := base("fr", StageFormalNotice)
			d.Invoices = []InvoiceLine{
				{Number: "A-1", DueDate: day(2026, 9, 1), Amount: dec("100"), Balance: dec("100"), DaysLate: 90},
				{Number: "A-2", DueDate: day(2026, 9, 2), Amount: dec("200"), Balance: dec("200"), DaysLate: 89},
			}
			return d
		}, []string{"40,00\u00a0€ par facture\u00a0: 80,00\u00a0€", "Somme totale due\u00a0: 380,00\u00a0€", "au plus tard le 11 décembre 2026"}, nil},
		{"penalty total summed when not given", func() Data {
			d := base("en", StageFormalNotice)
			d.Invoices = oneInvoice(60)
			d.Penalties = []PenaltyLine{
				{From: day(2026, 11, 1), To: day(2026, 11, 30), Days: 30, Base: dec("1234.56"), RatePercent: dec("12.4"), Amount: dec("12.58")},
				{From: day(2026, 12, 1), To: day(2026, 12, 3), Days: 3, Base: dec("1234.56"), RatePercent: dec("12.4"), Amount: dec("1.26")},
			}
			d.PaymentDeadlineDays = 10
			return d
		}, []string{"Total late-payment penalties: €13.84", "€40.00 per invoice: €40.00", "Total amount due: €1,288.40", "within 10 days", "by 13 December 2026"}, nil},
		{"partial payment speaks of what remains", func() Data {
			d := base("en", StageFriendly)
			d.ContactName = "Ms Anna Lind"
			d.Invoices = oneInvoice(10)
			d.Invoices[0].Balance = dec("234.56")
			return d
		}, []string{"Dear Ms Lind,", "€234.56 remains of €1,234.56", "payment of €1,000.00"}, []string{"has not been paid yet ("}},
		{"no contact, no IBAN", func() Data {
			d := base("fr", StageCourtesy)
			d.Business.IBAN = ""
			d.Invoices = oneInvoice(-3)
			return d
		}, []string{"Bonjour,\n"}, []string{"IBAN", "virement"}},
		{"signature replaces the contact block", func() Data {
			d := base("en", StageThankYou)
			d.Business.Signature = "Paul Martin\nAtelier Martin\n"
			d.Invoices = oneInvoice(3)
			return d
		}, []string{"Have a good day,\nPaul Martin\nAtelier Martin\n"}, []string{"04 78 00 00 00"}},
		{"call sheet without history", func() Data {
			d := base("fr", StageCall)
			d.Invoices = oneInvoice(1)
			d.Promise = dp(day(2026, 12, 10))
			return d
		}, []string{"1 jour de retard", "Rien de notable", "Aucune connue", "Paiement promis pour le 10 décembre 2026", "date d'envoi"}, nil},
		{"many invoices shorten the subject", func() Data {
			d := base("en", StageFriendly)
			for i := 0; i < 9; i++ {
				d.Invoices = append(d.Invoices, InvoiceLine{Number: "N-" + string(rune('1'+i)), DueDate: day(2026, 11, 1), Amount: dec("10"), Balance: dec("10"), DaysLate: 30})
			}
			return d
		}, []string{"Invoices N-1, N-2, N-3, N-4, N-5 and 4 others: a friendly reminder"}, nil},
		{"place from City", func() Data {
			d := base("fr", StageFormalNotice)
			d.Business.City = "Villeurbanne"
			d.Invoices = oneInvoice(40)
			return d
		}, []string{"Villeurbanne, le 3 décembre 2026"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Render(tt.data())
			if err != nil {
				t.Fatal(err)
			}
			all := r.Subject + "\n" + r.Text
			for _, s := range tt.contains {
				if !strings.Contains(all, s) {
					t.Errorf("missing %q in:\n%s", s, all)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(all, s) {
					t.Errorf("unexpected %q in:\n%s", s, all)
				}
			}
		})
	}
}

// TestRendererCustomFS: a user's own copy of the templates is used as is.
func TestRendererCustomFS(t *testing.T) {
	fsys := fstest.MapFS{
		"fr/_common.txt.tmpl":      {Data: []byte(`{{define "x"}}{{.Client}}{{end}}`)},
		"fr/_common.html.tmpl":     {Data: []byte(`{{define "x"}}{{.Client}}{{end}}`)},
		"fr/friendly.subject.tmpl": {Data: []byte("Relance {{.Numbers}}\n")},
		"fr/friendly.txt.tmpl":     {Data: []byte(`Bonjour {{template "x" .}}, {{.Total}}`)},
		"fr/friendly.html.tmpl":    {Data: []byte(`<p>{{template "x" .}}</p>`)},
	}
	d := goldenCases("fr")[1].data
	d.ClientName = "A&B"
	r, err := New(fsys).Render(d)
	if err != nil {
		t.Fatal(err)
	}
	want := Rendered{Subject: "Relance F-2026-0042", Text: "Bonjour A&B, 1\u00a0234,56\u00a0€\n", HTML: "<p>A&amp;B</p>\n"}
	if r != want {
		t.Errorf("got %+v, want %+v", r, want)
	}
	d.Stage = StageSecond
	if _, err := New(fsys).Render(d); err == nil || !strings.Contains(err.Error(), "second") {
		t.Errorf("missing template: err = %v", err)
	}
}

func TestCityOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"12 rue de la République\n69002 Lyon", "Lyon"},
		{"12 rue de la République, 69002 Lyon, France", "Lyon"},
		{"BP 12, 13001 Marseille Cedex 01", "Marseille"},
		{"Lyon", "Lyon"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := cityOf(tt.in); got != tt.want {
			t.Errorf("cityOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormLang(t *testing.T) {
	for in, want := range map[string]string{"fr-FR": "fr", "EN_gb": "en", " en ": "en", "": ""} {
		if got := normLang(in); got != want {
			t.Errorf("normLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Dupont", "F-1", "friendly", "fr", "12.34")
	f.Add("<b>x</b>\r\n", "{{.}}", "formal_notice", "en", "0.01")
	f.Fuzz(func(t *testing.T, client, number, stage, lang, amount string) {
		a, err := decimal.NewFromString(amount)
		if err != nil {
			return
		}
		d := Data{Language: lang, Stage: stage, Business: business(), ClientName: client, B2B: true, Currency: "EUR",
			Today: day(2026, 12, 3), Invoices: []InvoiceLine{{Number: number, DueDate: day(2026, 11, 1), Amount: a, Balance: a, DaysLate: 32}},
			Instalments: []Instalment{{Due: day(2026, 11, 15), Amount: decimal.NewFromInt(1)}}}
		r, err := Render(d)
		if err == nil && strings.ContainsAny(r.Subject, "\r\n") {
			t.Fatalf("subject with a line break: %q", r.Subject)
		}
	})
}

// TestFormalNoticeMentions: the mise en demeure carries its mandatory
// mentions in both parts, and a consumer is never charged what only a
// business owes.
func TestFormalNoticeMentions(t *testing.T) {
	want := map[string]map[string][]string{
		"fr": {
			"formal_notice": {"Mise en demeure de payer", "Atelier Martin", "SIREN\u00a0: 123 456 789", "Boulangerie Dupont",
				"F-2026-0017", "15 avril 2026", "15 mai 2026", "1\u00a0200,00\u00a0€", "L441-10", "12,15\u00a0%", "12,40\u00a0%",
				"18,37\u00a0€", "20,79\u00a0€", "39,17\u00a0€", "D441-5", "40,00\u00a0€", "1\u00a0279,17\u00a0€", "8 jours",
				"28 août 2026", "injonction de payer", "Lyon, le 20 août 2026"},
			"formal_notice-b2c": {"Mise en demeure de payer", "Jean Moreau", "350,00\u00a0€", "15 jours", "1231-6", "injonction de payer"},
		},
		"en": {
			"formal_notice": {"Formal notice to pay", "French law", "Atelier Martin", "SIREN: 123 456 789", "Boulangerie Dupont",
				"F-2026-0017", "15 April 2026", "15 May 2026", "€1,200.00", "L441-10", "12.15%", "12.40%", "€18.37", "€20.79",
				"€39.17", "D441-5", "€40.00", "€1,279.17", "8 days", "28 August 2026", "order for payment", "Lyon, 20 August 2026"},
			"formal_notice-b2c": {"Formal notice to pay", "Jean Moreau", "€350.00", "15 days", "1231-6"},
		},
	}
	never := []string{"L441-10", "D441-5", "40,00", "€40.00", "indemnit"}
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			mentions, ok := want[lang][c.name]
			if !ok {
				continue
			}
			r, err := Render(c.data)
			if err != nil {
				t.Fatal(err)
			}
			for part, s := range map[string]string{"text": r.Subject + "\n" + r.Text, "html": htmlText(r.HTML)} {
				for _, m := range mentions {
					if m == "French law" && !strings.Contains(s, "French Commercial Code") {
						t.Errorf("%s/%s %s: no reference to French law", lang, c.name, part)
					} else if m != "French law" && !strings.Contains(s, m) {
						t.Errorf("%s/%s %s: missing %q", lang, c.name, part, m)
					}
				}
				if c.name == "formal_notice-b2c" {
					for _, m := range never {
						if strings.Contains(s, m) {
							t.Errorf("%s/%s %s: a consumer letter mentions %q", lang, c.name, part, m)
						}
					}
				}
			}
		}
	}
}

// TestAnswerWithoutIBAN: with no BUSINESS_IBAN the bank details are a blank
// for the human to fill, never an empty line the client would read as ours.
func TestAnswerWithoutIBAN(t *testing.T) {
	for _, lang := range Languages() {
		d := Data{Language: lang, Stage: StageAnswer, Business: Business{Name: "Atelier Martin"}, ClientName: "Boulangerie Dupont",
			B2B: true, Currency: "EUR", Invoices: oneInvoice(9), Asked: []string{TopicBankDetails}}
		r, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"fr": "[à compléter\u00a0: IBAN et BIC]", "en": "[to fill in: IBAN and BIC]"}[lang]
		if !strings.Contains(r.Text, want) || strings.Contains(r.Text, "IBAN\u00a0: \n") || strings.Contains(r.Text, "IBAN: \n") {
			t.Errorf("%s: answer without IBAN:\n%s", lang, r.Text)
		}
	}
}

// countingFS counts the template files opened.
type countingFS struct {
	fs.FS
	mu    sync.Mutex
	opens int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// A Renderer reads and parses each template set once: later drafts, from
// any goroutine, render the same text without opening a file; a set that
// does not parse is not kept, and fails every time.
func TestRendererParsesOnce(t *testing.T) {
	fsys := &countingFS{FS: templates.FS}
	r := New(fsys)
	d := goldenCases("fr")[1].data
	first, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	opened := fsys.opens
	if opened == 0 {
		t.Fatal("no template file opened")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again, err := r.Render(d)
			if err != nil || again != first {
				t.Errorf("rendered again: %v\n%+v\nwant\n%+v", err, again, first)
			}
		}()
	}
	wg.Wait()
	if fsys.opens != opened {
		t.Errorf("rendering again opened %d more files", fsys.opens-opened)
	}
	broken := New(fstest.MapFS{
		"fr/_common.txt.tmpl":      {Data: []byte(`{{define "x"}}{{end}}`)},
		"fr/_common.html.tmpl":     {Data: []byte(`{{define "x"}}{{end}}`)},
		"fr/friendly.subject.tmpl": {Data: []byte("Relance {{.Numbers")},
		"fr/friendly.txt.tmpl":     {Data: []byte(`Bonjour`)},
		"fr/friendly.html.tmpl":    {Data: []byte(`<p>Bonjour</p>`)},
	})
	for i := range 2 {
		if _, err := broken.Render(d); err == nil || !strings.Contains(err.Error(), "parse") {
			t.Errorf("render %d of a broken template: err = %v", i, err)
		}
	}
}
