package highlight

import (
	"unicode"

	"github.com/dlclark/regexp2/v2/syntax"
)

// startSet is what a rule's match can begin with, for skipping the rules
// that cannot match at a position without running them.
type startSet struct {
	// ascii has bit c set when the match may start with the ASCII
	// character c.
	ascii [2]uint64
	// nonASCII reports whether the match may start with a character
	// beyond ASCII. Such characters are rare in code, so they are not told
	// apart: any of them lets the rule be tried.
	nonASCII bool
	// lineStart and textStart report that the expression begins with ^
	// (multiline) or \A: it can only match at the start of a line, or of
	// the text.
	lineStart, textStart bool
}

// anyStart lets every rule be tried everywhere: the set of an expression
// that can match the empty string, or that this analysis does not follow.
var anyStart = startSet{ascii: [2]uint64{^uint64(0), ^uint64(0)}, nonASCII: true}

// mayMatchAt reports whether the rule can match at pos in text.
func (s *startSet) mayMatchAt(text []rune, pos int) bool {
	if s.textStart && pos != 0 {
		return false
	}
	if s.lineStart && pos != 0 && text[pos-1] != '\n' {
		return false
	}
	if pos >= len(text) {
		return true
	}
	if ch := text[pos]; ch < 128 {
		return s.ascii[ch/64]&(1<<(ch%64)) != 0
	}
	return s.nonASCII
}

func (s *startSet) add(ch rune) {
	if ch < 128 {
		s.ascii[ch/64] |= 1 << (ch % 64)
	} else {
		s.nonASCII = true
	}
}

func (s *startSet) union(o startSet) {
	s.ascii[0] |= o.ascii[0]
	s.ascii[1] |= o.ascii[1]
	s.nonASCII = s.nonASCII || o.nonASCII
}

// foldCase adds the other case of every ASCII letter in the set, and any
// character beyond ASCII (the Kelvin sign folds to k), for nodes the
// parser left case-insensitive.
func (s *startSet) foldCase() {
	for ch := rune('A'); ch <= 'z'; ch++ {
		if s.ascii[ch/64]&(1<<(ch%64)) != 0 && unicode.IsLetter(ch) {
			s.add(unicode.ToUpper(ch))
			s.add(unicode.ToLower(ch))
		}
	}
	s.nonASCII = true
}

// parseRule parses a compiled rule's expression (\G, flags, then the
// rule's pattern) as regexp2 does, so with its optimisations applied, for
// startOf, directOf and literalsOf. Expressions compiled with global
// options these analyses do not follow give nil.
func parseRule(pattern string) *syntax.RegexTree {
	tree, err := syntax.Parse(pattern, syntax.ParseOptions{})
	if err != nil || tree.Options&(syntax.RightToLeft|syntax.IgnoreCase) != 0 {
		return nil
	}
	return tree
}

// startOf returns the start set of a parsed rule, or anyStart.
func startOf(tree *syntax.RegexTree) startSet {
	if tree == nil {
		return anyStart
	}
	s, nullable, ok := first(tree.Root)
	if !ok || nullable {
		return anyStart
	}
	s.lineStart, s.textStart = leadingAnchors(tree.Root)
	return s
}

// first computes the classic FIRST set of a node: the characters its
// matches can start with, whether it can match the empty string, and
// whether the analysis knows the node at all (ok false: assume anything).
// Zero-width nodes (anchors, lookarounds) consume nothing, so they add
// nothing and are nullable; a lookahead only narrows what follows, so
// ignoring it keeps the set a superset of the truth.
func first(n *syntax.RegexNode) (s startSet, nullable, ok bool) {
	if n.T == syntax.NtPosLook || n.T == syntax.NtNegLook {
		return s, true, true // a lookbehind is parsed right to left: not entered
	}
	if n.Options&syntax.RightToLeft != 0 {
		return anyStart, true, false
	}
	defer func() {
		if ok && n.Options&syntax.IgnoreCase != 0 {
			s.foldCase()
		}
	}()
	if s, nullable, known := firstOfChars(n); known {
		return s, nullable, true
	}
	return firstOfChildren(n)
}

// firstOfChars is first for the nodes that match characters themselves or
// nothing at all; known is false for the others.
func firstOfChars(n *syntax.RegexNode) (s startSet, nullable, known bool) {
	switch n.T {
	case syntax.NtOne:
		s.add(n.Ch)
		return s, false, true
	case syntax.NtNotone:
		return notOne(n.Ch), false, true
	case syntax.NtSet:
		return setStart(n.Set), false, true
	case syntax.NtMulti:
		if len(n.Str) == 0 {
			return s, true, true
		}
		s.add(n.Str[0])
		return s, false, true
	case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		s.add(n.Ch)
		return s, n.M == 0, true
	case syntax.NtNotoneloop, syntax.NtNotonelazy, syntax.NtNotoneloopatomic:
		return notOne(n.Ch), n.M == 0, true
	case syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		return setStart(n.Set), n.M == 0, true
	case syntax.NtBol, syntax.NtEol, syntax.NtBoundary, syntax.NtNonboundary,
		syntax.NtECMABoundary, syntax.NtNonECMABoundary, syntax.NtBeginning,
		syntax.NtStart, syntax.NtEndZ, syntax.NtEnd, syntax.NtEmpty,
		syntax.NtUpdateBumpalong, syntax.NtResetCapture, syntax.NtPosLook, syntax.NtNegLook:
		return s, true, true
	case syntax.NtNothing:
		return s, false, true
	}
	return s, false, false
}

// notOne is the start set of "any character but ch".
func notOne(ch rune) startSet {
	s := anyStart
	if ch < 128 {
		s.ascii[ch/64] &^= 1 << (ch % 64)
	}
	return s
}

// firstOfChildren is first for the nodes made of others: groups, loops,
// sequences and alternatives.
func firstOfChildren(n *syntax.RegexNode) (s startSet, nullable, ok bool) {
	switch n.T {
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) != 1 {
			return anyStart, true, false
		}
		return first(n.Children[0])
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 {
			return anyStart, true, false
		}
		s, nullable, ok = first(n.Children[0])
		return s, nullable || n.M == 0, ok
	case syntax.NtConcatenate:
		for _, child := range n.Children {
			cs, cnull, cok := first(child)
			if !cok {
				return anyStart, true, false
			}
			s.union(cs)
			if !cnull {
				return s, false, true
			}
		}
		return s, true, true
	case syntax.NtAlternate:
		for _, child := range n.Children {
			cs, cnull, cok := first(child)
			if !cok {
				return anyStart, true, false
			}
			s.union(cs)
			nullable = nullable || cnull
		}
		return s, nullable, true
	}
	// Back-references, conditionals and anything newer: not followed.
	return anyStart, true, false
}

// setStart is the start set of one character class.
func setStart(set *syntax.CharSet) startSet {
	s := startSet{nonASCII: true}
	for ch := range rune(128) {
		if set.Contains(ch) {
			s.add(ch)
		}
	}
	return s
}

// leadingAnchors reports whether the expression, before it consumes any
// character, asserts ^ in multiline mode (start of a line) or \A or ^
// otherwise (start of the text). Only anchors every match must pass are
// counted: those on the leading path of concatenations and groups.
func leadingAnchors(n *syntax.RegexNode) (lineStart, textStart bool) {
	for {
		switch n.T {
		case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
			if len(n.Children) != 1 {
				return
			}
			n = n.Children[0]
			continue
		case syntax.NtConcatenate:
			for _, child := range n.Children {
				switch child.T {
				case syntax.NtBol:
					lineStart = true
				case syntax.NtBeginning:
					textStart = true
				case syntax.NtStart, syntax.NtEmpty, syntax.NtBoundary, syntax.NtNonboundary,
					syntax.NtECMABoundary, syntax.NtNonECMABoundary, syntax.NtPosLook, syntax.NtNegLook:
					// zero-width: the next child still starts at the same place
				case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic, syntax.NtConcatenate:
					l, t := leadingAnchors(child)
					return lineStart || l, textStart || t
				default:
					return
				}
			}
			return
		case syntax.NtBol:
			return true, false
		case syntax.NtBeginning:
			return false, true
		}
		return
	}
}

// literalSet holds the strings an expression must begin with when its
// first consuming part is a literal or a list of them, as in chroma's
// keyword rules: (return|raise|...)\b. A rule is only handed to regexp2
// when the text at hand begins with one of them; most identifiers share a
// first letter with some keyword and nothing more.
type literalSet struct {
	// byFirst lists the literals by their first character, for the ASCII
	// ones; a literal beginning beyond ASCII leaves the set unused.
	byFirst [128][][]rune
}

// mayMatchAt reports whether text at pos begins with one of the literals.
func (l *literalSet) mayMatchAt(text []rune, pos int) bool {
	if pos >= len(text) || text[pos] >= 128 {
		return false // every literal begins with an ASCII character
	}
	rest := text[pos:]
next:
	for _, lit := range l.byFirst[text[pos]] {
		if len(lit) > len(rest) {
			continue
		}
		for i, ch := range lit {
			if rest[i] != ch {
				continue next
			}
		}
		return true
	}
	return false
}

// literalsOf returns the literal set of a parsed rule, or nil when its
// start is not a literal or a list of them.
func literalsOf(tree *syntax.RegexTree) *literalSet {
	if tree == nil {
		return nil
	}
	lits, _, ok := leadingLiterals(tree.Root)
	if !ok || len(lits) == 0 {
		return nil
	}
	set := &literalSet{}
	for _, lit := range lits {
		if len(lit) == 0 || lit[0] >= 128 {
			return nil
		}
		set.byFirst[lit[0]] = append(set.byFirst[lit[0]], lit)
	}
	return set
}

// maxLiterals bounds a literal set, so a rule like [ab][cd][ef]... does not
// multiply into thousands of strings; past it the set stays shorter.
const maxLiterals = 64

// leadingLiterals returns strings one of which every match of n begins
// with, whether a match of n is exactly one of them (complete), and
// whether n's start is made of characters, strings and alternations of
// them at all (ok). A concatenation extends the strings while its parts
// are complete: the parser turns (return|raise) into r(?:eturn|aise).
func leadingLiterals(n *syntax.RegexNode) (lits [][]rune, complete, ok bool) {
	if n.Options&(syntax.RightToLeft|syntax.IgnoreCase) != 0 {
		return nil, false, false
	}
	switch n.T {
	case syntax.NtOne:
		return [][]rune{{n.Ch}}, true, true
	case syntax.NtMulti:
		return [][]rune{n.Str}, true, len(n.Str) > 0
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) != 1 {
			return nil, false, false
		}
		return leadingLiterals(n.Children[0])
	case syntax.NtAlternate:
		complete = true
		for _, child := range n.Children {
			childLits, childComplete, childOK := leadingLiterals(child)
			if !childOK {
				return nil, false, false
			}
			lits = append(lits, childLits...)
			complete = complete && childComplete
		}
		return lits, complete, true
	case syntax.NtConcatenate:
		lits = [][]rune{nil}
		started := false
		for _, child := range n.Children {
			switch child.T {
			case syntax.NtStart, syntax.NtBol, syntax.NtBeginning, syntax.NtBoundary,
				syntax.NtNonboundary, syntax.NtECMABoundary, syntax.NtNonECMABoundary,
				syntax.NtEmpty, syntax.NtPosLook, syntax.NtNegLook:
				if !started {
					continue // zero-width: the next node starts at the same place
				}
				return lits, false, true
			}
			childLits, childComplete, childOK := leadingLiterals(child)
			if !childOK || len(lits)*len(childLits) > maxLiterals {
				return lits, false, started
			}
			longer := make([][]rune, 0, len(lits)*len(childLits))
			for _, prefix := range lits {
				for _, lit := range childLits {
					longer = append(longer, append(append([]rune(nil), prefix...), lit...))
				}
			}
			lits, started = longer, true
			if !childComplete {
				return lits, false, true
			}
		}
		return lits, true, started
	}
	return nil, false, false
}
