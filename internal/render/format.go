package render

import (
	"strings"
	"time"

	"github.com/relance/relance/internal/text"
)

// nbsp is the non-breaking space French typography puts before ":" "?" "!"
// and inside amounts. The narrow variant (U+202F) is more correct but older
// mail fonts draw it as a box, so the wide one is used everywhere.
const nbsp = "\u00a0"

// dateOnly drops the clock so that comparisons are made on calendar days.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// viewWords are the few words the renderer writes around the values it
// hands the templates (the templates hold all the rest).
var viewWords = text.Catalogue{
	"fr": {
		"dated":        "Le %s",
		"dated.place":  "%s, le %s",
		"subject.one":  "Facture %s",
		"subject.many": "Factures %s",
		"list.and":     " et ",
		"list.others":  "%d autres",
		// "Bonjour Madame Dupont," never "Bonjour Claire Dupont,": a
		// first name is not how a creditor addresses a client.
		"greeting":         "Bonjour,",
		"greeting.named":   "Bonjour %s %s,",
		"civility.mr":      "Monsieur",
		"civility.ms":      "Madame",
		"salutation":       "Madame, Monsieur",
		"salutation.named": "%[1]s",
		"on_receipt":       "payable à réception",
	},
	"en": {
		"dated":            "%s",
		"dated.place":      "%s, %s",
		"subject.one":      "Invoice %s",
		"subject.many":     "Invoices %s",
		"list.and":         " and ",
		"list.others":      "%d others",
		"greeting":         "Hello,",
		"greeting.named":   "Dear %s %s,",
		"civility.mr":      "Mr",
		"civility.ms":      "Ms",
		"salutation":       "Dear Sir or Madam",
		"salutation.named": "Dear %s %s",
		"on_receipt":       "payable on receipt",
	},
}

// joinList joins items as a sentence: "A, B et C" / "A, B and C".
func joinList(lang string, items []string) string {
	and := viewWords.T(lang, "list.and")
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}

// cityOf guesses the town to print in "Lyon, le 3 décembre 2026" from a
// postal address: the segment that starts with a postal code wins, else the
// last segment.
func cityOf(address string) string {
	segs := strings.FieldsFunc(address, func(r rune) bool { return r == ',' || r == '\n' || r == ';' })
	var last string
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.TrimSpace(segs[i])
		if s == "" {
			continue
		}
		if last == "" {
			last = s
		}
		rest := strings.TrimLeft(s, "0123456789 ")
		if rest != s && len(s)-len(rest) >= 4 && rest != "" {
			return stripCedex(rest)
		}
	}
	return stripCedex(strings.TrimLeft(last, "0123456789 "))
}

// stripCedex removes the postal routing suffix ("Lyon Cedex 02"), which is
// not part of the town's name.
func stripCedex(s string) string {
	if i := strings.Index(strings.ToLower(s), " cedex"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
