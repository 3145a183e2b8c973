// Package contact reads how to reach a client from what it wrote or what we
// billed it: phone numbers in a reply's signature or in the buyer's block of
// an invoice, and a guess of whether the client is a business or a consumer.
//
// Everything here is pure: no I/O, no clock, no panic on any input.
package contact

import (
	"regexp"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// Phone is one number found in a text.
type Phone struct {
	// Number is the number as it was written (spaces tidied).
	Number string
	// Norm is the number in international form (+33612345678), the key
	// that says two writings are the same number.
	Norm string
	// Ext is the extension ("poste 12", "ext. 204"), "" when none.
	Ext  string
	Kind domain.ContactKind
}

// Display is the number as a person reads it, with its extension.
func (p Phone) Display() string {
	if p.Ext == "" {
		return p.Number
	}
	return p.Number + " ext. " + p.Ext
}

var (
	// A run of digits with the separators people type between them; the
	// slash and the comma are left out so dates and amounts never match.
	reCandidate = regexp.MustCompile(`(?:\+|\b00)?\(?\d[\d \t.\-()\x{00a0}]{6,22}\d`)
	reExt       = regexp.MustCompile(`(?i)^[\s,;]*(?:ext\.?|extension|poste|p\.|x)\s*(\d{1,5})\b`)
	// Lines naming a number that is not a phone (registration numbers,
	// bank details, references) are never read for one.
	reNotPhoneLine = regexp.MustCompile(`(?i)\b(?:siren|siret|rcs|tva|vat|iban|bic|swift|capital|ape|naf|n°\s*(?:de\s+)?(?:facture|commande|client)|invoice\s+(?:no|number)|order\s+(?:no|number)|ref(?:erence|érence)?\b|company\s+(?:no|number|reg)|registered\s+in)`)
	reFaxLabel     = regexp.MustCompile(`(?i)\b(?:fax|télécopie|telecopie|télécopieur|telecopieur)\b`)
	reMobileLabel  = regexp.MustCompile(`(?i)\b(?:mobile|mob|portable|port|cell|cellphone|gsm)\b`)
	reTelLabel     = regexp.MustCompile(`(?i)(?:\btél|\btel|\bphone|\bph\b|\bt\b|\bstandard|\bdirect|\bligne directe|\boffice|\bbureau)`)
)

// FromReply returns the phone numbers a client gave in its own reply: its
// body and signature once the quoted mail is stripped (reply.Strip), so
// our own signature under the quote is never read; own are our numbers,
// left out when the client writes them back to us.
func FromReply(body, signature string, own ...string) []Phone {
	return Phones(body+"\n"+signature, own...)
}

var (
	// The label that opens the buyer's block of an invoice.
	reBuyerLabel = regexp.MustCompile(`(?i)^\s*(?:client|cliente|facturé à|facture à|facturer à|adresse de facturation|destinataire|acheteur|bill to|billed to|invoice to|invoiced to|customer|sold to|buyer)(?:\s*:\s*|\s+|$)(.*)$`)
	// A label that opens another block (ours, the delivery's, the lines).
	reOtherLabel = regexp.MustCompile(`(?i)^\s*(?:émetteur|emetteur|vendeur|prestataire|fournisseur|seller|supplier|from|our details|livraison|adresse de livraison|ship to|deliver to|désignation|designation|description|qté|quantité|qty|total|conditions|iban|date)\b`)
)

// InvoicePhones returns the phone numbers of the buyer's block of an
// invoice's text (the lines under "Client :", "Facturé à", "Bill to"…, up to
// a blank line or the next block): an invoice also prints our own number,
// which is never the client's. own are our numbers.
func InvoicePhones(text string, own ...string) []Phone {
	var block []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := reBuyerLabel.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if strings.TrimSpace(m[1]) != "" {
			block = append(block, m[1])
		}
		for j := i + 1; j < len(lines) && j <= i+8; j++ {
			if strings.TrimSpace(lines[j]) == "" || reOtherLabel.MatchString(lines[j]) || reBuyerLabel.MatchString(lines[j]) {
				break
			}
			block = append(block, lines[j])
		}
	}
	return Phones(strings.Join(block, "\n"), own...)
}

// Phones returns the phone numbers of a text, each once, in the order they
// appear, leaving out the ones whose international form is in own (our
// own numbers, quoted back by the client).
func Phones(text string, own ...string) []Phone {
	skip := map[string]bool{}
	for _, o := range own {
		if n, ok := normalize(o); ok {
			skip[n] = true
		}
	}
	var out []Phone
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		// A number takes two digits at least (reCandidate): most lines of
		// a mail have none, and the line's labels need not be read.
		if len(line) > 400 || !hasTwoDigits(line) || reNotPhoneLine.MatchString(line) {
			continue
		}
		for _, m := range reCandidate.FindAllStringIndex(line, -1) {
			raw := strings.Trim(line[m[0]:m[1]], " \t.-()\u00a0")
			if m[0] > 0 && isWordByte(line[m[0]-1]) {
				continue // glued to letters or digits: a reference, not a number
			}
			norm, ok := normalize(raw)
			if !ok || skip[norm] || seen[norm] {
				continue
			}
			seen[norm] = true
			p := Phone{Number: tidy(raw), Norm: norm, Kind: kindOf(line, m[0], norm)}
			if e := reExt.FindStringSubmatch(line[m[1]:]); e != nil {
				p.Ext = e[1]
			}
			out = append(out, p)
		}
	}
	return out
}

// Normalize returns a number's international form, false when s is not a
// phone number relance can read (French, British, or written with its
// country code).
func Normalize(s string) (string, bool) { return normalize(s) }

func normalize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	intl := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00")
	// "+33 (0)6 …", "+44 (0)161 …": the trunk zero in brackets is not dialled.
	s = strings.ReplaceAll(strings.ReplaceAll(s, "(0)", ""), "( 0 )", "")
	var d strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' || r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\t' || r == '\u00a0':
		default:
			return "", false
		}
	}
	digits := d.String()
	if intl {
		digits = strings.TrimPrefix(digits, "00")
		switch {
		case strings.HasPrefix(digits, "33"):
			rest := strings.TrimPrefix(digits[2:], "0")
			if len(rest) != 9 || rest[0] == '0' {
				return "", false
			}
			return "+33" + rest, true
		case strings.HasPrefix(digits, "44"):
			rest := strings.TrimPrefix(digits[2:], "0")
			if len(rest) < 9 || len(rest) > 10 {
				return "", false
			}
			return "+44" + rest, true
		}
		if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
			return "", false
		}
		return "+" + digits, true
	}
	switch {
	case len(digits) == 10 && digits[0] == '0' && digits[1] != '0':
		// French national form: 0X XX XX XX XX.
		return "+33" + digits[1:], true
	case len(digits) == 11 && digits[0] == '0' && digits[1] != '0':
		// British national form: 0161 496 0000, 07700 900123, 020 7946 0000.
		return "+44" + digits[1:], true
	}
	return "", false
}

// kindOf reads what a number is for: the label on its line before it (a
// fax line says so), else what the number plan says (French 06/07 and
// British 07 are mobiles).
func kindOf(line string, at int, norm string) domain.ContactKind {
	before := line[:at]
	// The nearest label before the number wins ("Tél 01 … / Fax 01 …").
	fax := lastIndex(reFaxLabel, before)
	mob := lastIndex(reMobileLabel, before)
	tel := lastIndex(reTelLabel, before)
	switch {
	case fax > mob && fax > tel:
		return domain.ContactFax
	case mob > tel:
		return domain.ContactMobile
	case tel >= 0:
		// Labelled a phone: a mobile all the same when the plan says so.
	}
	if strings.HasPrefix(norm, "+336") || strings.HasPrefix(norm, "+337") || strings.HasPrefix(norm, "+447") {
		return domain.ContactMobile
	}
	return domain.ContactPhone
}

func lastIndex(re *regexp.Regexp, s string) int {
	ms := re.FindAllStringIndex(s, -1)
	if len(ms) == 0 {
		return -1
	}
	return ms[len(ms)-1][0]
}

// hasTwoDigits reports whether s holds two ASCII digits, the least any
// match of reCandidate holds.
func hasTwoDigits(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '/' || b == ','
}

// tidy writes a number with single spaces.
func tidy(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
