package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The owner corrects the objection of a reply from its flag or from the
// answer on the review page: the flag takes the kind, the answer gives way
// (to be drafted again), and the pages show the kind in words.
func TestCorrectObjection(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	made := 0
	answer := func() int64 {
		t.Helper()
		made++
		var id int64
		err := f.st.Update(ctx, now, func(tx *store.Tx) error {
			fl, err := f.st.Flag(ctx, f.flag)
			if err != nil {
				return err
			}
			id, err = tx.CreateDraft(store.NewDraft{ClientID: fl.ClientID, Stage: string(domain.StageAnswer), Kind: domain.KindAnswer,
				To: []string{"evil@example.com"}, Subject: "Facture F-2026-001 : suite à votre message", Body: "Bonjour,\nVoici le détail.",
				HoldUntil: now.Add(2 * time.Hour), MessageID: fmt.Sprintf("a%d@x", made), InvoiceIDs: []int64{f.inv}, FlagID: f.flag}, domain.ActorDaemon)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/flags/1")
	if !strings.Contains(page, `action="/flags/1/objection"`) || !strings.Contains(page, "Aucune objection lue") {
		t.Fatalf("the flag page offers no objection form:\n%s", page)
	}
	tok := csrfFrom(t, page)
	if resp, _ := b.post(f.srv.URL+"/flags/1/objection", url.Values{"objection": {"wrong_amount"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", resp.StatusCode)
	}
	if resp, _ := b.post(f.srv.URL+"/flags/1/objection", url.Values{"csrf": {tok}, "objection": {"bad_weather"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown kind: %d", resp.StatusCode)
	}
	first := answer()
	if resp, _ := b.post(f.srv.URL+"/flags/1/objection", url.Values{"csrf": {tok}, "objection": {"wrong_amount"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set: %d", resp.StatusCode)
	}
	fl, _ := f.st.Flag(ctx, f.flag)
	d, _ := f.st.DraftDetail(ctx, first)
	if fl.Objection != domain.ObjectionWrongAmount || d.Status != domain.DraftSuperseded || !contains(fl.Evidence, "objection: wrong_amount") {
		t.Fatalf("flag %q %v, answer %s", fl.Objection, fl.Evidence, d.Status)
	}
	_, page = b.get(f.srv.URL + "/flags/1")
	if !strings.Contains(page, "montant contesté") || !strings.Contains(page, `data-answer="`) {
		t.Fatalf("the flag page does not show the kind and its answer:\n%s", page)
	}

	// From the answer on the review page: the same use case.
	second := answer()
	_, page = b.get(f.srv.URL + "/review")
	if !strings.Contains(page, `action="/drafts/`) || !strings.Contains(page, `data-objection="wrong_amount"`) {
		t.Fatalf("the review page shows no objection on the answer:\n%s", page)
	}
	resp, _ := b.post(f.srv.URL+fmt.Sprintf("/drafts/%d/objection", second), url.Values{"csrf": {tok}, "objection": {"not_received"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set from the draft: %d", resp.StatusCode)
	}
	fl, _ = f.st.Flag(ctx, f.flag)
	d, _ = f.st.DraftDetail(ctx, second)
	if fl.Objection != domain.ObjectionNotReceived || d.Status != domain.DraftSuperseded {
		t.Fatalf("flag %q, answer %s", fl.Objection, d.Status)
	}
	// A reminder answers no reply: there is no objection to correct.
	resp, _ = b.post(f.srv.URL+fmt.Sprintf("/drafts/%d/objection", f.draft), url.Values{"csrf": {tok}, "objection": {"oversight"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("objection on a reminder: %d", resp.StatusCode)
	}
	_, page = newBrowser(t).get(f.srv.URL + "/flags/1?lang=en")
	if !strings.Contains(page, "invoice never received") {
		t.Errorf("English flag page without the kind in words")
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
