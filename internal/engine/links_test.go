package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// inboxMail is a reply as the scan delivers it.
func inboxMail(uid uint32, from, subject, inReplyTo string, date time.Time, body string) mailbox.Fetched {
	header := fmt.Sprintf("From: %s\r\nTo: Atelier <factures@atelier.test>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <reply-%d@client.test>\r\n",
		from, subject, date.Format(time.RFC1123Z), uid)
	if inReplyTo != "" {
		header += "In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n"
	}
	header += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	return mailbox.Fetched{Folder: "INBOX", Role: mailbox.RoleInbox, UID: uid, UIDValidity: 9, Header: []byte(header),
		Parts: []message.Part{{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
			Body: []byte(strings.ReplaceAll(body, "\n", "\r\n"))}}}
}

func ingestAll(t *testing.T, e *Engine, fs ...mailbox.Fetched) {
	t.Helper()
	for _, f := range fs {
		if err := e.Ingest(context.Background(), f, mailbox.Cursor{Folder: f.Folder, UIDValidity: f.UIDValidity, LastUID: f.UID}); err != nil {
			t.Fatal(err)
		}
	}
}

// A supplier's invoice forwarded to the accountant is set aside with its
// reason, listed, and adopted in one action; a credit note has no due date
// and raises no missing due date; a reply that fits two open invoices
// pauses both; a payment claimed from an unknown address by the number
// alone is linked with a note and a check flag.
func TestLinksEndToEnd(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	ingestAll(t, e,
		sentMail(1, us, "Menuiserie Roux <compta@menuiserie-roux.fr>", "Facture FA-2025-0311", at,
			"Bonjour,\nVeuillez trouver notre facture n° FA-2025-0311 d'un montant de 1 440,00 € TTC.\nDate d'échéance : 3 décembre 2026\n"),
		sentMail(2, us, "Menuiserie Roux <compta@menuiserie-roux.fr>", "Facture FA-2025-0312", at,
			"Bonjour,\nVeuillez trouver notre facture n° FA-2025-0312 d'un montant de 1 000,00 € TTC.\nDate d'échéance : 3 décembre 2026\n"),
		sentMail(3, us, "Menuiserie Roux <compta@menuiserie-roux.fr>", "Avoir AV-2025-0012 sur facture FA-2025-0312", at.Add(time.Hour),
			"Bonjour,\nCi-joint notre avoir AV-2025-0012 sur la facture FA-2025-0312.\nMontant de l'avoir : 200,00 €\n"),
		sentMail(4, us, "Cabinet Compta <jm@cabinet-compta.fr>", "TR: Facture Fournitures Leroy FL-2211", at,
			"Pour la compta.\n\nFournitures Leroy SARL\nFACTURE N° FL-2211\nClient : Atelier Test\nTotal TTC : 318,00 €\nDate d'échéance : 27/11/2026\n"),
	)
	cn := invoiceNamed(t, st, "AV-2025-0012")
	if !cn.DueDate.IsZero() {
		t.Errorf("credit note due %s, want none", cn.DueDate)
	}
	for _, f := range flagsOf(t, st, "self_check") {
		if f.InvoiceID == cn.ID {
			t.Errorf("self_check on the credit note: %q", f.Evidence)
		}
	}
	if b := invoiceNamed(t, st, "FA-2025-0312").Balance.String(); b != "800" {
		t.Errorf("balance after the credit note = %s, want 800", b)
	}
	if _, err := st.InvoiceByNumber(ctx, "FL-2211"); err == nil {
		t.Fatal("the supplier's invoice was taken for ours")
	}
	docs, err := st.RejectedDocuments(ctx, false)
	if err != nil || len(docs) != 1 || docs[0].Rejected != "not_ours" || docs[0].Facts.Number != "FL-2211" {
		t.Fatalf("rejected = %+v, %v", docs, err)
	}

	// Two replies: "paid" from a personal address citing the number only;
	// a question fitting both open invoices of the client.
	ingestAll(t, e,
		inboxMail(1, "Pierre Roux <p.roux@free.fr>", "Paiement", "", at.Add(48*time.Hour),
			"Bonjour,\nJ'ai réglé la facture n°FA-2025-0311 par virement ce matin.\nCordialement"),
		inboxMail(2, "Lea <lea@studio-lune.fr>", "Question", "", at.Add(49*time.Hour), "Bonjour, pouvez-vous me renvoyer le RIB ?"),
	)
	if s := invoiceNamed(t, st, "FA-2025-0311").State; s != domain.StatePaidClaimed {
		t.Errorf("FA-2025-0311 is %s after the paid reply from an unknown address, want paid_claimed", s)
	}
	if fs := flagsOf(t, st, domain.FlagUnknownSender); len(fs) != 1 {
		t.Errorf("unknown_sender flags = %d, want 1", len(fs))
	}

	// Adopting the supplier's invoice (the owner says relance was wrong).
	var inv store.Invoice
	err = st.Update(ctx, at, func(tx *store.Tx) error {
		var err error
		inv, err = tx.AdoptDocument("<"+docs[0].HeaderID+">", domain.ActorCLI)
		return err
	})
	if err != nil || inv.Number != "FL-2211" || inv.Client.Email != "jm@cabinet-compta.fr" {
		t.Fatalf("adopt = %+v, %v", inv, err)
	}
	if docs, _ := st.RejectedDocuments(ctx, false); len(docs) != 0 {
		t.Errorf("still listed as rejected after adoption: %+v", docs)
	}
	err = st.Update(ctx, at, func(tx *store.Tx) error {
		_, err := tx.AdoptDocument(docs[0].HeaderID, domain.ActorCLI)
		return err
	})
	if err == nil {
		t.Error("adopted twice")
	}
}

// A reply that fits two open invoices equally goes to a human and pauses
// both.
func TestTriagePausesBoth(t *testing.T) {
	e, st := newEngine(t)
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	ingestAll(t, e,
		sentMail(1, us, "Studio Lune <lea@studio-lune.fr>", "Facture FA-2025-0401", at, "Facture n° FA-2025-0401\nMontant TTC : 300,00 €\nÉchéance : 03/12/2026\n"),
		sentMail(2, us, "Studio Lune <lea@studio-lune.fr>", "Facture FA-2025-0402", at, "Facture n° FA-2025-0402\nMontant TTC : 300,00 €\nÉchéance : 03/12/2026\n"),
		inboxMail(1, "Lea <lea@studio-lune.fr>", "Virement", "", at.Add(48*time.Hour), "Bonjour, le virement de 300 € est parti ce matin."),
	)
	paused := map[int64]bool{}
	for _, f := range flagsOf(t, st, "triage") {
		paused[f.InvoiceID] = true
	}
	for _, n := range []string{"FA-2025-0401", "FA-2025-0402"} {
		if inv := invoiceNamed(t, st, n); !paused[inv.ID] {
			t.Errorf("%s not paused by a triage flag", n)
		}
	}
}

// A second reminder the owner wrote by hand is a contact on its invoice at
// the stage it amounts to, so chasing goes on from there; a reply to it
// threads to the invoice.
func TestManualReminder(t *testing.T) {
	st0, st := newEngine(t)
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Store: st, Now: st0.now, Own: []string{"factures@atelier.test"},
		StageOf: func(email string, lvl policy.ReminderLevel) int {
			return pol.StageForLevel(policy.Client{Emails: []string{email}}, lvl)
		}})
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	ingestAll(t, e,
		sentMail(1, us, "Client <compta@client.fr>", "Facture FA-2025-0501", at.AddDate(0, -2, 0), "Facture n° FA-2025-0501\nMontant TTC : 500,00 €\nÉchéance : 03/10/2026\n"),
		sentMail(2, us, "Client <compta@client.fr>", "2e relance : facture FA-2025-0501", at,
			"Bonjour,\nMalgré notre précédente relance, nous n'avons toujours pas reçu votre règlement de la facture FA-2025-0501.\nCordialement"),
		inboxMail(1, "Autre <direction@client.fr>", "Re: 2e relance", "sent-2@relance.test", at.Add(24*time.Hour), "Bonjour, je m'en occupe cette semaine."),
	)
	inv := invoiceNamed(t, st, "FA-2025-0501")
	cs, err := st.ChasingClient(context.Background(), inv.Client.ID)
	if err != nil || cs == nil || len(cs.Invoices) != 1 {
		t.Fatalf("chasing client: %+v, %v", cs, err)
	}
	second := pol.StageForLevel(policy.Client{Emails: []string{"compta@client.fr"}}, policy.LevelSecond)
	if cs.Invoices[0].LastStage != second || !cs.LastContact.Equal(at) {
		t.Errorf("last stage %d, last contact %s; want %d (second reminder) at %s", cs.Invoices[0].LastStage, cs.LastContact, second, at)
	}
	tl, err := st.Timeline(context.Background(), inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var manual, reply bool
	for _, ev := range tl {
		switch ev.Kind {
		case "manual_reminder":
			manual = strings.Contains(string(ev.Detail), `"level":"second"`)
		case "reply_received":
			reply = strings.Contains(string(ev.Detail), `"thread_rule":"references"`)
		}
	}
	if !manual || !reply {
		t.Errorf("timeline: manual reminder %v, reply threaded by its reference %v", manual, reply)
	}
}

// A "paid" reply naming less than the balance is a partial claim: chasing
// pauses until the payment is recorded, then the rest is chased.
func TestPartialClaim(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	ingestAll(t, e,
		sentMail(1, "Atelier Test <factures@atelier.test>", "Client <compta@client.fr>", "Facture FA-2025-0601", at,
			"Facture n° FA-2025-0601\nMontant TTC : 500,00 €\nÉchéance : 03/12/2026\n"),
		inboxMail(1, "Client <compta@client.fr>", "Re: Facture FA-2025-0601", "sent-1@relance.test", at.Add(48*time.Hour),
			"Bonjour,\nNous avons effectué un virement de 100,00 € ce jour.\nCordialement"),
	)
	inv := invoiceNamed(t, st, "FA-2025-0601")
	if inv.State != domain.StatePaidClaimed || len(flagsOf(t, st, domain.FlagPartialClaim)) != 1 {
		t.Fatalf("state %s, partial claims %d; want paid_claimed and one", inv.State, len(flagsOf(t, st, domain.FlagPartialClaim)))
	}
	err := st.Update(ctx, at.Add(72*time.Hour), func(tx *store.Tx) error {
		_, _, err := tx.RecordPayment(store.Payment{InvoiceID: inv.ID, Amount: decimal.RequireFromString("100"), PaidOn: at, Source: "manual"}, domain.ActorCLI)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inv = invoiceNamed(t, st, "FA-2025-0601")
	if inv.State != domain.StateOpen || inv.Balance.String() != "400" || len(flagsOf(t, st, domain.FlagPartialClaim)) != 0 {
		t.Errorf("after the payment: state %s balance %s, partial claims %d; want open, 400, none", inv.State, inv.Balance, len(flagsOf(t, st, domain.FlagPartialClaim)))
	}
}

// A reply about an invoice from an address that is not the client's (a
// colleague at its domain, a personal address citing the number) is the
// client writing: the client's last inbound moves to it, so a draft made
// before it is not sent and chasing waits its quiet days.
func TestReplyFromAnotherAddressIsTheClientWriting(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	ingestAll(t, e,
		sentMail(1, us, "Client 19 <compta@client19.fr>", "Facture FA-2025-0319", at, "Facture n° FA-2025-0319\nMontant TTC : 900,00 €\nÉchéance : 03/12/2026\n"),
		sentMail(2, us, "Client 20 <compta@client20.fr>", "Facture FA-2025-0320", at, "Facture n° FA-2025-0320\nMontant TTC : 700,00 €\nÉchéance : 03/12/2026\n"),
	)
	colleague, stranger := at.Add(10*24*time.Hour), at.Add(11*24*time.Hour)
	ingestAll(t, e,
		inboxMail(1, "Direction <direction@client19.fr>", "Votre facture", "", colleague,
			"Bonjour,\nJe reprends le dossier de notre comptable, qui est absent.\nCordialement"),
		inboxMail(2, "Particulier <perso20@free.fr>", "Paiement", "", stranger,
			"Bonjour,\nJ'ai payé la facture n°FA-2025-0320 hier par virement.\nCordialement"),
	)
	want := map[string]time.Time{"compta@client19.fr": colleague, "compta@client20.fr": stranger}
	for email, at := range want {
		inv := invoiceNamed(t, st, map[string]string{"compta@client19.fr": "FA-2025-0319", "compta@client20.fr": "FA-2025-0320"}[email])
		c, err := st.ChasingClient(ctx, inv.Client.ID)
		if err != nil || c == nil {
			t.Fatalf("%s: %v, %v", email, c, err)
		}
		if !c.LastInbound.Equal(at) {
			t.Errorf("%s: last inbound %s, want the reply's %s", email, c.LastInbound, at)
		}
	}
}
