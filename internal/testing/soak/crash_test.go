package soak

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/fault"
)

// soakPlan sizes a crash soak.
type soakPlan struct {
	clients int
	days    int
	kills   int // at least this many SIGKILLs
	sends   int // at least this many reminders must go out
	seed    uint64
}

// behaviour is how a scripted client answers its first reminder.
type behaviour int

const (
	silent behaviour = iota
	paysAndSays
	disputes
)

type soakClient struct {
	name, email string
	does        behaviour
	answered    bool
}

type soakInvoice struct {
	num, msgID  string
	client      int
	issued, due time.Time
	amount      string
	deliverOn   int // simulated day the invoice mail appears in Sent (negative: before the start)
}

// soakSummary is what the soak reports (SOAK.md is written from it).
type soakSummary struct {
	Seed              uint64         `json:"seed"`
	SimulatedDays     int            `json:"simulated_days"`
	Clients           int            `json:"clients"`
	Invoices          int            `json:"invoices"`
	Runs              int            `json:"runs"`
	Kills             int            `json:"kills"`
	KillsBy           map[string]int `json:"kills_by"`
	Sends             int            `json:"sends"`
	Duplicates        int            `json:"duplicates"`
	Lost              int            `json:"lost"`
	LostMessages      int            `json:"lost_messages"`
	Unconfirmed       int            `json:"unconfirmed"`
	StrayDraftCopies  int            `json:"stray_draft_copies"`
	AfterStop         int            `json:"after_stop"`
	MessagesInMailbox int            `json:"messages_in_mailbox"`
	Events            int            `json:"events"`
	WallSeconds       float64        `json:"wall_seconds"`
}

// TestCrashSoak runs relance twice a simulated business day for weeks over
// a mailbox of many clients, approving every draft from the command line,
// and SIGKILLs the process at random moments (a random delay into a run, or
// right after the n-th message recorded, draft held or reminder sent, or
// between the SMTP acceptance and its commit). Each killed run is restarted.
// At the end the sink and Sent hold every reminder exactly once, nothing in
// the mailbox is missing from the store and the event log is whole.
func TestCrashSoak(t *testing.T) {
	plan := soakPlan{clients: 6, days: 10, kills: 4, sends: 4, seed: 20261201}
	if soakLong() {
		plan = soakPlan{clients: 115, days: 75, kills: 50, sends: 200, seed: 20261201}
	}
	if s := os.Getenv("RELANCE_SOAK_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("RELANCE_SOAK_SEED: %v", err)
		}
		plan.seed = v
	}
	sum := runSoak(t, plan)
	b, _ := json.MarshalIndent(sum, "", "  ")
	t.Logf("crash soak summary:\n%s", b)
	if p := os.Getenv("RELANCE_SOAK_SUMMARY"); p != "" {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Errorf("write summary: %v", err)
		}
	}
}

func runSoak(t *testing.T, plan soakPlan) soakSummary {
	began := time.Now()
	w := newWorld(t)
	rng := rand.New(rand.NewPCG(plan.seed, plan.seed^0x9e3779b97f4a7c15))
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, paris) // a Tuesday

	var clients []soakClient
	for i := range plan.clients {
		c := soakClient{name: fmt.Sprintf("Client %03d SARL", i), email: fmt.Sprintf("compta@client%03d.test", i)}
		switch r := rng.IntN(100); {
		case r < 12:
			c.does = paysAndSays
		case r < 20:
			c.does = disputes
		}
		clients = append(clients, c)
	}
	// Every client one invoice falling due around the start; a fifth of them
	// a second one issued during the simulation (it arrives in Sent then).
	var invoices []soakInvoice
	addInvoice := func(client int, issued time.Time, deliverOn int) {
		n := len(invoices)
		invoices = append(invoices, soakInvoice{num: fmt.Sprintf("F-2026-%04d", 1000+n), msgID: fmt.Sprintf("inv-%d@atelier.test", n),
			client: client, issued: issued, due: issued.AddDate(0, 0, 30), amount: fmt.Sprintf("%d.%02d", 300+rng.IntN(4000), rng.IntN(100)),
			deliverOn: deliverOn})
	}
	for i := range clients {
		off := -40 + rng.IntN(16)
		addInvoice(i, start.AddDate(0, 0, off), off)
	}
	for i := range clients {
		if rng.IntN(5) == 0 {
			off := 3 + rng.IntN(max(1, plan.days/3))
			addInvoice(i, start.AddDate(0, 0, off), off)
		}
	}
	// deliverDue puts in Sent the invoices issued by day (day 0: every
	// invoice issued before the simulation starts).
	deliverDue := func(day int) {
		for _, in := range invoices {
			if (day == 0 && in.deliverOn <= 0) || (day > 0 && in.deliverOn == day) {
				c := clients[in.client]
				if err := w.IMAP.Deliver("Sent", invoiceMail(in.num, in.msgID, c.name, c.email, in.issued, in.due, in.amount), true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	sum := soakSummary{Seed: plan.seed, SimulatedDays: plan.days, Clients: plan.clients, Invoices: len(invoices), KillsBy: map[string]int{}}
	stoppedAt := map[string]stop{}
	seenSink := 0
	avg := 600 * time.Millisecond // running mean of a complete run, for timed kills
	pKill := min(0.6, 1.6*float64(plan.kills)/float64(2*plan.days*5/7))

	// chooseKiller picks a kill point for a run. Mornings send what is due,
	// evenings hold new drafts; both first sync what arrived (including the
	// copies relance itself filed in Sent and Drafts).
	chooseKiller := func(morning bool) (killer, []string, string) {
		r := rng.IntN(100)
		switch {
		case r < 40:
			return killer{delay: time.Duration(rng.Int64N(int64(avg)*13/10) + int64(time.Millisecond))}, nil, "timed"
		case r < 60:
			return killer{marker: "message recorded", nth: 1 + rng.IntN(3)}, nil, "mid-sync"
		case !morning:
			return killer{marker: "draft held", nth: 1 + rng.IntN(2)}, nil, "mid-draft"
		case r < 85:
			return killer{marker: "reminder sent", nth: 1 + rng.IntN(2)}, nil, "mid-send"
		default:
			return killer{}, []string{fault.Var + "=" + fault.KillAfterSMTP}, "after-smtp"
		}
	}
	// run performs one scheduled pass, killed zero or more times first.
	run := func(now time.Time, morning bool) {
		for rng.Float64() < pKill {
			k, env, kind := chooseKiller(morning)
			o := runKillable(now, k, env...)
			sum.Runs++
			if o.killed || (o.err != nil && kind == "after-smtp" && strings.Contains(o.err.Error(), "killed")) {
				sum.Kills++
				sum.KillsBy[kind]++
				continue
			}
			if o.err != nil {
				t.Fatalf("run at %s (kill %s) failed: %v\n%s", now, k, o.err, o.output)
			}
			// The run finished before the kill point: a complete run.
			sum.KillsBy["missed-"+kind]++
			return
		}
		o := runKillable(now, killer{})
		sum.Runs++
		if o.err != nil || o.killed {
			t.Fatalf("run at %s failed: %v\n%s", now, o.err, o.output)
		}
		avg = (avg*7 + o.duration) / 8
	}
	approveAll := func() {
		st, err := store.Open(context.Background(), w.DB)
		if err != nil {
			t.Fatal(err)
		}
		held, err := st.Drafts(context.Background(), domain.DraftHeld)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range held {
			w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
		}
	}
	answer := func(day time.Time) {
		msgs := w.Sink.Messages()
		for _, m := range msgs[seenSink:] {
			to := ""
			if len(m.To) > 0 {
				to = strings.ToLower(m.To[0])
			}
			for i := range clients {
				c := &clients[i]
				if c.email != to || c.answered || c.does == silent {
					continue
				}
				c.answered = true
				replyAt := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, paris).AddDate(0, 0, 1)
				body := "Bonjour,\r\n\r\nLe virement a été effectué ce matin, vous devriez le recevoir sous 48 heures.\r\n\r\nBien cordialement"
				if c.does == disputes {
					body = "Bonjour,\r\n\r\nJe conteste cette facture : les travaux ne sont pas conformes au devis. Je ne réglerai pas tant que ce n'est pas corrigé.\r\n\r\nCordialement"
				}
				id := messageIDOf(m.Data)
				raw := replyMail(fmt.Sprintf("reply-%d@client.test", i), c.email, c.name, id, "Re: relance", replyAt, body)
				if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
					t.Fatal(err)
				}
				// The reply stops the chasing of the invoices it answers,
				// not of one issued later.
				var nums []string
				for _, in := range invoices {
					if in.client == i && !in.issued.After(replyAt) {
						nums = append(nums, in.num)
					}
				}
				stoppedAt[c.email] = stop{at: replyAt, invoices: nums}
			}
		}
		seenSink = len(msgs)
	}

	for day := 0; day < plan.days; day++ {
		date := start.AddDate(0, 0, day)
		deliverDue(day)
		if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		morning := time.Date(date.Year(), date.Month(), date.Day(), 9, 30, 0, 0, paris)
		evening := time.Date(date.Year(), date.Month(), date.Day(), 18, 0, 0, 0, paris)
		run(morning, true)
		answer(date)
		run(evening, false)
		approveAll()
	}
	// Top up the kills if chance fell short, then let relance settle:
	// a weekday morning (sends what is due) and an evening (no sends).
	end := start.AddDate(0, 0, plan.days)
	for end.Weekday() == time.Saturday || end.Weekday() == time.Sunday {
		end = end.AddDate(0, 0, 1)
	}
	finalMorning := time.Date(end.Year(), end.Month(), end.Day(), 9, 30, 0, 0, paris)
	for tries := 0; sum.Kills < plan.kills && tries < 4*plan.kills; tries++ {
		o := runKillable(finalMorning, killer{delay: time.Duration(rng.Int64N(int64(avg)) + int64(time.Millisecond))})
		sum.Runs++
		if o.killed {
			sum.Kills++
			sum.KillsBy["timed"]++
		} else if o.err != nil {
			t.Fatalf("top-up run failed: %v\n%s", o.err, o.output)
		}
	}
	run(finalMorning, true)
	w.once(finalMorning.Add(30 * time.Minute))
	w.once(time.Date(end.Year(), end.Month(), end.Day(), 18, 0, 0, 0, paris))

	checkSoak(t, w, &sum, stoppedAt)
	sum.WallSeconds = time.Since(began).Seconds()
	if sum.Kills < plan.kills {
		t.Errorf("only %d kills, want ≥ %d", sum.Kills, plan.kills)
	}
	if sum.Sends < plan.sends {
		t.Errorf("only %d reminders sent, want ≥ %d", sum.Sends, plan.sends)
	}
	return sum
}

// stop is a client's reply that ends the chasing of some invoices.
type stop struct {
	at       time.Time
	invoices []string
}

// messageIDOf reads the Message-ID of a raw message.
func messageIDOf(raw []byte) string {
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "\r" || line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-Id") {
			return strings.Trim(strings.TrimSpace(v), "<>")
		}
	}
	return ""
}

// checkSoak verifies the invariants after the soak and fills the summary.
func checkSoak(t *testing.T, w *env, sum *soakSummary, stoppedAt map[string]stop) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Errorf("database after the soak: %v", err)
	}

	// The sink: each Message-ID once, each one a draft in status sent.
	inSink := map[string]int{}
	sinkTo := map[string]string{}
	for _, m := range w.Sink.Messages() {
		id := messageIDOf(m.Data)
		inSink[id]++
		if len(m.To) > 0 {
			sinkTo[id] = strings.ToLower(m.To[0])
		}
	}
	for id, n := range inSink {
		if n > 1 {
			sum.Duplicates += n - 1
			t.Errorf("the sink holds %d copies of %s", n, id)
		}
	}
	// Sent: each reminder once.
	inSent := map[string]int{}
	for _, m := range maildirMessages(t, w.IMAP.Maildir("Sent")) {
		inSent[m.messageID]++
	}
	for id, n := range inSent {
		if n > 1 && strings.HasPrefix(id, "relance.") {
			sum.Duplicates += n - 1
			t.Errorf("Sent holds %d copies of %s", n, id)
		}
	}

	drafts, err := st.Drafts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := st.Flags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unconfirmed := map[string]bool{}
	for _, f := range flags {
		if f.Kind == "send_unconfirmed" {
			for id := range inSink {
				if strings.Contains(strings.Join(f.Evidence, " "), id) {
					unconfirmed[id] = true
				}
			}
			for _, d := range drafts {
				if strings.Contains(strings.Join(f.Evidence, " "), d.MessageID) {
					unconfirmed[d.MessageID] = true
				}
			}
		}
	}
	byMsgID := map[string]store.Draft{}
	for _, d := range drafts {
		byMsgID[d.MessageID] = d
		switch d.Status {
		case domain.DraftSent:
			if inSent[d.MessageID] != 1 {
				sum.Lost++
				t.Errorf("draft %d (sent) is %d times in Sent, want 1", d.ID, inSent[d.MessageID])
			}
			switch inSink[d.MessageID] {
			case 1:
				sum.Sends++
			case 0:
				// The crash fell between the Sent copy and the SMTP
				// acceptance's commit: relance cannot know whether the server
				// took it, counts it as sent (never twice) and asks a human.
				if !unconfirmed[d.MessageID] {
					sum.Lost++
					t.Errorf("draft %d is marked sent but never reached the SMTP server, and no flag says so", d.ID)
				} else {
					sum.Unconfirmed++
				}
			}
		default:
			if inSink[d.MessageID] > 0 {
				sum.Lost++
				t.Errorf("draft %d in status %s reached the SMTP server", d.ID, d.Status)
			}
			if d.Status == domain.DraftApproved && inSent[d.MessageID] > 0 {
				t.Errorf("draft %d still approved but has a copy in Sent", d.ID)
			}
		}
	}
	for id := range inSink {
		if _, ok := byMsgID[id]; !ok {
			t.Errorf("the sink holds %s, which no draft reserved", id)
		}
	}
	// Rule 1 under crashes: nothing after a payment claim or a dispute
	// but the approved answer to the objection the reply raised.
	for id, to := range sinkTo {
		d := byMsgID[id]
		s, ok := stoppedAt[to]
		if !ok || d.SentAt.IsZero() || !d.SentAt.After(s.at) {
			continue
		}
		if d.Stage == string(domain.StageAnswer) && d.Objection != domain.NoObjection && d.ApprovedBy != "" {
			continue
		}
		for _, num := range d.InvoiceNumbers {
			if slices.Contains(s.invoices, num) {
				sum.AfterStop++
				t.Errorf("reminder %s for %s went to %s at %s, after the client's reply at %s", id, num, to, d.SentAt.In(paris), s.at.In(paris))
			}
		}
	}

	// Drafts: no copy of a reminder already sent (or superseded) lingers
	// where the owner could send it again by hand.
	for _, m := range maildirMessages(t, w.IMAP.Maildir("Drafts")) {
		if m.header == nil {
			continue
		}
		idStr := strings.TrimSpace(m.header.Get("X-Relance-Draft"))
		if idStr == "" {
			continue
		}
		id, _ := strconv.ParseInt(idStr, 10, 64)
		for _, d := range drafts {
			if d.ID == id && (d.Status == domain.DraftSent || d.Status == domain.DraftSuperseded) {
				sum.StrayDraftCopies++
				t.Errorf("Drafts still holds a copy of draft %d, which is %s", id, d.Status)
			}
		}
	}

	// Ingestion: every message in the mailbox is in the store.
	db := openDB(t, w.DB)
	known := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT folder, message_id FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var folder, id string
		if err := rows.Scan(&folder, &id); err != nil {
			t.Fatal(err)
		}
		known[folder+"\x00"+id] = true
	}
	rows.Close()
	for _, folder := range []string{"INBOX", "Sent", "Drafts"} {
		for _, m := range maildirMessages(t, w.IMAP.Maildir(folder)) {
			sum.MessagesInMailbox++
			if !known[folder+"\x00"+m.messageID] {
				sum.LostMessages++
				t.Errorf("%s holds <%s> (%s), which the store never recorded", folder, m.messageID, m.path)
			}
		}
	}

	// The event log: append-only ids without holes, one reminder_sent per
	// invoice of each sent draft, nothing for drafts that never went.
	checkEvents(t, db, sum, drafts)
}

func checkEvents(t *testing.T, db *sql.DB, sum *soakSummary, drafts []store.Draft) {
	t.Helper()
	var n, maxID int
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(MAX(id), 0) FROM events`).Scan(&n, &maxID); err != nil {
		t.Fatal(err)
	}
	sum.Events = n
	if n != maxID {
		t.Errorf("event log has %d events but ids up to %d: events were lost", n, maxID)
	}
	sentEvents := map[int64]int{}
	rows, err := db.Query(`SELECT draft_id, COUNT(*) FROM events WHERE kind = 'reminder_sent' GROUP BY draft_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var c int
		if err := rows.Scan(&id, &c); err != nil {
			t.Fatal(err)
		}
		sentEvents[id] = c
	}
	rows.Close()
	var bad []string
	for _, d := range drafts {
		want := 0
		if d.Status == domain.DraftSent {
			want = len(d.InvoiceIDs)
		}
		if sentEvents[d.ID] != want {
			bad = append(bad, fmt.Sprintf("draft %d (%s, %d invoices): %d reminder_sent events", d.ID, d.Status, len(d.InvoiceIDs), sentEvents[d.ID]))
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("event log: %s", b)
	}
	// Every recorded message carries its ingestion in the same transaction
	// as the cursor: no cursor may point past a message the store lacks
	// (checked above through the mailbox); here, no message is recorded
	// twice for one folder position.
	var dups int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT folder, message_id FROM messages GROUP BY folder, uidvalidity, message_id HAVING COUNT(*) > 1)`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups > 0 {
		t.Errorf("%d messages recorded twice in the same folder", dups)
	}
}
