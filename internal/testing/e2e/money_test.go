package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

func usePaymentsConfig(t *testing.T, w *env) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "..", "config", "payments.example.json")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_PAYMENTS_CONFIG", path)
}

func bankNotice(id, amount, payer, reference string, date time.Time) []byte {
	return []byte(fmt.Sprintf("Authentication-Results: mx.atelier.test; dkim=pass header.d=ma-banque.example header.s=alerts; spf=pass smtp.mailfrom=ma-banque.example; dmarc=pass header.from=ma-banque.example\r\n"+
		"From: Ma Banque - Alertes <alertes@ma-banque.example>\r\nTo: factures@atelier.test\r\n"+
		"Subject: =?UTF-8?Q?Virement_re=C3=A7u_sur_votre_compte?=\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBonjour,\r\n\r\n"+
		"Nous vous informons qu'un virement de %s EUR a été crédité sur votre compte n° ****4521 le %s.\r\n"+
		"Émetteur : %s\r\nMotif : %s\r\n\r\nCeci est un message automatique, merci de ne pas y répondre.\r\nMa Banque\r\n",
		date.In(paris).Format(time.RFC1123Z), id, amount, date.In(paris).Format("02/01/2006"), payer, reference))
}

func openStore(t *testing.T, w *env) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A bank notice arrives for an overdue invoice whose reminder is held: the
// draft is superseded, the invoice is paid, a thank-you is held, and no
// reminder reaches the sink.
func TestBankNoticeStopsHeldReminder(t *testing.T) {
	w := newWorld(t)
	usePaymentsConfig(t, w)
	ctx := context.Background()
	issued := time.Date(2026, 7, 20, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Boulangerie Martin", "compta@boulangerie-martin.fr", issued, issued.AddDate(0, 0, 30), "1200.00", false), true); err != nil {
		t.Fatal(err)
	}
	// A first reminder went out earlier, so the payment deserves thanks.
	w.once(time.Date(2026, 8, 31, 18, 0, 0, 0, paris))
	st := openStore(t, w)
	held, _ := st.Drafts(ctx, domain.DraftHeld)
	if len(held) != 1 {
		t.Fatalf("held = %d", len(held))
	}
	w.Relance("drafts", "approve", strconv.FormatInt(held[0].ID, 10))
	w.once(time.Date(2026, 9, 1, 9, 30, 0, 0, paris))
	if n := len(w.Sink.Messages()); n != 1 {
		t.Fatalf("first reminder not sent: sink %d", n)
	}
	// Three weeks later the second reminder is held…
	w.once(time.Date(2026, 9, 21, 18, 0, 0, 0, paris))
	held, _ = st.Drafts(ctx, domain.DraftHeld)
	if len(held) != 1 || held[0].Stage != "second" {
		t.Fatalf("second reminder not held: %+v", held)
	}
	second := held[0]
	w.Relance("drafts", "approve", strconv.FormatInt(second.ID, 10))
	// …and the bank's notice arrives overnight.
	notice := bankNotice("alert-1@ma-banque.example", "1 200,00", "SARL BOULANGERIE MARTIN", "FACTURE F-2026-0501", time.Date(2026, 9, 22, 7, 0, 0, 0, paris))
	if err := w.IMAP.Deliver("INBOX", notice, false); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Date(2026, 9, 22, 9, 30, 0, 0, paris), time.Date(2026, 9, 22, 18, 0, 0, 0, paris)} {
		w.once(at)
	}
	if n := len(w.Sink.Messages()); n != 1 {
		t.Fatalf("a reminder went out after the payment: sink holds %d", n)
	}
	inv, err := st.InvoiceByNumber(ctx, "F-2026-0501")
	if err != nil {
		t.Fatal(err)
	}
	if inv.State != domain.StatePaid || !inv.Balance.IsZero() {
		t.Fatalf("invoice after the notice: %s, balance %s", inv.State, inv.Balance)
	}
	d, _ := st.DraftDetail(ctx, second.ID)
	if d.Status != domain.DraftSuperseded {
		t.Fatalf("held reminder is %s, want superseded", d.Status)
	}
	thanks, _ := st.Drafts(ctx, domain.DraftHeld)
	if len(thanks) != 1 || thanks[0].Stage != "thank_you" {
		t.Fatalf("no thank-you held: %+v", thanks)
	}
	if n := countInMaildir(t, w.IMAP.Maildir("Drafts"), d.MessageID); n != 0 {
		t.Errorf("the superseded draft is still in IMAP Drafts")
	}
}

// A payment plan of three instalments: the written confirmation, one gentle
// reminder for a missed instalment, a flag when the second is missed, and
// the invoice paid after the last.
func TestPaymentPlanThreeInstalments(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	issued := time.Date(2026, 7, 20, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Delorme Bâtiment", "f.delorme@delorme.fr", issued, issued.AddDate(0, 0, 30), "900.00", false), true); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 1, 18, 0, 0, 0, paris))
	w.Relance("plan", "F-2026-0501", "--instalments", "2026-09-15:300,2026-10-15:300,2026-11-16:300")
	st := openStore(t, w)
	approveAll := func() {
		held, _ := st.Drafts(ctx, domain.DraftHeld)
		for _, d := range held {
			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
		}
	}
	stagesSent := func() []string {
		var out []string
		for _, s := range w.sentMessages() {
			d, err := st.DraftByMessageID(ctx, s.MessageID)
			if err == nil {
				out = append(out, d.Stage)
			}
		}
		return out
	}
	w.once(time.Date(2026, 9, 2, 18, 0, 0, 0, paris))
	approveAll()
	w.once(time.Date(2026, 9, 3, 9, 30, 0, 0, paris))
	if got := stagesSent(); len(got) != 1 || got[0] != "plan_confirmation" {
		t.Fatalf("after the plan: sent %v, want the plan confirmation", got)
	}
	// The first instalment is paid on time; the second is missed.
	w.Relance("pay", "F-2026-0501", "--amount", "300", "--date", "2026-09-14")
	w.once(time.Date(2026, 10, 19, 18, 0, 0, 0, paris))
	approveAll()
	w.once(time.Date(2026, 10, 20, 9, 30, 0, 0, paris))
	if got := stagesSent(); len(got) != 2 || got[1] != "instalment_reminder" {
		t.Fatalf("after the missed instalment: sent %v", got)
	}
	// The third is missed too: a flag for the owner, no second reminder.
	w.once(time.Date(2026, 11, 18, 18, 0, 0, 0, paris))
	approveAll()
	w.once(time.Date(2026, 11, 19, 9, 30, 0, 0, paris))
	if got := stagesSent(); len(got) != 2 {
		t.Fatalf("after the second missed instalment: sent %v, want no more reminders", got)
	}
	flags, _ := st.Flags(ctx, domain.FlagOpen)
	var missedFlag bool
	for _, f := range flags {
		missedFlag = missedFlag || f.Kind == "plan_missed"
	}
	if !missedFlag {
		t.Fatalf("no plan_missed flag: %+v", flags)
	}
	// Everything is paid at last.
	w.Relance("pay", "F-2026-0501", "--amount", "600", "--date", "2026-11-20")
	inv, err := st.InvoiceByNumber(ctx, "F-2026-0501")
	if err != nil || inv.State != domain.StatePaid {
		t.Fatalf("invoice after the last payment: %s, %v", inv.State, err)
	}
	w.once(time.Date(2026, 11, 20, 18, 0, 0, 0, paris))
	if got := strings.Join(stagesSent(), ","); got != "plan_confirmation,instalment_reminder" {
		t.Fatalf("sent %s", got)
	}
}
