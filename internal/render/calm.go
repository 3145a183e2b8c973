package render

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/text"
)

// Warning codes returned by CalmCheck.
const (
	CodeInsult      = "insult"      // insults and rude words
	CodeThreat      = "threat"      // legal threats before the formal notice
	CodeShouting    = "shouting"    // runs of words in capitals
	CodeExclamation = "exclamation" // "!!", "?!", "???"
	CodeSarcasm     = "sarcasm"     // "as usual", "encore une fois"
	CodePressure    = "pressure"    // guilt and ultimatums before the formal notice
)

// Warning is one passage of a message that may read as aggressive.
type Warning struct {
	Code    string // one of the Code* constants
	Message string // for the user, in the language asked for
	Excerpt string // the passage as written
}

// CalmCheck reads a message (ours or the user's edit of it) and returns the
// passages that could make it sound aggressive, in text order. stage lets
// the formal notice mention legal action; lang ("fr" or "en") is the
// language of the messages, not of the text: both lexicons always apply
// because clients and users mix languages. text is plain text: check the
// text part of a draft (or the visible text of an HTML edit), not markup.
func CalmCheck(text, stage, lang string) []Warning {
	return CalmCheckNames(text, stage, lang, nil)
}

// CalmCheckNames is CalmCheck with proper names that may legitimately be
// written in capitals or contain any word (the business, the client, the
// invoice numbers): their occurrences are ignored.
func CalmCheckNames(text, stage, lang string, names []string) []Warning {
	lang = normLang(lang)
	text = strings.ToValidUTF8(text, " ")
	masked := maskNames(text, names)
	formal := stage == StageFormalNotice || stage == string(domain.StageProfessional)

	var hits []hit
	hits = append(hits, lexiconHits(masked, formal)...)
	hits = append(hits, shoutingHits(masked)...)
	hits = append(hits, punctuationHits(masked)...)
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].start < hits[j].start })

	var out []Warning
	for _, h := range hits {
		ex := strings.TrimSpace(text[h.start:h.end])
		out = append(out, Warning{Code: h.code, Message: warningMessage(lang, h.code, ex), Excerpt: ex})
	}
	return out
}

type hit struct {
	code       string
	start, end int // byte offsets in the text
}

// maskNames blanks out known names, keeping byte offsets, so that they
// neither shout nor match a lexicon.
func maskNames(text string, names []string) string {
	for _, n := range names {
		n = strings.TrimSpace(n)
		if len([]rune(n)) < 2 {
			continue
		}
		text = strings.ReplaceAll(text, n, strings.Repeat(" ", len(n)))
	}
	return text
}

// calmMessages word the calm check's warnings; each names the passage in
// the language's quotation marks ("calm.quote").
var calmMessages = text.Catalogue{
	"fr": {
		"calm.quote":              "«" + nbsp + "%s" + nbsp + "»",
		"calm." + CodeInsult:      "Mot blessant ou grossier" + nbsp + ": %s. Mieux vaut le retirer.",
		"calm." + CodeThreat:      "Menace avant la mise en demeure" + nbsp + ": %s. À ce stade, le ton reste amiable.",
		"calm." + CodeShouting:    "Des mots en capitales se lisent comme un cri" + nbsp + ": %s.",
		"calm." + CodeExclamation: "Ponctuation appuyée" + nbsp + ": %s. Un seul signe suffit.",
		"calm." + CodeSarcasm:     "Formule qui peut sembler ironique ou agacée" + nbsp + ": %s.",
		"calm." + CodePressure:    "Pression ou culpabilisation avant la mise en demeure" + nbsp + ": %s.",
	},
	"en": {
		"calm.quote":              "“%s”",
		"calm." + CodeInsult:      "Hurtful or rude word: %s. Better remove it.",
		"calm." + CodeThreat:      "Threat before the formal notice: %s. At this stage the tone stays amicable.",
		"calm." + CodeShouting:    "Words in capitals read as shouting: %s.",
		"calm." + CodeExclamation: "Emphatic punctuation: %s. One mark is enough.",
		"calm." + CodeSarcasm:     "Wording that may read as sarcastic or exasperated: %s.",
		"calm." + CodePressure:    "Pressure or guilt before the formal notice: %s.",
	},
}

// warningMessage words a warning in French, or in English for any other
// language: the one who reads it may not read French.
func warningMessage(lang, code, ex string) string {
	if lang != "fr" {
		lang = "en"
	}
	q := calmMessages.T(lang, "calm.quote", ex)
	if _, ok := calmMessages.Message(lang, "calm."+code); !ok {
		return q
	}
	return calmMessages.T(lang, "calm."+code, q)
}

// token is a run of letters and digits, with its folded form.
type token struct {
	fold       string
	start, end int
}

// tokenize splits on anything that is not a letter or digit, so apostrophes
// and hyphens separate words ("d'habitude" is "d" "habitude").
func tokenize(s string) []token {
	var out []token
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, token{fold: foldWord(s[start:end]), start: start, end: end})
			start = -1
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// foldWord lower-cases and removes accents so "Huissier", "HUISSIER" and
// "huißier" typed on a phone meet the same entry.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'œ', 'Œ':
			b.WriteString("oe")
		case 'æ', 'Æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// entry is one lexicon phrase. A word ending in "*" matches by prefix.
// notAfter and notBefore list folded words that, right before or after the
// phrase, make it harmless ("merci encore une fois", "procès-verbal").
type entry struct {
	code      string
	words     []string
	notAfter  []string
	notBefore []string
	formalOK  bool // allowed in the formal notice
}

func lexicon() []entry {
	var es []entry
	add := func(code string, formalOK bool, phrases ...string) {
		for _, p := range phrases {
			es = append(es, entry{code: code, words: strings.Fields(p), formalOK: formalOK})
		}
	}
	// Insults and rude words, French then English; never acceptable.
	add(CodeInsult, false,
		"connard*", "connasse*", "con", "conne", "conard*", "salaud*", "salop*", "enfoire*", "encule*",
		"merde*", "merdique*", "putain*", "bordel", "foutre", "fout*", "gueule", "emmerd*", "chier", "chiant*",
		"abruti*", "cretin*", "debile*", "idiot*", "imbecile*", "incompetent*", "incapable*", "minable*",
		"escroc*", "escroquerie*", "arnaque*", "voleur*", "voleuse*", "voyou*", "malhonnete*",
		"mauvais payeur*", "mauvaise payeuse*", "c est une honte", "quelle honte", "honteu*", "scandaleu*", "inadmissible", "inacceptable",
		"pourri", "pourris", "pourrie", "pourries", "degueulasse*", "crevard*", "parasite*", "clown*", "bande de nuls", "vous etes nul*",
		"etes pas serieux",
		"stupid*", "moron*", "dumb*", "imbecil*", "useless", "pathetic", "fuck*", "shit*", "crap*",
		"damn*", "bastard*", "asshole*", "arsehole*", "bullshit", "crook*", "scam", "scams", "scammer*", "thief",
		"thieves", "cheat", "cheats", "cheater*", "cheating", "liar*", "dishonest*", "disgrace*", "shameful",
		"shame on you", "deadbeat*", "bad payer*", "ridiculous", "outrageous", "unacceptable", "jerk*")
	// Threats: the formal notice may state the legal consequence, nothing
	// before it may.
	add(CodeThreat, true,
		"huissier*", "commissaire de justice", "commissaires de justice", "tribunal", "tribunaux", "avocat*",
		"le juge", "un juge", "judiciaire*", "en justice", "saisir la justice", "poursuites", "poursuite judiciaire",
		"contentieux", "injonction de payer", "mise en demeure", "mettre en demeure", "porter plainte",
		"deposer plainte", "deposer une plainte", "societe de recouvrement", "agence de recouvrement",
		"cabinet de recouvrement", "recouvrement force", "liste noire", "blacklist*",
		"name and shame", "legal action", "legal proceedings", "legal steps", "courts", "sue", "sued",
		"suing", "lawsuit*", "lawyer*", "attorney*", "solicitor*", "bailiff*", "debt collector*",
		"debt collection", "collection agency", "collections agency", "small claims", "litigation",
		"report you", "formal notice")
	es = append(es,
		entry{code: CodeThreat, words: []string{"proces"}, notBefore: []string{"verbal", "verbaux"}, formalOK: true},
		// "à court terme", "pris de court" are French, not a courtroom.
		entry{code: CodeThreat, words: []string{"court"}, notAfter: []string{"a", "de", "tout", "trop", "plus", "si", "tres"},
			notBefore: []string{"terme", "delai", "circuit", "metrage", "moyen", "moyens"}, formalOK: true})
	// Sarcasm and exasperation.
	add(CodeSarcasm, false,
		"comme d habitude", "comme d hab", "une fois de plus", "pour la enieme fois", "pour la nieme fois",
		"enieme*", "comme je vous l ai deja dit", "je vous l ai deja dit", "combien de fois", "quelle surprise",
		"for the umpteenth time", "umpteenth", "yet again", "as i already told you",
		"as i have already told you", "as i said before", "how many times", "what a surprise", "surprise surprise")
	es = append(es,
		entry{code: CodeSarcasm, words: []string{"encore", "une", "fois"},
			notAfter: []string{"merci", "remercie", "remercions", "remercier"}},
		entry{code: CodeSarcasm, words: []string{"as", "usual"}, notAfter: []string{"business"}})
	// Guilt and ultimatums before the formal notice.
	add(CodePressure, true,
		"dernier avertissement", "ultime avertissement", "derniere chance", "dernier rappel", "ultime rappel",
		"ultimatum", "par votre faute", "a cause de vous", "final warning", "last warning", "last chance",
		"final reminder", "final demand", "your fault", "because of you")
	return es
}

func (e entry) matchAt(toks []token, i int) (int, bool) {
	if i+len(e.words) > len(toks) {
		return 0, false
	}
	for k, w := range e.words {
		f := toks[i+k].fold
		if p, ok := strings.CutSuffix(w, "*"); ok {
			if !strings.HasPrefix(f, p) {
				return 0, false
			}
		} else if f != w {
			return 0, false
		}
	}
	if i > 0 && contains(e.notAfter, toks[i-1].fold) {
		return 0, false
	}
	end := i + len(e.words)
	if end < len(toks) && contains(e.notBefore, toks[end].fold) {
		return 0, false
	}
	return end, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lexiconHits reports the longest phrase of each code at each word, and no
// phrase of a code inside one already reported for that code.
func lexiconHits(text string, formal bool) []hit {
	toks := tokenize(text)
	es := lexicon()
	covered := map[string]int{} // code → first token not yet covered
	var out []hit
	for i := range toks {
		best := map[string]int{}
		var order []string
		for _, e := range es {
			if formal && e.formalOK {
				continue
			}
			if i < covered[e.code] {
				continue
			}
			end, ok := e.matchAt(toks, i)
			if !ok {
				continue
			}
			if _, seen := best[e.code]; !seen {
				order = append(order, e.code)
			}
			if end > best[e.code] {
				best[e.code] = end
			}
		}
		for _, c := range order {
			end := best[c]
			covered[c] = end
			out = append(out, hit{code: c, start: toks[i].start, end: toks[end-1].end})
		}
	}
	return out
}

// neutralCaps are capitalised words that are not shouting: tax and bank
// terms, company forms, currency codes, common abbreviations.
func neutralCaps(w string) bool {
	switch w {
	case "TVA", "HT", "TTC", "SIREN", "SIRET", "IBAN", "BIC", "RIB", "PDF", "SA", "SAS", "SASU", "SARL", "EURL",
		"SCI", "SNC", "EI", "EIRL", "RCS", "NAF", "APE", "URSSAF", "CB", "SEPA", "LCR", "LRAR", "AR", "RAR",
		"BCE", "ECB", "VAT", "UK", "USA", "US", "EU", "UE", "FR", "EN", "CEO", "CFO", "DAF", "PME", "TPE",
		"PO", "BC", "BL", "ID", "OK", "FAQ", "URL", "HTML", "PS", "NB", "RH", "HR", "IT", "SMS", "TEL", "TÉL",
		"CGV", "CGU", "DG", "PDG", "SIRENE", "BTP", "EDF", "SNCF", "CEDEX", "ZI", "ZA", "ZAC", "BP", "CS",
		"EUR", "USD", "GBP", "CHF", "CAD", "JPY", "AUD", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
		"RON", "MAD", "TND", "XOF", "XAF", "XPF",
		"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII":
		return true
	}
	return false
}

// shoutingHits finds runs of three or more words in capitals. Invoice
// numbers (any word with a digit), one-letter words and neutral acronyms
// neither count nor break a run; a word with a lower-case letter breaks it.
func shoutingHits(text string) []hit {
	var out []hit
	runStart, runEnd, count := -1, -1, 0
	closeRun := func() {
		if count >= 3 {
			out = append(out, hit{code: CodeShouting, start: runStart, end: runEnd})
		}
		runStart, runEnd, count = -1, -1, 0
	}
	for _, c := range chunks(text) {
		w := text[c[0]:c[1]]
		upper, lower, digit, letters := 0, 0, false, 0
		for _, r := range w {
			switch {
			case unicode.IsDigit(r):
				digit = true
			case unicode.IsUpper(r):
				upper++
				letters++
			case unicode.IsLower(r):
				lower++
				letters++
			case unicode.IsLetter(r):
				letters++
			}
		}
		switch {
		case lower > 0:
			closeRun()
		case digit || letters < 2 || upper == 0 || neutralCaps(w):
			// neutral
		default:
			if runStart < 0 {
				runStart = c[0]
			}
			runEnd = c[1]
			count++
		}
	}
	closeRun()
	return out
}

// chunks splits on white space and trims punctuation from both ends of each
// piece, so "F-2026-001," stays one word with a digit.
func chunks(s string) [][2]int {
	var out [][2]int
	start := -1
	emit := func(end int) {
		if start < 0 {
			return
		}
		a, b := start, end
		for a < b {
			r, size := firstRune(s[a:b])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				break
			}
			a += size
		}
		for b > a {
			r, size := lastRune(s[a:b])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				break
			}
			b -= size
		}
		if a < b {
			out = append(out, [2]int{a, b})
		}
		start = -1
	}
	for i, r := range s {
		if unicode.IsSpace(r) {
			emit(i)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	emit(len(s))
	return out
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

func lastRune(s string) (rune, int) {
	r := []rune(s)
	if len(r) == 0 {
		return 0, 0
	}
	last := r[len(r)-1]
	return last, len(string(last))
}

// punctuationHits finds "!!", "?!", "!?" and "???", with the word before
// them for context.
func punctuationHits(text string) []hit {
	var out []hit
	i := 0
	for i < len(text) {
		if text[i] != '!' && text[i] != '?' {
			i++
			continue
		}
		j, bangs, qs := i, 0, 0
		for j < len(text) && (text[j] == '!' || text[j] == '?') {
			if text[j] == '!' {
				bangs++
			} else {
				qs++
			}
			j++
		}
		if bangs >= 2 || (bangs >= 1 && qs >= 1) || qs >= 3 {
			out = append(out, hit{code: CodeExclamation, start: wordBefore(text, i), end: j})
		}
		i = j
	}
	return out
}

// wordBefore returns the start of the word preceding position i, skipping
// the (non-breaking) spaces in between.
func wordBefore(text string, i int) int {
	rs := []rune(text[:i])
	k := len(rs)
	for k > 0 && (unicode.IsSpace(rs[k-1]) || rs[k-1] == '\u00a0' || rs[k-1] == '\u202f') {
		k--
	}
	for k > 0 && (unicode.IsLetter(rs[k-1]) || unicode.IsDigit(rs[k-1]) || unicode.Is(unicode.Mn, rs[k-1])) {
		k--
	}
	return len(string(rs[:k]))
}

// Names lists the proper names a message built from d legitimately
// contains (business, client, contact, signer, both postal addresses,
// invoice numbers: a debtor living in Craponne is not insulted), for
// CalmCheckNames: "SARL MARTIN ET FILS" in a signature is not shouting.
func (d Data) Names() []string {
	names := []string{d.Business.Name, d.ClientName, d.ContactName, SafeHeader(d.Business.Name),
		SafeHeader(d.ClientName), SafeHeader(d.ContactName), d.Business.Signer}
	for _, in := range d.Invoices {
		names = append(names, in.Number, SafeHeader(in.Number))
	}
	for _, l := range strings.Split(d.Business.Signature, "\n") {
		names = append(names, strings.TrimSpace(l))
	}
	for _, a := range []string{d.Business.Address, d.ClientAddress} {
		for _, l := range strings.Split(a, "\n") {
			names = append(names, strings.TrimSpace(l))
		}
	}
	out := names[:0]
	seen := map[string]bool{}
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	// Longest first, so a name containing another is masked whole.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}
