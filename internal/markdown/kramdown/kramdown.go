// Package kramdown is a goldmark extension for the parts of kramdown,
// Jekyll's default Markdown dialect, that Jekyll blogs use and CommonMark
// reads differently:
//
//   - inline attribute lists: {: .pull-quote} on the line after a block (or
//     before one, after a blank line), {: #id .class key="value"}, {:.class}
//     right after emphasis, a link, an image or code; attribute list
//     definitions ({:name: .class}) and references to them;
//   - HTML blocks that run to their end tag, blank and indented lines
//     included, and markdown="1", "block", "span" or "0" on them;
//   - the extensions {::comment}, {::nomarkdown} and {::options /};
//   - abbreviations (*[HTML]: Hyper Text Markup Language);
//   - the table of contents ("* TOC" followed by {:toc}).
//
// Differences from kramdown are deliberate: an HTML element whose end tag
// is missing, or more than 64 KB on, is read as CommonMark reads it
// instead of taking in the rest of the post; markdown="1" is honoured when
// the element's content starts on a later line than its opening tag.
package kramdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Extension adds the kramdown syntax to a goldmark.Markdown.
var Extension goldmark.Extender = kramdownExtension{}

type kramdownExtension struct{}

// Extend implements goldmark.Extender.
func (kramdownExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(Parser()...)
	m.Renderer().AddOptions(Renderer())
}

// Parser returns the parser options of the extension, for callers that
// build a parser.Parser of their own.
func Parser() []parser.Option {
	return []parser.Option{
		parser.WithBlockParsers(
			// Before goldmark's list parser (300), which would read "*[" as text.
			util.Prioritized(abbreviationParser{}, 250),
			// Before goldmark's HTML block parser (900).
			util.Prioritized(htmlParser{}, 850),
			util.Prioritized(braceParser{}, 850),
		),
		parser.WithInlineParsers(util.Prioritized(spanParser{}, 500)),
		parser.WithASTTransformers(util.Prioritized(transformer{}, 100)),
	}
}

// Renderer returns the renderer option of the extension.
func Renderer() renderer.Option {
	return renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 500))
}
