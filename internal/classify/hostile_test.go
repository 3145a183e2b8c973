package classify

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileRecord is one labelled reply of testdata/hostile (see its README).
type hostileRecord struct {
	ID       string `json:"id"`
	Language string `json:"language"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
	Hostile  bool   `json:"hostile"`
	Note     string `json:"note"`
}

func loadHostile(t *testing.T, set string) []hostileRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "hostile", set+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []hostileRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r hostileRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", set, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// hostileScore reads a set and returns the share of hostile replies found
// and the share of the others read as hostile.
func hostileScore(t *testing.T, set string) (found, false_ float64, nh, nc int) {
	t.Helper()
	var tp, fp int
	for _, r := range loadHostile(t, set) {
		got := ReadHostile(r.Subject, r.Body)
		if r.Hostile {
			nh++
			if got.Hostile {
				tp++
			}
		} else {
			nc++
			if got.Hostile {
				fp++
			}
		}
		if got.Hostile != r.Hostile && testing.Verbose() && set == "ha" {
			t.Logf("%s want %v: %q %s", r.ID, r.Hostile, got.Sentences, r.Note)
		}
	}
	return float64(tp) / float64(nh), float64(fp) / float64(nc), nh, nc
}

// The lexicon was written reading ha only; its figures are optimistic.
func TestHostileTuningSet(t *testing.T) {
	found, falseRate, nh, nc := hostileScore(t, "ha")
	t.Logf("ha (tuning set): found %.3f of %d hostile, false %.3f of %d others", found, nh, falseRate, nc)
}
