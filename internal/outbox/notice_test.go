package outbox

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
	"github.com/relance/relance/templates"
)

// captureSender keeps what would have been submitted.
type captureSender struct {
	mu   sync.Mutex
	sent []*Composed
}

func (s *captureSender) Send(_ context.Context, c *Composed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, c)
	return nil
}

// mailParts returns the plain text and the attachments (name → bytes) of
// a raw message.
func mailParts(t *testing.T, raw []byte) (string, map[string][]byte) {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	atts := map[string][]byte{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				text = string(b)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			atts[name] = b
		}
	}
	return text, atts
}

// draftsMailbox is memMailbox whose Drafts folder reports its copies, as
// reconcileDrafts reads them.
type draftsMailbox struct{ memMailbox }

func (m *draftsMailbox) DraftsState(context.Context) ([]mailbox.DraftInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return draftInfos(m.drafts), nil
}

type noticeWorld struct {
	st      *store.Store
	x       *Outbox
	mb      *draftsMailbox
	sender  *captureSender
	pol     policy.Policy
	client  int64
	invoice int64
}

func newNoticeWorld(t *testing.T) *noticeWorld {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &noticeWorld{st: st, mb: &draftsMailbox{}, sender: &captureSender{}}
	issued := time.Date(2026, 10, 7, 10, 0, 0, 0, time.UTC)
	if err := st.Update(ctx, issued, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("compta@boulangerie-lefevre.fr", "Boulangerie Lefèvre & Fils", "fr")
		if err != nil {
			return err
		}
		w.client = c.ID
		if err := tx.SetClientAddress(c.ID, "14 avenue Jean Jaurès, 69007 Lyon"); err != nil {
			return err
		}
		w.invoice, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-0101", ClientID: c.ID, Amount: decimal.RequireFromString("1200.00"),
			Currency: "EUR", IssueDate: time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC),
			Language: "fr", Source: "facturx", SourceMessageID: "f101@atelier-moreau.fr"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	w.pol, err = policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	w.x, err = New(Options{Store: st, Mailbox: w.mb, Sender: w.sender, Policy: w.pol, Mode: domain.ModeReview,
		From: "Atelier Moreau <factures@atelier-moreau.fr>", Renderer: render.New(templates.FS),
		Business: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon", SIREN: "123 456 789",
			Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// draftNotice drafts the formal notice as the pass does for a decision.
func (w *noticeWorld) draftNotice(t *testing.T, now time.Time) store.DraftDetail {
	t.Helper()
	ctx := context.Background()
	c, err := w.st.ChasingClient(ctx, w.client)
	if err != nil || c == nil {
		t.Fatalf("chasing client: %v %v", c, err)
	}
	d := policy.Decision{Action: policy.ActionFormalNotice, Stage: 5, StageName: "formal_notice", Language: "fr",
		Invoices: []policy.InvoiceStep{{ID: w.invoice}}, HoldUntil: w.pol.HoldUntil(now), RequiresApproval: true, LatePenalties: true}
	if err := w.x.createDraft(ctx, now, *c, d); err != nil {
		t.Fatalf("createDraft: %v", err)
	}
	drafts, err := w.st.Drafts(ctx, domain.DraftHeld)
	if err != nil || len(drafts) != 1 {
		t.Fatalf("held drafts: %+v %v", drafts, err)
	}
	dd, err := w.st.DraftDetail(ctx, drafts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return dd
}

func wantAll(t *testing.T, what, text string, facts ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(pdftools.Normalize(text)), " ")
	for _, f := range facts {
		if !strings.Contains(flat, f) {
			t.Errorf("%s lacks %q:\n%s", what, f, text)
		}
	}
}

func wantNone(t *testing.T, what, text string, facts ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(pdftools.Normalize(text)), " ")
	for _, f := range facts {
		if strings.Contains(flat, f) {
			t.Errorf("%s still says %q", what, f)
		}
	}
}

// A formal notice drafted on a Saturday is written for the Monday it can
// first go; approved late, it is re-dated for the day it actually goes
// (date, penalties to that day, deadline from it), both in the store (the
// web page) and in Drafts, before it is sent; the mail and its PDF letter
// state the same facts.
func TestFormalNoticeIsRightOnTheDayItGoes(t *testing.T) {
	ctx := context.Background()
	w := newNoticeWorld(t)
	paris := w.pol.Location
	saturday := time.Date(2026, 12, 5, 10, 0, 0, 0, paris)

	d := w.draftNotice(t, saturday)
	// Saturday's draft is dated Monday 7 December, the first day it can
	// go: penalties 7 Nov – 7 Dec (31 days) = 12,64 €; deadline Monday + 8.
	wantAll(t, "Saturday's draft", d.Body, "Lyon, le 7 décembre 2026", "(31 jours)", "Total des pénalités de retard : 12,64 €",
		"au plus tard le 15 décembre 2026", "F-2026-0101")
	wantNone(t, "Saturday's draft", d.Body, "le 5 décembre 2026")
	if len(w.mb.drafts) != 1 {
		t.Fatalf("Drafts holds %d copies, want 1", len(w.mb.drafts))
	}
	_, atts := mailParts(t, w.mb.drafts[d.IMAPUID])
	if _, ok := atts["mise-en-demeure-2026-12-07.pdf"]; !ok || len(atts) != 1 {
		t.Errorf("Drafts copy attachments = %v, want the letter", keys(atts))
	}

	// The owner approves on Tuesday before the window opens: the pass
	// rewrites the notice for Tuesday and keeps the approval.
	tuesdayEarly := time.Date(2026, 12, 8, 8, 0, 0, 0, paris)
	if err := w.st.Update(ctx, tuesdayEarly, func(tx *store.Tx) error { return tx.ApproveDraft(d.ID, domain.ActorWeb, "") }); err != nil {
		t.Fatal(err)
	}
	if err := w.x.Pass(ctx, tuesdayEarly.Add(30*time.Minute)); err != nil {
		t.Fatalf("pass: %v", err)
	}
	if len(w.sender.sent) != 0 {
		t.Fatalf("sent before the window")
	}
	d2, err := w.st.DraftDetail(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Status != domain.DraftApproved {
		t.Errorf("status after re-dating = %s, want approved", d2.Status)
	}
	// 7 Nov – 8 Dec = 32 days: 1200 × 12.40 % × 32 / 365 = 13,05 €.
	wantAll(t, "the re-dated draft", d2.Body, "Lyon, le 8 décembre 2026", "(32 jours)", "Total des pénalités de retard : 13,05 €",
		"au plus tard le 16 décembre 2026", "Somme totale due : 1 253,05 €")
	wantNone(t, "the re-dated draft", d2.Body, "le 7 décembre 2026", "au 7 décembre 2026", "12,64 €", "15 décembre 2026")
	if d2.IMAPUID == d.IMAPUID || len(w.mb.drafts) != 1 {
		t.Errorf("Drafts copy not replaced: uid %d → %d, %d copies", d.IMAPUID, d2.IMAPUID, len(w.mb.drafts))
	}
	copyText, copyAtts := mailParts(t, w.mb.drafts[d2.IMAPUID])
	wantAll(t, "the Drafts copy", copyText, "Lyon, le 8 décembre 2026", "au plus tard le 16 décembre 2026")
	if pdf, ok := copyAtts["mise-en-demeure-2026-12-08.pdf"]; !ok {
		t.Errorf("re-dated Drafts copy attachments = %v, want mise-en-demeure-2026-12-08.pdf", keys(copyAtts))
	} else {
		wantAll(t, "the re-dated Drafts copy's letter", pdftools.Text(t, pdf), "Lyon, le 8 décembre 2026", "16 décembre 2026", "13,05 €")
	}

	// Inside the window it goes, as reread.
	if err := w.x.Pass(ctx, time.Date(2026, 12, 8, 9, 30, 0, 0, paris)); err != nil {
		t.Fatalf("pass: %v", err)
	}
	if len(w.sender.sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(w.sender.sent))
	}
	text, atts := mailParts(t, w.sender.sent[0].Raw)
	if pdftools.Normalize(strings.TrimSpace(text)) != pdftools.Normalize(strings.TrimSpace(d2.Body)) {
		t.Errorf("sent text differs from the text reread:\n%s\n---\n%s", text, d2.Body)
	}
	pdf, ok := atts["mise-en-demeure-2026-12-08.pdf"]
	if !ok {
		t.Fatalf("sent attachments = %v, want mise-en-demeure-2026-12-08.pdf", keys(atts))
	}
	// The letter states the mail's facts.
	facts := []string{"F-2026-0101", "1 200,00 €", "13,05 €", "40,00 €", "1 253,05 €", "(32 jours)", "16 décembre 2026",
		"Lyon, le 8 décembre 2026"}
	wantAll(t, "the sent mail", text, facts...)
	letterText := pdftools.Text(t, pdf)
	wantAll(t, "the PDF letter", letterText, facts...)
	wantAll(t, "the PDF letter", letterText, "Lettre recommandée avec AR", "Boulangerie Lefèvre & Fils",
		"14 avenue Jean Jaurès", "69007 Lyon", "Atelier Moreau", "SIREN : 123 456 789")
	png := pdftools.FirstPagePNG(t, pdf)
	dir := pdftools.ScreenshotDir(t, "outbox")
	if err := os.WriteFile(filepath.Join(dir, "formal_notice-sent-page1.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("first page of the sent letter: %s", filepath.Join(dir, "formal_notice-sent-page1.png"))
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A formal notice a human edited keeps their text: it is never re-dated
// behind their back.
func TestEditedFormalNoticeIsNotRewritten(t *testing.T) {
	ctx := context.Background()
	w := newNoticeWorld(t)
	paris := w.pol.Location
	d := w.draftNotice(t, time.Date(2026, 12, 5, 10, 0, 0, 0, paris))
	edited := strings.Replace(d.Body, "Madame, Monsieur,", "Chère Madame Lefèvre,", 1)
	if err := w.st.Update(ctx, time.Date(2026, 12, 6, 18, 0, 0, 0, paris), func(tx *store.Tx) error {
		return tx.ReviseDraft(d.ID, d.Subject, edited, domain.ActorWeb)
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.x.Pass(ctx, time.Date(2026, 12, 8, 8, 30, 0, 0, paris)); err != nil {
		t.Fatalf("pass: %v", err)
	}
	d2, err := w.st.DraftDetail(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Body != edited {
		t.Errorf("the edited notice was rewritten:\n%s", d2.Body)
	}
}

// The D441-5 indemnity is the policy's (penalties.indemnity): another
// amount is stated per invoice and in the total; zero claims none.
func TestFormalNoticeIndemnityFromThePolicy(t *testing.T) {
	for _, tc := range []struct {
		amount    string
		want, not []string
	}{
		{"50", []string{"soit 50,00 € par facture : 50,00 €", "Somme totale due : 1 262,64 €"}, []string{"40,00 €"}},
		{"0", []string{"Total des pénalités de retard : 12,64 €", "Somme totale due : 1 212,64 €"}, []string{"D441-5", "40,00 €"}},
	} {
		t.Run(tc.amount, func(t *testing.T) {
			w := newNoticeWorld(t)
			w.pol.Penalties.Indemnity = decimal.RequireFromString(tc.amount)
			x, err := New(Options{Store: w.st, Mailbox: w.mb, Sender: w.sender, Policy: w.pol, Mode: domain.ModeReview,
				From: "Atelier Moreau <factures@atelier-moreau.fr>", Renderer: render.New(templates.FS),
				Business: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon"}})
			if err != nil {
				t.Fatal(err)
			}
			w.x = x
			d := w.draftNotice(t, time.Date(2026, 12, 5, 10, 0, 0, 0, w.pol.Location))
			wantAll(t, "the notice", d.Body, tc.want...)
			wantNone(t, "the notice", d.Body, tc.not...)
		})
	}
}
