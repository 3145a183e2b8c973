// Package handwritten gives tests the invoices the self-check
// (internal/invoice/legal) is tried on that were written by hand: each one
// clean or with one planted defect, its expectation in a header of "#"
// lines.
package handwritten

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir is the directory of the invoices.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "invoice", "legal", "testdata", "handwritten")
}

// Lines returns the lines of the invoice in file name (under Dir), without
// its header: the text its PDF shows. An invoice that cannot be read fails
// the test.
func Lines(t testing.TB, name string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(Dir(), name))
	if err != nil {
		t.Fatalf("handwritten: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "#") && len(lines) == 0 {
			continue
		}
		lines = append(lines, l)
	}
	return lines
}
