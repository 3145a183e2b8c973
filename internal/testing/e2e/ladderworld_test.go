package e2e

import (
	"bytes"
	"context"
	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/domain"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/store"
)

// ladderWorld is a world whose relance runs the ladder policy (its repeat
// turned on) with the business's bank details set, for the tests that follow
// clients over months of passes.
type ladderWorld struct {
	*env
	ctx context.Context
}

func newLadderWorld(t *testing.T) *ladderWorld {
	t.Helper()
	w := &ladderWorld{env: newWorld(t), ctx: context.Background()}
	polFile := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(polFile, []byte(ladderPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_POLICY_FILE", polFile)
	t.Setenv("RELANCE_BUSINESS_IBAN", ladderIBAN)
	t.Setenv("RELANCE_BUSINESS_BIC", "AGRIFRPP878")
	return w
}

// openStore opens the world's database; the caller closes it.
func (w *ladderWorld) openStore() *store.Store {
	w.T.Helper()
	st, err := store.Open(w.ctx, w.DB)
	if err != nil {
		w.T.Fatal(err)
	}
	return st
}

// civilDay is 00:00 in Paris on t's day there.
func civilDay(t time.Time) time.Time {
	t = t.In(paris)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, paris)
}

// heldDrafts lists the drafts waiting for approval.
func (w *ladderWorld) heldDrafts() []store.Draft {
	w.T.Helper()
	st := w.openStore()
	defer st.Close()
	held, err := st.Drafts(w.ctx, domain.DraftHeld)
	if err != nil {
		w.T.Fatal(err)
	}
	return held
}

// approve approves one draft from the command line.
func (w *ladderWorld) approve(id int64) {
	w.T.Helper()
	w.Relance("drafts", "approve", strconv.FormatInt(id, 10))
}

// flags lists the flags, open and resolved, whose kind is kind (all kinds
// when empty) and whose invoice is number (any when empty).
func (w *ladderWorld) flags(number, kind string) []store.Flag {
	w.T.Helper()
	st := w.openStore()
	defer st.Close()
	all, err := st.Flags(w.ctx)
	if err != nil {
		w.T.Fatal(err)
	}
	var out []store.Flag
	for _, f := range all {
		if (kind == "" || string(f.Kind) == kind) && (number == "" || f.InvoiceNum == number) {
			out = append(out, f)
		}
	}
	return out
}

// sentDraft is a message the sink received, with the draft it came from.
type sentDraft struct {
	store.DraftDetail
	at time.Time
}

// sentByRecipient maps each recipient to the drafts the sink received for
// it, in the order they went.
func (w *ladderWorld) sentByRecipient() map[string][]sentDraft {
	w.T.Helper()
	st := w.openStore()
	defer st.Close()
	out := map[string][]sentDraft{}
	for _, s := range w.sentMessages() {
		dr, err := st.DraftByMessageID(w.ctx, s.MessageID)
		if err != nil {
			w.T.Fatalf("sent message %s has no draft: %v", s.MessageID, err)
		}
		det, err := st.DraftDetail(w.ctx, dr.ID)
		if err != nil {
			w.T.Fatal(err)
		}
		out[s.To] = append(out[s.To], sentDraft{det, s.Date})
	}
	return out
}

// relanceAt runs one relance command in-process with its clock at now (a
// human acting on a given day of a simulated season).
func (w *ladderWorld) relanceAt(now time.Time, args ...string) string {
	w.T.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(w.ctx, args, &cli.Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }})
	if code != 0 {
		w.T.Fatalf("relance %s at %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), now.Format(time.RFC3339), code, out.String(), errb.String())
	}
	return out.String()
}
