package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests name, whatever the machine has

	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

func inboxReply(uid uint32, date, body string) mailbox.Fetched {
	header := "From: Client 1 <client1@example.org>\r\nTo: Atelier <factures@atelier.test>\r\n" +
		"Subject: Re: Facture F-2026-0001\r\nDate: " + date + "\r\nMessage-ID: <reply-" + string(rune('a'+uid)) + "@example.org>\r\n" +
		"In-Reply-To: <inv-1@atelier.test>\r\nReferences: <inv-1@atelier.test>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	return mailbox.Fetched{Folder: "INBOX", Role: mailbox.RoleInbox, UID: uid, UIDValidity: 9, Header: []byte(header),
		Parts: []message.Part{{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
			Body: []byte(body)}}}
}

// Events that come from mail carry the mail's own Date:, not the moment
// relance read it: on a first pass over old mail, the invoice is
// discovered on the day it was sent and a promise is "said on" the day the
// client wrote it. A mail dated in the future counts from when it is read.
func TestEventsFromMailCarryTheMailsDate(t *testing.T) {
	e, st := newEngine(t) // the engine's clock reads 20 November 2026
	ctx := context.Background()
	var calls atomic.Int64
	if err := e.IngestBatch(ctx, []mailbox.Fetched{sentInvoice(1, loadReturning(invoicePDF(t, 1), nil, &calls))},
		mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	replies := []mailbox.Fetched{
		// Read first, written later: the timeline still puts it after.
		inboxReply(3, "Thu, 12 Nov 2026 11:00:00 +0100", "Bonjour,\r\n\r\nJe transmets à notre comptable.\r\n"),
		inboxReply(1, "Tue, 10 Nov 2026 14:30:00 +0100",
			"Bonjour,\r\n\r\nNous vous réglerons la facture F-2026-0001 le 15 décembre 2026.\r\n\r\nCordialement,\r\nClient 1\r\n"),
		inboxReply(2, "Sat, 02 Jan 2027 08:00:00 +0100", "Bonjour,\r\n\r\nMerci, bien reçu.\r\n"),
	}
	inv, events := readReplies(t, e, st, replies...)
	sent := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	wrote := time.Date(2026, 11, 10, 13, 30, 0, 0, time.UTC)
	read := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	seen := map[string][]time.Time{}
	for _, ev := range events {
		seen[string(ev.Kind)] = append(seen[string(ev.Kind)], ev.At)
	}
	if at := seen["invoice_discovered"]; len(at) != 1 || !at[0].Equal(sent) {
		t.Errorf("invoice_discovered at %v, want the Sent mail's date %s", at, sent)
	}
	later := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	replyAt := seen["reply_received"]
	if len(replyAt) != 3 || !replyAt[0].Equal(later) || !replyAt[1].Equal(wrote) || !replyAt[2].Equal(read) {
		t.Errorf("reply_received at %v, want the replies' dates %s and %s, and the time it was read (%s) for the one dated in the future",
			replyAt, later, wrote, read)
	}
	// The timeline is in the order things happened, not the order read.
	tl, err := st.Timeline(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(tl); i++ {
		if tl[i].At.Before(tl[i-1].At) {
			t.Errorf("timeline out of order: %s %s before %s %s", tl[i-1].Kind, tl[i-1].At, tl[i].Kind, tl[i].At)
		}
	}
	h, err := st.BehaviourHistory(ctx, inv.Client.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range h.Promises {
		if p.Invoice == "F-2026-0001" && !p.Made.IsZero() {
			found = true
			if !p.Made.Equal(wrote) {
				t.Errorf("promise said on %s, want the reply's date %s", p.Made, wrote)
			}
		}
	}
	if !found {
		t.Errorf("no promise with its date in the history: %+v (events %v)", h.Promises, kinds(events))
	}
}

// readReplies ingests replies to invoice F-2026-0001 and returns the
// invoice and its events.
func readReplies(t *testing.T, e *Engine, st *store.Store, replies ...mailbox.Fetched) (store.Invoice, []store.Event) {
	t.Helper()
	ctx := context.Background()
	if err := e.IngestBatch(ctx, replies, mailbox.Cursor{Folder: "INBOX", UIDValidity: 9, LastUID: uint32(len(replies))}); err != nil {
		t.Fatal(err)
	}
	inv, err := st.InvoiceByNumber(ctx, "F-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inv, events
}

func kinds(evs []store.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Kind)+"@"+e.At.Format(time.RFC3339))
	}
	return strings.Join(out, ", ")
}

// The postal address a structured invoice gives for its buyer is kept on
// the client, for the formal notice's letter.
func TestClientKeepsTheInvoicesPostalAddress(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	xml, err := os.ReadFile(filepath.Join("..", "invoice", "testdata", "ubl-invoice.xml"))
	if err != nil {
		t.Fatal(err)
	}
	header := "From: Atelier <factures@atelier.test>\r\nTo: Northwind <compta@northwind.example>\r\n" +
		"Subject: Invoice\r\nDate: Tue, 03 Nov 2026 10:00:00 +0100\r\nMessage-ID: <ubl-1@atelier.test>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
	f := mailbox.Fetched{Folder: "Sent", Role: mailbox.RoleSent, UID: 1, UIDValidity: 7, Header: []byte(header),
		Parts: []message.Part{
			{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
				Body: []byte("Please find our invoice attached.\r\n")},
			{Path: []int{2}, MediaType: "application/xml", Encoding: "8bit", Disposition: "attachment",
				DispositionParams: map[string]string{"filename": "invoice.xml"}, Body: xml, Size: len(xml)},
		}}
	if err := e.IngestBatch(ctx, []mailbox.Fetched{f}, mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil || len(invs) != 1 {
		t.Fatalf("invoices: %+v %v", invs, err)
	}
	a, err := st.ClientAddressee(ctx, invs[0].Client.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Address != "4 Harbour Street, BS1 4DJ Bristol, GB" || a.Name != "Northwind Traders Ltd" {
		t.Errorf("addressee = %+v, want Northwind Traders Ltd at 4 Harbour Street, BS1 4DJ Bristol, GB", a)
	}
}

// A reply's relative day counts from the day it arrived in the business's
// zone: "demain" written on Wednesday 18 November at 19:30 in Montréal,
// already Thursday in Paris, is Friday the 20th for a business in Paris.
func TestPromiseDatesInTheBusinessZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal("no time zone database:", err)
	}
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{nil, "2026-11-19"}, {paris, "2026-11-20"}} {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "relance.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
		e := New(Options{Store: st, Now: now, Own: []string{"factures@atelier.test"}, Location: tt.loc})
		ctx := context.Background()
		var calls atomic.Int64
		if err := e.IngestBatch(ctx, []mailbox.Fetched{sentInvoice(1, loadReturning(invoicePDF(t, 1), nil, &calls))},
			mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
			t.Fatal(err)
		}
		_, events := readReplies(t, e, st,
			inboxReply(1, "Wed, 18 Nov 2026 19:30:00 -0500", "Bonjour,\r\n\r\nJe vous règle la facture demain.\r\n\r\nClient 1\r\n"))
		got := ""
		for _, ev := range events {
			if ev.Kind == "reply_received" && strings.Contains(string(ev.Detail), `"promise_date"`) {
				got = string(ev.Detail)
			}
		}
		if !strings.Contains(got, `"promise_date":"`+tt.want+`"`) {
			t.Errorf("zone %v: reply detail %s, want promise_date %s (events %s)", tt.loc, got, tt.want, kinds(events))
		}
	}
}
