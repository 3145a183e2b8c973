package invoice

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

type want struct {
	kind     Kind
	number   string
	credited string
	amount   string // "" = no amount expected
	currency string
	issue    time.Time
	due      time.Time
	terms    bool
	lang     string
	missing  []string
}

func check(t *testing.T, r Result, w want) {
	t.Helper()
	if r.Kind != w.kind {
		t.Fatalf("Kind = %q (%s), want %q; evidence %q", r.Kind, r.Reason, w.kind, r.Evidence)
	}
	if w.kind == KindNone {
		return
	}
	if r.Number != w.number {
		t.Errorf("Number = %q, want %q", r.Number, w.number)
	}
	if r.CreditedNumber != w.credited {
		t.Errorf("CreditedNumber = %q, want %q", r.CreditedNumber, w.credited)
	}
	if w.amount != "" && !r.Amount.Equal(dec(w.amount)) {
		t.Errorf("Amount = %s, want %s", r.Amount, w.amount)
	}
	if r.Currency != w.currency {
		t.Errorf("Currency = %q, want %q", r.Currency, w.currency)
	}
	if !w.issue.IsZero() && !r.IssueDate.Equal(w.issue) {
		t.Errorf("IssueDate = %s, want %s", r.IssueDate.Format(time.DateOnly), w.issue.Format(time.DateOnly))
	}
	if !r.DueDate.Equal(w.due) {
		t.Errorf("DueDate = %s, want %s", r.DueDate.Format(time.DateOnly), w.due.Format(time.DateOnly))
	}
	if r.DueFromTerms != w.terms {
		t.Errorf("DueFromTerms = %v, want %v", r.DueFromTerms, w.terms)
	}
	if w.lang != "" && r.Language != w.lang {
		t.Errorf("Language = %q, want %q", r.Language, w.lang)
	}
	if !slices.Equal(r.Missing, w.missing) {
		t.Errorf("Missing = %q, want %q", r.Missing, w.missing)
	}
	if t.Failed() {
		t.Logf("evidence: %q", r.Evidence)
	}
}

func TestDetectSubjectAndBody(t *testing.T) {
	nov3 := day(2026, 11, 3)
	tests := []struct {
		name, subject, body string
		want                want
	}{
		{"fr classic", "Facture F-2026-0142", "Bonjour,\n\nVeuillez trouver ci-jointe la facture n° F-2026-0142 émise le 03/11/2026.\nMontant TTC : 1 234,56 €\nDate d'échéance : 3 décembre 2026\n\nCordialement,\nBérénice",
			want{kind: KindInvoice, number: "F-2026-0142", amount: "1234.56", currency: "EUR", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
		{"fr FAC terms 30 jours", "Votre facture FAC-10387", "Bonjour Madame Dupont,\nCi-joint notre facture FAC-10387 d'un montant de 980,00 € TTC, payable à 30 jours.\nBien cordialement",
			want{kind: KindInvoice, number: "FAC-10387", amount: "980.00", currency: "EUR", issue: nov3, due: day(2026, 12, 3), terms: true, lang: "fr"}},
		{"fr 45 jours fin de mois", "Facture n° 2026-017", "Bonjour,\nVoici la facture n° 2026-017 du 03/11/2026.\nNet à payer : 2.450,00 EUR\nConditions de règlement : 45 jours fin de mois.\n",
			want{kind: KindInvoice, number: "2026-017", amount: "2450.00", currency: "EUR", issue: nov3, due: day(2026, 12, 31), terms: true, lang: "fr"}},
		{"fr nbsp thousands", "Facture F-2026-0150", "Montant TTC\u00a0: 12\u202f500,00\u00a0€\nÉchéance : 15/12/2026",
			want{kind: KindInvoice, number: "F-2026-0150", amount: "12500.00", currency: "EUR", issue: nov3, due: day(2026, 12, 15), lang: "fr"}},
		{"fr total ttc after HT lines", "Facture F-2026-0151", "Total HT : 1 000,00 €\nTVA (20 %) : 200,00 €\nTotal TTC : 1 200,00 €\nÀ régler avant le 1er décembre 2026.",
			want{kind: KindInvoice, number: "F-2026-0151", amount: "1200.00", currency: "EUR", issue: nov3, due: day(2026, 12, 1), lang: "fr"}},
		{"fr label on next line", "Facture F-2026-0152", "Montant TTC :\n540,00 €\nDate d'échéance :\n03/01/2027",
			want{kind: KindInvoice, number: "F-2026-0152", amount: "540.00", currency: "EUR", issue: nov3, due: day(2027, 1, 3), lang: "fr"}},
		{"fr à réception", "Facture FA-2026-88", "Bonjour,\nFacture FA-2026-88 : 75,00 € TTC, payable à réception.\nMerci !",
			want{kind: KindInvoice, number: "FA-2026-88", amount: "75.00", currency: "EUR", issue: nov3, due: nov3, terms: true, lang: "fr"}},
		{"fr émise le long date", "Facture F-2026-0160", "La facture F-2026-0160 a été émise le 28 octobre 2026.\nTotal TTC : 3 600 €\nPaiement à 60 jours.",
			want{kind: KindInvoice, number: "F-2026-0160", amount: "3600", currency: "EUR", issue: day(2026, 10, 28), due: day(2026, 12, 27), terms: true, lang: "fr"}},
		{"fr 30 jours nets", "Facture 2026/311", "Madame, Monsieur,\nnous vous prions de trouver notre facture n°2026/311.\nMontant : 1 980,40 euros\nRèglement : 30 jours nets par virement.",
			want{kind: KindInvoice, number: "2026/311", amount: "1980.40", currency: "EUR", issue: nov3, due: day(2026, 12, 3), terms: true, lang: "fr"}},
		{"fr honoraires", "Note d'honoraires NH-2026-12", "Bonjour,\nVeuillez trouver ma note d'honoraires NH-2026-12.\nTotal TTC : 2 160,00 €\nÉchéance : 17/11/2026",
			want{kind: KindInvoice, number: "NH-2026-12", amount: "2160.00", currency: "EUR", issue: nov3, due: day(2026, 11, 17), lang: "fr"}},
		{"fr CHF", "Facture F-2026-0170", "Montant total TTC : CHF 1'250.50\nÉchéance : 03.12.2026",
			want{kind: KindInvoice, number: "F-2026-0170", amount: "1250.50", currency: "CHF", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
		{"fr subject amount only", "Facture F-2026-0171 - 480,00 €", "Bonjour, la facture est en pièce jointe. Échéance au 03/12/2026.",
			want{kind: KindInvoice, number: "F-2026-0171", amount: "480.00", currency: "EUR", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
		{"fr no currency", "Facture F-2026-0172", "Montant TTC : 480,00\nÉchéance : 03/12/2026",
			want{kind: KindInvoice, number: "F-2026-0172", amount: "480.00", currency: "", issue: nov3, due: day(2026, 12, 3), lang: "fr", missing: []string{FieldCurrency}}},
		{"fr date de facture", "Facture F-2026-0173", "Date de facture : 02/11/2026\nTotal TTC : 99,90 €\npaiement sous 8 jours: règlement à 8 jours",
			want{kind: KindInvoice, number: "F-2026-0173", amount: "99.90", currency: "EUR", issue: day(2026, 11, 2), due: day(2026, 11, 10), terms: true, lang: "fr"}},
		{"en INV amount due", "Invoice INV-2026-0091", "Hi Claire,\n\nPlease find attached invoice INV-2026-0091.\nAmount due: $1,234.56\nDue date: Dec 3, 2026\n\nThanks,\nBen",
			want{kind: KindInvoice, number: "INV-2026-0091", amount: "1234.56", currency: "USD", issue: nov3, due: day(2026, 12, 3), lang: "en"}},
		{"en hash number EUR", "Invoice #1234", "Dear customer,\nYour invoice #1234 is attached.\nTotal: EUR 980.00\nPayment terms: 14 days\nKind regards",
			want{kind: KindInvoice, number: "1234", amount: "980.00", currency: "EUR", issue: nov3, due: day(2026, 11, 17), terms: true, lang: "en"}},
		{"en net 30", "Invoice INV-5521 from Acme Design", "Hello,\nAttached is invoice INV-5521 dated November 3, 2026.\nInvoice total: £2,400.00\nTerms: Net 30\n",
			want{kind: KindInvoice, number: "INV-5521", amount: "2400.00", currency: "GBP", issue: nov3, due: day(2026, 12, 3), terms: true, lang: "en"}},
		{"en balance due pay by", "Your invoice INV-2026-0100", "Hi,\nBalance due: 3,150.00 USD\nPlease pay by 12/15/2026.\nThank you for your business!",
			want{kind: KindInvoice, number: "INV-2026-0100", amount: "3150.00", currency: "USD", issue: nov3, due: day(2026, 12, 15), lang: "en"}},
		{"en US date order", "Invoice INV-2026-0101", "Invoice date: 11/03/2026\nAmount due: $500.00\nDue date: 12/03/2026",
			want{kind: KindInvoice, number: "INV-2026-0101", amount: "500.00", currency: "USD", issue: nov3, due: day(2026, 12, 3), lang: "en"}},
		{"en UK date order", "Invoice INV-2026-0102", "Invoice date: 03/11/2026\nTotal amount: £500.00\nDue date: 03/12/2026\nThank you",
			want{kind: KindInvoice, number: "INV-2026-0102", amount: "500.00", currency: "GBP", issue: nov3, due: day(2026, 12, 3), lang: "en"}},
		{"en within days", "Invoice INV-77", "Please find invoice INV-77 for the October retainer.\nGrand total: €4,000.00\nPayment is due within 45 days.",
			want{kind: KindInvoice, number: "INV-77", amount: "4000.00", currency: "EUR", issue: nov3, due: day(2026, 12, 18), terms: true, lang: "en"}},
		{"en due on receipt", "Invoice INV-78", "Invoice INV-78\nAmount due: 120.00 EUR\nDue upon receipt.",
			want{kind: KindInvoice, number: "INV-78", amount: "120.00", currency: "EUR", issue: nov3, due: nov3, terms: true, lang: "en"}},
		{"en ordinal date", "Invoice INV-79", "Invoice INV-79 issued on 3rd November 2026\nTotal due: $75\nDue date: December 3rd, 2026",
			want{kind: KindInvoice, number: "INV-79", amount: "75", currency: "USD", issue: nov3, due: day(2026, 12, 3), lang: "en"}},
		{"en missing due", "Invoice INV-80", "Hi, attached invoice INV-80. Amount due: $1,000.00. Thanks!",
			want{kind: KindInvoice, number: "INV-80", amount: "1000.00", currency: "USD", issue: nov3, lang: "en", missing: []string{FieldDueDate}}},
		{"en missing amount", "Invoice INV-81", "Hi, attached is invoice INV-81, due date 2026-12-03.",
			want{kind: KindInvoice, number: "INV-81", issue: nov3, due: day(2026, 12, 3), lang: "en", missing: []string{FieldAmount}}},
		{"fr missing number", "Votre facture", "Bonjour,\nveuillez trouver votre facture de novembre.\nMontant TTC : 300,00 €\nPayable à 30 jours.",
			want{kind: KindInvoice, amount: "300.00", currency: "EUR", issue: nov3, due: day(2026, 12, 3), terms: true, lang: "fr", missing: []string{FieldNumber}}},
		{"fr forwarded re-send", "TR: Facture F-2026-0142", "Bonjour, je vous renvoie la facture F-2026-0142.\nMontant TTC : 1 234,56 €\nÉchéance : 03/12/2026",
			want{kind: KindInvoice, number: "F-2026-0142", amount: "1234.56", currency: "EUR", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
		{"fr devis mentioned in invoice", "Facture F-2026-0180", "Suite à notre devis D-2026-04 accepté, voici la facture F-2026-0180.\nTotal TTC : 6 000,00 €\nÉchéance : 03/12/2026",
			want{kind: KindInvoice, number: "F-2026-0180", amount: "6000.00", currency: "EUR", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
		{"fr acompte deducted", "Facture F-2026-0181", "Total TTC : 6 000,00 €\nAcompte versé : 1 800,00 €\nNet à payer : 4 200,00 €\nÉchéance : 03/12/2026",
			want{kind: KindInvoice, number: "F-2026-0181", amount: "6000.00", currency: "EUR", issue: nov3, due: day(2026, 12, 3), lang: "fr"}},
	}
	if len(tests) < 25 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Detect(sent(tc.subject, tc.body), Options{})
			check(t, r, tc.want)
			if r.Kind != KindNone && r.Source != SourceBody {
				t.Errorf("Source = %q, want body", r.Source)
			}
			if r.Client.Email != "claire@boulangerie-dupont.example" || r.Client.Name != "Claire Dupont" {
				t.Errorf("Client = %+v", r.Client)
			}
		})
	}
}

func TestDetectNearMisses(t *testing.T) {
	tests := []struct {
		name, subject, body string
		header              map[string][]string
		reason              string // substring
	}{
		{"devis", "Devis D-2026-041", "Bonjour,\nVeuillez trouver notre devis D-2026-041 pour la refonte du site.\nMontant TTC : 6 000,00 €\nValable 30 jours.", nil, "quote"},
		{"quote en", "Quote Q-1042 for your website", "Hi,\nhere is the quote you asked for. Total: $4,800.00", nil, "quote"},
		{"estimate", "Estimate #88", "Please find our estimate. Total: $900", nil, "quote"},
		{"proforma", "Facture proforma PF-2026-003", "Facture proforma à régler avant expédition. Montant TTC : 1 500,00 €", nil, "proforma"},
		{"order confirmation", "Confirmation de commande n° 55812", "Merci pour votre commande. Total TTC : 89,90 €", nil, "order confirmation"},
		{"order confirmation en", "Order confirmation #55812", "Thank you for your order. Total: $89.90", nil, "order confirmation"},
		{"own reminder subject", "Relance : facture F-2026-0142", "Bonjour, sauf erreur de notre part...", nil, "our own reminder"},
		{"own rappel", "Rappel - facture F-2026-0142 échue", "Bonjour,\nla facture F-2026-0142 de 1 234,56 € était due le 03/12/2026.", nil, "our own reminder"},
		{"own reminder en", "Payment reminder: invoice INV-2026-0091", "Hi, a friendly reminder...", nil, "our own reminder"},
		{"overdue", "Invoice INV-2026-0091 is overdue", "Hello,\nAmount due: $1,234.56", nil, "our own reminder"},
		{"reminder by body", "Facture F-2026-0142", "Bonjour,\nSauf erreur de notre part, nous n'avons pas encore reçu votre règlement de la facture F-2026-0142.", nil, "our own reminder"},
		{"relance header", "Facture F-2026-0142", "Montant TTC : 1 234,56 €", map[string][]string{"X-Relance-Draft": {"42"}}, "X-Relance-Draft"},
		{"receipt", "Reçu de paiement - facture F-2026-0142", "Nous avons bien reçu votre paiement de 1 234,56 €. Merci !", nil, "receipt"},
		{"facture acquittée", "Facture acquittée F-2026-0142", "Ci-joint la facture acquittée.", nil, "receipt"},
		{"booking confirmation", "Confirmation of Booking with easyHotel", "Your booking is confirmed. Total: €89.00", nil, "order confirmation"},
		{"truck model is not a number", "2008 Ford Super Duty F-350", "Great condition.", nil, reasonNoEvidence},
		{"invoice word, no facts", "Facture", "Bonjour, la facture suit par courrier.", nil, reasonNoFacts},
		{"invoice word en, no facts", "Invoice", "Attached, as discussed.", nil, reasonNoFacts},
		{"plain mail", "Déjeuner jeudi ?", "On se retrouve à 12h30 ?", nil, reasonNoEvidence},
		{"reply in thread", "Re: Facture F-2026-0142", "Bonjour Claire, bien noté, merci pour votre retour.", nil, reasonReply},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := sent(tc.subject, tc.body)
			m.Header = tc.header
			r := Detect(m, Options{})
			if r.Kind != KindNone {
				t.Fatalf("Kind = %q (%s), want not_invoice", r.Kind, r.Reason)
			}
			if !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to mention %q", r.Reason, tc.reason)
			}
		})
	}
}

func TestDetectCreditNoteBody(t *testing.T) {
	tests := []struct {
		name, subject, body string
		want                want
	}{
		{"fr avoir sur facture", "Avoir AV-2026-0003", "Bonjour,\nVeuillez trouver l'avoir AV-2026-0003 sur la facture F-2026-0142.\nMontant TTC : 240,00 €\n",
			want{kind: KindCreditNote, number: "AV-2026-0003", credited: "F-2026-0142", amount: "240.00", currency: "EUR", lang: "fr", missing: []string{FieldDueDate}}},
		{"en credit note", "Credit note CN-0012 for invoice INV-2026-0091", "Hi,\nAttached credit note CN-0012 against invoice INV-2026-0091.\nTotal: $120.00",
			want{kind: KindCreditNote, number: "CN-0012", credited: "INV-2026-0091", amount: "120.00", currency: "USD", lang: "en", missing: []string{FieldDueDate}}},
		{"fr avoir without reference", "Votre avoir n° AV-88", "Montant de l'avoir : 50,00 €",
			want{kind: KindCreditNote, number: "AV-88", amount: "50.00", currency: "EUR", lang: "fr", missing: []string{FieldDueDate}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check(t, Detect(sent(tc.subject, tc.body), Options{}), tc.want)
		})
	}
}

func TestDetectAvoirVerbIsNotCreditNote(t *testing.T) {
	r := Detect(sent("Facture F-2026-0190", "Merci de nous avoir fait confiance.\nTotal TTC : 100,00 €\nÉchéance : 03/12/2026"), Options{})
	if r.Kind != KindInvoice {
		t.Fatalf("Kind = %q (%s)", r.Kind, r.Reason)
	}
}

func TestDetectUBL(t *testing.T) {
	m := sent("Invoice INV-2026-0091", "Please find our invoice attached.", xmlAttachment("INV-2026-0091.xml", readTestdata(t, "ubl-invoice.xml")))
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "INV-2026-0091", amount: "1234.56", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "en"})
	if r.Source != SourceUBL {
		t.Errorf("Source = %q", r.Source)
	}
	wantClient := Party{Name: "Northwind Traders Ltd", Email: "compta@northwind.example", Address: "4 Harbour Street, BS1 4DJ Bristol, GB", VATID: "GB123456789"}
	if r.Client != wantClient {
		t.Errorf("Client = %+v, want %+v", r.Client, wantClient)
	}
	if r.Seller.Name != "Atelier Lumière" || r.Seller.VATID != "FR32123456789" || r.Seller.Email != "factures@studio-martin.example" {
		t.Errorf("Seller = %+v", r.Seller)
	}
}

func TestDetectUBLCreditNote(t *testing.T) {
	m := sent("Avoir AV-2026-0007", "Ci-joint notre avoir.", xmlAttachment("AV-2026-0007.xml", readTestdata(t, "ubl-creditnote.xml")))
	r := Detect(m, Options{})
	check(t, r, want{kind: KindCreditNote, number: "AV-2026-0007", credited: "INV-2026-0091", amount: "120.00", currency: "EUR", issue: day(2026, 11, 20), lang: "fr", missing: []string{FieldDueDate}})
	if r.Client.Email != "compta@northwind.example" {
		t.Errorf("Client = %+v", r.Client)
	}
}

func TestDetectCII(t *testing.T) {
	m := sent("Facture F-2026-0142", "Bonjour, ci-joint la facture.", xmlAttachment("factur-x.xml", readTestdata(t, "cii-invoice.xml")))
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0142", amount: "1234.56", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "fr"})
	if r.Source != SourceCII {
		t.Errorf("Source = %q", r.Source)
	}
	if r.Client.Name != "Boulangerie Dupont & Fils" || r.Client.Email != "claire@boulangerie-dupont.example" || r.Client.VATID != "FR12345678901" {
		t.Errorf("Client = %+v", r.Client)
	}
	if r.Client.Address != "3 cours de l'Intendance, 33000 Bordeaux, FR" {
		t.Errorf("Client.Address = %q", r.Client.Address)
	}
}

func TestDetectFacturX(t *testing.T) {
	xml := readTestdata(t, "cii-invoice.xml")
	pdf := makePDF(t, pdfwrite.Doc{
		Title:       "Facture F-2026-0142",
		Lines:       invoiceLines("F-2026-0142", "1 234,56 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: xml, Relationship: "Data"}},
		PadBytes:    60 << 10,
	})
	// The body deliberately disagrees: the embedded XML is trusted first.
	m := sent("Facture F-2026-0142", "Bonjour, ci-joint la facture. Montant : 999,00 €", pdfAttachment("F-2026-0142.pdf", pdf))
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0142", amount: "1234.56", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "fr"})
	if r.Source != SourceFacturX {
		t.Errorf("Source = %q", r.Source)
	}
	if r.Seller.Name != "Studio Bérénice Martin" || r.Seller.VATID != "FR40303265045" {
		t.Errorf("Seller = %+v", r.Seller)
	}
	if !slices.ContainsFunc(r.Evidence, func(e string) bool { return strings.Contains(e, "factur-x.xml embedded in F-2026-0142.pdf") }) {
		t.Errorf("evidence lacks the embedded file: %q", r.Evidence)
	}
}

func TestDetectFacturXCreditNote(t *testing.T) {
	pdf := makePDF(t, pdfwrite.Doc{
		Lines:       []string{"AVOIR N° AV-2026-0003", "Sur facture F-2026-0142", "Total TTC 240,00 €"},
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: readTestdata(t, "cii-creditnote.xml"), Relationship: "Data"}},
	})
	r := Detect(sent("Avoir AV-2026-0003", "Bonjour, ci-joint notre avoir.", pdfAttachment("AV-2026-0003.pdf", pdf)), Options{})
	check(t, r, want{kind: KindCreditNote, number: "AV-2026-0003", credited: "F-2026-0142", amount: "240.00", currency: "EUR", issue: day(2026, 11, 3), lang: "fr", missing: []string{FieldDueDate}})
}

func TestDetectPDFText(t *testing.T) {
	pdf := makePDF(t, pdfwrite.Doc{Title: "Facture", Lines: invoiceLines("F-2026-0199", "1 234,56 €"), PadBytes: 30 << 10})
	m := sent("Document", "Bonjour,\nvous trouverez le document en pièce jointe.\nBonne journée", pdfAttachment("scan-0042.pdf", pdf))
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0199", amount: "1234.56", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "fr"})
	if r.Source != SourcePDFText {
		t.Errorf("Source = %q", r.Source)
	}
	if r.Client.Name != "Boulangerie Dupont & Fils" || r.Client.Address != "3 cours de l'Intendance, 33000 Bordeaux" {
		t.Errorf("Client = %+v", r.Client)
	}
}

func TestDetectPDFTextFillsBodyGaps(t *testing.T) {
	// The body names the invoice; only the PDF has the amount and due date.
	pdf := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0200", "480,00 €")})
	r := Detect(sent("Facture F-2026-0200", "Bonjour, voici la facture F-2026-0200.", pdfAttachment("F-2026-0200.pdf", pdf)), Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0200", amount: "480.00", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "fr"})
}

func TestDetectUnfetchedPDF(t *testing.T) {
	att := message.Attachment{Filename: "Facture_F-2026-0142.pdf", ContentType: "application/pdf", Size: 81234}
	m := sent("Facture F-2026-0142", "Bonjour, ci-joint notre facture.", att)
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0142", issue: day(2026, 11, 3), lang: "fr", missing: []string{FieldAmount, FieldDueDate}})
	if !NeedsPDF(m) {
		t.Error("NeedsPDF = false with amount and due date unknown")
	}
}

func TestNeedsPDF(t *testing.T) {
	unfetched := message.Attachment{Filename: "facture.pdf", ContentType: "application/pdf", Size: 50000}
	tests := []struct {
		name string
		m    *message.Message
		want bool
	}{
		{"body has everything", sent("Facture F-1-2026", "Facture F-1-2026\nMontant TTC : 10,00 €\nÉchéance : 03/12/2026", unfetched), false},
		{"body lacks due date", sent("Facture F-1-2026", "Montant TTC : 10,00 €", unfetched), true},
		{"no signal at all", sent("Documents", "Ci-joint.", unfetched), true},
		{"quote", sent("Devis D-2026-1", "Ci-joint notre devis.", unfetched), false},
		{"our reminder", sent("Relance facture F-1-2026", "Bonjour", unfetched), false},
		{"pdf already fetched", sent("Facture", "x", pdfAttachment("a.pdf", []byte("%PDF-1.7\n"))), false},
		{"xml gives it all", sent("Facture", "x", unfetched, xmlAttachment("f.xml", readTestdata(t, "cii-invoice.xml"))), false},
		{"too big to fetch", sent("Facture", "x", message.Attachment{Filename: "a.pdf", ContentType: "application/pdf", Truncated: true}), false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NeedsPDF(tc.m); got != tc.want {
				t.Errorf("NeedsPDF = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestKeyResend(t *testing.T) {
	xml := readTestdata(t, "cii-invoice.xml")
	pdf := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0142", "1 234,56 €"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", Data: xml, Relationship: "Data"}}})
	first := Detect(sent("Facture F-2026-0142", "Bonjour, ci-joint la facture.", pdfAttachment("F-2026-0142.pdf", pdf)), Options{})
	resend := sent("TR: Facture F2026-0142", "Bonjour, je vous renvoie la facture F 2026/0142 (montant TTC : 1 234,56 €).")
	resend.From.Email = "berenice@studio-martin.example"
	second := Detect(resend, Options{})
	if Key(first) == "" || Key(first) != Key(second) {
		t.Errorf("Key(first) = %q, Key(resend) = %q; want equal and non-empty", Key(first), Key(second))
	}
	other := Detect(sent("Facture F-2026-0143", "Montant TTC : 1 234,56 €"), Options{})
	if Key(other) == Key(first) {
		t.Errorf("different invoices share Key %q", Key(first))
	}
	elsewhere := sent("Facture F-2026-0142", "Montant TTC : 1 234,56 €")
	elsewhere.From.Email = "billing@another-business.example"
	if Key(Detect(elsewhere, Options{})) == Key(first) {
		t.Error("same number from another seller shares the Key")
	}
	if Key(Result{Kind: KindInvoice}) != "" {
		t.Error("Key without a number should be empty")
	}
	credit := Result{Kind: KindCreditNote, Number: first.Number, Seller: first.Seller}
	if Key(credit) == Key(first) {
		t.Error("credit note shares the Key of the invoice with the same number")
	}
}

func TestDetectClient(t *testing.T) {
	m := sent("Facture F-2026-0201", "Client : SARL Les Jardins d'Émile\n12 avenue Foch\n69006 Lyon\n\nTotal TTC : 10,00 €")
	m.To = []message.Address{{Email: "Compta@Studio-Martin.example"}, {Name: "Émile Roux", Email: "Emile@Jardins-Emile.example"}}
	r := Detect(m, Options{OwnAddresses: []string{"compta@studio-martin.example"}})
	want := Party{Name: "SARL Les Jardins d'Émile", Email: "emile@jardins-emile.example", Address: "12 avenue Foch, 69006 Lyon"}
	if r.Client != want {
		t.Errorf("Client = %+v, want %+v", r.Client, want)
	}
	// Name and address on one line: the name stops before the street.
	one := sent("Invoice INV-2026-0029", "Bill to: Brightwell Studio Inc., 212 Wythe Ave, Brooklyn, NY 11249, USA\n\nAmount due: $3,800.00")
	one.To = []message.Address{{Name: "Maya", Email: "maya@brightwell.example"}}
	if r := Detect(one, Options{}); r.Client.Name != "Brightwell Studio Inc." || r.Client.Address != "212 Wythe Ave, Brooklyn, NY 11249, USA" {
		t.Errorf("one-line block: %+v", r.Client)
	}
	m.To = nil
	r = Detect(m, Options{})
	if !slices.Contains(r.Missing, FieldClient) {
		t.Errorf("Missing = %q, want client", r.Missing)
	}
}

func TestDetectDefaultCurrency(t *testing.T) {
	r := Detect(sent("Facture F-2026-0172", "Montant TTC : 480,00\nÉchéance : 03/12/2026"), Options{DefaultCurrency: "eur"})
	if r.Currency != "EUR" || len(r.Missing) != 0 {
		t.Errorf("Currency = %q, Missing = %q", r.Currency, r.Missing)
	}
}

func TestDetectBrokenAttachments(t *testing.T) {
	m := sent("Facture F-2026-0300", "Montant TTC : 10,00 €\nÉchéance : 03/12/2026",
		pdfAttachment("broken.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length 5 >>\nstream\nxxxxx\nendstream\nendobj\n%%EOF")),
		xmlAttachment("broken.xml", []byte("<Invoice><unclosed>")),
		xmlAttachment("other.xml", []byte(`<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`)),
	)
	r := Detect(m, Options{})
	check(t, r, want{kind: KindInvoice, number: "F-2026-0300", amount: "10.00", currency: "EUR", issue: day(2026, 11, 3), due: day(2026, 12, 3), lang: "fr"})
	if r.Source != SourceBody {
		t.Errorf("Source = %q", r.Source)
	}
}

func TestDetectNil(t *testing.T) {
	if r := Detect(nil, Options{}); r.Kind != KindNone {
		t.Errorf("Detect(nil) = %+v", r)
	}
}
