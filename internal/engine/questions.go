package engine

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/relance/relance/internal/render"
)

// questionWords are, per topic, phrases of a client's information request
// (folded: lower case, no accents). A reply read as info_request opens a
// task whose answer is prepared from the topics found.
var questionWords = []struct {
	topic   string
	phrases []string
}{
	{render.TopicBankDetails, []string{"rib", "iban", "bic", "coordonnees bancaires", "coordonnees de paiement", "releve d identite bancaire",
		"bank details", "banking details", "bank account", "account details", "payment details", "sort code", "swift"}},
	{render.TopicInvoiceCopy, []string{"copie", "duplicata", "double de la facture", "renvoyer la facture", "renvoyer votre facture",
		"renvoyer cette facture", "jamais recu la facture", "pas recu la facture", "facture en pdf", "la facture en piece jointe",
		"copy", "resend the invoice", "send the invoice again", "re-send", "never received the invoice", "not received the invoice",
		"invoice as a pdf", "the pdf"}},
	{render.TopicPONumber, []string{"bon de commande", "numero de commande", "n de commande", "purchase order", "po number", "p o number",
		"order number", "numero d engagement", "numero de bc"}},
	{render.TopicChorusPro, []string{"chorus"}},
	{render.TopicAddress, []string{"adresse de facturation", "adresse sur la facture", "adresse de livraison", "changer l adresse",
		"modifier l adresse", "raison sociale", "facture corrigee", "corriger la facture", "etablie au nom de", "numero de tva",
		"billing address", "invoice address", "address on the invoice", "company name on the invoice", "corrected invoice",
		"vat number"}},
}

// QuestionTopics returns what a client's information request asks for, in
// a fixed order (render.Topic* values); none when nothing is recognised.
func QuestionTopics(text string) []string {
	folded := " " + foldWords(text) + " "
	var out []string
	for _, q := range questionWords {
		for _, p := range q.phrases {
			if strings.Contains(folded, " "+p+" ") {
				out = append(out, q.topic)
				break
			}
		}
	}
	return out
}

// foldWords lower-cases, removes accents and turns every run of
// non-letters and non-digits into one space.
func foldWords(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
