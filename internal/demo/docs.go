package demo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/relance/relance/internal/invoice/pdfwrite"
)

// The documents attached to the sample mails: invoice PDFs with their text,
// Factur-X PDFs carrying CII XML, and UBL 2.1 XML.

// pdfFor renders a document as PDF; embedCII makes it a Factur-X PDF.
func pdfFor(d *doc, embedCII bool) ([]byte, error) {
	var files []pdfwrite.File
	if embedCII {
		files = []pdfwrite.File{{
			Name:         "factur-x.xml",
			MIME:         "text/xml",
			Data:         ciiXML(d),
			Relationship: "Alternative",
		}}
	}
	return writePDF(docTitle(d), pdfLines(d), padBytes(d.number), files...)
}

func writePDF(title string, lines []string, pad int, files ...pdfwrite.File) ([]byte, error) {
	var b bytes.Buffer
	err := pdfwrite.Write(&b, pdfwrite.Doc{Title: title, Lines: lines, Attachments: files, PadBytes: pad})
	if err != nil {
		return nil, fmt.Errorf("demo: PDF %q: %w", title, err)
	}
	return b.Bytes(), nil
}

// padBytes gives each PDF the weight of a letterhead logo, 24 to 47 KiB.
func padBytes(label string) int {
	n, _ := strconv.ParseUint(digest("pad/" + label)[:4], 16, 32)
	return (24 + int(n%24)) << 10
}

func docTitle(d *doc) string {
	switch {
	case d.kind == kindQuote:
		return "Devis " + d.number
	case d.kind == kindCreditNote:
		return "Avoir " + d.number
	case d.client.lang == "en":
		return "Invoice " + d.number
	default:
		return "Facture " + d.number
	}
}

// pdfLines is the printed document, line by line.
func pdfLines(d *doc) []string {
	if d.client.lang == "en" {
		return pdfLinesEN(d)
	}
	net, vat, gross := d.totals()
	money := func(c int64) string { return frMoney(c, d.currency, " ") }
	ls := []string{
		"ATELIER MOREAU - " + firmTagline,
		firmStreet + ", " + firmCity + " - " + firmPhone + " - " + firmWeb,
		"SIRET " + firmSIRET + " - TVA intracommunautaire " + firmVAT,
		"",
	}
	switch d.kind {
	case kindQuote:
		ls = append(ls, "DEVIS N° "+d.number,
			"Date : "+frDate(d.issue),
			"Valable jusqu'au : "+frDate(d.due))
	case kindCreditNote:
		ls = append(ls, "AVOIR N° "+d.number,
			"Date : "+frDate(d.issue),
			"Avoir sur la facture "+d.ref.number+" du "+frDate(d.ref.issue))
	default:
		ls = append(ls, "FACTURE N° "+d.number,
			"Date de facture : "+frDate(d.issue))
		if d.onReceipt {
			ls = append(ls, "Échéance : paiement à réception")
		} else {
			ls = append(ls, "Date d'échéance : "+frDate(d.due))
		}
	}
	ls = append(ls, "", "Client :", d.client.name)
	ls = append(ls, d.client.address...)
	if d.client.vatID != "" {
		ls = append(ls, "N° TVA : "+d.client.vatID)
	}
	if d.po != "" {
		ls = append(ls, "Votre commande : "+d.po)
	}
	ls = append(ls, "", "Désignation | Quantité | Prix unitaire HT | Total HT")
	for _, it := range d.items {
		ls = append(ls, fmt.Sprintf("%s | %s %s | %s | %s", it.desc, qtyString(it.qty, ","), it.unit,
			money(it.price), money(it.total())))
	}
	rate := qtyString(d.vatPermille*10, ",")
	ls = append(ls, "",
		"Total HT : "+money(net),
		"TVA "+rate+" % : "+money(vat),
		"Total TTC : "+money(gross))
	switch d.kind {
	case kindQuote:
		ls = append(ls, "", "Acompte de 30 % à la commande, solde à la livraison.",
			"Bon pour accord (date, signature et cachet) :")
	case kindCreditNote:
		ls = append(ls, "Montant de l'avoir, à déduire du solde de la facture "+d.ref.number+" : "+money(gross))
	default:
		ls = append(ls, "Net à payer : "+money(gross), "", "Conditions de règlement : "+termsFR(d)+", par virement.")
	}
	ls = append(ls, "IBAN "+firmIBAN+" - BIC "+firmBIC)
	if d.kind == kindInvoice && d.client.business {
		ls = append(ls,
			"En cas de retard de paiement : pénalités au taux de trois fois le taux d'intérêt légal",
			"et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5",
			"du Code de commerce). Pas d'escompte pour paiement anticipé.")
	}
	return append(ls, "", firmLegal+" - RCS Lyon "+firmSIRET[:11])
}

func pdfLinesEN(d *doc) []string {
	net, vat, gross := d.totals()
	money := func(c int64) string { return enMoney(c, d.currency) }
	date := ukDate
	if d.client.key == "brightwell" {
		date = usDate
	}
	ls := []string{
		"ATELIER MOREAU - Design & carpentry",
		firmStreet + ", " + firmCity + ", France - " + firmPhoneIntl + " - " + firmWeb,
		"SIRET " + firmSIRET + " - VAT " + firmVAT,
		"",
		"INVOICE No. " + d.number,
		"Invoice date: " + date(d.issue),
		"Due date: " + date(d.due),
		"",
		"Bill to:", d.client.name,
	}
	ls = append(ls, d.client.address...)
	if d.client.vatID != "" {
		ls = append(ls, "VAT number: "+d.client.vatID)
	}
	if d.po != "" {
		ls = append(ls, "Your PO: "+d.po)
	}
	ls = append(ls, "", "Description | Qty | Unit price | Amount")
	for _, it := range d.items {
		ls = append(ls, fmt.Sprintf("%s | %s | %s | %s", it.desc, qtyString(it.qty, "."), money(it.price), money(it.total())))
	}
	ls = append(ls, "", "Subtotal: "+money(net))
	if d.vatNote != "" {
		ls = append(ls, "VAT 0%: "+money(vat)+" - "+d.vatNote)
	} else {
		ls = append(ls, "VAT: "+money(vat))
	}
	ls = append(ls, "Total: "+money(gross), "Amount due: "+money(gross), "",
		"Payment terms: "+termsEN(d)+", by bank transfer.",
		"IBAN "+firmIBAN+" - BIC/SWIFT "+firmBIC,
		"Please quote the invoice number as payment reference.",
		"Late payment: interest at three times the French legal rate and a fixed EUR 40",
		"recovery fee (French Commercial Code, art. L441-10).",
		"", firmLegal+" - RCS Lyon")
	return ls
}

func termsFR(d *doc) string {
	switch {
	case d.onReceipt:
		return "paiement à réception de facture"
	case d.endOfMonth:
		return fmt.Sprintf("%d jours fin de mois", d.termsDays)
	default:
		return fmt.Sprintf("%d jours date de facture", d.termsDays)
	}
}

func termsEN(d *doc) string {
	if d.onReceipt {
		return "due on receipt"
	}
	return fmt.Sprintf("%d days net", d.termsDays)
}

// xw writes indented XML by hand: element order matters to the CII and UBL
// schemas, and a struct tree for each would be larger than the documents.
type xw struct {
	b     bytes.Buffer
	depth int
}

func (w *xw) indent() { w.b.WriteString(strings.Repeat("  ", w.depth)) }

func (w *xw) open(tag string, attrs ...string) {
	w.indent()
	w.b.WriteString("<" + tag + attrString(attrs) + ">\n")
	w.depth++
}

func (w *xw) close(tag string) {
	w.depth--
	w.indent()
	w.b.WriteString("</" + tag + ">\n")
}

func (w *xw) leaf(tag, text string, attrs ...string) {
	w.indent()
	w.b.WriteString("<" + tag + attrString(attrs) + ">")
	xml.EscapeText(&w.b, []byte(text)) // a bytes.Buffer cannot fail
	w.b.WriteString("</" + tag + ">\n")
}

func attrString(kv []string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		var v bytes.Buffer
		xml.EscapeText(&v, []byte(kv[i+1]))
		b.WriteString(" " + kv[i] + `="` + v.String() + `"`)
	}
	return b.String()
}

// postal splits an address into street lines, postcode, city and country.
func postal(address []string) (street []string, postcode, city, country string) {
	country = "FR"
	lines := append([]string(nil), address...)
	if n := len(lines); n > 0 {
		switch lines[n-1] {
		case "United Kingdom":
			country, lines = "GB", lines[:n-1]
		case "Germany":
			country, lines = "DE", lines[:n-1]
		case "USA":
			country, lines = "US", lines[:n-1]
		}
	}
	if n := len(lines); n > 0 {
		last := lines[n-1]
		if sp := strings.IndexByte(last, ' '); sp > 0 && last[0] >= '0' && last[0] <= '9' {
			postcode, city = last[:sp], last[sp+1:]
		} else {
			city = last
		}
		street = lines[:n-1]
	}
	return street, postcode, city, country
}

func unitCode(unit string) string {
	switch unit {
	case "m²":
		return "MTK"
	case "ml":
		return "MTR"
	case "forfait":
		return "LS"
	default:
		return "C62"
	}
}

// ciiXML is the Factur-X (EN 16931 profile) CrossIndustryInvoice of d.
func ciiXML(d *doc) []byte {
	net, vat, gross := d.totals()
	rate := plainAmount(d.vatPermille * 10)
	w := &xw{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("rsm:CrossIndustryInvoice",
		"xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
		"xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
		"xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
		"xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100")
	w.open("rsm:ExchangedDocumentContext")
	w.open("ram:GuidelineSpecifiedDocumentContextParameter")
	w.leaf("ram:ID", "urn:cen.eu:en16931:2017")
	w.close("ram:GuidelineSpecifiedDocumentContextParameter")
	w.close("rsm:ExchangedDocumentContext")

	w.open("rsm:ExchangedDocument")
	w.leaf("ram:ID", d.number)
	typeCode := "380"
	if d.kind == kindCreditNote {
		typeCode = "381"
	}
	w.leaf("ram:TypeCode", typeCode)
	w.open("ram:IssueDateTime")
	w.leaf("udt:DateTimeString", ciiDate(d.issue), "format", "102")
	w.close("ram:IssueDateTime")
	w.close("rsm:ExchangedDocument")

	w.open("rsm:SupplyChainTradeTransaction")
	for i, it := range d.items {
		w.open("ram:IncludedSupplyChainTradeLineItem")
		w.open("ram:AssociatedDocumentLineDocument")
		w.leaf("ram:LineID", strconv.Itoa(i+1))
		w.close("ram:AssociatedDocumentLineDocument")
		w.open("ram:SpecifiedTradeProduct")
		w.leaf("ram:Name", it.desc)
		w.close("ram:SpecifiedTradeProduct")
		w.open("ram:SpecifiedLineTradeAgreement")
		w.open("ram:NetPriceProductTradePrice")
		w.leaf("ram:ChargeAmount", plainAmount(it.price))
		w.close("ram:NetPriceProductTradePrice")
		w.close("ram:SpecifiedLineTradeAgreement")
		w.open("ram:SpecifiedLineTradeDelivery")
		w.leaf("ram:BilledQuantity", qtyString(it.qty, "."), "unitCode", unitCode(it.unit))
		w.close("ram:SpecifiedLineTradeDelivery")
		w.open("ram:SpecifiedLineTradeSettlement")
		w.open("ram:ApplicableTradeTax")
		w.leaf("ram:TypeCode", "VAT")
		w.leaf("ram:CategoryCode", "S")
		w.leaf("ram:RateApplicablePercent", rate)
		w.close("ram:ApplicableTradeTax")
		w.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
		w.leaf("ram:LineTotalAmount", plainAmount(it.total()))
		w.close("ram:SpecifiedTradeSettlementLineMonetarySummation")
		w.close("ram:SpecifiedLineTradeSettlement")
		w.close("ram:IncludedSupplyChainTradeLineItem")
	}

	w.open("ram:ApplicableHeaderTradeAgreement")
	if d.po != "" {
		w.leaf("ram:BuyerReference", d.po)
	}
	w.open("ram:SellerTradeParty")
	w.leaf("ram:Name", firmName)
	w.open("ram:SpecifiedLegalOrganization")
	w.leaf("ram:ID", strings.ReplaceAll(firmSIRET[:11], " ", ""), "schemeID", "0002")
	w.close("ram:SpecifiedLegalOrganization")
	ciiAddress(w, []string{firmStreet, firmCity})
	w.open("ram:URIUniversalCommunication")
	w.leaf("ram:URIID", firm().email, "schemeID", "EM")
	w.close("ram:URIUniversalCommunication")
	w.open("ram:SpecifiedTaxRegistration")
	w.leaf("ram:ID", firmVAT, "schemeID", "VA")
	w.close("ram:SpecifiedTaxRegistration")
	w.close("ram:SellerTradeParty")
	w.open("ram:BuyerTradeParty")
	w.leaf("ram:Name", d.client.name)
	ciiAddress(w, d.client.address)
	w.open("ram:URIUniversalCommunication")
	w.leaf("ram:URIID", d.client.contact.email, "schemeID", "EM")
	w.close("ram:URIUniversalCommunication")
	if d.client.vatID != "" {
		w.open("ram:SpecifiedTaxRegistration")
		w.leaf("ram:ID", d.client.vatID, "schemeID", "VA")
		w.close("ram:SpecifiedTaxRegistration")
	}
	w.close("ram:BuyerTradeParty")
	w.close("ram:ApplicableHeaderTradeAgreement")

	w.open("ram:ApplicableHeaderTradeDelivery")
	w.open("ram:ActualDeliverySupplyChainEvent")
	w.open("ram:OccurrenceDateTime")
	w.leaf("udt:DateTimeString", ciiDate(d.issue), "format", "102")
	w.close("ram:OccurrenceDateTime")
	w.close("ram:ActualDeliverySupplyChainEvent")
	w.close("ram:ApplicableHeaderTradeDelivery")

	w.open("ram:ApplicableHeaderTradeSettlement")
	w.leaf("ram:PaymentReference", d.number)
	w.leaf("ram:InvoiceCurrencyCode", d.currency)
	w.open("ram:SpecifiedTradeSettlementPaymentMeans")
	w.leaf("ram:TypeCode", "58")
	w.open("ram:PayeePartyCreditorFinancialAccount")
	w.leaf("ram:IBANID", strings.ReplaceAll(firmIBAN, " ", ""))
	w.close("ram:PayeePartyCreditorFinancialAccount")
	w.close("ram:SpecifiedTradeSettlementPaymentMeans")
	w.open("ram:ApplicableTradeTax")
	w.leaf("ram:CalculatedAmount", plainAmount(vat))
	w.leaf("ram:TypeCode", "VAT")
	w.leaf("ram:BasisAmount", plainAmount(net))
	w.leaf("ram:CategoryCode", "S")
	w.leaf("ram:RateApplicablePercent", rate)
	w.close("ram:ApplicableTradeTax")
	w.open("ram:SpecifiedTradePaymentTerms")
	w.leaf("ram:Description", termsFR(d))
	if d.kind == kindInvoice {
		w.open("ram:DueDateDateTime")
		w.leaf("udt:DateTimeString", ciiDate(d.due), "format", "102")
		w.close("ram:DueDateDateTime")
	}
	w.close("ram:SpecifiedTradePaymentTerms")
	w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
	w.leaf("ram:LineTotalAmount", plainAmount(net))
	w.leaf("ram:TaxBasisTotalAmount", plainAmount(net))
	w.leaf("ram:TaxTotalAmount", plainAmount(vat), "currencyID", d.currency)
	w.leaf("ram:GrandTotalAmount", plainAmount(gross))
	w.leaf("ram:DuePayableAmount", plainAmount(gross))
	w.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
	if d.ref != nil {
		w.open("ram:InvoiceReferencedDocument")
		w.leaf("ram:IssuerAssignedID", d.ref.number)
		w.close("ram:InvoiceReferencedDocument")
	}
	w.close("ram:ApplicableHeaderTradeSettlement")
	w.close("rsm:SupplyChainTradeTransaction")
	w.close("rsm:CrossIndustryInvoice")
	return w.b.Bytes()
}

func ciiAddress(w *xw, address []string) {
	street, postcode, city, country := postal(address)
	w.open("ram:PostalTradeAddress")
	if postcode != "" {
		w.leaf("ram:PostcodeCode", postcode)
	}
	for i, s := range street {
		if i >= 3 {
			break
		}
		w.leaf([]string{"ram:LineOne", "ram:LineTwo", "ram:LineThree"}[i], s)
	}
	w.leaf("ram:CityName", city)
	w.leaf("ram:CountryID", country)
	w.close("ram:PostalTradeAddress")
}

// ublXML is the UBL 2.1 Invoice of d (EN 16931 customization), for a client
// outside France: no VAT, category K (intra-community supply).
func ublXML(d *doc) []byte {
	net, vat, gross := d.totals()
	cur := d.currency
	w := &xw{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("Invoice",
		"xmlns", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
		"xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
		"xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2")
	w.leaf("cbc:UBLVersionID", "2.1")
	w.leaf("cbc:CustomizationID", "urn:cen.eu:en16931:2017")
	w.leaf("cbc:ID", d.number)
	w.leaf("cbc:IssueDate", isoDate(d.issue))
	w.leaf("cbc:DueDate", isoDate(d.due))
	w.leaf("cbc:InvoiceTypeCode", "380")
	if d.vatNote != "" {
		w.leaf("cbc:Note", d.vatNote)
	}
	w.leaf("cbc:DocumentCurrencyCode", cur)
	w.leaf("cbc:BuyerReference", d.client.contact.name)
	if d.po != "" {
		w.open("cac:OrderReference")
		w.leaf("cbc:ID", d.po)
		w.close("cac:OrderReference")
	}

	w.open("cac:AccountingSupplierParty")
	w.open("cac:Party")
	w.leaf("cbc:EndpointID", firm().email, "schemeID", "EM")
	w.open("cac:PartyName")
	w.leaf("cbc:Name", firmName)
	w.close("cac:PartyName")
	ublAddress(w, []string{firmStreet, firmCity})
	ublTaxScheme(w, firmVAT)
	w.open("cac:PartyLegalEntity")
	w.leaf("cbc:RegistrationName", "Atelier Moreau SARL")
	w.leaf("cbc:CompanyID", strings.ReplaceAll(firmSIRET[:11], " ", ""), "schemeID", "0002")
	w.close("cac:PartyLegalEntity")
	w.open("cac:Contact")
	w.leaf("cbc:Name", ownerName)
	w.leaf("cbc:Telephone", firmPhoneIntl)
	w.leaf("cbc:ElectronicMail", firm().email)
	w.close("cac:Contact")
	w.close("cac:Party")
	w.close("cac:AccountingSupplierParty")

	w.open("cac:AccountingCustomerParty")
	w.open("cac:Party")
	w.leaf("cbc:EndpointID", d.client.contact.email, "schemeID", "EM")
	w.open("cac:PartyName")
	w.leaf("cbc:Name", d.client.name)
	w.close("cac:PartyName")
	ublAddress(w, d.client.address)
	if d.client.vatID != "" {
		ublTaxScheme(w, d.client.vatID)
	}
	w.open("cac:PartyLegalEntity")
	w.leaf("cbc:RegistrationName", d.client.name)
	w.close("cac:PartyLegalEntity")
	w.close("cac:Party")
	w.close("cac:AccountingCustomerParty")

	w.open("cac:Delivery")
	w.leaf("cbc:ActualDeliveryDate", isoDate(d.issue))
	w.close("cac:Delivery")

	w.open("cac:PaymentMeans")
	w.leaf("cbc:PaymentMeansCode", "58")
	w.leaf("cbc:PaymentID", d.number)
	w.open("cac:PayeeFinancialAccount")
	w.leaf("cbc:ID", strings.ReplaceAll(firmIBAN, " ", ""))
	w.leaf("cbc:Name", firmName)
	w.open("cac:FinancialInstitutionBranch")
	w.leaf("cbc:ID", firmBIC)
	w.close("cac:FinancialInstitutionBranch")
	w.close("cac:PayeeFinancialAccount")
	w.close("cac:PaymentMeans")
	w.open("cac:PaymentTerms")
	w.leaf("cbc:Note", termsEN(d))
	w.close("cac:PaymentTerms")

	category := func() {
		w.leaf("cbc:ID", "K")
		w.leaf("cbc:Percent", "0")
	}
	w.open("cac:TaxTotal")
	w.leaf("cbc:TaxAmount", plainAmount(vat), "currencyID", cur)
	w.open("cac:TaxSubtotal")
	w.leaf("cbc:TaxableAmount", plainAmount(net), "currencyID", cur)
	w.leaf("cbc:TaxAmount", plainAmount(vat), "currencyID", cur)
	w.open("cac:TaxCategory")
	category()
	w.leaf("cbc:TaxExemptionReasonCode", "VATEX-EU-IC")
	w.leaf("cbc:TaxExemptionReason", d.vatNote)
	w.open("cac:TaxScheme")
	w.leaf("cbc:ID", "VAT")
	w.close("cac:TaxScheme")
	w.close("cac:TaxCategory")
	w.close("cac:TaxSubtotal")
	w.close("cac:TaxTotal")

	w.open("cac:LegalMonetaryTotal")
	w.leaf("cbc:LineExtensionAmount", plainAmount(net), "currencyID", cur)
	w.leaf("cbc:TaxExclusiveAmount", plainAmount(net), "currencyID", cur)
	w.leaf("cbc:TaxInclusiveAmount", plainAmount(gross), "currencyID", cur)
	w.leaf("cbc:PayableAmount", plainAmount(gross), "currencyID", cur)
	w.close("cac:LegalMonetaryTotal")

	for i, it := range d.items {
		w.open("cac:InvoiceLine")
		w.leaf("cbc:ID", strconv.Itoa(i+1))
		w.leaf("cbc:InvoicedQuantity", qtyString(it.qty, "."), "unitCode", unitCode(it.unit))
		w.leaf("cbc:LineExtensionAmount", plainAmount(it.total()), "currencyID", cur)
		w.open("cac:Item")
		w.leaf("cbc:Name", it.desc)
		w.open("cac:ClassifiedTaxCategory")
		category()
		w.open("cac:TaxScheme")
		w.leaf("cbc:ID", "VAT")
		w.close("cac:TaxScheme")
		w.close("cac:ClassifiedTaxCategory")
		w.close("cac:Item")
		w.open("cac:Price")
		w.leaf("cbc:PriceAmount", plainAmount(it.price), "currencyID", cur)
		w.close("cac:Price")
		w.close("cac:InvoiceLine")
	}
	w.close("Invoice")
	return w.b.Bytes()
}

func ublAddress(w *xw, address []string) {
	street, postcode, city, country := postal(address)
	w.open("cac:PostalAddress")
	if len(street) > 0 {
		w.leaf("cbc:StreetName", street[0])
	}
	if len(street) > 1 {
		w.leaf("cbc:AdditionalStreetName", street[1])
	}
	w.leaf("cbc:CityName", city)
	if postcode != "" {
		w.leaf("cbc:PostalZone", postcode)
	}
	w.open("cac:Country")
	w.leaf("cbc:IdentificationCode", country)
	w.close("cac:Country")
	w.close("cac:PostalAddress")
}

func ublTaxScheme(w *xw, vatID string) {
	w.open("cac:PartyTaxScheme")
	w.leaf("cbc:CompanyID", strings.ReplaceAll(vatID, " ", ""))
	w.open("cac:TaxScheme")
	w.leaf("cbc:ID", "VAT")
	w.close("cac:TaxScheme")
	w.close("cac:PartyTaxScheme")
}
