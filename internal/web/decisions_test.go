package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

func withPolicy(t *testing.T) Options {
	t.Helper()
	p, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return Options{Policy: &p, Location: p.Location}
}

// The page says when a draft goes: once approved (after the hold), approved
// now with a reason (the hold lifted: at once inside the send window), and
// after approval; "send now" is one action with a reason, kept with its
// actor.
func TestReviewSaysWhenTheDraftGoes(t *testing.T) {
	f := newFixture(t, withPolicy(t))
	b := newBrowser(t)
	// While the invoice is disputed the draft will not go: no time is told.
	_, page := b.get(f.srv.URL + "/review")
	if strings.Contains(page, "part le") {
		t.Fatalf("a time is told for a draft about a disputed invoice:\n%.6000s", page)
	}
	if err := f.st.Update(context.Background(), now, func(tx *store.Tx) error { return tx.ResolveFlag(f.flag, domain.ActorWeb, "réglé") }); err != nil {
		t.Fatal(err)
	}
	// Tuesday 1 December 2026, 11:00 in Paris, inside the send window; the
	// hold ends at 13:00, after the window closes.
	_, page = b.get(f.srv.URL + "/review")
	for _, want := range []string{"Une fois approuvé, part le 2 déc. 2026 à 09h00 (&#43;01:00)",
		"Approuvé maintenant, il part le 1 déc. 2026 à 11h00 (&#43;01:00)", `action="/drafts/1/send-now"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("review page lacks %q:\n%.6000s", want, page)
		}
	}
	tok := csrfFrom(t, page)
	resp, _ := b.post(f.srv.URL+"/drafts/1/approve", url.Values{"csrf": {tok}, "override": {"la cliente attend ce message"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("early approval: %d", resp.StatusCode)
	}
	_, page = b.get(f.srv.URL + "/review")
	if !strings.Contains(page, "Approuvé — part le 1 déc. 2026 à 11h00 (&#43;01:00)") {
		t.Fatalf("the approved draft does not say when it goes:\n%.6000s", page)
	}
	resp, body := b.post(f.srv.URL+"/drafts/1/send-now", url.Values{"csrf": {tok}, "reason": {"  "}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "donnez un motif") {
		t.Fatalf("send now without a reason: %d", resp.StatusCode)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/send-now", url.Values{"csrf": {tok}, "reason": {"au téléphone ce matin"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send now: %d", resp.StatusCode)
	}
	_, page = b.get(f.srv.URL + "/review")
	if !strings.Contains(page, "Envoi immédiat demandé") {
		t.Fatalf("the page does not say the draft goes at the next pass:\n%.6000s", page)
	}
	d, err := f.st.DraftDetail(context.Background(), f.draft)
	if err != nil || !d.SendNow || d.Status != domain.DraftApproved {
		t.Fatalf("draft after send now: %+v %v", d.Draft, err)
	}
	tl, _ := f.st.Timeline(context.Background(), f.inv)
	found := false
	for _, e := range tl {
		found = found || (e.Kind == "draft_send_now" && e.Actor == domain.ActorWeb && strings.Contains(string(e.Detail), "au téléphone ce matin"))
	}
	if !found {
		t.Fatal("send now is not in the history with its actor and reason")
	}
}

// Cancelling asks until when; the answer is stored and shown on the invoice.
func TestCancelAsksUntilWhen(t *testing.T) {
	f := newFixture(t, withPolicy(t))
	b := newBrowser(t)
	_, page := b.get(f.srv.URL + "/review")
	for _, want := range []string{`name="until" value="date"`, `name="until_date" value="2026-12-08"`, `value="reply"`, `value="never"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the cancel form lacks %q", want)
		}
	}
	tok := csrfFrom(t, page)
	resp, _ := b.post(f.srv.URL+"/drafts/1/cancel", url.Values{"csrf": {tok}, "until": {"date"}, "until_date": {"2026-12-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a date that is today: %d", resp.StatusCode)
	}
	resp, _ = b.post(f.srv.URL+"/drafts/1/cancel", url.Values{"csrf": {tok}, "until": {"never"}, "reason": {"geste commercial"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	q, err := f.st.InvoiceQuiet(context.Background(), f.inv)
	if err != nil || q.Kind != policy.QuietNever || q.Reason != "geste commercial" {
		t.Fatalf("stored: %+v %v", q, err)
	}
	_, page = b.get(f.srv.URL + "/invoices/" + strconv.FormatInt(f.inv, 10))
	if !strings.Contains(page, "Plus aucune relance pour cette facture") || !strings.Contains(page, "geste commercial") {
		t.Fatalf("the invoice page does not show the decision:\n%.6000s", page)
	}
	// Resuming lifts it.
	tok = csrfFrom(t, page)
	resp, _ = b.post(f.srv.URL+"/invoices/"+strconv.FormatInt(f.inv, 10)+"/resume", url.Values{"csrf": {tok}, "reason": {"le client a rappelé"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resume: %d", resp.StatusCode)
	}
	if q, _ := f.st.InvoiceQuiet(context.Background(), f.inv); q.Kind != policy.QuietNone {
		t.Fatalf("resume left %+v", q)
	}
}
