package invoice

import (
	"regexp"

	"github.com/relance/relance/internal/text"
)

// Go's regexp engines pay for every alternative of a label pattern at every
// position of a line, matching or not, and most lines of a mail or an
// invoice hold no label at all. A gate is the set of strings one of which
// every match of a pattern contains (text.Literals), compared case-folded: a
// line holding none of them cannot match, and the pattern is not run on it.
// The set is derived from the pattern itself, so it cannot go out of step
// with it.

// gated is a pattern with its gate.
type gated struct {
	re   *regexp.Regexp
	lits []string // case-folded; nil: no gate, the pattern always runs
}

func gate(re *regexp.Regexp) gated {
	return gated{re: re, lits: text.Literals(re.String(), true)}
}

// mayMatch reports whether folded (foldCase of the text) holds one of the
// gate's strings.
func (g gated) mayMatch(folded string) bool { return text.MayMatch(g.lits, folded) }

func foldCase(s string) string { return text.FoldCase(s) }
