package cli

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/store"
)

// consumerOf reads the b2c column as the policy will, through the chasing view.
func consumerOf(t *testing.T, db, email string) bool {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.ChasingClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Email == email {
			return c.B2C
		}
	}
	t.Fatalf("no client %s", email)
	return false
}

func TestClientsSetKind(t *testing.T) {
	db := payLedger(t)
	out, errOut, code := runCLI(t, "clients", "set", "jeanne@atelier-dupont.fr", "--kind", "consumer", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is now a consumer client\n" {
		t.Fatalf("set consumer: exit %d %q %q", code, out, errOut)
	}
	if !consumerOf(t, db, "jeanne@atelier-dupont.fr") || consumerOf(t, db, "compta@boulangerie-martin.fr") {
		t.Fatal("the b2c column does not follow the command")
	}
	out, _, code = runCLI(t, "clients", "set", "--kind", "consumer", "JEANNE@atelier-dupont.fr", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is already a consumer client\n" {
		t.Fatalf("set consumer again: exit %d %q", code, out)
	}
	out, _, code = runCLI(t, "clients", "set", "jeanne@atelier-dupont.fr", "--kind", "business", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is now a business client\n" || consumerOf(t, db, "jeanne@atelier-dupont.fr") {
		t.Fatalf("set business: exit %d %q", code, out)
	}
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"set", "nobody@x.fr", "--kind", "consumer"}, ExitError, `no client with the address "nobody@x.fr"`},
		{[]string{"set", "jeanne@atelier-dupont.fr", "--kind", "particulier"}, ExitError, `--kind is "business" or "consumer", not "particulier"`},
		{[]string{"set", "jeanne@atelier-dupont.fr"}, ExitUsage, "Usage: relance clients"},
		{[]string{"set", "--kind", "consumer"}, ExitUsage, "Usage: relance clients"},
	} {
		_, errOut, code := runCLI(t, append(append([]string{"clients"}, c.args...), "--db", db)...)
		if code != c.code || !strings.Contains(errOut, c.stderr) {
			t.Errorf("%q: exit %d %q, want %d %q", c.args, code, errOut, c.code, c.stderr)
		}
	}
}

// clientsLedger is the payments ledger with Atelier Dupont marked a
// consumer, F-2026-019 paid 18 days late, and an English-speaking client
// whose one invoice is not yet due.
func clientsLedger(t *testing.T) string {
	t.Helper()
	db := payLedger(t)
	if _, errOut, code := runCLI(t, "clients", "set", "jeanne@atelier-dupont.fr", "--kind", "consumer", "--db", db); code != ExitOK {
		t.Fatalf("clients set: %s", errOut)
	}
	if _, errOut, code := runCLI(t, "pay", "F-2026-019", "--amount", "350.00", "--date", "2026-11-20", "--db", db); code != ExitOK {
		t.Fatalf("pay: %s", errOut)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("ap@acme.test", "Acme Ltd", "en")
		if err != nil {
			return err
		}
		_, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-040", ClientID: c.ID, Amount: decimal.RequireFromString("90.00"),
			Currency: "GBP", IssueDate: payNow.AddDate(0, 0, -3), DueDate: payNow.AddDate(0, 0, 27)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// The JSON of `relance clients --json` is a contract: field names and
// values are checked whole. Figures by hand on 2026-12-01: Boulangerie
// Martin's F-2026-019 (due 11-02) paid 11-20, 18 days late, F-2026-014
// (due 11-01) open 30 days, median 24; Atelier Dupont's two invoices of
// 600.00 open 28 and 27 days; Cabinet Leroy's one open 26 days; Acme's not
// yet due.
func TestClientsListJSON(t *testing.T) {
	db := clientsLedger(t)
	want := `[
  {"email": "ap@acme.test", "name": "Acme Ltd", "kind": "business", "segment": "new_unknown", "phones": [], "invoices": 1, "overdue": []},
  {"email": "jeanne@atelier-dupont.fr", "name": "Atelier Dupont", "kind": "consumer", "segment": "new_chronic", "phones": [], "invoices": 2,
   "overdue": [{"amount": "1200.00", "currency": "EUR"}]},
  {"email": "leroy@cabinet-leroy.fr", "name": "Cabinet Leroy", "kind": "business", "segment": "new_occasional", "phones": [], "invoices": 1,
   "overdue": [{"amount": "1000.00", "currency": "EUR"}]},
  {"email": "compta@boulangerie-martin.fr", "name": "SARL Boulangerie Martin", "kind": "business", "segment": "new_chronic", "phones": [], "invoices": 2,
   "overdue": [{"amount": "1200.00", "currency": "EUR"}]}
]`
	for _, args := range [][]string{{"clients", "--json"}, {"clients", "list", "--json"}} {
		out, errOut, code := runCLI(t, append(args, "--db", db)...)
		if code != ExitOK {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		sameJSON(t, out, want)
	}
	out, _, _ := runCLI(t, "clients", "--db", db)
	for _, line := range []string{
		"EMAIL                         NAME                     KIND      SEGMENT         INVOICES  OVERDUE",
		"jeanne@atelier-dupont.fr      Atelier Dupont           consumer  new_chronic     2         1200.00 EUR",
		"ap@acme.test                  Acme Ltd                 business  new_unknown     1         -",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("clients list lacks %q:\n%s", line, out)
		}
	}
}

func TestClientsShow(t *testing.T) {
	db := clientsLedger(t)
	out, errOut, code := runCLI(t, "clients", "show", "COMPTA@boulangerie-martin.fr", "--json", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sameJSON(t, out, `{"email": "compta@boulangerie-martin.fr", "name": "SARL Boulangerie Martin", "kind": "business", "segment": "new_chronic",
	  "phones": [], "invoices": 2, "overdue": [{"amount": "1200.00", "currency": "EUR"}], "language": "fr",
	  "kind_confirmed": false, "kind_guess": "", "kind_guess_reason": "", "address": "", "not_before": "", "notes": "",
	  "scorecard": {"invoices": 2, "left_out": 0, "billed": "1550.00", "paid": "350.00", "outstanding": "1200.00", "measured": 2,
	    "overdue_invoices": 1, "late": 2, "median_days_late": 24, "worst_days_late": 30, "oldest_overdue_days": 30, "reminders": 0,
	    "reminders_per_invoice": 0, "formal_notices": 0, "promises_kept": 0, "promises_broken": 0, "promises_pending": 0,
	    "disputes": 0, "tone": ""},
	  "advice": [{"code": "stop_credit", "reason": "Retards répétés : 2 factures sur 2 en retard, retard médian de 24 jours. Ne travaillez plus à crédit : paiement à la commande ou à la livraison."}]}`)
	// The advice speaks the client's language.
	out, _, _ = runCLI(t, "clients", "show", "ap@acme.test", "--json", "--db", db)
	var acme struct {
		Language string
		Advice   []struct{ Code, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &acme); err != nil {
		t.Fatal(err)
	}
	if acme.Language != "en" || len(acme.Advice) != 1 || acme.Advice[0].Code != "deposit" ||
		acme.Advice[0].Reason != "New client with no invoice due yet: ask for a deposit with the order until you have seen how they pay." {
		t.Errorf("advice for an English-speaking client: %+v", acme)
	}
	out, _, code = runCLI(t, "clients", "show", "compta@boulangerie-martin.fr", "--db", db)
	for _, line := range []string{
		"SARL Boulangerie Martin <compta@boulangerie-martin.fr>",
		"kind: business   segment: new_chronic   invoices: 2   overdue: 1200.00 EUR",
		"days late: median 24, worst 30 (2 of 2 invoices late)",
		"advice (stop_credit): Retards répétés : 2 factures sur 2 en retard",
	} {
		if code != ExitOK || !strings.Contains(out, line) {
			t.Errorf("clients show lacks %q:\n%s", line, out)
		}
	}
	if _, errOut, code := runCLI(t, "clients", "show", "nobody@x.fr", "--db", db); code != ExitError || !strings.Contains(errOut, `no client with the address "nobody@x.fr"`) {
		t.Errorf("unknown client: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "clients", "show", "--db", db); code != ExitUsage {
		t.Errorf("show without an address: exit %d", code)
	}
}

// sameJSON compares two JSON texts by value.
func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON:\n%s\nwant\n%s", got, want)
	}
}

// The owner corrects a client's phone numbers, address, "do not chase
// before" and notes with `clients set`; `clients --json` then lists the
// numbers to call (a fax is kept in the file but not offered as one).
func TestClientsSetFile(t *testing.T) {
	db := clientsLedger(t)
	out, errOut, code := runCLI(t, "clients", "set", "leroy@cabinet-leroy.fr", "--phone", "06 12 34 56 78", "--phone", "+44 161 496 0000 ext 12",
		"--phone", "Fax 01 23 45 67 90", "--address", "2 rue du Palais, 69005 Lyon", "--not-before", "2026-12-15", "--notes", "Appeler le matin", "--db", db)
	if code != ExitOK || out != "leroy@cabinet-leroy.fr: file updated\n" {
		t.Fatalf("set: exit %d %q %q", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "clients", "set", "leroy@cabinet-leroy.fr", "--remove-phone", "+33612345678", "--db", db); code != ExitOK {
		t.Fatalf("remove: %s", errOut)
	}
	out, _, _ = runCLI(t, "clients", "--json", "--db", db)
	var rows []clientJSONRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Email == "leroy@cabinet-leroy.fr" && !reflect.DeepEqual(r.Phones, []string{"+44 161 496 0000 ext. 12"}) {
			t.Errorf("phones %q", r.Phones)
		}
	}
	out, _, _ = runCLI(t, "clients", "show", "leroy@cabinet-leroy.fr", "--db", db)
	for _, want := range []string{"fax: 01 23 45 67 90 (owner)", "address: 2 rue du Palais, 69005 Lyon", "do not chase before 2026-12-15", "notes: Appeler le matin"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, "clients", "show", "leroy@cabinet-leroy.fr", "--json", "--db", db)
	var show clientShowJSON
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatal(err)
	}
	if show.Address != "2 rue du Palais, 69005 Lyon" || show.NotBefore != "2026-12-15" || show.Notes != "Appeler le matin" || show.KindConfirmed {
		t.Errorf("show --json: %+v", show)
	}
	// Kind and file together, through the same use cases.
	if out, errOut, code := runCLI(t, "clients", "set", "leroy@cabinet-leroy.fr", "--kind", "consumer", "--notes", "-", "--db", db); code != ExitOK ||
		!strings.Contains(out, "now a consumer client") || !strings.Contains(out, "file updated") {
		t.Fatalf("kind and notes: exit %d %q %q", code, out, errOut)
	}
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"set", "leroy@cabinet-leroy.fr", "--phone", "call me"}, "not a phone number"},
		{[]string{"set", "leroy@cabinet-leroy.fr", "--remove-phone", "06 00 00 00 00"}, "no such phone number"},
		{[]string{"set", "leroy@cabinet-leroy.fr", "--not-before", "15/12/2026"}, "--not-before is a date YYYY-MM-DD"},
		{[]string{"set", "nobody@x.fr", "--phone", "06 12 34 56 78"}, `no client with the address "nobody@x.fr"`},
	} {
		_, errOut, code := runCLI(t, append(append([]string{"clients"}, c.args...), "--db", db)...)
		if code != ExitError || !strings.Contains(errOut, c.stderr) {
			t.Errorf("%q: exit %d %q, want %q", c.args, code, errOut, c.stderr)
		}
	}
}
