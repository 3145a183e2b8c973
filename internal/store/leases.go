// Leases: which replica works which mailbox, with a fencing token.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ErrFenced refuses a write of a replica that no longer holds its
// mailbox's lease: another replica has taken the mailbox over, or the lease
// ran out, and only the holder may change the mailbox.
var ErrFenced = errors.New("store: the mailbox's lease is not held: the write is refused")

// Lease is one mailbox's lease as the database holds it.
type Lease struct {
	Mailbox   string
	Owner     string
	Token     int64
	ExpiresAt time.Time
}

// Heartbeat records that replica is alive at now.
func (s *Store) Heartbeat(ctx context.Context, replica string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO replicas (id, seen_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, replica, ts(now))
	if err != nil {
		return fmt.Errorf("store: heartbeat of %s: %w", replica, err)
	}
	return nil
}

// LiveReplicas lists the replicas seen since since, by id.
func (s *Store) LiveReplicas(ctx context.Context, since time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM replicas WHERE seen_at > ? ORDER BY id`, ts(since))
	if err != nil {
		return nil, fmt.Errorf("store: live replicas: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: live replicas: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AcquireLease gives mailbox to owner until until when nobody holds it at
// now (no lease, or one that ran out), with a fencing token greater than
// any before. ok is false when another replica holds it.
func (s *Store) AcquireLease(ctx context.Context, mailbox, owner string, now, until time.Time) (token int64, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `INSERT INTO mailbox_leases (mailbox, owner, token, expires_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (mailbox) DO UPDATE SET owner = excluded.owner, token = mailbox_leases.token + 1, expires_at = excluded.expires_at
		WHERE mailbox_leases.expires_at <= ?
		RETURNING token`, mailbox, owner, ts(until), ts(now)).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: acquire the lease of %s: %w", mailbox, err)
	}
	return token, true, nil
}

// RenewLease extends owner's lease of mailbox to until, if owner still
// holds it with token (it had not run out before now). ok is false when
// the lease is lost.
func (s *Store) RenewLease(ctx context.Context, mailbox, owner string, token int64, now, until time.Time) (ok bool, err error) {
	res, err := s.db.ExecContext(ctx, `UPDATE mailbox_leases SET expires_at = ?
		WHERE mailbox = ? AND owner = ? AND token = ? AND expires_at > ?`, ts(until), mailbox, owner, token, ts(now))
	if err != nil {
		return false, fmt.Errorf("store: renew the lease of %s: %w", mailbox, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives mailbox back at once, so that another replica may
// take it without waiting for the lease to run out.
func (s *Store) ReleaseLease(ctx context.Context, mailbox, owner string, token int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE mailbox_leases SET expires_at = ?
		WHERE mailbox = ? AND owner = ? AND token = ?`, ts(now), mailbox, owner, token)
	if err != nil {
		return fmt.Errorf("store: release the lease of %s: %w", mailbox, err)
	}
	return nil
}

// Leases lists every mailbox's lease, by mailbox.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT mailbox, owner, token, expires_at FROM mailbox_leases ORDER BY mailbox`)
	if err != nil {
		return nil, fmt.Errorf("store: leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var exp sql.NullString
		if err := rows.Scan(&l.Mailbox, &l.Owner, &l.Token, &exp); err != nil {
			return nil, fmt.Errorf("store: leases: %w", err)
		}
		l.ExpiresAt = parseTS(exp)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Schema is the PostgreSQL schema the store's tables are in ("" with
// SQLite).
func (s *Store) Schema(ctx context.Context) (string, error) {
	if s.dialect != postgresDialect {
		return "", nil
	}
	var schema string
	if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("store: current schema: %w", err)
	}
	return schema, nil
}

// Fence is the lease every write of a mailbox's store must still hold: the
// row of mailbox_leases in LeaseSchema (the process database's schema) for
// Mailbox, Owner and Token, not run out. A write transaction checks it
// first, and holds the row in share mode until it commits, so that a
// takeover waits for the write under way and every later write of the old
// holder is refused (ErrFenced).
type Fence struct {
	LeaseSchema    string
	Mailbox, Owner string
	Token          int64
}

// fence is the store's current Fence (nil: writes are not fenced).
type fence struct{ p atomic.Pointer[Fence] }

// SetFence makes every later write check f; nil stops the check. Only
// PostgreSQL stores are fenced: a SQLite file has one process.
func (s *Store) SetFence(f *Fence) { s.fence.p.Store(f) }

// checkFence refuses the write transaction tx when the store is fenced and
// its lease is no longer held at now.
func (s *Store) checkFence(ctx context.Context, tx *sql.Tx, now time.Time) error {
	f := s.fence.p.Load()
	if f == nil || s.dialect != postgresDialect {
		return nil
	}
	var token int64
	err := tx.QueryRowContext(ctx, `SELECT token FROM `+quoteIdent(f.LeaseSchema)+`.mailbox_leases
		WHERE mailbox = ? AND owner = ? AND token = ? AND expires_at > ? FOR SHARE`, f.Mailbox, f.Owner, f.Token, ts(now)).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrFenced
	}
	if err != nil {
		return fmt.Errorf("store: check the mailbox's lease: %w", err)
	}
	return nil
}
