package site

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/markdown"
)

// pageKinds are the page templates every theme provides.
var pageKinds = []string{"post", "home", "archive", "tags", "tag", "series-list", "series", "404"}

// theme is a parsed set of templates: the default theme with the site's own
// templates/ laid over it, file by file.
type theme struct {
	sets   map[string]*setPool // page template file ("post.html") → its set, cloned per rendering goroutine
	origin map[string]string   // template file → path for messages
	assets map[string][]byte   // output path ("assets/style.css") → bytes
	hash   uint64              // of every template and asset, for page fingerprints
	styles []string            // stylesheet URLs with baseurl and a content hash, for every page
	// withSyntax is styles and the highlighting stylesheet, for pages with
	// highlighted code: the others need not download it.
	withSyntax []string

	partials *partialCache // partialCached's renderings in the current build
}

// overlayFS reads from top, falling back to bottom: a site's template
// overrides the default theme's file of the same name.
type overlayFS struct{ top, bottom fs.FS }

// Open implements fs.FS.
func (o overlayFS) Open(name string) (fs.File, error) {
	if o.top != nil {
		if f, err := o.top.Open(name); err == nil {
			return f, nil
		}
	}
	if o.bottom != nil {
		return o.bottom.Open(name)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func subOrNil(fsys fs.FS, dir string) fs.FS {
	if fsys == nil {
		return nil
	}
	if _, err := fs.Stat(fsys, dir); err != nil {
		return nil
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil
	}
	return sub
}

// defaultThemeOrigin prefixes the names of the default theme's files in
// messages.
const defaultThemeOrigin = "(default theme) templates/"

// loadTheme parses every page template with base.html and the partials:
// it collects the files (the site's over the default theme's), fingerprints
// them with the assets, and parses one template set per page.
func loadTheme(defaults fs.FS, site fs.FS, cfg *config.Config) (*theme, []diag.Diagnostic) {
	th := &theme{sets: map[string]*setPool{}, origin: map[string]string{}, assets: map[string][]byte{}, partials: &partialCache{}}
	files := map[string][]byte{} // name relative to the templates folder → bytes
	ds := th.collect(files, defaults, func(p string) string { return defaultThemeOrigin + p })
	ds = append(ds, th.collect(files, subOrNil(site, cfg.TemplatesDir), func(p string) string { return path.Join(cfg.TemplatesDir, p) })...)
	fromDefaults := make(map[string]bool, len(files))
	for n, o := range th.origin {
		fromDefaults[n] = o == defaultThemeOrigin+n
	}
	th.partials.uncached = sitePartialsCachedByDefaults(files, fromDefaults)

	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	ds = append(ds, th.addAssets(files, names, cfg.BaseURL)...)

	if _, ok := files["base.html"]; !ok {
		return th, append(ds, diag.Errorf(path.Join(cfg.TemplatesDir, "base.html"), 0, "missing: every page is rendered inside base.html"))
	}
	ds = append(ds, th.parseSets(files, names, funcMap(cfg.URL, cfg.BaseURL))...)
	for _, k := range pageKinds {
		if _, ok := files[k+".html"]; !ok {
			ds = append(ds, diag.Errorf(path.Join(cfg.TemplatesDir, k+".html"), 0, "missing page template"))
		}
	}
	return th, ds
}

// collect reads every template file of fsys into files, over any of the
// same name, and records label(name) as its origin for messages.
func (th *theme) collect(files map[string][]byte, fsys fs.FS, label func(string) string) []diag.Diagnostic {
	if fsys == nil {
		return nil
	}
	var ds []diag.Diagnostic
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(d.Name(), "~") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			ds = append(ds, diag.Errorf(label(p), 0, "cannot read: %v", pathless(err)))
			return nil
		}
		files[p] = data
		th.origin[p] = label(p)
		return nil
	})
	return ds
}

// addAssets takes the theme's assets and the generated highlighting styles,
// with their cache-busted URLs, and fingerprints them with every template
// file (names, sorted).
func (th *theme) addAssets(files map[string][]byte, names []string, baseURL string) []diag.Diagnostic {
	var ds []diag.Diagnostic
	h := newHasher()
	for _, n := range names {
		h.str(n)
		h.bytes(files[n])
	}
	for _, n := range names {
		if rest, ok := strings.CutPrefix(n, "assets/"); ok {
			th.assets["assets/"+rest] = files[n]
		}
	}
	css, err := markdown.StyleSheet("github", "github-dark")
	if err != nil {
		ds = append(ds, diag.Errorf("", 0, "highlight styles: %v", err))
	}
	th.assets["assets/syntax.css"] = css
	h.bytes(css)
	if data, ok := th.assets["assets/style.css"]; ok {
		th.styles = append(th.styles, fmt.Sprintf("%s?v=%.8x", joinURL(baseURL, "/assets/style.css"), hashBytes(data)))
	}
	th.withSyntax = append(slices.Clip(th.styles), fmt.Sprintf("%s?v=%.8x", joinURL(baseURL, "/assets/syntax.css"), hashBytes(css)))
	h.str(strings.Join(th.withSyntax, ","))
	th.hash = h.sum()
	return ds
}

// parseSets parses, for every page template at the top of the templates
// folder, a set of base.html, every partial and the page.
func (th *theme) parseSets(files map[string][]byte, names []string, funcs template.FuncMap) []diag.Diagnostic {
	var ds []diag.Diagnostic
	var partials, pages []string
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "partials/") && strings.HasSuffix(n, ".html"):
			partials = append(partials, n)
		case !strings.Contains(n, "/") && strings.HasSuffix(n, ".html") && n != "base.html":
			pages = append(pages, n)
		}
	}
	for _, page := range pages {
		set := template.New("base.html").Funcs(funcs)
		ok := true
		for _, n := range append(append([]string{"base.html"}, partials...), page) {
			t := set
			if n != "base.html" {
				t = set.New(path.Base(n))
			}
			if _, err := t.Parse(string(files[n])); err != nil {
				ds = append(ds, templateDiag(err, th.origin))
				ok = false
				break
			}
		}
		if ok {
			deps, why := analyseDeps(set)
			th.sets[page] = &setPool{proto: set, partials: th.partials, deps: deps, depsNote: why}
		}
	}
	return ds
}

// cachedPartialRE finds the partials a template renders through
// partialCached.
var cachedPartialRE = regexp.MustCompile(`partialCached\s+"([^"]+)"`)

// sitePartialsCachedByDefaults returns the partials that the default
// theme's own templates render through partialCached but that the site
// overrides. The default base.html caches the banner and footer by page
// kind, which suits the default ones; a site's own banner may show
// something of each page, such as its title, and must not be handed the
// first page's rendering. A site's own template that calls partialCached
// asks for the caching, and gets it.
func sitePartialsCachedByDefaults(files map[string][]byte, fromDefaults map[string]bool) map[string]bool {
	uncached := map[string]bool{}
	for n, data := range files {
		if !fromDefaults[n] {
			continue
		}
		for _, m := range cachedPartialRE.FindAllSubmatch(data, -1) {
			name := string(m[1])
			if _, ok := files["partials/"+name]; ok && !fromDefaults["partials/"+name] {
				uncached[name] = true
			}
		}
	}
	return uncached
}

// setPool hands each rendering goroutine a copy of one page's template
// set. Goroutines executing one shared set serialise on its locks:
// html/template locks the set's name space on every execution, and
// text/template its function table on every function call, about 150 times
// a page in the default theme. Clones have locks of their own.
type setPool struct {
	proto    *template.Template // parsed and never executed, since html/template clones only those
	partials *partialCache      // what each clone's partialCached keeps

	// deps are the paths its pages may read, for their fingerprints (see
	// deps.go); nil when the analysis could not tell, and depsNote says why.
	deps     *depNode
	depsNote string

	mu   sync.Mutex
	free []*template.Template // clones not in use
}

// get returns a clone for one goroutine's use until it calls put.
func (p *setPool) get() (*template.Template, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		t := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return t, nil
	}
	p.mu.Unlock()
	t, err := p.proto.Clone()
	if err != nil {
		return nil, err
	}
	return t.Funcs(template.FuncMap{"partialCached": p.partials.funcFor(t)}), nil
}

func (p *setPool) put(t *template.Template) {
	p.mu.Lock()
	p.free = append(p.free, t)
	p.mu.Unlock()
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page template into a buffer from bufPool, which the
// caller hands back with releaseBuffer once it is done with the bytes: a
// streamed build writes them out and needs no copy of 5,500 pages.
func (th *theme) render(tmpl string, page *Page) (*bytes.Buffer, *diag.Diagnostic) {
	pool := th.sets[tmpl]
	if pool == nil {
		d := diag.Errorf("", 0, "no template %s", tmpl)
		return nil, &d
	}
	set, err := pool.get()
	if err != nil {
		d := templateDiag(err, th.origin)
		return nil, &d
	}
	defer pool.put(set)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if err := set.ExecuteTemplate(buf, "base.html", page); err != nil {
		releaseBuffer(buf)
		d := templateDiag(nodeLocation(err), th.origin)
		return nil, &d
	}
	return buf, nil
}

// releaseBuffer returns a buffer to bufPool, unless an unusually large page
// grew it: one archive page should not pin megabytes for the rest of a run.
func releaseBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		bufPool.Put(buf)
	}
}

// templateErrRE matches the location in html/template's "template:
// NAME:LINE:COL: message".
var templateErrRE = regexp.MustCompile(`template: ([^:\s]+):(\d+)(?::\d+)?: `)

// nodeLocation gives an html/template error the location of the node it is
// about. The escaper, which runs at the first execution, reports a call of
// a template that does not exist with the name of the template it was
// escaping (base.html) and the line of the call in another file
// (post.html): the node knows its own file.
//
// The escaper drops the failed template's tree, but any tree locates a node
// in its own.
func nodeLocation(err error) error {
	var te *template.Error
	if !errors.As(err, &te) || te.Node == nil {
		return err
	}
	loc, _ := new(parse.Tree).ErrorContext(te.Node)
	m := nodeLocRE.FindStringSubmatch(loc)
	if m == nil {
		return err
	}
	located := *te
	located.Name = m[1]
	located.Line, _ = strconv.Atoi(m[2])
	return &located
}

// nodeLocRE matches the "NAME:LINE:COL" of parse.Tree.ErrorContext.
var nodeLocRE = regexp.MustCompile(`^(.+):(\d+):\d+$`)

// templateDiag turns a template error into a diagnostic naming the
// template's file and line.
func templateDiag(err error, origin map[string]string) diag.Diagnostic {
	msg := err.Error()
	var te *template.Error
	if errors.As(err, &te) && te.Name != "" && te.Line > 0 {
		return diag.Errorf(originOf(te.Name, origin), te.Line, "%s", te.Description)
	}
	// The last location is the innermost: a partial that partialCached
	// renders fails inside the base.html line that called it, and the
	// author needs the partial's line.
	if ms := templateErrRE.FindAllStringSubmatchIndex(msg, -1); ms != nil {
		m := ms[len(ms)-1]
		line, _ := strconv.Atoi(msg[m[4]:m[5]])
		return diag.Errorf(originOf(msg[m[2]:m[3]], origin), line, "%s", msg[m[1]:])
	}
	return diag.Errorf("", 0, "template: %s", msg)
}

func originOf(name string, origin map[string]string) string {
	for _, n := range []string{name, "partials/" + name} {
		if o, ok := origin[n]; ok {
			return o
		}
	}
	return "templates/" + name
}

// hasher builds fingerprints from many small values. Every value is
// written after its length, so ("ab", "c") and ("a", "bc") differ.
// xxhash rather than FNV: a 5,000-post build fingerprints its 80 MB of
// pages and, separately, the bodies inside them, which a byte-at-a-time
// hash took a tenth of the build's CPU over. Small values are gathered in
// a buffer and hashed a few kilobytes at a time: a page's fingerprint is a
// few hundred of them, and a digest's Write on each cost more than the
// hashing.
type hasher struct {
	d   *xxhash.Digest
	buf []byte
}

// hasherBuffer is how much a hasher gathers before hashing it.
const hasherBuffer = 4 << 10

func newHasher() *hasher { return &hasher{d: xxhash.New()} }

func (h *hasher) bytes(b []byte) {
	h.u64(uint64(len(b)))
	if len(b) > hasherBuffer {
		h.flush()
		_, _ = h.d.Write(b)
		return
	}
	h.buf = append(h.buf, b...)
	h.flushFull()
}

func (h *hasher) str(s string) {
	h.u64(uint64(len(s)))
	if len(s) > hasherBuffer {
		h.flush()
		_, _ = h.d.WriteString(s)
		return
	}
	h.buf = append(h.buf, s...)
	h.flushFull()
}

func (h *hasher) u64(v uint64) {
	h.buf = binary.LittleEndian.AppendUint64(h.buf, v)
	h.flushFull()
}

func (h *hasher) flushFull() {
	if len(h.buf) >= hasherBuffer {
		h.flush()
	}
}

func (h *hasher) flush() {
	_, _ = h.d.Write(h.buf)
	h.buf = h.buf[:0]
}

func (h *hasher) sum() uint64 {
	h.flush()
	return h.d.Sum64()
}

// hasherPool keeps the hashers that fingerprint pages, 5,500 times a
// build.
var hasherPool = sync.Pool{New: func() any { return newHasher() }}

// pooledHasher returns an empty hasher from hasherPool, for release.
func pooledHasher() *hasher {
	h := hasherPool.Get().(*hasher)
	h.d.Reset()
	h.buf = h.buf[:0]
	return h
}

// release hands the hasher back to hasherPool.
func (h *hasher) release() { hasherPool.Put(h) }
