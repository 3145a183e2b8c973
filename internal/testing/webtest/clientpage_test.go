package webtest

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
	"github.com/relance/relance/internal/web"
)

// updateScreenshots rewrites docs/screenshots; without it the screenshots
// go to a temporary folder, so that running the tests leaves the tree as
// it was.
var updateScreenshots = flag.Bool("update-screenshots", false, "write the screenshots into docs/screenshots")

// screenshotsDir is where the client page and call sheet screenshots go:
// the artifacts folder when RELANCE_ARTIFACTS is set, docs/screenshots of
// the repository (see its README) with -update-screenshots, else a
// temporary folder.
func screenshotsDir(t *testing.T) string {
	t.Helper()
	switch {
	case os.Getenv("RELANCE_ARTIFACTS") != "":
		return artifactsDir(t)
	case !*updateScreenshots:
		return t.TempDir()
	}
	dir := filepath.Join("..", "..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// roofer is a roofer's client as the store holds it after a season: a
// business (its invoice named its VAT number), two numbers found in its
// signature and a fax, a first invoice paid late, a second one overdue
// with two reminders sent, a reply that disputed the work on a progress
// payment, and the call task that follows.
type roofer struct {
	client, call, invoice int64
	// dispute is the reply's flag, its objection read; answer is the
	// calm answer drafted to it.
	dispute, answer int64
}

// rooferStore opens a fresh store with the roofer's client on file as of
// Monday 7 December 2026, 9:30 UTC.
func rooferStore(t *testing.T) (*store.Store, roofer, time.Time) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	return st, seedRoofer(t, st, now), now
}

func seedRoofer(t *testing.T, st *store.Store, now time.Time) roofer {
	t.Helper()
	var r roofer
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	step := func(at time.Time, fn func(tx *store.Tx) error) {
		t.Helper()
		if err := st.Update(context.Background(), at, fn); err != nil {
			t.Fatal(err)
		}
	}
	var c store.Client
	var first, second int64
	step(day(-120), func(tx *store.Tx) (err error) {
		if c, err = tx.EnsureClient("compta@martin-boulangerie.fr", "Boulangerie Martin SARL", "fr"); err != nil {
			return err
		}
		r.client = c.ID
		if err := tx.SetClientAddress(c.ID, "4 place du Marché, 69007 Lyon"); err != nil {
			return err
		}
		if err := tx.SetKindGuess(c.ID, contact.GuessKind(contact.Buyer{Name: c.Name, VATID: "FR12 123456789"})); err != nil {
			return err
		}
		if first, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-0087", ClientID: c.ID, Amount: decimal.RequireFromString("1840.00"),
			Currency: "EUR", IssueDate: day(-120), DueDate: day(-90)}); err != nil {
			return err
		}
		second, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-0142", ClientID: c.ID, Amount: decimal.RequireFromString("6480.00"),
			Currency: "EUR", IssueDate: day(-75), DueDate: day(-45), OrderDate: day(-110), DeliveryDate: day(-80)})
		return err
	})
	step(day(-62), func(tx *store.Tx) error {
		_, err := tx.RecordOwnerPayment(store.Payment{InvoiceID: first, Amount: decimal.RequireFromString("1840.00"), Currency: "EUR",
			PaidOn: day(-62)}, domain.ActorCLI)
		return err
	})
	for i, d := range []int{-36, -24} {
		step(day(d), func(tx *store.Tx) error {
			stage := []string{"friendly", "second"}[i]
			id, err := tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: stage, To: []string{c.Email}, Subject: "Facture F-2026-0142",
				Body: "Bonjour,", HoldUntil: day(d), MessageID: "rem-" + stage + "@atelier.test", InvoiceIDs: []int64{second}}, domain.ActorDaemon)
			if err != nil {
				return err
			}
			_, err = tx.AddEvent(store.Event{Kind: domain.EventReminderSent, InvoiceID: second, ClientID: c.ID, DraftID: id, Actor: domain.ActorDaemon})
			return err
		})
	}
	step(day(-20), func(tx *store.Tx) error {
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 7, Role: "inbox", MessageID: "martin-1@martin-boulangerie.fr",
			From: c.Email, Subject: "Re: Facture F-2026-0142", Date: day(-20), Class: "dispute", InvoiceID: second})
		if err != nil {
			return err
		}
		evidence := []string{"[dispute] La toiture fuit encore au-dessus du fournil, je ne réglerai pas cette situation de travaux en l'état."}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventReplyReceived, At: day(-20), InvoiceID: second, MessageID: msg, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"class": "dispute", "objection": "progress_payment_defect", "from": c.Email,
				"subject": "Re: Facture F-2026-0142", "evidence": evidence})}); err != nil {
			return err
		}
		if err := tx.FoundPhones(c.ID, domain.ContactFromSignature, msg, day(-20),
			contact.FromReply("Bonjour,\nLa toiture fuit encore.", "Marc Martin\nGérant\nTél. 04 78 12 34 56\nPortable : 06 12 34 56 78\nFax : 04 78 12 34 57")); err != nil {
			return err
		}
		if r.dispute, err = tx.OpenFlag(store.Flag{Kind: domain.FlagDispute, InvoiceID: second, ClientID: c.ID, MessageID: msg, Evidence: evidence,
			Objection: domain.ObjectionProgressPaymentDefect}); err != nil {
			return err
		}
		r.answer, err = tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: string(domain.StageAnswer), Kind: domain.KindAnswer,
			To: []string{c.Email}, Subject: "Facture F-2026-0142 : suite à votre message", Body: rooferAnswer,
			HoldUntil: day(-19), MessageID: "answer-1@atelier.test", InvoiceIDs: []int64{second}, FlagID: r.dispute}, domain.ActorDaemon)
		return err
	})
	step(day(-1), func(tx *store.Tx) (err error) {
		notes, nb := "Marc Martin préfère être appelé avant 9 h, au fournil.", day(3)
		if _, err := tx.UpdateClientFile(c.Email, store.ClientFileChange{Notes: &notes, NotBefore: &nb}, domain.ActorWeb); err != nil {
			return err
		}
		r.call, err = tx.OpenFlag(store.Flag{Kind: domain.FlagCall, InvoiceID: second, ClientID: c.ID,
			Evidence: []string{"Fiche de préparation d'appel\n(préparée par relance au moment de la tâche)"}})
		return err
	})
	r.invoice = second
	return r
}

// rooferAnswer is the calm answer to a defect raised on a progress
// payment, as the answer template words it.
const rooferAnswer = `Bonjour Monsieur Martin,

Merci pour votre message au sujet de la facture F-2026-0142.

Une situation de travaux marque l'avancement du chantier, elle ne vaut pas réception des travaux : le défaut que vous signalez au-dessus du fournil sera repris avant la réception.

Je vous propose une visite le mardi 15 décembre à 8 h pour le constater et le corriger. Pouvez-vous me confirmer ce créneau ?

En attendant, pourriez-vous régler la partie non contestée de la situation ? Quand et comment pensez-vous pouvoir le faire ?

Bien cordialement,
Julien Moreau
Toitures Moreau`

// The client page and the call sheet in a real Chromium, with a roofer's
// client on file: the numbers, the dispute, the goal and the advice are
// on screen, and each page is saved as a PNG in docs/screenshots for a
// person to look at.
func TestClientPageAndCallSheetInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	st, r, now := rooferStore(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Now: func() time.Time { return now }, Location: paris})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	shots := screenshotsDir(t)
	b := newBrowser(t, chromium)

	pages := []struct {
		name, path string
		want       []string
		never      []string
	}{
		{"client-page", "/clients/" + strconv.FormatInt(r.client, 10) + "?lang=fr", []string{
			"Boulangerie Martin SARL", "Entreprise · deviné", "numéro de TVA intracommunautaire FR12 123456789",
			"04 78 12 34 56", "06 12 34 56 78", "04 78 12 34 57", "lu dans sa signature",
			"4 place du Marché, 69007 Lyon", "lu sur une facture", "Aucune relance, aucun appel ni mise en demeure avant le",
			"Conseils pour la prochaine commande", "bon de commande", // the scorecard's advice after a dispute
			"F-2026-0087", "F-2026-0142", "Historique complet", "Paiement enregistré",
		}, nil},
		{"call-sheet", "/flags/" + strconv.FormatInt(r.call, 10) + "/sheet?lang=fr", []string{
			"Numéros à appeler", "04 78 12 34 56", "06 12 34 56 78", "Fax (ne pas appeler)",
			"But de cet appel", "Écouter la réclamation jusqu'au bout",
			"F-2026-0142", "commande du 19 août 2026", "livraison le 18 sept. 2026", "Relance amicale", "Deuxième relance",
			"840,00", "Contestation", "La toiture fuit encore au-dessus du fournil",
			"malfaçon sur une situation de travaux", "Une situation de travaux marque l'avancement, pas la réception",
			"Quand pensez-vous pouvoir régler ?", "Puis-je vous rappeler la semaine prochaine",
		}, []string{"Aucune réclamation connue."}},
		{"call-sheet-en", "/flags/" + strconv.FormatInt(r.call, 10) + "/sheet?lang=en", []string{
			"Numbers to call", "Goal of this call", "Hear the complaint out", "Complaints and disputes",
			"A progress payment marks progress, not acceptance",
		}, []string{"No complaint known."}},
		{"flag-answer", "/flags/" + strconv.FormatInt(r.dispute, 10) + "?lang=fr", []string{
			"Contestation", "Boulangerie Martin SARL", "La toiture fuit encore au-dessus du fournil",
			"Objection", "malfaçon sur une situation de travaux",
			"Réponse préparée", "Facture F-2026-0142 : suite à votre message",
			"Le client", "Conseils pour la prochaine commande", "bon de commande", // the scorecard's segment and advice
			"Une réponse à son objection a été préparée", // the store's line about the answer, in words
		}, []string{"Aucune objection lue dans cette réponse.", "La réponse sera préparée au prochain passage.", "answer: draft"}},
		{"flag-answer-en", "/flags/" + strconv.FormatInt(r.dispute, 10) + "?lang=en", []string{
			"defect on a progress payment", "Facture F-2026-0142 : suite à votre message",
		}, nil},
	}
	for _, width := range viewportWidths {
		viewport(t, b, width)
		for _, p := range pages {
			step(t, b, "open "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
			txt := eval[string](t, b, `document.querySelector("main").innerText`)
			for _, w := range p.want {
				if !strings.Contains(txt, w) {
					t.Errorf("%s at %d px: the page does not show %q", p.name, width, w)
				}
			}
			for _, n := range p.never {
				if strings.Contains(txt, n) {
					t.Errorf("%s: the page says %q", p.name, n)
				}
			}
			if strings.HasPrefix(p.name, "flag-answer") {
				// The answer's subject is a link to the draft on the review
				// page, where it is reread and approved.
				href := eval[string](t, b, `(() => { const a = document.querySelector("main a[data-answer]"); return a ? a.getAttribute("href") + "|" + a.innerText : ""; })()`)
				if want := "/review#draft-" + strconv.FormatInt(r.answer, 10) + "|Facture F-2026-0142 : suite à votre message"; href != want {
					t.Errorf("%s at %d px: the answer's link is %q, want %q", p.name, width, href, want)
				}
			}
			fitsScreen(t, b, p.name, width)
			name := p.name + ".png"
			if width < 500 {
				name = p.name + "-phone.png"
			}
			screenshot(t, b, filepath.Join(shots, name))
		}
	}
	t.Logf("screenshots in %s", shots)
}

// The hand-over file of the same client, built by the code the daemon and
// `relance handover` run: its first page, as a person opens it, names the
// creditor, the debtor and the amount owed, and is saved as a PNG next to
// the page screenshots.
func TestHandoverFirstPage(t *testing.T) {
	ctx := context.Background()
	st, r, now := rooferStore(t)
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if pol.Location, err = time.LoadLocation("Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	f, err := outbox.BuildHandover(ctx, outbox.HandoverOptions{Store: st, Policy: pol, Business: render.Business{
		Name: "Toitures Moreau", Address: "18 chemin des Ardoisiers, 69400 Villefranche-sur-Saône", SIREN: "812 345 678",
		Email: "contact@toitures-moreau.fr", Phone: "04 74 60 12 12"}}, now, r.invoice, domain.HandoverAsked)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Join(strings.Fields(pdftools.PageText(t, f.PDF, 1)), " ")
	for _, w := range []string{
		"Dossier de recouvrement",
		"Toitures Moreau", "SIREN : 812 345 678", // the creditor
		"Boulangerie Martin SARL", "4 place du Marché, 69007 Lyon", // the debtor
		"F-2026-0142", "6 480,00 €", // what it owes
	} {
		if !strings.Contains(first, w) {
			t.Errorf("the file's first page does not carry %q", w)
		}
	}
	if t.Failed() {
		t.Logf("first page:\n%s", first)
	}
	png := pdftools.PagePNG(t, f.PDF, 1, 80)
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Fatalf("the first page's picture is not a plausible PNG (%d bytes)", len(png))
	}
	if err := os.WriteFile(filepath.Join(screenshotsDir(t), "handover-page1.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
