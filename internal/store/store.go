// Package store keeps relance's state in SQLite (the embedded default) or
// PostgreSQL (a shared server; see postgres.go and dialect.go): clients,
// invoices, the append-only event log, drafts, flags, payments and mailbox
// cursors. It is the only package that speaks SQL. Its API is by use case;
// every change that touches several rows runs in one transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/relance/relance/internal/config"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNotFound is returned when the asked-for row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is an open database.
type Store struct {
	db      *sql.DB
	path    string // the SQLite file, or the PostgreSQL URL without its password
	dialect dialect
	stmts   stmtCache
	// fence, when set, is the lease every write must still hold.
	fence fence
}

// Migration is one numbered, forward-only schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %q: name must start with its number", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: read migration %q: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Versions are unique and increasing; a number may be left free (each
	// migration is applied on its own when missing, in order).
	for i, m := range out {
		if m.Version < 1 || (i > 0 && m.Version == out[i-1].Version) {
			return nil, fmt.Errorf("store: migration %q: version %d is not unique and positive", m.Name, m.Version)
		}
	}
	return out, nil
}

// ConnIdleLife is how long a SQLite connection stays open unused.
const ConnIdleLife = 10 * time.Second

// Open opens (creating if needed) the database at path and applies every
// pending migration. path is a SQLite file, or a postgres:// or
// postgresql:// URL naming an existing PostgreSQL database.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenVersion(ctx, path, -1)
}

// OpenVersion is Open with migrations applied only up to version (all when
// negative). Tests use it to build databases of earlier schema versions.
func OpenVersion(ctx context.Context, dbPath string, version int) (*Store, error) {
	if config.IsPostgresURL(dbPath) {
		return openPostgres(ctx, dbPath, version)
	}
	// Two processes creating the same new database race for the switch to
	// WAL, which SQLite answers with SQLITE_BUSY rather than waiting: retry
	// for a few seconds.
	delay := 20 * time.Millisecond
	for attempt := 0; ; attempt++ {
		s, err := openVersion(ctx, dbPath, version)
		if err == nil || attempt >= 8 || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(delay):
		}
		delay *= 2
	}
}

func openVersion(ctx context.Context, dbPath string, version int) (*Store, error) {
	if dbPath == "" {
		return nil, errors.New("store: empty database path")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode never corrupts and survives a process crash; a
	// power cut may lose the last commits, which is safe here because every
	// commit carries its own cursor: lost messages are simply read again,
	// and a lost "sent" is settled from the Sent folder. FULL would cost an
	// fsync per ingested message, which dominated the initial scan.
	q.Add("_pragma", "synchronous(NORMAL)")
	// A small page cache per pooled connection: the daemon idles most of
	// the time. 2 MiB rather than less: a first scan records hundreds of
	// messages per transaction, and a smaller cache filled with their
	// changed pages wrote them to the WAL before the commit and read them
	// back (a tenth of the scan's SQLite time) for some 3 MiB of peak RSS.
	q.Add("_pragma", "cache_size(-2048)")
	q.Set("_txlock", "immediate")
	// The path is part of a URI: "#" or "?" in a file name would end it
	// there (and open another file), "%" would start an escape.
	dsn := "file:" + strings.NewReplacer("%", "%25", "#", "%23", "?", "%3f").Replace(dbPath) + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", dbPath, err)
	}
	// One writer at a time is SQLite's model; a small pool keeps readers
	// concurrent under WAL.
	db.SetMaxOpenConns(4)
	// An idle connection keeps its page cache, its parsed schema and its
	// prepared statements: megabytes outside the Go heap. A process serving
	// hundreds of mailboxes leaves most of their stores untouched between
	// two passes, so a connection unused for a while is closed; the next
	// query opens another in a few milliseconds.
	db.SetConnMaxIdleTime(ConnIdleLife)
	s := &Store{db: db, path: dbPath}
	s.stmts.db = db
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %q: %w", dbPath, err)
	}
	if err := s.migrate(ctx, version); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// Ping checks the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// IntegrityCheck runs SQLite's integrity and foreign-key checks. PostgreSQL
// enforces foreign keys on every write and guards its own pages: there it
// checks that the schema is readable.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.dialect == postgresDialect {
		if _, err := s.SchemaVersion(ctx); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		return nil
	}
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check: %s", res)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("store: foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("store: foreign key check: violations found")
	}
	return rows.Err()
}

func (s *Store) migrate(ctx context.Context, upTo int) error {
	migs, err := Migrations()
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockSchema(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	known := 0
	if len(migs) > 0 {
		known = migs[len(migs)-1].Version
	}
	if current > known {
		return fmt.Errorf("store: database schema version %d is newer than this relance (knows %d): upgrade relance", current, known)
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range migs {
		// A migration is applied when missing, even below the current
		// version: one merged later under a free number still runs.
		if applied[m.Version] || (upTo >= 0 && m.Version > upTo) {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			// Another process (a CLI command beside the daemon, another
			// replica) may have applied it meanwhile: the check runs under
			// the lock.
			if err := s.lockSchema(ctx, tx); err != nil {
				return err
			}
			var done int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, ts(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: apply migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// schemaLockClass names the PostgreSQL advisory lock that migrations take.
// Locks are taken per schema (the lock's second key is the schema's hash):
// the mailboxes of one database, each in its schema, never wait for each
// other.
const schemaLockClass int32 = 0x72656c61 // "rela"

// lockPerSchema is the statement that takes a lock of a class for the
// connection's current schema until the transaction ends.
const lockPerSchema = `SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '')))`

// lockSchema makes concurrent migrations take turns. SQLite's write
// transactions are already exclusive (_txlock=immediate); PostgreSQL's
// are not, so there the transaction takes an advisory lock until it ends.
func (s *Store) lockSchema(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != postgresDialect {
		return nil
	}
	_, err := tx.ExecContext(ctx, lockPerSchema, schemaLockClass)
	return err
}

// appliedMigrations lists the versions already applied.
func (s *Store) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: read applied migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: read applied migrations: %w", err)
		}
		out[v] = true
	}
	return out, rows.Err()
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

const tsLayout = "2006-01-02T15:04:05.000Z"
const dateLayout = "2006-01-02"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(dateLayout)
}

func parseTS(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	if t, ok := fastTS(s.String); ok {
		return t
	}
	t, err := time.Parse(tsLayout, s.String)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseDate(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	if len(s.String) == len(dateLayout) {
		if y, m, d, ok := fastDate(s.String); ok {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		}
	}
	t, err := time.Parse(dateLayout, s.String)
	if err != nil {
		return time.Time{}
	}
	return t
}

// fastDate and fastTS read the fixed-width forms the store itself writes
// ("2006-01-02", "2006-01-02T15:04:05.000Z") without time.Parse, which was a
// measurable share of loading a large ledger; anything else falls back.
func fastDate(s string) (y, m, d int, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func fastTS(s string) (time.Time, bool) {
	if len(s) != len(tsLayout) || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	y, m, d, ok := fastDate(s)
	hh, ok1 := digits(s[11:13])
	mm, ok2 := digits(s[14:16])
	ss, ok3 := digits(s[17:19])
	ms, ok4 := digits(s[20:23])
	if !ok || !ok1 || !ok2 || !ok3 || !ok4 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, hh, mm, ss, ms*int(time.Millisecond), time.UTC), true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
