package engine

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// A hostile reply opens a hostile flag with the client's sentences and
// cancels the client's waiting drafts, with a reason the owner reads; a
// firm dispute does neither.
func TestHostileReplyStopsContact(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	var calls atomic.Int64
	if err := e.IngestBatch(ctx, []mailbox.Fetched{sentInvoice(1, loadReturning(invoicePDF(t, 1), nil, &calls))},
		mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	inv, err := st.InvoiceByNumber(ctx, "F-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	var draft int64
	if err := st.Update(ctx, time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC), func(tx *store.Tx) error {
		draft, err = tx.CreateDraft(store.NewDraft{ClientID: inv.Client.ID, Stage: "friendly", StageNumber: 2, To: []string{"client1@example.org"},
			Subject: "Facture F-2026-0001", Body: "Bonjour", HoldUntil: time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC),
			MessageID: "<d1@atelier.test>", InvoiceIDs: []int64{inv.ID}}, domain.ActorDaemon)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A firm dispute first: nothing stops.
	if err := e.IngestBatch(ctx, []mailbox.Fetched{inboxReply(1, "Thu, 10 Dec 2026 11:00:00 +0100",
		"Bonjour,\r\n\r\nJe conteste cette facture. Les travaux ne sont pas finis.\r\n")}, mailbox.Cursor{Folder: "INBOX", UIDValidity: 9, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.DraftDetail(ctx, draft); d.Status != domain.DraftHeld {
		t.Fatalf("a firm dispute cancelled the draft: %s", d.Status)
	}
	if err := e.IngestBatch(ctx, []mailbox.Fetched{inboxReply(2, "Thu, 10 Dec 2026 22:00:00 +0100",
		"Vous êtes des escrocs. Je sais où vous habitez.\r\n\r\nG. Client\r\n")}, mailbox.Cursor{Folder: "INBOX", UIDValidity: 9, LastUID: 2}); err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftDetail(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != domain.DraftCancelled {
		t.Errorf("draft %s after a hostile reply, want cancelled", d.Status)
	}
	flags, err := st.FlagsOfInvoice(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var hostile []store.Flag
	for _, f := range flags {
		if f.Kind == domain.FlagHostile {
			hostile = append(hostile, f)
		}
	}
	if len(hostile) != 1 {
		t.Fatalf("hostile flags %+v, want one", hostile)
	}
	ev := strings.Join(hostile[0].Evidence, " | ")
	for _, want := range []string{"tout contact avec ce client est suspendu", "Vous êtes des escrocs.", "Je sais où vous habitez."} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence lacks %q: %s", want, ev)
		}
	}
	events, err := st.Timeline(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	reason := ""
	for _, ev := range events {
		if ev.Kind == domain.EventDraftCancelled && ev.DraftID == draft {
			reason = string(ev.Detail)
		}
	}
	if !strings.Contains(reason, "agressive ou insultante") {
		t.Errorf("cancellation reason %q", reason)
	}
	// The client is paused as a whole: the policy sees the flag.
	c, err := st.ChasingClient(ctx, inv.Client.ID)
	if err != nil || c == nil || !strings.Contains(strings.Join(c.FlagKinds, ","), "hostile") {
		t.Errorf("chasing client flags %v (%v)", c, err)
	}
}
