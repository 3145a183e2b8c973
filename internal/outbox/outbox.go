// Package outbox turns decisions into held drafts and held drafts into sent
// reminders, safely. It is the only package that submits mail (SMTP).
//
// A pass (1) reconciles the user's review in the IMAP Drafts folder (a
// deleted copy cancels the draft, a \Flagged one approves it), (2) asks the
// policy what each client needs next and holds new drafts until the next
// business day, both in the store and in IMAP Drafts, and (3) re-checks every
// pending draft at the moment of sending and submits the ones still right to
// send. Sending reserves the Message-ID in the store before SMTP and puts a
// marked copy in Sent before submission, so that a crash at any point can be
// recognised after restart and nothing is sent twice.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// Mailbox is what the outbox needs of IMAP (implemented by mailbox.Client).
type Mailbox interface {
	Append(ctx context.Context, role mailbox.Role, raw []byte, flags []string, date time.Time) (uint32, error)
	Delete(ctx context.Context, role mailbox.Role, uid uint32) error
	DraftsState(ctx context.Context) ([]mailbox.DraftInfo, error)
	FindMessageID(ctx context.Context, role mailbox.Role, msgID string) (uid uint32, found bool, err error)
	SetFlag(ctx context.Context, role mailbox.Role, uid uint32, flag string, on bool) error
}

// Sender submits one message. Errors that may succeed later are marked with
// Temporary.
type Sender interface {
	Send(ctx context.Context, m *Composed) error
}

// Observer hears the outcome of every SMTP submission (metrics). Its
// methods are called on the sending path and must not block.
type Observer interface {
	// Sent is called when the SMTP server accepted a reminder.
	Sent()
	// SendFailed is called when a submission failed; temporary failures
	// are retried on a later pass, permanent ones stop the draft (or,
	// when they are not the message's own, all sending).
	SendFailed(temporary bool)
	// SendingStopped is called on every pass with whether a permanent SMTP
	// or configuration failure stops all sending.
	SendingStopped(stopped bool)
}

// NopObserver ignores every outcome.
type NopObserver struct{}

// Sent implements Observer.
func (NopObserver) Sent() {}

// SendFailed implements Observer.
func (NopObserver) SendFailed(bool) {}

// SendingStopped implements Observer.
func (NopObserver) SendingStopped(bool) {}

// Options configures the outbox.
type Options struct {
	Store    *store.Store
	Mailbox  Mailbox
	Sender   Sender
	Policy   policy.Policy
	Mode     domain.Mode
	From     string // "Name <address>"
	Business render.Business
	Renderer *render.Renderer
	// SaveSent appends sent reminders to Sent (false when the server files
	// submitted mail itself).
	SaveSent bool
	// ThankYou drafts thanks when an invoice that was chased is paid.
	ThankYou bool
	// AttachInvoice attaches each reminder's invoices' own PDFs, taken
	// from the mails they were sent with (RELANCE_ATTACH_INVOICE).
	AttachInvoice bool
	// NotifyTo receives the daily digest (none when empty).
	NotifyTo []string
	// ApproveFlag is the IMAP flag that approves a draft from a mail client.
	ApproveFlag string
	Logger      *slog.Logger
	// Fault is a test hook called at named points of a send ("after-smtp").
	Fault func(point string)
	// Observer hears SMTP outcomes. Optional.
	Observer Observer
}

// Outbox runs passes.
type Outbox struct {
	o    Options
	log  *slog.Logger
	gate gate
	// key is the installation's identifier (store.InstallationKey), read
	// on the first pass; its drafts in IMAP Drafts carry it.
	key string
}

// SendingKeyword marks the Sent copy of a message whose submission is not yet
// confirmed in the store.
const SendingKeyword = "$RelanceSending"

// New builds an outbox.
func New(o Options) (*Outbox, error) {
	if o.Store == nil || o.Mailbox == nil {
		return nil, errors.New("outbox: store and mailbox are required")
	}
	if o.Sender == nil && o.Mode != domain.ModeDryRun {
		return nil, errors.New("outbox: no SMTP sender (required unless dry-run)")
	}
	if o.Renderer == nil {
		return nil, errors.New("outbox: no renderer")
	}
	if o.ApproveFlag == "" {
		o.ApproveFlag = `\Flagged`
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Fault == nil {
		o.Fault = func(string) {}
	}
	if o.Observer == nil {
		o.Observer = NopObserver{}
	}
	return &Outbox{o: o, log: o.Logger}, nil
}

// Pass runs one reconcile → decide → send cycle at now.
func (x *Outbox) Pass(ctx context.Context, now time.Time) error {
	if _, err := x.installation(ctx); err != nil {
		return err
	}
	var errs []error
	if err := x.reconcileDrafts(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.decide(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.handovers(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.courtesy(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.refreshStop(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.sendDue(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := x.digest(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// reconcileDrafts applies what the user did to our copies in IMAP Drafts.
func (x *Outbox) reconcileDrafts(ctx context.Context, now time.Time) error {
	pending, err := x.o.Store.Drafts(ctx, domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		return err
	}
	infos, err := x.o.Mailbox.DraftsState(ctx)
	if errors.Is(err, mailbox.ErrNoFolder) {
		// No Drafts folder and none could be created: review happens on
		// the web page, and there is nothing to reconcile.
		return x.noDraftsFolder(ctx, now, err)
	}
	if err != nil {
		return fmt.Errorf("outbox: read Drafts: %w", err)
	}
	if err := x.resolveSystemFlags(ctx, now, domain.FlagNoDraftsFolder, "the Drafts folder is available"); err != nil {
		return err
	}
	legacy := map[int64]store.Draft{}
	for _, d := range pending {
		if d.LegacyHeader {
			legacy[d.ID] = d
		}
	}
	// Only this installation's copies count: a copy is ours by the
	// installation's key and its number; one written before copies carried
	// the key, for a draft of that time with the same recipients. Another
	// installation's drafts on the same mailbox are left alone.
	byDraft := map[int64][]mailbox.DraftInfo{}
	for _, in := range infos {
		id, ok := mailbox.ParseDraftHeader(in.RelanceDraft)
		if !ok {
			continue
		}
		old, isLegacy := legacy[id]
		if !policy.OwnsDraftCopy(x.key, in.Installation, isLegacy) {
			continue
		}
		if in.Installation == "" {
			if ok, _ := policy.EditMatches(old.To, old.Cc, in.To, in.Cc, nil, "", ""); !ok {
				continue
			}
		}
		byDraft[id] = append(byDraft[id], in)
	}
	isPending := map[int64]bool{}
	for _, d := range pending {
		isPending[d.ID] = true
		// No UID but a copy: the process stopped between the APPEND and
		// recording its UID; the copy is adopted below.
		if d.IMAPUID == 0 && len(byDraft[d.ID]) == 0 {
			continue // never copied (dry-run or IMAP failure): nothing to reconcile
		}
		copies := byDraft[d.ID]
		if len(copies) == 0 {
			if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
				return tx.CancelDraft(d.ID, domain.ActorIMAP, "deleted from the Drafts folder")
			}); err != nil {
				return err
			}
			x.log.Info("draft cancelled from the mail client", slog.Int64("draft", d.ID))
			continue
		}
		// The newest copy wins (an edit saves a new message with our
		// header), among those still going to the draft's recipients: a
		// copy sent elsewhere is not what will be sent (the engine reported
		// it), and neither becomes the draft's copy nor approves it.
		var latest mailbox.DraftInfo
		for _, c := range copies {
			if ok, _ := policy.EditMatches(d.To, d.Cc, c.To, c.Cc, nil, "", ""); ok && c.UID > latest.UID {
				latest = c
			}
		}
		if latest.UID == 0 {
			continue
		}
		if latest.UID != d.IMAPUID {
			if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.SetDraftIMAPUID(d.ID, latest.UID) }); err != nil {
				return err
			}
		}
		// A flag set before the hold ends approves the draft once the hold
		// is over: the reread-tomorrow rule holds in the mail client too.
		if d.Status == domain.DraftHeld && slices.Contains(latest.Flags, x.o.ApproveFlag) && !now.Before(d.HoldUntil) {
			if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
				return tx.ApproveDraft(d.ID, domain.ActorIMAP, "")
			}); err != nil {
				return err
			}
			x.log.Info("draft approved from the mail client", slog.Int64("draft", d.ID))
		}
	}
	return x.removeStaleCopies(ctx, byDraft, isPending)
}

// removeStaleCopies deletes Drafts copies of reminders already sent,
// superseded, or cancelled on the web page or the command line. They survive when the process stops between the store's
// commit and the copy's removal, or when the removal fails; a sent reminder
// left among the drafts could be sent a second time by hand.
func (x *Outbox) removeStaleCopies(ctx context.Context, byDraft map[int64][]mailbox.DraftInfo, isPending map[int64]bool) error {
	for id, copies := range byDraft {
		if isPending[id] {
			continue
		}
		d, err := x.o.Store.DraftDetail(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if d.Status != domain.DraftSent && d.Status != domain.DraftSuperseded && d.Status != domain.DraftCancelled {
			continue
		}
		for _, c := range copies {
			if err := x.o.Mailbox.Delete(ctx, mailbox.RoleDrafts, c.UID); err != nil {
				x.log.Warn("outbox: cannot remove a stale draft copy from IMAP Drafts", slog.Int64("draft", id), slog.Any("err", err))
			}
		}
	}
	return nil
}

// decide asks the policy what each client needs and acts on it.
func (x *Outbox) decide(ctx context.Context, now time.Time) error {
	clients, err := x.o.Store.ChasingClients(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range clients {
		if err := x.decideClient(ctx, now, c); err != nil {
			errs = append(errs, fmt.Errorf("outbox: client %s: %w", c.Email, err))
		}
	}
	return errors.Join(errs...)
}

func (x *Outbox) decideClient(ctx context.Context, now time.Time, c store.ChasingClient) error {
	// Decide gives one action per call; applying it changes the state, so
	// reload and ask again, a bounded number of times.
	for range 4 {
		state := ClientState(c)
		d := policy.Decide(now, state, x.o.Policy)
		if err := x.recordSignals(ctx, now, c, d); err != nil {
			return err
		}
		switch d.Action {
		case policy.ActionDraft, policy.ActionFormalNotice:
			if c.Pending != nil {
				return nil
			}
			return x.createDraft(ctx, now, c, d)
		case policy.ActionAnswer:
			if err := x.answer(ctx, now, c, d); err != nil {
				return err
			}
		case policy.ActionCallTask, policy.ActionHandOff, policy.ActionPaymentCheck:
			if err := x.task(ctx, now, c, d); err != nil {
				return err
			}
		default:
			return nil
		}
		fresh, err := x.reload(ctx, c.ID)
		if err != nil || fresh == nil {
			return err
		}
		c = *fresh
	}
	return nil
}

func (x *Outbox) reload(ctx context.Context, clientID int64) (*store.ChasingClient, error) {
	return x.o.Store.ChasingClient(ctx, clientID)
}

// task opens the flag a human acts on: a call to prepare, a hand-off, a
// payment to check. Stages without a mail are recorded as done at once.
func (x *Outbox) task(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision) error {
	kind := map[policy.Action]domain.FlagKind{policy.ActionCallTask: domain.FlagCall, policy.ActionHandOff: domain.FlagHandOff, policy.ActionPaymentCheck: domain.FlagPaymentCheck}[d.Action]
	ids := invoiceIDs(d.Invoices)
	var evidence []string
	switch d.Action {
	case policy.ActionCallTask:
		sheet, err := x.callSheet(ctx, now, c, d)
		if err != nil {
			return err
		}
		evidence = []string{sheet}
	case policy.ActionHandOff:
		evidence = []string{fmt.Sprintf("the ladder is exhausted for %s: hand the file to a collection professional", numbers(d.Invoices))}
	case policy.ActionPaymentCheck:
		evidence = []string{fmt.Sprintf("%s said the payment was made: check that it arrived", c.Name)}
	}
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		var first int64
		if len(ids) > 0 {
			first = ids[0]
		}
		if _, _, err := tx.OpenFlagOnce(store.Flag{Kind: kind, InvoiceID: first, ClientID: c.ID, Evidence: evidence}); err != nil {
			return err
		}
		if d.Stage > 0 {
			return tx.StageDone(ids, d.Stage)
		}
		return nil
	})
}

// recordSignals turns behaviour signals into flags, once each.
func (x *Outbox) recordSignals(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision) error {
	for _, s := range d.Signals {
		id := s.InvoiceID
		err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
			_, _, err := tx.OpenFlagOnce(store.Flag{Kind: domain.FlagKind(s.Kind), InvoiceID: id, ClientID: c.ID,
				Evidence: []string{fmt.Sprintf("promised payment by %s has not arrived", s.Date)}})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func invoiceIDs(steps []policy.InvoiceStep) []int64 {
	out := make([]int64, 0, len(steps))
	for _, s := range steps {
		out = append(out, s.ID)
	}
	return out
}

func numbers(steps []policy.InvoiceStep) string {
	s := ""
	for i, st := range steps {
		if i > 0 {
			s += ", "
		}
		s += st.Number
	}
	return s
}

// installation is the installation's key, read once from the store.
func (x *Outbox) installation(ctx context.Context) (string, error) {
	if x.key == "" {
		key, err := x.o.Store.InstallationKey(ctx)
		if err != nil {
			return "", fmt.Errorf("outbox: %w", err)
		}
		x.key = key
	}
	return x.key, nil
}
