package invoice

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/message"
)

// corpusDir holds the shared real-world mail corpus (bounces, auto-replies,
// broken MIME); it lives outside the module.
const corpusDir = "../../../shared/corpus/realmail"

// TestCorpus runs every real-world mail through Detect, NeedsPDF and Thread:
// none may panic, and none of these mails (not one is an invoice we sent)
// may be taken for an invoice.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing under CI: %v", err)
		}
		t.Skipf("corpus not present: %v", err)
	}
	cands := []Candidate{{ID: 1, Number: "F-2026-0142", ClientEmails: []string{"client@example.org"}, Open: true}}
	n := 0
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		base := d.Name()
		if strings.HasPrefix(base, "LICENSE") || base == "MANIFEST.csv" || strings.HasPrefix(base, "README") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		m, err := message.Parse(f, message.DefaultOptions())
		if err != nil {
			return nil
		}
		n++
		r := Detect(m, Options{})
		if r.Kind != KindNone {
			t.Errorf("%s: detected %s %q (%s), evidence %q", path, r.Kind, r.Number, r.Reason, r.Evidence)
		}
		NeedsPDF(m)
		Thread(m, cands)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d mails", n)
}
