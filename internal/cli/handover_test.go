package cli

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/testing/testutil/pdftools"
)

func TestHandoverCommand(t *testing.T) {
	db := payLedger(t)
	t.Setenv("RELANCE_BUSINESS_NAME", "Atelier Moreau")
	t.Setenv("RELANCE_BUSINESS_SIREN", "123 456 789")
	dir := filepath.Join(t.TempDir(), "dossier")
	out, errOut, code := runCLI(t, "handover", "F-2026-020", "--out", dir, "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	paths := strings.Fields(out)
	if len(paths) != 2 || !strings.HasSuffix(paths[0], ".pdf") || !strings.HasSuffix(paths[1], ".zip") {
		t.Fatalf("printed %q, want the PDF and the ZIP", out)
	}
	pdf, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	// The file covers every invoice the client owes.
	text := strings.Join(strings.Fields(pdftools.Text(t, pdf)), " ")
	for _, want := range []string{"Dossier de recouvrement", "Atelier Moreau", "SIREN : 123 456 789", "Atelier Dupont", "F-2026-020",
		"F-2026-021", "Total restant dû : 1 200,00 €", "Aucune mise en demeure", "tribunal de commerce"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	z, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil || len(zr.File) == 0 || zr.File[0].Name != filepath.Base(paths[0]) {
		t.Fatalf("ZIP %v: %v", zr, err)
	}
	if _, errOut, code := runCLI(t, "handover", "F-404", "--db", db); code != ExitError || !strings.Contains(errOut, "no invoice numbered") {
		t.Errorf("unknown invoice: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "pay", "F-2026-030", "--db", db); code != ExitOK {
		t.Fatal("pay")
	}
	if _, errOut, code := runCLI(t, "handover", "F-2026-030", "--db", db); code != ExitError || !strings.Contains(errOut, "leroy@cabinet-leroy.fr owes nothing") {
		t.Errorf("a client owing nothing: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "handover", "--db", db); code != ExitUsage {
		t.Errorf("no invoice: exit %d", code)
	}
}
