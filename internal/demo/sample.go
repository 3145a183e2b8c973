package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the sample month is dated in Paris, London, Köln and New York on any host
)

// The firm the demo mailbox belongs to. Identifiers are fictitious but
// well-formed (SIREN Luhn, VAT key, RIB key and IBAN check digits hold), so
// the daemon's self-checks see a believable invoice.
const (
	firmName      = "Atelier Moreau"
	firmTagline   = "Menuiserie & design"
	firmLegal     = "Atelier Moreau SARL au capital de 8 000 €"
	firmStreet    = "14 montée du Gourguillon"
	firmCity      = "69005 Lyon"
	firmPhone     = "04 65 71 23 48"
	firmPhoneIntl = "+33 4 65 71 23 48"
	firmSIRET     = "812 345 676 00017"
	firmVAT       = "FR19812345676"
	firmIBAN      = "FR76 1780 6003 2104 1239 8765 495"
	firmBIC       = "AGRIFRPP878"
	firmDomain    = "atelier-moreau.fr"
	firmWeb       = "atelier-moreau.fr"
	ownerName     = "Camille Moreau"
)

func firm() person { return person{firmName, "factures@" + firmDomain} }

// person is a mailbox: display name and address.
type person struct{ name, email string }

// client is a customer of the firm.
type client struct {
	key      string
	name     string // legal name as billed
	address  []string
	vatID    string
	contact  person // to whom invoices go
	cc       []person
	lang     string // "fr" or "en"
	greeting string // first line of our mails to them
	business bool   // false for a private customer: no B2C late-payment indemnity
}

type docKind int

const (
	kindInvoice docKind = iota
	kindCreditNote
	kindQuote
)

// sentFormat is how an invoice mail was produced and what it carries.
type sentFormat int

const (
	fmtPlainFR sentFormat = iota // typed in Thunderbird, every fact in the body, no attachment
	fmtPDFFR                     // Thunderbird, a short note and the PDF
	fmtFacturX                   // the invoicing program: text + HTML, Factur-X PDF
	fmtHTMLPDF                   // the invoicing program: text + HTML, plain PDF
	fmtPlainEN                   // English, every fact in the body
	fmtPDFEN                     // English, a short note and the PDF
	fmtUBLEN                     // English, PDF and UBL 2.1 XML
)

// item is one invoice line; qty in hundredths, price in cents excluding VAT.
type item struct {
	desc  string
	qty   int64
	unit  string
	price int64
}

func (it item) total() int64 { return it.qty * it.price / 100 }

// doc is an invoice, a credit note or a quote, with how and when it left.
type doc struct {
	kind        docKind
	series      string // "F", "INV", "AV", "D"
	client      *client
	object      string // what it is for, in the client's language ("le comptoir de la boutique")
	currency    string
	vatPermille int64  // 200 for 20 %
	vatNote     string // legal mention when no VAT is charged
	items       []item
	termsDays   int
	endOfMonth  bool // "45 jours fin de mois"
	onReceipt   bool
	daysAgo     int // issue day, before weekend adjustment
	hour, min   int
	format      sentFormat
	qp          bool   // plain body quoted-printable instead of 8bit
	note        string // personal line in the mail
	receipt     bool   // asks for a read receipt
	to          *person
	ref         *doc // invoice a credit note corrects
	po          string

	// Set while building.
	number  string
	issue   time.Time // the issue day, local midnight
	due     time.Time
	sentAt  time.Time
	msgID   string // with angle brackets
	subject string
	text    string // plain body as sent, for quoting in replies
	raw     []byte
}

// sentRef is what replies need of a mail the firm sent that is not an
// invoice of its own.
type sentRef struct {
	msgID, subject, text string
	at                   time.Time
}

func (d *doc) totals() (net, vat, gross int64) {
	for _, it := range d.items {
		net += it.total()
	}
	// Half-up rounding of the VAT to the cent, as invoicing programs do.
	vat = (net*d.vatPermille + 500) / 1000
	return net, vat, net + vat
}

func (d *doc) gross() int64 { _, _, g := d.totals(); return g }

// sampleMail is one generated mail with the time it is dated.
type sampleMail struct {
	at  time.Time
	raw []byte
}

// month builds the sample month relative to now.
type month struct {
	now   time.Time
	paris *time.Location
	today time.Time // local midnight of now in Paris

	sent, inbox []sampleMail

	resent   sentRef // the invoice sent again after the bounce
	reminder sentRef // the reminder written by hand
}

// SampleMonth returns the raw RFC 5322 mails of a realistic month, by folder
// ("Sent", "INBOX", "Drafts"), each folder oldest first. The same now always
// gives the same bytes.
//
// Building it cannot fail on any now: every document in it is fixed. Should
// a generated attachment ever be refused, the folders come back empty and
// Start, which builds through sampleMonth, reports the error.
func SampleMonth(now time.Time) map[string][][]byte {
	folders, err := sampleMonth(now)
	if err != nil {
		return map[string][][]byte{FolderSent: {}, FolderInbox: {}, FolderDrafts: {}}
	}
	return folders
}

func sampleMonth(now time.Time) (map[string][][]byte, error) {
	m := newMonth(now)
	docs, err := m.buildSent()
	if err != nil {
		return nil, err
	}
	if err := m.buildInbox(docs); err != nil {
		return nil, err
	}
	return map[string][][]byte{
		FolderSent:   sortedRaw(m.sent),
		FolderInbox:  sortedRaw(m.inbox),
		FolderDrafts: {},
	}, nil
}

func newMonth(now time.Time) *month {
	paris := location("Europe/Paris", 3600)
	local := now.In(paris)
	return &month{
		now:   now,
		paris: paris,
		today: time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, paris),
	}
}

// location loads a zone from the embedded database; the fixed fallback only
// guards against a zone name typo, which the tests would catch.
func location(name string, offset int) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone(name, offset)
	}
	return loc
}

func sortedRaw(mails []sampleMail) [][]byte {
	sort.SliceStable(mails, func(i, j int) bool { return mails[i].at.Before(mails[j].at) })
	out := make([][]byte, len(mails))
	for i, m := range mails {
		out[i] = m.raw
	}
	return out
}

// day is local midnight daysAgo days before today.
func (m *month) day(daysAgo int) time.Time { return m.today.AddDate(0, 0, -daysAgo) }

// at is a moment daysAgo days before today, at hh:mm Paris time, never
// later than now (a generated mail from the future would be absurd).
func (m *month) at(daysAgo, hh, mm int) time.Time {
	t := m.day(daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	if limit := m.now.Add(-time.Duration(daysAgo+1) * time.Minute); t.After(limit) {
		t = limit.In(m.paris)
	}
	return t
}

// weekday moves a weekend day back to the Friday before: the firm invoices
// during the week.
func weekday(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, -1)
	case time.Sunday:
		return t.AddDate(0, 0, -2)
	}
	return t
}

// nextWeekday is the first given weekday strictly after t ("vendredi
// prochain" said on a Monday is that week's Friday, as people mean it).
func nextWeekday(t time.Time, wd time.Weekday) time.Time {
	n := (int(wd) - int(t.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return t.AddDate(0, 0, n)
}

func endOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location())
}

// numberDocs gives each series its numbers in issue order. A series that
// crosses into a new year restarts at 1, as French numbering rules allow.
func numberDocs(docs []*doc, first map[string]int) {
	ordered := append([]*doc(nil), docs...)
	// Same-day documents are numbered in the order they were made.
	at := func(d *doc) time.Time { return d.issue.Add(time.Duration(d.hour*60+d.min) * time.Minute) }
	sort.SliceStable(ordered, func(i, j int) bool { return at(ordered[i]).Before(at(ordered[j])) })
	type counter struct{ year, next int }
	counters := map[string]*counter{}
	for _, d := range ordered {
		c := counters[d.series]
		switch {
		case c == nil:
			c = &counter{d.issue.Year(), first[d.series]}
			counters[d.series] = c
		case d.issue.Year() != c.year:
			c.year, c.next = d.issue.Year(), 1
		}
		d.number = fmt.Sprintf("%s-%d-%04d", d.series, c.year, c.next)
		c.next++
	}
}

// messageID makes a Message-ID in the shape a given program uses, stable
// for a given label.
func messageID(style, label, domain string) string {
	h := digest(label)
	switch style {
	case "uuid": // Thunderbird, Apple Mail
		return fmt.Sprintf("<%s-%s-%s-%s-%s@%s>", h[:8], h[8:12], "4"+h[13:16], "a"+h[17:20], h[20:32], domain)
	case "gmail":
		return fmt.Sprintf("<CA%s%s@mail.gmail.com>", strings.ToUpper(h[:10]), h[10:38])
	case "outlook":
		return fmt.Sprintf("<PR3P193MB%s%s@PR3P193MB%s.EURP193.PROD.OUTLOOK.COM>",
			strings.ToUpper(h[:4]), strings.ToUpper(h[4:20]), strings.ToUpper(h[20:24]))
	case "apple":
		return fmt.Sprintf("<%s-%s-%s-%s-%s@%s>", strings.ToUpper(h[:8]), strings.ToUpper(h[8:12]),
			strings.ToUpper(h[12:16]), strings.ToUpper(h[16:20]), strings.ToUpper(h[20:32]), domain)
	default:
		return fmt.Sprintf("<%s.%s@%s>", strings.ReplaceAll(label, "/", "."), h[:12], domain)
	}
}

// boundary makes a multipart boundary in a given program's style.
func boundary(style, label string) string {
	h := digest("boundary/" + label)
	switch style {
	case "gmail":
		return "000000000000" + h[:14]
	case "outlook":
		return "_000_PR3P193MB" + strings.ToUpper(h[:20]) + "PR3P193MB" + strings.ToUpper(h[20:24]) + "EURP_"
	case "apple":
		return "Apple-Mail=_" + strings.ToUpper(h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32])
	case "thunderbird":
		return "------------" + strings.ToUpper(h[:24])
	default:
		return "=_Part_" + h[:10] + "_" + h[10:16]
	}
}

// lines joins text lines with LF; the builder turns them into CRLF.
func lines(ls ...string) string { return strings.Join(ls, "\n") }

// fill replaces {placeholders} in a text.
func fill(text string, kv ...string) string { return strings.NewReplacer(kv...).Replace(text) }

func trimBlankRuns(s string) string {
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s) + "\n"
}

// headerBlock starts a message's headers.
type headerBlock []field

func (h *headerBlock) add(name, value string) { *h = append(*h, field{name, value}) }

func (h headerBlock) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}
