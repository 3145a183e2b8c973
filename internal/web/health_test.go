package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The overview tells a firm without Prometheus how it is going: DSO, the
// outstanding by age, the amount overdue week by week rebuilt from the
// invoices' dates, the largest debtors and the clients to watch. Every
// figure below is computed by hand for Monday 7 December 2026.
func TestOverviewReceivables(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	dec := decimal.RequireFromString
	monday := time.Date(2026, 12, 7, 10, 0, 0, 0, paris)
	type inv struct {
		number, amount string
		issue, due     time.Time
		paid           time.Time
	}
	// Chronique SARL paid its first two invoices 45 and 50 days late and
	// owes the third, 37 days late: a chronic late payer. Ponctuel SA paid
	// on time and owes an invoice not yet due.
	clients := []struct {
		email, name string
		invoices    []inv
	}{
		{"compta@chronique.fr", "Chronique SARL", []inv{
			{"C-1", "800", d(2026, 5, 1), d(2026, 5, 31), d(2026, 7, 15)},
			{"C-2", "900", d(2026, 6, 1), d(2026, 7, 1), d(2026, 8, 20)},
			{"C-3", "1500", d(2026, 10, 1), d(2026, 10, 31), time.Time{}},
		}},
		{"achats@ponctuel.fr", "Ponctuel SA", []inv{
			{"P-1", "1000", d(2026, 9, 15), d(2026, 10, 15), d(2026, 10, 10)},
			{"P-2", "2000", d(2026, 11, 20), d(2026, 12, 20), time.Time{}},
		}},
	}
	ids := map[string]int64{}
	for _, c := range clients {
		for _, in := range c.invoices {
			var id int64
			if err := st.Update(ctx, in.issue.Add(9*time.Hour), func(tx *store.Tx) error {
				cl, err := tx.EnsureClient(c.email, c.name, "fr")
				if err != nil {
					return err
				}
				id, _, err = tx.UpsertInvoice(store.NewInvoice{Number: in.number, ClientID: cl.ID, Amount: dec(in.amount),
					Currency: "EUR", IssueDate: in.issue, DueDate: in.due})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			ids[in.number] = id
			if in.paid.IsZero() {
				continue
			}
			if err := st.Update(ctx, in.paid.Add(9*time.Hour), func(tx *store.Tx) error {
				_, _, err := tx.RecordPayment(store.Payment{InvoiceID: id, Amount: dec(in.amount), PaidOn: in.paid, Source: "manual"}, domain.ActorCLI)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	h, err := New(Options{Store: st, Location: paris, Now: func() time.Time { return monday }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	section := func(body, id string) string {
		i := strings.Index(body, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no #%s on the page:\n%.4000s", id, body)
		}
		rest := body[i:]
		if j := strings.Index(rest[1:], ` id="`); j > 0 {
			rest = rest[:j+1]
		}
		return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(rest, " ")), " ")
	}
	for _, c := range []struct {
		lang string
		want map[string][]string
	}{
		{"fr", map[string][]string{
			// Owed 1 500 + 2 000 = 3 500; billed since 9 September: P-1
			// 1 000, C-3 1 500, P-2 2 000 = 4 500; 3 500 ÷ 4 500 × 90 = 70.
			"dso": {"70 jours", "Encours de 3 500,00 € ÷ 4 500,00 € facturés sur les 90 derniers jours × 90."},
			// Not due 2 000 (P-2); 31–60 days 1 500 (C-3, 37 days).
			"aging": {"À échoir 1–30 j 31–60 j 61–90 j + de 90 j Total 2 000,00 € 0,00 € 1 500,00 € 0,00 € 0,00 € 3 500,00 €"},
			// Twelve Mondays from 21 September: C-1 and C-2 already paid,
			// P-1 paid before its due date: nothing overdue until C-3 falls
			// due on 31 October; from 2 November, 1 500 €.
			"trend-EUR": {"Montant en retard, semaine après semaine (EUR) : 0,00 € (21 sept. 2026) → 1 500,00 € (7 déc. 2026)",
				"26 oct. 2026 : 0,00 € 2 nov. 2026 : 1 500,00 €", "14 sept. 2026"},
			"debtors": {"Chronique SARL · 1 facture · 37 jours de retard dont 1 500,00 € en retard 1 500,00 € Ponctuel SA · 1 facture 2 000,00 €"},
			"watch":   {"Chronique SARL · retards systématiques 1 500,00 €"},
		}},
		{"en", map[string][]string{
			"dso":       {"70 days", "€3,500.00 owed ÷ €4,500.00 billed over the last 90 days × 90."},
			"trend-EUR": {"Amount overdue, week by week (EUR): €0.00 (21 Sep 2026) → €1,500.00 (7 Dec 2026)", "26 Oct 2026: €0.00 2 Nov 2026: €1,500.00"},
			"debtors":   {"Chronique SARL · 1 invoice · 37 days late €1,500.00 overdue €1,500.00"},
			"watch":     {"Chronique SARL · late by habit €1,500.00"},
		}},
	} {
		_, body := b.get(srv.URL + "/?lang=" + c.lang)
		body = strings.ReplaceAll(html.UnescapeString(body), "\u00a0", " ")
		for id, wants := range c.want {
			got := section(body, id)
			for _, w := range wants {
				if strings.HasPrefix(w, "14 sept.") {
					// The trend goes back twelve weeks, no further.
					if strings.Contains(got, w) {
						t.Errorf("%s #%s reaches back to %s", c.lang, id, w)
					}
					continue
				}
				if !strings.Contains(got, w) {
					t.Errorf("%s #%s: %q not in %q", c.lang, id, w, got)
				}
			}
		}
		if strings.Contains(section(body, "watch"), "Ponctuel") {
			t.Errorf("%s: a punctual client is among the clients to watch", c.lang)
		}
	}

	// The figures are kept a minute, but a payment recorded on the page
	// shows at once: C-3 paid, nothing is overdue any more.
	_, body := b.get(srv.URL + "/invoices/" + strconv.FormatInt(ids["C-3"], 10) + "?lang=en")
	resp, _ := b.post(srv.URL+"/invoices/"+strconv.FormatInt(ids["C-3"], 10)+"/pay",
		url.Values{"csrf": {csrfFrom(t, body)}, "amount": {"1500"}, "date": {"2026-12-07"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay C-3: status %d", resp.StatusCode)
	}
	_, body = b.get(srv.URL + "/?lang=en")
	body = strings.ReplaceAll(html.UnescapeString(body), "\u00a0", " ")
	if got := section(body, "trend-EUR"); strings.Contains(got, "→ €1,500.00") {
		t.Errorf("after the payment the trend still ends on 1,500: %q", got)
	}
	if strings.Contains(body, `id="watch"`) {
		t.Errorf("after the payment Chronique SARL, owing nothing, is still to watch")
	}
}
