// Package pdftools reads the PDF documents relance writes with poppler's
// command-line tools (Debian poppler-utils): pdftotext for their text,
// pdftoppm for a picture of a page. Without the tools a test skips, except
// under CI=true where it fails.
package pdftools

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Need returns the path of tool, skipping (or, under CI=true, failing) the
// test when it is not installed.
func Need(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (apt-get install poppler-utils): PDF checks cannot be skipped in CI", tool)
	}
	t.Skipf("%s not installed (apt-get install poppler-utils); skipping the PDF check", tool)
	return ""
}

// Text extracts the text of pdf with pdftotext, with every kind of space
// (no-break, thin) turned into a plain one and runs of spaces collapsed.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return pdftotext(t, pdf)
}

func pdftotext(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	bin := Need(t, "pdftotext")
	cmd := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), "-", "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return Normalize(string(out))
}

// Normalize turns no-break and thin spaces into plain spaces and collapses
// runs of blanks on each line, so texts from a PDF and from a mail compare.
func Normalize(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ", "\f", "\n").Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// FirstPagePNG renders the first page of pdf as a PNG image (100 dpi).
func FirstPagePNG(t testing.TB, pdf []byte) []byte {
	t.Helper()
	return PagePNG(t, pdf, 1, 100)
}

// PagePNG renders page n of pdf as a PNG image at dpi dots per inch.
func PagePNG(t testing.TB, pdf []byte, n, dpi int) []byte {
	t.Helper()
	bin := Need(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "page")
	page := strconv.Itoa(n)
	cmd := exec.Command(bin, "-png", "-r", strconv.Itoa(dpi), "-f", page, "-l", page, "-singlefile", in, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
	png, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// PageText is the text of page n of pdf alone, normalised like Text: what
// a reader sees on that page, not anywhere in the document.
func PageText(t testing.TB, pdf []byte, n int) string {
	t.Helper()
	page := strconv.Itoa(n)
	return pdftotext(t, pdf, "-f", page, "-l", page)
}

// ScreenshotDir is where tests leave pictures for a human to review:
// $RELANCE_ARTIFACTS/<name> when set, else testdata/screenshots in the
// package under test (ignored by git).
func ScreenshotDir(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("testdata", "screenshots")
	if d := os.Getenv("RELANCE_ARTIFACTS"); d != "" {
		dir = filepath.Join(d, name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
