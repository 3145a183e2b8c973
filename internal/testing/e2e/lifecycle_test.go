package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/internal/store"
)

// A lifecycle step is something a client or the owner does on a given day:
// at 08:00 (before the morning pass), 12:00 (between the passes) or 17:00
// (after both).
type lifeStep struct {
	on, at string
	do     lifeAction
	text   string // a reply's body, an amount, instalments
}

type lifeAction int

const (
	stepReply     lifeAction = iota // the client answers our last message
	stepAutoReply                   // an out-of-office auto-reply to our last message
	stepBounce                      // the client's server returns our last message
	stepPay                         // the owner records a payment (text: amount, empty for all)
	stepImport                      // the owner imports a bank statement (text: its lines)
	stepResolve                     // the owner resolves the dispute and resumes chasing
	stepCallPlan                    // the owner logs the call: a payment plan (text: instalments)
)

// lifeClient is one scripted client and the oracle of what relance does for
// it: "MM-DD what" for every message that leaves (its stage) and every task
// that opens (call, hand_off), in order.
type lifeClient struct {
	name, email string
	n           int
	due         time.Time
	script      []lifeStep
	oracle      []string
}

func (c lifeClient) number() string { return fmt.Sprintf("F-2026-%04d", 500+c.n) }

// lifeHolidays are the French public holidays of the season, by hand.
var lifeHolidays = map[string]bool{"2026-11-01": true, "2026-11-11": true, "2026-12-25": true, "2027-01-01": true}

func lifeBusinessDay(d time.Time) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !lifeHolidays[d.Format(time.DateOnly)]
}

var frMonths = map[string]time.Month{"janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12}

var penaltyPeriod = regexp.MustCompile(`(?m)^- du .* au (.*) \(\d+ jours?\)`)

// frDate writes d as a French letter does: "1er novembre 2026".
func frDate(d time.Time) string {
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	for name, m := range frMonths {
		if m == d.Month() {
			return day + " " + name + " " + strconv.Itoa(d.Year())
		}
	}
	return ""
}

var noticeDeadline = regexp.MustCompile(`au plus tard le (1er|\d{1,2})\s+(\S+)\s+(\d{4})`)

// TestLifecycle120Days follows eleven clients, each with its own story, over 120
// days on Dovecot with the SMTP sink: relance passes twice each weekday
// (09:30 and 15:00), the owner approves every draft after each pass, and an
// oracle written by hand from the documented ladder says, for each client,
// on which day each message leaves and each task opens.
//
// The ladder (ladderPolicy): friendly +7, second +21, call +30, formal notice
// +45, hand-off +60, the formal notice repeated at +75 and +90. A stage is
// drafted at the first pass on or after its day (a stage falling on a weekend
// on the Monday; on a holiday, that day's pass), held until 09:00 the next
// working day, and goes at the first pass in the send window (09:00–12:00,
// working days). Messages keep five working days apart
// and wait two working days after the client wrote. A thank-you follows a
// payment, a written confirmation follows a payment plan.
//
// Invoices fall due on Wednesday 2 September 2026 (one on 16 September, one
// on Sunday 27 September):
// friendly drafted Wed 9/9, sent Thu 9/10; second drafted Wed 9/23, sent
// 9/24; call Fri 10/2; formal notice due Sat 10/17, drafted Mon 10/19, sent
// 10/20; hand-off due Sun 11/1 (a holiday too), opened Mon 11/2; repeats due
// Mon 11/16 and Tue 12/1, sent 11/17 and 12/2.
func TestLifecycle120Days(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newLadderWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	dueA := time.Date(2026, 9, 2, 0, 0, 0, 0, paris)
	dueB := time.Date(2026, 9, 16, 0, 0, 0, 0, paris)
	dueC := time.Date(2026, 9, 27, 0, 0, 0, 0, paris)
	fullLadder := []string{"09-10 friendly", "09-24 second", "10-02 call", "10-20 formal_notice", "11-02 hand_off", "11-17 formal_notice", "12-02 formal_notice"}

	clients := []lifeClient{
		{name: "Studio Kuma", email: "lea@studiokuma.test", n: 11, due: dueA, oracle: fullLadder},
		{name: "Fromagerie Vial", email: "vial@fromagerie.test", n: 12, due: dueA,
			// Promised for 9/16; grace of two working days ends 9/18: the
			// second reminder on its date refers to the broken promise.
			script: []lifeStep{{on: "2026-09-11", at: "08:00", do: stepReply,
				text: "Bonjour,\r\n\r\nDésolé pour le retard, je ferai le virement le 16/09/2026.\r\n\r\nCordialement"}},
			oracle: fullLadder},
		{name: "Librairie La Virgule", email: "contact@lavirgule.test", n: 13, due: dueA,
			// The RIB asked Fri 9/11 is answered (drafted that morning, sent
			// Mon 9/14); paid Fri 9/18, thanked Tue 9/22.
			script: []lifeStep{
				{on: "2026-09-11", at: "08:00", do: stepReply, text: "Bonjour,\r\n\r\nPourriez-vous me renvoyer votre RIB ? Je ne le retrouve pas.\r\n\r\nMerci"},
				{on: "2026-09-18", at: "17:00", do: stepPay}},
			oracle: []string{"09-10 friendly", "09-14 answer", "09-22 thank_you"}},
		{name: "Menuiserie Caron", email: "compta@menuiserie-caron.test", n: 14, due: dueA,
			// Disputed 9/11, resolved Mon 10/5 at noon: the overdue second
			// reminder is drafted that afternoon and sent 10/6; the call,
			// overdue too, waits five working days after it (10/13); the
			// formal notice keeps its own date. The dispute's objection
			// (read as not_received) is answered, approved, on Mon 9/14.
			script: []lifeStep{
				{on: "2026-09-11", at: "08:00", do: stepReply, text: "Bonjour,\r\n\r\nNous contestons cette facture : la prestation n'a jamais été livrée. Nous ne la réglerons pas en l'état.\r\n\r\nCordialement"},
				{on: "2026-10-05", at: "12:00", do: stepResolve}},
			oracle: []string{"09-10 friendly", "09-14 answer", "10-06 second", "10-13 call", "10-20 formal_notice", "11-02 hand_off", "11-17 formal_notice", "12-02 formal_notice"}},
		{name: "Boulangerie Morel", email: "morel@boulangerie.test", n: 15, due: dueA,
			// 300 of 915 paid on 9/15: the ladder goes on for the rest.
			script: []lifeStep{{on: "2026-09-15", at: "17:00", do: stepPay, text: "300.00"}},
			oracle: fullLadder},
		{name: "Cabinet Dufresne", email: "accueil@cabinet-dufresne.test", n: 16, due: dueB,
			// Due 9/16: friendly 9/23→9/24, second 10/7→10/8, call Fri 10/16,
			// formal notice due Sat 10/31, drafted Mon 11/2 (11/1 is a Sunday
			// and a holiday), sent Tue 11/3 with a deadline of 11/11, a
			// holiday, so Thu 11/12; paid Thu 11/5, seen in the bank
			// statement imported Fri 11/6, thanked Tue 11/10.
			script: []lifeStep{{on: "2026-11-06", at: "17:00", do: stepImport,
				text: "05/11/2026;05/11/2026;VIR SEPA RECU /DE CABINET DUFRESNE /MOTIF FACT F-2026-0516;;;916,00\r\n"}},
			oracle: []string{"09-24 friendly", "10-08 second", "10-16 call", "11-03 formal_notice", "11-10 thank_you"}},
		{name: "Hôtel des Pins", email: "direction@hoteldespins.test", n: 17, due: dueA,
			// Away until Mon 9/28: the second reminder, due 9/23, is drafted
			// on the return day and sent 9/29; the call waits five working
			// days after it (10/6).
			script: []lifeStep{{on: "2026-09-10", at: "12:00", do: stepAutoReply,
				text: "Bonjour,\r\n\r\nJe suis absente du 10 au 25 septembre inclus, sans accès à mes e-mails. Je serai de retour le lundi 28 septembre 2026.\r\n\r\nCordialement"}},
			oracle: []string{"09-10 friendly", "09-29 second", "10-06 call", "10-20 formal_notice", "11-02 hand_off", "11-17 formal_notice", "12-02 formal_notice"}},
		{name: "Traiteur Lenoir", email: "contact@traiteur-lenoir.test", n: 18, due: dueA,
			// The address does not exist: nothing more goes to it.
			script: []lifeStep{{on: "2026-09-10", at: "12:00", do: stepBounce}},
			oracle: []string{"09-10 friendly"}},
		{name: "Garage Ferrand", email: "garage@ferrand.test", n: 19, due: dueA,
			// The call of Fri 10/2 agrees a plan in two instalments, both paid
			// on time: the confirmation goes Mon 10/5, the thanks after the
			// last instalment (Fri 11/13) on Tue 11/17.
			script: []lifeStep{
				{on: "2026-10-02", at: "12:00", do: stepCallPlan, text: "2026-10-15:450;2026-11-13:469"},
				{on: "2026-10-14", at: "17:00", do: stepPay, text: "450.00"},
				{on: "2026-11-13", at: "17:00", do: stepPay, text: "469.00"}},
			oracle: []string{"09-10 friendly", "09-24 second", "10-02 call", "10-05 plan_confirmation", "11-17 thank_you"}},
		{name: "Imprimerie Vautrin", email: "p.vautrin@imprimerie-vautrin.test", n: 20, due: dueA,
			// Hostile: nothing more is sent.
			script: []lifeStep{{on: "2026-09-11", at: "08:00", do: stepReply,
				text: "Vos relances incessantes relèvent du harcèlement. Je vous interdis de m'écrire encore, la prochaine fois c'est mon avocat qui vous répondra. Vous êtes des escrocs."}},
			oracle: []string{"09-10 friendly"}},
		{name: "Pépinière Roux", email: "roux@pepiniere.test", n: 21, due: dueC,
			// Silent, due on a Sunday (9/27): friendly due Sun 10/4, sent Tue
			// 10/6; second due Sun 10/18, sent Tue 10/20; call Tue 10/27 (five
			// working days after the second); formal notice due on the
			// 11 November holiday, sent Thu 11/12; hand-off Thu 11/26; repeats
			// due Fri 12/11 (sent Mon 12/14) and Sat 12/26, the day after
			// Christmas (sent Tue 12/29).
			oracle: []string{"10-06 friendly", "10-20 second", "10-27 call", "11-12 formal_notice", "11-26 hand_off", "12-14 formal_notice", "12-29 formal_notice"}},
	}
	const (
		silentI, promiseI, ribI, disputeI, partI, noticeI, awayI, bounceI, planI, hostileI, sundayI = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	)
	byEmail := map[string]int{}
	byNumber := map[string]int{}
	for i, c := range clients {
		raw := invoiceMail(c.n, c.name, c.email, issued, c.due, fmt.Sprintf("%d.00", 900+c.n), false)
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
		byEmail[c.email] = i
		byNumber[c.number()] = i
	}

	got := make([][]string, len(clients))
	seenMsgs, seenFlags := 0, map[int64]bool{}
	stepN := 0
	act := func(now time.Time, at string) {
		for _, c := range clients {
			for _, s := range c.script {
				if s.on != now.Format(time.DateOnly) || s.at != at {
					continue
				}
				stepN++
				var our sent
				ok := false
				for _, m := range w.sentMessages() {
					if m.To == c.email {
						our, ok = m, true
					}
				}
				if !ok && (s.do == stepReply || s.do == stepAutoReply || s.do == stepBounce) {
					t.Fatalf("%s: %s %s: nothing was sent to reply to", c.name, s.on, s.at)
				}
				id := fmt.Sprintf("life-%d-%d@client.test", c.n, stepN)
				switch s.do {
				case stepReply, stepAutoReply:
					raw := replyMail(id, c.email, c.name, our.MessageID, "Re: "+our.Subject, now, s.text, s.do == stepAutoReply)
					if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
						t.Fatal(err)
					}
				case stepBounce:
					if err := w.IMAP.Deliver("INBOX", bounceMail(id, c.email, our.MessageID, our.Subject, now), false); err != nil {
						t.Fatal(err)
					}
				case stepPay:
					args := []string{"pay", c.number(), "--date", s.on}
					if s.text != "" {
						args = append(args, "--amount", s.text)
					}
					w.relanceAt(now, args...)
				case stepImport:
					file := filepath.Join(t.TempDir(), "releve.csv")
					statement := "\ufeffDate opération;Date valeur;Libellé;Détail;Débit;Crédit\r\n" + s.text
					if err := os.WriteFile(file, []byte(statement), 0o600); err != nil {
						t.Fatal(err)
					}
					w.relanceAt(now, "import", file, "--format", "csv")
				case stepResolve, stepCallPlan:
					kind := map[lifeAction]string{stepResolve: "dispute", stepCallPlan: "call"}[s.do]
					var open []int64
					for _, f := range w.flags(c.number(), kind) {
						if f.Status != "resolved" {
							open = append(open, f.ID)
						}
					}
					if len(open) != 1 {
						t.Errorf("%s on %s: want one open %s flag, have %v", c.name, s.on, kind, open)
						continue
					}
					id := strconv.FormatInt(open[0], 10)
					if s.do == stepResolve {
						w.relanceAt(now, "flags", "resolve", id, "--then", "resume", "--note", "avoir accepté, prestation livrée")
					} else {
						w.relanceAt(now, "flags", "outcome", id, "--outcome", "plan", "--instalments", s.text, "--note", "deux échéances")
					}
				}
			}
		}
	}
	// The owner rereads the drafts whose hold has ended just before each
	// pass and approves them all.
	pass := func(now time.Time) {
		for _, dr := range w.heldDrafts() {
			if !dr.HoldUntil.After(now) {
				w.relanceAt(now.Add(-5*time.Minute), "drafts", "approve", strconv.FormatInt(dr.ID, 10))
			}
		}
		w.once(now)
	}
	observe := func(day time.Time) {
		msgs := w.sentMessages()
		for _, s := range msgs[seenMsgs:] {
			if !civilDay(s.Date).Equal(day) {
				t.Errorf("message to %s dated %s seen on %s", s.To, s.Date, day.Format(time.DateOnly))
			}
			if _, ok := byEmail[s.To]; !ok {
				t.Errorf("message to an unknown address %s", s.To)
			}
		}
		if len(msgs) > seenMsgs {
			sentTo := w.sentByRecipient()
			for _, s := range msgs[seenMsgs:] {
				for _, sd := range sentTo[s.To] {
					if sd.MessageID == s.MessageID {
						got[byEmail[s.To]] = append(got[byEmail[s.To]], day.Format("01-02")+" "+sd.Stage)
					}
				}
			}
		}
		seenMsgs = len(msgs)
		for _, f := range w.flags("", "") {
			if seenFlags[f.ID] || (f.Kind != "call" && f.Kind != "hand_off") {
				continue
			}
			seenFlags[f.ID] = true
			if i, ok := byNumber[f.InvoiceNum]; ok {
				got[i] = append(got[i], day.Format("01-02")+" "+string(f.Kind))
			}
		}
	}

	start, passes := time.Now(), 0
	end := dueA.AddDate(0, 0, 120)
	for d := dueA.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		at := func(h, m int) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, paris) }
		act(at(8, 0), "08:00")
		pass(at(9, 30))
		act(at(12, 0), "12:00")
		pass(at(15, 0))
		passes += 2
		act(at(17, 0), "17:00")
		observe(d)
	}
	t.Logf("120 days, %d passes, in %s", passes, time.Since(start).Round(time.Second))

	// The summary: one line per client, the day (MM-DD) of each stage.
	cols := []string{"friendly", "second", "call", "notice", "hand-off", "repeats", "other"}
	var tab strings.Builder
	tw := tabwriter.NewWriter(&tab, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nclient\t%s", strings.Join(cols, "\t"))
	for i, c := range clients {
		cell := map[string][]string{}
		for _, e := range got[i] {
			day, what, _ := strings.Cut(e, " ")
			col := map[string]string{"friendly": "friendly", "second": "second", "call": "call", "formal_notice": "notice", "hand_off": "hand-off"}[what]
			switch {
			case col == "notice" && len(cell["notice"]) > 0:
				col = "repeats"
			case col == "":
				col, day = "other", day+" "+what
			}
			cell[col] = append(cell[col], day)
		}
		fmt.Fprintf(tw, "\n%s", c.name)
		for _, col := range cols {
			v := strings.Join(cell[col], " ")
			if v == "" {
				v = "-"
			}
			fmt.Fprintf(tw, "\t%s", v)
		}
	}
	tw.Flush()
	t.Log(tab.String())

	// The oracle, day by day: the first day a client's history departs
	// from it.
	for i, c := range clients {
		if slices.Equal(got[i], c.oracle) {
			continue
		}
		k := 0
		for k < len(got[i]) && k < len(c.oracle) && got[i][k] == c.oracle[k] {
			k++
		}
		g, o := "(nothing)", "(nothing)"
		if k < len(got[i]) {
			g = got[i][k]
		}
		if k < len(c.oracle) {
			o = c.oracle[k]
		}
		t.Errorf("%s departs from the oracle at step %d: got %s, want %s\n got  %v\n want %v", c.name, k+1, g, o, got[i], c.oracle)
	}

	sentTo := w.sentByRecipient()
	notices := 0
	// Nothing leaves on a weekend or a holiday, and every formal notice's
	// deadline is 8 days after it went, moved to a working day.
	for _, c := range clients {
		for _, s := range sentTo[c.email] {
			day := civilDay(s.at)
			if !lifeBusinessDay(day) {
				t.Errorf("%s: %s sent on %s, not a working day", c.name, s.Stage, day.Format("Mon 2006-01-02"))
			}
			// Nothing waits in the outbox: a draft goes at the first pass
			// after its hold, the morning of the next working day.
			next := civilDay(s.CreatedAt).AddDate(0, 0, 1)
			for !lifeBusinessDay(next) {
				next = next.AddDate(0, 0, 1)
			}
			if !day.Equal(next) {
				t.Errorf("%s: %s drafted %s went %s, want %s", c.name, s.Stage, s.CreatedAt.In(paris).Format(time.DateTime), day.Format(time.DateOnly), next.Format(time.DateOnly))
			}
			if s.Stage != "formal_notice" {
				continue
			}
			m := noticeDeadline.FindStringSubmatch(strings.ReplaceAll(s.Body, "\u00a0", " "))
			if m == nil {
				t.Errorf("%s: formal notice of %s states no deadline:\n%s", c.name, day.Format(time.DateOnly), s.Body)
				continue
			}
			dn, _ := strconv.Atoi(strings.TrimSuffix(m[1], "er"))
			y, _ := strconv.Atoi(m[3])
			dl := time.Date(y, frMonths[m[2]], dn, 0, 0, 0, 0, paris)
			want := day.AddDate(0, 0, 8)
			for !lifeBusinessDay(want) {
				want = want.AddDate(0, 0, 1)
			}
			notices++
			// Dated for the day it went, penalties counted to that day.
			body := strings.ReplaceAll(strings.ReplaceAll(s.Body, "\u00a0", " "), "\r\n", "\n")
			if !regexp.MustCompile(`(?m)^(.*, l|L)e ` + frDate(day) + `$`).MatchString(body) {
				t.Errorf("%s: formal notice sent %s is not dated that day:\n%s", c.name, day.Format(time.DateOnly), body)
			}
			if periods := penaltyPeriod.FindAllStringSubmatch(body, -1); len(periods) == 0 || periods[len(periods)-1][1] != frDate(day) {
				t.Errorf("%s: formal notice sent %s counts penalties to %v", c.name, day.Format(time.DateOnly), periods)
			}
			if !dl.Equal(want) {
				t.Errorf("%s: formal notice sent %s gives until %s, want %s", c.name, day.Format("Mon 2006-01-02"), dl.Format("Mon 2006-01-02"), want.Format("Mon 2006-01-02"))
			}
		}
	}
	if notices != 19 {
		t.Errorf("%d formal notices checked, want 19", notices)
	}
	if ns := sentTo[clients[noticeI].email]; len(ns) > 3 && ns[3].Stage == "formal_notice" &&
		!strings.Contains(strings.ReplaceAll(ns[3].Body, "\u00a0", " "), "au plus tard le 12 novembre 2026") {
		t.Errorf("the formal notice of 3 November gives a deadline other than 12 November (11 November is a holiday):\n%s", ns[3].Body)
	}

	// Nothing is sent after a client paid (but the thanks), while a dispute
	// is open (but the approved answer to its objection), after a hostile
	// reply, to a bounced address, or during an absence.
	quiet := func(i int, from, until string, allowed ...string) {
		c := clients[i]
		f, _ := time.ParseInLocation(time.DateOnly, from, paris)
		u := end.AddDate(0, 0, 1)
		if until != "" {
			u, _ = time.ParseInLocation(time.DateOnly, until, paris)
		}
		for _, s := range sentTo[c.email] {
			if day := civilDay(s.at); !day.Before(f) && day.Before(u) && !slices.Contains(allowed, s.Stage) {
				t.Errorf("%s: %s sent %s, between %s and %s", c.name, s.Stage, day.Format(time.DateOnly), from, u.Format(time.DateOnly))
			}
		}
	}
	quiet(ribI, "2026-09-19", "", "thank_you")
	quiet(noticeI, "2026-11-07", "", "thank_you")
	quiet(planI, "2026-11-14", "", "thank_you")
	quiet(disputeI, "2026-09-11", "2026-10-06", "answer")
	quiet(hostileI, "2026-09-11", "")
	quiet(bounceI, "2026-09-11", "")
	quiet(awayI, "2026-09-11", "2026-09-28")
	for _, i := range []int{ribI, noticeI, planI} {
		var thanks int
		for _, s := range sentTo[clients[i].email] {
			if s.Stage == "thank_you" {
				thanks++
			}
		}
		if thanks != 1 {
			t.Errorf("%s: %d thank-you messages, want 1", clients[i].name, thanks)
		}
	}

	// The broken promise is named in the next stage; the partial payment
	// leaves the rest to chase.
	if ps := sentTo[clients[promiseI].email]; len(ps) < 2 || !strings.Contains(ps[1].Body, "Vous m'aviez indiqué un règlement pour le") {
		t.Errorf("the second reminder after the broken promise does not refer to it: %+v", ps)
	}
	if ps := sentTo[clients[partI].email]; len(ps) < 2 || !strings.Contains(strings.ReplaceAll(ps[1].Body, "\u00a0", " "), "615,00") {
		t.Errorf("the second reminder after a partial payment does not chase the rest (615,00 €): %+v", ps)
	}

	// Where each story ends: what the store holds.
	st := w.openStore()
	invs, err := st.Invoices(w.ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing misfired: every draft relance made was sent (the owner
	// approved them all); none was made and then dropped.
	drafts, err := st.Drafts(w.ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, dr := range drafts {
		if dr.Status != "sent" {
			t.Errorf("draft %d (%s to %v, made %s) ends %s", dr.ID, dr.Stage, dr.To, dr.CreatedAt.In(paris).Format(time.DateTime), dr.Status)
		}
	}
	wantState := map[int]string{silentI: "open", promiseI: "promised", ribI: "paid", disputeI: "open", partI: "open", noticeI: "paid",
		awayI: "open", bounceI: "open", planI: "paid", hostileI: "open", sundayI: "open"}
	for _, inv := range invs {
		i, ok := byNumber[inv.Number]
		if !ok {
			t.Errorf("an invoice nobody sent: %s", inv.Number)
			continue
		}
		if string(inv.State) != wantState[i] {
			t.Errorf("%s ends %s, want %s", inv.Number, inv.State, wantState[i])
		}
		if i == partI && inv.Balance.String() != "615" {
			t.Errorf("%s ends with a balance of %s, want 615", inv.Number, inv.Balance)
		}
	}
	for _, f := range []struct {
		i            int
		kind, status string
	}{
		{disputeI, "dispute", "resolved"}, {planI, "call", "resolved"}, {hostileI, "grievance", "open"}, {bounceI, "bounce", "open"},
		{silentI, "call", "open"}, {silentI, "hand_off", "open"}, {promiseI, "broken_promise", "open"},
	} {
		fl := w.flags(clients[f.i].number(), f.kind)
		if len(fl) != 1 || string(fl[0].Status) != f.status {
			t.Errorf("%s: want one %s flag %s, have %+v", clients[f.i].name, f.kind, f.status, fl)
		}
	}
}
