package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// TaskOutcome is what the human logs on a task (a call, a hand-off, a
// client's question): the outcome, its date or plan, and a note.
type TaskOutcome struct {
	Outcome     policy.TaskOutcome
	PromiseDate time.Time       // promise: the promised payment date
	Instalments []NewInstalment // plan: the agreed instalments
	Note        string
}

// ErrOutcomeIncomplete is returned when an outcome lacks what it needs (a
// promise without its date, a plan without instalments).
var ErrOutcomeIncomplete = errors.New("store: outcome incomplete")

// LogTaskOutcome closes a task with its outcome and applies what the policy
// says the outcome does (policy.AfterTask): the ladder then continues from
// the invoice's new state. The web page and the command line both call it.
func (t *Tx) LogTaskOutcome(flagID int64, o TaskOutcome, actor domain.Actor) error {
	var kind domain.FlagKind
	var status domain.FlagStatus
	var invID, clientID int64
	err := t.queryRow(`SELECT kind, status, COALESCE(invoice_id, 0), COALESCE(client_id, 0) FROM flags WHERE id = ?`, flagID).
		Scan(&kind, &status, &invID, &clientID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: task %d: %w", flagID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: task %d: %w", flagID, err)
	}
	if status == domain.FlagResolved {
		return fmt.Errorf("store: task %d is %s: %w", flagID, status, ErrWrongStatus)
	}
	eff, err := policy.AfterTask(domain.FlagKind(kind), o.Outcome)
	if err != nil {
		return fmt.Errorf("store: task %d: %w", flagID, err)
	}
	if eff.NeedsDate && o.PromiseDate.IsZero() {
		return fmt.Errorf("store: outcome %s needs the promised date: %w", o.Outcome, ErrOutcomeIncomplete)
	}
	if eff.NeedsPlan && len(o.Instalments) == 0 {
		return fmt.Errorf("store: outcome %s needs the agreed instalments: %w", o.Outcome, ErrOutcomeIncomplete)
	}
	note := string(o.Outcome)
	if o.Note != "" {
		note += ": " + o.Note
	}
	if err := t.ResolveFlag(flagID, actor, note); err != nil {
		return err
	}
	detail := map[string]any{"task": kind, "outcome": string(o.Outcome), "note": o.Note}
	if !o.PromiseDate.IsZero() {
		detail["promise_date"] = o.PromiseDate.Format(time.DateOnly)
	}
	if _, err := t.AddEvent(Event{Kind: domain.EventTaskOutcome, InvoiceID: invID, ClientID: clientID, FlagID: flagID, Actor: actor,
		Detail: EventDetail(detail)}); err != nil {
		return err
	}
	if invID == 0 {
		return nil
	}
	inv, err := t.invoiceByID(invID)
	if err != nil {
		return err
	}
	if inv.State.Settled() {
		return nil // paid meanwhile: the outcome is history only
	}
	if eff.RestartClock {
		if _, err := t.exec(`UPDATE invoices SET clock_from = ?, updated_at = ? WHERE id = ?`, ts(t.now), ts(t.now), invID); err != nil {
			return fmt.Errorf("store: restart the clock of invoice %d: %w", invID, err)
		}
	}
	switch eff.State {
	case "":
		return nil
	case domain.StatePlan:
		_, err := t.RecordPlan(invID, o.Instalments, actor)
		return err
	case domain.StatePromised:
		if err := t.SetPromise(invID, o.PromiseDate); err != nil {
			return err
		}
	case domain.StateDisputed:
		evidence := []string{fmt.Sprintf("disputed on the phone (%s)", kind)}
		if o.Note != "" {
			evidence = append(evidence, o.Note)
		}
		if _, err := t.OpenFlag(Flag{Kind: domain.FlagDispute, InvoiceID: invID, ClientID: inv.Client.ID, Evidence: evidence}); err != nil {
			return err
		}
	}
	return t.ChangeState(StateChange{InvoiceID: invID, From: inv.State, To: eff.State, Because: string(o.Outcome),
		ClientID: inv.Client.ID, FlagID: flagID, Actor: actor})
}

// AddQuestionTopics adds what a client asks for again to the open
// information request on an invoice (a second question before the first
// was answered): the next answer covers both.
func (t *Tx) AddQuestionTopics(invoiceID int64, topics []string) error {
	var id int64
	var have string
	err := t.queryRow(`SELECT id, topics FROM flags WHERE kind = `+sqlWord(domain.FlagInfoRequest)+` AND status <> `+resolvedSQL+` AND invoice_id = ?
		ORDER BY id LIMIT 1`, invoiceID).Scan(&id, &have)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: question of invoice %d: %w", invoiceID, err)
	}
	merged := splitList(have)
	for _, tp := range topics {
		if !slices.Contains(merged, tp) {
			merged = append(merged, tp)
		}
	}
	if _, err := t.exec(`UPDATE flags SET topics = ? WHERE id = ?`, strings.Join(merged, ","), id); err != nil {
		return fmt.Errorf("store: question of invoice %d: %w", invoiceID, err)
	}
	return nil
}

// PromiseOnCall is an invoice still promised whose promise was made on a
// call (a task's outcome), with what its written confirmation needs.
type PromiseOnCall struct {
	InvoiceID int64
	Date      time.Time // the promised date
	// Promises counts the promises the invoice's calls recorded over its
	// life; Confirmations the written confirmations drafted for them.
	Promises, Confirmations int
}

// PromisesOnCall lists the invoices now promised that a call's outcome
// promised at least once, for policy.PromiseConfirmationDue. A promise the
// client wrote in a reply is not among them: it is already in writing.
func (s *Store) PromisesOnCall(ctx context.Context) ([]PromiseOnCall, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.promise_date, e.detail,
		(SELECT COUNT(*) FROM draft_invoices di JOIN drafts d ON d.id = di.draft_id
			WHERE di.invoice_id = i.id AND d.stage = `+sqlWord(domain.StagePromiseConfirmation)+`)
		FROM invoices i JOIN events e ON e.invoice_id = i.id AND e.kind = `+sqlWord(domain.EventTaskOutcome)+`
		WHERE i.state = `+sqlWord(domain.StatePromised)+` AND i.promise_date IS NOT NULL
		ORDER BY i.id, e.id`)
	if err != nil {
		return nil, fmt.Errorf("store: promises made on calls: %w", err)
	}
	defer rows.Close()
	var out []PromiseOnCall
	for rows.Next() {
		var (
			id      int64
			date    sql.NullString
			detail  string
			drafted int
			outcome struct {
				Outcome policy.TaskOutcome `json:"outcome"`
			}
		)
		if err := rows.Scan(&id, &date, &detail, &drafted); err != nil {
			return nil, fmt.Errorf("store: promises made on calls: %w", err)
		}
		// The details are ours; one that does not decode is no promise.
		if json.Unmarshal([]byte(detail), &outcome) != nil || outcome.Outcome != policy.OutcomePromise {
			continue
		}
		if n := len(out); n == 0 || out[n-1].InvoiceID != id {
			out = append(out, PromiseOnCall{InvoiceID: id, Date: parseDate(date), Confirmations: drafted})
		}
		out[len(out)-1].Promises++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: promises made on calls: %w", err)
	}
	return out, nil
}
