package handover

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/text"
)

// words are the file's sentences, per language. The legal references are
// the same in both: the third party reads French law.
var words = text.Catalogue{
	"fr": {
		"title":    "Dossier de recouvrement",
		"subtitle": "Créance de %s sur %s — état au %s",
		"why." + string(domain.HandoverLadderEnded): "Pourquoi ce dossier : les relances, l'appel et la mise en demeure sont restés sans paiement ; le délai de la mise en demeure est expiré.",
		"why." + string(domain.HandoverHostile):     "Pourquoi ce dossier : la dernière réponse du client est devenue agressive ou insultante. Tout contact a été suspendu ; il vaut mieux passer par un tiers.",
		"why." + string(domain.HandoverAsked):       "Dossier préparé à la demande du créancier.",
		"hostile.words":                             "Les phrases du client :",
		"creditor":                                  "1. Le créancier",
		"debtor":                                    "2. Le débiteur",
		"debtor.business":                           "Nature : professionnel",
		"debtor.consumer":                           "Nature : consommateur (particulier)",
		"name":                                      "Nom / raison sociale : %s",
		"address":                                   "Adresse postale : %s",
		"address.unknown":                           "Adresse postale : non connue (à compléter)",
		"siren":                                     "SIREN : %s",
		"vat":                                       "N° TVA intracommunautaire : %s",
		"emails":                                    "Courriel : %s",
		"phone":                                     "Téléphone : %s",
		"invoices":                                  "3. Les factures",
		"col.number":                                "Numéro",
		"col.issued":                                "Émise le",
		"col.due":                                   "Échéance",
		"col.amount":                                "Montant TTC",
		"col.paid":                                  "Payé",
		"col.balance":                               "Reste dû",
		"total":                                     "Total restant dû : %s",
		"chronology":                                "4. Chronologie",
		"entry.invoice":                             "Facture envoyée",
		"entry.reminder":                            "Relance envoyée",
		"entry.formal_notice":                       "Mise en demeure envoyée",
		"entry.reply":                               "Réponse reçue du client",
		"entry.payment":                             "Paiement reçu",
		"notice":                                    "5. La mise en demeure",
		"notice.sent":                               "La mise en demeure a été envoyée le %s (par courriel, avec la lettre à adresser en recommandé avec accusé de réception).",
		"notice.none":                               "Aucune mise en demeure n'a été envoyée. Un tribunal ou un médiateur la demandera souvent : l'envoyer d'abord en recommandé avec accusé de réception.",
		"penalties":                                 "6. Pénalités de retard et indemnité au %s",
		"penalties.rule":                            "Pénalités de retard (Code de commerce, art. L441-10) : taux de refinancement de la BCE du semestre majoré de 10 points, sur le montant TTC restant dû, du lendemain de l'échéance au %s. Indemnité forfaitaire pour frais de recouvrement (art. D441-5) : 40 € par facture payée en retard.",
		"penalties.line":                            "Facture %s : %d jours de retard, taux %s, pénalités %s, indemnité %s.",
		"penalties.error":                           "Facture %s : pénalités non calculées (%s).",
		"penalties.total":                           "Total dû au %s, pénalités et indemnités comprises : %s",
		"penalties.consumer":                        "Le débiteur est un consommateur : ni les pénalités de l'art. L441-10 ni l'indemnité de 40 € ne s'appliquent. Des intérêts au taux légal courent à compter de la mise en demeure (Code civil, art. 1231-6).",
		"next":                                      "7. Les suites possibles",
		"next.injonction":                           "Injonction de payer. Une requête en injonction de payer se dépose auprès du %s du domicile ou du siège du débiteur, en ligne sur le service de la juridiction (justice.fr) ou avec le formulaire Cerfa n° 12948. Y joindre : les factures, le bon de commande ou le devis signé s'il existe, la mise en demeure et son accusé de réception, les relances et la présente chronologie. Le juge statue sans audience ; l'ordonnance est ensuite signifiée par un commissaire de justice.",
		"court.business":                            "tribunal de commerce",
		"court.consumer":                            "tribunal judiciaire",
		"next.mediateur":                            "Médiateur des entreprises. Entre professionnels, la médiation est gratuite et confidentielle ; la saisine se fait en ligne sur mediateur-des-entreprises.fr. Elle suspend la relation conflictuelle sans la rompre et reste possible avant ou à la place d'une procédure.",
		"next.agency":                               "Confier le dossier à un professionnel. Une société de recouvrement (amiable) ou un avocat, ou un commissaire de justice, peut reprendre la créance avec ce dossier et l'archive jointe (les originaux : factures, relances et réponses au format .eml).",
		"page":                                      "Page %d/{nb}",
	},
	"en": {
		"title":    "Debt collection file",
		"subtitle": "Claim of %s against %s — as of %s",
		"why." + string(domain.HandoverLadderEnded): "Why this file: the reminders, the call and the formal notice brought no payment; the formal notice's deadline has passed.",
		"why." + string(domain.HandoverHostile):     "Why this file: the client's last reply turned aggressive or insulting. Every contact has stopped; a third party is the better way on.",
		"why." + string(domain.HandoverAsked):       "File prepared at the creditor's request.",
		"hostile.words":                             "The client's sentences:",
		"creditor":                                  "1. The creditor",
		"debtor":                                    "2. The debtor",
		"debtor.business":                           "Kind: business",
		"debtor.consumer":                           "Kind: consumer (private person)",
		"name":                                      "Name / company: %s",
		"address":                                   "Postal address: %s",
		"address.unknown":                           "Postal address: not known (to be completed)",
		"siren":                                     "SIREN: %s",
		"vat":                                       "VAT number: %s",
		"emails":                                    "E-mail: %s",
		"phone":                                     "Phone: %s",
		"invoices":                                  "3. The invoices",
		"col.number":                                "Number",
		"col.issued":                                "Issued",
		"col.due":                                   "Due",
		"col.amount":                                "Amount incl. VAT",
		"col.paid":                                  "Paid",
		"col.balance":                               "Balance",
		"total":                                     "Total balance owed: %s",
		"chronology":                                "4. Chronology",
		"entry.invoice":                             "Invoice sent",
		"entry.reminder":                            "Reminder sent",
		"entry.formal_notice":                       "Formal notice sent",
		"entry.reply":                               "Reply received from the client",
		"entry.payment":                             "Payment received",
		"notice":                                    "5. The formal notice",
		"notice.sent":                               "The formal notice was sent on %s (by e-mail, with the letter to post as registered mail with acknowledgement of receipt).",
		"notice.none":                               "No formal notice was sent. A court or a mediator will often ask for one: send it first by registered letter with acknowledgement of receipt.",
		"penalties":                                 "6. Late-payment penalties and indemnity as of %s",
		"penalties.rule":                            "Late-payment penalties (French Commercial Code, art. L441-10): the ECB refinancing rate of the half-year plus 10 points, on the balance owed including VAT, from the day after the due date to %s. Fixed recovery indemnity (art. D441-5): €40 per invoice paid late.",
		"penalties.line":                            "Invoice %s: %d days late, rate %s, penalties %s, indemnity %s.",
		"penalties.error":                           "Invoice %s: penalties not computed (%s).",
		"penalties.total":                           "Total owed as of %s, penalties and indemnities included: %s",
		"penalties.consumer":                        "The debtor is a consumer: neither the L441-10 penalties nor the €40 indemnity apply. Interest at the legal rate runs from the formal notice (French Civil Code, art. 1231-6).",
		"next":                                      "7. Next steps",
		"next.injonction":                           "Order for payment (injonction de payer). The request is filed with the %s of the debtor's domicile or registered office, online on the court's service (justice.fr) or with form Cerfa n° 12948. Attach: the invoices, the signed order or quote if any, the formal notice and its acknowledgement of receipt, the reminders and this chronology. The judge rules without a hearing; the order is then served by a commissaire de justice.",
		"court.business":                            "tribunal de commerce (commercial court)",
		"court.consumer":                            "tribunal judiciaire (civil court)",
		"next.mediateur":                            "Médiateur des entreprises (business mediator). Between businesses, mediation is free and confidential; the referral is made online at mediateur-des-entreprises.fr. It pauses the dispute without ending the relationship and stays possible before or instead of a court procedure.",
		"next.agency":                               "Hand the file to a professional. A collection agency (amicable recovery), a lawyer or a commissaire de justice can take the claim over with this file and the archive beside it (the originals: invoices, reminders and replies as .eml).",
		"page":                                      "Page %d/{nb}",
	},
}

// lang returns the file's language: French unless English is asked.
func lang(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return "en"
	}
	return "fr"
}

// PDF lays the facts out as an A4 document.
func PDF(f Facts) ([]byte, error) {
	if len(f.Invoices) == 0 {
		return nil, errors.New("handover: no invoice")
	}
	if f.Date.IsZero() {
		return nil, errors.New("handover: no date")
	}
	l := lang(f.Language)
	w := func(id string, args ...any) string { return words.T(l, id, args...) }
	day := text.FormatDate(l, f.Date)

	pdf := fpdf.New("P", "mm", "A4", "")
	cp := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	tr := func(s string) string { return cp(text.CP1252(s)) }
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(f.Date)
	pdf.SetModificationDate(f.Date)
	pdf.SetTitle(w("title")+" — "+f.Debtor.Name, true)
	pdf.SetAuthor(f.Creditor.Name, true)
	pdf.SetCreator("relance", true)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, tr(text.OneLine(f.Creditor.Name)+" — "+w("title")), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 4, tr(w("page", pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetTextColor(0, 0, 0)

	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 6, tr(s), "", "L", false)
		pdf.Ln(1)
	}
	para := func(s string) {
		if s = strings.TrimSpace(s); s == "" {
			return
		}
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 4.8, tr(s), "", "L", false)
		pdf.Ln(1)
	}

	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(w("title")), "", "L", false)
	pdf.SetFont("Helvetica", "", 10.5)
	pdf.MultiCell(0, 5, tr(w("subtitle", text.OneLine(f.Creditor.Name), text.OneLine(f.Debtor.Name), day)), "", "L", false)
	pdf.Ln(2)
	para(w("why." + string(f.Reason)))
	if len(f.Hostile) > 0 {
		para(w("hostile.words"))
		pdf.SetFont("Helvetica", "I", 10)
		for _, s := range f.Hostile {
			pdf.MultiCell(0, 4.8, tr("« "+text.OneLine(s)+" »"), "", "L", false)
		}
	}

	heading(w("creditor"))
	lines := []string{text.OneLine(f.Creditor.Name)}
	lines = append(lines, text.AddressLines(f.Creditor.Address)...)
	if s := text.OneLine(f.Creditor.SIREN); s != "" {
		lines = append(lines, w("siren", s))
	}
	for _, s := range []string{f.Creditor.Email, f.Creditor.Phone} {
		if s = text.OneLine(s); s != "" {
			lines = append(lines, s)
		}
	}
	para(strings.Join(lines, "\n"))

	heading(w("debtor"))
	lines = []string{w("name", text.OneLine(f.Debtor.Name))}
	if a := text.AddressLines(f.Debtor.Address); len(a) > 0 {
		lines = append(lines, w("address", strings.Join(a, ", ")))
	} else {
		lines = append(lines, w("address.unknown"))
	}
	if s := text.OneLine(f.Debtor.SIREN); s != "" {
		lines = append(lines, w("siren", s))
	}
	if s := text.OneLine(f.Debtor.VAT); s != "" {
		lines = append(lines, w("vat", s))
	}
	if len(f.Debtor.Emails) > 0 {
		lines = append(lines, w("emails", strings.Join(f.Debtor.Emails, ", ")))
	}
	if f.Debtor.Consumer {
		lines = append(lines, w("debtor.consumer"))
	} else {
		lines = append(lines, w("debtor.business"))
	}
	para(strings.Join(lines, "\n"))

	heading(w("invoices"))
	cols := []struct {
		id    string
		width float64
		align string
	}{{"col.number", 34, "L"}, {"col.issued", 26, "L"}, {"col.due", 26, "L"}, {"col.amount", 30, "R"}, {"col.paid", 28, "R"}, {"col.balance", 30, "R"}}
	pdf.SetFont("Helvetica", "B", 9)
	for _, c := range cols {
		pdf.CellFormat(c.width, 6, tr(w(c.id)), "B", 0, c.align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	totals := map[string]decimal.Decimal{}
	var currencies []string
	for _, inv := range f.Invoices {
		cells := []string{inv.Number, shortDate(l, inv.IssueDate), shortDate(l, inv.DueDate),
			text.FormatMoney(l, inv.Amount, inv.Currency), text.FormatMoney(l, inv.Paid, inv.Currency), text.FormatMoney(l, inv.Balance, inv.Currency)}
		for i, c := range cols {
			pdf.CellFormat(c.width, 5.5, tr(cells[i]), "", 0, c.align, false, 0, "")
		}
		pdf.Ln(-1)
		if _, ok := totals[inv.Currency]; !ok {
			currencies = append(currencies, inv.Currency)
		}
		totals[inv.Currency] = totals[inv.Currency].Add(inv.Balance)
	}
	pdf.Ln(1)
	para(w("total", moneyList(l, currencies, totals)))

	heading(w("chronology"))
	for _, e := range f.Chronology {
		line := shortDate(l, e.At) + " — " + w("entry."+string(e.Kind))
		if s := text.OneLine(e.Subject); s != "" {
			line += " : " + s
			if l == "en" {
				line = strings.Replace(line, " : ", ": ", 1)
			}
		}
		pdf.SetFont("Helvetica", "", 9.5)
		pdf.MultiCell(0, 4.6, tr(line), "", "L", false)
		if s := text.OneLine(e.Excerpt); s != "" {
			pdf.SetFont("Helvetica", "I", 9)
			pdf.SetX(26)
			pdf.MultiCell(0, 4.4, tr("« "+s+" »"), "", "L", false)
		}
	}

	heading(w("notice"))
	if f.NoticeSent.IsZero() {
		para(w("notice.none"))
	} else {
		para(w("notice.sent", text.FormatDate(l, f.NoticeSent)))
	}

	heading(w("penalties", day))
	if f.Debtor.Consumer {
		para(w("penalties.consumer"))
	} else {
		para(w("penalties.rule", day))
		grand := map[string]decimal.Decimal{}
		for _, inv := range f.Invoices {
			cur := inv.Currency
			if inv.Penalties == nil {
				if inv.PenaltyError != "" {
					para(w("penalties.error", inv.Number, inv.PenaltyError))
				}
				grand[cur] = grand[cur].Add(inv.Balance)
				continue
			}
			p := inv.Penalties
			para(w("penalties.line", inv.Number, p.DaysLate, rates(l, p), text.FormatMoney(l, p.InterestDue, cur),
				text.FormatMoney(l, p.Indemnity, "EUR")))
			grand[cur] = grand[cur].Add(p.Total)
		}
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(0, 5, tr(w("penalties.total", day, moneyList(l, currencies, grand))), "", "L", false)
	}

	heading(w("next"))
	court := w("court.business")
	if f.Debtor.Consumer {
		court = w("court.consumer")
	}
	para(w("next.injonction", court))
	if !f.Debtor.Consumer {
		para(w("next.mediateur"))
	}
	para(w("next.agency"))

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("handover: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// rates lists the yearly rates a computation used, in order, once each (a
// delay across 30 June uses two).
func rates(l string, p *policy.PenaltyResult) string {
	var out []string
	seen := map[string]bool{}
	for _, line := range p.Lines {
		s := text.FormatPercent(l, line.Rate)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, ", ")
}

func moneyList(l string, order []string, sums map[string]decimal.Decimal) string {
	var out []string
	for _, c := range order {
		out = append(out, text.FormatMoney(l, sums[c], c))
	}
	return strings.Join(out, " + ")
}

func shortDate(l string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return text.FormatShortDate(l, t)
}
