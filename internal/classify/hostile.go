package classify

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/relance/relance/internal/reply"
	"github.com/relance/relance/internal/text"
)

// Hostile is the reading beside the class: whether the reply has turned
// aggressive or insulting (insults and name-calling of the business or its
// people, threats, intimidation, abuse thrown as an accusation of fraud),
// so that the owner steps back and hands the file to a third party. A firm
// or curt dispute, a calm mention of a lawyer or a court, sarcasm and
// strong words about someone else (a bank, the post) are not hostile.
//
// It is a lexicon read sentence by sentence on the client's own words
// only: the reply above the quoted history, the lines written below it
// (bottom-posting), and a subject the client rewrote. Our quoted reminder
// is never read. A word in quotation marks (reported speech) or under a
// negation ("je ne dis pas que vous êtes des escrocs") does not count.
type HostileReading struct {
	Hostile bool
	// Sentences are the client's sentences that read as hostile, as
	// written, in order.
	Sentences []string
}

// ReadHostile reads a reply's subject and whole text (quotes included:
// they are set aside here).
func ReadHostile(subject, text string) HostileReading {
	return readHostileParts(subject, reply.Strip(text))
}

// readHostileParts reads a reply already split by reply.Strip.
func readHostileParts(subject string, parts reply.Reply) HostileReading {
	return readHostileText(subject, ownWords(parts.Body, bottomPosted(parts.Quoted)))
}

// ownWords joins the reply above the quote and the lines below it.
func ownWords(body, below string) string {
	if below != "" {
		return body + "\n\n" + below
	}
	return body
}

// readHostileText reads the client's own words, already set apart.
func readHostileText(subject, own string) HostileReading {
	sents := sentences(own)
	origs, folded := make([]string, len(sents)), make([]string, len(sents))
	for i, s := range sents {
		origs[i], folded[i] = s.orig, s.folded
	}
	return readHostile(subject, origs, folded)
}

// readHostile reads the client's own words split into sentences (as
// sentences splits them), each as written and folded: the model's reading
// shares its split when it reads the same words.
func readHostile(subject string, origs, folded []string) HostileReading {
	var r HostileReading
	var shouted int
	var shoutedSentences []string
	var seen map[string]bool
	add := func(s string) {
		if seen == nil {
			seen = map[string]bool{}
		}
		if !seen[s] {
			seen[s] = true
			r.Sentences = append(r.Sentences, s)
		}
	}
	// Each sentence is gated in this buffer; a reply's sentences are
	// shorter than maxSentence, so it is seldom grown.
	var arr [maxSentence + 16]byte
	buf := arr[:0]
	var hostile bool
	// What the prefixes of answers and forwards leave is the subject, ours
	// or the client's.
	if s, _ := subjectPrefixes(subject); s != "" {
		if hostile, buf = hostileSentence(s, "", false, buf); hostile {
			add(s)
		}
	}
	for i, orig := range origs {
		hostile, buf = hostileSentence(orig, folded[i], true, buf)
		switch {
		case hostile:
			add(orig)
		case shouting(orig):
			shouted++
			shoutedSentences = append(shoutedSentences, orig)
		}
	}
	// Shouting alone is anger, not yet abuse; shouting at length, or
	// beside a sentence that is hostile, is.
	if shouted >= 3 || (shouted > 0 && len(r.Sentences) > 0) {
		for _, s := range shoutedSentences {
			add(s)
		}
	}
	r.Hostile = len(r.Sentences) > 0
	return r
}

// bottomPosted returns the lines a client wrote below the quoted history:
// what follows the last line quoted with ">" (a reply under the quote).
// Text quoted without ">" (Outlook's "-----Message d'origine-----") is
// left out whole: nothing tells the client's lines from ours there.
func bottomPosted(quoted string) string {
	// The end of the last line quoted with ">", found without splitting
	// the whole history into lines.
	after := -1
	for start := 0; start < len(quoted); {
		end := strings.IndexByte(quoted[start:], '\n')
		if end < 0 {
			end = len(quoted)
		} else {
			end += start
		}
		if strings.HasPrefix(strings.TrimSpace(quoted[start:end]), ">") {
			after = end + 1
		}
		start = end + 1
	}
	if after < 0 || after >= len(quoted) {
		return ""
	}
	return strings.TrimSpace(quoted[after:])
}

// shouting reports a sentence written in capitals: at least three words
// and twelve letters, nearly all upper-case.
func shouting(s string) bool {
	upper, letters := 0, 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				upper++
				letters++
			case 'a' <= c && c <= 'z':
				letters++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	// Counting the words allocates: only a sentence in capitals gets there.
	return letters >= 12 && upper*10 >= letters*9 && len(strings.Fields(s)) >= 3
}

// hostileSentence reports whether one sentence, as written, is hostile.
// A question ("c'est une arnaque ?", a client wary of a fake invoice)
// accuses no one. folded is fold(orig) when hasFolded. buf is scratch
// space for the folded form; it is returned, grown if need be.
func hostileSentence(orig, folded string, hasFolded bool, buf []byte) (bool, []byte) {
	if strings.HasSuffix(strings.TrimSpace(orig), "?") && !strings.HasSuffix(strings.TrimSpace(orig), "??") {
		return false, buf
	}
	// The patterns read " " + fold(unquoteReported(orig)) + " ". Without
	// quotation marks (and with valid UTF-8, which unquoteReported would
	// otherwise rewrite), unquoteReported changes nothing and the fold
	// made when the reply was split serves.
	if !hasFolded || !utf8.ValidString(orig) || hasQuotationMark(orig) {
		folded = fold(unquoteReported(orig))
	}
	buf = append(append(append(buf[:0], ' '), folded...), ' ')
	// A sentence holding none of a pattern's literals cannot match it: the
	// regexp, whose backtracking weighed most of a reply's reading, runs
	// only where it could; a sentence holding none of them is not even
	// copied into a string.
	may := hostileLits.rules(buf)
	if may.empty() {
		return false, buf
	}
	f := string(buf)
	for i, h := range hostilePatterns {
		if !may.has(i) {
			continue
		}
		loc := h.re.FindStringIndex(f)
		if loc == nil {
			continue
		}
		if negatedBefore(f[:loc[0]]) {
			continue
		}
		if aboutOthers(f) {
			continue
		}
		return true, buf
	}
	return false, buf
}

// hasQuotationMark reports whether valid UTF-8 s holds one of the marks
// unquoteReported reads: `"`, "«", "»", "“" or "”" (byte tests, where
// strings.ContainsAny with marks outside ASCII decodes s rune by rune).
func hasQuotationMark(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return true
		case 0xC2: // « U+00AB, » U+00BB
			if i+1 < len(s) && (s[i+1] == 0xAB || s[i+1] == 0xBB) {
				return true
			}
		case 0xE2: // “ U+201C, ” U+201D
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x9C || s[i+2] == 0x9D) {
				return true
			}
		}
	}
	return false
}

// unquoteReported blanks what sits between quotation marks: words the
// client reports ("your lad said it was “condensation”"), not theirs.
func unquoteReported(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '«', '“':
			depth++
			b.WriteRune(' ')
			continue
		case '»', '”':
			if depth > 0 {
				depth--
			}
			b.WriteRune(' ')
			continue
		case '"':
			if depth > 0 {
				depth--
			} else {
				depth++
			}
			b.WriteRune(' ')
			continue
		}
		if depth > 0 {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// negatedBefore reports a negation in the few words before a match, in
// the same clause: "je ne dis pas que vous êtes des escrocs", "I'm not
// calling you crooks". "Je ne paierai pas, bande d'escrocs" negates the
// paying, not the insult; the French restrictive "ne … que" ("vous n'êtes
// qu'une bande d'incapables") is no negation at all.
func negatedBefore(before string) bool {
	if i := strings.LastIndexAny(before, ",;:!?."); i >= 0 {
		before = before[i+1:]
	}
	words := strings.Fields(before)
	if len(words) > 7 {
		words = words[len(words)-7:]
	}
	for _, w := range words {
		switch w {
		case "pas", "not", "never", "jamais", "isn't", "aren't", "don't", "didn't", "won't", "wouldn't", "no":
			return true
		}
	}
	return false
}

// aboutOthers reports a sentence whose abuse is aimed at someone other
// than the business: a bank, the post, the tax office, a landlord.
func aboutOthers(f string) bool {
	if secondPerson.MatchString(f) {
		return false
	}
	return thirdParty.MatchString(f)
}

var (
	secondPerson = regexp.MustCompile(`\b(vous|vos|votre|tu|te|toi|ton|ta|tes|you|your|yours|you're|youre|ya)\b`)
	thirdParty   = regexp.MustCompile(`\b(banque|bank|poste|post office|royal mail|urssaf|impots|hmrc|courier|coursier|landlord|proprietaire|assurance|insurer|insurance|gouvernement|government|council|mairie|transporteur|chronopost|colissimo|dpd|evri|hermes)\b`)
)

// hostilePatterns are written against the folded form (lower-case, no
// accents, one space between words), with a space at both ends.
var hostilePatterns = compileAll(
	// Name-calling of the business or its people.
	`\b(bande|tas|equipe|clique|ramassis) d(e |')(escrocs?|voleurs?|incapables|guignols|branquignols|rapaces|charlatans|menteurs|bras casses|nuls|abrutis|truands|bons a rien|amateurs)\b`,
	`\b(vous etes|t'es|tu es|vous n'etes qu'une?|vous n'etes que des|sont|c'est|espece d[e'] ?|bande de|des|une|un) ?(des |une |un |de la |du )?(sales? )?(escrocs?|voleurs?|arnaqueurs?|charlatans?|truands?|incapables|guignols|rapaces|menteurs|bons a rien|abrutis?|connards?|conne|connasse|salauds?|salopards?|ordures?|encules?|enfoires?|batards?|minables|pourris|mafieux|crapules?|voyous)\b`,
	`\b(escrocs?|voleurs?|arnaqueurs?|charlatans?|connards?|connasse|salauds?|salopards?|enfoires?|encules?|crapules?|ordures)\b`,
	`\b(pauvre|sale|grosse|vieille) (conne?|idiote?|imbecile|cloche|type|bonne femme)\b`,
	`\b(crooks?|thie(f|ves)|thieving|scumbags?|scum|con ?artists?|conmen|con men|fraudsters?|shysters?|swindlers?|cowboys?|clowns|charlatans?|rip ?off merchants?|bastards?|morons?|idiots?|wankers?|pricks?|twats?|tossers?|cunts?|muppets|imbeciles|incompetent idiots|lazy idiot|useless (lot|bunch|idiots?|muppets|clowns))\b`,
	`\b(silly|stupid|useless|lazy|thick) (cow|bitch|idiot|prat|sod|git)\b`,
	`\b(bunch|load|lot|pack|band) of (crooks|thieves|clowns|cowboys|idiots|amateurs|incompetents|chancers|liars|jokers|muppets|crooks)\b`,
	`\buseless the lot of you\b`, `\b(you|your) (clowns|muppets|idiots|morons|lot of crooks)\b`,
	// Vulgar abuse.
	`\b(allez|va|aller) (vous|te) faire (foutre|voir|enculer)\b`, `\bva te faire\b`, `\bfermez[- ]la\b`, `\bta gueule\b`,
	`\b(f\*+k?|fuck|f\*\*\*|eff) (off|you|yourselves|yourself)\b`, `\bgo f[\*u]`, `\bshove (it|your|his|her|this|the)\b`,
	`\bup (your|his|her) (arse|ass)\b`, `\bpiss off\b`, `\bsod off\b`, `\bbugger off\b`, `\bget stuffed\b`,
	// Abuse thrown as an accusation of fraud.
	`\b(c'est|c est|c'etait|ca s'appelle) (de l'|une |du )?(arnaque|escroquerie|vol|racket|du vol)\b`, `\barnaque (pure|totale|complete)\b`,
	`\b(this is|it's|its|that's|total|utter|complete|absolute) (a )?(scam|fraud|rip ?off|daylight robbery|extortion)\b`,
	`\bdaylight robbery\b`, `\bpreying on\b`,
	// Threats and intimidation.
	`\b(vous allez|tu vas|vous aller) (le )?(payer|regretter|le regretter|comprendre|morfler|souffrir)\b`, `\bvous le regretterez\b`,
	`\b(you'll|you will|youll|you are going to|you're going to|you'll all) (regret|be sorry|pay for)\b`, `\bi promise you'll regret\b`,
	`\b(je sais|on sait|i know|we know|they know) (ou|where) (vous|tu|te|you|your|se garent|sont)\b`,
	`\bknow where your (yard|unit|office|workshop|house|home|vans?) is\b`,
	`\b(ca|cela|tout ca) (va|finira|risque de) (mal finir|mal tourner|finir mal)\b`, `\bca va mal finir\b`, `\bca va chauffer\b`,
	`\b(get|gets|got) what'?s coming\b`, `\bwhat'?s coming to (them|you|him)\b`,
	`\b(casser|peter|refaire|defoncer) (la gueule|la figure|les dents)\b`, `\b(lui|vous|te|leur) (casser|peter|defoncer)\b`,
	`\bcomprendre (sa|ta|votre) douleur\b`, `\bput (him|her|you) through\b`, `\b(smash|punch|batter|kick) (your|his|her|him|you)\b`,
	`\b(je vais|on va|je vais m'assurer de) (vous|te) (couler|detruire|ruiner|pourrir|faire couler|briser|demolir|enterrer|faire la peau)\b`,
	`\b(i'll|i will|we'll|we will|i'm going to|im going to) (ruin|destroy|finish|bury|sink|crush) (you|your)\b`, `\bsee you ruined\b`,
	`\bout of business\b`, `\bname is mud\b`, `\bnobody in [a-z ]+ (ever )?(uses|use|hires|calls|trusts) (your|you)\b`,
	`\b(plus personne|aucun client|personne) [a-z' ]{0,40}ne (vous|te) (confie|appelle|fera|donnera|contactera|choisira)\b`,
	`\b(faire|ferai) (une|votre|ta) (reputation|pub|publicite)\b`, `\bvous faire une (reputation|pub)\b`,
	`\b(vous|tu) ne dormirez pas tranquille\b`, `\bne dormirez plus\b`,
	`\b(be a |would be a )?shame if (something|anything) (happened|were to happen)\b`,
	`\b(je viens|je passerai|je vais passer|je vais venir|on va passer|moi aussi je peux passer) (vous|te) (voir|dire)\b`,
	`\bseul a seul\b`, `\bcomme des hommes\b`, `\bface to face and you\b`, `\byou won'?t like it\b`,
	`\b(viens|venez) le chercher\b`, `\bone way or another\b`, `\bpicked the wrong (customer|person|guy|man|woman)\b`,
	`\b(i'll|i will|we'll) be round\b`, `\bcoming round\b`, `\bturns? up at my door\b`,
	`\bor (else|you'll be sorry)\b`, `\bsinon (gare|vous allez|tu vas|ca va)\b`,
	`\b(ne m'ecrivez plus|ne m'appelez plus|never (email|contact|write to|ring|call) me again|do not contact me again|don'?t (email|contact|ring) me again) [a-z' ]*(sinon|or |ou )`,
	`\b(i'll|i will) make sure (your|you)\b`, `\bje connais du monde\b`, `\bknows a lot of people\b`,
	`\bwhen hell freezes over\b`,
	`\b(scammers?|swindlers?|liars|cheats|gangsters|parasites|vultures|leeches)\b`, `\byou'?(re| are) (a |all )?(liars?|cheats?|a disgrace|pathetic|scum|vermin)\b`,
	`\b(debiles?|abrutis?|cretins?|imbeciles|bouffons|tocards?|minables|mafieux|parasites|vautours|sangsues)\b`,
	`\bvous allez voir ce que\b`, `\b(robbers|bandits|gangsters)\b`, `\b(bandits|brigands|branquignols|tocards)\b`,
	`\byou('re| are| lot are) a joke\b`, `\b(ruin|destroy|trash|wreck) your (reputation|business|name|company)\b`,
	`\b(ruiner|detruire|salir|flinguer|pourrir) (votre|ta) (reputation|entreprise|boite|nom|vie)\b`, `\bvous pourrir\b`,
	`\bmake you pay\b`, `\b(je vais|je vous le) (vous le faire payer|ferai payer)\b`, `\byou'?ve been warned\b`, `\bwatch yourself\b`,
	`\bje vous emmerde\b`, `\bgo to hell\b`, `\b(allez|va) au diable\b`, `\bvous etes previ?enus?\b`, `\bgare a (vous|toi)\b`, `\bwatch your back\b`, `\bi'?ll be waiting for you\b`,
)

// hostileRule is a hostile pattern with the literals one of which each of
// its matches holds (literalsOf; nil: it always runs).
type hostileRule struct {
	re   *regexp.Regexp
	lits []string
}

// hostileLits finds, in one pass over a sentence, the patterns one of whose
// literals it holds: each literal is filed under its first three bytes, so
// the sentence is read once rather than once per literal of each of the
// ninety patterns.
var hostileLits = indexLiterals(hostilePatterns)

type literalIndex struct {
	n      int
	always ruleSet // patterns without literals of three bytes or more: they always run
	first  map[[3]byte][]indexedLiteral
	// seen has the bit of hash3 of each key of first set: most positions
	// of a sentence start no literal, and a bit test is cheaper than a
	// map lookup.
	seen [1 << (hashBits3 - 6)]uint64
}

// hashBits3 is the size, in bits, of the hash of three bytes in seen.
const hashBits3 = 16

func hash3(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> (32 - hashBits3)
}

// ruleSet is a set of pattern indexes, as bits.
type ruleSet [4]uint64

// maxRules is how many patterns a ruleSet holds.
const maxRules = len(ruleSet{}) * 64

func (s *ruleSet) add(i int)     { s[i>>6] |= 1 << (i & 63) }
func (s ruleSet) has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }
func (s ruleSet) empty() bool    { return s == ruleSet{} }

type indexedLiteral struct {
	rule int
	lit  string
}

func indexLiterals(rules []hostileRule) *literalIndex {
	if len(rules) > maxRules {
		panic("classify: more hostile patterns than a ruleSet holds")
	}
	x := &literalIndex{n: len(rules), first: map[[3]byte][]indexedLiteral{}}
	for i, r := range rules {
		if r.lits == nil || text.MinLen(r.lits) < 3 {
			x.always.add(i)
			continue
		}
		for _, l := range r.lits {
			k := [3]byte{l[0], l[1], l[2]}
			x.first[k] = append(x.first[k], indexedLiteral{rule: i, lit: l})
			h := hash3(l[0], l[1], l[2])
			x.seen[h>>6] |= 1 << (h & 63)
		}
	}
	return x
}

// rules returns the patterns s holds one of the literals of (and those
// that have none).
func (x *literalIndex) rules(s []byte) ruleSet {
	may := x.always
	for i := 0; i+3 <= len(s); i++ {
		if h := hash3(s[i], s[i+1], s[i+2]); x.seen[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, l := range x.first[[3]byte{s[i], s[i+1], s[i+2]}] {
			if !may.has(l.rule) && len(s)-i >= len(l.lit) && string(s[i:i+len(l.lit)]) == l.lit {
				may.add(l.rule)
			}
		}
	}
	return may
}

func compileAll(exprs ...string) []hostileRule {
	out := make([]hostileRule, len(exprs))
	for i, e := range exprs {
		out[i] = hostileRule{re: regexp.MustCompile(e), lits: literalsOf(e)}
	}
	return out
}
