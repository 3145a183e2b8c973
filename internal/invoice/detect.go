package invoice

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/text"
)

// Reasons given for a not_invoice result that callers may test for.
const (
	reasonNoEvidence   = "no invoice signal"
	reasonOwnReminder  = "our own reminder"
	reasonReply        = "reply in an invoice thread, no invoice attached"
	reasonNoFacts      = "names an invoice but states neither its number nor its amount"
	headerRelanceDraft = "X-Relance-Draft"
)

// docSignal is a document type named in the subject, file names or text.
type docSignal struct {
	kind   Kind
	reason string
	pos    int
}

// Document words. Modifiers (pro forma, credit note, receipt) win over the
// word "facture" they qualify; between quote, order and invoice the word
// that comes first names the document.
var (
	reReminderSubject = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(relance|rappel|reminder|overdue|past\s+due|impay[ée]e?s?|unpaid|outstanding|retard\s+de\s+paiement|second\s+notice|final\s+notice|dernier\s+avis|mise\s+en\s+demeure)(?:$|[^\p{L}])`)
	reReminderBody    = regexp.MustCompile(`(?i)n['’]avons\s+pas\s+(?:encore\s+)?re[çc]u\s+(?:votre|le)\s+(?:r[èe]glement|paiement|virement)|sauf\s+erreur\s+de\s+notre\s+part|(?:reste|demeure|toujours)\s+(?:[àa]\s+ce\s+jour\s+)?impay[ée]e|have\s+not\s+(?:yet\s+)?received\s+(?:your\s+)?payment|(?:is|are)\s+(?:now\s+)?(?:overdue|past\s+due)|remains?\s+(?:unpaid|outstanding)|still\s+(?:unpaid|outstanding)`)
	reProforma        = regexp.MustCompile(`(?i)pro\s*-?\s*forma`)
	reCreditNote      = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:facture\s+d['’]avoir|note\s+d['’]avoir|note\s+de\s+cr[ée]dit|credit\s+note|credit\s+memo|(?:un|votre|notre|cet|l['’])\s*avoir|avoir\s*(?:n[°º]|#|:|-|\s+[A-Z0-9]*\d)|^\s*avoir(?:$|[^\p{L}]))`)
	reReceipt         = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(re[çc]u\s+(?:de\s+paiement|n[°º])|receipt|facture\s+acquitt[ée]e|(?:paiement|r[èe]glement|virement)\s+re[çc]u|payment\s+(?:received|confirmation)|confirmation\s+de\s+(?:paiement|r[èe]glement)|accus[ée]\s+de\s+r[ée]ception\s+de\s+(?:votre\s+)?(?:paiement|r[èe]glement|virement)|(?:avons\s+)?bien\s+re[çc]u\s+votre\s+(?:paiement|r[èe]glement|virement)|thank\s+you\s+for\s+your\s+payment|quittance)(?:$|[^\p{L}])`)
	// In a subject only: an invoice's body asks for "votre règlement".
	reReceiptSubject = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:votre|your)\s+(?:r[èe]glement|paiement|virement|payment)(?:$|[^\p{L}])`)
	reQuote          = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(devis|quote|quotation|estimate|offre\s+de\s+prix|proposition\s+commerciale)(?:$|[^\p{L}])`)
	reOrder          = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(confirmation\s+de\s+(?:votre\s+)?(?:commande|r[ée]servation)|(?:booking|reservation)\s+confirm(?:ation|ed)|confirmation\s+of\s+(?:your\s+)?(?:booking|reservation|order)|commande\s+confirm[ée]e|order\s+confirmation|order\s+(?:#\s*\S+\s+)?confirmed|accus[ée]\s+de\s+r[ée]ception\s+de\s+(?:votre\s+)?commande|bon\s+de\s+commande|purchase\s+order)(?:$|[^\p{L}])`)
	reInvoiceWord    = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(factures?|invoices?|note\s+d['’]honoraires)(?:$|[^\p{L}])`)
	reReplySubject   = regexp.MustCompile(`(?i)^\s*(?:re|ré|réf|aw|sv|antw|odp)\s*(?:\[\d+\])?\s*:`)
	reForwardSubject = regexp.MustCompile(`(?i)^\s*(?:tr|fw|fwd|wg|rv)\s*:|(?:^|[^\p{L}])(?:renvoi|re-?send|resent|copie|duplicata|copy)(?:$|[^\p{L}])`)
)

// docType names the document s is about, if it says.
func docType(s string) (docSignal, bool) {
	if s == "" {
		return docSignal{}, false
	}
	if loc := reProforma.FindStringIndex(s); loc != nil {
		return docSignal{KindNone, "proforma", loc[0]}, true
	}
	if loc := reCreditNote.FindStringIndex(s); loc != nil {
		return docSignal{KindCreditNote, "credit note", loc[0]}, true
	}
	if loc := reReceipt.FindStringIndex(s); loc != nil {
		return docSignal{KindNone, "receipt", loc[0]}, true
	}
	best := docSignal{pos: -1}
	for _, c := range []struct {
		re     *regexp.Regexp
		kind   Kind
		reason string
	}{
		{reQuote, KindNone, "quote (devis)"},
		{reOrder, KindNone, "order confirmation"},
		{reInvoiceWord, KindInvoice, "invoice"},
	} {
		if loc := c.re.FindStringIndex(s); loc != nil && (best.pos < 0 || loc[0] < best.pos) {
			best = docSignal{c.kind, c.reason, loc[0]}
		}
	}
	return best, best.pos >= 0
}

type detection struct {
	m   *message.Message
	opt Options
	// terms chosen while merging, applied once the issue date is final.
	terms     terms
	hasTerms  bool
	hasAmount bool
}

func newDetection(m *message.Message, opt Options) *detection {
	return &detection{m: m, opt: opt}
}

// sourceFacts is the union of what one source says.
type sourceFacts struct {
	source         string
	kind           Kind
	reason         string
	number         string
	credited       string
	amount         decimal.Decimal // the total including VAT
	hasAmount      bool
	payable        decimal.Decimal // what is owed: amount less prepaid
	prepaid        decimal.Decimal
	currency       string
	issue, due     time.Time
	order          time.Time
	delivery       time.Time
	terms          terms
	hasTerms       bool
	client, seller Party
	numbers        []numRef // text sources: every number, labelled
	amountStrong   bool     // text sources: the amount came with a label naming it
	norm           string   // text sources: the text's letters and digits, upper-cased
	evidence       []string
	problems       []string // self-check findings about this source
}

func (d *detection) run() Result {
	m := d.m
	body := m.Text
	if len(body) > maxPDFTextBytes {
		body = body[:maxPDFTextBytes]
	}
	r := Result{
		Seller:   Party{Name: strings.TrimSpace(m.From.Name), Email: strings.ToLower(strings.TrimSpace(m.From.Email))},
		Language: language(m.Subject+"\n"+body, defaultLang(d.opt)),
	}

	// Our own reminders come first: they often carry the invoice again.
	// One relance wrote is nothing more; one the owner wrote keeps the
	// facts it states, should the owner adopt it.
	if m.Get(headerRelanceDraft) != "" {
		return d.notInvoice(r, reasonOwnReminder+" ("+headerRelanceDraft+")")
	}
	var reject Rejection
	var rejectReason string
	if w := reReminderSubject.FindStringSubmatch(m.Subject); w != nil {
		reject, rejectReason = RejectOwnReminder, fmt.Sprintf("%s (subject says %q)", reasonOwnReminder, strings.TrimSpace(w[1]))
	} else if w := reminderWording(body); w != "" {
		reject, rejectReason = RejectOwnReminder, fmt.Sprintf("%s (body says %q)", reasonOwnReminder, w)
	}
	if reject != "" && !hasDocumentAttachment(m) {
		// Nothing to read beyond the words: the cheap way out.
		r = d.notInvoice(r, rejectReason)
		r.Rejected = reject
		return r
	}

	hasDoc := false
	pdfUnfetched := false
	for _, a := range m.Attachments {
		if isPDF(a) || isXML(a) {
			hasDoc = true
		}
		if isPDF(a) && a.Data == nil {
			pdfUnfetched = true
		}
	}

	var structured *sourceFacts
	var pdfTexts []string
	// problems go to the evidence; unreadable are the invoice documents
	// that could not be read at all, textless the PDFs whose text could not
	// be read: a human must look at them when nothing else gave the facts.
	var problems, unreadable, textless []string
	for _, a := range m.Attachments {
		if (isPDF(a) || isXML(a)) && (a.Truncated || (isPDF(a) && len(a.Data) > d.opt.maxPDF())) {
			unreadable = append(unreadable, fmt.Sprintf("%q (%d bytes) is too large to be read", truncate(a.Filename, 80), max(a.Size, len(a.Data))))
		}
		if !isPDF(a) || a.Data == nil || len(a.Data) > d.opt.maxPDF() {
			continue
		}
		if structured == nil {
			sf, err := facturX(a, d.opt.PDFs)
			if err != nil {
				problems = append(problems, err.Error())
				if !errors.Is(err, errNotInvoiceXML) {
					unreadable = append(unreadable, fmt.Sprintf("the invoice data in %q could not be read: %v", truncate(a.Filename, 80), err))
				}
			}
			structured = sf
		}
		if t, err := d.opt.PDFs.text(a.Data); err != nil {
			problems = append(problems, fmt.Sprintf("read text of %q: %v", a.Filename, err))
			textless = append(textless, fmt.Sprintf("the text of %q could not be read: %v", truncate(a.Filename, 80), err))
		} else if strings.TrimSpace(t) != "" {
			pdfTexts = append(pdfTexts, t)
		}
	}
	if structured == nil {
		for _, a := range m.Attachments {
			if !isXML(a) || a.Data == nil {
				continue
			}
			xf, err := parseInvoiceXML(a.Data)
			if err != nil {
				problems = append(problems, fmt.Sprintf("invoice: parse XML %q: %v", a.Filename, err))
				if !errors.Is(err, errNotInvoiceXML) {
					unreadable = append(unreadable, fmt.Sprintf("the invoice XML %q could not be read: %v", truncate(a.Filename, 80), err))
				}
				continue
			}
			structured = fromXML(xf, xf.format, "attachment "+a.Filename)
			break
		}
	}
	if structured != nil {
		// The structured data was read: an unreadable copy or page text
		// beside it costs nothing.
		unreadable, textless = nil, nil
	}

	monthFirst := r.Language == "en" && strings.Contains(m.Subject+body, "$")
	bodyFacts := d.fromText(m.Subject+"\n"+body, SourceBody, monthFirst)
	var pdfFacts *sourceFacts
	if len(pdfTexts) > 0 {
		text := strings.Join(pdfTexts, "\n")
		pf := d.fromText(text, SourcePDFText, monthFirst)
		if structured != nil && !structured.issue.IsZero() && !pf.issue.IsZero() && !pf.issue.Equal(structured.issue) {
			// The XML's issue date tells the order the PDF writes its
			// dates in ("11/03/2017" for 3 November).
			if alt := d.fromText(text, SourcePDFText, !monthFirst); alt.issue.Equal(structured.issue) {
				pf = alt
				pf.evidence = append(pf.evidence, "PDF dates read in the order of the XML issue date")
			}
		}
		pdfFacts = &pf
	}

	// What kind of document is it?
	var kind Kind
	var reason string
	switch {
	case reject != "":
		// One of our reminders: read as the invoice it names, then set
		// aside.
		kind, reason = KindInvoice, "invoice"
	case structured != nil:
		kind, reason = structured.kind, structured.reason
	default:
		sig, ok := docType(m.Subject)
		if loc := reReceiptSubject.FindStringIndex(m.Subject); loc != nil {
			// "Votre règlement de la facture…": the mail is about a
			// payment received, whatever document it names.
			sig, ok = docSignal{KindNone, "receipt", loc[0]}, true
		}
		if !ok {
			var names []string
			for _, a := range m.Attachments {
				names = append(names, strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(a.Filename))
			}
			sig, ok = docType(strings.Join(names, "\n"))
		}
		if !ok {
			sig, ok = docType(body)
		}
		if !ok && len(pdfTexts) > 0 {
			sig, ok = docType(pdfTexts[0])
		}
		if !ok && hasInvoiceNumber(&bodyFacts, pdfFacts) && hasPaymentFact(&bodyFacts, pdfFacts) {
			// A bare "F-350" is as likely a truck as an invoice: without a
			// document word, it takes an amount or a due date as well.
			sig, ok = docSignal{KindInvoice, "invoice number", 0}, true
		}
		if !ok {
			return d.notInvoice(r, reasonNoEvidence)
		}
		kind, reason = sig.kind, sig.reason
		if kind != KindNone && reReplySubject.MatchString(m.Subject) && !hasDoc {
			r = d.notInvoice(r, reasonReply)
			r.Rejected = RejectReply
			return r
		}
		if kind != KindNone && !pdfUnfetched && len(unreadable)+len(textless) == 0 && !hasInvoiceFact(&bodyFacts, pdfFacts) {
			r = d.notInvoice(r, reasonNoFacts)
			r.Rejected = RejectNoFacts
			return r
		}
	}
	r.Kind, r.Reason = kind, reason
	r.Evidence = append(r.Evidence, problems...)
	if kind == KindNone {
		// A near miss (a quote, a pro forma, an order confirmation, a
		// receipt): its facts are read as an invoice's, should the owner
		// adopt it.
		r.Evidence = append(r.Evidence, "document: "+reason)
		reject, rejectReason = nearMiss(reason), reason
		kind = KindInvoice
	}
	if structured != nil {
		r.Findings = append(r.Findings, structured.problems...)
	}
	r.Findings = append(r.Findings, unreadable...)

	// Merge, most trusted first: a source only fills what the ones above
	// it left empty.
	var chain []*sourceFacts
	if structured != nil {
		chain = append(chain, structured)
	}
	if pdfFacts != nil {
		pdfFacts.pickNumbers(kind)
		chain = append(chain, pdfFacts)
	}
	bodyFacts.pickNumbers(kind)
	chain = append(chain, &bodyFacts)
	d.merge(&r, chain)
	r.Disagreements = disagreements(chain)
	r.Findings = append(r.Findings, r.Disagreements...)
	if r.Number == "" || !d.hasAmount {
		// A PDF whose text cannot be read matters when nothing else gave
		// the invoice's number and amount.
		r.Findings = append(r.Findings, textless...)
	}

	// Whose document is it? Only the documents whose seller is us are our
	// receivables.
	var docSeller Party
	if structured != nil {
		docSeller = structured.seller
	}
	docBuyer := r.Client
	if reject == "" {
		ours, why := ownership(newUs(m.From.Name, m.From.Email, d.opt.Identity), docSeller, docBuyer)
		if !ours {
			reject, rejectReason = RejectNotOurs, "not ours: "+why
		} else if why != "" {
			r.Evidence = append(r.Evidence, why)
		}
	}

	if reForwardSubject.MatchString(m.Subject) {
		r.Evidence = append(r.Evidence, "looks like a re-send of an earlier mail")
	}
	if pdfUnfetched {
		r.Evidence = append(r.Evidence, "PDF attachment not fetched")
	}
	d.finish(&r)
	if reject != "" {
		// Set aside with its reason; the facts stay for the owner to adopt
		// it when relance was wrong.
		r.Kind, r.Reason, r.Rejected = KindNone, rejectReason, reject
		r.Evidence = append(r.Evidence, rejectReason)
	}
	return r
}

// nearMiss names the rejection of a document word that is not an invoice.
func nearMiss(reason string) Rejection {
	switch {
	case strings.HasPrefix(reason, "proforma"):
		return RejectProforma
	case strings.HasPrefix(reason, "quote"):
		return RejectQuote
	case strings.HasPrefix(reason, "order"):
		return RejectOrder
	case strings.HasPrefix(reason, "receipt"):
		return RejectReceipt
	}
	return RejectOther
}

// hasDocumentAttachment tells whether the mail carries a PDF or XML file.
func hasDocumentAttachment(m *message.Message) bool {
	for _, a := range m.Attachments {
		if isPDF(a) || isXML(a) {
			return true
		}
	}
	return false
}

// hasInvoiceNumber tells whether the text carries a number introduced as an
// invoice or credit note number, or written with such a prefix.
func hasInvoiceNumber(fs ...*sourceFacts) bool {
	for _, f := range fs {
		if f == nil {
			continue
		}
		for _, n := range f.numbers {
			if n.label == labelInvoice || n.label == labelCredit {
				return true
			}
		}
	}
	return false
}

func hasPaymentFact(fs ...*sourceFacts) bool {
	for _, f := range fs {
		if f != nil && (f.hasAmount || !f.due.IsZero()) {
			return true
		}
	}
	return false
}

// hasInvoiceFact tells whether a text source gives a document number or an
// amount, the least an invoice worth tracking states.
func hasInvoiceFact(fs ...*sourceFacts) bool {
	for _, f := range fs {
		if f == nil {
			continue
		}
		if f.hasAmount {
			return true
		}
		for _, n := range f.numbers {
			if n.label == labelInvoice || n.label == labelCredit || n.label == labelOther {
				return true
			}
		}
	}
	return false
}

func (f *sourceFacts) pickNumbers(kind Kind) {
	tf := textFacts{numbers: f.numbers}
	f.number, f.credited = tf.number(kind)
	if f.number != "" {
		f.evidence = append(f.evidence, fmt.Sprintf("%s number: %s", f.source, f.number))
	}
	if f.credited != "" {
		f.evidence = append(f.evidence, fmt.Sprintf("%s credits invoice: %s", f.source, f.credited))
	}
}

// merge fills r from the sources, most trusted first.
func (d *detection) merge(r *Result, chain []*sourceFacts) {
	for _, f := range chain {
		if r.Source == "" && (f.number != "" || f.hasAmount) {
			r.Source = f.source
		}
		if r.Number == "" {
			r.Number = f.number
		}
		if r.CreditedNumber == "" && r.Kind == KindCreditNote {
			r.CreditedNumber = f.credited
		}
		if !d.hasAmount && f.hasAmount {
			r.Amount, r.Currency = f.amount, f.currency
			r.Payable, r.Prepaid = f.payable, f.prepaid
			d.hasAmount = true
		}
		if r.IssueDate.IsZero() {
			r.IssueDate = f.issue
		}
		if r.DueDate.IsZero() {
			r.DueDate = f.due
		}
		if r.OrderDate.IsZero() {
			r.OrderDate = f.order
		}
		if r.DeliveryDate.IsZero() {
			r.DeliveryDate = f.delivery
		}
		if r.Client.Name == "" {
			r.Client.Name = f.client.Name
		}
		if r.Client.Email == "" {
			r.Client.Email = f.client.Email
		}
		if r.Client.Address == "" {
			r.Client.Address = f.client.Address
		}
		if r.Client.VATID == "" {
			r.Client.VATID = f.client.VATID
		}
		if r.Client.LegalID == "" {
			r.Client.LegalID = f.client.LegalID
		}
		if r.Client.Phone == "" {
			r.Client.Phone = f.client.Phone
		}
		if f.seller.Name != "" && r.Source == f.source {
			r.Seller.Name = f.seller.Name
		}
		if r.Seller.VATID == "" {
			r.Seller.VATID = f.seller.VATID
		}
		if r.Seller.Address == "" {
			r.Seller.Address = f.seller.Address
		}
		r.Evidence = append(r.Evidence, f.evidence...)
	}
	if r.Source == "" {
		r.Source = chain[0].source
	}
	// The amount's currency comes from its own source; any other source's
	// currency is accepted only for the very same amount.
	if d.hasAmount && r.Currency == "" {
		for _, f := range chain {
			if f.currency != "" && f.hasAmount && f.amount.Equal(r.Amount) {
				r.Currency = f.currency
				break
			}
		}
	}
	if r.DueDate.IsZero() {
		for _, f := range chain {
			if f.hasTerms {
				r.Evidence = append(r.Evidence, fmt.Sprintf("terms %q from %s", f.terms.text, f.source))
				d.terms, d.hasTerms = f.terms, true
				break
			}
		}
	}
}

// finish completes dates from the mail and terms, fills the client from
// the recipients, and lists what is missing.
func (d *detection) finish(r *Result) {
	hadAmount := d.hasAmount
	if r.IssueDate.IsZero() && !d.m.Date.IsZero() {
		r.IssueDate = midnightUTC(d.m.Date)
		r.Evidence = append(r.Evidence, "issue date: the day the mail was sent")
	}
	if r.DueDate.IsZero() && d.hasTerms && !r.IssueDate.IsZero() {
		r.DueDate = d.terms.apply(r.IssueDate)
		r.DueFromTerms = true
		r.Evidence = append(r.Evidence, fmt.Sprintf("due date computed from %q", d.terms.text))
	}
	r.IssueDate, r.DueDate = midnightUTC(r.IssueDate), midnightUTC(r.DueDate)

	if to := d.recipient(); to != nil {
		if r.Client.Email == "" {
			r.Client.Email = to.Email
		}
		if r.Client.Name == "" {
			r.Client.Name = strings.TrimSpace(to.Name)
		}
	}
	if hadAmount && r.Currency == "" && d.opt.DefaultCurrency != "" {
		r.Currency = strings.ToUpper(d.opt.DefaultCurrency)
		r.Evidence = append(r.Evidence, "currency: the business default "+r.Currency)
		if r.Source == SourceFacturX || r.Source == SourceUBL || r.Source == SourceCII {
			// A structured invoice must state its currency: a guess here
			// is a human's to confirm.
			r.Findings = append(r.Findings, fmt.Sprintf("%s states no currency: the business default %s is assumed", sourceName(r.Source), r.Currency))
		}
	}
	if r.Number == "" {
		r.Missing = append(r.Missing, FieldNumber)
	}
	if !hadAmount {
		r.Missing = append(r.Missing, FieldAmount)
	} else if r.Currency == "" {
		r.Missing = append(r.Missing, FieldCurrency)
	}
	if r.IssueDate.IsZero() {
		r.Missing = append(r.Missing, FieldIssueDate)
	}
	if r.DueDate.IsZero() {
		r.Missing = append(r.Missing, FieldDueDate)
	}
	if r.Client.Email == "" {
		r.Missing = append(r.Missing, FieldClient)
	}
}

// recipient is the client's address: the first To (else Cc) that is not
// one of ours.
func (d *detection) recipient() *message.Address {
	own := func(e string) bool {
		e = strings.ToLower(e)
		if e == "" || e == strings.ToLower(d.m.From.Email) {
			return true
		}
		for _, o := range d.opt.OwnAddresses {
			if strings.EqualFold(o, e) {
				return true
			}
		}
		return false
	}
	for _, list := range [][]message.Address{d.m.To, d.m.Cc} {
		for i := range list {
			if _, err := mail.ParseAddress(list[i].Email); err != nil {
				continue // nothing a reminder could be sent to
			}
			if !own(list[i].Email) {
				a := list[i]
				a.Email = strings.ToLower(a.Email)
				return &a
			}
		}
	}
	return nil
}

func hasField(list []string, f string) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}

func (d *detection) notInvoice(r Result, reason string) Result {
	r.Kind, r.Reason = KindNone, reason
	r.Evidence = append(r.Evidence, reason)
	return r
}

// facturX looks for an invoice XML embedded in a PDF.
func facturX(a message.Attachment, pdfs *PDFs) (*sourceFacts, error) {
	files, err := pdfs.embedded(a.Data)
	if err != nil {
		return nil, fmt.Errorf("invoice: read PDF %q: %w", a.Filename, err)
	}
	// The names the Factur-X, ZUGFeRD and XRechnung profiles mandate first,
	// then any other XML file.
	rank := func(name string) int {
		switch strings.ToLower(name) {
		case "factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml":
			return 0
		}
		return 1
	}
	var lastErr error
	for pass := 0; pass < 2; pass++ {
		for _, f := range files {
			if rank(f.name) != pass {
				continue
			}
			xf, err := parseInvoiceXML(f.data)
			if err != nil {
				lastErr = err
				continue
			}
			name := f.name
			if name == "" {
				name = "(unnamed)"
			}
			return fromXML(xf, SourceFacturX, fmt.Sprintf("%s embedded in %s", name, a.Filename)), nil
		}
	}
	if lastErr != nil {
		return nil, fmt.Errorf("invoice: embedded XML in %q: %w", a.Filename, lastErr)
	}
	return nil, nil
}

func fromXML(xf *xmlFacts, source, where string) *sourceFacts {
	kind, reason := kindOfTypeCode(xf.typeCode)
	sf := &sourceFacts{
		source: source, kind: kind, reason: reason,
		number: xf.number, credited: xf.credited,
		amount: xf.amount, hasAmount: xf.hasAmount, payable: xf.payable, prepaid: xf.prepaid, currency: xf.currency,
		issue: xf.issue, due: xf.due, order: xf.order, delivery: xf.delivery,
		client: xf.client, seller: xf.seller,
		problems: xf.problems,
	}
	if sf.kind == KindInvoice && xf.hasAmount && xf.amount.IsNegative() {
		// A corrective invoice (384) or an invoice with a negative total
		// gives money back: it is a credit on the invoice it refers to.
		sf.kind, sf.reason = KindCreditNote, reason+" with a negative total"
	}
	if sf.kind == KindCreditNote {
		// A credit note's amount is what it credits, whatever its sign; its
		// "amount due" (often zero) is no debt of the client.
		sf.amount = sf.amount.Abs()
		sf.payable, sf.prepaid = sf.amount, decimal.Zero
	}
	if sf.kind == KindInvoice && sf.credited != "" {
		// A corrective invoice references the invoice it corrects; only a
		// credit note "credits" one.
		sf.credited = ""
	}
	if sf.kind == KindInvoice && sf.hasAmount && sf.payable.IsNegative() {
		sf.problems = append(sf.problems, fmt.Sprintf("nothing is owed: %s %s prepaid is more than the total %s %s",
			sf.prepaid, xf.currency, sf.amount, xf.currency))
	}
	if xf.terms != "" {
		sf.terms, sf.hasTerms = findTerms(xf.terms)
		if sf.due.IsZero() {
			if due, how, ok := termsDueDate(xf.terms, xf.issue); ok {
				sf.due, sf.hasTerms = due, false
				sf.evidence = append(sf.evidence, fmt.Sprintf("due date %s from the payment terms %q", how, truncate(xf.terms, 120)))
			}
		}
	}
	sf.evidence = append(sf.evidence, "source: "+where)
	sf.evidence = append(sf.evidence, xf.evidence...)
	return sf
}

func (d *detection) fromText(s, source string, monthFirst bool) sourceFacts {
	tf := extractText(s, monthFirst)
	sf := sourceFacts{source: source, issue: tf.issue, due: tf.due, terms: tf.terms, hasTerms: tf.hasTerms, norm: text.NormalizeNumber(s)}
	sf.numbers = tf.numbers
	if tf.hasAmount {
		sf.amount, sf.hasAmount, sf.currency = tf.amount.value, true, tf.amount.currency
		sf.payable, sf.prepaid, sf.amountStrong = tf.payable, tf.prepaid, tf.amountStrong
		sf.evidence = append(sf.evidence, fmt.Sprintf("%s amount: %q", source, tf.amountLine))
		if tf.payableLine != "" {
			sf.evidence = append(sf.evidence, fmt.Sprintf("%s amount owed: %q", source, tf.payableLine))
		}
	}
	if tf.issueLine != "" {
		sf.evidence = append(sf.evidence, fmt.Sprintf("%s issue date: %q", source, tf.issueLine))
	}
	if tf.dueLine != "" {
		sf.evidence = append(sf.evidence, fmt.Sprintf("%s due date: %q", source, tf.dueLine))
	}
	if tf.hasTerms {
		sf.evidence = append(sf.evidence, fmt.Sprintf("%s payment terms: %q", source, tf.terms.text))
	}
	sf.client = Party{Name: tf.clientName, Address: tf.clientAddr}
	return sf
}

// reminderWords are the words, lower-cased, one of which every match of
// reReminderBody holds: most mails hold none, and the pattern, a long
// case-insensitive alternation, is costly over a whole body.
var reminderWords = []string{"avons", "sauf", "impay", "received", "overdue", "past", "unpaid", "outstanding"}

// reminderWording is the wording of a payment reminder in body, or "".
func reminderWording(body string) string {
	low := strings.ToLower(body)
	for _, w := range reminderWords {
		if strings.Contains(low, w) {
			return reReminderBody.FindString(body)
		}
	}
	return ""
}
