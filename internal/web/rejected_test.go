package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The page of documents set aside lists each with its reason, escaped, and
// its button adopts it as an invoice once.
func TestRejectedPageAdopts(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	var msg int64
	err := f.st.Update(ctx, now, func(tx *store.Tx) error {
		var err error
		msg, err = tx.AddMessage(store.Message{Folder: "Sent", UIDValidity: 1, UID: 9, Role: "sent", MessageID: "fwd-1@atelier.test",
			From: "factures@atelier.test", Subject: "TR: Facture Leroy FL-2211 " + xss, Date: now})
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"reason": "not ours: the buyer is us " + xss, "rejected": "not_ours", "subject": "TR: Facture",
			"facts": store.AdoptionFacts{Kind: "invoice", Number: "FL-2211", Key: "inv:FL2211@atelier.test", ClientEmail: "jm@cabinet-compta.fr",
				Amount: "318", Balance: "318", Currency: "EUR", IssueDate: "2026-10-28", DueDate: "2026-11-27", Language: "fr"}})
		_, err = tx.AddEvent(store.Event{Kind: domain.EventSentNotInvoice, MessageID: msg, Actor: domain.ActorDaemon, Detail: detail})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	resp, page := b.get(f.srv.URL + "/rejected")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "FL-2211") || strings.Contains(page, "<script>window") {
		t.Fatalf("/rejected: %d\n%.1500s", resp.StatusCode, page)
	}
	tok := csrfFrom(t, page)
	adopt := f.srv.URL + "/rejected/" + strconv.FormatInt(msg, 10) + "/adopt"
	resp, _ = b.post(adopt, url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/invoices/") {
		t.Fatalf("adopt: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	inv, err := f.st.InvoiceByNumber(ctx, "FL-2211")
	if err != nil || inv.Client.Email != "jm@cabinet-compta.fr" || inv.Balance.String() != "318" {
		t.Fatalf("adopted invoice %+v, %v", inv, err)
	}
	if resp, _ := b.post(adopt, url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("second adoption: %d, want 409", resp.StatusCode)
	}
}
