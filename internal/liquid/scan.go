package liquid

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// outputTag replaces {{ expression }} objects, so that an output whose
// variable is undefined can be reported instead of rendering as nothing.
// Its name cannot collide with a tag an author would write.
const outputTag = "__weeknotes_output"

// expressionTags take Liquid expressions as arguments, where filters may
// appear.
var expressionTags = map[string]bool{
	"assign": true, "if": true, "elsif": true, "unless": true, "case": true,
	"when": true, "for": true, "tablerow": true, outputTag: true,
}

// tagUse is a tag written outside raw and comment sections.
type tagUse struct {
	name string
	args string
	line int
}

// filterUse is a filter applied in an object or an expression tag.
type filterUse struct {
	name string
	line int
}

// section is where the parser is when it meets a token.
type section int

const (
	inText section = iota
	inRaw
	inComment
)

// token is one tag or object, as the library's scanner delimits it.
type token struct {
	start, end int
	object     bool
	name       string // a tag's name
	args       string
	trimLeft   bool    // {{- or {%-
	trimRight  bool    // -}} or -%}
	within     section // before the token
	after      section // after it: a tag may open or close a section
}

// scanned is what scanSource found in a template.
type scanned struct {
	source  string // the template with objects turned into output tags, where that is safe
	tokens  []token
	tags    []tagUse
	filters []filterUse
	// unclosed are the "{{" that open no object and the raw and comment
	// sections that never end, which the library would pass through as
	// text where Jekyll stops with an error.
	unclosed []tagUse
}

// tokenPattern is what the library's scanner matches templates against,
// for the default delimiters (it compiles the pattern on every call).
var tokenPattern = regexp.MustCompile(`\{\{-?\s*(.+?)\s*-?\}\}|\{%-?\s*(\w+)(?:\s+((?:[^%]|%[^}])+?))?\s*-?%\}`)

// tokenScanner finds the tokens that tokenPattern finds, with the same
// quirks, an order of magnitude faster on prose: it matches the pattern by
// hand where "{{" or "{%" occurs, and only text built to defeat that (long
// runs of "{{" on one line, say) makes it hand the rest of the text to
// the regexp, which is linear. A fuzz test holds the two to each other.
type tokenScanner struct {
	src  string
	next int

	// A token can only end at or before the last closing delimiter. They
	// are looked for after the first failed match, which prose seldom has.
	lastObjectClose, lastTagClose int
	closesKnown                   bool

	work     int     // bytes the hand matchers examined
	fallback [][]int // the regexp's matches after the hand matchers gave up
	inRegexp bool
}

func newTokenScanner(src string) *tokenScanner {
	return &tokenScanner{src: src, lastObjectClose: len(src), lastTagClose: len(src)}
}

// scan returns the next token's submatch indexes, as
// tokenPattern.FindAllStringSubmatchIndex would give them, or nil.
func (s *tokenScanner) scan() []int {
	if s.inRegexp {
		if len(s.fallback) == 0 {
			return nil
		}
		m := s.fallback[0]
		s.fallback = s.fallback[1:]
		return m
	}
	for {
		if s.work > 8*len(s.src)+4096 {
			s.inRegexp = true
			s.fallback = tokenPattern.FindAllStringSubmatchIndex(s.src[s.next:], -1)
			for _, m := range s.fallback {
				for k := range m {
					if m[k] >= 0 {
						m[k] += s.next
					}
				}
			}
			return s.scan()
		}
		i := strings.IndexByte(s.src[s.next:], '{')
		if i < 0 || s.next+i+1 >= len(s.src) {
			return nil
		}
		p := s.next + i
		s.next = p + 1
		var m []int
		switch s.src[p+1] {
		case '{':
			if s.lastObjectClose >= p+3 {
				m = matchObject(s.src, p, &s.work)
			}
		case '%':
			if s.lastTagClose >= p+3 {
				m = matchTag(s.src, p, &s.work)
			}
		}
		if m != nil {
			s.next = m[1]
			return m
		}
		if !s.closesKnown {
			s.closesKnown = true
			s.lastObjectClose = strings.LastIndex(s.src, "}}")
			s.lastTagClose = strings.LastIndex(s.src, "%}")
		}
	}
}

// The pattern's \s and \w are ASCII classes.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func isWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func spaceRun(src string, i int) int {
	n := 0
	for i+n < len(src) && isSpace(src[i+n]) {
		n++
	}
	return n
}

// runeEnd returns where the rune at i ends, counting an invalid byte as a
// rune of its own, as the regexp package does.
func runeEnd(src string, i int) int {
	_, size := utf8.DecodeRuneInString(src[i:])
	return i + size
}

// closeAt returns the end of \s*-?<close> at i, if it matches there.
func closeAt(src string, i int, close string, work *int) (int, bool) {
	n := spaceRun(src, i)
	*work += n + 1
	j := i + n
	if strings.HasPrefix(src[j:], "-"+close) {
		return j + 1 + len(close), true
	}
	if strings.HasPrefix(src[j:], close) {
		return j + len(close), true
	}
	return 0, false
}

// matchObject matches \{\{-?\s*(.+?)\s*-?\}\} at p, trying the
// alternatives in the regexp's order of preference: the dash if there is
// one, then the longest leading space, then the shortest argument.
//
// Of the leading spaces only two need trying: the longest, and the longest
// of the shorter ones that leaves the argument starting with something
// other than a newline. An argument starting further inside the space can
// only end where one of those two could, because \s* skips the rest of the
// space the same way from anywhere in it.
func matchObject(src string, p int, work *int) []int {
	dashes := []int{0}
	if p+2 < len(src) && src[p+2] == '-' {
		dashes = []int{1, 0}
	}
	for _, dash := range dashes {
		q := p + 2 + dash
		longest := spaceRun(src, q)
		*work += longest
		shorter := longest - 1
		for shorter >= 0 && src[q+shorter] == '\n' {
			shorter--
		}
		for _, space := range []int{longest, shorter} {
			if space < 0 {
				continue
			}
			argsStart := q + space
			for e := argsStart; e < len(src) && src[e] != '\n'; {
				e = runeEnd(src, e)
				if end, ok := closeAt(src, e, "}}", work); ok {
					return []int{p, end, argsStart, e, -1, -1, -1, -1}
				}
			}
		}
	}
	return nil
}

// matchTag matches \{%-?\s*(\w+)(?:\s+((?:[^%]|%[^}])+?))?\s*-?%\} at p.
// Only the longest dash, space and name can lead to a match, so those are
// fixed; the arguments are tried with the longest separating space first
// (of which, as in matchObject, only the longest two matter), then the
// shortest text, then without arguments at all.
func matchTag(src string, p int, work *int) []int {
	q := p + 2
	if q < len(src) && src[q] == '-' {
		q++
	}
	q += spaceRun(src, q)
	nameEnd := q
	for nameEnd < len(src) && isWord(src[nameEnd]) {
		nameEnd++
	}
	*work += nameEnd - p
	if nameEnd == q {
		return nil
	}
	longest := spaceRun(src, nameEnd)
	*work += longest
	for space := longest; space >= max(longest-1, 1); space-- {
		argsStart := nameEnd + space
		for e := argsStart; e < len(src); {
			if src[e] == '%' {
				// "%" must pair with a following character other than "}".
				if e+1 >= len(src) || src[e+1] == '}' {
					break
				}
				e = runeEnd(src, e+1)
			} else {
				e = runeEnd(src, e)
			}
			if end, ok := closeAt(src, e, "%}", work); ok {
				return []int{p, end, -1, -1, q, nameEnd, argsStart, e}
			}
		}
	}
	if end, ok := closeAt(src, nameEnd, "%}", work); ok {
		return []int{p, end, -1, -1, q, nameEnd, -1, -1}
	}
	return nil
}

// edit replaces src[start:end] in a rewritten source.
type edit struct {
	start, end int
	text       string
	layout     *fenceLayout // when set, the edit inserts it, encoded, instead of text
	// keepDash ends the inserted layout with "-": in "{% highlight -%}" the
	// dash is both the arguments and the trim marker, which the library
	// reads at a fixed place from the tag's end.
	keepDash bool
}

// scanSource walks the tokens of src the way the library's parser does,
// numbering lines from firstLine, and collects tokens, tags and filters.
// With rewrite, it replaces each {{ … }} object by the output tag, and adds
// to each highlight tag's arguments where its fence sits among the text
// around it, keeping every newline so that lines stay the same.
func scanSource(src string, firstLine int, rewrite bool) scanned {
	sc := &sourceScan{src: src, rewrite: rewrite, line: firstLine, within: inText}
	ts := newTokenScanner(src)
	for m := ts.scan(); m != nil; m = ts.scan() {
		sc.token(m)
	}
	return sc.finish()
}

// sourceScan is the state of scanSource between tokens.
type sourceScan struct {
	src     string
	rewrite bool
	out     scanned
	edits   []edit
	prevEnd int
	line    int
	within  section
	// strayTag is set once text holds a "{%" that opens no tag: a tag
	// match starting there would reach the "%}" of any output tag
	// written after it.
	strayTag bool
	// openFences are the layouts of the highlight blocks not closed yet,
	// innermost last.
	openFences []*fenceLayout
	// sectionLine is the line of the raw or comment tag that opened the
	// section the scan is in.
	sectionLine int
}

// token takes one token, m as the token scanner matched it, with the text
// before it.
func (sc *sourceScan) token(m []int) {
	src := sc.src
	start, end := m[0], m[1]
	gap := src[sc.prevEnd:start]
	if sc.within == inText {
		sc.out.unclosed = appendStrayObject(sc.out.unclosed, gap, sc.line)
	}
	sc.line += strings.Count(gap, "\n")
	sc.strayTag = sc.strayTag || strings.Contains(gap, "{%")
	tokenLine := sc.line
	sc.line += strings.Count(src[start:end], "\n")
	sc.prevEnd = end
	tok := token{
		start: start, end: end, within: sc.within,
		trimLeft: src[start+2] == '-', trimRight: src[end-3] == '-',
	}
	if src[start+1] == '{' {
		sc.object(tok, m, tokenLine)
		return
	}
	sc.tag(tok, m, tokenLine)
}

// object takes an output object, {{ … }}.
func (sc *sourceScan) object(tok token, m []int, tokenLine int) {
	src := sc.src
	tok.object = true
	tok.args = src[m[2]:m[3]]
	tok.after = sc.within
	sc.out.tokens = append(sc.out.tokens, tok)
	if sc.within != inText {
		return
	}
	sc.out.filters = appendFilters(sc.out.filters, tok.args, tokenLine)
	if !sc.rewrite || sc.strayTag || !safeToRewrite(src, m) {
		return
	}
	sc.edits = append(sc.edits, edit{start: tok.start, end: tok.end, text: "{%" +
		src[tok.start+2:m[2]] + // trim marker and leading space, newlines included
		outputTag + " " + tok.args +
		src[m[3]:tok.end-2] + // trailing space and trim marker
		"%}"})
}

// tag takes a tag, {% … %}: it opens or closes a raw or comment section,
// or is a tag used in the text.
func (sc *sourceScan) tag(tok token, m []int, tokenLine int) {
	tok.name = sc.src[m[4]:m[5]]
	if m[6] > 0 {
		tok.args = sc.src[m[6]:m[7]]
	}
	switch {
	case sc.within == inComment:
		if tok.name == "endcomment" {
			sc.within = inText
		}
	case sc.within == inRaw:
		if tok.name == "endraw" {
			sc.within = inText
		}
	case tok.name == "comment":
		sc.within, sc.sectionLine = inComment, tokenLine
	case tok.name == "raw":
		sc.within, sc.sectionLine = inRaw, tokenLine
	default:
		sc.out.tags = append(sc.out.tags, tagUse{name: tok.name, args: tok.args, line: tokenLine})
		if expressionTags[tok.name] {
			sc.out.filters = appendFilters(sc.out.filters, tok.args, tokenLine)
		}
		if sc.rewrite {
			sc.layOutFence(tok, m)
		}
	}
	tok.after = sc.within
	sc.out.tokens = append(sc.out.tokens, tok)
}

// layOutFence notes, for a highlight tag, where its fence sits among the
// text around it, and for an endhighlight whether text follows it.
func (sc *sourceScan) layOutFence(tok token, m []int) {
	switch {
	case tok.name == "highlight":
		// The arguments end where the name does when there are none.
		at := max(m[5], m[7])
		l := layoutBefore(sc.src[:tok.start], tok.trimLeft)
		sc.edits = append(sc.edits, edit{start: at, end: at, layout: l, keepDash: at == tok.end-2 && tok.trimRight})
		sc.openFences = append(sc.openFences, l)
	case tok.name == "endhighlight" && len(sc.openFences) > 0:
		sc.openFences[len(sc.openFences)-1].breakAfter = textFollows(sc.src[tok.end:], tok.trimRight)
		sc.openFences = sc.openFences[:len(sc.openFences)-1]
	}
}

// finish reports what is left open at the end and applies the edits.
func (sc *sourceScan) finish() scanned {
	switch sc.within {
	case inText:
		sc.out.unclosed = appendStrayObject(sc.out.unclosed, sc.src[sc.prevEnd:], sc.line)
	case inRaw:
		sc.out.unclosed = append(sc.out.unclosed, tagUse{name: "raw", line: sc.sectionLine})
	case inComment:
		sc.out.unclosed = append(sc.out.unclosed, tagUse{name: "comment", line: sc.sectionLine})
	}
	sc.out.source = applyEdits(sc.src, sc.edits)
	return sc.out
}

// appendStrayObject notes the first "{{" of a stretch of text between
// tokens, if any: it opens no object, because no "}}" closes it. The
// stretch starts on line.
func appendStrayObject(unclosed []tagUse, text string, line int) []tagUse {
	i := strings.Index(text, "{{")
	if i < 0 || len(unclosed) > 0 {
		return unclosed
	}
	return append(unclosed, tagUse{name: "{{", line: line + strings.Count(text[:i], "\n")})
}

// unclosedMessage is what to tell the author about an unclosed object or
// section.
func unclosedMessage(u tagUse) string {
	if u.name == "{{" {
		return `"{{" is not closed; close it with "}}", or keep it as text inside {% raw %}…{% endraw %}`
	}
	return fmt.Sprintf("{%% %s %%} is not closed; close it with {%% end%s %%}", u.name, u.name)
}

// applyEdits returns src with the edits, which are in order and do not
// overlap, made.
func applyEdits(src string, edits []edit) string {
	var b strings.Builder
	copied := 0 // src[:copied] is in b
	for _, e := range edits {
		text := e.text
		if l := e.layout; l != nil {
			if *l == (fenceLayout{}) {
				continue // the default layout: leave the tag as written
			}
			text = " " + l.encode()
			if e.keepDash {
				text += "-"
			}
		}
		if b.Len() == 0 {
			b.Grow(len(src) + 64)
		}
		b.WriteString(src[copied:e.start])
		b.WriteString(text)
		copied = e.end
	}
	if b.Len() == 0 {
		return src
	}
	b.WriteString(src[copied:])
	return b.String()
}

// layoutBefore returns the layout of a fence at the end of before, as far as
// the text before it decides it: whether text precedes it on its line, and
// the containers (list items, block quotes) that line opens. With trimLeft,
// the library removes the space before the tag, line breaks included.
func layoutBefore(before string, trimLeft bool) *fenceLayout {
	if trimLeft {
		before = strings.TrimRightFunc(before, unicode.IsSpace)
	}
	line := before[strings.LastIndexByte(before, '\n')+1:]
	indent, text := containerPrefix(line)
	return &fenceLayout{breakBefore: text != "", indent: indent}
}

// textFollows reports whether text follows an end tag on its line, given
// after, the source after the tag. With trimRight, the library removes the
// space after the tag, line breaks included.
func textFollows(after string, trimRight bool) bool {
	if trimRight {
		return strings.TrimLeftFunc(after, unicode.IsSpace) != ""
	}
	line, _, _ := strings.Cut(after, "\n")
	return strings.TrimSpace(line) != ""
}

// containerPrefix splits the start of a Markdown line into the indentation
// that continues its containers on later lines (a list marker becomes
// spaces as wide; block quote markers stay) and the text after them.
func containerPrefix(line string) (indent, text string) {
	var b strings.Builder
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '>':
			b.WriteByte(c)
			i++
			continue
		case c == '-' || c == '*' || c == '+':
			if n := i + 1; n < len(line) && (line[n] == ' ' || line[n] == '\t') {
				b.WriteByte(' ')
				i = n
				continue
			}
		case c >= '0' && c <= '9':
			// An ordered list marker: up to nine digits, then "." or ")".
			n := i
			for n < len(line) && n-i < 9 && line[n] >= '0' && line[n] <= '9' {
				n++
			}
			if n+1 < len(line) && (line[n] == '.' || line[n] == ')') && (line[n+1] == ' ' || line[n+1] == '\t') {
				b.WriteString(strings.Repeat(" ", n+1-i))
				i = n + 1
				continue
			}
		}
		break // not a marker: the text starts here
	}
	return b.String(), line[i:]
}

// safeToRewrite reports whether the object matched by m can become an
// output tag that the library tokenizes the same way. Objects it cannot
// rewrite still render, only without the undefined variable check.
func safeToRewrite(src string, m []int) bool {
	start, end, args := m[0], m[1], src[m[2]:m[3]]
	switch {
	case strings.Contains(args, "%"):
		// A tag's arguments cannot hold "%}", and "%" pairs with the next
		// character.
		return false
	case strings.TrimSpace(args) == "":
		// Whitespace-only arguments are split differently by the two
		// patterns; both are syntax errors, which the object reports.
		return false
	case m[2] == start+2 && args[0] == '-', m[3] == end-2 && args[len(args)-1] == '-':
		// The library reads trim markers at fixed offsets, here inside the
		// arguments, as in {{-}}.
		return false
	}
	return true
}

func appendFilters(uses []filterUse, expr string, line int) []filterUse {
	_, names := splitPipeline(expr)
	for _, n := range names {
		uses = append(uses, filterUse{name: n, line: line})
	}
	return uses
}

// splitPipeline splits a Liquid expression at its top-level "|" signs into
// the value before the first one and the names of the filters after them.
// Quoted strings are skipped, as the expression lexer does.
func splitPipeline(expr string) (base string, filterNames []string) {
	base = expr
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			if filterNames == nil {
				base = expr[:i]
			}
			j := i + 1
			for j < len(expr) && (expr[j] == ' ' || expr[j] == '\t' || expr[j] == '\n' || expr[j] == '\r') {
				j++
			}
			k := j
			for k < len(expr) && isIdentByte(expr[k], k == j) {
				k++
			}
			if k > j {
				filterNames = append(filterNames, expr[j:k])
			} else if filterNames == nil {
				filterNames = []string{}
			}
			i = k - 1
		}
	}
	return strings.TrimSpace(base), filterNames
}

// isIdentByte follows the expression lexer's identifiers:
// (alpha | '_') (alnum | '_' | '-')*.
func isIdentByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-':
		return !first
	}
	return false
}

// variablePath matches an expression that is only a variable and its
// properties or indexes, such as page.title or site.params["x"].
var variablePath = regexp.MustCompile(`^[A-Za-z_][\w-]*\??(?:\.[A-Za-z_][\w-]*\??|\[[^\[\]]+\])*$`)

// literalNames are words the expression language reads as values, not
// variables.
var literalNames = map[string]bool{"true": true, "false": true, "nil": true, "null": true, "empty": true, "blank": true}

func isVariablePath(s string) bool {
	return variablePath.MatchString(s) && !literalNames[s]
}

// fencedRanges returns the file lines (first and last, inclusive) of the
// fenced code blocks in a Markdown body whose first line is firstLine.
// Fences are recognised at any indentation, so that fences in list items
// and block quotes count too; the result only decides whether to add a
// hint to a message.
func fencedRanges(body []byte, firstLine int) [][2]int {
	var (
		ranges   [][2]int
		open     bool
		openChar byte
		openLen  int
		start    int
	)
	lineNo := firstLine
	for rest := string(body); ; lineNo++ {
		lineText, after, more := strings.Cut(rest, "\n")
		t := strings.TrimLeft(lineText, " \t>")
		c, n := fenceRun(t)
		switch {
		case !open && n >= 3 && (c == '~' || !strings.Contains(t[n:], "`")):
			open, openChar, openLen, start = true, c, n, lineNo
		case open && c == openChar && n >= openLen && strings.TrimSpace(t[n:]) == "":
			ranges = append(ranges, [2]int{start, lineNo})
			open = false
		}
		if !more {
			break
		}
		rest = after
	}
	if open {
		ranges = append(ranges, [2]int{start, lineNo})
	}
	return ranges
}

// fenceRun returns the fence character that s starts with and how many
// times it repeats.
func fenceRun(s string) (byte, int) {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return 0, 0
	}
	n := 1
	for n < len(s) && s[n] == s[0] {
		n++
	}
	return s[0], n
}

func inRanges(ranges [][2]int, line int) bool {
	for _, r := range ranges {
		if line >= r[0] && line <= r[1] {
			return true
		}
	}
	return false
}
