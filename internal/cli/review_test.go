package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// reviewLedger adds a held draft and a dispute flag to the payments ledger.
func reviewLedger(t *testing.T) (db string, draftID, flagID int64) {
	t.Helper()
	db = payLedger(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, err := st.InvoiceByNumber(ctx, "F-2026-014")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		draftID, err = tx.CreateDraft(store.NewDraft{ClientID: inv.Client.ID, Stage: "friendly", StageNumber: 2, To: []string{inv.Client.Email},
			Subject: "Facture F-2026-014 : petit rappel", Body: "Bonjour, petit rappel.", HoldUntil: payNow.Add(24 * time.Hour),
			MessageID: "r1@atelier.test", InvoiceIDs: []int64{inv.ID}}, domain.ActorDaemon)
		if err != nil {
			return err
		}
		flagID, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: inv.ID, ClientID: inv.Client.ID, Evidence: []string{"Je conteste."}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, draftID, flagID
}

func TestDraftReviewFromCLI(t *testing.T) {
	db, id, _ := reviewLedger(t)
	ids := strconv.FormatInt(id, 10)
	// Before the hold ends, approval needs an explicit reason.
	if _, errOut, code := runCLI(t, "drafts", "approve", ids, "--db", db); code != ExitError || !strings.Contains(errOut, "--override") {
		t.Fatalf("approve before the hold: exit %d: %s", code, errOut)
	}
	body := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(body, []byte("Bonjour, je me permets de vous rappeler la facture. MERCI DE PAYER IMMÉDIATEMENT !!!"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "drafts", "edit", ids, "--body-file", body, "--db", db)
	if code != ExitOK || !strings.Contains(errOut, "warning:") {
		t.Fatalf("edit: exit %d, calm-check warnings %q", code, errOut)
	}
	if out, errOut, code := runCLI(t, "drafts", "approve", ids, "--override", "client asked for it today", "--db", db); code != ExitOK {
		t.Fatalf("approve with override: exit %d: %s %s", code, out, errOut)
	}
	out, _, _ := runCLI(t, "drafts", "show", ids, "--json", "--db", db)
	var d struct {
		Status, Body string
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Status != "approved" || !strings.Contains(d.Body, "IMMÉDIATEMENT") {
		t.Fatalf("draft after edit and approval: %+v %v", d, err)
	}
	if _, _, code := runCLI(t, "drafts", "cancel", ids, "--reason", "changed my mind", "--db", db); code != ExitOK {
		t.Fatal("cancel failed")
	}
	if _, errOut, code := runCLI(t, "drafts", "approve", ids, "--override", "x", "--db", db); code != ExitError || !strings.Contains(errOut, "cancelled") {
		t.Fatalf("approving a cancelled draft: exit %d %s", code, errOut)
	}
}

func TestFlagAndInvoiceActionsFromCLI(t *testing.T) {
	db, _, flag := reviewLedger(t)
	fid := strconv.FormatInt(flag, 10)
	out, _, code := runCLI(t, "flags", "show", fid, "--json", "--db", db)
	if code != ExitOK || !strings.Contains(out, "Je conteste") {
		t.Fatalf("flags show: %d %s", code, out)
	}
	if _, errOut, code := runCLI(t, "flags", "resolve", fid, "--note", "geste commercial accordé", "--then", "stop", "--db", db); code != ExitOK {
		t.Fatalf("resolve: %s", errOut)
	}
	out, _, _ = runCLI(t, "invoices", "--json", "--state", "on_hold", "--db", db)
	if !strings.Contains(out, "F-2026-014") {
		t.Fatalf("invoice not on hold after resolve --then stop: %s", out)
	}
	if _, _, code := runCLI(t, "invoices", "resume", "F-2026-014", "--reason", "accord trouvé", "--db", db); code != ExitOK {
		t.Fatal("resume failed")
	}
	out, _, code = runCLI(t, "invoices", "show", "F-2026-014", "--json", "--db", db)
	var inv struct {
		State    string `json:"state"`
		Timeline []struct {
			Kind string `json:"kind"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(out), &inv); err != nil || code != ExitOK {
		t.Fatalf("invoices show: %v %s", err, out)
	}
	if inv.State != "open" || len(inv.Timeline) < 3 {
		t.Fatalf("after resume: %+v", inv)
	}
	if _, _, code := runCLI(t, "flags", "resolve", fid, "--then", "later", "--db", db); code != ExitUsage {
		t.Fatal("bad --then accepted")
	}
}
