package engine

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/legal"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// recordSent records what discovery found in a mail we sent.
func (e *Engine) recordSent(tx *store.Tx, rowID int64, msg *message.Message, msgID string, r invoice.Result, check selfChecked, phones []contact.Phone) (string, error) {
	at := mailTime(tx, msg)
	kind := string(r.Kind)
	if r.Kind != invoice.KindInvoice && r.Kind != invoice.KindCreditNote {
		detail := map[string]any{"reason": r.Reason, "subject": msg.Subject}
		if r.Rejected != "" {
			// A document a person may take for an invoice: its reason and
			// its facts, for the owner to adopt it if relance was wrong.
			detail["rejected"] = string(r.Rejected)
			detail["facts"] = adoptionFacts(r, msgID)
		}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventSentNotInvoice, At: at, MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(detail)}); err != nil {
			return "", err
		}
		if r.Rejected == invoice.RejectOwnReminder || r.Rejected == invoice.RejectReply {
			// A reminder or a reply the owner wrote by hand: a contact
			// on its invoice, and the ladder stage it amounts to.
			if linked, err := e.recordManualContact(tx, rowID, msg, r); err != nil || linked {
				return string(domain.EventManualContact), err
			}
		}
		return "not_invoice", nil
	}
	r = creditNoteFacts(r)
	email := strings.ToLower(r.Client.Email)
	if email == "" {
		// Without an address there is no one to remind: keep the facts and
		// ask a human rather than guess a client.
		_, err := tx.OpenFlag(store.Flag{Kind: domain.FlagSelfCheck, MessageID: rowID,
			Evidence: append([]string{fmt.Sprintf("%s %s found in %q but no client address", kind, r.Number, msg.Subject)}, r.Findings...)})
		return kind, err
	}
	client, err := tx.EnsureClient(email, r.Client.Name, r.Language)
	if err != nil {
		return "", err
	}
	if err := tx.SetClientAddress(client.ID, r.Client.Address); err != nil {
		return "", err
	}
	if r.Kind == invoice.KindInvoice {
		if err := recordInvoiceContacts(tx, client.ID, rowID, at, phones, r); err != nil {
			return "", err
		}
	}
	number := r.Number
	key := invoice.Key(r)
	if number == "" {
		number = "?" + shortID(msgID)
		key = "MSG:" + msgID
	}
	id, created, err := tx.UpsertInvoice(store.NewInvoice{Number: number, Key: key, Kind: kind,
		CreditedNumber: r.CreditedNumber, ClientID: client.ID, Amount: r.Amount, Balance: owed(r), Currency: r.Currency,
		IssueDate: r.IssueDate, DueDate: r.DueDate, OrderDate: r.OrderDate, DeliveryDate: r.DeliveryDate, Language: r.Language, Source: r.Source,
		SourceMessageID: msgID, Missing: r.Missing})
	if err != nil {
		return "", err
	}
	if err := tx.SetMessageOutcome(rowID, kind, id); err != nil {
		return "", err
	}
	evKind := domain.EventInvoiceDiscovered
	if !created {
		evKind = domain.EventInvoiceResent
	}
	if r.Kind == invoice.KindCreditNote {
		evKind = domain.EventCreditNoteDiscovered
	}
	if _, err := tx.AddEvent(store.Event{Kind: evKind, At: at, InvoiceID: id, ClientID: client.ID, MessageID: rowID, Actor: domain.ActorDaemon,
		Detail: store.EventDetail(map[string]any{"number": number, "amount": r.Amount.String(), "currency": r.Currency,
			"source": r.Source, "due_from_terms": r.DueFromTerms, "missing": r.Missing, "evidence": r.Evidence,
			"credited_number": r.CreditedNumber, "payable": r.Payable.String(), "prepaid": r.Prepaid.String(), "findings": r.Findings})}); err != nil {
		return "", err
	}
	if created {
		// A credit note lowers what its invoice still owes; one that arrived
		// before its invoice is applied when the invoice shows up.
		if r.Kind == invoice.KindCreditNote {
			if _, err := tx.ApplyCreditNote(id, domain.ActorDaemon); err != nil {
				e.log.Warn("credit note not applied yet", slog.String("number", number), slog.Any("err", err))
			}
		} else {
			pending, err := tx.PendingCreditNotes()
			if err != nil {
				return "", err
			}
			for _, cn := range pending {
				_, _ = tx.ApplyCreditNote(cn, domain.ActorDaemon)
			}
		}
	}
	found, err := e.firstReminderCheck(tx, id, created, check)
	if err != nil {
		return "", err
	}
	if ev := selfCheck(r, created, found, e.lang); len(ev) > 0 {
		if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagSelfCheck, InvoiceID: id, ClientID: client.ID, MessageID: rowID,
			Evidence: ev}); err != nil {
			return "", err
		}
	}
	return kind, nil
}

// firstReminderCheck returns the legal self-check's findings the invoice's
// self_check flag must show. The check guards the first reminder only: once
// the ladder runs, a re-send's findings would stop it for what the client
// has already been chased on, so they are left out. A corrected invoice
// (sent again under its number) before the first reminder replaces the
// check of the one before: the flags that check raised are resolved, and
// only what the new one lacks holds the reminder.
func (e *Engine) firstReminderCheck(tx *store.Tx, id int64, created bool, check selfChecked) ([]legal.Finding, error) {
	if created || !check.ran && len(check.findings) == 0 {
		return check.findings, nil
	}
	stage, err := tx.InvoiceLastStage(id)
	if err != nil || stage > 0 {
		return nil, err
	}
	if !check.ran {
		// Its PDF could not be had: what was read adds to the last
		// check, it does not replace it.
		return check.findings, nil
	}
	note := "corrected invoice sent"
	if e.lang == "fr" {
		note = "facture corrigée envoyée"
	}
	if _, err := tx.ResolveSelfChecks(id, note); err != nil {
		return nil, err
	}
	return check.findings, nil
}

// recordReply threads a received mail to its invoices and records what the
// client said, pausing chasing and raising flags where a human must look.
// keys are invoice.NumberKeys of the subject and text, read before.
func (e *Engine) recordReply(tx *store.Tx, rowID int64, msg *message.Message, text string, keys []string, r classify.Result) (string, error) {
	at := mailTime(tx, msg)
	class := r.Class
	refs := append(append([]string{}, msg.InReplyTo...), msg.References...)
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		// A bounce names the mail it returns in its attached headers.
		refs = append(refs, msg.Report.OriginalMessageID)
	}
	q := store.ThreadQuery{Refs: refs, Sender: msg.From.Email, Text: msg.Subject + "\n" + msg.Text, Keys: keys}
	if d := domainOf(msg.From.Email); d != "" && !invoice.SharedDomain(d) {
		q.Domain = d
	}
	for _, a := range r.Amounts {
		q.Amounts = append(q.Amounts, a.String())
	}
	cands, err := tx.ThreadCandidatesFor(q)
	if err != nil {
		return "", err
	}
	ic := make([]invoice.Candidate, 0, len(cands))
	for _, c := range cands {
		ic = append(ic, invoice.Candidate{ID: c.ID, Number: c.Number, ClientEmails: c.ClientEmails, MessageIDs: c.MessageIDs, Open: c.Open,
			Amount: c.Amount, Balance: c.Balance})
	}
	threaded := msg
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		cp := *msg
		cp.References = append(append([]string{}, msg.References...), msg.Report.OriginalMessageID)
		threaded = &cp
	}
	match := invoice.ThreadWith(threaded, ic, invoice.ThreadOptions{Amounts: r.Amounts})
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
		"thread_evidence": match.Evidence, "subject": msg.Subject, "from": msg.From.Email, "evidence": evidence}
	if match.UnknownSender {
		detail["unknown_sender"] = true
		detail["note"] = noteUnknownSender
	}
	if r.Hostile {
		detail["hostile"] = true
		detail["hostile_sentences"] = r.HostileSentences
	}
	if r.PromiseDate != nil {
		detail["promise_date"] = r.PromiseDate.Format("2006-01-02")
	}
	if r.ReturnDate != nil {
		detail["return_date"] = r.ReturnDate.Format("2006-01-02")
	}
	if r.Objection != domain.NoObjection {
		detail["objection"] = string(r.Objection)
	}
	if r.Class != classify.Bounce {
		var away time.Time
		if r.ReturnDate != nil {
			away = *r.ReturnDate
		}
		if err := tx.ClientHeardFrom(msg.From.Email, at, away); err != nil {
			return "", err
		}
	}
	var claim claimReading
	if len(match.InvoiceIDs) == 1 {
		for _, c := range ic {
			if c.ID == match.InvoiceIDs[0] {
				claim = readClaim(r, c)
			}
		}
		if claim.Overrode {
			class = classify.Paid
			detail["class"] = class
			detail["read_as"] = string(r.Class)
			evidence = append([]string{claim.Note}, evidence...)
			detail["evidence"] = evidence
		}
		if claim.Kind != "" {
			detail["claim"] = string(claim.Kind)
			detail["claimed_amount"] = claim.Amount.String()
		}
	}
	var firstInvoice int64
	if len(match.InvoiceIDs) > 0 {
		firstInvoice = match.InvoiceIDs[0]
	}
	if err := tx.SetMessageOutcome(rowID, string(class), firstInvoice); err != nil {
		return "", err
	}
	// The reply as the client wrote it (quotes and signature stripped) is
	// what the human reads beside the evidence.
	if err := tx.SetMessageText(rowID, msg.From.Name, text); err != nil {
		return "", err
	}
	if len(match.InvoiceIDs) == 0 {
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventReplyReceived, At: at, MessageID: rowID, Actor: domain.ActorDaemon, Detail: store.EventDetail(detail)}); err != nil {
			return "", err
		}
		if match.Rule == invoice.RouteTriage {
			return string(class), e.triage(tx, rowID, msg, match, evidence)
		}
		if r.NeedsHuman && !isListMail(msg) {
			// A delicate reply that names no invoice of ours and comes from
			// an address we do not know: a human says what it is about.
			_, err := tx.OpenFlag(store.Flag{Kind: domain.FlagTriage, MessageID: rowID,
				Evidence: append([]string{fmt.Sprintf("%s from %s, not tied to any invoice", class, msg.From.Email)}, evidence...)})
			return string(class), err
		}
		return string(class), nil
	}
	needsHuman := r.NeedsHuman
	for _, invID := range match.InvoiceIDs {
		if r.Class != classify.Bounce {
			// Whoever wrote about the invoice, its client has written.
			if err := tx.InvoiceClientHeardFrom(invID, at); err != nil {
				return "", err
			}
		}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventReplyReceived, At: at, InvoiceID: invID, MessageID: rowID, Actor: domain.ActorDaemon, Detail: store.EventDetail(detail)}); err != nil {
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
		next := policy.StateAfterReply(state, class)
		if next != "" && next != state {
			if err := tx.ChangeState(store.StateChange{InvoiceID: invID, From: state, To: next, Because: string(class), At: at,
				MessageID: rowID, Actor: domain.ActorDaemon}); err != nil {
				return "", err
			}
		}
		if match.UnknownSender && (next != "" && next != state || class == classify.Paid) {
			// Money said to move on the word of an address that is not the
			// client's: a human checks who wrote.
			if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagUnknownSender, InvoiceID: invID, MessageID: rowID,
				Evidence: append([]string{fmt.Sprintf("%s from %s, an address that is not the client's (%s)", class, msg.From.Email, match.Evidence)}, evidence...)}); err != nil {
				return "", err
			}
		}
	}
	if claim.Kind == ClaimPartial {
		c := claim
		if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagPartialClaim, InvoiceID: match.InvoiceIDs[0], MessageID: rowID,
			Evidence: append([]string{fmt.Sprintf("says %s was paid of a balance of %s: recording the payment (relance pay %s --amount %s) confirms it, and the rest is chased again",
				c.Amount.StringFixed(2), c.Balance.StringFixed(2), c.Number, c.Amount.StringFixed(2))}, evidence...)}); err != nil {
			return "", err
		}
	}
	if r.Class == classify.InfoRequest {
		// A question is a task: its invoices wait for the answer, which the
		// outbox prepares from what was asked.
		topics := QuestionTopics(text)
		for _, invID := range match.InvoiceIDs {
			exists, err := tx.OpenFlagExists(domain.FlagInfoRequest, invID, 0)
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
			if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagInfoRequest, InvoiceID: invID, MessageID: rowID,
				Evidence: ev, Topics: topics}); err != nil {
				return "", err
			}
		}
	}
	var kind domain.FlagKind
	switch {
	case policy.ReplyNeedsHuman(class):
		// A reply that needs a person opens a flag of its own class's name.
		kind = domain.FlagKind(class)
	case needsHuman && !claim.Overrode:
		// The model could not read it with confidence: a person says.
		kind = domain.FlagUnsure
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
	if r.Hostile && !match.UnknownSender {
		who := msg.From.Name
		if who == "" {
			who = msg.From.Email
		}
		if err := e.stopContact(tx, match.InvoiceIDs[0], rowID, who, r); err != nil {
			return "", err
		}
	}
	if err := recordObjection(tx, rowID, class, r.Objection, match.InvoiceIDs, evidence, msg.Subject); err != nil {
		return "", err
	}
	return string(class), nil
}

// recordObjection puts the stock objection a reply raised on the flag that
// carries it (policy.ObjectionFlag): the reply's own flag, else an
// objection flag on each invoice it is about. The outbox drafts the answer
// from it. An objection the policy does not answer stays in the reply's
// event only.
func recordObjection(tx *store.Tx, rowID int64, class domain.ReplyClass, o domain.Objection, invoiceIDs []int64, evidence []string, subject string) error {
	kind := policy.ObjectionFlag(class, o)
	if kind == "" || len(invoiceIDs) == 0 {
		return nil
	}
	if kind != domain.FlagObjection {
		marked, err := tx.MarkObjection(rowID, kind, o)
		if err != nil || marked > 0 {
			return err
		}
		// The reply's question joined one asked before: its own flag was
		// not opened, so the objection gets a flag of its own.
	}
	if len(evidence) == 0 {
		evidence = []string{subject}
	}
	for _, invID := range invoiceIDs {
		if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagObjection, InvoiceID: invID, MessageID: rowID, Objection: o,
			Evidence: append([]string{store.ObjectionEvidence(o)}, evidence...)}); err != nil {
			return err
		}
	}
	return nil
}

// triage sends a reply that fits several open invoices equally to a human,
// and pauses each of them until the human says which it is about.
func (e *Engine) triage(tx *store.Tx, rowID int64, msg *message.Message, match invoice.Match, evidence []string) error {
	ev := append([]string{fmt.Sprintf("reply from %s could be about several invoices (%v): %s", msg.From.Email, match.Candidates, match.Evidence)}, evidence...)
	paused := 0
	for _, id := range match.Candidates {
		state, err := tx.InvoiceState(id)
		if err != nil {
			return err
		}
		switch state {
		case domain.StatePaid, domain.StateCancelled, domain.StateWrittenOff:
			continue // settled: nothing to pause
		}
		if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagTriage, InvoiceID: id, MessageID: rowID, Evidence: ev}); err != nil {
			return err
		}
		paused++
	}
	if paused > 0 {
		return nil
	}
	_, err := tx.OpenFlag(store.Flag{Kind: domain.FlagTriage, MessageID: rowID, Evidence: ev})
	return err
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

// mailTime is when a mail says it was written (its Date:), the time of the
// events it brings: a first pass over years of mail keeps their history on
// their own days. A mail without a date, or dated in the future, counts
// from the moment it is read.
func mailTime(tx *store.Tx, msg *message.Message) time.Time {
	now := tx.Now()
	if msg == nil || msg.Date.IsZero() || msg.Date.After(now) {
		return now
	}
	return msg.Date
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(strings.TrimSpace(addr[i+1:]))
	}
	return ""
}

// recordManualContact ties a mail the owner wrote by hand (a reminder, a
// reply in an invoice's thread) to its invoices, by the same routes as a
// reply with the recipient in the sender's place, and records it: an event
// on each invoice, the client's last contact, and for a reminder the
// ladder stage it amounts to, so relance goes on from there. Replies to it
// thread to its invoices. It reports whether the mail was tied.
func (e *Engine) recordManualContact(tx *store.Tx, rowID int64, msg *message.Message, r invoice.Result) (bool, error) {
	to := e.recipientOf(msg)
	if to == "" {
		return false, nil
	}
	q := store.ThreadQuery{Refs: append(append([]string{}, msg.InReplyTo...), msg.References...), Sender: to,
		Text: msg.Subject + "\n" + msg.Text, Keys: invoice.NumberKeys(msg.Subject + "\n" + msg.Text)}
	if d := domainOf(to); d != "" && !invoice.SharedDomain(d) {
		q.Domain = d
	}
	cands, err := tx.ThreadCandidatesFor(q)
	if err != nil {
		return false, err
	}
	ic := make([]invoice.Candidate, 0, len(cands))
	for _, c := range cands {
		ic = append(ic, invoice.Candidate{ID: c.ID, Number: c.Number, ClientEmails: c.ClientEmails, MessageIDs: c.MessageIDs, Open: c.Open,
			Amount: c.Amount, Balance: c.Balance})
	}
	cp := *msg
	cp.From = message.Address{Email: to}
	match := invoice.ThreadWith(&cp, ic, invoice.ThreadOptions{})
	if len(match.InvoiceIDs) == 0 || match.UnknownSender && match.Rule != invoice.RouteReferences && match.Rule != invoice.RouteNumber {
		// Our own mail to an address that is not the client's counts
		// only when it names the invoice.
		return false, nil
	}
	kind, level, stage := domain.EventManualContact, "", 0
	if r.Rejected == invoice.RejectOwnReminder {
		kind = domain.EventManualReminder
		lvl := invoice.ReminderLevel(msg.Subject, msg.Text)
		level = string(lvl)
		if e.stageOf != nil {
			stage = e.stageOf(to, lvl)
		}
	}
	at := mailTime(tx, msg)
	if err := tx.ManualContact(match.InvoiceIDs, stage, at); err != nil {
		return false, err
	}
	for _, id := range match.InvoiceIDs {
		if _, err := tx.AddEvent(store.Event{Kind: kind, At: at, InvoiceID: id, MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"subject": msg.Subject, "to": to, "level": level, "stage": stage,
				"thread_rule": match.Rule, "thread_evidence": match.Evidence})}); err != nil {
			return false, err
		}
	}
	return true, tx.SetMessageOutcome(rowID, string(kind), match.InvoiceIDs[0])
}

// recipientOf is the first recipient of a mail we sent that is not one of
// our own addresses.
func (e *Engine) recipientOf(m *message.Message) string {
	from := strings.ToLower(m.From.Email)
	for _, list := range [][]message.Address{m.To, m.Cc} {
		for _, a := range list {
			addr := strings.ToLower(strings.TrimSpace(a.Email))
			if addr == "" || addr == from || slices.Contains(e.invOpt.OwnAddresses, addr) {
				continue
			}
			if _, ok := invoice.UsableEmail(addr); ok {
				return addr
			}
		}
	}
	return ""
}
