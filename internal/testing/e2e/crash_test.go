package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/fault"
)

// countInMaildir counts the messages of a Dovecot folder holding msgID.
func countInMaildir(t *testing.T, dir, msgID string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"cur", "new"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			if err == nil && bytes.Contains(b, []byte("<"+msgID+">")) {
				n++
			}
		}
	}
	return n
}

// The process is killed between the SMTP server's acceptance and the store
// commit; after a restart exactly one copy is in the sink and in Sent.
func TestKilledAfterSMTPAcceptance(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Studio Kuma", "lea@studiokuma.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
		t.Fatal(err)
	}
	evening := time.Date(2026, 9, 14, 18, 0, 0, 0, paris) // a Monday, invoice 12 days late
	w.once(evening)
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	held, err := st.Drafts(ctx, domain.DraftHeld)
	st.Close()
	if err != nil || len(held) != 1 {
		t.Fatalf("held drafts = %d, %v", len(held), err)
	}
	w.Relance("drafts", "approve", strconv.FormatInt(held[0].ID, 10))

	morning := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)
	cmd := w.process([]string{fault.Var + "=" + fault.KillAfterSMTP}, "run", "--once", "--now", morning.Format(time.RFC3339))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("the process was not killed at the fault point: %v\n%s", err, stderr.String())
	}
	if got := len(w.Sink.Messages()); got != 1 {
		t.Fatalf("after the kill the sink holds %d messages, want 1", got)
	}

	w.once(morning.Add(10 * time.Minute))
	w.once(morning.Add(2 * time.Hour))

	msgs := w.sentMessages()
	if len(msgs) != 1 {
		t.Fatalf("after restart the sink holds %d messages, want exactly 1", len(msgs))
	}
	if n := countInMaildir(t, w.IMAP.Maildir("Sent"), msgs[0].MessageID); n != 1 {
		t.Fatalf("Sent holds %d copies of %s, want 1", n, msgs[0].MessageID)
	}
	st, err = store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.DraftByMessageID(ctx, msgs[0].MessageID)
	if err != nil || d.Status != domain.DraftSent {
		t.Fatalf("draft after restart: %+v, %v", d, err)
	}
	flags, _ := st.Flags(ctx)
	var unconfirmed bool
	for _, f := range flags {
		if f.Kind == "send_unconfirmed" {
			unconfirmed = true
			if !strings.Contains(strings.Join(f.Evidence, " "), msgs[0].MessageID) {
				t.Errorf("send_unconfirmed flag does not name the Message-ID: %v", f.Evidence)
			}
		}
	}
	if !unconfirmed {
		t.Error("no flag asks the owner to confirm the interrupted send")
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
