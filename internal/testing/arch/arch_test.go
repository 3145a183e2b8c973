// Package arch checks the import arrows docs/ARCHITECTURE.md draws: each
// product package sits in a tier and imports only from tiers below it, the
// decision core and the vocabulary import (almost) nothing, and each
// outside library that does I/O is used by the one package that owns it.
package arch

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/relance/relance"

// tiers places every package that ships. A package imports only packages
// of a lower tier; a package not listed (or under a listed one) fails the
// test until it is placed here and in docs/ARCHITECTURE.md.
var tiers = map[string]int{
	// The vocabulary: typed words of the domain.
	"internal/domain": 0,
	// The text toolkit: money, dates, month names, invoice numbers.
	"internal/text": 1,
	// The core: pure decisions, parsed mail, settings, templates.
	"internal/policy":           2,
	"internal/message":          2,
	"internal/reply":            2,
	"internal/config":           2,
	"internal/invoice/pdfwrite": 2,
	"templates":                 2,
	"internal/scorecard":        2,
	"internal/contact":          2,
	"internal/receivables":      2,
	// Readers and writers of content: no I/O of their own.
	"internal/classify": 3,
	"internal/invoice":  3,
	"internal/payment":  3,
	"internal/render":   3,
	// The edges: SQL, IMAP, PDF letters; and the legal self-check, pure
	// but built on what internal/invoice reads.
	"internal/store":         4,
	"internal/mailbox":       4,
	"internal/letter":        4,
	"internal/handover":      4,
	"internal/invoice/legal": 4,
	// The pipeline.
	"internal/engine":  5,
	"internal/outbox":  5,
	"internal/metrics": 5,
	"internal/web":     6,
	// Assembly.
	"internal/app":  7,
	"internal/demo": 7,
	"internal/cli":  8,
	// The reply model's training corpus, read by cmd/relance-model.
	"internal/classify/corpus": 8,
	"cmd":                      9,
}

// only lists the project packages a package may import at all, where the
// tiers alone would allow more.
var only = map[string][]string{
	"internal/domain": {},
	"internal/text":   {"internal/domain"},
	"internal/policy": {"internal/domain"},
	// A client's scorecard is pure like the decision core.
	"internal/scorecard": {"internal/domain"},
	// How to reach a client, and what kind it is, read from text.
	"internal/contact": {"internal/domain"},
	// The overview's figures, rebuilt from the invoices' dates, likewise.
	"internal/receivables": {"internal/domain"},
}

// owners names, for each outside library, the packages that may import it:
// the one place its calls live.
var owners = map[string][]string{
	"github.com/emersion/go-imap/v2/imapclient": {"internal/mailbox"},
	// The demo serves an in-memory mailbox; it never speaks as a client.
	"github.com/emersion/go-imap/v2":         {"internal/mailbox", "internal/demo"},
	"github.com/wneessen/go-mail":            {"internal/outbox"},
	"github.com/emersion/go-smtp":            {"internal/demo"},
	"modernc.org/sqlite":                     {"internal/store"},
	"github.com/jackc/pgx":                   {"internal/store"},
	"github.com/kelseyhightower/envconfig":   {"internal/config"},
	"github.com/prometheus/client_golang":    {"internal/metrics", "internal/web"},
	"github.com/rickar/cal":                  {"internal/policy"},
	"github.com/ledongthuc/pdf":              {"internal/invoice"},
	"codeberg.org/go-pdf/fpdf":               {"internal/letter", "internal/handover"},
	"github.com/emersion/go-message/charset": {"internal/message", "internal/mailbox"},
	// Passwords are hashed and checked by the accounts' use cases alone.
	"golang.org/x/crypto/bcrypt": {"internal/store"},
}

// impure are the standard packages through which a package reaches the
// world; the decision core uses none of them.
var impure = []string{"os", "os/exec", "os/signal", "net", "net/http", "net/smtp", "database/sql", "io/fs",
	"log", "log/slog", "math/rand", "math/rand/v2", "crypto/rand", "syscall"}

type pkg struct {
	path    string // relative to the module
	dir     string
	imports []string // full import paths, non-test files only
	files   []string
}

// shipped lists the module's packages other than the test-only and
// measurement ones under internal/testing and the development scripts.
func shipped(t *testing.T) []pkg {
	t.Helper()
	root := moduleRoot(t)
	var out []pkg
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if rel != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" ||
			rel == "internal/testing" || rel == "scripts") {
			return filepath.SkipDir
		}
		bp, err := build.Default.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		out = append(out, pkg{path: rel, dir: path, imports: bp.Imports, files: bp.GoFiles})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("found only %d packages: the walk is broken", len(out))
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// under reports whether path is prefix or a package below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// tierOf is the tier of the longest listed prefix of path.
func tierOf(path string) (int, bool) {
	best, tier := "", 0
	for p, n := range tiers {
		if under(path, p) && len(p) > len(best) {
			best, tier = p, n
		}
	}
	return tier, best != ""
}

// project returns the module-relative path of an import of the project.
func project(imp string) (string, bool) {
	return strings.CutPrefix(imp, module+"/")
}

func TestImportArrowsPointDown(t *testing.T) {
	for _, p := range shipped(t) {
		tier, ok := tierOf(p.path)
		if !ok {
			t.Errorf("%s is in no tier: place it in tiers and in docs/ARCHITECTURE.md", p.path)
			continue
		}
		for _, imp := range p.imports {
			dep, ok := project(imp)
			if !ok {
				continue
			}
			if under(dep, "internal/testing") {
				t.Errorf("%s imports %s: what ships never depends on test-only packages", p.path, dep)
				continue
			}
			dt, ok := tierOf(dep)
			if ok && dt >= tier {
				t.Errorf("%s (tier %d) imports %s (tier %d): arrows point to lower tiers only", p.path, tier, dep, dt)
			}
		}
	}
}

func TestCoreImportsOnlyTheVocabulary(t *testing.T) {
	for _, p := range shipped(t) {
		for prefix, allowed := range only {
			if !under(p.path, prefix) {
				continue
			}
			for _, imp := range p.imports {
				if dep, ok := project(imp); ok && !under(dep, prefix) && !slices.Contains(allowed, dep) {
					t.Errorf("%s imports %s; it may import only %v of the project", p.path, dep, allowed)
				}
			}
		}
	}
}

// The decision core is pure: no I/O and no clock of its own (time is
// passed in).
func TestPolicyIsPure(t *testing.T) {
	for _, p := range shipped(t) {
		if !under(p.path, "internal/policy") && !under(p.path, "internal/scorecard") && !under(p.path, "internal/contact") {
			continue
		}
		for _, imp := range p.imports {
			if slices.Contains(impure, imp) {
				t.Errorf("%s imports %s: the decision core does no I/O", p.path, imp)
			}
		}
		fset := token.NewFileSet()
		for _, name := range p.files {
			f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until") {
					t.Errorf("%s: time.%s: the decision core is handed the time", fset.Position(sel.Pos()), sel.Sel.Name)
				}
				return true
			})
		}
	}
}

func TestLibrariesHaveOneOwner(t *testing.T) {
	libs := make([]string, 0, len(owners))
	for lib := range owners {
		libs = append(libs, lib)
	}
	// The longest prefix decides (imapclient before the rest of go-imap).
	sort.Slice(libs, func(i, j int) bool { return len(libs[i]) > len(libs[j]) })
	for _, p := range shipped(t) {
		for _, imp := range p.imports {
			for _, lib := range libs {
				if !under(imp, lib) {
					continue
				}
				if !slices.ContainsFunc(owners[lib], func(o string) bool { return under(p.path, o) }) {
					t.Errorf("%s imports %s, which only %v may use", p.path, imp, owners[lib])
				}
				break
			}
		}
	}
}

// The rules above must be able to fail: a tier table that placed nothing,
// or an owner list that matched no import, would pass anything.
func TestRulesSeeTheCode(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range shipped(t) {
		for _, imp := range p.imports {
			for lib := range owners {
				if under(imp, lib) {
					seen[lib] = true
				}
			}
		}
	}
	for _, lib := range []string{"github.com/emersion/go-imap/v2/imapclient", "github.com/wneessen/go-mail", "modernc.org/sqlite"} {
		if !seen[lib] {
			t.Errorf("no package imports %s: the import lists are not read", lib)
		}
	}
	if tier, ok := tierOf("internal/store/sqlite"); !ok || tier != tiers["internal/store"] {
		t.Errorf("a package below internal/store is in tier %d (%v), want the store's", tier, ok)
	}
	if _, ok := tierOf("internal/storefront"); ok {
		t.Error("internal/storefront is placed by the prefix internal/store")
	}
}

var (
	tierRow     = regexp.MustCompile(`^\| (\d+)[^|]*\| ([^|]*) \|`)
	parenthesis = regexp.MustCompile(`\([^)]*\)`)
	quoted      = regexp.MustCompile("`([^`]+)`")
)

// docTiers reads the tier table of docs/ARCHITECTURE.md: package → tier,
// the packages named outside parentheses in its second column.
func docTiers(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		m := tierRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		tier, _ := strconv.Atoi(m[1])
		for _, q := range quoted.FindAllStringSubmatch(parenthesis.ReplaceAllString(m[2], ""), -1) {
			name, _, _ := strings.Cut(q[1], ":")
			path := name
			if !strings.HasPrefix(name, "cmd/") && name != "templates" {
				path = "internal/" + name
			}
			out[path] = tier
		}
	}
	return out
}

// The page and the test agree: every package the page places is in the
// same tier here, and every tier here is on the page.
func TestArchitecturePageMatches(t *testing.T) {
	doc := docTiers(t)
	if len(doc) < 20 {
		t.Fatalf("read only %d packages from the page's tier table: the table or its reading changed", len(doc))
	}
	for path, tier := range doc {
		if got, ok := tierOf(path); !ok || got != tier {
			t.Errorf("docs/ARCHITECTURE.md puts %s in tier %d; the test puts it in %d (placed: %v)", path, tier, got, ok)
		}
	}
	for prefix, tier := range tiers {
		found := false
		for path, dt := range doc {
			if under(path, prefix) && dt == tier {
				found = true
			}
		}
		if !found {
			t.Errorf("%s (tier %d) is not on docs/ARCHITECTURE.md's tier table", prefix, tier)
		}
	}
}
