// Package reply separates what a correspondent actually wrote from the quoted
// history, mobile signatures and legal disclaimers that mail clients append.
//
// It works on decoded plain text (HTML blockquotes arrive as "> " lines) and
// recognises the quote headers of the common clients in French, English and
// the other languages small businesses meet in practice. It never fails: text
// it cannot split is returned whole as the body.
package reply

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reply is a message body split into its parts. Each part keeps its original
// line breaks; Body and Signature are trimmed of surrounding blank lines.
type Reply struct {
	Body      string `json:"body"`
	Quoted    string `json:"quoted,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// maxHeaderJoin is how many physical lines an attribution line ("On … wrote:")
// may be wrapped over; clients wrap long names and addresses.
const maxHeaderJoin = 3

// Strip splits text into the new reply, the quoted history and the signature.
func Strip(text string) Reply {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	norms := &lineNorms{lines: lines, norm: make([]string, 0, len(lines))}

	cut := findQuoteStart(norms)
	var bodyLines, bodyNorm, quoted []string
	if cut >= 0 && !hasContent(norms.upTo(cut)) && interleaved(norms.upTo(len(lines)), cut) {
		// Inline answers below a quote header: the header and the ">" lines are
		// history, what sits between them is the reply.
		norm := norms.upTo(len(lines))
		for i := range lines {
			if i == cut || isQuoteLine(norm[i]) || (i > cut && i < cut+maxHeaderJoin && headerContinuation(norm, cut, i)) {
				quoted = append(quoted, lines[i])
				continue
			}
			bodyLines = append(bodyLines, lines[i])
			bodyNorm = append(bodyNorm, norm[i])
		}
	} else {
		end := len(lines)
		if cut >= 0 {
			end = cut
			quoted = lines[cut:]
		}
		norm := norms.upTo(end)
		// Lines quoted with ">" above the cut are inline quoting of the
		// previous message; they are history too.
		for i := 0; i < end; i++ {
			if isQuoteLine(norm[i]) {
				quoted = append(quoted, lines[i])
				continue
			}
			bodyLines = append(bodyLines, lines[i])
			bodyNorm = append(bodyNorm, norm[i])
		}
	}

	body, sig := splitSignature(bodyLines, bodyNorm)
	return Reply{
		Body:      trimBlank(body),
		Quoted:    trimBlank(quoted),
		Signature: trimBlank(sig),
	}
}

// normLine lower-cases a line, turns the no-break and thin spaces French
// typography puts before colons into plain spaces, and trims it.
func normLine(s string) string {
	var b strings.Builder
	if !writeNorm(&b, s) {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(b.String())
}

// lineNorms holds normLine of a text's lines, computed in order as far as
// they are read: below the first line of the quoted history, only a reply
// without words above it has its lines read. The lines that change (most
// hold a capital) are written one after the other into one builder, whose
// string is cut: a reply's lines cost a few allocations, not one each.
type lineNorms struct {
	lines []string
	norm  []string // normLine of lines[:len(norm)]
	b     strings.Builder
}

// upTo returns normLine of the lines before k (of all of them past the
// last).
func (n *lineNorms) upTo(k int) []string {
	k = min(k, len(n.lines))
	if k <= len(n.norm) {
		return n.norm[:k]
	}
	size := 0
	for _, l := range n.lines[len(n.norm):k] {
		size += len(l)
	}
	n.b.Grow(size)
	for i := len(n.norm); i < k; i++ {
		start := n.b.Len()
		if !writeNorm(&n.b, n.lines[i]) {
			n.norm = append(n.norm, strings.TrimSpace(n.lines[i]))
			continue
		}
		// The builder's string shares its bytes, which later writes
		// leave as they are.
		n.norm = append(n.norm, strings.TrimSpace(n.b.String()[start:]))
	}
	return n.norm
}

// writeNorm writes s lower-cased, with tabs and the no-break and thin
// spaces made plain spaces and zero-width characters dropped, to b; it
// writes nothing and reports false when s would not change.
func writeNorm(b *strings.Builder, s string) bool {
	ascii, plain := true, true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case c >= 'A' && c <= 'Z' || c == '\t':
			plain = false
		}
	}
	switch {
	case ascii && plain:
		// Most lines: nothing to map.
		return false
	case ascii:
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if c == '\t' {
				c = ' '
			}
			b.WriteByte(c)
		}
	default:
		for _, r := range s {
			switch {
			case r < utf8.RuneSelf:
				c := byte(r)
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				} else if c == '\t' {
					c = ' '
				}
				b.WriteByte(c)
			case r == '\u00a0' || r == '\u202f' || r == '\u2007':
				b.WriteByte(' ')
			case r == '\ufeff' || r == '\u200b':
			default:
				b.WriteRune(unicode.ToLower(r))
			}
		}
	}
	return true
}

func isQuoteLine(n string) bool { return strings.HasPrefix(n, ">") }

func hasContent(norm []string) bool {
	for _, n := range norm {
		if n != "" {
			return true
		}
	}
	return false
}

// interleaved reports whether unquoted text follows the quote header at cut
// once its ">" block is over: the writer answered point by point.
func interleaved(norm []string, cut int) bool {
	sawQuote := false
	for i := cut + 1; i < len(norm); i++ {
		n := norm[i]
		switch {
		case n == "":
		case isQuoteLine(n):
			sawQuote = true
		case !sawQuote:
			// Text right under the header is the quoted message itself
			// (clients that do not prefix with ">"), unless it is the tail of
			// a wrapped header.
			if i < cut+maxHeaderJoin && headerContinuation(norm, cut, i) {
				continue
			}
			return false
		default:
			return true
		}
	}
	return false
}

// headerContinuation reports whether line i is part of the attribution that
// starts at cut (a wrapped "On … <\naddr> wrote:").
func headerContinuation(norm []string, cut, i int) bool {
	joined := strings.Join(norm[cut:i+1], " ")
	return attribution(joined) && !attribution(strings.Join(norm[cut:i], " "))
}

var (
	// Attribution verbs of the common clients, lower-case.
	// German, Nordic and Apple clients put the name after the verb
	// ("Am … schrieb Hans <h@x.de>:"), so up to one address may follow it.
	// Separators that open a forwarded or original message.
	separatorRe = regexp.MustCompile(`^[-_=*\s]*(original message|message d'origine|mail original|e-mail original|courriel original|message d’origine|message original|forwarded message|message transféré|message transfere|ursprüngliche nachricht|weitergeleitete nachricht|oprindelig besked|opprinnelig melding|ursprungligt meddelande|messaggio originale|messaggio inoltrato|mensaje original|mensaje reenviado|mensagem original|oorspronkelijk bericht|doorgestuurd bericht)[-_=*\s]*:?$`)
	// Outlook's horizontal rule before its header block.
	underscoreRule = regexp.MustCompile(`^_{10,}$`)
	// Header field names of Outlook-style header blocks, by role.
	fromField    = regexp.MustCompile(`^\*?(from|de|von|fra|da|van|från|od|от)\s*:`)
	sentField    = regexp.MustCompile(`^\*?(sent|date|envoyé|envoye|gesendet|datum|dato|data|inviato|enviado|enviada|verzonden|skickat|sendt|fecha|päivämäärä)\s*:`)
	toField      = regexp.MustCompile(`^\*?(to|à|a|an|til|till|para|per|aan|cc)\s*:`)
	subjectField = regexp.MustCompile(`^\*?(subject|objet|betreff|emne|oggetto|asunto|assunto|onderwerp|ämne|aihe)\s*:`)
)

// separatorStarts are the first words of separatorRe's phrases.
var separatorStarts = []string{"original ", "message ", "mail ", "e-mail ", "courriel ", "forwarded ", "ursprüngliche ",
	"weitergeleitete ", "oprindelig ", "opprinnelig ", "ursprungligt ", "messaggio ", "mensaje ", "mensagem ",
	"oorspronkelijk ", "doorgestuurd "}

// mayBeSeparator is a cheap test every match of separatorRe passes: after
// its rule of dashes or stars, the line starts with one of the phrases'
// first words.
func mayBeSeparator(n string) bool {
	n = strings.TrimLeft(n, "-_=* \t\n\v\f\r")
	for _, p := range separatorStarts {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// attribution reports whether s (one or several joined lines) reads like
// "On <date>, <name> wrote:" in any of the supported languages.
func attribution(s string) bool {
	s = strings.TrimLeft(s, "> ")
	if len(s) > 400 || !strings.HasSuffix(strings.TrimSpace(s), ":") {
		return false
	}
	start := attributionVerbAt(s)
	if start < 0 {
		return false
	}
	// A date or an address must precede the verb, so that "my accountant
	// wrote:" inside a reply is not taken for a header.
	head := s[:start]
	return strings.ContainsAny(head, "0123456789@")
}

// attributionVerbs are the verbs that end an attribution ("X wrote:"): a line without any of
// them is not an attribution, and a substring test costs far less than the
// expression's bounded repetitions.
var attributionVerbs = []string{"wrote", "a écrit", "a ecrit", "schrieb", "ha scritto", "escreveu", "escribió", "escribio",
	"schreef", "skrev", "kirjoitti", "napisał", "написал", "írta", "yazdı", "έγραψε"}

// attributionVerbAt returns where the leftmost attribution verb starts in
// s when the rest of s after it is what an attribution allows (a name and
// perhaps an <address>, then the final colon), else -1. A regular expression
// with bounded repetitions did the same at the cost of a backtracking pass
// over every line of every reply (TestAttributionVerbMatchesExpression).
func attributionVerbAt(s string) int {
	best := -1
	for _, v := range attributionVerbs {
		from := 0
		for {
			i := strings.Index(s[from:], v)
			if i < 0 {
				break
			}
			i += from
			if (best < 0 || i < best) && attributionTail(s[i+len(v):]) {
				best = i
			}
			from = i + 1
		}
	}
	return best
}

func attributionTail(rest string) bool {
	rest = strings.TrimRightFunc(rest, unicode.IsSpace)
	if !strings.HasSuffix(rest, ":") {
		return false
	}
	body := strings.TrimRightFunc(rest[:len(rest)-1], unicode.IsSpace)
	if !strings.Contains(body, ":") && utf8.RuneCountInString(body) <= 160 {
		return true
	}
	// "… <mailto:x@y>" : the address may hold a colon.
	if !strings.HasSuffix(body, ">") {
		return false
	}
	lt := strings.LastIndexByte(body, '<')
	if lt < 0 {
		return false
	}
	pre, addr := body[:lt], body[lt+1:len(body)-1]
	return !strings.Contains(pre, ":") && utf8.RuneCountInString(pre) <= 160 &&
		!strings.Contains(addr, ">") && utf8.RuneCountInString(addr) <= 200
}

// findQuoteStart returns the index of the first line of quoted history, or -1.
func findQuoteStart(norms *lineNorms) int {
	for i := range norms.lines {
		// The line, and the lines its tests read below it (an attribution
		// wrapped over maxHeaderJoin lines, a header block of seven).
		norm := norms.upTo(i + 8)
		n := norm[i]
		if n == "" {
			continue
		}
		if mayBeSeparator(n) && separatorRe.MatchString(n) {
			return i
		}
		if n[0] == '_' && underscoreRule.MatchString(n) && headerBlock(norms, i+1) {
			return i
		}
		if mayBeField(n) && fromField.MatchString(n) && headerBlock(norms, i) {
			return i
		}
		if attributionAt(norm, i) {
			// "Hello" right above a wrapped header joins it harmlessly;
			// a header line carries a date or an address, a greeting does not.
			if !strings.ContainsAny(n, "0123456789@") && i+1 < len(norm) && norm[i+1] != "" && attributionAt(norm, i+1) {
				continue
			}
			return i
		}
	}
	return -1
}

// attributionAt reports whether an attribution header starts at line i,
// possibly wrapped over the following lines.
func attributionAt(norm []string, i int) bool {
	// A mobile signature right above the header ("Sent from TypeApp" then
	// "On … wrote:") would otherwise be read as its first line.
	if isMobileSig(norm[i]) {
		return false
	}
	for j := i; j < len(norm) && j < i+maxHeaderJoin; j++ {
		if j > i && norm[j] == "" {
			break
		}
		// An attribution ends with its colon: only then is the joined
		// text worth building and reading.
		if strings.HasSuffix(norm[j], ":") && attribution(strings.Join(norm[i:j+1], " ")) {
			return true
		}
	}
	return false
}

// headerBlock reports whether the lines from i form an Outlook-style header
// block: a From field followed closely by at least two of Sent/Date, To and
// Subject. Requiring several fields keeps "from: our database" in prose out.
func headerBlock(norms *lineNorms, i int) bool {
	for i < len(norms.lines) && norms.upTo(i + 1)[i] == "" {
		i++
	}
	norm := norms.upTo(i + 7)
	if i >= len(norm) || !mayBeField(norm[i]) || !fromField.MatchString(norm[i]) {
		return false
	}
	var sent, to, subject bool
	for j := i + 1; j < len(norm) && j <= i+6; j++ {
		n := norm[j]
		sent = sent || sentField.MatchString(n)
		to = to || toField.MatchString(n)
		// Outlook on phones may glue "À : x Objet : y" on one line.
		subject = subject || subjectField.MatchString(n) || strings.Contains(n, " objet :") || strings.Contains(n, " subject:")
	}
	count := 0
	for _, b := range []bool{sent, to, subject} {
		if b {
			count++
		}
	}
	return count >= 2
}

var (
	// Mobile and webmail signatures: the whole line is the signature.
	mobileSig = regexp.MustCompile(`^(sent from my [\p{L}\p{N} ]{1,40}|sent from (outlook|yahoo mail|mail|my mobile|typeapp|samsung|gmail)\b.*|sent with [\p{L} ]{1,30}\b.*|sent via [\p{L} ]{1,30}|get outlook for (ios|android)\b.*|obtenir outlook pour (ios|android)\b.*|télécharger outlook pour (ios|android)\b.*|envoyé (de|depuis|à partir de|a partir de) (mon|ma|outlook|yahoo|l'application|mail)\b.*|envoye (de|depuis|a partir de) (mon|ma|outlook|yahoo|l'application|mail)\b.*|gesendet von (meinem|outlook|mail)\b.*|von meinem [\p{L}\p{N} ]{1,30} gesendet|inviato da (iphone|il mio|outlook)\b.*|enviado desde mi\b.*|enviado do meu\b.*|verzonden (met|vanaf) (mijn|outlook)\b.*)$`)
	// Delimiters of a signature block: RFC 3676 "-- ", and the dash or
	// underscore rules people type by hand.
	sigDelim = regexp.MustCompile(`^(--|—+|–+|_{2,}|-{2} ?)$`)
)

// isMobileSig accepts "Sent from my X" only when short and free of sentence
// punctuation: "Sent from my desk, is much easier…" is prose.
func isMobileSig(n string) bool {
	if len(n) > 120 {
		return false
	}
	// Drop the link Outlook appends: "Get Outlook for iOS<https://aka.ms/…>".
	if k := strings.IndexByte(n, '<'); k > 0 {
		n = strings.TrimSpace(n[:k])
	}
	n = strings.TrimRight(n, ".! ")
	return mayBeMobileSig(n) && mobileSig.MatchString(n)
}

// mobileSigStarts are the words every alternative of mobileSig begins with:
// a line starting otherwise skips the expression, as nearly all do.
var mobileSigStarts = []string{"sent ", "get outlook ", "obtenir outlook ", "télécharger outlook ", "envoyé ", "envoye ",
	"gesendet von ", "von meinem ", "inviato da ", "enviado d", "verzonden "}

func mayBeMobileSig(n string) bool {
	for _, p := range mobileSigStarts {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// Disclaimer detection: a paragraph that speaks of confidentiality and of the
// intended recipient, or the "think before printing" line.
var (
	// The words of confidentiality and of the recipient, one of each in
	// a notice: plain substrings, cheaper looked for one by one than
	// through an expression of their alternation.
	disclaimerConf = []string{"confidenti", "privileged", "strictement réservé", "strictement reserve"}
	disclaimerWho  = []string{"destinataire", "intended", "addressee", "recipient", "dest.", "exclusive use", "usage exclusif",
		"à l'attention exclusive", "a l'attention exclusive", "l'expéditeur", "l'expediteur", "the sender"}
	disclaimerStart = regexp.MustCompile(`^(\*+\s*)?(avertissement|disclaimer|confidentiality notice|avis de confidentialit|ce message|ce courriel|ce mail|cet e-mail|cet email|le présent message|le present message|this (e-?mail|message|communication)|the information (contained|in this)|les informations contenues|ce message électronique|ce message electronique|notice:|important:)`)
	printLine       = regexp.MustCompile(`(pensez à l'environnement|pensez a l'environnement|avant d'imprimer|before printing|consider the environment|n'imprimez ce)`)
)

// splitSignature separates the signature (and any disclaimer) from the end of
// the body lines; norm holds their normLine.
func splitSignature(lines, norm []string) (body, sig []string) {
	cut := len(lines)
	seen := false // some content above line i: computed once, not per line
	for i, n := range norm {
		if i > 0 && norm[i-1] != "" {
			seen = true
		}
		switch {
		case mayBeSigDelim(n) && sigDelim.MatchString(n) && strings.TrimSpace(lines[i]) != "" && seen:
			cut = i
		case isMobileSig(n):
			cut = i
		case len(n) < 160 && mayBePrintLine(n) && printLine.MatchString(n):
			cut = i
		case isDisclaimerStart(norm, i):
			cut = i
		}
		if cut != len(lines) {
			break
		}
	}
	cut = afterValediction(lines[:cut], norm[:cut], cut)
	// A reply that is nothing but a signature (someone answering with only
	// "Sent from my iPhone" under a quote) keeps its body empty.
	return lines[:cut], lines[cut:]
}

// valedictions are the closing words a sender writes just above their name,
// alone on a line ("Cordialement,", "Kind regards"), normalised and without
// their final punctuation.
var valedictions = map[string]bool{
	"cordialement": true, "bien cordialement": true, "très cordialement": true, "tres cordialement": true,
	"cdlt": true, "cdt": true, "bien à vous": true, "bien a vous": true, "salutations": true,
	"meilleures salutations": true, "sincères salutations": true, "sinceres salutations": true,
	"salutations distinguées": true, "salutations distinguees": true, "bonne journée": true, "bonne journee": true,
	"belle journée": true, "belle journee": true, "bonne soirée": true, "bonne soiree": true,
	"bonne fin de journée": true, "bonne fin de journee": true, "bonne semaine": true, "bon week-end": true,
	"à bientôt": true, "a bientot": true, "amicalement": true, "bien amicalement": true, "au plaisir": true,
	"bises": true, "merci": true, "merci beaucoup": true, "merci d'avance": true, "merci par avance": true,
	"regards": true, "kind regards": true, "best regards": true, "warm regards": true, "many thanks": true,
	"thanks": true, "thank you": true, "best": true, "cheers": true, "sincerely": true, "yours sincerely": true,
	"yours faithfully": true, "all the best": true, "thanks and regards": true, "rgds": true, "br": true,
	"met vriendelijke groet": true, "mit freundlichen grüßen": true, "saludos": true, "cordiali saluti": true,
}

// Bounds of the block under a valediction that is taken for a signature: a
// name, a title, a company, an address, phones; not a paragraph.
const (
	maxSigLines     = 10
	maxSigLineRunes = 90
	maxSigWords     = 12
)

// afterValediction moves a signature block out of the body when it sits
// under a closing word: "Cordialement,\nClaire Fabre\nDirectrice\nHôtel
// des Célestins\n8 rue des Archers…" keeps "Cordialement," and gives the
// rest to the signature, so that a name, a company or an address is not
// read as something the client said. Nothing moves when the block holds a
// postscript or a line that reads like a sentence; cut is returned then.
func afterValediction(lines, norm []string, cut int) int {
	for i := len(norm) - 1; i > 0; i-- {
		if !isValediction(norm[i]) {
			continue
		}
		if !hasContent(norm[:i]) {
			return cut
		}
		n := 0
		for j := i + 1; j < len(norm); j++ {
			t := norm[j]
			if t == "" {
				continue
			}
			n++
			if n > maxSigLines || utf8.RuneCountInString(t) > maxSigLineRunes || len(strings.Fields(t)) > maxSigWords ||
				strings.HasPrefix(t, "ps") || strings.HasPrefix(t, "p.s") || strings.HasPrefix(t, "p-s") || strings.HasPrefix(t, "nb") ||
				strings.ContainsRune(t, '?') {
				return cut
			}
		}
		if n == 0 {
			return cut
		}
		return i + 1
	}
	return cut
}

// isValediction reports whether a normalised line is a closing word alone,
// or followed by a name on the same line ("Cordialement, Jean").
func isValediction(n string) bool {
	if n == "" || len(n) > 40 {
		return false
	}
	n = strings.TrimRight(n, " ,.!;:-")
	if valedictions[n] {
		return true
	}
	if head, _, ok := strings.Cut(n, ","); ok {
		return valedictions[strings.TrimSpace(head)]
	}
	return false
}

// mayBeField is a cheap test every match of the header field expressions
// passes: a field name ends with a colon.
func mayBeField(n string) bool { return strings.IndexByte(n, ':') >= 0 }

// mayBeSigDelim is a cheap test every match of sigDelim passes: it starts
// with a dash, an underscore, or the first byte of "—" and "–".
func mayBeSigDelim(n string) bool {
	return n != "" && (n[0] == '-' || n[0] == '_' || n[0] == "—"[0])
}

// disclaimerStarts are the phrases disclaimerStart's alternatives begin
// with, cut where they fork.
var disclaimerStarts = []string{"avertissement", "disclaimer", "confidentiality notice", "avis de confidentialit", "ce message",
	"ce courriel", "ce mail", "cet e-mail", "cet email", "le présent message", "le present message", "this e", "this m",
	"this c", "the information ", "les informations contenues", "notice:", "important:"}

// mayBeDisclaimerStart is a cheap test every match of disclaimerStart
// passes: after its optional stars and spaces, the line starts with one of
// disclaimerStarts. Nearly every line of a reply fails it.
func mayBeDisclaimerStart(n string) bool {
	if strings.HasPrefix(n, "*") {
		n = strings.TrimLeft(strings.TrimLeft(n, "*"), " \t\n\f\r")
	}
	for _, p := range disclaimerStarts {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// mayBePrintLine is a cheap test every match of printLine passes ("pensez à
// l'environnement avant d'imprimer"): most lines skip the expression.
func mayBePrintLine(n string) bool {
	return strings.Contains(n, "print") || strings.Contains(n, "imprim") || strings.Contains(n, "environ")
}

// isDisclaimerStart reports whether the paragraph at line i is a legal notice.
func isDisclaimerStart(norm []string, i int) bool {
	if !mayBeDisclaimerStart(norm[i]) || !disclaimerStart.MatchString(norm[i]) ||
		(i > 0 && norm[i-1] != "" && !(mayBeSigDelim(norm[i-1]) && sigDelim.MatchString(norm[i-1]))) {
		return false
	}
	para := norm[i]
	for j := i + 1; j < len(norm) && norm[j] != "" && j < i+12; j++ {
		para += " " + norm[j]
	}
	return containsAny(para, disclaimerConf) && containsAny(para, disclaimerWho)
}

// containsAny reports whether s contains one of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// trimBlank joins lines and trims blank lines and trailing spaces around them.
func trimBlank(lines []string) string {
	start, end := 0, len(lines)
	for start < end && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	for end > start && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	switch end - start {
	case 0:
		return ""
	case 1:
		return strings.TrimRight(lines[start], " \t")
	}
	n := end - start - 1
	for _, l := range lines[start:end] {
		n += len(l)
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range lines[start:end] {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(l, " \t"))
	}
	return b.String()
}
