package kramdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// blockTags are the elements that start an HTML block: CommonMark's, and
// the embedded-content elements kramdown also reads as blocks. script,
// style, pre and textarea are left to goldmark, which already reads them to
// their end tag.
var blockTags = map[string]bool{}

// interruptingTags are the block tags that CommonMark lets interrupt a
// paragraph; the others only start a block after a blank line.
var interruptingTags = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`address article aside base basefont blockquote body caption center col
		colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset
		h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol
		optgroup option p param search section summary table tbody td tfoot th thead title tr track ul`) {
		blockTags[t], interruptingTags[t] = true, true
	}
	for _, t := range strings.Fields(`audio video picture canvas object map math svg noscript`) {
		blockTags[t] = true
	}
}

// spanContentTags are the elements whose markdown="1" content kramdown
// reads as text rather than as blocks (its HTML_CONTENT_MODEL_SPAN).
var spanContentTags = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`a abbr acronym b bdo big button cite caption del dfn dt em
		h1 h2 h3 h4 h5 h6 i ins label legend optgroup p q rb rbc rp rt rtc ruby select small span
		strong sub sup th tt`) {
		spanContentTags[t] = true
	}
}

// markdownAttr matches the markdown attribute of an opening tag.
var markdownAttr = regexp.MustCompile(`(?i)\s+markdown\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))`)

// KindHTMLElement is the kind of HTMLElement.
var KindHTMLElement = ast.NewNodeKind("KramdownHTMLElement")

// HTMLElement is a block HTML element with markdown="1" (or "block" or
// "span"): its tags are written as they are, without the markdown
// attribute, and its content is Markdown, blocks (its children) or text
// (its lines, read as inline Markdown).
type HTMLElement struct {
	ast.BaseBlock
	OpenTag  []byte       // the opening tag without the markdown attribute
	Span     bool         // the content is text, not blocks
	Closure  text.Segment // from the end tag to the end of its line
	closeTag int          // where the end tag starts
	raw      bool         // markdown="0": the content is kept as it is
}

// IsRaw implements ast.Node: with markdown="0" the content is not Markdown.
func (n *HTMLElement) IsRaw() bool { return n.raw }

// Kind implements ast.Node.
func (n *HTMLElement) Kind() ast.NodeKind { return KindHTMLElement }

// Dump implements ast.Node.
func (n *HTMLElement) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"OpenTag": string(n.OpenTag)}, nil)
}

// htmlParser reads HTML blocks as kramdown does: an element runs to its
// matching end tag, blank lines and indented lines included, rather than
// to the first blank line as in CommonMark. An element whose end tag is
// missing is left to CommonMark's rules (kramdown would take the rest of
// the post into it).
type htmlParser struct{}

// rawBlock is the open HTML block read to its end tag; it records where
// the line holding that tag starts (-1 when the block has only one line).
type rawBlock struct {
	node     ast.Node
	lastLine int
}

var rawBlockKey = parser.NewContextKey()

func (htmlParser) Trigger() []byte { return []byte{'<'} }

func (htmlParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, segment := reader.PeekLine()
	indent := len(line) - len(util.TrimLeftSpace(line))
	if indent > 3 {
		return nil, parser.NoChildren
	}
	start := segment.Start + indent
	source := reader.Source()
	if source[start] != '<' {
		return nil, parser.NoChildren
	}
	name := tagNameAt(source[start+1:])
	if name == "" || !blockTags[name] || (!interruptingTags[name] && ast.IsParagraph(pc.LastOpenedBlock().Node)) {
		return nil, parser.NoChildren
	}
	tagEnd, closeTag := matchElement(source, start, pc)
	if closeTag < 0 {
		return nil, parser.NoChildren
	}
	lastLine := bytes.LastIndexByte(source[:closeTag], '\n') + 1
	openTag := source[start:tagEnd]
	if m := markdownAttr.FindSubmatchIndex(openTag); m != nil && lastLine > start && bytes.IndexByte(openTag, '\n') < 0 {
		return openElement(reader, indent, name, openTag, m, closeTag)
	}
	node := ast.NewHTMLBlock(ast.HTMLBlockType6)
	node.Lines().Append(segment)
	reader.AdvanceToEOL()
	if lastLine <= start {
		lastLine = -1
	}
	pc.Set(rawBlockKey, &rawBlock{node: node, lastLine: lastLine})
	return node, parser.NoChildren
}

// openElement opens an element with a markdown attribute whose end tag is
// on a later line.
func openElement(reader text.Reader, indent int, name string, openTag []byte, m []int, closeTag int) (ast.Node, parser.State) {
	value := ""
	for i := 2; i < len(m); i += 2 {
		if m[i] >= 0 {
			value = strings.ToLower(string(openTag[m[i]:m[i+1]]))
		}
	}
	tag := append(append([]byte{}, openTag[:m[0]]...), openTag[m[1]:]...)
	node := &HTMLElement{OpenTag: tag, closeTag: closeTag}
	reader.Advance(indent + len(openTag))
	switch value {
	case "0":
		return rawElement(node, reader)
	case "span":
		node.Span = true
	case "1", "block":
		node.Span = spanContentTags[name]
	}
	if node.Span {
		rest, restSegment := reader.PeekLine()
		if !util.IsBlank(rest) {
			node.Lines().Append(restSegment)
		}
		reader.AdvanceToEOL()
		return node, parser.NoChildren
	}
	return node, parser.HasChildren
}

// rawElement makes markdown="0" content raw: the element is kept as a
// span element whose lines are never read as Markdown.
func rawElement(node *HTMLElement, reader text.Reader) (ast.Node, parser.State) {
	_, restSegment := reader.PeekLine()
	node.Lines().Append(restSegment)
	node.raw = true
	reader.AdvanceToEOL()
	return node, parser.NoChildren
}

func (htmlParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	_, segment := reader.PeekLine()
	if el, ok := node.(*HTMLElement); ok {
		return continueElement(el, reader, segment)
	}
	raw, _ := pc.Get(rawBlockKey).(*rawBlock)
	if raw == nil || raw.node != node || raw.lastLine < 0 {
		return parser.Close
	}
	node.Lines().Append(segment)
	reader.AdvanceToEOL()
	if segment.Start >= raw.lastLine {
		return parser.Close
	}
	return parser.Continue | parser.NoChildren
}

// continueElement takes one more line of an element with Markdown inside,
// ending it at the line of its end tag.
func continueElement(el *HTMLElement, reader text.Reader, segment text.Segment) parser.State {
	if segment.Stop > el.closeTag {
		if el.Span || el.raw {
			if before := text.NewSegment(segment.Start, el.closeTag); !util.IsBlank(before.Value(reader.Source())) {
				el.Lines().Append(before)
			}
		}
		el.Closure = text.NewSegment(el.closeTag, segment.Stop)
		reader.AdvanceToEOL()
		return parser.Close
	}
	if el.Span || el.raw {
		el.Lines().Append(segment)
		reader.AdvanceToEOL()
		return parser.Continue | parser.NoChildren
	}
	return parser.Continue | parser.HasChildren
}

func (htmlParser) Close(node ast.Node, _ text.Reader, pc parser.Context) {
	if raw, _ := pc.Get(rawBlockKey).(*rawBlock); raw != nil && raw.node == node {
		pc.Set(rawBlockKey, nil)
	}
}

func (htmlParser) CanInterruptParagraph() bool { return true }

func (htmlParser) CanAcceptIndentedLine() bool { return false }

// elementEnds maps where each opening tag of a block element starts to
// where its matching end tag starts, for the whole body. It is worked out
// once a body, on the first HTML block, in one pass that matches tags as
// brackets (per name, nested elements of the same name included), so
// that a body of many unclosed elements costs no more than one of many
// closed ones. Self-closing tags match nothing.
type elementEnds map[int]int

var elementEndsKey = parser.NewContextKey()

// maxTagLength bounds how far a tag's closing ">" is looked for, so that
// many tags with an unclosed quote cannot each read to the end of the body.
const maxTagLength = 8 << 10

func elementEndsOf(source []byte, pc parser.Context) elementEnds {
	if ends, ok := pc.Get(elementEndsKey).(elementEnds); ok {
		return ends
	}
	ends := elementEnds{}
	open := map[string][]int{} // per name, the starts of the elements not yet closed
	for i := 0; i < len(source); i++ {
		j := bytes.IndexByte(source[i:], '<')
		if j < 0 {
			break
		}
		i += j
		closing := i+1 < len(source) && source[i+1] == '/'
		nameStart := i + 1
		if closing {
			nameStart++
		}
		name := tagNameAt(source[nameStart:])
		if !blockTags[name] {
			continue
		}
		if closing {
			if stack := open[name]; len(stack) > 0 {
				ends[stack[len(stack)-1]] = i
				open[name] = stack[:len(stack)-1]
			}
			continue
		}
		if end := tagEndAt(source, i, min(len(source), i+maxTagLength)); end > 0 && source[end-2] != '/' {
			open[name] = append(open[name], i)
		}
	}
	pc.Set(elementEndsKey, ends)
	return ends
}

// matchElement finds, for the element whose opening tag starts at
// source[start], where that tag ends and where its matching end tag
// starts; closeTag is -1 when there is none.
func matchElement(source []byte, start int, pc parser.Context) (tagEnd, closeTag int) {
	tagEnd = tagEndAt(source, start, min(len(source), start+maxTagLength))
	if end, ok := elementEndsOf(source, pc)[start]; ok && tagEnd > 0 {
		return tagEnd, end
	}
	return tagEnd, -1
}

// tagNameAt returns the lower-case tag name that b starts with, or "".
func tagNameAt(b []byte) string {
	i := 0
	for i < len(b) && (isLetter(b[i]) || i > 0 && (b[i] >= '0' && b[i] <= '9' || b[i] == '-')) {
		i++
	}
	if i == 0 || i < len(b) && !isSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		return ""
	}
	if i > 10 {
		return "" // longer than any block tag's name
	}
	return strings.ToLower(string(b[:i]))
}

// tagEndAt returns the index just after the ">" that ends the tag starting
// at source[start], or -1.
func tagEndAt(source []byte, start, limit int) int {
	quote := byte(0)
	for i := start + 1; i < limit; i++ {
		c := source[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return -1
}
