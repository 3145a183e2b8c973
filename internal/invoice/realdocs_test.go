package invoice

import (
	"bytes"
	"net/mail"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/testing/testutil/realdocs"
)

// Real invoices made by other software (Factur-X, ZUGFeRD 1 and 2, CII and
// UBL from public sample sets), each attached to a plain "Votre facture"
// mail as its producer would send it: every number, total, amount owed,
// currency, issue and due date and client address is the one read from the
// document by hand, and a document with a field that cannot be used says
// so in a finding.
func TestRealDocuments(t *testing.T) {
	var clean, flagged, pdfs int
	sources := map[string]int{}
	for _, d := range realdocs.Docs {
		sources[path.Dir(d.File)]++
		if d.PDF() {
			pdfs++
		}
		if d.Clean() {
			clean++
		} else {
			flagged++
		}
		t.Run(d.Name(), func(t *testing.T) {
			raw, err := d.Mail()
			if err != nil {
				t.Fatal(err)
			}
			m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			_, from := d.Sender()
			r := Detect(m, Options{OwnAddresses: []string{from}, DefaultCurrency: "EUR"})
			checkRealDoc(t, d, r)
		})
	}
	t.Logf("%d real documents (%d PDF with embedded XML, %d XML) from %v: %d clean, %d that must flag themselves",
		len(realdocs.Docs), pdfs, len(realdocs.Docs)-pdfs, sources, clean, flagged)
}

func checkRealDoc(t *testing.T, d realdocs.Doc, r Result) {
	t.Helper()
	if string(r.Kind) != d.Kind {
		t.Fatalf("Kind = %s (%s), want %s; evidence %q", r.Kind, r.Reason, d.Kind, r.Evidence)
	}
	for _, want := range d.Findings {
		if !slices.ContainsFunc(r.Findings, func(f string) bool { return strings.Contains(f, want) }) {
			t.Errorf("no finding says %q: %q", want, r.Findings)
		}
	}
	if len(r.Findings) != len(d.Findings) {
		t.Errorf("Findings = %q, want %d", r.Findings, len(d.Findings))
	}
	if r.Client.Email != d.Client {
		t.Errorf("Client = %q, want %q", r.Client.Email, d.Client)
	}
	if d.Unusable {
		return
	}
	if r.Number != d.Number {
		t.Errorf("Number = %q, want %q", r.Number, d.Number)
	}
	if d.Total != "" && !r.Amount.Equal(dec(d.Total)) {
		t.Errorf("Amount = %s, want the total %s", r.Amount, d.Total)
	}
	if d.Payable != "" && !r.Payable.Equal(dec(d.Payable)) {
		t.Errorf("Payable = %s, want %s owed (evidence %q)", r.Payable, d.Payable, r.Evidence)
	}
	if d.Total == "" && !slices.Contains(r.Missing, FieldAmount) {
		t.Errorf("amount %s found where the document states none", r.Amount)
	}
	if r.Currency != d.Currency {
		t.Errorf("Currency = %q, want %q", r.Currency, d.Currency)
	}
	if got := r.IssueDate.Format(time.DateOnly); got != d.Issue {
		t.Errorf("IssueDate = %s, want %s", got, d.Issue)
	}
	due := ""
	if !r.DueDate.IsZero() {
		due = r.DueDate.Format(time.DateOnly)
	}
	if due != d.Due {
		t.Errorf("DueDate = %q, want %q (evidence %q)", due, d.Due, r.Evidence)
	}
	if r.CreditedNumber != d.Credits {
		t.Errorf("CreditedNumber = %q, want %q", r.CreditedNumber, d.Credits)
	}
	if d.Kind == string(KindInvoice) && !slices.Equal(r.Missing, d.Missing) {
		t.Errorf("Missing = %q, want %q", r.Missing, d.Missing)
	}
}

// FuzzRealDocs mutates the real documents and reads each as the attachment
// of a "Votre facture" mail (a PDF when mode is even, XML otherwise), beside
// a body that states an amount and a due date. Whatever the bytes, Detect
// returns a known kind and a client address a reminder can be written to
// (or none), and what it says is owed is a number.
func FuzzRealDocs(f *testing.F) {
	for _, d := range realdocs.Docs {
		data, err := d.Read()
		if err != nil {
			f.Fatal(err)
		}
		mode := byte(1)
		if d.PDF() {
			mode = 0
		}
		f.Add(mode, data)
	}
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		a := xmlAttachment("facture.xml", data)
		if mode%2 == 0 {
			a = pdfAttachment("facture.pdf", data)
		}
		m := sent("Votre facture", "Bonjour,\nVeuillez trouver ci-joint votre facture.\nTotal TTC : 1 234,56 €\nÉchéance : 03/12/2026\n", a)
		r := Detect(m, Options{OwnAddresses: []string{"factures@studio-martin.example"}, DefaultCurrency: "EUR"})
		switch r.Kind {
		case KindInvoice, KindCreditNote, KindNone:
		default:
			t.Fatalf("Kind = %q", r.Kind)
		}
		if r.Client.Email != "" {
			if _, err := mail.ParseAddress(r.Client.Email); err != nil {
				t.Fatalf("client address %q cannot be written to: %v", r.Client.Email, err)
			}
		}
		if r.Kind != KindNone && !slices.Contains(r.Missing, FieldAmount) && r.Payable.String() == "" {
			t.Fatalf("no amount owed")
		}
		for _, f := range r.Findings {
			if strings.TrimSpace(f) == "" {
				t.Fatalf("empty finding in %q", r.Findings)
			}
		}
		_ = Key(r)
	})
}
