package e2e

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// ladderPolicy is the default ladder with its repeat turned on: the formal
// notice again 15 and 30 days after the hand-off, then nothing more.
const ladderPolicy = `{"ladders": {"standard": {"stages": [
	{"name": "courtesy", "kind": "message", "offset_days": -3, "enabled": false},
	{"name": "friendly", "kind": "message", "offset_days": 7},
	{"name": "second", "kind": "message", "offset_days": 21, "offer_payment_plan": true},
	{"name": "call", "kind": "call_task", "offset_days": 30},
	{"name": "formal_notice", "kind": "formal_notice", "offset_days": 45},
	{"name": "professional", "kind": "hand_off", "offset_days": 60}],
	"repeat": {"every_days": 15, "times": 2}}}}`

const ladderIBAN = "FR76 1780 6003 2104 1239 8765 495"

// invoiceMailWithPDF is invoiceMail with the invoice's PDF attached.
func invoiceMailWithPDF(n int, client, email string, issued, due time.Time, amount string) []byte {
	return invoiceMailWithPDFIn(n, client, email, issued, due, amount, false)
}

// invoiceMailWithPDFIn is invoiceMailWithPDF in French or in English.
func invoiceMailWithPDFIn(n int, client, email string, issued, due time.Time, amount string, english bool) []byte {
	plain := string(invoiceMail(n, client, email, issued, due, amount, english))
	head, body, _ := strings.Cut(plain, "\r\n\r\n")
	var h []string
	for _, l := range strings.Split(head, "\r\n") {
		if !strings.HasPrefix(l, "Content-Type:") && !strings.HasPrefix(l, "Content-Transfer-Encoding:") {
			h = append(h, l)
		}
	}
	pdf := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%%PDF-1.4\n%% facture F-2026-%04d\n%%%%EOF\n", 500+n)))
	var b strings.Builder
	b.WriteString(strings.Join(h, "\r\n"))
	b.WriteString("\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(body)
	fmt.Fprintf(&b, "\r\n--b1\r\nContent-Type: application/pdf; name=\"F-2026-%04d.pdf\"\r\nContent-Disposition: attachment; filename=\"F-2026-%04d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n", 500+n, 500+n, pdf)
	return []byte(b.String())
}

// TestEveryPathMovesOn drives five clients through 110 days on Dovecot with
// the SMTP sink, one pass each working morning, every draft approved (the
// answer to a question after a few days), and checks that nothing stalls:
//   - a silent client goes past the call step, whose task is never closed,
//     to the formal notice on its date, then the hand-off, then exactly two
//     repeats of the formal notice, and nothing after;
//   - a client who breaks its promise gets the next stage, which refers to
//     the promise;
//   - a client who asks for the RIB gets an answer draft with the IBAN and
//     no reminder until it is answered; the next reminder's clock restarts
//     from the answer;
//   - a client who asks for a copy gets the invoice's PDF from Sent;
//   - a call whose outcome is a promise pauses the ladder until the promise
//     breaks, and the formal notice then refers to it.
func TestEveryPathMovesOn(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newLadderWorld(t)
	ctx := w.ctx

	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	due := time.Date(2026, 9, 2, 0, 0, 0, 0, paris) // a Wednesday
	type cl struct {
		name, email string
		n           int
	}
	silent := cl{"Studio Kuma", "lea@studiokuma.test", 1}
	promiser := cl{"Fromagerie Vial", "vial@fromagerie.test", 2}
	ribAsker := cl{"Librairie La Virgule", "contact@lavirgule.test", 3}
	copyAsker := cl{"Cave Saint-Jean", "olivier@cave-saintjean.test", 4}
	caller := cl{"Garage Ferrand", "garage@ferrand.test", 5}
	all := []cl{silent, promiser, ribAsker, copyAsker, caller}
	for _, c := range all {
		raw := invoiceMail(c.n, c.name, c.email, issued, due, fmt.Sprintf("%d.00", 900+c.n), false)
		if c == copyAsker {
			raw = invoiceMailWithPDF(c.n, c.name, c.email, issued, due, fmt.Sprintf("%d.00", 900+c.n))
		}
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
	}
	number := func(c cl) string { return fmt.Sprintf("F-2026-%04d", 500+c.n) }
	openStore := w.openStore
	day := civilDay

	replied := map[string]bool{}
	var promisedBy time.Time      // the promiser's promised date
	var callPromise time.Time     // the date the caller promised on the phone
	var answerHeldSince time.Time // when the RIB answer was first seen held
	var answerApproved time.Time  // when the owner approved it
	var questionAsked time.Time   // when the RIB question arrived
	var copyAnswered bool         // the copy answer was approved
	callLogged := false

	end := due.AddDate(0, 0, 110)
	for d := due.AddDate(0, 0, 1); d.Before(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		morning := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, paris)
		// Clients answer their first reminder the next morning.
		for _, s := range w.sentMessages() {
			for _, c := range []cl{promiser, ribAsker, copyAsker} {
				if s.To != c.email || replied[c.email] {
					continue
				}
				replied[c.email] = true
				var body string
				switch c {
				case promiser:
					promisedBy = day(morning).AddDate(0, 0, 5)
					body = "Bonjour,\r\n\r\nDésolé pour le retard, je ferai le virement le " + promisedBy.Format("02/01/2006") + ".\r\n\r\nCordialement"
				case ribAsker:
					questionAsked = morning
					body = "Bonjour,\r\n\r\nPourriez-vous me renvoyer votre RIB ? Je ne le retrouve pas.\r\n\r\nMerci"
				case copyAsker:
					body = "Bonjour,\r\n\r\nPourriez-vous m'envoyer une copie de la facture ? Nous ne l'avons jamais reçue.\r\n\r\nMerci"
				}
				raw := replyMail(fmt.Sprintf("reply-%d@client.test", c.n), c.email, c.name, s.MessageID, "Re: "+s.Subject, morning, body, false)
				if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
					t.Fatal(err)
				}
			}
		}

		w.once(time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, paris))

		st := openStore()
		// The caller's call: the owner phones and logs a promise a week ahead.
		if !callLogged {
			flags, err := st.Flags(ctx, domain.FlagOpen)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range flags {
				if f.Kind == "call" && f.InvoiceNum == number(caller) {
					callPromise = day(d).AddDate(0, 0, 7)
					w.Relance("flags", "outcome", strconv.FormatInt(f.ID, 10), "--outcome", "promise",
						"--promise-date", callPromise.Format(time.DateOnly), "--note", "virement la semaine prochaine")
					callLogged = true
				}
			}
		}
		held, err := st.Drafts(ctx, domain.DraftHeld)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		for _, dr := range held {
			if dr.Stage == "answer" && dr.To[0] == ribAsker.email {
				// The owner rereads the answer two weeks later, past the date
				// the second reminder would have had.
				if answerHeldSince.IsZero() {
					answerHeldSince = d
				}
				if d.Sub(answerHeldSince) < 14*24*time.Hour {
					continue
				}
				answerApproved = d
			}
			if dr.Stage == "answer" && dr.To[0] == copyAsker.email {
				copyAnswered = true
			}
			w.Relance("drafts", "approve", strconv.FormatInt(dr.ID, 10))
		}
	}

	st := openStore()
	defer st.Close()
	sentTo := w.sentByRecipient()
	stages := func(c cl) []string {
		var out []string
		for _, s := range sentTo[c.email] {
			out = append(out, s.Stage)
		}
		return out
	}
	for _, c := range all {
		var lines []string
		for _, s := range sentTo[c.email] {
			lines = append(lines, s.at.In(paris).Format("01-02")+" "+s.Stage)
		}
		t.Logf("%s: %s", c.name, strings.Join(lines, ", "))
	}
	flagsOf := func(c cl, kind string) []store.Flag { return w.flags(number(c), kind) }

	// The silent client: past the open call task on schedule, the hand-off,
	// two repeats, then nothing.
	if got, want := strings.Join(stages(silent), " "), "friendly second formal_notice formal_notice formal_notice"; got != want {
		t.Errorf("silent client got %q, want %q", got, want)
	} else {
		sd := sentTo[silent.email]
		for i, min := range []int{45, 75, 90} {
			at := sd[2+i].at
			if at.Before(due.AddDate(0, 0, min)) || at.After(due.AddDate(0, 0, min+7)) {
				t.Errorf("silent client's formal notice %d sent %s, want within a week of due+%d", i, at.In(paris), min)
			}
		}
		notes := sd[2].Context
		if !slices.ContainsFunc(notes, func(n store.DraftNote) bool { return n.Code == store.NoteOpenCall }) {
			t.Errorf("formal notice after an open call has no note of it: %+v", notes)
		}
	}
	if calls := flagsOf(silent, "call"); len(calls) != 1 || calls[0].Status == domain.FlagResolved {
		t.Errorf("silent client's call task: %+v", calls)
	}
	if len(flagsOf(silent, "hand_off")) != 1 {
		t.Error("silent client has no hand-off task")
	}

	// The broken promise: the next stage, referring to the promise.
	if promisedBy.IsZero() {
		t.Fatal("the promiser never answered")
	}
	ps := sentTo[promiser.email]
	if len(ps) < 2 || ps[1].Stage != "second" {
		t.Fatalf("promiser got %v", stages(promiser))
	}
	if !ps[1].at.After(promisedBy) || !strings.Contains(ps[1].Body, "Vous m'aviez indiqué un règlement pour le") {
		t.Errorf("second reminder after the broken promise (%s) sent %s:\n%s", promisedBy.Format(time.DateOnly), ps[1].at.In(paris), ps[1].Body)
	}
	if !slices.ContainsFunc(ps[1].Context, func(n store.DraftNote) bool { return n.Code == store.NotePromiseBroken }) {
		t.Errorf("second reminder after a broken promise has no note of it: %+v", ps[1].Context)
	}
	if len(flagsOf(promiser, "broken_promise")) == 0 {
		t.Error("no broken_promise flag for the promiser")
	}
	if got := stages(promiser); !slices.Contains(got, "formal_notice") {
		t.Errorf("the promiser's ladder stalled: %v", got)
	}

	// The RIB request: an answer with the IBAN, no reminder until it went,
	// and the next reminder 14 days after it.
	rs := sentTo[ribAsker.email]
	ai := slices.IndexFunc(rs, func(s sentDraft) bool { return s.Stage == "answer" })
	if ai < 0 {
		t.Fatalf("no answer sent to the RIB request: %v", stages(ribAsker))
	}
	answer := rs[ai]
	if !strings.Contains(answer.Body, "IBAN\u00a0: "+ladderIBAN) || answer.InReplyTo != fmt.Sprintf("reply-%d@client.test", ribAsker.n) {
		t.Errorf("answer to the RIB request (in reply to %q):\n%s", answer.InReplyTo, answer.Body)
	}
	if answer.at.Before(answerApproved) {
		t.Errorf("answer sent %s before its approval %s", answer.at, answerApproved)
	}
	drafts, err := st.Drafts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, dr := range drafts {
		if dr.To[0] == ribAsker.email && dr.Stage != "answer" && dr.CreatedAt.After(questionAsked) && dr.CreatedAt.Before(answer.at) {
			t.Errorf("reminder %s drafted %s while the question was unanswered", dr.Stage, dr.CreatedAt.In(paris))
		}
	}
	if ai+1 >= len(rs) {
		t.Fatalf("no reminder after the answer: %v", stages(ribAsker))
	}
	if next := rs[ai+1]; next.Stage != "second" || next.at.Before(day(answer.at).AddDate(0, 0, 14)) {
		t.Errorf("after the answer of %s came %s on %s; want the second reminder 14 days after the answer", answer.at.In(paris), next.Stage, next.at.In(paris))
	}
	if q := flagsOf(ribAsker, "info_request"); len(q) != 1 || q[0].Status != domain.FlagResolved {
		t.Errorf("RIB question task: %+v", q)
	}

	// The copy request: the invoice's own PDF, attached again from Sent.
	if !copyAnswered {
		t.Fatal("no answer drafted to the copy request")
	}
	var copyRaw string
	for _, m := range w.Sink.Messages() {
		// The formal notice carries a PDF letter of its own: look for the
		// invoice's.
		if len(m.To) > 0 && strings.EqualFold(m.To[0], copyAsker.email) && strings.Contains(string(m.Data), "F-2026-0504.pdf") {
			copyRaw = string(m.Data)
		}
	}
	if !strings.Contains(copyRaw, "F-2026-0504.pdf") {
		t.Errorf("the copy answer does not attach the invoice's PDF")
	}

	// The call whose outcome was a promise: nothing until it broke, then
	// the formal notice referring to it.
	if !callLogged {
		t.Fatal("the caller's call task never came")
	}
	cs := sentTo[caller.email]
	// The promise made on the phone was confirmed in writing, in the
	// invoice's thread, before anything else went.
	ci := slices.IndexFunc(cs, func(s sentDraft) bool { return s.Stage == "promise_confirmation" })
	if ci < 0 || !strings.Contains(cs[ci].Body, "nous parviendra au plus tard le "+text.FormatDate("fr", callPromise)) {
		t.Errorf("no written confirmation of the promise of %s among %v", callPromise.Format(time.DateOnly), stages(caller))
	}
	fi := slices.IndexFunc(cs, func(s sentDraft) bool { return s.Stage == "formal_notice" })
	if fi < 0 {
		t.Fatalf("caller got %v", stages(caller))
	}
	if cs[fi].at.Before(callPromise) || !strings.Contains(cs[fi].Body, "malgré votre engagement de régler le") {
		t.Errorf("formal notice after the promise of %s sent %s:\n%s", callPromise.Format(time.DateOnly), cs[fi].at.In(paris), cs[fi].Body)
	}
}
