package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The answer to an objection is listed with its kind, and the owner
// corrects the kind from the draft or from the flag: the answer gives way,
// the flag shows the new kind in JSON.
func TestSetObjectionFromCLI(t *testing.T) {
	db, _, flagID := reviewLedger(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var answer int64
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		if err := tx.SetObjection(flagID, domain.ObjectionWrongAmount, domain.ActorDaemon); err != nil {
			return err
		}
		inv, err := st.InvoiceByNumber(ctx, "F-2026-014")
		if err != nil {
			return err
		}
		answer, err = tx.CreateDraft(store.NewDraft{ClientID: inv.Client.ID, Stage: string(domain.StageAnswer), Kind: domain.KindAnswer,
			To: []string{inv.Client.Email}, Subject: "Facture F-2026-014 : suite à votre message", Body: "Bonjour, voici le détail.",
			HoldUntil: payNow.Add(24 * time.Hour), MessageID: "a1@atelier.test", InvoiceIDs: []int64{inv.ID}, FlagID: flagID}, domain.ActorDaemon)
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "drafts", "list", "--json", "--db", db)
	var drafts []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &drafts) != nil {
		t.Fatalf("drafts list: exit %d: %s", code, out)
	}
	found := false
	for _, d := range drafts {
		if int64(d["id"].(float64)) == answer {
			found = d["stage"] == "answer" && d["objection"] == "wrong_amount"
		} else if _, has := d["objection"]; has {
			t.Errorf("a reminder carries an objection: %v", d)
		}
	}
	if !found {
		t.Fatalf("the answer is not listed with its objection: %s", out)
	}
	if _, errOut, code := runCLI(t, "drafts", "set-objection", strconv.FormatInt(answer, 10), "rain", "--db", db); code != ExitUsage || !strings.Contains(errOut, "cheque_in_post") {
		t.Fatalf("unknown kind: exit %d: %s", code, errOut)
	}
	out, errOut, code := runCLI(t, "drafts", "set-objection", strconv.FormatInt(answer, 10), "not_received", "--db", db)
	if code != ExitOK || !strings.Contains(out, "objection not_received") {
		t.Fatalf("drafts set-objection: exit %d: %s %s", code, out, errOut)
	}
	out, _, _ = runCLI(t, "drafts", "list", "--json", "--all", "--db", db)
	if !strings.Contains(out, `"status": "superseded"`) && !strings.Contains(out, `"status":"superseded"`) {
		t.Errorf("the corrected answer was not superseded: %s", out)
	}
	if out, errOut, code := runCLI(t, "flags", "set-objection", strconv.FormatInt(flagID, 10), "awaiting_approval", "--db", db); code != ExitOK {
		t.Fatalf("flags set-objection: exit %d: %s %s", code, out, errOut)
	}
	out, _, _ = runCLI(t, "flags", "show", strconv.FormatInt(flagID, 10), "--json", "--db", db)
	var f struct {
		Objection string   `json:"objection"`
		Evidence  []string `json:"evidence"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil || f.Objection != "awaiting_approval" ||
		!strings.Contains(strings.Join(f.Evidence, "\n"), "objection: awaiting_approval") {
		t.Fatalf("flags show: %s (%v)", out, err)
	}
	if _, errOut, code := runCLI(t, "flags", "set-objection", strconv.FormatInt(flagID, 10), "--db", db); code != ExitUsage {
		t.Fatalf("without a kind: exit %d: %s", code, errOut)
	}
}
