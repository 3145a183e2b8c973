package classify

import (
	"regexp"
	"strings"
	"unicode"

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
	own := parts.Body
	if below := bottomPosted(parts.Quoted); below != "" {
		own += "\n\n" + below
	}
	return readHostile(subject, own)
}

// readHostile reads the client's own words, already set apart.
func readHostile(subject, own string) HostileReading {
	var r HostileReading
	var shouted int
	var shoutedSentences []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			r.Sentences = append(r.Sentences, s)
		}
	}
	if s := strings.TrimSpace(replyPrefix.ReplaceAllString(subject, "")); s != "" {
		if hostileSentence(s) {
			add(s)
		}
	}
	for _, s := range sentences(own) {
		switch {
		case hostileSentence(s.orig):
			add(s.orig)
		case shouting(s.orig):
			shouted++
			shoutedSentences = append(shoutedSentences, s.orig)
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

// replyPrefix is what mail programs put before a subject they reply to or
// forward; what remains is the subject, ours or the client's.
var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|tr|fw|fwd|aw|wg|réf|ref)\s*(\[\d+\])?\s*:\s*)+`)

// bottomPosted returns the lines a client wrote below the quoted history:
// what follows the last line quoted with ">" (a reply under the quote).
// Text quoted without ">" (Outlook's "-----Message d'origine-----") is
// left out whole: nothing tells the client's lines from ours there.
func bottomPosted(quoted string) string {
	lines := strings.Split(quoted, "\n")
	last := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), ">") {
			last = i
		}
	}
	if last < 0 {
		return ""
	}
	return strings.TrimSpace(strings.Join(lines[last+1:], "\n"))
}

// shouting reports a sentence written in capitals: at least three words
// and twelve letters, nearly all upper-case.
func shouting(s string) bool {
	upper, letters := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 12 && len(strings.Fields(s)) >= 3 && upper*10 >= letters*9
}

// hostileSentence reports whether one sentence, as written, is hostile.
// A question ("c'est une arnaque ?", a client wary of a fake invoice)
// accuses no one.
func hostileSentence(orig string) bool {
	if strings.HasSuffix(strings.TrimSpace(orig), "?") && !strings.HasSuffix(strings.TrimSpace(orig), "??") {
		return false
	}
	f := " " + fold(unquoteReported(orig)) + " "
	// A sentence holding none of a pattern's literals cannot match it: the
	// regexp, whose backtracking weighed most of a reply's reading, runs
	// only where it could.
	may := hostileLits.rules(f)
	for i, h := range hostilePatterns {
		if !may[i] {
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
		return true
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
	always []int // patterns without literals of three bytes or more: they always run
	first  map[[3]byte][]indexedLiteral
}

type indexedLiteral struct {
	rule int
	lit  string
}

func indexLiterals(rules []hostileRule) literalIndex {
	x := literalIndex{n: len(rules), first: map[[3]byte][]indexedLiteral{}}
	for i, r := range rules {
		if r.lits == nil || text.MinLen(r.lits) < 3 {
			x.always = append(x.always, i)
			continue
		}
		for _, l := range r.lits {
			k := [3]byte{l[0], l[1], l[2]}
			x.first[k] = append(x.first[k], indexedLiteral{rule: i, lit: l})
		}
	}
	return x
}

// rules reports, for each pattern, whether s holds one of its literals
// (always true for a pattern that has none).
func (x literalIndex) rules(s string) []bool {
	may := make([]bool, x.n)
	for _, i := range x.always {
		may[i] = true
	}
	for i := 0; i+3 <= len(s); i++ {
		for _, l := range x.first[[3]byte{s[i], s[i+1], s[i+2]}] {
			if !may[l.rule] && strings.HasPrefix(s[i:], l.lit) {
				may[l.rule] = true
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
