package classify

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/message"
)

func parseFile(t *testing.T, path string) *message.Message {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
	if err != nil {
		t.Fatalf("%s: parse: %v", path, err)
	}
	return m
}

// notFailureReports lists the lhost-/rhost- files of the sisimai set that are
// not delivery-failure reports, with the reason. (None so far: every one is.)
var notFailureReports = map[string]string{}

// TestRealmailBounces walks every delivery-failure report of the sisimai set.
func TestRealmailBounces(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "realmail", "sisimai-set-of-emails", "maildir", "*", "*.eml"))
	n := 0
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.HasPrefix(base, "lhost-") && !strings.HasPrefix(base, "rhost-") {
			continue
		}
		if reason, ok := notFailureReports[base]; ok {
			t.Logf("skip %s: %s", base, reason)
			continue
		}
		n++
		name := filepath.Base(filepath.Dir(f)) + "/" + base
		t.Run(name, func(t *testing.T) {
			res := Classify(parseFile(t, f), DefaultOptions())
			if res.Class != Bounce {
				t.Errorf("class %s, want bounce; evidence %+v", res.Class, res.Evidence)
			}
		})
	}
	if n < 100 {
		t.Fatalf("only %d failure reports found", n)
	}
}

// TestRealmailAutoReplies walks the RFC 3834 and vacation samples.
func TestRealmailAutoReplies(t *testing.T) {
	a, _ := filepath.Glob(filepath.Join("testdata", "realmail", "sisimai-set-of-emails", "maildir", "*", "rfc3834-*.eml"))
	b, _ := filepath.Glob(filepath.Join("testdata", "realmail", "php-bounce-handler", "vac*.eml"))
	files := append(a, b...)
	if len(files) < 13 {
		t.Fatalf("only %d auto-reply samples found", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := Classify(parseFile(t, f), DefaultOptions())
			if res.Class != AutoReply {
				t.Errorf("class %s, want auto_reply; evidence %+v", res.Class, res.Evidence)
			}
		})
	}
}

// TestRealmailNoPanic classifies every file of the shared real-mail corpus.
func TestRealmailNoPanic(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "realmail")
	if _, err := os.Stat(root); err != nil {
		root = filepath.Join("testdata", "realmail")
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "LICENSE") || strings.HasSuffix(d.Name(), ".csv") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil || m == nil {
			m = &message.Message{Text: string(raw)}
		}
		res := Classify(m, DefaultOptions())
		if _, err := res.JSON(path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files classified from %s", n, root)
}
