package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Tx is one write transaction. Its methods are the use-case steps that
// callers combine (e.g. ingest a message, record its invoice, advance the
// folder cursor) so that they commit together or not at all.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	now time.Time
	st  *stmtCache
	// bound are the cached statements bound to this transaction, by query:
	// binding one (sql.Tx.StmtContext) allocates and registers a new
	// statement each time, and a scan's transaction runs the same dozen
	// statements for hundreds of messages.
	bound map[string]*sql.Stmt
}

// Update runs fn in one write transaction stamped with now. Any error rolls
// everything back.
func (s *Store) Update(ctx context.Context, now time.Time, fn func(*Tx) error) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWrites(ctx, tx); err != nil {
			return fmt.Errorf("store: wait for the write lock: %w", err)
		}
		if err := s.checkFence(ctx, tx, time.Now()); err != nil {
			return err
		}
		return fn(&Tx{ctx: ctx, tx: tx, now: now, st: &s.stmts})
	})
	return s.fileError(err)
}

// writeLockClass names the PostgreSQL advisory lock write transactions
// take, per schema like schemaLockClass.
const writeLockClass = schemaLockClass + 1

// lockWrites makes write transactions take turns, on PostgreSQL as on
// SQLite (one writer at a time, _txlock=immediate): the use cases read,
// decide and write in one transaction, and rely on nothing changing in
// between (a client looked up then added, a draft re-checked then sent).
func (s *Store) lockWrites(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != postgresDialect {
		return nil
	}
	_, err := tx.ExecContext(ctx, lockPerSchema, writeLockClass)
	return err
}

// fileError names the database file in errors about the file itself (read-only,
// disk full, I/O), which the owner fixes on the machine, not in relance.
func (s *Store) fileError(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("%w (database file %s)", err, s.path)
	}
	return err
}

// Now is the transaction's timestamp.
func (t *Tx) Now() time.Time { return t.now }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// insert runs an INSERT and returns the new row's id. RETURNING is in
// both dialects, where database/sql's LastInsertId is SQLite's only.
func (t *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// ids runs a query of one integer column; what names it in errors.
func (t *Tx) ids(what, query string, args ...any) ([]int64, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
