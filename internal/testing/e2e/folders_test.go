package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/world"
)

func courierLayout(folders ...string) dovecot.Options {
	return dovecot.Options{Prefix: "INBOX.", Separator: ".", NoSpecialUse: true, Folders: folders}
}

// seedTwoInvoices puts two late invoices in Sent and, in INBOX, the second
// client's reply disputing theirs.
func seedTwoInvoices(t *testing.T, w *env, sent string) {
	t.Helper()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	for i, c := range []struct{ name, email string }{{"Studio Kuma", "lea@studiokuma.fr"}, {"Cave Saint-Jean", "olivier@cave-saintjean.fr"}} {
		if err := w.IMAP.Deliver(sent, invoiceMail(i+1, c.name, c.email, issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
			t.Fatal(err)
		}
	}
	dispute := replyMail("r2@client.test", "olivier@cave-saintjean.fr", "Olivier", "inv-2@atelier.test", "Re: Facture F-2026-0502", issued.AddDate(0, 0, 2),
		"Bonjour,\r\n\r\nJe conteste cette facture : le montant ne correspond pas au devis signé.\r\n", false)
	if err := w.IMAP.Deliver("INBOX", dispute, false); err != nil {
		t.Fatal(err)
	}
}

// On servers without SPECIAL-USE whose folders live under "INBOX." with
// localized names (cPanel/Courier, Exchange in French, Apple Mail), relance
// works with no folder setting: it finds the invoices in Sent, reads the
// replies in INBOX, keeps its drafts in Drafts (created, in the language of
// Sent, when missing) and files the sent reminder in Sent.
func TestLocalizedFoldersWithoutSpecialUse(t *testing.T) {
	appleNoNamespace := courierLayout("Sent Messages", "Drafts")
	appleNoNamespace.NoNamespace = true
	cases := []struct {
		name         string
		imap         dovecot.Options
		sent, drafts string
	}{
		{"cpanel", courierLayout("Sent Items", "Brouillons", "Trash"), "INBOX.Sent Items", "INBOX.Brouillons"},
		{"exchange in french, no drafts folder", courierLayout("Éléments envoyés"), "INBOX.Éléments envoyés", "INBOX.Brouillons"},
		{"apple, no NAMESPACE", appleNoNamespace, "INBOX.Sent Messages", "INBOX.Drafts"},
		{"french webmail, no prefix", dovecot.Options{NoSpecialUse: true, Folders: []string{"Envoyés", "Brouillons"}}, "Envoyés", "Brouillons"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorldWith(t, world.Options{IMAP: c.imap})
			seedTwoInvoices(t, w, c.sent)
			w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))

			var invs []struct {
				Number string `json:"number"`
			}
			if err := json.Unmarshal([]byte(w.Relance("invoices", "--json")), &invs); err != nil || len(invs) != 2 {
				t.Fatalf("invoices from %s: %+v, %v", c.sent, invs, err)
			}
			if n := len(openFlags(t, w, "dispute")); n != 1 {
				t.Errorf("%d dispute flags, want 1 (the reply in INBOX, threaded to its invoice)", n)
			}
			st, err := store.Open(context.Background(), w.DB)
			if err != nil {
				t.Fatal(err)
			}
			all, err := st.Drafts(context.Background(), domain.DraftHeld)
			st.Close()
			// The dispute's objection (the amount) gets an answer for the
			// owner; the one reminder is the undisputed invoice's.
			var held, answers []store.Draft
			for _, d := range all {
				if d.Stage == string(domain.StageAnswer) {
					answers = append(answers, d)
				} else {
					held = append(held, d)
				}
			}
			if err != nil || len(held) != 1 {
				t.Fatalf("held reminders = %d, %v; want 1 (the undisputed invoice)", len(held), err)
			}
			if len(answers) != 1 || answers[0].Objection != domain.ObjectionWrongAmount {
				t.Fatalf("held answers = %+v; want one to the disputed amount", answers)
			}
			d := held[0]
			if n := countInMaildir(t, w.IMAP.Maildir(c.drafts), d.MessageID); n != 1 || d.IMAPUID == 0 {
				t.Fatalf("%s holds %d copies of the draft (UID %d), want 1", c.drafts, n, d.IMAPUID)
			}
			if n := len(openFlags(t, w, "drafts_folder_missing")); n != 0 {
				t.Errorf("%d drafts_folder_missing flags", n)
			}

			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
			w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
			if n := len(w.Sink.Messages()); n != 1 {
				t.Fatalf("sink holds %d messages, want 1", n)
			}
			if n := countInMaildir(t, w.IMAP.Maildir(c.sent), d.MessageID); n != 1 {
				t.Errorf("%s holds %d copies of the sent reminder, want 1", c.sent, n)
			}
			if n := countInMaildir(t, w.IMAP.Maildir(c.drafts), d.MessageID); n != 0 {
				t.Errorf("the sent reminder is still in %s", c.drafts)
			}
		})
	}
}

// Where the server has no Drafts folder and refuses to create one, the pass
// goes on: drafts are held for review on the web page and the command line,
// one flag says so, and approved reminders are sent.
func TestDraftsFolderRefusedReviewOnWeb(t *testing.T) {
	layout := courierLayout("Sent")
	layout.RefuseCreate = true
	w := newWorldWith(t, world.Options{IMAP: layout})
	seedTwoInvoices(t, w, "INBOX.Sent")
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris)) // fails the test on a non-zero exit
	w.once(time.Date(2026, 9, 14, 19, 0, 0, 0, paris))

	flags := openFlags(t, w, "drafts_folder_missing")
	if len(flags) != 1 || flags[0].InvoiceID != 0 || flags[0].ClientID != 0 {
		t.Fatalf("drafts_folder_missing flags = %+v, want one about the installation", flags)
	}
	var all []struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		Stage     string `json:"stage"`
		Objection string `json:"objection"`
	}
	if err := json.Unmarshal([]byte(w.Relance("drafts", "--json")), &all); err != nil {
		t.Fatalf("drafts --json: %v", err)
	}
	// The dispute's objection (the amount) gets an answer for the owner;
	// the one reminder is the undisputed invoice's.
	drafts := all[:0:0]
	answers := 0
	for _, d := range all {
		if d.Stage == string(domain.StageAnswer) {
			if d.Objection == string(domain.ObjectionWrongAmount) && d.Status == "held" {
				answers++
			}
			continue
		}
		drafts = append(drafts, d)
	}
	if len(drafts) != 1 || drafts[0].Status != "held" || answers != 1 {
		t.Fatalf("drafts --json = %+v; want one held reminder and one held answer to the disputed amount", all)
	}
	if n := len(openFlags(t, w, "dispute")); n != 1 {
		t.Errorf("%d dispute flags, want 1", n)
	}

	w.Relance("drafts", "approve", strconv.FormatInt(drafts[0].ID, 10))
	w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
	if n := len(w.Sink.Messages()); n != 1 {
		t.Fatalf("sink holds %d messages, want 1", n)
	}
	if s := draftNow(t, w, drafts[0].ID); s.Status != domain.DraftSent {
		t.Errorf("draft status %s, want sent", s.Status)
	}
	if n := len(openFlags(t, w, "drafts_folder_missing")); n != 1 {
		t.Errorf("%d drafts_folder_missing flags after more passes, want still 1", n)
	}
}
