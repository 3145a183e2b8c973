package payment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/message"
)

func loadExampleConfig(t *testing.T) Config {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "config", "payments.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := LoadConfig(f)
	if err != nil {
		t.Fatalf("the documented example does not load: %v", err)
	}
	return c
}

func parseMail(t *testing.T, name string) *message.Message {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "notices", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := message.Parse(f, message.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Each sender pattern documented in config/payments.example.json reads the
// mail it describes.
func TestParseNoticeDocumentedPatterns(t *testing.T) {
	cfg := loadExampleConfig(t)
	tests := []struct {
		file, rule, amount, currency, payer, email, reference, date string
		match                                                       string // invoice matched against ledger()
	}{
		{file: "banque-virement.eml", rule: "banque-virement-recu", amount: "1200", currency: "EUR", payer: "SARL BOULANGERIE MARTIN",
			reference: "FACTURE F-2026-014", date: "2026-11-19", match: "F-2026-014"},
		{file: "banque-virement-instantane.eml", rule: "banque-virement-recu", amount: "480", currency: "EUR", payer: "Atelier Dupont",
			reference: "Reglement facture F-2026-021", date: "2026-11-23"},
		{file: "stripe.eml", rule: "stripe", amount: "2500", currency: "EUR", payer: "Northwind Traders Ltd", email: "ap@northwind.example",
			reference: "INV-0042", date: "2026-11-24", match: "INV-0042"},
		{file: "paypal-en.eml", rule: "paypal", amount: "1000", currency: "EUR", payer: "Cabinet Leroy", email: "leroy@cabinet-leroy.fr",
			reference: "honoraires F-2026-030", date: "2026-11-25", match: "F-2026-030"},
		{file: "paypal-fr.eml", rule: "paypal", amount: "75", currency: "EUR", payer: "Paul Martin", email: "paul.martin@example.org",
			reference: "F-2026-031", date: "2026-11-26", match: "F-2026-031"},
		{file: "gocardless-en.eml", rule: "gocardless", amount: "350", currency: "GBP", payer: "Atelier Dupont",
			reference: "F-2026-021", date: "2026-11-27"},
		{file: "gocardless-fr.eml", rule: "gocardless", amount: "600", currency: "EUR", payer: "Atelier Dupont",
			reference: "F-2026-020", date: "2026-11-27", match: "F-2026-020"},
		{file: "stripe-forged.eml"},    // the topmost Authentication-Results fails
		{file: "paypal-sent.eml"},      // money out, not in
		{file: "client-says-paid.eml"}, // a client's word is a reply, not a notice
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			m := parseMail(t, tc.file)
			n, ok := ParseNotice(m, cfg.Notices)
			if tc.rule == "" {
				if ok {
					t.Fatalf("recognised as %s notice: %+v", n.Rule, n)
				}
				return
			}
			if !ok {
				t.Fatalf("not recognised (subject %q)", m.Subject)
			}
			if n.Rule != tc.rule || !n.Amount.Equal(d(tc.amount)) || n.Currency != tc.currency {
				t.Errorf("rule %s amount %s %s; want %s %s %s", n.Rule, n.Amount, n.Currency, tc.rule, tc.amount, tc.currency)
			}
			if n.Payer != tc.payer || n.PayerEmail != tc.email {
				t.Errorf("payer %q <%s>, want %q <%s>", n.Payer, n.PayerEmail, tc.payer, tc.email)
			}
			if !strings.Contains(n.Reference, tc.reference) {
				t.Errorf("reference %q, want it to contain %q", n.Reference, tc.reference)
			}
			if got := n.Date.Format("2006-01-02"); got != tc.date {
				t.Errorf("date %s, want %s", got, tc.date)
			}
			if n.Source != SourceNotice || !strings.HasPrefix(n.ExternalRef, "notice:") || n.ExternalRef == "notice:" {
				t.Errorf("source %q external ref %q", n.Source, n.ExternalRef)
			}
			if tc.match != "" {
				r := Match(n.Payment, ledger())
				if r.Outcome != Matched || len(r.Allocations) != 1 || r.Allocations[0].Number != tc.match {
					t.Errorf("matched %s %+v (%s), want %s", r.Outcome, r.Allocations, r.Reason, tc.match)
				}
			}
		})
	}
}

func TestParseNoticeRuleDetails(t *testing.T) {
	base := &message.Message{MessageID: "n1@bank.example", From: message.Address{Email: "alerts@bank.example"},
		Subject: "Credit received", Text: "You received 1,250.50 EUR from ACME LTD. Ref: INV-77"}
	tests := []struct {
		name   string
		rule   NoticeRule
		m      *message.Message
		ok     bool
		amount string
	}{
		{"defaults find the amount", NoticeRule{Name: "r", From: []string{"*@bank.example"}}, base, true, "1250.50"},
		{"sender pattern must match", NoticeRule{Name: "r", From: []string{"*@other.example"}}, base, false, ""},
		{"subject pattern must match", NoticeRule{Name: "r", From: []string{"*@bank.example"}, Subject: "debit"}, base, false, ""},
		{"auth required but absent", NoticeRule{Name: "r", From: []string{"*@bank.example"}, RequireAuth: true}, base, false, ""},
		{"auth by a parent domain", NoticeRule{Name: "r", From: []string{"*@mail.bank.example"}, RequireAuth: true},
			&message.Message{From: message.Address{Email: "a@mail.bank.example"}, Text: "received 5 EUR",
				Header: map[string][]string{"Authentication-Results": {"mx; dkim=pass header.d=bank.example"}}}, true, "5"},
		{"auth of a look-alike domain is refused", NoticeRule{Name: "r", From: []string{"*@bank.example"}, RequireAuth: true},
			&message.Message{From: message.Address{Email: "a@bank.example"}, Text: "received 5 EUR",
				Header: map[string][]string{"Authentication-Results": {"mx; dkim=pass header.d=evilbank.example"}}}, false, ""},
		{"amount pattern without a match", NoticeRule{Name: "r", From: []string{"*@bank.example"}, Amount: `total (?P<amount>\d+)`}, base, false, ""},
		{"no amount at all", NoticeRule{Name: "r", From: []string{"*@bank.example"}},
			&message.Message{From: message.Address{Email: "x@bank.example"}, Subject: "hello", Text: "nothing here 42"}, false, ""},
		{"bad pattern is skipped", NoticeRule{Name: "r", From: []string{"*@bank.example"}, Subject: "("}, base, false, ""},
		{"nil message", NoticeRule{Name: "r", From: []string{"*@bank.example"}}, nil, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, ok := ParseNotice(tc.m, []NoticeRule{tc.rule})
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.ok, n)
			}
			if ok && !n.Amount.Equal(d(tc.amount)) {
				t.Errorf("amount %s, want %s", n.Amount, tc.amount)
			}
		})
	}
}

func TestLoadConfigRejects(t *testing.T) {
	tests := map[string]string{
		"unknown field":     `{"notices": [], "csv": {}, "colour": 1}`,
		"rule without from": `{"notices": [{"name": "x"}]}`,
		"bad regexp":        `{"notices": [{"name": "x", "from": ["a@b.c"], "subject": "("}]}`,
		"group missing":     `{"notices": [{"name": "x", "from": ["a@b.c"], "amount": "\\d+"}]}`,
		"duplicate rule":    `{"notices": [{"name": "x", "from": ["a@b.c"]}, {"name": "x", "from": ["a@b.c"]}]}`,
		"csv without date":  `{"csv": {"b": {"decimal": ",", "columns": {"amount": "A"}}}}`,
		"csv bad decimal":   `{"csv": {"b": {"decimal": ";", "columns": {"date": "D", "amount": "A"}}}}`,
		"csv two amounts":   `{"csv": {"b": {"decimal": ",", "columns": {"date": "D", "amount": "A", "credit": "C"}}}}`,
		"csv bad encoding":  `{"csv": {"b": {"decimal": ",", "encoding": "ebcdic", "columns": {"date": "D", "amount": "A"}}}}`,
	}
	for name, js := range tests {
		if _, err := LoadConfig(strings.NewReader(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseNotice(f *testing.F) {
	f.Add("Virement reçu", "un virement de 1 200,00 EUR le 19/11/2026\nÉmetteur : X\nMotif : F-1")
	f.Add("You've got money", "X sent you €1,000.00 EUR")
	rules := []NoticeRule{
		{Name: "a", From: []string{"*@b.example"}},
		{Name: "b", From: []string{"*@b.example"}, Amount: `(?P<amount>[\d .,]+)\s*(?P<currency>EUR|€)`, Date: `(?P<date>\d+/\d+/\d+)`, Payer: `: (?P<payer>.*)`},
	}
	f.Fuzz(func(t *testing.T, subject, text string) {
		m := &message.Message{From: message.Address{Email: "x@b.example"}, Subject: subject, Text: text}
		if n, ok := ParseNotice(m, rules); ok && !n.Amount.IsPositive() {
			t.Fatalf("notice with amount %s", n.Amount)
		}
	})
}
