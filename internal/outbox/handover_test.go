package outbox

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/handover"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/pdftools"
)

func zipEntries(t *testing.T, z []byte) map[string][]byte {
	t.Helper()
	out, err := handover.ReadZIP(z, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func openFlags(t *testing.T, st *store.Store, kind domain.FlagKind) []store.Flag {
	t.Helper()
	all, err := st.Flags(context.Background(), domain.FlagOpen)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Flag
	for _, f := range all {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// The ladder ends: the formal notice went on Tuesday 8 December 2026, its
// deadline is Wednesday 16 December; the next day, still unpaid, the file
// is prepared once and its flag names it.
func TestHandoverWhenTheLadderEnds(t *testing.T) {
	ctx := context.Background()
	w := newNoticeWorld(t)
	paris := w.pol.Location
	d := w.draftNotice(t, time.Date(2026, 12, 5, 10, 0, 0, 0, paris))
	if err := w.st.Update(ctx, time.Date(2026, 12, 8, 8, 0, 0, 0, paris), func(tx *store.Tx) error {
		return tx.ApproveDraft(d.ID, domain.ActorWeb, "")
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.x.Pass(ctx, time.Date(2026, 12, 8, 9, 30, 0, 0, paris)); err != nil {
		t.Fatal(err)
	}
	if len(w.sender.sent) != 1 {
		t.Fatalf("sent %d, want the formal notice", len(w.sender.sent))
	}
	if err := w.x.Pass(ctx, time.Date(2026, 12, 16, 18, 0, 0, 0, paris)); err != nil {
		t.Fatal(err)
	}
	if f := openFlags(t, w.st, domain.FlagHandover); len(f) != 0 {
		t.Fatalf("handover flag on the notice's last day: %+v", f)
	}
	day := time.Date(2026, 12, 17, 10, 0, 0, 0, paris)
	if err := w.x.Pass(ctx, day); err != nil {
		t.Fatal(err)
	}
	flags := openFlags(t, w.st, domain.FlagHandover)
	if len(flags) != 1 || flags[0].InvoiceID != w.invoice {
		t.Fatalf("handover flags %+v, want one on the invoice", flags)
	}
	ev := strings.Join(flags[0].Evidence, " ")
	for _, want := range []string{"Le délai de la mise en demeure est passé", "dossier-F-2026-0101-2026-12-17.pdf", "dossier-F-2026-0101-2026-12-17.zip",
		"relance handover F-2026-0101"} {
		if !strings.Contains(ev, want) {
			t.Errorf("flag evidence lacks %q: %s", want, ev)
		}
	}
	f, err := w.st.HandoverFileOf(ctx, w.invoice)
	if err != nil {
		t.Fatal(err)
	}
	if f.Reason != string(domain.HandoverLadderEnded) {
		t.Errorf("reason %q", f.Reason)
	}
	// 7 Nov – 17 Dec = 41 days: 1200 × 12.40 % × 41 / 365 = 16,71 €.
	wantAll(t, "the hand-over PDF", pdftools.Text(t, f.PDF), "Dossier de recouvrement", "Boulangerie Lefèvre & Fils",
		"14 avenue Jean Jaurès, 69007 Lyon", "F-2026-0101", "1 200,00 €", "8 déc. 2026 — Mise en demeure envoyée",
		"La mise en demeure a été envoyée le 8 décembre 2026", "41 jours de retard", "pénalités 16,71 €", "indemnité 40,00 €",
		"1 256,71 €", "tribunal de commerce", "Cerfa n° 12948", "mediateur-des-entreprises.fr", "Atelier Moreau")
	entries := zipEntries(t, f.ZIP)
	if !bytes.Equal(entries[f.PDFName], f.PDF) {
		t.Errorf("the ZIP lacks the PDF: %v", keys(entries))
	}
	var notice []byte
	for name, b := range entries {
		if strings.HasPrefix(name, "originals/2026-12-08-formal_notice-") && strings.HasSuffix(name, ".eml") {
			notice = b
		}
	}
	// The test mailbox cannot fetch: the notice is rebuilt from its text.
	if !bytes.Contains(notice, []byte("X-Relance-Rebuilt")) || !bytes.Contains(notice, []byte("F-2026-0101")) {
		t.Errorf("the ZIP lacks the formal notice as .eml: %v", keys(entries))
	}

	// Prepared once: a later pass builds nothing more.
	if err := w.x.Pass(ctx, day.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	again, err := w.st.HandoverFileOf(ctx, w.invoice)
	if err != nil || again.ID != f.ID {
		t.Errorf("file rebuilt by a later pass: %d → %d (%v)", f.ID, again.ID, err)
	}
}

// A hostile reply: the held reminder is cancelled with a reason, nothing
// goes, no call is proposed, and the file is prepared at once with the
// client's words.
func TestHandoverAfterAHostileReply(t *testing.T) {
	ctx := context.Background()
	w := newNoticeWorld(t)
	paris := w.pol.Location
	if err := w.x.Pass(ctx, time.Date(2026, 11, 16, 10, 0, 0, 0, paris)); err != nil {
		t.Fatal(err)
	}
	held, err := w.st.Drafts(ctx, domain.DraftHeld)
	if err != nil || len(held) != 1 {
		t.Fatalf("held drafts %+v %v, want the friendly reminder", held, err)
	}
	wrote := time.Date(2026, 11, 16, 20, 0, 0, 0, paris)
	if err := w.st.Update(ctx, wrote, func(tx *store.Tx) error {
		id, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 9, Role: "inbox", MessageID: "<h1@lefevre>",
			From: "compta@boulangerie-lefevre.fr", Subject: "Re: Facture F-2026-0101", Date: wrote, Class: "dispute", InvoiceID: w.invoice})
		if err != nil {
			return err
		}
		if err := tx.SetMessageText(id, "Hélène Lefèvre", "Vous êtes des escrocs. Vous allez le payer."); err != nil {
			return err
		}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventReplyReceived, At: wrote, InvoiceID: w.invoice, MessageID: id,
			Actor: domain.ActorDaemon}); err != nil {
			return err
		}
		_, cancelled, err := tx.StopContact(w.invoice, id, []string{"hostile", "Vous êtes des escrocs."}, "cancelled: hostile")
		if len(cancelled) != 1 {
			t.Errorf("cancelled %v, want the held reminder", cancelled)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Days pass: the second reminder and the call would be due.
	for _, at := range []time.Time{time.Date(2026, 11, 17, 10, 0, 0, 0, paris), time.Date(2026, 12, 8, 10, 0, 0, 0, paris)} {
		if err := w.x.Pass(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.sender.sent) != 0 {
		t.Errorf("sent %d messages after a hostile reply", len(w.sender.sent))
	}
	waiting, err := w.st.Drafts(ctx, domain.DraftHeld, domain.DraftApproved)
	if err != nil || len(waiting) != 0 {
		t.Errorf("waiting drafts %+v %v, want none", waiting, err)
	}
	if c := openFlags(t, w.st, domain.FlagCall); len(c) != 0 {
		t.Errorf("call tasks %+v after a hostile reply", c)
	}
	if h := openFlags(t, w.st, domain.FlagHandover); len(h) != 1 || !strings.Contains(strings.Join(h[0].Evidence, " "), "hostile") {
		t.Fatalf("handover flags %+v, want one saying the reply turned hostile", h)
	}
	f, err := w.st.HandoverFileOf(ctx, w.invoice)
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, "the hand-over PDF", pdftools.Text(t, f.PDF), "la dernière réponse du client est devenue agressive", "Vous êtes des escrocs.",
		"16 nov. 2026 — Réponse reçue du client", "Aucune mise en demeure n'a été envoyée", "F-2026-0101", "tribunal de commerce")
	if f.CreatedAt.IsZero() || f.Reason != string(domain.HandoverHostile) {
		t.Errorf("file %+v", f)
	}
}

// A consumer's file claims no L441-10 penalties and no 40 € indemnity and
// points to the tribunal judiciaire, without the Médiateur des entreprises;
// an owner writing in English gets the file in English.
func TestHandoverForAConsumerInEnglish(t *testing.T) {
	ctx := context.Background()
	w := newNoticeWorld(t)
	if err := w.st.Update(ctx, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), func(tx *store.Tx) error {
		_, _, err := tx.SetClientKind("compta@boulangerie-lefevre.fr", domain.ClientConsumer, domain.ActorCLI)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pol := w.pol
	pol.DefaultLanguage = "en"
	f, err := BuildHandover(ctx, HandoverOptions{Store: w.st, Policy: pol, Business: w.x.o.Business}, time.Date(2026, 12, 17, 10, 0, 0, 0, pol.Location),
		w.invoice, domain.HandoverAsked)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftools.Normalize(pdftools.Text(t, f.PDF))), " ")
	wantAll(t, "the consumer's file", text, "Debt collection file", "Kind: consumer", "F-2026-0101", "€1,200.00",
		"neither the L441-10 penalties nor the €40 indemnity apply", "tribunal judiciaire", "Cerfa n° 12948")
	wantNone(t, "the consumer's file", text, "days late", "indemnity €40.00", "Médiateur des entreprises (business mediator)", "tribunal de commerce")
	if f.PDFName != "file-F-2026-0101-2026-12-17.pdf" {
		t.Errorf("name %q", f.PDFName)
	}
}
