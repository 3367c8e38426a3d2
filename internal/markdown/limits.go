package markdown

import (
	"bytes"
	"fmt"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// Limits on what one body may hold. goldmark takes time quadratic in some
// shapes of input (see docs/markdown-limits.md): the nesting of block
// quotes and lists on one line, the brackets in one paragraph, the number
// of footnotes. A body is measured against these limits before it is
// parsed, in one pass over its bytes, so the work of rendering any body is
// bounded by its size and never by a clock: the same body fails or renders
// the same way on any machine. Each limit is far beyond what a post holds.
type Limits struct {
	Bytes     int // the body's size
	Depth     int // block quotes and list items opened on one line
	Brackets  int // "[" in one paragraph, list item, heading or table row
	Footnotes int // footnote definitions in the body
}

// DefaultLimits are the limits Render applies. A long post is 100 KB, with
// lists and quotes three deep, a few dozen links to a paragraph and a few
// dozen footnotes; at these limits goldmark's quadratic cases stay under a
// tenth of a second.
var DefaultLimits = Limits{Bytes: 2 << 20, Depth: 32, Brackets: 2000, Footnotes: 1000}

// limitScan is the state of checkLimits' pass over a body.
type limitScan struct {
	lim       Limits
	footnotes int
	brackets  int // in the current paragraph
	runLine   int // the line the current paragraph starts on, 0 when there is none
}

// checkLimits returns an error diagnostic for the first limit the body
// goes over, or nil.
func checkLimits(file string, firstLine int, src []byte, lim Limits) *diag.Diagnostic {
	if len(src) > lim.Bytes {
		d := diag.Errorf(file, firstLine, "the body is %s, more than the %s weeknotes renders; split it into several posts", size(len(src)), size(lim.Bytes))
		return &d
	}
	s := limitScan{lim: lim}
	line := firstLine
	for len(src) > 0 {
		text := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			text, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if msg := s.line(text, line); msg != "" {
			at := line
			if s.runLine > 0 && s.brackets > lim.Brackets {
				at = s.runLine
			}
			d := diag.Errorf(file, at, "%s", msg)
			return &d
		}
		line++
	}
	return nil
}

// line measures one line of the body, returning what it goes over.
func (s *limitScan) line(text []byte, line int) string {
	if len(bytes.TrimSpace(text)) == 0 {
		s.runLine, s.brackets = 0, 0
		return ""
	}
	depth, listItem, rest := containerPrefix(text)
	if depth > s.lim.Depth && !isThematicBreakLine(text) {
		return fmt.Sprintf("this line opens %d block quotes and list items, one inside the other; weeknotes renders at most %d", depth, s.lim.Depth)
	}
	if listItem || bytes.HasPrefix(rest, []byte("#")) || bytes.HasPrefix(rest, []byte("|")) ||
		bytes.HasPrefix(rest, []byte("[")) && bytes.Contains(rest, []byte("]:")) {
		// A new list item, heading, table row, link reference or footnote
		// definition: its text is parsed apart from the lines before it.
		s.runLine, s.brackets = 0, 0
	}
	if s.runLine == 0 {
		s.runLine = line
	}
	if bytes.HasPrefix(rest, []byte("[^")) && bytes.Contains(rest, []byte("]:")) {
		if s.footnotes++; s.footnotes > s.lim.Footnotes {
			return fmt.Sprintf("more than %d footnotes in this post; weeknotes renders at most %d", s.lim.Footnotes, s.lim.Footnotes)
		}
	}
	if s.brackets += bytes.Count(rest, []byte("[")); s.brackets > s.lim.Brackets {
		return fmt.Sprintf("this paragraph has more than %d \"[\"; weeknotes renders at most %d to a paragraph, list item or table row", s.lim.Brackets, s.lim.Brackets)
	}
	return ""
}

// containerPrefix reads the block quote markers and list item markers at
// the start of a line, as goldmark opens them one inside the other. It
// returns how many there are, whether one is a list item, and the rest of
// the line.
func containerPrefix(line []byte) (depth int, listItem bool, rest []byte) {
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return depth, listItem, nil
		}
		n := markerLen(line[i:])
		if n == 0 {
			return depth, listItem, line[i:]
		}
		if line[i] != '>' {
			listItem = true
		}
		depth++
		i += n
	}
}

// markerLen returns the length of the block quote or list item marker that
// starts b, or 0: ">", "-", "*" or "+" before a space or the line's end,
// or up to nine digits and "." or ")" before one.
func markerLen(b []byte) int {
	endsMarker := func(n int) bool { return n == len(b) || b[n] == ' ' || b[n] == '\t' }
	switch c := b[0]; {
	case c == '>':
		return 1
	case c == '-' || c == '*' || c == '+':
		if endsMarker(1) {
			return 1
		}
		return 0
	}
	n := 0
	for n < len(b) && n < 9 && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	if n > 0 && n < len(b) && (b[n] == '.' || b[n] == ')') && endsMarker(n+1) {
		return n + 1
	}
	return 0
}

// isThematicBreakLine reports whether a whole line is a thematic break
// ("- - -", "***"): it opens no lists, however many marks it has.
func isThematicBreakLine(line []byte) bool {
	var mark byte
	count := 0
	for _, c := range line {
		switch {
		case c == ' ' || c == '\t':
		case mark == 0 && (c == '-' || c == '*' || c == '_'):
			mark, count = c, 1
		case c == mark:
			count++
		default:
			return false
		}
	}
	return count >= 3
}

// size formats a byte count for messages.
func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
