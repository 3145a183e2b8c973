// Cursors: how far each folder has been read (advanced in the transaction that records what was read).

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Cursor returns the saved cursor of a folder (zero when none).
func (s *Store) Cursor(ctx context.Context, folder string) (Cursor, error) {
	c := Cursor{Folder: folder}
	var modseq int64
	err := s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid, highest_modseq FROM cursors WHERE folder = ?`, folder).
		Scan(&c.UIDValidity, &c.LastUID, &modseq)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("store: read cursor of %q: %w", folder, err)
	}
	c.HighestModSeq = uint64(modseq)
	return c, nil
}

// SetCursor saves how far a folder has been read.
func (t *Tx) SetCursor(c Cursor) error {
	_, err := t.exec(`INSERT INTO cursors (folder, uidvalidity, last_uid, highest_modseq, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
			highest_modseq = excluded.highest_modseq, updated_at = excluded.updated_at`,
		c.Folder, c.UIDValidity, c.LastUID, int64(c.HighestModSeq), ts(t.now))
	if err != nil {
		return fmt.Errorf("store: save cursor of %q: %w", c.Folder, err)
	}
	return nil
}
