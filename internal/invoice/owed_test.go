package invoice

import (
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/invoice/pdfwrite"
)

// ciiWith is the CII fixture with some of its text replaced.
func ciiWith(t *testing.T, pairs ...string) []byte {
	t.Helper()
	s := string(readTestdata(t, "cii-invoice.xml"))
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("fixture lacks %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

func ublWith(t *testing.T, pairs ...string) []byte {
	t.Helper()
	s := string(readTestdata(t, "ubl-invoice.xml"))
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("fixture lacks %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

const ciiDeposit = `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount>400.00</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount>834.56</ram:DuePayableAmount>`

// What is owed: the total less what was prepaid, as each format states it.
func TestPayable(t *testing.T) {
	grand := `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>
        <ram:DuePayableAmount>1234.56</ram:DuePayableAmount>`
	tests := []struct {
		name                     string
		subject, body            string
		att                      func(t *testing.T) []byte
		xml                      bool
		amount, prepaid, payable string
		findings                 int
	}{
		{name: "CII DuePayableAmount", subject: "Votre facture", body: "Bonjour,\nci-joint votre facture.",
			att: func(t *testing.T) []byte { return ciiWith(t, grand, ciiDeposit) }, xml: true,
			amount: "1234.56", prepaid: "400.00", payable: "834.56"},
		{name: "CII prepaid without DuePayableAmount", subject: "Votre facture", body: "Bonjour,\nci-joint votre facture.",
			att: func(t *testing.T) []byte {
				return ciiWith(t, grand, `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount><ram:TotalPrepaidAmount>234.56</ram:TotalPrepaidAmount>`)
			}, xml: true, amount: "1234.56", prepaid: "234.56", payable: "1000.00"},
		{name: "CII minimum profile: no prepaid stated", subject: "Votre facture", body: "Bonjour,\nci-joint votre facture.",
			att: func(t *testing.T) []byte {
				return ciiWith(t, grand, `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount><ram:DuePayableAmount>1000.00</ram:DuePayableAmount>`)
			}, xml: true, amount: "1234.56", prepaid: "234.56", payable: "1000.00"},
		{name: "UBL PayableAmount after PrepaidAmount", subject: "Your invoice", body: "Hello,\nplease find our invoice attached.",
			att: func(t *testing.T) []byte {
				return ublWith(t, `<cbc:PayableAmount currencyID="EUR">1234.56</cbc:PayableAmount>`,
					`<cbc:PrepaidAmount currencyID="EUR">234.56</cbc:PrepaidAmount><cbc:PayableAmount currencyID="EUR">1000.00</cbc:PayableAmount>`)
			}, xml: true, amount: "1234.56", prepaid: "234.56", payable: "1000.00"},
		{name: "body acompte versé", subject: "Facture F-2026-0181",
			body:   "Total TTC : 6 000,00 €\nAcompte versé : 1 800,00 €\nNet à payer : 4 200,00 €\nÉchéance : 03/12/2026",
			amount: "6000.00", prepaid: "1800.00", payable: "4200.00"},
		{name: "body déjà réglé without net", subject: "Facture F-2026-0182",
			body:   "Montant TTC : 2 400,00 €\nDéjà réglé : 400,00 €\nÉchéance : 03/12/2026",
			amount: "2400.00", prepaid: "400.00", payable: "2000.00"},
		{name: "body reste à payer", subject: "Facture F-2026-0183",
			body:   "Total TTC : 1 200,00 €\nReste à payer : 700,00 €\nÉchéance : 03/12/2026",
			amount: "1200.00", prepaid: "500.00", payable: "700.00"},
		{name: "body balance due", subject: "Invoice INV-2026-0300",
			body:   "Invoice total: EUR 3,000.00\nLess deposit received: EUR 1,000.00\nBalance due: EUR 2,000.00\nDue date: 3 December 2026",
			amount: "3000.00", prepaid: "1000.00", payable: "2000.00"},
		{name: "body amount due only", subject: "Invoice INV-2026-0301",
			body:   "Amount due: EUR 750.00\nDue date: 3 December 2026",
			amount: "750.00", prepaid: "0", payable: "750.00"},
		{name: "body total only", subject: "Facture F-2026-0184",
			body:   "Total TTC : 980,00 €\nÉchéance : 03/12/2026",
			amount: "980.00", prepaid: "0", payable: "980.00"},
		{name: "XML wins over the body, which disagrees", subject: "Facture F-2026-0142",
			body: "Bonjour,\nci-joint la facture F-2026-0142.\nMontant TTC : 1 500,00 €\nÉchéance : 03/12/2026",
			att:  func(t *testing.T) []byte { return ciiWith(t, grand, ciiDeposit) }, xml: true,
			amount: "1234.56", prepaid: "400.00", payable: "834.56", findings: 1},
		{name: "the body's total agrees with the XML", subject: "Facture F-2026-0142",
			body: "Bonjour,\nci-joint la facture F-2026-0142.\nTotal TTC : 1 234,56 €\nÉchéance : 03/12/2026",
			att:  func(t *testing.T) []byte { return ciiWith(t, grand, ciiDeposit) }, xml: true,
			amount: "1234.56", prepaid: "400.00", payable: "834.56"},
		{name: "the body's amount owed agrees with the XML", subject: "Facture F-2026-0142",
			body: "Bonjour,\nci-joint la facture F-2026-0142.\nReste à payer : 834,56 €\nÉchéance : 03/12/2026",
			att:  func(t *testing.T) []byte { return ciiWith(t, grand, ciiDeposit) }, xml: true,
			amount: "1234.56", prepaid: "400.00", payable: "834.56"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := sent(tc.subject, tc.body)
			if tc.att != nil {
				if tc.xml {
					m.Attachments = append(m.Attachments, xmlAttachment("facture.xml", tc.att(t)))
				}
			}
			r := Detect(m, Options{})
			if r.Kind != KindInvoice {
				t.Fatalf("Kind = %s (%s)", r.Kind, r.Reason)
			}
			for _, c := range []struct{ name, got, want string }{
				{"Amount", r.Amount.String(), tc.amount}, {"Prepaid", r.Prepaid.String(), tc.prepaid}, {"Payable", r.Payable.String(), tc.payable},
			} {
				if !dec(c.got).Equal(dec(c.want)) {
					t.Errorf("%s = %s, want %s (evidence %q)", c.name, c.got, c.want, r.Evidence)
				}
			}
			if len(r.Findings) != tc.findings {
				t.Errorf("Findings = %q, want %d", r.Findings, tc.findings)
			}
		})
	}
}

// When the body, the PDF text and the XML disagree, the XML wins and each
// disagreement is a finding that names both sides.
func TestSourcesDisagree(t *testing.T) {
	xml := ciiWith(t, `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>
        <ram:DuePayableAmount>1234.56</ram:DuePayableAmount>`, ciiDeposit)
	pdf := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0142", "1 234,56 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: xml, Relationship: "Data"}}})
	r := Detect(sent("Facture F-2026-0999", "Bonjour,\nVoici la facture F-2026-0999.\nMontant TTC : 99,00 €\nÉchéance : 15/12/2026",
		pdfAttachment("F-2026-0142.pdf", pdf)), Options{})
	if r.Source != SourceFacturX || r.Number != "F-2026-0142" || !r.Payable.Equal(dec("834.56")) || !r.DueDate.Equal(day(2026, 12, 3)) {
		t.Fatalf("the XML did not win: source %s number %s payable %s due %s\n%q", r.Source, r.Number, r.Payable, r.DueDate, r.Evidence)
	}
	joined := strings.Join(r.Findings, "\n")
	for _, want := range []string{"the mail names invoice F-2026-0999", "the mail says 99.00 EUR", "the mail says payment is due on 2026-12-15"} {
		if !strings.Contains(joined, want) {
			t.Errorf("findings lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "PDF text") {
		t.Errorf("the PDF text agrees with the XML, yet a finding names it:\n%s", joined)
	}
}

// A buyer address comes only from e-mail fields: a Leitweg-ID (scheme 9958)
// or a Peppol id is never taken for an e-mail address; an e-mail field that
// holds no address is a finding; the mail's recipient is the client.
func TestBuyerAddressOnlyFromEmailFields(t *testing.T) {
	contact := `<ram:DefinedTradeContact>
          <ram:PersonName>Claire Dupont</ram:PersonName>
          <ram:EmailURIUniversalCommunication><ram:URIID>Claire@Boulangerie-Dupont.example</ram:URIID></ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>`
	tests := []struct {
		name     string
		doc      []byte
		email    string
		findings int
	}{
		{"CII URIID scheme 9958", ciiWith(t, contact, `<ram:URIUniversalCommunication><ram:URIID schemeID="9958">04 0 11 000 - 12345 12345 - 35</ram:URIID></ram:URIUniversalCommunication>`),
			"claire@boulangerie-dupont.example", 0},
		{"CII URIID scheme EM", ciiWith(t, contact, `<ram:URIUniversalCommunication><ram:URIID schemeID="EM">compta@dupont.example</ram:URIID></ram:URIUniversalCommunication>`),
			"compta@dupont.example", 0},
		{"CII URIID scheme EM holding no address", ciiWith(t, contact, `<ram:URIUniversalCommunication><ram:URIID schemeID="EM">Buyer electronic address</ram:URIID></ram:URIUniversalCommunication>`),
			"claire@boulangerie-dupont.example", 1},
		{"CII contact e-mail holding no address", ciiWith(t, "Claire@Boulangerie-Dupont.example</ram:URIID>", "claire at dupont</ram:URIID>"),
			"claire@boulangerie-dupont.example", 1},
		{"UBL EndpointID scheme 0088", ublWith(t, `<cbc:EndpointID schemeID="EM">Compta@Northwind.example</cbc:EndpointID>`,
			`<cbc:EndpointID schemeID="0088">5790000435975</cbc:EndpointID>`), "claire@boulangerie-dupont.example", 0},
		{"UBL EndpointID scheme EM", readTestdata(t, "ubl-invoice.xml"), "compta@northwind.example", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := sent("Votre facture", "Bonjour,\nci-joint votre facture.", xmlAttachment("facture.xml", tc.doc))
			r := Detect(m, Options{})
			want := tc.email
			if _, ok := UsableEmail(r.Client.Email); !ok || r.Client.Email != want {
				t.Errorf("Client.Email = %q, want %q", r.Client.Email, want)
			}
			if strings.Contains(r.Client.Email, "12345") || strings.Contains(r.Client.Email, "5790000435975") {
				t.Errorf("routing id taken for an address: %q", r.Client.Email)
			}
			if len(r.Findings) != tc.findings {
				t.Errorf("Findings = %q, want %d", r.Findings, tc.findings)
			}
		})
	}
}

func TestUsableEmail(t *testing.T) {
	for s, want := range map[string]string{
		"Claire@Boulangerie-Dupont.example":     "claire@boulangerie-dupont.example",
		" mailto:compta@dupont.fr ":             "compta@dupont.fr",
		"04 0 11 000 - 12345 12345 - 35":        "",
		"0088:5790000435975":                    "",
		"Buyer electronic address":              "",
		"claire@localhost":                      "",
		"a@b.fr, c@d.fr":                        "",
		"Claire <claire@dupont.fr>":             "",
		"@dupont.fr":                            "",
		"claire@":                               "",
		"claire@dupont..fr":                     "",
		strings.Repeat("a", 250) + "@dupont.fr": "",
	} {
		got, ok := UsableEmail(s)
		if got != want || ok != (want != "") {
			t.Errorf("UsableEmail(%q) = %q, %v; want %q", s, got, ok, want)
		}
	}
}

// A field that is present but unusable is a finding naming it; the other
// facts are kept.
func TestUnusableFields(t *testing.T) {
	grand := "<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>"
	tests := []struct {
		name    string
		doc     []byte
		finding string
		missing string
	}{
		{"amount not a number", ciiWith(t, grand, "<ram:GrandTotalAmount>1.234,56</ram:GrandTotalAmount>", "<ram:DuePayableAmount>1234.56</ram:DuePayableAmount>", ""),
			`GrandTotalAmount "1.234,56" in the XML is not an amount`, FieldAmount},
		{"due date not a date", ciiWith(t, `<udt:DateTimeString format="102">20261203</udt:DateTimeString>`, `<udt:DateTimeString format="102">20261345</udt:DateTimeString>`),
			`DueDateDateTime "20261345" in the XML is not a date`, ""},
		{"currency not a code", ciiWith(t, "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", "<ram:InvoiceCurrencyCode>Euro</ram:InvoiceCurrencyCode>",
			`<ram:TaxTotalAmount currencyID="EUR">`, `<ram:TaxTotalAmount>`),
			`InvoiceCurrencyCode "EURO" in the XML is not a currency code`, FieldCurrency},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Detect(sent("Votre facture", "Bonjour,\nci-joint votre facture.", xmlAttachment("facture.xml", tc.doc)), Options{})
			if r.Kind != KindInvoice || r.Number != "F-2026-0142" {
				t.Fatalf("Kind %s number %q (%s)", r.Kind, r.Number, r.Reason)
			}
			if !strings.Contains(strings.Join(r.Findings, "\n"), tc.finding) {
				t.Errorf("Findings = %q, want one with %q", r.Findings, tc.finding)
			}
			if tc.missing != "" && !hasField(r.Missing, tc.missing) {
				t.Errorf("Missing = %q, want %s", r.Missing, tc.missing)
			}
		})
	}
	// An invoice XML that cannot be read at all, on a mail that names an
	// invoice: set aside for a human, not dropped.
	r := Detect(sent("Votre facture", "Bonjour,\nci-joint votre facture.", xmlAttachment("facture.xml", []byte(`<?xml version="1.0" encoding="EBCDIC"?><x/>`))), Options{})
	if r.Kind != KindInvoice || len(r.Findings) != 1 || !strings.Contains(r.Findings[0], "could not be read") {
		t.Errorf("unreadable XML: Kind %s, findings %q", r.Kind, r.Findings)
	}
}

// Payment terms written in German by ZUGFeRD producers give the due date.
func TestGermanTerms(t *testing.T) {
	issue := day(2018, 3, 5)
	for desc, want := range map[string]string{
		"Zahlbar innerhalb 30 Tagen netto bis 04.04.2018, 3% Skonto innerhalb 10 Tagen bis 15.03.2018": "2018-04-04",
		"Zahlbar ohne Abzug bis 12.12.2020":                                        "2020-12-12",
		"Zahlbar ohne Abzug bis zum 30.05.2017":                                    "2017-05-30",
		"Bitte überweisen Sie bis zum 24.01.2015 auf das unten aufgeführte Konto.": "2015-01-24",
		"Zahlbar innerhalb 14 Tagen nach Erhalt der Rechnung.":                     "2018-03-19",
		"Zahlbar sofort rein netto":                                                "2018-03-05",
		"Échéance : 13/12/2017":                                                    "2017-12-13",
		"Zahlbar mit 2% Skonto bis 15.03.2018":                                     "",
		"Dies ist keine Aufforderung zur Zahlung.":                                 "",
	} {
		got, _, ok := termsDueDate(desc, issue)
		if (want == "") == ok || (ok && got.Format("2006-01-02") != want) {
			t.Errorf("termsDueDate(%q) = %s, %v; want %q", desc, got.Format("2006-01-02"), ok, want)
		}
	}
}

// Every invoice type code of the EN 16931 list is an invoice; a corrective
// invoice with a negative total is a credit.
func TestTypeCodes(t *testing.T) {
	for _, code := range []string{"380", "384", "386", "387", "389", "204", "326", "751"} {
		if k, _ := kindOfTypeCode(code); k != KindInvoice {
			t.Errorf("type %s: %s", code, k)
		}
	}
	for _, code := range []string{"381", "81", "83", "396"} {
		if k, _ := kindOfTypeCode(code); k != KindCreditNote {
			t.Errorf("type %s: %s", code, k)
		}
	}
	doc := ciiWith(t, "<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>384</ram:TypeCode>",
		"<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>", "<ram:GrandTotalAmount>-34.56</ram:GrandTotalAmount>",
		"<ram:DuePayableAmount>1234.56</ram:DuePayableAmount>", "<ram:DuePayableAmount>-34.56</ram:DuePayableAmount><ram:InvoiceReferencedDocument/>",
		"<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode><ram:InvoiceReferencedDocument><ram:IssuerAssignedID>F-2026-0100</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>")
	r := Detect(sent("Votre facture rectificative", "Bonjour,\nci-joint.", xmlAttachment("f.xml", doc)), Options{})
	if r.Kind != KindCreditNote || !r.Amount.Equal(dec("34.56")) || !r.Payable.Equal(dec("34.56")) || r.CreditedNumber != "F-2026-0100" {
		t.Errorf("negative corrective invoice: %s %s payable %s credits %q", r.Kind, r.Amount, r.Payable, r.CreditedNumber)
	}
}

// An invoice document too large to be read is named in a finding when
// nothing else gave the facts.
func TestTooLargeAttachmentIsAFinding(t *testing.T) {
	a := pdfAttachment("facture.pdf", nil)
	a.Truncated, a.Size = true, 40<<20
	r := Detect(sent("Votre facture", "Bonjour,\nci-joint votre facture.", a), Options{})
	if r.Kind != KindInvoice || len(r.Findings) != 1 || !strings.Contains(r.Findings[0], "too large to be read") {
		t.Errorf("Kind %s, findings %q", r.Kind, r.Findings)
	}
	big := pdfAttachment("facture.pdf", makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0142", "1 234,56 €")}))
	r = Detect(sent("Facture F-2026-0142", "Bonjour,\nci-joint la facture F-2026-0142.\nMontant TTC : 1 234,56 €\nÉchéance : 03/12/2026", big), Options{MaxPDFBytes: 100})
	if r.Kind != KindInvoice || r.Number != "F-2026-0142" || len(r.Findings) != 1 {
		t.Errorf("PDF beyond MaxPDFBytes: Kind %s number %q findings %q", r.Kind, r.Number, r.Findings)
	}
}

// A PDF whose text cannot be read is a finding only when nothing else gave
// the invoice's number and amount.
func TestUnreadablePDFTextMattersWithoutFacts(t *testing.T) {
	broken := pdfAttachment("facture.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	r := Detect(sent("Votre facture", "Bonjour,\nci-joint votre facture.", broken), Options{})
	if r.Kind != KindInvoice || len(r.Findings) != 1 || !strings.Contains(r.Findings[0], "could not be read") {
		t.Errorf("no facts: Kind %s, findings %q (evidence %q)", r.Kind, r.Findings, r.Evidence)
	}
	r = Detect(sent("Facture F-2026-0142", "Bonjour,\nci-joint la facture F-2026-0142.\nMontant TTC : 1 234,56 €\nÉchéance : 03/12/2026", broken), Options{})
	if r.Kind != KindInvoice || r.Number != "F-2026-0142" || len(r.Findings) != 0 {
		t.Errorf("facts in the body: Kind %s number %q findings %q", r.Kind, r.Number, r.Findings)
	}
}

// The text of a PDF invoice says what is owed after a deposit as a body
// does.
func TestPayableFromPDFText(t *testing.T) {
	lines := append(invoiceLines("F-2026-0190", "1 234,56 €")[:13], "Acompte versé le 15/10/2026    - 234,56 €", "Net à payer                     1 000,00 €",
		"", "Date d'échéance : 3 décembre 2026")
	pdf := makePDF(t, pdfwrite.Doc{Lines: lines})
	r := Detect(sent("Votre facture", "Bonjour,\nci-joint votre facture.", pdfAttachment("F-2026-0190.pdf", pdf)), Options{})
	if r.Source != SourcePDFText || r.Number != "F-2026-0190" || !r.Amount.Equal(dec("1234.56")) || !r.Prepaid.Equal(dec("234.56")) ||
		!r.Payable.Equal(dec("1000.00")) || !r.DueDate.Equal(day(2026, 12, 3)) || len(r.Findings) != 0 {
		t.Errorf("source %s number %q amount %s prepaid %s payable %s due %s findings %q", r.Source, r.Number, r.Amount, r.Prepaid, r.Payable,
			r.DueDate.Format(time.DateOnly), r.Findings)
	}
}
