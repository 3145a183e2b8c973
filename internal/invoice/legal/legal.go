// Package legal checks one of our own invoices before its first reminder:
// the mentions French law requires on it, its arithmetic, its payment term,
// the agreement of its sources and the purchase order the client asked for.
// A reminder for an invoice the client can rightly refuse (no SIREN, a
// wrong total, a term beyond the legal maximum) only delays payment, so the
// owner sees these findings first.
//
// Check is pure: it reads a Document (the invoice's structured XML when it
// carries one, else the text of its PDF and of its mail) and returns
// findings, each with its legal reference and plain words in French and
// English. It never guesses a mention into existence: a mention it cannot
// read is reported, for the owner to confirm or correct.
package legal

import (
	"fmt"
	"sort"
)

// Kind names one rule of the self-check.
type Kind string

// Mentions an invoice must carry (Code de commerce L441-9, CGI annexe II
// art. 242 nonies A), the reform's additional mentions, and the other rules.
const (
	MissingNumber          Kind = "missing_number"
	MissingDate            Kind = "missing_date"
	MissingSellerName      Kind = "missing_seller_name"
	MissingSellerAddress   Kind = "missing_seller_address"
	MissingSellerSIREN     Kind = "missing_seller_siren"
	MissingSellerVAT       Kind = "missing_seller_vat"
	MissingBuyerName       Kind = "missing_buyer_name"
	MissingBuyerAddress    Kind = "missing_buyer_address"
	MissingBuyerSIREN      Kind = "missing_buyer_siren"
	MissingDeliveryAddress Kind = "missing_delivery_address"
	MissingDesignation     Kind = "missing_designation"
	MissingQuantity        Kind = "missing_quantity"
	MissingUnitPrice       Kind = "missing_unit_price"
	MissingVATRate         Kind = "missing_vat_rate"
	MissingVATAmount       Kind = "missing_vat_amount"
	MissingTotals          Kind = "missing_totals"
	MissingDueDate         Kind = "missing_due_date"
	MissingPaymentTerms    Kind = "missing_payment_terms"
	MissingPenaltyRate     Kind = "missing_penalty_rate"
	MissingRecoveryFee     Kind = "missing_recovery_indemnity"
	MissingDiscountTerms   Kind = "missing_discount_terms"
	MissingOperationNature Kind = "missing_operation_nature"
	MissingVATOnDebits     Kind = "missing_vat_on_debits"

	LineTotalWrong  Kind = "line_total_wrong"
	LinesSumWrong   Kind = "lines_sum_wrong"
	VATAmountWrong  Kind = "vat_amount_wrong"
	TotalInclWrong  Kind = "total_incl_wrong"
	TermTooLong     Kind = "term_too_long"
	SourcesDisagree Kind = "sources_disagree"
	PurchaseOrder   Kind = "purchase_order_missing"

	ConsumerPenalties Kind = "consumer_penalties"
	ConsumerRecovery  Kind = "consumer_recovery_indemnity"
)

// Legal references, as a credit controller cites them.
const (
	refL4419      = "Code de commerce, art. L441-9"
	refL44110     = "Code de commerce, art. L441-10"
	refL44110I    = "Code de commerce, art. L441-10, I"
	refD4415      = "Code de commerce, art. L441-10 et D441-5"
	ref242        = "CGI, annexe II, art. 242 nonies A"
	refReform     = "CGI, annexe II, art. 242 nonies A (décret n° 2022-1299)"
	ref289        = "CGI, art. 289"
	refOrder      = "Code de commerce, art. L441-9 (commande du client)"
	refConsumerPe = "Code de commerce, art. L441-10 (entre professionnels seulement)"
	refConsumerRe = "Code de commerce, art. D441-5 (entre professionnels seulement)"
)

// rule is what a finding of a kind says.
type rule struct {
	ref    string
	fr, en string
}

// rules holds the words of every kind, written once. Each sentence is what
// the owner reads on the flag before deciding to send a corrected invoice.
var rules = map[Kind]rule{
	MissingNumber:          {ref242, "La facture ne porte pas de numéro ; il faut un numéro unique pris dans une séquence continue.", "The invoice carries no number; it needs a unique number from a continuous sequence."},
	MissingDate:            {ref242, "La date d'émission de la facture n'apparaît pas.", "The invoice does not show its date of issue."},
	MissingSellerName:      {refL4419, "Le nom ou la dénomination de notre entreprise n'apparaît pas sur la facture.", "Our business name does not appear on the invoice."},
	MissingSellerAddress:   {refL4419, "L'adresse de notre entreprise n'apparaît pas sur la facture.", "Our business address does not appear on the invoice."},
	MissingSellerSIREN:     {ref242, "Notre numéro SIREN (ou SIRET) n'apparaît pas sur la facture.", "Our SIREN (or SIRET) number does not appear on the invoice."},
	MissingSellerVAT:       {ref242, "Notre numéro de TVA intracommunautaire n'apparaît pas sur la facture.", "Our intra-EU VAT number does not appear on the invoice."},
	MissingBuyerName:       {refL4419, "Le nom du client n'apparaît pas sur la facture.", "The client's name does not appear on the invoice."},
	MissingBuyerAddress:    {refL4419, "L'adresse de facturation du client n'apparaît pas sur la facture.", "The client's billing address does not appear on the invoice."},
	MissingBuyerSIREN:      {refReform, "Le numéro SIREN du client n'apparaît pas ; la réforme de la facturation électronique le rend obligatoire.", "The client's SIREN number is missing; the e-invoicing reform makes it mandatory."},
	MissingDeliveryAddress: {refReform, "La facture de biens ne donne pas d'adresse de livraison ; la réforme demande de l'indiquer lorsqu'elle diffère de l'adresse de facturation.", "This invoice for goods gives no delivery address; the reform asks for it when it differs from the billing address."},
	MissingDesignation:     {ref242, "Une ligne de la facture ne dit pas ce qui a été vendu ou fourni.", "A line of the invoice does not say what was sold or provided."},
	MissingQuantity:        {ref242, "Les quantités ne sont pas indiquées pour chaque ligne.", "The quantities are not stated on each line."},
	MissingUnitPrice:       {ref242, "Le prix unitaire hors taxes n'est pas indiqué pour chaque ligne.", "The unit price excluding VAT is not stated on each line."},
	MissingVATRate:         {ref242, "Le taux de TVA appliqué n'est pas indiqué.", "The VAT rate applied is not stated."},
	MissingVATAmount:       {ref242, "Le montant de la TVA n'est pas indiqué.", "The amount of VAT is not stated."},
	MissingTotals:          {ref242, "Les totaux hors taxes et toutes taxes comprises ne sont pas tous les deux indiqués.", "The totals excluding and including VAT are not both stated."},
	MissingDueDate:         {refL4419, "La date à laquelle le paiement doit intervenir n'apparaît pas.", "The date by which payment is due does not appear."},
	MissingPaymentTerms:    {refL4419, "Les conditions de paiement (délai, moyen de règlement) ne sont pas indiquées.", "The payment terms (period, means of payment) are not stated."},
	MissingPenaltyRate:     {refL44110, "Le taux des pénalités de retard n'est pas indiqué ; sans lui, il est plus délicat de les réclamer.", "The late-payment penalty rate is not stated; without it, claiming penalties is harder."},
	MissingRecoveryFee:     {refD4415, "La mention de l'indemnité forfaitaire de 40 € pour frais de recouvrement manque.", "The mention of the 40 € fixed recovery indemnity is missing."},
	MissingDiscountTerms:   {refL4419, "Les conditions d'escompte ne sont pas indiquées (écrire « pas d'escompte pour paiement anticipé » s'il n'y en a pas).", "The early-payment discount terms are not stated (write \"no discount for early payment\" when there is none)."},
	MissingOperationNature: {refReform, "La facture ne dit pas s'il s'agit de livraisons de biens, de prestations de services ou des deux.", "The invoice does not say whether it covers goods, services or both."},
	MissingVATOnDebits:     {refReform, "La facture de services ne dit pas si la TVA est acquittée d'après les débits ou sur les encaissements.", "This services invoice does not say whether VAT is paid on debits or on receipts."},
	LineTotalWrong:         {ref242, "Un total de ligne ne correspond pas à la quantité multipliée par le prix unitaire.", "A line total does not match the quantity times the unit price."},
	LinesSumWrong:          {ref242, "La somme des lignes ne correspond pas au total hors taxes.", "The sum of the lines does not match the total excluding VAT."},
	VATAmountWrong:         {ref242, "Le montant de TVA ne correspond pas au taux appliqué à la base.", "The VAT amount does not match the rate applied to its base."},
	TotalInclWrong:         {ref242, "Le total TTC n'est pas égal au total hors taxes augmenté de la TVA.", "The total including VAT is not the total excluding VAT plus the VAT."},
	TermTooLong:            {refL44110I, "Le délai de paiement dépasse le maximum légal de 60 jours après la facture (ou 45 jours fin de mois).", "The payment term exceeds the legal maximum of 60 days from the invoice (or 45 days end of month)."},
	SourcesDisagree:        {ref289, "Le message, le PDF et le fichier XML de la facture ne disent pas la même chose.", "The mail, the PDF and the XML file of the invoice do not say the same thing."},
	PurchaseOrder:          {refOrder, "Le client a demandé que son numéro de bon de commande figure sur la facture, et il n'y est pas.", "The client asked for their purchase-order number on the invoice, and it is not there."},
	ConsumerPenalties:      {refConsumerPe, "La facture d'un particulier mentionne des pénalités de retard professionnelles, qu'un consommateur ne doit pas.", "This consumer invoice mentions business late-payment penalties, which a consumer never owes."},
	ConsumerRecovery:       {refConsumerRe, "La facture d'un particulier mentionne l'indemnité de 40 €, qu'un consommateur ne doit pas.", "This consumer invoice mentions the 40 € recovery indemnity, which a consumer never owes."},
}

// Kinds lists every kind of finding, in the order findings are reported.
func Kinds() []Kind {
	out := make([]Kind, 0, len(rules))
	for k := range rules {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}

// order is the reporting order: identity first, then lines, money, terms.
var order = func() map[Kind]int {
	ks := []Kind{MissingNumber, MissingDate, MissingSellerName, MissingSellerAddress, MissingSellerSIREN, MissingSellerVAT,
		MissingBuyerName, MissingBuyerAddress, MissingBuyerSIREN, MissingDeliveryAddress, MissingOperationNature,
		MissingDesignation, MissingQuantity, MissingUnitPrice, MissingVATRate, MissingVATAmount, MissingTotals,
		LineTotalWrong, LinesSumWrong, VATAmountWrong, TotalInclWrong,
		MissingDueDate, MissingPaymentTerms, TermTooLong, MissingPenaltyRate, MissingRecoveryFee, MissingDiscountTerms,
		MissingVATOnDebits, ConsumerPenalties, ConsumerRecovery, SourcesDisagree, PurchaseOrder}
	m := make(map[Kind]int, len(ks))
	for i, k := range ks {
		m[k] = i
	}
	return m
}()

// Finding is one problem of the invoice.
type Finding struct {
	Kind      Kind   `json:"kind"`
	Reference string `json:"reference"`
	FR        string `json:"fr"`
	EN        string `json:"en"`
	// Detail gives the figures behind the finding (which line, which
	// amounts, which sources), in the words of the invoice; empty when the
	// sentence says it all.
	Detail string `json:"detail,omitempty"`
}

// Text is the finding in the owner's language ("fr" or "en"), with its
// reference and detail: what a self_check flag's evidence shows.
func (f Finding) Text(lang string) string {
	s := f.EN
	if lang == "fr" {
		s = f.FR
	}
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s + " — " + f.Reference
}

func newFinding(k Kind, detail string) Finding {
	r, ok := rules[k]
	if !ok {
		panic(fmt.Sprintf("legal: no rule for kind %q", k))
	}
	return Finding{Kind: k, Reference: r.ref, FR: r.fr, EN: r.en, Detail: detail}
}

// BuyerKind says whom the invoice is addressed to: the mentions and the
// late-payment rules differ for a private person.
type BuyerKind string

// The buyers Check knows.
const (
	Business BuyerKind = "business"
	Consumer BuyerKind = "consumer"
)

// PO is a purchase-order number the client asked to see on the invoice;
// empty when they asked for none.
type PO string
