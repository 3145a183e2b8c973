package web

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// clientID is the fixture's one client.
func (f *fixture) clientID(t *testing.T) int64 {
	t.Helper()
	inv, err := f.st.InvoiceByID(context.Background(), f.inv)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Client.ID
}

// The clients list and a client's page render in both languages, mail
// content escaped; the page is reachable from every invoice, flag and
// draft (a link on the client's name).
func TestClientPages(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.clientID(t)
	ctx := context.Background()
	err := f.st.Update(ctx, now, func(tx *store.Tx) error {
		if err := tx.FoundPhones(id, domain.ContactFromSignature, 0, now.Add(-time.Hour), contact.Phones("Tél 06 12 34 56 78\nFax 01 23 45 67 90")); err != nil {
			return err
		}
		return tx.SetKindGuess(id, contact.GuessKind(contact.Buyer{Name: "Mme Evil", Email: "evil@example.com"}))
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	page := "/clients/" + strconv.FormatInt(id, 10)
	for _, c := range []struct{ path string }{{"/clients"}, {"/clients?lang=en"}, {page}, {page + "?lang=en"}} {
		resp, body := b.get(f.srv.URL + c.path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d\n%.1500s", c.path, resp.StatusCode, body)
		}
		if strings.Contains(body, "<script>window") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: mail content rendered unescaped", c.path)
		}
	}
	_, body := b.get(f.srv.URL + page + "?lang=fr")
	body = html.UnescapeString(body)
	for _, want := range []string{
		`href="tel:+33612345678"`, "06 12 34 56 78", "01 23 45 67 90", "fax", "lu dans sa signature",
		"Particulier · deviné", "facturé à une personne", // the guess and its reason
		"F-2026-001", "Historique complet", "Conseils pour la prochaine commande",
		`action="/clients/` + strconv.FormatInt(id, 10) + `/kind"`, `action="/clients/` + strconv.FormatInt(id, 10) + `/phones"`, `action="/clients/` + strconv.FormatInt(id, 10) + `/file"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("client page lacks %q", want)
		}
	}
	if n := strings.Count(body, `name="csrf"`); n < 5 {
		t.Errorf("%d forms carry the CSRF token, want every one (5)", n)
	}
	_, body = b.get(f.srv.URL + page + "?lang=en")
	for _, want := range []string{"Consumer · guessed", "billed to a person", "Whole history", "read in its signature", "Do not chase before"} {
		if !strings.Contains(body, want) {
			t.Errorf("English client page lacks %q", want)
		}
	}
	link := `href="/clients/` + strconv.FormatInt(id, 10) + `"`
	for _, p := range []string{"/invoices/" + strconv.FormatInt(f.inv, 10), "/flags/" + strconv.FormatInt(f.flag, 10), "/flags/" + strconv.FormatInt(f.flag, 10) + "/sheet", "/review", "/invoices", "/clients"} {
		if _, body := b.get(f.srv.URL + p); !strings.Contains(body, link) {
			t.Errorf("%s has no link to the client page", p)
		}
	}
	if resp, _ := b.get(f.srv.URL + "/clients/999"); resp.StatusCode != 404 {
		t.Errorf("unknown client: %d", resp.StatusCode)
	}
}

// Every form of the client page goes through its use case, refuses what it
// cannot read with the reason, and refuses a POST without the CSRF token.
func TestClientForms(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.clientID(t)
	page := f.srv.URL + "/clients/" + strconv.FormatInt(id, 10)
	b := newBrowser(t)
	_, body := b.get(page)
	tok := csrfFrom(t, body)
	post := func(path string, v url.Values) (int, string, string) {
		t.Helper()
		v.Set("csrf", tok)
		resp, body := b.post(page+path, v)
		return resp.StatusCode, resp.Header.Get("Location"), body
	}
	if code, loc, _ := post("/kind", url.Values{"kind": {"consumer"}}); code != 303 || !strings.Contains(loc, "done=client_kind") {
		t.Fatalf("kind: %d %q", code, loc)
	}
	if code, loc, _ := post("/phones", url.Values{"phone": {"+44 161 496 0000 ext 12"}}); code != 303 || !strings.Contains(loc, "done=client_file") {
		t.Fatalf("add phone: %d %q", code, loc)
	}
	if code, _, _ := post("/phones", url.Values{"phone": {"07 81 22 33 44"}}); code != 303 {
		t.Fatalf("add second phone: %d", code)
	}
	if code, _, _ := post("/phones/remove", url.Values{"phone": {"+33781223344"}}); code != 303 {
		t.Fatalf("remove phone: %d", code)
	}
	if code, _, _ := post("/file", url.Values{"address": {"4 place du Marché\n69007 Lyon"}, "not_before": {"2026-12-20"}, "notes": {"Appeler le matin " + xss}}); code != 303 {
		t.Fatalf("file: %d", code)
	}
	fl, err := f.st.ClientFileByID(context.Background(), id, now)
	if err != nil {
		t.Fatal(err)
	}
	if fl.Kind != domain.ClientConsumer || !fl.KindConfirmed || len(fl.Phones) != 1 || fl.Phones[0].Display() != "+44 161 496 0000 ext. 12" ||
		fl.Address != "4 place du Marché\n69007 Lyon" || fl.NotBefore.Format(time.DateOnly) != "2026-12-20" || !strings.HasPrefix(fl.Notes, "Appeler le matin") {
		t.Fatalf("file after the forms: %+v", fl)
	}
	_, body = b.get(page + "?done=client_file")
	body = html.UnescapeString(body)
	for _, want := range []string{"Fiche client enregistrée.", "Numéro de téléphone ajouté", "+44 161 496 0000 ext. 12", "Numéro de téléphone retiré",
		"Ne pas relancer avant le\u00a0: 20 déc. 2026", "Aucune relance, aucun appel ni mise en demeure avant le", "Particulier · confirmé", "Appeler le matin <script>window"} {
		if !strings.Contains(body, want) {
			t.Errorf("page after the forms lacks %q", want)
		}
	}
	for _, c := range []struct {
		path string
		v    url.Values
		want string
	}{
		{"/phones", url.Values{"phone": {"appelez-moi"}}, "Ce numéro n'est pas lisible"},
		{"/phones/remove", url.Values{"phone": {"06 00 00 00 00"}}, "Ce client n'a pas ce numéro."},
		{"/kind", url.Values{"kind": {"particulier"}}, "Choisissez entreprise ou particulier."},
		{"/file", url.Values{"not_before": {"20/12/2026"}}, "La date n'est pas lisible"},
	} {
		code, _, body := post(c.path, c.v)
		body = html.UnescapeString(body)
		if code != 422 || !strings.Contains(body, c.want) {
			t.Errorf("%s %v: %d, page lacks %q", c.path, c.v, code, c.want)
		}
	}
	// Clearing the date resumes chasing.
	if code, _, _ := post("/file", url.Values{"address": {fl.Address}, "notes": {""}}); code != 303 {
		t.Fatal("clear")
	}
	if fl, _ := f.st.ClientFileByID(context.Background(), id, now); !fl.NotBefore.IsZero() || fl.Notes != "" {
		t.Errorf("not cleared: %v %q", fl.NotBefore, fl.Notes)
	}
	for _, p := range []string{"/kind", "/phones", "/phones/remove", "/file"} {
		resp, _ := b.post(page+p, url.Values{"kind": {"business"}, "phone": {"06 12 34 56 78"}, "csrf": {"forged"}})
		if resp.StatusCode != 403 {
			t.Errorf("%s without the CSRF token: %d", p, resp.StatusCode)
		}
	}
}
