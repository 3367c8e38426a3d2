package site

import (
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/liquid"
	"github.com/weeknotes/weeknotes/internal/markdown"
)

// The site's own pages and files: everything outside the posts that a
// Jekyll site publishes (about.md, assets/, CNAME), or a weeknotes site's
// content/pages. They are read in loadSiteFiles, the one place these
// inputs come from; a page or file wins over a generated page at the same
// path (a site's own 404.html or feed.xml), and one at a post's URL is an
// error naming both.

// siteFiles are the site's own pages and copied files, as last loaded.
type siteFiles struct {
	pages  []*content.Page
	files  map[string]*File  // output path → file
	source map[string]string // output path → source path, of pages and files
	urls   map[string]string // source path → URL without baseurl, for {% link %}
}

// loadSiteFiles reads the site's pages and files to copy.
func (b *Builder) loadSiteFiles(diags *diag.List) {
	pages, files, ds := content.LoadPages(b.fsys, b.cfg, b.notSiteFiles())
	diags.Add(ds...)
	sf := &siteFiles{pages: pages, files: map[string]*File{}, source: map[string]string{}, urls: map[string]string{}}
	for _, pg := range pages {
		sf.source[pg.Output] = pg.Path
		sf.urls[pg.Path] = pg.URL
	}
	for _, f := range files {
		info, err := fs.Stat(b.fsys, f.Path)
		if err != nil {
			diags.Add(diag.Errorf(f.Path, 0, "cannot read: %v", err))
			continue
		}
		if other, ok := sf.source[f.Output]; ok {
			diags.Add(diag.Errorf(f.Path, 0, "it would be written to %s, as %s is", f.Output, other))
			continue
		}
		sf.source[f.Output] = f.Path
		sf.urls[f.Path] = "/" + f.Output
		sf.files[f.Output] = &File{
			Source: path.Join(b.opts.Source, f.Path),
			Size:   info.Size(),
			Hash:   hashBytes([]byte(info.ModTime().UTC().String()+"|"+f.Path)) ^ uint64(info.Size()),
		}
	}
	b.own = sf
}

// notSiteFiles are the folders of the source that are never the site's
// own files: those that are not inputs either (scanSkips: the output, the
// folders a build keeps beside it, the cache), and the default site/ of an
// earlier build. They are hidden, and so left out
// anyway, unless a Jekyll site's include: names hidden files.
func (b *Builder) notSiteFiles() []string {
	var skip []string
	for _, d := range b.scanSkips() {
		if rel, ok := inside(b.opts.Source, d); ok && d != "" {
			skip = append(skip, filepath.ToSlash(rel))
		}
	}
	// weeknotes build writes to <source>/site by default; its feed.xml
	// tells that folder from a site's own folder of that name.
	if _, err := fs.Stat(b.fsys, "site/feed.xml"); err == nil {
		skip = append(skip, "site")
	}
	return skip
}

// inside returns dir's slash path relative to root, when dir is inside it.
func inside(root, dir string) (string, bool) {
	r, err1 := filepath.Abs(root)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(r, d)
	if err != nil || rel == "." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) || rel == ".." {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// sitePagesModel lists the site's pages for templates, and reports a page
// or file at a post's URL.
func (b *Builder) sitePagesModel(r *run, sd *SiteData) {
	posts := make(map[string]string, len(r.included))
	for _, ps := range r.included {
		posts[ps.outPath] = ps.post.Path
	}
	for out, src := range b.own.source {
		if post, ok := posts[out]; ok {
			r.diags.Add(diag.Errorf(src, 0, "it is published at the URL of the post %s (%s); give one of them another permalink", post, out))
		}
	}
	for _, pg := range b.own.pages {
		sd.Pages = append(sd.Pages, &PageData{Title: pg.Title, URL: joinURL(b.cfg.BaseURL, pg.URL), Source: pg.Path, Params: pg.Params, HTML: pg.HTML, page: pg})
	}
	sort.SliceStable(sd.Pages, func(i, j int) bool { return sd.Pages[i].URL < sd.Pages[j].URL })
}

// ownedBySite reports whether the site's own page or file is written at
// out, so that the generated page of that path gives way.
func (b *Builder) ownedBySite(out string) bool {
	_, ok := b.own.source[out]
	return ok
}

// sitePageWork lists the rendering of every page of the site, and adds its
// files to the output.
func (b *Builder) sitePageWork(r *run) []func() {
	for out, f := range b.own.files {
		r.out.Files[out] = f
	}
	siteVars := b.liquidSiteVars()
	siteVars["posts"] = liquidPosts(r.site.Posts)
	siteVars["pages"] = liquidPages(r.site.Pages)
	work := make([]func(), 0, len(r.site.Pages))
	for _, pd := range r.site.Pages {
		work = append(work, r.named(pd.page.Output, func() { b.renderSitePage(r, pd, siteVars) }))
	}
	return work
}

// renderSitePage renders one page: Liquid, Markdown for Markdown pages,
// then, for HTML, the theme's page template (or the one its layout names),
// unless its layout is null or none.
func (b *Builder) renderSitePage(r *run, pd *PageData, siteVars map[string]any) {
	pg := pd.page
	body := pg.Body
	var ds []diag.Diagnostic
	if pg.Liquid && liquid.NeedsLiquid(body) {
		var lds []diag.Diagnostic
		body, lds = b.liquid.Render(liquid.Input{
			File: pg.Path, Body: body, FirstLine: pg.BodyLine,
			Site: siteVars, Page: liquidSitePageVars(pd), Resolver: &resolver{ix: r.ix},
		})
		ds = append(ds, lds...)
	}
	if pg.Markdown {
		out, mds := b.md.Render(markdown.Input{File: pg.Path, Source: body, FirstLine: pg.BodyLine, SkipExcerpt: true, Image: func(src string) markdown.ImageInfo {
			info, _ := b.imageLookup(src)
			return info
		}})
		ds = append(ds, mds...)
		body = []byte(out.HTML)
	}
	r.diags.Add(ds...)
	if !pg.HTML || pg.Layout == "none" {
		r.add(pg.Output, r.put(pg.Output, body, nil))
		return
	}
	tmpl := "page.html"
	if lay := pg.Layout; lay != "" && !isPageKind(lay) && b.theme.sets[lay+".html"] != nil {
		tmpl = lay + ".html"
	}
	if b.theme.sets[tmpl] == nil {
		r.diags.Add(diag.Errorf(path.Join(b.cfg.TemplatesDir, tmpl), 0, "missing: the site's pages (%s) are rendered through it", pg.Path))
		return
	}
	view := *pd
	view.Content = template.HTML(body)
	cfg := b.cfg
	page := &Page{Kind: "page", Title: pd.Title, Description: cfg.Description, URL: pd.URL, Permalink: cfg.URL + pd.URL,
		Site: r.site, Page: &view, FeedURL: joinURL(cfg.BaseURL, "/feed.xml"), StyleURLs: b.theme.styles}
	if hasHighlightedCode(string(view.Content)) {
		page.StyleURLs = b.theme.withSyntax
	}
	if page.Title == "" {
		page.Title = r.site.Title
	}
	buf, d := b.theme.render(tmpl, page)
	if d != nil {
		r.templateFailed(*d, pg.Path)
		return
	}
	r.add(pg.Output, r.put(pg.Output, buf.Bytes(), func() { releaseBuffer(buf) }))
}

// isPageKind reports whether a layout names one of the templates of
// generated pages, which expect something other than a page.
func isPageKind(layout string) bool {
	for _, k := range pageKinds {
		if k == layout {
			return true
		}
	}
	return false
}

// liquidSitePageVars is a page's `page` variable: its front matter, url
// (without baseurl, as Jekyll's page.url) and path.
func liquidSitePageVars(pd *PageData) map[string]any {
	pg := pd.page
	vars := make(map[string]any, len(pg.Params)+4)
	for k, v := range pg.Params {
		vars[k] = v
	}
	vars["title"] = pg.Title
	vars["url"] = pg.URL
	vars["path"] = pg.Path
	return vars
}

// liquidPosts is site.posts for a page's Liquid, newest first, each with
// Jekyll's url (without baseurl), title, date, excerpt, tags and categories.
func liquidPosts(posts []*PostData) []any {
	out := make([]any, len(posts))
	for i, pd := range posts {
		ps := pd.state
		out[i] = map[string]any{
			"title": pd.Title, "url": ps.rel, "date": pd.Date, "excerpt": string(pd.Excerpt),
			"tags": ps.post.Tags, "categories": ps.post.Categories, "path": pd.Source, "id": strings.TrimSuffix(ps.rel, ".html"),
		}
	}
	return out
}

// liquidPages is site.pages for a page's Liquid.
func liquidPages(pages []*PageData) []any {
	out := make([]any, len(pages))
	for i, pd := range pages {
		out[i] = map[string]any{"title": pd.Title, "url": pd.page.URL, "path": pd.Source}
	}
	return out
}
