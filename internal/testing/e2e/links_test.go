package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// The issue-15 mailbox: a Sent folder of invoices in every format beside
// the documents that only look like ours (suppliers' invoices forwarded to
// the accountant, pro formas, quotes, order confirmations, receipts, our
// own reminders), and an INBOX of replies by every route from a reply to
// its invoice. Written for this test, independently of the detection
// code: each mail states what it is, and the test checks relance's reading
// against it.

// linkDoc is a sent mail and what it is.
type linkDoc struct {
	msgID    string
	raw      []byte
	number   string // invoice or credit note number ("" for a trap)
	client   string // the client's address
	balance  string // what is owed at the end (after prepaid and credit notes)
	currency string
	due      string // YYYY-MM-DD; "" for a credit note
	kind     string // invoice, credit_note, resend, rejected
	rejected string // the reason a trap must be set aside with
}

// linkReply is a received mail and the invoice it must land on.
type linkReply struct {
	tag                   string
	from, name, inReplyTo string
	subject, body         string
	want                  string // invoice number, "triage:<client>" or "none"
	route                 string
	unknown               bool
}

type mailPart struct {
	name, ctype string
	data        []byte
}

func linkMail(msgID, from, to, subject string, date time.Time, body string, parts ...mailPart) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n",
		from, to, date.In(paris).Format(time.RFC1123Z), msgID, mimeWord(subject))
	body = strings.ReplaceAll(body, "\n", "\r\n")
	if len(parts) == 0 {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", body)
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"lk\"\r\n\r\n--lk\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", body)
	for _, p := range parts {
		fmt.Fprintf(&b, "--lk\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", p.ctype, p.name, p.name)
		enc := base64.StdEncoding.EncodeToString(p.data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--lk--\r\n")
	return []byte(b.String())
}

// mimeWord encodes a subject holding non-ASCII letters (RFC 2047).
func mimeWord(s string) string {
	for _, r := range s {
		if r > 127 {
			return "=?utf-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
		}
	}
	return s
}

// ciiDoc is a CII (Factur-X) invoice.
func ciiDoc(number, typeCode string, issue, due time.Time, seller, sellerEmail, sellerVAT, buyer, buyerEmail, total, prepaid, currency string) []byte {
	payable := total
	prep := ""
	if prepaid != "" {
		payable = decSub(total, prepaid)
		prep = "<ram:TotalPrepaidAmount>" + prepaid + "</ram:TotalPrepaidAmount>"
	}
	dueXML := ""
	if !due.IsZero() {
		dueXML = `<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">` + due.Format("20060102") + `</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>`
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>` + number + `</ram:ID><ram:TypeCode>` + typeCode + `</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">` + issue.Format("20060102") + `</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
<ram:ApplicableHeaderTradeAgreement>
<ram:SellerTradeParty><ram:Name>` + seller + `</ram:Name><ram:URIUniversalCommunication><ram:URIID schemeID="EM">` + sellerEmail + `</ram:URIID></ram:URIUniversalCommunication><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">` + sellerVAT + `</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>` + buyer + `</ram:Name><ram:URIUniversalCommunication><ram:URIID schemeID="EM">` + buyerEmail + `</ram:URIID></ram:URIUniversalCommunication></ram:BuyerTradeParty>
</ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeDelivery/>
<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>` + currency + `</ram:InvoiceCurrencyCode>` + dueXML + `
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>` + total + `</ram:GrandTotalAmount>` + prep + `<ram:DuePayableAmount>` + payable + `</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement>
</rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
`)
}

func decSub(a, b string) string {
	var x, y float64
	fmt.Sscanf(a, "%f", &x)
	fmt.Sscanf(b, "%f", &y)
	return fmt.Sprintf("%.2f", x-y)
}

func frMoney(s string) string { return strings.ReplaceAll(s, ".", ",") }

func pdfDoc(t *testing.T, lines []string, files ...pdfwrite.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdfwrite.Write(&buf, pdfwrite.Doc{Lines: lines, Attachments: files}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const us = "Atelier Test <factures@atelier.test>"

// linkMailbox writes the Sent folder and the INBOX.
func linkMailbox(t *testing.T) ([]linkDoc, []linkReply) {
	var docs []linkDoc
	issue := time.Date(2026, 10, 5, 10, 0, 0, 0, paris)
	due := time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)
	type inv struct {
		number, client, name, total, prepaid, credit, currency, msgID string
		format                                                        int
	}
	var invs []inv
	// 24 clients, each with one invoice; clients 1–12 with a second one.
	// Clients 9 and 10 have two invoices of the same amount.
	clientAddr := func(i int) string {
		if i%6 == 0 {
			return fmt.Sprintf("client%02d.gerant@gmail.com", i)
		}
		return fmt.Sprintf("compta@client%02d.fr", i)
	}
	n := 0
	for round := 0; round < 2; round++ {
		for i := 1; i <= 24; i++ {
			if round == 1 && i > 12 {
				break
			}
			n++
			total := fmt.Sprintf("%d.%02d", 300+37*n, n%100)
			if (i == 9 || i == 10) && round == 1 {
				total = invs[i-1].total
			}
			in := inv{client: clientAddr(i), name: fmt.Sprintf("Client %02d SARL", i), total: total, currency: "EUR", format: n % 5}
			if n%7 == 3 {
				in.currency = "GBP"
			}
			if in.format == 1 {
				in.number = fmt.Sprintf("INV-2025-%04d", 60+n)
			} else {
				in.number = fmt.Sprintf("FA-2025-%04d", 300+n)
			}
			switch n {
			case 5, 12: // a deposit already paid, in the XML
				in.prepaid = "100.00"
				in.format = 2
			case 15: // a deposit in the words of the mail
				in.prepaid = "150.00"
				in.format = 0
			}
			if round == 1 && i <= 4 {
				in.credit = "50.00"
			}
			in.msgID = fmt.Sprintf("doc-%s@atelier.test", strings.ToLower(in.number))
			invs = append(invs, in)
		}
	}
	for k, in := range invs {
		to := in.name + " <" + in.client + ">"
		sym := map[string]string{"EUR": "€", "GBP": "£"}[in.currency]
		var raw []byte
		switch in.format {
		case 0: // French words only
			words := fmt.Sprintf("Bonjour,\n\nVeuillez trouver ci-dessous notre facture n° %s du %s.\nMontant TTC : %s %s\n",
				in.number, issue.Format("02/01/2006"), frMoney(in.total), sym)
			if in.prepaid != "" {
				words += fmt.Sprintf("Acompte versé : %s %s\nReste à payer : %s %s\n", frMoney(in.prepaid), sym, frMoney(decSub(in.total, in.prepaid)), sym)
			}
			words += fmt.Sprintf("Date d'échéance : %s\n\nCordialement,\nAtelier Test\n", due.Format("02/01/2006"))
			raw = linkMail(in.msgID, us, to, "Facture "+in.number, issue, words)
		case 1: // English words only
			raw = linkMail(in.msgID, us, to, "Invoice "+in.number+" from Atelier Test", issue,
				fmt.Sprintf("Hello,\n\nPlease find invoice %s dated %s.\nAmount due: %s %s\nDue date: %s\n\nKind regards,\nAtelier Test\n",
					in.number, issue.Format("2 January 2006"), in.currency, in.total, due.Format("2 January 2006")))
		case 2: // CII XML attached; the number only in the attachment
			x := ciiDoc(in.number, "380", issue, due, "Atelier Test", "factures@atelier.test", "FR40303265045", in.name, in.client, in.total, in.prepaid, in.currency)
			raw = linkMail(in.msgID, us, to, "Votre facture", issue, "Bonjour,\n\nVeuillez trouver notre facture en pièce jointe.\n\nAtelier Test",
				mailPart{"facture.xml", "application/xml", x})
		case 3: // Factur-X: a PDF carrying the XML
			x := ciiDoc(in.number, "380", issue, due, "Atelier Test", "factures@atelier.test", "FR40303265045", in.name, in.client, in.total, in.prepaid, in.currency)
			p := pdfDoc(t, []string{"Atelier Test", "FACTURE " + in.number, "Total TTC " + in.total + " " + in.currency},
				pdfwrite.File{Name: "factur-x.xml", MIME: "text/xml", Data: x, Relationship: "Data"})
			raw = linkMail(in.msgID, us, to, "Votre facture", issue, "Bonjour,\n\nCi-joint votre facture.\n\nAtelier Test",
				mailPart{"facture.pdf", "application/pdf", p})
		case 4: // the text of a PDF
			p := pdfDoc(t, []string{"Atelier Test - 8 rue des Tanneurs, 69001 Lyon", "FACTURE N° " + in.number,
				"Date de facture : " + issue.Format("02/01/2006"), "Client : " + in.name,
				"Total TTC : " + frMoney(in.total) + " " + in.currency, "Date d'échéance : " + due.Format("02/01/2006")})
			raw = linkMail(in.msgID, us, to, "Votre facture", issue, "Bonjour,\n\nVeuillez trouver votre facture ci-jointe.\n\nAtelier Test",
				mailPart{in.number + ".pdf", "application/pdf", p})
		}
		bal := in.total
		if in.prepaid != "" {
			bal = decSub(in.total, in.prepaid)
		}
		if in.credit != "" {
			bal = decSub(bal, in.credit)
		}
		docs = append(docs, linkDoc{msgID: in.msgID, raw: raw, number: in.number, client: in.client, balance: bal, currency: in.currency,
			due: due.Format(time.DateOnly), kind: "invoice"})
		if in.credit != "" {
			cn := fmt.Sprintf("AV-2025-%04d", 10+k)
			id := "doc-" + strings.ToLower(cn) + "@atelier.test"
			docs = append(docs, linkDoc{msgID: id, number: cn, client: in.client, balance: "0", currency: in.currency, kind: "credit_note",
				raw: linkMail(id, us, to, "Avoir "+cn+" sur facture "+in.number, issue.AddDate(0, 0, 10),
					fmt.Sprintf("Bonjour,\n\nCi-joint notre avoir %s sur la facture %s.\nMontant de l'avoir : %s %s\n\nAtelier Test\n", cn, in.number, frMoney(in.credit), sym))})
		}
	}
	// Re-sends of three invoices: the same invoice, its due date unmoved.
	for _, k := range []int{0, 7, 13} {
		in := invs[k]
		id := "resend-" + strings.ToLower(in.number) + "@atelier.test"
		body := fmt.Sprintf("Bonjour,\n\nComme demandé, je vous renvoie la facture n° %s.\nMontant TTC : %s %s\nDate d'échéance : %s\n\nAtelier Test\n",
			in.number, frMoney(in.total), map[string]string{"EUR": "€", "GBP": "£"}[in.currency], due.Format("02/01/2006"))
		if in.prepaid != "" {
			body = fmt.Sprintf("Bonjour,\n\nComme demandé, je vous renvoie la facture n° %s.\n\nAtelier Test\n", in.number)
		}
		docs = append(docs, linkDoc{msgID: id, number: in.number, kind: "resend",
			raw: linkMail(id, us, in.name+" <"+in.client+">", "Renvoi : Facture "+in.number, issue.AddDate(0, 0, 20), body)})
	}
	// Traps: documents that are not our receivables.
	trap := func(reason, to, subject, body string, parts ...mailPart) {
		id := fmt.Sprintf("trap-%02d@atelier.test", len(docs))
		d := linkDoc{msgID: id, kind: "rejected", rejected: reason, raw: linkMail(id, us, to, subject, issue.AddDate(0, 0, 3), body, parts...)}
		if reason == "own_reminder" {
			// A reminder written by hand: about the invoice it names.
			for _, in := range invs {
				if strings.Contains(subject, in.number) {
					d.number = in.number
				}
			}
		}
		docs = append(docs, d)
	}
	acct := "Cabinet Compta <jm@cabinet-compta.fr>"
	for i, s := range []struct{ supplier, number, total string }{{"Fournitures Leroy", "FL-2211", "318.00"}, {"Imprimerie Blanc", "IB-0992", "1250.40"},
		{"Location Matériel Pro", "LMP-2026-118", "96.00"}} {
		p := pdfDoc(t, []string{s.supplier + " SARL - 12 rue du Bois, 69003 Lyon", "FACTURE N° " + s.number, "Date de facture : 28/09/2026",
			"Client : Atelier Test", "Total TTC : " + frMoney(s.total) + " €", "Date d'échéance : 28/10/2026"})
		trap("not_ours", acct, fmt.Sprintf("TR: Facture %s %s", s.supplier, s.number), "Pour la compta, facture fournisseur du mois.\n\nAtelier Test",
			mailPart{fmt.Sprintf("facture-%d.pdf", i), "application/pdf", p})
	}
	x := ciiDoc("OVH-2026-7781", "380", issue, due, "OVH SAS", "facturation@ovh.example", "FR22424761419", "Atelier Test", "factures@atelier.test", "42.00", "", "EUR")
	trap("not_ours", acct, "Fwd: Votre facture OVH", "Facture d'hébergement à saisir.", mailPart{"ovh.xml", "application/xml", x})
	trap("proforma", "Client 03 SARL <compta@client03.fr>", "Facture pro forma PF-2026-12", "Bonjour,\nVoici la facture pro forma PF-2026-12.\nMontant : 1 200,00 €\n")
	trap("proforma", "Client 04 SARL <compta@client04.fr>", "Pro-forma invoice PF-2026-13", "Hello,\nPro-forma invoice PF-2026-13 for your customs.\nTotal: EUR 880.00\n")
	trap("quote", "Client 05 SARL <compta@client05.fr>", "Devis D-2026-044", "Bonjour,\nCi-joint notre devis D-2026-044.\nTotal TTC : 2 400,00 €\nValable 30 jours.\n")
	trap("quote", "Prospect <achat@prospect.fr>", "Votre devis n° D-2026-045", "Bonjour,\nVoici le devis demandé.\nMontant TTC : 640,00 €\n")
	trap("quote", "Prospect UK <buyer@prospect.co.uk>", "Quote Q-2026-046", "Hello,\nPlease find our quote Q-2026-046.\nTotal: £1,900.00\n")
	trap("order_confirmation", "Client 07 SARL <compta@client07.fr>", "Confirmation de commande 8812", "Bonjour,\nNous confirmons votre commande 8812.\nTotal : 99,00 €\n")
	trap("order_confirmation", "Client 08 SARL <compta@client08.fr>", "Order confirmation #8813", "Hello,\nYour order #8813 is confirmed.\nTotal: EUR 149.00\n")
	trap("receipt", "Client 02 SARL <compta@client02.fr>", "Votre règlement de la facture FA-2025-0099", "Bonjour,\nNous avons bien reçu votre règlement de 420,00 € pour la facture FA-2025-0099. Merci !\n")
	trap("receipt", "Client 11 SARL <compta@client11.fr>", "Reçu de paiement n° R-2026-31", "Bonjour,\nReçu de paiement n° R-2026-31 : 780,00 € reçus le 02/10/2026.\n")
	trap("receipt", "Client 14 SARL <compta@client14.fr>", "Payment receipt", "Hello,\nThank you for your payment of EUR 310.00 for invoice INV-2025-0040.\n")
	trap("own_reminder", "Client 15 SARL <compta@client15.fr>", "Relance facture "+invs[14].number, "Bonjour,\nSauf erreur de notre part, la facture "+invs[14].number+" reste impayée.\n")
	trap("own_reminder", "Client 16 SARL <compta@client16.fr>", "Rappel : facture "+invs[15].number, "Bonjour,\nNous n'avons pas encore reçu votre règlement de la facture "+invs[15].number+".\n")
	trap("own_reminder", "Client 17 SARL <compta@client17.fr>", "Reminder: invoice "+invs[16].number+" overdue", "Hello,\nInvoice "+invs[16].number+" is now overdue.\n")
	trap("own_reminder", "Client 18 SARL <compta@client18.fr>", "Facture impayée "+invs[17].number, "Bonjour,\nLa facture "+invs[17].number+" demeure impayée à ce jour.\n")

	// Replies.
	var reps []linkReply
	at := 0
	add := func(r linkReply) {
		at++
		r.tag = fmt.Sprintf("R%02d", at)
		reps = append(reps, r)
	}
	byNum := map[string]inv{}
	for _, in := range invs {
		byNum[in.number] = in
	}
	balanceOf := func(in inv) string {
		b := in.total
		if in.prepaid != "" {
			b = decSub(b, in.prepaid)
		}
		if in.credit != "" {
			b = decSub(b, in.credit)
		}
		return b
	}
	// References to the invoice mail (clients 13–22).
	bodies := []string{"Bonjour,\nC'est réglé depuis hier par virement.\nCordialement", "Bonjour,\nNous réglerons la facture le 30 novembre.\nCordialement",
		"Bonjour,\nPouvez-vous nous renvoyer votre RIB ?\nMerci", "Hello,\nPayment was sent this morning.\nBest"}
	for i := 12; i < 22; i++ {
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, inReplyTo: in.msgID, subject: "Re: Facture", body: bodies[i%len(bodies)], want: in.number, route: "references"})
	}
	// Disputes replying to mails whose number is only in the attachment.
	for _, in := range invs {
		if (in.format == 2 || in.format == 3) && len(reps) < 14 {
			add(linkReply{from: in.client, name: in.name, inReplyTo: in.msgID, subject: "Re: Votre facture",
				body: "Bonjour,\nJe conteste cette facture : la prestation n'a jamais été livrée. Merci de l'annuler.\n", want: in.number, route: "references"})
		}
	}
	// Replies to a re-send and to a credit note.
	for _, k := range []int{0, 7} {
		in := invs[k]
		add(linkReply{from: in.client, name: in.name, inReplyTo: "resend-" + strings.ToLower(in.number) + "@atelier.test", subject: "Re: Renvoi",
			body: "Bien reçu, merci. Nous la passons en paiement.", want: in.number, route: "references"})
	}
	for _, d := range docs {
		if d.kind == "credit_note" && len(reps) < 18 {
			var credited inv
			for _, in := range invs {
				if in.client == d.client && in.credit != "" {
					credited = in
				}
			}
			add(linkReply{from: d.client, name: credited.name, inReplyTo: d.msgID, subject: "Re: Avoir", body: "Merci pour l'avoir, bien reçu.",
				want: credited.number, route: "references"})
		}
	}
	// Numbers in every form, from the client (clients 1–12 have two invoices).
	forms := []func(n string) string{
		func(n string) string { return "n°" + n },
		func(n string) string { return strings.ToLower(n) },
		func(n string) string { return strings.ReplaceAll(n, "-", " ") },
		func(n string) string { return "N° " + strings.ReplaceAll(n, "-", "/") },
	}
	for i := 0; i < 8; i++ {
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, subject: "Facture", body: "Bonjour,\nLa facture " + forms[i%len(forms)](in.number) + " sera réglée vendredi.\n",
			want: in.number, route: "number"})
	}
	// "facture 325": the end of the number, among the sender's invoices.
	for _, i := range []int{24, 25} {
		in := invs[i]
		tail := strings.TrimLeft(in.number[strings.LastIndex(in.number, "-")+1:], "0")
		add(linkReply{from: in.client, name: in.name, subject: "facture " + tail, body: "Bonjour, elle part en paiement cette semaine.",
			want: in.number, route: "number"})
	}
	// Unknown addresses citing the number (no space after n°) or the exact amount.
	for _, i := range []int{2, 3, 26, 27} {
		in := invs[i]
		add(linkReply{from: fmt.Sprintf("perso%d@free.fr", i), name: "Particulier", subject: "Paiement",
			body: "Bonjour,\nJ'ai payé la facture n°" + in.number + " hier par virement.\nCordialement", want: in.number, route: "number", unknown: true})
	}
	for _, i := range []int{19, 20} {
		in := invs[i]
		sym := map[string]string{"EUR": "€", "GBP": "£"}[in.currency]
		add(linkReply{from: fmt.Sprintf("tresorerie%d@laposte.net", i), name: "Trésorerie", subject: "Virement",
			body: fmt.Sprintf("Bonjour,\nNous avons viré %s %s ce jour.\nCordialement", frMoney(in.total), sym), want: in.number, route: "amount", unknown: true})
	}
	// The amount of one of the sender's two open invoices; after a credit note.
	for _, i := range []int{24, 25, 26, 27} {
		in := invs[i]
		sym := map[string]string{"EUR": "€", "GBP": "£"}[in.currency]
		add(linkReply{from: in.client, name: in.name, subject: "Virement",
			body: fmt.Sprintf("Bonjour,\nLe virement de %s %s est parti ce matin.\nCordialement", frMoney(balanceOf(in)), sym), want: in.number, route: "amount"})
	}
	// The sender, written in capitals, with one open invoice.
	for i := 12; i < 18; i++ {
		in := invs[i]
		if strings.HasSuffix(in.client, "@gmail.com") {
			continue
		}
		add(linkReply{from: strings.ToUpper(in.client), name: in.name, subject: "Question", body: "Bonjour,\nPourriez-vous nous envoyer vos coordonnées bancaires ?\nMerci",
			want: in.number, route: "sender"})
	}
	// Another address at the client's domain.
	for i := 18; i < 23; i++ {
		in := invs[i]
		if strings.HasSuffix(in.client, "@gmail.com") {
			continue
		}
		add(linkReply{from: "direction@" + in.client[strings.IndexByte(in.client, '@')+1:], name: "Direction", subject: "Votre facture",
			body: "Bonjour,\nJe reprends le dossier de notre comptable, qui est absent.\nCordialement", want: in.number, route: "domain"})
	}
	// Someone else at the same webmail as a client: nobody's.
	add(linkReply{from: "inconnu.total@gmail.com", name: "Inconnu", subject: "Bonjour", body: "Bonjour, je cherche un artisan.", want: "none", route: "none"})
	add(linkReply{from: "autre@gmail.com", name: "Autre", subject: "Renseignement", body: "Bonjour, faites-vous des devis ?", want: "none", route: "none"})
	// Two open invoices, nothing to choose between them.
	for _, i := range []int{4, 5, 6} {
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, subject: "Paiement", body: "Bonjour,\nNous vous réglons dès réception de notre prochain relevé.\nCordialement",
			want: "triage:" + in.client, route: "triage"})
	}
	for _, i := range []int{8, 9} { // the same amount on both invoices
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, subject: "Virement",
			body: fmt.Sprintf("Bonjour,\nVirement de %s € effectué.\nCordialement", frMoney(in.total)), want: "triage:" + in.client, route: "triage"})
	}
	// Strangers and a newsletter.
	add(linkReply{from: "news@fournisseur.example", name: "Newsletter", subject: "Nos offres de novembre", body: "Découvrez nos offres.", want: "none", route: "none"})
	add(linkReply{from: "contact@agence-web.example", name: "Agence", subject: "Partenariat", body: "Bonjour, un partenariat vous intéresse ?", want: "none", route: "none"})
	// A payment of the balance after a credit note, in the thread.
	for _, i := range []int{26, 27} {
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, inReplyTo: in.msgID, subject: "Re: Facture",
			body: fmt.Sprintf("Bonjour,\nNous avons réglé ce jour le solde de %s € après déduction de votre avoir.\nCordialement", frMoney(balanceOf(in))),
			want: in.number, route: "references"})
	}
	// Partial payments claimed (the classifier reads "le reste suivra" as
	// a dispute or a promise: the claim is in the amount alone).
	for _, i := range []int{22, 23} {
		in := invs[i]
		add(linkReply{from: in.client, name: in.name, inReplyTo: in.msgID, subject: "Re: Facture",
			body: "Bonjour,\nNous avons effectué un virement de 100,00 € ce jour.\nCordialement", want: in.number, route: "references"})
	}
	// Replies to the reminders the owner wrote by hand.
	for _, d := range docs {
		if d.rejected == "own_reminder" && len(reps) < 63 {
			in := byNum[d.number]
			add(linkReply{from: in.client, name: in.name, inReplyTo: d.msgID, subject: "Re: Relance",
				body: "Bonjour,\nDésolé du retard, je m'en occupe cette semaine.\nCordialement", want: in.number, route: "references"})
		}
	}
	return docs, reps
}

// TestLinksMailbox runs relance over the issue-15 mailbox on Dovecot and
// prints the discovery and threading figures quoted in README.
func TestLinksMailbox(t *testing.T) {
	w := newWorld(t)
	docs, reps := linkMailbox(t)
	for _, d := range docs {
		if err := w.IMAP.Deliver("Sent", d.raw, true); err != nil {
			t.Fatal(err)
		}
	}
	replyAt := time.Date(2026, 11, 12, 9, 0, 0, 0, paris)
	for i, r := range reps {
		raw := replyMail(fmt.Sprintf("reply-%s@client.example", strings.ToLower(r.tag)), r.from, r.name, r.inReplyTo, "["+r.tag+"] "+r.subject,
			replyAt.Add(time.Duration(i)*time.Minute), r.body, false)
		if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
			t.Fatal(err)
		}
	}
	w.once(time.Date(2026, 11, 13, 18, 0, 0, 0, paris))

	// Discovery.
	var invs []struct {
		Number string `json:"number"`
		Client struct {
			Email string `json:"email"`
		} `json:"client"`
		Balance  string  `json:"balance"`
		Currency string  `json:"currency"`
		DueDate  *string `json:"due_date"`
		Kind     string  `json:"kind"`
		State    string  `json:"state"`
	}
	if err := json.Unmarshal([]byte(w.Relance("invoices", "--json")), &invs); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for i, in := range invs {
		got[in.Number] = i
	}
	var wantInv, rightInv, wantCN, rightCN, wantRej, rightRej, wrongTaken int
	for _, d := range docs {
		switch d.kind {
		case "invoice", "credit_note":
			if d.kind == "invoice" {
				wantInv++
			} else {
				wantCN++
			}
			i, ok := got[d.number]
			if !ok {
				t.Errorf("%s %s not discovered", d.kind, d.number)
				continue
			}
			in := invs[i]
			due := ""
			if in.DueDate != nil {
				due = (*in.DueDate)[:10]
			}
			bal := strings.TrimRight(strings.TrimRight(in.Balance, "0"), ".")
			wbal := strings.TrimRight(strings.TrimRight(d.balance, "0"), ".")
			ok = in.Client.Email == d.client && in.Currency == d.currency && due == d.due && (d.kind == "credit_note" || bal == wbal)
			if !ok {
				t.Errorf("%s %s: client %s currency %s due %q balance %s; want %s %s %q %s", d.kind, d.number, in.Client.Email, in.Currency, due, in.Balance,
					d.client, d.currency, d.due, d.balance)
				continue
			}
			if d.kind == "invoice" {
				rightInv++
			} else {
				rightCN++
			}
		case "rejected":
			wantRej++
		}
	}
	for _, in := range invs {
		found := false
		for _, d := range docs {
			if d.number == in.Number && (d.kind == "invoice" || d.kind == "credit_note") {
				found = true
			}
		}
		if !found {
			wrongTaken++
			t.Errorf("%s (%s, %s) taken for one of ours", in.Number, in.Kind, in.Client.Email)
		}
	}
	var rejected []struct {
		MessageID string  `json:"message_id"`
		Rejected  string  `json:"rejected"`
		Reason    string  `json:"reason"`
		Adopted   *string `json:"adopted"`
	}
	if err := json.Unmarshal([]byte(w.Relance("invoices", "--rejected", "--json")), &rejected); err != nil {
		t.Fatal(err)
	}
	rejByID := map[string]string{}
	for _, r := range rejected {
		rejByID[r.MessageID] = r.Rejected
		if r.Reason == "" {
			t.Errorf("%s rejected without a reason", r.MessageID)
		}
	}
	for _, d := range docs {
		if d.kind != "rejected" {
			continue
		}
		if rejByID[d.msgID] == d.rejected {
			rightRej++
		} else {
			t.Errorf("%s: rejected %q, want %q", d.msgID, rejByID[d.msgID], d.rejected)
		}
	}

	// Threading: each reply's event on its invoice, with its route.
	type link struct{ number, route string }
	linked := map[string][]link{}
	triaged := map[string]bool{} // invoice numbers with an open triage flag
	unknownNoted := map[string]bool{}
	manual := map[string]bool{} // invoices with a reminder written by hand
	for _, in := range invs {
		var show struct {
			Timeline []struct {
				Kind   string          `json:"kind"`
				Detail json.RawMessage `json:"detail"`
			} `json:"timeline"`
		}
		if err := json.Unmarshal([]byte(w.Relance("invoices", "show", in.Number, "--json")), &show); err != nil {
			t.Fatal(err)
		}
		for _, e := range show.Timeline {
			if e.Kind == "manual_reminder" {
				manual[in.Number] = true
			}
			if e.Kind != "reply_received" {
				continue
			}
			var det struct {
				Subject string `json:"subject"`
				Rule    string `json:"thread_rule"`
				Unknown bool   `json:"unknown_sender"`
			}
			_ = json.Unmarshal(e.Detail, &det)
			if len(det.Subject) > 5 && det.Subject[0] == '[' {
				tag := det.Subject[1:4]
				linked[tag] = append(linked[tag], link{in.Number, det.Rule})
				if det.Unknown {
					unknownNoted[tag] = true
				}
			}
		}
	}
	var flags []struct {
		Kind    string `json:"kind"`
		Invoice string `json:"invoice"`
	}
	if err := json.Unmarshal([]byte(w.Relance("flags", "--json")), &flags); err != nil {
		t.Fatal(err)
	}
	flagKinds := map[string]map[string]bool{}
	for _, f := range flags {
		if f.Kind == "triage" {
			triaged[f.Invoice] = true
		}
		if flagKinds[f.Invoice] == nil {
			flagKinds[f.Invoice] = map[string]bool{}
		}
		flagKinds[f.Invoice][f.Kind] = true
	}
	numbersOf := func(client string) []string {
		var out []string
		for _, d := range docs {
			if d.kind == "invoice" && d.client == client {
				out = append(out, d.number)
			}
		}
		return out
	}
	perRoute := map[string][2]int{}
	right := 0
	for _, r := range reps {
		ok := false
		l := linked[r.tag]
		switch {
		case r.want == "none":
			ok = len(l) == 0
		case strings.HasPrefix(r.want, "triage:"):
			ok = len(l) == 0
			for _, n := range numbersOf(strings.TrimPrefix(r.want, "triage:")) {
				ok = ok && triaged[n]
			}
		default:
			ok = len(l) == 1 && l[0].number == r.want && l[0].route == r.route && unknownNoted[r.tag] == r.unknown
		}
		c := perRoute[r.route]
		c[1]++
		if ok {
			c[0]++
			right++
		} else {
			t.Errorf("reply %s (%s, from %s): linked %v, want %s by %s (unknown %v)", r.tag, r.subject, r.from, l, r.want, r.route, r.unknown)
		}
		perRoute[r.route] = c
	}

	// Money sense: the unknown payer's claim is checked; the balance
	// after a credit note is no dispute; a credit note is no self-check.
	state := map[string]string{}
	for _, in := range invs {
		state[in.Number] = in.State
	}
	for _, r := range reps {
		if r.unknown && !flagKinds[r.want]["unknown_sender"] {
			t.Errorf("reply %s: a payment claimed from an unknown address raised no check flag on %s (flags %v)", r.tag, r.want, flagKinds[r.want])
		}
		if strings.Contains(r.body, "virement de 100,00 €") && !flagKinds[r.want]["partial_claim"] {
			t.Errorf("reply %s: a partial payment claimed raised no partial_claim flag on %s (state %s, flags %v)", r.tag, r.want, state[r.want], flagKinds[r.want])
		}
		if strings.Contains(r.body, "Je conteste") && !flagKinds[r.want]["dispute"] {
			t.Errorf("reply %s: a dispute in the thread of a mail whose number is only attached opened no dispute flag on %s", r.tag, r.want)
		}
		if strings.Contains(r.body, "après déduction de votre avoir") && (state[r.want] != "paid_claimed" || flagKinds[r.want]["dispute"]) {
			t.Errorf("reply %s: paying the balance after a credit note left %s %s with flags %v", r.tag, r.want, state[r.want], flagKinds[r.want])
		}
	}
	manualWant, manualRight := 0, 0
	for _, d := range docs {
		if d.rejected == "own_reminder" {
			manualWant++
			if manual[d.number] {
				manualRight++
			} else {
				t.Errorf("the reminder written by hand %s is not recorded on %s", d.msgID, d.number)
			}
		}
	}
	for _, d := range docs {
		if d.kind == "credit_note" && flagKinds[d.number]["self_check"] {
			t.Errorf("credit note %s has a self_check flag", d.number)
		}
	}

	// The owner adopts a document set aside, from the command line.
	var fwd string
	for _, d := range docs {
		if d.rejected == "not_ours" && fwd == "" && strings.Contains(string(d.raw), "FL-2211") {
			fwd = d.msgID
		}
	}
	if out := w.Relance("invoices", "adopt", "<"+fwd+">"); !strings.Contains(out, "FL-2211") {
		t.Errorf("adopt: %s", out)
	}
	if err := json.Unmarshal([]byte(w.Relance("invoices", "--rejected", "--json")), &rejected); err != nil {
		t.Fatal(err)
	}
	for _, r := range rejected {
		if r.MessageID == fwd && (r.Adopted == nil || *r.Adopted != "FL-2211") {
			t.Errorf("after adoption, %s is listed as %+v", fwd, r)
		}
	}
	if _, _, code := world.Run("invoices", "adopt", fwd); code == 0 {
		t.Error("a document adopted twice")
	}

	var routes []string
	for k := range perRoute {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	var rb strings.Builder
	for _, k := range routes {
		fmt.Fprintf(&rb, " %s %d/%d;", k, perRoute[k][0], perRoute[k][1])
	}
	t.Logf("issue-15 mailbox: %d sent mails (%d invoices, %d credit notes, %d re-sends, %d documents not ours), %d replies",
		len(docs), wantInv, wantCN, 3, wantRej, len(reps))
	t.Logf("discovery: invoices right %d/%d (number, client, balance owed, currency, due date); credit notes %d/%d; set aside with the right reason %d/%d; taken for ours wrongly %d",
		rightInv, wantInv, rightCN, wantCN, rightRej, wantRej, wrongTaken)
	t.Logf("threading: replies on the right invoice (or triage, or none) by the right route %d/%d:%s", right, len(reps), rb.String())
	t.Logf("reminders written by hand recorded on their invoice: %d/%d", manualRight, manualWant)
}
