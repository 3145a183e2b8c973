package message

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// corpusDir holds the shared real-world mail corpus. It lives outside the
// module; the test skips when it is absent (a bare module checkout).
const corpusDir = "../../../shared/corpus/realmail"

// corpusFiles lists every mail of the corpus: all regular files except the
// licence and index documents and the plain-text reply fixtures' notes.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing under CI: %v", err)
		}
		t.Skipf("corpus not present: %v", err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		base := d.Name()
		switch {
		case strings.HasPrefix(base, "LICENSE"), base == "MANIFEST.csv", strings.HasPrefix(base, "README"):
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Fatalf("walk corpus: %v", err)
	}
	return files
}

func parseFileSafely(path string) (m *Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, DefaultOptions())
}

func TestCorpusParsesWithoutPanic(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 350 {
		t.Fatalf("corpus has %d mails, want at least 350", len(files))
	}
	for _, path := range files {
		rel, _ := filepath.Rel(corpusDir, path)
		m, err := parseFileSafely(path)
		if err != nil {
			info, statErr := os.Stat(path)
			if errors.Is(err, ErrEmpty) && statErr == nil && info.Size() < 4 {
				continue // documented: empty files are not mail
			}
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if m == nil {
			t.Errorf("%s: nil message without error", rel)
		}
	}
}
