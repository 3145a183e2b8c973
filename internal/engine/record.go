package engine

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

// recordSent records what discovery found in a mail we sent.
func (e *Engine) recordSent(tx *store.Tx, rowID int64, msg *message.Message, msgID string, r invoice.Result) (string, error) {
	kind := string(r.Kind)
	if r.Kind != invoice.KindInvoice && r.Kind != invoice.KindCreditNote {
		_, err := tx.AddEvent(store.Event{Kind: "sent_not_invoice", MessageID: rowID, Actor: store.ActorDaemon,
			Detail: mustJSON(map[string]any{"reason": r.Reason, "subject": msg.Subject})})
		return "not_invoice", err
	}
	email := strings.ToLower(r.Client.Email)
	if email == "" {
		// Without an address there is no one to remind: keep the facts and
		// ask a human rather than guess a client.
		_, err := tx.OpenFlag(store.Flag{Kind: "self_check", MessageID: rowID,
			Evidence: append([]string{fmt.Sprintf("%s %s found in %q but no client address", kind, r.Number, msg.Subject)}, r.Findings...)})
		return kind, err
	}
	client, err := tx.EnsureClient(email, r.Client.Name, r.Language)
	if err != nil {
		return "", err
	}
	number := r.Number
	key := invoice.Key(r)
	if number == "" {
		number = "?" + shortID(msgID)
		key = "MSG:" + msgID
	}
	id, created, err := tx.UpsertInvoice(store.NewInvoice{Number: number, Key: key, Kind: kind,
		CreditedNumber: r.CreditedNumber, ClientID: client.ID, Amount: r.Amount, Balance: owed(r), Currency: r.Currency,
		IssueDate: r.IssueDate, DueDate: r.DueDate, Language: r.Language, Source: r.Source,
		SourceMessageID: msgID, Missing: r.Missing})
	if err != nil {
		return "", err
	}
	if err := tx.SetMessageOutcome(rowID, kind, id); err != nil {
		return "", err
	}
	evKind := "invoice_discovered"
	if !created {
		evKind = "invoice_resent"
	}
	if r.Kind == invoice.KindCreditNote {
		evKind = "credit_note_discovered"
	}
	if _, err := tx.AddEvent(store.Event{Kind: evKind, InvoiceID: id, ClientID: client.ID, MessageID: rowID, Actor: store.ActorDaemon,
		Detail: mustJSON(map[string]any{"number": number, "amount": r.Amount.String(), "currency": r.Currency,
			"source": r.Source, "due_from_terms": r.DueFromTerms, "missing": r.Missing, "evidence": r.Evidence,
			"credited_number": r.CreditedNumber, "payable": r.Payable.String(), "prepaid": r.Prepaid.String(), "findings": r.Findings})}); err != nil {
		return "", err
	}
	if created {
		// A credit note lowers what its invoice still owes; one that arrived
		// before its invoice is applied when the invoice shows up.
		if r.Kind == invoice.KindCreditNote {
			if _, err := tx.ApplyCreditNote(id, store.ActorDaemon); err != nil {
				e.log.Warn("credit note not applied yet", slog.String("number", number), slog.Any("err", err))
			}
		} else {
			pending, err := tx.PendingCreditNotes()
			if err != nil {
				return "", err
			}
			for _, cn := range pending {
				_, _ = tx.ApplyCreditNote(cn, store.ActorDaemon)
			}
		}
	}
	if ev := selfCheck(r, created); len(ev) > 0 {
		if _, err := tx.OpenFlag(store.Flag{Kind: "self_check", InvoiceID: id, ClientID: client.ID, MessageID: rowID,
			Evidence: ev}); err != nil {
			return "", err
		}
	}
	return kind, nil
}

// recordReply threads a received mail to its invoices and records what the
// client said, pausing chasing and raising flags where a human must look.
func (e *Engine) recordReply(tx *store.Tx, rowID int64, msg *message.Message, text string, r classify.Result) (string, error) {
	class := string(r.Class)
	refs := append(append([]string{}, msg.InReplyTo...), msg.References...)
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		// A bounce names the mail it returns in its attached headers.
		refs = append(refs, msg.Report.OriginalMessageID)
	}
	cands, err := tx.ThreadCandidates(refs, msg.From.Email, msg.Subject+"\n"+msg.Text)
	if err != nil {
		return "", err
	}
	ic := make([]invoice.Candidate, 0, len(cands))
	for _, c := range cands {
		ic = append(ic, invoice.Candidate{ID: c.ID, Number: c.Number, ClientEmails: c.ClientEmails, MessageIDs: c.MessageIDs, Open: c.Open})
	}
	threaded := msg
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		cp := *msg
		cp.References = append(append([]string{}, msg.References...), msg.Report.OriginalMessageID)
		threaded = &cp
	}
	match := invoice.Thread(threaded, ic)
	var evidence []string
	for _, ev := range r.Evidence {
		// The model's sentences carry the reading each supports, shown on
		// the flag page and by `relance flags show`.
		if c, ok := strings.CutPrefix(ev.Signal, "model:"); ok {
			evidence = append(evidence, "["+c+"] "+ev.Sentence)
			continue
		}
		evidence = append(evidence, ev.Sentence)
	}
	detail := map[string]any{"class": class, "confidence": r.Confidence, "language": r.Language, "thread_rule": match.Rule,
		"subject": msg.Subject, "from": msg.From.Email, "evidence": evidence}
	if r.PromiseDate != nil {
		detail["promise_date"] = r.PromiseDate.Format("2006-01-02")
	}
	if r.ReturnDate != nil {
		detail["return_date"] = r.ReturnDate.Format("2006-01-02")
	}
	if r.Class != classify.Bounce {
		at := msg.Date
		if at.IsZero() {
			at = tx.Now()
		}
		var away time.Time
		if r.ReturnDate != nil {
			away = *r.ReturnDate
		}
		if err := tx.ClientHeardFrom(msg.From.Email, at, away); err != nil {
			return "", err
		}
	}
	var firstInvoice int64
	if len(match.InvoiceIDs) > 0 {
		firstInvoice = match.InvoiceIDs[0]
	}
	if err := tx.SetMessageOutcome(rowID, class, firstInvoice); err != nil {
		return "", err
	}
	// The reply as the client wrote it (quotes and signature stripped) is
	// what the human reads beside the evidence.
	if err := tx.SetMessageText(rowID, msg.From.Name, text); err != nil {
		return "", err
	}
	if len(match.InvoiceIDs) == 0 {
		if _, err := tx.AddEvent(store.Event{Kind: "reply_received", MessageID: rowID, Actor: store.ActorDaemon, Detail: mustJSON(detail)}); err != nil {
			return "", err
		}
		if match.Rule == "triage" {
			detail["candidates"] = match.Candidates
			_, err := tx.OpenFlag(store.Flag{Kind: "triage", MessageID: rowID,
				Evidence: append([]string{fmt.Sprintf("reply from %s could be about several invoices (%v): %s", msg.From.Email, match.Candidates, match.Evidence)}, evidence...)})
			return class, err
		}
		if r.NeedsHuman && !isListMail(msg) {
			// A delicate reply that names no invoice of ours and comes from
			// an address we do not know: a human says what it is about.
			_, err := tx.OpenFlag(store.Flag{Kind: "triage", MessageID: rowID,
				Evidence: append([]string{fmt.Sprintf("%s from %s, not tied to any invoice", class, msg.From.Email)}, evidence...)})
			return class, err
		}
		return class, nil
	}
	for _, invID := range match.InvoiceIDs {
		if _, err := tx.AddEvent(store.Event{Kind: "reply_received", InvoiceID: invID, MessageID: rowID, Actor: store.ActorDaemon, Detail: mustJSON(detail)}); err != nil {
			return "", err
		}
		state, err := tx.InvoiceState(invID)
		if err != nil {
			return "", err
		}
		if r.Class == classify.Promise && r.PromiseDate != nil {
			if err := tx.SetPromise(invID, *r.PromiseDate); err != nil {
				return "", err
			}
		}
		if next := store.StateAfterReply(state, class); next != "" && next != state {
			if err := tx.SetInvoiceState(invID, next); err != nil {
				return "", err
			}
			if _, err := tx.AddEvent(store.Event{Kind: "state_changed", InvoiceID: invID, MessageID: rowID, Actor: store.ActorDaemon,
				Detail: mustJSON(map[string]string{"from": state, "to": next, "because": class})}); err != nil {
				return "", err
			}
		}
	}
	if r.Class == classify.InfoRequest {
		// A question is a task: its invoices wait for the answer, which the
		// outbox prepares from what was asked.
		topics := QuestionTopics(text)
		for _, invID := range match.InvoiceIDs {
			exists, err := tx.OpenFlagExists("info_request", invID, 0)
			if err != nil {
				return "", err
			}
			if exists {
				if err := tx.AddQuestionTopics(invID, topics); err != nil {
					return "", err
				}
				continue
			}
			ev := evidence
			if len(ev) == 0 {
				ev = []string{msg.Subject}
			}
			if _, err := tx.OpenFlag(store.Flag{Kind: "info_request", InvoiceID: invID, MessageID: rowID,
				Evidence: ev, Topics: topics}); err != nil {
				return "", err
			}
		}
	}
	kind := ""
	switch {
	case store.ReplyNeedsHuman(class):
		kind = class
	case r.NeedsHuman:
		// The model could not read it with confidence: a person says.
		kind = store.FlagUnsure
		evidence = append([]string{fmt.Sprintf("read as %s, without confidence (%.0f %%)", class, 100*r.Confidence)}, evidence...)
	}
	if kind != "" {
		if len(evidence) == 0 {
			evidence = []string{msg.Subject}
		}
		if _, err := tx.OpenFlag(store.Flag{Kind: kind, InvoiceID: match.InvoiceIDs[0], MessageID: rowID, Evidence: evidence}); err != nil {
			return "", err
		}
	}
	return class, nil
}

func shortID(msgID string) string {
	if len(msgID) > 12 {
		return msgID[:12]
	}
	return msgID
}

// isListMail recognises newsletters and mailing lists (RFC 2369/2919
// headers, Precedence: bulk/list): never a client's reply.
func isListMail(m *message.Message) bool {
	if m.Get("List-Id") != "" || m.Get("List-Unsubscribe") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(m.Get("Precedence"))) {
	case "bulk", "list", "junk":
		return true
	}
	return false
}
