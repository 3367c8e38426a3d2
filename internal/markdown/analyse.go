package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// analyser makes one pass over a parsed body before it is rendered: it gives
// headings their ids, decorates images with what the site knows about them,
// counts words and picks the excerpt paragraph.
type analyser struct {
	source    []byte
	file      string
	firstLine int
	image     func(string) ImageInfo

	headings    []heading
	images      []*ast.Image           // images to link to their full size once the walk is done
	fenced      []*ast.FencedCodeBlock // fenced code blocks, in order, whose highlighting may fail
	words       wordCounter
	excerpt     ast.Node
	diagnostics []diag.Diagnostic

	// candidates are the autolink candidates present in the source; mayLink
	// records whether any occurs in text, outside code, where GFM's
	// autolinks would look for a URL or address.
	candidates [][]byte
	mayLink    bool
	inCode     bool
}

// heading is a heading of the body with its plain text, which both its
// generated id and the table of contents are made from.
type heading struct {
	node *ast.Heading
	text string
}

func (a *analyser) analyse(doc ast.Node) {
	var fallbackExcerpt ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() != ast.TypeInline {
			// A block boundary always ends a word, even where the source has
			// no space between the blocks' texts.
			a.words.space()
		}
		if n.Kind() == ast.KindCodeSpan {
			a.inCode = entering
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		return a.visit(n, &fallbackExcerpt), nil
	})
	if a.excerpt == nil {
		a.excerpt = fallbackExcerpt
	}
	a.assignHeadingIDs()
	a.linkImages()
}

// visit notes what one node adds, on entering it: headings, the excerpt,
// words, images and raw HTML to check.
func (a *analyser) visit(n ast.Node, fallbackExcerpt *ast.Node) ast.WalkStatus {
	switch n := n.(type) {
	case *ast.Heading:
		a.headings = append(a.headings, heading{node: n})
	case *ast.Paragraph:
		a.considerExcerpt(n, fallbackExcerpt)
	case *ast.Text:
		a.addText(n)
	case *ast.String:
		a.words.add(stringValue(n))
	case *ast.AutoLink:
		a.words.add(n.Label(a.source))
		a.words.space()
	case *ast.RawHTML:
		a.words.space()
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			a.checkRawImages(seg.Value(a.source), seg.Start)
		}
	case *ast.HTMLBlock:
		a.countHTMLBlock(n)
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			a.checkRawImages(seg.Value(a.source), seg.Start)
		}
	case *ast.FencedCodeBlock:
		a.fenced = append(a.fenced, n)
		return ast.WalkSkipChildren
	case *ast.CodeBlock:
		return ast.WalkSkipChildren
	case *ast.Image:
		a.checkImage(n)
		return ast.WalkSkipChildren
	}
	return ast.WalkContinue
}

// considerExcerpt takes the first paragraph with text at the top of the
// body as the excerpt, and remembers the first one anywhere in case there
// is none.
func (a *analyser) considerExcerpt(n *ast.Paragraph, fallback *ast.Node) {
	if a.excerpt != nil || !hasText(a.source, n) {
		return
	}
	if n.Parent() != nil && n.Parent().Kind() == ast.KindDocument {
		a.excerpt = n
	} else if *fallback == nil {
		*fallback = n
	}
}

// addText counts a text's words, and notes whether it may hold a link for
// the autolinker to find.
func (a *analyser) addText(n *ast.Text) {
	if a.candidates != nil && !a.mayLink && !a.inCode {
		a.mayLink = containsAny(n.Segment.Value(a.source), a.candidates)
	}
	a.words.add(textValue(a.source, n))
	if n.SoftLineBreak() || n.HardLineBreak() {
		a.words.space()
	}
}

// linkImages wraps each image that has alt text and is not already in a link
// in a link to the image itself, so that a chart shrunk to a phone's width
// can be opened at full size without JavaScript. Images without alt text
// are decorative, and a link around one would have no name.
func (a *analyser) linkImages() {
	for _, img := range a.images {
		if inLink(img) {
			continue
		}
		link := ast.NewLink()
		link.Destination = img.Destination
		link.SetAttributeString("class", []byte("image-link"))
		parent := img.Parent()
		parent.ReplaceChild(parent, img, link)
		link.AppendChild(link, img)
	}
}

// inLink reports whether n is inside a link.
func inLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if k := p.Kind(); k == ast.KindLink || k == ast.KindAutoLink {
			return true
		}
	}
	return false
}

func containsAny(b []byte, subs [][]byte) bool {
	for _, s := range subs {
		if bytes.Contains(b, s) {
			return true
		}
	}
	return false
}

// countHTMLBlock counts the words between the tags of a raw HTML block, so a
// post written partly in HTML still gets a fair reading time.
func (a *analyser) countHTMLBlock(n *ast.HTMLBlock) {
	lines := n.Lines()
	inTag := false
	for i := range lines.Len() {
		seg := lines.At(i)
		line := seg.Value(a.source)
		for len(line) > 0 {
			if inTag {
				end := bytes.IndexByte(line, '>')
				if end < 0 {
					break
				}
				inTag = false
				line = line[end+1:]
				a.words.space()
				continue
			}
			start := bytes.IndexByte(line, '<')
			if start < 0 {
				a.words.add(line)
				break
			}
			a.words.add(line[:start])
			inTag = true
			line = line[start+1:]
		}
		a.words.space()
	}
}

func (a *analyser) checkImage(n *ast.Image) {
	line := a.lineOf(n)
	if strings.TrimSpace(plainText(a.source, n)) == "" {
		a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, line, "image has no alt text"))
	} else {
		a.images = append(a.images, n)
	}
	var info ImageInfo
	if a.image != nil {
		info = a.image(string(n.Destination))
	}
	if info.Local && !info.Found {
		a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, line, "image not found: %s", n.Destination))
	}
	// A size or loading the author gave (a kramdown attribute list,
	// {: width="300"}) wins over the measured one.
	_, sized := n.Attribute(attrWidth)
	if _, ok := n.Attribute(attrHeight); ok {
		sized = true
	}
	if info.Local && info.Found && info.Width > 0 && info.Height > 0 && !sized {
		// Reserving the box before the image arrives stops the text below it
		// jumping while the page loads.
		size := strconv.AppendInt(make([]byte, 0, 16), int64(info.Width), 10)
		split := len(size)
		size = strconv.AppendInt(size, int64(info.Height), 10)
		n.SetAttribute(attrWidth, size[:split:split])
		n.SetAttribute(attrHeight, size[split:])
	}
	if _, ok := n.Attribute(attrLoading); !ok {
		n.SetAttribute(attrLoading, valueLazy)
	}
	if _, ok := n.Attribute(attrDecoding); !ok {
		n.SetAttribute(attrDecoding, valueAsync)
	}
}

// checkRawImages warns about the <img> tags in raw HTML as about Markdown
// images: a local image that does not exist, or one with no alt attribute
// at all (alt="" is how HTML marks a decorative image, so it is accepted).
// Raw HTML is passed through as written, so nothing is added to the tags.
// Each line of an HTML block is checked on its own; a tag split across
// lines is not seen.
func (a *analyser) checkRawImages(raw []byte, offset int) {
	if !bytes.Contains(raw, []byte("<img")) && !bytes.Contains(raw, []byte("<IMG")) && !bytes.Contains(raw, []byte("<Img")) {
		return
	}
	z := xhtml.NewTokenizer(bytes.NewReader(raw))
	at := offset
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return
		}
		start := at
		at += len(z.Raw())
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "img" {
			continue
		}
		var src string
		var hasSrc, hasAlt bool
		for hasAttr {
			var key, val []byte
			key, val, hasAttr = z.TagAttr()
			switch string(key) {
			case "src":
				src, hasSrc = string(val), true
			case "alt":
				hasAlt = true
			}
		}
		line := a.lineAt(start)
		if !hasAlt {
			a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, line, "image has no alt attribute"))
		}
		if hasSrc && a.image != nil {
			if info := a.image(src); info.Local && !info.Found {
				a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, line, "image not found: %s", src))
			}
		}
	}
}

// Attribute names and values shared by every image; the renderer only reads them.
var (
	attrWidth    = []byte("width")
	attrHeight   = []byte("height")
	attrLoading  = []byte("loading")
	attrDecoding = []byte("decoding")
	valueLazy    = []byte("lazy")
	valueAsync   = []byte("async")
)

// lineOf returns the file line of a node. Inline nodes carry a byte offset
// into the body; where one does not, the enclosing block's first line stands in.
func (a *analyser) lineOf(n ast.Node) int {
	offset := -1
	for p := n; p != nil && offset < 0; p = p.Parent() {
		if pos := p.Pos(); pos >= 0 {
			offset = pos
		} else if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			offset = p.Lines().At(0).Start
		}
	}
	if offset < 0 {
		return a.firstLine
	}
	return a.lineAt(offset)
}

// lineAt returns the file line of a byte offset into the body.
func (a *analyser) lineAt(offset int) int {
	offset = min(max(offset, 0), len(a.source))
	return a.firstLine + bytes.Count(a.source[:offset], []byte{'\n'})
}

// assignHeadingIDs gives every heading an id the way GitHub does, so links
// copied from a repository's README keep working. Ids the author set with
// {#id} are kept and reserved first, so that no generated id takes them.
func (a *analyser) assignHeadingIDs() {
	used := make(map[string]int, len(a.headings))
	for i := range a.headings {
		a.headings[i].text = plainText(a.source, a.headings[i].node)
	}
	for _, hd := range a.headings {
		h := hd.node
		id := explicitID(h)
		if id == "" {
			continue
		}
		if _, dup := used[id]; dup {
			a.diagnostics = append(a.diagnostics, diag.Warnf(a.file, a.lineOf(h), "duplicate heading id %q", id))
		}
		used[id] = 0
		// Attribute values may be numbers ({id=5}); the renderer writes bytes.
		h.SetAttributeString("id", []byte(id))
	}
	for _, hd := range a.headings {
		h := hd.node
		if explicitID(h) != "" {
			continue
		}
		base := slug(hd.text)
		id := base
		for {
			if _, taken := used[id]; !taken {
				break
			}
			used[base]++
			id = base + "-" + strconv.Itoa(used[base])
		}
		used[id] = 0
		h.SetAttributeString("id", []byte(id))
	}
}

// tableOfContents lists the h2 to h4 headings; h1 is the post's title and
// deeper levels make a contents list longer than it is useful.
func (a *analyser) tableOfContents() []Heading {
	var out []Heading
	for _, hd := range a.headings {
		h := hd.node
		if h.Level < 2 || h.Level > 4 {
			continue
		}
		v, _ := h.AttributeString("id")
		out = append(out, Heading{
			Level: h.Level,
			ID:    attributeString(v),
			Text:  collapseSpace(hd.text),
		})
	}
	return out
}

// explicitID is the id an author gave a heading with {#id}, or "".
func explicitID(h *ast.Heading) string {
	v, ok := h.AttributeString("id")
	if !ok {
		return ""
	}
	return attributeString(v)
}

func attributeString(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// slug makes a GitHub-style anchor: lower case, letters, marks, numbers,
// connector punctuation, hyphens and spaces kept, each space a hyphen.
func slug(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r):
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// hasText reports whether a node has any visible text, so that a paragraph
// holding only an image or an HTML comment is not chosen as the excerpt.
func hasText(source []byte, n ast.Node) bool {
	return strings.TrimSpace(plainText(source, n)) != ""
}

// plainText is a node's text as a reader sees it: escapes and entities
// resolved, markup and raw HTML tags dropped, line breaks as spaces.
func plainText(source []byte, n ast.Node) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(textValue(source, c))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(stringValue(c))
			case *ast.AutoLink:
				b.Write(c.Label(source))
			case *ast.RawHTML:
				if isLineBreakTag(c, source) {
					b.WriteByte(' ')
				}
			case *ast.Image:
				// Alt text describes the picture; it is not part of the
				// surrounding text (as in the DOM's textContent).
			default:
				if c.Kind() == east.KindFootnoteLink || c.Kind() == east.KindTaskCheckBox {
					continue
				}
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// isLineBreakTag reports whether inline HTML is a <br>, which separates the
// words either side of it.
func isLineBreakTag(n *ast.RawHTML, source []byte) bool {
	if n.Segments.Len() == 0 {
		return false
	}
	seg := n.Segments.At(0)
	v := seg.Value(source)
	return len(v) >= 3 && v[0] == '<' && (v[1] == 'b' || v[1] == 'B') && (v[2] == 'r' || v[2] == 'R') &&
		(len(v) == 3 || v[3] == '>' || v[3] == '/' || v[3] == ' ')
}

// textValue is the text a Text node shows, with backslash escapes and
// character references resolved.
func textValue(source []byte, t *ast.Text) []byte {
	v := t.Value(source)
	if t.IsRaw() {
		return v
	}
	return unescape(v)
}

func stringValue(s *ast.String) []byte {
	if s.IsCode() && bytes.IndexByte(s.Value, '&') >= 0 {
		// HTML written as it is: the typographer's &rsquo; and the like.
		return []byte(html.UnescapeString(string(s.Value)))
	}
	if s.IsRaw() || s.IsCode() {
		return s.Value
	}
	return unescape(s.Value)
}

// unescape resolves Markdown escapes and character references the way the
// HTML renderer does, by letting it write the HTML and then decoding that.
func unescape(v []byte) []byte {
	// Three vectorised byte searches beat one bytes.ContainsAny, which tests
	// the text a byte at a time against a set: this runs on all body text.
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, 0) < 0 {
		return v
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	ghtml.DefaultWriter.Write(w, v)
	_ = w.Flush()
	return []byte(html.UnescapeString(b.String()))
}

// collapseSpace turns every run of white space into one space and trims the ends.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncateText collapses white space and, if the text is longer than max
// runes, cuts it at the last word boundary that leaves room for an ellipsis.
func truncateText(s string, maxRunes int) string {
	s = collapseSpace(s)
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	cut, runes, lastSpace := 0, 0, -1
	for i, r := range s {
		if r == ' ' {
			lastSpace = i
		}
		if runes == maxRunes-1 {
			cut = i
			break
		}
		runes++
	}
	if lastSpace > 0 {
		cut = lastSpace
	}
	return strings.TrimRight(s[:cut], " ,;:-–—") + "…"
}

// wordCounter counts words across the text chunks of a body. A word is a run
// of non-space characters containing a letter or digit, so stray
// punctuation is not counted; each Chinese or Japanese character counts as a
// word, as those scripts do not separate words with spaces.
type wordCounter struct {
	count int
	state wordState
}

// wordState is where the counter stands in the text.
type wordState uint8

const (
	betweenWords wordState = iota // after a space, or at the start
	inUncounted                   // in a run of non-space characters with no letter or digit yet
	inCounted                     // in a word already counted
)

func (w *wordCounter) space() { w.state = betweenWords }

func (w *wordCounter) add(b []byte) {
	st, n := w.state, w.count
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			// Most text is ASCII: one table step a byte, without branches
			// that the text's letters and spaces would keep mispredicting.
			step := asciiSteps[st][c]
			st, n, i = step&stateMask, n+int(step>>countShift), i+1
			if st == inCounted {
				// The rest of a counted word changes nothing: every ASCII
				// byte but a space keeps the state. Skipping it with one
				// comparison a byte, rather than a table step that waits
				// on the one before, made counting 2.4 times as fast
				// (BenchmarkWordCounter).
				for i < len(b) && b[i]-('!') < utf8.RuneSelf-'!' {
					i++
				}
			}
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			st = betweenWords
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			n++
			st = betweenWords
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if st != inCounted {
				n++
			}
			st = inCounted
		default:
			if st == betweenWords {
				st = inUncounted
			}
		}
	}
	w.state, w.count = st, n
}

// asciiSteps[state][c] is the state after ASCII byte c, in the low bits,
// and whether c begins a counted word, at countShift.
var asciiSteps = func() (t [3][utf8.RuneSelf]wordState) {
	for st := range t {
		for c := range t[st] {
			switch {
			case c <= ' ':
				t[st][c] = betweenWords
			case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
				t[st][c] = inCounted
				if wordState(st) != inCounted {
					t[st][c] |= 1 << countShift
				}
			case wordState(st) == betweenWords:
				t[st][c] = inUncounted
			default:
				t[st][c] = wordState(st)
			}
		}
	}
	return t
}()

// stateMask picks the state out of an asciiSteps entry.
const stateMask wordState = 3

// countShift is where an asciiSteps entry says that a word starts.
const countShift = 2
