package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The effect of the RELANCE_ settings that shape the daemon's work, each
// on Dovecot with the SMTP sink (config.TestEveryEnvSettingHasATest lists
// where every other setting is shown).

// heldDraft delivers one invoice (due 2 September 2026) and runs the pass
// of Monday 14 September that drafts its friendly reminder, held until
// Tuesday 09:00.
func heldDraft(t *testing.T, w *env) store.Draft {
	t.Helper()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	held := draftsIn(t, w, domain.DraftHeld)
	if len(held) != 1 {
		t.Fatalf("held drafts = %d, want 1", len(held))
	}
	return held[0]
}

func draftsIn(t *testing.T, w *env, statuses ...domain.DraftStatus) []store.Draft {
	t.Helper()
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.Drafts(context.Background(), statuses...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// messagesIn counts the messages of a Dovecot folder.
func messagesIn(dir string) int {
	n := 0
	for _, sub := range []string{"cur", "new"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		n += len(entries)
	}
	return n
}

// RELANCE_MODE: review sends only what was approved; auto sends after the
// hold without approval; dry-run never sends, even approved. RELANCE_FROM
// is the From of what goes.
func TestModeSetting(t *testing.T) {
	after := time.Date(2026, 9, 15, 9, 30, 0, 0, paris) // the hold is over, inside the send window
	for _, c := range []struct {
		mode                string
		approve             bool
		sentBefore, sentNow int
	}{
		{"review", true, 0, 1},
		{"auto", false, 1, 1},
		{"dry-run", true, 0, 0},
	} {
		t.Run(c.mode, func(t *testing.T) {
			w := newWorld(t)
			t.Setenv("RELANCE_MODE", c.mode)
			t.Setenv("RELANCE_FROM", "Atelier Moreau <factures@atelier.test>")
			d := heldDraft(t, w)
			w.once(after)
			if n := len(w.Sink.Messages()); n != c.sentBefore {
				t.Fatalf("mode %s, not approved: %d sent, want %d", c.mode, n, c.sentBefore)
			}
			if c.approve {
				w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
			}
			w.once(after.Add(time.Minute))
			msgs := w.Sink.Messages()
			if len(msgs) != c.sentNow {
				t.Fatalf("mode %s, approved %v: %d sent, want %d", c.mode, c.approve, len(msgs), c.sentNow)
			}
			for _, m := range msgs {
				msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
				if err != nil {
					t.Fatal(err)
				}
				from, err := mail.ParseAddress(msg.Header.Get("From"))
				if err != nil || from.Name != "Atelier Moreau" || from.Address != "factures@atelier.test" {
					t.Errorf("From = %q (%v), want RELANCE_FROM", msg.Header.Get("From"), err)
				}
			}
		})
	}
}

// RELANCE_SAVE_SENT: a copy of each sent reminder is appended to Sent
// (default), or not when the server files sent mail itself.
func TestSaveSentSetting(t *testing.T) {
	for _, c := range []struct {
		value string
		copy  int
	}{{"", 1}, {"true", 1}, {"false", 0}} {
		t.Run("SAVE_SENT="+c.value, func(t *testing.T) {
			w := newWorld(t)
			if c.value != "" {
				t.Setenv("RELANCE_SAVE_SENT", c.value)
			}
			d := heldDraft(t, w)
			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
			w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
			sent := draftsIn(t, w, domain.DraftSent)
			if len(sent) != 1 || len(w.Sink.Messages()) != 1 {
				t.Fatalf("sent drafts %d, sink %d: want 1", len(sent), len(w.Sink.Messages()))
			}
			id := sent[0].MessageID
			if len(id) > 2 && id[0] == '<' {
				id = id[1 : len(id)-1]
			}
			if n := countInMaildir(t, w.IMAP.Maildir("Sent"), id); n != c.copy {
				t.Errorf("copies of the reminder in Sent: %d, want %d", n, c.copy)
			}
		})
	}
}

// RELANCE_THANK_YOU: once a chased invoice is paid, a thank-you is drafted
// (held like every draft), or not when false.
func TestThankYouSetting(t *testing.T) {
	for _, c := range []struct {
		value  string
		thanks int
	}{{"", 1}, {"false", 0}} {
		t.Run("THANK_YOU="+c.value, func(t *testing.T) {
			w := newWorld(t)
			if c.value != "" {
				t.Setenv("RELANCE_THANK_YOU", c.value)
			}
			d := heldDraft(t, w)
			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
			w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
			if n := len(w.Sink.Messages()); n != 1 {
				t.Fatalf("%d reminders sent, want 1", n)
			}
			w.Relance("pay", "F-2026-0501", "--date", "2026-09-16")
			w.once(time.Date(2026, 9, 16, 18, 0, 0, 0, paris))
			n := 0
			for _, d := range draftsIn(t, w) {
				if d.Stage == "thank_you" {
					n++
				}
			}
			if n != c.thanks {
				t.Errorf("thank-you drafts: %d, want %d", n, c.thanks)
			}
		})
	}
}

// RELANCE_IMAP_SENT_FOLDER reads invoices from a folder of that name,
// RELANCE_IMAP_EXTRA_FOLDERS from more folders, and RELANCE_IMAP_DRAFTS_FOLDER
// is where drafts are filed for review in the mail client.
func TestFolderSettings(t *testing.T) {
	w := newWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Archives Factures", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	if err := w.IMAP.Deliver("Compta", invoiceMail(2, "Cave Saint-Jean", "olivier@cave-saintjean.fr", issued, issued.AddDate(0, 0, 30), "480.00", false), true); err != nil {
		t.Fatal(err)
	}
	// The owner's own draft makes the folder exist; relance leaves it alone.
	own := []byte("From: factures@atelier.test\r\nTo: x@example.com\r\nSubject: brouillon perso\r\nMessage-ID: <own@atelier.test>\r\n\r\nnote\r\n")
	if err := w.IMAP.Deliver("Relances", own, true); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_IMAP_DRAFTS_FOLDER", "Relances")
	invoices := func() int {
		t.Helper()
		var list []json.RawMessage
		if err := json.Unmarshal([]byte(w.Relance("invoices", "--json")), &list); err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	at := time.Date(2026, 9, 14, 18, 0, 0, 0, paris)
	w.once(at)
	if n := invoices(); n != 0 {
		t.Fatalf("without the folder settings: %d invoices, want 0", n)
	}
	t.Setenv("RELANCE_IMAP_SENT_FOLDER", "Archives Factures")
	w.once(at.Add(time.Minute))
	if n := invoices(); n != 1 {
		t.Fatalf("with IMAP_SENT_FOLDER: %d invoices, want 1", n)
	}
	t.Setenv("RELANCE_IMAP_EXTRA_FOLDERS", "Compta")
	w.once(at.Add(2 * time.Minute))
	if n := invoices(); n != 2 {
		t.Fatalf("with IMAP_EXTRA_FOLDERS: %d invoices, want 2", n)
	}
	held := draftsIn(t, w, domain.DraftHeld)
	if len(held) == 0 {
		t.Fatal("no draft held")
	}
	filed := 0
	for _, d := range held {
		id := d.MessageID
		if len(id) > 2 && id[0] == '<' {
			id = id[1 : len(id)-1]
		}
		filed += countInMaildir(t, w.IMAP.Maildir("Relances"), id)
		if n := countInMaildir(t, w.IMAP.Maildir("Drafts"), id); n != 0 {
			t.Errorf("draft %d also in Drafts", d.ID)
		}
	}
	if filed != len(held) || messagesIn(w.IMAP.Maildir("Relances")) != len(held)+1 {
		t.Errorf("drafts in Relances: %d of %d held (folder holds %d messages)", filed, len(held), messagesIn(w.IMAP.Maildir("Relances")))
	}
}

// A ladder stage's offer_payment_plan (policy file) reaches the drafted
// reminder: the friendly reminder offers a payment plan only when its
// stage says so.
func TestOfferPaymentPlanInDraft(t *testing.T) {
	for _, c := range []struct {
		name, policy string
		offer        bool
	}{
		{"default friendly", "", false},
		{"friendly with offer_payment_plan", `{"ladders": {"standard": {"stages": [
			{"name": "friendly", "kind": "message", "offset_days": 7, "offer_payment_plan": true}]}}}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			if c.policy != "" {
				p := filepath.Join(t.TempDir(), "policy.json")
				if err := os.WriteFile(p, []byte(c.policy), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("RELANCE_POLICY_FILE", p)
			}
			d := heldDraft(t, w)
			if got := bytes.Contains([]byte(d.Body), []byte("convenir d'un échéancier")); got != c.offer {
				t.Errorf("payment plan offered = %v, want %v:\n%s", got, c.offer, d.Body)
			}
		})
	}
}
