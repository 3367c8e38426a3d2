package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/fileio"
	"github.com/weeknotes/weeknotes/internal/liquid"
	"github.com/weeknotes/weeknotes/internal/markdown"
	"github.com/weeknotes/weeknotes/internal/series"
)

// Builder builds one site, again and again. Between builds it keeps every
// post's parsed and rendered state and a fingerprint of every page, so an
// edit to one post re-renders that post and only the pages that show it.
// A Builder is safe for use by one goroutine at a time (Build locks).
type Builder struct {
	opts Options
	fsys fs.FS

	mu       sync.Mutex
	cfg      *config.Config
	theme    *theme
	liquid   *liquid.Engine
	md       *markdown.Renderer
	images   *imageCache
	hl       *highlightStore       // highlighted code blocks, kept across builds
	posts    map[string]*postState // by source path
	sorted   []*postState          // posts by path; nil when posts gained or lost a key
	static   map[string]*File      // output path → file, as walked by the last build
	last     *Output               // the last good output
	prints   map[string]uint64     // output path → fingerprint of its inputs, for the last good output
	forceAll bool                  // the next build must be full (the previous one failed early)
}

// postState is everything the builder knows about one source file.
type postState struct {
	post       *content.Post
	parseDiags []diag.Diagnostic

	// Derived once from the post and the configuration (a changed post or
	// configuration gets a new postState).
	derived  bool
	marker   series.Marker
	inSeries bool
	updated  time.Time // last_modified_at or updated, else the date
	tagSlugs []string  // slugs of post.Tags, in order

	// Per build.
	included bool
	future   bool
	url      string // with baseurl
	rel      string // without baseurl
	outPath  string
	data     *PostData

	// Rendered body, kept across builds while its inputs stay the same.
	rendered    bool
	renderedOf  uint64            // post.Hash the body was rendered from
	asked       map[string]string // link targets asked for and the URLs given
	reads       []string          // site paths of files the rendering looked at: local images, {% include_relative %} files
	html        template.HTML     // kept as a string: templates take it without a copy
	excerpt     template.HTML
	text        string
	words       int
	renderDiags []diag.Diagnostic
	contentHash uint64
	excerptHash uint64
	metaKey     uint64 // what metaSum was computed from
	metaSum     uint64 // cached metaHash
}

// NewBuilder returns a Builder for the site described by opts.
func NewBuilder(opts Options) *Builder {
	b := &Builder{opts: opts, fsys: fileio.DirFS(opts.Source), images: newImageCache(), hl: newHighlightStore()}
	if opts.CacheDir != "" {
		b.hl.loadInBackground(opts.CacheDir)
	}
	return b
}

// Build builds the site. changed lists slash paths relative to the site
// root that were created, modified or removed since the previous Build; nil
// means everything (the first build, or when the caller cannot tell). A
// content error returns *diag.BuildError carrying every diagnostic, and the
// Builder keeps the previous good output; other errors are I/O failures.
func (b *Builder) Build(ctx context.Context, changed []string) (*Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	start := time.Now()
	var diags diag.List

	full := changed == nil || b.cfg == nil || b.forceAll || b.needsFull(changed)
	b.forceAll = false
	if b.opts.StreamTo != "" {
		// A streamed build lets sources go as it renders them, so whatever
		// happens, a later build must start afresh.
		defer func() { b.forceAll = true }()
	}
	changedSet := make(map[string]bool, len(changed))
	for _, c := range changed {
		changedSet[c] = true
	}
	if full {
		if err := b.loadAll(&diags); err != nil {
			b.forceAll = true
			return nil, err
		}
		if hasErrors(diags.Sorted(), false) {
			b.forceAll = true
			return nil, &diag.BuildError{Diagnostics: diags.Sorted()}
		}
	} else {
		b.reloadChanged(changed)
	}

	cfg := b.cfg
	now := b.opts.Now
	if now.IsZero() {
		now = time.Now()
	}

	// Decide which posts are in this build, and where they go.
	states := b.sortedStates()
	var included []*postState
	byOut := make(map[string]*postState)
	for _, ps := range states {
		diags.Add(ps.parseDiags...)
		p := ps.post
		ps.future = p.HasDate && p.Date.After(now)
		ps.included = (b.opts.Drafts || (!p.Draft && p.Published)) && (b.opts.Future || !ps.future)
		ps.data = nil
		if !ps.included {
			continue
		}
		if !ps.derived {
			ps.rel = content.Permalink(cfg.Permalink, p)
			ps.url = joinURL(cfg.BaseURL, ps.rel)
			ps.outPath = outputPath(ps.rel)
			ps.marker, ps.inSeries = series.OfPost(p, cfg.Series)
			ps.updated = updated(p.Params, p.Date)
			ps.tagSlugs = make([]string, len(p.Tags))
			for i, t := range p.Tags {
				ps.tagSlugs[i] = content.Slugify(t) // as series and :categories are slugged
			}
			ps.derived = true
		}
		if other := byOut[ps.outPath]; other != nil {
			diags.Add(diag.Errorf(p.Path, 0, "URL %s is also the URL of %s; give one of them a different slug or permalink", ps.url, other.post.Path))
			continue
		}
		byOut[ps.outPath] = ps
		included = append(included, ps)
	}
	sortNewestFirst(included)

	ix := newPostIndex(states, b.staticURL)

	// Render post bodies: Liquid, then Markdown, in parallel, reusing the
	// previous rendering of every post whose inputs did not change.
	var toRender []*postState
	for _, ps := range included {
		if !ps.rendered || ps.renderedOf != ps.post.Hash || !ix.stillResolves(ps.asked) || usesAny(ps.reads, changedSet) {
			toRender = append(toRender, ps)
		}
	}
	siteVars := b.liquidSiteVars()
	if err := parallel(ctx, toRender, func(ps *postState) { b.renderBody(ps, ix, siteVars) }); err != nil {
		return nil, err
	}
	for _, ps := range included {
		diags.Add(ps.renderDiags...)
	}

	if b.opts.CacheDir != "" && full {
		// Every code block is highlighted by now. Only full builds write
		// the cache: the preview's incremental rebuilds keep it in memory,
		// where a save would cost milliseconds of every keystroke-to-reload.
		b.hl.save(b.opts.CacheDir, true)
	}
	if b.opts.StreamTo != "" {
		// As with the sources: a one-shot build has no more use for the
		// highlighted blocks, which its bodies hold copies of. Let them go
		// before the pages, whose garbage then has 8-12 MB more room.
		b.hl.forget()
	}

	// Series, tags, years: the site model templates see.
	sd, seriesDiags := b.model(included)
	diags.Add(seriesDiags...)

	if ds := diags.Sorted(); hasErrors(ds, b.opts.Strict) {
		return nil, &diag.BuildError{Diagnostics: promote(ds, b.opts.Strict)}
	}

	// Pages.
	jobs, global := b.pageJobs(sd, included)
	out := &Output{Files: make(map[string]*File, len(jobs)+len(b.static)+16)}
	prints := make(map[string]uint64, len(jobs))
	var todo []*pageJob
	for _, j := range jobs {
		prints[j.out] = j.print
		if old, ok := b.prints[j.out]; ok && old == j.print && b.last != nil && b.last.Files[j.out] != nil {
			out.Files[j.out] = b.last.Files[j.out]
			continue
		}
		todo = append(todo, j)
	}
	var stage *staging
	if b.opts.StreamTo != "" {
		var err error
		if stage, err = newStaging(b.opts.StreamTo); err != nil {
			return nil, err
		}
		defer stage.abort() // removes staged files unless committed
	}
	put := func(p string, data []byte, release func()) *File {
		if stage == nil {
			f := newFile(bytes.Clone(data))
			if release != nil {
				release()
			}
			return f
		}
		return stage.put(p, data, release)
	}
	// Pages and generated files (feeds, sitemap, assets) render together,
	// so that neither waits for the other on an idle core.
	var mu sync.Mutex
	var work []func()
	for _, g := range b.generated(sd, included, global) {
		prints[g.out] = g.print
		if old, ok := b.prints[g.out]; ok && old == g.print && b.last != nil && b.last.Files[g.out] != nil && b.last.Files[g.out].Data != nil {
			out.Files[g.out] = b.last.Files[g.out]
			continue
		}
		work = append(work, func() {
			f := put(g.out, g.make(), nil)
			mu.Lock()
			out.Files[g.out] = f
			mu.Unlock()
		})
	}
	// Partials cached in the previous build may show what has changed since.
	b.theme.partials.reset()
	// The longest pages first: one that lists every post, left to the end,
	// would keep one core busy while the others had nothing left to do.
	sort.SliceStable(todo, func(i, k int) bool { return todo[i].listed > todo[k].listed })
	for _, j := range todo {
		work = append(work, func() {
			buf, d := b.theme.render(j.tmpl, j.page)
			if d != nil {
				diags.Add(*d)
				return
			}
			f := put(j.out, buf.Bytes(), func() { releaseBuffer(buf) })
			mu.Lock()
			out.Files[j.out] = f
			mu.Unlock()
		})
	}
	if err := parallel(ctx, work, func(do func()) { do() }); err != nil {
		return nil, err
	}
	for name, f := range b.static {
		out.Files[name] = f
	}

	ds := diags.Sorted()
	if hasErrors(ds, b.opts.Strict) {
		return nil, &diag.BuildError{Diagnostics: promote(ds, b.opts.Strict)}
	}
	var written WriteStats
	if stage != nil {
		var err error
		if written, err = stage.commit(ctx, out); err != nil {
			return nil, err
		}
	}

	res := &Result{
		Output:      out,
		Diagnostics: ds,
		Changed:     diffOutputs(b.last, out),
		Stats: Stats{
			Posts:    len(included),
			Drafts:   countDrafts(states, included),
			Pages:    len(jobs),
			Files:    len(out.Files),
			Rendered: len(todo),
		},
		Written: written,
	}
	b.last, b.prints = out, prints
	res.Stats.Duration = time.Since(start)
	return res, nil
}

// needsFull reports whether a change invalidates more than posts: the
// configuration and templates shape every page.
func (b *Builder) needsFull(changed []string) bool {
	for _, c := range changed {
		if c == b.cfg.File || isConfigName(c) || within(c, b.cfg.TemplatesDir) {
			return true
		}
	}
	return false
}

func isConfigName(p string) bool {
	for _, n := range config.FileNames {
		if p == n {
			return true
		}
	}
	return false
}

func within(p, dir string) bool {
	return dir != "" && (p == dir || strings.HasPrefix(p, dir+"/"))
}

// loadAll reads configuration, templates and every post afresh.
func (b *Builder) loadAll(diags *diag.List) error {
	cfg, err := config.Load(b.fsys)
	if err != nil {
		diags.Add(diagFromError(err, "weeknotes.yaml"))
		return &diag.BuildError{Diagnostics: diags.Sorted()}
	}
	if err := applyBaseURL(cfg, b.opts.BaseURL); err != nil {
		return err
	}
	b.cfg = cfg
	th, tds := loadTheme(b.opts.Theme, b.fsys, cfg)
	diags.Add(tds...)
	b.theme = th
	var includes fs.FS
	if sub, err := fs.Sub(b.fsys, path.Join(cfg.TemplatesDir, "includes")); err == nil {
		includes = overlayFS{top: sub, bottom: subOrNil(b.opts.Theme, "includes")}
	}
	b.liquid = liquid.New(liquid.Options{Includes: includes, IncludesDir: path.Join(cfg.TemplatesDir, "includes"), Source: b.fsys})
	b.md = markdown.New(markdown.Options{Highlights: b.hl, Image: func(src string) markdown.ImageInfo { info, _ := b.imageLookup(src); return info }})
	b.images.reset()

	posts, pds := content.Load(b.fsys, cfg, true)
	b.posts = make(map[string]*postState, len(posts))
	b.sorted = nil
	for _, p := range posts {
		b.posts[p.Path] = &postState{post: p}
	}
	// content.Load reports per-file problems as diagnostics; keep them with
	// their post so that a later incremental build still shows them.
	for _, d := range pds {
		if ps := b.posts[d.File]; ps != nil {
			ps.parseDiags = append(ps.parseDiags, d)
		} else {
			diags.Add(d) // about a folder, or a file that is not a post
		}
	}
	b.static = b.walkStatic(diags)
	b.prints = nil
	return nil
}

// reloadChanged re-reads the changed posts and re-walks static files.
func (b *Builder) reloadChanged(changed []string) {
	changedStatic := map[string]bool{}
	for _, c := range changed {
		switch {
		case within(c, b.cfg.StaticDir):
			changedStatic[c] = true
		case within(c, b.cfg.PostsDir) || within(c, b.cfg.DraftsDir):
			b.reloadPost(c)
		}
	}
	if len(changedStatic) > 0 {
		var d diag.List
		b.static = b.walkStatic(&d)
		for p := range changedStatic {
			b.images.forget(p)
		}
	}
}

// reloadPost re-reads one post, or a whole folder that appeared or went.
func (b *Builder) reloadPost(p string) {
	info, err := fs.Stat(b.fsys, p)
	if err != nil {
		// Removed: forget it, and everything that was under it if it was a folder.
		delete(b.posts, p)
		b.sorted = nil
		for k := range b.posts {
			if strings.HasPrefix(k, p+"/") {
				delete(b.posts, k)
			}
		}
		return
	}
	if info.IsDir() {
		_ = fs.WalkDir(b.fsys, p, func(q string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b.reloadPost(q)
			}
			return nil
		})
		return
	}
	if !content.IsSource(path.Base(p)) {
		return
	}
	src, err := fs.ReadFile(b.fsys, p)
	if err != nil {
		b.posts[p] = &postState{post: &content.Post{Path: p}, parseDiags: []diag.Diagnostic{diag.Errorf(p, 0, "cannot read: %v", err)}}
		return
	}
	postsDir := b.cfg.PostsDir
	if within(p, b.cfg.DraftsDir) {
		postsDir = b.cfg.DraftsDir
	}
	post, ds := content.Parse(p, postsDir, src, b.cfg.Location)
	if post == nil {
		b.posts[p] = &postState{post: &content.Post{Path: p}, parseDiags: ds}
		return
	}
	if within(p, b.cfg.DraftsDir) {
		post.Draft = true
	}
	old := b.posts[p]
	ps := &postState{post: post, parseDiags: ds}
	if old != nil && old.rendered && old.renderedOf == post.Hash {
		// Saved without a change (editors do this): keep the rendering.
		*ps = *old
		ps.post, ps.parseDiags = post, ds
	}
	b.posts[p] = ps
}

func (b *Builder) sortedStates() []*postState {
	if len(b.sorted) == len(b.posts) {
		// Same keys as last time (an edit replaced states in place): refresh
		// the entries without sorting 5,000 paths again.
		ok := true
		for i, ps := range b.sorted {
			cur := b.posts[ps.post.Path]
			if cur == nil {
				ok = false
				break
			}
			b.sorted[i] = cur
		}
		if ok {
			return b.sorted
		}
	}
	out := make([]*postState, 0, len(b.posts))
	for _, ps := range b.posts {
		out = append(out, ps)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].post.Path < out[j].post.Path })
	b.sorted = out
	return out
}

// renderBody runs one post's body through Liquid and Markdown.
func (b *Builder) renderBody(ps *postState, ix *postIndex, siteVars map[string]any) {
	p := ps.post
	r := &resolver{ix: ix}
	var ds []diag.Diagnostic
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
	if liquid.NeedsLiquid(body) {
		var lds []diag.Diagnostic
		body, lds = b.liquid.Render(liquid.Input{
			File: p.Path, Body: body, FirstLine: p.BodyLine,
			Site: siteVars, Page: liquidPageVars(ps), Resolver: r,
			Included: read,
		})
		ds = append(ds, lds...)
	}
	out, mds := b.md.Render(markdown.Input{File: p.Path, Source: body, FirstLine: p.BodyLine, SkipExcerpt: p.Excerpt != "", Image: func(src string) markdown.ImageInfo {
		info, static := b.imageLookup(src)
		if static != "" {
			read(static)
		}
		return info
	}})
	ds = append(ds, mds...)
	ps.html, ps.excerpt, ps.text, ps.words = template.HTML(out.HTML), template.HTML(out.Excerpt), out.Text, out.WordCount
	if p.Excerpt != "" {
		ps.excerpt = template.HTML(html.EscapeString(p.Excerpt))
	}
	ps.renderDiags = ds
	ps.asked = r.asked
	ps.reads = reads
	ps.rendered, ps.renderedOf = true, p.Hash
	if b.opts.StreamTo != "" {
		// A one-shot build never renders this body again: let the source go
		// now rather than at the end, to keep the peak memory of large sites low.
		p.Body = nil
	}
	ps.contentHash, ps.excerptHash = hashString(string(ps.html)), hashString(string(ps.excerpt))
}

func liquidPageVars(ps *postState) map[string]any {
	p := ps.post
	vars := make(map[string]any, len(p.Params)+12)
	for k, v := range p.Params {
		vars[k] = v
	}
	vars["title"] = p.Title
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
	return vars
}

// parallel runs fn on every item on all cores, stopping early when ctx is
// cancelled.
func parallel[T any](ctx context.Context, items []T, fn func(T)) error {
	if len(items) == 0 {
		return ctx.Err()
	}
	g, ctx := errgroup.WithContext(ctx)
	workers := min(runtime.GOMAXPROCS(0), len(items))
	var next int
	var mu sync.Mutex
	for range workers {
		g.Go(func() error {
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(items) {
					return nil
				}
				fn(items[i])
			}
		})
	}
	return g.Wait()
}

func sortNewestFirst(ps []*postState) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].post, ps[j].post
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		return a.Path > b.Path
	})
}

func countDrafts(all, included []*postState) int {
	n := 0
	for _, ps := range all {
		if ps.post.Draft {
			n++
		}
	}
	return n
}

func usesAny(used []string, changed map[string]bool) bool {
	for _, u := range used {
		if changed[u] {
			return true
		}
	}
	return false
}

func hasErrors(ds []diag.Diagnostic, strict bool) bool {
	for _, d := range ds {
		if d.Severity == diag.Error || strict {
			return true
		}
	}
	return false
}

// promote turns warnings into errors for --strict builds.
func promote(ds []diag.Diagnostic, strict bool) []diag.Diagnostic {
	if !strict {
		return ds
	}
	out := make([]diag.Diagnostic, len(ds))
	for i, d := range ds {
		d.Severity = diag.Error
		out[i] = d
	}
	return out
}

var fileLineRE = regexp.MustCompile(`^([^\s:]+):(\d+): (.*)$`)

// diagFromError turns a "file:line: message" error from a stage that
// returns plain errors into a diagnostic.
func diagFromError(err error, fallbackFile string) diag.Diagnostic {
	var be *diag.BuildError
	if errors.As(err, &be) && len(be.Diagnostics) > 0 {
		return be.Diagnostics[0]
	}
	msg := err.Error()
	if m := fileLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		return diag.Errorf(m[1], line, "%s", m[3])
	}
	return diag.Errorf(fallbackFile, 0, "%s", msg)
}

// applyBaseURL applies a --base-url override: scheme and host go to URL,
// any path to BaseURL.
func applyBaseURL(cfg *config.Config, override string) error {
	if override == "" {
		return nil
	}
	override = strings.TrimRight(override, "/")
	i := strings.Index(override, "://")
	if i < 0 {
		return fmt.Errorf("--base-url %q: want scheme and host, e.g. https://example.org/blog", override)
	}
	rest := override[i+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		cfg.URL, cfg.BaseURL = override[:i+3+j], rest[j:]
	} else {
		cfg.URL, cfg.BaseURL = override, ""
	}
	return nil
}

// outputPath maps a URL path to the file that serves it: pretty URLs
// ("/a/b/") become "a/b/index.html".
func outputPath(rel string) string {
	p := strings.TrimPrefix(rel, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	if path.Ext(p) == "" {
		return p + "/index.html"
	}
	return p
}

func newFile(data []byte) *File {
	return &File{Data: data, Size: int64(len(data)), Hash: hashBytes(data)}
}

func hashString(s string) uint64 { return xxhash.Sum64String(s) }

func hashBytes(b []byte) uint64 { return xxhash.Sum64(b) }

func diffOutputs(prev, cur *Output) []string {
	var changed []string
	if prev == nil {
		for p := range cur.Files {
			changed = append(changed, p)
		}
		sort.Strings(changed)
		return changed
	}
	for p, f := range cur.Files {
		if old, ok := prev.Files[p]; !ok || old.Hash != f.Hash || old.Size != f.Size {
			changed = append(changed, p)
		}
	}
	for p := range prev.Files {
		if _, ok := cur.Files[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}
