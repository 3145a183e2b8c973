package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/engine"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

// errDryRun rolls back a dry run's transaction once its outcome is known.
var errDryRun = errors.New("dry run")

type allocationJSON struct {
	Invoice string `json:"invoice"`
	Amount  string `json:"amount"`
	Settles bool   `json:"settles"`
}

type importJSON struct {
	Line        int              `json:"line"`
	Date        *string          `json:"date"`
	Amount      string           `json:"amount"`
	Currency    string           `json:"currency"`
	Payer       string           `json:"payer"`
	Reference   string           `json:"reference"`
	ExternalRef string           `json:"external_ref"`
	Outcome     string           `json:"outcome"`
	Rule        string           `json:"rule,omitempty"`
	Invoices    []allocationJSON `json:"invoices"`
	Excess      string           `json:"excess,omitempty"`
	Candidates  []string         `json:"candidates,omitempty"`
	Reason      string           `json:"reason"`
}

func cmdImport(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "import")
	format := fs.String("format", "", "csv or camt053 (default: camt053 for .xml files, csv otherwise)")
	configPath := fs.String("config", os.Getenv("RELANCE_PAYMENTS_CONFIG"), "payments configuration with the CSV formats (see config/payments.example.json)")
	csvFormat := fs.String("csv-format", "", "the CSV format to use, by name (default: the one whose columns the file has; built in: fr, en)")
	currency := fs.String("currency", "EUR", "currency of amounts the file does not qualify")
	dryRun := fs.Bool("dry-run", false, "show what would be recorded, record nothing")
	asJSON := fs.Bool("json", false, "print one JSON array")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "relance import: needs exactly one statement file")
		fs.Usage()
		return ExitUsage
	}
	file := pos[0]
	kind := strings.ToLower(*format)
	if kind == "" {
		kind = "csv"
		if strings.EqualFold(filepath.Ext(file), ".xml") {
			kind = "camt053"
		}
	}
	if kind != "csv" && kind != "camt053" {
		fmt.Fprintf(env.Stderr, "relance import: --format: want csv or camt053, got %q\n", *format)
		return ExitUsage
	}
	raw, err := readStatementFile(file)
	if err != nil {
		return errorf(env, "%v", err)
	}
	var stmt payment.Statement
	switch kind {
	case "camt053":
		stmt, err = payment.ReadCAMT053(bytes.NewReader(raw))
	case "csv":
		formats := payment.BuiltinCSVFormats()
		if *configPath != "" {
			cfg, err := loadPaymentsConfig(*configPath)
			if err != nil {
				return errorf(env, "%v", err)
			}
			for name, f := range cfg.CSV {
				formats[name] = f
			}
		}
		name, f, err2 := payment.PickCSVFormat(formats, *csvFormat, func() io.Reader { return bytes.NewReader(raw) })
		if err2 != nil {
			return errorf(env, "%v", err2)
		}
		if !*asJSON {
			fmt.Fprintf(env.Stdout, "reading %s as CSV format %q\n", filepath.Base(file), name)
		}
		stmt, err = payment.ReadCSV(bytes.NewReader(raw), f)
	}
	if err != nil {
		return errorf(env, "%s: %v", file, err)
	}
	for _, n := range stmt.Notes {
		fmt.Fprintf(env.Stderr, "relance import: %s: %s\n", filepath.Base(file), n)
	}
	for i := range stmt.Payments {
		if stmt.Payments[i].Currency == "" {
			stmt.Payments[i].Currency = strings.ToUpper(*currency)
		}
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	var results []payment.Result
	err = st.Update(ctx, env.Now(), func(tx *store.Tx) error {
		var err error
		if results, err = engine.SettlePayments(tx, stmt.Payments, engine.PaymentSource{Actor: domain.ActorCLI}); err != nil {
			return err
		}
		if *dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return errorf(env, "import %s: %v (nothing was recorded)", file, err)
	}
	if *asJSON {
		return printJSON(env, importReport(stmt.Payments, results))
	}
	printImport(env.Stdout, stmt.Payments, results)
	if *dryRun {
		fmt.Fprintln(env.Stdout, "dry run: nothing was recorded")
	}
	return ExitOK
}

func readStatementFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, payment.MaxStatementBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(raw) > payment.MaxStatementBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, payment.MaxStatementBytes)
	}
	return raw, nil
}

func loadPaymentsConfig(path string) (payment.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return payment.Config{}, err
	}
	defer f.Close()
	cfg, err := payment.LoadConfig(f)
	if err != nil {
		return payment.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

func importReport(ps []payment.Payment, rs []payment.Result) []importJSON {
	out := make([]importJSON, 0, len(ps))
	for i, p := range ps {
		r := rs[i]
		j := importJSON{Line: p.Line, Date: isoDate(p.Date), Amount: p.Amount.StringFixed(2), Currency: p.Currency, Payer: p.Payer,
			Reference: p.Reference, ExternalRef: p.ExternalRef, Outcome: string(r.Outcome), Rule: string(r.Rule),
			Invoices: []allocationJSON{}, Reason: r.Reason}
		for _, a := range r.Allocations {
			j.Invoices = append(j.Invoices, allocationJSON{Invoice: a.Number, Amount: a.Amount.StringFixed(2), Settles: a.Settles})
		}
		if r.Excess.IsPositive() {
			j.Excess = r.Excess.StringFixed(2)
		}
		for _, c := range r.Candidates {
			j.Candidates = append(j.Candidates, c.Number)
		}
		out = append(out, j)
	}
	return out
}

func printImport(w io.Writer, ps []payment.Payment, rs []payment.Result) {
	counts := map[payment.Outcome]int{}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tDATE\tAMOUNT\tPAYER\tOUTCOME\tINVOICES\tWHY")
	for i, p := range ps {
		r := rs[i]
		counts[r.Outcome]++
		var invs []string
		for _, a := range r.Allocations {
			s := a.Number
			if !a.Settles {
				s += " (" + a.Amount.StringFixed(2) + ")"
			}
			invs = append(invs, s)
		}
		if r.Outcome == payment.Triage {
			for _, c := range r.Candidates {
				invs = append(invs, c.Number+"?")
			}
		}
		payer := p.Payer
		if payer == "" {
			payer = shorten(p.Reference, 30)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s %s\t%s\t%s\t%s\t%s\n", p.Line, dateOr(p.Date), p.Amount.StringFixed(2), p.Currency, shorten(payer, 30),
			r.Outcome, strings.Join(invs, ", "), shorten(r.Reason, 70))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d payments: %d matched, %d partial, %d overpaid, %d to triage, %d unknown payer, %d already imported\n",
		len(ps), counts[payment.Matched], counts[payment.Partial], counts[payment.Overpaid], counts[payment.Triage],
		counts[payment.Unknown], counts[payment.Duplicate])
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

type instalmentJSON struct {
	Due    string `json:"due"`
	Amount string `json:"amount"`
	Paid   string `json:"paid"`
	Status string `json:"status"` // paid, due, missed
}

type planJSON struct {
	Invoice     string           `json:"invoice"`
	Client      clientJSON       `json:"client"`
	Currency    string           `json:"currency"`
	Status      string           `json:"status"`
	Balance     string           `json:"balance"`
	Instalments []instalmentJSON `json:"instalments"`
}

func cmdPlan(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "plan")
	instalments := fs.String("instalments", "", "agreed dates and amounts, e.g. 2026-12-15:500,2027-01-15:500 (use ';' between instalments for amounts with a decimal comma)")
	cancel := fs.Bool("cancel", false, "end the invoice's active plan (the invoice returns to its previous state)")
	reason := fs.String("reason", "", "cancel: why (kept in the event log)")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "relance plan: needs exactly one invoice number")
		fs.Usage()
		return ExitUsage
	}
	var agreed []store.NewInstalment
	if *instalments != "" {
		if *cancel {
			fmt.Fprintln(env.Stderr, "relance plan: --instalments and --cancel do not go together")
			return ExitUsage
		}
		var err error
		if agreed, err = parseInstalments(*instalments); err != nil {
			fmt.Fprintf(env.Stderr, "relance plan: --instalments: %v\n", err)
			return ExitUsage
		}
	}
	st, inv, code := openInvoice(ctx, env, *db, pos[0])
	if st == nil {
		return code
	}
	defer st.Close()
	switch {
	case *cancel:
		err := st.Update(ctx, env.Now(), func(tx *store.Tx) error { return tx.CancelPlan(inv.ID, domain.ActorCLI, *reason) })
		if errors.Is(err, store.ErrNotFound) {
			return errorf(env, "invoice %s has no active plan", inv.Number)
		}
		if err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "invoice %s: plan cancelled\n", inv.Number)
		return ExitOK
	case agreed != nil:
		var plan store.Plan
		err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
			var err error
			plan, err = tx.RecordPlan(inv.ID, agreed, domain.ActorCLI)
			return err
		})
		if err != nil {
			return errorf(env, "%v", err)
		}
		if *asJSON {
			return printJSON(env, toPlanJSON(plan, env.Now()))
		}
		fmt.Fprintf(env.Stdout, "invoice %s: payment plan of %d instalments recorded; the invoice is now %s\n", inv.Number, len(plan.Instalments), domain.StatePlan)
		printPlan(env.Stdout, plan, env.Now())
		return ExitOK
	}
	plan, err := st.ActivePlan(ctx, inv.ID)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(env, "invoice %s has no active plan (record one with --instalments)", inv.Number)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	if *asJSON {
		return printJSON(env, toPlanJSON(plan, env.Now()))
	}
	fmt.Fprintf(env.Stdout, "invoice %s: payment plan (%s), balance %s %s\n", inv.Number, plan.Status, plan.Balance.StringFixed(2), plan.Currency)
	printPlan(env.Stdout, plan, env.Now())
	return ExitOK
}

// parseInstalments reads "2026-12-15:500,2027-01-15:500" (or with ';'
// between instalments, so amounts may use a decimal comma).
func parseInstalments(s string) ([]store.NewInstalment, error) {
	agreed, err := payment.ParseInstalments(s)
	if err != nil {
		return nil, err
	}
	out := make([]store.NewInstalment, len(agreed))
	for i, a := range agreed {
		out[i] = store.NewInstalment{Due: a.Due, Amount: a.Amount}
	}
	return out, nil
}

func instalmentStatus(in store.Instalment, now time.Time) string {
	switch {
	case in.Covered:
		return "paid"
	case in.Due.Format("2006-01-02") < now.Format("2006-01-02"):
		return "missed"
	}
	return "due"
}

func printPlan(w io.Writer, p store.Plan, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, in := range p.Instalments {
		paid := ""
		if in.Paid.IsPositive() && !in.Covered {
			paid = in.Paid.StringFixed(2) + " received"
		}
		fmt.Fprintf(tw, "  %d.\t%s\t%s %s\t%s\t%s\n", in.Seq, in.Due.Format("2006-01-02"), in.Amount.StringFixed(2), p.Currency,
			instalmentStatus(in, now), paid)
	}
	tw.Flush()
}

func toPlanJSON(p store.Plan, now time.Time) planJSON {
	j := planJSON{Invoice: p.InvoiceNumber, Client: clientJSON{p.Client.Name, p.Client.Email}, Currency: p.Currency, Status: p.Status,
		Balance: p.Balance.StringFixed(2), Instalments: []instalmentJSON{}}
	for _, in := range p.Instalments {
		j.Instalments = append(j.Instalments, instalmentJSON{Due: in.Due.Format("2006-01-02"), Amount: in.Amount.StringFixed(2),
			Paid: decimal.Max(in.Paid, decimal.Zero).StringFixed(2), Status: instalmentStatus(in, now)})
	}
	return j
}
