package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/letter"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// noticeLetter lays out a formal notice as a printable PDF letter, for a
// registered letter with acknowledgement of receipt: the business's
// letterhead, the client's name and postal address (when its invoices gave
// one), and the text exactly as mailed.
func (x *Outbox) noticeLetter(ctx context.Context, clientID int64, subject, body string, date time.Time) (Attachment, error) {
	a, err := x.o.Store.ClientAddressee(ctx, clientID)
	if err != nil {
		return Attachment{}, err
	}
	lang := x.o.Policy.ClientLanguage(policy.Client{ID: clientID, Name: a.Name, Emails: a.Emails, Language: a.Language})
	pdf, err := letter.PDF(letter.Letter{Language: lang, Sender: x.o.Business, RecipientName: a.Name, RecipientAddress: a.Address,
		Registered: true, Subject: subject, Text: body, Date: date})
	if err != nil {
		return Attachment{}, fmt.Errorf("outbox: formal notice letter: %w", err)
	}
	name := "mise-en-demeure"
	if lang == "en" {
		name = "formal-notice"
	}
	day := policy.DateIn(date, x.o.Policy.Location)
	return Attachment{Name: name + "-" + day.String() + ".pdf", ContentType: "application/pdf", Data: pdf}, nil
}

// attachmentsOf returns the files a stored draft is sent with beside its
// own (which it reads into d when they were left out); date is the day the
// letter is dated (the day it goes).
func (x *Outbox) attachmentsOf(ctx context.Context, d *store.DraftDetail, date time.Time) ([]Attachment, error) {
	if d.AttachmentsOmitted {
		stored, err := x.o.Store.DraftAttachments(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		d.Attachments, d.AttachmentsOmitted = stored, false
	}
	var out []Attachment
	if d.Kind == domain.KindFormalNotice {
		a, err := x.noticeLetter(ctx, d.ClientID, d.Subject, d.Body, date)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if remindsOfInvoices(d.Stage) {
		pdfs, err := x.reminderPDFs(ctx, d.InvoiceIDs)
		if err != nil {
			return nil, err
		}
		out = append(out, pdfs...)
	}
	return out, nil
}

// remindsOfInvoices tells the ladder's stages, which ask for payment of
// invoices (not the messages that accompany a plan or a payment, nor an
// answer to a question).
func remindsOfInvoices(stage string) bool {
	return !domain.DraftStage(stage).Courtesy() && stage != string(domain.StageAnswer)
}

// refreshNotice keeps a waiting formal notice right for the day it will
// go: its date, the penalties counted to that day and the deadline that
// runs from it (policy.FormalNotice). Run on every pass before sending, it
// rewrites the held text (and its copy in Drafts) as soon as the day it
// can leave moves, so what the human reads, on the web page or in Drafts,
// is what will be sent; at the moment of sending it is computed for that
// very day. A text a human edited is theirs and is left alone.
func (x *Outbox) refreshNotice(ctx context.Context, now time.Time, d *store.DraftDetail, c store.ChasingClient) error {
	if d.Kind != domain.KindFormalNotice || !d.Status.Waiting() {
		return nil
	}
	if (d.SendAttempts > 0 && d.LastError == "") || !d.SMTPAcceptedAt.IsZero() {
		return nil // possibly already submitted: settled as it is
	}
	edited, err := x.o.Store.DraftEdited(ctx, d.ID)
	if err != nil || edited {
		return err
	}
	dec := policy.Decision{Action: policy.ActionFormalNotice, HoldUntil: d.HoldUntil, Stage: d.StageNumber}
	// What the draft was written from beyond its invoices (a broken
	// promise it refers to, the client's silence) stays in the new text.
	for _, n := range d.Context {
		switch {
		case n.Code == store.NotePromiseBroken && len(n.Args) > 0:
			if pd, err := policy.ParseDate(n.Args[0]); err == nil {
				dec.BrokenPromise = pd
			}
		case n.Code == store.NoteSignal && len(n.Args) > 1:
			// Only the signal's kind shapes the text; the note names its
			// invoice by number, which the decision does not need.
			dec.OpenTasks = append(dec.OpenTasks, policy.OpenTask{Kind: domain.FlagKind(n.Args[1])})
		}
	}
	for _, id := range d.InvoiceIDs {
		dec.Invoices = append(dec.Invoices, policy.InvoiceStep{ID: id})
	}
	data, ids, err := x.renderData(ctx, now, c, dec, d.Stage)
	if err != nil {
		return err
	}
	if len(ids) != len(d.InvoiceIDs) {
		return nil // an invoice left the chase: the re-check at sending retires the draft
	}
	r, err := x.o.Renderer.Render(data)
	if err != nil {
		return fmt.Errorf("render %s: %w", d.Stage, err)
	}
	if r.Subject == d.Subject && r.Text == d.Body && r.HTML == d.HTML {
		return nil
	}
	dated := policy.DateIn(data.Today, x.o.Policy.Location)
	deadline := policy.DateIn(data.PaymentDeadline, x.o.Policy.Location)
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		return tx.RewriteDraft(d.ID, r.Subject, r.Text, r.HTML, map[string]any{
			"reason": "formal notice computed for the day it goes", "dated": dated.String(), "deadline": deadline.String()})
	}); err != nil {
		return err
	}
	d.Subject, d.Body, d.HTML = r.Subject, r.Text, r.HTML
	x.log.Info("formal notice re-dated for the day it goes", slog.Int64("draft", d.ID), slog.String("dated", dated.String()),
		slog.String("deadline", deadline.String()))
	x.replaceDraftCopy(ctx, now, d, data.Today)
	return nil
}

// replaceDraftCopy puts the draft's current text in Drafts in place of the
// old copy. The store already holds the new text, so a copy left behind by
// a crash is recognised as ours, never adopted as an edit.
func (x *Outbox) replaceDraftCopy(ctx context.Context, now time.Time, d *store.DraftDetail, dated time.Time) {
	if d.IMAPUID == 0 {
		return
	}
	atts, err := x.attachmentsOf(ctx, d, dated)
	if err != nil {
		x.log.Warn("outbox: cannot lay out the draft's letter for Drafts", slog.Int64("draft", d.ID), slog.Any("err", err))
		return
	}
	composed, err := composeStored(x.o.From, x.key, *d, now, atts...)
	if err != nil {
		x.log.Warn("outbox: cannot compose the draft's new copy", slog.Int64("draft", d.ID), slog.Any("err", err))
		return
	}
	uid, err := x.o.Mailbox.Append(ctx, mailbox.RoleDrafts, composed.Raw, []string{`\Draft`}, now)
	if err != nil {
		x.log.Warn("outbox: cannot copy the re-dated draft to IMAP Drafts", slog.Int64("draft", d.ID), slog.Any("err", err))
		return
	}
	old := d.IMAPUID
	if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error { return tx.SetDraftIMAPUID(d.ID, uid) }); err != nil {
		x.log.Warn("outbox: cannot record the draft's new copy", slog.Int64("draft", d.ID), slog.Any("err", err))
		return
	}
	d.IMAPUID = uid
	if err := x.o.Mailbox.Delete(ctx, mailbox.RoleDrafts, old); err != nil {
		x.log.Warn("outbox: cannot remove the draft's old copy from IMAP Drafts", slog.Int64("draft", d.ID), slog.Any("err", err))
	}
}
