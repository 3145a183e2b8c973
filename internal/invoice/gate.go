package invoice

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Go's regexp engines pay for every alternative of a label pattern at every
// position of a line, matching or not, and most lines of a mail or an
// invoice hold no label at all. A gate is the set of strings one of which
// every match of a pattern contains, compared case-folded: a line holding
// none of them cannot match, and the pattern is not run on it. The set is
// derived from the pattern itself, so it cannot go out of step with it.

// gated is a pattern with its gate.
type gated struct {
	re   *regexp.Regexp
	lits []string // folded (foldCase); nil: no gate, the pattern always runs
}

func gate(re *regexp.Regexp) gated {
	g := gated{re: re}
	if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		g.lits = required(tree)
	}
	return g
}

// mayMatch reports whether folded (foldCase of the text) holds one of the
// gate's strings.
func (g gated) mayMatch(folded string) bool {
	if g.lits == nil {
		return true
	}
	for _, l := range g.lits {
		if strings.Contains(folded, l) {
			return true
		}
	}
	return false
}

// foldCase maps each rune to one representative of its case-folding orbit
// (the orbits (?i) matches within): "K", "k" and the Kelvin sign all become
// "k", "É" and "é" one of them.
func foldCase(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	return strings.Map(foldRune, s)
}

func foldRune(r rune) rune {
	lower := func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	m := lower(r)
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, lower(f))
	}
	return m
}

func foldRunes(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// Bounds on the sets: past them a set says too little to be worth its
// checks.
const (
	maxExact     = 64 // strings in the set of what a piece matches
	maxClassSize = 16 // runes of a character class spelled out
)

// exact is the set of the folded strings re matches, when it is finite and
// small; nil otherwise. Assertions match the empty string.
func exact(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		return []string{foldRunes(re.Rune)}
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxClassSize {
				return nil
			}
		}
		seen := map[string]bool{}
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if s := string(foldRune(r)); !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
		return out
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		sub := exact(re.Sub[0])
		if sub == nil {
			return nil
		}
		return union([]string{""}, sub)
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s := exact(sub)
			if s == nil {
				return nil
			}
			out = union(out, s)
		}
		if len(out) > maxExact {
			return nil
		}
		return out
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			s := exact(sub)
			if s == nil {
				return nil
			}
			if out = product(out, s); out == nil {
				return nil
			}
		}
		return out
	}
	return nil
}

// required is a set of folded strings one of which every match of re
// contains; nil when none is known.
func required(re *syntax.Regexp) []string {
	if e := exact(re); e != nil && minLen(e) > 0 {
		return e
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s := required(sub)
			if s == nil {
				return nil
			}
			out = union(out, s)
		}
		return out
	case syntax.OpConcat:
		// Runs of pieces with an exact set join into longer strings (the
		// set of "r[èe]gl" is "règl" and "regl"); any run or other piece
		// holds for the whole, the most selective is kept.
		var best []string
		consider := func(set []string) {
			if set == nil || minLen(set) == 0 {
				return
			}
			a, b := min(minLen(set), 4), min(minLen(best), 4)
			if best == nil || a > b || a == b && len(set) < len(best) {
				best = set
			}
		}
		run := []string{""}
		for _, sub := range re.Sub {
			if s := exact(sub); s != nil {
				if next := product(run, s); next != nil {
					run = next
					continue
				}
				consider(run)
				run = s
				continue
			}
			consider(run)
			run = []string{""}
			consider(required(sub))
		}
		consider(run)
		return best
	}
	return nil
}

func union(a, b []string) []string {
	out := a
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// product is every string of a followed by one of b, nil past maxExact.
func product(a, b []string) []string {
	if len(a)*len(b) > maxExact {
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			if s := x + y; !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func minLen(set []string) int {
	m := -1
	for _, s := range set {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}
