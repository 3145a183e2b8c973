package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// invoiceDocs lists the month's invoices, keyed for the replies that refer
// to them. Issue days spread over the last ~80 days so that, on any now,
// some are not yet due, some 1–30 and some 31–60+ days overdue.
func invoiceDocs(cs map[string]*client) map[string]*doc {
	eur := "EUR"
	fr := func(key, object string, daysAgo, hh, mm int, f sentFormat, items ...item) *doc {
		return &doc{kind: kindInvoice, series: "F", client: cs[key], object: object, currency: eur,
			vatPermille: 200, items: items, termsDays: 30, daysAgo: daysAgo, hour: hh, min: mm, format: f}
	}
	en := func(key, object, currency, vatNote string, daysAgo, hh, mm int, f sentFormat, items ...item) *doc {
		return &doc{kind: kindInvoice, series: "INV", client: cs[key], object: object, currency: currency,
			vatNote: vatNote, items: items, termsDays: 30, daysAgo: daysAgo, hour: hh, min: mm, format: f}
	}
	u := func(desc string, qty, price int64) item { return item{desc, qty * 100, "u", price * 100} }
	ff := func(desc string, price int64) item { return item{desc, 100, "forfait", price * 100} }

	docs := map[string]*doc{
		"celestins": fr("celestins", "les portes de placard des chambres 12 à 18", 74, 9, 12, fmtPDFFR,
			u("Portes de placard chêne massif sur mesure, chambres 12 à 18", 7, 480),
			ff("Reprise et ajustement porte salle du petit-déjeuner", 490)),
		"petitjean": fr("petitjean", "le comptoir de la boutique", 68, 17, 46, fmtPlainFR,
			ff("Comptoir de vente chêne massif, plateau 3,20 m, fabrication et pose", 1550)),
		"delorme": fr("delorme", "le lot menuiseries intérieures de la résidence Les Sorbiers", 72, 10, 5, fmtFacturX,
			u("Blocs-portes intérieurs chêne, résidence Les Sorbiers", 18, 285),
			ff("Habillages, chambranles et quincaillerie", 990)),
		"vasseur1": fr("vasseur", "l'agencement de vos bureaux du quai Saint-Vincent", 65, 11, 20, fmtFacturX,
			ff("Bibliothèque murale noyer, 5,40 m", 2100),
			ff("Banque d'accueil noyer et laiton", 500)),
		"thornbury": en("thornbury", "the design and detailing of the Hoxton shop shelving", "GBP",
			"VAT not applicable, art. 259-1 of the French General Tax Code (CGI)", 60, 14, 2, fmtPDFEN,
			ff("Design and detailing - oak shelving system, Hoxton Square shop", 2400)),
		"keller1": en("keller", "the three walnut sideboards", eur,
			"Exonération de TVA, art. 262 ter I du CGI - intra-community supply", 55, 15, 30, fmtUBLEN,
			u("Walnut sideboard 'Saône', 220 cm", 3, 1650),
			ff("Crating and transport Lyon - Köln", 1000)),
		"brightwell": en("brightwell", "the Fourvière desk prototype", "USD",
			"VAT not applicable, art. 262 I of the French General Tax Code (CGI) - export", 40, 16, 48, fmtPlainEN,
			ff("Prototype walnut desk 'Fourvière', drawings included", 3200),
			ff("Air freight Lyon - New York, insured", 600)),
		"petitsloups": fr("petitsloups", "les meubles bas de la section des petits", 50, 10, 41, fmtPDFFR,
			u("Meubles bas sur mesure hêtre massif, section des petits", 4, 420),
			ff("Casiers à chaussures 24 cases", 220)),
		"tilleuls": fr("tilleuls", "l'escalier quart tournant", 12, 8, 55, fmtPDFFR,
			ff("Escalier quart tournant chêne massif, fabrication et pose", 8000)),
		"ferrand": fr("ferrand", "les placards de l'atelier et du vestiaire", 45, 18, 10, fmtPlainFR,
			ff("Placards atelier et vestiaire, caissons mélaminés, portes chêne", 1180)),
		"berthier": fr("berthier", "la rénovation de votre séjour", 38, 19, 5, fmtPDFFR,
			item{"Parquet chêne point de Hongrie, pose collée", 3200, "m²", 6500},
			item{"Fourniture et pose de plinthes chêne", 2400, "ml", 1600},
			ff("Bibliothèque en niche, peinte", 230)),
		"virgule": fr("virgule", "les deux présentoirs de table", 20, 9, 30, fmtPlainFR,
			u("Présentoir de table chêne, 3 gradins", 2, 325)),
		"vial": fr("vial", "les étagères d'affinage de la cave", 33, 7, 58, fmtHTMLPDF,
			ff("Étagères d'affinage épicéa brut, cave", 1025)),
		"stjean": fr("stjean", "les casiers à bouteilles", 52, 12, 15, fmtPlainFR,
			ff("Casiers à bouteilles chêne, 240 bouteilles", 1290)),
		"kuma": fr("kuma", "les deux tables de travail", 25, 10, 0, fmtHTMLPDF,
			u("Table de travail plateau linoléum, piètement frêne", 2, 275)),
		"lumen": fr("lumen", "la claustra de l'open space", 62, 11, 45, fmtPDFFR,
			ff("Cloison claustra chêne, open space 2e étage", 3400)),
		"serenite": fr("serenite", "les comptoirs d'accueil de la Clinique du Parc", 30, 9, 5, fmtFacturX,
			u("Comptoir d'accueil, Clinique du Parc", 2, 2600)),
		"vasseur2": fr("vasseur", "le bureau sur mesure de Thomas", 8, 14, 40, fmtFacturX,
			ff("Bureau sur mesure noyer, 2 caissons", 2100)),
		"ateliers": fr("ateliers", "les établis partagés et les étagères", 78, 18, 30, fmtPlainFR,
			u("Établi partagé hêtre, 2 postes", 2, 400),
			ff("Étagères de rangement outillage", 175)),
		"bouchon": fr("bouchon", "les banquettes et l'habillage de la salle", 76, 10, 20, fmtPDFFR,
			ff("Banquettes et habillage bois, salle du restaurant", 2980)),
		"bellecour": fr("bellecour", "le meuble de comptoir", 15, 16, 5, fmtHTMLPDF,
			ff("Meuble de comptoir caisse, façade chêne", 1680)),
		"keller2": en("keller", "the six walnut side tables", eur,
			"Exonération de TVA, art. 262 ter I du CGI - intra-community supply", 5, 10, 10, fmtUBLEN,
			u("Walnut side table 'Rhône'", 6, 260),
			ff("Transport Lyon - Köln", 225)),
		"granges": fr("granges", "l'habillage de la salle de dégustation", 3, 11, 0, fmtFacturX,
			ff("Habillage chêne de la salle de dégustation", 5750),
			ff("Comptoir de dégustation chêne et pierre", 1250)),
	}

	docs["delorme"].termsDays = 45
	docs["serenite"].termsDays, docs["serenite"].endOfMonth = 45, true
	docs["bouchon"].onReceipt = true
	docs["berthier"].termsDays, docs["berthier"].vatPermille = 15, 100 // renovation of a home: 10 %
	docs["ferrand"].qp = true
	docs["stjean"].qp = true
	docs["virgule"].receipt = true
	docs["vasseur1"].po = "BC-2026-114"
	// The first send went to a mistyped address; see the bounce and the re-send.
	docs["petitsloups"].to = &person{"Crèche Les Petits Loups", "compta@lespetitsloups.fr"}

	docs["petitjean"].note = "Encore merci pour l'accueil et les croissants, et bonne rentrée à toute l'équipe !"
	docs["celestins"].note = "Nous repasserons comme convenu pour le réglage de la porte de la salle du petit-déjeuner."
	docs["granges"].note = "Au plaisir de venir goûter le millésime dans la nouvelle salle !"
	docs["thornbury"].note = "It was a pleasure working with you on this one - do send photos once the shop is open."
	return docs
}

// buildSent writes the invoices and the firm's other outgoing mail that does
// not answer a client: the re-send after the bounce, a quote, and the one
// reminder Camille wrote by hand before using relance.
func (m *month) buildSent() (map[string]*doc, error) {
	cs := clients()
	docs := invoiceDocs(cs)
	all := make([]*doc, 0, len(docs))
	for _, key := range sortedKeys(docs) {
		d := docs[key]
		d.issue = weekday(m.day(d.daysAgo))
		d.due = dueDate(d)
		all = append(all, d)
	}
	numberDocs(all, map[string]int{"F": 131, "INV": 27})

	for _, key := range sortedKeys(docs) {
		if err := m.invoiceMail(docs[key]); err != nil {
			return nil, err
		}
	}
	var err error
	if m.resent, err = m.resend(docs["petitsloups"]); err != nil {
		return nil, err
	}
	if err := m.quote(cs["roux"]); err != nil {
		return nil, err
	}
	m.reminder = m.manualReminder(docs["celestins"])
	return docs, nil
}

func dueDate(d *doc) time.Time {
	switch {
	case d.onReceipt:
		return d.issue
	case d.endOfMonth:
		return endOfMonth(d.issue.AddDate(0, 0, d.termsDays))
	default:
		return d.issue.AddDate(0, 0, d.termsDays)
	}
}

// sentAt is the moment a document left: its issue day at its hour.
func (m *month) sentAt(d *doc) time.Time {
	t := d.issue.Add(time.Duration(d.hour)*time.Hour + time.Duration(d.min)*time.Minute)
	if limit := m.now.Add(-time.Hour); t.After(limit) {
		t = limit.In(m.paris)
	}
	return t
}

func signatureFR() string {
	return lines("-- ", ownerName, firmName+" · "+firmTagline, firmStreet+", "+firmCity, firmPhone+" · "+firmWeb)
}

func signatureEN() string {
	return lines("-- ", ownerName, firmName+" · design & carpentry", firmStreet+", "+firmCity+", France", firmPhoneIntl+" · "+firmWeb)
}

func softwareFooter() string {
	return lines("Cordialement,", "L'équipe "+firmName, "", firmName+" – "+firmTagline,
		firmStreet+", "+firmCity+" – "+firmPhone, "SIRET "+firmSIRET+" – TVA "+firmVAT)
}

// invoiceText is the plain body of an invoice mail, by format.
func invoiceText(d *doc) string {
	net, vat, gross := d.totals()
	c := d.client
	switch d.format {
	case fmtPlainFR:
		sep := " "
		if d.qp {
			sep = "\u00a0" // pasted from a spreadsheet
		}
		money := func(v int64) string { return frMoney(v, d.currency, sep) }
		var items []string
		for _, it := range d.items {
			items = append(items, fmt.Sprintf("- %s : %s %s × %s HT = %s HT", it.desc, qtyString(it.qty, ","), it.unit,
				money(it.price), money(it.total())))
		}
		legal := ""
		if c.business {
			legal = "Pénalités de retard : trois fois le taux d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 € (art. L441-10 et D441-5 du Code de commerce)."
		}
		return trimBlankRuns(lines(
			c.greeting, "",
			"Veuillez trouver ci-dessous notre facture pour "+d.object+".", "",
			"Facture n° "+d.number+" du "+frDate(d.issue), "",
			strings.Join(items, "\n"), "",
			"Total HT : "+money(net),
			"TVA "+qtyString(d.vatPermille*10, ",")+" % : "+money(vat),
			"Montant TTC : "+money(gross),
			"Échéance : "+frDate(d.due)+" ("+termsFR(d)+")", "",
			"Règlement par virement :",
			"IBAN : "+firmIBAN,
			"BIC : "+firmBIC,
			"Merci d'indiquer le numéro de facture en référence du virement.", "",
			d.note, "",
			legal, "",
			"Bien cordialement,", "",
			signatureFR()))
	case fmtPDFFR:
		when := "à régler au plus tard le " + frDate(d.due)
		if d.onReceipt {
			when = "payable à réception"
		}
		return trimBlankRuns(lines(
			c.greeting, "",
			fmt.Sprintf("Veuillez trouver ci-joint notre facture %s pour %s, d'un montant de %s TTC, %s.",
				d.number, d.object, frMoney(gross, d.currency, " "), when), "",
			d.note, "",
			"Je reste à votre disposition pour toute question.", "",
			"Bien cordialement,", "",
			signatureFR()))
	case fmtFacturX, fmtHTMLPDF:
		facturx := ""
		if d.format == fmtFacturX {
			facturx = "Cette facture est au format électronique Factur-X : le PDF contient aussi ses données structurées, lisibles par votre logiciel de comptabilité."
		}
		po := ""
		if d.po != "" {
			po = "Votre référence de commande : " + d.po
		}
		return trimBlankRuns(lines(
			c.greeting, "",
			fmt.Sprintf("Veuillez trouver ci-joint la facture n° %s du %s, d'un montant de %s TTC.",
				d.number, frDate(d.issue), frMoney(gross, d.currency, "\u202f")), "",
			"Date d'échéance : "+frDate(d.due),
			"Règlement par virement : IBAN "+firmIBAN+" – BIC "+firmBIC,
			po, "",
			facturx, "",
			d.note, "",
			"Nous vous remercions de votre confiance.", "",
			softwareFooter()))
	case fmtPlainEN:
		money := func(v int64) string { return enMoney(v, d.currency) }
		date := ukDate
		if c.key == "brightwell" {
			date = usDate
		}
		var items []string
		for _, it := range d.items {
			items = append(items, fmt.Sprintf("- %s: %s x %s = %s", it.desc, qtyString(it.qty, "."), money(it.price), money(it.total())))
		}
		return trimBlankRuns(lines(
			c.greeting, "",
			"Please find below our invoice for "+d.object+".", "",
			"Invoice "+d.number,
			"Invoice date: "+date(d.issue),
			"Bill to: "+c.name+", "+strings.Join(c.address, ", "), "",
			strings.Join(items, "\n"), "",
			"Subtotal: "+money(net),
			"VAT: "+money(vat)+" ("+d.vatNote+")",
			"Amount due: "+money(gross),
			"Due date: "+date(d.due)+" ("+termsEN(d)+")", "",
			"Payment by bank transfer to Atelier Moreau:",
			"IBAN: "+firmIBAN,
			"BIC/SWIFT: "+firmBIC,
			"Please quote the invoice number as payment reference.", "",
			d.note, "",
			"Kind regards,", "",
			signatureEN()))
	default: // fmtPDFEN, fmtUBLEN
		money := enMoney(gross, d.currency)
		what := fmt.Sprintf("Please find attached our invoice %s for %s. Amount due: %s, payable by %s.",
			d.number, d.object, money, ukDate(d.due))
		if d.format == fmtUBLEN {
			what = fmt.Sprintf("Please find attached our invoice %s for %s (amount due: %s, due date: %s), as a PDF together with its UBL 2.1 XML file for your accounting system.",
				d.number, d.object, money, ukDate(d.due))
		}
		return trimBlankRuns(lines(
			c.greeting, "",
			what, "",
			d.note, "",
			"Kind regards,", "",
			signatureEN()))
	}
}

func invoiceSubject(d *doc) string {
	switch d.format {
	case fmtPlainFR:
		return "Facture " + d.number
	case fmtPDFFR:
		return "Facture " + d.number + " – " + firmName
	case fmtFacturX, fmtHTMLPDF:
		return "Votre facture " + d.number + " - " + firmName
	case fmtUBLEN:
		return "Invoice " + d.number + " (PDF + UBL)"
	default:
		return "Invoice " + d.number + " – " + firmName
	}
}

// invoiceMail writes the mail that sent d, in the shape of the program that
// sent it: Thunderbird for what Camille typed, the invoicing program for the
// rest.
func (m *month) invoiceMail(d *doc) error {
	d.sentAt = m.sentAt(d)
	d.subject = invoiceSubject(d)
	d.text = invoiceText(d)
	to := d.client.contact
	if d.to != nil {
		to = *d.to
	}
	var (
		h    headerBlock
		body *part
	)
	switch d.format {
	case fmtFacturX, fmtHTMLPDF:
		d.msgID = messageID("", "facture."+d.number, firmDomain)
		h.add("Date", rfc5322Date(d.sentAt))
		h.add("From", addr(firm()))
		h.add("To", addrList(to))
		if len(d.client.cc) > 0 {
			h.add("Cc", addrList(d.client.cc...))
		}
		h.add("Subject", encodeText(d.subject, false))
		h.add("Message-ID", d.msgID)
		h.add("X-Mailer", "Menuis'Fact 2.4.1")
		h.add("MIME-Version", "1.0")
		pdf, err := pdfFor(d, d.format == fmtFacturX)
		if err != nil {
			return err
		}
		alt := multipartPart("alternative", boundary("", d.number+"/alt"),
			textPart("plain", d.text, cteQP, false),
			textPart("html", textToHTML(d.text), cteQP, false))
		body = multipartPart("mixed", boundary("", d.number), alt,
			attachmentPart("application/pdf", "Facture "+d.number+".pdf", pdf))
		body.preamble = "This is a multi-part message in MIME format."
	default:
		d.msgID = messageID("uuid", "sent/"+d.number, firmDomain)
		h.add("Message-ID", d.msgID)
		h.add("Date", rfc5322Date(d.sentAt))
		h.add("MIME-Version", "1.0")
		h.add("User-Agent", "Mozilla Thunderbird")
		lang := "fr"
		if d.client.lang == "en" {
			lang = "en-GB"
		}
		h.add("Content-Language", lang)
		h.add("To", addrList(to))
		if len(d.client.cc) > 0 {
			h.add("Cc", addrList(d.client.cc...))
		}
		h.add("From", addr(firm()))
		h.add("Subject", encodeText(d.subject, false))
		if d.receipt {
			h.add("Disposition-Notification-To", addr(firm()))
		}
		var text *part
		if d.qp {
			text = textPart("plain", d.text, cteQP, false)
		} else {
			text = textPart("plain", wrapText(d.text, 76), cte8bit, false)
		}
		switch d.format {
		case fmtPlainFR, fmtPlainEN:
			body = text
		default:
			pdf, err := pdfFor(d, false)
			if err != nil {
				return err
			}
			name := "Facture_" + d.number + ".pdf"
			if d.client.lang == "en" {
				name = "Invoice_" + d.number + ".pdf"
			}
			parts := []*part{text, attachmentPart("application/pdf", name, pdf)}
			if d.format == fmtUBLEN {
				parts = append(parts, attachmentPart("application/xml", d.number+".xml", ublXML(d)))
			}
			body = multipartPart("mixed", boundary("thunderbird", d.number), parts...)
			body.preamble = "This is a multi-part message in MIME format."
		}
	}
	d.raw = render(h, body)
	m.sent = append(m.sent, sampleMail{d.sentAt, d.raw})
	return nil
}

// resend sends the invoice again to the right address, the day after the
// bounce.
func (m *month) resend(d *doc) (sentRef, error) {
	at := m.sentAt(d).Add(22*time.Hour + 34*time.Minute)
	right := person{"Nadia Benali", "compta@lespetits-loups.fr"}
	pdf, err := pdfFor(d, false)
	if err != nil {
		return sentRef{}, err
	}
	text := trimBlankRuns(lines(
		d.client.greeting, "",
		"Notre envoi d'hier n'a pas pu vous parvenir (une erreur dans l'adresse, de notre côté : toutes nos excuses).",
		"",
		fmt.Sprintf("Je vous renvoie donc la facture %s pour %s, d'un montant de %s TTC, à régler au plus tard le %s.",
			d.number, d.object, frMoney(d.gross(), d.currency, " "), frDate(d.due)), "",
		"Pourriez-vous me confirmer sa bonne réception ?", "",
		"Bien cordialement,", "",
		signatureFR()))
	var h headerBlock
	h.add("Message-ID", messageID("uuid", "resend/"+d.number, firmDomain))
	h.add("Date", rfc5322Date(at))
	h.add("MIME-Version", "1.0")
	h.add("User-Agent", "Mozilla Thunderbird")
	h.add("Content-Language", "fr")
	h.add("To", addrList(right))
	h.add("From", addr(firm()))
	h.add("Subject", encodeText("TR: Facture "+d.number+" – "+firmName, false))
	h.add("References", d.msgID)
	body := multipartPart("mixed", boundary("thunderbird", "resend/"+d.number),
		textPart("plain", wrapText(text, 76), cte8bit, false),
		attachmentPart("application/pdf", "Facture_"+d.number+".pdf", pdf))
	body.preamble = "This is a multi-part message in MIME format."
	m.sent = append(m.sent, sampleMail{at, render(h, body)})
	return sentRef{msgID: h.get("Message-ID"), subject: "TR: Facture " + d.number + " – " + firmName, text: text, at: at}, nil
}

// quote is a devis: it looks like an invoice (number, amounts, PDF) but asks
// for nothing to be paid.
func (m *month) quote(c *client) error {
	d := &doc{kind: kindQuote, series: "D", client: c, currency: "EUR", vatPermille: 200,
		object: "la bibliothèque sur mesure de votre agence",
		items: []item{
			{"Bibliothèque sur mesure chêne massif, 4,20 m × 2,60 m", 100, "u", 540000},
			{"Pose, finition huile-cire", 100, "forfait", 40000},
		}}
	d.issue = weekday(m.day(6))
	d.due = d.issue.AddDate(0, 0, 30) // validity
	d.number = fmt.Sprintf("D-%d-0058", d.issue.Year())
	d.hour, d.min = 17, 22
	at := m.sentAt(d)
	net, _, gross := d.totals()
	pdf, err := pdfFor(d, false)
	if err != nil {
		return err
	}
	text := trimBlankRuns(lines(
		c.greeting, "",
		"Suite à notre rendez-vous de jeudi, veuillez trouver ci-joint notre devis "+d.number+" pour "+d.object+".", "",
		"Montant total : "+frMoney(gross, d.currency, " ")+" TTC ("+frMoney(net, d.currency, " ")+" HT).",
		"Délai de fabrication : 5 à 6 semaines à réception de l'acompte de 30 %.",
		"Ce devis est valable jusqu'au "+frDate(d.due)+".", "",
		"Pour le valider, il suffit de me le retourner signé avec la mention « Bon pour accord ».", "",
		"Bien cordialement,", "",
		signatureFR()))
	var h headerBlock
	h.add("Message-ID", messageID("uuid", "quote/"+d.number, firmDomain))
	h.add("Date", rfc5322Date(at))
	h.add("MIME-Version", "1.0")
	h.add("User-Agent", "Mozilla Thunderbird")
	h.add("Content-Language", "fr")
	h.add("To", addrList(c.contact))
	h.add("From", addr(firm()))
	h.add("Subject", encodeText("Devis "+d.number+" – bibliothèque sur mesure", false))
	body := multipartPart("mixed", boundary("thunderbird", d.number),
		textPart("plain", wrapText(text, 76), cte8bit, false),
		attachmentPart("application/pdf", "Devis n°"+d.number+" – Bibliothèque.pdf", pdf))
	body.preamble = "This is a multi-part message in MIME format."
	m.sent = append(m.sent, sampleMail{at, render(h, body)})
	return nil
}

// manualReminder is the reminder Camille wrote herself to the hotel: the
// hidden grievance in the INBOX answers it.
func (m *month) manualReminder(d *doc) sentRef {
	at := m.at(12, 9, 40)
	overdue := int(m.day(12).Sub(d.due).Hours()/24 + 0.5)
	text := trimBlankRuns(lines(
		d.client.greeting, "",
		fmt.Sprintf("Sauf erreur de notre part, la facture %s du %s (%s TTC), échue le %s, reste à ce jour impayée, soit %d jours de retard.",
			d.number, frDate(d.issue), frMoney(d.gross(), d.currency, " "), frDate(d.due), overdue), "",
		"Il s'agit certainement d'un oubli : pourriez-vous faire le nécessaire ? Si le règlement est déjà parti, merci de ne pas tenir compte de ce message.", "",
		"Pour mémoire, elle vous a été envoyée le "+frDate(d.sentAt)+" ; je reste joignable au "+firmPhone+" si besoin.", "",
		"Bien cordialement,", "",
		signatureFR()))
	var h headerBlock
	h.add("Message-ID", messageID("uuid", "reminder/"+d.number, firmDomain))
	h.add("Date", rfc5322Date(at))
	h.add("MIME-Version", "1.0")
	h.add("User-Agent", "Mozilla Thunderbird")
	h.add("Content-Language", "fr")
	h.add("To", addrList(d.client.contact))
	h.add("From", addr(firm()))
	h.add("Subject", encodeText("Relance : facture "+d.number+" échue", false))
	h.add("In-Reply-To", d.msgID)
	h.add("References", d.msgID)
	m.sent = append(m.sent, sampleMail{at, render(h, textPart("plain", wrapText(text, 76), cte8bit, false))})
	return sentRef{msgID: h.get("Message-ID"), subject: "Relance : facture " + d.number + " échue", text: text, at: at}
}

func sortedKeys(docs map[string]*doc) []string {
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the folder is sorted by date afterwards; this only fixes ties
	return keys
}
