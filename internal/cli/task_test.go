package cli

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// `relance flags outcome` logs a call's outcome with the same use case as
// the web page: a plan replaces the ladder, a hand-off stops chasing.
func TestTaskOutcomeFromCLI(t *testing.T) {
	db, _, _ := reviewLedger(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.InvoiceByNumber(ctx, "F-2026-014")
	if err != nil {
		t.Fatal(err)
	}
	var call, handOff int64
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		if call, err = tx.OpenFlag(store.Flag{Kind: "call", InvoiceID: inv.ID, ClientID: inv.Client.ID}); err != nil {
			return err
		}
		handOff, err = tx.OpenFlag(store.Flag{Kind: "hand_off", InvoiceID: inv.ID, ClientID: inv.Client.ID})
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	c, h := strconv.FormatInt(call, 10), strconv.FormatInt(handOff, 10)
	if _, errOut, code := runCLI(t, "flags", "outcome", c, "--outcome", "handed_off", "--db", db); code != ExitError || !strings.Contains(errOut, "hand-off") {
		t.Fatalf("handed_off on a call: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "flags", "outcome", c, "--outcome", "plan", "--db", db); code != ExitError || !strings.Contains(errOut, "instalments") {
		t.Fatalf("plan without instalments: exit %d: %s", code, errOut)
	}
	out, errOut, code := runCLI(t, "flags", "outcome", c, "--outcome", "plan", "--instalments", "2026-12-15:500;2027-01-15:700", "--note", "deux fois", "--db", db)
	if code != ExitOK || !strings.Contains(out, "closed: plan") {
		t.Fatalf("plan: exit %d: %s %s", code, out, errOut)
	}
	if _, _, code := runCLI(t, "flags", "outcome", c, "--outcome", "reached", "--db", db); code != ExitError {
		t.Fatalf("second outcome on a closed task: exit %d", code)
	}
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, _ = st.InvoiceByID(ctx, inv.ID)
	f, _ := st.Flag(ctx, call)
	if inv.State != domain.StatePlan || f.Status != domain.FlagResolved || f.Resolution != "plan: deux fois" {
		t.Fatalf("after plan: invoice %s, task %s %q", inv.State, f.Status, f.Resolution)
	}
	if _, errOut, code := runCLI(t, "flags", "outcome", h, "--outcome", "handed_off", "--db", db); code != ExitOK {
		t.Fatalf("handed_off: exit %d: %s", code, errOut)
	}
	inv, _ = st.InvoiceByID(ctx, inv.ID)
	if inv.State != domain.StateOnHold {
		t.Fatalf("after hand-off: invoice %s", inv.State)
	}
}

// `relance drafts show` says what the reviewer should know.
func TestDraftShowNotes(t *testing.T) {
	db, _, _ := reviewLedger(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	inv, _ := st.InvoiceByNumber(ctx, "F-2026-014")
	var id int64
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		id, err = tx.CreateDraft(store.NewDraft{ClientID: inv.Client.ID, Stage: "formal_notice", Kind: "formal_notice", To: []string{inv.Client.Email},
			Subject: "Mise en demeure", Body: "Madame, Monsieur,", HoldUntil: payNow, MessageID: "n1@atelier.test", InvoiceIDs: []int64{inv.ID},
			Context: []store.DraftNote{{Code: store.NoteOpenCall, Args: []string{"F-2026-014"}}}}, domain.ActorDaemon)
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "drafts", "show", strconv.FormatInt(id, 10), "--db", db)
	if code != ExitOK || !strings.Contains(out, "Note: the call about F-2026-014 has no logged outcome") {
		t.Fatalf("drafts show: exit %d:\n%s", code, out)
	}
	out, _, _ = runCLI(t, "drafts", "show", strconv.FormatInt(id, 10), "--json", "--db", db)
	if !strings.Contains(out, `"code": "open_call"`) {
		t.Fatalf("drafts show --json: %s", out)
	}
}
