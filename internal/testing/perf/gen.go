package perf

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/relance/relance/internal/invoice/pdfwrite"
)

// Folders the generator writes to.
const (
	FolderSent  = "Sent"
	FolderInbox = "INBOX"
)

// Own is the business address every generated invoice is sent from.
const Own = "factures@atelier-perf.test"

// Spec describes a generated mailbox.
type Spec struct {
	Messages int // total messages (Sent + INBOX)
	// Invoices is how many of them are invoices in Sent (the rest are
	// replies in INBOX). Zero means 40 % of Messages.
	Invoices int
	// PDFShare is the share of invoices carrying a 30–120 KiB PDF. Negative
	// means none; zero means 0.6.
	PDFShare float64
	Seed     uint64
	// Disputes, when set, makes every reply a dispute (the latency test).
	Disputes bool
	// Clients is how many clients the invoices are spread over; zero means
	// 400. The first pass drafts one reminder per client owing: fewer
	// clients, fewer drafts.
	Clients int
}

// Stats summarises what Generate wrote.
type Stats struct {
	Messages, Invoices, PDFs, Replies int
	Bytes                             int64
}

// Message is one generated mail.
type Message struct {
	Folder string
	Raw    []byte
	Seen   bool
}

// BaseTime is the fixed "today" of generated mailboxes: dates spread over
// the two years before it.
func BaseTime() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

func (s Spec) withDefaults() (Spec, error) {
	if s.Messages <= 0 {
		return s, errors.New("perf: spec: Messages must be positive")
	}
	if s.Invoices == 0 {
		s.Invoices = s.Messages * 2 / 5
	}
	if s.Clients <= 0 {
		s.Clients = clients
	}
	if s.Invoices < 1 || s.Invoices > s.Messages {
		return s, fmt.Errorf("perf: spec: Invoices %d outside [1, %d]", s.Invoices, s.Messages)
	}
	switch {
	case s.PDFShare == 0:
		s.PDFShare = 0.6
	case s.PDFShare < 0:
		s.PDFShare = 0
	case s.PDFShare > 1:
		return s, fmt.Errorf("perf: spec: PDFShare %g above 1", s.PDFShare)
	}
	return s, nil
}

// InvoiceMessageID is the Message-ID (without brackets) of invoice i.
func InvoiceMessageID(i int) string { return fmt.Sprintf("inv-%d@atelier-perf.test", i) }

// InvoiceNumber is the number of invoice i.
func InvoiceNumber(i int) string { return fmt.Sprintf("F-2025-%05d", i+1) }

// clients is how many distinct clients invoices are spread over by default.
const clients = 400

// ClientOf is the client (index) invoice i is addressed to, with the
// default number of clients.
func ClientOf(i int) int { return i % clients }

// Generate writes the mailbox described by spec through emit, invoices
// first (in date order), then replies. The output depends only on spec.
func Generate(spec Spec, emit func(Message) error) (Stats, error) {
	spec, err := spec.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x5eed))
	g := &gen{rng: rng, clients: spec.Clients}
	base := BaseTime()
	var st Stats
	span := 2 * 365 * 24 * time.Hour
	for i := range spec.Invoices {
		issued := base.Add(-span + time.Duration(int64(span)*int64(i)/int64(spec.Invoices)))
		withPDF := rng.Float64() < spec.PDFShare
		raw, err := g.invoice(i, issued, withPDF)
		if err != nil {
			return st, err
		}
		if err := emit(Message{Folder: FolderSent, Raw: raw, Seen: true}); err != nil {
			return st, fmt.Errorf("perf: write invoice %d: %w", i, err)
		}
		st.Invoices++
		if withPDF {
			st.PDFs++
		}
		st.Bytes += int64(len(raw))
	}
	replies := spec.Messages - spec.Invoices
	for j := range replies {
		i := rng.IntN(spec.Invoices)
		if spec.Disputes {
			i = j % spec.Invoices
		}
		raw := g.reply(j, i, spec.Disputes)
		if err := emit(Message{Folder: FolderInbox, Raw: raw, Seen: rng.IntN(3) > 0}); err != nil {
			return st, fmt.Errorf("perf: write reply %d: %w", j, err)
		}
		st.Replies++
		st.Bytes += int64(len(raw))
	}
	st.Messages = st.Invoices + st.Replies
	return st, nil
}

type gen struct {
	rng     *rand.Rand
	buf     bytes.Buffer
	clients int // 0: the default
}

// clientOf is the client (index) invoice i is addressed to.
func (g *gen) clientOf(i int) int {
	if g.clients > 0 {
		return i % g.clients
	}
	return ClientOf(i)
}

func firstNames() []string {
	return []string{"Claire", "Julien", "Sophie", "Marc", "Nadia", "Thomas", "Emma", "Karim", "Lucie", "Paul", "Inès", "Hugo"}
}
func lastNames() []string {
	return []string{"Martin", "Bernard", "Dubois", "Robert", "Moreau", "Laurent", "Girard", "Lefèvre", "Roux", "Fournier"}
}
func companies() []string {
	return []string{"Boulangerie", "Studio", "Cabinet", "Garage", "Agence", "Atelier", "Librairie", "Menuiserie", "Pharmacie", "Hôtel"}
}
func towns() []string {
	return []string{"Lyon", "Nantes", "Lille", "Rennes", "Dijon", "Tours", "Grenoble", "Annecy", "Metz", "Brest"}
}

func clientName(c int) (person, company, email string) {
	fn, ln, co, tw := firstNames(), lastNames(), companies(), towns()
	person = fn[c%len(fn)] + " " + ln[(c/len(fn))%len(ln)]
	company = co[c%len(co)] + " " + tw[(c/3)%len(tw)]
	email = fmt.Sprintf("compta%d@client%d.test", c, c)
	return
}

func amount(i int) (euros, cents int) {
	v := 12000 + (i*7919)%480000
	return v / 100, v % 100
}

func frAmount(i int) string { e, c := amount(i); return fmt.Sprintf("%d,%02d", e, c) }

func header(b *bytes.Buffer, from, to, subject, msgID string, date time.Time) {
	fmt.Fprintf(b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		from, to, qEncode(subject), date.Format(time.RFC1123Z), msgID)
}

// qEncode writes s as an RFC 2047 encoded word when it is not ASCII.
func qEncode(s string) string {
	for _, r := range s {
		if r >= 0x80 {
			return "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
		}
	}
	return s
}

// invoice writes invoice i: multipart/mixed with a PDF when withPDF (the
// body states the facts in most of them, only "see attached" in a quarter),
// otherwise a plain text or text+HTML mail carrying the facts.
func (g *gen) invoice(i int, issued time.Time, withPDF bool) ([]byte, error) {
	c := g.clientOf(i)
	person, company, email := clientName(c)
	num := InvoiceNumber(i)
	due := issued.AddDate(0, 0, 30)
	b := &g.buf
	b.Reset()
	header(b, "Atelier Perf <"+Own+">", fmt.Sprintf("%s <%s>", qEncode(person), email),
		fmt.Sprintf("Facture %s - Atelier Perf", num), InvoiceMessageID(i), issued)
	text := fmt.Sprintf("Bonjour %s,\r\n\r\nVeuillez trouver ci-joint la facture n° %s du %s pour %s, d'un montant de %s € TTC.\r\n\r\nDate d'échéance : %s\r\nRèglement par virement (IBAN FR76 3000 6000 0112 3456 7890 189).\r\n\r\nCordialement,\r\nAtelier Perf\r\n12 rue des Tanneurs, 69001 Lyon\r\n",
		person, num, issued.Format("02/01/2006"), company, frAmount(i), due.Format("02/01/2006"))
	terse := withPDF && g.rng.IntN(4) == 0
	if terse {
		text = fmt.Sprintf("Bonjour,\r\n\r\nVous trouverez notre document en pièce jointe.\r\n\r\nBien à vous,\r\nAtelier Perf\r\n")
	}
	html := ""
	if !terse && g.rng.IntN(2) == 0 {
		html = invoiceHTML(person, company, num, issued, due, frAmount(i), g.rng.IntN(60))
	}
	switch {
	case withPDF:
		boundary := fmt.Sprintf("mixed-%d", i)
		fmt.Fprintf(b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary)
		fmt.Fprintf(b, "--%s\r\n", boundary)
		writeBody(b, text, html, fmt.Sprintf("alt-%d", i))
		pdf, err := g.pdf(i, person, company, num, issued, due)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: application/pdf; name=\"%s.pdf\"\r\nContent-Disposition: attachment; filename=\"%s.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, num, num)
		writeBase64(b, pdf)
		fmt.Fprintf(b, "--%s--\r\n", boundary)
	default:
		writeBody(b, text, html, fmt.Sprintf("alt-%d", i))
	}
	return bytes.Clone(b.Bytes()), nil
}

func (g *gen) pdf(i int, person, company, num string, issued, due time.Time) ([]byte, error) {
	var out bytes.Buffer
	e, c := amount(i)
	ht := float64(e*100+c) / 1.2 / 100
	lines := []string{
		"Atelier Perf - 12 rue des Tanneurs, 69001 Lyon - SIREN 123 456 789",
		"",
		"FACTURE " + num,
		"Date : " + issued.Format("02/01/2006"),
		"Client : " + company + " (" + person + ")",
		"",
		fmt.Sprintf("Prestations de conception graphique           %.2f EUR HT", ht),
		fmt.Sprintf("TVA 20 %%                                        %.2f EUR", float64(e*100+c)/100-ht),
		fmt.Sprintf("Total TTC                                       %s EUR", frAmount(i)),
		"",
		"Echéance : " + due.Format("02/01/2006"),
		"Pénalités de retard : 3 fois le taux d'intérêt légal ; indemnité forfaitaire de 40 EUR.",
	}
	pad := 30<<10 + g.rng.IntN(90<<10)
	if err := pdfwrite.Write(&out, pdfwrite.Doc{Title: "Facture " + num, Lines: lines, PadBytes: pad}); err != nil {
		return nil, fmt.Errorf("perf: invoice %d PDF: %w", i, err)
	}
	return out.Bytes(), nil
}

func invoiceHTML(person, company, num string, issued, due time.Time, amt string, rows int) string {
	var h strings.Builder
	fmt.Fprintf(&h, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>td{padding:4px 8px;border-bottom:1px solid #ddd}table{border-collapse:collapse}</style></head><body>\r\n")
	fmt.Fprintf(&h, "<p>Bonjour %s,</p><p>Veuillez trouver ci-dessous la facture n° <b>%s</b> du %s pour %s.</p>\r\n<table>\r\n", person, num, issued.Format("02/01/2006"), company)
	for r := range rows + 3 {
		fmt.Fprintf(&h, "<tr><td>Ligne %d — prestation de conception, maquette et suivi de fabrication</td><td style=\"text-align:right\">%d,00 €</td></tr>\r\n", r+1, 40+r*15)
	}
	fmt.Fprintf(&h, "<tr><td><b>Total TTC</b></td><td><b>%s €</b></td></tr></table>\r\n<p>Date d'échéance : %s</p><p>Cordialement,<br>Atelier Perf</p></body></html>\r\n", amt, due.Format("02/01/2006"))
	return h.String()
}

// writeBody writes a text part, or multipart/alternative text+HTML, with
// its Content-Type header.
func writeBody(b *bytes.Buffer, text, html, boundary string) {
	if html == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(text)
		return
	}
	fmt.Fprintf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(text)
	fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", boundary)
	b.WriteString(html)
	fmt.Fprintf(b, "\r\n--%s--\r\n", boundary)
}

func writeBase64(b *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
}

func replyBodies() []string {
	return []string{
		"Bonjour,\r\n\r\nLe virement a été effectué ce matin, vous devriez le recevoir sous 48 heures.\r\n",
		"Bonjour,\r\n\r\nNous réglerons cette facture le 15 du mois prochain, comme convenu avec votre collègue.\r\n",
		"Bonjour,\r\n\r\nPouvez-vous nous renvoyer la facture avec notre numéro de bon de commande ? Notre service comptable en a besoin.\r\n",
		"Bonjour,\r\n\r\nMerci, bien reçu. Je transmets à la comptabilité.\r\n",
		"Hello,\r\n\r\nThanks for the invoice. Payment has been scheduled for the end of the month.\r\n",
		"Bonjour,\r\n\r\nJe suis absente du bureau jusqu'au 20 et n'aurai qu'un accès limité à mes messages.\r\n",
		"Bonjour,\r\n\r\nNous sommes un peu déçus du délai de livraison cette fois-ci, mais nous paierons.\r\n",
	}
}

const disputeBody = "Bonjour,\r\n\r\nNous contestons cette facture : la prestation n'a jamais été livrée et nous refusons de la payer en l'état.\r\n"

// reply writes reply j, answering invoice i, with the invoice text quoted
// below (and an HTML version with a blockquote and a small signature logo
// in half of them).
func (g *gen) reply(j, i int, dispute bool) []byte {
	c := g.clientOf(i)
	person, company, email := clientName(c)
	num := InvoiceNumber(i)
	bodies := replyBodies()
	body := bodies[g.rng.IntN(len(bodies))]
	if dispute {
		body = disputeBody
	}
	span := 2 * 365 * 24 * time.Hour
	date := BaseTime().Add(-span + time.Duration(g.rng.Int64N(int64(span))))
	b := &g.buf
	b.Reset()
	header(b, fmt.Sprintf("%s <%s>", qEncode(person), email), "Atelier Perf <"+Own+">",
		fmt.Sprintf("RE: Facture %s - Atelier Perf", num), fmt.Sprintf("reply-%d@client%d.test", j, c), date)
	fmt.Fprintf(b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", InvoiceMessageID(i), InvoiceMessageID(i))
	if !dispute && strings.Contains(body, "absente") {
		b.WriteString("Auto-Submitted: auto-replied\r\n")
	}
	sig := fmt.Sprintf("\r\n%s\r\n%s\r\nTél. 04 78 00 %02d %02d\r\n", person, company, c%100, (c*7)%100)
	quoted := fmt.Sprintf("Bonjour,\nVeuillez trouver ci-joint la facture n° %s, d'un montant de %s € TTC.\nDate d'échéance : sous 30 jours.\nCordialement,\nAtelier Perf\n12 rue des Tanneurs, 69001 Lyon\n", num, frAmount(i))
	var text strings.Builder
	text.WriteString(body)
	text.WriteString(sig)
	fmt.Fprintf(&text, "\r\nLe %s, Atelier Perf <%s> a écrit :\r\n", date.AddDate(0, 0, -3).Format("02/01/2006 à 15:04"), Own)
	for _, l := range strings.Split(strings.TrimSuffix(quoted, "\n"), "\n") {
		text.WriteString("> " + l + "\r\n")
	}
	if g.rng.IntN(2) == 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(text.String())
		return bytes.Clone(b.Bytes())
	}
	var h strings.Builder
	fmt.Fprintf(&h, "<html><head><meta charset=\"utf-8\"></head><body><div dir=\"ltr\">%s</div>", strings.ReplaceAll(body, "\r\n", "<br>\r\n"))
	fmt.Fprintf(&h, "<div class=\"signature\"><img src=\"cid:logo-%d\" alt=\"%s\" width=\"120\"><br>%s<br>%s</div>\r\n", j, company, person, company)
	fmt.Fprintf(&h, "<div class=\"quote\"><p>Le %s, Atelier Perf a écrit :</p><blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">%s</blockquote></div></body></html>\r\n",
		date.AddDate(0, 0, -3).Format("02/01/2006"), strings.ReplaceAll(quoted, "\n", "<br>\r\n"))
	rel := fmt.Sprintf("rel-%d", j)
	fmt.Fprintf(b, "Content-Type: multipart/related; boundary=\"%s\"\r\n\r\n--%s\r\n", rel, rel)
	writeBody(b, text.String(), h.String(), fmt.Sprintf("alt-r%d", j))
	logo := make([]byte, 3<<10+g.rng.IntN(12<<10))
	for k := range logo {
		logo[k] = byte(g.rng.Uint32())
	}
	fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo-%d>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", rel, j)
	writeBase64(b, logo)
	fmt.Fprintf(b, "--%s--\r\n", rel)
	return bytes.Clone(b.Bytes())
}

// DisputeReply is reply number j of a client disputing invoice i, as a mail
// client would APPEND it (used to time reply → flag).
func DisputeReply(j, i int, seed uint64) []byte {
	g := &gen{rng: rand.New(rand.NewPCG(seed, uint64(j)))}
	return g.reply(1_000_000+j, i, true)
}
