package kramdown

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindBlockIAL is the kind of BlockIAL.
var KindBlockIAL = ast.NewNodeKind("KramdownBlockIAL")

// BlockIAL is a block inline attribute list on a line of its own. The
// transformer moves its attributes to the block before or after it and
// removes it.
type BlockIAL struct {
	ast.BaseBlock
	List AttributeList

	// blankBefore records a blank line (or none at all) before the list's
	// line. goldmark's HasBlankPreviousLines cannot tell: it is also set on
	// the first block after a fenced code block.
	blankBefore bool
}

// Kind implements ast.Node.
func (n *BlockIAL) Kind() ast.NodeKind { return KindBlockIAL }

// Dump implements ast.Node.
func (n *BlockIAL) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// KindExtensionBlock is the kind of ExtensionBlock.
var KindExtensionBlock = ast.NewNodeKind("KramdownExtensionBlock")

// ExtensionBlock is one of kramdown's block extensions on lines of their own:
// {::comment}…{:/comment}, {::nomarkdown}…{:/nomarkdown} or
// {::options … /}. Its lines are kept raw.
type ExtensionBlock struct {
	ast.BaseBlock
	Name string // comment, nomarkdown or options
	end  int    // where the closing line starts
}

// Kind implements ast.Node.
func (n *ExtensionBlock) Kind() ast.NodeKind { return KindExtensionBlock }

// IsRaw implements ast.Node: an extension's content is never Markdown.
func (n *ExtensionBlock) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *ExtensionBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.Name}, nil)
}

var (
	definitionsKey   = parser.NewContextKey() // map[string]AttributeList: attribute list definitions
	abbreviationsKey = parser.NewContextKey() // map[string]string: abbreviation definitions
)

// braceParser reads the block syntaxes that start with "{:": block inline
// attribute lists, attribute list definitions and extension blocks.
type braceParser struct{}

func (braceParser) Trigger() []byte { return []byte{'{'} }

func (braceParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, segment := reader.PeekLine()
	trimmed := util.TrimRightSpace(util.TrimLeftSpace(line))
	if len(trimmed) < 3 || trimmed[0] != '{' || trimmed[1] != ':' || trimmed[len(trimmed)-1] != '}' {
		return nil, parser.NoChildren
	}
	if trimmed[2] == ':' {
		return openExtension(trimmed, reader, segment, pc)
	}
	content, end, ok := scanList(trimmed, 0)
	if !ok || end != len(trimmed) {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	if name, list, ok := parseDefinition(content); ok {
		defs, _ := pc.ComputeIfAbsent(definitionsKey, func() any { return map[string]AttributeList{} }).(map[string]AttributeList)
		defs[name] = list
		return &BlockIAL{}, parser.NoChildren // holds nothing; removed by the transformer
	}
	return &BlockIAL{List: ParseAttributeList(content), blankBefore: blankBefore(reader.Source(), segment.Start)}, parser.NoChildren
}

// blankBefore reports whether the line before the one holding offset is
// blank (spaces, or the ">" of a block quote), or there is none.
func blankBefore(source []byte, offset int) bool {
	lineStart := bytes.LastIndexByte(source[:offset], '\n') + 1
	if lineStart == 0 {
		return true
	}
	prevStart := bytes.LastIndexByte(source[:lineStart-1], '\n') + 1
	for _, c := range source[prevStart : lineStart-1] {
		if !isSpace(c) && c != '>' {
			return false
		}
	}
	return true
}

// openExtension opens {::name} … {:/name} (or {:/}) when both lines are
// there, and {::options … /}, which takes one line.
func openExtension(trimmed []byte, reader text.Reader, segment text.Segment, pc parser.Context) (ast.Node, parser.State) {
	name := trimmed[3 : 3+nameEnd(trimmed[3:])]
	if len(name) == 0 {
		return nil, parser.NoChildren
	}
	if bytes.HasSuffix(trimmed, []byte("/}")) {
		reader.AdvanceToEOL()
		return &ExtensionBlock{Name: string(name)}, parser.NoChildren
	}
	if !bytes.Equal(trimmed, []byte("{::"+string(name)+"}")) {
		return nil, parser.NoChildren
	}
	last := extensionEndsOf(reader.Source(), pc).after(string(name), segment.Stop)
	if last < 0 {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return &ExtensionBlock{Name: string(name), end: last}, parser.NoChildren
}

// extensionEnds lists, for the whole body, where the lines that close
// extension blocks start: by name for {:/name}, and under "" for {:/}. It
// is worked out once a body, so that many unclosed {::comment} lines cost
// one pass, not one each.
type extensionEnds map[string][]int

var extensionEndsKey = parser.NewContextKey()

func extensionEndsOf(source []byte, pc parser.Context) extensionEnds {
	if ends, ok := pc.Get(extensionEndsKey).(extensionEnds); ok {
		return ends
	}
	ends := extensionEnds{}
	for start := 0; start < len(source); {
		end := bytes.IndexByte(source[start:], '\n')
		if end < 0 {
			end = len(source)
		} else {
			end += start + 1
		}
		line := bytes.TrimSpace(source[start:end])
		if bytes.HasPrefix(line, []byte("{:/")) && bytes.HasSuffix(line, []byte("}")) {
			if name := line[3 : len(line)-1]; len(name) == 0 || isName(name) {
				ends[string(name)] = append(ends[string(name)], start)
			}
		}
		start = end
	}
	pc.Set(extensionEndsKey, ends)
	return ends
}

// after returns where the first line after from that closes an extension
// named name starts, or -1.
func (e extensionEnds) after(name string, from int) int {
	first := -1
	for _, starts := range [][]int{e[name], e[""]} {
		i := sort.SearchInts(starts, from)
		if i < len(starts) && (first < 0 || starts[i] < first) {
			first = starts[i]
		}
	}
	return first
}

func (braceParser) Continue(node ast.Node, reader text.Reader, _ parser.Context) parser.State {
	ext, ok := node.(*ExtensionBlock)
	if !ok || ext.Name == "options" {
		return parser.Close
	}
	_, segment := reader.PeekLine()
	if segment.Start >= ext.end {
		reader.AdvanceToEOL()
		return parser.Close
	}
	ext.Lines().Append(segment)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (braceParser) Close(ast.Node, text.Reader, parser.Context) {}

func (braceParser) CanInterruptParagraph() bool { return true }

func (braceParser) CanAcceptIndentedLine() bool { return false }

// KindAbbreviationDefinition is the kind of AbbreviationDefinition.
var KindAbbreviationDefinition = ast.NewNodeKind("KramdownAbbreviationDefinition")

// AbbreviationDefinition is a line *[HTML]: Hyper Text Markup Language. The
// transformer removes it after noting the definition.
type AbbreviationDefinition struct{ ast.BaseBlock }

// Kind implements ast.Node.
func (n *AbbreviationDefinition) Kind() ast.NodeKind { return KindAbbreviationDefinition }

// Dump implements ast.Node.
func (n *AbbreviationDefinition) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}

// abbreviationParser reads kramdown's abbreviation definitions.
type abbreviationParser struct{}

func (abbreviationParser) Trigger() []byte { return []byte{'*'} }

func (abbreviationParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	trimmed := util.TrimLeftSpace(line)
	if len(line)-len(trimmed) > 3 || !bytes.HasPrefix(trimmed, []byte("*[")) {
		return nil, parser.NoChildren
	}
	end := bytes.Index(trimmed, []byte("]:"))
	if end < 3 || bytes.IndexByte(trimmed[2:end], ']') >= 0 {
		return nil, parser.NoChildren
	}
	abbr := string(trimmed[2:end])
	title := string(bytes.TrimSpace(trimmed[end+2:]))
	defs, _ := pc.ComputeIfAbsent(abbreviationsKey, func() any { return map[string]string{} }).(map[string]string)
	defs[abbr] = title
	reader.AdvanceToEOL()
	return &AbbreviationDefinition{}, parser.NoChildren
}

func (abbreviationParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}

func (abbreviationParser) Close(ast.Node, text.Reader, parser.Context) {}

func (abbreviationParser) CanInterruptParagraph() bool { return true }

func (abbreviationParser) CanAcceptIndentedLine() bool { return false }
