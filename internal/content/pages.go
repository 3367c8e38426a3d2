package content

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// Page is a file outside the posts that is rendered on its own: in a
// Jekyll site, any file with front matter (about.md, archive.html,
// feed.xml); in a weeknotes site, a Markdown or HTML file in content/pages.
type Page struct {
	Path      string         // slash path relative to the site root
	URL       string         // without baseurl, escaped as Jekyll escapes it
	Output    string         // the output file, e.g. about/index.html
	Title     string         // front matter title; "" when none
	Layout    string         // front matter layout; "none" for layout: null or none
	Markdown  bool           // rendered through Markdown (.md, .markdown) after Liquid
	HTML      bool           // its output is HTML, and so goes into the theme's page template
	Liquid    bool           // rendered through Liquid; false with render_with_liquid: false
	Published bool           // false with published: false
	Params    map[string]any // every front matter key, over the defaults
	Body      []byte         // after the front matter
	BodyLine  int            // the file line Body starts on
	Hash      uint64         // of the whole file
}

// StaticFile is a file outside the posts copied to the output as it is.
type StaticFile struct {
	Path   string // slash path relative to the site root
	Output string // output path, e.g. assets/images/a.png
}

// markdownExts are Jekyll's default markdown_ext.
var markdownExts = map[string]bool{".md": true, ".markdown": true, ".mkdown": true, ".mkdn": true, ".mkd": true}

// LoadPages finds the pages and the files to copy. In Jekyll's layout it
// reads the whole site as Jekyll does: every file and folder whose name
// does not start with ".", "_", "#" or "~" (or end with "~"), unless the
// configuration's exclude names it, and any file include names; a file
// opening with front matter is a page, others are copied. skip lists
// folders and files that are never part of it (the templates and static
// folders, the output). In weeknotes' layout, the pages folder alone is
// read, and its Markdown and HTML files are pages with or without front
// matter. Pages come sorted by path.
func LoadPages(fsys fs.FS, cfg *config.Config, skip []string) ([]*Page, []*StaticFile, []diag.Diagnostic) {
	w := &pageWalker{fsys: fsys, cfg: cfg, skip: map[string]bool{}}
	for _, s := range append(skip, cfg.File, cfg.PostsDir, cfg.DraftsDir, cfg.TemplatesDir, cfg.StaticDir, cfg.IncludesDir) {
		if s != "" {
			w.skip[path.Clean(s)] = true
		}
	}
	root := "."
	if !cfg.Jekyll {
		root = cfg.PagesDir
		if _, err := fs.Stat(fsys, root); err != nil {
			return nil, nil, nil
		}
	}
	err := fs.WalkDir(fsys, root, w.visit)
	if err != nil {
		w.ds = append(w.ds, diag.Errorf(root, 0, "cannot read: %v", pathless(err)))
	}
	sort.Slice(w.pages, func(i, j int) bool { return w.pages[i].Path < w.pages[j].Path })
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].Path < w.files[j].Path })
	return w.pages, w.files, w.ds
}

type pageWalker struct {
	fsys  fs.FS
	cfg   *config.Config
	skip  map[string]bool
	pages []*Page
	files []*StaticFile
	ds    []diag.Diagnostic
}

func (w *pageWalker) visit(p string, d fs.DirEntry, err error) error {
	if err != nil {
		w.ds = append(w.ds, diag.Errorf(p, 0, "cannot read: %v", pathless(err)))
		return nil
	}
	if p == "." || (!w.cfg.Jekyll && p == w.cfg.PagesDir) {
		return nil
	}
	if w.skip[p] || !w.wanted(p, d) {
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	if d.IsDir() {
		return nil
	}
	src, err := fs.ReadFile(w.fsys, p)
	if err != nil {
		w.ds = append(w.ds, diag.Errorf(p, 0, "cannot read the file: %v", pathless(err)))
		return nil
	}
	rel := p
	if !w.cfg.Jekyll {
		rel = strings.TrimPrefix(p, w.cfg.PagesDir+"/")
	}
	if w.isPage(p, src) {
		if ext := strings.ToLower(path.Ext(p)); ext == ".scss" || ext == ".sass" {
			w.ds = append(w.ds, diag.Warnf(p, 1, "Sass is not compiled, so this stylesheet is left out; compile it to %s.css and keep that file instead", strings.TrimSuffix(path.Base(p), path.Ext(p))))
			return nil
		}
		page, ds := parsePage(p, rel, src, w.cfg)
		w.ds = append(w.ds, ds...)
		if page.Published {
			w.pages = append(w.pages, page)
		}
		return nil
	}
	w.files = append(w.files, &StaticFile{Path: p, Output: rel})
	return nil
}

// wanted applies Jekyll's EntryFilter (or, for content/pages, the editor
// leftovers rule) to one file or folder.
func (w *pageWalker) wanted(p string, d fs.DirEntry) bool {
	name := d.Name()
	if d.Type()&fs.ModeSymlink != 0 {
		return false // Jekyll's --safe reads no links; nor does weeknotes
	}
	if !w.cfg.Jekyll {
		return d.IsDir() && !strings.HasPrefix(name, ".") || !d.IsDir() && isLeftoverFree(name)
	}
	if strings.HasSuffix(name, ".") {
		return false
	}
	included := globAny(w.cfg.Include, p, d.IsDir()) || globAny(w.cfg.Include, name, d.IsDir())
	if !included && globAny(without(w.cfg.Exclude, w.cfg.Include), p, d.IsDir()) {
		return false
	}
	if included {
		return true
	}
	return !strings.ContainsAny(name[:1], "._#~") && !strings.HasSuffix(name, "~")
}

// isLeftoverFree reports whether a file of content/pages is the author's,
// not an editor's leftover.
func isLeftoverFree(name string) bool {
	if name == "" || name[0] == '.' || name[0] == '#' {
		return false
	}
	for _, ending := range editorLeftovers {
		if strings.HasSuffix(name, ending) {
			return false
		}
	}
	return true
}

// isPage reports whether a file is rendered: in Jekyll's layout, when it
// opens with front matter ("---" alone on the first line); in content/pages,
// when it is Markdown or HTML.
func (w *pageWalker) isPage(p string, src []byte) bool {
	if !w.cfg.Jekyll {
		ext := strings.ToLower(path.Ext(p))
		return markdownExts[ext] || ext == ".html" || ext == ".htm"
	}
	return jekyllFrontMatterRE.Match(src)
}

// jekyllFrontMatterRE is Jekyll's Utils.has_yaml_header?.
var jekyllFrontMatterRE = regexp.MustCompile(`\A---[ \t]*\r?\n`)

func without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		found := false
		for _, d := range drop {
			found = found || s == d
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}

// globAny is Jekyll's EntryFilter#glob_include?: a pattern matches an
// entry when it matches as File.fnmatch does (a * crosses slashes), when
// the entry starts with it, or when it names the folder with a slash.
func globAny(patterns []string, entry string, isDir bool) bool {
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "/")
		if pat == "" {
			continue
		}
		if strings.HasPrefix(entry, pat) || isDir && pat == entry+"/" || fnmatch(pat, entry) {
			return true
		}
	}
	return false
}

// fnmatch is Ruby's File.fnmatch without flags: * and ? match any
// character, "/" included; [...] is a class.
func fnmatch(pattern, name string) bool {
	if !strings.ContainsAny(pattern, "*?[") {
		return pattern == name
	}
	if c, ok := fnmatchCache.Load(pattern); ok {
		re, _ := c.(*regexp.Regexp)
		return re != nil && re.MatchString(name)
	}
	var re strings.Builder
	re.WriteString(`\A`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			re.WriteString(`.*`)
		case '?':
			re.WriteString(`.`)
		case '[':
			end := strings.IndexByte(pattern[i:], ']')
			if end < 0 {
				re.WriteString(`\[`)
				continue
			}
			re.WriteString(pattern[i : i+end+1])
			i += end
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString(`\z`)
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		compiled = nil // a pattern that is no class matches nothing, as before
	}
	fnmatchCache.Store(pattern, compiled)
	return compiled != nil && compiled.MatchString(name)
}

// fnmatchCache holds each include/exclude pattern compiled (nil when it
// cannot be), since every file of the site is matched against every
// pattern; the patterns are the configuration's, so it stays small.
var fnmatchCache sync.Map // pattern → *regexp.Regexp

// parsePage reads one page: its front matter (over the configuration's
// defaults for pages), and its URL. rel is its path in the output's terms
// (the path under content/pages for a weeknotes page).
func parsePage(file, rel string, src []byte, cfg *config.Config) (*Page, []diag.Diagnostic) {
	hash := xxhash.Sum64(src)
	src, bad := decodeUTF16(file, src)
	if bad != nil {
		// Nothing of the file can be read as it is meant: left out, with
		// the error, as a post would be.
		return &Page{Path: file, Hash: hash}, []diag.Diagnostic{*bad}
	}
	stub := &Post{Path: file, Published: true, Liquid: true}
	ps := &parser{post: stub, src: src, loc: cfg.Location}
	ps.defaults = cfg.DefaultValues(file, "pages")
	ps.diags = checkEncoding(file, src)
	bodyStart := ps.splitFrontMatter()
	pg := &Page{Path: file, Published: true, Liquid: true, Hash: hash, Params: ps.params()}
	pg.Title = strings.Join(strings.Fields(ps.text("title")), " ")
	pg.Layout = ps.text("layout")
	if v, present := ps.fm.rawValue("layout"); present && v == nil {
		pg.Layout = "none"
	}
	if published, ok := ps.flag("published"); ok {
		pg.Published = published
	}
	if liquid, ok := ps.flag("render_with_liquid"); ok {
		pg.Liquid = liquid
	}
	ext := strings.ToLower(path.Ext(file))
	pg.Markdown = markdownExts[ext]
	outExt := path.Ext(file)
	if pg.Markdown || ext == ".html" || ext == ".htm" {
		outExt = ".html"
	}
	pg.HTML = outExt == ".html"
	style := cfg.Permalink
	if !cfg.Jekyll {
		style = "pretty" // weeknotes pages get folders of their own: /about/
	}
	permalink := ps.text("permalink")
	if err := config.CheckPermalinkPath(permalink); permalink != "" && err != nil {
		ps.errorf(ps.fm.line("permalink"), "permalink: %v", err)
		permalink = "" // the page's own path, so that this is the one error about it
	}
	pg.URL = pageURL(rel, outExt, permalink, style)
	pg.Output = OutputPath(pg.URL, outExt)
	pg.Body = src[bodyStart:]
	pg.BodyLine = 1 + bytes.Count(src[:bodyStart], []byte{'\n'})
	return pg, ps.diags
}

// rawValue returns a top-level front matter value, and whether the key is
// there at all (so that "layout: null" can be told from no layout).
func (m *matter) rawValue(key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.values[key]
	return v, ok
}

// pageURL is Jekyll's Page#url: the front matter permalink, else the
// page's folder and name with the site's permalink style's ending
// ("/about.html" for date, "/about/" for pretty), index pages being their
// folder's URL. Placeholders :path, :basename and :output_ext work in a
// permalink.
func pageURL(rel, outExt, permalink, style string) string {
	dir := path.Dir(rel)
	if dir == "." {
		dir = ""
	}
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	template := permalink
	if template == "" {
		switch {
		case outExt != ".html":
			template = "/:path/:basename:output_ext"
		case base == "index":
			template = "/:path/"
		default:
			template = addPermalinkSuffix("/:path/:basename", style)
		}
	}
	values := map[string]string{"path": dir, "basename": base, "output_ext": outExt}
	url := pagePlaceholderRE.ReplaceAllStringFunc(template, func(m string) string {
		if v, ok := values[m[1:]]; ok {
			return escapePath(v)
		}
		return m
	})
	return sanitizeURL(url)
}

var pagePlaceholderRE = regexp.MustCompile(`:(path|basename|output_ext)`)

// addPermalinkSuffix is Jekyll's Utils.add_permalink_suffix.
func addPermalinkSuffix(template, style string) string {
	switch style {
	case "pretty":
		return template + "/"
	case "date", "ordinal", "none":
		return template + ":output_ext"
	}
	if strings.HasSuffix(style, "/") {
		template += "/"
	}
	if strings.HasSuffix(style, ":output_ext") {
		template += ":output_ext"
	}
	return template
}

// OutputPath is the file Jekyll writes for a URL: index.html in a folder
// for a URL ending in "/", else the URL with ext added unless it has an
// extension; escapes undone ("/deep%20dive/" is the folder "deep dive").
func OutputPath(url, ext string) string {
	p := strings.TrimPrefix(url, "/")
	if u, err := unescape(p); err == nil && !climbs(u) {
		p = u // an escaped ".." stays escaped: no file is written outside the output
	}
	switch {
	case p == "" || strings.HasSuffix(p, "/"):
		return p + "index.html"
	case path.Ext(p) == "":
		return p + ext
	}
	return p
}

var errBadEscape = errors.New("bad escape")

// unescape undoes percent-encoding.
func unescape(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", errBadEscape
		}
		b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
		i += 2
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// climbs reports whether a slash path has a ".." segment, or a "." one.
func climbs(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return true
		}
	}
	return false
}
