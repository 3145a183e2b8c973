package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// What a reply of the issue-15 mailbox says, by the mailbox's own
// definition (its body), not by relance's reading of it.
const (
	saysClaimed  = "claimed payment"   // "c'est réglé", "virement parti", "j'ai payé"
	saysPartial  = "claimed a part"    // 100 € of a larger balance: a human confirms first
	saysDisputes = "disputed"          // "je conteste"
	saysTriage   = "in triage"         // fits two open invoices equally
	saysLate     = "promised later"    // a date after the end of the run
	saysPromise  = "promised"          // a date inside the run: chasing may resume after it
	saysQuestion = "asked a question"  // RIB, bank details
	saysNeutral  = "wrote"             // thanks, acknowledgment, a colleague taking over
	saysNothing  = "nobody's"          // a stranger, a newsletter
	neverWrote   = "silent"            // no reply at all
	ownReminder  = "reminded by hand"  // the owner's own reminder already went
	wroteLate    = "replied after one" // the reply came after a reminder was sent
)

// forbids tells the replies after which no reminder may name the invoice
// (until a human acts, which this run never does).
func forbids(kind string) bool {
	switch kind {
	case saysClaimed, saysPartial, saysDisputes, saysTriage, saysLate:
		return true
	}
	return false
}

func replyKind(t *testing.T, r linkReply) string {
	t.Helper()
	if strings.HasPrefix(r.want, "triage:") {
		return saysTriage
	}
	if r.want == "none" {
		return saysNothing
	}
	b := r.body
	switch {
	case strings.Contains(b, "Je conteste"):
		return saysDisputes
	case strings.Contains(b, "virement de 100,00 €"):
		return saysPartial
	case strings.Contains(b, "C'est réglé"), strings.Contains(b, "Payment was sent"), strings.Contains(b, "J'ai payé"),
		strings.Contains(b, "Nous avons viré"), strings.Contains(b, "est parti ce matin"), strings.Contains(b, "Nous avons réglé ce jour le solde"):
		return saysClaimed
	case strings.Contains(b, "30 novembre"):
		return saysLate
	case strings.Contains(b, "sera réglée vendredi"), strings.Contains(b, "part en paiement cette semaine"), strings.Contains(b, "je m'en occupe cette semaine"):
		return saysPromise
	case strings.Contains(b, "RIB"), strings.Contains(b, "coordonnées bancaires"):
		return saysQuestion
	case strings.Contains(b, "Bien reçu"), strings.Contains(b, "Merci pour l'avoir"), strings.Contains(b, "Je reprends le dossier"):
		return saysNeutral
	}
	t.Fatalf("reply %s: the week's oracle does not know what %q says", r.tag, b)
	return ""
}

// TestLinksWeek runs relance twice a business day over the issue-15 mailbox
// from Monday 9 to Friday 27 November 2026 (the invoices fall due on 4
// November, so the friendly reminder is due on the 11th, a holiday, and the
// second on the 25th), with the replies arriving in three waves: before any
// reminder is due, between the approval of the first drafts and their
// sending, and after the first reminders went. The owner approves every
// draft each evening, unread, half by flagging it in the mail client and
// half from the command line. An oracle written per invoice from the mailbox's own
// definition checks every reminder that reached the SMTP sink: to the
// invoice's client only, never to a client who claimed payment (in whole or
// part), disputed, promised a date after the run or is in triage, never
// while a question about the invoice has no answer, never after the client
// wrote since the draft was made, never a friendly one after the owner's
// own reminder; and the invoices nobody answered were chased. Answers to
// the clients' questions are not reminders and are checked by their own
// rule: to the client, only while the question is open and the invoice
// still to be paid (not claimed paid, in whole or part, nor disputed), and
// never after the client wrote since the answer was made.
func TestLinksWeek(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newWorld(t)
	ctx := context.Background()
	docs, reps := linkMailbox(t)
	for _, d := range docs {
		if err := w.IMAP.Deliver("Sent", d.raw, true); err != nil {
			t.Fatal(err)
		}
	}

	// The oracle: each invoice, its client, and the replies about it.
	clientOf := map[string]string{} // invoice number → client address
	var numbers []string
	manual := map[string]bool{}
	for _, d := range docs {
		if d.kind == "invoice" {
			clientOf[d.number] = d.client
			numbers = append(numbers, d.number)
		}
		if d.rejected == "own_reminder" {
			manual[d.number] = true
		}
	}
	notClients := map[string]bool{}
	for _, d := range docs {
		if d.kind != "rejected" {
			continue
		}
		msg, err := mail.ReadMessage(bytes.NewReader(d.raw))
		if err != nil {
			t.Fatal(err)
		}
		to, _ := mail.ParseAddress(msg.Header.Get("To"))
		if to != nil && !isClient(clientOf, to.Address) {
			notClients[strings.ToLower(to.Address)] = true
		}
	}
	waves := []time.Time{
		time.Date(2026, 11, 10, 8, 0, 0, 0, paris), // before any reminder is due
		time.Date(2026, 11, 13, 8, 0, 0, 0, paris), // after the first drafts were approved, before they go
		time.Date(2026, 11, 17, 8, 0, 0, 0, paris), // after the first reminders went
	}
	arrival := make([]time.Time, len(reps))
	kind := make([]string, len(reps))
	about := map[string][]int{} // invoice number → replies about it (by the mailbox's definition)
	ofClient := map[string][]int{}
	for i, r := range reps {
		arrival[i] = waves[i%len(waves)].Add(time.Duration(i) * time.Minute)
		kind[i] = replyKind(t, r)
		if !isClient(clientOf, r.from) {
			notClients[strings.ToLower(r.from)] = true
		}
		switch {
		case r.want == "none":
		case strings.HasPrefix(r.want, "triage:"):
			c := strings.TrimPrefix(r.want, "triage:")
			ofClient[c] = append(ofClient[c], i)
			for _, n := range numbers {
				if clientOf[n] == c {
					about[n] = append(about[n], i)
				}
			}
		default:
			about[r.want] = append(about[r.want], i)
			ofClient[clientOf[r.want]] = append(ofClient[clientOf[r.want]], i)
		}
	}
	for _, c := range clientOf {
		delete(notClients, c)
	}

	// The run.
	cal := policy.NewCalendar(paris, policy.FrenchHolidays()...)
	first := time.Date(2026, 11, 9, 0, 0, 0, 0, paris)
	last := time.Date(2026, 11, 27, 0, 0, 0, 0, paris)
	passes := 0
	approvedVia := map[string]int{}
	imapc := w.imapClient()
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		if !cal.IsBusinessDay(day) {
			continue
		}
		for i, r := range reps {
			if y, m, d := arrival[i].Date(); y != day.Year() || m != day.Month() || d != day.Day() {
				continue
			}
			raw := replyMail(fmt.Sprintf("week-%s@client.example", strings.ToLower(r.tag)), r.from, r.name, r.inReplyTo, "["+r.tag+"] "+r.subject,
				arrival[i], r.body, false)
			if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
				t.Fatal(err)
			}
		}
		for _, hm := range [][2]int{{9, 30}, {18, 0}} {
			w.once(time.Date(day.Year(), day.Month(), day.Day(), hm[0], hm[1], 0, 0, paris))
			passes++
		}
		// The owner approves every draft held, whatever it says.
		st, err := store.Open(ctx, w.DB)
		if err != nil {
			t.Fatal(err)
		}
		held, err := st.Drafts(ctx, domain.DraftHeld)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range held {
			// Half from the mail client (\Flagged on the Drafts copy), half
			// from the command line.
			if d.ID%2 == 0 && d.IMAPUID != 0 {
				if err := imapc.SetFlag(ctx, mailbox.RoleDrafts, d.IMAPUID, `\Flagged`, true); err != nil {
					t.Fatalf("flag draft %d in IMAP: %v", d.ID, err)
				}
				approvedVia["imap"]++
				continue
			}
			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
			approvedVia["cli"]++
		}
	}

	// Every mail that reached the sink, against the oracle: reminders, and
	// answers to the clients' questions, each by its own rule.
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type sentMail struct {
		d      store.Draft
		to     []string
		sentAt time.Time
		msgID  string
		text   string
	}
	var sent []sentMail
	for _, m := range w.Sink.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("sink holds an unparseable message: %v", err)
		}
		sentAt, _ := msg.Header.Date()
		msgID := strings.Trim(msg.Header.Get("Message-Id"), "<>")
		var body bytes.Buffer
		_, _ = body.ReadFrom(msg.Body)
		d, err := st.DraftByMessageID(ctx, msgID)
		if err != nil {
			t.Errorf("sent message %s to %v has no draft: %v", msgID, m.To, err)
			continue
		}
		sent = append(sent, sentMail{d: d, to: m.To, sentAt: sentAt, msgID: msgID, text: decodeQP(body.String())})
	}
	// An answer to a question, and an answer to the objection a reply
	// raised (that reply may also have asked a question).
	isAnswer := func(d store.Draft) bool {
		return d.Stage == string(domain.KindAnswer) && d.Objection == domain.NoObjection
	}
	answersObjection := func(d store.Draft) bool {
		return d.Stage == string(domain.KindAnswer) && d.Objection != domain.NoObjection
	}
	answeredAt := map[string][]time.Time{} // invoice number → when an answer naming it went
	for _, m := range sent {
		if isAnswer(m.d) || answersObjection(m.d) {
			for _, n := range m.d.InvoiceNumbers {
				answeredAt[n] = append(answeredAt[n], m.sentAt)
			}
		}
	}
	// openQuestion tells whether a question about n, asked before t, had no
	// answer sent between it and t.
	openQuestion := func(n string, t time.Time) bool {
		for _, i := range about[n] {
			if kind[i] != saysQuestion || !arrival[i].Before(t) {
				continue
			}
			answered := false
			for _, a := range answeredAt[n] {
				if !a.Before(arrival[i]) && a.Before(t) {
					answered = true
				}
			}
			if !answered {
				return true
			}
		}
		return false
	}
	chasedAt := map[string][]time.Time{} // invoice number → when a reminder naming it went
	stagesOf := map[string][]string{}
	var afterQuestion []string
	stages := map[string]int{}
	sentCount, answers, objectionAnswers := 0, 0, map[string]int{}
	for _, m := range sent {
		d, sentAt, msgID := m.d, m.sentAt, m.msgID
		answer, objection := isAnswer(d), answersObjection(d)
		what := d.Stage + " reminder"
		switch {
		case answer:
			what = "answer"
			answers++
		case objection:
			what = "answer to the objection " + string(d.Objection)
			objectionAnswers[string(d.Objection)]++
		default:
			sentCount++
			stages[d.Stage]++
		}
		for _, rcpt := range m.to {
			if notClients[strings.ToLower(rcpt)] {
				t.Errorf("%s %s went to %s, who is not a client", what, msgID, rcpt)
			}
		}
		if len(d.InvoiceNumbers) == 0 {
			t.Errorf("%s %s to %v names no invoice", what, msgID, m.to)
		}
		for _, n := range d.InvoiceNumbers {
			c, ok := clientOf[n]
			if !ok {
				t.Errorf("%s %s to %v names %s, which is not one of our invoices", what, msgID, m.to, n)
				continue
			}
			for _, rcpt := range m.to {
				if !strings.EqualFold(rcpt, c) {
					t.Errorf("%s %s for %s went to %s, not to its client %s", what, msgID, n, rcpt, c)
				}
			}
			if objection {
				// The answer to an objection is the next step the reply
				// that raised it asks for: it goes, once a person approved
				// it, even while that reply's dispute holds the ladder.
				if d.ApprovedBy == "" {
					t.Errorf("%s %s for %s went to %s without approval", what, msgID, n, c)
				}
			} else if answer {
				// An answer is not a reminder: it goes only while its
				// question is open and the invoice is still to be paid
				// (not claimed paid, in whole or part, nor disputed).
				if !openQuestion(n, sentAt) {
					t.Errorf("answer %s for %s went to %s on %s, with no open question about it", msgID, n, c, sentAt.In(paris).Format(time.DateTime))
				}
				for _, i := range about[n] {
					switch kind[i] {
					case saysClaimed, saysPartial, saysDisputes:
						if !sentAt.Before(arrival[i]) {
							t.Errorf("answer %s for %s went to %s on %s, after the client %s (%s, %s): %q",
								msgID, n, c, sentAt.In(paris).Format(time.DateTime), kind[i], reps[i].tag, arrival[i].In(paris).Format(time.DateTime), reps[i].body)
						}
					}
				}
			} else {
				chasedAt[n] = append(chasedAt[n], sentAt)
				stagesOf[n] = append(stagesOf[n], d.Stage)
				if openQuestion(n, sentAt) {
					// The design's rule 1: no reminder to a client who asked
					// a question we have not answered.
					afterQuestion = append(afterQuestion, fmt.Sprintf("%s %s %s", n, d.Stage, sentAt.In(paris).Format(time.DateOnly)))
					t.Errorf("%s reminder %s for %s went to %s on %s, while a question about it had no answer", d.Stage, msgID, n, c, sentAt.In(paris).Format(time.DateTime))
				}
				if manual[n] && d.Stage == "friendly" {
					t.Errorf("%s got a friendly reminder on %s after the owner's own reminder", n, sentAt.In(paris).Format(time.DateOnly))
				}
				for _, i := range about[n] {
					if forbids(kind[i]) && !sentAt.Before(arrival[i]) {
						t.Errorf("%s reminder %s for %s went to %s on %s, after the client %s (%s, %s): %q",
							d.Stage, msgID, n, c, sentAt.In(paris).Format(time.DateTime), kind[i], reps[i].tag, arrival[i].In(paris).Format(time.DateTime), reps[i].body)
					}
				}
			}
			for _, i := range ofClient[c] {
				if arrival[i].After(d.CreatedAt) && !sentAt.Before(arrival[i]) {
					t.Errorf("%s %s for %s, drafted %s, went on %s although %s wrote on %s (%s)",
						what, msgID, n, d.CreatedAt.In(paris).Format(time.DateTime), sentAt.In(paris).Format(time.DateTime), c,
						arrival[i].In(paris).Format(time.DateTime), reps[i].tag)
				}
			}
		}
		// The text names no invoice the mail must not chase.
		for _, n := range numbers {
			if !strings.Contains(m.text, n) || containsString(d.InvoiceNumbers, n) {
				continue
			}
			for _, i := range about[n] {
				if forbids(kind[i]) && !sentAt.Before(arrival[i]) {
					t.Errorf("%s %s mentions %s, which the client %s", what, msgID, n, kind[i])
				}
			}
		}
	}

	// What each invoice amounted to, and the ones that had to be chased:
	// nobody at the client wrote before the first reminders could go
	// (13 November, 09:30), and the owner had not reminded by hand.
	firstSend := time.Date(2026, 11, 13, 9, 30, 0, 0, paris)
	withheld := map[string]int{}
	chasedBy := map[string]int{}
	var mustChase []string
	for _, n := range numbers {
		c := clientOf[n]
		why := neverWrote
		if manual[n] {
			why = ownReminder
		}
		early := false
		for _, i := range ofClient[c] {
			if arrival[i].Before(firstSend) {
				early = true
			}
		}
		rank := map[string]int{neverWrote: 0, ownReminder: 1, wroteLate: 2, saysNeutral: 3, saysQuestion: 4, saysPromise: 5,
			saysLate: 6, saysPartial: 7, saysClaimed: 8, saysTriage: 9, saysDisputes: 10}
		for _, i := range about[n] {
			k := kind[i]
			if len(chasedAt[n]) > 0 && chasedAt[n][0].Before(arrival[i]) {
				k = wroteLate
			}
			if rank[k] > rank[why] {
				why = k
			}
		}
		if !early && !manual[n] {
			mustChase = append(mustChase, n)
			if len(chasedAt[n]) == 0 {
				t.Errorf("%s (%s): nobody at the client wrote before %s and no reminder went", n, c, firstSend.In(paris).Format(time.DateTime))
			}
			// A client who never wrote at all goes up the ladder: the
			// friendly reminder, then the second (due on the 25th).
			if len(ofClient[c]) == 0 && strings.Join(stagesOf[n], " ") != "friendly second" {
				t.Errorf("%s (%s) never answered and got %v, want a friendly then a second reminder", n, c, stagesOf[n])
			}
		}
		if len(chasedAt[n]) > 0 {
			chasedBy[why]++
		} else {
			withheld[why]++
		}
	}
	if len(mustChase) < 3 {
		t.Fatalf("the run proves nothing: only %d invoices had to be chased (%v)", len(mustChase), mustChase)
	}
	chased := 0
	for _, n := range numbers {
		if len(chasedAt[n]) > 0 {
			chased++
		}
	}
	events, err := st.Events(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	stopped := map[string]int{} // relance's own reason for each draft it stopped
	cancelled := 0
	for _, e := range events {
		if e.Kind != domain.DraftCancelled.Event() && e.Kind != domain.DraftSuperseded.Event() {
			continue
		}
		var det struct{ Reason string }
		_ = json.Unmarshal(e.Detail, &det)
		if det.Reason == "" {
			det.Reason = strings.TrimPrefix(string(e.Kind), "draft_")
		}
		stopped[det.Reason]++
		cancelled++
	}
	sort.Strings(mustChase)
	if approvedVia["imap"] == 0 || approvedVia["cli"] == 0 {
		t.Errorf("approvals: %v, want some from the mail client and some from the command line", approvedVia)
	}
	if answers == 0 {
		t.Errorf("no answer went, though clients asked for bank details before any reminder")
	}
	t.Logf("week over the issue-15 mailbox: %d passes (9–27 November 2026), drafts approved %s, %d reminder mails sent %s, %d answers to questions and answers to objections %s; %d drafts stopped by relance before sending %s",
		passes, sortedCounts(approvedVia), sentCount, sortedCounts(stages), answers, sortedCounts(objectionAnswers), cancelled, sortedCounts(stopped))
	t.Logf("invoices chased %d/%d: every one of the %d that nobody answered before the first sending (%s); chased before or without a reply, by what the client said later %s",
		chased, len(numbers), len(mustChase), strings.Join(mustChase, " "), sortedCounts(chasedBy))
	t.Logf("invoices never chased, by what the client said: %s", sortedCounts(withheld))
	t.Logf("reminders after a question nobody answered: %d %v; invoices answered: %d", len(afterQuestion), afterQuestion, len(answeredAt))
}

func isClient(clientOf map[string]string, addr string) bool {
	for _, c := range clientOf {
		if strings.EqualFold(c, addr) {
			return true
		}
	}
	return false
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func sortedCounts(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("(")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, m[k])
	}
	b.WriteString(")")
	return b.String()
}
