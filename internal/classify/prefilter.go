package classify

import (
	"regexp"
	"regexp/syntax"
	"sync"

	"github.com/relance/relance/internal/text"
)

// Large alternations make Go's regexp engines slow on every input, matching
// or not. Most lexicon rules cannot match a given reply at all, so each rule
// carries literals of which at least one must occur in any match: a
// strings.Contains check skips the regexp when none occurs.

// literalsOf returns the required literals of pattern (text.Literals, in
// the text as it is), or nil when no useful set can be derived (the rule
// then always runs).
func literalsOf(pattern string) []string {
	lits := text.Literals(pattern, false)
	if len(lits) == 0 || len(lits) > 256 || text.MinLen(lits) < 2 && len(lits) > 4 {
		return nil
	}
	return lits
}

// mayMatch reports whether s contains one of lits (always true without lits).
func mayMatch(lits []string, s string) bool { return text.MayMatch(lits, s) }

// isAnchored reports whether pattern uses ^ or $ (or \A, \z) outside
// character classes.
func isAnchored(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
			return true
		}
		for _, sub := range re.Sub {
			if walk(sub) {
				return true
			}
		}
		return false
	}
	return walk(re)
}

// branch is one alternative of a rule's main alternation, with its own
// literals. Its pattern is compiled the first time its literals occur: most
// alternatives never meet a mail that holds them, and compiled, the split
// lexicon weighed most of the daemon's live heap.
type branch struct {
	pattern string
	lits    []string
	once    sync.Once
	re      *regexp.Regexp
}

func (b *branch) regexp() *regexp.Regexp {
	b.once.Do(func() { b.re = regexp.MustCompile(b.pattern) })
	return b.re
}

// minSplit is the size from which a rule's alternation is split: Go's
// regexp engines pay for every alternative at every position, while a
// literal check per alternative skips almost all of them.
const minSplit = 6

// splitBranches rewrites a pattern of the form prefix(A|B|…)suffix into one
// pattern per alternative. Any match of the whole is a match of one branch
// and conversely, so the rule fires on the same text. nil when the pattern
// has no large alternation at its top level.
func splitBranches(pattern string) []*branch {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat {
		return nil
	}
	for k, sub := range re.Sub {
		alt := sub
		if alt.Op == syntax.OpCapture {
			alt = alt.Sub[0]
		}
		if alt.Op != syntax.OpAlternate || len(alt.Sub) < minSplit {
			continue
		}
		out := make([]*branch, 0, len(alt.Sub))
		for _, a := range alt.Sub {
			c := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags}
			c.Sub = append(c.Sub, re.Sub[:k]...)
			c.Sub = append(c.Sub, a)
			c.Sub = append(c.Sub, re.Sub[k+1:]...)
			p := c.String()
			if _, err := syntax.Parse(p, syntax.Perl); err != nil {
				return nil
			}
			out = append(out, &branch{pattern: p, lits: literalsOf(p)})
		}
		return out
	}
	return nil
}
