// Package markdown turns post bodies into HTML: GitHub Flavored Markdown with
// footnotes and definition lists, raw HTML passed through as Jekyll does,
// linkable heading anchors, code highlighted with CSS classes, and images
// given their real sizes. Alongside the HTML it reports what lists, feeds and
// the table of contents need (the first paragraph, its plain text, the word
// count and the headings) and warns about images that are missing or have no
// alt text, naming the file line. With Options.Kramdown, bodies are read as
// Jekyll's kramdown reads them (see package kramdown).
//
// A body over the limits in Limits (size, nesting on one line, brackets in
// a paragraph, footnotes) is refused before goldmark parses it, because
// goldmark's time grows with the square of those; docs/markdown-limits.md
// says which parts of goldmark, and what a fix there would be.
package markdown

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/markdown/kramdown"
)

// Renderer converts post bodies to HTML. Built once per build; safe for concurrent use.
type Renderer struct {
	md           goldmark.Markdown // GitHub Flavored Markdown, with footnotes and definition lists
	withoutLinks parser.Parser     // the same without GFM's autolinks of bare URLs
	image        func(src string) ImageInfo
	limits       Limits // what a body may hold (see checkLimits); tests lower them
	linkify      bool   // bare URLs become links (not in kramdown, which leaves them as text)
}

// Options configure a Renderer.
type Options struct {
	// Image answers, for an image src as written in the post (e.g. "/static/images/a.png",
	// "images/a.png", "https://x/y.png"), whether it is local to the site and, if so, whether it
	// exists and its pixel size. The site implements it (with a cache). Nil treats every
	// image as remote.
	Image func(src string) (info ImageInfo)

	// Highlights, when set, keeps chroma's output for code blocks: lexing
	// costs 1–4 ms a block, more than all the rest of a post's rendering.
	Highlights HighlightCache

	// Kramdown reads bodies as Jekyll's kramdown does (see package
	// kramdown): attribute lists, HTML blocks that run to their end tag,
	// markdown="1", {::comment} and {::nomarkdown}, abbreviations; and,
	// as Jekyll's kramdown, bare URLs stay text.
	Kramdown bool
}

// HighlightCache stores highlighted code by HighlightKey. Implementations
// must be safe for concurrent use; Get's result is not modified.
type HighlightCache interface {
	Get(key [32]byte) ([]byte, bool)
	Put(key [32]byte, html []byte)
}

// HighlightKey identifies one highlighted block: the lexer's name, the code,
// and the version of this package's output, so that a change to how code
// is rendered never serves old HTML from a cache.
func HighlightKey(lexer, code string) [32]byte {
	h := sha256.New()
	h.Write([]byte(highlightFormat))
	h.Write([]byte{0})
	h.Write([]byte(lexer))
	h.Write([]byte{0})
	h.Write([]byte(code))
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// highlightFormat names the shape of highlighted output; change it when
// what highlight.WriteHTML writes changes (it writes what chroma's HTML
// formatter writes with classes, so cached output stays valid across the
// switch from one to the other). v2: entries written while some lexers
// could still time out under load may hold wrong tokens; none can now.
const highlightFormat = "chroma-classes-v2"

// ImageInfo describes one image.
type ImageInfo struct {
	Local  bool // the image is served by the site rather than another host
	Found  bool // a local image exists
	Width  int  // pixels; 0 when unknown
	Height int  // pixels; 0 when unknown
}

// Input is one body to render.
type Input struct {
	File      string // source path for messages
	Source    []byte // Markdown (Liquid already rendered)
	FirstLine int    // the file line on which Source starts

	// Image, when set, answers image questions for this body instead of
	// Options.Image, so that a caller can learn which images a post uses.
	Image func(src string) ImageInfo

	// SkipExcerpt leaves Output.Excerpt and Output.Text empty, for a post
	// whose front matter gives its excerpt: rendering the first paragraph
	// again would be wasted.
	SkipExcerpt bool
}

// Output is the rendered body.
type Output struct {
	HTML      string    // the body
	Excerpt   []byte    // HTML of the first paragraph (inline content, e.g. `Hello <em>world</em>`), for lists and feeds
	Text      string    // plain text of the first paragraph, for <meta name=description>, at most MaxTextRunes on a word boundary
	WordCount int       // words in the body text (not counting code)
	Headings  []Heading // h2..h4 for an optional table of contents
}

// Heading is one heading.
type Heading struct {
	Level int    // 2, 3 or 4
	ID    string // the id attribute, unique within the body
	Text  string // plain text, as a table of contents shows it
}

// MaxTextRunes bounds Output.Text: search engines show about this much of a
// description, and feeds readers' previews less.
const MaxTextRunes = 300

// New builds the goldmark pipeline once, so that each Render only parses and
// writes.
func New(opts Options) *Renderer {
	if opts.Kramdown {
		return newKramdown(opts)
	}
	// GFM's autolinks ("linkify") are tried at every space of every
	// paragraph, which made them an eighth of a large build's time, though
	// most bodies have no bare URL or address at all. So bodies are parsed
	// without them first, and again with them only where the text could
	// hold one (see analyser.mayLink). The HTML is the same either way, but
	// for spaces before a hard line break, which goldmark keeps only with
	// autolinks and browsers do not show.
	blocks := blockExtensions()
	md := goldmark.New(
		goldmark.WithParser(newParser()),
		goldmark.WithExtensions(append(blocks, extension.Linkify)...),
		goldmark.WithRendererOptions(
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(newNodeRenderer(opts.Highlights), 100)),
		),
	)
	return &Renderer{
		md:           md,
		withoutLinks: goldmark.New(goldmark.WithParser(newParser()), goldmark.WithExtensions(blocks...)).Parser(),
		image:        opts.Image,
		limits:       DefaultLimits,
		linkify:      true,
	}
}

// newKramdown builds the pipeline for kramdown bodies: one parse a body,
// since kramdown (as Jekyll configures it, with GitHub's dialect) does not
// link bare URLs; and typographic quotes and dashes, as kramdown writes them.
func newKramdown(opts Options) *Renderer {
	md := goldmark.New(
		goldmark.WithParser(newParser(kramdown.Parser()...)),
		// kramdown's typographic symbols ("quotes", -- dashes, ...) are
		// goldmark's typographer's.
		goldmark.WithExtensions(append(blockExtensions(), extension.Typographer)...),
		goldmark.WithRendererOptions(
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(newNodeRenderer(opts.Highlights), 100)),
			kramdown.Renderer(),
		),
	)
	return &Renderer{md: md, withoutLinks: md.Parser(), image: opts.Image, limits: DefaultLimits}
}

// blockExtensions are the GFM extensions besides autolinks, and the other
// block syntaxes weeknotes reads: footnotes and definition lists.
func blockExtensions() []goldmark.Extender {
	return []goldmark.Extender{extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote, extension.DefinitionList}
}

// newParser is goldmark's default parser, with attributes (so that authors
// can pin an anchor that must survive a heading's rewording: ## Title
// {#old-id}) and with link reference definitions looked for only in
// paragraphs that can start with one.
func newParser(extra ...parser.Option) parser.Parser {
	return parser.NewParser(append([]parser.Option{
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(util.Prioritized(linkReferenceFilter{}, 100)),
		parser.WithAttribute(),
	}, extra...)...)
}

// linkReferenceFilter runs goldmark's link reference transformer only on
// paragraphs whose first character is "[". A definition ("[id]: /url")
// can only start a paragraph that way, yet the transformer sets up a reader
// for every paragraph of every post to find that out: 140,000 of them in a
// 5,000-post build, 28 MB of garbage.
type linkReferenceFilter struct{}

// Transform implements parser.ParagraphTransformer.
func (linkReferenceFilter) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() > 0 {
		// As the transformer reads it: the first byte after any spaces.
		first := lines.At(0)
		line := first.Value(reader.Source())
		for _, c := range line {
			if util.IsSpace(c) {
				continue
			}
			if c != '[' {
				return
			}
			break
		}
	}
	parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
}

// linkCandidates are the texts without which GFM's autolink extension
// links nothing: its URLs start with http:, https:, ftp: or www., and an
// address has an @.
var linkCandidates = [][]byte{[]byte("http"), []byte("ftp:"), []byte("www."), []byte("@")}

// candidatesIn returns the link candidates that occur in source at all, so
// that the text of most bodies is searched for none or one of them.
func candidatesIn(source []byte) [][]byte {
	var in [][]byte
	for _, c := range linkCandidates {
		if bytes.Contains(source, c) {
			in = append(in, c)
		}
	}
	return in
}

// buffer is a reusable output buffer with the buffered writer goldmark wants,
// so that rendering does not allocate a fresh 4 KB bufio.Writer per call.
type buffer struct {
	bytes.Buffer
	w *bufio.Writer
}

var buffers = sync.Pool{New: func() any {
	b := &buffer{}
	b.w = bufio.NewWriter(&b.Buffer)
	return b
}}

func getBuffer() *buffer {
	b := buffers.Get().(*buffer)
	b.Reset()
	b.w.Reset(&b.Buffer)
	return b
}

// putBuffer keeps buffers that grew for an unusually long post out of the
// pool, so one transcript does not pin megabytes for the rest of the build.
func putBuffer(b *buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	buffers.Put(b)
}

// Render converts one body. Problems with the author's input come back as
// diagnostics; rendering itself always produces output, but for a body over
// the limits (see Limits), which gets none and an error.
func (r *Renderer) Render(in Input) (Output, []diag.Diagnostic) {
	if d := checkLimits(in.File, max(in.FirstLine, 1), in.Source, r.limits); d != nil {
		return Output{}, []diag.Diagnostic{*d}
	}
	doc := r.withoutLinks.Parse(text.NewReader(in.Source))
	var candidates [][]byte
	if r.linkify {
		candidates = candidatesIn(in.Source)
	}
	a := r.analyse(in, doc, candidates)
	if a.mayLink {
		doc = r.md.Parser().Parse(text.NewReader(in.Source))
		a = r.analyse(in, doc, nil)
	}
	return r.renderDoc(in, doc, a)
}

// analyse runs the analyser over a parsed body; with candidates, it also
// notes whether the body's text holds one (see analyser.mayLink).
func (r *Renderer) analyse(in Input, doc ast.Node, candidates [][]byte) *analyser {
	a := &analyser{
		source:     in.Source,
		file:       in.File,
		firstLine:  max(in.FirstLine, 1),
		image:      r.image,
		candidates: candidates,
	}
	if in.Image != nil {
		a.image = in.Image
	}
	a.analyse(doc)
	return a
}

// renderDoc renders a parsed and analysed body.
func (r *Renderer) renderDoc(in Input, doc ast.Node, a *analyser) (Output, []diag.Diagnostic) {
	source := in.Source

	var out Output
	out.WordCount = a.words.count
	out.Headings = a.tableOfContents()

	buf := getBuffer()
	defer putBuffer(buf)
	// The renderer's only errors come from the writer, and a bytes.Buffer does not fail.
	_ = r.md.Renderer().Render(buf.w, source, doc)
	out.HTML = buf.String()
	a.unhighlightedWarnings()

	if p := a.excerpt; p != nil && !in.SkipExcerpt {
		out.Text = truncateText(plainText(source, p), MaxTextRunes)
		out.Excerpt = r.renderExcerpt(buf, source, p)
	}
	return out, a.diagnostics
}

// renderExcerpt renders the paragraph's inline content on its own. Footnote
// references are dropped: lists and feeds show the excerpt without the notes
// they point to, and their ids would repeat on a page listing many posts.
func (r *Renderer) renderExcerpt(buf *buffer, source []byte, p ast.Node) []byte {
	var refs []ast.Node
	_ = ast.Walk(p, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Kind() == east.KindFootnoteLink {
			refs = append(refs, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range refs {
		n.Parent().RemoveChild(n.Parent(), n)
	}

	buf.Reset()
	buf.w.Reset(&buf.Buffer)
	_ = r.md.Renderer().Render(buf.w, source, p)
	html := bytes.TrimSpace(buf.Bytes())
	// The paragraph's tag, with any attributes a kramdown list gave it.
	if bytes.HasPrefix(html, []byte("<p>")) || bytes.HasPrefix(html, []byte("<p ")) {
		html = html[bytes.IndexByte(html, '>')+1:]
	}
	html = bytes.TrimSuffix(html, []byte("</p>"))
	return bytes.Clone(bytes.TrimSpace(html))
}
