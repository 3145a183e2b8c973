package postgres

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Two tests' databases are separate, on one server.
func TestNewDatabaseIsFreshAndSeparate(t *testing.T) {
	s := Shared(t)
	if s2 := Shared(t); s2 != s {
		t.Fatal("a second server was started")
	}
	a, b := s.NewDatabase(t), s.NewDatabase(t)
	if a == b {
		t.Fatalf("the same database twice: %s", a)
	}
	psql := func(url, sql string) string {
		out, err := exec.Command(filepath.Join(s.bin, "psql"), "-X", "-A", "-t", "-d", url, "-c", sql).CombinedOutput()
		if err != nil {
			t.Fatalf("psql %q: %v\n%s", sql, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	psql(a, "CREATE TABLE x (v integer); INSERT INTO x VALUES (1)")
	if got := psql(b, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'"); got != "0" {
		t.Errorf("the second database sees the first's table: %s", got)
	}
	if got := psql(a, "SHOW lc_collate"); got != "C" {
		t.Errorf("lc_collate = %q, want C (text sorts by byte, as in SQLite)", got)
	}
	if got := psql(a, "SHOW port"); got != strconv.Itoa(s.Port) {
		t.Errorf("port = %s, want %d", got, s.Port)
	}
}
