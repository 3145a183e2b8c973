// Package realdocs holds real invoices made by other software (Factur-X and
// ZUGFeRD PDFs, CII and UBL XML from public sample sets; provenance and
// licences in testdata/LICENSES.txt) and the facts a careful reader finds
// in each, and writes the plain "Votre facture" mail that carries each one,
// for the tests of discovery.
package realdocs

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Doc is one real document, the "Votre facture" mail that carries it, and
// what relance must find in it.
type Doc struct {
	File     string // under testdata/
	Producer string // the software or sample set that made it

	// The mail: From is the seller's own identity (its name as the
	// document gives it, on a domain of its own), To the client's address.
	From, To string

	Kind     string // "invoice" or "credit_note"
	Number   string
	Total    string // total including VAT, as a decimal string
	Payable  string // what is owed: the total less what was prepaid
	Currency string
	Issue    string // YYYY-MM-DD
	Due      string // YYYY-MM-DD; "" when the document gives none
	Client   string // the address reminders go to
	Credits  string // a credit note: the invoice it credits

	// Missing are the facts a human must complete (invoices only: what a
	// credit note lacks is not checked here).
	Missing []string
	// Findings are words each expected self-check finding holds; a
	// document with none must raise none.
	Findings []string
	// Unusable documents cannot be read: only their self-check is checked,
	// not their facts.
	Unusable bool
}

// Clean tells whether the document needs no human: nothing missing, no
// finding.
func (d Doc) Clean() bool { return len(d.Missing) == 0 && len(d.Findings) == 0 && !d.Unusable }

// PDF tells whether the document is a PDF (sent as a PDF attachment); else
// it is XML.
func (d Doc) PDF() bool { return strings.HasSuffix(strings.ToLower(d.File), ".pdf") }

// Name is the file's base name.
func (d Doc) Name() string { return filepath.Base(d.File) }

// Read returns the document's bytes.
func (d Doc) Read() ([]byte, error) {
	return os.ReadFile(filepath.Join(Dir(), filepath.FromSlash(d.File)))
}

// Date is when the mail carrying the document was sent: its issue day at
// 10:00 UTC (15 January 2021 when the document gives none).
func (d Doc) Date() time.Time {
	if t, err := time.Parse(time.DateOnly, d.Issue); err == nil {
		return t.Add(10 * time.Hour)
	}
	return time.Date(2021, 1, 15, 10, 0, 0, 0, time.UTC)
}

// Sender splits From into the seller's name and address.
func (d Doc) Sender() (name, addr string) {
	i := strings.LastIndexByte(d.From, '<')
	if i < 0 {
		return "", strings.TrimSpace(d.From)
	}
	return strings.TrimSpace(d.From[:i]), strings.Trim(d.From[i:], "<> ")
}

// MessageID is the Message-ID of the mail carrying the document (without
// angle brackets), unique to it.
func (d Doc) MessageID() string {
	_, addr := d.Sender()
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, d.Name())
	return "votre-facture-" + slug + "@" + domain
}

// Mail is the plain "Votre facture" mail the seller sent with the document
// attached: a PDF as application/pdf, an XML file as application/xml.
func (d Doc) Mail() ([]byte, error) {
	data, err := d.Read()
	if err != nil {
		return nil, err
	}
	name, addr := d.Sender()
	ctype := "application/xml"
	if d.PDF() {
		ctype = "application/pdf"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: \"%s\" <%s>\r\nTo: %s\r\nSubject: Votre facture\r\nDate: %s\r\nMessage-ID: <%s>\r\n",
		strings.ReplaceAll(name, `"`, ""), addr, d.To, d.Date().Format(time.RFC1123Z), d.MessageID())
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"realdoc-part\"\r\n\r\n")
	b.WriteString("--realdoc-part\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&b, "Bonjour,\r\n\r\nVeuillez trouver ci-joint votre facture.\r\n\r\nCordialement,\r\n%s\r\n", name)
	fmt.Fprintf(&b, "--realdoc-part\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n", ctype, d.Name(), d.Name())
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--realdoc-part--\r\n")
	return []byte(b.String()), nil
}

// Dir is the directory of the documents.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}

// Docs are the documents, in the order a mailbox would hold them. Where two
// rows share a sender and a number they are the same invoice sent twice
// (the second one a re-send), and give the same facts; documents of other
// senders that happen to share a number go to clients of their own.
//
// The facts were read from each document's XML (for a PDF, the XML it
// embeds): number (BT-1), type code, issue date (BT-2), due date (BT-9, else
// the payment terms' text), currency (BT-5), total with VAT (BT-112) and
// amount due for payment (BT-115: the total less the paid amount BT-113).
var Docs = []Doc{
	// FNFE-MPE Factur-X examples: a deposit of 201.00 leaves 470.15 to pay.
	{File: "zugferd-corpus/Facture_FR_BASICWL.pdf", Producer: "FNFE-MPE Factur-X 1.0 example (BASIC WL)",
		From: "Au bon moulin <factures@aubonmoulin.test>", To: "compta@majolieboutique.test",
		Kind: "invoice", Number: "FA-2017-0010", Total: "671.15", Payable: "470.15", Currency: "EUR",
		Issue: "2017-11-13", Due: "2017-12-13", Client: "compta@majolieboutique.test"},
	// MINIMUM profile: no due date in the XML; the PDF writes it
	// "12/03/2017" month first, as its issue date "11/03/2017" is the XML's
	// 3 November.
	{File: "zugferd-corpus/Facture_UE_MINIMUM.pdf", Producer: "FNFE-MPE Factur-X 1.0 example (MINIMUM)",
		From: "Au bon moulin <factures@aubonmoulin.test>", To: "compras@megustaolive.test",
		Kind: "invoice", Number: "FA-2017-0008", Total: "2076.76", Payable: "1453.76", Currency: "EUR",
		Issue: "2017-11-03", Due: "2017-12-03", Client: "compras@megustaolive.test"},
	{File: "zugferd-corpus/Avoir_FR_type381_BASIC.pdf", Producer: "FNFE-MPE Factur-X 1.0 example (BASIC, credit note 381)",
		From: "Au bon moulin <factures@aubonmoulin.test>", To: "compta@majolieboutique.test",
		Kind: "credit_note", Number: "AV-2017-0005", Total: "233.47", Payable: "233.47", Currency: "EUR",
		Issue: "2017-11-16", Due: "2017-11-16", Client: "compta@majolieboutique.test", Credits: "FA-2017-0010"},
	// The same invoice FA-2017-0010 as written by another library: a
	// re-send; its buyer contact e-mail is in the XML.
	{File: "zugferd-corpus/sample_inofficial_20190125_atgp_factur-x_v_1_0.pdf", Producer: "PHP library @gpFacturX",
		From: "Au bon moulin <factures@aubonmoulin.test>", To: "compta@majolieboutique.test",
		Kind: "invoice", Number: "FA-2017-0010", Total: "671.15", Payable: "470.15", Currency: "EUR",
		Issue: "2017-11-13", Due: "2017-12-13", Client: "alexandre.payet@majolieboutique.net"},
	// intarsys: a partial invoice with 50.00 prepaid; the due date only in
	// the terms ("Zahlbar innerhalb 30 Tagen netto bis 04.07.2018, 3% Skonto
	// innerhalb 10 Tagen bis 15.06.2018").
	{File: "zugferd-corpus/zugferd_2p0_EN16931_1_Teilrechnung.pdf", Producer: "ZUGFeRD 2.0 example, intarsys (EN 16931)",
		From: "Lieferant GmbH <rechnung@lieferant.test>", To: "einkauf@kunden-ag.test",
		Kind: "invoice", Number: "471102", Total: "197.65", Payable: "147.65", Currency: "EUR",
		Issue: "2018-06-05", Due: "2018-07-04", Client: "einkauf@kunden-ag.test"},
	// The same invoice converted to UBL: a re-send.
	{File: "zugferd-corpus/EN16931_1_Teilrechnung.ubl.xml", Producer: "ZUGFeRD 2.2 example converted to UBL by Mustang",
		From: "Lieferant GmbH <rechnung@lieferant.test>", To: "einkauf@kunden-ag.test",
		Kind: "invoice", Number: "471102", Total: "197.65", Payable: "147.65", Currency: "EUR",
		Issue: "2018-06-05", Due: "2018-07-04", Client: "einkauf@kunden-ag.test"},
	// GBP, 500 prepaid; the buyer's electronic address is a Leitweg-ID
	// (URIID schemeID="9958"), not an e-mail address.
	{File: "zugferd-corpus/zugferd_2p0_EXTENDED_Fremdwaehrung.pdf", Producer: "ZUGFeRD 2.0 example, intarsys (EXTENDED)",
		From: "Rohstoff AG Salzgitter <rechnung@rohstoff-salzgitter.test>", To: "einkauf@metallbau-leipzig.test",
		Kind: "invoice", Number: "47110815", Total: "1021.91", Payable: "521.91", Currency: "GBP",
		Issue: "2018-10-31", Due: "2018-11-20", Client: "einkauf@metallbau-leipzig.test"},
	// A hire invoice (type 387) paid by card: no due date.
	{File: "zugferd-corpus/zugferd_2p0_EN16931_Miete.pdf", Producer: "ZUGFeRD 2.0 example, intarsys (EN 16931, hire invoice 387)",
		From: "MUSTER-Autovermietung <rechnung@muster-autovermietung.test>", To: "buchhaltung@muster-kunde.test",
		Kind: "invoice", Number: "9314110911/00/M/00/N", Total: "340.96", Payable: "340.96", Currency: "EUR",
		Issue: "2018-10-01", Client: "buchhaltung@muster-kunde.test", Missing: []string{"due_date"}},
	// The same bill in UBL, its buyer EndpointID a Leitweg-ID (9958): a
	// re-send.
	{File: "zugferd-corpus/EN16931_RechnungsUebertragung.ubl.xml", Producer: "ZUGFeRD 2.2 example converted to UBL by Mustang",
		From: "MUSTER-Autovermietung <rechnung@muster-autovermietung.test>", To: "buchhaltung@muster-kunde.test",
		Kind: "invoice", Number: "9314110911/00/M/00/N", Total: "340.96", Payable: "340.96", Currency: "EUR",
		Issue: "2018-10-01", Client: "buchhaltung@muster-kunde.test", Missing: []string{"due_date"}},
	// A corrective invoice (384) with a negative total: a credit of 8.79.
	{File: "zugferd-corpus/zugferd_2p0_EN16931_Rechnungskorrektur.pdf", Producer: "ZUGFeRD 2.0 example, intarsys (EN 16931, corrective invoice 384)",
		From: "MUSTERLIEFERANT GMBH <rechnung@musterlieferant.test>", To: "buchhaltung@muster-kunde.test",
		Kind: "credit_note", Number: "RK21012345", Total: "8.79", Payable: "8.79", Currency: "EUR",
		Issue: "2018-09-16", Client: "buchhaltung@muster-kunde.test"},
	{File: "zugferd-corpus/zugferd_2p0_BASIC_Taxifahrt.pdf", Producer: "ZUGFeRD 2.0 example, intarsys (BASIC)",
		From: "Taxiunternehmen TX GmbH <rechnung@taxi-tx.test>", To: "reise@taxi-gast.test",
		Kind: "invoice", Number: "TX-471102", Total: "18.08", Payable: "18.08", Currency: "EUR",
		Issue: "2018-10-30", Due: "2018-11-29", Client: "reise@taxi-gast.test"},
	{File: "zugferd-corpus/MustangGnuaccountingBeispielRE-20201121_508.pdf", Producer: "GnuAccounting with Mustang (Factur-X)",
		From: "Bei Spiel GmbH <rechnung@beispiel-gmbh.test>", To: "theodor.est@spielkreis.test",
		Kind: "invoice", Number: "RE-20201121/508", Total: "571.04", Payable: "571.04", Currency: "EUR",
		Issue: "2020-11-21", Due: "2020-12-12", Client: "theodor.est@spielkreis.test"},
	// Its XML is invoice 508, but the PDF shows invoice RE-20190610/507:
	// the XML wins and the disagreement is a finding.
	{File: "zugferd-corpus/MustangGnuaccountingBeispielRE-20201121_508_withBOM.pdf", Producer: "GnuAccounting with Mustang (Factur-X, XML with a BOM)",
		From: "Bei Spiel GmbH <rechnung@beispiel-gmbh.test>", To: "theodor.est@spielkreis.test",
		Kind: "invoice", Number: "RE-20201121/508", Total: "571.04", Payable: "571.04", Currency: "EUR",
		Issue: "2020-11-21", Due: "2020-12-12", Client: "theodor.est@spielkreis.test",
		Findings: []string{"the PDF text names invoice RE-20190610/507"}},
	// ZUGFeRD 1.0.
	{File: "zugferd-corpus/acme_invoice-42_ZUGFeRD.pdf", Producer: "Konik library (ZUGFeRD 1.0)",
		From: "Seller Inc. <billing@seller-inc.test>", To: "ap@buyer-inc.test",
		Kind: "invoice", Number: "20131122-42", Total: "119", Payable: "119", Currency: "EUR",
		Issue: "2014-11-08", Client: "ap@buyer-inc.test", Missing: []string{"due_date"}},
	{File: "zugferd-corpus/ZUGFeRD_1p0_COMFORT_Rabatte.pdf", Producer: "ZUGFeRD 1.0 example, intarsys (COMFORT)",
		From: "Lieferant GmbH <rechnung@lieferant-zf1.test>", To: "einkauf@kunden-ag-zf1.test",
		Kind: "invoice", Number: "471102", Total: "215.14", Payable: "165.14", Currency: "EUR",
		Issue: "2013-06-05", Due: "2013-07-04", Client: "einkauf@kunden-ag-zf1.test"},
	// 1059.74 prepaid on a total of 529.87: the client is owed 529.87.
	{File: "zugferd-corpus/EN16931_Einfach_negativePaymentDue.pdf", Producer: "ZUGFeRD 2.2 example (EN 16931)",
		From: "Lieferant GmbH <rechnung@lieferant-fx.test>", To: "einkauf@kunden-ag-fx.test",
		Kind: "invoice", Number: "471102", Total: "529.87", Payable: "-529.87", Currency: "EUR",
		Issue: "2018-03-05", Client: "einkauf@kunden-ag-fx.test", Missing: []string{"due_date"},
		Findings: []string{"nothing is owed"}},
	// The embedded XML declares an encoding it is not written in.
	{File: "zugferd-corpus/factur-x-invalid-xml-encoding-attribute.pdf", Producer: "Mustang test file (XML with a wrong encoding declaration)",
		From: "Bei Spiel GmbH <rechnung@beispiel-encoding.test>", To: "theodor.est@spielkreis.test",
		Kind: "invoice", Client: "theodor.est@spielkreis.test", Unusable: true,
		Findings: []string{"could not be read"}},
	// A payment valuation (type 204), "Zahlbar sofort rein netto".
	{File: "zugferd-corpus/EN16931_Elektron.cii.xml", Producer: "ZUGFeRD 2.2 example (EN 16931, type 204)",
		From: "ELEKTRON Industrieservice GmbH <rechnung@elektron.test>", To: "einkauf@consultingservice.test",
		Kind: "invoice", Number: "181301674", Total: "300", Payable: "300", Currency: "EUR",
		Issue: "2018-04-25", Due: "2018-04-25", Client: "einkauf@consultingservice.test"},
	// The buyer's EM address holds the words "Buyer electronic address";
	// the contact's e-mail is used and the field is a finding.
	{File: "zugferd-corpus/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.cii.xml", Producer: "EeISI test file (CEN full model)",
		From: "Seller name <seller@eeisi-seller.test>", To: "ap@eeisi-buyer.test",
		Kind: "invoice", Number: "Test_EeISI_100", Total: "205", Payable: "205", Currency: "EUR",
		Issue: "2018-11-12", Due: "2018-11-30", Client: "buyer@contact.ie",
		Findings: []string{`"Buyer electronic address" is not a usable e-mail address`}},
	{File: "zugferd-corpus/ubl-tc434-creditnote1.xml", Producer: "CEN TC 434 UBL credit note example",
		From: "My Supplier Company N.V. <invoice@mysupplier.test>", To: "ap@mycustomer.test",
		Kind: "credit_note", Number: "018304 / 28865", Total: "100.11", Payable: "100.11", Currency: "EUR",
		Issue: "2019-09-23", Client: "pete.smith@mycustomercompany.be"},
	// CHF; the due date only in the terms ("Zahlbar ohne Abzug bis
	// 22.12.2020").
	{File: "zugferd-corpus/testout-ZF2PushChargesAllowances.xml", Producer: "Mustang library (ZUGFeRD 2, CII)",
		From: "Test company <invoice@testcompany.test>", To: "franz.mueller@kunde.test",
		Kind: "invoice", Number: "123", Total: "11.07", Payable: "11.07", Currency: "CHF",
		Issue: "2020-12-22", Due: "2020-12-22", Client: "franz.mueller@kunde.test"},
	{File: "zugferd-corpus/testout-ZF2PushCreditNote.xml", Producer: "Mustang library (ZUGFeRD 2, CII credit note 381)",
		From: "Test company <invoice@testcompany.test>", To: "franz.mueller@kunde.test",
		Kind: "credit_note", Number: "123", Total: "3.57", Payable: "3.57", Currency: "EUR",
		Issue: "2020-12-22", Due: "2020-12-22", Client: "franz.mueller@kunde.test"},
	// A deposit ("Abschlag") of 50.00 on 64.74.
	{File: "zugferd-corpus/ZUGFeRD-invoice_rabatte_3_abschlag_duepayableamount.xml", Producer: "DATAflor (ZUGFeRD 2, CII)",
		From: "DATAflor Musterbetrieb <rechnung@dataflor.test>", To: "thomas.adler@kunde.test",
		Kind: "invoice", Number: "ST-1499", Total: "64.74", Payable: "14.74", Currency: "EUR",
		Issue: "2019-07-26", Client: "thomas.adler@kunde.test", Missing: []string{"due_date"}},
	// KoSIT XRechnung test suite.
	{File: "xrechnung-testsuite/01.07a-INVOICE_uncefact.xml", Producer: "KoSIT XRechnung test suite (CII)",
		From: "Seller <rechnung@kosit-seller.test>", To: "ap@kosit-buyer.test",
		Kind: "invoice", Number: "R1234567", Total: "45.22", Payable: "45.22", Currency: "EUR",
		Issue: "2016-06-30", Due: "2016-08-14", Client: "buyer@info.de"},
	// 10000.0 prepaid; "Zahlbar innerhalb 14 Tagen nach Erhalt der
	// Rechnung": due 14 days after issue.
	{File: "xrechnung-testsuite/04.01a-INVOICE_ubl.xml", Producer: "KoSIT XRechnung test suite (UBL)",
		From: "M. Meier <rechnung@meier.test>", To: "ap@beispielkunde.test",
		Kind: "invoice", Number: "12345", Total: "14918.84", Payable: "4918.84", Currency: "EUR",
		Issue: "2019-05-15", Due: "2019-05-29", Client: "buyer@info.de"},
	// Micropolis ZUGFeRD portal: one invoice as Factur-X, then as XML (a
	// re-send), then three copies with deliberate errors.
	{File: "micropolis/valid-zugferd-validPdfA3b.pdf", Producer: "Micropolis ZUGFeRD portal web app (Factur-X)",
		From: "Muster Firma <rechnung@musterfirma.test>", To: "einkauf@musterkunde.test",
		Kind: "invoice", Number: "RE-12345", Total: "1558.00", Payable: "1558.00", Currency: "EUR",
		Issue: "2000-04-02", Due: "2000-04-08", Client: "einkauf@musterkunde.test"},
	{File: "micropolis/valid-en16931.xml", Producer: "Micropolis ZUGFeRD portal web app (CII)",
		From: "Muster Firma <rechnung@musterfirma.test>", To: "einkauf@musterkunde.test",
		Kind: "invoice", Number: "RE-12345", Total: "1558.00", Payable: "1558.00", Currency: "EUR",
		Issue: "2000-04-02", Due: "2000-04-08", Client: "einkauf@musterkunde.test"},
	{File: "micropolis/invalid-currencyCodeMissing-en16931.xml", Producer: "Micropolis test file (no currency)",
		From: "Muster Firma <rechnung@musterfirma-currency.test>", To: "einkauf@musterkunde-currency.test",
		Kind: "invoice", Number: "RE-12345", Total: "1558.00", Payable: "1558.00", Currency: "EUR",
		Issue: "2000-04-02", Due: "2000-04-08", Client: "einkauf@musterkunde-currency.test",
		Findings: []string{"states no currency"}},
	{File: "micropolis/invalid-damagedXml-en16931.xml", Producer: "Micropolis test file (damaged XML)",
		From: "Muster Firma <rechnung@musterfirma-damaged.test>", To: "einkauf@musterkunde-damaged.test",
		Kind: "invoice", Client: "einkauf@musterkunde-damaged.test", Unusable: true,
		Findings: []string{"could not be read"}},
	{File: "micropolis/invalid-noMonetarySummation-en16931.xml", Producer: "Micropolis test file (no totals)",
		From: "Muster Firma <rechnung@musterfirma-nototals.test>", To: "einkauf@musterkunde-nototals.test",
		Kind: "invoice", Number: "RE-12345", Issue: "2000-04-02", Due: "2000-04-08", Client: "einkauf@musterkunde-nototals.test",
		Missing: []string{"amount"}},
	// OASIS UBL 2.1 examples: 1000 prepaid on 1729; the buyer's endpoint
	// is a GLN.
	{File: "oasis-ubl/UBL-Invoice-2.1-Example.xml", Producer: "OASIS UBL 2.1 example",
		From: "Salescompany ltd. <invoice@salescompany.test>", To: "ap@buyercompany.test",
		Kind: "invoice", Number: "TOSL108", Total: "1729", Payable: "729", Currency: "EUR",
		Issue: "2009-12-15", Due: "2009-12-31", Client: "john@buyercompany.eu"},
	{File: "oasis-ubl/UBL-CreditNote-2.1-Example.xml", Producer: "OASIS UBL 2.1 example (credit note)",
		From: "Salescompany ltd. <invoice@salescompany.test>", To: "ap@buyercompany.test",
		Kind: "credit_note", Number: "TOSL108", Total: "1729", Payable: "1729", Currency: "EUR",
		Issue: "2009-12-15", Client: "john@buyercompany.eu"},
}
