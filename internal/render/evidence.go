package render

import (
	"regexp"
	"strings"

	"github.com/relance/relance/internal/text"
)

// evidenceWords put into the owner's words the lines the daemon records in
// its own terms.
var evidenceWords = text.Catalogue{
	"fr": {
		"missing":               "Introuvable sur la facture" + nbsp + ": %s",
		"bounce.report":         "Le serveur de messagerie a renvoyé un avis de non-remise" + nbsp + ": notre message n'est pas arrivé.",
		"bounce.status":         "L'avis contient le rapport technique de remise (adresse refusée, boîte pleine…).",
		"bounce.daemon":         "Il vient du robot de messagerie (%s), pas du client.",
		"bounce.subject":        "Son objet est celui d'un message non distribué" + nbsp + ": «" + nbsp + "%s" + nbsp + "».",
		"bounce.returned":       "Notre message est revenu en pièce jointe, renvoyé par %s.",
		"field.number":          "numéro de facture",
		"field.amount":          "montant",
		"field.currency":        "devise",
		"field.issue_date":      "date de facture",
		"field.due_date":        "date d'échéance",
		"field.client":          "client",
		"untied":                "Réponse lue comme «" + nbsp + "%s" + nbsp + "» venue de %s, rattachée à aucune facture.",
		"stranger":              "Réponse lue comme «" + nbsp + "%s" + nbsp + "» venue de %s, une adresse qui n'est pas celle du client (%s).",
		"unsure":                "Lue comme «" + nbsp + "%s" + nbsp + "», sans certitude (%s" + nbsp + "%%).",
		"several":               "La réponse de %s peut concerner plusieurs factures (%s)" + nbsp + ": %s",
		"noaddress.invoice":     "Facture %s trouvée dans «" + nbsp + "%s" + nbsp + "», sans adresse de client.",
		"noaddress.credit_note": "Avoir %s trouvé dans «" + nbsp + "%s" + nbsp + "», sans adresse de client.",
		"partial":               "Le client dit avoir payé %s sur un solde de %s" + nbsp + ": enregistrer ce paiement (relance pay %s --amount %s) le confirme, et le reste est relancé.",
		"answer":                "Une réponse à son objection a été préparée (brouillon n°" + nbsp + "%s).",
	},
	"en": {
		"missing":               "Not found on the invoice: %s",
		"bounce.report":         "The mail server sent back a non-delivery notice: our message did not arrive.",
		"bounce.status":         "The notice carries the technical delivery report (address refused, mailbox full…).",
		"bounce.daemon":         "It comes from the mail system (%s), not from the client.",
		"bounce.subject":        "Its subject is that of an undelivered message: “%s”.",
		"bounce.returned":       "Our message came back attached, returned by %s.",
		"field.number":          "invoice number",
		"field.amount":          "amount",
		"field.currency":        "currency",
		"field.issue_date":      "invoice date",
		"field.due_date":        "due date",
		"field.client":          "client",
		"untied":                "A reply read as “%s” from %s, tied to no invoice.",
		"stranger":              "A reply read as “%s” from %s, an address that is not the client's (%s).",
		"unsure":                "Read as “%s”, without confidence (%s %%).",
		"several":               "The reply from %s could be about several invoices (%s): %s",
		"noaddress.invoice":     "Invoice %s found in “%s” but no client address.",
		"noaddress.credit_note": "Credit note %s found in “%s” but no client address.",
		"partial":               "The client says %s was paid of a balance of %s: recording the payment (relance pay %s --amount %s) confirms it, and the rest is chased again.",
		"answer":                "An answer to its objection was drafted (draft #%s).",
	},
}

// The daemon's own sentences (internal/engine), read back to be said in
// the owner's language; the stored line keeps the daemon's words.
var (
	reUntied    = regexp.MustCompile(`^(\S+) from (\S+), not tied to any invoice$`)
	reStranger  = regexp.MustCompile(`^(\S+) from (\S+), an address that is not the client's \((.*)\)$`)
	reUnsure    = regexp.MustCompile(`^read as (\S+), without confidence \((\d+) %\)$`)
	reSeveral   = regexp.MustCompile(`^reply from (\S+) could be about several invoices \((.*?)\): (.*)$`)
	reNoAddress = regexp.MustCompile(`^(invoice|credit_note) (\S*) found in "(.*)" but no client address$`)
	reAnswer    = regexp.MustCompile(`^answer: draft (\d+)$`)
	rePartial   = regexp.MustCompile(`^says (\S+) was paid of a balance of (\S+): recording the payment \(relance pay (\S+) --amount (\S+)\) confirms it, and the rest is chased again$`)
)

// Evidence says in the owner's language lang a line of a flag's evidence
// that the daemon recorded in its own terms: what discovery did not find
// on an invoice ("missing: due_date"), the signs of a returned mail, which
// are headers and MIME types, and the daemon's sentences about a reply.
// class names a reply class in lang (the page's labels); nil leaves the
// class as stored. The stored line is a contract (flags --json) and stays
// as it is; only what a person reads changes. A line written by a client,
// or already in words, comes back unchanged.
func Evidence(lang, s string, class func(string) string) string {
	lang = normLang(lang)
	t := func(id string, args ...any) string { return evidenceWords.T(lang, id, args...) }
	if class == nil {
		class = func(c string) string { return c }
	}
	if m := reUntied.FindStringSubmatch(s); m != nil {
		return t("untied", class(m[1]), m[2])
	}
	if m := reStranger.FindStringSubmatch(s); m != nil {
		return t("stranger", class(m[1]), m[2], m[3])
	}
	if m := reUnsure.FindStringSubmatch(s); m != nil {
		return t("unsure", class(m[1]), m[2])
	}
	if m := reSeveral.FindStringSubmatch(s); m != nil {
		return t("several", m[1], m[2], m[3])
	}
	if m := reNoAddress.FindStringSubmatch(s); m != nil {
		return t("noaddress."+m[1], m[2], m[3])
	}
	if m := reAnswer.FindStringSubmatch(s); m != nil {
		return t("answer", m[1])
	}
	if m := rePartial.FindStringSubmatch(s); m != nil {
		return t("partial", m[1], m[2], m[3], m[4])
	}
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
