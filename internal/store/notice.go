package store

import (
	"context"
	"fmt"
)

// DraftEdited reports whether a human ever changed the text of a draft (in
// their mail client, on the web page or with the CLI): such a text is theirs
// and is never rewritten by relance.
func (s *Store) DraftEdited(ctx context.Context, id int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE draft_id = ? AND kind = 'draft_edited'`, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: edits of draft %d: %w", id, err)
	}
	return n > 0, nil
}

// RewriteDraft replaces the text of a draft still waiting with relance's own
// new version of it (a formal notice re-dated for the day it goes). Unlike
// an edit, the approval stands: the letter is the same, computed for another
// day. detail says what changed and is kept in a draft_rewritten event.
func (t *Tx) RewriteDraft(id int64, subject, body, html string, detail map[string]any) error {
	res, err := t.exec(`UPDATE drafts SET subject = ?, body = ?, html = ?, updated_at = ? WHERE id = ? AND status IN ('held', 'approved')`,
		subject, body, html, ts(t.now), id)
	if err != nil {
		return fmt.Errorf("store: rewrite draft %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: rewrite draft %d: %w", id, ErrWrongStatus)
	}
	_, err = t.AddEvent(Event{Kind: "draft_rewritten", DraftID: id, Actor: ActorDaemon, Detail: jsonDetail(detail)})
	return err
}
