package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/relance/relance/internal/domain"
)

// Evidence lines a flag carries about the objection its reply raised.
const (
	objectionEvidencePrefix = "objection: "
	answerEvidencePrefix    = "answer: draft "
)

// ObjectionEvidence is the evidence line that names the objection a flag
// carries.
func ObjectionEvidence(o domain.Objection) string { return objectionEvidencePrefix + string(o) }

// AnswerEvidence is the evidence line that names the draft answering a
// flag's objection.
func AnswerEvidence(draftID int64) string {
	return answerEvidencePrefix + strconv.FormatInt(draftID, 10)
}

// MarkObjection records the objection o on the open flags of kind that the
// reply messageID opened, and says how many there were.
func (t *Tx) MarkObjection(messageID int64, kind domain.FlagKind, o domain.Objection) (int, error) {
	ids, err := t.ids(fmt.Sprintf("flags of message %d", messageID),
		`SELECT id FROM flags WHERE message_id = ? AND kind = ? AND status <> `+resolvedSQL+` ORDER BY id`, messageID, kind)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := t.setFlagObjection(id, o); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// setFlagObjection puts o on flag id, in its column and its evidence.
func (t *Tx) setFlagObjection(id int64, o domain.Objection) error {
	if err := t.setEvidenceLine(id, objectionEvidencePrefix, ObjectionEvidence(o)); err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE flags SET objection = ? WHERE id = ?`, o, id); err != nil {
		return fmt.Errorf("store: objection of flag %d: %w", id, err)
	}
	return nil
}

// setEvidenceLine replaces the evidence line of flag id that starts with
// prefix by line, or adds line after the others.
func (t *Tx) setEvidenceLine(id int64, prefix, line string) error {
	var raw string
	if err := t.queryRow(`SELECT evidence FROM flags WHERE id = ?`, id).Scan(&raw); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: flag %d: %w", id, ErrNotFound)
		}
		return fmt.Errorf("store: evidence of flag %d: %w", id, err)
	}
	var ev []string
	if err := json.Unmarshal([]byte(raw), &ev); err != nil && raw != "" {
		ev = []string{raw}
	}
	replaced := false
	for i, l := range ev {
		if strings.HasPrefix(l, prefix) {
			ev[i], replaced = line, true
		}
	}
	if !replaced {
		ev = append(ev, line)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("store: encode evidence: %w", err)
	}
	if _, err := t.exec(`UPDATE flags SET evidence = ? WHERE id = ?`, string(b), id); err != nil {
		return fmt.Errorf("store: evidence of flag %d: %w", id, err)
	}
	return nil
}

// linkAnswer names the answer draft on the flag whose objection it
// answers (a plain question's flag is left as it is).
func (t *Tx) linkAnswer(flagID, draftID int64) error {
	var o domain.Objection
	if err := t.queryRow(`SELECT objection FROM flags WHERE id = ?`, flagID).Scan(&o); err != nil {
		return fmt.Errorf("store: objection of flag %d: %w", flagID, err)
	}
	if o == domain.NoObjection {
		return nil
	}
	return t.setEvidenceLine(flagID, answerEvidencePrefix, AnswerEvidence(draftID))
}

// SetObjection is the owner's correction of the stock objection a reply
// raised, from its flag: every open flag of the same reply that carries an
// objection takes the new kind, and their answer drafts not yet sent are
// superseded, so the next pass drafts the answer to the right objection. A
// flag whose reply raised none (as read) takes one too: the owner saw what
// the model missed.
func (t *Tx) SetObjection(flagID int64, o domain.Objection, actor domain.Actor) error {
	if !o.Valid() {
		return fmt.Errorf("store: objection %q: want one of %v", o, domain.Objections())
	}
	var (
		msgID, invID, clientID sql.NullInt64
		status                 domain.FlagStatus
		was                    domain.Objection
	)
	err := t.queryRow(`SELECT f.message_id, f.invoice_id, COALESCE(f.client_id, i.client_id), f.status, f.objection
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id WHERE f.id = ?`, flagID).Scan(&msgID, &invID, &clientID, &status, &was)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: flag %d: %w", flagID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: flag %d: %w", flagID, err)
	}
	if status == domain.FlagResolved {
		return fmt.Errorf("store: flag %d is resolved: %w", flagID, ErrWrongStatus)
	}
	if !invID.Valid || !msgID.Valid {
		return fmt.Errorf("store: flag %d was not raised by a client's reply about an invoice: there is nothing to answer: %w", flagID, ErrWrongStatus)
	}
	ids := []int64{flagID}
	if was != domain.NoObjection {
		if ids, err = t.ids(fmt.Sprintf("objections of message %d", msgID.Int64),
			`SELECT id FROM flags WHERE message_id = ? AND objection <> '' AND status <> `+resolvedSQL+` ORDER BY id`, msgID.Int64); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if err := t.setFlagObjection(id, o); err != nil {
			return err
		}
		drafts, err := t.ids(fmt.Sprintf("answers of flag %d", id), `SELECT id FROM drafts WHERE flag_id = ? AND status IN (`+
			sqlWord(domain.DraftHeld)+`, `+sqlWord(domain.DraftApproved)+`)`, id)
		if err != nil {
			return err
		}
		for _, d := range drafts {
			if err := t.SetDraftStatus(d, domain.DraftSuperseded, actor, "objection set to "+string(o)); err != nil {
				return err
			}
		}
	}
	_, err = t.AddEvent(Event{Kind: domain.EventObjectionSet, InvoiceID: invID.Int64, ClientID: clientID.Int64, MessageID: msgID.Int64,
		FlagID: flagID, Actor: actor, Detail: EventDetail(map[string]any{"objection": o, "from": was})})
	return err
}

// objectionAnswered closes the objection tasks of an invoice once their
// answer left. The flag of a dispute, a grievance or a hardship that
// raised the objection stays: it is the owner's to resolve.
func (t *Tx) objectionAnswered(invoiceID int64, actor domain.Actor, note string) error {
	return t.resolveOpenFlags(domain.FlagObjection, invoiceID, actor, note)
}

// SetDraftObjection is SetObjection from an answer draft: the flag whose
// objection it answers takes the new kind, and the draft gives way to the
// answer to it.
func (t *Tx) SetDraftObjection(draftID int64, o domain.Objection, actor domain.Actor) error {
	var flagID sql.NullInt64
	var kind domain.StageKind
	err := t.queryRow(`SELECT flag_id, kind FROM drafts WHERE id = ?`, draftID).Scan(&flagID, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: draft %d: %w", draftID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: draft %d: %w", draftID, err)
	}
	if kind != domain.KindAnswer || !flagID.Valid {
		return fmt.Errorf("store: draft %d answers no reply: %w", draftID, ErrWrongStatus)
	}
	return t.SetObjection(flagID.Int64, o, actor)
}

// AnswerOfFlag is the latest answer draft made for the objection or the
// question of flag id (found false when none was made).
func (s *Store) AnswerOfFlag(ctx context.Context, flagID int64) (Draft, bool, error) {
	d, err := scanDraft(s.db.QueryRowContext(ctx, draftSelect+` WHERE d.flag_id = ? AND d.kind = `+sqlWord(domain.KindAnswer)+`
		ORDER BY d.id DESC LIMIT 1`, flagID))
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, fmt.Errorf("store: answer of flag %d: %w", flagID, err)
	}
	return d, true, nil
}
