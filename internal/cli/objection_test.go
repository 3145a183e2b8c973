package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	var answer, replyFlag int64
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		// A flag no reply raised has no objection to answer.
		if err := tx.SetObjection(flagID, domain.ObjectionWrongAmount, domain.ActorDaemon); !errors.Is(err, store.ErrWrongStatus) {
			return fmt.Errorf("objection on a flag without a reply: %v", err)
		}
		inv, err := st.InvoiceByNumber(ctx, "F-2026-014")
		if err != nil {
			return err
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 40, Role: "inbox", MessageID: "reply-40@client.test",
			From: inv.Client.Email, Subject: "Re: Facture F-2026-014", Date: payNow, Class: "dispute", InvoiceID: inv.ID})
		if err != nil {
			return err
		}
		if replyFlag, err = tx.OpenFlag(store.Flag{Kind: domain.FlagDispute, InvoiceID: inv.ID, MessageID: msg, Evidence: []string{"Le montant est faux."}}); err != nil {
			return err
		}
		if err := tx.SetObjection(replyFlag, domain.ObjectionWrongAmount, domain.ActorDaemon); err != nil {
			return err
		}
		answer, err = tx.CreateDraft(store.NewDraft{ClientID: inv.Client.ID, Stage: string(domain.StageAnswer), Kind: domain.KindAnswer,
			To: []string{inv.Client.Email}, Subject: "Facture F-2026-014 : suite à votre message", Body: "Bonjour, voici le détail.",
			HoldUntil: payNow.Add(24 * time.Hour), MessageID: "a1@atelier.test", InvoiceIDs: []int64{inv.ID}, FlagID: replyFlag}, domain.ActorDaemon)
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
	if _, errOut, code := runCLI(t, "flags", "set-objection", strconv.FormatInt(flagID, 10), "awaiting_approval", "--db", db); code != ExitError {
		t.Fatalf("flags set-objection on a flag no reply raised: exit %d: %s", code, errOut)
	}
	flagID = replyFlag
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
