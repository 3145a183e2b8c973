package render

import (
	"strings"

	"github.com/relance/relance/internal/text"
)

// evidenceWords put into the owner's words the lines the daemon records in
// its own terms.
var evidenceWords = text.Catalogue{
	"fr": {
		"missing":          "Introuvable sur la facture" + nbsp + ": %s",
		"bounce.report":    "Le serveur de messagerie a renvoyé un avis de non-remise" + nbsp + ": notre message n'est pas arrivé.",
		"bounce.status":    "L'avis contient le rapport technique de remise (adresse refusée, boîte pleine…).",
		"bounce.daemon":    "Il vient du robot de messagerie (%s), pas du client.",
		"bounce.subject":   "Son objet est celui d'un message non distribué" + nbsp + ": «" + nbsp + "%s" + nbsp + "».",
		"bounce.returned":  "Notre message est revenu en pièce jointe, renvoyé par %s.",
		"field.number":     "numéro de facture",
		"field.amount":     "montant",
		"field.currency":   "devise",
		"field.issue_date": "date de facture",
		"field.due_date":   "date d'échéance",
		"field.client":     "client",
	},
	"en": {
		"missing":          "Not found on the invoice: %s",
		"bounce.report":    "The mail server sent back a non-delivery notice: our message did not arrive.",
		"bounce.status":    "The notice carries the technical delivery report (address refused, mailbox full…).",
		"bounce.daemon":    "It comes from the mail system (%s), not from the client.",
		"bounce.subject":   "Its subject is that of an undelivered message: “%s”.",
		"bounce.returned":  "Our message came back attached, returned by %s.",
		"field.number":     "invoice number",
		"field.amount":     "amount",
		"field.currency":   "currency",
		"field.issue_date": "invoice date",
		"field.due_date":   "due date",
		"field.client":     "client",
	},
}

// Evidence says in the owner's language lang a line of a flag's evidence
// that the daemon recorded in its own terms: what discovery did not find
// on an invoice ("missing: due_date") and the signs of a returned mail,
// which are headers and MIME types. The stored line is a contract (flags
// --json) and stays as it is; only what a person reads changes. A line
// written by a client, or already in words, comes back unchanged.
func Evidence(lang, s string) string {
	lang = normLang(lang)
	t := func(id string, args ...any) string { return evidenceWords.T(lang, id, args...) }
	switch {
	case strings.HasPrefix(s, "missing: "):
		var names []string
		for _, f := range strings.Split(strings.TrimPrefix(s, "missing: "), ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if w, ok := evidenceWords.Message(lang, "field."+f); ok {
				f = w
			} else {
				f = strings.ReplaceAll(f, "_", " ")
			}
			names = append(names, f)
		}
		return t("missing", strings.Join(names, ", "))
	case strings.HasPrefix(s, "Content-Type: multipart/report"):
		return t("bounce.report")
	case strings.HasPrefix(s, "part message/") && strings.Contains(s, "delivery-status"):
		return t("bounce.status")
	case strings.HasPrefix(s, "From: "):
		return t("bounce.daemon", strings.TrimPrefix(s, "From: "))
	case strings.HasPrefix(s, "Subject: "):
		return t("bounce.subject", strings.TrimPrefix(s, "Subject: "))
	case strings.HasPrefix(s, "original message returned by "):
		return t("bounce.returned", strings.TrimPrefix(s, "original message returned by "))
	}
	return s
}
