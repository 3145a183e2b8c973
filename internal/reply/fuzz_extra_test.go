package reply

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/message"
)

// realmailDir is the shared corpus of real-world mail (see its LICENSES.txt).
const realmailDir = "../../../shared/corpus/realmail"

// FuzzStripRealmail mutates the text of real client replies (the talon and
// crisp samples of the shared corpus, plain bodies or parsed mails): Strip
// never panics and every line it returns comes from its input.
func FuzzStripRealmail(f *testing.F) {
	n := 0
	for _, dir := range []string{"talon", "crisp-email-reply-parser"} {
		_ = filepath.WalkDir(filepath.Join(realmailDir, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 256<<10 {
				return nil
			}
			switch filepath.Ext(p) {
			case ".txt":
				f.Add(string(b))
				n++
			case ".eml":
				if m, err := message.Parse(bytes.NewReader(b), message.DefaultOptions()); err == nil && m.Text != "" {
					f.Add(m.Text)
					n++
				}
			}
			return nil
		})
	}
	if n == 0 {
		files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txt"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := Strip(in)
		src := strings.ToValidUTF8(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(in), "\uFFFD")
		for _, part := range []string{r.Body, r.Quoted, r.Signature} {
			for _, l := range strings.Split(part, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(src, l) {
					t.Fatalf("line %q not in input", l)
				}
			}
		}
	})
}
