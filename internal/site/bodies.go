package site

import (
	"bytes"
	nethtml "golang.org/x/net/html"
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/liquid"
	"github.com/weeknotes/weeknotes/internal/markdown"
)

// The render-bodies stage: every post's body through Liquid, then Markdown.

// renderBody runs one post's body through Liquid and Markdown.
func (b *Builder) renderBody(ps *postState, ix *postIndex, siteVars map[string]any) {
	p := ps.post
	r := &resolver{ix: ix}
	var ds []diag.Diagnostic
	if ps.bodyUnread {
		ds = b.readBody(ps)
	}
	body := p.Body
	// Which files the rendering looks at, so that a later build renders the
	// body again when one of them changes, appears or goes.
	var reads []string
	var readsMu sync.Mutex
	read := func(path string) {
		readsMu.Lock()
		reads = append(reads, path)
		readsMu.Unlock()
	}
	if p.Liquid && liquid.NeedsLiquid(body) {
		var lds []diag.Diagnostic
		body, lds = b.liquid.Render(liquid.Input{
			File: p.Path, Body: body, FirstLine: p.BodyLine,
			Site: siteVars, Page: liquidPageVars(ps), Resolver: r,
			Included: read,
		})
		ds = append(ds, lds...)
	}
	var out markdown.Output
	if p.HTML {
		out = htmlBody(body)
	} else {
		var mds []diag.Diagnostic
		out, mds = b.md.Render(markdown.Input{File: p.Path, Source: body, FirstLine: p.BodyLine, SkipExcerpt: p.Excerpt != "", Image: func(src string) markdown.ImageInfo {
			info, static := b.imageLookup(src)
			if static != "" {
				read(static)
			}
			return info
		}})
		ds = append(ds, mds...)
	}
	ps.html, ps.excerpt, ps.text, ps.words = template.HTML(out.HTML), template.HTML(out.Excerpt), out.Text, out.WordCount
	if p.Excerpt != "" {
		ps.excerpt = template.HTML(html.EscapeString(p.Excerpt))
	} else if sep := b.excerptSeparator(p); sep != "" {
		ps.excerpt = b.excerptBefore(p, body, sep, template.HTML(out.HTML))
	}
	ps.renderDiags = ds
	ps.asked = r.asked
	ps.reads = reads
	ps.rendered, ps.renderedOf = true, p.Hash
	ps.renderID = renderSeq.Add(1)
	if b.opts.StreamTo != "" {
		// A one-shot build never renders this body again: let the source go
		// now rather than at the end, to keep the peak memory of large sites low.
		p.Body = nil
	}
	ps.contentHash, ps.excerptHash = hashString(string(ps.html)), hashString(string(ps.excerpt))
	ps.body = readBodyFacts(ps.contentHash, string(ps.html))
}

func liquidPageVars(ps *postState) map[string]any {
	p := ps.post
	vars := make(map[string]any, len(p.Params)+12)
	for k, v := range p.Params {
		vars[k] = v
	}
	if t, isList := p.Params["title"].([]any); !isList {
		vars["title"] = p.Title
	} else {
		vars["title"] = t // Liquid writes a list's items one after another, as Jekyll's does
	}
	vars["slug"] = p.Slug
	vars["url"] = ps.url
	vars["path"] = p.Path
	vars["tags"] = p.Tags
	vars["categories"] = p.Categories
	vars["excerpt"] = p.Excerpt
	vars["author"] = p.Author
	if p.HasDate {
		vars["date"] = p.Date
	}
	return vars
}

func (b *Builder) liquidSiteVars() map[string]any {
	cfg := b.cfg
	vars := make(map[string]any, len(cfg.Params)+8)
	for k, v := range cfg.Params {
		vars[k] = v
	}
	vars["title"] = cfg.Title
	vars["description"] = cfg.Description
	vars["author"] = cfg.Author
	vars["url"] = cfg.URL
	vars["baseurl"] = cfg.BaseURL
	vars["lang"] = cfg.Language
	vars["data"] = b.data
	return vars
}

// excerptSeparator is the post's excerpt_separator, else the site's, as in
// Jekyll; "" when neither is set (the excerpt is then the first paragraph,
// which is what Jekyll's default separator, a blank line, gives).
func (b *Builder) excerptSeparator(p *content.Post) string {
	for _, params := range []map[string]any{p.Params, b.cfg.Params} {
		if s, ok := params["excerpt_separator"].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// excerptBefore renders what comes before the separator, as Jekyll's
// excerpt; a post without the separator is all excerpt, as in Jekyll.
func (b *Builder) excerptBefore(p *content.Post, body []byte, sep string, whole template.HTML) template.HTML {
	i := bytes.Index(body, []byte(sep))
	if i < 0 {
		return whole
	}
	if p.HTML {
		// An HTML post's converter passes it through, excerpt and all.
		return template.HTML(body[:i])
	}
	// Its diagnostics are the body's, reported once with the body.
	out, _ := b.md.Render(markdown.Input{File: p.Path, Source: body[:i], FirstLine: p.BodyLine, SkipExcerpt: true})
	return template.HTML(out.HTML)
}

// htmlBody is the rendering of a post written in HTML: the body as it is,
// its excerpt what comes before the first blank line (Jekyll's default
// excerpt_separator), and the excerpt's text for descriptions.
func htmlBody(body []byte) markdown.Output {
	excerpt := body
	if i := bytes.Index(body, []byte("\n\n")); i >= 0 {
		excerpt = body[:i]
	}
	return markdown.Output{
		HTML:      string(body),
		Excerpt:   bytes.Clone(excerpt),
		Text:      htmlText(excerpt),
		WordCount: len(strings.Fields(htmlText(body))),
	}
}

// htmlText is the text of an HTML fragment, white space collapsed.
func htmlText(fragment []byte) string {
	var text strings.Builder
	z := nethtml.NewTokenizer(bytes.NewReader(fragment))
	for tt := z.Next(); tt != nethtml.ErrorToken; tt = z.Next() {
		if tt == nethtml.TextToken {
			text.Write(z.Text())
			text.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(text.String()), " ")
}
