package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// ClientState converts the store's view of a client for the policy (the
// benchmarks measure the policy pass through it too).
func ClientState(c store.ChasingClient) policy.ClientState {
	s := policy.ClientState{
		Client:           policy.Client{ID: c.ID, Name: c.Name, Emails: c.Emails, Language: c.Language, B2C: c.B2C},
		LastContact:      c.LastContact,
		LastInbound:      c.LastInbound,
		OutOfOfficeUntil: c.AwayUntil,
	}
	if !c.NotBefore.IsZero() {
		s.NotBefore = policy.DateOf(c.NotBefore)
	}
	for _, k := range c.FlagKinds {
		s.ClientFlags = append(s.ClientFlags, domain.FlagKind(k))
	}
	for _, inv := range c.Invoices {
		is := policy.InvoiceState{
			ID: inv.ID, Number: inv.Number, Amount: inv.Amount, Balance: inv.Balance,
			Currency: inv.Currency, State: inv.State, StateSince: inv.StateSince,
			LastStageSent: inv.LastStage, DisputedBefore: inv.DisputedBefore, ClockFrom: inv.ClockFrom, Quiet: inv.Quiet.Policy(),
		}
		if !inv.IssueDate.IsZero() {
			is.IssueDate = policy.DateOf(inv.IssueDate)
		}
		if !inv.DueDate.IsZero() {
			is.DueDate = policy.DateOf(inv.DueDate)
		}
		if !inv.PromiseDate.IsZero() {
			is.PromiseDate = policy.DateOf(inv.PromiseDate)
		}
		for _, k := range inv.FlagKinds {
			is.OpenFlags = append(is.OpenFlags, domain.FlagKind(k))
		}
		s.Invoices = append(s.Invoices, is)
	}
	if c.Pending != nil {
		s.PendingDraft = &policy.PendingDraft{ID: c.Pending.ID, Kind: domain.StageKind(c.Pending.Kind),
			CreatedAt: c.Pending.CreatedAt}
	}
	for _, q := range c.Questions {
		s.Questions = append(s.Questions, policy.Question{ID: q.FlagID, InvoiceIDs: q.InvoiceIDs, AskedAt: q.AskedAt,
			Answer: q.Answer, Objection: q.Objection})
	}
	return s
}

// renderData gathers what a template prints for a decision. A formal
// notice is written as it will be on the day it goes (noticeTerms).
func (x *Outbox) renderData(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision, stage string) (render.Data, []int64, error) {
	loc := x.o.Policy.Location
	today := policy.DateIn(now, loc)
	data := render.Data{Language: d.Language, Stage: stage, Business: x.o.Business, ClientName: c.Name, B2B: !d.B2C,
		Today: now.In(loc), OfferPaymentPlan: d.OfferPaymentPlan}
	// A reminder to a business names the D441-5 indemnity the policy
	// configures (penalties.indemnity), as the formal notice will claim it.
	per := x.o.Policy.Penalties.Indemnity
	data.IndemnityPerInvoice = &per
	byID := map[int64]store.ChasingInvoice{}
	for _, inv := range c.Invoices {
		byID[inv.ID] = inv
	}
	var chosen []store.ChasingInvoice
	for _, step := range d.Invoices {
		if inv, ok := byID[step.ID]; ok {
			chosen = append(chosen, inv)
		}
	}
	var terms policy.NoticeTerms
	if d.Action == policy.ActionFormalNotice {
		var err error
		goes := d.HoldUntil
		if d.NotBefore.After(goes) {
			goes = d.NotBefore
		}
		terms, err = x.noticeTerms(ctx, now, goes, c, chosen)
		if err != nil {
			return data, nil, err
		}
		today = terms.SendDay
		data.Today = terms.SendDay.At(loc, 12, 0)
		data.PaymentDeadline = terms.Deadline.At(loc, 12, 0)
		data.PaymentDeadlineDays = terms.DeadlineDays
		data.Language, data.B2B = terms.Language, !terms.B2C
		// The notice is a letter: it names the debtor's postal address, as
		// its PDF copy does.
		a, err := x.o.Store.ClientAddressee(ctx, c.ID)
		if err != nil {
			return data, nil, fmt.Errorf("outbox: formal notice addressee: %w", err)
		}
		data.ClientAddress = a.Address
	}
	if data.Language == "" {
		data.Language = x.o.Policy.DefaultLanguage
	}
	var ids []int64
	for i, inv := range chosen {
		ids = append(ids, inv.ID)
		line := render.InvoiceLine{Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Amount: inv.Amount,
			Balance: inv.Balance, Currency: inv.Currency}
		if !inv.DueDate.IsZero() {
			line.DaysLate = today.DaysSince(policy.DateOf(inv.DueDate))
		}
		data.Invoices = append(data.Invoices, line)
		if data.Currency == "" {
			data.Currency = inv.Currency
		}
		if d.Action == policy.ActionFormalNotice && i < len(terms.Penalties) {
			pen := terms.Penalties[i]
			if pen.Err != nil {
				x.log.Warn("outbox: penalties not computed", slog.String("invoice", inv.Number), slog.Any("err", pen.Err))
				continue
			}
			for _, l := range pen.Result.Lines {
				data.Penalties = append(data.Penalties, render.PenaltyLine{From: l.From.At(time.UTC, 0, 0), To: l.To.At(time.UTC, 0, 0), Days: l.Days,
					Base: l.Base, RatePercent: l.Rate, Amount: l.Rounded})
			}
		}
	}
	if d.Action == policy.ActionFormalNotice {
		data.PenaltyTotal = terms.InterestDue()
		data.Indemnity = decimal.Zero
		if !terms.B2C {
			// The D441-5 indemnity owed, per invoice paid late, at the
			// policy's rate (IndemnityPerInvoice, set above).
			data.Indemnity = terms.Indemnity()
		}
	}
	if !c.LastContact.IsZero() {
		lc := c.LastContact
		data.LastReminder = &lc
	}
	if !d.BrokenPromise.IsZero() {
		pd := d.BrokenPromise.At(loc, 12, 0)
		data.Promise = &pd
	}
	for _, t := range d.OpenTasks {
		data.NoAnswer = data.NoAnswer || t.Kind == domain.FlagSilence
	}
	return data, ids, nil
}

// noticeTerms asks the policy for a formal notice's date, deadline and
// penalties as of the day a draft held until holdUntil will go.
func (x *Outbox) noticeTerms(ctx context.Context, now, holdUntil time.Time, c store.ChasingClient, invs []store.ChasingInvoice) (policy.NoticeTerms, error) {
	if holdUntil.IsZero() {
		holdUntil = x.o.Policy.HoldUntil(now)
	}
	st := ClientState(c)
	holdUntil = x.o.Policy.NoticeNotBefore(holdUntil, st)
	var in []policy.NoticeInvoice
	for _, inv := range invs {
		pays, err := x.o.Store.Payments(ctx, inv.ID)
		if err != nil {
			return policy.NoticeTerms{}, err
		}
		ni := policy.NoticeInvoice{}
		for _, cand := range st.Invoices {
			if cand.ID == inv.ID {
				ni.Invoice = cand
			}
		}
		for _, p := range pays {
			ni.Payments = append(ni.Payments, policy.Payment{Date: policy.DateOf(p.PaidOn), Amount: p.Amount})
		}
		in = append(in, ni)
	}
	return x.o.Policy.FormalNotice(now, holdUntil, st.Client, in)
}

// draftContext is what the reviewer should know beside a reminder's text:
// a promise broken, the tasks and behaviour signals still open on its
// invoices (a call whose outcome was never logged does not stop the ladder).
func draftContext(c store.ChasingClient, d policy.Decision) []store.DraftNote {
	var out []store.DraftNote
	if !d.BrokenPromise.IsZero() {
		out = append(out, store.DraftNote{Code: store.NotePromiseBroken, Args: []string{d.BrokenPromise.String()}})
	}
	number := map[int64]string{}
	for _, inv := range c.Invoices {
		number[inv.ID] = inv.Number
	}
	for _, t := range d.OpenTasks {
		switch t.Kind {
		case domain.FlagCall:
			out = append(out, store.DraftNote{Code: store.NoteOpenCall, Args: []string{number[t.InvoiceID]}})
		case domain.FlagHandOff:
			out = append(out, store.DraftNote{Code: store.NoteOpenHandOff, Args: []string{number[t.InvoiceID]}})
		default:
			out = append(out, store.DraftNote{Code: store.NoteSignal, Args: []string{number[t.InvoiceID], string(t.Kind)}})
		}
	}
	return out
}

// createDraft renders the reminder a decision asks for and holds it.
func (x *Outbox) createDraft(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision) error {
	stage := d.Template
	if stage == "" {
		stage = d.StageName
	}
	data, ids, err := x.renderData(ctx, now, c, d, stage)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	to := d.To
	if len(to) == 0 {
		to = c.Emails[:1]
	}
	kind := domain.KindMessage
	if d.Action == policy.ActionFormalNotice {
		kind = domain.KindFormalNotice
	}
	var refs []string
	for _, inv := range c.Invoices {
		for _, id := range ids {
			if inv.ID == id && inv.SourceMessageID != "" {
				refs = append(refs, inv.SourceMessageID)
			}
		}
	}
	return x.hold(ctx, now, heldDraft{clientID: c.ID, clientName: c.Name, to: to, cc: d.Cc, data: data, stageNumber: d.Stage,
		kind: kind, invoiceIDs: ids, refs: refs, holdUntil: d.HoldUntil, requiresApproval: d.RequiresApproval || kind == domain.KindFormalNotice,
		context: draftContext(c, d)})
}

// heldDraft is everything hold needs to render and keep a draft.
type heldDraft struct {
	clientID         int64
	clientName       string
	to, cc           []string
	data             render.Data
	stageNumber      int
	kind             domain.StageKind
	invoiceIDs       []int64
	refs             []string // Message-IDs of the mails it answers (the invoices)
	holdUntil        time.Time
	requiresApproval bool
	// inReplyTo overrides the first of refs (an answer replies to the
	// client's message).
	inReplyTo   string
	flagID      int64
	context     []store.DraftNote
	attachments []store.Attachment
}

// hold renders a draft, keeps it in the store until the end of its hold,
// and copies it to the user's Drafts folder for review in their mail client.
func (x *Outbox) hold(ctx context.Context, now time.Time, h heldDraft) error {
	stage := h.data.Stage
	if bad := unusableRecipients(h.to, h.cc); len(bad) > 0 {
		// One client's unusable address costs that client's reminder, not
		// the pass: a human corrects the address.
		return x.setAside(ctx, now, h, bad)
	}
	r, err := x.o.Renderer.Render(h.data)
	if err != nil {
		return fmt.Errorf("render %s: %w", stage, err)
	}
	if warnings := render.CalmCheckNames(r.Text, stage, h.data.Language, h.data.Names()); len(warnings) > 0 {
		// Our own templates must pass; a warning here is a template bug.
		x.log.Warn("outbox: draft fails the calm check", slog.String("stage", stage), slog.Int("warnings", len(warnings)), slog.String("first", warnings[0].Message))
	}
	msgID, err := newMessageID(x.o.From)
	if err != nil {
		return err
	}
	inReplyTo := h.inReplyTo
	if inReplyTo == "" && len(h.refs) > 0 {
		inReplyTo = h.refs[0]
	}
	holdUntil := h.holdUntil
	if holdUntil.IsZero() {
		holdUntil = x.o.Policy.HoldUntil(now)
	}
	if h.kind == "" {
		h.kind = domain.KindMessage
	}
	nd := store.NewDraft{ClientID: h.clientID, Stage: stage, StageNumber: h.stageNumber, Kind: h.kind, To: h.to, Cc: h.cc,
		Subject: r.Subject, Body: r.Text, HTML: r.HTML, HoldUntil: holdUntil, MessageID: msgID, InReplyTo: inReplyTo,
		References: h.refs, RequiresApproval: h.requiresApproval, InvoiceIDs: h.invoiceIDs, FlagID: h.flagID, Context: h.context,
		Attachments: h.attachments}
	var atts []Attachment
	if h.kind == domain.KindFormalNotice {
		a, err := x.noticeLetter(ctx, h.clientID, r.Subject, r.Text, h.data.Today)
		if err != nil {
			return err
		}
		atts = append(atts, a)
	}
	// The copy in Drafts carries the invoices' PDFs as the reminder will,
	// so the human rereads what will leave; without them (the IMAP server
	// failed) the copy is still made, and sending fetches them again.
	if remindsOfInvoices(stage) {
		pdfs, err := x.reminderPDFs(ctx, h.invoiceIDs)
		if err != nil {
			x.log.Warn("outbox: the draft's copy goes to Drafts without the invoice PDF", slog.Any("err", err))
		} else {
			atts = append(atts, pdfs...)
		}
	}
	key, err := x.installation(ctx)
	if err != nil {
		return err
	}
	var draftID int64
	var composed *Composed
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		var err error
		if draftID, err = tx.CreateDraft(nd, domain.ActorDaemon); err != nil {
			return err
		}
		// The message must be writable before the draft is kept: a draft
		// that cannot be composed would fail every later pass at sending.
		// Composed inside the transaction, with the draft's number, the
		// check is also the copy for Drafts (its PDFs encoded once).
		composed, err = composeFor(x.o.From, key, draftID, nd, now, atts...)
		return err
	}); err != nil {
		return err
	}
	x.log.Info("draft held", slog.Int64("draft", draftID), slog.String("stage", stage), slog.Int64("client", h.clientID),
		slog.Time("hold_until", holdUntil))
	uid, err := x.o.Mailbox.Append(ctx, mailbox.RoleDrafts, composed.Raw, []string{`\Draft`}, now)
	if errors.Is(err, mailbox.ErrNoFolder) {
		// No Drafts folder (a drafts_folder_missing flag says so): the
		// web page is where it is reviewed.
		x.log.Debug("outbox: no Drafts folder for the draft's copy", slog.Int64("draft", draftID))
		return nil
	}
	if err != nil {
		// The draft is held in the store and reviewable on the web page; the
		// IMAP copy is a convenience.
		x.log.Warn("outbox: cannot copy draft to IMAP Drafts", slog.Int64("draft", draftID), slog.Any("err", err))
		return nil
	}
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.SetDraftIMAPUID(draftID, uid) })
}

// callSheet prepares the phone call for the human, as a flag's evidence.
func (x *Outbox) callSheet(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision) (string, error) {
	data, _, err := x.renderData(ctx, now, c, d, render.StageCall)
	if err != nil {
		return "", err
	}
	if err := x.callFile(ctx, now, c.ID, &data); err != nil {
		return "", err
	}
	r, err := x.o.Renderer.Render(data)
	if err != nil {
		return "", fmt.Errorf("render call sheet: %w", err)
	}
	return r.Text, nil
}

// newMessageID reserves a globally unique Message-ID on the sender's domain.
func newMessageID(from string) (string, error) {
	domain := "relance.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			domain = a.Address[at+1:]
		}
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("outbox: Message-ID: %w", err)
	}
	return "relance." + hex.EncodeToString(b[:]) + "@" + domain, nil
}

// unusableRecipients lists the recipients a message cannot be addressed to
// (the parser go-mail applies), each with its reason.
func unusableRecipients(lists ...[]string) []string {
	var bad []string
	for _, list := range lists {
		for _, a := range list {
			if _, err := mail.ParseAddress(a); err != nil || strings.TrimSpace(a) == "" {
				if err == nil {
					err = errors.New("empty address")
				}
				bad = append(bad, fmt.Sprintf("%q (%v)", a, err))
			}
		}
	}
	return bad
}

// setAside keeps the draft from being made and raises a self_check flag on
// each of its invoices (once) naming the addresses that cannot be used.
func (x *Outbox) setAside(ctx context.Context, now time.Time, h heldDraft, bad []string) error {
	evidence := fmt.Sprintf("no %s reminder can be drafted to %s: correct the client's e-mail address", h.data.Stage, strings.Join(bad, ", "))
	x.log.Warn("outbox: draft set aside: unusable recipient", slog.Int64("client", h.clientID), slog.String("stage", h.data.Stage),
		slog.String("recipients", strings.Join(bad, ", ")))
	ids := h.invoiceIDs
	if len(ids) == 0 {
		ids = []int64{0}
	}
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, _, err := tx.OpenFlagOnce(store.Flag{Kind: domain.FlagSelfCheck, InvoiceID: id, ClientID: h.clientID, Evidence: []string{evidence}}); err != nil {
				return err
			}
		}
		return nil
	})
}
