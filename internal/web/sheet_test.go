package web

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// callFixture is the web fixture with what a call needs on file: the
// client's numbers (and a fax), a part payment, a reminder sent, a reply
// that raised an objection and promised a date, and a call task. The
// fixture's client disputed the invoice.
func callFixture(t *testing.T) (*fixture, int64) {
	t.Helper()
	f := newFixture(t, Options{})
	id := f.clientID(t)
	var call int64
	err := f.st.Update(context.Background(), now.Add(-time.Hour), func(tx *store.Tx) error {
		if err := tx.FoundPhones(id, domain.ContactFromSignature, 0, now.Add(-2*time.Hour),
			contact.Phones("Portable : 06 12 34 56 78\nFax : 01 23 45 67 90")); err != nil {
			return err
		}
		if _, err := tx.RecordOwnerPayment(store.Payment{InvoiceID: f.inv, Amount: decimal.NewFromInt(200), Currency: "EUR",
			PaidOn: now.AddDate(0, 0, -5)}, domain.ActorWeb); err != nil {
			return err
		}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventReplyReceived, At: now.AddDate(0, 0, -3), InvoiceID: f.inv, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"class": "promise", "objection": "cheque_in_post", "promise_date": "2026-12-10",
				"evidence": []string{"Le chèque est parti hier."}})}); err != nil {
			return err
		}
		var err error
		call, err = tx.OpenFlag(store.Flag{Kind: domain.FlagCall, InvoiceID: f.inv, ClientID: id,
			Evidence: []string{"Fiche de préparation d'appel\nRéclamations\n- Aucune connue."}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, call
}

// The call sheet is the client's whole file for the call: its numbers to
// call (the fax apart), the goal from its scorecard, the invoices with
// their dates and the money received, the dispute it raised — never "no
// complaint known" when there is one —, the objection it raised with its
// answer, and the questions; in French and in English.
func TestCallSheetComplete(t *testing.T) {
	f, call := callFixture(t)
	b := newBrowser(t)
	page := f.srv.URL + "/flags/" + strconv.FormatInt(call, 10) + "/sheet"
	resp, body := b.get(page + "?lang=fr")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%.2000s", resp.StatusCode, body)
	}
	if strings.Contains(body, "<script>window") {
		t.Fatal("mail content rendered unescaped")
	}
	body = html.UnescapeString(body)
	for _, want := range []string{
		`href="tel:+33612345678"`, "06 12 34 56 78", "Fax (ne pas appeler)\u00a0: 01 23 45 67 90",
		"Écouter la réclamation jusqu'au bout", // the goal: a dispute is on file
		"F-2026-001", "échéance le",
		"200,00", "promesse de payer le 10 déc. 2026",
		"Contestation", "Je conteste <script>window", // the dispute and the client's words
		"chèque envoyé", "Demander le numéro du chèque, son montant et sa date d'envoi.",
		"Quand pensez-vous pouvoir régler ?", "Puis-je vous rappeler la semaine prochaine",
		`action="/flags/` + strconv.FormatInt(call, 10) + `/outcome"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("call sheet lacks %q", want)
		}
	}
	if strings.Contains(body, "Aucune réclamation connue.") {
		t.Error(`the sheet says "no complaint known" for a client who disputed the invoice`)
	}
	_, body = b.get(page + "?lang=en")
	body = html.UnescapeString(body)
	for _, want := range []string{"Numbers to call", "Hear the complaint out", "Complaints and disputes", "cheque sent",
		"May I call you next week"} {
		if !strings.Contains(body, want) {
			t.Errorf("English call sheet lacks %q", want)
		}
	}
}

// Logging the call's outcome from the sheet (a plan agreed) goes through
// the tasks' one use case (store.Tx.LogTaskOutcome, as the flag page and
// the command line): the task closes and the invoice is under the plan,
// which the outbox confirms in writing like any plan agreed.
func TestCallSheetOutcome(t *testing.T) {
	f, call := callFixture(t)
	b := newBrowser(t)
	page := f.srv.URL + "/flags/" + strconv.FormatInt(call, 10) + "/sheet"
	_, body := b.get(page)
	tok := csrfFrom(t, body)
	resp, _ := b.post(f.srv.URL+"/flags/"+strconv.FormatInt(call, 10)+"/outcome", url.Values{"csrf": {tok}, "outcome": {"plan"},
		"instalments": {"2026-12-15 500,00; 2027-01-15 500,00"}, "note": {"Accord au téléphone"}})
	if resp.StatusCode != 303 {
		t.Fatalf("outcome: %d", resp.StatusCode)
	}
	fl, err := f.st.Flag(context.Background(), call)
	if err != nil || fl.Status != domain.FlagResolved {
		t.Fatalf("task: %+v %v", fl.Status, err)
	}
	if _, err := f.st.ActivePlan(context.Background(), f.inv); err != nil {
		t.Fatalf("no plan after the outcome: %v", err)
	}
	if resp, _ := b.post(f.srv.URL+"/flags/"+strconv.FormatInt(call, 10)+"/outcome", url.Values{"csrf": {"forged"}, "outcome": {"reached"}}); resp.StatusCode != 403 {
		t.Errorf("outcome without the CSRF token: %d", resp.StatusCode)
	}
}

// A flag page says who the client is before the owner handles it: its
// segment from the scorecard and the advice that follows, in French and in
// English, with a link to the client page. The fixture's client disputed
// its only invoice: a new client, whose next order should come with a PO.
func TestFlagPageShowsSegmentAndAdvice(t *testing.T) {
	f := newFixture(t, Options{})
	b := newBrowser(t)
	page := f.srv.URL + "/flags/" + strconv.FormatInt(f.flag, 10)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Le client", "Nouveau client", "Conseils pour la prochaine commande", "bon de commande", "Fiche client"}},
		{"en", []string{"The client", "New client", "Advice for the next order", "purchase order", "Client page"}},
	} {
		resp, body := b.get(page + "?lang=" + tc.lang)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", tc.lang, resp.StatusCode)
		}
		body = html.UnescapeString(body)
		at := strings.Index(body, `id="client-card"`)
		if at < 0 {
			t.Fatalf("%s: the flag page has no client card", tc.lang)
		}
		card := body[at:]
		if i := strings.Index(card, "</section>"); i >= 0 {
			card = card[:i]
		}
		for _, w := range tc.want {
			if !strings.Contains(card, w) {
				t.Errorf("%s: the flag's client card lacks %q:\n%s", tc.lang, w, card)
			}
		}
		if !strings.Contains(card, `href="/clients/`+strconv.FormatInt(f.clientID(t), 10)+`"`) || !strings.Contains(card, `data-advice="`) {
			t.Errorf("%s: no link to the client page or no advice code:\n%s", tc.lang, card)
		}
	}
}
