package demo

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// mua is the mail program a correspondent writes with; it decides headers,
// structure, transfer encoding and how history is quoted.
type mua int

const (
	muaGmail       mua = iota // multipart/alternative, quoted-printable, "Le … a écrit :"
	muaOutlook                // multipart/alternative, base64, "RE : ", header block above the original
	muaIPhone                 // text/plain quoted-printable, "Envoyé de mon iPhone"
	muaAppleMail              // text/plain quoted-printable, Mac
	muaThunderbird            // text/plain 8bit, format=flowed
	muaLatin1Web              // text/plain ISO-8859-1 quoted-printable, an ISP webmail
)

// mailOut is one mail a correspondent (or the firm, in a reply) writes.
type mailOut struct {
	label   string // seeds the Message-ID and boundaries
	mua     mua
	from    person
	to      []person
	cc      []person
	at      time.Time // in the writer's zone
	subject string
	text    string
	parent  string   // Message-ID answered, if any
	refs    []string // References, oldest first
	extra   []field  // added after the usual headers
	lang    string   // Content-Language where the program sends one; fr-FR if empty
}

func domainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return email
}

// compose renders a mail in the shape its program gives it and returns its
// Message-ID with the raw bytes.
func compose(o mailOut) (string, []byte) {
	if len(o.to) == 0 {
		o.to = []person{firm()}
	}
	refs := o.refs
	if o.parent != "" && (len(refs) == 0 || refs[len(refs)-1] != o.parent) {
		refs = append(append([]string(nil), refs...), o.parent)
	}
	var h headerBlock
	var body *part
	var id string
	threading := func() {
		if len(refs) > 0 {
			h.add("References", strings.Join(refs, " "))
		}
		if o.parent != "" {
			h.add("In-Reply-To", o.parent)
		}
	}
	addresses := func() {
		h.add("From", addr(o.from))
		h.add("To", addrList(o.to...))
		if len(o.cc) > 0 {
			h.add("Cc", addrList(o.cc...))
		}
	}
	switch o.mua {
	case muaGmail:
		id = messageID("gmail", o.label, "")
		h.add("MIME-Version", "1.0")
		h.add("Date", rfc5322Date(o.at))
		threading()
		h.add("Message-ID", id)
		h.add("Subject", encodeText(o.subject, false))
		addresses()
		body = multipartPart("alternative", boundary("gmail", o.label),
			textPart("plain", o.text, cteQP, false),
			textPart("html", gmailHTML(o.text), cteQP, false))
	case muaOutlook:
		id = messageID("outlook", o.label, "")
		addresses()
		h.add("Subject", encodeText(o.subject, true))
		h.add("Thread-Topic", encodeText(threadTopic(o.subject), true))
		h.add("Thread-Index", base64.StdEncoding.EncodeToString([]byte(digest("thread/" + o.label)[:22])))
		h.add("Date", rfc5322Date(o.at))
		h.add("Message-ID", id)
		threading()
		lang := o.lang
		if lang == "" {
			lang = "fr-FR"
		}
		h.add("Accept-Language", lang+", en-US")
		h.add("Content-Language", lang)
		h.add("X-MS-Has-Attach", "")
		h.add("X-MS-TNEF-Correlator", "")
		h.add("MIME-Version", "1.0")
		body = multipartPart("alternative", boundary("outlook", o.label),
			textPart("plain", o.text, cteBase64, false),
			textPart("html", textToHTML(o.text), cteQP, false))
	case muaIPhone, muaAppleMail:
		id = messageID("apple", o.label, domainOf(o.from.email))
		body = textPart("plain", o.text, cteQP, false)
		addresses()
		if o.mua == muaIPhone {
			h.add("Mime-Version", "1.0 (1.0)")
		} else {
			h.add("Mime-Version", `1.0 (Mac OS X Mail 16.0 \(3826.300.87.4.3\))`)
		}
		h.add("Subject", encodeText(o.subject, false))
		h.add("Date", rfc5322Date(o.at))
		h.add("Message-Id", id)
		threading()
		if o.mua == muaIPhone {
			h.add("X-Mailer", "iPhone Mail (22B91)")
		} else {
			h.add("X-Mailer", "Apple Mail (2.3826.300.87.4.3)")
		}
	case muaLatin1Web:
		id = messageID("", o.label, domainOf(o.from.email))
		h.add("Date", rfc5322Date(o.at))
		addresses()
		h.add("Message-ID", id)
		threading()
		h.add("Subject", encodeText(o.subject, false))
		h.add("MIME-Version", "1.0")
		h.add("X-Mailer", "Open-Xchange Mailer v7.10.6-Rev62")
		body = &part{}
		body.add("Content-Type", "text/plain; charset=ISO-8859-1")
		body.add("Content-Transfer-Encoding", cteQP)
		body.body = encodeBody(latin1(o.text), cteQP)
	default: // muaThunderbird
		id = messageID("uuid", o.label, domainOf(o.from.email))
		h.add("Message-ID", id)
		h.add("Date", rfc5322Date(o.at))
		h.add("MIME-Version", "1.0")
		h.add("User-Agent", "Mozilla Thunderbird")
		threading()
		h.add("Content-Language", "fr")
		addresses()
		h.add("Subject", encodeText(o.subject, false))
		body = textPart("plain", wrapText(o.text, 76), cte8bit, true)
	}
	for _, f := range o.extra {
		h.add(f.name, f.value)
	}
	return id, render(h, body)
}

// latin1 encodes text as ISO-8859-1; what it cannot hold becomes '?'.
func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 256 {
			out = append(out, byte(r))
		} else {
			out = append(out, '?')
		}
	}
	return out
}

func threadTopic(subject string) string {
	for _, p := range []string{"RE : ", "RE: ", "Re: ", "AW: ", "TR: ", "Fwd: "} {
		subject = strings.TrimPrefix(subject, p)
	}
	return subject
}

// gmailHTML is the HTML half Gmail sends: the reply in a div, the history
// in a gmail_quote blockquote.
func gmailHTML(text string) string {
	reply, history := text, ""
	if i := strings.Index(text, "\n\n> "); i >= 0 {
		if j := strings.LastIndex(text[:i], "\n"); j >= 0 {
			reply, history = text[:j], text[j+1:]
		}
	}
	var b strings.Builder
	b.WriteString(`<div dir="ltr">`)
	for _, l := range strings.Split(strings.TrimRight(reply, "\n"), "\n") {
		if l == "" {
			b.WriteString("<div><br></div>")
		} else {
			b.WriteString("<div>" + htmlEscape(l) + "</div>")
		}
	}
	b.WriteString("</div>\n")
	if history != "" {
		b.WriteString(`<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">`)
		first, rest, _ := strings.Cut(history, "\n")
		b.WriteString(htmlEscape(first) + "<br></div>")
		b.WriteString(`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">`)
		for _, l := range strings.Split(rest, "\n") {
			l = strings.TrimPrefix(strings.TrimPrefix(l, ">"), " ")
			b.WriteString(htmlEscape(l) + "<br>")
		}
		b.WriteString("</blockquote></div>\n")
	}
	return b.String()
}

const firmAddr = "Atelier Moreau <factures@atelier-moreau.fr>"

// Quoted history as each program writes it under a reply.
func gmailQuoteFR(at time.Time, text string) string {
	return "\n\n" + gmailFRAttribution(at, firmAddr) + "\n\n" + quote(text)
}

func gmailQuoteEN(at time.Time, text string) string {
	return "\n\n" + gmailENAttribution(at, firmAddr) + "\n\n" + quote(text)
}

func iPhoneQuoteFR(at time.Time, text string) string {
	return "\n\nEnvoyé de mon iPhone\n\n> " + appleFRAttribution(at, firmAddr) + "\n>\n" + quote(text)
}

func outlookQuoteFR(at time.Time, to, subject, text string) string {
	return "\n\n________________________________\n" + outlookFRHeader(at, firmAddr, to, subject) + "\n\n" + text
}

func outlookQuoteEN(at time.Time, to, subject, text string) string {
	return "\n\n________________________________\n" + outlookENHeader(at, firmAddr, to, subject) + "\n\n" + text
}

func thunderbirdQuoteFR(at time.Time, text string) string {
	return "\n\n" + thunderbirdFRAttribution(at, firmAddr) + "\n" + quote(text)
}

// atIn is a moment daysAgo days before today at hh:mm in loc, never later
// than now.
func (m *month) atIn(loc *time.Location, daysAgo, hh, mm int) time.Time {
	d := m.day(daysAgo)
	t := time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, loc)
	if limit := m.now.Add(-time.Duration(daysAgo+1) * time.Minute); t.After(limit) {
		t = limit.In(loc)
	}
	return t
}

// after is a moment shortly after an earlier one, in loc, capped at now.
func (m *month) after(t time.Time, d time.Duration, loc *time.Location) time.Time {
	t = t.Add(d)
	if limit := m.now.Add(-time.Minute); t.After(limit) {
		t = limit
	}
	return t.In(loc)
}

func (m *month) receive(o mailOut) string {
	id, raw := compose(o)
	m.inbox = append(m.inbox, sampleMail{o.at, raw})
	return id
}

func (m *month) send(o mailOut) string {
	o.from = firm()
	id, raw := compose(o)
	m.sent = append(m.sent, sampleMail{o.at, raw})
	return id
}

func toLine(d *doc) string {
	if d.to != nil {
		return plainAddr(*d.to)
	}
	return plainAddr(d.client.contact)
}

// buildInbox writes the clients' replies, the automatic mail that comes
// back, unrelated mail, and the firm's own answers that belong to those
// conversations (the RIB, the credit note).
func (m *month) buildInbox(docs map[string]*doc) error {
	london := location("Europe/London", 0)
	berlin := location("Europe/Berlin", 3600)
	newYork := location("America/New_York", -5*3600)

	// Paid.
	{
		d := docs["vial"]
		m.receive(mailOut{label: "vial/paid", mua: muaIPhone, from: d.client.contact,
			at: m.atIn(m.paris, 2, 7, 5), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour",
				"virement efectué ce matin pour la facture "+d.number+" , desolé pour le retard on a eu un mois chargé avec les fêtes qui arrivent.",
				"Bonne journée",
				"B. Vial") + iPhoneQuoteFR(d.sentAt, d.text)})
	}
	{
		d := docs["vasseur1"]
		compta := d.client.cc[0]
		compta.name = "Nathalie Roche"
		m.receive(mailOut{label: "vasseur/paid", mua: muaOutlook, from: compta,
			cc: []person{d.client.contact}, at: m.atIn(m.paris, 6, 10, 12), subject: "RE : " + d.subject,
			parent: d.msgID,
			text: lines("Bonjour,", "",
				fmt.Sprintf("Nous vous informons que la facture %s d'un montant de %s a été réglée ce jour par virement (référence VIR-VA-%s, bon de commande %s).",
					d.number, frMoney(d.gross(), d.currency, " "), d.issue.AddDate(0, 2, 0).Format("0601")+"-0032", d.po), "",
				"Bien cordialement,", "",
				"Nathalie Roche",
				"Comptabilité – Vasseur Architectes",
				"45 quai Saint-Vincent – 69001 Lyon") +
				outlookQuoteFR(d.sentAt, toLine(d), d.subject, d.text)})
	}

	// Promises.
	{
		d := docs["stjean"]
		m.receive(mailOut{label: "stjean/promise", mua: muaAppleMail, from: d.client.contact,
			at: m.atIn(m.paris, 5, 19, 40), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour Camille,", "",
				"Désolé, je suis complètement à la bourre avec les vendanges et les salons. Je fais le virement vendredi prochain sans faute.", "",
				"Et encore bravo pour les casiers, les clients adorent !", "",
				"Olivier",
				"Cave Saint-Jean – 31 rue Saint-Jean, Lyon 5e") + "\n\n> " + appleFRAttribution(d.sentAt, firmAddr) + "\n>\n" + quote(d.text)})
	}
	{
		d := docs["thornbury"]
		m.receive(mailOut{label: "thornbury/promise", mua: muaGmail, from: d.client.contact,
			cc: d.client.cc, at: m.atIn(london, 26, 16, 5), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Hi Camille,", "",
				"Thanks for this, and sorry it has taken a while to come back to you - it's been a hectic few weeks with the launch.", "",
				"Our payment run is at the end of the month, so you should have the £2,400 by then. I've flagged it with our bookkeeper (cc'd) so it doesn't slip again.", "",
				"Best wishes,",
				"Olivia", "",
				"--",
				"Olivia Hale",
				"Creative Director | Thornbury & Hale",
				"020 7946 0321") + gmailQuoteEN(d.sentAt, d.text)})
	}
	{
		d := docs["petitsloups"]
		m.receive(mailOut{label: "petitsloups/received", mua: muaThunderbird,
			from: person{"Nadia Benali", "compta@lespetits-loups.fr"},
			at:   m.after(m.resent.at, 26*time.Hour+12*time.Minute, m.paris), subject: "Re: " + m.resent.subject,
			parent: m.resent.msgID, refs: []string{d.msgID},
			text: lines("Bonjour,", "",
				"Bien reçue cette fois-ci, merci ! Je la transmets à notre trésorière, qui passe les virements en début de mois après le conseil d'administration.", "",
				"Bonne journée,", "",
				"Nadia Benali",
				"Directrice – Crèche associative Les Petits Loups") + thunderbirdQuoteFR(m.resent.at, m.resent.text)})
	}

	// Disputes.
	{
		d := docs["keller1"]
		offer := d.issue.AddDate(0, 0, -23)
		m.receive(mailOut{label: "keller/dispute", mua: muaOutlook, from: d.client.contact, lang: "de-DE",
			at: m.atIn(berlin, 40, 9, 17), subject: "AW: " + d.subject, parent: d.msgID,
			text: lines("Dear Mrs. Moreau,", "",
				"thank you for your invoice "+d.number+".", "",
				"Unfortunately the amount is not correct. In your offer Q-"+fmt.Sprint(offer.Year())+"-017 from "+offer.Format("02.01.2006")+
					" the transport was included with 500,00 EUR, but on the invoice you charge 1.000,00 EUR for the transport. So the total must be 5.450,00 EUR and not 5.950,00 EUR.", "",
				"Please send us a corrected invoice. Before we can not release the payment.", "",
				"With kind regards / Mit freundlichen Grüßen", "",
				"Jürgen Keller",
				"Einkauf / Purchasing",
				"Keller Möbelhandel GmbH",
				"Schanzenstraße 12 · 50667 Köln",
				"Tel. +49 221 4710 3310",
				"Geschäftsführer: Jürgen Keller · Amtsgericht Köln HRB 84213") +
				outlookQuoteEN(d.sentAt, toLine(d), d.subject, d.text)})
	}
	{
		d := docs["ferrand"]
		m.receive(mailOut{label: "ferrand/dispute", mua: muaLatin1Web, from: d.client.contact,
			at: m.atIn(m.paris, 10, 20, 47), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour,", "",
				"J'ai bien reçu votre facture mais je ne vais pas la régler en l'état. Les portes du placard du vestiaire frottent depuis le début et il y en a une qui ne ferme plus du tout, la charnière a lâché au bout de 3 semaines.",
				"J'ai laissé deux messages à l'atelier, personne ne m'a rappelé.", "",
				"Quand ce sera repris correctement je paierai, pas avant.", "",
				"M. Ferrand",
				"Garage Ferrand - 27 av. Jean-Jaurès") + "\n\n" + "----- Message d'origine -----\nDe : " + firmAddr + "\nEnvoyé le " + frLongDate(d.sentAt) + "\n\n" + quote(d.text)})
	}
	{
		d := docs["berthier"]
		var plinths item
		for _, it := range d.items {
			if strings.Contains(it.desc, "plinthes") {
				plinths = it
			}
		}
		disputeID := m.receive(mailOut{label: "berthier/dispute", mua: muaGmail, from: d.client.contact,
			at: m.atIn(m.paris, 30, 21, 36), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour,", "",
				fmt.Sprintf("Je viens de regarder la facture en détail et vous nous facturez la fourniture et pose des plinthes (%s ml, %s HT) alors qu'elles n'ont jamais été posées ! Votre compagnon devait revenir les poser et nous n'avons eu aucune nouvelle depuis.",
					qtyString(plinths.qty, ","), frMoney(plinths.total(), d.currency, " ")), "",
				"Je ne réglerai pas la totalité tant que ce point n'est pas corrigé. Je peux payer le reste dès réception d'une facture rectifiée.", "",
				"Cordialement,",
				"Hélène Berthier") + gmailQuoteFR(d.sentAt, d.text)})
		disputeAt := m.atIn(m.paris, 30, 21, 36)
		if err := m.creditNote(d, plinths, disputeID, disputeAt); err != nil {
			return err
		}
	}

	// Hidden grievance, answering the reminder written by hand.
	{
		d := docs["celestins"]
		m.receive(mailOut{label: "celestins/grievance", mua: muaOutlook, from: d.client.contact,
			at: m.after(m.reminder.at, 9*time.Hour+12*time.Minute, m.paris), subject: "RE : " + m.reminder.subject,
			parent: m.reminder.msgID, refs: []string{d.msgID},
			text: lines("Bonjour Madame Moreau,", "",
				"Bien reçu votre relance.", "",
				"Comme d'habitude, on nous relance avant même d'avoir réglé le problème de la porte de la salle du petit-déjeuner, qui frotte toujours malgré deux passages de votre équipe. Je ne doute pas que vous ayez beaucoup de travail, mais nos clients, eux, l'entendent tous les matins.", "",
				"Cela dit, la facture a bien été transmise à notre comptabilité.", "",
				"Cordialement,", "",
				"Claire Fabre",
				"Directrice",
				"Hôtel des Célestins ★★★",
				"8 rue des Archers – 69002 Lyon",
				"04 65 71 88 20") + outlookQuoteFR(m.reminder.at, plainAddr(d.client.contact), m.reminder.subject, m.reminder.text)})
	}

	// Hardship.
	{
		d := docs["delorme"]
		at := m.atIn(m.paris, 30, 7, 31)
		first := time.Date(at.Year(), at.Month()+1, 10, 0, 0, 0, 0, m.paris)
		m.receive(mailOut{label: "delorme/hardship", mua: muaOutlook, from: d.client.contact,
			at: at, subject: "RE : " + d.subject, parent: d.msgID,
			text: lines("Bonjour Camille,", "",
				fmt.Sprintf("Je reviens vers vous au sujet de la facture %s (%s).", d.number, frMoney(d.gross(), d.currency, " ")), "",
				"Je préfère être franc : notre propre client, le promoteur des Sorbiers, ne nous a toujours pas payé la situation de travaux n°3 et notre trésorerie est très tendue. Je ne pourrai pas régler la totalité à l'échéance.", "",
				fmt.Sprintf("Pouvons-nous échelonner le paiement en trois fois (3 x %s), le 10 %s, le 10 %s et le 10 %s ? Je peux faire le premier virement dès que vous me donnez votre accord.",
					frMoney(d.gross()/3, d.currency, " "), frMonthName(first), frMonthName(first.AddDate(0, 1, 0)), frMonthName(first.AddDate(0, 2, 0))), "",
				"Désolé de vous demander ça, vous avez toujours été réglos avec nous.", "",
				"Cordialement,",
				"Frédéric Delorme",
				"Gérant – Delorme Bâtiment SAS",
				"06 39 98 12 57") + outlookQuoteFR(d.sentAt, toLine(d), d.subject, d.text)})
	}

	// Questions.
	{
		d := docs["petitjean"]
		at := m.atIn(m.paris, 20, 21, 14)
		askID := m.receive(mailOut{label: "petitjean/rib", mua: muaIPhone, from: d.client.contact,
			at: at, subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour Camille,", "",
				"Nous avons changé de banque et ma comptable me demande votre RIB pour enregistrer le virement de la facture "+d.number+" , vous pouvez me le renvoyer ?", "",
				"Merci et bonne soirée",
				"Sandrine") + iPhoneQuoteFR(d.sentAt, d.text)})
		m.send(mailOut{label: "petitjean/rib-answer", mua: muaThunderbird, to: []person{d.client.contact},
			at: m.after(at, 11*time.Hour+33*time.Minute, m.paris), subject: "Re: " + d.subject,
			parent: askID, refs: []string{d.msgID},
			text: lines("Bonjour Sandrine,", "",
				"Avec plaisir, voici nos coordonnées bancaires :", "",
				"Titulaire : Atelier Moreau SARL",
				"IBAN : "+firmIBAN,
				"BIC : "+firmBIC, "",
				"Ce sont les mêmes que celles indiquées sur la facture.", "",
				"Bonne journée,", "",
				signatureFR())})
	}
	{
		d := docs["brightwell"]
		m.receive(mailOut{label: "brightwell/po", mua: muaGmail, from: d.client.contact,
			at: m.atIn(newYork, 33, 11, 20), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Hi there,", "",
				"Thanks for the invoice! Our AP system won't accept it without a PO number - could you reissue it with PO# BW-2026-0413 on it?", "",
				"Sorry for the hassle, the desk looks amazing.", "",
				"Maya", "",
				"--",
				"Maya Brightwell | Founder",
				"Brightwell Studio · Brooklyn, NY") + gmailQuoteEN(d.sentAt, d.text)})
	}
	{
		d := docs["lumen"]
		m.receive(mailOut{label: "lumen/copy", mua: muaOutlook, from: person{"Sophie Lambert", d.client.contact.email},
			at: m.atIn(m.paris, 9, 15, 22), subject: "Facture claustra open space ?",
			text: lines("Bonjour,", "",
				fmt.Sprintf("En faisant le point sur nos factures fournisseurs, je ne retrouve pas votre facture %s pour la claustra de l'open space, dont notre directeur m'a parlé.", d.number),
				"Pourriez-vous me la renvoyer en PDF ?", "",
				"Et au passage, pouvez-vous me confirmer vos coordonnées bancaires par téléphone ? Nous avons reçu le mois dernier un faux mail de \"fournisseur\" qui changeait de RIB, donc nous vérifions tout.", "",
				"Merci d'avance,", "",
				"Sophie Lambert",
				"Comptabilité – Agence Lumen",
				"60 rue de la République, 69002 Lyon")})
	}
	{
		d := docs["bellecour"]
		m.receive(mailOut{label: "bellecour/name", mua: muaThunderbird, from: d.client.contact,
			at: m.atIn(m.paris, 13, 12, 48), subject: "Re: " + d.subject, parent: d.msgID,
			text: lines("Bonjour,", "",
				"Notre expert-comptable demande que la facture soit établie au nom de la SELARL Pharmacie Bellecour (et non Pharmacie Bellecour), avec notre numéro de TVA FR72 853 119 640.",
				"Pourriez-vous nous renvoyer une facture corrigée ? Le règlement partira dès réception.", "",
				"Merci d'avance,", "",
				"Julien Nguyen",
				"Pharmacien titulaire") + thunderbirdQuoteFR(d.sentAt, d.text)})
	}

	// Short acknowledgement.
	{
		d := docs["kuma"]
		m.receive(mailOut{label: "kuma/ok", mua: muaIPhone, from: d.client.contact,
			at: m.after(d.sentAt, 38*time.Minute, m.paris), subject: "Re: " + d.subject, parent: d.msgID,
			text: "Ok merci !\n\nLéa" + iPhoneQuoteFR(d.sentAt, d.text)})
	}

	// Automatic mail.
	m.bounce(docs["petitsloups"])
	m.outOfOffice(docs["tilleuls"])
	m.readReceipt(docs["virgule"])
	m.apAcknowledgement(docs["serenite"])

	// Unrelated.
	m.newsletter()
	return m.supplierInvoice()
}

// creditNote answers the dispute about the plinths with an avoir.
func (m *month) creditNote(inv *doc, line item, disputeID string, disputeAt time.Time) error {
	cn := &doc{kind: kindCreditNote, series: "AV", client: inv.client, currency: inv.currency,
		vatPermille: inv.vatPermille, ref: inv, object: "les plinthes non posées",
		items: []item{{"Annulation : " + strings.ToLower(line.desc[:1]) + line.desc[1:] + " (non réalisée)", line.qty, line.unit, line.price}},
		hour:  10, min: 5}
	// The next working morning after the complaint.
	day := disputeAt.In(m.paris).AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	cn.issue = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, m.paris)
	cn.due = cn.issue
	cn.number = fmt.Sprintf("AV-%d-0006", cn.issue.Year())
	at := m.sentAt(cn)
	pdf, err := pdfFor(cn, false)
	if err != nil {
		return err
	}
	text := trimBlankRuns(lines(
		inv.client.greeting, "",
		"Vous avez tout à fait raison, et je vous prie de nous excuser : les plinthes n'ont pas été posées, Lucas a été arrêté deux semaines et nous n'avons pas replanifié la fin du chantier.", "",
		fmt.Sprintf("Vous trouverez ci-joint l'avoir %s de %s TTC, qui annule cette ligne de la facture %s. Le montant restant dû s'établit donc à %s TTC.",
			cn.number, frMoney(cn.gross(), cn.currency, " "), inv.number, frMoney(inv.gross()-cn.gross(), cn.currency, " ")), "",
		"Lucas peut passer poser les plinthes la semaine prochaine si vous le souhaitez ; elles feraient alors l'objet d'une nouvelle facture.", "",
		"Bien cordialement,", "",
		signatureFR()))
	var h headerBlock
	h.add("Message-ID", messageID("uuid", "credit/"+cn.number, firmDomain))
	h.add("Date", rfc5322Date(at))
	h.add("MIME-Version", "1.0")
	h.add("User-Agent", "Mozilla Thunderbird")
	h.add("In-Reply-To", disputeID)
	h.add("References", inv.msgID+" "+disputeID)
	h.add("Content-Language", "fr")
	h.add("To", addrList(inv.client.contact))
	h.add("From", addr(firm()))
	h.add("Subject", encodeText("Avoir "+cn.number+" sur facture "+inv.number, false))
	body := multipartPart("mixed", boundary("thunderbird", cn.number),
		textPart("plain", wrapText(text, 76), cte8bit, false),
		attachmentPart("application/pdf", "Avoir_"+cn.number+".pdf", pdf))
	body.preamble = "This is a multi-part message in MIME format."
	m.sent = append(m.sent, sampleMail{at, render(h, body)})
	return nil
}

// headerSection is the header of a raw mail, for the reports that quote it.
func headerSection(raw []byte) string {
	s := string(raw)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		s = s[:i+2]
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// bounce is what the firm's outgoing relay (Postfix) sends back for the
// mistyped address: a multipart/report delivery-status.
func (m *month) bounce(d *doc) {
	at := m.after(d.sentAt, 3*time.Second+2*time.Minute, m.paris)
	host := "mail." + firmDomain
	queue := strings.ToUpper(digest("queue/" + d.number)[:10])
	rcpt := d.to.email
	diag := "Host or domain name not found. Name service error\n    for name=" + domainOf(rcpt) + " type=AAAA: Host not found"
	bnd := queue + "." + fmt.Sprint(at.Unix()) + "/" + host
	notice := rawPart("text/plain; charset=us-ascii", lines(
		"This is the mail system at host "+host+".", "",
		"I'm sorry to have to inform you that your message could not",
		"be delivered to one or more recipients. It's attached below.", "",
		"For further assistance, please send mail to postmaster.", "",
		"If you do so, please include this problem report. You can",
		"delete your own text from the attached returned message.", "",
		"                   The mail system", "",
		"<"+rcpt+">: "+diag, ""))
	notice.header = append([]field{{"Content-Description", "Notification"}}, notice.header...)
	status := rawPart("message/delivery-status", lines(
		"Reporting-MTA: dns; "+host,
		"X-Postfix-Queue-ID: "+queue,
		"X-Postfix-Sender: rfc822; "+firm().email,
		"Arrival-Date: "+rfc5322Date(d.sentAt), "",
		"Final-Recipient: rfc822; "+rcpt,
		"Original-Recipient: rfc822;"+rcpt,
		"Action: failed",
		"Status: 5.4.4",
		"Diagnostic-Code: X-Postfix; "+diag, ""))
	status.header = append([]field{{"Content-Description", "Delivery report"}}, status.header...)
	headers := rawPart("text/rfc822-headers", headerSection(d.raw))
	headers.header = append([]field{{"Content-Description", "Undelivered Message Headers"}}, headers.header...)
	body := multipartPart("report", bnd, notice, status, headers)
	body.header[0].value = `multipart/report; report-type=delivery-status; boundary="` + bnd + `"`
	body.add("Content-Transfer-Encoding", cte8bit)
	body.preamble = "This is a MIME-encapsulated message."

	var h headerBlock
	h.add("Return-Path", "<>")
	h.add("Date", rfc5322Date(at))
	h.add("From", "MAILER-DAEMON@"+host+" (Mail Delivery System)")
	h.add("Subject", "Undelivered Mail Returned to Sender")
	h.add("To", firm().email)
	h.add("Auto-Submitted", "auto-replied")
	h.add("MIME-Version", "1.0")
	h.add("Message-Id", "<"+at.UTC().Format("20060102150405")+"."+queue+"@"+host+">")
	m.inbox = append(m.inbox, sampleMail{at, render(h, body)})
}

// outOfOffice is an Outlook automatic reply (RFC 3834) with a return date.
func (m *month) outOfOffice(d *doc) {
	at := m.after(d.sentAt, 47*time.Second, m.paris)
	back := d.sentAt.AddDate(0, 0, 16)
	back = time.Date(back.Year(), back.Month(), back.Day(), 0, 0, 0, 0, m.paris)
	for back.Weekday() == time.Saturday || back.Weekday() == time.Sunday {
		back = back.AddDate(0, 0, 1)
	}
	lastAway := back.AddDate(0, 0, -1)
	for lastAway.Weekday() == time.Saturday || lastAway.Weekday() == time.Sunday {
		lastAway = lastAway.AddDate(0, 0, -1)
	}
	m.receive(mailOut{label: "tilleuls/ooo", mua: muaOutlook, from: d.client.contact, at: at,
		subject: "Réponse automatique : " + d.subject, parent: d.msgID,
		extra: []field{
			{"Auto-Submitted", "auto-replied"},
			{"X-Auto-Response-Suppress", "All"},
			{"X-MS-Exchange-Inbox-Rules-Loop", d.client.contact.email},
		},
		text: lines("Bonjour,", "",
			"Je suis absent du bureau jusqu'au "+frDayMonth(lastAway)+" inclus, sans accès régulier à mes e-mails. De retour le "+frDate(back)+".", "",
			"Pour toute urgence concernant la SCI, vous pouvez joindre Mme Dumas au 06 39 98 41 27.", "",
			"Cordialement,",
			"Patrick Dumas")})
}

// readReceipt is a Thunderbird disposition notification (RFC 8098) for the
// invoice that asked for one.
func (m *month) readReceipt(d *doc) {
	at := m.atIn(m.paris, 19, 8, 12)
	c := d.client.contact
	bnd := boundary("thunderbird", "mdn/"+d.number)
	human := textPart("plain", lines(
		"Ceci est un accusé de réception pour le courrier électronique envoyé à "+c.email+".", "",
		"Remarque : cet accusé de réception indique seulement que le message a été affiché sur l'ordinateur du destinataire. Il n'y a aucune garantie que le destinataire ait lu ou compris le contenu du message."), cte8bit, false)
	report := rawPart(`message/disposition-notification; name="MDNPart2.txt"`, lines(
		"Reporting-UA: "+domainOf(c.email)+"; Mozilla Thunderbird",
		"Final-Recipient: rfc822;"+c.email,
		"Original-Message-ID: "+d.msgID,
		"Disposition: manual-action/MDN-sent-manually; displayed", ""))
	report.add("Content-Disposition", "inline")
	report.add("Content-Transfer-Encoding", cte7bit)
	headers := rawPart(`text/rfc822-headers; name="MDNPart3.txt"`, headerSection(d.raw))
	headers.add("Content-Disposition", "inline")
	body := multipartPart("report", bnd, human, report, headers)
	body.header[0].value = `multipart/report; report-type=disposition-notification; boundary="` + bnd + `"`

	subject := "Accusé de réception (affiché) - " + d.subject
	var h headerBlock
	h.add("Date", rfc5322Date(at))
	h.add("MIME-Version", "1.0")
	h.add("From", addr(c))
	h.add("Subject", encodeText(subject, false))
	h.add("To", addr(firm()))
	h.add("Message-ID", messageID("uuid", "mdn/"+d.number, domainOf(c.email)))
	h.add("References", d.msgID)
	h.add("Auto-Submitted", "auto-replied")
	h.add("User-Agent", "Mozilla Thunderbird")
	m.inbox = append(m.inbox, sampleMail{at, render(h, body)})
}

// apAcknowledgement is the no-reply receipt of a client's accounts payable
// platform: HTML only, automatic, quoting the invoice number.
func (m *month) apAcknowledgement(d *doc) {
	at := m.after(d.sentAt, 17*time.Minute, m.paris)
	ref := fmt.Sprintf("FRN-%d-%06d", at.Year(), 48213)
	html := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Accusé de dépôt</title></head>
<body style="font-family:Verdana,sans-serif;font-size:13px;color:#333">
<table width="600" cellpadding="6" style="border:1px solid #ccd">
<tr><td colspan="2" style="background:#1b4f72;color:#fff"><b>Groupe Sérénité Santé</b> – Portail fournisseurs</td></tr>
<tr><td colspan="2">Madame, Monsieur,<br><br>Nous accusons réception de votre facture. Elle sera traitée selon nos conditions de règlement contractuelles.</td></tr>
<tr><td>Fournisseur</td><td>ATELIER MOREAU</td></tr>
<tr><td>N° de facture</td><td>` + d.number + `</td></tr>
<tr><td>Montant TTC</td><td>` + frMoney(d.gross(), d.currency, " ") + `</td></tr>
<tr><td>Date de réception</td><td>` + frDate(at) + `</td></tr>
<tr><td>Référence de traitement</td><td>` + ref + `</td></tr>
<tr><td>Statut</td><td>En cours de validation</td></tr>
<tr><td colspan="2" style="font-size:11px;color:#888">Ceci est un message automatique, merci de ne pas y répondre. Pour toute question : portail-fournisseurs.serenite-sante.fr</td></tr>
</table></body></html>
`
	var h headerBlock
	h.add("Date", rfc5322Date(at))
	h.add("From", addr(person{"Sérénité Santé – Comptabilité fournisseurs", "no-reply@serenite-sante.fr"}))
	h.add("To", firm().email)
	h.add("Subject", encodeText("[Accusé de dépôt] Facture "+d.number+" – ATELIER MOREAU", true))
	h.add("Message-ID", messageID("", "ap."+ref, "ap.serenite-sante.fr"))
	h.add("Auto-Submitted", "auto-generated")
	h.add("X-Auto-Response-Suppress", "All")
	h.add("MIME-Version", "1.0")
	m.inbox = append(m.inbox, sampleMail{at, render(h, textPart("html", html, cteQP, false))})
}

// newsletter is a supplier's monthly letter.
func (m *month) newsletter() {
	at := m.atIn(m.paris, 16, 6, 0)
	month := frMonthName(at)
	r := []rune(month)
	title := strings.ToUpper(string(r[:1])) + string(r[1:])
	subject := "🌳 " + title + " : les nouveaux placages et -15 % sur le chêne français"
	text := lines("Bois & Matières – la lettre de "+month, "",
		"NOUVEAUTÉS", "Placages chêne fumé et noyer américain, en stock à Vénissieux dès cette semaine.", "",
		"PROMOTION", "-15 % sur les plateaux chêne français 27 et 40 mm jusqu'à la fin du mois (code CHENE15).", "",
		"ATELIER", "Samedi matin : démonstration de finitions à l'huile dure, inscription en magasin.", "",
		"Vous recevez ce message car vous êtes client professionnel Bois & Matières.",
		"Se désinscrire : https://www.bois-matieres.fr/desabonnement?u=7f3a91c2")
	html := `<html><body style="margin:0;background:#f4efe6"><center><table width="600" style="background:#fff;font-family:Georgia,serif">` +
		`<tr><td style="padding:20px"><h1 style="color:#5b3a1e">Bois &amp; Matières</h1><p>La lettre de ` + month + `</p>` +
		`<h2>Nouveautés</h2><p>Placages chêne fumé et noyer américain, en stock à Vénissieux dès cette semaine.</p>` +
		`<h2>Promotion</h2><p><b>-15 %</b> sur les plateaux chêne français 27 et 40 mm jusqu'à la fin du mois (code CHENE15).</p>` +
		`<h2>Atelier</h2><p>Samedi matin : démonstration de finitions à l'huile dure, inscription en magasin.</p>` +
		`<p style="font-size:11px;color:#999">Vous recevez ce message car vous êtes client professionnel Bois &amp; Matières. ` +
		`<a href="https://www.bois-matieres.fr/desabonnement?u=7f3a91c2">Se désinscrire</a></p></td></tr></table></center>` +
		`<img src="https://t.bois-matieres.fr/o/7f3a91c2.gif" width="1" height="1" alt=""></body></html>`
	var h headerBlock
	h.add("Date", rfc5322Date(at))
	h.add("From", addr(person{"Bois & Matières", "newsletter@bois-matieres.fr"}))
	h.add("Reply-To", "contact@bois-matieres.fr")
	h.add("To", firm().email)
	h.add("Subject", encodeText(subject, false))
	h.add("Message-ID", messageID("", "newsletter."+at.Format("200601"), "mailing.bois-matieres.fr"))
	h.add("List-Id", "Lettre Bois & Matieres <lettre.bois-matieres.fr>")
	h.add("List-Unsubscribe", "<https://www.bois-matieres.fr/desabonnement?u=7f3a91c2>, <mailto:desabonnement@bois-matieres.fr?subject=unsubscribe>")
	h.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	h.add("Precedence", "bulk")
	h.add("MIME-Version", "1.0")
	body := multipartPart("alternative", boundary("", "newsletter"+at.Format("200601")),
		textPart("plain", text, cteQP, false),
		textPart("html", html, cteQP, false))
	m.inbox = append(m.inbox, sampleMail{at, render(h, body)})
}

// supplierInvoice is an invoice the firm received: it must not be mistaken
// for one of its own.
func (m *month) supplierInvoice() error {
	at := m.atIn(m.paris, 9, 14, 31)
	d := &doc{kind: kindInvoice, series: "FC", currency: "EUR", vatPermille: 200,
		items: []item{
			{"Chêne massif français, avivés 27 mm, choix 1", 125, "m³", 138000},
			{"Livraison Lyon", 100, "forfait", 7500},
		}, termsDays: 30}
	d.issue = weekday(m.day(9))
	d.due = d.issue.AddDate(0, 0, 30)
	d.number = fmt.Sprintf("FC-%d-11873", d.issue.Year())
	printed := []string{
		"SCIERIE DUBREUIL - Bois du Forez depuis 1952",
		"Lieu-dit Le Moulin, 42430 Saint-Just-en-Chevalet - 04 65 71 90 12",
		"SIRET 329 774 118 00021 - TVA FR41329774118",
		"",
		"FACTURE N° " + d.number,
		"Date : " + frDate(d.issue),
		"Échéance : " + frDate(d.due),
		"",
		"Client : ATELIER MOREAU",
		firmStreet, firmCity,
		"",
	}
	net, vat, gross := d.totals()
	for _, it := range d.items {
		printed = append(printed, fmt.Sprintf("%s | %s %s | %s | %s", it.desc, qtyString(it.qty, ","), it.unit,
			frMoney(it.price, "EUR", " "), frMoney(it.total(), "EUR", " ")))
	}
	printed = append(printed, "", "Total HT : "+frMoney(net, "EUR", " "), "TVA 20 % : "+frMoney(vat, "EUR", " "),
		"Total TTC : "+frMoney(gross, "EUR", " "), "", "Règlement par virement - IBAN FR97 1027 8079 1200 0204 5678 90")
	pdf, err := writePDF("Facture "+d.number, printed, padBytes(d.number))
	if err != nil {
		return err
	}
	text := lines("Madame, Monsieur,", "",
		fmt.Sprintf("Veuillez trouver ci-joint votre facture n° %s d'un montant de %s TTC, à échéance du %s.",
			d.number, frMoney(gross, "EUR", " "), frDate(d.due)), "",
		"Cordialement,", "",
		"Service comptabilité",
		"Scierie Dubreuil")
	var h headerBlock
	h.add("Date", rfc5322Date(at))
	h.add("To", addr(firm()))
	h.add("From", addr(person{"Scierie Dubreuil", "facturation@scierie-dubreuil.fr"}))
	h.add("Subject", encodeText("Facture n° "+d.number+" - SCIERIE DUBREUIL", false))
	h.add("Message-ID", messageID("", "facture."+d.number, "scierie-dubreuil.fr"))
	h.add("X-Mailer", "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)")
	h.add("MIME-Version", "1.0")
	body := multipartPart("mixed", boundary("", "supplier/"+d.number),
		textPart("plain", text, cteQP, false),
		attachmentPart("application/pdf", d.number+".pdf", pdf))
	m.inbox = append(m.inbox, sampleMail{at, render(h, body)})
	return nil
}
