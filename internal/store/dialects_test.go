package store

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/testing/testutil/postgres"
)

// The store's tests run once per dialect, as subtests named after it:
// eachDialect starts them, and testDB (with openTest over it) gives each
// the database of its own dialect: a SQLite file in its temporary
// directory, or a fresh database on the test binary's PostgreSQL.
var dialectNames = []string{"sqlite", "postgres"}

func eachDialect(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, d := range dialectNames {
		t.Run(d, fn)
	}
}

// dialectOf is the dialect of the eachDialect subtest t runs in (its
// name's second part), SQLite outside one.
func dialectOf(t testing.TB) string {
	parts := strings.Split(t.Name(), "/")
	if len(parts) > 1 && parts[1] == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// testDB is a new, empty database of t's dialect: name is the SQLite
// file's, PostgreSQL's is made unique.
func testDB(t testing.TB, name string) string {
	t.Helper()
	if dialectOf(t) == "postgres" {
		return postgres.Shared(t).NewDatabase(t)
	}
	return filepath.Join(t.TempDir(), name+".db")
}
