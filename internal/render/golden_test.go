package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current templates")

// TestGolden renders every stage in every language, for a business and for a
// consumer, and compares subject, text and HTML with
// testdata/golden/<lang>/<case>.{subject,txt,html}. After changing a
// template: go test ./internal/render -run TestGolden -update, then read
// the diff of testdata/golden as a client would.
func TestGolden(t *testing.T) {
	for _, lang := range Languages() {
		seen := map[string]bool{}
		for _, c := range goldenCases(lang) {
			seen[kindOf(c.data)+c.data.Stage] = true
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				r, err := Render(c.data)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				parts := map[string]string{"subject": r.Subject + "\n", "txt": r.Text, "html": r.HTML}
				for ext, got := range parts {
					path := filepath.Join("testdata", "golden", lang, c.name+"."+ext)
					if *update {
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						continue
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("read golden (run go test -update): %v", err)
					}
					if got != string(want) {
						t.Errorf("%s differs from golden file (run go test -update and review the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
					}
				}
			})
		}
		for _, s := range Stages() {
			for _, k := range []string{"business/", "consumer/"} {
				if !seen[k+s] {
					t.Errorf("%s: stage %s has no golden case for a %s client", lang, s, strings.TrimSuffix(k, "/"))
				}
			}
		}
	}
}

func kindOf(d Data) string {
	if d.B2B {
		return "business/"
	}
	return "consumer/"
}

// TestGoldenCalm is acceptance item 5: our own drafts pass the calm check.
func TestGoldenCalm(t *testing.T) {
	for _, lang := range Languages() {
		for _, c := range goldenCases(lang) {
			r, err := Render(c.data)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, c.name, err)
			}
			for part, text := range map[string]string{"subject": r.Subject, "text": r.Text, "html": htmlText(r.HTML)} {
				// The names are masked as the outbox masks them: the
				// client's town may contain any word.
				if ws := CalmCheckNames(text, c.data.Stage, lang, c.data.Names()); len(ws) > 0 {
					t.Errorf("%s/%s %s: %d warning(s): %+v", lang, c.name, part, len(ws), ws)
				}
			}
		}
	}
}

// htmlText reduces HTML to its visible text for checks on wording: inline
// tags vanish, block tags become line breaks.
func htmlText(h string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		name := strings.TrimPrefix(strings.Fields(h[i+1:i+j] + " ")[0], "/")
		switch strings.ToLower(name) {
		case "strong", "b", "em", "i", "span", "a":
		default:
			b.WriteByte('\n')
		}
		h = h[i+j+1:]
	}
	s := b.String()
	for _, e := range [][2]string{{"&lt;", "<"}, {"&gt;", ">"}, {"&#39;", "'"}, {"&#34;", `"`}, {"&quot;", `"`}, {"&amp;", "&"}} {
		s = strings.ReplaceAll(s, e[0], e[1])
	}
	return s
}
