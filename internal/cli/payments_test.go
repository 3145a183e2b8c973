package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

var payNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// payLedger creates a database with the invoices the statements below pay.
func payLedger(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "relance.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	due := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	invs := []struct{ number, email, name, amount string }{
		{"F-2026-014", "compta@boulangerie-martin.fr", "SARL Boulangerie Martin", "1200.00"},
		{"F-2026-019", "compta@boulangerie-martin.fr", "SARL Boulangerie Martin", "350.00"},
		{"F-2026-020", "jeanne@atelier-dupont.fr", "Atelier Dupont", "600.00"},
		{"F-2026-021", "jeanne@atelier-dupont.fr", "Atelier Dupont", "600.00"},
		{"F-2026-030", "leroy@cabinet-leroy.fr", "Cabinet Leroy", "1000.00"},
	}
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		for i, in := range invs {
			c, err := tx.EnsureClient(in.email, in.name, "fr")
			if err != nil {
				return err
			}
			if _, _, err := tx.UpsertInvoice(store.NewInvoice{Number: in.number, ClientID: c.ID, Amount: decimal.RequireFromString(in.amount),
				Currency: "EUR", IssueDate: due.AddDate(0, -1, 0), DueDate: due.AddDate(0, 0, i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return payNow }})
	return out.String(), errb.String(), code
}

const frStatement = "\ufeffDate opération;Date valeur;Libellé;Détail;Débit;Crédit\r\n" +
	"05/11/2026;05/11/2026;VIR SEPA RECU /DE SARL BOULANGERIE MARTIN /MOTIF FACT F2026014;;;1 200,00\r\n" +
	"06/11/2026;06/11/2026;PRLV SEPA URSSAF;;-1 245,00;\r\n" +
	"12/11/2026;12/11/2026;\"VIR INST RECU /DE ATELIER DUPONT; ACOMPTE\";;;300,00\r\n" +
	"19/11/2026;19/11/2026;VIR SEPA RECU /DE CABINET LEROY /MOTIF HONORAIRES;;;400,00\r\n" +
	"20/11/2026;20/11/2026;VIR SEPA RECU /DE M. PAUL INCONNU;;;12,00\r\n" +
	"21/11/2026;21/11/2026;VIR SEPA RECU /DE SARL BOULANGERIE MARTIN /MOTIF F-2026-019;;;400,00\r\n"

const camtStatement = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-30T20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630004000050000123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-05</Dt></BookgDt>
<AcctSvcrRef>BQ-1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>SARL BOULANGERIE MARTIN</Nm></Dbtr></RltdPties>
<RmtInf><Strd><CdtrRefInf><Ref>F-2026-014</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">1600.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-06</Dt></BookgDt>
<AcctSvcrRef>BQ-2</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Cabinet Leroy</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>HONORAIRES</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
`

type ledgerSnapshot struct {
	invoices string
	events   int
	flags    int
	payments int
}

func snapshot(t *testing.T, db string) ledgerSnapshot {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	payments := 0
	for _, inv := range invs {
		b.WriteString(inv.Number + " " + inv.Balance.StringFixed(2) + " " + string(inv.State) + "\n")
		ps, err := st.Payments(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		payments += len(ps)
	}
	un, _ := st.UnallocatedPayments(ctx)
	events, _ := st.Events(ctx, 0)
	flags, _ := st.Flags(ctx)
	return ledgerSnapshot{invoices: b.String(), events: len(events), flags: len(flags), payments: payments + len(un)}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCSV(t *testing.T) {
	db := payLedger(t)
	file := writeFile(t, "releve.csv", frStatement)
	before := snapshot(t, db)

	out, errOut, code := runCLI(t, "import", file, "--dry-run", "--db", db)
	if code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "dry run: nothing was recorded") || snapshot(t, db) != before {
		t.Fatalf("the dry run recorded something:\n%s", out)
	}
	dry := out

	out, errOut, code = runCLI(t, "import", file, "--format", "csv", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.TrimSuffix(dry, "dry run: nothing was recorded\n") != out {
		t.Errorf("the dry run announced something else:\n%s\nthan the import:\n%s", dry, out)
	}
	for _, want := range []string{`CSV format "fr"`, "F-2026-014", "matched", "partial", "F-2026-030 (400.00)", "triage", "F-2026-020?",
		"unknown", "overpaid", "5 payments: 1 matched, 1 partial, 1 overpaid, 1 to triage, 1 unknown payer, 0 already imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	after := snapshot(t, db)
	wantInvoices := "F-2026-014 0.00 paid\nF-2026-019 0.00 paid\nF-2026-020 600.00 open\nF-2026-021 600.00 open\nF-2026-030 600.00 open\n"
	if after.invoices != wantInvoices {
		t.Errorf("ledger after import:\n%s\nwant:\n%s", after.invoices, wantInvoices)
	}
	if after.flags != 2 { // the triaged 300 and the 50 overpaid
		t.Errorf("%d flags, want 2", after.flags)
	}

	// Re-import changes nothing.
	out, _, code = runCLI(t, "import", file, "--db", db)
	if code != ExitOK || !strings.Contains(out, "5 already imported") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}
	if again := snapshot(t, db); again != after {
		t.Errorf("re-import changed the ledger: %+v, was %+v", again, after)
	}
}

func TestImportCAMT053JSON(t *testing.T) {
	db := payLedger(t)
	file := writeFile(t, "statement.xml", camtStatement)
	out, errOut, code := runCLI(t, "import", file, "--json", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var got []importJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 2 || got[0].Outcome != "matched" || got[0].Invoices[0].Invoice != "F-2026-014" ||
		got[1].Outcome != "overpaid" || got[1].Excess != "600.00" || !strings.HasPrefix(got[0].ExternalRef, "camt:") {
		t.Errorf("report %+v", got)
	}
	after := snapshot(t, db)
	out, _, _ = runCLI(t, "import", file, "--json", "--db", db)
	if err := json.Unmarshal([]byte(out), &got); err != nil || got[0].Outcome != "duplicate" || got[1].Outcome != "duplicate" {
		t.Errorf("re-import report %s", out)
	}
	if snapshot(t, db) != after {
		t.Errorf("re-import changed the ledger")
	}
}

func TestImportErrors(t *testing.T) {
	db := payLedger(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import"}, ExitUsage, "exactly one statement file"},
		{[]string{"import", "x.csv", "--format", "ofx"}, ExitUsage, "want csv or camt053"},
		{[]string{"import", filepath.Join(t.TempDir(), "missing.csv")}, ExitError, "no such file"},
		{[]string{"import", writeFile(t, "odd.csv", "a;b\n1;2\n")}, ExitError, "fit no csv format"},
		{[]string{"import", writeFile(t, "bad.xml", "<Document/>")}, ExitError, "no BkToCstmrStmt"},
		{[]string{"import", writeFile(t, "s.csv", frStatement), "--csv-format", "nl"}, ExitError, `no csv format "nl"`},
		{[]string{"import", writeFile(t, "s.csv", frStatement), "--config", writeFile(t, "bad.json", `{"csv": 1}`)}, ExitError, "bad.json"},
	}
	for _, tc := range tests {
		_, errOut, code := runCLI(t, append(tc.args, "--db", db)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want %d %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestPlanCommand(t *testing.T) {
	db := payLedger(t)
	out, errOut, code := runCLI(t, "plan", "F-2026-030", "--instalments", "2026-12-15:400,2027-01-15:300,2027-02-15:300", "--db", db)
	if code != ExitOK || !strings.Contains(out, "payment plan of 3 instalments recorded") || !strings.Contains(out, "2027-02-15") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if s := snapshot(t, db); !strings.Contains(s.invoices, "F-2026-030 1000.00 plan") {
		t.Errorf("invoice state:\n%s", s.invoices)
	}
	out, _, code = runCLI(t, "plan", "F-2026-030", "--json", "--db", db)
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil || code != ExitOK || len(p.Instalments) != 3 || p.Instalments[0].Status != "due" {
		t.Fatalf("show: exit %d %v\n%s", code, err, out)
	}
	// A second plan for the same invoice is refused.
	_, errOut, code = runCLI(t, "plan", "F-2026-030", "--instalments", "2026-12-15:1000", "--db", db)
	if code != ExitError || !strings.Contains(errOut, "already has an active payment plan") {
		t.Errorf("second plan: exit %d %s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan"}, ExitUsage, "exactly one invoice"},
		{[]string{"plan", "F-2026-020", "--instalments", "15/12/2026:600"}, ExitUsage, "YYYY-MM-DD"},
		{[]string{"plan", "F-2026-020", "--instalments", "2026-12-15:-5"}, ExitUsage, "positive"},
		{[]string{"plan", "F-2026-020", "--instalments", "2026-12-15:100"}, ExitError, "add up to 100.00 EUR but invoice F-2026-020 owes 600.00"},
		{[]string{"plan", "F-9"}, ExitError, "no invoice numbered"},
		{[]string{"plan", "F-2026-020"}, ExitError, "no active plan"},
		{[]string{"plan", "F-2026-020", "--instalments", "2026-12-15:300,50;2027-01-15:299,50"}, ExitOK, "2 instalments"},
		{[]string{"plan", "F-2026-020", "--cancel"}, ExitOK, "plan cancelled"},
	} {
		out, errOut, code := runCLI(t, append(tc.args, "--db", db)...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want %d %q", tc.args, code, out+errOut, tc.code, tc.want)
		}
	}
}

// A transfer first announced by the bank's notification mail, then listed
// on the statement, is one payment.
func TestImportConfirmsNotice(t *testing.T) {
	db := payLedger(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.InvoiceByNumber(ctx, "F-2026-030")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, payNow, func(tx *store.Tx) error {
		_, err := tx.SettlePayment(store.Settlement{Receipt: store.Receipt{Amount: decimal.RequireFromString("400"), Currency: "EUR",
			PaidOn: time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC), Source: store.SourceBankNotice, ExternalRef: "notice:n1@bank"},
			Outcome: store.SettlePartial, Allocations: []store.Allocation{{InvoiceID: inv.ID, Amount: decimal.RequireFromString("400")}}}, domain.ActorDaemon)
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "releve.csv", frStatement)
	out, errOut, code := runCLI(t, "import", file, "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "already recorded from notice:n1@bank") {
		t.Errorf("the statement line was not paired with the notice:\n%s", out)
	}
	if s := snapshot(t, db); !strings.Contains(s.invoices, "F-2026-030 600.00 open") {
		t.Errorf("the 400 was applied twice:\n%s", s.invoices)
	}
	after := snapshot(t, db)
	runCLI(t, "import", file, "--db", db)
	if snapshot(t, db) != after {
		t.Errorf("re-import changed the ledger")
	}
}
