package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// JSON shapes of the CLI contract (DESIGN.md): field names are stable.
type clientJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type invoiceJSON struct {
	Number    string       `json:"number"`
	Client    clientJSON   `json:"client"`
	Amount    string       `json:"amount"`
	Balance   string       `json:"balance"`
	Currency  string       `json:"currency"`
	IssueDate *string      `json:"issue_date"`
	DueDate   *string      `json:"due_date"`
	State     domain.State `json:"state"`
	Kind      string       `json:"kind"`
	Missing   []string     `json:"missing,omitempty"`
}

type draftJSON struct {
	ID        int64              `json:"id"`
	Invoices  []string           `json:"invoices"`
	Stage     string             `json:"stage"`
	To        []string           `json:"to"`
	Subject   string             `json:"subject"`
	Status    domain.DraftStatus `json:"status"`
	CreatedAt string             `json:"created_at"`
	HoldUntil string             `json:"hold_until"`
	Body      string             `json:"body,omitempty"`
	// Context: what the reviewer should know (an open call task, a broken
	// promise, a blank to fill in an answer).
	Context []noteJSON `json:"context,omitempty"`
	// Objection: for an answer, the stock objection it answers.
	Objection domain.Objection `json:"objection,omitempty"`
}

// noteJSON is one thing the reviewer of a draft should know.
type noteJSON struct {
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
	Text string   `json:"text"`
}

type flagJSON struct {
	ID       int64             `json:"id"`
	Kind     domain.FlagKind   `json:"kind"`
	Invoice  string            `json:"invoice"`
	Client   clientJSON        `json:"client"`
	Status   domain.FlagStatus `json:"status"`
	Evidence []string          `json:"evidence"`
	// Objection: the stock objection the reply raised, answered by a draft.
	Objection domain.Objection `json:"objection,omitempty"`
}

func toInvoiceJSON(inv store.Invoice) invoiceJSON {
	return invoiceJSON{Number: inv.Number, Client: clientJSON{inv.Client.Name, inv.Client.Email},
		Amount: inv.Amount.StringFixed(2), Balance: inv.Balance.StringFixed(2), Currency: inv.Currency,
		IssueDate: isoDate(inv.IssueDate), DueDate: isoDate(inv.DueDate), State: inv.State, Kind: inv.Kind, Missing: inv.Missing}
}

func isoDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

// isoTime writes an instant as ISO 8601 in the business's time zone, with
// its offset.
func isoTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// clockTime writes an instant for a person: local date and time in the
// business's zone, and the offset ("2026-12-07 09:00 +01:00").
func clockTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("2006-01-02 15:04 -07:00")
}

func openStore(ctx context.Context, env *Env, path string) (*store.Store, int) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, errorf(env, "%v", err)
	}
	return st, ExitOK
}

// openForListing parses a listing command's flags (it takes no positional
// argument) and opens the store named by --db. A nil store comes with the
// exit code to return (help, usage error, unreadable database).
func openForListing(ctx context.Context, env *Env, fs *flag.FlagSet, args []string, db *string) (*store.Store, int) {
	pos, code, ok := parse(fs, args)
	if !ok {
		return nil, code
	}
	if len(pos) > 0 {
		fs.Usage()
		return nil, ExitUsage
	}
	return openStore(ctx, env, *db)
}

// openInvoice opens the store named by --db and finds an invoice by number.
// A nil store comes with the exit code to return.
func openInvoice(ctx context.Context, env *Env, db, number string) (*store.Store, store.Invoice, int) {
	st, code := openStore(ctx, env, db)
	if st == nil {
		return nil, store.Invoice{}, code
	}
	inv, err := st.InvoiceByNumber(ctx, number)
	if err != nil {
		st.Close()
		if errors.Is(err, store.ErrNotFound) {
			return nil, store.Invoice{}, errorf(env, "no invoice numbered %q (see 'relance invoices')", number)
		}
		return nil, store.Invoice{}, errorf(env, "%v", err)
	}
	return st, inv, ExitOK
}

func printJSON(env *Env, v any) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return errorf(env, "write JSON: %v", err)
	}
	return ExitOK
}

func cmdInvoices(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			args = args[1:]
		case "show", "resume", "stop":
			return invoiceAction(ctx, env, args[0], args[1:])
		case "adopt":
			return adoptDocument(ctx, env, args[1:])
		}
	}
	fs := flagSet(env, "invoices")
	asJSON := fs.Bool("json", false, "print one JSON array")
	rejected := fs.Bool("rejected", false, "list the sent documents set aside as not ours (supplier invoices, quotes, pro formas, receipts, our reminders) with their reason")
	state := fs.String("state", "", "only these states (comma-separated), e.g. open,promised")
	search := fs.String("search", "", "number or client name/email contains")
	db := dbFlag(fs)
	st, code := openForListing(ctx, env, fs, args, db)
	if st == nil {
		return code
	}
	defer st.Close()
	if *rejected {
		return listRejected(ctx, env, st, *asJSON)
	}
	f := store.InvoiceFilter{Search: *search}
	if *state != "" {
		for _, s := range strings.Split(*state, ",") {
			f.States = append(f.States, domain.State(s))
		}
	}
	invs, err := st.Invoices(ctx, f)
	if err != nil {
		return errorf(env, "%v", err)
	}
	if *asJSON {
		out := make([]invoiceJSON, 0, len(invs))
		for _, inv := range invs {
			out = append(out, toInvoiceJSON(inv))
		}
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tCLIENT\tISSUED\tDUE\tAMOUNT\tBALANCE\tSTATE")
	for _, inv := range invs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s\t%s\n", inv.Number, clientLabel(inv.Client), dateOr(inv.IssueDate), dateOr(inv.DueDate),
			inv.Amount.StringFixed(2), inv.Currency, inv.Balance.StringFixed(2), inv.State)
	}
	tw.Flush()
	return ExitOK
}

func clientLabel(c store.Client) string {
	if c.Name != "" {
		return c.Name + " <" + c.Email + ">"
	}
	return c.Email
}

func dateOr(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func toDraftJSON(d store.Draft, withBody bool, loc *time.Location) draftJSON {
	j := draftJSON{ID: d.ID, Invoices: d.InvoiceNumbers, Stage: d.Stage, To: d.To, Subject: d.Subject, Status: d.Status,
		CreatedAt: isoTime(d.CreatedAt, loc), HoldUntil: isoTime(d.HoldUntil, loc), Objection: d.Objection}
	if j.Invoices == nil {
		j.Invoices = []string{}
	}
	if j.To == nil {
		j.To = []string{}
	}
	if withBody {
		j.Body = d.Body
		for _, n := range d.Context {
			j.Context = append(j.Context, noteJSON{Code: n.Code, Args: n.Args, Text: noteText(n)})
		}
	}
	return j
}

func cmdDrafts(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "drafts")
	asJSON := fs.Bool("json", false, "print JSON")
	all := fs.Bool("all", false, "list: include sent, cancelled and superseded drafts")
	reason := fs.String("reason", "", "cancel, send-now: why (kept in the event log; required for send-now)")
	until := fs.String("until", "", "cancel: no new reminder for its invoices until YYYY-MM-DD, 'reply' (until the client writes) or 'never' (default: one week)")
	override := fs.String("override", "", "approve: approve before the hold ends, giving the reason (kept in the event log)")
	subject := fs.String("subject", "", "edit: the new subject (default: unchanged)")
	bodyFile := fs.String("body-file", "", "edit: file holding the new text ('-' for standard input)")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	action, pos := subcommand(pos)
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	switch action {
	case "list":
		if len(pos) > 0 {
			fs.Usage()
			return ExitUsage
		}
		var statuses []domain.DraftStatus
		if !*all {
			statuses = []domain.DraftStatus{domain.DraftHeld, domain.DraftApproved}
		}
		drafts, err := st.Drafts(ctx, statuses...)
		if err != nil {
			return errorf(env, "%v", err)
		}
		if *asJSON {
			out := make([]draftJSON, 0, len(drafts))
			for _, d := range drafts {
				out = append(out, toDraftJSON(d, false, env.zone()))
			}
			return printJSON(env, out)
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTAGE\tCLIENT\tINVOICES\tHOLD UNTIL\tSTATUS\tSUBJECT")
		for _, d := range drafts {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Stage, d.ClientName, strings.Join(d.InvoiceNumbers, ","),
				clockTime(d.HoldUntil, env.zone()), d.Status, d.Subject)
		}
		tw.Flush()
		return ExitOK
	case "show", "approve", "cancel", "send-now":
		id, ok := oneID(env, "drafts "+action, "draft", pos)
		if !ok {
			return ExitUsage
		}
		d, err := findDraft(ctx, st, id)
		if err != nil {
			return errorf(env, "%v", err)
		}
		if action == "show" {
			if *asJSON {
				return printJSON(env, toDraftJSON(d, true, env.zone()))
			}
			fmt.Fprintf(env.Stdout, "Draft %d (%s, %s)\nTo: %s\nSubject: %s\nHeld until: %s\nInvoices: %s\n", d.ID, d.Stage, d.Status,
				strings.Join(d.To, ", "), d.Subject, clockTime(d.HoldUntil, env.zone()), strings.Join(d.InvoiceNumbers, ", "))
			for _, c := range d.Context {
				fmt.Fprintf(env.Stdout, "Note: %s\n", noteText(c))
			}
			fmt.Fprintf(env.Stdout, "\n%s\n", d.Body)
			return ExitOK
		}
		now := env.Now()
		var quiet policy.Quiet
		if action == "cancel" {
			if quiet, err = policy.ParseQuiet(*until, policy.DateIn(now, env.zone())); err != nil {
				fmt.Fprintf(env.Stderr, "relance drafts cancel: --until: %v\n", err)
				return ExitUsage
			}
		}
		status := domain.DraftApproved
		err = st.Update(ctx, now, func(tx *store.Tx) error {
			switch action {
			case "cancel":
				status = domain.DraftCancelled
				return tx.CancelDraftUntil(id, domain.ActorCLI, *reason, quiet)
			case "send-now":
				return tx.SendDraftNow(id, domain.ActorCLI, *reason)
			}
			return tx.ApproveDraft(id, domain.ActorCLI, *override)
		})
		if errors.Is(err, store.ErrReasonRequired) {
			return errorf(env, "draft %d: send-now needs --reason \"why\" (kept in the event log)", id)
		}
		if errors.Is(err, store.ErrHoldNotOver) {
			return errorf(env, "draft %d is held until %s so that it can be reread tomorrow; approve it then, or now with --override \"why\"",
				id, clockTime(d.HoldUntil, env.zone()))
		}
		if errors.Is(err, store.ErrWrongStatus) {
			return errorf(env, "draft %d is %s: it can no longer be %sd", id, d.Status, action)
		}
		if err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "draft %d %s%s\n", id, status, decisionSays(ctx, env, st, id, action, quiet, now))
		return ExitOK
	case "edit":
		return draftEdit(ctx, env, st, pos, *subject, *bodyFile)
	case "set-objection":
		return setObjection(ctx, env, st, "drafts", pos)
	}
	fmt.Fprintf(env.Stderr, "relance drafts: unknown action %q (want list, show, approve, send-now, cancel, edit or set-objection)\n", action)
	return ExitUsage
}

func findDraft(ctx context.Context, st *store.Store, id int64) (store.Draft, error) {
	drafts, err := st.Drafts(ctx)
	if err != nil {
		return store.Draft{}, err
	}
	for _, d := range drafts {
		if d.ID == id {
			return d, nil
		}
	}
	return store.Draft{}, fmt.Errorf("draft %d: %w", id, store.ErrNotFound)
}

func cmdFlags(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			args = args[1:]
		case "show", "ack", "resolve":
			return flagAction(ctx, env, args[0], args[1:])
		case "outcome":
			return taskOutcome(ctx, env, args[1:])
		case "set-objection":
			return flagObjection(ctx, env, args[1:])
		}
	}
	fs := flagSet(env, "flags")
	asJSON := fs.Bool("json", false, "print one JSON array")
	all := fs.Bool("all", false, "include resolved flags")
	db := dbFlag(fs)
	st, code := openForListing(ctx, env, fs, args, db)
	if st == nil {
		return code
	}
	defer st.Close()
	var statuses []domain.FlagStatus
	if !*all {
		statuses = []domain.FlagStatus{domain.FlagOpen, domain.FlagAcknowledged}
	}
	flags, err := st.Flags(ctx, statuses...)
	if err != nil {
		return errorf(env, "%v", err)
	}
	if *asJSON {
		out := make([]flagJSON, 0, len(flags))
		for _, f := range flags {
			ev := f.Evidence
			if ev == nil {
				ev = []string{}
			}
			out = append(out, flagJSON{ID: f.ID, Kind: f.Kind, Invoice: f.InvoiceNum, Client: clientJSON{f.ClientName, f.ClientEmail},
				Status: f.Status, Evidence: ev, Objection: f.Objection})
		}
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tINVOICE\tCLIENT\tSTATUS\tEVIDENCE")
	for _, f := range flags {
		ev := ""
		if len(f.Evidence) > 0 {
			ev = f.Evidence[0]
			if len(ev) > 80 {
				ev = ev[:77] + "..."
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Kind, f.InvoiceNum, f.ClientEmail, f.Status, ev)
	}
	tw.Flush()
	return ExitOK
}

func cmdPay(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "pay")
	amountFlag := fs.String("amount", "", "amount received (default: the whole balance); '1234,56' and '1234.56' are accepted")
	dateFlag := fs.String("date", "", "date received, YYYY-MM-DD (default: today)")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "relance pay: needs exactly one invoice number")
		fs.Usage()
		return ExitUsage
	}
	paidOn := env.Now()
	if *dateFlag != "" {
		t, err := time.Parse("2006-01-02", *dateFlag)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance pay: --date: want YYYY-MM-DD, got %q\n", *dateFlag)
			return ExitUsage
		}
		paidOn = t
	}
	st, inv, code := openInvoice(ctx, env, *db, pos[0])
	if st == nil {
		return code
	}
	defer st.Close()
	amount := inv.Balance
	if *amountFlag != "" {
		a, err := decimal.NewFromString(strings.ReplaceAll(strings.ReplaceAll(*amountFlag, " ", ""), ",", "."))
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance pay: --amount: not a number: %q\n", *amountFlag)
			return ExitUsage
		}
		amount = a
	}
	if !amount.IsPositive() {
		return errorf(env, "invoice %s has nothing left to pay (balance %s %s)", inv.Number, inv.Balance.StringFixed(2), inv.Currency)
	}
	var after store.Invoice
	err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
		var err error
		after, err = tx.RecordOwnerPayment(store.Payment{InvoiceID: inv.ID, Amount: amount, Currency: inv.Currency, PaidOn: paidOn, Source: "manual"}, domain.ActorCLI)
		return err
	})
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "invoice %s: %s %s recorded; balance %s %s (%s)\n", inv.Number, amount.StringFixed(2), inv.Currency,
		after.Balance.StringFixed(2), inv.Currency, after.State)
	return ExitOK
}

// rejectedJSON is one document of `relance invoices --rejected --json`.
type rejectedJSON struct {
	ID        int64      `json:"id"`
	MessageID string     `json:"message_id"`
	Subject   string     `json:"subject"`
	Date      string     `json:"date"`
	Rejected  string     `json:"rejected"`
	Reason    string     `json:"reason"`
	Number    string     `json:"number"`
	Client    clientJSON `json:"client"`
	Amount    string     `json:"amount"`
	Currency  string     `json:"currency"`
	Adopted   *string    `json:"adopted"`
}

func listRejected(ctx context.Context, env *Env, st *store.Store, asJSON bool) int {
	docs, err := st.RejectedDocuments(ctx, true)
	if err != nil {
		return errorf(env, "%v", err)
	}
	if asJSON {
		out := make([]rejectedJSON, 0, len(docs))
		for _, d := range docs {
			j := rejectedJSON{ID: d.MessageID, MessageID: d.HeaderID, Subject: d.Subject, Date: isoTime(d.Date, env.zone()), Rejected: d.Rejected,
				Reason: d.Reason, Number: d.Facts.Number, Client: clientJSON{d.Facts.ClientName, d.Facts.ClientEmail},
				Amount: d.Facts.Amount, Currency: d.Facts.Currency}
			if d.AdoptedNumber != "" {
				n := d.AdoptedNumber
				j.Adopted = &n
			}
			out = append(out, j)
		}
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MESSAGE-ID\tDATE\tSUBJECT\tREJECTED\tREASON\tADOPTED")
	for _, d := range docs {
		adopted := "-"
		if d.AdoptedNumber != "" {
			adopted = d.AdoptedNumber
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.HeaderID, dateOr(d.Date), d.Subject, d.Rejected, d.Reason, adopted)
	}
	tw.Flush()
	return ExitOK
}

// adoptDocument is `relance invoices adopt MESSAGE`: the owner says a
// document relance set aside is one of our invoices.
func adoptDocument(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "invoices adopt")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "relance invoices adopt: needs the Message-ID of one rejected document (see relance invoices --rejected)")
		return ExitUsage
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	var inv store.Invoice
	err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
		var err error
		inv, err = tx.AdoptDocument(pos[0], domain.ActorCLI)
		return err
	})
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "adopted: invoice %s, %s %s, %s\n", inv.Number, inv.Balance.StringFixed(2), inv.Currency, clientLabel(inv.Client))
	return ExitOK
}

// decisionSays is what a decision on a draft will do, in words: when an
// approved draft goes (in the business's zone, with its offset), until
// when its invoices stay quiet after a cancel.
func decisionSays(ctx context.Context, env *Env, st *store.Store, id int64, action string, q policy.Quiet, now time.Time) string {
	switch action {
	case "send-now":
		return ": goes at the next pass of the daemon (send now)"
	case "cancel":
		switch q.Kind {
		case policy.QuietUntilDate:
			return fmt.Sprintf(": no new reminder for its invoices before %s", q.Until)
		case policy.QuietUntilReply:
			return ": no new reminder for its invoices until the client writes"
		case policy.QuietNever:
			return ": no reminder ever again for its invoices (invoices resume lifts it)"
		}
		return ""
	}
	p, err := businessPolicy(os.Getenv, env.zone())
	if err != nil {
		return ""
	}
	at, err := outbox.GoesAt(ctx, st, p, id, now, false)
	if err != nil || at.IsZero() {
		return ""
	}
	return ": goes on " + clockTime(at, env.zone())
}

// businessPolicy is the daemon's policy (app.LoadPolicy), in zone.
func businessPolicy(getenv func(string) string, zone *time.Location) (policy.Policy, error) {
	pc := policy.DefaultConfig()
	if path := getenv("RELANCE_POLICY_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return policy.Policy{}, fmt.Errorf("RELANCE_POLICY_FILE: %w", err)
		}
		if pc, err = policy.DecodeConfig(b); err != nil {
			return policy.Policy{}, fmt.Errorf("policy file %s: %w", path, err)
		}
	}
	pc.TimeZone = zone.String()
	return pc.WithDefaults().Compile()
}
