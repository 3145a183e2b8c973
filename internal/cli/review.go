package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
	"github.com/relance/relance/internal/web"
)

// The review actions of the web page, from the command line.

func draftEdit(ctx context.Context, env *Env, st *store.Store, pos []string, subject, bodyFile string) int {
	if len(pos) != 1 || bodyFile == "" {
		fmt.Fprintln(env.Stderr, "relance drafts edit: needs one draft ID and --body-file FILE ('-' for standard input)")
		return ExitUsage
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance drafts edit: %q is not a draft ID\n", pos[0])
		return ExitUsage
	}
	var body []byte
	if bodyFile == "-" {
		body, err = io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	} else {
		body, err = os.ReadFile(bodyFile)
	}
	if err != nil {
		return errorf(env, "drafts edit: %v", err)
	}
	d, err := findDraft(ctx, st, id)
	if err != nil {
		return errorf(env, "%v", err)
	}
	if subject == "" {
		subject = d.Subject
	}
	text := strings.TrimSpace(string(body))
	err = st.Update(ctx, env.Now(), func(tx *store.Tx) error { return tx.ReviseDraft(id, render.SafeHeader(subject), text, domain.ActorCLI) })
	if errors.Is(err, store.ErrWrongStatus) {
		return errorf(env, "draft %d is %s: it can no longer be edited", id, d.Status)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "draft %d edited (held again for approval)\n", id)
	// The calm check speaks before approval, as on the web page.
	for _, w := range render.CalmCheck(text, d.Stage, "") {
		fmt.Fprintf(env.Stderr, "warning: %s: %q\n", w.Message, w.Excerpt)
	}
	return ExitOK
}

func invoiceAction(ctx context.Context, env *Env, action string, args []string) int {
	fs := flagSet(env, "invoices")
	asJSON := fs.Bool("json", false, "show: print JSON")
	reason := fs.String("reason", "", "resume/stop: why (kept in the event log)")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(env.Stderr, "relance invoices %s: needs exactly one invoice number\n", action)
		return ExitUsage
	}
	st, inv, code := openInvoice(ctx, env, *db, pos[0])
	if st == nil {
		return code
	}
	defer st.Close()
	switch action {
	case "show":
		tl, err := st.Timeline(ctx, inv.ID)
		if err != nil {
			return errorf(env, "%v", err)
		}
		if *asJSON {
			type entry struct {
				At     string           `json:"at"`
				Kind   domain.EventKind `json:"kind"`
				Actor  domain.Actor     `json:"actor"`
				Detail any              `json:"detail,omitempty"`
			}
			out := struct {
				invoiceJSON
				Timeline []entry `json:"timeline"`
			}{invoiceJSON: toInvoiceJSON(inv), Timeline: []entry{}}
			for _, e := range tl {
				out.Timeline = append(out.Timeline, entry{At: isoTime(e.At, env.zone()), Kind: e.Kind, Actor: e.Actor, Detail: e.Detail})
			}
			return printJSON(env, out)
		}
		fmt.Fprintf(env.Stdout, "%s  %s  %s %s (balance %s)  %s\n", inv.Number, clientLabel(inv.Client), inv.Amount.StringFixed(2),
			inv.Currency, inv.Balance.StringFixed(2), inv.State)
		if q, err := st.InvoiceQuiet(ctx, inv.ID); err == nil && q.Kind != "" {
			// A cancelled draft's "until when?".
			until := string(q.Kind)
			if !q.Until.IsZero() {
				until = q.Until.Format("2006-01-02")
			}
			fmt.Fprintf(env.Stdout, "no new reminder until: %s (decided %s)\n", until, clockTime(q.Since, env.zone()))
		}
		for _, e := range tl {
			what := string(e.Kind)
			if e.DraftStage != "" {
				what += " (" + e.DraftStage + ")"
			}
			if e.Message.Subject != "" {
				what += ": " + e.Message.Subject
			}
			if e.Kind == domain.EventReplyReceived {
				// How the reply was tied to this invoice.
				var det struct {
					Route string `json:"thread_rule"`
					Why   string `json:"thread_evidence"`
					Class string `json:"class"`
				}
				if json.Unmarshal(e.Detail, &det) == nil && det.Route != "" {
					what += fmt.Sprintf(" [%s; route: %s", det.Class, det.Route)
					if det.Why != "" {
						what += ", " + det.Why
					}
					what += "]"
				}
			}
			fmt.Fprintf(env.Stdout, "  %s  %-8s %s\n", clockTime(e.At, env.zone()), e.Actor, what)
		}
		return ExitOK
	case "resume", "stop":
		err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
			if action == "stop" {
				return tx.StopChasing(inv.ID, domain.ActorCLI, *reason)
			}
			return tx.ResumeChasing(inv.ID, domain.ActorCLI, *reason)
		})
		if err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "invoice %s: chasing %s\n", inv.Number, map[string]string{"stop": "stopped", "resume": "resumed"}[action])
		return ExitOK
	}
	return ExitUsage
}

func flagAction(ctx context.Context, env *Env, action string, args []string) int {
	fs := flagSet(env, "flags")
	asJSON := fs.Bool("json", false, "show: print JSON")
	note := fs.String("note", "", "ack/resolve: a note kept with the flag")
	then := fs.String("then", "keep", "resolve: what happens to the invoice: keep (as it is), resume or stop chasing")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	id, ok := oneID(env, "flags "+action, "flag", pos)
	if !ok {
		return ExitUsage
	}
	follow, err := store.ParseFollowUp(*then)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance flags resolve: --then %q: want keep, resume or stop\n", *then)
		return ExitUsage
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	f, err := st.Flag(ctx, id)
	if err != nil {
		return errorf(env, "%v", err)
	}
	switch action {
	case "show":
		j := flagJSON{ID: f.ID, Kind: f.Kind, Invoice: f.InvoiceNum, Client: clientJSON{f.ClientName, f.ClientEmail},
			Status: f.Status, Evidence: f.Evidence, Objection: f.Objection}
		if j.Evidence == nil {
			j.Evidence = []string{}
		}
		if *asJSON {
			return printJSON(env, j)
		}
		fmt.Fprintf(env.Stdout, "Flag %d: %s (%s)\nInvoice: %s\nClient: %s <%s>\nRaised: %s\n\n%s\n", f.ID, f.Kind, f.Status, f.InvoiceNum,
			f.ClientName, f.ClientEmail, clockTime(f.CreatedAt, env.zone()), strings.Join(f.Evidence, "\n\n"))
		return ExitOK
	case "ack", "resolve":
		err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
			if action == "ack" {
				return tx.AcknowledgeFlag(id, domain.ActorCLI, *note)
			}
			return tx.ResolveFlagThen(id, domain.ActorCLI, *note, follow)
		})
		if err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "flag %d %s\n", id, map[string]domain.FlagStatus{"ack": domain.FlagAcknowledged, "resolve": domain.FlagResolved}[action])
		return ExitOK
	}
	return ExitUsage
}

// taskOutcome logs how a task went (a call, a hand-off, a client's
// question), as the web page's task form does: the same use case.
func taskOutcome(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "flags outcome")
	outcome := fs.String("outcome", "", "reached, promise, plan, dispute, no_answer, handed_off (hand-off) or answered (question)")
	promise := fs.String("promise-date", "", "promise: the promised payment date, YYYY-MM-DD")
	instalments := fs.String("instalments", "", `plan: the agreed instalments, "2026-12-15:500;2027-01-15:500"`)
	note := fs.String("note", "", "a note kept with the task")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || *outcome == "" {
		fmt.Fprintln(env.Stderr, "relance flags outcome: needs one task ID and --outcome")
		return ExitUsage
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance flags outcome: %q is not a task ID\n", pos[0])
		return ExitUsage
	}
	o := store.TaskOutcome{Outcome: policy.TaskOutcome(*outcome), Note: *note}
	if *promise != "" {
		if o.PromiseDate, err = time.Parse(time.DateOnly, *promise); err != nil {
			fmt.Fprintf(env.Stderr, "relance flags outcome: --promise-date %q: want YYYY-MM-DD\n", *promise)
			return ExitUsage
		}
	}
	if *instalments != "" {
		if o.Instalments, err = parseInstalments(*instalments); err != nil {
			fmt.Fprintf(env.Stderr, "relance flags outcome: --instalments: %v\n", err)
			return ExitUsage
		}
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	err = st.Update(ctx, env.Now(), func(tx *store.Tx) error { return tx.LogTaskOutcome(id, o, domain.ActorCLI) })
	if errors.Is(err, store.ErrWrongStatus) {
		return errorf(env, "task %d is already closed", id)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "task %d closed: %s\n", id, *outcome)
	return ExitOK
}

// oneID reads the one ID a command takes, saying on standard error what is
// wrong when it was not given one.
func oneID(env *Env, command, what string, pos []string) (int64, bool) {
	if len(pos) != 1 {
		fmt.Fprintf(env.Stderr, "relance %s: needs exactly one %s ID\n", command, what)
		return 0, false
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(env.Stderr, "relance %s: %q is not a %s ID\n", command, pos[0], what)
		return 0, false
	}
	return id, true
}

// noteMessages are the command line's sentences for a draft's notes, by the
// page's message ids (web's "note.*"): the command line's register is its
// own (lower case, no full stop; they are the "text" of `drafts show --json`,
// a contract), the words they share with the page are read from the page's
// catalogue.
var noteMessages = text.Catalogue{"en": {
	"note." + store.NotePromiseBroken: "the payment promised for %s has not arrived; the message refers to the promise",
	"note." + store.NoteOpenCall:      "the call about %s has no logged outcome (relance flags outcome)",
	"note." + store.NoteOpenHandOff:   "%s is waiting to be handed to a collection professional",
	"note." + store.NoteSignal:        "behaviour signal on %s: %s",
	"note." + store.NoteQuestion:      "answers the client's question of %s (asked for: %s)",
	"note." + store.NoteNoPDF:         "no PDF of %s was found in Sent: attach the copy yourself",
	"note." + store.NoteBlank:         "to fill in before approving: %s",
	"note." + store.NoteObjection:     "answers the client's objection: %s",
	"topic.unknown":                   "something not recognised",
}}

// noteText words a draft's note for the command line.
func noteText(n store.DraftNote) string {
	arg := func(i int) string {
		if i < len(n.Args) {
			return n.Args[i]
		}
		return ""
	}
	say := func(args ...any) string { return noteMessages.T("en", "note."+n.Code, args...) }
	switch n.Code {
	case store.NotePromiseBroken, store.NoteOpenCall, store.NoteOpenHandOff, store.NoteNoPDF:
		return say(arg(0))
	case store.NoteSignal:
		return say(arg(0), strings.ReplaceAll(arg(1), "_", " "))
	case store.NoteQuestion:
		asked := strings.ReplaceAll(arg(1), ",", ", ")
		if asked == "" {
			asked = noteMessages.T("en", "topic.unknown")
		}
		return say(arg(0), strings.ReplaceAll(asked, "_", " "))
	case store.NoteBlank, store.NoteObjection:
		what, ok := web.Message("en", n.Code+"."+arg(0))
		if !ok {
			what = arg(0)
		}
		return say(what)
	}
	return strings.TrimSpace(n.Code + " " + strings.Join(n.Args, " "))
}
