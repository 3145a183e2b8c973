package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/store"
)

// relanceAt runs the command line with its clock at now, in Paris.
func relanceAt(now time.Time, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, &cli.Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, Zone: paris})
	return out.String(), errb.String(), code
}

// seedClients puts one invoice per client in Sent, issued 3 August 2026 and
// due 2 September: on Monday 14 September the friendly reminder is due.
func seedClients(t *testing.T, w *env, clients ...[2]string) {
	t.Helper()
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	for i, c := range clients {
		if err := w.IMAP.Deliver("Sent", invoiceMail(i+1, c[0], c[1], issued, issued.AddDate(0, 0, 30), fmt.Sprintf("%d.00", 600+60*i), false), true); err != nil {
			t.Fatal(err)
		}
	}
}

// heldByClient maps a client's address to its draft waiting (held or approved).
func heldByClient(t *testing.T, w *env) map[string]store.Draft {
	t.Helper()
	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := st.Drafts(context.Background(), domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Draft{}
	for _, d := range ds {
		out[d.To[0]] = d
	}
	return out
}

func sentTo(w *env, addr string) int {
	n := 0
	for _, m := range w.sentMessages() {
		if m.To == addr {
			n++
		}
	}
	return n
}

// Approving before the hold ends (with the reason the early approval asks
// for) says exactly when the draft goes, in the business's zone with its
// offset, and it goes then: at once inside the send window, at the next
// opening outside it; never earlier. "Send now" is one explicit action with
// a reason, recorded with who gave it, and goes at the next pass whatever
// the hour.
func TestApproveBeforeHoldSendsAtTheStatedTime(t *testing.T) {
	w := newWorld(t)
	seedClients(t, w, [2]string{"Studio Kuma", "lea@studiokuma.fr"}, [2]string{"Cave Saint-Jean", "olivier@cave-saintjean.fr"},
		[2]string{"Garage Martin", "paul@garage-martin.fr"})
	monday := time.Date(2026, 9, 14, 10, 0, 0, 0, paris)
	w.once(monday)
	held := heldByClient(t, w)
	kuma, cave, garage := held["lea@studiokuma.fr"], held["olivier@cave-saintjean.fr"], held["paul@garage-martin.fr"]
	if kuma.ID == 0 || cave.ID == 0 || garage.ID == 0 {
		t.Fatalf("held drafts: %+v", held)
	}
	if !kuma.HoldUntil.After(monday) {
		t.Fatalf("hold ends %v, before the approvals below", kuma.HoldUntil)
	}

	// Inside the send window: approved now, it goes now (the demo's
	// "Approve now" that sent nothing for two passes).
	at := monday.Add(5 * time.Minute)
	out, errOut, code := relanceAt(at, "drafts", "approve", strconv.FormatInt(kuma.ID, 10), "--override", "la cliente attend ce message aujourd'hui")
	if code != 0 || !strings.Contains(out, "goes on 2026-09-14 10:05 +02:00") {
		t.Fatalf("early approval inside the window: exit %d, %q %q", code, out, errOut)
	}
	w.once(at)
	if sentTo(w, "lea@studiokuma.fr") != 1 {
		t.Fatalf("the approved draft did not go at the stated time; sink: %+v", w.sentMessages())
	}

	// Outside the window: it goes at the next opening, as stated.
	afternoon := time.Date(2026, 9, 14, 16, 0, 0, 0, paris)
	out, errOut, code = relanceAt(afternoon, "drafts", "approve", strconv.FormatInt(cave.ID, 10), "--override", "relu avec le gérant")
	if code != 0 || !strings.Contains(out, "goes on 2026-09-15 09:00 +02:00") {
		t.Fatalf("early approval outside the window: exit %d, %q %q", code, out, errOut)
	}
	for _, before := range []time.Time{afternoon, time.Date(2026, 9, 15, 8, 59, 0, 0, paris)} {
		w.once(before)
		if n := sentTo(w, "olivier@cave-saintjean.fr"); n != 0 {
			t.Fatalf("sent at %v, before the stated time", before)
		}
	}
	w.once(time.Date(2026, 9, 15, 9, 0, 0, 0, paris))
	if n := sentTo(w, "olivier@cave-saintjean.fr"); n != 1 {
		t.Fatalf("not sent at the stated time: %d", n)
	}

	// Send now: a reason is required; then it goes at the next pass, in
	// the evening, outside the window and before the hold ends.
	evening := time.Date(2026, 9, 14, 20, 0, 0, 0, paris)
	if _, errOut, code := relanceAt(evening, "drafts", "send-now", strconv.FormatInt(garage.ID, 10)); code == 0 || !strings.Contains(errOut, "--reason") {
		t.Fatalf("send-now without a reason: exit %d %q", code, errOut)
	}
	out, errOut, code = relanceAt(evening, "drafts", "send-now", strconv.FormatInt(garage.ID, 10), "--reason", "promis au téléphone ce soir")
	if code != 0 || !strings.Contains(out, "next pass") {
		t.Fatalf("send-now: exit %d %q %q", code, out, errOut)
	}
	w.once(evening.Add(time.Minute))
	if n := sentTo(w, "paul@garage-martin.fr"); n != 1 {
		t.Fatalf("send now: %d sent", n)
	}
	st := openStore(t, w)
	inv, err := st.InvoiceByNumber(context.Background(), "F-2026-0503")
	if err != nil {
		t.Fatal(err)
	}
	tl, err := st.Timeline(context.Background(), inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range tl {
		found = found || (e.Kind == "draft_send_now" && e.Actor == domain.ActorCLI && strings.Contains(string(e.Detail), "promis au téléphone ce soir"))
	}
	if !found {
		t.Fatalf("no draft_send_now event with the actor and the reason: %+v", tl)
	}
}

// A draft cancelled with "until when?" does not come back before then: a
// date brings the ladder back that day, "never" never, "until the client
// writes" only after the client wrote. Passes run every business day (the
// issue's draft came back four minutes after its cancel).
func TestCancelledDraftDoesNotComeBackBeforeItsDate(t *testing.T) {
	w := newWorld(t)
	seedClients(t, w, [2]string{"Studio Kuma", "lea@studiokuma.fr"}, [2]string{"Cave Saint-Jean", "olivier@cave-saintjean.fr"},
		[2]string{"Garage Martin", "paul@garage-martin.fr"})
	monday := time.Date(2026, 9, 14, 10, 0, 0, 0, paris)
	w.once(monday)
	held := heldByClient(t, w)
	if len(held) != 3 {
		t.Fatalf("held drafts: %d", len(held))
	}
	at := monday.Add(2 * time.Minute)
	for addr, until := range map[string]string{"lea@studiokuma.fr": "2026-10-01", "olivier@cave-saintjean.fr": "never", "paul@garage-martin.fr": "reply"} {
		out, errOut, code := relanceAt(at, "drafts", "cancel", strconv.FormatInt(held[addr].ID, 10), "--until", until, "--reason", "vu avec le client")
		if code != 0 || !strings.Contains(out, "cancelled") {
			t.Fatalf("cancel %s until %s: exit %d %q %q", addr, until, code, out, errOut)
		}
	}
	if _, _, code := relanceAt(at, "drafts", "cancel", strconv.FormatInt(held["lea@studiokuma.fr"].ID, 10), "--until", "2026-09-01"); code != cli.ExitUsage {
		t.Fatalf("a date in the past is refused with a usage error, got exit %d", code)
	}
	firstBack := map[string]time.Time{}
	day := monday.Add(4 * time.Minute)
	wrote, written := time.Date(2026, 10, 12, 8, 0, 0, 0, paris), false
	away, awaySent := time.Date(2026, 9, 21, 8, 0, 0, 0, paris), false
	for day.Before(time.Date(2026, 11, 30, 0, 0, 0, 0, paris)) {
		if !day.Before(away) && !awaySent {
			// An automatic reply is not the client writing.
			if err := w.IMAP.Deliver("INBOX", replyMail("garage-away@garage-martin.fr", "paul@garage-martin.fr", "Paul Martin", "",
				"Absence du bureau", away, "Je suis absent jusqu'au 25 septembre. Je lirai votre message à mon retour.", true), false); err != nil {
				t.Fatal(err)
			}
			awaySent = true
		}
		if !day.Before(wrote) && !written {
			// Garage Martin writes, about something else: its invoice may be
			// chased again.
			if err := w.IMAP.Deliver("INBOX", replyMail("garage-1@garage-martin.fr", "paul@garage-martin.fr", "Paul Martin", "",
				"Nouvelle adresse de livraison", wrote, "Bonjour,\n\nJe vous signale que notre atelier déménage au 4 rue des Forges à partir du 2 novembre : pensez à changer l'adresse de livraison.\n\nPaul", false), false); err != nil {
				t.Fatal(err)
			}
			written = true
		}
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			w.once(day)
			// A short mail the model reads without confidence raises an
			// "unsure" flag that holds the chasing until the owner has
			// looked: the owner reads it and lets the chasing go on.
			for _, f := range openFlags(t, w, string(domain.FlagUnsure)) {
				if _, errOut, code := relanceAt(day.Add(time.Minute), "flags", "resolve", strconv.FormatInt(f.ID, 10), "--then", "resume", "--note", "déménagement, rien sur la facture"); code != 0 {
					t.Fatalf("resolve the unsure flag: exit %d %q", code, errOut)
				}
			}
			for addr := range heldByClient(t, w) {
				if _, ok := firstBack[addr]; !ok {
					firstBack[addr] = day
				}
			}
		}
		if day.Before(time.Date(2026, 10, 5, 0, 0, 0, 0, paris)) {
			day = day.AddDate(0, 0, 1)
		} else {
			day = day.AddDate(0, 0, 7) // then every Monday, to see that "never" holds
		}
	}
	if got := firstBack["lea@studiokuma.fr"]; got.IsZero() || got.Before(time.Date(2026, 10, 1, 0, 0, 0, 0, paris)) ||
		got.After(time.Date(2026, 10, 1, 23, 59, 0, 0, paris)) {
		t.Errorf("cancelled until 1 October: a new draft on %v, want on 1 October", got)
	}
	if got, ok := firstBack["olivier@cave-saintjean.fr"]; ok {
		t.Errorf("cancelled for ever: a new draft on %v", got)
	}
	if got := firstBack["paul@garage-martin.fr"]; got.IsZero() || got.Before(time.Date(2026, 10, 12, 0, 0, 0, 0, paris)) {
		t.Errorf("cancelled until the client writes (12 October): a new draft on %v, want one after that day\n%s", got,
			w.Relance("invoices", "show", "F-2026-0503")+w.Relance("flags", "--json"))
	}
	if n := len(w.sentMessages()); n != 0 {
		t.Errorf("%d messages sent, none approved", n)
	}
	// The decision is shown on the invoice.
	st := openStore(t, w)
	inv, err := st.InvoiceByNumber(context.Background(), "F-2026-0502")
	if err != nil {
		t.Fatal(err)
	}
	q, err := st.InvoiceQuiet(context.Background(), inv.ID)
	if err != nil || q.Kind != "never" || q.Reason != "vu avec le client" {
		t.Fatalf("stored decision: %+v %v", q, err)
	}
	out := w.Relance("invoices", "show", "F-2026-0502")
	if !strings.Contains(out, "never") {
		t.Errorf("invoices show does not say the invoice is never chased again:\n%s", out)
	}
}

// Two installations on one mailbox number their drafts alike. Neither
// adopts the other's draft as an edit of its own (the formal notice
// replaced by another client's text), a copy of our own that now goes to
// someone else is left alone and reported, and each reminder goes to its
// own client with its own text.
func TestForeignOrMismatchedDraftIsNeverAdopted(t *testing.T) {
	w := newWorld(t)
	seedClients(t, w, [2]string{"Studio Kuma", "lea@studiokuma.fr"}, [2]string{"Cave Saint-Jean", "olivier@cave-saintjean.fr"})
	dir := t.TempDir()
	policyFor := func(name, excluded string) string {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte(`{"clients": {"`+excluded+`": {"excluded": true}}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Installation one chases Studio Kuma, installation two Cave Saint-Jean.
	one := struct{ db, policy string }{w.DB, policyFor("one", "olivier@cave-saintjean.fr")}
	two := struct{ db, policy string }{filepath.Join(dir, "two.db"), policyFor("two", "lea@studiokuma.fr")}
	as := func(inst struct{ db, policy string }) {
		w.DB = inst.db
		t.Setenv("RELANCE_DB", inst.db)
		t.Setenv("RELANCE_POLICY_FILE", inst.policy)
	}
	evening := time.Date(2026, 9, 14, 18, 0, 0, 0, paris)
	as(one)
	w.once(evening)
	as(two)
	w.once(evening.Add(5 * time.Minute))
	as(one)
	w.once(evening.Add(10 * time.Minute))
	oneHeld, twoHeld := heldByClient(t, w), map[string]store.Draft{}
	as(two)
	w.once(evening.Add(15 * time.Minute))
	twoHeld = heldByClient(t, w)
	kuma, cave := oneHeld["lea@studiokuma.fr"], twoHeld["olivier@cave-saintjean.fr"]
	if len(oneHeld) != 1 || len(twoHeld) != 1 || kuma.ID != cave.ID {
		t.Fatalf("want one draft each with the same number: %+v / %+v", oneHeld, twoHeld)
	}

	// The owner saves, in installation one's draft, a text meant for
	// another client (recipients changed): it is ours but does not match.
	as(one)
	st, err := store.Open(context.Background(), one.db)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := st.InstallationKey(context.Background())
	st.Close()
	raw := fmt.Sprintf("From: %s\r\nTo: paul@garage-martin.fr\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <mismatch@atelier.test>\r\n"+
		"X-Relance-Draft: %d\r\nX-Relance-Installation: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour Paul, texte pour un autre client.\r\n",
		"Atelier Test <factures@atelier.test>", kuma.Subject, evening.Add(20*time.Minute).Format(time.RFC1123Z), kuma.ID, key)
	if _, err := w.imapClient().Append(context.Background(), mailbox.RoleDrafts, []byte(raw), []string{`\Draft`, `\Flagged`}, evening); err != nil {
		t.Fatal(err)
	}
	w.once(evening.Add(25 * time.Minute))
	as(two)
	w.once(evening.Add(30 * time.Minute))

	check := func(inst struct{ db, policy string }, d store.Draft, to, number string) {
		t.Helper()
		st, err := store.Open(context.Background(), inst.db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		got, err := st.DraftDetail(context.Background(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Body != d.Body || got.Subject != d.Subject || got.To[0] != to || !strings.Contains(got.Subject+got.Body, number) {
			t.Errorf("draft %d of %s was changed: to %v, subject %q\n%s", d.ID, inst.db, got.To, got.Subject, got.Body)
		}
		if got.Status != domain.DraftHeld && got.Status != domain.DraftApproved {
			t.Errorf("draft %d of %s is %s", d.ID, inst.db, got.Status)
		}
	}
	check(one, kuma, "lea@studiokuma.fr", "F-2026-0501")
	check(two, cave, "olivier@cave-saintjean.fr", "F-2026-0502")
	events := func(inst struct{ db, policy string }, kind string) int {
		st, err := store.Open(context.Background(), inst.db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		all, err := st.Events(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range all {
			if string(e.Kind) == kind {
				n++
			}
		}
		return n
	}
	if events(one, "draft_foreign") == 0 || events(two, "draft_foreign") == 0 {
		t.Errorf("the other installation's draft is not reported: one %d, two %d", events(one, "draft_foreign"), events(two, "draft_foreign"))
	}
	if events(one, "draft_edit_refused") != 1 {
		t.Errorf("the mismatched edit is not reported once: %d", events(one, "draft_edit_refused"))
	}

	// Approved the next morning, each goes to its own client with its own text.
	tuesday := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)
	for _, x := range []struct {
		inst struct{ db, policy string }
		id   int64
	}{{one, kuma.ID}, {two, cave.ID}} {
		as(x.inst)
		if _, errOut, code := relanceAt(tuesday, "drafts", "approve", strconv.FormatInt(x.id, 10)); code != 0 {
			t.Fatalf("approve: %s", errOut)
		}
		w.once(tuesday)
	}
	msgs := w.sentMessages()
	if len(msgs) != 2 {
		t.Fatalf("sent %d messages, want 2: %+v", len(msgs), msgs)
	}
	for _, m := range w.Sink.Messages() {
		body := decodeQP(string(m.Data))
		to := strings.ToLower(m.To[0])
		switch {
		case to == "lea@studiokuma.fr" && strings.Contains(body, "F-2026-0501") && !strings.Contains(body, "F-2026-0502"):
		case to == "olivier@cave-saintjean.fr" && strings.Contains(body, "F-2026-0502") && !strings.Contains(body, "F-2026-0501"):
		default:
			t.Errorf("a reminder to %s carries the wrong text:\n%s", to, body)
		}
		if strings.Contains(body, "texte pour un autre client") {
			t.Errorf("the mismatched edit was sent to %s", to)
		}
	}
}

// A reminder carries the invoice's own PDF, taken from the mail it was sent
// with; RELANCE_ATTACH_INVOICE=false turns it off.
func TestReminderCarriesTheInvoicePDF(t *testing.T) {
	w := newWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	pdfs := map[string][]byte{}
	for i, c := range [][3]string{{"lea@studiokuma.fr", "F-2026-0601", "Studio Kuma"}, {"olivier@cave-saintjean.fr", "F-2026-0602", "Cave Saint-Jean"}} {
		pdf := pdfDoc(t, []string{"Atelier Test", "Facture " + c[1], "Montant TTC : 720,00 EUR"})
		pdfs[c[0]] = pdf
		body := fmt.Sprintf("Bonjour,\n\nVeuillez trouver ci-joint la facture n° %s du 03/08/2026, d'un montant de 720,00 € TTC.\n\nDate d'échéance : 02/09/2026\n\nCordialement,\nAtelier Test\n", c[1])
		raw := linkMail(fmt.Sprintf("pdf-%d@atelier.test", i), "Atelier Test <factures@atelier.test>", c[2]+" <"+c[0]+">", "Facture "+c[1]+" - Atelier Test",
			issued, body, mailPart{name: "conditions-generales.pdf", ctype: "application/pdf", data: pdfDoc(t, []string{"Conditions générales de vente"})},
			mailPart{name: "Facture-" + c[1] + ".pdf", ctype: "application/pdf", data: pdf})
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
	}
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	held := heldByClient(t, w)
	if len(held) != 2 {
		t.Fatalf("held: %d", len(held))
	}
	// The copy in Drafts carries the PDF, as the reminder will.
	if copyAtts := draftCopyAttachments(t, w, held["lea@studiokuma.fr"].MessageID); !bytes.Equal(copyAtts["Facture-F-2026-0601.pdf"], pdfs["lea@studiokuma.fr"]) {
		t.Errorf("the Drafts copy carries %v, want the invoice's PDF", keysOf(copyAtts))
	}
	tuesday := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)
	relanceAt(tuesday, "drafts", "approve", strconv.FormatInt(held["lea@studiokuma.fr"].ID, 10))
	w.once(tuesday)
	t.Setenv("RELANCE_ATTACH_INVOICE", "false")
	relanceAt(tuesday, "drafts", "approve", strconv.FormatInt(held["olivier@cave-saintjean.fr"].ID, 10))
	w.once(tuesday.Add(time.Minute))

	got := map[string]map[string][]byte{}
	for _, m := range w.Sink.Messages() {
		got[strings.ToLower(m.To[0])] = attachmentsOf(t, m.Data)
	}
	kuma := got["lea@studiokuma.fr"]
	if len(kuma) != 1 || !bytes.Equal(kuma["Facture-F-2026-0601.pdf"], pdfs["lea@studiokuma.fr"]) {
		t.Errorf("the reminder to Studio Kuma carries %v, want exactly its invoice's PDF", keysOf(kuma))
	}
	if cave, ok := got["olivier@cave-saintjean.fr"]; !ok || len(cave) != 0 {
		t.Errorf("with RELANCE_ATTACH_INVOICE=false: sent %v, attachments %v", ok, keysOf(cave))
	}
}

// attachmentsOf returns a sent message's attachments by file name.
func attachmentsOf(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		ct, params, err := mime.ParseMediaType(mail.Header(h).Get("Content-Type"))
		if err != nil {
			return
		}
		if strings.HasPrefix(ct, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err != nil {
					return
				}
				b, _ := io.ReadAll(p)
				walk(p.Header, bytes.NewReader(b))
			}
		}
		_, dp, err := mime.ParseMediaType(mail.Header(h).Get("Content-Disposition"))
		if err != nil || dp["filename"] == "" {
			return
		}
		b, _ := io.ReadAll(body)
		if strings.EqualFold(mail.Header(h).Get("Content-Transfer-Encoding"), "base64") {
			dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
			if err != nil {
				t.Fatalf("attachment %s: %v", dp["filename"], err)
			}
			b = dec
		}
		out[dp["filename"]] = b
	}
	walk(msg.Header, msg.Body)
	return out
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// draftCopyAttachments reads the attachments of the copy in Drafts whose
// Message-ID is msgID.
func draftCopyAttachments(t *testing.T, w *env, msgID string) map[string][]byte {
	t.Helper()
	dir := w.IMAP.Maildir("Drafts")
	for _, sub := range []string{"cur", "new"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			if err == nil && bytes.Contains(b, []byte("<"+msgID+">")) {
				return attachmentsOf(t, b)
			}
		}
	}
	t.Fatalf("no copy of %s in Drafts", msgID)
	return nil
}
