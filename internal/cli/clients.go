package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdClients(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "clients")
	kind := fs.String("kind", "", "set: business or consumer (a consumer owes no L441-10 penalties and no 40 € indemnity)")
	var phones, removePhones listFlag
	fs.Var(&phones, "phone", "set: add a phone number (repeatable; French, British or +country code, \"ext 12\" for an extension)")
	fs.Var(&removePhones, "remove-phone", "set: remove a phone number (repeatable)")
	address := fs.String("address", "", "set: the client's postal address (\"-\" clears it)")
	notBefore := fs.String("not-before", "", "set: send no reminder before this date, YYYY-MM-DD (\"-\" clears it)")
	notes := fs.String("notes", "", "set: the owner's notes about the client (\"-\" clears them)")
	asJSON := fs.Bool("json", false, "list, show: print JSON")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	action, pos := subcommand(pos)
	switch action {
	case "set":
		ch, err := fileChange(phones, removePhones, *address, *notBefore, *notes)
		if err != nil {
			return errorf(env, "clients set: %v", err)
		}
		if len(pos) != 1 || (*kind == "" && ch == nil) {
			fs.Usage()
			return ExitUsage
		}
		if *kind != "" {
			k := domain.ClientKind(*kind)
			if !k.Valid() {
				return errorf(env, "clients set: --kind is %q or %q, not %q", domain.ClientBusiness, domain.ClientConsumer, *kind)
			}
			if code := setClientKind(ctx, env, *db, pos[0], k); code != ExitOK || ch == nil {
				return code
			}
		}
		return setClientFile(ctx, env, *db, pos[0], *ch)
	case "list":
		if len(pos) == 0 {
			return listClients(ctx, env, *db, *asJSON)
		}
	case "show":
		if len(pos) == 1 {
			return showClient(ctx, env, *db, pos[0], *asJSON)
		}
	}
	fs.Usage()
	return ExitUsage
}

// fileChange reads the file flags of `clients set`; nil when none is given.
// "-" clears a text or the date.
func fileChange(add, remove []string, address, notBefore, notes string) (*store.ClientFileChange, error) {
	ch := store.ClientFileChange{AddPhones: add, RemovePhones: remove}
	set := len(add) > 0 || len(remove) > 0
	text := func(v string) *string {
		if v == "-" {
			v = ""
		}
		return &v
	}
	if address != "" {
		ch.Address, set = text(address), true
	}
	if notes != "" {
		ch.Notes, set = text(notes), true
	}
	if notBefore != "" {
		var d time.Time
		if notBefore != "-" {
			var err error
			if d, err = time.Parse(time.DateOnly, notBefore); err != nil {
				return nil, fmt.Errorf("--not-before is a date YYYY-MM-DD, not %q", notBefore)
			}
		}
		ch.NotBefore, set = &d, true
	}
	if !set {
		return nil, nil
	}
	return &ch, nil
}

func setClient(ctx context.Context, env *Env, db, email string, fn func(tx *store.Tx) error) int {
	st, code := openStore(ctx, env, db)
	if st == nil {
		return code
	}
	defer st.Close()
	err := st.Update(ctx, env.Now(), fn)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorf(env, "no client with the address %q (see 'relance clients')", email)
	case err != nil:
		return errorf(env, "%v", err)
	}
	return ExitOK
}

func setClientKind(ctx context.Context, env *Env, db, email string, k domain.ClientKind) int {
	var c store.Client
	var changed bool
	if code := setClient(ctx, env, db, email, func(tx *store.Tx) (err error) {
		c, changed, err = tx.SetClientKind(email, k, domain.ActorCLI)
		return err
	}); code != ExitOK {
		return code
	}
	if !changed {
		fmt.Fprintf(env.Stdout, "%s is already a %s client\n", c.Email, k)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "%s is now a %s client\n", c.Email, k)
	return ExitOK
}

// setClientFile applies the owner's corrections of the client's file
// through the use case the web page calls.
func setClientFile(ctx context.Context, env *Env, db, email string, ch store.ClientFileChange) int {
	var c store.Client
	if code := setClient(ctx, env, db, email, func(tx *store.Tx) (err error) {
		c, err = tx.UpdateClientFile(email, ch, domain.ActorCLI)
		return err
	}); code != ExitOK {
		return code
	}
	fmt.Fprintf(env.Stdout, "%s: file updated\n", c.Email)
	return ExitOK
}

// clientJSONRow is one client of `relance clients --json`: a contract.
type clientJSONRow struct {
	Email    string            `json:"email"`
	Name     string            `json:"name"`
	Kind     domain.ClientKind `json:"kind"`
	Segment  string            `json:"segment"`
	Phones   []string          `json:"phones"`
	Invoices int               `json:"invoices"`
	Overdue  []moneyJSON       `json:"overdue"`
}

// moneyJSON is an amount in one currency.
type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// clientShowJSON is `relance clients show --json`: the list's fields, the
// scorecard's figures and its advice in the client's language.
type clientShowJSON struct {
	clientJSONRow
	Language string `json:"language"`
	// KindConfirmed: the owner set the kind; else KindGuess is what the
	// invoices suggest ("" when nothing) and KindGuessReason why, in the
	// client's language.
	KindConfirmed   bool              `json:"kind_confirmed"`
	KindGuess       domain.ClientKind `json:"kind_guess"`
	KindGuessReason string            `json:"kind_guess_reason"`
	Address         string            `json:"address"`
	NotBefore       string            `json:"not_before"` // YYYY-MM-DD, "" when none
	Notes           string            `json:"notes"`
	Scorecard       scorecardJSON     `json:"scorecard"`
	Advice          []adviceJSON      `json:"advice"`
}

type scorecardJSON struct {
	Invoices            int     `json:"invoices"`
	LeftOut             int     `json:"left_out"`
	Billed              string  `json:"billed"`
	Paid                string  `json:"paid"`
	Outstanding         string  `json:"outstanding"`
	Measured            int     `json:"measured"`
	OverdueInvoices     int     `json:"overdue_invoices"`
	Late                int     `json:"late"`
	MedianDaysLate      float64 `json:"median_days_late"`
	WorstDaysLate       int     `json:"worst_days_late"`
	OldestOverdueDays   int     `json:"oldest_overdue_days"`
	Reminders           int     `json:"reminders"`
	RemindersPerInvoice float64 `json:"reminders_per_invoice"`
	FormalNotices       int     `json:"formal_notices"`
	PromisesKept        int     `json:"promises_kept"`
	PromisesBroken      int     `json:"promises_broken"`
	PromisesPending     int     `json:"promises_pending"`
	Disputes            int     `json:"disputes"`
	Tone                string  `json:"tone"`
}

type adviceJSON struct {
	Code   scorecard.AdviceCode `json:"code"`
	Reason string               `json:"reason"`
}

// clientCard computes a client's scorecard as of the command's clock.
func clientCard(ctx context.Context, env *Env, st *store.Store, clientID int64) (scorecard.Card, error) {
	return st.ClientScorecard(ctx, clientID, env.Now().In(env.zone()))
}

// callableNumbers are the client's numbers to call, as written (faxes
// left out).
func callableNumbers(ps []store.ClientPhone) []string {
	out := []string{}
	for _, p := range ps {
		if p.Kind.Callable() {
			out = append(out, p.Display())
		}
	}
	return out
}

func toClientJSONRow(c store.ClientSummary, card scorecard.Card, phones []store.ClientPhone) clientJSONRow {
	j := clientJSONRow{Email: c.Email, Name: c.Name, Kind: c.Kind, Segment: card.Segment.String(), Phones: callableNumbers(phones),
		Invoices: c.Invoices, Overdue: []moneyJSON{}}
	for _, o := range c.Overdue {
		j.Overdue = append(j.Overdue, moneyJSON{Amount: o.Amount.StringFixed(2), Currency: o.Currency})
	}
	return j
}

// overdueText writes the overdue amounts for a person ("-" when none).
func overdueText(c clientJSONRow) string {
	if len(c.Overdue) == 0 {
		return "-"
	}
	var parts []string
	for _, o := range c.Overdue {
		parts = append(parts, o.Amount+" "+o.Currency)
	}
	return strings.Join(parts, ", ")
}

func listClients(ctx context.Context, env *Env, db string, asJSON bool) int {
	st, code := openStore(ctx, env, db)
	if st == nil {
		return code
	}
	defer st.Close()
	cs, err := st.ClientSummaries(ctx, env.Now().In(env.zone()))
	if err != nil {
		return errorf(env, "%v", err)
	}
	out := make([]clientJSONRow, 0, len(cs))
	for _, c := range cs {
		card, err := clientCard(ctx, env, st, c.ID)
		if err != nil {
			return errorf(env, "%v", err)
		}
		phones, err := st.ClientPhones(ctx, c.ID)
		if err != nil {
			return errorf(env, "%v", err)
		}
		out = append(out, toClientJSONRow(c, card, phones))
	}
	if asJSON {
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tKIND\tSEGMENT\tINVOICES\tOVERDUE")
	for _, c := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", c.Email, c.Name, c.Kind, c.Segment, c.Invoices, overdueText(c))
	}
	tw.Flush()
	return ExitOK
}

func showClient(ctx context.Context, env *Env, db, email string, asJSON bool) int {
	st, code := openStore(ctx, env, db)
	if st == nil {
		return code
	}
	defer st.Close()
	c, err := st.ClientSummaryByEmail(ctx, email, env.Now().In(env.zone()))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(env, "no client with the address %q (see 'relance clients')", email)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	card, err := clientCard(ctx, env, st, c.ID)
	if err != nil {
		return errorf(env, "%v", err)
	}
	f, err := st.ClientFileByID(ctx, c.ID, env.Now().In(env.zone()))
	if err != nil {
		return errorf(env, "%v", err)
	}
	phones := f.Phones
	j := clientShowJSON{clientJSONRow: toClientJSONRow(c, card, phones), Language: c.Language, Advice: []adviceJSON{},
		KindConfirmed: f.KindConfirmed, KindGuess: f.KindGuess, KindGuessReason: f.GuessWhy[c.Language], Address: f.Address, Notes: f.Notes,
		Scorecard: scorecardJSON{Invoices: card.Invoices, LeftOut: card.LeftOut, Billed: card.Billed.StringFixed(2), Paid: card.Paid.StringFixed(2),
			Outstanding: card.Outstanding.StringFixed(2), Measured: card.Measured, OverdueInvoices: card.Overdue, Late: card.Late,
			MedianDaysLate: card.MedianDaysLate, WorstDaysLate: card.WorstDaysLate, OldestOverdueDays: card.OldestOverdueDays,
			Reminders: card.Reminders, RemindersPerInvoice: card.RemindersPerInvoice, FormalNotices: card.FormalNotices,
			PromisesKept: card.PromisesKept, PromisesBroken: card.PromisesBroken, PromisesPending: card.PromisesPending,
			Disputes: card.Disputes, Tone: string(card.Tone)}}
	for _, a := range card.Advice {
		j.Advice = append(j.Advice, adviceJSON{Code: a.Code, Reason: a.Reason.In(c.Language)})
	}
	if !f.NotBefore.IsZero() {
		j.NotBefore = f.NotBefore.Format(time.DateOnly)
	}
	if j.KindGuessReason == "" {
		j.KindGuessReason = f.GuessWhy["fr"]
	}
	if asJSON {
		return printJSON(env, j)
	}
	sc := j.Scorecard
	fmt.Fprintf(env.Stdout, "%s\n", clientLabel(c.Client))
	fmt.Fprintf(env.Stdout, "kind: %s   segment: %s   invoices: %d   overdue: %s\n", j.Kind, j.Segment, j.Invoices, overdueText(j.clientJSONRow))
	if !j.KindConfirmed && j.KindGuess != "" {
		fmt.Fprintf(env.Stdout, "kind guessed from the invoice (%s); confirm with 'relance clients set %s --kind ...'\n", j.KindGuessReason, c.Email)
	}
	for _, p := range phones {
		fmt.Fprintf(env.Stdout, "%s: %s (%s)\n", p.Kind, p.Display(), p.Source)
	}
	if j.Address != "" {
		fmt.Fprintf(env.Stdout, "address: %s\n", strings.ReplaceAll(j.Address, "\n", ", "))
	}
	if j.NotBefore != "" {
		fmt.Fprintf(env.Stdout, "do not chase before %s\n", j.NotBefore)
	}
	if j.Notes != "" {
		fmt.Fprintf(env.Stdout, "notes: %s\n", j.Notes)
	}
	fmt.Fprintf(env.Stdout, "billed %s, paid %s, outstanding %s\n", sc.Billed, sc.Paid, sc.Outstanding)
	fmt.Fprintf(env.Stdout, "days late: median %g, worst %d (%d of %d invoices late)\n", sc.MedianDaysLate, sc.WorstDaysLate, sc.Late, sc.Measured)
	fmt.Fprintf(env.Stdout, "reminders: %d (%.2f per invoice), formal notices: %d\n", sc.Reminders, sc.RemindersPerInvoice, sc.FormalNotices)
	fmt.Fprintf(env.Stdout, "promises: %d kept, %d broken, %d pending; disputes: %d", sc.PromisesKept, sc.PromisesBroken, sc.PromisesPending, sc.Disputes)
	if sc.Tone != "" {
		fmt.Fprintf(env.Stdout, "; tone of recent replies: %s", sc.Tone)
	}
	fmt.Fprintln(env.Stdout)
	for _, a := range j.Advice {
		fmt.Fprintf(env.Stdout, "advice (%s): %s\n", a.Code, a.Reason)
	}
	return ExitOK
}
