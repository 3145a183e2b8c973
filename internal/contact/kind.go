package contact

import (
	"regexp"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// Buyer is what an invoice says of its client, as the kind guess reads it.
type Buyer struct {
	Name    string
	Email   string
	VATID   string // intra-community VAT number
	LegalID string // SIREN, SIRET or company registration number
}

// Guess is a suggested client kind with what suggests it. Kind is "" when
// nothing on the invoice says.
type Guess struct {
	Kind domain.ClientKind
	// Why is the sign read, in both languages, for the owner to confirm.
	WhyFR, WhyEN string
}

// Why returns the reason in lang ("en" or French).
func (g Guess) Why(lang string) string {
	if lang == "en" {
		return g.WhyEN
	}
	return g.WhyFR
}

var (
	// Legal forms of companies (French and British, and a few neighbours')
	// and public bodies, as words in a name.
	reCompanyForm = regexp.MustCompile(`(?i)(?:^|[\s,.(])(sarl|sas|sasu|eurl|sa|sci|snc|scop|scic|selarl|selas|eirl|gie|sca|ltd|limited|llp|plc|inc|llc|gmbh|ag|bv|nv|srl|spa|s\.a\.r\.l|s\.a\.s|s\.a|cabinet|société|societe|mairie|commune|association|syndic|copropriété|copropriete|groupe|holding|entreprise|établissements|etablissements|ets)(?:$|[\s,.)])`)
	// Trades and shop signs: a name that says what the business does is a
	// business's, whatever mail service it writes from.
	reTradeName = regexp.MustCompile(`(?i)(?:^|[\s,.(])(garage|boulangerie|pâtisserie|patisserie|boucherie|charcuterie|fromagerie|épicerie|epicerie|pharmacie|librairie|imprimerie|menuiserie|plomberie|électricité|electricite|maçonnerie|maconnerie|couverture|toiture|charpente|peinture|traiteur|restaurant|brasserie|bistrot|café|cafe|hôtel|hotel|cave|atelier|studio|agence|cabinet|clinique|crèche|creche|école|ecole|pépinière|pepiniere|domaine|earl|gaec|ferme|transports?|immobilier|salon|institut|auto-école|bakery|butcher|pharmacy|bookshop|workshop|agency|consulting|services|solutions|trading|partners)(?:$|[\s,.)])`)
	// A person's civility before the name: a consumer's way of being billed.
	reCivility = regexp.MustCompile(`(?i)^\s*(?:m\.|mr\.?|mrs\.?|ms\.?|miss|mme|mlle|madame|monsieur|mademoiselle|dr\.?)\s+\p{L}`)
	reSIREN    = regexp.MustCompile(`^\d{9}(?:\d{5})?$`)
)

// webmail are the domains of free mail services: a client writing from
// one is more likely a private person (a hint only, craftsmen use them too).
var webmail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "orange.fr": true, "wanadoo.fr": true, "free.fr": true,
	"hotmail.com": true, "hotmail.fr": true, "hotmail.co.uk": true, "outlook.com": true, "outlook.fr": true,
	"live.com": true, "live.fr": true, "live.co.uk": true, "msn.com": true, "yahoo.com": true, "yahoo.fr": true,
	"yahoo.co.uk": true, "laposte.net": true, "sfr.fr": true, "neuf.fr": true, "bbox.fr": true, "icloud.com": true,
	"me.com": true, "aol.com": true, "aol.fr": true, "gmx.fr": true, "gmx.com": true, "protonmail.com": true,
	"proton.me": true, "btinternet.com": true, "sky.com": true, "virginmedia.com": true, "numericable.fr": true,
}

// GuessKind suggests whether a client buys as a business or a consumer
// from its invoice: a VAT or SIREN number, a company's legal form or a
// trade in its name ("Garage Ferrand"), says business; a civility before a
// person's name or a free mail address says consumer. The strongest sign wins; the owner confirms.
func GuessKind(b Buyer) Guess {
	if v := compact(b.VATID); len(v) >= 8 {
		return Guess{domain.ClientBusiness, "numéro de TVA intracommunautaire " + b.VATID + " sur la facture",
			"VAT number " + b.VATID + " on the invoice"}
	}
	if id := compact(b.LegalID); reSIREN.MatchString(id) {
		return Guess{domain.ClientBusiness, "numéro SIREN/SIRET " + b.LegalID + " sur la facture",
			"SIREN/SIRET number " + b.LegalID + " on the invoice"}
	}
	name := strings.TrimSpace(b.Name)
	if m := reCompanyForm.FindStringSubmatch(name); m != nil {
		return Guess{domain.ClientBusiness, "forme de société « " + m[1] + " » dans le nom « " + name + " »",
			"company form \"" + m[1] + "\" in the name \"" + name + "\""}
	}
	if m := reTradeName.FindStringSubmatch(name); m != nil {
		return Guess{domain.ClientBusiness, "nom commercial « " + name + " »", "trading name \"" + name + "\""}
	}
	if reCivility.MatchString(name) {
		return Guess{domain.ClientConsumer, "facturé à une personne (« " + name + " »)",
			"billed to a person (\"" + name + "\")"}
	}
	_, host, _ := strings.Cut(strings.ToLower(strings.TrimSpace(b.Email)), "@")
	if webmail[host] {
		return Guess{domain.ClientConsumer, "adresse de messagerie grand public (" + host + ")",
			"personal webmail address (" + host + ")"}
	}
	return Guess{}
}

// compact drops spaces, dots and dashes from a registration number.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}
