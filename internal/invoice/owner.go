package invoice

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/relance/relance/internal/text"
)

// Rejection says why a sent document is not one of our receivables.
type Rejection string

// Rejections Detect reports in Result.Rejected. Each is a document a
// person may have taken for an invoice; the owner can adopt it when
// relance was wrong.
const (
	// RejectNotOurs: the seller is someone else and the buyer is us (a
	// supplier's invoice forwarded to our accountant).
	RejectNotOurs  Rejection = "not_ours"
	RejectProforma Rejection = "proforma"
	RejectQuote    Rejection = "quote"
	RejectOrder    Rejection = "order_confirmation"
	RejectReceipt  Rejection = "receipt"
	// RejectOwnReminder: a reminder of ours (written by hand or by relance).
	RejectOwnReminder Rejection = "own_reminder"
	// RejectReply: a reply in an invoice's thread with no document.
	RejectReply Rejection = "reply"
	// RejectNoFacts: names an invoice but states neither number nor amount.
	RejectNoFacts Rejection = "no_facts"
	// RejectOther: a structured document of another type (its type code).
	RejectOther Rejection = "other_document"
)

// Identity is who we are, beyond the mail's From: the business's name and
// registration numbers as configured (BUSINESS_NAME, BUSINESS_SIREN,
// BUSINESS_VAT, BUSINESS_IBAN). One mailbox may send for several
// businesses: the From of each mail names the one that sent it.
type Identity struct {
	Names []string
	SIREN string
	VAT   string
	IBAN  string
}

func (id Identity) empty() bool {
	return len(id.Names) == 0 && id.SIREN == "" && id.VAT == "" && id.IBAN == ""
}

// us is who sent one mail: its From and the configured identity.
type us struct {
	names  []string // folded names
	domain string   // the From's domain
	label  string   // the From domain's first label ("atelier-dupont" of atelier-dupont.fr), folded
	siren  string
	vat    string
	iban   string
}

func newUs(fromName, fromEmail string, id Identity) us {
	u := us{siren: text.NormalizeNumber(id.SIREN), vat: text.NormalizeNumber(id.VAT), iban: text.NormalizeNumber(id.IBAN)}
	for _, n := range append([]string{fromName}, id.Names...) {
		if f := foldName(n); len(f) >= 3 {
			u.names = append(u.names, f)
		}
	}
	u.domain = domainOf(strings.ToLower(strings.TrimSpace(fromEmail)))
	if u.domain != "" && !SharedDomain(u.domain) {
		label, _, _ := strings.Cut(u.domain, ".")
		if l := foldName(label); len(strings.ReplaceAll(l, " ", "")) >= 5 {
			u.label = strings.ReplaceAll(l, " ", "")
		}
	}
	if u.siren == "" && strings.HasPrefix(u.vat, "FR") && len(u.vat) == 13 {
		u.siren = u.vat[4:]
	}
	return u
}

// is tells whether the party p is us, and by what. Loose, a name holding
// ours counts ("Atelier Test SARL, agence de Lyon" for "Atelier Test"); strict,
// only the same name does: a client named "Boulangerie Dupont" is not the
// baker Dupont who invoices it.
func (u us) is(p Party, loose bool) (bool, string) {
	if v := text.NormalizeNumber(p.VATID); v != "" {
		if u.vat != "" && v == u.vat {
			return true, "VAT number " + p.VATID
		}
		if u.siren != "" && strings.Contains(v, u.siren) {
			return true, "SIREN in VAT number " + p.VATID
		}
	}
	if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" && u.domain != "" && !SharedDomain(u.domain) && domainOf(e) == u.domain {
		return true, "address at " + u.domain
	}
	name := foldName(p.Name)
	if name == "" {
		return false, ""
	}
	for _, n := range u.names {
		if name == n || loose && (len(n) >= 5 && containsWords(name, n) || len(name) >= 5 && containsWords(n, name)) {
			return true, fmt.Sprintf("name %q", p.Name)
		}
	}
	if flat := strings.ReplaceAll(name, " ", ""); u.label != "" && (flat == u.label || loose && strings.Contains(flat, u.label)) {
		return true, fmt.Sprintf("name %q like the domain %s", p.Name, u.domain)
	}
	return false, ""
}

// legalForms are words of a company name that say nothing of who it is.
var legalForms = map[string]bool{"sarl": true, "sas": true, "sasu": true, "eurl": true, "sa": true, "sci": true, "scop": true, "ei": true,
	"eirl": true, "gmbh": true, "ag": true, "ltd": true, "limited": true, "llc": true, "inc": true, "plc": true, "bv": true, "srl": true,
	"spa": true, "sl": true, "co": true, "the": true, "et": true, "and": true, "de": true, "la": true, "le": true, "les": true, "des": true}

// foldName lower-cases a name, drops accents, punctuation and legal forms.
func foldName(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	var words []string
	for _, w := range strings.Fields(b.String()) {
		if !legalForms[w] {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// containsWords tells whether the words of small appear in a, in order,
// as whole words.
func containsWords(a, small string) bool {
	return strings.Contains(" "+a+" ", " "+small+" ")
}

// ownership decides whether a document is one of our receivables: its
// seller is us. It is not when the buyer it names is us and its seller is
// not (a supplier's invoice forwarded to our accountant), or when the
// seller it names has a registration number other than ours. Else it is,
// with the evidence that says so when there is any.
func ownership(u us, seller, buyer Party) (ours bool, why string) {
	sellerUs, how := u.is(seller, true)
	if sellerUs {
		return true, "seller is us: " + how
	}
	if buyerUs, how := u.is(buyer, false); buyerUs {
		who := strings.TrimSpace(seller.Name)
		if who == "" {
			who = "someone else"
		}
		return false, fmt.Sprintf("the buyer is us (%s) and the seller is %s: a supplier's invoice", how, truncate(who, 80))
	}
	if v := text.NormalizeNumber(seller.VATID); v != "" && (u.vat != "" || u.siren != "") {
		return false, fmt.Sprintf("the seller's VAT number %s is not ours", seller.VATID)
	}
	return true, ""
}
