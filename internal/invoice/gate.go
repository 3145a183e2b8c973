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
	// near: the literals are ASCII, and first may look for them in an
	// ASCII lower-casing of the line.
	near bool
}

func gate(re *regexp.Regexp) gated {
	lits := text.Literals(re.String(), true)
	return gated{re: re, lits: lits, near: lits != nil && asciiOnly(lits) != nil}
}

// first is g.re.FindStringIndex(l), searched from a little before the
// first place one of the gate's strings occurs. Between the start of a
// label and its literal there are only letters, spaces and the marks of
// labelByte (or "(" and ")"); the search starts on the first byte before
// the literal that is none of them, where the pattern sees what it sees in
// the whole line: its alternatives that begin with "^" go on with a letter,
// so "^" lets none of them start on that byte. The label patterns hold no
// "\b".
func (g gated) first(l string) []int {
	if !g.near || foldsToASCII(l) {
		return g.re.FindStringIndex(l)
	}
	q := firstOf(asciiLower(l), 0, g.lits)
	if q < 0 {
		return nil
	}
	k := windowStart(l, 0, q, func(c byte) bool { return labelByte(c) || c == '(' || c == ')' })
	return shift(g.re.FindStringIndex(l[k:]), k)
}

// mayMatch reports whether folded (foldCase of the text) holds one of the
// gate's strings.
func (g gated) mayMatch(folded string) bool { return text.MayMatch(g.lits, folded) }

func foldCase(s string) string { return text.FoldCase(s) }
