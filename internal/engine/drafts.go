package engine

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// recordDraftCopy handles a message of the Drafts folder. Our own copies
// carry X-Relance-Draft; one whose text differs from the held draft is the
// user's edit, saved by their mail client as a new message: it is adopted
// (and calm-checked), and its UID becomes the draft's copy.
func (e *Engine) recordDraftCopy(tx *store.Tx, rowID int64, f mailbox.Fetched, msg *message.Message) (string, error) {
	idStr := strings.TrimSpace(msg.Get(mailbox.DraftHeader))
	id, err := strconv.ParseInt(idStr, 10, 64)
	if idStr == "" || err != nil {
		_, err := tx.AddEvent(store.Event{Kind: "message_ingested", MessageID: rowID, Actor: store.ActorDaemon,
			Detail: mustJSON(map[string]any{"folder": f.Folder, "role": string(f.Role)})})
		return "draft_other", err
	}
	status, subject, body, uid, err := tx.DraftForEdit(id)
	if errors.Is(err, store.ErrNotFound) {
		return "draft_unknown", nil
	}
	if err != nil {
		return "", err
	}
	if status != store.DraftHeld && status != store.DraftApproved {
		return "draft_copy", nil
	}
	text := strings.TrimSpace(msg.Text)
	if f.UID == uid || (text == strings.TrimSpace(body) && msg.Subject == subject) {
		return "draft_copy", nil
	}
	if text == "" {
		return "draft_copy", nil
	}
	if err := tx.EditDraft(id, msg.Subject, text, store.ActorIMAP); err != nil {
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
		if _, err := tx.AddEvent(store.Event{Kind: "draft_calm_warning", DraftID: id, Actor: store.ActorDaemon,
			Detail: mustJSON(map[string]any{"warnings": ws})}); err != nil {
			return "", err
		}
		e.log.Warn("edited draft fails the calm check", slog.Int64("draft", id), slog.Int("warnings", len(ws)))
	}
	e.log.Info("draft edit adopted from the mail client", slog.Int64("draft", id))
	return "draft_edit", nil
}
