package legal

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// The UBL 2.1 elements the self-check reads (EN 16931, Peppol BIS, the
// French CIUS).
type ublInvoice struct {
	XMLName   xml.Name
	ProfileID string   `xml:"ProfileID"`
	ID        string   `xml:"ID"`
	IssueDate string   `xml:"IssueDate"`
	DueDate   string   `xml:"DueDate"`
	Notes     []string `xml:"Note"`
	Currency  string   `xml:"DocumentCurrencyCode"`
	// InvoicePeriod/DescriptionCode (BT-8) says when VAT falls due: 3 on
	// the invoice date, the option for debits; 432 on payment.
	PointCode string   `xml:"InvoicePeriod>DescriptionCode"`
	Supplier  ublParty `xml:"AccountingSupplierParty>Party"`
	Customer  ublParty `xml:"AccountingCustomerParty>Party"`
	Delivery  struct {
		Street string `xml:"StreetName"`
		City   string `xml:"CityName"`
		Postal string `xml:"PostalZone"`
	} `xml:"Delivery>DeliveryLocation>Address"`
	PaymentDue   string   `xml:"PaymentMeans>PaymentDueDate"`
	PaymentTerms []string `xml:"PaymentTerms>Note"`
	TaxTotal     []struct {
		Amount struct {
			Value    string `xml:",chardata"`
			Currency string `xml:"currencyID,attr"`
		} `xml:"TaxAmount"`
		Subtotals []struct {
			Taxable  *string `xml:"TaxableAmount"`
			Tax      *string `xml:"TaxAmount"`
			Percent  *string `xml:"TaxCategory>Percent"`
			Category string  `xml:"TaxCategory>ID"`
			Reason   string  `xml:"TaxCategory>TaxExemptionReason"`
		} `xml:"TaxSubtotal"`
	} `xml:"TaxTotal"`
	Monetary struct {
		LineExt *string `xml:"LineExtensionAmount"`
		TaxExcl *string `xml:"TaxExclusiveAmount"`
		TaxIncl *string `xml:"TaxInclusiveAmount"`
	} `xml:"LegalMonetaryTotal"`
	Lines []struct {
		Qty    *string `xml:"InvoicedQuantity"`
		Total  *string `xml:"LineExtensionAmount"`
		Name   string  `xml:"Item>Name"`
		Rate   *string `xml:"Item>ClassifiedTaxCategory>Percent"`
		Price  *string `xml:"Price>PriceAmount"`
		Basis  *string `xml:"Price>BaseQuantity"`
		Adjust []struct {
			Charge string  `xml:"ChargeIndicator"`
			Amount *string `xml:"Amount"`
		} `xml:"AllowanceCharge"`
	} `xml:"InvoiceLine"`
}

type ublParty struct {
	Name      string   `xml:"PartyName>Name"`
	LegalName string   `xml:"PartyLegalEntity>RegistrationName"`
	CompanyID string   `xml:"PartyLegalEntity>CompanyID"`
	TaxIDs    []string `xml:"PartyTaxScheme>CompanyID"`
	Street    string   `xml:"PostalAddress>StreetName"`
	City      string   `xml:"PostalAddress>CityName"`
	Postal    string   `xml:"PostalAddress>PostalZone"`
}

func (p ublParty) facts() party {
	out := party{name: strings.TrimSpace(p.Name)}
	if out.name == "" {
		out.name = strings.TrimSpace(p.LegalName)
	}
	if d := digits(p.CompanyID); len(d) == 9 || len(d) == 14 {
		out.siren = d
	}
	if strings.TrimSpace(p.Street) != "" || strings.TrimSpace(p.Postal) != "" && strings.TrimSpace(p.City) != "" {
		out.address = strings.Join(strings.Fields(p.Street+" "+p.Postal+" "+p.City), " ")
	}
	for _, id := range p.TaxIDs {
		if id = strings.TrimSpace(id); id != "" {
			out.vat = id
		}
	}
	return out
}

// readUBL reads the facts of a UBL 2.1 Invoice; ok is false for any other
// XML.
func readUBL(data []byte) (facts, bool) {
	var x ublInvoice
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	if err := dec.Decode(&x); err != nil || x.XMLName.Local != "Invoice" || x.XMLName.Space != nsUBL {
		return facts{}, false
	}
	var f facts
	f.number = strings.TrimSpace(x.ID)
	f.issue = ciiDate(x.IssueDate)
	f.due = ciiDate(x.DueDate)
	if f.due.IsZero() {
		f.due = ciiDate(x.PaymentDue)
	}
	f.seller, f.buyer = x.Supplier.facts(), x.Customer.facts()
	if d := x.Delivery; strings.TrimSpace(d.Street) != "" || strings.TrimSpace(d.Postal) != "" {
		f.delivery = strings.Join(strings.Fields(d.Street+" "+d.Postal+" "+d.City), " ")
	}
	for _, l := range x.Lines {
		fl := xmlLine(l.Name, l.Qty, l.Price, l.Basis, l.Rate, l.Total)
		for _, a := range l.Adjust {
			fl.adjustBy(a.Charge, a.Amount)
		}
		f.lines = append(f.lines, fl)
	}
	var words []string
	for _, tt := range x.TaxTotal {
		if c := strings.TrimSpace(tt.Amount.Currency); !f.hasVAT || c != "" && strings.EqualFold(c, strings.TrimSpace(x.Currency)) {
			v := tt.Amount.Value
			f.vat, f.hasVAT = ciiAmount(&v)
		}
		for _, st := range tt.Subtotals {
			var t tax
			t.amount, t.hasAmount = ciiAmount(st.Tax)
			t.base, t.hasBase = ciiAmount(st.Taxable)
			t.rate, t.hasRate = ciiAmount(st.Percent)
			f.taxes = append(f.taxes, t)
			if exemptCategory(st.Category) {
				f.vatExempt = true
			}
			words = append(words, st.Reason)
		}
	}
	m := x.Monetary
	f.linesTotal, f.hasLinesTotal = ciiAmount(m.LineExt)
	f.excl, f.hasExcl = ciiAmount(m.TaxExcl)
	f.incl, f.hasIncl = ciiAmount(m.TaxIncl)
	f.vatBasis = strings.TrimSpace(x.PointCode) != ""
	for _, t := range x.PaymentTerms {
		if strings.TrimSpace(t) != "" {
			f.terms = true
		}
	}
	words = append(append(words, x.Notes...), x.PaymentTerms...)
	f.fromWords(words)
	f.nature = processNature(x.ProfileID)
	return f, true
}

const nsUBL = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
