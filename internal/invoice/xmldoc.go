package invoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Namespaces of the structured invoice formats read here.
const (
	nsUBLInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsUBLCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCII           = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
	nsZUGFeRD1      = "urn:ferd:CrossIndustryDocument:invoice:1p0"
)

// Limits that keep a hostile XML file from costing more than a real one.
const (
	maxXMLBytes = 8 << 20
	maxXMLNodes = 200000
	maxXMLDepth = 64
)

var errNotInvoiceXML = errors.New("not an invoice document")

// node is a namespace-aware but schema-free XML tree. The formats are read
// by local element names along fixed paths, which copes with the prefixes
// and optional elements real producers vary on.
type node struct {
	space, local string
	attr         []xml.Attr
	text         string
	kids         []*node
}

func parseXMLTree(data []byte) (*node, error) {
	if len(data) > maxXMLBytes {
		return nil, fmt.Errorf("xml of %d bytes exceeds %d", len(data), maxXMLBytes)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	// Producers declare ISO-8859-1 now and then; the invoice fields used here
	// are ASCII or Latin-1, so decode Latin-1 and let anything else through.
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252":
			return latin1Reader{in}, nil
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("unsupported charset %q", label)
	}
	var root *node
	var stack []*node
	count := 0
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root != nil && len(stack) == 0 {
				break // trailing garbage after the document
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLNodes || len(stack) >= maxXMLDepth {
				return nil, errors.New("xml too large or too deep")
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attr: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("several root elements")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			if len(stack) > 0 && text.Len() < 1<<16 {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced end element")
			}
			n := stack[len(stack)-1]
			if len(n.kids) == 0 {
				n.text = strings.TrimSpace(text.String())
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

type latin1Reader struct{ r io.Reader }

func (l latin1Reader) Read(p []byte) (int, error) {
	// Each Latin-1 byte may grow to two UTF-8 bytes: read half as much.
	if len(p) < 2 {
		return 0, io.ErrShortBuffer
	}
	buf := make([]byte, len(p)/2)
	n, err := l.r.Read(buf)
	o := 0
	for _, c := range buf[:n] {
		if c < 0x80 {
			p[o] = c
			o++
			continue
		}
		p[o] = 0xc0 | c>>6
		p[o+1] = 0x80 | c&0x3f
		o += 2
	}
	return o, err
}

// child returns the first child with the local name, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// path follows local names from n; nil when a step is absent.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
		if n == nil {
			return nil
		}
	}
	return n
}

func (n *node) str(locals ...string) string {
	if c := n.path(locals...); c != nil {
		return c.text
	}
	return ""
}

func (n *node) attrVal(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attr {
		if a.Name.Local == local {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// xmlFacts is what a structured invoice states.
type xmlFacts struct {
	format         string // SourceUBL or SourceCII
	typeCode       string
	number         string
	credited       string
	issue, due     time.Time
	amount         decimal.Decimal
	hasAmount      bool
	currency       string
	seller, client Party
	terms          string
	evidence       []string
}

// parseInvoiceXML reads a UBL 2.1 Invoice/CreditNote or a CII
// CrossIndustryInvoice (Factur-X, ZUGFeRD 2, XRechnung CII) document, and the
// older ZUGFeRD 1 CrossIndustryDocument.
func parseInvoiceXML(data []byte) (*xmlFacts, error) {
	root, err := parseXMLTree(data)
	if err != nil {
		return nil, err
	}
	switch {
	case root.local == "Invoice" && root.space == nsUBLInvoice,
		root.local == "CreditNote" && root.space == nsUBLCreditNote:
		return parseUBL(root)
	case root.local == "CrossIndustryInvoice" && root.space == nsCII:
		return parseCII(root)
	case root.local == "CrossIndustryDocument" && root.space == nsZUGFeRD1:
		return parseZUGFeRD1(root)
	}
	return nil, fmt.Errorf("%w: root element {%s}%s", errNotInvoiceXML, root.space, root.local)
}

func parseUBL(root *node) (*xmlFacts, error) {
	f := &xmlFacts{format: SourceUBL}
	f.number = root.str("ID")
	if root.local == "CreditNote" {
		f.typeCode = root.str("CreditNoteTypeCode")
		if f.typeCode == "" {
			f.typeCode = "381"
		}
	} else {
		f.typeCode = root.str("InvoiceTypeCode")
		if f.typeCode == "" {
			f.typeCode = "380"
		}
	}
	f.credited = root.str("BillingReference", "InvoiceDocumentReference", "ID")
	f.issue = parseXMLDate(root.str("IssueDate"))
	f.due = parseXMLDate(root.str("DueDate"))
	if f.due.IsZero() {
		// UBL 2.1 Invoice has DueDate at the top; CreditNote and older
		// producers put it in PaymentMeans.
		f.due = parseXMLDate(root.str("PaymentMeans", "PaymentDueDate"))
	}
	f.currency = strings.ToUpper(root.str("DocumentCurrencyCode"))
	total := root.child("LegalMonetaryTotal")
	for _, name := range []string{"TaxInclusiveAmount", "PayableAmount"} {
		if a := total.child(name); a != nil {
			if v, err := decimal.NewFromString(a.text); err == nil {
				f.amount, f.hasAmount = v, true
				if c := a.attrVal("currencyID"); c != "" && f.currency == "" {
					f.currency = strings.ToUpper(c)
				}
				f.evidence = append(f.evidence, "UBL "+name+" "+a.text)
				break
			}
		}
	}
	f.seller = ublParty(root.path("AccountingSupplierParty", "Party"))
	f.client = ublParty(root.path("AccountingCustomerParty", "Party"))
	f.terms = root.str("PaymentTerms", "Note")
	f.evidence = append(f.evidence, fmt.Sprintf("UBL %s %s type %s", root.local, f.number, f.typeCode))
	return f, nil
}

func ublParty(p *node) Party {
	if p == nil {
		return Party{}
	}
	var out Party
	out.Name = p.str("PartyLegalEntity", "RegistrationName")
	if n := p.str("PartyName", "Name"); n != "" {
		out.Name = n
	}
	out.Email = strings.ToLower(p.str("Contact", "ElectronicMail"))
	if ep := p.child("EndpointID"); out.Email == "" && ep != nil && ep.attrVal("schemeID") == "EM" {
		out.Email = strings.ToLower(ep.text)
	}
	out.VATID = p.str("PartyTaxScheme", "CompanyID")
	if a := p.child("PostalAddress"); a != nil {
		out.Address = joinNonEmpty(a.str("StreetName"), a.str("AdditionalStreetName"), a.str("AddressLine", "Line"),
			strings.TrimSpace(a.str("PostalZone")+" "+a.str("CityName")), a.str("Country", "IdentificationCode"))
	}
	return out
}

func parseCII(root *node) (*xmlFacts, error) {
	f := &xmlFacts{format: SourceCII}
	doc := root.child("ExchangedDocument")
	f.number = doc.str("ID")
	f.typeCode = doc.str("TypeCode")
	f.issue = parseXMLDate(doc.str("IssueDateTime", "DateTimeString"))
	tx := root.child("SupplyChainTradeTransaction")
	agr := tx.child("ApplicableHeaderTradeAgreement")
	f.seller = ciiParty(agr.child("SellerTradeParty"))
	f.client = ciiParty(agr.child("BuyerTradeParty"))
	set := tx.child("ApplicableHeaderTradeSettlement")
	f.currency = strings.ToUpper(set.str("InvoiceCurrencyCode"))
	terms := set.child("SpecifiedTradePaymentTerms")
	f.due = parseXMLDate(terms.str("DueDateDateTime", "DateTimeString"))
	f.terms = terms.str("Description")
	f.credited = set.str("InvoiceReferencedDocument", "IssuerAssignedID")
	f.ciiTotals(set.child("SpecifiedTradeSettlementHeaderMonetarySummation"))
	f.evidence = append(f.evidence, fmt.Sprintf("CII CrossIndustryInvoice %s type %s", f.number, f.typeCode))
	return f, nil
}

// ciiTotals takes the grand total (TTC). Several GrandTotalAmount elements
// may appear, one per currency; the one in the invoice currency wins.
func (f *xmlFacts) ciiTotals(sum *node) {
	if sum == nil {
		return
	}
	for _, name := range []string{"GrandTotalAmount", "DuePayableAmount"} {
		for _, k := range sum.kids {
			if k.local != name {
				continue
			}
			c := strings.ToUpper(k.attrVal("currencyID"))
			if c != "" && f.currency != "" && c != f.currency {
				continue
			}
			v, err := decimal.NewFromString(k.text)
			if err != nil {
				continue
			}
			f.amount, f.hasAmount = v, true
			if f.currency == "" {
				f.currency = c
			}
			f.evidence = append(f.evidence, "CII "+name+" "+k.text)
			return
		}
	}
}

func ciiParty(p *node) Party {
	if p == nil {
		return Party{}
	}
	out := Party{Name: p.str("Name")}
	out.Email = strings.ToLower(p.str("URIUniversalCommunication", "URIID"))
	if out.Email == "" {
		out.Email = strings.ToLower(p.str("DefinedTradeContact", "EmailURIUniversalCommunication", "URIID"))
	}
	for _, k := range p.kids {
		if k.local == "SpecifiedTaxRegistration" {
			if id := k.child("ID"); id != nil && (id.attrVal("schemeID") == "VA" || out.VATID == "") {
				out.VATID = id.text
			}
		}
	}
	if a := p.child("PostalTradeAddress"); a != nil {
		out.Address = joinNonEmpty(a.str("LineOne"), a.str("LineTwo"), a.str("LineThree"),
			strings.TrimSpace(a.str("PostcodeCode")+" "+a.str("CityName")), a.str("CountryID"))
	}
	return out
}

// parseZUGFeRD1 reads the 2014 ZUGFeRD 1.0 layout still produced by some
// accounting tools.
func parseZUGFeRD1(root *node) (*xmlFacts, error) {
	f := &xmlFacts{format: SourceCII}
	doc := root.child("HeaderExchangedDocument")
	f.number = doc.str("ID")
	f.typeCode = doc.str("TypeCode")
	f.issue = parseXMLDate(doc.str("IssueDateTime", "DateTimeString"))
	tx := root.child("SpecifiedSupplyChainTradeTransaction")
	agr := tx.child("ApplicableSupplyChainTradeAgreement")
	f.seller = ciiParty(agr.child("SellerTradeParty"))
	f.client = ciiParty(agr.child("BuyerTradeParty"))
	set := tx.child("ApplicableSupplyChainTradeSettlement")
	f.currency = strings.ToUpper(set.str("InvoiceCurrencyCode"))
	terms := set.child("SpecifiedTradePaymentTerms")
	f.due = parseXMLDate(terms.str("DueDateDateTime", "DateTimeString"))
	f.terms = terms.str("Description")
	f.ciiTotals(set.child("SpecifiedTradeSettlementMonetarySummation"))
	f.evidence = append(f.evidence, fmt.Sprintf("ZUGFeRD 1 CrossIndustryDocument %s type %s", f.number, f.typeCode))
	return f, nil
}

// parseXMLDate reads xs:date ("2026-11-03", possibly with a zone) and the
// CII format 102 ("20261103").
func parseXMLDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t
		}
	}
	if len(s) == 8 {
		if t, err := time.Parse("20060102", s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// kindOfTypeCode maps UNTDID 1001 document codes to a Kind; ok is false
// for documents that are not invoices at all.
func kindOfTypeCode(code string) (k Kind, reason string) {
	switch strings.TrimSpace(code) {
	case "380", "383", "384", "386", "389", "393", "394", "395", "456", "527", "575", "623", "633", "751", "875", "876", "877":
		return KindInvoice, "invoice type code " + code
	case "381", "261", "262", "296", "308", "396", "420", "458", "532":
		return KindCreditNote, "credit note type code " + code
	case "325":
		return KindNone, "proforma (type code 325)"
	case "":
		return KindInvoice, "no type code"
	}
	return KindNone, "document type code " + code + " is not an invoice"
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}
