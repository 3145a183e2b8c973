package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// heldAndApproved prepares one approved reminder due on the morning of
// 15 September 2026.
func heldAndApproved(t *testing.T, w *env) store.Draft {
	t.Helper()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	held, err := st.Drafts(context.Background(), domain.DraftHeld)
	if err != nil || len(held) != 1 {
		t.Fatalf("held drafts = %d, %v", len(held), err)
	}
	w.Relance("drafts", "approve", strconv.FormatInt(held[0].ID, 10))
	return held[0]
}

func draftNow(t *testing.T, w *env, id int64) store.DraftDetail {
	t.Helper()
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.DraftDetail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A server answering 4xx for a while is retried with growing delays, and
// the reminder goes once it accepts.
func TestSMTPTemporaryFailureRetried(t *testing.T) {
	w := newWorld(t)
	d := heldAndApproved(t, w)
	w.Sink.Refuse(451, -1)
	at := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)
	// One pass a minute for 12 minutes: attempts at +0, +1, +3 and +7 only.
	for i := range 12 {
		w.once(at.Add(time.Duration(i) * time.Minute))
	}
	if a := w.Sink.Attempts(); a != 4 {
		t.Errorf("%d submissions in 12 minutes of 4xx: want 4, paced 1, 2, 4 minutes apart", a)
	}
	if got := len(w.Sink.Messages()); got != 0 {
		t.Fatalf("sink accepted %d messages while refusing", got)
	}
	w.Sink.Refuse(0, 0)
	for i := range 3 {
		w.once(at.Add(time.Duration(20+10*i) * time.Minute))
	}
	if got := len(w.Sink.Messages()); got != 1 {
		t.Fatalf("sink holds %d messages once accepting, want 1", got)
	}
	if s := draftNow(t, w, d.ID); s.Status != domain.DraftSent {
		t.Fatalf("draft status %s", s.Status)
	}
	// No failed copy lingers in Sent: exactly the one that went.
	if n := countInMaildir(t, w.IMAP.Maildir("Sent"), d.MessageID); n != 1 {
		t.Errorf("Sent holds %d copies, want 1", n)
	}
}

// A 5xx refusal is not retried: the draft stops and a human is asked.
func TestSMTPPermanentFailureFlagged(t *testing.T) {
	w := newWorld(t)
	d := heldAndApproved(t, w)
	w.Sink.Refuse(550, -1)
	at := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)
	for i := range 6 {
		w.once(at.Add(time.Duration(i) * 10 * time.Minute))
	}
	if a := w.Sink.Attempts(); a != 1 {
		t.Errorf("%d submissions after a permanent refusal, want 1 (no retry storm)", a)
	}
	if s := draftNow(t, w, d.ID); s.Status != domain.DraftCancelled {
		t.Errorf("draft status %s, want cancelled", s.Status)
	}
	if n := countInMaildir(t, w.IMAP.Maildir("Sent"), d.MessageID); n != 0 {
		t.Errorf("Sent holds %d copies of a message that never went", n)
	}
	st, _ := store.Open(context.Background(), w.DB)
	defer st.Close()
	flags, _ := st.Flags(context.Background())
	found := false
	for _, f := range flags {
		found = found || f.Kind == "send_failed"
	}
	if !found {
		t.Error("no send_failed flag")
	}
}
