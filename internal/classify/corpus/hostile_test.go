package corpus

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/relance/relance/internal/classify"
)

// No reply of the labelled corpus was written to be hostile (the class is
// about paying); some grievances and disputes are written angry. This
// measures how often the hostile reading fires on the corpus, by class,
// and lists the replies it fires on (-v) for a person to judge.
func TestHostileOnTheCorpus(t *testing.T) {
	set := load(t)
	byClass := map[classify.Class][2]int{}
	var flagged []string
	n, fired := 0, 0
	for _, r := range set {
		if r.Class == classify.Bounce || r.Class == classify.AutoReply {
			continue
		}
		n++
		h := classify.ReadHostile(r.Msg.Subject, r.Msg.Text)
		c := byClass[r.Class]
		c[0]++
		if h.Hostile {
			c[1]++
			fired++
			flagged = append(flagged, fmt.Sprintf("%s [%s] %q", r.File, r.Class, h.Sentences))
		}
		byClass[r.Class] = c
	}
	var classes []string
	for c, v := range byClass {
		classes = append(classes, fmt.Sprintf("%s %d/%d", c, v[1], v[0]))
	}
	sort.Strings(classes)
	t.Logf("hostile on the labelled corpus: %d of %d replies a person wrote (%.3f); by class: %s", fired, n,
		float64(fired)/float64(n), strings.Join(classes, ", "))
	if testing.Verbose() {
		for _, f := range flagged {
			t.Log(f)
		}
	}
	if float64(fired)/float64(n) > 0.02 {
		t.Errorf("the hostile reading fires on %.3f of the corpus, want ≤ 0.02", float64(fired)/float64(n))
	}
}
