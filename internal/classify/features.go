package classify

import (
	"math"
	"strings"
	"sync"
	"time"
)

// The model reads a reply as a bag of hashed features: words, word pairs and
// the character 3–5-grams of each word (so "virement", "virmt" and
// "virements" share most of their features), all taken from the folded text
// (lower case, no accents), plus a few facts about the whole reply. Each
// feature remembers the sentence it came from, so the decision can be
// explained sentence by sentence.

const (
	hashBits = 18
	nBuckets = 1 << hashBits

	maxFeatureText = 6 << 10 // bytes of reply text read; the meaning sits early
	negationScope  = 4       // words after "pas", "not", … that are read as negated
)

// feature kinds, mixed into the hash so that a word and a character n-gram
// of the same letters stay apart.
const (
	kindWord byte = iota + 1
	kindNegWord
	kindBigram
	kindChar
	kindSubject
	kindDoc
	kindLead     // a word of one of the first two substantive sentences
	kindLeadPair // a word pair of one of them
)

// The first two sentences of some length (past "Bonjour," and "Hi Tom,")
// say what a reply is about more often than the ones after: their words and
// pairs count twice, once as themselves and once as lead features.

// features is the hashed reading of one reply.
type features struct {
	ids    []uint32        // bucket of each feature occurrence
	sent   []int16         // sentence of each occurrence; -1 for facts of the whole reply
	sents  []string        // the sentences as the client wrote them
	folded []string        // the same, folded
	dates  [][]dateMention // the dates of each sentence (nil without a reference day)
	future []bool          // the sentence speaks in the future tense
	past   []bool          // … or in the past
	scale  float32         // 1/sqrt(len(ids)): long replies do not shout louder

	// Scratch space kept between the replies a pooled features reads.
	split  []sentence
	toks   []string
	negs   []bool
	perInt [][nClasses]int32
	per    [][nClasses]float32
}

// fnv-1a, 32 bits, written out so hashing allocates nothing.
const (
	fnvOffset uint32 = 2166136261
	fnvPrime  uint32 = 16777619
)

func hashStart(kind byte) uint32 { return (fnvOffset ^ uint32(kind)) * fnvPrime }

func hashAdd(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

func bucket(h uint32) uint32 {
	// Fold the high bits in: FNV's low bits alone mix poorly.
	return (h ^ h>>hashBits) & (nBuckets - 1)
}

// negators open a negation scope (folded forms). "ne" is left out: French
// negation always comes with "pas", "jamais", "rien", "aucun" or "plus".
var negators = map[string]bool{
	"pas": true, "jamais": true, "aucun": true, "aucune": true, "rien": true, "sans": true, "ni": true,
	"not": true, "no": true, "never": true, "nothing": true, "without": true, "nor": true, "none": true,
	"dont": true, "didnt": true, "doesnt": true, "isnt": true, "wasnt": true, "havent": true, "hasnt": true,
	"cant": true, "cannot": true, "wont": true, "arent": true, "werent": true, "couldnt": true, "wouldnt": true,
}

// englishContractions are the words before "n't": "don't" folds to "don" "t".
var englishContractions = map[string]bool{
	"don": true, "didn": true, "doesn": true, "isn": true, "wasn": true, "haven": true, "hasn": true,
	"can": true, "won": true, "aren": true, "weren": true, "couldn": true, "wouldn": true, "shouldn": true,
}

// extract reads text (the client's own words) and subject into features.
// facts are added as whole-reply features. ref is the mail's calendar day
// (zero when unknown): dates are read against it, so that "payé le 3" and
// "je paie le 30" differ by more than a digit.
func extract(text, subject string, ref time.Time, facts []string) features {
	var f features
	extractInto(&f, text, subject, ref, facts, mailDateOrder(text))
	return f
}

// featurePool recycles the buffers of extractInto between replies: they
// are most of what reading a reply allocates.
var featurePool = sync.Pool{New: func() any { return new(features) }}

// extractInto is extract into f, reusing its buffers, numeric dates read
// in order.
func extractInto(f *features, text, subject string, ref time.Time, facts []string, order dateOrder) {
	if len(text) > maxFeatureText {
		cut := maxFeatureText
		for cut > 0 && !utf8RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	f.split = appendSentences(f.split[:0], text)
	sents := f.split
	if need := 64 + len(text)*3; cap(f.ids) < need {
		f.ids, f.sent = make([]uint32, 0, need), make([]int16, 0, need)
	}
	*f = features{ids: f.ids[:0], sent: f.sent[:0], sents: f.sents[:0], folded: f.folded[:0], dates: f.dates[:0],
		future: f.future[:0], past: f.past[:0], split: f.split, toks: f.toks, negs: f.negs, perInt: f.perInt, per: f.per}
	add := func(h uint32, s int16) {
		f.ids = append(f.ids, bucket(h))
		f.sent = append(f.sent, s)
	}
	toks, negs := f.toks[:0], f.negs[:0]
	defer func() { f.toks, f.negs = toks[:0], negs[:0] }()
	questions, exclaims, digits, amounts := 0, 0, 0, 0
	var future, past, payFuture, payPast, today, payTenseFuture, payTensePast bool
	var settleAhead, settleBehind, settlePast bool
	lead := 0 // substantive sentences read so far: the first two say what the reply is about
	for si, s := range sents {
		if si >= 1<<14 {
			break
		}
		isLead := false
		if lead < 2 && len(s.folded) > 25 {
			lead++
			isLead = true
		}
		f.sents = append(f.sents, s.orig)
		f.folded = append(f.folded, s.folded)
		f.dates = append(f.dates, nil)
		sid := int16(si)
		toks, negs = tokenize(s.folded, toks[:0], negs[:0])
		fut, pst := tenseOf(toks)
		f.future = append(f.future, fut)
		f.past = append(f.past, pst)
		for i, t := range toks {
			if negs[i] {
				add(hashAdd(hashStart(kindNegWord), t), sid)
			} else {
				add(hashAdd(hashStart(kindWord), t), sid)
			}
			if isLead {
				add(hashAdd(hashStart(kindLead), t), sid)
			}
			prev := "^"
			if i > 0 {
				prev = toks[i-1]
			}
			h := hashAdd(hashStart(kindBigram), prev)
			h = hashAdd((h^' ')*fnvPrime, t)
			add(h, sid)
			if isLead {
				lh := hashAdd(hashStart(kindLeadPair), prev)
				add(hashAdd((lh^' ')*fnvPrime, t), sid)
			}
			charGrams(t, sid, add)
		}
		if len(toks) > 0 {
			add(hashAdd((hashAdd(hashStart(kindBigram), toks[len(toks)-1])^' ')*fnvPrime, "$"), sid)
		}
		pays := false
		for _, t := range toks {
			if payWord(t) {
				pays = true
				break
			}
		}
		if pays {
			// The tense of a sentence about paying: "sera payée jeudi" and
			// "will go on Wednesday" promise, "a été réglé" and "went out"
			// report; the date alone does not tell ("vous le recevrez
			// demain" follows a payment made).
			if fut {
				add(hashAdd(hashStart(kindDoc), "paytense:future"), sid)
				payTenseFuture = true
			}
			if pst {
				add(hashAdd(hashStart(kindDoc), "paytense:past"), sid)
				payTensePast = true
			}
		}
		// A word that can only mean handing over money ("virement",
		// "chèque", "pay"), unlike "facture" or "montant".
		settle := pays && settles(s.folded)
		settlePast = settlePast || settle && pst
		if !ref.IsZero() && mayHaveDate(s.folded, toks) {
			f.dates[si] = findDatesIn(s.folded, ref, order)
			ahead := false
			for _, d := range f.dates[si] {
				switch {
				case d.modelT.IsZero():
					// A form the weights never saw (dateMention.modelT).
				case d.modelT.After(ref):
					future = true
					payFuture = payFuture || pays
					ahead = true
				case d.modelT.Before(ref):
					past = true
					payPast = payPast || pays
					settleBehind = settleBehind || settle
				default:
					today = true
				}
			}
			if ahead && settle && !pst {
				// "je vous donne le chèque samedi", "it goes in the 27
				// February transfer": money handed over on a day to come,
				// in whatever tense.
				add(hashAdd(hashStart(kindDoc), "settle:ahead"), sid)
				settleAhead = true
			}
		}
		questions += strings.Count(s.folded, "?")
		exclaims += strings.Count(s.folded, "!")
		for i := 0; i < len(s.folded); i++ {
			if isDigit(s.folded[i]) {
				digits++
			}
		}
		if hasMoneySign(s.folded) || strings.Contains(s.folded, "eur") || strings.Contains(s.folded, "chf") {
			amounts++
		}
	}
	doc := func(name string) { add(hashAdd(hashStart(kindDoc), name), -1) }
	doc("bias")
	switch n := len(text); {
	case n < 40:
		doc("len:tiny")
	case n < 120:
		doc("len:short")
	case n < 400:
		doc("len:medium")
	case n < 1200:
		doc("len:long")
	default:
		doc("len:very_long")
	}
	switch {
	case len(sents) <= 1:
		doc("sents:1")
	case len(sents) <= 3:
		doc("sents:2-3")
	default:
		doc("sents:4+")
	}
	if questions > 0 {
		doc("question")
	}
	if exclaims > 1 {
		doc("exclaims")
	}
	if digits > 0 {
		doc("digits")
	}
	if amounts > 0 {
		doc("amount")
	}
	for _, x := range []struct {
		on   bool
		name string
	}{{future, "date:future"}, {past, "date:past"}, {today, "date:today"}, {payFuture, "pay:future"}, {payPast, "pay:past"},
		{payTenseFuture && !payTensePast, "paytense:only_future"}, {payTensePast && !payTenseFuture, "paytense:only_past"},
		// A payment dated only ahead is not made yet ("je l'intègre au
		// virement de vendredi"), the more so when said in the future.
		{payFuture && !payPast, "pay:only_future"},
		{payFuture && !payPast && payTenseFuture && !payTensePast, "pay:only_future_tense"},
		{settleAhead && !settleBehind && !settlePast, "settle:only_ahead"}} {
		if x.on {
			doc(x.name)
		}
	}
	for _, fact := range facts {
		doc(fact)
	}
	toks, _ = tokenize(fold(subject), toks[:0], negs[:0])
	for _, t := range toks {
		add(hashAdd(hashStart(kindSubject), t), -1)
	}
	if n := len(f.ids); n > 0 {
		f.scale = 1 / sqrt32(float32(n))
	}
}

// wordFilter tells, from a word's first byte and length, that it is not a
// key of a set: most words of a reply are in none of the sets the model's
// signals look them up in, and two loads cost less than hashing the word.
type wordFilter [256]uint64 // bit n of [b]: a key of n bytes (63: 63 or more) starts with b

func filterOf[V any](set map[string]V) *wordFilter {
	var f wordFilter
	for w := range set {
		if w != "" {
			f[w[0]] |= 1 << min(len(w), 63)
		}
	}
	return &f
}

// may reports whether w can be a key of the set (always for "").
func (f *wordFilter) may(w string) bool {
	return w == "" || f[w[0]]&(1<<min(len(w), 63)) != 0
}

var (
	tenseFilter    = filterOf(tenseWords)
	negatorFilter  = filterOf(negators)
	dateWordFilter = filterOf(dateWords)
)

// tenseOfWord is tenseWords[t].
func tenseOfWord(t string) uint8 {
	if !tenseFilter.may(t) {
		return 0
	}
	return tenseWords[t]
}

// tenseOf reports whether the words of a sentence speak in the future
// ("will", "sera", "partira", "je vais payer") or in the past ("a été",
// "avons réglé", "was", "went out"), in French and English, folded.
func tenseOf(toks []string) (future, past bool) {
	for i, t := range toks {
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		kind := tenseOfWord(t)
		switch {
		case kind&tenseFuture != 0:
			future = true
		case (t == "vais" || t == "va" || t == "allons" || t == "allez" || t == "vont") && infinitive(next):
			future = true // "je vais payer", "on va régler"
		case t == "going" && next == "to":
			future = true
		case kind&tenseNotFuture == 0 && frenchFuture(t):
			future = true
		case kind&tensePast != 0 && !(i > 0 && (tenseOfWord(toks[i-1])&tenseFuture != 0 || toks[i-1] == "be")):
			past = true // not "sera effectué", "will be paid"
		case (t == "ai" || t == "avons" || t == "avez" || t == "ont") && participle(next):
			past = true // "j'ai viré", "nous avons réglé"
		case t == "a" && (next == "ete" || tenseOfWord(next)&tensePast != 0):
			past = true // "il a été", "elle a réglé"; "a" alone is mostly "à"
		case len(t) > 4 && strings.HasSuffix(t, "ed") && payWord(t):
			past = true // "paid" is in pastWords; "transferred", "wired", "settled"
		}
	}
	return future, past
}

const (
	tenseFuture uint8 = 1 << iota
	tensePast
	tenseNotFuture
)

// tenseWords holds futureWords, pastWords and notFuture in one table: one
// lookup per word.
var tenseWords = func() map[string]uint8 {
	m := map[string]uint8{}
	for w := range futureWords {
		m[w] |= tenseFuture
	}
	for w := range pastWords {
		m[w] |= tensePast
	}
	for w := range notFuture {
		m[w] |= tenseNotFuture
	}
	return m
}()

var (
	futureWords = wordSet(`will ll shall wont gonna sera seront serons serez serai seras pourra pourrons pourront
		ferai fera ferons feront aurai auras aura aurons aurez auront partira partiront tomorrow demain prochain prochaine scheduled programme programmee
		prevu prevue planned`)
	pastWords = wordSet(`was were been had did paid sent went made done ete fait faite effectue effectuee envoye
		envoyee parti partie passe passee regle reglee paye payee vire viree emis emise yesterday hier deja already`)
	notFuture = wordSet(`extra opera contra cobra terra zebra sierra camera era tiara fedora mantra libra hydra
		cara para ultra aura`)
)

// frenchFuture recognises the French simple future by its endings
// ("partira", "réglerons", "effectuerez"), the way a reader does.
// The caller leaves out the words of notFuture.
func frenchFuture(t string) bool {
	if len(t) < 5 {
		return false
	}
	switch t[len(t)-1] {
	case 'i', 's', 'a', 'z', 't':
	default:
		return false // no ending below
	}
	for _, end := range []string{"erai", "eras", "era", "erons", "erez", "eront", "irai", "iras", "ira", "irons", "irez", "iront"} {
		if strings.HasSuffix(t, end) {
			return true
		}
	}
	return false
}

func infinitive(t string) bool {
	return len(t) > 3 && (strings.HasSuffix(t, "er") || strings.HasSuffix(t, "ir") || strings.HasSuffix(t, "re"))
}

func participle(t string) bool {
	return t == "ete" || t == "fait" || pastWords[t] || len(t) > 3 && (strings.HasSuffix(t, "e") || strings.HasSuffix(t, "i") ||
		strings.HasSuffix(t, "is") || strings.HasSuffix(t, "it"))
}

// charGrams adds the character 3-, 4- and 5-grams of " word ".
func charGrams(t string, sid int16, add func(uint32, int16)) {
	if len(t) < 2 || len(t) > 30 {
		return
	}
	var buf [32]byte
	w := buf[:0]
	w = append(w, ' ')
	w = append(w, t...)
	w = append(w, ' ')
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(w); i++ {
			h := hashStart(kindChar)
			for _, c := range w[i : i+n] {
				h = (h ^ uint32(c)) * fnvPrime
			}
			add(h, sid)
		}
	}
}

// tokenize splits folded text into words, numbers reduced to their shape
// ("15" → "00"), and marks the words inside a negation scope. A comma, a
// semicolon or "mais"/"but" closes the scope.
func tokenize(s string, toks []string, negs []bool) ([]string, []bool) {
	scope := 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := s[start:end]
		start = -1
		if isDigit(t[0]) {
			t = numberShape(t)
		}
		switch {
		case t == "t" && len(toks) > 0 && englishContractions[toks[len(toks)-1]]:
			scope = negationScope
			return
		case t == "mais" || t == "but" || t == "however" || t == "cependant" || t == "pourtant":
			scope = 0
		}
		toks = append(toks, t)
		negs = append(negs, scope > 0)
		if scope > 0 {
			scope--
		}
		if negatorFilter.may(t) && negators[t] {
			scope = negationScope
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80:
			if start < 0 {
				start = i
			}
		default:
			flush(i)
			switch c {
			case ',', ';', ':', '(', ')':
				scope = 0
			case '?', '!', '$':
				toks = append(toks, string(c))
				negs = append(negs, false)
			}
		}
	}
	flush(len(s))
	return toks, negs
}

var shapes = [...]string{"", "0", "00", "000", "0000", "00000+"}

func numberShape(t string) string {
	n := 0
	for i := 0; i < len(t) && isDigit(t[i]); i++ {
		n++
	}
	if n > 5 {
		n = 5
	}
	return shapes[n]
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// dateWords are the folded words without which a sentence with no digit
// holds no date findDates could read: checking them first spares the date
// expressions on most sentences.
var dateWords = func() map[string]bool {
	m := map[string]bool{}
	// Every phrase findDates reads without a digit holds one of these
	// ("fin du mois", "next Tuesday", "mi-décembre", "après-demain"):
	// weaker words ("fin", "next", "prochain") never stand alone in one.
	for _, w := range strings.Fields(`lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday
		friday saturday sunday janvier janv fevrier fevr fev mars avril avr mai juin juillet juil aout septembre sept octobre
		oct novembre nov decembre dec january jan february feb march mar april apr may june jun july jul august aug september
		sep october november december demain dmain tomorrow tomorow tommorow tommorrow tmrw 2moro aujourd aujourdhui
		today tonight soir jour midi afternoon morning matin hier yesterday semaine week weekend mois month year
		annee huitaine quinzaine jours days day weeks months semaines heures hours eom tue tues wed weds thu thur thurs fri
		eod cob journee fortnight fortnights business`) {
		m[w] = true
	}
	// Days in words: "je vous règle le quinze".
	for w, g := range gateWords {
		if g&gateDayWord != 0 {
			m[w] = true
		}
	}
	return m
}()

func mayHaveDate(folded string, toks []string) bool {
	if strings.ContainsAny(folded, "0123456789") {
		return true
	}
	for _, t := range toks {
		if dateWordFilter.may(t) && dateWords[t] {
			return true
		}
	}
	return false
}
