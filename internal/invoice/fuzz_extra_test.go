package invoice

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/relance/relance/internal/message"
)

// realmailDir is the shared corpus of real-world mail (see its LICENSES.txt).
const realmailDir = "../../../shared/corpus/realmail"

// FuzzDetectMail mutates whole mails, real-world ones and this package's
// invoice fixtures, and runs them through the parser, the invoice extractor
// and threading, as the daemon does with its Sent folder.
func FuzzDetectMail(f *testing.F) {
	for _, root := range []string{realmailDir, "testdata"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (filepath.Ext(p) != ".eml" && filepath.Ext(p) != ".raw") {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil && len(b) <= 512<<10 {
				f.Add(b)
			}
			return nil
		})
	}
	f.Add([]byte("From: factures@studio-martin.example\nTo: client@example.org\nSubject: Facture F-2026-0142\n\nMontant TTC : 1 234,56 €\nDate d'échéance : 3 décembre 2026\n"))
	opt := message.DefaultOptions()
	opt.MaxMessageBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := message.Parse(bytes.NewReader(data), opt)
		if err != nil {
			return
		}
		r := Detect(m, Options{OwnAddresses: []string{"factures@studio-martin.example"}})
		if r.Kind != KindInvoice && r.Kind != KindCreditNote && r.Kind != KindNone {
			t.Fatalf("Kind = %q", r.Kind)
		}
		_ = Key(r)
		Thread(m, []Candidate{{ID: 1, Number: "F-2026-0142", ClientEmails: []string{"client@example.org"}, Open: true}})
	})
}
