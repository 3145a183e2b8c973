package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/pdftools"
)

// businessOnly matches what French law grants a creditor against a business
// only: the L441-10 late penalties and the D441-5 recovery indemnity of 40 €.
var businessOnly = regexp.MustCompile(`(?i)pénalités|indemnité forfaitaire|L441-10|D441-5|\b40(,00)? ?€|€ ?40\b`)

// TestConsumerLadder walks the whole ladder on Dovecot for two clients with
// the same invoice terms, every draft approved: one a business, one a private
// person the owner marked as a consumer with `relance clients set`. The
// consumer's reminders, formal notice and its PDF letter never mention the
// L441-10 penalties or the 40 € indemnity; the business's formal notice does
// (the check finds them when they are there).
func TestConsumerLadder(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end test")
	}
	w := newLadderWorld(t)
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	due := time.Date(2026, 9, 2, 0, 0, 0, 0, paris)
	type cl struct {
		name, email string
		n           int
	}
	business := cl{"Garage Ferrand", "garage@ferrand.test", 1}
	consumer := cl{"Claire Dupont", "claire.dupont@maison.test", 2}
	for _, c := range []cl{business, consumer} {
		if err := w.IMAP.Deliver("Sent", invoiceMail(c.n, c.name, c.email, issued, due, "1250.00", false), true); err != nil {
			t.Fatal(err)
		}
	}
	// The invoices are found the day they were sent; the owner then says
	// the homeowner is a private person.
	w.once(issued.Add(2 * time.Hour))
	if out := w.Relance("clients", "set", consumer.email, "--kind", "consumer"); !strings.Contains(out, "now a consumer client") {
		t.Fatalf("clients set: %q", out)
	}

	end := due.AddDate(0, 0, 53)
	for d := due.AddDate(0, 0, 1); d.Before(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		w.once(time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, paris))
		for _, dr := range w.heldDrafts() {
			w.approve(dr.ID)
		}
	}

	sentTo := w.sentByRecipient()
	stages := func(c cl) string {
		var out []string
		for _, s := range sentTo[c.email] {
			out = append(out, s.Stage)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []cl{business, consumer} {
		if got, want := stages(c), "friendly second formal_notice"; got != want {
			t.Fatalf("%s got %q, want %q", c.name, got, want)
		}
	}
	// Every text each client received: subjects and bodies, and the PDF
	// letters attached.
	texts := map[string][]string{}
	for _, s := range sentTo[business.email] {
		texts[business.email] = append(texts[business.email], s.Stage+": "+s.Subject+"\n"+s.Body)
	}
	for _, s := range sentTo[consumer.email] {
		texts[consumer.email] = append(texts[consumer.email], s.Stage+": "+s.Subject+"\n"+s.Body)
	}
	letters := map[string]int{}
	for _, m := range w.Sink.Messages() {
		to := strings.ToLower(m.To[0])
		for name, b := range attachmentsOf(t, m.Data) {
			if strings.HasSuffix(name, ".pdf") {
				letters[to]++
				texts[to] = append(texts[to], "letter "+name+": "+pdftools.Text(t, b))
			}
		}
	}
	for _, c := range []cl{business, consumer} {
		if letters[c.email] != 1 {
			t.Errorf("%s received %d PDF letters, want the formal notice's", c.name, letters[c.email])
		}
	}
	for _, text := range texts[consumer.email] {
		if m := businessOnly.FindAllString(pdftools.Normalize(text), -1); len(m) > 0 {
			t.Errorf("the consumer was sent %q:\n%s", m, text)
		}
	}
	// The business's formal notice, mail and letter alike, claims both.
	var claimed int
	for _, text := range texts[business.email] {
		flat := pdftools.Normalize(text)
		if strings.HasPrefix(text, "formal_notice: ") || strings.HasPrefix(text, "letter ") {
			for _, want := range []string{"pénalités", "indemnité forfaitaire", "40,00 €", "L441-10"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the business's %s does not mention %q:\n%s", strings.SplitN(text, ":", 2)[0], want, text)
				}
			}
			claimed++
		}
	}
	if claimed != 2 {
		t.Errorf("checked %d texts of the business's formal notice, want its mail and its letter", claimed)
	}
	t.Logf("consumer's ladder: %s; business's ladder: %s", strconv.Quote(stages(consumer)), strconv.Quote(stages(business)))
}
