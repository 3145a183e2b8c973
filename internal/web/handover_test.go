package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// A handover flag offers the file's PDF and ZIP for download, to the
// owner only.
func TestHandoverFlagOffersTheFile(t *testing.T) {
	f := newFixture(t, Options{Token: "s3cret-token", Addr: "0.0.0.0:8025"})
	ctx := context.Background()
	var flag, dispute int64
	if err := f.st.Update(ctx, now, func(tx *store.Tx) error {
		c, _, err := f.st.InvoiceClient(ctx, f.inv)
		if err != nil {
			return err
		}
		if _, err := tx.SaveHandoverFile(store.HandoverFile{ClientID: c.ID, InvoiceID: f.inv, Reason: "hostile",
			PDFName: "dossier-F-2026-001-2026-12-07.pdf", PDF: []byte("%PDF-1.4 file"), ZIPName: "dossier-F-2026-001-2026-12-07.zip",
			ZIP: []byte("PK\x03\x04 zip")}); err != nil {
			return err
		}
		flag, err = tx.OpenFlag(store.Flag{Kind: domain.FlagHandover, InvoiceID: f.inv, ClientID: c.ID, Evidence: []string{"ready"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dispute = f.flag
	b := newBrowser(t)
	pdfURL := fmt.Sprintf("%s/flags/%d/handover.pdf", f.srv.URL, flag)
	if resp, body := b.get(pdfURL); resp.StatusCode != http.StatusSeeOther || strings.Contains(body, "%PDF") {
		t.Fatalf("anonymous download: %d", resp.StatusCode)
	}
	_, page := b.get(f.srv.URL + "/login")
	if resp, _ := b.post(f.srv.URL+"/login", url.Values{"csrf": {csrfFrom(t, page)}, "token": {"s3cret-token"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, page := b.get(fmt.Sprintf("%s/flags/%d?lang=fr", f.srv.URL, flag))
	if resp.StatusCode != 200 || !strings.Contains(page, "Dossier prêt pour un tiers") ||
		!strings.Contains(page, fmt.Sprintf(`href="/flags/%d/handover.pdf"`, flag)) || !strings.Contains(page, fmt.Sprintf(`href="/flags/%d/handover.zip"`, flag)) {
		t.Fatalf("flag page %d lacks the downloads:\n%.3000s", resp.StatusCode, page)
	}
	for _, c := range []struct{ path, ctype, name, body string }{
		{"handover.pdf", "application/pdf", "dossier-F-2026-001-2026-12-07.pdf", "%PDF-1.4 file"},
		{"handover.zip", "application/zip", "dossier-F-2026-001-2026-12-07.zip", "PK\x03\x04 zip"},
	} {
		resp, body := b.get(fmt.Sprintf("%s/flags/%d/%s", f.srv.URL, flag, c.path))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || body != c.body ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename=`+c.name) {
			t.Errorf("%s: %d %q %q %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body)
		}
	}
	// A flag of another kind offers no file.
	if resp, _ := b.get(fmt.Sprintf("%s/flags/%d/handover.pdf", f.srv.URL, dispute)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("dispute flag download: %d, want 404", resp.StatusCode)
	}
}

// The file's preparation reads on the timeline in both languages, with why
// and the file's name.
func TestTimelineHandoverPrepared(t *testing.T) {
	e := store.TimelineEntry{Event: store.Event{Kind: domain.EventHandoverPrepared, Actor: domain.ActorDaemon, At: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC),
		Detail: store.EventDetail(map[string]any{"reason": domain.HandoverHostile, "pdf": "dossier-F-1-2026-12-07.pdf"})}}
	for lang, want := range map[string][3]string{
		"fr": {"Dossier pour un tiers préparé", "réponse hostile du client", "dossier-F-1-2026-12-07.pdf"},
		"en": {"File for a third party prepared", "the client's reply turned hostile", "dossier-F-1-2026-12-07.pdf"},
	} {
		items := timelineItems(newLocale(lang, time.UTC), []store.TimelineEntry{e}, false)
		if len(items) != 1 || items[0].Title != want[0] || !slices.Equal(items[0].Lines, want[1:]) {
			t.Errorf("%s: %+v, want %q", lang, items, want)
		}
	}
}
