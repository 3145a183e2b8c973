package text

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Go's regexp engines pay for every alternative of a pattern at every
// position of a text, matching or not. Literals gives the strings one of
// which every match of a pattern contains, derived from the pattern itself:
// a text holding none of them cannot match, and the pattern need not run.

// Literals returns a set of strings one of which every match of pattern
// contains, or nil when none is known. With fold, the strings are
// case-folded (FoldRune) and are looked for in FoldCase of the text;
// without, they are looked for in the text as it is, and the
// case-insensitive parts of the pattern give none.
func Literals(pattern string, fold bool) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return required(re, fold)
}

// MayMatch reports whether s holds one of lits (always true without lits).
func MayMatch(lits []string, s string) bool {
	if lits == nil {
		return true
	}
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// MinLen is the length of the shortest string of set (-1 when empty).
func MinLen(set []string) int {
	m := -1
	for _, s := range set {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}

// FoldCase maps each rune to one representative of its case-folding orbit
// (the orbits (?i) matches within): "K", "k" and the Kelvin sign all become
// "k", "É" and "é" one of them.
func FoldCase(s string) string {
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
	return strings.Map(FoldRune, s)
}

// FoldRune is the representative of r's case-folding orbit.
func FoldRune(r rune) rune {
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

func foldRunes(rs []rune, fold bool) string {
	if !fold {
		return string(rs)
	}
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// Bounds on the sets: past them a set says too little to be worth its
// checks.
const (
	maxExact     = 64 // strings in the set of what a piece matches
	maxClassSize = 16 // runes of a character class spelled out
)

// exact is the set of the strings (folded with fold) re matches, when it
// is finite and small; nil otherwise. Assertions match the empty string.
func exact(re *syntax.Regexp, fold bool) []string {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		if !fold && re.Flags&syntax.FoldCase != 0 {
			return nil // the other cases of its letters match as well
		}
		return []string{foldRunes(re.Rune, fold)}
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
				s := string(r)
				if fold {
					s = string(FoldRune(r))
				}
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
		return out
	case syntax.OpCapture:
		return exact(re.Sub[0], fold)
	case syntax.OpQuest:
		sub := exact(re.Sub[0], fold)
		if sub == nil {
			return nil
		}
		return union([]string{""}, sub)
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s := exact(sub, fold)
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
			s := exact(sub, fold)
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

// required is a set of strings (folded with fold) one of which every match
// of re contains; nil when none is known.
func required(re *syntax.Regexp, fold bool) []string {
	if e := exact(re, fold); e != nil && MinLen(e) > 0 {
		return e
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0], fold)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0], fold)
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s := required(sub, fold)
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
			if set == nil || MinLen(set) == 0 {
				return
			}
			a, b := min(MinLen(set), 4), min(MinLen(best), 4)
			if best == nil || a > b || a == b && len(set) < len(best) {
				best = set
			}
		}
		run := []string{""}
		for _, sub := range re.Sub {
			if s := exact(sub, fold); s != nil {
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
			consider(required(sub, fold))
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
