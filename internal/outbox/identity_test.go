package outbox

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/templates"
)

// A draft waiting when the installation got its key keeps its copy in
// Drafts (bare number) as long as the copy goes to its recipients; a bare
// copy to someone else is not its copy, and another installation's copy
// with the same number neither: reconciling then reads the draft's own copy
// as deleted.
func TestLegacyAndForeignCopiesInDrafts(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 9, 14, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		header    string
		to        string
		cancelled bool
	}{
		{name: "bare number, same recipient", header: "X-Relance-Draft: %d\r\n", to: "a@client.test"},
		{name: "bare number, another recipient", header: "X-Relance-Draft: %d\r\n", to: "b@other.test", cancelled: true},
		{name: "another installation", header: "X-Relance-Draft: %d\r\nX-Relance-Installation: 0000other0000\r\n", to: "a@client.test", cancelled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "relance.db")
			old, err := store.OpenVersion(ctx, path, 9)
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := old.Update(ctx, t0, func(tx *store.Tx) error {
				c, err := tx.EnsureClient("a@client.test", "Client A", "fr")
				if err != nil {
					return err
				}
				inv, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "F-1", ClientID: c.ID, Amount: decimal.RequireFromString("100"),
					Currency: "EUR", IssueDate: t0.AddDate(0, -2, 0), DueDate: t0.AddDate(0, -1, 0), Language: "fr", Source: "body"})
				if err != nil {
					return err
				}
				id, err = tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: "friendly", StageNumber: 2, Kind: "message", To: []string{"a@client.test"},
					Subject: "Facture F-1", Body: "Bonjour", HoldUntil: t0.Add(17 * time.Hour), MessageID: "d@atelier.test", InvoiceIDs: []int64{inv}}, domain.ActorDaemon)
				if err != nil {
					return err
				}
				return tx.SetDraftIMAPUID(id, 1)
			}); err != nil {
				t.Fatal(err)
			}
			old.Close()
			st, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			mb := &memMailbox{drafts: map[uint32][]byte{1: []byte(fmt.Sprintf("To: %s\r\nSubject: Facture F-1\r\nMessage-ID: <d@atelier.test>\r\n"+tc.header+"\r\nBonjour\r\n", tc.to, id))}, next: 1}
			pol, err := policy.DefaultPolicy()
			if err != nil {
				t.Fatal(err)
			}
			x, err := New(Options{Store: st, Mailbox: mb, Sender: nopSender{}, Policy: pol, Mode: domain.ModeReview,
				From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier"}, Renderer: render.New(templates.FS)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.installation(ctx); err != nil {
				t.Fatal(err)
			}
			if err := x.reconcileDrafts(ctx, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			d, err := st.DraftDetail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Status == domain.DraftCancelled; got != tc.cancelled {
				t.Fatalf("status %s, cancelled want %v", d.Status, tc.cancelled)
			}
			if _, kept := mb.drafts[1]; !kept {
				t.Fatal("a copy that is not the draft's was deleted")
			}
		})
	}
}
