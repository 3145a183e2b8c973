package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// An invoice gives its buyer's phone (the XML's contact) and suggests the
// client's kind (its VAT number); the client's reply gives its mobile in
// its signature, while our own number, in the quoted mail under it and
// written back in its words, is never taken for the client's.
func TestContactsFromInvoiceAndReply(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	e := New(Options{Store: st, Now: now, Own: []string{"factures@atelier.test"}, OwnPhones: []string{"04 65 71 23 48"}})
	ctx := context.Background()
	xml := fixture(t, "cii-invoice.xml", "<ram:PersonName>Claire Dupont</ram:PersonName>",
		"<ram:PersonName>Claire Dupont</ram:PersonName><ram:TelephoneUniversalCommunication><ram:CompleteNumber>05 56 12 34 56</ram:CompleteNumber></ram:TelephoneUniversalCommunication>",
		"</ram:BuyerTradeParty>", `</ram:BuyerTradeParty><ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>BC-77</ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">20261002</qdt:DateTimeString></ram:FormattedIssueDateTime></ram:BuyerOrderReferencedDocument>`,
		"<ram:ApplicableHeaderTradeDelivery/>", `<ram:ApplicableHeaderTradeDelivery><ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime><udt:DateTimeString format="102">20261020</udt:DateTimeString></ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent></ram:ApplicableHeaderTradeDelivery>`)
	sentAt := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	if err := e.Ingest(ctx, sentMail(1, "Atelier <factures@atelier.test>", "Claire <claire@boulangerie-dupont.example>", "Facture", sentAt,
		"Bonjour,\nVoici notre facture.\n--\nAtelier · Tél. 04 65 71 23 48\n", att{"factur-x.xml", "text/xml", xml}),
		mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil || len(invs) != 1 {
		t.Fatalf("invoices: %v %d", err, len(invs))
	}
	clientID := invs[0].Client.ID
	if cf, err := st.CallFile(ctx, clientID, now()); err != nil || len(cf.Open) != 1 ||
		cf.Open[0].OrderDate.Format(time.DateOnly)+" "+cf.Open[0].DeliveryDate.Format(time.DateOnly) != "2026-10-02 2026-10-20" {
		t.Errorf("order and delivery dates: %+v %v", cf.Open, err)
	}
	reply := "Bonjour,\nLe virement partira vendredi. J'ai essayé de vous joindre au 04 65 71 23 48.\n\nCordialement,\n" +
		"Claire Dupont\nBoulangerie Dupont & Fils\n8 place de la Bourse\n33000 Bordeaux\nPortable : 06 12 34 56 78\nFax : 05 56 12 34 57\n\n" +
		"Le 3 nov. 2026 à 10:00, Atelier <factures@atelier.test> a écrit :\n> Voici notre facture.\n> Atelier · Tél. 04 65 71 23 49\n"
	if err := e.Ingest(ctx, inboxMail(1, "Claire Dupont <claire@boulangerie-dupont.example>", "Re: Facture", "sent-1@relance.test",
		sentAt.AddDate(0, 0, 5), reply), mailbox.Cursor{Folder: "INBOX", UIDValidity: 9, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	phones, err := st.ClientPhones(ctx, clientID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range phones {
		got = append(got, p.Norm+" "+string(p.Kind)+" "+string(p.Source))
	}
	want := []string{"+33612345678 mobile signature", "+33556123456 phone invoice", "+33556123457 fax signature"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("phones:\n got %q\nwant %q", got, want)
	}
	f, err := st.ClientFileByID(ctx, clientID, now())
	if err != nil {
		t.Fatal(err)
	}
	// The invoice's buyer address (where letters go) is not replaced by the
	// signature's.
	if !strings.HasPrefix(f.Address, "3 cours de l'Intendance") || f.AddressSource != domain.ContactFromInvoice {
		t.Errorf("address %q from %q", f.Address, f.AddressSource)
	}
	if f.KindGuess != domain.ClientBusiness || f.KindConfirmed || f.Kind != domain.ClientBusiness || !strings.Contains(f.GuessWhy["en"], "FR12345678901") {
		t.Errorf("kind: guess %q confirmed %v kind %q why %q", f.KindGuess, f.KindConfirmed, f.Kind, f.GuessWhy)
	}
}
