package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// A call task's outcome is logged on its page; the ladder goes on from it.
// The review page shows a draft's notes (an open call, a broken promise).
func TestTaskOutcomeAndDraftNotes(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	var call int64
	err := f.st.Update(ctx, now, func(tx *store.Tx) error {
		var err error
		if call, err = tx.OpenFlag(store.Flag{Kind: "call", InvoiceID: f.inv, Evidence: []string{"sheet"}}); err != nil {
			return err
		}
		_, err = tx.CreateDraft(store.NewDraft{ClientID: 1, Stage: "second", To: []string{"evil@example.com"}, Subject: "Relance",
			Body: "Bonjour", HoldUntil: now.Add(time.Hour), MessageID: "d2@x", InvoiceIDs: []int64{f.inv},
			Context: []store.DraftNote{{Code: store.NoteOpenCall, Args: []string{"F-2026-001"}}, {Code: store.NotePromiseBroken, Args: []string{"2026-11-20"}}}},
			domain.ActorDaemon)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/review")
	for _, want := range []string{"L'appel au sujet de F-2026-001 n'a pas encore de résultat noté", "Le règlement promis pour le 20 nov. 2026"} {
		if !strings.Contains(strings.ReplaceAll(page, "&#39;", "'"), want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	_, page = b.get(f.srv.URL + "/review?lang=en")
	if !strings.Contains(page, "The call about F-2026-001 has no outcome logged yet") {
		t.Error("English review page lacks the open call note")
	}
	id := strconv.FormatInt(call, 10)
	_, page = b.get(f.srv.URL + "/flags/" + id)
	if !strings.Contains(page, `action="/flags/`+id+`/outcome"`) || !strings.Contains(page, `value="promise"`) || strings.Contains(page, `value="answered"`) {
		t.Fatalf("call page has no outcome form fit for a call:\n%.3000s", page)
	}
	tok := csrfFrom(t, page)
	if resp, _ := b.post(f.srv.URL+"/flags/"+id+"/outcome", url.Values{"csrf": {tok}, "outcome": {"promise"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("promise without date: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/flags/"+id+"/outcome", url.Values{"csrf": {tok}, "outcome": {"shouted"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown outcome: %d", resp.StatusCode)
	}
	resp, _ := b.post(f.srv.URL+"/flags/"+id+"/outcome", url.Values{"csrf": {tok}, "outcome": {"promise"}, "promise_date": {"2026-12-15"}, "note": {"virement le 15"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("promise: %d", resp.StatusCode)
	}
	fl, _ := f.st.Flag(ctx, call)
	inv, _ := f.st.InvoiceByID(ctx, f.inv)
	if fl.Status != domain.FlagResolved || fl.Resolution != "promise: virement le 15" || inv.State != domain.StatePromised {
		t.Fatalf("task %s %q, invoice %s", fl.Status, fl.Resolution, inv.State)
	}
	if resp, _ := b.post(f.srv.URL+"/flags/"+id+"/outcome", url.Values{"csrf": {tok}, "outcome": {"reached"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("outcome on a closed task: %d", resp.StatusCode)
	}
}
