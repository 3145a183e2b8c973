package legal

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The CII elements the self-check reads (EN 16931 / Factur-X). Tags carry
// no namespace, so the prefixes producers choose do not matter.
type ciiInvoice struct {
	XMLName xml.Name
	Context struct {
		Process string `xml:"BusinessProcessSpecifiedDocumentContextParameter>ID"`
	} `xml:"ExchangedDocumentContext"`
	Doc struct {
		ID    string    `xml:"ID"`
		Issue string    `xml:"IssueDateTime>DateTimeString"`
		Notes []ciiNote `xml:"IncludedNote"`
	} `xml:"ExchangedDocument"`
	Tx struct {
		Lines     []ciiLine `xml:"IncludedSupplyChainTradeLineItem"`
		Agreement struct {
			Seller ciiParty `xml:"SellerTradeParty"`
			Buyer  ciiParty `xml:"BuyerTradeParty"`
		} `xml:"ApplicableHeaderTradeAgreement"`
		Delivery struct {
			ShipTo ciiParty `xml:"ShipToTradeParty"`
		} `xml:"ApplicableHeaderTradeDelivery"`
		Settlement struct {
			Taxes []ciiTax `xml:"ApplicableTradeTax"`
			Terms []struct {
				Description string `xml:"Description"`
				Due         string `xml:"DueDateDateTime>DateTimeString"`
			} `xml:"SpecifiedTradePaymentTerms"`
			Currency string `xml:"InvoiceCurrencyCode"`
			Sum      struct {
				LineTotal *string `xml:"LineTotalAmount"`
				TaxBasis  *string `xml:"TaxBasisTotalAmount"`
				// A foreign-currency invoice states its VAT twice: in its
				// own currency and in the seller's accounting currency.
				TaxTotal []struct {
					Value    string `xml:",chardata"`
					Currency string `xml:"currencyID,attr"`
				} `xml:"TaxTotalAmount"`
				Grand *string `xml:"GrandTotalAmount"`
			} `xml:"SpecifiedTradeSettlementHeaderMonetarySummation"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

type ciiNote struct {
	Content string `xml:"Content"`
	Subject string `xml:"SubjectCode"`
}

type ciiParty struct {
	Name     string `xml:"Name"`
	LegalOrg string `xml:"SpecifiedLegalOrganization>ID"`
	Address  struct {
		Line1    string `xml:"LineOne"`
		Postcode string `xml:"PostcodeCode"`
		City     string `xml:"CityName"`
	} `xml:"PostalTradeAddress"`
	TaxRegs []struct {
		ID struct {
			Value  string `xml:",chardata"`
			Scheme string `xml:"schemeID,attr"`
		} `xml:"ID"`
	} `xml:"SpecifiedTaxRegistration"`
}

type ciiLine struct {
	Name  string  `xml:"SpecifiedTradeProduct>Name"`
	Price *string `xml:"SpecifiedLineTradeAgreement>NetPriceProductTradePrice>ChargeAmount"`
	// The net price may be for a number of units other than one.
	Basis *string `xml:"SpecifiedLineTradeAgreement>NetPriceProductTradePrice>BasisQuantity"`
	Qty   *string `xml:"SpecifiedLineTradeDelivery>BilledQuantity"`
	Rate  *string `xml:"SpecifiedLineTradeSettlement>ApplicableTradeTax>RateApplicablePercent"`
	// Allowances and charges on the line enter its total.
	Adjust []struct {
		Charge string  `xml:"ChargeIndicator>Indicator"`
		Amount *string `xml:"ActualAmount"`
	} `xml:"SpecifiedLineTradeSettlement>SpecifiedTradeAllowanceCharge"`
	Total *string `xml:"SpecifiedLineTradeSettlement>SpecifiedTradeSettlementLineMonetarySummation>LineTotalAmount"`
}

type ciiTax struct {
	Amount   *string `xml:"CalculatedAmount"`
	Basis    *string `xml:"BasisAmount"`
	Rate     *string `xml:"RateApplicablePercent"`
	Category string  `xml:"CategoryCode"`
	Reason   string  `xml:"ExemptionReason"`
	// DueDateTypeCode (BT-8) says when VAT falls due: 5 on the invoice
	// date, which is the option for debits; 72 on payment.
	PointCode string `xml:"DueDateTypeCode"`
}

// readCII reads the facts of a CII CrossIndustryInvoice; ok is false for
// any other XML, whose invoice is then read from its text.
func readCII(data []byte) (facts, bool) {
	var x ciiInvoice
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	// Producers declare charsets they do not use, or misspell them; the
	// elements read here are numbers, codes and names, so the bytes are
	// read as they come rather than refused.
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	if err := dec.Decode(&x); err != nil || x.XMLName.Local != "CrossIndustryInvoice" {
		return facts{}, false
	}
	var f facts
	f.number = strings.TrimSpace(x.Doc.ID)
	f.issue = ciiDate(x.Doc.Issue)
	f.seller = ciiPartyFacts(x.Tx.Agreement.Seller)
	f.buyer = ciiPartyFacts(x.Tx.Agreement.Buyer)
	f.delivery = ciiPartyFacts(x.Tx.Delivery.ShipTo).address
	for _, l := range x.Tx.Lines {
		fl := xmlLine(l.Name, l.Qty, l.Price, l.Basis, l.Rate, l.Total)
		for _, a := range l.Adjust {
			fl.adjustBy(a.Charge, a.Amount)
		}
		f.lines = append(f.lines, fl)
	}
	for _, t := range x.Tx.Settlement.Taxes {
		var ft tax
		ft.amount, ft.hasAmount = ciiAmount(t.Amount)
		ft.base, ft.hasBase = ciiAmount(t.Basis)
		ft.rate, ft.hasRate = ciiAmount(t.Rate)
		f.taxes = append(f.taxes, ft)
		if exemptCategory(t.Category) {
			f.vatExempt = true
		}
		if strings.TrimSpace(t.PointCode) != "" {
			f.vatBasis = true
		}
	}
	sum := x.Tx.Settlement.Sum
	f.excl, f.hasExcl = ciiAmount(sum.TaxBasis)
	f.linesTotal, f.hasLinesTotal = ciiAmount(sum.LineTotal)
	for _, v := range sum.TaxTotal {
		if c := strings.TrimSpace(v.Currency); !f.hasVAT || c != "" && strings.EqualFold(c, strings.TrimSpace(x.Tx.Settlement.Currency)) {
			f.vat, f.hasVAT = ciiAmount(&v.Value)
		}
	}
	f.incl, f.hasIncl = ciiAmount(sum.Grand)
	// The notes and the terms' description carry the mentions in words
	// (penalties, the 40 € indemnity, the discount terms, the nature of
	// the operations): they are read like the text of a PDF.
	var words []string
	for _, n := range x.Doc.Notes {
		words = append(words, n.Content)
	}
	for _, t := range x.Tx.Settlement.Terms {
		if d := strings.TrimSpace(t.Description); d != "" {
			f.terms = true
			words = append(words, d)
		}
		if due := ciiDate(t.Due); !due.IsZero() {
			f.due = due
		}
	}
	for _, t := range x.Tx.Settlement.Taxes {
		words = append(words, t.Reason)
	}
	f.fromWords(words)
	if n := processNature(x.Context.Process); n != natureUnknown {
		f.nature = n
	}
	return f, true
}

// fromWords reads the mentions an XML invoice writes in words (its notes,
// its payment terms, its exemption reasons) as the text of a PDF is read.
func (f *facts) fromWords(words []string) {
	var w facts
	for _, s := range words {
		for _, l := range strings.Split(s, "\n") {
			w.mentions(strings.TrimSpace(fold(l)), blockOther)
		}
	}
	f.penalty, f.indemnity, f.discount = w.penalty, w.indemnity, w.discount
	f.dueOnReceipt = w.dueOnReceipt
	f.vatBasis = f.vatBasis || w.vatBasis
	f.vatExempt = f.vatExempt || w.vatExempt
	f.franchise = f.franchise || w.franchise
	f.termDays, f.endOfMonth = w.termDays, w.endOfMonth
	f.nature = w.nature
}

// exemptCategory tells the VAT categories without VAT (UNCL 5305): exempt,
// reverse charge, intra-EU, export, outside scope.
func exemptCategory(c string) bool {
	switch strings.ToUpper(strings.TrimSpace(c)) {
	case "E", "AE", "K", "G", "O":
		return true
	}
	return false
}

// processNature reads the billing framework of the French reform (BT-23:
// B1 goods, S1 services, M1 mixed, and their variants).
func processNature(id string) nature {
	id = strings.ToUpper(strings.TrimSpace(id))
	if len(id) != 2 || id[1] < '1' || id[1] > '8' {
		return natureUnknown
	}
	switch id[0] {
	case 'B':
		return natureGoods
	case 'S':
		return natureServices
	case 'M':
		return natureMixed
	}
	return natureUnknown
}

func ciiPartyFacts(p ciiParty) party {
	out := party{name: strings.TrimSpace(p.Name)}
	if d := digits(p.LegalOrg); len(d) == 9 || len(d) == 14 {
		out.siren = d
	}
	a := p.Address
	if strings.TrimSpace(a.Line1) != "" || strings.TrimSpace(a.Postcode) != "" && strings.TrimSpace(a.City) != "" {
		out.address = strings.Join(strings.Fields(a.Line1+" "+a.Postcode+" "+a.City), " ")
	}
	for _, r := range p.TaxRegs {
		if strings.EqualFold(strings.TrimSpace(r.ID.Scheme), "VA") && strings.TrimSpace(r.ID.Value) != "" {
			out.vat = strings.TrimSpace(r.ID.Value)
		}
	}
	return out
}

// xmlLine is a line of an XML invoice, its figures as the XML states them.
func xmlLine(name string, qty, price, basis, rate, total *string) line {
	l := line{designation: strings.TrimSpace(name)}
	l.qty, l.hasQty = ciiAmount(qty)
	l.price, l.hasPrice = ciiAmount(price)
	l.rate, l.hasRate = ciiAmount(rate)
	l.total, l.hasTotal = ciiAmount(total)
	if b, ok := ciiAmount(basis); ok && b.Sign() > 0 {
		l.basis = b
	}
	return l
}

// adjustBy adds a charge (indicator "true") or takes off an allowance.
func (l *line) adjustBy(charge string, amount *string) {
	v, ok := ciiAmount(amount)
	switch {
	case !ok:
	case strings.TrimSpace(charge) == "true":
		l.adjust = l.adjust.Add(v)
	default:
		l.adjust = l.adjust.Sub(v)
	}
}

func ciiAmount(s *string) (decimal.Decimal, bool) {
	if s == nil {
		return decimal.Decimal{}, false
	}
	v, err := decimal.NewFromString(strings.TrimSpace(*s))
	return v, err == nil
}

func ciiDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("20060102", s); err == nil {
		return t
	}
	if len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			return t
		}
	}
	return time.Time{}
}
