package engine

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// recordDraftCopy handles a message of the Drafts folder. Our own copies
// carry X-Relance-Draft and this installation's X-Relance-Installation (a
// copy written before copies carried it is recognised only for a draft of
// that time, by its recipients). One whose text differs from the held draft
// is the user's edit, saved by their mail client as a new message: it is
// adopted (and calm-checked) only when it still goes to the draft's
// recipients and names its invoices, and its UID becomes the draft's copy.
// Anything else is left alone and reported (an event and a log line).
func (e *Engine) recordDraftCopy(tx *store.Tx, rowID int64, f mailbox.Fetched, msg *message.Message) (string, error) {
	id, ok := mailbox.ParseDraftHeader(msg.Get(mailbox.DraftHeader))
	if !ok {
		_, err := tx.AddEvent(store.Event{Kind: domain.EventMessageIngested, MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"folder": f.Folder, "role": string(f.Role)})})
		return "draft_other", err
	}
	key, err := tx.InstallationKey()
	if err != nil {
		return "", err
	}
	copyKey := strings.TrimSpace(msg.Get(mailbox.InstallationHeader))
	d, err := tx.DraftByID(id)
	if errors.Is(err, store.ErrNotFound) {
		if copyKey != "" && copyKey != key {
			return string(domain.EventDraftForeign), e.reportForeignDraft(tx, rowID, f, id, copyKey)
		}
		return "draft_unknown", nil
	}
	if err != nil {
		return "", err
	}
	if !policy.OwnsDraftCopy(key, copyKey, d.LegacyHeader) {
		return string(domain.EventDraftForeign), e.reportForeignDraft(tx, rowID, f, id, copyKey)
	}
	status, subject, body, uid := d.Status, d.Subject, d.Body, d.IMAPUID
	if !status.Waiting() {
		return "draft_copy", nil
	}
	text := strings.TrimSpace(msg.Text)
	if f.UID == uid || (text == strings.TrimSpace(body) && msg.Subject == subject) {
		return "draft_copy", nil
	}
	if text == "" {
		return "draft_copy", nil
	}
	if ok, why := policy.EditMatches(d.To, d.Cc, addresses(msg.To), addresses(msg.Cc), d.InvoiceNumbers, msg.Subject, text); !ok {
		// Adopting it would send words written for someone, or something,
		// else: the draft keeps its own text and the human is told.
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventDraftEditRefused, DraftID: id, MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"reason": why, "uid": f.UID})}); err != nil {
			return "", err
		}
		e.log.Warn("a text in the Drafts folder does not match its draft; left alone", slog.Int64("draft", id),
			slog.String("reason", why), slog.Any("uid", f.UID))
		return "draft_mismatch", nil
	}
	if err := tx.EditDraft(id, msg.Subject, text, domain.ActorIMAP); err != nil {
		return "", err
	}
	if err := tx.SetDraftIMAPUID(id, f.UID); err != nil {
		return "", err
	}
	// An edit that turns aggressive is shown before approval (web page,
	// event log); it is never silently sent as if it were ours.
	if warnings := render.CalmCheck(text, "", ""); len(warnings) > 0 {
		var ws []string
		for _, w := range warnings {
			ws = append(ws, w.Message+": "+w.Excerpt)
		}
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventDraftCalmWarning, DraftID: id, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"warnings": ws})}); err != nil {
			return "", err
		}
		e.log.Warn("edited draft fails the calm check", slog.Int64("draft", id), slog.Int("warnings", len(ws)))
	}
	e.log.Info("draft edit adopted from the mail client", slog.Int64("draft", id))
	return "draft_edit", nil
}

// reportForeignDraft records a Drafts message that carries a draft number
// but is not this installation's (another installation on the same
// mailbox, or a copy from before installations had keys that no waiting
// draft of that time matches). It is left alone.
func (e *Engine) reportForeignDraft(tx *store.Tx, rowID int64, f mailbox.Fetched, id int64, copyKey string) error {
	_, err := tx.AddEvent(store.Event{Kind: domain.EventDraftForeign, MessageID: rowID, Actor: domain.ActorDaemon,
		Detail: store.EventDetail(map[string]any{"folder": f.Folder, "draft": id, "installation": copyKey})})
	if err != nil {
		return err
	}
	e.log.Info("a draft of another installation in the Drafts folder; left alone", slog.Int64("number", id),
		slog.String("installation", copyKey), slog.Any("uid", f.UID))
	return nil
}

func addresses(list []message.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Email)
	}
	return out
}
