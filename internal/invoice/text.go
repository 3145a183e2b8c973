package invoice

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Number labels: what kind of document a number was introduced as.
const (
	labelInvoice = "invoice"
	labelCredit  = "credit"
	labelQuote   = "quote"
	labelOrder   = "order"
	labelOther   = "other"
)

// numRef is an invoice-like number found in text.
type numRef struct {
	value string
	label string
	pos   int
}

// Compiled patterns are immutable and safe for concurrent use.
var (
	// A label, an optional "n°"/"no"/"#", then a token made of letters and
	// digits joined by - / _ or dots.
	reNumLabeled = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(facture(?:\s+(?:d'|d’)avoir|\s+pro\s*-?\s*forma|\s+rectificative)?|note\s+d['’]honoraires|invoice|avoir|credit\s*note|credit\s*memo|note\s+de\s+cr[ée]dit|inv\.|fact\.|devis|quotation|quote|estimate|bon\s+de\s+commande|commande|purchase\s+order|order|pro\s*-?\s*forma)(?:\s*(?:n[°ºo]\.?|no\.|num[ée]ro|number|nr\.?|#|:|-|ref\.?)){0,2}[ \t]*((?-i:[A-Z0-9])[A-Za-z0-9]*(?:[-/_.][A-Za-z0-9]+)*)`)
	// Numbers with a conventional prefix stand on their own. Digits only
	// after the prefix: queue and message IDs are hexadecimal.
	reNumPrefixed = regexp.MustCompile(`\b((?:(?:FACT|FAC|FA|INV|FC|AVO|AV|CN|CR|DEV|PRO|CMD|PO)[-_/.]?|F[-_/])\d+(?:[-_/.]\d+)*)\b`)
	// A "n°" with no document word right before it.
	reNumSign = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:n[°º]|#)\s*((?-i:[A-Z0-9])[A-Za-z0-9]*(?:[-/_.][A-Za-z0-9]+)*)`)

	reLooksDate = regexp.MustCompile(`^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$`)
)

func labelOf(word string) string {
	w := strings.ToLower(word)
	switch {
	case strings.Contains(w, "avoir"), strings.Contains(w, "credit"), strings.Contains(w, "crédit"):
		return labelCredit
	case strings.Contains(w, "forma"):
		return labelOther
	case strings.HasPrefix(w, "fact"), strings.HasPrefix(w, "inv"), strings.Contains(w, "honoraires"):
		return labelInvoice
	case w == "devis", strings.HasPrefix(w, "quot"), w == "estimate":
		return labelQuote
	default:
		return labelOrder
	}
}

func prefixLabel(tok string) string {
	up := strings.ToUpper(tok)
	for _, p := range []struct{ prefix, label string }{
		{"AVO", labelCredit}, {"AV", labelCredit}, {"CN", labelCredit}, {"CR", labelCredit},
		{"DEV", labelQuote}, {"PRO", labelOther}, {"CMD", labelOrder}, {"PO", labelOrder},
	} {
		if strings.HasPrefix(up, p.prefix) {
			return p.label
		}
	}
	return labelInvoice
}

func validNumber(tok string) bool {
	if len(tok) < 2 || len(tok) > 40 || reLooksDate.MatchString(tok) {
		return false
	}
	digits := 0
	for _, r := range tok {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	// A four-digit year alone ("Invoice 2026") is a period, not a number.
	if digits == len(tok) && len(tok) == 4 && (strings.HasPrefix(tok, "19") || strings.HasPrefix(tok, "20")) {
		return false
	}
	return true
}

// findNumbers returns the document numbers in s, labelled by the word that
// introduced them, in order of appearance and without duplicates.
func findNumbers(s string) []numRef {
	var out []numRef
	seen := make(map[string]bool)
	add := func(v, label string, pos int) {
		v = strings.TrimRight(v, "-/_.")
		if !validNumber(v) {
			return
		}
		key := text.NormalizeNumber(v)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, numRef{value: v, label: label, pos: pos})
	}
	covered := make(map[int]bool)
	for _, m := range labeledNumbers(s) {
		add(s[m[4]:m[5]], labelOf(s[m[2]:m[3]]), m[4])
		covered[m[4]] = true
	}
	for _, m := range prefixedNumbers(s) {
		if !covered[m[2]] {
			add(s[m[2]:m[3]], prefixLabel(s[m[2]:m[3]]), m[2])
			covered[m[2]] = true
		}
	}
	for _, m := range reNumSign.FindAllStringSubmatchIndex(s, -1) {
		if covered[m[2]] {
			continue
		}
		// "Facture du 3 mars, n° 2026-017": the nearest document word
		// before the sign says what the number is.
		label := labelOther
		if lm := lastLabelBefore(s, m[0]); lm != "" {
			label = lm
		}
		add(s[m[2]:m[3]], label, m[2])
	}
	sortByPos(out)
	return out
}

var reDocWord = regexp.MustCompile(`(?i)(facture|invoice|avoir|credit\s*note|devis|quote|commande|order)`)

func lastLabelBefore(s string, pos int) string {
	start := pos - 60
	if start < 0 {
		start = 0
	}
	for start > 0 && start < len(s) && s[start]&0xc0 == 0x80 {
		start--
	}
	ms := reDocWord.FindAllString(s[start:pos], -1)
	if len(ms) == 0 {
		return ""
	}
	return labelOf(ms[len(ms)-1])
}

func sortByPos(refs []numRef) {
	for i := 1; i < len(refs); i++ {
		for j := i; j > 0 && refs[j].pos < refs[j-1].pos; j-- {
			refs[j], refs[j-1] = refs[j-1], refs[j]
		}
	}
}

// ---- amounts ----

var (
	reAmount = regexp.MustCompile(`(?i)(€|eur\b|usd\b|us\$|c\$|a\$|\$|£|gbp\b|chf\b|cad\b|aud\b)?[ \t]?(-?(?:\d{1,3}(?:[ '.,]\d{3})+|\d+)(?:[.,]\d{1,2})?)(?:[ \t]?(€|euros?\b|eur\b|usd\b|\$|£|gbp\b|chf\b|cad\b|aud\b|fr\.|cts?\b))?([ \t]?%)?`)

	// Labels of the total, best first: the TTC total, then what is left to
	// pay (which is the total when nothing was prepaid), then a generic
	// amount. Result.Amount is the total including VAT; Result.Payable what
	// is left to pay.
	amountLabels = []gated{
		gate(regexp.MustCompile(`(?i)(?:montant|total)(?:\s+total)?\s+(?:ttc|t\.t\.c\.?|toutes taxes comprises)|total\s*\(?\s*(?:incl\.?|including|inc\.?)\s*(?:vat|tax|tva)\s*\)?|grand\s+total|invoice\s+total|total\s+amount|montant\s+total|total\s+g[ée]n[ée]ral`)),
		payableLabel,
		gate(regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:montant|amount|total|somme)(?:\s+de\s+la\s+facture|\s+of\s+the\s+invoice)?`)),
	}
	// What is left to pay after deposits and earlier payments.
	payableLabel = gate(regexp.MustCompile(`(?i)net\s+[àa]\s+payer|(?:reste|solde(?:\s+restant)?)\s+[àa]\s+(?:payer|r[ée]gler)|reste\s+d[ûu]|montant\s+d[ûu]|solde\s+d[ûu]|total\s+[àa]\s+payer|montant\s+[àa]\s+(?:payer|r[ée]gler)|amount\s+(?:due|payable|owing|to\s+pay)|balance\s+(?:due|to\s+pay|outstanding)|total\s+due|total\s+payable|due\s+payable|(?:^|[^\p{L}])residual(?:\s+amount)?(?:$|[^\p{L}])`))
	// A deposit or earlier payment already deducted.
	prepaidLabel = gate(regexp.MustCompile(`(?i)acomptes?\s+(?:d[ée]j[àa]\s+)?(?:vers[ée]s?|r[ée]gl[ée]s?|re[çc]us?|pay[ée]s?|per[çc]us?|factur[ée]s?|d[ée]duits?)|(?:d[ée]duction|moins)\s+(?:de\s+)?(?:l['’]\s*|les?\s+|des\s+)?acomptes?|d[ée]j[àa]\s+(?:r[ée]gl[ée]|pay[ée]|vers[ée]|per[çc]u|encaiss[ée])|(?:less\s+)?deposits?\s+(?:paid|received)|less\s+(?:the\s+)?(?:deposit|prepayments?|payments?)|amount\s+(?:already\s+)?paid|already\s+paid|paid\s+to\s+date|payments?\s+received|prepaid(?:\s+amount)?|prepayments?`))
	// What makes a generic label a partial total.
	reNotTotal = regexp.MustCompile(`(?i)^\s*(?:\(?\s*)?(?:ht\b|h\.t\.|hors\s+tax|excl|before\s+tax|net\s+of|tva\b|vat\b|tax\b|taxes\b|des\s+taxes|de\s+la\s+tva|of\s+vat|pay[ée]|paid|d[ée]j[àa]|acompte|deposit|lines?\b|remise|discount)`)
	reSubTotal = regexp.MustCompile(`(?i)(?:sous|sub)[- ]?$`)
)

type amountHit struct {
	value    decimal.Decimal
	currency string
	text     string
}

// firstAmount returns the first amount in s that is not a percentage.
func firstAmount(s string) (amountHit, bool) {
	for _, m := range reAmount.FindAllStringSubmatchIndex(s, 8) {
		if m[8] >= 0 { // followed by %
			continue
		}
		if inDate(s, m[4], m[5]) { // "15" of "le 15/10/2026"
			continue
		}
		v, err := text.ParseDocumentAmount(s[m[4]:m[5]])
		if err != nil {
			continue
		}
		cur := ""
		if m[2] >= 0 {
			cur = text.CurrencySymbolCode(s[m[2]:m[3]])
		}
		if cur == "" && m[6] >= 0 {
			cur = text.CurrencySymbolCode(s[m[6]:m[7]])
		}
		return amountHit{value: v, currency: cur, text: strings.TrimSpace(s[m[0]:m[1]])}, true
	}
	return amountHit{}, false
}

// inDate tells whether the number s[start:end] is a part of a date such as
// 15/10/2026 or 15.10.2026.
func inDate(s string, start, end int) bool {
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	sep := func(i int) bool { return i >= 0 && i < len(s) && (s[i] == '/' || s[i] == '.' || s[i] == '-') }
	if sep(end) && digit(end+1) {
		return true
	}
	return start > 0 && (s[start-1] == '/' || s[start-1] == '.' && digit(start-2))
}

// amounts is what a text says about money: the total, what is left to
// pay, and the deposit already paid.
type amounts struct {
	total       amountHit
	totalLine   string
	hasTotal    bool
	strong      bool // the total came with a label naming it (not a guess)
	payable     decimal.Decimal
	payableLine string
	prepaid     decimal.Decimal
}

// findAmounts reads the total (findAmountRanked), what is left to pay ("reste à
// payer", "amount due": the total when not stated, or the total less a
// stated deposit) and the deposit.
func findAmounts(lines []string) amounts {
	var a amounts
	var rank int
	folded := make([]string, len(lines))
	for i, l := range lines {
		folded[i] = foldCase(l)
	}
	a.total, a.totalLine, rank = findAmountRanked(lines, folded)
	if rank < 0 {
		return a
	}
	a.hasTotal, a.strong = true, rank <= 1
	a.payable = a.total.value
	owed, owedLine, hasOwed := labelledAmount(lines, folded, payableLabel, true)
	dep, _, hasDep := labelledAmount(lines, folded, prepaidLabel, false)
	switch {
	case hasOwed && (owed.currency == "" || a.total.currency == "" || owed.currency == a.total.currency):
		a.payable, a.payableLine = owed.value, owedLine
		// What was paid is what the total and the amount owed leave; a
		// stated deposit that says otherwise (a line misread) is not kept.
		if d := a.total.value.Sub(owed.value); d.IsPositive() {
			a.prepaid = d
		}
	case hasDep && dep.value.Abs().LessThanOrEqual(a.total.value):
		a.prepaid = dep.value.Abs()
		a.payable = a.total.value.Sub(a.prepaid)
	}
	return a
}

// labelledAmount finds the first amount right after a label matching
// label. notTotal skips labels followed by words that make them a partial
// total. folded are the lines case-folded, for the label's gate.
func labelledAmount(lines, folded []string, label gated, notTotal bool) (amountHit, string, bool) {
	for i, l := range lines {
		if !label.mayMatch(folded[i]) {
			continue
		}
		// The first label of the line is found from near its literal; the
		// others, seldom needed, by the pattern over the whole line.
		m := label.first(l)
		if m == nil {
			continue
		}
		if h, ok := amountAfterLabel(lines, i, m, notTotal); ok {
			return h, strings.TrimSpace(l), true
		}
		for _, m := range label.re.FindAllStringIndex(l, -1)[1:] {
			if h, ok := amountAfterLabel(lines, i, m, notTotal); ok {
				return h, strings.TrimSpace(l), true
			}
		}
	}
	return amountHit{}, "", false
}

// amountAfterLabel is the amount right after the label at m of lines[i].
func amountAfterLabel(lines []string, i int, m []int, notTotal bool) (amountHit, bool) {
	l := lines[i]
	if reSubTotal.MatchString(l[:m[0]]) {
		return amountHit{}, false
	}
	rest := l[m[1]:]
	if notTotal && reNotTotal.MatchString(rest) {
		return amountHit{}, false
	}
	rest = strings.TrimLeft(rest, " \t:=.-–(")
	rest = stripTaxWords(rest)
	if strings.TrimSpace(rest) == "" && i+1 < len(lines) {
		rest = lines[i+1]
	}
	if len(rest) > 60 {
		rest = rest[:60]
	}
	// The amount must come soon after the label.
	if h, ok := firstAmount(rest); ok && strings.Index(rest, h.text) <= 24 {
		return h, true
	}
	return amountHit{}, false
}

// findAmountRanked looks for the invoice total: a labelled amount, best
// label first, else the only amount written with a currency. The rank says
// what found it: the index of its label in amountLabels, len(amountLabels)
// for the only amount with a currency, -1 for none.
func findAmountRanked(lines, folded []string) (amountHit, string, int) {
	for i, label := range amountLabels {
		if h, line, ok := labelledAmount(lines, folded, label, true); ok {
			return h, line, i
		}
	}
	var only amountHit
	n := 0
	for _, l := range lines {
		if !strings.ContainsAny(l, "0123456789") {
			continue // every amount has a digit
		}
		for _, m := range reAmount.FindAllStringSubmatchIndex(l, -1) {
			if m[8] >= 0 || (m[2] < 0 && m[6] < 0) {
				continue
			}
			h, ok := firstAmount(l[m[0]:m[1]])
			if !ok || h.currency == "" {
				continue
			}
			if n == 0 || !h.value.Equal(only.value) || h.currency != only.currency {
				n++
				only = h
			}
		}
	}
	if n == 1 {
		return only, only.text, len(amountLabels)
	}
	return amountHit{}, "", -1
}

var reTaxWords = regexp.MustCompile(`(?i)^(?:\(?\s*(?:ttc|t\.t\.c\.?|incl\.?\s*(?:vat|tax|tva)|including\s+(?:vat|tax)|tva\s+incluse|vat\s+included)\s*\)?\s*[:=]?\s*)+`)

func stripTaxWords(s string) string {
	return strings.TrimLeft(reTaxWords.ReplaceAllString(s, ""), " \t:=")
}

// ---- dates ----

// firstDate returns the first date written in s and where it starts (see
// text.FirstDate).
func firstDate(s string, monthFirst bool) (time.Time, int, bool) {
	return text.FirstDate(s, monthFirst)
}

// mkDate is the day y-m-d when it exists.
func mkDate(y, m, d int) (time.Time, bool) { return text.Date(y, m, d) }

var (
	reIssueLabel  = regexp.MustCompile(`(?i)[ée]mise?\s+le|date\s+de\s+(?:la\s+)?facture|date\s+d['’][ée]mission|date\s+de\s+facturation|en\s+date\s+du|invoice\s+date|date\s+of\s+issue|issue\s+date|issued\s+on|issued|dated|(?:facture|invoice|avoir)\b[^\n]{0,40}?\s(?:du|of)\s`)
	reDueLabel    = regexp.MustCompile(`(?i)date\s+d['’][ée]ch[ée]ance|date\s+limite\s+de\s+(?:paiement|r[èe]glement)|[ée]ch[ée]ance|(?:[àa]\s+r[ée]gler|[àa]\s+payer|payable|r[èe]glement|paiement)\s+(?:avant|au\s+plus\s+tard)(?:\s+le)?|au\s+plus\s+tard\s+le|due\s+date|payment\s+due(?:\s+date)?|due\s+(?:on|by)|(?:please\s+)?pay(?:able)?\s+by|date\s+due|due\s*:|before`)
	reGenericDate = regexp.MustCompile(`(?i)^\s*date\s*:`)
)

// dateLabel is a date label pattern and the words, lower-cased, one of which
// each of its matches holds: most lines hold none, and skipping them spares
// the pattern's cost.
type dateLabel struct {
	re    *regexp.Regexp
	words []string
}

var (
	issueLabel   = dateLabel{reIssueLabel, []string{"mis", "date", "issue", "factur", "invoice", "avoir"}}
	dueLabel     = dateLabel{reDueLabel, []string{"date", "ance", "avant", "tard", "due", "pay", "before"}}
	genericLabel = dateLabel{reGenericDate, []string{"date"}}
)

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// labelledDate finds a date right after one of the labels.
func labelledDate(lines, lowLines []string, label dateLabel, monthFirst bool) (time.Time, string, bool) {
	for i, l := range lines {
		if !containsAny(lowLines[i], label.words) {
			continue
		}
		re := label.re
		for _, m := range re.FindAllStringIndex(l, -1) {
			rest := l[m[1]:]
			if strings.TrimSpace(strings.Trim(rest, " :\t")) == "" && i+1 < len(lines) {
				rest = lines[i+1]
			}
			if t, at, ok := text.FirstDate(rest, monthFirst); ok && runeLen(rest[:at]) <= 20 {
				return t, strings.TrimSpace(l), true
			}
		}
	}
	return time.Time{}, "", false
}

func runeLen(s string) int { return len([]rune(s)) }

// ---- payment terms ----

type terms struct {
	days       int
	endOfMonth bool
	text       string
}

var (
	reTermsEOM     = regexp.MustCompile(`(?i)(\d{1,3})\s*jours?\s*(?:nets?\s+)?(?:fin\s+de\s+mois|fdm)\b|(\d{1,3})\s*days?\s+end\s+of\s+(?:the\s+)?month`)
	reTermsDays    = regexp.MustCompile(`(?im)(?:payable|paiement|r[èe]glement|[àa]\s+r[ée]gler|d[ée]lai\s+de\s+paiement|conditions?\s+de\s+(?:paiement|r[èe]glement))[^\n\d]{0,25}?(\d{1,3})\s*jours|(?:^|\s)[àa]\s+(\d{1,3})\s*jours|(\d{1,3})\s*jours\s+nets|(?:^|[^\p{L}])net\s*(\d{1,3})(?:\s*days?\b|\s*\)|\s*[,;]|[ \t]*$|[ \t]+\p{L})|(?:payment\s+)?terms\s*:?\s*(?:net\s*)?(\d{1,3})\s*days|within\s+(\d{1,3})\s*days|(\d{1,3})\s*days\s+net|payable\s+in\s+(\d{1,3})\s*days`)
	reTermsReceipt = regexp.MustCompile(`(?i)(?:payable\s+)?(?:[àa]|d[èe]s)\s+r[ée]ception|(?:due\s+)?(?:up)?on\s+receipt|paiement\s+comptant`)

	// Their gates, for the windows that name a term word of another kind.
	termsEOM, termsDays, termsReceipt = gate(reTermsEOM), gate(reTermsDays), gate(reTermsReceipt)
)

func findTerms(s string) (terms, bool) {
	// The patterns are costly, and cost more on one long text than on a few
	// short ones: they run only on the two-line windows around a line that
	// names a term word (no term spans more than a line break), in the order
	// of the text, and most text names no terms at all.
	low := strings.ToLower(s)
	if !hasTermWord(low) {
		return terms{}, false
	}
	lines := strings.Split(s, "\n")
	lowLines := strings.Split(low, "\n") // ToLower keeps the line breaks
	var windows []string
	for i := range lines {
		next := i+1 < len(lines) && hasTermWord(lowLines[i+1])
		if !hasTermWord(lowLines[i]) && !next {
			continue
		}
		w := lines[i]
		if i+1 < len(lines) {
			w += "\n" + lines[i+1]
		}
		windows = append(windows, w)
	}
	folded := make([]string, len(windows))
	for i, w := range windows {
		folded[i] = foldCase(w)
	}
	for i, w := range windows {
		if !termsEOM.mayMatch(folded[i]) {
			continue
		}
		if m := reTermsEOM.FindStringSubmatch(w); m != nil {
			n := firstNonEmpty(m[1:]...)
			if d, err := strconv.Atoi(n); err == nil && d <= 180 {
				return terms{days: d, endOfMonth: true, text: strings.TrimSpace(m[0])}, true
			}
		}
	}
	for i, w := range windows {
		if !termsDays.mayMatch(folded[i]) {
			continue
		}
		if m := reTermsDays.FindStringSubmatch(w); m != nil {
			n := firstNonEmpty(m[1:]...)
			if d, err := strconv.Atoi(n); err == nil && d <= 180 {
				return terms{days: d, text: strings.TrimSpace(m[0])}, true
			}
		}
	}
	for i, w := range windows {
		if !termsReceipt.mayMatch(folded[i]) {
			continue
		}
		if m := reTermsReceipt.FindString(w); m != "" {
			return terms{days: 0, text: strings.TrimSpace(m)}, true
		}
	}
	return terms{}, false
}

// hasTermWord reports whether lower-cased text holds a word every payment
// term pattern needs.
func hasTermWord(low string) bool {
	return strings.Contains(low, "jour") || strings.Contains(low, "day") || strings.Contains(low, "net") ||
		strings.Contains(low, "ception") || strings.Contains(low, "receipt") || strings.Contains(low, "comptant")
}

// apply computes a due date. "45 jours fin de mois" is read as the common
// French practice: add the days, then go to the end of that month.
func (t terms) apply(issue time.Time) time.Time {
	due := issue.AddDate(0, 0, t.days)
	if t.endOfMonth {
		due = time.Date(due.Year(), due.Month()+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	return due
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ---- client ----

var reClientLine = regexp.MustCompile(`(?i)^\s*(?:client|cliente|factur[ée]\s+[àa]|facture\s+[àa]|adress[ée]e?\s+[àa]|destinataire|bill(?:ed)?\s+to|invoice\s+to|customer|sold\s+to)\s*:\s*(.*)$`)

// clientBlock reads a "Client :" / "Bill to:" block: the name on the line
// or the next one, and up to three address lines after it.
func clientBlock(lines []string) (name, address string) {
	for i, l := range lines {
		m := reClientLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name = strings.TrimSpace(m[1])
		j := i + 1
		if name == "" {
			for ; j < len(lines) && strings.TrimSpace(lines[j]) == ""; j++ {
			}
			if j < len(lines) {
				name = strings.TrimSpace(lines[j])
				j++
			}
		}
		var addr []string
		// "Bill to: Brightwell Studio Inc., 212 Wythe Ave, Brooklyn, …" on
		// one line: the name ends before the first part holding a number.
		if parts := strings.Split(name, ", "); len(parts) > 1 {
			for k := 1; k < len(parts); k++ {
				if strings.ContainsAny(parts[k], "0123456789") {
					name = strings.Join(parts[:k], ", ")
					addr = append(addr, strings.Join(parts[k:], ", "))
					break
				}
			}
		}
		for ; j < len(lines) && len(addr) < 3; j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" || strings.Contains(t, ":") {
				break
			}
			addr = append(addr, t)
		}
		return truncate(name, 120), truncate(strings.Join(addr, ", "), 240)
	}
	return "", ""
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// ---- language ----

// language scores French against English by frequent words and accents.
func language(s string, fallback string) string {
	fr, en := 0, 0
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for i, w := range words {
		if i > 400 {
			break
		}
		switch w {
		case "le", "la", "les", "de", "des", "du", "et", "est", "vous", "votre", "vos", "nous", "notre", "facture", "montant",
			"pour", "avec", "sur", "une", "bonjour", "cordialement", "ci-joint", "veuillez", "règlement", "échéance", "avoir", "merci":
			fr++
		case "the", "and", "of", "to", "your", "you", "we", "our", "invoice", "amount", "please", "for", "with", "is",
			"dear", "regards", "attached", "find", "due", "payment", "thanks", "thank", "hi", "hello":
			en++
		}
	}
	for _, r := range s {
		switch r {
		case 'é', 'è', 'à', 'ç', 'ê', 'ù', 'û', 'ô', 'î':
			fr++
		}
	}
	switch {
	case fr > en:
		return "fr"
	case en > fr:
		return "en"
	}
	return fallback
}

// ---- all text facts ----

type textFacts struct {
	numbers      []numRef
	amount       amountHit
	hasAmount    bool
	amountStrong bool // the amount came with a label naming it
	amountLine   string
	payable      decimal.Decimal
	prepaid      decimal.Decimal
	payableLine  string
	issue, due   time.Time
	issueLine    string
	dueLine      string
	terms        terms
	hasTerms     bool
	clientName   string
	clientAddr   string
}

func splitLines(s string) []string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u202f", " ", "\u2009", " ").Replace(s)
	return strings.Split(s, "\n")
}

// extractText reads invoice facts from free text (a mail body, or the text
// of a PDF). monthFirst reads ambiguous numeric dates as month/day.
func extractText(s string, monthFirst bool) textFacts {
	if len(s) > maxPDFTextBytes {
		s = s[:maxPDFTextBytes]
	}
	lines := splitLines(s)
	joined := strings.Join(lines, "\n")
	var f textFacts
	f.numbers = findNumbers(joined)
	am := findAmounts(lines)
	f.amount, f.amountLine, f.hasAmount, f.amountStrong = am.total, am.totalLine, am.hasTotal, am.strong
	f.payable, f.prepaid, f.payableLine = am.payable, am.prepaid, am.payableLine
	lowLines := make([]string, len(lines))
	for i, l := range lines {
		lowLines[i] = strings.ToLower(l)
	}
	f.issue, f.issueLine, _ = labelledDate(lines, lowLines, issueLabel, monthFirst)
	f.due, f.dueLine, _ = labelledDate(lines, lowLines, dueLabel, monthFirst)
	if f.issue.IsZero() {
		f.issue, f.issueLine, _ = labelledDate(lines, lowLines, genericLabel, monthFirst)
	}
	if !f.issue.IsZero() && f.due.Equal(f.issue) && f.dueLine == f.issueLine {
		f.due, f.dueLine = time.Time{}, ""
	}
	f.terms, f.hasTerms = findTerms(joined)
	f.clientName, f.clientAddr = clientBlock(lines)
	return f
}

func (f textFacts) number(kind Kind) (num, credited string) {
	want := labelInvoice
	if kind == KindCreditNote {
		want = labelCredit
	}
	for _, n := range f.numbers {
		if n.label == want {
			num = n.value
			break
		}
	}
	if num == "" {
		for _, n := range f.numbers {
			if n.label == labelOther {
				num = n.value
				break
			}
		}
	}
	if kind == KindCreditNote {
		for _, n := range f.numbers {
			if n.label == labelInvoice && n.value != num {
				credited = n.value
				break
			}
		}
	}
	return num, credited
}
