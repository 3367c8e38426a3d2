package highlight

import (
	"math"

	"github.com/dlclark/regexp2/v2/syntax"
)

// directMatch matches, without regexp2, a rule whose expression is a plain
// run of characters and classes: a newline, an operator, `\s+`, `\w+`,
// `[^"\\$]+`, `[a-zA-Z_]\w*`. Such rules produce a large share of the
// tokens, and a call into regexp2 costs far more than the comparison.
// Only shapes that cannot backtrack are taken: every step but the last
// matches a fixed number of characters, so greedily taking the longest run
// at the last step is exactly what the backtracking matcher returns.
type directMatch struct {
	steps []step
}

// step matches between min and max characters (max < 0: no limit), each
// accepted by the step's test.
type step struct {
	kind     stepKind
	ch       rune
	set      *syntax.CharSet
	min, max int
}

type stepKind uint8

const (
	stepOne    stepKind = iota // exactly ch
	stepNotOne                 // anything but ch
	stepSet                    // a member of set
)

func (s *step) accepts(ch rune) bool {
	switch s.kind {
	case stepOne:
		return ch == s.ch
	case stepNotOne:
		return ch != s.ch
	}
	return s.set.Contains(ch)
}

// match returns the length of the match at pos, or -1 when there is none.
func (d *directMatch) match(text []rune, pos int) int {
	at := pos
	for i := range d.steps {
		s := &d.steps[i]
		n := 0
		for (s.max < 0 || n < s.max) && at < len(text) && s.accepts(text[at]) {
			at++
			n++
		}
		if n < s.min {
			return -1
		}
	}
	return at - pos
}

// directOf returns a direct matcher for a parsed rule, or nil when its
// shape is not one this package matches by itself.
func directOf(tree *syntax.RegexTree) *directMatch {
	if tree == nil {
		return nil
	}
	root := tree.Root
	if root.T != syntax.NtCapture || len(root.Children) != 1 {
		return nil
	}
	var steps []step
	if !appendSteps(&steps, root.Children[0]) || len(steps) == 0 {
		return nil
	}
	for _, s := range steps[:len(steps)-1] {
		if s.min != s.max {
			return nil // a variable step before the last could need backtracking
		}
	}
	return &directMatch{steps: steps}
}

// appendSteps adds the steps of node n, reporting false for any node that
// is not a plain character, class, string or loop of one of them.
func appendSteps(steps *[]step, n *syntax.RegexNode) bool {
	if n.Options&(syntax.RightToLeft|syntax.IgnoreCase) != 0 {
		return false
	}
	switch n.T {
	case syntax.NtStart:
		// \G: every rule is anchored where chroma tries it, as here.
		return len(*steps) == 0
	case syntax.NtEmpty:
		return true
	case syntax.NtGroup:
		return len(n.Children) == 1 && appendSteps(steps, n.Children[0])
	case syntax.NtConcatenate:
		for _, child := range n.Children {
			if !appendSteps(steps, child) {
				return false
			}
		}
		return true
	case syntax.NtOne:
		*steps = append(*steps, step{kind: stepOne, ch: n.Ch, min: 1, max: 1})
	case syntax.NtNotone:
		*steps = append(*steps, step{kind: stepNotOne, ch: n.Ch, min: 1, max: 1})
	case syntax.NtSet:
		*steps = append(*steps, step{kind: stepSet, set: n.Set, min: 1, max: 1})
	case syntax.NtMulti:
		for _, ch := range n.Str {
			*steps = append(*steps, step{kind: stepOne, ch: ch, min: 1, max: 1})
		}
	case syntax.NtOneloop, syntax.NtOneloopatomic:
		*steps = append(*steps, step{kind: stepOne, ch: n.Ch, min: n.M, max: loopMax(n)})
	case syntax.NtNotoneloop, syntax.NtNotoneloopatomic:
		*steps = append(*steps, step{kind: stepNotOne, ch: n.Ch, min: n.M, max: loopMax(n)})
	case syntax.NtSetloop, syntax.NtSetloopatomic:
		*steps = append(*steps, step{kind: stepSet, set: n.Set, min: n.M, max: loopMax(n)})
	default:
		return false
	}
	return true
}

// loopMax is a loop's upper bound, or -1 for none.
func loopMax(n *syntax.RegexNode) int {
	if n.N >= math.MaxInt32 || n.N < 0 { // the parser's "no limit"
		return -1
	}
	return n.N
}
