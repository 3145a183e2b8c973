package classify

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// wordRegexp finds the same matches as a regular expression that begins
// with \b and a word character, only faster: such a match can start only
// where a word starts, with one of a few bytes, so the expression is tried,
// anchored, at those places alone and on a window no longer than its
// longest match. Go's matcher otherwise tries every position of the text;
// the date expressions read every sentence that may hold a date, and that
// was a fifth of the time spent reading a reply.
type wordRegexp struct {
	re       *regexp.Regexp // the expression as written
	anchored *regexp.Regexp // ^(?:the expression without its leading \b)
	first    [256]bool      // bytes a match may start with
	maxLen   int            // longest match in bytes; -1: unbounded
}

func mustWordRegexp(expr string) *wordRegexp {
	if !strings.HasPrefix(expr, `\b`) {
		panic("classify: wordRegexp needs a leading \\b: " + expr)
	}
	whole, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err)
	}
	if whole.Op != syntax.OpConcat || whole.Sub[0].Op != syntax.OpWordBoundary || hasTextEdge(whole) {
		// "\ba|b" is (\ba)|b; "$" would hold at the end of a window.
		panic("classify: wordRegexp needs \\b then the rest, without ^ or $: " + expr)
	}
	w := &wordRegexp{re: regexp.MustCompile(expr), anchored: regexp.MustCompile(`^(?:` + expr[2:] + `)`)}
	tree, err := syntax.Parse(expr[2:], syntax.Perl)
	if err != nil {
		panic(err)
	}
	tree = tree.Simplify()
	if !firstBytes(tree, &w.first) {
		panic("classify: wordRegexp: a match could start with an empty string: " + expr)
	}
	for b := range w.first {
		if w.first[b] && !isRegexpWordByte(byte(b)) {
			panic("classify: wordRegexp: a match could start with a non-word byte: " + expr)
		}
	}
	w.maxLen = maxMatchLen(tree)
	return w
}

func (w *wordRegexp) String() string { return w.re.String() }

func isRegexpWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// FindAllStringSubmatchIndex is regexp's, with the same results.
func (w *wordRegexp) FindAllStringSubmatchIndex(s string) [][]int {
	var out [][]int
	for p := 0; p < len(s); p++ {
		if !w.first[s[p]] || p > 0 && isRegexpWordByte(s[p-1]) {
			continue
		}
		win := s[p:]
		if w.maxLen >= 0 && len(win) > w.maxLen+1 {
			// One byte more than the longest match, for a closing \b.
			win = win[:w.maxLen+1]
		}
		m := w.anchored.FindStringSubmatchIndex(win)
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += p
			}
		}
		out = append(out, m)
		if m[1] > p {
			p = m[1] - 1
		}
	}
	return out
}

func hasTextEdge(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, sub := range re.Sub {
		if hasTextEdge(sub) {
			return true
		}
	}
	return false
}

// firstBytes adds to set the bytes a match of re may start with, and
// reports whether every match starts with one (no empty match).
func firstBytes(re *syntax.Regexp, set *[256]bool) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return false
		}
		if re.Flags&syntax.FoldCase != 0 {
			return false
		}
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], re.Rune[0])
		set[buf[0]] = true
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				return false // multibyte first characters: not for this matcher
			}
			for r := lo; r <= hi; r++ {
				set[r] = true
			}
		}
		return len(re.Rune) > 0
	case syntax.OpCapture:
		return firstBytes(re.Sub[0], set)
	case syntax.OpPlus, syntax.OpRepeat:
		if re.Op == syntax.OpRepeat && re.Min == 0 {
			return false
		}
		return firstBytes(re.Sub[0], set)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpWordBoundary {
				continue // zero width, and true before a word byte
			}
			if sub.Op == syntax.OpQuest || sub.Op == syntax.OpStar {
				// Optional: a match may start here or with what follows.
				if !firstBytes(sub.Sub[0], set) {
					return false
				}
				continue
			}
			return firstBytes(sub, set)
		}
		return false
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !firstBytes(sub, set) {
				return false
			}
		}
		return true
	}
	return false
}

// maxMatchLen is the longest match of re in bytes, -1 when unbounded.
func maxMatchLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
		}
		return n
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n = max(n, utf8.RuneLen(re.Rune[i+1]))
		}
		return n
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return utf8.UTFMax
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpCapture:
		return maxMatchLen(re.Sub[0])
	case syntax.OpQuest:
		return maxMatchLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return -1
	case syntax.OpRepeat:
		n := maxMatchLen(re.Sub[0])
		if re.Max < 0 || n < 0 {
			return -1
		}
		return n * re.Max
	case syntax.OpConcat:
		total := 0
		for _, sub := range re.Sub {
			n := maxMatchLen(sub)
			if n < 0 {
				return -1
			}
			total += n
		}
		return total
	case syntax.OpAlternate:
		most := 0
		for _, sub := range re.Sub {
			n := maxMatchLen(sub)
			if n < 0 {
				return -1
			}
			most = max(most, n)
		}
		return most
	}
	return -1
}
