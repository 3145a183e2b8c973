package legal

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestMaxDue checks the legal maximum term: 60 days from the invoice, or
// 45 days end of month, whichever reading gives the later day.
func TestMaxDue(t *testing.T) {
	for _, c := range []struct {
		issue, want time.Time
	}{
		{day(2026, 11, 3), day(2027, 1, 14)},  // end of November + 45 days
		{day(2026, 11, 30), day(2027, 1, 31)}, // 45 days → 14 January, end of that month
		{day(2026, 1, 31), day(2026, 4, 1)},   // 60 days beat both end-of-month readings
		{day(2026, 12, 15), day(2027, 2, 14)}, // end of December + 45 days
	} {
		if got := MaxDue(c.issue); !got.Equal(c.want) {
			t.Errorf("MaxDue(%s) = %s, want %s", c.issue.Format(time.DateOnly), got.Format(time.DateOnly), c.want.Format(time.DateOnly))
		}
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1 350,00": "1350", "1,350.00": "1350", "1.350,00": "1350", "45": "45", "2,5": "2.5",
		"12 749,85": "12749.85", "0.5": "0.5", "-350,00": "-350", "1'200.50": "1200.5",
	} {
		got, ok := parseNumber(in)
		if !ok || !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("parseNumber(%q) = %s, %v; want %s", in, got, ok, want)
		}
	}
}

func TestFindDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"date : 03/11/2026":                  day(2026, 11, 3),
		"emise le 1er decembre 2026":         day(2026, 12, 1),
		"invoice date: november 3, 2026":     day(2026, 11, 3),
		"date of issue: 2026-11-03":          day(2026, 11, 3),
		"invoice 26-0412 date: 3 nov 2026":   day(2026, 11, 3),
		"date de facture : 02.01.2026":       day(2026, 1, 2),
		"lyon, le 14 octobre 2026":           day(2026, 10, 14),
		"payment due: 3 december 2026 (net)": day(2026, 12, 3),
	} {
		got, ok := findDate(in)
		if !ok || !got.Equal(want) {
			t.Errorf("findDate(%q) = %s, %v; want %s", in, got.Format(time.DateOnly), ok, want.Format(time.DateOnly))
		}
	}
	for _, in := range []string{"facture n° 2026-10-087", "tva 20 % : 1 200,00", "siren 812 345 678"} {
		if got, ok := findDate(in); ok {
			t.Errorf("findDate(%q) = %s, want none", in, got.Format(time.DateOnly))
		}
	}
}

// TestEveryKindHasWords checks that each kind has its reference and both
// sentences, and a place in the reporting order.
func TestEveryKindHasWords(t *testing.T) {
	ks := Kinds()
	if len(ks) != len(order) {
		t.Fatalf("%d kinds with words, %d in the reporting order", len(ks), len(order))
	}
	for i, k := range ks {
		f := newFinding(k, "")
		if f.Reference == "" || f.FR == "" || f.EN == "" || f.FR == f.EN {
			t.Errorf("%s: reference %q, fr %q, en %q", k, f.Reference, f.FR, f.EN)
		}
		if !strings.HasSuffix(f.FR, ".") || !strings.HasSuffix(f.EN, ".") {
			t.Errorf("%s: each sentence ends with a full stop", k)
		}
		if i > 0 && order[ks[i-1]] >= order[k] {
			t.Errorf("Kinds out of order at %s", k)
		}
	}
}

func TestFindingText(t *testing.T) {
	f := newFinding(LinesSumWrong, "Σ 1200.00 ≠ 1300.00")
	if got, want := f.Text("fr"), "La somme des lignes ne correspond pas au total hors taxes. (Σ 1200.00 ≠ 1300.00) — CGI, annexe II, art. 242 nonies A"; got != want {
		t.Errorf("fr: %q\nwant %q", got, want)
	}
	if got := newFinding(TermTooLong, "").Text("en"); got != "The payment term exceeds the legal maximum of 60 days from the invoice (or 45 days end of month). — Code de commerce, art. L441-10, I" {
		t.Errorf("en: %q", got)
	}
}

// facturX writes a PDF whose text is lines and whose embedded file is x.
func facturX(t *testing.T, lines string, x []byte) message.Attachment {
	t.Helper()
	var pdf bytes.Buffer
	if err := pdfwrite.Write(&pdf, pdfwrite.Doc{Title: "facture", Lines: strings.Split(lines, "\n"),
		Attachments: []pdfwrite.File{{Name: "factur-x.xml", MIME: "text/xml", Data: x, Relationship: "Data"}}}); err != nil {
		t.Fatal(err)
	}
	return message.Attachment{Filename: "facture.pdf", ContentType: "application/pdf", Size: pdf.Len(), Data: pdf.Bytes()}
}

func mail(atts ...message.Attachment) *message.Message {
	return &message.Message{MessageID: "fx@example.test", From: message.Address{Email: "factures@seller.example"},
		To: []message.Address{{Email: "compta@client.example"}}, Subject: "Facture", Text: "Bonjour, ci-joint notre facture.", Attachments: atts}
}

// TestFromMessage builds Documents from mails as Detect reads them: the
// Factur-X XML embedded in the PDF is read with the PDF's text; a CII
// attachment is read too; a UBL file is left to the PDF's text.
func TestFromMessage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := newSpec(r, "fx", "fr", 0, formPDF, Business)
	s.plant(MissingBuyerSIREN)
	x := s.cii(r)
	att := facturX(t, s.text(r), x)
	m := mail(att)
	res := invoice.Detect(m, invoice.Options{DefaultCurrency: "EUR"})
	doc := FromMessage(m, res)
	if !bytes.Equal(doc.XML, x) || !strings.Contains(doc.PDFText, s.number) {
		t.Fatalf("Factur-X not read: %d bytes of XML, PDF text %q", len(doc.XML), doc.PDFText)
	}
	// The same invoice in both: its defect is found once, no disagreement.
	if got := Check(doc, Business, ""); len(got) != 1 || got[0].Kind != MissingBuyerSIREN || len(res.Disagreements) != 0 {
		t.Errorf("Factur-X: found %s (disagreements %q), want the missing buyer SIREN alone", kinds(got), res.Disagreements)
	}

	m = mail(message.Attachment{Filename: "invoice.xml", ContentType: "application/xml", Size: len(x), Data: x})
	if doc := FromMessage(m, invoice.Result{}); !bytes.Equal(doc.XML, x) || doc.Body == "" {
		t.Errorf("CII attachment not read")
	}
	ubl := s.ubl(r)
	m = mail(message.Attachment{Filename: "invoice.xml", ContentType: "application/xml", Size: len(ubl), Data: ubl}, att)
	if doc := FromMessage(m, invoice.Result{}); !bytes.Equal(doc.XML, ubl) {
		t.Errorf("the UBL attachment, first in the mail, should be read")
	}
	other := []byte(`<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>`)
	m = mail(message.Attachment{Filename: "order.xml", ContentType: "application/xml", Size: len(other), Data: other}, att)
	if doc := FromMessage(m, invoice.Result{}); !bytes.Equal(doc.XML, x) {
		t.Errorf("an order is no invoice XML: the PDF's XML should be kept")
	}
	if doc := FromMessage(nil, invoice.Result{}); doc.XML != nil || doc.PDFText != "" || doc.Body != "" {
		t.Errorf("nil mail: %+v", doc)
	}
	// A PDF left on the server: the mail's body is no invoice to check.
	m = mail(message.Attachment{Filename: "facture.pdf", ContentType: "application/pdf", Size: 48000})
	if doc := FromMessage(m, invoice.Result{}); !doc.Unfetched {
		t.Errorf("an unfetched PDF is not noted")
	} else if got := Check(doc, Business, ""); got != nil {
		t.Errorf("checked the body of a mail whose PDF was not fetched: %s", kinds(got))
	}
}

// TestXMLAndTextDisagree gives a PDF the XML of another invoice: Detect's
// disagreements become findings, and a mention the XML lacks but the PDF
// carries is on the invoice.
func TestXMLAndTextDisagree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	s := newSpec(r, "fx", "fr", 0, formPDF, Business)
	s.plant(MissingBuyerSIREN)
	other := newSpec(r, "other", "fr", 0, formPDF, Business)
	m := mail(facturX(t, other.text(r), s.cii(r)))
	res := invoice.Detect(m, invoice.Options{DefaultCurrency: "EUR"})
	got := Check(FromMessage(m, res), Business, "")
	if len(res.Disagreements) == 0 || len(got) != len(res.Disagreements) {
		t.Fatalf("found %s, want one finding per disagreement %q", kinds(got), res.Disagreements)
	}
	for i, f := range got {
		if f.Kind != SourcesDisagree || f.Detail != res.Disagreements[i] || f.Reference != "CGI, art. 289" {
			t.Errorf("finding %d: %+v", i, f)
		}
	}
}

// TestPurchaseOrder checks the order number is found however the invoice
// writes it, and missed when it is not there.
func TestPurchaseOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := newSpec(r, "po", "fr", 0, formBody, Business)
	txt := s.text(r)
	for _, c := range []struct {
		text string
		want int
	}{
		{txt + "\nVotre bon de commande : PO 4521\n", 0},
		{txt + "\nRéf. commande client : po-4521\n", 0},
		{txt, 1},
	} {
		if got := Check(Document{Body: c.text}, Business, "PO-4521"); len(got) != c.want {
			t.Errorf("found %s, want %d finding", kinds(got), c.want)
		}
	}
	if got := Check(Document{Body: txt}, Business, ""); len(got) != 0 {
		t.Errorf("no order asked: found %s", kinds(got))
	}
}

// TestConsumerLighterList checks a consumer invoice is not asked for the
// business-only mentions: the same invoice without them passes for a
// consumer and not for a business.
func TestConsumerLighterList(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s := newSpec(r, "c", "fr", 0, formBody, Consumer)
	txt := s.text(r)
	if got := Check(Document{Body: txt}, Consumer, ""); len(got) != 0 {
		t.Fatalf("consumer: found %s\n%s", kinds(got), txt)
	}
	got := Check(Document{Body: txt}, Business, "")
	want := map[Kind]bool{MissingBuyerSIREN: true, MissingOperationNature: true,
		MissingPenaltyRate: true, MissingRecoveryFee: true, MissingDiscountTerms: true}
	for _, f := range got {
		if !want[f.Kind] {
			t.Errorf("business reading of a consumer invoice: unexpected %s", f.Kind)
		}
		delete(want, f.Kind)
	}
	for k := range want {
		t.Errorf("business reading of a consumer invoice: %s not found", k)
	}
}

// TestTermRule checks the term rule on its edges: the due date stated or
// computed from the terms, 60 days, 45 days end of month.
func TestTermRule(t *testing.T) {
	issue := day(2026, 11, 3)
	for _, c := range []struct {
		name     string
		due      time.Time
		days     int
		eom      bool
		tooLong  bool
		withDate bool
	}{
		{"60 days", issue.AddDate(0, 0, 60), 0, false, false, true},
		{"45 days end of month, read from the end of the month", day(2027, 1, 14), 0, false, false, true},
		{"a day beyond", day(2027, 1, 15), 0, false, true, true},
		{"30 days end of month from the terms", time.Time{}, 30, true, false, true},
		{"90 days from the terms", time.Time{}, 90, false, true, true},
		{"no date of issue: nothing to measure", day(2027, 6, 1), 0, false, false, false},
	} {
		f := facts{due: c.due, termDays: c.days, endOfMonth: c.eom, terms: true, penalty: true, indemnity: true, discount: true}
		if c.withDate {
			f.issue = issue
		}
		var got []Kind
		checkTerms(f, func(k Kind, _ string) { got = append(got, k) })
		// A term given in days is no due date: that mention is still
		// missing.
		var want []Kind
		if c.due.IsZero() {
			want = append(want, MissingDueDate)
		}
		if c.tooLong {
			want = append(want, TermTooLong)
		}
		if strings.Join(kindStrings(got), ",") != strings.Join(kindStrings(want), ",") {
			t.Errorf("%s: %v, want %v", c.name, got, want)
		}
	}
}

func kindStrings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// TestFromMessageWithRemembersDiscovery: the self-check after discovery
// reads nothing of the PDF again, and builds the same Document.
func TestFromMessageWithRemembersDiscovery(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := newSpec(r, "fx", "fr", 0, formPDF, Business)
	m := mail(facturX(t, s.text(r), s.cii(r)))
	pdfs := invoice.NewPDFs(0)
	res := invoice.Detect(m, invoice.Options{DefaultCurrency: "EUR", PDFs: pdfs})
	read := pdfs.Reads()
	if read == 0 {
		t.Fatal("discovery read no PDF")
	}
	doc := FromMessageWith(m, res, pdfs)
	if n := pdfs.Reads(); n != read {
		t.Errorf("the self-check read the PDF again: %d reads after discovery's %d", n, read)
	}
	if want := FromMessage(m, res); !reflect.DeepEqual(doc, want) {
		t.Errorf("remembered reading differs:\n got %+v\nwant %+v", doc, want)
	}
}
