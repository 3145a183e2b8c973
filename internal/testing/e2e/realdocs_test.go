package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/testing/testutil/realdocs"
	"github.com/relance/relance/internal/text"
)

// A Sent folder on Dovecot holding real invoices made by other software,
// each attached to a plain "Votre facture" mail, beside invoices of our
// own: `relance run --once` completes (a buyer address of another scheme, a
// document that cannot be read, prepaid beyond the total do not stop it),
// every invoice is recorded with the number, amount owed, currency and
// dates read from it, every document with an unusable field carries a
// self_check flag naming the problem, and every reminder drafted goes to an
// e-mail address of the document's client.
func TestRealDocumentsPass(t *testing.T) {
	w := newWorld(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, paris)
	ours := []struct{ number, email string }{}
	for i := range 3 {
		issued := time.Date(2026, 9, 1+i, 10, 0, 0, 0, paris)
		email := fmt.Sprintf("compta@client-%d.test", i)
		if err := w.IMAP.Deliver("Sent", invoiceMail(i, fmt.Sprintf("Client %d", i), email, issued, issued.AddDate(0, 0, 30), "840.00", false), true); err != nil {
			t.Fatal(err)
		}
		ours = append(ours, struct{ number, email string }{fmt.Sprintf("F-2026-%04d", 500+i), email})
	}
	for _, d := range realdocs.Docs {
		raw, err := d.Mail()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.IMAP.Deliver("Sent", raw, true); err != nil {
			t.Fatal(err)
		}
	}
	w.once(now) // fails the test unless the pass completes

	var invs []struct {
		Number string `json:"number"`
		Client struct {
			Email string `json:"email"`
		} `json:"client"`
		Amount    string  `json:"amount"`
		Balance   string  `json:"balance"`
		Currency  string  `json:"currency"`
		IssueDate *string `json:"issue_date"`
		DueDate   *string `json:"due_date"`
		Kind      string  `json:"kind"`
	}
	out := w.Relance("invoices", "--json")
	if err := json.Unmarshal([]byte(out), &invs); err != nil {
		t.Fatalf("invoices --json: %v\n%s", err, out)
	}
	type key struct{ kind, number, client string }
	byKey := map[key]int{}
	for i, in := range invs {
		byKey[key{in.Kind, text.NormalizeNumber(in.Number), in.Client.Email}] = i
	}
	for _, o := range ours {
		i, ok := byKey[key{"invoice", text.NormalizeNumber(o.number), o.email}]
		if !ok || invs[i].Balance != "840.00" {
			t.Errorf("our invoice %s to %s not recorded right (%v)", o.number, o.email, ok)
		}
	}

	// The first mail of a sender and number makes the invoice; a later one
	// is a re-send of it. Credit notes lower what their invoice owes.
	type sent struct{ sender, kind, number string }
	first := map[sent]realdocs.Doc{}
	var order []sent
	credits := map[string]decimal.Decimal{}
	for _, d := range realdocs.Docs {
		if d.Unusable {
			continue
		}
		_, from := d.Sender()
		s := sent{from[strings.IndexByte(from, '@'):], d.Kind, text.NormalizeNumber(d.Number)}
		if _, seen := first[s]; !seen {
			first[s] = d
			order = append(order, s)
			if d.Credits != "" {
				credits[text.NormalizeNumber(d.Credits)] = credits[text.NormalizeNumber(d.Credits)].Add(decimal.RequireFromString(d.Total))
			}
		}
	}
	right := 0
	for _, s := range order {
		d := first[s]
		i, ok := byKey[key{d.Kind, s.number, d.Client}]
		if !ok {
			t.Errorf("%s: no %s %s for %s recorded", d.Name(), d.Kind, d.Number, d.Client)
			continue
		}
		in := invs[i]
		var problems []string
		if d.Total != "" {
			owed := decimal.RequireFromString(d.Payable)
			if d.Kind == "invoice" {
				owed = owed.Sub(credits[s.number])
			}
			if in.Amount != decimal.RequireFromString(d.Total).StringFixed(2) {
				problems = append(problems, fmt.Sprintf("amount %s, want %s", in.Amount, d.Total))
			}
			if d.Kind == "invoice" && in.Balance != owed.StringFixed(2) {
				problems = append(problems, fmt.Sprintf("balance %s, want %s owed", in.Balance, owed.StringFixed(2)))
			}
		}
		if in.Currency != d.Currency {
			problems = append(problems, fmt.Sprintf("currency %q, want %q", in.Currency, d.Currency))
		}
		if got := deref(in.IssueDate); got != d.Issue {
			problems = append(problems, fmt.Sprintf("issue date %q, want %q", got, d.Issue))
		}
		if got := deref(in.DueDate); got != d.Due {
			problems = append(problems, fmt.Sprintf("due date %q, want %q", got, d.Due))
		}
		if len(problems) > 0 {
			t.Errorf("%s (%s %s): %s", d.Name(), d.Kind, d.Number, strings.Join(problems, "; "))
			continue
		}
		right++
	}

	// Each document that cannot be used as it is flags itself.
	st := openStore(t, w)
	flags, err := st.Flags(context.Background(), "open")
	if err != nil {
		t.Fatal(err)
	}
	var checks []string
	for _, f := range flags {
		if f.Kind == "self_check" {
			checks = append(checks, f.InvoiceNum+": "+strings.Join(f.Evidence, " | "))
		}
	}
	all := strings.Join(checks, "\n")
	flagged := 0
	for _, d := range realdocs.Docs {
		for _, want := range d.Findings {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no self_check flag says %q; flags:\n%s", d.Name(), want, all)
			} else {
				flagged++
			}
		}
	}

	// Every reminder drafted goes to an e-mail address of its client.
	clients := map[string]bool{}
	for _, in := range invs {
		clients[in.Client.Email] = true
	}
	drafts, err := st.Drafts(context.Background(), domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]bool{}
	for _, dr := range drafts {
		dd, err := st.DraftDetail(context.Background(), dr.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range dd.To {
			if _, err := mail.ParseAddress(a); err != nil || !clients[a] {
				t.Errorf("draft %d to %q, not a client's e-mail address", dr.ID, a)
			}
			to[a] = true
		}
	}
	for _, want := range []string{"einkauf@metallbau-leipzig.test", ours[0].email} {
		if !to[want] {
			t.Errorf("no reminder drafted to %s (drafts to %v)", want, to)
		}
	}
	t.Logf("%d real documents in %d mails: %d invoices and credit notes recorded right out of %d, %d findings flagged; %d drafts held",
		len(realdocs.Docs), len(realdocs.Docs), right, len(order), flagged, len(drafts))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
