package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

// att is an attachment of a test mail.
type att struct {
	name, mediaType string
	data            []byte
}

// sentMail is a mail of our Sent folder as the scan delivers it, every
// part fetched.
func sentMail(uid uint32, from, to, subject string, date time.Time, body string, atts ...att) mailbox.Fetched {
	header := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <sent-%d@relance.test>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n", from, to, subject, date.Format(time.RFC1123Z), uid)
	parts := []message.Part{{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
		Body: []byte(strings.ReplaceAll(body, "\n", "\r\n"))}}
	for i, a := range atts {
		enc := []byte(base64.StdEncoding.EncodeToString(a.data))
		parts = append(parts, message.Part{Path: []int{i + 2}, MediaType: a.mediaType, Encoding: "base64", Disposition: "attachment",
			DispositionParams: map[string]string{"filename": a.name}, Size: len(enc), Body: enc})
	}
	return mailbox.Fetched{Folder: "Sent", Role: mailbox.RoleSent, UID: uid, UIDValidity: 7, Header: []byte(header), Parts: parts}
}

// fixture is one of the invoice package's XML fixtures with some text
// replaced.
func fixture(t testing.TB, name string, pairs ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "invoice", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s lacks %q", name, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

var (
	ciiTotals = `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>
        <ram:DuePayableAmount>1234.56</ram:DuePayableAmount>`
	ciiDeposit = `<ram:GrandTotalAmount>1234.56</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount>400.00</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount>834.56</ram:DuePayableAmount>`
	ciiContact = `<ram:DefinedTradeContact>
          <ram:PersonName>Claire Dupont</ram:PersonName>
          <ram:EmailURIUniversalCommunication><ram:URIID>Claire@Boulangerie-Dupont.example</ram:URIID></ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>`
	leitwegID = `<ram:URIUniversalCommunication><ram:URIID schemeID="9958">04 0 11 000 - 12345 12345 - 35</ram:URIID></ram:URIUniversalCommunication>`
)

func flagsOf(t *testing.T, st *store.Store, kind domain.FlagKind) []store.Flag {
	t.Helper()
	fs, err := st.Flags(context.Background(), "open")
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Flag
	for _, f := range fs {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func invoiceNamed(t *testing.T, st *store.Store, number string) store.Invoice {
	t.Helper()
	inv, err := st.InvoiceByNumber(context.Background(), number)
	if err != nil {
		t.Fatalf("invoice %s: %v", number, err)
	}
	return inv
}

// An invoice with a deposit already paid is recorded with its total and a
// balance of what is owed; sources that disagree raise a self_check flag
// that names both sides; a buyer's routing id is never its address.
func TestRecordWhatIsOwed(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	batch := []mailbox.Fetched{
		sentMail(1, "Atelier <factures@atelier.test>", "Claire Dupont <claire@boulangerie-dupont.example>", "Votre facture", at,
			"Bonjour,\nVeuillez trouver ci-joint votre facture.\n", att{"F-2026-0142.xml", "application/xml", fixture(t, "cii-invoice.xml", ciiTotals, ciiDeposit)}),
		sentMail(2, "Atelier <factures@atelier.test>", "Compta <compta@metallbau.test>", "Votre facture", at,
			"Bonjour,\nVeuillez trouver ci-joint votre facture.\n", att{"F-2026-0143.xml", "application/xml",
				fixture(t, "cii-invoice.xml", "F-2026-0142", "F-2026-0143", ciiContact, leitwegID)}),
		sentMail(3, "Atelier <factures@atelier.test>", "Bob <bob@client-b.test>", "Facture F-2026-0144", at,
			"Bonjour,\nci-joint la facture F-2026-0144.\nMontant TTC : 99,00 €\nÉchéance : 15/12/2026\n", att{"F-2026-0144.xml", "application/xml",
				fixture(t, "cii-invoice.xml", "F-2026-0142", "F-2026-0144", ciiContact, "")}),
	}
	if err := e.IngestBatch(ctx, batch, mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 3}); err != nil {
		t.Fatal(err)
	}
	inv := invoiceNamed(t, st, "F-2026-0142")
	if inv.Amount.String() != "1234.56" || inv.Balance.String() != "834.56" {
		t.Errorf("F-2026-0142: amount %s balance %s, want 1234.56 and 834.56 owed", inv.Amount, inv.Balance)
	}
	routed := invoiceNamed(t, st, "F-2026-0143")
	if routed.Client.Email != "compta@metallbau.test" {
		t.Errorf("F-2026-0143 client %q, want the mail's recipient compta@metallbau.test", routed.Client.Email)
	}
	checks := flagsOf(t, st, "self_check")
	if len(checks) != 1 {
		t.Fatalf("%d self_check flags, want 1 (F-2026-0144's disagreement): %+v", len(checks), checks)
	}
	ev := strings.Join(checks[0].Evidence, "\n")
	if checks[0].InvoiceNum != "F-2026-0144" || !strings.Contains(ev, "the mail says 99.00 EUR") || !strings.Contains(ev, "1234.56 EUR") ||
		!strings.Contains(ev, "2026-12-15") {
		t.Errorf("flag on %s, evidence:\n%s", checks[0].InvoiceNum, ev)
	}
	if got := invoiceNamed(t, st, "F-2026-0144"); got.Amount.String() != "1234.56" || got.DueDate.Format(time.DateOnly) != "2026-12-03" {
		t.Errorf("F-2026-0144: amount %s due %s, the XML's 1234.56 and 2026-12-03 must win", got.Amount, got.DueDate.Format(time.DateOnly))
	}
}

// A re-send repeats an invoice: one invoice, whose due date, amount and
// balance stay those of the first mail even when the re-send is dated later
// or states another due date.
func TestResendDoesNotMoveDueDate(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	first := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	if err := e.Ingest(ctx, sentMail(1, "Atelier <factures@atelier.test>", "Claire <claire@dupont.test>", "Facture F-2026-0200", first,
		"Bonjour,\nVoici la facture F-2026-0200.\nTotal TTC : 1 200,00 €\nAcompte versé : 200,00 €\nNet à payer : 1 000,00 €\nÉchéance : 03/12/2026\n"),
		mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{
		"Bonjour,\nJe vous renvoie la facture F-2026-0200.\nNet à payer : 1 000,00 €\nPayable à 30 jours.\n",
		"Bonjour,\nCopie de la facture F-2026-0200.\nTotal TTC : 1 200,00 €\nÉchéance : 15/01/2027\n",
	} {
		uid := uint32(i + 2)
		if err := e.Ingest(ctx, sentMail(uid, "Atelier <factures@atelier.test>", "Claire <claire@dupont.test>", "TR: Facture F-2026-0200",
			first.AddDate(0, 0, 30+i*10), body), mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 1 {
		t.Fatalf("%d invoices, want 1", len(invs))
	}
	inv := invs[0]
	if inv.DueDate.Format(time.DateOnly) != "2026-12-03" || inv.Amount.String() != "1200" || inv.Balance.String() != "1000" {
		t.Errorf("after re-sends: due %s amount %s balance %s, want 2026-12-03, 1200 and 1000", inv.DueDate.Format(time.DateOnly), inv.Amount, inv.Balance)
	}
	evs, err := st.Events(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	resent := 0
	for _, ev := range evs {
		if ev.Kind == "invoice_resent" {
			resent++
		}
	}
	if resent != 2 {
		t.Errorf("%d invoice_resent events, want 2", resent)
	}
}

// One document that cannot be used sets itself aside; every other invoice
// of the batch is recorded.
func TestBadDocumentAmongGood(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	good := func(uid uint32, n string) mailbox.Fetched {
		return sentMail(uid, "Atelier <factures@atelier.test>", fmt.Sprintf("Client <c%d@client.test>", uid), "Facture "+n, at,
			"Bonjour,\nVoici la facture "+n+".\nMontant TTC : 500,00 €\nÉchéance : 03/12/2026\n")
	}
	batch := []mailbox.Fetched{
		good(1, "F-1"),
		sentMail(2, "Atelier <factures@atelier.test>", "Client <c2@client.test>", "Votre facture", at, "Bonjour,\nci-joint votre facture.\n",
			att{"facture.xml", "application/xml", []byte(`<?xml version="1.0" encoding="EBCDIC"?><rsm:CrossIndustryInvoice/>`)}),
		good(3, "F-3"),
		sentMail(4, "Atelier <factures@atelier.test>", "Client <c4@client.test>", "Votre facture", at, "Bonjour,\nci-joint votre facture.\n",
			att{"facture.pdf", "application/pdf", []byte("%PDF-1.7\n1 0 obj <</Type/EmbeddedFile/Length 9>>stream\n<garbage\nendstream endobj")}),
		sentMail(5, "Atelier <factures@atelier.test>", "04 0 11 000 - 12345 12345 - 35", "Votre facture", at, "Bonjour,\nci-joint votre facture.\n",
			att{"facture.xml", "application/xml", fixture(t, "cii-invoice.xml", "F-2026-0142", "F-5", ciiContact, leitwegID)}),
		good(6, "F-6"),
	}
	if err := e.IngestBatch(ctx, batch, mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 6}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"F-1", "F-3", "F-6"} {
		if inv := invoiceNamed(t, st, n); inv.Amount.String() != "500" || inv.DueDate.Format(time.DateOnly) != "2026-12-03" {
			t.Errorf("%s: amount %s due %s", n, inv.Amount, inv.DueDate.Format(time.DateOnly))
		}
	}
	checks := flagsOf(t, st, "self_check")
	var ev []string
	for _, f := range checks {
		ev = append(ev, strings.Join(f.Evidence, " | "))
	}
	all := strings.Join(ev, "\n")
	for _, want := range []string{"could not be read", "F-5"} {
		if !strings.Contains(all, want) {
			t.Errorf("self_check flags lack %q:\n%s", want, all)
		}
	}
	if _, err := st.InvoiceByNumber(ctx, "F-5"); err == nil {
		t.Errorf("F-5 recorded with a client though it has no usable address")
	}
}
