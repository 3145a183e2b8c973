package legal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

// The generator writes invoices the way small French businesses do: a
// letterhead or a legal footer, a client block, a table or a list of
// items, totals, and the legal mentions at the foot, in French or English,
// as PDF text, as a mail body or as CII XML. Each invoice carries at most
// one planted defect; every other mention stays in place, so a finding
// beyond the planted one is a collateral error of the checker.

// form is how a generated invoice reaches the checker.
type form string

const (
	formPDF  form = "pdf"  // text of a PDF written by pdfwrite and read back
	formBody form = "body" // text of the mail, no attachment
	formCII  form = "cii"  // CII XML only
	formMail form = "mail" // a whole mail (PDF + body) through invoice.Detect and FromMessage
	formUBL  form = "ubl"  // UBL 2.1 XML only
)

type genLine struct {
	desig       string
	qty, price  decimal.Decimal
	rate        decimal.Decimal
	printedTot  decimal.Decimal
	withoutDesc bool
}

type spec struct {
	name     string
	number   string
	lang     string
	layout   int
	form     form
	buyer    BuyerKind
	nature   nature
	exempt   bool
	multi    bool
	defect   Kind
	asked    PO
	issue    time.Time
	termDays int

	seller, client genParty
	lines          []genLine
	excl, incl     decimal.Decimal
	vatByRate      []genVAT
	vatTotal       decimal.Decimal
}

type genVAT struct{ rate, base, amount decimal.Decimal }

type genParty struct {
	name, street, city, siren, vat string
}

var (
	sellers = []genParty{
		{"Studio Martin SARL", "12 rue des Lilas", "69003 Lyon", "812345678", "FR12812345678"},
		{"Couverture Roux & Fils", "4 avenue Foch", "75008 Paris", "523456781", "FR40523456781"},
		{"Atelier Berthier", "27 boulevard Carnot", "31000 Toulouse", "443219876", "FR07443219876"},
		{"Nordic Web SAS", "8 place de la Bourse", "33000 Bordeaux", "901234567", "FR55901234567"},
	}
	clients = []genParty{
		{"Boulangerie Dupont", "3 rue de la Gare", "38000 Grenoble", "423456789", "FR33423456789"},
		{"Hôtel des Alpes SAS", "15 route de Chamonix", "74000 Annecy", "384756192", "FR61384756192"},
		{"Garage Lefèvre", "2 impasse des Artisans", "44000 Nantes", "512398764", "FR19512398764"},
		{"Clinique Vétérinaire du Parc", "9 allée des Tilleuls", "67000 Strasbourg", "798123456", "FR82798123456"},
	}
	consumers = []genParty{
		{"M. Jean Moreau", "18 chemin des Vignes", "84000 Avignon", "", ""},
		{"Mme Claire Petit", "5 rue Pasteur", "21000 Dijon", "", ""},
	}
	goodsFR    = []string{"Tuiles terre cuite (lot de 50)", "Gouttière zinc 4 m", "Carton de ramettes A4", "Chaise de bureau ergonomique", "Farine T65, sac de 25 kg", "Pneus 205/55 R16"}
	servicesFR = []string{"Pose de tuiles", "Conception graphique du logo", "Maintenance annuelle du site", "Heure de main-d'oeuvre", "Audit de sécurité", "Formation Excel (journée)"}
	goodsEN    = []string{"Oak desk, 140 cm", "Printer toner cartridge", "Roof tiles (pack of 50)", "LED panel 60x60"}
	servicesEN = []string{"Logo design", "Website maintenance", "Consulting day", "Security audit", "Copywriting (per page)"}
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// newSpec draws an invoice: its parties, lines and totals, all correct.
func newSpec(r *rand.Rand, name, lang string, layout int, f form, buyer BuyerKind) *spec {
	s := &spec{name: name, lang: lang, layout: layout, form: f, buyer: buyer}
	s.seller = sellers[r.IntN(len(sellers))]
	if buyer == Consumer {
		s.client = consumers[r.IntN(len(consumers))]
	} else {
		s.client = clients[r.IntN(len(clients))]
	}
	s.nature = []nature{natureGoods, natureServices, natureMixed, natureServices}[r.IntN(4)]
	s.issue = time.Date(2026, time.Month(1+r.IntN(11)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	s.termDays = []int{30, 45, 30, 15, 60}[r.IntN(5)]
	s.number = fmt.Sprintf("F-%d-%04d", s.issue.Year(), 100+r.IntN(900))
	if lang == "en" {
		s.number = fmt.Sprintf("INV-%d%02d-%03d", s.issue.Year(), s.issue.Month(), r.IntN(1000))
	}
	n := 1 + r.IntN(4)
	s.multi = r.IntN(4) == 0 && n > 1
	for i := 0; i < n; i++ {
		goods := s.nature == natureGoods || s.nature == natureMixed && i%2 == 0
		pool := servicesFR
		switch {
		case lang == "en" && goods:
			pool = goodsEN
		case lang == "en":
			pool = servicesEN
		case goods:
			pool = goodsFR
		}
		rate := d("20")
		if s.multi && i%2 == 1 {
			rate = []decimal.Decimal{d("10"), d("5.5")}[r.IntN(2)]
		}
		l := genLine{
			desig: pool[r.IntN(len(pool))],
			qty:   decimal.NewFromInt(int64(1 + r.IntN(24))),
			price: decimal.New(int64(500+r.IntN(90000)), -2),
			rate:  rate,
		}
		l.printedTot = l.qty.Mul(l.price).Round(2)
		s.lines = append(s.lines, l)
	}
	s.settle()
	return s
}

// settle computes the totals from the printed line totals.
func (s *spec) settle() {
	s.excl = decimal.Zero
	s.vatByRate = nil
	for _, l := range s.lines {
		s.excl = s.excl.Add(l.printedTot)
	}
	s.vatTotal = decimal.Zero
	if !s.exempt {
		for _, l := range s.lines {
			found := false
			for i := range s.vatByRate {
				if s.vatByRate[i].rate.Equal(l.rate) {
					s.vatByRate[i].base = s.vatByRate[i].base.Add(l.printedTot)
					found = true
				}
			}
			if !found {
				s.vatByRate = append(s.vatByRate, genVAT{rate: l.rate, base: l.printedTot})
			}
		}
		for i := range s.vatByRate {
			s.vatByRate[i].amount = s.vatByRate[i].base.Mul(s.vatByRate[i].rate).Div(decimal.NewFromInt(100)).Round(2)
			s.vatTotal = s.vatTotal.Add(s.vatByRate[i].amount)
		}
	}
	s.incl = s.excl.Add(s.vatTotal)
}

// plant applies the defect to the figures; the wording defects are
// applied while writing.
func (s *spec) plant(k Kind) {
	s.defect = k
	switch k {
	case LineTotalWrong:
		i := len(s.lines) - 1
		s.lines[i].printedTot = s.lines[i].printedTot.Add(d("10"))
		s.settle()
	case LinesSumWrong:
		s.excl = s.excl.Add(d("100"))
		if len(s.vatByRate) == 1 {
			s.vatByRate[0].amount = s.excl.Mul(s.vatByRate[0].rate).Div(decimal.NewFromInt(100)).Round(2)
			s.vatByRate[0].base = s.excl
			s.vatTotal = s.vatByRate[0].amount
		}
		s.incl = s.excl.Add(s.vatTotal)
	case VATAmountWrong:
		s.vatByRate[0].amount = s.vatByRate[0].amount.Add(d("15"))
		s.vatTotal = s.vatTotal.Add(d("15"))
		s.incl = s.excl.Add(s.vatTotal)
	case TotalInclWrong:
		s.incl = s.incl.Add(d("100"))
	case TermTooLong:
		s.termDays = 90
	case MissingVATRate, MissingVATAmount:
		// One rate, so that the VAT line alone carries the rate.
		for i := range s.lines {
			s.lines[i].rate = d("20")
		}
		s.multi = false
		s.settle()
	case MissingDeliveryAddress:
		s.nature = natureGoods
	case MissingVATOnDebits:
		s.nature = natureServices
	case MissingDesignation:
		s.lines[0].withoutDesc = true
	}
}

func (s *spec) has(k Kind) bool { return s.defect != k }

func (s *spec) due() time.Time { return s.issue.AddDate(0, 0, s.termDays) }

// money writes an amount the way the invoice's language does.
func (s *spec) money(v decimal.Decimal, r *rand.Rand) string {
	txt := v.StringFixed(2)
	intPart, frac, _ := strings.Cut(txt, ".")
	var groups []string
	for len(intPart) > 3 {
		groups = append([]string{intPart[len(intPart)-3:]}, groups...)
		intPart = intPart[:len(intPart)-3]
	}
	groups = append([]string{intPart}, groups...)
	if s.lang == "en" {
		out := strings.Join(groups, ",") + "." + frac
		if s.layout%2 == 0 {
			return "€" + out
		}
		return "EUR " + out
	}
	return strings.Join(groups, " ") + "," + frac + " €"
}

func (s *spec) pct(v decimal.Decimal) string {
	if s.lang == "en" {
		return v.String() + "%"
	}
	return strings.ReplaceAll(v.String(), ".", ",") + " %"
}

var monthsFR = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func (s *spec) date(t time.Time, variant int) string {
	if s.lang == "en" {
		switch variant % 3 {
		case 0:
			return t.Format("January 2, 2006")
		case 1:
			return t.Format("2 January 2006")
		}
		return t.Format(time.DateOnly)
	}
	switch variant % 3 {
	case 0:
		return t.Format("02/01/2006")
	case 1:
		day := fmt.Sprint(t.Day())
		if t.Day() == 1 {
			day = "1er"
		}
		return day + " " + monthsFR[t.Month()-1] + " " + fmt.Sprint(t.Year())
	}
	return t.Format("02.01.2006")
}

func spaced(siren string) string { return siren[:3] + " " + siren[3:6] + " " + siren[6:] }

// pick returns one of the wordings, chosen by the invoice's draw.
func pick(r *rand.Rand, ws ...string) string { return ws[r.IntN(len(ws))] }

// text writes the invoice as text, in one of the layouts.
func (s *spec) text(r *rand.Rand) string {
	var b []string
	add := func(ls ...string) { b = append(b, ls...) }
	en := s.lang == "en"
	number := s.number
	sellerIDs := func() {
		if s.has(MissingSellerSIREN) {
			if en {
				add(pick(r, "SIREN: ", "Company registration (SIREN): ", "SIRET: ") + spaced(s.seller.siren) + map[bool]string{true: " 00017"}[r.IntN(2) == 0 && !en])
			} else {
				add(pick(r, "SIRET : "+spaced(s.seller.siren)+" 00017", "SIREN : "+spaced(s.seller.siren), "RCS "+strings.Fields(s.seller.city)[1]+" "+spaced(s.seller.siren)))
			}
		}
		if s.has(MissingSellerVAT) {
			if en {
				add(pick(r, "VAT number: ", "VAT ID: ", "VAT no. ") + s.seller.vat)
			} else {
				add(pick(r, "N° TVA intracommunautaire : ", "TVA intracommunautaire : ", "N° de TVA : ") + s.seller.vat)
			}
		}
	}
	sellerLetterhead := func() {
		if s.has(MissingSellerName) {
			add(s.seller.name)
		}
		if s.has(MissingSellerAddress) {
			add(s.seller.street, s.seller.city)
		}
		sellerIDs()
	}
	footer := func() string {
		var parts []string
		if s.has(MissingSellerName) {
			parts = append(parts, s.seller.name)
		}
		if s.has(MissingSellerAddress) {
			parts = append(parts, s.seller.street+", "+s.seller.city)
		}
		if s.has(MissingSellerSIREN) {
			parts = append(parts, "SIREN "+spaced(s.seller.siren))
		}
		if s.has(MissingSellerVAT) {
			parts = append(parts, "TVA "+s.seller.vat)
		}
		return strings.Join(parts, " – ")
	}
	header := func() {
		if en {
			add("INVOICE")
			if s.has(MissingNumber) {
				add(pick(r, "Invoice no. ", "Invoice #: ", "Invoice number: ") + number)
			}
			if s.has(MissingDate) {
				add(pick(r, "Invoice date: ", "Date of issue: ", "Date: ") + s.date(s.issue, r.IntN(3)))
			}
			return
		}
		add(pick(r, "FACTURE", "Facture"))
		if s.has(MissingNumber) {
			add(pick(r, "Facture n° ", "N° de facture : ", "Numéro : ") + number)
		}
		if s.has(MissingDate) {
			add(pick(r, "Date : ", "Date de facture : ", "Date d'émission : ", "Émise le ") + s.date(s.issue, r.IntN(3)))
		}
	}
	client := func() {
		if en {
			add(pick(r, "Bill to:", "Customer:", "Billed to:"))
		} else {
			add(pick(r, "Client :", "Facturé à :", "Destinataire :"))
		}
		if s.has(MissingBuyerName) {
			add(s.client.name)
		}
		if s.has(MissingBuyerAddress) {
			add(s.client.street, s.client.city)
		}
		if s.buyer == Business {
			if s.has(MissingBuyerSIREN) {
				add(pick(r, "SIREN : ", "SIREN ") + spaced(s.client.siren))
			}
			if r.IntN(2) == 0 {
				add(pick(r, "TVA : ", "VAT: ") + s.client.vat)
			}
		}
	}
	delivery := func() {
		if s.buyer != Business || !(s.nature == natureGoods || s.nature == natureMixed) || !s.has(MissingDeliveryAddress) {
			return
		}
		add("")
		if en {
			add(pick(r, "Ship to:", "Delivery address:"))
		} else {
			add(pick(r, "Adresse de livraison :", "Livraison :", "Lieu de livraison :"))
		}
		add("Chantier "+s.client.name, "21 rue du Stade", strings.Replace(s.client.city, "0", "1", 1))
	}
	nature := func() {
		if s.buyer != Business || !s.has(MissingOperationNature) {
			return
		}
		words := map[nature][2]string{
			natureGoods:    {"livraison de biens", "goods"},
			natureServices: {"prestations de services", "services"},
			natureMixed:    {"livraison de biens et prestations de services", "goods and services"},
		}[s.nature]
		if en {
			add(pick(r, "Type of supply: ", "Nature of supply: ") + words[1])
		} else {
			add(pick(r, "Nature des opérations : ", "Opération : ", "Catégorie de l'opération : ") + words[0])
		}
	}
	sep := "  "
	if s.layout%2 == 0 {
		sep = " | "
	}
	rateCol := s.multi || s.defect == MissingVATAmount || s.layout == 1
	if s.defect == MissingVATRate {
		rateCol = false
	}
	if s.exempt {
		rateCol = false
	}
	table := func() {
		var head []string
		if en {
			head = append(head, pick(r, "Description", "Item"))
			if s.has(MissingQuantity) {
				head = append(head, pick(r, "Qty", "Quantity"))
			}
			if s.has(MissingUnitPrice) {
				head = append(head, pick(r, "Unit price", "Price"))
			}
			if rateCol {
				head = append(head, "VAT")
			}
			head = append(head, pick(r, "Amount", "Total"))
		} else {
			head = append(head, pick(r, "Désignation", "Description", "Libellé"))
			if s.has(MissingQuantity) {
				head = append(head, pick(r, "Qté", "Quantité"))
			}
			if s.has(MissingUnitPrice) {
				head = append(head, pick(r, "PU HT", "Prix unitaire HT", "P.U."))
			}
			if rateCol {
				head = append(head, pick(r, "TVA", "Taux TVA"))
			}
			head = append(head, pick(r, "Total HT", "Montant HT"))
		}
		add("", strings.Join(head, sep))
		for _, l := range s.lines {
			var cells []string
			if !l.withoutDesc {
				cells = append(cells, l.desig)
			}
			if s.has(MissingQuantity) {
				cells = append(cells, l.qty.String())
			}
			if s.has(MissingUnitPrice) {
				cells = append(cells, s.money(l.price, r))
			}
			if rateCol {
				cells = append(cells, s.pct(l.rate))
			}
			cells = append(cells, s.money(l.printedTot, r))
			add(strings.Join(cells, sep))
		}
	}
	inline := func() {
		add("")
		for _, l := range s.lines {
			desig := l.desig
			if l.withoutDesc {
				desig = "-"
			}
			if en {
				add(fmt.Sprintf("%s x %s @ %s = %s", l.qty, desig, s.money(l.price, r), s.money(l.printedTot, r)))
			} else {
				add(fmt.Sprintf("%s : %s × %s = %s", desig, l.qty, s.money(l.price, r), s.money(l.printedTot, r)))
			}
		}
	}
	totals := func() {
		add("")
		if s.has(MissingTotals) {
			if en {
				add(pick(r, "Subtotal: ", "Total excl. VAT: ", "Net total: ") + s.money(s.excl, r))
			} else {
				add(pick(r, "Total HT : ", "Montant HT : ", "Total hors taxes : ") + s.money(s.excl, r))
			}
		}
		if s.exempt {
			add(map[bool]string{true: "VAT not applicable, art. 293 B of the CGI", false: "TVA non applicable, art. 293 B du CGI"}[en])
		} else if s.has(MissingVATAmount) {
			for _, v := range s.vatByRate {
				rate := " " + s.pct(v.rate)
				if s.defect == MissingVATRate {
					rate = ""
				}
				if en {
					add("VAT" + rate + ": " + s.money(v.amount, r))
				} else {
					add(pick(r, "TVA", "Montant TVA") + rate + " : " + s.money(v.amount, r))
				}
			}
		}
		if en {
			add(pick(r, "Total due: ", "Total incl. VAT: ", "Amount due: ") + s.money(s.incl, r))
		} else {
			add(pick(r, "Total TTC : ", "Net à payer : ", "Total TTC à payer : ") + s.money(s.incl, r))
		}
	}
	terms := func() {
		add("")
		if s.has(MissingDueDate) {
			if en {
				add(pick(r, "Due date: ", "Payment due: ", "Pay by: ") + s.date(s.due(), r.IntN(3)))
			} else {
				add(pick(r, "Date d'échéance : ", "Échéance : ", "À régler avant le ") + s.date(s.due(), r.IntN(3)))
			}
		}
		if s.buyer == Business && s.has(MissingPaymentTerms) {
			if en {
				add(pick(r, "Payment terms: bank transfer within %d days", "Terms: net %d, by bank transfer", "Payment terms: %d days from invoice date"))
				b[len(b)-1] = fmt.Sprintf(b[len(b)-1], s.termDays)
			} else {
				add(fmt.Sprintf(pick(r, "Conditions de paiement : virement à %d jours", "Règlement par virement sous %d jours", "Modalités de paiement : %d jours date de facture, par virement"), s.termDays))
			}
		}
		if s.buyer == Consumer {
			add(map[bool]string{true: "Payment by bank transfer or cheque.", false: "Paiement par virement ou chèque."}[en])
		}
		penalty := s.buyer == Business && s.has(MissingPenaltyRate) || s.defect == ConsumerPenalties
		fee := s.buyer == Business && s.has(MissingRecoveryFee) || s.defect == ConsumerRecovery
		switch {
		case penalty && fee && s.layout == 2 && !en:
			add("En cas de retard de paiement : pénalités au taux de la BCE majoré de 10 points et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).")
		default:
			if penalty {
				if en {
					add(pick(r, "Late payment interest: ECB refinancing rate plus 10 points.", "Late payment penalties at three times the French legal interest rate."))
				} else {
					add(pick(r, "Pénalités de retard : trois fois le taux d'intérêt légal.", "Taux des pénalités de retard : taux BCE + 10 points.", "En cas de retard, des intérêts de retard au taux de 12 % l'an seront dus."))
				}
			}
			if fee {
				if en {
					add(pick(r, "Fixed compensation for recovery costs: EUR 40.", "A fixed recovery indemnity of €40 applies to late payments."))
				} else {
					add(pick(r, "Indemnité forfaitaire pour frais de recouvrement : 40 €.", "Tout retard entraîne une indemnité forfaitaire de 40 euros pour frais de recouvrement."))
				}
			}
		}
		if s.buyer == Business && s.has(MissingDiscountTerms) {
			if en {
				add(pick(r, "No discount for early payment.", "Early payment discount: none."))
			} else {
				add(pick(r, "Pas d'escompte pour paiement anticipé.", "Escompte pour paiement anticipé : néant.", "Aucun escompte n'est accordé."))
			}
		}
		if s.buyer == Business && !s.exempt && (s.nature == natureServices || s.nature == natureMixed) && s.has(MissingVATOnDebits) {
			if en {
				add(pick(r, "VAT payable on receipts.", "Option for payment of VAT on debits."))
			} else {
				add(pick(r, "Option pour le paiement de la TVA d'après les débits.", "TVA acquittée sur les encaissements.", "TVA sur les débits."))
			}
		}
		add("IBAN : FR76 3000 6000 0112 3456 7890 189")
	}

	// Layouts 0 and 1 open on our letterhead, layout 2 puts us in the
	// footer only, layout 3 labels our block and writes items inline.
	switch s.layout {
	case 0, 1:
		sellerLetterhead()
		add("")
		header()
	case 2:
		header()
	case 3:
		header()
		add("", map[bool]string{true: "From:", false: "Émetteur :"}[en])
		sellerLetterhead()
	}
	add("")
	client()
	delivery()
	add("")
	nature()
	if s.layout == 3 {
		inline()
	} else {
		table()
	}
	totals()
	terms()
	if s.layout == 2 {
		add("", footer())
	}
	return strings.Join(b, "\n") + "\n"
}

// cii writes the invoice as a CII CrossIndustryInvoice.
func (s *spec) cii(r *rand.Rand) []byte {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w(`<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext>`)
	if s.buyer == Business && s.has(MissingOperationNature) {
		w(`<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>%s</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>`,
			map[nature]string{natureGoods: "B1", natureServices: "S1", natureMixed: "M1"}[s.nature])
	}
	w(`<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument>`)
	if s.has(MissingNumber) {
		w(`<ram:ID>%s</ram:ID>`, s.number)
	}
	w(`<ram:TypeCode>380</ram:TypeCode>`)
	if s.has(MissingDate) {
		w(`<ram:IssueDateTime><udt:DateTimeString format="102">%s</udt:DateTimeString></ram:IssueDateTime>`, s.issue.Format("20060102"))
	}
	for _, n := range s.notes(r) {
		w(`<ram:IncludedNote><ram:Content>%s</ram:Content><ram:SubjectCode>%s</ram:SubjectCode></ram:IncludedNote>`, n[1], n[0])
	}
	w("</rsm:ExchangedDocument>\n<rsm:SupplyChainTradeTransaction>\n")
	for i, l := range s.lines {
		w(`<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>%d</ram:LineID></ram:AssociatedDocumentLineDocument>`, i+1)
		if !l.withoutDesc {
			w(`<ram:SpecifiedTradeProduct><ram:Name>%s</ram:Name></ram:SpecifiedTradeProduct>`, xmlEscape(l.desig))
		} else {
			w(`<ram:SpecifiedTradeProduct><ram:Name></ram:Name></ram:SpecifiedTradeProduct>`)
		}
		w(`<ram:SpecifiedLineTradeAgreement>`)
		if s.has(MissingUnitPrice) {
			w(`<ram:NetPriceProductTradePrice><ram:ChargeAmount>%s</ram:ChargeAmount></ram:NetPriceProductTradePrice>`, l.price.StringFixed(2))
		}
		w(`</ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery>`)
		if s.has(MissingQuantity) {
			w(`<ram:BilledQuantity unitCode="C62">%s</ram:BilledQuantity>`, l.qty)
		}
		w(`</ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>`)
		if s.defect != MissingVATRate {
			w(`<ram:RateApplicablePercent>%s</ram:RateApplicablePercent>`, l.rate)
		}
		w(`</ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>%s</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>
`, l.printedTot.StringFixed(2))
	}
	party := func(tag string, p genParty, name, addr, siren, vat bool) {
		w(`<ram:%s>`, tag)
		if name {
			w(`<ram:Name>%s</ram:Name>`, xmlEscape(p.name))
		}
		if siren && p.siren != "" {
			w(`<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">%s</ram:ID></ram:SpecifiedLegalOrganization>`, p.siren)
		}
		if addr {
			pc, city, _ := strings.Cut(p.city, " ")
			w(`<ram:PostalTradeAddress><ram:PostcodeCode>%s</ram:PostcodeCode><ram:LineOne>%s</ram:LineOne><ram:CityName>%s</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>`, pc, xmlEscape(p.street), xmlEscape(city))
		}
		if vat && p.vat != "" {
			w(`<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">%s</ram:ID></ram:SpecifiedTaxRegistration>`, p.vat)
		}
		w("</ram:%s>\n", tag)
	}
	w("<ram:ApplicableHeaderTradeAgreement>\n")
	party("SellerTradeParty", s.seller, s.has(MissingSellerName), s.has(MissingSellerAddress), s.has(MissingSellerSIREN), s.has(MissingSellerVAT))
	party("BuyerTradeParty", s.client, s.has(MissingBuyerName), s.has(MissingBuyerAddress), s.has(MissingBuyerSIREN), true)
	w("</ram:ApplicableHeaderTradeAgreement>\n<ram:ApplicableHeaderTradeDelivery>")
	if s.buyer == Business && (s.nature == natureGoods || s.nature == natureMixed) && s.has(MissingDeliveryAddress) {
		party("ShipToTradeParty", genParty{name: "Chantier " + s.client.name, street: "21 rue du Stade", city: s.client.city}, true, true, false, false)
	}
	w("</ram:ApplicableHeaderTradeDelivery>\n<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>\n")
	for _, v := range s.vatByRate {
		w(`<ram:ApplicableTradeTax>`)
		if s.has(MissingVATAmount) {
			w(`<ram:CalculatedAmount>%s</ram:CalculatedAmount>`, v.amount.StringFixed(2))
		}
		w(`<ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>%s</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>`, v.base.StringFixed(2))
		if s.buyer == Business && (s.nature == natureServices || s.nature == natureMixed) && s.has(MissingVATOnDebits) {
			w(`<ram:DueDateTypeCode>%s</ram:DueDateTypeCode>`, pick(r, "5", "72"))
		}
		if s.defect != MissingVATRate {
			w(`<ram:RateApplicablePercent>%s</ram:RateApplicablePercent>`, v.rate)
		}
		w("</ram:ApplicableTradeTax>\n")
	}
	w(`<ram:SpecifiedTradePaymentTerms>`)
	if s.buyer == Business && s.has(MissingPaymentTerms) {
		w(`<ram:Description>%s</ram:Description>`, fmt.Sprintf(pick(r, "Virement à %d jours date de facture", "Payment by bank transfer within %d days"), s.termDays))
	}
	if s.has(MissingDueDate) {
		w(`<ram:DueDateDateTime><udt:DateTimeString format="102">%s</udt:DateTimeString></ram:DueDateDateTime>`, s.due().Format("20060102"))
	}
	w("</ram:SpecifiedTradePaymentTerms>\n<ram:SpecifiedTradeSettlementHeaderMonetarySummation>")
	w(`<ram:LineTotalAmount>%s</ram:LineTotalAmount>`, s.excl.StringFixed(2))
	if s.has(MissingTotals) {
		w(`<ram:TaxBasisTotalAmount>%s</ram:TaxBasisTotalAmount>`, s.excl.StringFixed(2))
	}
	if s.has(MissingVATAmount) {
		w(`<ram:TaxTotalAmount currencyID="EUR">%s</ram:TaxTotalAmount>`, s.vatTotal.StringFixed(2))
	}
	w(`<ram:GrandTotalAmount>%s</ram:GrandTotalAmount><ram:DuePayableAmount>%s</ram:DuePayableAmount>`, s.incl.StringFixed(2), s.incl.StringFixed(2))
	w("</ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement>\n</rsm:SupplyChainTradeTransaction>\n</rsm:CrossIndustryInvoice>\n")
	return []byte(b.String())
}

// ubl writes the invoice as a UBL 2.1 Invoice.
func (s *spec) ubl(r *rand.Rand) []byte {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w(`<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
`)
	if s.buyer == Business && s.has(MissingOperationNature) {
		w("<cbc:ProfileID>%s</cbc:ProfileID>\n", map[nature]string{natureGoods: "B1", natureServices: "S1", natureMixed: "M1"}[s.nature])
	}
	if s.has(MissingNumber) {
		w("<cbc:ID>%s</cbc:ID>\n", s.number)
	}
	if s.has(MissingDate) {
		w("<cbc:IssueDate>%s</cbc:IssueDate>\n", s.issue.Format(time.DateOnly))
	}
	if s.has(MissingDueDate) {
		w("<cbc:DueDate>%s</cbc:DueDate>\n", s.due().Format(time.DateOnly))
	}
	w("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\n")
	for _, n := range s.notes(r) {
		w("<cbc:Note>%s</cbc:Note>\n", n[1])
	}
	w("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n")
	if s.buyer == Business && (s.nature == natureServices || s.nature == natureMixed) && s.has(MissingVATOnDebits) {
		w("<cac:InvoicePeriod><cbc:DescriptionCode>%s</cbc:DescriptionCode></cac:InvoicePeriod>\n", pick(r, "3", "432"))
	}
	party := func(tag string, p genParty, name, addr, siren, vat bool) {
		w("<cac:%s><cac:Party>", tag)
		if name {
			w("<cac:PartyName><cbc:Name>%s</cbc:Name></cac:PartyName>", xmlEscape(p.name))
		}
		if addr {
			pc, city, _ := strings.Cut(p.city, " ")
			w("<cac:PostalAddress><cbc:StreetName>%s</cbc:StreetName><cbc:CityName>%s</cbc:CityName><cbc:PostalZone>%s</cbc:PostalZone><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>", xmlEscape(p.street), xmlEscape(city), pc)
		}
		if vat && p.vat != "" {
			w("<cac:PartyTaxScheme><cbc:CompanyID>%s</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>", p.vat)
		}
		w("<cac:PartyLegalEntity><cbc:RegistrationName>%s</cbc:RegistrationName>", map[bool]string{true: xmlEscape(p.name)}[name])
		if siren && p.siren != "" {
			w(`<cbc:CompanyID schemeID="0002">%s</cbc:CompanyID>`, p.siren)
		}
		w("</cac:PartyLegalEntity></cac:Party></cac:%s>\n", tag)
	}
	party("AccountingSupplierParty", s.seller, s.has(MissingSellerName), s.has(MissingSellerAddress), s.has(MissingSellerSIREN), s.has(MissingSellerVAT))
	party("AccountingCustomerParty", s.client, s.has(MissingBuyerName), s.has(MissingBuyerAddress), s.has(MissingBuyerSIREN), true)
	if s.buyer == Business && (s.nature == natureGoods || s.nature == natureMixed) && s.has(MissingDeliveryAddress) {
		pc, city, _ := strings.Cut(strings.Replace(s.client.city, "0", "1", 1), " ")
		w("<cac:Delivery><cac:DeliveryLocation><cac:Address><cbc:StreetName>21 rue du Stade</cbc:StreetName><cbc:CityName>%s</cbc:CityName><cbc:PostalZone>%s</cbc:PostalZone></cac:Address></cac:DeliveryLocation></cac:Delivery>\n", xmlEscape(city), pc)
	}
	w("<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>\n")
	if s.buyer == Business && s.has(MissingPaymentTerms) {
		w("<cac:PaymentTerms><cbc:Note>%s</cbc:Note></cac:PaymentTerms>\n", fmt.Sprintf(pick(r, "Virement à %d jours date de facture", "Payment by bank transfer within %d days"), s.termDays))
	}
	w("<cac:TaxTotal>")
	if s.has(MissingVATAmount) {
		w(`<cbc:TaxAmount currencyID="EUR">%s</cbc:TaxAmount>`, s.vatTotal.StringFixed(2))
	}
	for _, v := range s.vatByRate {
		w(`<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">%s</cbc:TaxableAmount>`, v.base.StringFixed(2))
		if s.has(MissingVATAmount) {
			w(`<cbc:TaxAmount currencyID="EUR">%s</cbc:TaxAmount>`, v.amount.StringFixed(2))
		}
		w("<cac:TaxCategory><cbc:ID>S</cbc:ID>")
		if s.defect != MissingVATRate {
			w("<cbc:Percent>%s</cbc:Percent>", v.rate)
		}
		w("<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>")
	}
	w("</cac:TaxTotal>\n<cac:LegalMonetaryTotal>")
	w(`<cbc:LineExtensionAmount currencyID="EUR">%s</cbc:LineExtensionAmount>`, s.excl.StringFixed(2))
	if s.has(MissingTotals) {
		w(`<cbc:TaxExclusiveAmount currencyID="EUR">%s</cbc:TaxExclusiveAmount>`, s.excl.StringFixed(2))
	}
	w(`<cbc:TaxInclusiveAmount currencyID="EUR">%s</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">%s</cbc:PayableAmount></cac:LegalMonetaryTotal>`+"\n", s.incl.StringFixed(2), s.incl.StringFixed(2))
	for i, l := range s.lines {
		w("<cac:InvoiceLine><cbc:ID>%d</cbc:ID>", i+1)
		if s.has(MissingQuantity) {
			w(`<cbc:InvoicedQuantity unitCode="C62">%s</cbc:InvoicedQuantity>`, l.qty)
		}
		w(`<cbc:LineExtensionAmount currencyID="EUR">%s</cbc:LineExtensionAmount><cac:Item>`, l.printedTot.StringFixed(2))
		if !l.withoutDesc {
			w("<cbc:Name>%s</cbc:Name>", xmlEscape(l.desig))
		}
		w("<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>")
		if s.defect != MissingVATRate {
			w("<cbc:Percent>%s</cbc:Percent>", l.rate)
		}
		w("<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>")
		if s.has(MissingUnitPrice) {
			w(`<cac:Price><cbc:PriceAmount currencyID="EUR">%s</cbc:PriceAmount></cac:Price>`, l.price.StringFixed(2))
		}
		w("</cac:InvoiceLine>\n")
	}
	w("</Invoice>\n")
	return []byte(b.String())
}

// notes are the legal mentions an XML invoice writes in words, with their
// UNTDID 4451 subject codes (PMD penalties, PMT indemnity, AAB discount).
func (s *spec) notes(r *rand.Rand) [][2]string {
	var out [][2]string
	if s.buyer == Business && s.has(MissingPenaltyRate) || s.defect == ConsumerPenalties {
		out = append(out, [2]string{"PMD", pick(r, "Pénalités de retard : trois fois le taux d'intérêt légal.", "Late payment interest: ECB rate plus 10 points.")})
	}
	if s.buyer == Business && s.has(MissingRecoveryFee) || s.defect == ConsumerRecovery {
		out = append(out, [2]string{"PMT", pick(r, "Indemnité forfaitaire pour frais de recouvrement : 40 €.", "Fixed compensation for recovery costs: EUR 40.")})
	}
	if s.buyer == Business && s.has(MissingDiscountTerms) {
		out = append(out, [2]string{"AAB", pick(r, "Pas d'escompte pour paiement anticipé.", "No discount for early payment.")})
	}
	return out
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// generated is one invoice of the set: how the checker sees it, and what
// it should find.
type generated struct {
	spec *spec
	doc  Document
	text string // the text or XML, shown when the test fails
}

// render turns a spec into the Document the checker reads, through the
// same path as the product: a PDF written and read back, a mail detected.
func render(t *testing.T, r *rand.Rand, s *spec) generated {
	t.Helper()
	switch s.form {
	case formCII:
		x := s.cii(r)
		return generated{s, Document{XML: x}, string(x)}
	case formUBL:
		x := s.ubl(r)
		return generated{s, Document{XML: x}, string(x)}
	case formBody:
		txt := s.text(r)
		return generated{s, Document{Body: txt}, txt}
	}
	txt := s.text(r)
	var buf bytes.Buffer
	if err := pdfwrite.Write(&buf, pdfwrite.Doc{Title: s.name, Lines: strings.Split(txt, "\n")}); err != nil {
		t.Fatal(err)
	}
	if s.form == formPDF {
		pt, err := invoice.PDFText(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: read back the PDF: %v", s.name, err)
		}
		return generated{s, Document{PDFText: pt}, pt}
	}
	// A whole mail whose body states another amount than the PDF: Detect
	// finds the disagreement, FromMessage hands it to the check.
	body := fmt.Sprintf("Bonjour,\n\nVeuillez trouver ci-joint notre facture.\nMontant total : %s\n\nCordialement,\n%s\n", s.money(s.incl.Add(d("50")), r), s.seller.name)
	m := &message.Message{
		MessageID:   s.name + "@example.test",
		From:        message.Address{Name: s.seller.name, Email: "factures@seller.example"},
		To:          []message.Address{{Name: s.client.name, Email: "compta@client.example"}},
		Subject:     "Facture " + s.name,
		Date:        s.issue,
		Text:        body,
		Attachments: []message.Attachment{{Filename: "facture.pdf", ContentType: "application/pdf", Size: buf.Len(), Data: buf.Bytes()}},
	}
	res := invoice.Detect(m, invoice.Options{DefaultCurrency: "EUR"})
	doc := FromMessage(m, res)
	return generated{s, doc, doc.PDFText + "\n---- body ----\n" + body}
}

// corpus draws the whole set: for every rule, defective invoices in
// several forms and layouts, clean invoices, and consumer invoices.
func corpus(t *testing.T) (defective, clean []generated) {
	r := rand.New(rand.NewPCG(17, 2026))
	n := 0
	next := func(lang string, layout int, f form, buyer BuyerKind) *spec {
		n++
		return newSpec(r, fmt.Sprintf("inv%03d", n), lang, layout, f, buyer)
	}
	businessRules := []Kind{
		MissingNumber, MissingDate, MissingSellerName, MissingSellerAddress, MissingSellerSIREN, MissingSellerVAT,
		MissingBuyerName, MissingBuyerAddress, MissingBuyerSIREN, MissingDeliveryAddress, MissingOperationNature,
		MissingDesignation, MissingQuantity, MissingUnitPrice, MissingVATRate, MissingVATAmount, MissingTotals,
		MissingDueDate, MissingPaymentTerms, MissingPenaltyRate, MissingRecoveryFee, MissingDiscountTerms, MissingVATOnDebits,
		LineTotalWrong, LinesSumWrong, VATAmountWrong, TotalInclWrong, TermTooLong,
	}
	// Three invoices per rule (a PDF, a CII, a UBL), more for the defects
	// met most often.
	common := map[Kind]int{MissingSellerSIREN: 4, MissingBuyerSIREN: 5, MissingPenaltyRate: 5, MissingRecoveryFee: 5,
		MissingDiscountTerms: 4, LineTotalWrong: 5, VATAmountWrong: 4, TermTooLong: 5, MissingDueDate: 4, LinesSumWrong: 4}
	for i, k := range businessRules {
		copies := max(3, common[k])
		for c := 0; c < copies; c++ {
			lang := []string{"fr", "en"}[(i+c)%2]
			layout := (i + c) % 4
			f := []form{formPDF, formCII, formBody}[(i+c)%3]
			if c == 1 {
				f = formCII // every rule is read from the XML as well
			}
			if c == 2 {
				f = formUBL
			}
			if c == 0 {
				f = formPDF
			}
			if (k == MissingQuantity || k == MissingUnitPrice || k == MissingDesignation || k == MissingVATAmount) && layout == 3 {
				layout = 0 // items written inline always carry both
			}
			s := next(lang, layout, f, Business)
			s.plant(k)
			defective = append(defective, render(t, r, s))
		}
	}
	// Sources that disagree, found by invoice.Detect on a whole mail.
	for i := 0; i < 2; i++ {
		s := next("fr", i, formMail, Business)
		s.defect = SourcesDisagree
		defective = append(defective, render(t, r, s))
	}
	// A purchase order the client asked for and the invoice does not carry.
	for i := 0; i < 3; i++ {
		s := next([]string{"fr", "en"}[i%2], i, []form{formPDF, formCII, formBody}[i], Business)
		s.defect = PurchaseOrder
		s.asked = PO(fmt.Sprintf("PO-%d", 4500+i))
		defective = append(defective, render(t, r, s))
	}
	// Consumers: business-only mentions on their invoice are findings.
	for i, k := range []Kind{ConsumerPenalties, ConsumerRecovery, ConsumerPenalties, ConsumerRecovery} {
		s := next([]string{"fr", "en"}[i%2], i%4, []form{formPDF, formCII}[i/2], Consumer)
		s.plant(k)
		defective = append(defective, render(t, r, s))
	}
	for i := 0; i < 3; i++ {
		s := next([]string{"fr", "en"}[i%2], i, []form{formPDF, formCII, formBody}[i], Consumer)
		s.plant(MissingBuyerAddress)
		defective = append(defective, render(t, r, s))
	}
	// Clean ones: every layout, language and form, some VAT-exempt, one
	// with the PO the client asked for.
	for i := 0; i < 44; i++ {
		lang := []string{"fr", "en"}[i%2]
		f := []form{formPDF, formCII, formBody, formUBL}[i%4]
		s := next(lang, (i/2)%4, f, Business)
		if i%11 == 5 && (f == formPDF || f == formBody) {
			s.exempt = true
			s.settle()
		}
		if i == 7 {
			s.asked = "PO-7781"
		}
		g := render(t, r, s)
		if s.asked != "" {
			g.doc.Body += "\nVotre commande n° PO-7781\n"
		}
		clean = append(clean, g)
	}
	for i := 0; i < 6; i++ {
		s := next([]string{"fr", "en"}[i%2], i%4, []form{formPDF, formCII, formBody}[i%3], Consumer)
		clean = append(clean, render(t, r, s))
	}
	return defective, clean
}
