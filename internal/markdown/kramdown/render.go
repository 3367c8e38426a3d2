package kramdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer writes the nodes this package adds.
type nodeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindExtensionBlock, renderExtension)
	reg.Register(KindInlineExtension, renderInlineExtension)
	reg.Register(KindHTMLElement, renderHTMLElement)
	reg.Register(KindAbbreviation, renderAbbreviation)
	reg.Register(KindTOC, renderTOC)
}

// renderExtension writes a {::comment} block as an HTML comment and a
// {::nomarkdown} block as it is, as kramdown's HTML converter does.
func renderExtension(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ExtensionBlock)
	lines := n.Lines()
	switch n.Name {
	case "comment":
		_, _ = w.WriteString("<!-- ")
		for i := range lines.Len() {
			line := lines.At(i)
			value := line.Value(source)
			if i == lines.Len()-1 {
				value = util.TrimRightSpace(value)
			}
			_, _ = w.Write(value)
		}
		_, _ = w.WriteString(" -->\n")
	case "nomarkdown":
		for i := range lines.Len() {
			line := lines.At(i)
			_, _ = w.Write(line.Value(source))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderInlineExtension(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*InlineExtension)
	switch n.Name {
	case "comment":
		_, _ = w.WriteString("<!-- ")
		_, _ = w.Write(n.Content.Value(source))
		_, _ = w.WriteString(" -->")
	case "nomarkdown":
		_, _ = w.Write(n.Content.Value(source))
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLElement writes an element with Markdown inside: its tags as
// written (less the markdown attribute) around its rendered content.
func renderHTMLElement(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*HTMLElement)
	if entering {
		_, _ = w.Write(n.OpenTag)
		if !n.Span && !n.raw {
			_ = w.WriteByte('\n')
		}
		if n.raw {
			lines := n.Lines()
			for i := range lines.Len() {
				line := lines.At(i)
				_, _ = w.Write(line.Value(source))
			}
		}
		return ast.WalkContinue, nil
	}
	_, _ = w.Write(n.Closure.Value(source))
	return ast.WalkContinue, nil
}

func renderAbbreviation(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<abbr title="`)
		_, _ = w.Write(util.EscapeHTML([]byte(node.(*Abbreviation).Title)))
		_, _ = w.WriteString(`">`)
	} else {
		_, _ = w.WriteString("</abbr>")
	}
	return ast.WalkContinue, nil
}
