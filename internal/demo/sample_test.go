package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/relance/relance/internal/message"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleNows are moments the sample month must work for: today-like, the
// turn of a year (two numbering years), both DST changes, a leap day, and a
// time just after midnight.
var sampleNows = []time.Time{
	testNow,
	time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
	time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC),
	time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC),
	time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC),
	time.Date(2026, 7, 1, 22, 5, 0, 0, time.UTC),
}

// leaf is one decoded MIME leaf of a mail.
type leaf struct {
	mediaType string
	params    map[string]string
	header    textproto.MIMEHeader
	data      []byte
}

// walk decodes a mail into its leaves with the standard library only, so
// that the sample is checked against a parser that is not ours.
func walk(t *testing.T, header textproto.MIMEHeader, body io.Reader) []leaf {
	t.Helper()
	ct := header.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		var out []leaf
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("multipart %s: %v", mediaType, err)
			}
			out = append(out, walk(t, p.Header, p)...)
		}
		if len(out) == 0 {
			t.Fatalf("empty %s", mediaType)
		}
		return out
	}
	var dec io.Reader = body
	switch strings.ToLower(header.Get("Content-Transfer-Encoding")) {
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(dec)
	if err != nil {
		t.Fatalf("decode %s: %v", mediaType, err)
	}
	return []leaf{{mediaType, params, header, data}}
}

type parsedMail struct {
	raw    []byte
	header mail.Header
	leaves []leaf
	msg    *message.Message
}

func (p parsedMail) text() string {
	var b strings.Builder
	for _, l := range p.leaves {
		if strings.HasPrefix(l.mediaType, "text/") || strings.HasPrefix(l.mediaType, "message/") {
			b.Write(l.data)
		}
	}
	return b.String()
}

func parseAll(t *testing.T, folders map[string][][]byte) map[string][]parsedMail {
	t.Helper()
	out := map[string][]parsedMail{}
	for folder, raws := range folders {
		for i, raw := range raws {
			name := fmt.Sprintf("%s #%d", folder, i)
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: net/mail: %v", name, err)
			}
			leaves := walk(t, textproto.MIMEHeader(m.Header), m.Body)
			msg, err := message.Parse(bytes.NewReader(raw), message.Options{})
			if err != nil {
				t.Fatalf("%s: message.Parse: %v", name, err)
			}
			if len(msg.Problems) > 0 {
				t.Errorf("%s: message.Parse problems: %v", name, msg.Problems)
			}
			out[folder] = append(out[folder], parsedMail{raw, m.Header, leaves, msg})
		}
	}
	return out
}

func TestSampleMonthIsWellFormed(t *testing.T) {
	for _, now := range sampleNows {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			folders, err := sampleMonth(now)
			if err != nil {
				t.Fatalf("sampleMonth: %v", err)
			}
			parsed := parseAll(t, folders)
			ids := map[string]time.Time{}
			for folder, mails := range parsed {
				var prev time.Time
				for i, p := range mails {
					name := fmt.Sprintf("%s #%d", folder, i)
					checkRaw(t, name, p.raw)
					date, err := p.header.Date()
					if err != nil {
						t.Fatalf("%s: Date: %v", name, err)
					}
					if date.After(now) || date.Before(now.AddDate(0, 0, -90)) {
						t.Errorf("%s: Date %v outside the 90 days before %v", name, date, now)
					}
					if date.Before(prev) {
						t.Errorf("%s: dated %v, before the mail above it (%v)", name, date, prev)
					}
					prev = date
					id := p.header.Get("Message-Id")
					if id == "" || p.header.Get("From") == "" || p.header.Get("Subject") == "" {
						t.Errorf("%s: missing Message-ID, From or Subject", name)
					}
					if _, dup := ids[id]; dup {
						t.Errorf("%s: duplicate Message-ID %s", name, id)
					}
					ids[id] = date
					if _, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject")); err != nil {
						t.Errorf("%s: Subject: %v", name, err)
					}
					if _, err := p.header.AddressList("From"); err != nil && !strings.HasPrefix(p.header.Get("From"), "MAILER-DAEMON") {
						t.Errorf("%s: From: %v", name, err)
					}
				}
			}
			// A reply never predates what it answers.
			for folder, mails := range parsed {
				for i, p := range mails {
					parent := p.header.Get("In-Reply-To")
					if parent == "" {
						continue
					}
					pd, ok := ids[parent]
					if !ok {
						t.Errorf("%s #%d: In-Reply-To %s is not in the sample", folder, i, parent)
						continue
					}
					if d, _ := p.header.Date(); !d.After(pd) {
						t.Errorf("%s #%d: reply dated %v, not after its parent %v", folder, i, d, pd)
					}
				}
			}
		})
	}
}

// checkRaw enforces the wire rules: CRLF only, lines within 998 octets,
// an ASCII header.
func checkRaw(t *testing.T, name string, raw []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("%s: bare LF", name)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Errorf("%s: bare CR", name)
	}
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("%s: line of %d octets", name, len(line))
			break
		}
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, c := range head {
		if c >= 0x80 {
			t.Errorf("%s: non-ASCII octet in the header", name)
			break
		}
	}
}

var invoiceNumber = regexp.MustCompile(`\b(?:F|INV)-\d{4}-\d{4}\b`)

func TestSampleMonthContents(t *testing.T) {
	parsed := parseAll(t, SampleMonth(testNow))
	sent, inbox := parsed[FolderSent], parsed[FolderInbox]
	if n := len(parsed[FolderDrafts]); n != 0 {
		t.Errorf("Drafts holds %d mails, want none", n)
	}

	numbers := map[string]bool{}
	sentIDs := map[string]bool{}
	var facturx, ubl, pdfs, creditNotes, quotes, resends, qp int
	allText := ""
	for _, p := range sent {
		sentIDs[p.header.Get("Message-Id")] = true
		subject := p.msg.Subject
		if n := invoiceNumber.FindString(subject); n != "" && !strings.HasPrefix(subject, "Re") &&
			!strings.HasPrefix(subject, "TR") && !strings.HasPrefix(subject, "Avoir") {
			numbers[n] = true
		}
		if p.msg.From.Email != "factures@atelier-moreau.fr" {
			t.Errorf("Sent mail from %q", p.msg.From.Email)
		}
		switch {
		case strings.HasPrefix(subject, "Avoir "):
			creditNotes++
		case strings.HasPrefix(subject, "Devis "):
			quotes++
		}
		if strings.Contains(p.msg.Text, "Je vous renvoie donc la facture") {
			resends++
		}
		if bytes.Contains(p.raw, []byte("quoted-printable")) {
			qp++
		}
		for _, l := range p.leaves {
			switch l.mediaType {
			case "application/pdf":
				pdfs++
				if bytes.Contains(l.data, []byte("factur-x.xml")) {
					facturx++
				}
				checkPDF(t, subject, l.data)
			case "application/xml":
				if bytes.Contains(l.data, []byte("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")) {
					ubl++
				}
			}
		}
		allText += p.text()
	}
	if len(numbers) < 22 {
		t.Errorf("Sent holds %d distinct invoices, want at least 22", len(numbers))
	}
	for _, c := range []struct {
		what     string
		got, min int
	}{
		{"PDF attachments", pdfs, 10},
		{"Factur-X PDFs", facturx, 3},
		{"UBL attachments", ubl, 1},
		{"credit notes", creditNotes, 1},
		{"quotes", quotes, 1},
		{"re-sends", resends, 1},
		{"quoted-printable mails", qp, 3},
	} {
		if c.got < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, c.got, c.min)
		}
	}
	for _, s := range []string{"€", "£2,400.00", "$3,800.00", "Échéance", "Due date", "Amount due"} {
		if !strings.Contains(allText, s) {
			t.Errorf("no sent mail mentions %q", s)
		}
	}

	// Replies: threaded to one of our mails or quoting an invoice number.
	var replies, autoReplies, bounces, receipts, lists int
	for i, p := range inbox {
		h := p.header
		switch {
		case p.msg.Report != nil && p.msg.Report.Type == "delivery-status":
			bounces++
			continue
		case p.msg.Report != nil && p.msg.Report.Type == "disposition-notification":
			receipts++
		case h.Get("List-Unsubscribe") != "":
			lists++
			continue
		}
		if h.Get("Auto-Submitted") == "auto-replied" && strings.Contains(p.msg.Text, "De retour le") {
			autoReplies++
		}
		threaded := sentIDs[h.Get("In-Reply-To")]
		n := invoiceNumber.FindString(p.msg.Subject + " " + p.msg.Text)
		if threaded || numbers[n] {
			replies++
		} else if !strings.Contains(p.msg.From.Email, "scierie") {
			t.Errorf("INBOX #%d (%s) is tied to no invoice", i, p.msg.Subject)
		}
	}
	if replies < 18 {
		t.Errorf("INBOX holds %d client replies, want at least 18", replies)
	}
	if autoReplies != 1 || bounces != 1 || receipts != 1 || lists != 1 {
		t.Errorf("auto-replies %d, bounces %d, read receipts %d, newsletters %d; want one each",
			autoReplies, bounces, receipts, lists)
	}
}

func checkPDF(t *testing.T, subject string, data []byte) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Errorf("%s: PDF: %v", subject, err)
		return
	}
	txt, err := r.GetPlainText()
	if err != nil {
		t.Errorf("%s: PDF text: %v", subject, err)
		return
	}
	b, _ := io.ReadAll(txt)
	if !regexp.MustCompile(`(F|INV|AV|D|FC)-\d{4}-\d{4,5}`).Match(b) {
		t.Errorf("%s: PDF text carries no document number", subject)
	}
}

func TestSampleMonthDeterministic(t *testing.T) {
	a, b := SampleMonth(testNow), SampleMonth(testNow)
	for folder := range a {
		if len(a[folder]) != len(b[folder]) {
			t.Fatalf("%s: %d then %d mails", folder, len(a[folder]), len(b[folder]))
		}
		for i := range a[folder] {
			if !bytes.Equal(a[folder][i], b[folder][i]) {
				t.Errorf("%s #%d differs between two calls", folder, i)
			}
		}
	}
	// The same instant in another zone is the same month.
	c := SampleMonth(testNow.In(time.FixedZone("X", -7*3600)))
	if !bytes.Equal(c[FolderSent][0], a[FolderSent][0]) {
		t.Error("the month depends on the zone of now, not only on the instant")
	}
	d := SampleMonth(testNow.AddDate(0, 0, 1))
	if bytes.Equal(d[FolderSent][0], a[FolderSent][0]) {
		t.Error("the month does not move with now")
	}
}

// TestSampleMonthAgeing checks that, whatever now is, the invoices spread
// over not yet due, 1–30 days and 31+ days overdue, with one over 60.
func TestSampleMonthAgeing(t *testing.T) {
	for _, now := range sampleNows {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			m := newMonth(now)
			docs, err := m.buildSent()
			if err != nil {
				t.Fatalf("buildSent: %v", err)
			}
			var notDue, upTo30, upTo60, over60 int
			seen := map[string]bool{}
			for _, d := range docs {
				if seen[d.number] {
					t.Errorf("number %s used twice", d.number)
				}
				seen[d.number] = true
				if !invoiceNumber.MatchString(d.number) {
					t.Errorf("number %q has not the expected shape", d.number)
				}
				late := int(m.today.Sub(d.due).Hours() / 24)
				switch {
				case late <= 0:
					notDue++
				case late <= 30:
					upTo30++
				case late <= 60:
					upTo60++
				default:
					over60++
				}
			}
			if len(docs) < 22 || notDue < 3 || upTo30 < 3 || upTo60 < 3 || over60 < 1 {
				t.Errorf("%d invoices: %d not due, %d 1-30 late, %d 31-60 late, %d over 60",
					len(docs), notDue, upTo30, upTo60, over60)
			}
		})
	}
}

func TestNumberingRestartsEachYear(t *testing.T) {
	m := newMonth(time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
	docs, err := m.buildSent()
	if err != nil {
		t.Fatalf("buildSent: %v", err)
	}
	var has2026, first2027 bool
	for _, d := range docs {
		has2026 = has2026 || strings.HasPrefix(d.number, "F-2026-")
		first2027 = first2027 || d.number == "F-2027-0001"
	}
	if !has2026 || !first2027 {
		t.Errorf("want F-2026-… numbers and F-2027-0001 on 4 January")
	}
}

func TestDocumentXML(t *testing.T) {
	m := newMonth(testNow)
	docs, err := m.buildSent()
	if err != nil {
		t.Fatalf("buildSent: %v", err)
	}
	tests := []struct {
		key, total string
		render     func(*doc) []byte
		field      string
	}{
		{"delorme", "7344.00", ciiXML, "GrandTotalAmount"},
		{"granges", "8400.00", ciiXML, "DuePayableAmount"},
		{"keller1", "5950.00", ublXML, "PayableAmount"},
		{"keller2", "1785.00", ublXML, "TaxInclusiveAmount"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			data := tt.render(docs[tt.key])
			dec := xml.NewDecoder(bytes.NewReader(data))
			var found, inField bool
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v", err)
				}
				switch v := tok.(type) {
				case xml.StartElement:
					inField = v.Name.Local == tt.field
				case xml.CharData:
					if inField && string(v) == tt.total {
						found = true
					}
				case xml.EndElement:
					inField = false
				}
			}
			if !found {
				t.Errorf("%s %s not found", tt.field, tt.total)
			}
		})
	}
}

func TestMoneyAndDates(t *testing.T) {
	tests := []struct{ got, want string }{
		{frMoney(186000, "EUR", " "), "1 860,00\u00a0€"},
		{frMoney(-42240, "EUR", " "), "-422,40\u00a0€"},
		{frMoney(123456789, "EUR", "\u202f"), "1\u202f234\u202f567,89\u00a0€"},
		{enMoney(240000, "GBP"), "£2,400.00"},
		{enMoney(-5, "USD"), "-$0.05"},
		{plainAmount(734400), "7344.00"},
		{qtyString(2400, ","), "24"},
		{qtyString(1250, ","), "12,5"},
		{frLongDate(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)), "mardi 24 novembre 2026"},
		{gmailFRAttribution(time.Date(2026, 2, 3, 9, 5, 0, 0, time.UTC), "X"), "Le mar. 3 févr. 2026 à 09:05, X a écrit :"},
		{addr(person{"Jürgen Keller", "j@k.de"}), "=?utf-8?q?J=C3=BCrgen_Keller?= <j@k.de>"},
		{addr(person{"Bois & Matières", "n@b.fr"}), "=?utf-8?b?Qm9pcyAmIE1hdGnDqHJlcw==?= <n@b.fr>"},
		{addr(person{"Olivia Hale", "o@t.uk"}), "Olivia Hale <o@t.uk>"},
		{addr(person{"Mrs. Hale", "o@t.uk"}), `"Mrs. Hale" <o@t.uk>`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestFoldHeader(t *testing.T) {
	long := strings.Repeat("mot ", 40)
	out := foldHeader("Subject", long)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 78 {
			t.Errorf("line of %d characters: %q", len(l), l)
		}
	}
	h, err := mail.ReadMessage(strings.NewReader(out + "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Header.Get("Subject"); got != strings.TrimSpace(long) {
		t.Errorf("unfolded = %q", got)
	}
}

// TestSampleMonthGolden pins a readable summary of the month: who wrote
// what, when, with which parts. Run with -update after a deliberate change.
func TestSampleMonthGolden(t *testing.T) {
	parsed := parseAll(t, SampleMonth(testNow))
	var b strings.Builder
	for _, folder := range []string{FolderSent, FolderInbox, FolderDrafts} {
		fmt.Fprintf(&b, "== %s (%d)\n", folder, len(parsed[folder]))
		for _, p := range parsed[folder] {
			date, _ := p.header.Date()
			var parts []string
			for _, l := range p.leaves {
				s := l.mediaType
				if name := l.params["name"]; name != "" {
					if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
						name = dec
					}
					s += " " + name
				} else if _, ps, err := mime.ParseMediaType(l.header.Get("Content-Disposition")); err == nil && ps["filename"] != "" {
					s += " " + ps["filename"]
				}
				parts = append(parts, s)
			}
			fmt.Fprintf(&b, "%s | %s | %s | %s\n", date.Format("2006-01-02 15:04 -0700"), p.msg.From.Email,
				p.msg.Subject, strings.Join(parts, ", "))
		}
	}
	golden := filepath.Join("testdata", "sample_month.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("summary differs from %s (run with -update if intended):\n%s", golden, b.String())
	}
}
