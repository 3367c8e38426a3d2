package markdown

import (
	"bytes"
	"errors"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/highlight"
)

// nodeRenderer overrides goldmark's HTML for headings (to add the anchor
// link) and fenced code (to highlight it).
type nodeRenderer struct {
	lexers     lexerCache
	highlights HighlightCache // may be nil
}

// lexerCache remembers which lexer, if any, serves a language name. Chroma
// resolves a name it does not know by trying it against every lexer's file
// patterns, which takes milliseconds; a site repeats the same few names
// ("mermaid", "text", "go") across thousands of code blocks.
type lexerCache struct {
	mu     sync.RWMutex
	byName map[string]chroma.Lexer // nil values record names no lexer serves
}

// maxCachedLexers bounds the cache for a long-running preview server fed
// arbitrary names; past it, lookups are merely slow.
const maxCachedLexers = 1024

func (c *lexerCache) get(name string) chroma.Lexer {
	c.mu.RLock()
	lexer, ok := c.byName[name]
	c.mu.RUnlock()
	if ok {
		return lexer
	}
	lexer = highlight.Fast(lexers.Get(name))
	c.mu.Lock()
	if c.byName == nil {
		c.byName = make(map[string]chroma.Lexer)
	}
	if len(c.byName) < maxCachedLexers {
		c.byName[name] = lexer
	}
	c.mu.Unlock()
	return lexer
}

func newNodeRenderer(highlights HighlightCache) *nodeRenderer {
	return &nodeRenderer{highlights: highlights}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.renderHeading)
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
	reg.Register(ast.KindCodeBlock, r.renderCodeBlock)
}

// renderCodeBlock writes an indented code block as goldmark does, but
// focusable like a fenced one (see renderFencedCode).
func (r *nodeRenderer) renderCodeBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<pre tabindex="0"><code>`)
	lines := node.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		html.DefaultWriter.RawWrite(w, seg.Value(source))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := "0123456"[n.Level]
	if entering {
		_, _ = w.WriteString("<h")
		_ = w.WriteByte(level)
		if n.Attributes() != nil {
			html.RenderAttributes(w, n, html.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok && n.Level >= 2 && n.Level <= 4 {
		if n.HasChildren() {
			_ = w.WriteByte(' ')
		}
		_, _ = w.WriteString(`<a class="anchor" href="#`)
		_, _ = w.Write(util.EscapeHTML([]byte(attributeString(id))))
		// Each anchor needs a name of its own: a list of links that all
		// read "Link to this section" tells a screen reader user nothing.
		_, _ = w.WriteString(`" aria-label="Anchor link for: `)
		_, _ = w.Write(util.EscapeHTML([]byte(attributeString(id))))
		_, _ = w.WriteString(`">#</a>`)
	}
	_, _ = w.WriteString("</h")
	_ = w.WriteByte(level)
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) renderFencedCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	language := n.Language(source)
	var code strings.Builder
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}

	if len(language) > 0 {
		if lexer := r.lexers.get(string(language)); lexer != nil {
			highlighted, ok := r.boundedHighlight(n, lexer, code.String())
			if ok {
				writePre(w, n, "chroma")
				_, _ = w.WriteString(`<code class="language-`)
				_, _ = w.Write(util.EscapeHTML(language))
				_, _ = w.WriteString(`" data-lang="`)
				_, _ = w.Write(util.EscapeHTML(language))
				_, _ = w.WriteString(`">`)
				_, _ = w.Write(highlighted)
				_, _ = w.WriteString("</code></pre>\n")
				return ast.WalkSkipChildren, nil
			}
		}
	}

	// The language class stays on code chroma does not know, so that
	// client-side tools (diagrams, maths) can still find their blocks.
	writePre(w, n, "")
	_, _ = w.WriteString("<code")
	if len(language) > 0 {
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(util.EscapeHTML(language))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	html.DefaultWriter.RawWrite(w, []byte(code.String()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// MaxHighlightBytes bounds the code blocks that are highlighted. Some of
// chroma's lexers take time quadratic in the length of text built against
// them (an unclosed comment opener repeated, say), and their regular
// expressions cannot be stopped part way without making the result depend
// on time; so larger blocks are shown without colours, with a warning. A
// long listing in a post is a few hundred lines.
const MaxHighlightBytes = 32 << 10

// unhighlighted is the attribute that marks a code block shown without
// colours for one of the reasons below; renderDoc warns about it.
var unhighlighted = []byte("weeknotes-unhighlighted")

const (
	tooLarge     = "too large"
	tooManySteps = "too many steps"
)

// boundedHighlight highlights a block within the limits, marking the block
// when it is left plain because of them.
func (r *nodeRenderer) boundedHighlight(n ast.Node, lexer chroma.Lexer, code string) ([]byte, bool) {
	if len(code) > MaxHighlightBytes {
		n.SetAttribute(unhighlighted, tooLarge)
		return nil, false
	}
	highlighted, ok, reason := r.cachedHighlight(lexer, code)
	if !ok && reason != "" {
		n.SetAttribute(unhighlighted, reason)
	}
	return highlighted, ok
}

// unhighlightedWarnings returns a warning for each code block left without
// colours by the limits. The analyser's walk listed the blocks, so the
// body's tree is not walked a second time.
func (a *analyser) unhighlightedWarnings() {
	for _, n := range a.fenced {
		reason, ok := n.Attribute(unhighlighted)
		switch {
		case !ok:
		case reason == tooLarge:
			a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, a.lineOf(n), "this code block is more than %d KB, more than weeknotes highlights; it is shown without colours", MaxHighlightBytes>>10))
		default:
			a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, a.lineOf(n), "highlighting this code block would take too many steps; it is shown without colours"))
		}
	}
}

// writePre writes a code block's <pre> tag with class, and with the
// attributes a kramdown attribute list gave the block ({: .wide} after
// the fence), its classes after class. Code blocks scroll sideways rather
// than wrap, so every one takes keyboard focus (tabindex="0") to be
// scrollable without a mouse.
func writePre(w util.BufWriter, n ast.Node, class string) {
	_, _ = w.WriteString("<pre")
	if n.Attributes() == nil {
		if class != "" {
			_, _ = w.WriteString(` class="` + class + `"`)
		}
		_, _ = w.WriteString(` tabindex="0">`)
		return
	}
	if extra, ok := n.AttributeString("class"); ok {
		if b, ok := extra.([]byte); ok {
			class = strings.TrimSpace(class + " " + string(b))
		}
	}
	if class != "" {
		_, _ = w.WriteString(` class="`)
		_, _ = w.Write(util.EscapeHTML([]byte(class)))
		_ = w.WriteByte('"')
	}
	if _, ok := n.AttributeString("tabindex"); !ok {
		_, _ = w.WriteString(` tabindex="0"`)
	}
	for _, a := range n.Attributes() {
		if string(a.Name) == "class" {
			continue
		}
		// Only an attribute list's values are []byte; the marks this
		// package sets for itself (unhighlighted) are not written.
		if b, ok := a.Value.([]byte); ok {
			_ = w.WriteByte(' ')
			_, _ = w.Write(a.Name)
			_, _ = w.WriteString(`="`)
			_, _ = w.Write(util.EscapeHTML(b))
			_ = w.WriteByte('"')
		}
	}
	_ = w.WriteByte('>')
}

// cachedHighlight is highlight through the HighlightCache, if there is one.
// Only highlighted blocks are kept: nothing in highlighting depends on time
// (see highlight.StepBudget), so a block that fails fails again the same way.
func (r *nodeRenderer) cachedHighlight(lexer chroma.Lexer, code string) (html []byte, ok bool, reason string) {
	if r.highlights == nil {
		return r.highlight(lexer, code)
	}
	key := HighlightKey(lexer.Config().Name, code)
	if html, ok := r.highlights.Get(key); ok {
		return html, true, ""
	}
	html, ok, reason = r.highlight(lexer, code)
	if ok {
		r.highlights.Put(key, html)
	}
	return html, ok, reason
}

// highlight returns the code as chroma's HTML spans. Lexers report internal
// failures by panicking; an author's odd code must not stop the build, so a
// failure falls back to plain code. A block over the step budget gives the
// reason, to warn about.
func (r *nodeRenderer) highlight(lexer chroma.Lexer, code string) (out []byte, ok bool, reason string) {
	defer func() {
		if p := recover(); p != nil {
			out, ok = nil, false
			if err, isErr := p.(error); isErr && errors.Is(err, highlight.ErrBudget) {
				reason = tooManySteps
			}
		}
	}()
	iterator, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return nil, false, ""
	}
	tokens := tokenSlices.Get().(*[]chroma.Token)
	defer func() {
		clear(*tokens) // let the code's strings go
		*tokens = (*tokens)[:0]
		tokenSlices.Put(tokens)
	}()
	for t := iterator(); t != chroma.EOF; t = iterator() {
		*tokens = append(*tokens, t)
	}
	// Spans make the HTML about seven times the code's length; written into
	// a reused buffer and copied out once, a block costs one allocation of
	// the right size rather than three growing ones.
	b := getBuffer()
	defer putBuffer(b)
	// Classes rather than inline styles: the colours live in one
	// stylesheet that can switch with the reader's dark-mode setting.
	highlight.WriteHTML(&b.Buffer, *tokens)
	return bytes.Clone(b.Bytes()), true, ""
}

// tokenSlices keeps the slices a block's tokens are gathered in between
// blocks: grown afresh for each of 2,000 blocks, they were an eighth of
// what highlighting allocates.
var tokenSlices = sync.Pool{New: func() any { return new([]chroma.Token) }}
