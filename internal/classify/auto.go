package classify

import (
	"regexp"
	"strings"

	"github.com/relance/relance/internal/message"
)

// Automatic mail is recognised before any reading of the text: a bounce or an
// out-of-office quoting our reminder would otherwise be read as the client
// talking.

var (
	// Local parts (and display names) of delivery-failure senders.
	reDaemonLocal = regexp.MustCompile(`^(mailer-?daemon|p+o+st_?master|mail-?daemon|mail\.?delivery\.?system|mail-delivery-subsystem|mdaemon|mmsc|bounces?|ndr|nondelivery)(\b|$)`)
	reDaemonName  = regexp.MustCompile(`\b(mail delivery (system|subsystem|service)|mail deliver system|mailer[- ]daemon|postmaster|ndr administrator|microsoft outlook|delivery status|systeme de messagerie)\b`)

	// Subjects of delivery-failure reports, folded.
	reBounceSubject = regexp.MustCompile(`\b(undeliverable|undelivered|non remis|non distribue|echec de (la )?(remise|distribution|livraison|l'envoi)|remise impossible|mail delivery failed|delivery (status )?failure|delivery status notification \((failure|echec)|delivery status notification$|notification d'etat de (la )?(remise|distribution)|returned mail|returned to sender|failure notice|delivery has failed|could not be delivered|message not delivered|mail not delivered|delivery failed|message delivery failure|unzustellbar|nicht zustellbar|non-?deliverable|mail system error|non recapitabile|mancata consegna|no se (puede|pudo) entregar|onbestelbaar|niet afgeleverd|unable to deliver|delivery problem|there was an error sending your mail|delivery notification|notice: mail delivery status|delivery report|see transcript for details|postmaster notify|message you sent blocked|email delivery failure|errore di consegna|error al entregar)\b|エラー通知|配信エラー|不達|未達|送信できませんでした`)

	// Phrases of failure reports in the body, folded.
	reBounceBody = regexp.MustCompile(`(this is the mail system at host|i'm sorry to have to inform you|could not be delivered to one or more recipients|delivery to the following recipients? (failed|has failed)|the following address(es)? failed|message could not be delivered|your message (wasn't|was not|could not be|couldn't be) delivered|delivery has failed to these recipients|permanent (fatal )?errors?|user unknown|unknown user|mailbox (unavailable|not found|is full|full)|no such (user|mailbox)|recipient address rejected|address rejected|unrouteable address|host not found|votre message n'a pas pu etre (remis|distribue)|n'a pas pu etre remis|impossible de remettre|l'adresse e-?mail .{0,80} (est introuvable|n'existe pas)|not a member of this mailing list|returned message|undelivered message|smtp error from remote|\b5\.[0-7]\.[0-9]{1,3}\b|\b55[0-4][ -])`)

	// Subjects of automatic replies in FR/EN/DE/IT/ES/NL, folded. Outlook puts
	// a no-break space before the colon in French; fold turns it into a space.
	reAutoSubject = regexp.MustCompile(`^(re: ?|tr: ?|fw: ?|aw: ?)?(\[[^\]]*\] ?)?(reponse automatique|reponse auto|absence du bureau|absent du bureau|absence|absent|automatic reply|auto[- ]?reply|auto[- ]?response|autorespons\w*|auto ?:|out of (the )?office|ooo\b|away from (the office|my (mail|email|desk))|away until|on vacation|on leave|vacation|conges|en conges|abwesenheitsnotiz|abwesend|automatische antwort|risposta automatica|fuori sede|fuori ufficio|assente|respuesta automatica|fuera de la oficina|ausente|automatisch antwoord|afwezig|niet aanwezig|autosvar|i'?m away|i am away|i'?m out|i am out|vacation alert|message d'absence)\b`)

	// Read receipts (Outlook, Thunderbird, Apple) by subject.
	reReceiptSubject = regexp.MustCompile(`^(read|lu|gelesen|letto|leido|gelezen|read receipt|accuse de (lecture|reception)|return receipt|notification de lecture|lesebestatigung)\s*:`)

	// Mailing-list managers, whose rejections are delivery failures too.
	reListAdmin = regexp.MustCompile(`(-admin|-owner|-request|-bounces?)$|^owner-`)

	// Senders that cannot be answered: no human is behind them.
	reNoReplyLocal = regexp.MustCompile(`^(no-?reply|do-?not-?reply|donotreply|ne-?pas-?repondre|nepasrepondre|noreponse|no-?response|notifications?|automated|auto-?confirm|mailer)([-+._]|$)`)

	// Body phrases of out-of-office messages, folded. Only used with another
	// automatic marker, or when the text says outright it is automatic.
	reAutoBodyExplicit = regexp.MustCompile(`\b(ceci est (une reponse|un message) automatique|reponse automatique|message automatique|this is an automated (reply|response|message)|this is an automatic (reply|response|message)|automatic reply|auto-?reply|automatische antwort|risposta automatica|respuesta automatica|automatisch antwoord)\b`)
	reAutoBodyAbsence  = regexp.MustCompile(`\b(je suis (actuellement )?(absente?|en conges|en deplacement|hors du bureau|en vacances)|nous sommes (actuellement )?(absents|fermes|en conges)|notre (bureau|entreprise|atelier|cabinet|agence) (est|sera) ferme|fermeture annuelle|i am (currently )?(out of (the )?office|away|on (annual )?leave|on vacation|on holiday)|i'm (currently )?(out of (the )?office|away|on (annual )?leave|on vacation|on holiday)|our office (is|will be) closed|with (limited|no) access to (my )?e-?mail|avec un acces (limite|restreint) (a mes|aux) (e-?mails|mails|messages))\b`)

	// What only automatic answers say besides an absence: a mailbox no
	// longer read, a ticket or request logged, an answer promised within
	// a delay, an address that takes no answer.
	reAutoNotice = regexp.MustCompile(`\b(no longer (monitored|read|in use|checked|active)|not (monitored|checked)|n'est plus (consultee?|lue?|active|utilisee?|surveillee?)|plus consultee?|ticket|numero de (dossier|demande|reference)|case (number|reference|id)|request (number|reference|id)|(has|have) been (logged|received|registered)|we have received your (message|e-?mail|request|enquiry|inquiry)|nous avons (bien )?recu votre (message|mail|e-?mail|courriel|demande)|votre (message|demande|courriel) a (bien )?ete (recue?|enregistree?|transmise?)|(will|shall) (respond|reply|get back to you|be (answered|processed|handled|dealt with)) (within|as soon as|shortly|soon)|will be (answered|processed|handled|dealt with) by|(sera|seront) (traitee?s?|pris en compte|prise en compte) (par|dans|sous|des)|nous vous repondrons (dans|sous|des|rapidement)|dans les meilleurs delais|do not reply|ne pas repondre|merci de ne pas repondre|please (contact|write to|email|send) .{0,40}(instead|a la place)|veuillez (contacter|ecrire a|adresser))\b`)

	reContentType = regexp.MustCompile(`(?i)multipart/report.*report-type="?([a-z-]+)`)
)

// detectBounce reports whether m is a delivery-failure report.
func detectBounce(m *message.Message, subject string, body *lazyFold) (bool, []Evidence) {
	var ev []Evidence
	reportType := ""
	action := ""
	if m.Report != nil {
		reportType = strings.ToLower(m.Report.Type)
		action = strings.ToLower(m.Report.Action)
	}
	if reportType == "" {
		reportType = reportTypeOf(m)
	}
	if reportType == "delivery-status" {
		switch action {
		case "delivered", "relayed", "expanded":
			// A success notice is automatic but not a failure.
			return false, nil
		}
		ev = append(ev, Evidence{Sentence: "Content-Type: multipart/report; report-type=delivery-status", Signal: "bounce:report", Weight: 3})
	}
	local, name := senderParts(m)
	daemon := reDaemonLocal.MatchString(local) || reDaemonName.MatchString(name)
	if daemon {
		ev = append(ev, Evidence{Sentence: "From: " + m.From.Email, Signal: "bounce:daemon_sender", Weight: 2})
	}
	if mayMatch(litBounceSubject, subject) && reBounceSubject.MatchString(subject) {
		ev = append(ev, Evidence{Sentence: "Subject: " + m.Subject, Signal: "bounce:subject", Weight: 2})
	}
	// The returned original attached by an unanswerable sender.
	returned := false
	for _, a := range m.Attachments {
		switch strings.ToLower(a.ContentType) {
		case "message/delivery-status", "message/global-delivery-status":
			ev = append(ev, Evidence{Sentence: "part " + a.ContentType, Signal: "bounce:status_part", Weight: 3})
		case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
			returned = true
		}
	}
	if returned && (reNoReplyLocal.MatchString(local) || autoSubmitted(m)) {
		ev = append(ev, Evidence{Sentence: "original message returned by " + m.From.Email, Signal: "bounce:returned_original", Weight: 2})
	}
	listAdmin := reListAdmin.MatchString(local)
	score := 0.0
	for _, e := range ev {
		score += e.Weight
	}
	// The body scan is the costly part; it only matters for mail that
	// declares itself automatic or is already a bounce (for the evidence).
	bodyHit := ""
	if score >= 2 || autoSubmitted(m) || listAdmin {
		head := headOf(body.get(), 4000)
		if mayMatch(litBounceBody, head) {
			bodyHit = reBounceBody.FindString(head)
		}
		if bodyHit != "" {
			ev = append(ev, Evidence{Sentence: strings.TrimSpace(bodyHit), Signal: "bounce:body", Weight: 1})
		}
	}
	score = 0.0
	for _, e := range ev {
		score += e.Weight
	}
	// A daemon sender or a failure subject alone is decisive; body phrases
	// alone are not (a client may paste an error message), unless the mail
	// also declares itself automatic.
	if score >= 2 || bodyHit != "" && (autoSubmitted(m) || listAdmin) {
		return true, ev
	}
	return false, nil
}

func senderParts(m *message.Message) (local, name string) {
	email := strings.ToLower(m.From.Email)
	local = email
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		local = email[:i]
	}
	return local, fold(m.From.Name)
}

// autoSubmitted reports RFC 3834 Auto-Submitted with a value other than "no".
func autoSubmitted(m *message.Message) bool {
	v := strings.ToLower(strings.TrimSpace(m.Get("Auto-Submitted")))
	return v != "" && !strings.HasPrefix(v, "no")
}

// detectAutoReply reports whether m was sent by a machine on someone's
// behalf: out-of-office, read receipt, no-reply notification. own is the
// sender's own words (quotes and signature stripped): "ceci est un message
// automatique" counts only there, since the invoicing software whose
// reminder a client quotes says it too.
func detectAutoReply(m *message.Message, subject string, body *lazyFold, own string) (bool, []Evidence) {
	var strong []Evidence
	if autoSubmitted(m) {
		strong = append(strong, Evidence{Sentence: "Auto-Submitted: " + m.Get("Auto-Submitted"), Signal: "auto:auto_submitted", Weight: 3})
	}
	for _, h := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"} {
		if v := strings.ToLower(strings.TrimSpace(m.Get(h))); v != "" && v != "no" && v != "false" {
			strong = append(strong, Evidence{Sentence: h + ": " + m.Get(h), Signal: "auto:x_autoreply", Weight: 3})
		}
	}
	prec := strings.ToLower(strings.TrimSpace(m.Get("Precedence")))
	if prec == "auto_reply" {
		strong = append(strong, Evidence{Sentence: "Precedence: " + prec, Signal: "auto:precedence", Weight: 3})
	}
	if strings.EqualFold(strings.TrimSpace(m.Get("X-Apple-Action")), "vacation") {
		strong = append(strong, Evidence{Sentence: "X-Apple-Action: VACATION", Signal: "auto:apple_vacation", Weight: 3})
	}
	if strings.Contains(strings.ToLower(m.Get("X-Ms-Exchange-Generated-Message-Source")), "mailbox rules") ||
		strings.EqualFold(strings.TrimSpace(m.Get("X-Ms-Exchange-Message-Is-Ooo")), "true") {
		strong = append(strong, Evidence{Sentence: "Exchange out-of-office marker", Signal: "auto:exchange_oof", Weight: 3})
	}
	reportType := ""
	if m.Report != nil {
		reportType = strings.ToLower(m.Report.Type)
	} else {
		reportType = reportTypeOf(m)
	}
	switch reportType {
	case "disposition-notification":
		strong = append(strong, Evidence{Sentence: "Content-Type: multipart/report; report-type=disposition-notification", Signal: "auto:read_receipt", Weight: 3})
	case "delivery-status":
		// A success DSN (delivered/relayed) reaches here: automatic anyway.
		strong = append(strong, Evidence{Sentence: "delivery status notification", Signal: "auto:dsn", Weight: 3})
	case "feedback-report":
		strong = append(strong, Evidence{Sentence: "abuse feedback report", Signal: "auto:feedback_report", Weight: 3})
	}
	// "SV: Automatic reply", "ODP: Read: …": the answer and forward
	// prefixes of every language are set aside first.
	subject, _ = subjectPrefixes(subject)
	if reReceiptSubject.MatchString(subject) {
		strong = append(strong, Evidence{Sentence: "Subject: " + m.Subject, Signal: "auto:read_receipt_subject", Weight: 2})
	}
	local, _ := senderParts(m)
	if reNoReplyLocal.MatchString(local) {
		strong = append(strong, Evidence{Sentence: "From: " + m.From.Email, Signal: "auto:noreply_sender", Weight: 2})
	}
	if mayMatch(litAutoSubject, subject) && reAutoSubject.MatchString(subject) {
		strong = append(strong, Evidence{Sentence: "Subject: " + m.Subject, Signal: "auto:subject", Weight: 2})
	}
	// Every phrase of reAutoBodyExplicit says "auto…": most replies never
	// need the folded text.
	if containsASCIIFold(headOf(own, 3000), "auto") {
		if head := fold(headOf(own, 3000)); mayMatch(litExplicit, head) {
			if s := reAutoBodyExplicit.FindString(head); s != "" {
				strong = append(strong, Evidence{Sentence: s, Signal: "auto:body_says_automatic", Weight: 2})
			}
		}
	}
	if len(strong) > 0 {
		if s := absenceText(headOf(body.get(), 3000)); s != "" {
			strong = append(strong, Evidence{Sentence: s, Signal: "auto:absence_text", Weight: 1})
		}
		return true, strong
	}
	// Precedence: bulk/junk alone is what mailing lists and newsletters use
	// too; together with absence wording it is an out-of-office.
	if prec == "bulk" || prec == "junk" {
		if s := absenceText(headOf(body.get(), 3000)); s != "" {
			return true, []Evidence{
				{Sentence: "Precedence: " + prec, Signal: "auto:precedence_bulk", Weight: 1},
				{Sentence: s, Signal: "auto:absence_text", Weight: 1},
			}
		}
	}
	return false, nil
}

// Prefilter literals of the rules above (read-only).
var (
	litBounceSubject = literalsOf(reBounceSubject.String())
	litBounceBody    = literalsOf(reBounceBody.String())
	litAutoSubject   = literalsOf(reAutoSubject.String())
	litAbsence       = literalsOf(reAutoBodyAbsence.String())
	litExplicit      = literalsOf(reAutoBodyExplicit.String())
)

// reportTypeOf reads the report-type of a multipart/report the parser did
// not take apart, lower-cased; "" for any other mail.
func reportTypeOf(m *message.Message) string {
	ct := m.Get("Content-Type")
	if !containsASCIIFold(ct, "multipart/report") {
		return ""
	}
	if sm := reContentType.FindStringSubmatch(ct); sm != nil {
		return strings.ToLower(sm[1])
	}
	return ""
}

// automaticWording reports the first sentence of a reply's folded
// sentences that says it is automatic, an absence, or what only automatic
// notices say (reAutoNotice).
func automaticWording(folded []string) (Evidence, bool) {
	for _, s := range folded {
		if s := absenceText(s); s != "" {
			return Evidence{Sentence: s, Signal: "auto:absence_text", Weight: 1}, true
		}
		if strings.Contains(s, "auto") && mayMatch(litExplicit, s) {
			if w := reAutoBodyExplicit.FindString(s); w != "" {
				return Evidence{Sentence: w, Signal: "auto:body_says_automatic", Weight: 1}, true
			}
		}
		if w := reAutoNotice.FindString(s); w != "" {
			return Evidence{Sentence: w, Signal: "auto:notice_text", Weight: 1}, true
		}
	}
	return Evidence{}, false
}

// absenceText is the first out-of-office phrase of folded text s.
func absenceText(s string) string {
	if !mayMatch(litAbsence, s) {
		return ""
	}
	return reAutoBodyAbsence.FindString(s)
}

// lazyFold folds the head of a mail's text the first time a rule needs it:
// most replies are settled by headers and never need it.
type lazyFold struct {
	raw    string
	folded string
	done   bool
}

func (l *lazyFold) get() string {
	if !l.done {
		l.folded, l.done = fold(l.raw), true
	}
	return l.folded
}

// containsASCIIFold reports whether s contains the lower-case ASCII word w,
// in any case.
func containsASCIIFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}
