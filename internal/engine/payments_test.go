package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

func noticeRules(t *testing.T) []payment.NoticeRule {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "config", "payments.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := payment.LoadConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Notices
}

func bankNotice(id, amount, payer, motif string) *message.Message {
	return &message.Message{
		MessageID: id,
		From:      message.Address{Email: "alertes@ma-banque.example"},
		Subject:   "Virement reçu sur votre compte",
		Date:      time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		Header:    map[string][]string{"Authentication-Results": {"mx.example; dkim=pass header.d=ma-banque.example"}},
		Text: "Nous vous informons qu'un virement de " + amount + " EUR a été crédité sur votre compte le 19/11/2026.\n" +
			"Émetteur : " + payer + "\nMotif : " + motif + "\n",
	}
}

func TestRecordNotice(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(ctx, now, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("compta@boulangerie-martin.fr", "SARL Boulangerie Martin", "fr")
		if err != nil {
			return err
		}
		for _, n := range []string{"F-2026-014", "F-2026-015"} {
			if _, _, err := tx.UpsertInvoice(store.NewInvoice{Number: n, ClientID: c.ID, Amount: decimal.RequireFromString("1200"), Currency: "EUR"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Store: st, Now: func() time.Time { return now }})
	rules := noticeRules(t)
	uid := uint32(0)
	record := func(m *message.Message) bool {
		t.Helper()
		uid++
		var was bool
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			row, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: uid, Role: "inbox", MessageID: m.MessageID, From: m.From.Email})
			if err != nil {
				return err
			}
			was, err = e.recordNotice(tx, row, m, rules)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return was
	}
	state := func(number string) string {
		inv, err := st.InvoiceByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		return string(inv.State) + " " + inv.Balance.StringFixed(2)
	}

	if !record(bankNotice("n1@bank", "1 200,00", "SARL BOULANGERIE MARTIN", "FACTURE F-2026-014")) {
		t.Fatal("bank notice not recognised")
	}
	if got := state("F-2026-014"); got != "paid 0.00" {
		t.Errorf("F-2026-014 %s, want paid", got)
	}
	// The same notice again (copied to another folder): nothing more.
	if !record(bankNotice("n1@bank", "1 200,00", "SARL BOULANGERIE MARTIN", "FACTURE F-2026-014")) {
		t.Fatal("repeated notice not recognised")
	}
	if got := state("F-2026-015"); got != "open 1200.00" {
		t.Errorf("F-2026-015 %s: the repeated notice was applied again", got)
	}
	// An unknown payer: a triage flag, nothing applied.
	if !record(bankNotice("n2@bank", "99,00", "M. PAUL INCONNU", "CADEAU")) {
		t.Fatal("second notice not recognised")
	}
	flags, err := st.Flags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(flags) != 1 || flags[0].Kind != "triage" || !strings.Contains(strings.Join(flags[0].Evidence, " "), "99.00 EUR") {
		t.Errorf("flags %+v, want one triage flag for the unknown payer", flags)
	}
	// A client's reply is not a notice.
	reply := &message.Message{MessageID: "r1@client", From: message.Address{Email: "compta@boulangerie-martin.fr"}, Subject: "Re: F-2026-015",
		Text: "Le virement de 1 200,00 EUR est parti."}
	if record(reply) {
		t.Error("a client's reply was taken for a payment notice")
	}
	if got := state("F-2026-015"); got != "open 1200.00" {
		t.Errorf("F-2026-015 %s after a client's reply", got)
	}
}
