package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/relance/relance/internal/config"
)

// dialect is the database a Store speaks to.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// openPostgres opens the PostgreSQL database at the URL dsn and applies the
// migrations up to version (all when negative).
func openPostgres(ctx context.Context, dsn string, version int) (*Store, error) {
	name := config.RedactDB(dsn)
	dc, ok := stdlib.GetDefaultDriver().(driver.DriverContext)
	if !ok {
		return nil, errors.New("store: the PostgreSQL driver cannot open connectors")
	}
	conn, err := dc.OpenConnector(dsn)
	if err != nil {
		// pgx's message may quote parts of the URL: name it redacted only.
		return nil, fmt.Errorf("store: open %s: invalid PostgreSQL URL", name)
	}
	db := sql.OpenDB(pgConnector{inner: conn, rw: &pgRewriter{}})
	// PostgreSQL serves concurrent writers; a few connections let the web
	// page read while a pass writes.
	db.SetMaxOpenConns(8)
	s := &Store{db: db, path: name, dialect: postgresDialect}
	s.stmts.db = db
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", name, err)
	}
	if err := createSchema(ctx, db, dsn); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", name, err)
	}
	if err := s.migrate(ctx, version); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// pgConnector hands database/sql connections that speak the store's SQL
// (see dialect.go): every query is rewritten on its way to pgx.
type pgConnector struct {
	inner driver.Connector
	rw    *pgRewriter
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("store: unexpected PostgreSQL connection type %T", conn)
	}
	return &pgConn{Conn: sc, rw: c.rw}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

type pgConn struct {
	*stdlib.Conn
	rw *pgRewriter
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(c.rw.rewrite(query))
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, c.rw.rewrite(query))
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, c.rw.rewrite(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, c.rw.rewrite(query), args)
}

// BeginTx gives read-only transactions one snapshot for all their
// statements, as SQLite's do (PostgreSQL's default takes one per
// statement): a page or a scrape reads figures that agree.
func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.ReadOnly && sql.IsolationLevel(opts.Isolation) == sql.LevelDefault {
		opts.Isolation = driver.IsolationLevel(sql.LevelRepeatableRead)
	}
	return c.Conn.BeginTx(ctx, opts)
}

// CheckNamedValue passes booleans as 0 and 1: the schema keeps flags in
// integer columns, as SQLite does, and PostgreSQL does not cast a boolean
// into one.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
	}
	return nil
}

// createSchema creates the schema a URL's search_path names (a mailbox's,
// see config.MailboxDB) when it does not exist yet, so that the
// migrations create their tables there.
func createSchema(ctx context.Context, db *sql.DB, dsn string) error {
	u, err := url.Parse(strings.TrimSpace(dsn))
	if err != nil {
		return nil // pgx accepted it: a key=value string, which names no schema here
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	if schema = strings.TrimSpace(schema); schema == "" {
		return nil
	}
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(schema)); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
