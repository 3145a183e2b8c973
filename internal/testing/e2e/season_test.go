package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// behaviour is how a scripted client answers its first reminder.
type behaviour int

const (
	silent behaviour = iota
	paysAndSays
	disputes
	grieves
	struggles
	promises
	away
	asksRIB
	paysQuietly // the owner records the payment with `relance pay`
	bounces     // the address no longer exists: the server returns a DSN
)

type client struct {
	name, email string
	does        behaviour
	invoices    []int // invoice indexes
	english     bool
}

// stopsChasing tells whether a reply of this behaviour forbids any further
// reminder to the client (until a human acts, which this script never does).
func (b behaviour) stopsChasing() bool {
	switch b {
	case paysAndSays, disputes, grieves, struggles, paysQuietly, bounces:
		return true
	}
	return false
}

func (b behaviour) reply(lang string, due time.Time) (body string, auto bool) {
	switch b {
	case paysAndSays:
		return "Bonjour,\r\n\r\nLe virement a été effectué ce matin, vous devriez le recevoir sous 48 heures.\r\n\r\nBien cordialement", false
	case disputes:
		return "Bonjour,\r\n\r\nJe conteste cette facture : les travaux ne sont pas conformes au devis et la moitié des étagères n'a jamais été posée. Je ne réglerai pas tant que ce n'est pas corrigé.\r\n\r\nCordialement", false
	case grieves:
		return "Bonjour,\r\n\r\nComme d'habitude, vous savez relancer pour être payés, mais pour revenir réparer la porte qui frotte depuis juin, il n'y a plus personne. Encore bravo.\r\n", false
	case struggles:
		return "Bonjour,\r\n\r\nJe préfère être franc : notre propre client ne nous a pas payés et notre trésorerie est très tendue ce mois-ci. Pourrions-nous échelonner le paiement en trois fois ?\r\n\r\nMerci de votre compréhension", false
	case promises:
		return "Bonjour,\r\n\r\nDésolé pour le retard, je ferai le virement le " + due.Format("02/01/2006") + ".\r\n\r\nCordialement", false
	case away:
		return "Bonjour,\r\n\r\nJe suis absent du bureau et serai de retour le " + due.Format("2 January 2006") + ". Je lirai votre message à mon retour.\r\n", true
	case asksRIB:
		return "Bonjour,\r\n\r\nPourriez-vous me renvoyer votre RIB ? Je ne le retrouve pas.\r\n\r\nMerci", false
	}
	return "", false
}

// TestSixtyDays runs relance each morning and evening for 60 days over a
// mailbox of 27 invoices and clients that answer in every way, approving
// drafts through IMAP \Flagged and through the CLI, and checks the rules
// that must never break.
func TestSixtyDays(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newWorld(t)
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, paris) // a Tuesday

	clients := []client{
		{"Boulangerie Martin", "compta@boulangerie-martin.fr", paysAndSays, nil, false},
		{"Garage Ferrand", "garage@ferrand.fr", disputes, nil, false},
		{"Hôtel des Arts", "direction@hotel-arts.fr", grieves, nil, false},
		{"Delorme Bâtiment", "f.delorme@delorme.fr", struggles, nil, false},
		{"Fromagerie Vial", "vial@fromagerie.fr", promises, nil, false},
		{"Cabinet Roux", "m.roux@cabinet-roux.fr", away, nil, false},
		{"Librairie La Virgule", "contact@lavirgule.fr", asksRIB, nil, false},
		{"SCI Les Tilleuls", "p.dumas@sci-tilleuls.fr", paysQuietly, nil, false},
		{"Thornbury & Hale", "olivia@thornburyhale.co.uk", silent, nil, true},
		{"Studio Kuma", "lea@studiokuma.fr", silent, nil, false},
		{"Pharmacie Bellecour", "julien@pharmacie-bellecour.fr", silent, nil, false},
		{"Crèche Les Petits Loups", "compta@petitsloups.fr", silent, nil, false},
		{"Domaine des Granges", "emilie@granges.fr", silent, nil, false},
		{"Vasseur Architectes", "thomas@vasseur.fr", silent, nil, false},
		{"Brightwell Studio", "maya@brightwell.com", silent, nil, true},
		{"Cave Saint-Jean", "olivier@cave-saintjean.fr", silent, nil, false},
		{"Ateliers du Rhône", "tresorerie@ateliers-rhone.org", silent, nil, false},
		{"Keller Möbel", "j.keller@keller-moebel.de", silent, nil, true},
		{"Le Petit Bouchon", "bouchon@gmail.com", silent, nil, false},
		{"Sérénité Santé", "factures@serenite-sante.fr", silent, nil, false},
		{"Menuiserie Ancienne", "contact@menuiserie-ancienne.fr", bounces, nil, false},
	}
	// 27 invoices: every client one, six clients a second (grouping).
	type inv struct {
		n               int
		client          int
		issued, due     time.Time
		amount, message string
	}
	var invoices []inv
	for i := range clients {
		issued := start.AddDate(0, 0, -70+2*i)
		invoices = append(invoices, inv{n: len(invoices), client: i, issued: issued, due: issued.AddDate(0, 0, 30), amount: fmt.Sprintf("%d.00", 480+37*i)})
	}
	for _, i := range []int{9, 10, 11, 12, 13, 14} {
		issued := start.AddDate(0, 0, -55+i)
		invoices = append(invoices, inv{n: len(invoices), client: i, issued: issued, due: issued.AddDate(0, 0, 30), amount: fmt.Sprintf("%d.50", 200+11*i)})
	}
	for k := range invoices {
		in := &invoices[k]
		c := &clients[in.client]
		c.invoices = append(c.invoices, k)
		in.message = fmt.Sprintf("inv-%d@atelier.test", in.n)
		if err := w.IMAP.Deliver("Sent", invoiceMail(in.n, c.name, c.email, in.issued, in.due, in.amount, c.english), true); err != nil {
			t.Fatal(err)
		}
	}
	number := func(k int) string { return fmt.Sprintf("F-2026-%04d", 500+invoices[k].n) }

	imapc := w.imapClient()
	stoppedAt := map[string]time.Time{} // client email → when chasing had to stop
	answered := map[string]bool{}
	cal := policy.NewCalendar(paris, policy.FrenchHolidays()...)
	approvedVia := map[string]int{}

	for day := 0; day < 60; day++ {
		date := start.AddDate(0, 0, day)
		morning := time.Date(date.Year(), date.Month(), date.Day(), 9, 30, 0, 0, paris)
		evening := time.Date(date.Year(), date.Month(), date.Day(), 18, 0, 0, 0, paris)

		// Clients read what reached them and answer the next morning, at 08:00.
		for _, s := range w.sentMessages() {
			for ci, c := range clients {
				if s.To != c.email || answered[c.email] || c.does == silent {
					continue
				}
				answered[c.email] = true
				replyAt := time.Date(date.Year(), date.Month(), date.Day(), 8, 0, 0, 0, paris)
				if c.does == paysQuietly {
					for _, k := range c.invoices {
						w.Relance("pay", number(k), "--date", replyAt.Format("2006-01-02"))
					}
					stoppedAt[c.email] = replyAt
					continue
				}
				var raw []byte
				if c.does == bounces {
					raw = bounceMail(fmt.Sprintf("dsn-%d-%d@mx.client.test", ci, day), c.email, s.MessageID, s.Subject, replyAt)
				} else {
					body, auto := c.does.reply("fr", start.AddDate(0, 0, day+10))
					raw = replyMail(fmt.Sprintf("reply-%d-%d@client.test", ci, day), c.email, c.name, s.MessageID, "Re: "+s.Subject, replyAt, body, auto)
				}
				if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
					t.Fatal(err)
				}
				if c.does.stopsChasing() {
					stoppedAt[c.email] = replyAt
				}
			}
		}

		w.once(morning)
		w.once(evening)

		// The owner reviews the evening's drafts: half from the mail client
		// (\Flagged on the Drafts copy), half from the command line.
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
			if d.ID%2 == 0 && d.IMAPUID != 0 {
				if err := imapc.SetFlag(ctx, mailbox.RoleDrafts, d.IMAPUID, `\Flagged`, true); err != nil {
					t.Fatalf("flag draft %d in IMAP: %v", d.ID, err)
				}
				approvedVia["imap"]++
			} else {
				w.Relance("drafts", "approve", strconv.FormatInt(d.ID, 10))
				approvedVia["cli"]++
			}
		}
	}

	// The checks.
	st, err := store.Open(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sentMsgs := w.sentMessages()
	if len(sentMsgs) < 20 {
		t.Fatalf("only %d reminders sent in 60 days for 26 invoices", len(sentMsgs))
	}
	seen := map[string]bool{}
	stages := map[string]int{}
	for _, s := range sentMsgs {
		if seen[s.MessageID] {
			t.Errorf("Message-ID %s sent twice", s.MessageID)
		}
		seen[s.MessageID] = true
		d, err := st.DraftByMessageID(ctx, s.MessageID)
		if err != nil {
			t.Errorf("sent message %s has no draft: %v", s.MessageID, err)
			continue
		}
		stages[d.Stage]++
		// Held until the next business day, and approved.
		if hold := policy.HoldUntil(d.CreatedAt, cal, 9, 0); s.Date.Before(hold) {
			t.Errorf("draft %d created %s was sent %s, before the end of its hold %s", d.ID, d.CreatedAt.In(paris), s.Date.In(paris), hold.In(paris))
		}
		if d.ApprovedBy == "" || d.ApprovedAt.IsZero() {
			t.Errorf("draft %d was sent without approval", d.ID)
		}
		// No reminder after a payment, a payment claim, a dispute, a
		// grievance or hardship (thanks for a payment are not a reminder,
		// nor is the approved answer to the objection the reply raised).
		answersObjection := d.Stage == string(domain.StageAnswer) && d.Objection != domain.NoObjection
		if at, ok := stoppedAt[s.To]; ok && !s.Date.Before(at) && d.Stage != "thank_you" && !answersObjection {
			t.Errorf("reminder %q went to %s on %s, after the client's %s", s.Subject, s.To, s.Date.In(paris), at.In(paris))
		}
		// Threads to its invoices.
		for _, num := range d.InvoiceNumbers {
			var k int
			fmt.Sscanf(num, "F-2026-%04d", &k)
			want := fmt.Sprintf("inv-%d@atelier.test", k-500)
			if !strings.Contains(s.InReplyTo+" "+s.References, want) {
				t.Errorf("reminder %s for %s does not thread to <%s>: In-Reply-To %q References %q", s.MessageID, num, want, s.InReplyTo, s.References)
			}
		}
	}
	if stages["friendly"] == 0 || stages["second"] == 0 || stages["formal_notice"] == 0 || stages["thank_you"] == 0 {
		t.Errorf("the ladder did not run its course: sent per stage %v", stages)
	}
	if approvedVia["imap"] == 0 || approvedVia["cli"] == 0 {
		t.Errorf("approvals: %v", approvedVia)
	}
	// Every scripted situation reached the store.
	flags, err := st.Flags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range flags {
		kinds[string(f.Kind)]++
	}
	for _, k := range []string{"dispute", "grievance", "hardship", "call", "bounce"} {
		if kinds[k] == 0 {
			t.Errorf("no %s flag raised; flags: %v", k, kinds)
		}
	}
	b, _ := json.Marshal(stages)
	t.Logf("60 days: %d reminders sent (%s), approvals %v, flags %v", len(sentMsgs), b, approvedVia, kinds)
}
