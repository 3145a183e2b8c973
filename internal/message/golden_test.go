package message

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// goldenView is what the golden files pin: the JSON form of the Message
// plus the fields it hides (header names, HTML presence, kept data sizes),
// so a change in any of them shows up in review.
type goldenView struct {
	*Message
	HeaderNames []string       `json:"header_names"`
	HasHTML     bool           `json:"has_html"`
	DataSizes   map[string]int `json:"data_sizes,omitempty"`
}

func testdataMails(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "mail", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata mails: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, path := range testdataMails(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		t.Run(name, func(t *testing.T) {
			m, err := parseFileSafely(path)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			v := goldenView{Message: m, HasHTML: m.HTML != ""}
			seen := map[string]bool{}
			for k := range m.Header {
				if !seen[k] {
					seen[k] = true
					v.HeaderNames = append(v.HeaderNames, k)
				}
			}
			sort.Strings(v.HeaderNames)
			for _, a := range m.Attachments {
				if a.Data != nil {
					if v.DataSizes == nil {
						v.DataSizes = map[string]int{}
					}
					v.DataSizes[a.Section] = len(a.Data)
				}
			}
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -run TestGolden -update to accept):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}
