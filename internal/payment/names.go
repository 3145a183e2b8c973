package payment

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Words that say nothing about who paid: legal forms, civilities, the
// wording banks put around a transfer, articles.
var noiseWords = map[string]bool{
	"sarl": true, "sas": true, "sasu": true, "sa": true, "eurl": true, "sci": true, "scop": true, "sel": true, "selarl": true,
	"ei": true, "eirl": true, "ste": true, "societe": true, "ets": true, "etablissements": true,
	"ltd": true, "llc": true, "llp": true, "plc": true, "inc": true, "corp": true, "co": true, "gmbh": true, "bv": true, "srl": true,
	"m": true, "mr": true, "mme": true, "mlle": true, "mrs": true, "ms": true, "dr": true, "me": true,
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "l": true, "d": true, "et": true, "the": true,
	"and": true, "of": true, "a": true,
	"vir": true, "virement": true, "sepa": true, "recu": true, "inst": true, "instantane": true, "prlv": true,
	"transfer": true, "from": true, "payment": true, "paiement": true, "par": true, "by": true,
}

// nameTokens folds a name to comparable words: lower case, no accents, no
// punctuation, without noise words.
func nameTokens(s string) []string {
	s = foldText(s)
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !noiseWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// foldText lower-cases and strips diacritics ("Société Générale" →
// "societe generale").
func foldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// nameMatches reports whether a payer as a bank wrote it names this client.
// Every significant word of the client's name must appear among the payer's
// words (banks add "VIR SEPA", legal forms, truncate the end), or every word
// of the payer among the client's (a payer known by a surname only). A last
// word cut short by the bank counts when at least three letters remain.
func nameMatches(payer, client string) bool {
	pt, ct := nameTokens(payer), nameTokens(client)
	if len(pt) == 0 || len(ct) == 0 {
		return false
	}
	if containsAll(pt, ct, false) {
		return true
	}
	letters := 0
	for _, w := range pt {
		letters += len(w)
	}
	return letters >= 4 && containsAll(ct, pt, true)
}

// mentionsName reports whether free text (a transfer's label) contains every
// significant word of the client's name.
func mentionsName(text, client string) bool {
	ct := nameTokens(client)
	if len(ct) == 0 {
		return false
	}
	letters := 0
	for _, w := range ct {
		letters += len(w)
	}
	return letters >= 4 && containsAll(nameTokens(text), ct, false)
}

// containsAll reports whether every word of want is in have. With
// truncated, the last word of want may be a prefix (≥ 3 letters) of a word
// of have.
func containsAll(have, want []string, truncated bool) bool {
	set := make(map[string]bool, len(have))
	for _, w := range have {
		set[w] = true
	}
	for i, w := range want {
		if set[w] {
			continue
		}
		if truncated && i == len(want)-1 && len(w) >= 3 {
			found := false
			for _, h := range have {
				if strings.HasPrefix(h, w) {
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		return false
	}
	return true
}
