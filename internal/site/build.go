package site

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
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

	mu          sync.Mutex
	cfg         *config.Config
	advice      []diag.Diagnostic // warnings about the configuration, given on every build
	theme       *theme
	liquid      *liquid.Engine
	md          *markdown.Renderer
	images      *imageCache
	hl          *highlightStore       // highlighted code blocks, kept across builds
	posts       map[string]*postState // by source path
	sorted      []*postState          // posts by path; nil when posts gained or lost a key
	static      map[string]*File      // output path → file, as walked by the last build
	staticDiags []diag.Diagnostic     // what was wrong with static files at that walk
	own         *siteFiles            // the site's own pages and files outside the posts
	data        map[string]any        // site.data: the data files, as last loaded
	last        *Output               // the last good output
	prints      map[string]uint64     // output path → fingerprint of its inputs, for the last good output
	forceAll    bool                  // the next build must be full (the previous one failed early)
	fixed       fixedMemo             // fixedPrint of the current theme and configuration

	scanned      map[string][]byte // post sources the scan read, for the load that follows
	disk         *bodiesOnDisk     // what the state's body shards on disk hold; nil when not known
	identity     string            // the running binary's (identify), once known
	exeStamp     string            // its executable's stamp, recorded with it
	warmTried    bool              // the saved state was looked at, by the first build
	sizeReported bool              // Options.SourceSize was called
	warm         *warm             // what the first build takes from the saved state, until applied
	lastOnDisk   bool              // last and prints were read from the saved state: the files are in the output folder

	prescan *warmScan      // what SavedPages read and scanned, for the first build
	tracked *trackedInputs // the inputs' fingerprints as of the last good build (see trackInputs)
	unsaved *run           // the last build, incremental and good, whose state Flush saves
	saving  chan struct{}  // closed once the state a build is saving in the background is saved
	saveErr error          // why that save failed, once saving is closed
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

	renderID uint64 // this rendering's number (renderSeq), for the state's shards

	// bodyUnread is set for a post taken from the saved state: its source
	// is read (readBody) only if its body must be rendered.
	bodyUnread bool

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
	metaKey     uint64     // what metaSum was computed from
	metaSum     uint64     // cached metaHash
	fields      *fieldSums // what pages read of the post's own fields, kept across builds (see depprint.go); set by siteModel
	fieldsKey   uint64     // ownFieldsKey of this build's PostData, which fields are kept by
	body        bodyFacts
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
//
// A build is a list of stages, each handing the next what it made through
// a run: load, resolve, render bodies, model, render pages, write.
func (b *Builder) Build(ctx context.Context, changed []string) (*Result, error) {
	return b.build(ctx, changed, nil)
}

// build is Build, and BuildRendering with ready.
func (b *Builder) build(ctx context.Context, changed []string, ready func(*Rendering)) (*Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// A state that could not be saved is saved again by the next full
	// build; Flush reports it.
	_ = b.waitSaving()
	if b.opts.StreamTo != "" {
		// A streamed build lets sources go as it renders them, so whatever
		// happens, a later build must start afresh.
		defer func() { b.forceAll = true }()
	}
	r := &run{ctx: ctx, start: time.Now(), changed: make(map[string]bool, len(changed)), now: b.opts.Now, ready: ready}
	if ready != nil {
		r.pending = map[string]*pendingFile{}
	}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	defer r.abortStaging() // removes staged files unless committed
	defer r.dropSave(b)    // throws away state files begun, unless saved
	defer func() { b.scanned = nil }()
	defer r.dropSavedPages()
	for _, c := range changed {
		r.changed[c] = true
	}
	r.full = changed == nil || b.cfg == nil || b.forceAll || b.needsFull(changed)
	b.forceAll = false
	b.trackInputs(r, changed)
	if res := b.startInputs(r); res != nil {
		return res, nil
	}

	if err := b.load(r, changed); err != nil {
		return nil, err
	}
	b.resolve(r)
	if err := b.renderBodies(r); err != nil {
		return nil, err
	}
	if b.opts.StreamTo != "" {
		b.startBodiesSave(r)
	}
	if err := b.model(r); err != nil {
		return nil, err
	}
	if err := b.renderPages(r); err != nil {
		return nil, err
	}
	return b.write(r)
}

// run is the state of one Build: what each stage hands the next.
type run struct {
	ctx     context.Context
	start   time.Time
	full    bool            // configuration, theme and every post were loaded afresh
	changed map[string]bool // site paths changed since the previous build
	diags   diag.List

	now      time.Time    // posts dated after it are in the future
	states   []*postState // every post, by source path
	included []*postState // the posts this build shows, newest first
	ix       *postIndex   // finds posts for {% post_url %} and {% link %}

	site   *SiteData  // what templates see
	jobs   []*pageJob // every page of the site
	global uint64     // fingerprint of what every page shows

	// With Options.CacheDir: the inputs' fingerprints, taken before any
	// was read, and what the saved state gave or why it gave nothing.
	inputs    map[string]inputPrint
	scanTime  int64
	restored  int    // posts whose rendering came from the saved state
	bodies    int    // post bodies rendered
	stateNote string // why the saved state was not used; "" when it was, or there was none

	save   *stateSave        // the state being written, until write takes it
	stage  *staging          // where pages go as they render, with Options.StreamTo
	onDisk *Output           // the last build's files, as in the output folder, when the saved state says so; else nil
	early  *earlyStaging     // the staging being prepared while the build goes on, until renderPages takes it
	out    *Output           // the built site
	prints map[string]uint64 // output path → fingerprint of its inputs
	todo   []*pageJob        // pages rendered this time, not kept from the last build
	mu     sync.Mutex        // guards out.Files and failed while pages render

	// failed holds the template errors of the pages, each once, with the
	// pages it stopped (see reportTemplateErrors).
	failed map[diag.Diagnostic][]string

	// savedCurrent: no input changed since the saved state, and its saved
	// pages were restored (Options.SavePages); savedPages: those pages,
	// while they are read.
	savedCurrent bool
	savedPages   *savedLoad
	tracked      *trackedInputs // an incremental build's inputs, fingerprinted before they were read

	// With BuildRendering: what to hand the Rendering to, and the work
	// that makes each file still to be made, by output path.
	ready   func(*Rendering)
	pending map[string]*pendingFile
}

// abortStaging removes what a streamed build staged, unless it was
// committed.
func (r *run) abortStaging() {
	if r.early != nil {
		if s, err := r.early.take(); err == nil {
			s.abort()
		}
	}
	if r.stage != nil {
		r.stage.abort()
	}
}

// load reads configuration, templates and every post for a full build, or
// only the changed files for an incremental one. A failure to load leaves
// the Builder needing a full build next time.
func (b *Builder) load(r *run, changed []string) error {
	if !r.full {
		b.reloadChanged(changed)
		return nil
	}
	if err := b.loadAll(&r.diags, r); err != nil {
		b.forceAll = true
		return err
	}
	if hasErrors(r.diags.Sorted(), false) {
		b.forceAll = true
		return &diag.BuildError{Diagnostics: r.diags.Sorted()}
	}
	b.startStaging(r)
	b.applyWarm(r)
	return nil
}

// resolve decides which posts are in this build and where each goes, and
// indexes every post for the links between them.
func (b *Builder) resolve(r *run) {
	r.states = b.sortedStates()
	// Problems of the configuration that leave posts worth checking are
	// reported with the posts' own.
	r.diags.Add(b.cfg.Problems...)
	r.diags.Add(b.staticDiags...)
	byOut := make(map[string]*postState)
	for _, ps := range r.states {
		r.diags.Add(ps.parseDiags...)
		if !b.include(ps, r.now) {
			continue
		}
		if d := urlDiag(ps); d != nil {
			r.diags.Add(*d)
			continue
		}
		if other := byOut[ps.outPath]; other != nil {
			r.diags.Add(diag.Errorf(ps.post.Path, ps.post.URLLine, "URL %s is also the URL of %s; give one of them a different slug or permalink", ps.url, where(other)))
			continue
		}
		byOut[ps.outPath] = ps
		r.included = append(r.included, ps)
	}
	sortNewestFirst(r.included)
	r.ix = newPostIndex(r.states, b.staticURL)
}

// include reports whether a post is in this build and, the first time it
// is, derives its URL, output path, series marker and tag slugs.
func (b *Builder) include(ps *postState, now time.Time) bool {
	p := ps.post
	ps.future = p.HasDate && p.Date.After(now)
	published := p.Published || b.cfg.Unpublished // Jekyll's unpublished: true
	ps.included = (b.opts.Drafts || (!p.Draft && published)) && (b.opts.Future || b.cfg.Future || !ps.future)
	ps.data = nil
	if !ps.included || ps.derived {
		return ps.included
	}
	cfg := b.cfg
	ps.rel = content.Permalink(cfg.Permalink, p)
	ps.url = joinURL(cfg.BaseURL, ps.rel)
	ps.outPath = postOutputPath(ps.rel, b.cfg.Jekyll)
	ps.marker, ps.inSeries = series.OfPost(p, cfg.Series)
	ps.updated = updated(p.Params, p.Date)
	ps.tagSlugs = make([]string, len(p.Tags))
	for i, t := range p.Tags {
		ps.tagSlugs[i] = content.Slugify(t) // as series and :categories are slugged
	}
	ps.derived = true
	return true
}

// renderBodies renders post bodies, Liquid then Markdown, in parallel,
// reusing the previous rendering of every post whose inputs did not change.
func (b *Builder) renderBodies(r *run) error {
	var toRender []*postState
	for _, ps := range r.included {
		if !ps.rendered || ps.renderedOf != ps.post.Hash || !r.ix.stillResolves(ps.asked) || usesAny(ps.reads, r.changed) {
			toRender = append(toRender, ps)
		}
	}
	r.bodies = len(toRender)
	siteVars := b.liquidSiteVars()
	if err := parallel(r.ctx, toRender, func(ps *postState) { b.renderBody(ps, r.ix, siteVars) }); err != nil {
		return err
	}
	for _, ps := range r.included {
		r.diags.Add(ps.renderDiags...)
	}
	if b.opts.CacheDir != "" && r.full {
		// Every code block is highlighted by now. Only full builds write
		// the cache: the preview's incremental rebuilds keep it in memory,
		// where a save would cost milliseconds of every keystroke-to-reload.
		// Bodies taken from the saved state used their blocks without
		// asking for them: keep every block then.
		b.hl.save(b.opts.CacheDir, r.restored == 0)
	}
	if b.opts.StreamTo != "" {
		// As with the sources: a one-shot build has no more use for the
		// highlighted blocks, which its bodies hold copies of. Let them go
		// before the pages, whose garbage then has 8-12 MB more room.
		b.hl.forget()
	}
	return nil
}

// model builds the site model templates see (series, tags, years) and
// lists every page; it stops the build here when the content has errors.
func (b *Builder) model(r *run) error {
	sd, seriesDiags := b.siteModel(r.included)
	r.diags.Add(seriesDiags...)
	b.sitePagesModel(r, sd)
	r.diags.Add(b.advice...)
	if ds := r.diags.Sorted(); hasErrors(ds, b.opts.Strict) {
		return &diag.BuildError{Diagnostics: promote(ds, b.opts.Strict)}
	}
	r.site = sd
	r.jobs, r.global = b.pageJobs(sd, r.included)
	// The site's own page or file at a generated page's path wins.
	kept := r.jobs[:0]
	for _, j := range r.jobs {
		if !b.ownedBySite(j.out) || j.page.Kind == "post" {
			kept = append(kept, j)
		}
	}
	r.jobs = kept
	return nil
}

// renderPages renders every page whose fingerprint changed, and the
// generated files (feeds, sitemap, assets), together on all cores so that
// neither waits for the other on an idle core. Unchanged files are kept
// from the previous build.
func (b *Builder) renderPages(r *run) error {
	b.awaitSavedPages(r)
	r.out = &Output{Files: make(map[string]*File, len(r.jobs)+len(b.static)+16)}
	r.prints = make(map[string]uint64, len(r.jobs))
	for _, j := range r.jobs {
		r.prints[j.out] = j.print
		if f := b.kept(j.out, j.print); f != nil {
			r.out.Files[j.out] = f
			continue
		}
		r.todo = append(r.todo, j)
	}
	gens := b.generated(r.site, r.included, r.global)
	if ds := b.collisions(r, gens); len(ds) > 0 {
		r.diags.Add(ds...)
		return &diag.BuildError{Diagnostics: promote(r.diags.Sorted(), b.opts.Strict)}
	}
	if b.opts.StreamTo != "" {
		var err error
		if r.stage, err = b.staging(r); err != nil {
			return err
		}
		if b.lastOnDisk {
			r.onDisk = b.last
		}
	}
	work := b.generatedWork(r, gens)
	work = append(work, b.sitePageWork(r)...)
	// Partials cached in the previous build may show what has changed since.
	b.theme.partials.reset()
	// The longest pages first: one that lists every post, left to the end,
	// would keep one core busy while the others had nothing left to do.
	sort.SliceStable(r.todo, func(i, k int) bool { return r.todo[i].listed > r.todo[k].listed })
	for _, j := range r.todo {
		work = append(work, r.named(j.out, func() { b.renderPage(r, j) }))
	}
	b.handOver(r)
	if err := parallel(r.ctx, work, func(do func()) { do() }); err != nil {
		return err
	}
	r.reportTemplateErrors()
	r.mu.Lock() // a Rendering may be reading the files
	defer r.mu.Unlock()
	for name, f := range b.static {
		if !b.ownedBySite(name) {
			r.out.Files[name] = f
		}
	}
	return nil
}

// kept returns the previous build's file at out when its fingerprint is
// still print, else nil.
func (b *Builder) kept(out string, print uint64) *File {
	if old, ok := b.prints[out]; ok && old == print && b.last != nil {
		return b.last.Files[out]
	}
	return nil
}

// generatedWork lists the generated files that need making, and keeps the
// others from the previous build.
func (b *Builder) generatedWork(r *run, gens []genJob) []func() {
	var work []func()
	for _, g := range gens {
		if b.ownedBySite(g.out) {
			continue
		}
		r.prints[g.out] = g.print
		if f := b.kept(g.out, g.print); f != nil && (f.Data != nil || b.lastOnDisk) {
			r.out.Files[g.out] = f
			continue
		}
		work = append(work, r.named(g.out, func() { r.add(g.out, r.put(g.out, g.make(), nil)) }))
	}
	return work
}

// renderPage renders one page through its template.
func (b *Builder) renderPage(r *run, j *pageJob) {
	buf, d := b.theme.render(j.tmpl, j.page)
	if d != nil {
		page := j.out
		if j.page.Post != nil {
			page = j.page.Post.Source
		}
		r.templateFailed(*d, page)
		return
	}
	r.add(j.out, r.put(j.out, buf.Bytes(), func() { releaseBuffer(buf) }))
}

// templateFailed records that a template error stopped page, for
// reportTemplateErrors to report once however many pages it stopped.
func (r *run) templateFailed(d diag.Diagnostic, page string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = map[diag.Diagnostic][]string{}
	}
	r.failed[d] = append(r.failed[d], page)
}

// reportTemplateErrors reports each template error once, however many
// pages it stopped, naming the first of them in sorted order, so that the
// message is the same whichever page rendered first.
func (r *run) reportTemplateErrors() {
	for d, pages := range r.failed {
		slices.Sort(pages)
		d.Message += " (rendering " + pages[0]
		if n := len(pages) - 1; n > 0 {
			more := "pages"
			if n == 1 {
				more = "page"
			}
			d.Message += fmt.Sprintf(" and %d more %s", n, more)
		}
		d.Message += ")"
		r.diags.Add(d)
	}
}

// put makes the file for one output path: in memory, or staged on disk in
// a streamed build. release, when not nil, is called once data is no
// longer needed.
func (r *run) put(p string, data []byte, release func()) *File {
	if r.stage == nil {
		f := newFile(bytes.Clone(data))
		if release != nil {
			release()
		}
		return f
	}
	// A page re-rendered because what it shows changed usually differs
	// from the output folder's, which the record then says without the
	// file being read.
	var old *File
	if r.onDisk != nil {
		old = r.onDisk.Files[p]
	}
	return r.stage.put(p, data, release, old)
}

// add records one rendered file of the output.
func (r *run) add(p string, f *File) {
	r.mu.Lock()
	r.out.Files[p] = f
	r.mu.Unlock()
}

// write fails the build on errors (or, with Strict, warnings); otherwise it
// commits a streamed build to disk and keeps the output for the next build.
func (b *Builder) write(r *run) (*Result, error) {
	ds := r.diags.Sorted()
	if hasErrors(ds, b.opts.Strict) {
		return nil, &diag.BuildError{Diagnostics: promote(ds, b.opts.Strict)}
	}
	var save *stateSave
	var pages *pagesSave
	if r.inputs != nil && !b.stateCurrent(r) {
		save, pages = b.startStateSave(r), b.startPagesSave(r)
	}
	var written WriteStats
	if r.stage != nil {
		if b.lastOnDisk {
			// Files kept from the saved state are in the output folder:
			// link them, unread; Commit copies any that cannot be linked.
			r.stage.keep(r.ctx, b.keptFromDisk(r.out))
		}
		var err error
		if written, err = r.stage.commit(r.ctx, r.out); err != nil {
			if save != nil {
				pages.finish(b, false)
				save.finish(b, false)
			}
			return nil, err
		}
	}
	res := &Result{
		Output:      r.out,
		Diagnostics: ds,
		Changed:     diffOutputs(b.last, r.out),
		Stats: Stats{
			Posts:    len(r.included),
			Drafts:   countDrafts(r.states, r.included),
			Pages:    len(r.jobs),
			Files:    len(r.out.Files),
			Rendered: len(r.todo),
			Bodies:   r.bodies,
		},
		Written: written,
	}
	b.last, b.prints, b.lastOnDisk = r.out, r.prints, false
	b.keepTracking(r)
	if r.stateNote != "" {
		res.StateNote = "the saved build state was not used: " + r.stateNote
	}
	if save != nil && r.stage == nil && b.savesPages() {
		b.finishLater(save, pages)
	} else if save != nil {
		// While the old tree is removed.
		if err := firstErr(pages.finish(b, true), save.finish(b, true)); err != nil {
			res.StateNote = strings.TrimPrefix(res.StateNote+"; ", "; ") + err.Error()
		}
	}
	if r.stage != nil {
		r.stage.wait()
	}
	res.Stats.Duration = time.Since(r.start)
	return res, nil
}

// parallel runs fn on every item on all cores, stopping early when ctx is
// cancelled.
func parallel[T any](ctx context.Context, items []T, fn func(T)) error {
	return parallelN(ctx, runtime.GOMAXPROCS(0), items, fn)
}

// parallelIO runs fn on every item with more workers than cores, for work
// that mostly waits on reading files, so that the reads overlap.
func parallelIO[T any](items []T, fn func(T)) {
	_ = parallelN(context.Background(), 8, items, fn) // never cancelled, so never an error
}

// parallelN runs fn on every item with at most n workers, stopping early
// when ctx is cancelled.
func parallelN[T any](ctx context.Context, n int, items []T, fn func(T)) error {
	if len(items) == 0 {
		return ctx.Err()
	}
	g, ctx := errgroup.WithContext(ctx)
	workers := min(n, len(items))
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

// outputPath maps a URL path to the file that serves it: pretty URLs
// ("/a/b/") become "a/b/index.html".
func outputPath(rel string) string { return postOutputPath(rel, false) }

// postOutputPath is outputPath for a post's URL, which may have escapes
// ("/deep%20dive/" is the folder "deep dive") and, in Jekyll's layout,
// neither a slash at the end nor an extension: Jekyll writes "/a" as
// "a.html", which servers serve at /a.
func postOutputPath(rel string, jekyll bool) string {
	if jekyll {
		return content.OutputPath(rel, ".html")
	}
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
