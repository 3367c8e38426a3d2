package kramdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// KindSpanIAL is the kind of SpanIAL.
var KindSpanIAL = ast.NewNodeKind("KramdownSpanIAL")

// SpanIAL is a span inline attribute list ({:.class} after *text*, a link,
// an image or code). The transformer gives its attributes to the element
// just before it, or turns it back into text when there is none, as
// kramdown leaves it.
type SpanIAL struct {
	ast.BaseInline
	List    AttributeList
	Segment text.Segment // the list as written
}

// Kind implements ast.Node.
func (n *SpanIAL) Kind() ast.NodeKind { return KindSpanIAL }

// Dump implements ast.Node.
func (n *SpanIAL) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// KindInlineExtension is the kind of InlineExtension.
var KindInlineExtension = ast.NewNodeKind("KramdownInlineExtension")

// InlineExtension is {::comment}…{:/comment}, {::nomarkdown}…{:/nomarkdown}
// or {::options … /} inside a line of text.
type InlineExtension struct {
	ast.BaseInline
	Name    string
	Content text.Segment
}

// Kind implements ast.Node.
func (n *InlineExtension) Kind() ast.NodeKind { return KindInlineExtension }

// Dump implements ast.Node.
func (n *InlineExtension) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.Name}, nil)
}

var (
	noBraceKey  = parser.NewContextKey() // text.Segment: the rest of a line that has no "}"
	unclosedKey = parser.NewContextKey() // map[string]int: extension names not closed on a line, by where they were found; "" holds the line's end
)

// spanParser reads span attribute lists and span extensions, both of which
// start with "{:".
type spanParser struct{}

func (spanParser) Trigger() []byte { return []byte{'{'} }

func (spanParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, segment := block.PeekLine()
	if len(line) < 3 || line[1] != ':' {
		return nil
	}
	// A line with many "{:" and no "}" after them would otherwise be read
	// to its end from each of them.
	if last, _ := pc.Get(noBraceKey).(text.Segment); segment.Start >= last.Start && segment.Start < last.Stop {
		return nil
	}
	if bytes.IndexByte(line, '}') < 0 {
		pc.Set(noBraceKey, segment)
		return nil
	}
	if line[2] == ':' {
		return parseSpanExtension(block, line, segment, pc)
	}
	content, end, ok := scanList(line, 0)
	if !ok {
		return nil
	}
	block.Advance(end)
	return &SpanIAL{List: ParseAttributeList(content), Segment: segment.WithStop(segment.Start + end)}
}

// parseSpanExtension reads {::name}content{:/name} (or {:/}) and
// {::options … /} within one line.
func parseSpanExtension(block text.Reader, line []byte, segment text.Segment, pc parser.Context) ast.Node {
	n := nameEnd(line[3:])
	if n == 0 {
		return nil
	}
	name := string(line[3 : 3+n])
	closeBrace := bytes.IndexByte(line, '}')
	if closeBrace < 0 {
		return nil
	}
	if line[closeBrace-1] == '/' {
		block.Advance(closeBrace + 1)
		return &InlineExtension{Name: name}
	}
	if closeBrace != 3+n {
		return nil
	}
	// As for "{:" without "}": a name found unclosed on this line is not
	// looked for again after that.
	unclosed, _ := pc.Get(unclosedKey).(map[string]int)
	if at, ok := unclosed[name]; ok && segment.Start >= at && segment.Stop <= unclosed[""] {
		return nil
	}
	rest := line[closeBrace+1:]
	end, stop := bytes.Index(rest, []byte("{:/"+name+"}")), len(name)+4
	if short := bytes.Index(rest, []byte("{:/}")); short >= 0 && (end < 0 || short < end) {
		end, stop = short, 4
	}
	if end < 0 {
		if unclosed == nil || unclosed[""] != segment.Stop {
			unclosed = map[string]int{"": segment.Stop}
			pc.Set(unclosedKey, unclosed)
		}
		unclosed[name] = segment.Start
		return nil
	}
	start := segment.Start + closeBrace + 1
	block.Advance(closeBrace + 1 + end + stop)
	return &InlineExtension{Name: name, Content: text.NewSegment(start, start+end)}
}
