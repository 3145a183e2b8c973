package classify

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/reply"
)

// realmailDir is the shared corpus of real-world mail (see its LICENSES.txt).
const realmailDir = "../../../shared/corpus/realmail"

// FuzzClassifyMail mutates whole real-world mails (bounces, auto-replies,
// client replies) and runs them through the parser and the classifier, as
// the daemon does: no panic, and a result that keeps its contract.
func FuzzClassifyMail(f *testing.F) {
	n := 0
	_ = filepath.WalkDir(realmailDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(p) != ".eml" && filepath.Ext(p) != ".raw") {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) <= 256<<10 {
			f.Add(b)
			n++
		}
		return nil
	})
	if n == 0 {
		files, _ := filepath.Glob(filepath.Join("testdata", "replies", "*", "*.eml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	opt := message.DefaultOptions()
	opt.MaxMessageBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := message.Parse(bytes.NewReader(data), opt)
		if err != nil {
			return
		}
		res := Classify(m, DefaultOptions())
		// A human sees every dispute, grievance and hardship, and any
		// reply the model cannot read with confidence ("unsure").
		if res.NeedsHuman != (res.Class.NeedsHuman() || res.NeedsHumanReason == "unsure") {
			t.Fatalf("needs_human %v (%q) for %s", res.NeedsHuman, res.NeedsHumanReason, res.Class)
		}
		if res.Confidence < 0 || res.Confidence > 1 {
			t.Fatalf("confidence %v", res.Confidence)
		}
		if _, err := res.JSON("f"); err != nil {
			t.Fatal(err)
		}
		// Reply and Signature are the stripped text, reused by the
		// engine for the client's phones and address.
		if res.Class != Bounce {
			if s := reply.Strip(m.Text); res.Reply != s.Body || res.Signature != s.Signature {
				t.Fatalf("Reply/Signature %q/%q, Strip gives %q/%q", res.Reply, res.Signature, s.Body, s.Signature)
			}
		}
	})
}
