package kramdown

import (
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// KindTOC is the kind of TOC.
var KindTOC = ast.NewNodeKind("KramdownTOC")

// TOC is kramdown's table of contents: a list ("* TOC") followed by
// {:toc}. It is written when the body is rendered, from the headings and
// the ids they have by then (a renderer may give headings ids after
// parsing), as kramdown writes it: nested lists of links, without the
// headings that have the class no_toc.
type TOC struct {
	ast.BaseBlock
	Ordered bool // written as 1. TOC
}

// Kind implements ast.Node.
func (n *TOC) Kind() ast.NodeKind { return KindTOC }

// Dump implements ast.Node.
func (n *TOC) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// isTOC reports whether an attribute list turns a list into a table of
// contents.
func isTOC(l AttributeList, target ast.Node) bool {
	return target != nil && target.Kind() == ast.KindList && slices.Contains(l.Refs, "toc")
}

// tocEntry is one heading in the table of contents, with the headings
// under it.
type tocEntry struct {
	level    int
	id, text string
	children []*tocEntry
}

// tocEntries gathers the body's headings into a tree by level, as
// kramdown does: a heading goes under the nearest earlier one of a
// smaller level.
func tocEntries(doc ast.Node, source []byte) []*tocEntry {
	var top, stack []*tocEntry
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if class, ok := h.AttributeString("class"); ok && slices.Contains(strings.Fields(attrText(class)), "no_toc") {
			return ast.WalkSkipChildren, nil
		}
		e := &tocEntry{level: h.Level, text: headingText(h, source)}
		if id, ok := h.AttributeString("id"); ok {
			e.id = attrText(id)
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= e.level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			top = append(top, e)
		} else {
			parent := stack[len(stack)-1]
			parent.children = append(parent.children, e)
		}
		stack = append(stack, e)
		return ast.WalkSkipChildren, nil
	})
	return top
}

func attrText(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return ""
}

// headingText is a heading's text without its markup.
func headingText(h ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(source))
			if n.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func renderTOC(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	doc := node
	for doc.Parent() != nil {
		doc = doc.Parent()
	}
	tag := "ul"
	if node.(*TOC).Ordered {
		tag = "ol"
	}
	writeTOCList(w, tag, ` id="markdown-toc"`, tocEntries(doc, source))
	return ast.WalkSkipChildren, nil
}

func writeTOCList(w util.BufWriter, tag, attrs string, entries []*tocEntry) {
	_, _ = w.WriteString("<" + tag + attrs + ">\n")
	for _, e := range entries {
		_, _ = w.WriteString("<li>")
		if e.id != "" {
			id := util.EscapeHTML([]byte(e.id))
			_, _ = w.WriteString(`<a href="#`)
			_, _ = w.Write(id)
			_, _ = w.WriteString(`" id="markdown-toc-`)
			_, _ = w.Write(id)
			_, _ = w.WriteString(`">`)
			_, _ = w.Write(util.EscapeHTML([]byte(e.text)))
			_, _ = w.WriteString("</a>")
		} else {
			_, _ = w.Write(util.EscapeHTML([]byte(e.text)))
		}
		if len(e.children) > 0 {
			_ = w.WriteByte('\n')
			writeTOCList(w, tag, "", e.children)
		}
		_, _ = w.WriteString("</li>\n")
	}
	_, _ = w.WriteString("</" + tag + ">\n")
}
