package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// The owner edits a held draft in their mail client (a new message with our
// header replaces the old copy) and flags it: the edit is adopted, and the
// sent reminder carries the owner's words. Deleting a draft cancels it.
func TestDraftEditedAndDeletedInMailClient(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	for i, c := range []struct{ name, email string }{{"Studio Kuma", "lea@studiokuma.fr"}, {"Cave Saint-Jean", "olivier@cave-saintjean.fr"}} {
		if err := w.IMAP.Deliver("Sent", invoiceMail(i+1, c.name, c.email, issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
			t.Fatal(err)
		}
	}
	evening := time.Date(2026, 9, 14, 18, 0, 0, 0, paris)
	w.once(evening)
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	held, err := st.Drafts(ctx, domain.DraftHeld)
	st.Close()
	if err != nil || len(held) != 2 {
		t.Fatalf("held drafts = %d, %v", len(held), err)
	}
	edited, deleted := held[0], held[1]
	imapc := w.imapClient()
	// The mail client keeps our headers when it saves the edit.
	st, err = store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	key, err := st.InstallationKey(ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	const ownWords = "Bonjour Léa, petit rappel amical de ma part pour la facture, merci beaucoup et à bientôt à l'atelier."
	raw := fmt.Sprintf("From: Atelier Test <factures@atelier.test>\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <edited-%d@atelier.test>\r\n"+
		"X-Relance-Draft: %d\r\nX-Relance-Installation: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		edited.To[0], edited.Subject, evening.Add(time.Hour).Format(time.RFC1123Z), edited.ID, edited.ID, key, ownWords)
	if _, err := imapc.Append(ctx, mailbox.RoleDrafts, []byte(raw), []string{`\Draft`, `\Flagged`}, evening.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := imapc.Delete(ctx, mailbox.RoleDrafts, edited.IMAPUID); err != nil {
		t.Fatal(err)
	}
	if err := imapc.Delete(ctx, mailbox.RoleDrafts, deleted.IMAPUID); err != nil {
		t.Fatal(err)
	}
	w.once(evening.Add(2 * time.Hour))

	st, err = store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftDetail(ctx, edited.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Adopted at once; the star approves it only once the hold is over.
	if !strings.Contains(d.Body, ownWords) || d.Status != domain.DraftHeld {
		t.Fatalf("edited draft: status %s, body %q", d.Status, d.Body)
	}
	gone, err := st.DraftDetail(ctx, deleted.ID)
	st.Close()
	if err != nil || gone.Status != domain.DraftCancelled {
		t.Fatalf("deleted draft: %s, %v", gone.Status, err)
	}

	w.once(time.Date(2026, 9, 15, 9, 30, 0, 0, paris))
	msgs := w.Sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("sink holds %d messages, want 1 (the edited one)", len(msgs))
	}
	body := string(msgs[0].Data)
	if !strings.Contains(body, "X-Relance-Draft: "+strconv.FormatInt(edited.ID, 10)) {
		t.Errorf("sent message is not draft %d", edited.ID)
	}
	if !strings.Contains(decodeQP(body), "petit rappel amical de ma part") {
		t.Errorf("sent message does not carry the owner's edit:\n%s", body)
	}
}

// A draft cancelled from the command line leaves the owner's Drafts folder
// on the next pass.
func TestCancelledDraftLeavesIMAPDrafts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	held, _ := st.Drafts(ctx, domain.DraftHeld)
	st.Close()
	if len(held) != 1 {
		t.Fatalf("held = %d", len(held))
	}
	if n := countInMaildir(t, w.IMAP.Maildir("Drafts"), held[0].MessageID); n != 1 {
		t.Fatalf("Drafts holds %d copies before the cancel", n)
	}
	w.Relance("drafts", "cancel", strconv.FormatInt(held[0].ID, 10), "--reason", "client called")
	w.once(time.Date(2026, 9, 14, 19, 0, 0, 0, paris))
	if n := countInMaildir(t, w.IMAP.Maildir("Drafts"), held[0].MessageID); n != 0 {
		t.Fatalf("Drafts still holds %d copies of the cancelled draft", n)
	}
}
