package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/handover"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
	"github.com/relance/relance/internal/text"
)

// handoverFile reads the file the daemon built for an invoice's client.
func (w *ladderWorld) handoverFile(number string) store.HandoverFile {
	w.T.Helper()
	st := w.openStore()
	defer st.Close()
	inv, err := st.InvoiceByNumber(w.ctx, number)
	if err != nil {
		w.T.Fatal(err)
	}
	f, err := st.HandoverFileOf(w.ctx, inv.ID)
	if err != nil {
		w.T.Fatalf("hand-over file of %s: %v", number, err)
	}
	return f
}

func zipFiles(t *testing.T, z []byte) map[string][]byte {
	t.Helper()
	out, err := handover.ReadZIP(z, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantInText(t *testing.T, what, text string, facts ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(pdftools.Normalize(text)), " ")
	for _, f := range facts {
		if !strings.Contains(flat, f) {
			t.Errorf("%s lacks %q:\n%s", what, f, flat)
		}
	}
}

// weekdays runs one pass at 10:00 every working day from..to (inclusive),
// approving every draft still held when approve is set.
func (w *ladderWorld) weekdays(from, to time.Time, approve bool) {
	w.T.Helper()
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		w.once(time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, paris))
		if approve {
			for _, dr := range w.heldDrafts() {
				w.approve(dr.ID)
			}
		}
	}
}

// Acceptance 4: a hostile reply stops all contact and produces the
// hand-over file. A business client got its friendly reminder; the second
// is held when the client answers with insults and a threat. The held
// draft is cancelled, nothing more is sent for weeks (no second reminder,
// no call task, no formal notice), the handover flag is open, and the PDF
// carries the facts.
func TestHostileReplyHandsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newLadderWorld(t)
	t.Setenv("RELANCE_BUSINESS_NAME", "Atelier Test")
	t.Setenv("RELANCE_BUSINESS_SIREN", "123 456 789")
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	due := time.Date(2026, 9, 2, 0, 0, 0, 0, paris)
	const email, number = "helene@boulangerie-lefevre.test", "F-2026-0501"
	if err := w.IMAP.Deliver("Sent", invoiceMailWithPDF(1, "Boulangerie Lefèvre", email, issued, due, "1250.00"), true); err != nil {
		t.Fatal(err)
	}
	w.once(issued.Add(2 * time.Hour))
	// The friendly reminder is due on 9 September, approved and sent on
	// the 10th; the second is held on 23 September.
	w.weekdays(due.AddDate(0, 0, 1), time.Date(2026, 9, 22, 0, 0, 0, 0, paris), true)
	w.once(time.Date(2026, 9, 23, 10, 0, 0, 0, paris))
	held := w.heldDrafts()
	if len(held) != 1 || held[0].Stage != "second" {
		t.Fatalf("held drafts %+v, want the second reminder", held)
	}
	sentBefore := len(w.Sink.Messages())
	if sentBefore != 1 {
		t.Fatalf("sink holds %d messages before the reply, want the friendly reminder", sentBefore)
	}
	friendly := w.sentMessages()[0]

	wrote := time.Date(2026, 9, 23, 21, 40, 0, 0, paris)
	body := "Encore une relance ? Votre four n'a jamais marché correctement.\r\n\r\n" +
		"Vous êtes des escrocs et des incapables. Je sais où se garent vos camions, vous allez le regretter.\r\n\r\n" +
		"H. Lefèvre\r\n\r\nLe 10 sept. 2026 à 09:00, Atelier Test <factures@atelier.test> a écrit :\r\n> Bonjour,\r\n> " +
		"Sauf erreur de notre part, la facture F-2026-0501 reste impayée.\r\n"
	if err := w.IMAP.Deliver("INBOX", replyMail("hostile-1@boulangerie-lefevre.test", email, "Hélène Lefèvre", friendly.MessageID,
		"Re: "+friendly.Subject, wrote, body, false), false); err != nil {
		t.Fatal(err)
	}
	fileDay := time.Date(2026, 9, 24, 0, 0, 0, 0, paris)
	w.weekdays(fileDay, time.Date(2026, 10, 30, 0, 0, 0, 0, paris), true)

	if n := len(w.Sink.Messages()); n != sentBefore {
		t.Errorf("sink holds %d messages after the hostile reply, want still %d", n, sentBefore)
	}
	st := w.openStore()
	d, err := st.DraftDetail(w.ctx, held[0].ID)
	st.Close()
	if err != nil || d.Status != domain.DraftCancelled {
		t.Errorf("the held second reminder is %s (%v), want cancelled", d.Status, err)
	}
	if calls := w.flags(number, string(domain.FlagCall)); len(calls) != 0 {
		t.Errorf("call tasks after a hostile reply: %+v", calls)
	}
	hostile := w.flags(number, string(domain.FlagHostile))
	if len(hostile) != 1 || hostile[0].Status != domain.FlagOpen ||
		!strings.Contains(strings.Join(hostile[0].Evidence, " "), "Vous êtes des escrocs et des incapables.") {
		t.Errorf("hostile flags %+v, want one open with the client's sentences", hostile)
	}
	handover := w.flags(number, string(domain.FlagHandover))
	if len(handover) != 1 || handover[0].Status != domain.FlagOpen ||
		!strings.Contains(strings.Join(handover[0].Evidence, " "), "dossier-F-2026-0501-2026-09-24.pdf") {
		t.Fatalf("handover flags %+v, want one open naming the file", handover)
	}

	f := w.handoverFile(number)
	// Penalties 3–24 September: 22 days at 12.40 % on 1 250 € = 9,34 €.
	wantInText(t, "the hand-over PDF", pdftools.Text(t, f.PDF),
		"Dossier de recouvrement", "Atelier Test", "SIREN : 123 456 789", "Boulangerie Lefèvre", email,
		"F-2026-0501", "3 août 2026", "2 sept. 2026", "1 250,00 €", "Total restant dû : 1 250,00 €",
		"10 sept. 2026 — Relance envoyée", "23 sept. 2026 — Réponse reçue du client", "Vous êtes des escrocs",
		"la dernière réponse du client est devenue agressive ou insultante",
		"Aucune mise en demeure n'a été envoyée",
		"Pénalités de retard et indemnité au 24 septembre 2026", "22 jours de retard", "taux 12,40 %", "pénalités 9,34 €",
		"indemnité 40,00 €", "1 299,34 €",
		"Injonction de payer", "tribunal de commerce", "Cerfa n° 12948", "Médiateur des entreprises", "mediateur-des-entreprises.fr")
	files := zipFiles(t, f.ZIP)
	if !bytes.Equal(files[f.PDFName], f.PDF) {
		t.Errorf("the ZIP lacks the PDF: %v", keysOf(files))
	}
	var reply, reminder, invoicePDF bool
	for name, b := range files {
		switch {
		case strings.Contains(name, "-reponse-") && bytes.Contains(b, []byte("Message-ID: <hostile-1@boulangerie-lefevre.test>")):
			reply = !bytes.Contains(b, []byte("X-Relance-Rebuilt"))
		case strings.Contains(name, "-friendly-") && strings.HasSuffix(name, ".eml"):
			reminder = !bytes.Contains(b, []byte("X-Relance-Rebuilt")) && bytes.Contains(b, []byte("F-2026-0501"))
		case strings.HasSuffix(name, ".pdf") && strings.Contains(name, "F-2026-0501-F-2026-0501"):
			invoicePDF = bytes.HasPrefix(b, []byte("%PDF-"))
		}
	}
	if !reply || !reminder || !invoicePDF {
		t.Errorf("the ZIP's originals (reply %v, reminder %v, invoice PDF %v): %v", reply, reminder, invoicePDF, keysOf(files))
	}

	// The owner writes the file out with the command line.
	dir := t.TempDir()
	out := w.relanceAt(time.Date(2026, 10, 30, 12, 0, 0, 0, paris), "handover", number, "--out", dir)
	if _, err := os.Stat(filepath.Join(dir, "dossier-F-2026-0501-2026-10-30.pdf")); err != nil {
		t.Errorf("relance handover wrote %q: %v", out, err)
	}
}

// The ladder ends without payment: the formal notice goes, its deadline
// passes, and the next day the file is prepared with the notice's date.
func TestLadderEndHandsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newLadderWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	due := time.Date(2026, 9, 2, 0, 0, 0, 0, paris)
	const email, number = "compta@garage-ferrand.test", "F-2026-0502"
	if err := w.IMAP.Deliver("Sent", invoiceMailWithPDF(2, "Garage Ferrand", email, issued, due, "1250.00"), true); err != nil {
		t.Fatal(err)
	}
	w.once(issued.Add(2 * time.Hour))
	w.weekdays(due.AddDate(0, 0, 1), time.Date(2026, 10, 30, 0, 0, 0, 0, paris), true)

	var notice time.Time
	for _, s := range w.sentByRecipient()[email] {
		if s.Kind == domain.KindFormalNotice {
			notice = s.at.In(paris)
		}
	}
	if notice.IsZero() {
		t.Fatal("no formal notice went")
	}
	handover := w.flags(number, string(domain.FlagHandover))
	if len(handover) != 1 || !strings.Contains(strings.Join(handover[0].Evidence, " "), "Le délai de la mise en demeure est passé") {
		t.Fatalf("handover flags %+v, want one saying the notice's deadline passed", handover)
	}
	f := w.handoverFile(number)
	if f.Reason != string(domain.HandoverLadderEnded) || !f.CreatedAt.After(notice.AddDate(0, 0, 8)) {
		t.Errorf("file %q built %s, notice sent %s", f.Reason, f.CreatedAt, notice)
	}
	wantInText(t, "the hand-over PDF", pdftools.Text(t, f.PDF), "Garage Ferrand", "F-2026-0502", "1 250,00 €",
		"Mise en demeure envoyée", "La mise en demeure a été envoyée le "+text.FormatDate("fr", notice), "délai de la mise en demeure est expiré",
		"jours de retard", "indemnité 40,00 €", "Injonction de payer", "Médiateur des entreprises")
	t.Logf("formal notice %s, file prepared %s", notice.Format("2006-01-02"), f.CreatedAt.In(paris).Format("2006-01-02"))
}
