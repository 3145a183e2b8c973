package legal

import (
	"strings"
	"testing"
)

// TestGeneratedSet runs the self-check over the generated set: every
// planted defect is found, with its kind and reference, and nothing else;
// a clean invoice gets no finding.
func TestGeneratedSet(t *testing.T) {
	defective, clean := corpus(t)
	if len(defective) < 40 || len(clean) < 40 {
		t.Fatalf("set too small: %d defective, %d clean", len(defective), len(clean))
	}
	covered := map[Kind]int{}
	forms := map[form]int{}
	for _, g := range defective {
		s := g.spec
		covered[s.defect]++
		forms[s.form]++
		got := Check(g.doc, s.buyer, s.asked)
		if len(got) != 1 || got[0].Kind != s.defect || got[0].Reference != rules[s.defect].ref {
			t.Errorf("%s (%s, %s, layout %d, %s): planted %s, found %s\n%s", s.name, s.form, s.lang, s.layout, s.buyer, s.defect, kinds(got), g.text)
		}
	}
	for _, g := range clean {
		s := g.spec
		forms[s.form]++
		if got := Check(g.doc, s.buyer, s.asked); len(got) != 0 {
			t.Errorf("%s (%s, %s, layout %d, %s): clean, found %s\n%s", s.name, s.form, s.lang, s.layout, s.buyer, kinds(got), g.text)
		}
	}
	for _, k := range Kinds() {
		if covered[k] == 0 {
			t.Errorf("no invoice plants %s", k)
		}
	}
	if forms[formPDF] == 0 || forms[formCII] == 0 || forms[formBody] == 0 || forms[formMail] == 0 || forms[formUBL] == 0 {
		t.Errorf("a form is missing from the set: %v", forms)
	}
	t.Logf("%d defective invoices over %d rules, %d clean; forms %v", len(defective), len(covered), len(clean), forms)
}

func kinds(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Kind)+" ["+f.Detail+"]")
	}
	return "[" + strings.Join(out, ", ") + "]"
}
