package legal

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// read returns the facts of a document, from its CII or UBL XML when it
// carries one (completed by the text of its PDF), else from the text of its
// PDF, else from its mail; and all its text, where a purchase-order number
// is looked for.
func read(doc Document) (facts, string) {
	all := doc.PDFText + "\n" + doc.Body
	if len(doc.XML) > 0 {
		f, ok := readCII(doc.XML)
		if !ok {
			f, ok = readUBL(doc.XML)
		}
		if ok {
			if strings.TrimSpace(doc.PDFText) != "" {
				// The PDF is the invoice the client reads: a mention
				// it carries is on the invoice even when the XML
				// (a MINIMUM or BASIC WL profile) leaves it out.
				f.fill(readText(doc.PDFText))
			}
			return f, string(doc.XML) + "\n" + all
		}
	}
	if strings.TrimSpace(doc.PDFText) != "" {
		return readText(doc.PDFText), all
	}
	return readText(doc.Body), all
}

// fill completes the facts of the XML with those of the PDF's text: what
// the XML states wins, what it leaves out is taken from the text.
func (f *facts) fill(t facts) {
	if f.number == "" {
		f.number = t.number
	}
	if f.issue.IsZero() {
		f.issue = t.issue
	}
	if f.due.IsZero() {
		f.due = t.due
	}
	if f.termDays == 0 {
		f.termDays, f.endOfMonth = t.termDays, t.endOfMonth
	}
	fillParty(&f.seller, t.seller)
	fillParty(&f.buyer, t.buyer)
	if f.delivery == "" {
		f.delivery = t.delivery
	}
	if len(f.lines) == 0 {
		// The lines and their sum come together, from the same reading.
		f.lines = t.lines
		f.linesTotal, f.hasLinesTotal = t.excl, t.hasExcl
	}
	if !f.hasExcl {
		f.excl, f.hasExcl = t.excl, t.hasExcl
	}
	if !f.hasVAT {
		f.vat, f.hasVAT = t.vat, t.hasVAT
	}
	if !f.hasIncl {
		f.incl, f.hasIncl = t.incl, t.hasIncl
	}
	if !f.rateNamed() && t.rateNamed() {
		f.rateInText = true
	}
	if f.nature == natureUnknown {
		f.nature = t.nature
	}
	f.dueOnReceipt = f.dueOnReceipt || t.dueOnReceipt
	f.terms = f.terms || t.terms
	f.penalty = f.penalty || t.penalty
	f.indemnity = f.indemnity || t.indemnity
	f.discount = f.discount || t.discount
	f.vatBasis = f.vatBasis || t.vatBasis
	f.vatExempt = f.vatExempt || t.vatExempt
	f.franchise = f.franchise || t.franchise
}

func fillParty(p *party, t party) {
	for _, c := range []struct {
		dst *string
		src string
	}{{&p.name, t.name}, {&p.address, t.address}, {&p.siren, t.siren}, {&p.vat, t.vat}} {
		if *c.dst == "" {
			*c.dst = c.src
		}
	}
}

// fold lower-cases s and drops the French accents and typographic
// variants, so one pattern reads "Échéance", "ECHEANCE" and "échéance".
var folder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"h.t.", "ht", "t.t.c.", "ttc", "t.v.a.", "tva",
	"’", "'", "‘", "'", "\u00a0", " ", "\u202f", " ", "\t", "  ", "œ", "oe", "º", "°",
)

func fold(s string) string { return folder.Replace(strings.ToLower(s)) }

// Labels of the parts of an invoice, on folded text. A label opens a block
// of lines that lasts until a blank line or the next label.
var (
	reBuyerHead = regexp.MustCompile(`^(?:(?:client|customer) details|coordonnees (?:du )?client|doit|beneficiaire|client(?:e)?|facture a|facturer a|adresse de facturation|destinataire|acheteur|bill(?:ed)? to|invoice to|customer|buyer|sold to|a l'attention de)\b\s*:?\s*(.*)$`)
	reDelivHead = regexp.MustCompile(`^(?:(?:adresse de livraison|lieu de livraison|livraison a|livre a|ship(?:ped)? to|deliver(?:y)? to|delivery address|delivered to|place of delivery)\b|livraison\s*:)\s*:?\s*(.*)$`)
	// "To" alone on its line opens the buyer's block; "To be paid" does not.
	reBuyerBare = regexp.MustCompile(`^(?:to|a)\s*:?$`)
	// A private person's name opens the buyer's block even without a
	// label: "M. et Mme Garnier", "Mrs Jane Cole".
	reCivility = regexp.MustCompile(`^(?:m\.|mme|mlle|monsieur|madame|mr\.?|mrs\.?|ms\.?)\s+\p{L}`)
	reTitle    = regexp.MustCompile(`^(?:tax invoice|invoice|facture|note d'honoraires|avoir|credit note)\b`)
	reSellHead = regexp.MustCompile(`^(?:emetteur|vendeur|fournisseur|prestataire|from|seller|supplier|issued by)\b\s*:?\s*(.*)$`)
	// A table header names the designation and at least one figure.
	reTableDesig = regexp.MustCompile(`\b(?:designation|description|libelle|intitule|objet|article|prestations?|items?|produits?|services?|details?)\b`)
	reTableFig   = regexp.MustCompile(`\b(?:qte|quantite|qty|quantity|prix|price|pu|montant|amount|total|rate|tarif)\b`)
)

// Mentions, on folded text.
var (
	reSIREN    = regexp.MustCompile(`\b(?:siren|siret|rcs|n° (?:siren|siret))\b[^0-9\n]{0,30}((?:\d[ .]?){9,14})`)
	reVATFR    = regexp.MustCompile(`\bfr ?[0-9a-z]{2} ?\d{3} ?\d{3} ?\d{3}\b`)
	reVATLabel = regexp.MustCompile(`(?:tva intra|n° (?:de )?tva|numero de tva|identifiant tva|vat (?:no|number|id|reg)|vat:|tva :)[^:\n]*:?\s*([a-z]{2} ?[0-9a-z][0-9a-z ]{6,14})`)
	rePostcode = regexp.MustCompile(`(?:^|\s)(?:f-|fr-)?\d{5}\s+\p{L}|\b[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}\b|\b\d{4,5}\s+[a-z][a-z' -]+,?\s+(?:france|belgique|suisse|uk|united kingdom)\b`)
	reStreet   = regexp.MustCompile(`^\d+(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|bd|boulevard|chemin|impasse|place|allee|route|quai|cours|square|lieu-dit|zone|za|zi|parc|street|st\.?|road|rd\.?|lane|way|drive)\b`)
	reIDish    = regexp.MustCompile(`\b(?:siren|siret|rcs|tva|vat|tel|tél|phone|email|e-mail|iban|bic|capital)\b|@`)

	reNumber = regexp.MustCompile(`(?:\bfacture|\binvoice|\bfact\.|^n°|^no\.?|^numero|^number|^ref(?:erence)?\.?)\s*(?:n°|no\.?|number|numero|num\.?|#|nr\.?|reference|ref\.?)?\s*:?\s*#?\s*([a-z0-9][a-z0-9\-/_.]*\d[a-z0-9\-/_]*)`)
	// "Facture de solde n° CM-2026-0311", "Invoice credit memo no. 12".
	reNumberQualified = regexp.MustCompile(`\b(?:facture|invoice)(?: [a-z'-]+){1,3}? (?:n°|no\.?|numero|number|#)\s*:?\s*([a-z0-9][a-z0-9\-/_.]*\d[a-z0-9\-/_]*)`)
	reIssueLbl        = regexp.MustCompile(`\bdate\b|\bdu \d|\bissued\b|\bemise? le\b|\bfait(?:e)? (?:a [a-z' -]+,? )?le\b|, le \d`)
	reOtherLbl        = regexp.MustCompile(`echeance|\bdue\b|livraison|delivery|commande|order|paiement|payment|limite|reglement|avant|before|by\b|prestation|service|vente|sale|execution`)
	reDueLbl          = regexp.MustCompile(`echeance|\bdue\b|payable (?:avant|le|au plus tard|by|on|before)|a (?:payer|regler) (?:avant|le|au plus tard)|pay(?:ment)? by|date limite|to be paid by|payment date|date de (?:paiement|reglement)|reglement (?:avant|le|au plus tard)`)
	reReceipt         = regexp.MustCompile(`(?:a|des|a la|upon|on) reception\b|\bon receipt\b|\bupon receipt\b|\bcomptant\b|\bdue immediately\b`)
	reTerms           = regexp.MustCompile(`^(?:reglement|paiement|payment|conditions)\s*:|\b\d{1,3} ?(?:jours|days)\b|virement|\bcheque|\blcr\b|prelevement|bank transfer|wire transfer|conditions? de (?:paiement|reglement)|modalites? de (?:paiement|reglement)|mode de (?:paiement|reglement)|moyens? de paiement|payment terms|terms of payment|payment method|^terms\b|(?:paiement|reglement|payable) (?:a|sous|par|comptant|net)\b|payable (?:within|in|net|on receipt|upon)\b|\bnet \d{1,3}\b|payment (?:by|within|in)\b`)
	reTermDays        = regexp.MustCompile(`(?:net\s*(\d{1,3})\b|(\d{1,3})\s*(?:jours|days|j)\b(\s*(?:fin de mois|end of month|fdm|eom|le \d+))?)`)
	rePenalty         = regexp.MustCompile(`\blate\b[^.;]{0,40}\binterest\b|\bretard\b[^.;]{0,40}\b(?:interets?|taux)\b|penalite|interets? (?:de|pour) retard|taux d'interet de retard|late[- ](?:payment )?(?:interest|penalt|fee|charge)|interest (?:on|for) late|overdue interest|default interest|late payments? (?:will )?(?:bear|incur|attract)`)
	reFeeWord         = regexp.MustCompile(`indemnite|compensation|recovery|recouvrement|collection costs`)
	reFee40           = regexp.MustCompile(`\b40(?:[.,]00)?\s*(?:€|eur|euros)|(?:€|eur)\s*40\b|quarante euros|forty euros`)
	reDiscount        = regexp.MustCompile(`escompte|(?:early|prompt)[- ]payment discount|discount for (?:early|prompt|advance) payment|settlement discount|no discount|without discount`)
	reNature          = regexp.MustCompile(`^(?:nature|type|categorie|category|cadre)\b[^:\n]{0,40}(?:operation|supply|facturation|transaction|invoice)|^operations?\s*:|^nature\s*:|^supply of\b|^operation type\b|^(?:prestations?|objet)\s*:.*\b(?:prestations? de services?|livraisons? de biens)\b`)
	reGoods           = regexp.MustCompile(`\bbiens?\b|marchandise|\bgoods\b|fourniture|\bproducts?\b|livraisons? de`)
	reServices        = regexp.MustCompile(`\bservices?\b|prestations?`)
	reMixed           = regexp.MustCompile(`\bmixte?s?\b|\bmixed\b`)
	reVATBasis        = regexp.MustCompile(`\bdebits?\b|encaissements?|\bon receipts?\b|\bcash basis\b|\baccruals? basis\b|payments? received`)
	reFranchise       = regexp.MustCompile(`293 ?b|franchise en base|tva non applicable|vat not applicable`)
	reExempt          = regexp.MustCompile(`293 ?b|tva non applicable|vat not applicable|autoliquidation|reverse charge|exoneration de tva|exonere de tva|not subject to vat|art\.? 262|art\.? 283`)

	reInclLbl = regexp.MustCompile(`\bttc\b|toutes taxes comprises|incl\.? (?:vat|tax)|including (?:vat|tax)|grand total|\bgross\b|total to pay|net a payer|total a payer|reste a payer|total due|amount due|balance due|total payable|amount payable`)
	// What is left to pay after a deposit is no total: it fills the total
	// only when the invoice states no other.
	reWeakIncl = regexp.MustCompile(`net a payer|reste a payer|total a payer|total due|amount due|balance due|total payable|amount payable`)
	reExclLbl  = regexp.MustCompile(`^net\b|\bht\b|hors tax|sous[- ]total|sub[- ]?total|excl\.? (?:vat|tax)|excluding (?:vat|tax)|net total|total net|before (?:vat|tax)|net amount`)
	reVATLbl   = regexp.MustCompile(`\btva\b|\bvat\b|\btax\b`)
	reNotVAT   = regexp.MustCompile(`tva intra|n° (?:de )?tva|numero de tva|identifiant|vat (?:no|number|id|reg)|non applicable|not applicable|debits|encaissements|on receipts|basis|autoliquidation|reverse`)
	// A row of a VAT summary: "5,5 %   500,00   27,50".
	reTaxRow  = regexp.MustCompile(`^\d{1,2}(?:[.,]\d{1,2})? ?%\s+\S`)
	reTotLbl  = regexp.MustCompile(`^(?:total|montant|amount)\b`)
	reVATHead = regexp.MustCompile(`^(?:total |montant )?(?:de la |of )?(?:tva|vat|tax)\b`)
	reVATID   = regexp.MustCompile(`\b[a-z]{2} ?\d{2} ?\d{3} ?\d{3} ?\d{3}\b|\b[a-z]{2}\d{8,12}\b`)

	reFooterSep  = regexp.MustCompile(`\s+[-–—·•|]\s+`)
	reIdentSep   = regexp.MustCompile(`\s+[-–—·•|]\s+|,\s+`)
	reIDTail     = regexp.MustCompile(`\s*[(\[,/]?\s*(?:\b(?:n° )?(?:siren|siret|rcs|tva|vat|tel|tél|phone|email|e-mail|iban|bic|capital)\b|\S+@).*$`)
	reNamesBuyer = regexp.MustCompile(`\b(?:client|customer|buyer|acheteur)\b`)
	reColQty     = regexp.MustCompile(`\b(?:qte|quantite|qty|quantity|nb|nombre|heures|hours|jours|days|units|words|mots|pages|lots)\b`)
	reColPrice   = regexp.MustCompile(`\b(?:pu|p\.u\.?|prix|unit price|price|tarif|rate|cout unitaire|unit cost|unit)\b`)
	reColRate    = regexp.MustCompile(`\b(?:tva|vat|taux|tax)\b`)
	reColTotal   = regexp.MustCompile(`\b(?:total|montant|amount|net)\b`)
)

// Figures, on folded text.
var (
	reCellSplit = regexp.MustCompile(`\s{2,}|\s*\|\s*|\s*;\s*`)
	reFigure    = regexp.MustCompile(`^(?:€|eur|\$|£)?\s*([+-]?\d{1,3}(?:[ .,']\d{3})+(?:[.,]\d{1,4})?|[+-]?\d+(?:[.,]\d{1,4})?)\s*(%|€|eur|euros?|\$|£|h|hrs?|heures?|hours?|j|jours?|days?|pcs?|pieces?|u|unites?|units?|m²|m2|m3|ml|m|kg|forfaits?)?\.?$`)
	reInline    = regexp.MustCompile(`^(?:[-•*]\s*)?(\d+(?:[.,]\d+)?)\s*(?:x|×)\s+(.+?)\s+(?:@|a|at)\s+([^=]+?)\s*(?:=|:|→)\s*(.+)$`)
	reInline2   = regexp.MustCompile(`^(?:[-•*]\s*)?(.+?)\s*(?:[:—–-]|\.{2,})\s+(\d+(?:[.,]\d+)?)\s*(?:x|×)\s*([^=]+?)\s*(?:=|→)\s*(.+)$`)
	reAmountAny = regexp.MustCompile(`(?:€|eur|\$|£)?\s*[+-]?(?:\d{1,3}(?:[ .,']\d{3})+|\d+)(?:[.,]\d{1,2})?\s*(?:%|€|eur|euros?|\$|£)?`)
)

// block is the part of the invoice a line belongs to.
type block int

const (
	blockSeller block = iota
	blockBuyer
	blockDelivery
	blockTable
	blockOther
)

// readText reads the facts of an invoice from its text, line by line.
func readText(raw string) facts {
	var f facts
	lines := strings.Split(strings.ReplaceAll(raw, "\r", ""), "\n")
	cur, started := blockSeller, false
	var cols []string
	for _, raw := range lines {
		low := strings.TrimSpace(fold(raw))
		if low == "" {
			if cur == blockBuyer || cur == blockDelivery || (cur == blockSeller && started) || cur == blockTable {
				cur = blockOther
			}
			continue
		}
		rest, head := "", false
		switch {
		case reBuyerHead.MatchString(low) && !reIDish.MatchString(low[:min(len(low), 12)]):
			cur, head, rest = blockBuyer, true, reBuyerHead.FindStringSubmatch(low)[1]
		case reBuyerBare.MatchString(low):
			cur, head = blockBuyer, true
		case reCivility.MatchString(low) && cur != blockBuyer && cur != blockDelivery:
			cur, head, rest = blockBuyer, true, low
		case reDelivHead.MatchString(low):
			cur, head, rest = blockDelivery, true, reDelivHead.FindStringSubmatch(low)[1]
		case reSellHead.MatchString(low):
			cur, head, rest = blockSeller, true, reSellHead.FindStringSubmatch(low)[1]
		case reTableDesig.MatchString(low) && reTableFig.MatchString(low) && !hasFigure(low):
			cur, cols = blockTable, columns(low)
			continue
		}
		if head {
			if rest == "" {
				continue
			}
			// "Client : Boulangerie Dupont": the block's first line is
			// on the label's line.
			low = rest
		}
		f.mentions(low, cur)
		switch cur {
		case blockTable:
			if isTotalLine(low) {
				cur = blockOther
				f.total(low)
				continue
			}
			if l, ok := tableLine(low, cols); ok {
				f.lines = append(f.lines, l)
			}
			continue
		case blockBuyer:
			f.identity(&f.buyer, low)
			continue
		case blockDelivery:
			if rePostcode.MatchString(low) || reStreet.MatchString(low) {
				f.delivery = low
			}
			continue
		case blockSeller:
			if !isTitle(low) {
				f.identity(&f.seller, low)
				started = true
				continue
			}
		case blockOther:
			if reSIREN.MatchString(low) || reVATFR.MatchString(low) || reVATLabel.MatchString(low) || strings.Contains(low, "capital") {
				f.footer(low)
			}
		}
		if l, ok := inlineLine(low); ok {
			f.lines = append(f.lines, l)
			continue
		}
		if isTotalLine(low) {
			f.total(low)
		}
	}
	if f.hasExcl && !f.hasIncl && f.vatExempt {
		f.incl, f.hasIncl = f.excl, true
	}
	if f.hasIncl && !f.hasExcl && f.vatExempt {
		f.excl, f.hasExcl = f.incl, true
	}
	return f
}

// isTitle tells a line naming the document ("FACTURE", "Invoice n° 12",
// "Date : …") from the lines of the seller's letterhead.
func isTitle(low string) bool {
	return reTitle.MatchString(low) || strings.HasPrefix(low, "date") ||
		strings.HasPrefix(low, "n°") || strings.HasPrefix(low, "page") || reNumber.MatchString(low) && !reIDish.MatchString(low) ||
		hasDate(low)
}

func hasDate(low string) bool {
	_, ok := findDate(low)
	return ok
}

// identity reads one line of a party's block: its name (the first line that
// is neither an address nor an identifier), its address, its SIREN and VAT
// number.
func (f *facts) identity(p *party, low string) {
	if parts := reIdentSep.Split(low, -1); len(parts) > 1 {
		for _, part := range parts {
			f.identity(p, strings.TrimSpace(part))
		}
		return
	}
	switch {
	case rePostcode.MatchString(low) || reStreet.MatchString(low):
		p.address = low
	case isTitle(low):
	case reIDish.MatchString(low):
		// "Alpine Outdoor SAS (SIREN 447 332 108)": the name before
		// its identifiers.
		if name := strings.TrimSpace(reIDTail.ReplaceAllString(low, "")); p.name == "" && hasLetters(name) {
			p.name = name
		}
	case p.name == "" && hasLetters(low):
		p.name = low
	}
}

// footer reads the seller's legal line at the foot of the page ("Studio
// Martin SARL – 12 rue des Lilas, 69003 Lyon – SIRET …"), where many
// invoices give the identity the letterhead leaves out.
func (f *facts) footer(low string) {
	parts := reFooterSep.Split(low, -1)
	for _, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case f.seller.address == "" && (rePostcode.MatchString(p) || reStreet.MatchString(p)):
			f.seller.address = p
		case f.seller.name == "" && hasLetters(p) && !reIDish.MatchString(p) && !hasFigure(p):
			f.seller.name = p
		}
	}
}

// mentions reads the mentions a line may carry wherever it stands: the
// identifiers (of the buyer in the buyer's block or when the line names
// the client, of the seller elsewhere), the number, the dates and the
// terms.
func (f *facts) mentions(low string, cur block) {
	who := &f.seller
	if cur == blockBuyer || reNamesBuyer.MatchString(low) {
		who = &f.buyer
	}
	if cur != blockDelivery {
		if m := reSIREN.FindStringSubmatch(low); m != nil {
			if d := digits(m[1]); len(d) == 9 || len(d) == 14 {
				who.siren = d
			}
		}
		if !strings.Contains(low, "iban") {
			if m := reVATLabel.FindStringSubmatch(low); m != nil && len(digits(m[1])) >= 8 {
				who.vat = m[1]
			} else if m := reVATFR.FindString(low); m != "" {
				who.vat = m
			}
		}
	}
	if cur == blockTable {
		return
	}
	if f.number == "" {
		for _, re := range []*regexp.Regexp{reNumber, reNumberQualified} {
			if m := re.FindStringSubmatch(low); m != nil && !isDate(m[1]) {
				f.number = m[1]
				break
			}
		}
	}
	due := reDueLbl.MatchString(low)
	if d, ok := findDate(low); ok {
		issueLbl := reIssueLbl.MatchString(low) && !reOtherLbl.MatchString(strings.SplitN(low, "date", 2)[0]+afterDateWord(low))
		switch {
		case due:
			f.due = d
		case f.issue.IsZero() && (issueLbl || reTitle.MatchString(low)):
			// "INVOICE #BH-26-0333 — 22 October 2026": the date on the
			// title line is the date of issue.
			f.issue = d
		case reTerms.MatchString(low) && !issueLbl:
			// "Payable within 30 days, i.e. by 11 November 2026": a date
			// in the payment terms is when payment is due.
			f.due = d
		}
	}
	// "Paiement à réception. Escompte de 2 % à réception": only the
	// sentence about the payment itself says when it is due.
	for _, sentence := range strings.Split(low, ". ") {
		if reReceipt.MatchString(sentence) && !strings.Contains(sentence, "escompte") && !strings.Contains(sentence, "discount") {
			f.dueOnReceipt = true
		}
	}
	if reTerms.MatchString(low) {
		f.terms = true
	}
	if (reTerms.MatchString(low) || due) && f.termDays == 0 {
		if m := reTermDays.FindStringSubmatch(low); m != nil && !rePenalty.MatchString(low) && !reDiscount.MatchString(low) {
			n := m[1] + m[2]
			f.termDays, _ = strconv.Atoi(n)
			f.endOfMonth = m[3] != ""
		}
	}
	f.penalty = f.penalty || rePenalty.MatchString(low)
	f.indemnity = f.indemnity || reFeeWord.MatchString(low) && reFee40.MatchString(low)
	f.discount = f.discount || reDiscount.MatchString(low)
	if reNature.MatchString(low) {
		f.nature = natureOf(low)
	}
	f.vatExempt = f.vatExempt || reExempt.MatchString(low)
	f.franchise = f.franchise || reFranchise.MatchString(low)
	if reVATLbl.MatchString(low) && reVATBasis.MatchString(low) || strings.Contains(low, "debits") {
		f.vatBasis = true
	}
}

// afterDateWord is what follows the word "date" on a line, up to the date
// itself: "Date d'échéance" is no issue date, "Date : 03/11/2026" is.
func afterDateWord(low string) string {
	i := strings.Index(low, "date")
	if i < 0 {
		return ""
	}
	s := low[i+4:]
	if j := strings.IndexAny(s, "0123456789"); j >= 0 {
		s = s[:j]
	}
	return s
}

func natureOf(low string) nature {
	if i := strings.IndexAny(low, ":"); i >= 0 {
		low = low[i:]
	}
	g, s := reGoods.MatchString(low), reServices.MatchString(low)
	switch {
	case reMixed.MatchString(low) || g && s:
		return natureMixed
	case g:
		return natureGoods
	case s:
		return natureServices
	}
	return natureUnknown
}

// columns lists the figure columns a table header names, in order: "qty",
// "price", "rate" (VAT) and "total".
func columns(low string) []string {
	type col struct {
		name string
		at   int
	}
	var cs []col
	find := func(name string, re *regexp.Regexp) {
		if loc := re.FindStringIndex(low); loc != nil {
			cs = append(cs, col{name, loc[0]})
		}
	}
	find("qty", reColQty)
	find("price", reColPrice)
	find("rate", reColRate)
	find("total", reColTotal)
	// "Prix unitaire" is the price column even when "Total" comes first in
	// a header such as "Total HT" at the end.
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].at < cs[j-1].at; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}

// tableLine reads one line of the invoice table: the designation (its
// cells of text) and the figures in the header's columns.
// When a line has fewer figures than the header has columns, they fill the
// columns from the right (the total is always last).
func tableLine(low string, cols []string) (line, bool) {
	cells := reCellSplit.Split(low, -1)
	var desig []string
	var figs []decimal.Decimal
	var pct []bool
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if m := reFigure.FindStringSubmatch(c); m != nil {
			if v, ok := parseNumber(m[1]); ok {
				figs = append(figs, v)
				pct = append(pct, m[2] == "%")
				continue
			}
		}
		// The designation is the text of the line wherever it stands:
		// some invoices put the quantity first.
		if hasLetters(c) {
			desig = append(desig, c)
		}
	}
	if len(figs) == 0 {
		return line{}, false
	}
	l := line{designation: strings.Join(desig, " ")}
	if len(cols) == 0 {
		cols = []string{"qty", "price", "total"}
	}
	// A percentage is the VAT rate whatever its column.
	var plain []decimal.Decimal
	for i, v := range figs {
		if pct[i] {
			l.rate, l.hasRate = v, true
		} else {
			plain = append(plain, v)
		}
	}
	var want []string
	for _, c := range cols {
		if c != "rate" || !l.hasRate {
			want = append(want, c)
		}
	}
	if len(plain) > len(want) && (len(want) == 0 || want[len(want)-1] != "total") {
		// A header without a total column ("Days | Day rate | Net" read
		// as two): the last figure of a line is its total all the same.
		want = append(want, "total")
	}
	if len(plain) > len(want) {
		plain = plain[len(plain)-len(want):]
	}
	want = want[len(want)-len(plain):]
	for i, c := range want {
		v := plain[i]
		switch c {
		case "qty":
			l.qty, l.hasQty = v, true
		case "price":
			l.price, l.hasPrice = v, true
		case "rate":
			l.rate, l.hasRate = v, true
		case "total":
			l.total, l.hasTotal = v, true
		}
	}
	return l, true
}

// inlineLine reads an item written as a sentence: "3 x Logo design @ 450.00
// = 1,350.00" or "Pose de tuiles : 12 × 45,00 € = 540,00 €".
func inlineLine(low string) (line, bool) {
	var q, d, p, t string
	if m := reInline.FindStringSubmatch(low); m != nil {
		q, d, p, t = m[1], m[2], m[3], m[4]
	} else if m := reInline2.FindStringSubmatch(low); m != nil {
		d, q, p, t = m[1], m[2], m[3], m[4]
	} else {
		return line{}, false
	}
	qty, ok1 := parseNumber(q)
	price, ok2 := amountIn(p)
	total, ok3 := amountIn(t)
	if !ok1 || !ok2 || !ok3 {
		return line{}, false
	}
	return line{designation: strings.TrimSpace(d), qty: qty, price: price, total: total, hasQty: true, hasPrice: true, hasTotal: true}, true
}

// isTotalLine tells a line of the totals ("Total HT : 1 200,00 €", "TVA 20
// % : 240,00") from the rest.
func isTotalLine(low string) bool {
	if !hasFigure(low) {
		return false
	}
	if reTaxRow.MatchString(low) {
		return true
	}
	return reInclLbl.MatchString(low) || reExclLbl.MatchString(low) || reTotLbl.MatchString(low) || isTaxLine(low)
}

// isTaxLine tells a VAT line of the totals from a line giving a VAT number
// or the VAT regime.
func isTaxLine(low string) bool {
	return reVATLbl.MatchString(low) && !reNotVAT.MatchString(low) && !reVATID.MatchString(low)
}

// total reads a line of the totals.
func (f *facts) total(low string) {
	amts, rate, hasRate := figures(low)
	if len(amts) == 0 {
		return
	}
	last := amts[len(amts)-1]
	switch {
	case reInclLbl.MatchString(low):
		strong := strings.Contains(low, "ttc") || strings.Contains(low, "comprises") || strings.Contains(low, "incl") ||
			strings.Contains(low, "grand total") || strings.Contains(low, "gross") || !reWeakIncl.MatchString(low)
		if strong || !f.hasIncl {
			f.incl, f.hasIncl = last, true
		}
	case reExclLbl.MatchString(low) && !reVATHead.MatchString(low):
		f.excl, f.hasExcl = last, true
	case isTaxLine(low) || reTaxRow.MatchString(low):
		t := tax{amount: last, hasAmount: true, rate: rate, hasRate: hasRate}
		if len(amts) >= 2 {
			t.base, t.hasBase = amts[len(amts)-2], true
		}
		f.taxes = append(f.taxes, t)
		if !f.hasVAT || !strings.Contains(low, "total") {
			f.vat = decimal.Zero
			for _, x := range f.taxes {
				f.vat = f.vat.Add(x.amount)
			}
		}
		if strings.Contains(low, "total") {
			f.vat = last
			if !hasRate {
				f.taxes = f.taxes[:len(f.taxes)-1]
			}
		}
		f.hasVAT = true
	case reTotLbl.MatchString(low):
		if !f.hasIncl {
			f.incl, f.hasIncl = last, true
		}
	}
}

// figures returns the amounts of a line and its percentage, if any.
func figures(low string) ([]decimal.Decimal, decimal.Decimal, bool) {
	var amts []decimal.Decimal
	var rate decimal.Decimal
	hasRate := false
	for _, m := range reAmountAny.FindAllString(low, -1) {
		m = strings.TrimSpace(m)
		pct := strings.HasSuffix(m, "%")
		v, ok := amountIn(m)
		if !ok {
			continue
		}
		if pct {
			rate, hasRate = v, true
			continue
		}
		amts = append(amts, v)
	}
	return amts, rate, hasRate
}

func hasFigure(low string) bool {
	for _, m := range reAmountAny.FindAllString(low, -1) {
		if strings.ContainsAny(m, "0123456789") {
			return true
		}
	}
	return false
}

// amountIn parses an amount written with its currency or unit around it.
func amountIn(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "€$£% ")
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "euros"), "euro"), "eur")
	s = strings.TrimPrefix(s, "eur")
	return parseNumber(strings.TrimSpace(s))
}

// parseNumber reads an amount as printed on an invoice ("1 350,00",
// "1,350.00", "45", "2,5").
func parseNumber(s string) (decimal.Decimal, bool) {
	v, err := text.ParseDocumentAmount(s)
	return v, err == nil
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasLetters(s string) bool {
	n := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			n++
		}
	}
	return n >= 2
}

var reDateOnly = regexp.MustCompile(`^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$`)

// isDate tells a date ("03/11/2026") from an invoice number written with
// the same separators ("2026-10-087").
func isDate(tok string) bool {
	if !reDateOnly.MatchString(tok) {
		return false
	}
	_, ok := findDate(tok)
	return ok
}

// findDate returns the first date written on a folded line: 03/11/2026,
// 2026-11-03, 3 novembre 2026, 1er décembre 2026, November 3, 2026.
func findDate(low string) (time.Time, bool) {
	t, _, ok := text.FirstDate(low, false)
	return t, ok
}
