package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// sendDue re-checks every pending draft and sends those still right to send.
func (x *Outbox) sendDue(ctx context.Context, now time.Time) error {
	pending, err := x.o.Store.DraftDetails(ctx, domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return nil
	}
	clients, err := x.o.Store.ChasingClients(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]store.ChasingClient{}
	for _, c := range clients {
		byID[c.ID] = c
	}
	var errs []error
	for _, detail := range pending {
		d := detail.Draft
		if c, ok := byID[d.ClientID]; ok {
			if err := x.refreshNotice(ctx, now, &detail, c); err != nil {
				// A notice that cannot be computed for today is not sent
				// with yesterday's date and penalties.
				errs = append(errs, fmt.Errorf("outbox: draft %d: re-date formal notice: %w", d.ID, err))
				continue
			}
		}
		if err := x.consider(ctx, now, detail, byID[d.ClientID]); err != nil {
			errs = append(errs, fmt.Errorf("outbox: draft %d: %w", d.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (x *Outbox) consider(ctx context.Context, now time.Time, d store.DraftDetail, c store.ChasingClient) error {
	// A submission that may have happened before a crash is settled first.
	rec := sendRecord(d)
	if rec.InFlight() {
		settled, err := x.settleInFlight(ctx, now, d, rec)
		if err != nil || settled {
			return err
		}
	}
	if rec.RetryWaits(now) {
		return nil
	}
	if domain.DraftStage(d.Stage).Courtesy() {
		return x.considerCourtesy(ctx, now, d, c)
	}
	ds := DraftState(d.Draft, d.Kind, d.StageNumber)
	ds.RequiresApproval = d.RequiresApproval && d.Kind == domain.KindAnswer
	state := ClientState(c)
	// The draft being considered is not "another pending draft".
	state.PendingDraft = nil
	ok, reason := policy.ShouldSend(now, ds, state, x.o.Policy, x.o.Mode)
	if !ok {
		if reason.Supersedes() {
			return x.supersede(ctx, now, d, reason)
		}
		if reason == policy.ReasonDryRun {
			x.log.Info("dry-run: would send", slog.Int64("draft", d.ID), slog.String("stage", d.Stage),
				slog.Any("to", d.To), slog.String("subject", d.Subject))
		}
		return nil
	}
	return x.send(ctx, now, d)
}

// supersede retires a draft whose situation changed and removes its IMAP copy.
func (x *Outbox) supersede(ctx context.Context, now time.Time, d store.DraftDetail, reason policy.Reason) error {
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		return tx.SetDraftStatus(d.ID, domain.DraftSuperseded, domain.ActorDaemon, reason.Code())
	}); err != nil {
		return err
	}
	x.log.Info("draft superseded", slog.Int64("draft", d.ID), slog.String("reason", reason.Code()))
	x.deleteDraftCopy(ctx, d)
	return nil
}

// deleteDraftCopy removes a retired draft's copy from IMAP Drafts.
func (x *Outbox) deleteDraftCopy(ctx context.Context, d store.DraftDetail) {
	if d.IMAPUID == 0 {
		return
	}
	if err := x.o.Mailbox.Delete(ctx, mailbox.RoleDrafts, d.IMAPUID); err != nil {
		x.log.Warn("outbox: cannot remove retired draft from IMAP", slog.Int64("draft", d.ID), slog.Any("err", err))
	}
}

// send submits one draft. The order makes every crash recognisable:
//  1. the attempt is committed (the Message-ID was reserved at drafting);
//  2. a copy marked $RelanceSending goes to Sent;
//  3. SMTP;
//  4. the acceptance is committed, the mark removed, the draft marked sent.
//
// After a crash, settleInFlight finds the Sent copy by Message-ID.
func (x *Outbox) send(ctx context.Context, now time.Time, d store.DraftDetail) error {
	if x.sendingStopped() {
		return nil // an open smtp_failed flag: nothing is tried until it is resolved
	}
	atts, err := x.attachmentsOf(ctx, &d, now)
	if err != nil {
		return x.noteFailure(ctx, now, d, err, true)
	}
	composed, err := composeStored(x.o.From, x.key, d, now, atts...)
	if err != nil {
		// A draft that cannot be written (an address that does not parse)
		// never will be: it is stopped and flagged, not retried on every
		// pass while the other drafts wait.
		return x.noteFailure(ctx, now, d, err, false)
	}
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.NoteSendAttempt(d.ID, "") }); err != nil {
		return err
	}
	var sentUID uint32
	if x.o.SaveSent {
		sentUID, err = x.o.Mailbox.Append(ctx, mailbox.RoleSent, composed.Raw, []string{`\Seen`, SendingKeyword}, now)
		if errors.Is(err, mailbox.ErrNoFolder) {
			// Without a Sent copy a crash mid-send could send twice.
			return x.stopSending(ctx, now, &d, fmt.Errorf("no Sent folder for the copy that makes a send safe (%w); "+
				"create one in your mail client, set RELANCE_IMAP_SENT_FOLDER, or RELANCE_SAVE_SENT=false if the server files sent mail itself", err))
		}
		if err != nil {
			return x.noteFailure(ctx, now, d, fmt.Errorf("copy to Sent before sending: %w", err), true)
		}
	}
	err = x.o.Sender.Send(ctx, composed)
	if err != nil {
		if sentUID != 0 {
			if derr := x.o.Mailbox.Delete(ctx, mailbox.RoleSent, sentUID); derr != nil {
				x.log.Warn("outbox: cannot remove unsent copy from Sent", slog.Int64("draft", d.ID), slog.Any("err", derr))
			}
		}
		temporary := IsTemporary(err)
		x.o.Observer.SendFailed(temporary)
		if IsStopping(err) {
			return x.stopSending(ctx, now, &d, err)
		}
		return x.noteFailure(ctx, now, d, err, temporary)
	}
	x.o.Observer.Sent()
	x.o.Fault("after-smtp")
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.MarkSMTPAccepted(d.ID) }); err != nil {
		return err
	}
	if sentUID != 0 {
		if err := x.o.Mailbox.SetFlag(ctx, mailbox.RoleSent, sentUID, SendingKeyword, false); err != nil {
			x.log.Warn("outbox: cannot clear the sending mark in Sent", slog.Int64("draft", d.ID), slog.Any("err", err))
		}
	}
	return x.markSent(ctx, now, d)
}

func (x *Outbox) markSent(ctx context.Context, now time.Time, d store.DraftDetail) error {
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.DraftSent(d, domain.ActorDaemon) }); err != nil {
		return err
	}
	x.log.Info("reminder sent", slog.Int64("draft", d.ID), slog.String("stage", d.Stage), slog.String("message_id", d.MessageID))
	if d.IMAPUID != 0 {
		if err := x.o.Mailbox.Delete(ctx, mailbox.RoleDrafts, d.IMAPUID); err != nil {
			x.log.Warn("outbox: cannot remove sent draft from IMAP Drafts", slog.Int64("draft", d.ID), slog.Any("err", err))
		}
	}
	return nil
}

// sendRecord is what the store knows of a draft's submissions, as the
// policy reads it.
func sendRecord(d store.DraftDetail) policy.SendRecord {
	return policy.SendRecord{Attempts: d.SendAttempts, Failed: d.LastError != "", LastAttemptAt: d.LastAttemptAt,
		Accepted: !d.SMTPAcceptedAt.IsZero()}
}

// settleInFlight carries out policy.Settle for a draft whose earlier
// submission may or may not have reached the SMTP server. It returns true
// when settled.
func (x *Outbox) settleInFlight(ctx context.Context, now time.Time, d store.DraftDetail, rec policy.SendRecord) (bool, error) {
	var uid uint32
	var inSent bool
	if !rec.Accepted {
		var err error
		uid, inSent, err = x.o.Mailbox.FindMessageID(ctx, mailbox.RoleSent, d.MessageID)
		if err != nil {
			return true, fmt.Errorf("look for Message-ID in Sent: %w", err)
		}
	}
	switch policy.Settle(rec, x.o.SaveSent, inSent) {
	case policy.SettleResend:
		return false, nil
	case policy.SettleSentUnconfirmed:
		if err := x.o.Mailbox.SetFlag(ctx, mailbox.RoleSent, uid, SendingKeyword, false); err != nil {
			x.log.Warn("outbox: cannot clear the sending mark in Sent", slog.Int64("draft", d.ID), slog.Any("err", err))
		}
		if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
			var first int64
			if len(d.InvoiceIDs) > 0 {
				first = d.InvoiceIDs[0]
			}
			_, err := tx.OpenFlag(store.Flag{Kind: domain.FlagSendUnconfirmed, InvoiceID: first, ClientID: d.ClientID,
				Evidence: []string{fmt.Sprintf("relance stopped while sending %q (Message-ID %s); it is in Sent and counted as sent: check with the recipient if in doubt", d.Subject, d.MessageID)}})
			return err
		}); err != nil {
			return true, err
		}
	}
	return true, x.markSent(ctx, now, d)
}

// noteFailure records a failed attempt; permanent failures and too many
// temporary ones stop the draft and raise a flag instead of a retry storm.
func (x *Outbox) noteFailure(ctx context.Context, now time.Time, d store.DraftDetail, sendErr error, temporary bool) error {
	giveUp := policy.GiveUp(d.SendAttempts+1, temporary)
	x.log.Warn("outbox: send failed", slog.Int64("draft", d.ID), slog.Bool("temporary", temporary), slog.Bool("give_up", giveUp), slog.Any("err", sendErr))
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		if err := tx.NoteSendError(d.ID, sendErr.Error()); err != nil {
			return err
		}
		if !giveUp {
			return nil
		}
		if err := tx.SetDraftStatus(d.ID, domain.DraftCancelled, domain.ActorDaemon, "send failed: "+sendErr.Error()); err != nil {
			return err
		}
		var first int64
		if len(d.InvoiceIDs) > 0 {
			first = d.InvoiceIDs[0]
		}
		_, err := tx.OpenFlag(store.Flag{Kind: domain.FlagSendFailed, InvoiceID: first, ClientID: d.ClientID,
			Evidence: []string{fmt.Sprintf("could not send %q to %v: %v", d.Subject, d.To, sendErr)}})
		return err
	})
}

// DraftState is a stored draft as the decision core reads it.
func DraftState(d store.Draft, kind domain.StageKind, stage int) policy.DraftState {
	return policy.DraftState{ID: d.ID, Kind: kind, Stage: stage, InvoiceIDs: d.InvoiceIDs,
		CreatedAt: d.CreatedAt, HoldUntil: d.HoldUntil, Status: d.Status,
		HoldLifted: d.HoldLifted, SendNow: d.SendNow, Objection: d.Objection}
}

// GoesAt is when an approved (or about to be approved) draft will leave,
// given what the store knows at now: the first instant the hold (unless
// lifted), the minimum gap, the client's absence and the send window allow
// (policy.SendTime); now for "send now". The web page and the command line
// state it when a human approves. The zero time means it cannot be told
// (the client has nothing left to chase, or the draft would be retired at
// sending: an invoice paid, disputed, paused).
// With liftHold it tells when the draft would go if approved now with a
// reason (the hold lifted).
func GoesAt(ctx context.Context, st *store.Store, p policy.Policy, draftID int64, now time.Time, liftHold bool) (time.Time, error) {
	d, err := st.DraftDetail(ctx, draftID)
	if err != nil {
		return time.Time{}, err
	}
	c, err := st.ChasingClient(ctx, d.ClientID)
	if err != nil || c == nil {
		return time.Time{}, err
	}
	state := ClientState(*c)
	state.PendingDraft = nil
	ds := DraftState(d.Draft, d.Kind, d.StageNumber)
	ds.HoldLifted = ds.HoldLifted || liftHold
	at := p.SendTime(now, ds, state)
	ds.Status = domain.DraftApproved
	if ok, r := policy.ShouldSend(at, ds, state, p, domain.ModeReview); !ok && r.Supersedes() {
		return time.Time{}, nil
	}
	return at, nil
}
