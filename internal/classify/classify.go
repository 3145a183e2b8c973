// Package classify reads a client's reply to a payment reminder and decides
// what it means: paid, a promise (with its date), a dispute, a grievance,
// hardship, a question, an automatic reply, a bounce, or nothing actionable.
//
// It is deterministic and offline. Exact rules come first: delivery-status
// reports and bounce senders, and the headers and subjects automatic replies
// carry. Everything a person wrote is read by a trained model (model.go):
// a logistic regression over hashed words, word pairs and character n-grams
// of the folded reply, quotes and signature removed, trained on a corpus of
// replies from many independent writers (`make train`). Doubt goes to a
// human: needs_human is set when the probability of a dispute, grievance or
// hardship passes a threshold chosen for a high recall, or when no reading is
// probable enough. Every decision carries the sentences that weighed most.
package classify

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/reply"
)

// Class is the meaning of a reply (defined with the rest of the product's
// words in domain).
type Class = domain.ReplyClass

// The classes of the classify contract.
const (
	Paid        = domain.ReplyPaid
	Promise     = domain.ReplyPromise
	Dispute     = domain.ReplyDispute
	Grievance   = domain.ReplyGrievance
	Hardship    = domain.ReplyHardship
	InfoRequest = domain.ReplyInfoRequest
	AutoReply   = domain.ReplyAutoReply
	Bounce      = domain.ReplyBounce
	Other       = domain.ReplyOther
)

// Classes lists every class in a stable order.
func Classes() []Class { return domain.ReplyClasses() }

// Evidence is one reason behind a decision: the sentence (or header) and the
// signal that fired on it, with its weight. Weight 0 marks a signal that was
// seen but discounted (negated, for instance).
type Evidence struct {
	Sentence string  `json:"sentence"`
	Signal   string  `json:"signal"`
	Weight   float64 `json:"weight"`
}

// Result is the decision on one message.
type Result struct {
	Class      Class
	NeedsHuman bool
	Confidence float64 // 0..1
	Language   string  // "fr" or "en"
	// PromiseDate is the date the client committed to, when stated;
	// ReturnDate is the end of an out-of-office. Both are calendar days at
	// midnight UTC, resolved against the mail's Date.
	PromiseDate *time.Time
	ReturnDate  *time.Time
	Amounts     []decimal.Decimal // money amounts mentioned in the reply
	Evidence    []Evidence
	// NeedsHumanReason says why NeedsHuman is set: "class" (a dispute,
	// grievance or hardship is probable enough) or "unsure" (the model
	// cannot read the reply with confidence). Empty when NeedsHuman is false.
	NeedsHumanReason string
	// HumanProbability is the model's probability that the reply is a
	// dispute, a grievance or hardship (1 or 0 for rule-read mail).
	HumanProbability float64
	// Reply is the mail as its author wrote it, quotes and signature
	// stripped (reply.Strip of the text); empty for a bounce.
	Reply string `json:"-"`
	// Signature is the signature cut from Reply, read by whoever looks
	// for the client's phones and address without stripping the mail again.
	Signature string `json:"-"`
	// Objection is the stock excuse the reply raises ("cheque_in_post",
	// "wrong_amount"…), NoObjection when none: the answer the owner
	// prepares depends on it.
	Objection Objection
	// Hostile is the reading beside the class: the client's own words
	// turned aggressive or insulting (see ReadHostile); HostileSentences
	// are those words. The class stays as the model reads it.
	Hostile          bool
	HostileSentences []string
}

// Options tunes classification.
type Options struct {
	// Location is the time zone in which relative dates ("demain") are
	// read. Nil means the zone of the mail's own Date header.
	Location *time.Location
	// Model reads the replies; nil means the shipped model.
	Model *Model
	// ReadObjection asks for the stock objection a reply raises
	// (Result.Objection). It costs about a tenth of a reading; the daemon
	// asks for it on every reply, to prepare the answer to the objection.
	ReadObjection bool
	// Objections reads the objection; nil means the shipped model.
	Objections *ObjectionModel
}

// DefaultOptions returns the defaults: the shipped model, dates read in the
// mail's own zone.
func DefaultOptions() Options { return Options{} }

// jsonResult is the classify CLI contract.
type jsonResult struct {
	File        string     `json:"file"`
	Class       Class      `json:"class"`
	NeedsHuman  bool       `json:"needs_human"`
	Confidence  float64    `json:"confidence"`
	Language    string     `json:"language"`
	PromiseDate *string    `json:"promise_date"`
	ReturnDate  *string    `json:"return_date"`
	Evidence    []Evidence `json:"evidence"`
	// Reason is "class" or "unsure" when needs_human is true.
	Reason string `json:"needs_human_reason,omitempty"`
	// Objection is the stock objection raised, when there is one.
	Objection Objection `json:"objection,omitempty"`
	// Hostile: the reply turned aggressive or insulting.
	Hostile bool `json:"hostile"`
}

// JSON encodes r as one object of the `relance classify --json` contract.
func (r Result) JSON(file string) ([]byte, error) {
	day := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := t.Format(time.DateOnly)
		return &s
	}
	ev := r.Evidence
	if ev == nil {
		ev = []Evidence{}
	}
	b, err := json.Marshal(jsonResult{
		File: file, Class: r.Class, NeedsHuman: r.NeedsHuman,
		Confidence: math.Round(r.Confidence*100) / 100, Language: r.Language,
		PromiseDate: day(r.PromiseDate), ReturnDate: day(r.ReturnDate), Evidence: ev, Reason: r.NeedsHumanReason,
		Objection: r.Objection, Hostile: r.Hostile,
	})
	if err != nil {
		return nil, fmt.Errorf("classify: encode result: %w", err)
	}
	return b, nil
}

// Classify decides what m means. It never fails: a message it cannot read is
// Other with low confidence.
func Classify(m *message.Message, opt Options) Result {
	if m == nil {
		return Result{Class: Other, Confidence: 0.1, Language: "fr"}
	}
	ref := referenceDay(m.Date, opt.Location)
	subject := fold(m.Subject)
	// Automatic mail says what it is in its first lines: the rules read the
	// head of the text only.
	whole := &lazyFold{raw: headOf(m.Text, 8<<10)}

	if ok, ev := detectBounce(m, subject, whole); ok {
		return Result{Class: Bounce, Confidence: confidenceOf(ev), Language: detectLanguage(whole.get() + " " + subject), Evidence: ev}
	}
	r := reply.Strip(m.Text)
	if ok, ev := detectAutoReply(m, subject, whole, r.Body); ok {
		res := Result{Class: AutoReply, Confidence: confidenceOf(ev), Language: detectLanguage(fold(r.Body) + " " + subject), Evidence: ev}
		// An absence message names its return in its first lines.
		if t, e, found := returnDate(subject+". "+fold(headOf(r.Body, 2000)), ref); found {
			res.ReturnDate = &t
			res.Evidence = append(res.Evidence, e)
		}
		res.Reply, res.Signature = r.Body, r.Signature
		return res
	}

	if ok, ev := detectBulk(m); ok {
		return Result{Class: Other, Confidence: confidenceOf(ev), Language: detectLanguage(fold(r.Body) + " " + subject), Evidence: ev, Reply: r.Body,
			Signature: r.Signature}
	}

	text, fromQuote := r.Body, false
	if strings.TrimSpace(text) == "" {
		text, fromQuote = reply.Strip(unquote(r.Quoted)).Body, true
	}
	model := opt.Model
	if model == nil {
		model = Shipped()
	}
	var objections *ObjectionModel
	if opt.ReadObjection {
		objections = opt.Objections
		if objections == nil {
			objections = ShippedObjections()
		}
	}
	// Only the client's own words are read for hostility: an empty reply
	// quoting our reminder says nothing hostile. When they are the words
	// the model reads, the hostile reading shares the model's sentences.
	below := ""
	if !fromQuote {
		below = bottomPosted(r.Quoted)
	}
	// The signature tells the order of numeric dates as well as the words
	// (a US phone, a state after the city).
	res := read(model, objections, text, m.Subject, ref, !fromQuote && below == "", mailDateOrder(text, r.Signature))
	res.Reply, res.Signature = r.Body, r.Signature
	if !fromQuote && below != "" {
		h := readHostileText(m.Subject, ownWords(r.Body, below))
		res.Hostile, res.HostileSentences = h.Hostile, h.Sentences
	}
	if fromQuote {
		res.Confidence *= 0.7
		res.Evidence = append(res.Evidence, Evidence{Sentence: "(reply body empty: read the quoted part)", Signal: "fallback:quoted", Weight: 0})
	}
	return res
}

// ReplyText is what the model reads of a mail's text: the client's own
// words, quotes and signature removed. When nothing is left (the new words
// sit inside the quote), one level of quoting is dropped and the text
// stripped again; quoted reports that.
func ReplyText(text string) (words string, quoted bool) {
	r := reply.Strip(text)
	if strings.TrimSpace(r.Body) != "" {
		return r.Body, false
	}
	return reply.Strip(unquote(r.Quoted)).Body, true
}

// read runs the models over the client's words and resolves the dates,
// numeric ones in order; hostile asks for the hostile reading of the same
// words.
func read(model *Model, objections *ObjectionModel, text, subject string, ref time.Time, hostile bool, order dateOrder) Result {
	f := featurePool.Get().(*features)
	defer featurePool.Put(f)
	extractInto(f, text, subject, ref, nil, order)
	var h HostileReading
	switch {
	case !hostile:
	case len(text) <= maxFeatureText:
		// The model read every sentence: the same split serves.
		h = readHostile(subject, f.sents, f.folded)
	default:
		h = readHostileText(subject, text)
	}
	d := model.decide(f)
	res := Result{Class: d.class, NeedsHuman: d.needsHuman, NeedsHumanReason: d.reason, Confidence: d.confidence,
		HumanProbability: humanProbability(d.probs), Evidence: d.evidence(f, 3), Hostile: h.Hostile, HostileSentences: h.Sentences}
	if res.Class == Paid || res.Class == Other && answersUs(subject) {
		if ev, ok := paymentAhead(f, ref, res.Class == Other); ok {
			// "Le règlement sera effectué le 15 octobre": the words of
			// paying, but a payment not made yet is a promise. In the
			// corpus no reply labelled paid has this shape (0 of 257 in
			// the writers' held-out folds).
			res.Confidence = d.probs[classIndex(d.class)] + d.probs[classIndex(Promise)]
			res.Class = Promise
			res.Evidence = append([]Evidence{ev}, res.Evidence...)
		}
	}
	res.Language = detectLanguage(f.folded...)
	res.Amounts = findAmounts(f.folded)
	if objections != nil && raisesObjections(res.Class) {
		res.Objection = objections.objection(f)
	}
	switch res.Class {
	case AutoReply:
		if t, e, found := returnDate(fold(subject)+". "+strings.Join(f.folded, " ")+" ", ref); found {
			res.ReturnDate = &t
			res.Evidence = append(res.Evidence, e)
		} else if e, ok := automaticWording(f.folded); ok {
			res.Evidence = append(res.Evidence, e)
		} else if !res.NeedsHuman {
			// No header, no return date, no automatic wording: the model
			// read the shape of a notice ("Notre atelier déménage au 4 rue
			// des Forges à partir du 2 novembre. Paul"), which a person
			// writes too. Chasing would wait on an absence nobody
			// announced: a human reads it.
			res.NeedsHuman, res.NeedsHumanReason = true, "unsure"
			res.Evidence = append(res.Evidence, Evidence{Sentence: unmarkedAutoReply, Signal: SignalUnmarkedAutoReply, Weight: 0})
		}
	case Promise, Grievance, Hardship, Dispute:
		// A dated commitment counts with a reproach or a difficulty too
		// ("je paierai le 10, mais…"): the human sees it on the flag.
		res.PromiseDate = promiseDate(f, ref, res.Class == Promise)
	}
	return res
}

// SignalUnmarkedAutoReply is the evidence signal of a model's auto_reply
// reading sent to a human for want of any mark of automatic mail;
// unmarkedAutoReply its sentence, which the flag shows to the owner in both
// languages.
const (
	SignalUnmarkedAutoReply = "unsure:unmarked_auto_reply"
	unmarkedAutoReply       = "(ni en-tête, ni date de retour, ni formule de message automatique · no automatic header, return date or automatic wording)"
)

// raisesObjections reports whether a reply of class c may raise a stock
// objection: an automatic answer or a mail about something else does not.
func raisesObjections(c Class) bool {
	return c != AutoReply && c != Bounce && c != Other
}

// paymentAhead reports whether every clause of f that speaks of paying
// and names a day names one after the mail's day, at least one does, and
// those clauses speak in the future tense and never in the past: the
// payment is announced, not made. A clause is a sentence or a part of one
// set off by a colon or a semicolon ("je l'ai prévenue : le paiement sera
// fait le mardi 2 septembre"). The evidence is the first such sentence.
func paymentAhead(f *features, ref time.Time, strict bool) (Evidence, bool) {
	if ref.IsZero() {
		return Evidence{}, false
	}
	var ev Evidence
	ahead, future := false, false
	var toks []string
	var negs []bool
	for i := range f.sents {
		s := f.folded[i]
		if len(payPositions(s)) == 0 {
			continue
		}
		for _, c := range tenseClauses(s, f.dates[i], ref, &toks, &negs) {
			from, end := c.from, c.end
			clause := s[from:end]
			if len(payPositions(clause)) == 0 {
				continue
			}
			if c.past && c.split && !settles(clause) {
				// "the invoice has been approved and the payment will
				// go…": what happened to the invoice, not to the money.
				continue
			}
			if c.past {
				return Evidence{}, false
			}
			future = future || c.future
			for k := range f.dates[i] {
				d := &f.dates[i][k]
				if d.start < from || d.start >= end {
					continue
				}
				if d.t.Equal(ref) && countsFrom(s, d) {
					// "within 30 days from today": the day a delay counts
					// from, not the day of a payment.
					continue
				}
				if !d.t.After(ref) {
					return Evidence{}, false
				}
				if strict && !settles(clause) {
					continue
				}
				if !ahead {
					ahead = true
					ev = Evidence{Sentence: f.sents[i], Signal: "rule:payment_ahead", Weight: 1}
				}
			}
		}
	}
	return ev, ahead && future
}

// tenseClause is a span of a folded sentence with the tense it speaks in.
type tenseClause struct {
	from, end    int
	future, past bool
	split        bool // one statement of a clause cut at its coordinators
}

// coordinators join two statements in one clause ("nous avons reçu la
// subvention et le paiement partira jeudi", "the invoice has been approved
// and the payment will be released on the 30th").
var coordinators = []string{" et ", " and ", " mais ", " but "}

// subordinators open a condition whose tense says nothing of the payment
// ("we shall share the transfer slip once done", "je vous envoie la
// preuve dès que c'est fait").
var subordinators = []string{" once ", " une fois ", " des que ", " as soon as ", " when ", " quand ", " lorsque ", " after ", " apres que "}

// tenseClauses splits folded sentence s into the clauses whose tense
// paymentAhead reads: set off by a semicolon or a colon, and, where a
// clause speaks both in the past and in the future, at its coordinators.
// A condition (subordinators) is left out of a clause's tense, and a
// round of payments named by a day still to come ("la facture est passée
// au virement groupé du 15", written on the 9th) is scheduled whatever the
// tense: a payment cannot have gone out on a day to come.
func tenseClauses(s string, dates []dateMention, ref time.Time, toks *[]string, negs *[]bool) []tenseClause {
	var out []tenseClause
	tense := func(from, end int) tenseClause {
		part := s[from:end]
		for _, w := range subordinators {
			if k := strings.Index(part, w); k > 0 {
				part = part[:k]
			}
		}
		*toks, *negs = tokenize(part, (*toks)[:0], (*negs)[:0])
		c := tenseClause{from: from, end: end}
		c.future, c.past = tenseOf(*toks)
		if c.past && scheduledRound(s, dates, from, end, ref) {
			c.future, c.past = true, false
		}
		return c
	}
	for from := 0; from < len(s); {
		end := clauseEnd(s, from)
		c := tense(from, end)
		if !(c.future && c.past) {
			out = append(out, c)
			from = end + 1
			continue
		}
		for start := from; start < end; {
			stop := end
			for _, w := range coordinators {
				if k := strings.Index(s[start:end], w); k > 0 && start+k < stop {
					stop = start + k
				}
			}
			c := tense(start, stop)
			c.split = true
			out = append(out, c)
			start = stop + 1
		}
		from = end + 1
	}
	return out
}

// scheduledRound reports whether the clause s[from:end] names its only
// day as a round of payments still to come ("virement groupé du 15"
// written on the 9th), not one just gone ("notre échéance du 30" written
// on the 2nd).
func scheduledRound(s string, dates []dateMention, from, end int, ref time.Time) bool {
	round := false
	for k := range dates {
		d := &dates[k]
		if d.start < from || d.start >= end {
			continue
		}
		num := strings.TrimRightFunc(d.phrase, func(r rune) bool { return r < '0' || r > '9' })
		digits := len(num) - len(strings.TrimRightFunc(num, func(r rune) bool { return r >= '0' && r <= '9' }))
		// The round is the nearer of the two that bear its number: the
		// next one, or the last one a month before ("notre échéance du
		// 30" written on the 2nd went out two days ago).
		if !d.dayOnly || digits == 0 || !d.t.After(ref) {
			return false
		}
		if last := d.t.AddDate(0, -1, 0); d.t.Sub(ref) >= ref.Sub(last) {
			return false
		}
		head := strings.TrimRight(s[:d.start]+num[:len(num)-digits], " ")
		if _, ok := batchOf(head); !ok {
			return false
		}
		round = true
	}
	return round
}

// clauseEnd is the end of the clause of folded sentence s that starts at
// from: the next semicolon, or colon that is not a time's ("14:30").
func clauseEnd(s string, from int) int {
	for k := from; k < len(s); k++ {
		if s[k] == ';' || s[k] == ':' && !(k > 0 && isDigit(s[k-1]) && k+1 < len(s) && isDigit(s[k+1])) {
			return k
		}
	}
	return len(s)
}

// countsFrom reports whether date d of folded sentence s is the start of a
// delay ("within 30 days from today", "sous 15 jours à compter de ce jour").
func countsFrom(s string, d *dateMention) bool {
	before := strings.TrimRight(s[:d.start], " ")
	for _, w := range []string{"from", "as of", "starting", "a compter d'", "a compter de", "a partir d'", "a partir de"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// promiseDate finds the day the client committed to. The candidates are
// the dates after the mail's day in the sentences that speak of paying (a
// word of paying or an amount); the mail's own day counts only when no later
// one is named ("certifié ce jour ; paiement au plus tard le 14 mars"). A
// deadline ("au plus tard", "at the latest") names the commitment; then the
// more precise date wins ("le lundi 6 juillet, avec notre campagne du début
// de mois"), then the one nearest a word of paying ("je te fais ça d'ici
// lundi, on se voit mardi"), then the earlier. A reply without such a
// sentence takes its date from a sentence in the future tense, then from
// a dated sentence right after one about paying, then (a promise only) from
// any sentence by the same order: the first of several instalments ("the
// first one on the 1st of November, then the 1st of December") is the
// first commitment to watch.
func promiseDate(f *features, ref time.Time, anySentence bool) *time.Time {
	if ref.IsZero() {
		return nil
	}
	type candidate struct {
		d                    *dateMention
		deadline, dist       int
		future, aside, apart bool
	}
	better := func(a, b candidate) bool {
		if af, bf := a.d.t.After(ref), b.d.t.After(ref); af != bf {
			return af
		}
		// "je vire le 1er, je suis payé le 31", "sous quinzaine, elle
		// passe ses examens jusqu'au 20": the client's pay day and the
		// end of an absence time the payment, another day names it.
		if a.aside != b.aside {
			return b.aside
		}
		// "Je vous paie lundi mais je change de prestataire au 1er
		// janvier": the day in the clause that speaks of paying.
		if a.apart != b.apart {
			return b.apart
		}
		if a.deadline != b.deadline {
			return a.deadline < b.deadline
		}
		// A commitment is said in the future ("elle passera dans le
		// virement du 25"); the past tells what happened ("arrivée après
		// la campagne du 10").
		if a.future != b.future {
			return a.future
		}
		if pa, pb := precision(*a.d), precision(*b.d); pa != pb {
			return pa > pb
		}
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		return a.d.t.Before(b.d.t)
	}
	var best *candidate
	consider := func(i int, near [][2]int) {
		deadlines := deadlinePositions(f.folded[i])
		for k := range f.dates[i] {
			d := &f.dates[i][k]
			if d.t.Before(ref) || d.vague {
				continue
			}
			c := candidate{d: d, dist: spanDistance(d, near), deadline: 1 << 30, future: f.future[i], aside: asideDate(f.folded[i], d)}
			if len(deadlines) > 0 {
				c.deadline = spanDistance(d, deadlines)
			}
			c.apart = len(near) > 0 && !clauseHolds(f.folded[i], d, near)
			if best == nil || better(c, *best) {
				best = &c
			}
		}
	}
	// "You'll have it on Friday": in a reply about paying, a dated sentence
	// in the future tense speaks of the payment.
	futureDates := func() {
		for i := range f.sents {
			if len(f.dates[i]) > 0 && f.future[i] {
				consider(i, nil)
			}
		}
	}
	for i := range f.sents {
		if len(f.dates[i]) == 0 {
			continue
		}
		if pays := payPositions(f.folded[i]); len(pays) > 0 {
			consider(i, pays)
		}
	}
	if best != nil && (best.aside || best.d.t.Equal(ref)) {
		// "C'est moi qui signe les virements, je suis absent jusqu'au 20.
		// Je le ferai le lundi 25", "the voucher is for signing today…
		// the TT will go out next Tuesday": a day that only times the
		// payment, or the mail's own day, gives way to a later day the
		// reply promises in the future tense.
		held := best
		best = nil
		futureDates()
		if best == nil || best.aside || !best.d.t.After(ref) {
			best = held
		}
	}
	if best == nil {
		futureDates()
	}
	if best == nil {
		// "Could I pay it in three payments? I can do the first one on
		// the 1st of November": the sentence after one about paying
		// goes on about it.
		for i := 1; i < len(f.sents); i++ {
			if len(f.dates[i]) > 0 && len(payPositions(f.folded[i-1])) > 0 {
				consider(i, nil)
			}
		}
	}
	if best != nil {
		t := best.d.t
		return &t
	}
	if !anySentence {
		return nil
	}
	for i := range f.sents {
		consider(i, nil)
	}
	if best == nil {
		return nil
	}
	t := best.d.t
	return &t
}

// incomeWords name the client's own income ("I get paid on the 28th", "je
// touche ma paie le 5"): the day they name is when the client can pay, not
// the commitment, when another day is named.
var incomeWords = []string{"get paid", "gets paid", "getting paid", "i'm paid", "i am paid", "payday", "pay day",
	"salary", "wages", "paycheck", "pay cheque", "pension", "suis paye", "suis payee", "sommes payes", "je touche",
	"ma paie", "ma paye", "mon salaire", "mon chomage", "ma retraite", "ma pension"}

// closedWords name a day nobody pays on ("bank holiday here on Monday, so
// it'll go out Tuesday", "fermé lundi"), when another day is named.
var closedWords = wordSet("holiday holidays ferie feries ferme fermee fermes closed")

// untilWords close a span of time ("absente jusqu'au 20"): the day they
// name ends something else than a debt.
var untilWords = []string{"jusqu'au", "jusqu'a", "until", "till"}

// asideCues sit just before a day that times the payment without being
// it: someone's return ("he is back on Tuesday, so the payment will be
// made on Wednesday next week"), the client's own client paying them
// ("they've promised to pay us on the 15th, so I'll pay you on the 17th").
var asideCues = []string{"back on", "back", "de retour le", "de retour", "retour le", "rentre le", "rentre", "return on",
	"returns on", "pay us on", "pay us", "nous payer le", "nous payer", "nous paie le", "nous paie", "nous regler le",
	"nous regler", "nous regle le", "nous regle", "nous verser le", "nous verser", "nous verse le", "nous verse"}

// asideDate reports whether date d of folded sentence s names a day aside
// from the payment: the client's income day, the end of a span, someone's
// return, a closed day, or the day the client's own client pays them.
func asideDate(s string, d *dateMention) bool {
	before := strings.TrimRight(s[:d.start], " ")
	for _, w := range untilWords {
		if strings.HasSuffix(before, w) || strings.HasPrefix(d.phrase, w) {
			return true
		}
	}
	for _, w := range asideCues {
		if strings.HasSuffix(before, w) && (len(before) == len(w) || !isWordByte(before[len(before)-len(w)-1])) {
			return true
		}
	}
	// The income and closing words sit just before their day: "I get paid
	// on the 28th", "je suis payé le 31", "bank holiday here on Monday".
	head := before[max(0, len(before)-20):]
	closed := false
	eachWord(head, func(start, end int) { closed = closed || closedWords[head[start:end]] })
	if closed {
		return true
	}
	for _, w := range incomeWords {
		if strings.Contains(head, w) {
			return true
		}
	}
	return false
}

// clauseBreaks set apart the clauses of a sentence that say different
// things ("je vous paie lundi mais je change de prestataire au 1er janvier").
var clauseBreaks = []string{" mais ", " but ", ";", " however", " cependant", " par contre", " sauf que", " whereas"}

// clauseHolds reports whether one of spans lies in the clause of folded
// sentence s that holds date d.
func clauseHolds(s string, d *dateMention, spans [][2]int) bool {
	from, to := 0, len(s)
	for _, b := range clauseBreaks {
		if i := strings.LastIndex(s[:d.start], b); i >= 0 && i+len(b) > from {
			from = i + len(b)
		}
		if i := strings.Index(s[d.end:], b); i >= 0 && d.end+i < to {
			to = d.end + i
		}
	}
	for _, p := range spans {
		if p[0] >= from && p[1] <= to {
			return true
		}
	}
	return false
}

// spanDistance is how far, in bytes, d lies from the nearest of spans.
func spanDistance(d *dateMention, spans [][2]int) int {
	dist := 1 << 30
	for _, p := range spans {
		switch {
		case p[1] <= d.start:
			dist = min(dist, d.start-p[1])
		case p[0] >= d.end:
			dist = min(dist, p[0]-d.end)
		default:
			dist = 0
		}
	}
	return dist
}

// deadlineWords mark the latest day of a commitment.
var deadlineWords = []string{"au plus tard", "at the latest", "no later than", "latest by", "dernier delai", " max", "maximum"}

func deadlinePositions(s string) [][2]int {
	var out [][2]int
	for _, w := range deadlineWords {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			out = append(out, [2]int{from + i, from + i + len(w)})
			from += i + len(w)
		}
	}
	return out
}

// payPositions returns the spans of the words of paying (and of currency
// signs) in a folded sentence.
func payPositions(s string) [][2]int {
	var out [][2]int
	eachWord(s, func(start, end int) {
		w := s[start:end]
		// The accountant or treasurer is a person, not a payment: "notre
		// comptable est en congé cette semaine" names no day to pay.
		// Nor is a delivery ("votre livreur", "livré vendredi"): the
		// pound is written "£".
		if payWord(w) && !strings.HasPrefix(w, "compta") && !strings.HasPrefix(w, "tresor") && !strings.HasPrefix(w, "livr") ||
			strings.HasPrefix(w, "€") || strings.HasSuffix(w, "€") {
			out = append(out, [2]int{start, end})
		}
	})
	for i := 0; i < len(s); i++ {
		if s[i] == '$' || s[i] == '\xc2' && i+1 < len(s) && s[i+1] == '\xa3' {
			out = append(out, [2]int{i, i + 1})
		}
	}
	return out
}

// payStems start the words of paying, in French and English (folded).
var payStems = []string{"pai", "pay", "regl", "regle", "vir", "cheq", "chequ", "check", "vers", "solde", "settl", "remit",
	"transf", "wire", "bacs", "ach", "run", "batch", "echeanc", "mandat", "tresor", "compta", "fund", "sort", "clear",
	"argent", "money", "sous", "eur", "euro", "chf", "dollar", "livre", "pound", "facture", "invoice", "montant", "amount",
	"acompt", "mensualit", "echelon", "instal"}

func payWord(t string) bool {
	if t == "" {
		return false
	}
	for _, st := range payStemsByFirst[t[0]] {
		if strings.HasPrefix(t, st) {
			return true
		}
	}
	return false
}

// settleStems start the words that can only mean handing over money
// ("réglerai", "virement", "chèque", "pay"): a narrower set than payStems,
// whose "vers", "livre" or "facture" also start "reviens vers vous",
// "livrer mardi" or "la facture du mois".
var settleStems = []string{"pai", "pay", "regl", "regle", "virement", "vire", "cheq", "chequ", "versement", "verse",
	"settl", "remit", "transf", "wire", "solde", "acompt", "mensualit", "instal", "espece", "cash"}

// settles reports whether a folded sentence holds a word of settleStems.
func settles(s string) bool {
	found := false
	eachWord(s, func(start, end int) {
		w := s[start:end]
		for _, st := range settleStems {
			if strings.HasPrefix(w, st) {
				found = true
				return
			}
		}
	})
	return found
}

// payStemsByFirst indexes payStems by their first byte: payWord reads
// every word of every reply.
var payStemsByFirst = func() (idx [256][]string) {
	for _, st := range payStems {
		idx[st[0]] = append(idx[st[0]], st)
	}
	return idx
}()

// headOf cuts s to at most n bytes, on a rune boundary.
func headOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// referenceDay is the calendar day of the mail in loc (or its own zone), as
// midnight UTC: relative dates count calendar days from it.
func referenceDay(d time.Time, loc *time.Location) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	if loc != nil {
		d = d.In(loc)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// unquote removes ">" markers and attribution lines from quoted text, for
// replies whose only new words sit inside the quote.
func unquote(q string) string {
	var b strings.Builder
	for _, l := range strings.Split(q, "\n") {
		t := strings.TrimPrefix(strings.TrimLeft(l, " \t"), ">")
		t = strings.TrimPrefix(t, " ")
		if t == "" {
			b.WriteByte('\n')
			continue
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return b.String()
}

func confidenceOf(ev []Evidence) float64 {
	s := 0.0
	for _, e := range ev {
		s += e.Weight
	}
	c := 0.6 + s/10
	if c > 0.99 {
		c = 0.99
	}
	return c
}

// returnDate finds the end of an absence in folded out-of-office text. A
// return cue names the first day back ("réouverture le lundi 5 janvier");
// an until cue the last day away, so the day after it ("absent jusqu'au 4
// janvier inclus"). The text may name both, and a return cue may also open
// the absence ("à partir du 10"): the day back is the latest named after a
// return cue, unless the absence ends later.
func returnDate(s string, ref time.Time) (time.Time, Evidence, bool) {
	// Without a cue no date is a return: the cues, one expression, are
	// looked for before the dates, many.
	cues := reReturnCue.FindAllStringIndex(s, -1)
	if len(cues) == 0 {
		return time.Time{}, Evidence{}, false
	}
	dates := findDates(s, ref)
	if len(dates) == 0 {
		return time.Time{}, Evidence{}, false
	}
	type found struct {
		t          time.Time
		start, end int
	}
	// "à partir du", "dès le" open the absence as often as they end it:
	// they name the day back only beside an until cue ("jusqu'au 4
	// octobre inclus : nous traiterons les messages à partir du lundi 6").
	var back, until, from *found
	// A day a return cue names is the day back even when an until cue
	// stands nearer ("de retour au bureau le 13", "returning to the
	// office on Monday 27 October").
	claimed := map[int]bool{}
	for _, cue := range cues {
		if reUntilCue.MatchString(s[cue[0]:cue[1]]) {
			continue
		}
		for _, d := range dates {
			if !d.vague && !d.delay && d.start >= cue[1] && d.start-cue[1] <= 40 {
				claimed[d.start] = true
				break
			}
		}
	}
	for _, cue := range cues {
		isUntil := reUntilCue.MatchString(s[cue[0]:cue[1]])
		for _, d := range dates {
			if d.vague || d.delay || d.start < cue[1] || d.start-cue[1] > 40 || isUntil && claimed[d.start] {
				continue
			}
			t := d.t
			if isUntil {
				t = t.AddDate(0, 0, 1)
			}
			if !ref.IsZero() && t.Before(ref) {
				break
			}
			f := &found{t: t, start: cue[0], end: d.end}
			if isUntil && (until == nil || t.After(until.t)) {
				until = f
			}
			word := s[cue[0]:cue[1]]
			if weak := strings.HasPrefix(word, "a partir") || word == "des le"; weak && !isUntil && (from == nil || t.After(from.t)) {
				from = f
			} else if !weak && !isUntil && (back == nil || t.After(back.t)) {
				back = f
			}
			break
		}
	}
	if until != nil && from != nil && (back == nil || from.t.After(back.t)) {
		back = from
	}
	best := back
	if best == nil || until != nil && !best.t.After(until.t.AddDate(0, 0, -1)) {
		best = until
	}
	if best == nil {
		return time.Time{}, Evidence{}, false
	}
	return best.t, Evidence{Sentence: sentenceAround(s, best.start, best.end), Signal: "auto:return_date", Weight: 0}, true
}

func sentenceAround(s string, start, end int) string {
	a := strings.LastIndexAny(s[:start], ".!?\n")
	b := strings.IndexAny(s[end:], ".!?\n")
	if b < 0 {
		b = len(s)
	} else {
		b += end
	}
	return clip(strings.TrimSpace(s[a+1 : b]))
}

func clip(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// detectBulk recognises newsletters, mailing-list traffic and marketing
// (RFC 2369/2919 list headers, Precedence: bulk or list). Their wording is
// promotional ("-15 % jusqu'à la fin du mois", "non honorés seront facturés")
// and must never open a flag. A list header on a mail that answers one of
// ours (In-Reply-To or References: a reply through a group address or a
// ticketing tool) does not count: that is a person.
func detectBulk(m *message.Message) (bool, []Evidence) {
	var ev []Evidence
	if v := m.Get("List-Id"); v != "" {
		ev = append(ev, Evidence{Sentence: "List-Id: " + clip(v), Signal: "bulk:list_id", Weight: 2})
	}
	if v := m.Get("List-Unsubscribe"); v != "" {
		ev = append(ev, Evidence{Sentence: "List-Unsubscribe: " + clip(v), Signal: "bulk:list_unsubscribe", Weight: 2})
	}
	switch p := strings.ToLower(strings.TrimSpace(m.Get("Precedence"))); p {
	case "bulk", "list", "junk":
		ev = append(ev, Evidence{Sentence: "Precedence: " + p, Signal: "bulk:precedence", Weight: 2})
	}
	if len(ev) == 0 {
		return false, nil
	}
	if len(m.InReplyTo)+len(m.References) > 0 {
		return false, nil
	}
	return true, ev
}

// ReplyTextOf is ReplyText without the report of where the words came from.
func ReplyTextOf(text string) string {
	words, _ := ReplyText(text)
	return words
}
