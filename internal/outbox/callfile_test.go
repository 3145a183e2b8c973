package outbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/templates"
)

// The call sheet the outbox prepares carries the client's numbers, the
// money it paid, the dispute it raised in its own words — never "none
// known" for a client who disputed — and the goal its scorecard sets, in
// French and in English.
func TestCallSheetCarriesTheClientFile(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var clientID int64
	err = st.Update(ctx, now.AddDate(0, 0, -20), func(tx *store.Tx) error {
		c, err := tx.EnsureClient("claire@dupont.test", "Claire Dupont", "fr")
		if err != nil {
			return err
		}
		clientID = c.ID
		inv, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-0142", ClientID: c.ID, Amount: decimal.NewFromInt(1200),
			Currency: "EUR", IssueDate: now.AddDate(0, 0, -60), DueDate: now.AddDate(0, 0, -30), OrderDate: now.AddDate(0, 0, -95),
			DeliveryDate: now.AddDate(0, 0, -62)})
		if err != nil {
			return err
		}
		if err := tx.FoundPhones(c.ID, domain.ContactFromSignature, 0, now.AddDate(0, 0, -20), contact.Phones("Tél. 06 12 34 56 78\nFax 01 23 45 67 90")); err != nil {
			return err
		}
		if _, err := tx.RecordOwnerPayment(store.Payment{InvoiceID: inv, Amount: decimal.NewFromInt(200), Currency: "EUR", PaidOn: now.AddDate(0, 0, -10)}, domain.ActorCLI); err != nil {
			return err
		}
		_, err = tx.OpenFlag(store.Flag{Kind: domain.FlagDispute, InvoiceID: inv, ClientID: c.ID,
			Evidence: []string{"[dispute] La porte ne ferme pas, je ne paierai pas le solde."}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(Options{Store: st, Mailbox: &memMailbox{}, Sender: nopSender{}, Policy: pol, Mode: domain.ModeReview,
		From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier"}, Renderer: render.New(templates.FS)})
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"fr": {"Téléphone du client : 06 12 34 56 78", "commande le 28 août 2026 · livraison le 30 septembre 2026", "200,00", "contestation du", "« La porte ne ferme pas, je ne paierai pas le solde. »",
			"But de l'appel : Écouter la réclamation"},
		"en": {"Client's phone: 06 12 34 56 78", "ordered", "dispute of", `"La porte ne ferme pas, je ne paierai pas le solde."`, "Goal of the call: Hear the complaint out"},
	} {
		data := render.Data{Language: lang, Stage: render.StageCall, ClientName: "Claire Dupont", Today: now, Business: render.Business{Name: "Atelier"},
			Invoices: []render.InvoiceLine{{Number: "F-2026-0142", Amount: decimal.NewFromInt(1200), Balance: decimal.NewFromInt(1000), Currency: "EUR",
				IssueDate: now.AddDate(0, 0, -60), DueDate: now.AddDate(0, 0, -30), DaysLate: 30}}, Currency: "EUR"}
		if err := x.callFile(ctx, now, clientID, &data); err != nil {
			t.Fatal(err)
		}
		r, err := x.o.Renderer.Render(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s call sheet lacks %q:\n%s", lang, w, r.Text)
			}
		}
		for _, never := range []string{"Aucune connue", "None known", "01 23 45 67 90", "[dispute]"} {
			if strings.Contains(r.Text, never) {
				t.Errorf("%s call sheet says %q:\n%s", lang, never, r.Text)
			}
		}
	}
}
