// Package liquid renders the Liquid markup in post bodies before they reach
// Markdown, as Jekyll does: {% post_url %}, {% link %}, {% include %},
// {% include_relative %}, {% highlight %}, {% raw %}, Jekyll's filters and
// the standard control tags; and the tags a site defines with templates in
// place of Jekyll plugins' tags (see tagtemplates.go).
//
// Parsing and evaluation are github.com/osteele/liquid's. This package adds
// the Jekyll tags and filters, and turns everything that can go wrong into
// diagnostics that name the post file and the file line, reporting all the
// problems of a body in one pass instead of stopping at the first: every
// missing post_url target, every unknown tag, every undefined variable that
// would otherwise render as silently empty text.
//
// Differences from Jekyll worth knowing:
//   - markdownify and smartify return their input unchanged, because the
//     rendered body goes through the Markdown stage (with its typographer)
//     anyway; converting twice would wrap inline text in stray paragraphs.
//   - An unknown filter passes its input through unchanged, as in Jekyll,
//     but with a warning instead of silently.
//   - Undefined variables are reported only where they are output
//     ({{ page.nope }}); tests such as {% if page.image %} are the normal way
//     to check optional front matter and stay quiet. A `default` filter in
//     the output silences the warning too.
//   - {% highlight %} becomes a fenced code block for the Markdown stage to
//     highlight. Written after text or inside a list item or block quote,
//     the fence is laid out to stay where the tag is; an include's
//     highlight blocks are laid out for where they sit in the include.
//   - {% include %} variables set with assign stay inside the include.
//   - A {% post_url %} or {% link %} becomes a URL in one way: resolveTarget
//     asks the Resolver. Targets written literally are resolved before
//     rendering, so that every missing one is reported with its line, even
//     in a branch not taken, and their URLs are kept under targetKey. The
//     library's tag and the fast path for bodies with nothing but literal
//     targets, raw and comments (renderSimple) both write those kept URLs;
//     a target made from variables is resolved through resolveTarget as it
//     renders. TestSimpleBodies and FuzzRender hold the fast path's output
//     to the library's.
//   - Jekyll has no limits; here a body stops rendering, with an error,
//     when its loops run too many times, its includes render too often or
//     nest too deep, or its output grows too large (see defaultLimits), so
//     that a typo in a range cannot hang a build or take all the memory.
package liquid

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/osteele/liquid/filters"
	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/tags"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// Resolver answers the site questions that Liquid tags ask. The site implements it per build.
type Resolver interface {
	// PostURL returns the URL (with baseurl) of the post named name, in any of Jekyll's post_url forms:
	// "2021-10-08-slug", "2020/2020-01-20-slug" (subfolder), with no extension; matched by file name
	// first, then by date+slug. When there is none, ok is false and suggestions holds the closest
	// existing names (maybe none).
	PostURL(name string) (url string, ok bool, suggestions []string)
	// LinkURL returns the URL (with baseurl) of the file at a site-relative source path, for
	// {% link content/posts/2021-01-10-x.md %} or {% link static/images/a.png %}.
	LinkURL(path string) (url string, ok bool)
}

// Options configure an Engine.
type Options struct {
	Includes    fs.FS  // the folder {% include %} reads from (the site's templates/includes); may be nil
	IncludesDir string // that folder's path relative to the site root, for messages, e.g. "templates/includes"
	// Tags is the folder of tag templates (see tagtemplates.go): a file
	// NAME.html there defines {% NAME arguments %}, as a plugin would in
	// Jekyll. TagsDir is its path relative to the site root, for messages,
	// e.g. "templates/tags" or "_includes/tags". Either may be empty.
	Tags    fs.FS
	TagsDir string

	// Source is the site's folder, which Input.File is relative to:
	// {% include_relative %} reads from the post's folder in it. It may be
	// nil, and then no file can be included that way.
	Source fs.FS
}

// limits bound the work of rendering one body, including its includes.
type limits struct {
	iterations int // loop iterations, over all the body's for and tablerow loops
	includes   int // include and include_relative tags rendered
	output     int // bytes by which the output may exceed the body's own length, and the size of any value
	written    int // bytes written in all, into the output, includes and captures
}

// defaultLimits are far above what a post needs (posts loop over tags and
// short lists), and low enough that a runaway body fails in well under a
// second and a few tens of megabytes.
var defaultLimits = limits{iterations: 100_000, includes: 100_000, output: 10 << 20, written: 100 << 20}

// Input is one body to render.
type Input struct {
	File      string         // source path for messages
	Body      []byte         // the Liquid source
	FirstLine int            // the file line on which Body starts, so line 1 of Body is reported as FirstLine
	Site      map[string]any // the `site` variable: title, url, baseurl, description, author, and params
	Page      map[string]any // the `page` variable: title, date, url, tags, ... and front matter keys
	Resolver  Resolver

	// Included, when set, is told the site path of every file that
	// {% include_relative %} looked for, found or not, so that a preview
	// can render the body again when one of them changes or appears.
	Included func(path string)
}

// Engine renders Liquid in post bodies. It is safe for concurrent use by many goroutines.
type Engine struct {
	opts Options

	// base compiles every template: compilation depends only on the tags,
	// which all variants share.
	base         *variant
	knownFilters map[string]bool

	// variants differ in the site URLs that relative_url and absolute_url
	// close over (filters see no render context) and in the unknown filter
	// names they let pass through. A build normally needs one or two.
	variants     sync.Map // variantKey string -> *variant
	variantCount atomic.Int64

	includes sync.Map // include file name -> *includeEntry

	templateTags []string // the tags that Options.Tags defines
	tagFiles     sync.Map // tag template file name -> *includeEntry

	outputs     sync.Map // {{ expression }} source -> *outputExpr
	outputCount atomic.Int64

	limits limits // tests lower them

	// loopStep is put first in the body of every loop, to count its
	// iterations (see compile).
	loopStep *render.TagNode
	// capture is the engine's capture block, to copy in place of the
	// library's (see limitNodes).
	capture *render.BlockNode

	// alwaysCompile turns off renderSimple, so that tests can compare it
	// with the library.
	alwaysCompile bool
}

// maxCachedVariants bounds the variant cache for long-running preview
// servers that see many different sets of unknown filters.
const maxCachedVariants = 64

type variant struct {
	cfg render.Config
}

// New returns an Engine with Jekyll's tags and filters.
func New(opts Options) *Engine {
	e := &Engine{opts: opts, knownFilters: map[string]bool{}, limits: defaultLimits, templateTags: tagTemplates(opts.Tags)}
	e.base = e.newVariant("", "", nil, e.knownFilters)
	// The library offers no hook into its loops, and its tag nodes can only
	// be made by compiling; so compile the counting tag once, to copy.
	root, err := e.base.cfg.Compile("{% "+loopStepTag+" %}", parser.SourceLoc{})
	if err != nil {
		panic(fmt.Sprintf("liquid: compiling the loop counter: %v", err))
	}
	e.loopStep = root.(*render.SeqNode).Children[0].(*render.TagNode)
	root, err = e.base.cfg.Compile("{% "+captureTag+" %}{% end"+captureTag+" %}", parser.SourceLoc{})
	if err != nil {
		panic(fmt.Sprintf("liquid: compiling the capture: %v", err))
	}
	e.capture = root.(*render.SeqNode).Children[0].(*render.BlockNode)
	return e
}

// compile compiles a template with the engine's tags, makes its loops
// count their iterations against the limits and its captures render into
// limited buffers.
func (e *Engine) compile(src string, loc parser.SourceLoc) (render.Node, parser.Error) {
	root, err := e.base.cfg.Compile(src, loc)
	if err != nil {
		return nil, err
	}
	e.limitWork(root)
	return root, nil
}

// limitWork rewrites the tree under n: it puts a copy of the counting tag
// first in the body of every for and tablerow loop, located at the loop's
// tag, so that each iteration renders it before anything else; and it
// replaces every capture with the engine's own (see captureCompiler).
func (e *Engine) limitWork(n render.Node) {
	switch n := n.(type) {
	case *render.SeqNode:
		e.limitNodes(n.Children)
	case *render.BlockNode:
		e.limitNodes(n.Body)
		for _, c := range n.Clauses {
			e.limitWork(c)
		}
		if n.Name == "for" || n.Name == "tablerow" {
			step := *e.loopStep
			step.SourceLoc, step.Args = n.SourceLoc, n.Name
			n.Body = append([]render.Node{&step}, n.Body...)
		}
	}
}

// limitNodes rewrites each node of a list, replacing captures in place.
func (e *Engine) limitNodes(nodes []render.Node) {
	for i, c := range nodes {
		e.limitWork(c)
		if b, ok := c.(*render.BlockNode); ok && b.Name == "capture" {
			limited := *e.capture
			limited.SourceLoc, limited.Source, limited.Args = b.SourceLoc, b.Source, b.Args
			limited.Body, limited.Clauses = b.Body, b.Clauses
			nodes[i] = &limited
		}
	}
}

// filterRecorder notes the names of the filters registered through it, so
// that unknown filters can be found before rendering.
// It also bounds the size of every filter's result (see limitFilter).
type filterRecorder struct {
	cfg   *render.Config
	names map[string]bool
	limit func() int
}

func (r filterRecorder) AddFilter(name string, fn any) {
	if r.names != nil {
		r.names[name] = true
	}
	r.cfg.AddFilter(name, limitFilter(name, fn, r.limit))
}

func (e *Engine) newVariant(siteURL, baseURL string, passThrough []string, names map[string]bool) *variant {
	cfg := render.NewConfig()
	rec := filterRecorder{cfg: &cfg, names: names, limit: func() int { return e.limits.output }}
	filters.AddStandardFilters(rec)
	addJekyllFilters(rec, siteURL, baseURL)
	for _, name := range passThrough {
		cfg.AddFilter(name, func(v any, _ ...any) any { return v })
	}
	tags.AddStandardTags(cfg)
	e.addTags(&cfg)
	return &variant{cfg: cfg}
}

func (e *Engine) variantFor(site map[string]any, passThrough []string) *variant {
	siteURL, baseURL := stringOf(site["url"]), stringOf(site["baseurl"])
	if siteURL == "" && baseURL == "" && len(passThrough) == 0 {
		return e.base
	}
	key := siteURL + "\x00" + baseURL + "\x00" + strings.Join(passThrough, "\x00")
	if v, ok := e.variants.Load(key); ok {
		return v.(*variant)
	}
	v := e.newVariant(siteURL, baseURL, passThrough, nil)
	if e.variantCount.Load() < maxCachedVariants {
		if prev, loaded := e.variants.LoadOrStore(key, v); loaded {
			return prev.(*variant)
		}
		e.variantCount.Add(1)
	}
	return v
}

func stringOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// NeedsLiquid reports whether body contains Liquid markup at all ("{{" or "{%"); bodies without it
// skip the engine entirely (most posts; it must be very cheap).
func NeedsLiquid(body []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(body[i:], '{')
		if j < 0 || i+j+1 >= len(body) {
			return false
		}
		i += j + 1
		if c := body[i]; c == '{' || c == '%' {
			return true
		}
	}
}

// maxFilterRetries bounds re-rendering after an unknown filter that the
// source scan could not see (one used inside an include).
const maxFilterRetries = 8

// Render renders in.Body. Errors (a missing post_url target, an unknown tag, a syntax error) are
// diag errors; undefined variables and unknown filters are diag warnings, never silently empty.
// Every diagnostic names in.File and the file line. All problems of one body are reported, not only
// the first (post_url targets especially: report every missing one).
//
// The output is nil when the body could not be parsed or its rendering
// failed; otherwise it is the rendered body even when diagnostics were
// reported (a missing post_url target renders as an empty URL), so that a
// preview can still show the page.
func (e *Engine) Render(in Input) (out []byte, diags []diag.Diagnostic) {
	r := &bodyRender{engine: e, in: &in, first: max(in.FirstLine, 1)}
	defer func() {
		if p := recover(); p != nil {
			// The library panics on a few malformed inputs (an integer
			// literal too large for int, for one); the author still needs to
			// hear which file it was.
			out = nil
			r.diags = append(r.diags, diag.Errorf(in.File, 0, "the Liquid engine could not process this file: %v", p))
			diags = r.finish()
		}
	}()
	out = r.run()
	return out, r.finish()
}

// bodyRender is the work of one Render call.
type bodyRender struct {
	engine *Engine
	in     *Input
	first  int
	diags  []diag.Diagnostic

	// relative holds the files include_relative read in this call. They
	// are read afresh for every body, because they are content that the
	// author edits while a preview server keeps the engine.
	relative map[string]*includeEntry

	work workDone
}

// workDone is what one rendering attempt has done, against the limits.
type workDone struct {
	iterations, includes int
	held, maxHeld        int // output bytes held by the body's, includes' and captures' buffers
	written              int // output bytes written into any of them

	// over is the message of the first limit exceeded; once it is set,
	// every checkpoint stops the rendering.
	over     string
	reported bool
	// The latest checkpoint passed, where output that went over the limit
	// after it is reported.
	lastState *renderState
	lastCtx   render.Context
}

func (r *bodyRender) add(d diag.Diagnostic) { r.diags = append(r.diags, d) }

// exceed records that a limit was exceeded; only the first one is reported.
func (r *bodyRender) exceed(msg string) {
	if r.work.over == "" {
		r.work.over = msg
	}
}

// errOverLimit stops the rendering of a body that went over a limit. The
// limit is reported where it was first noticed, not where this error ends
// up.
var errOverLimit = errors.New("over a rendering limit")

// limitedBuffer holds rendered output, counting it against the body's output
// limit. Past the limit, it drops what it is given without failing: the
// library panics when a write fails at the end of a block. The next
// checkpoint stops the rendering.
type limitedBuffer struct {
	buf bytes.Buffer
	r   *bodyRender
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	w := &b.r.work
	w.written += len(p)
	switch {
	case w.over != "":
	case w.written > b.r.engine.limits.written+len(b.r.in.Body):
		b.r.exceed(fmt.Sprintf("the Liquid rendering wrote more than %s, counting captures and includes; does a loop or include repeat more than intended?", byteSize(b.r.engine.limits.written)))
	case w.held+len(p) > w.maxHeld:
		b.r.exceed(fmt.Sprintf("the Liquid output is more than %s longer than the post; does a loop or include repeat more than intended?", byteSize(b.r.engine.limits.output)))
	default:
		w.held += len(p)
		b.buf.Write(p)
	}
	return len(p), nil
}

// byteSize formats a size limit for messages.
func byteSize(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func (r *bodyRender) run() []byte {
	in := r.in
	sc := scanSource(string(in.Body), r.first, true)

	stop := false
	for _, u := range sc.unclosed {
		r.add(diag.Errorf(in.File, u.line, "%s", unclosedMessage(u)))
		stop = true
	}
	for _, t := range sc.tags {
		if !r.engine.isTag(t.name) {
			r.add(diag.Errorf(in.File, t.line, "%s", r.engine.unknownTag(t.name)))
			stop = true
		}
	}
	resolved := r.resolveStaticTargets(sc.tags)

	var passThrough []string
	for _, f := range sc.filters {
		if !r.engine.knownFilters[f.name] {
			r.add(diag.Warnf(in.File, f.line, "unknown filter %q", f.name))
			if !slices.Contains(passThrough, f.name) {
				passThrough = append(passThrough, f.name)
			}
		}
	}
	if stop {
		return nil
	}
	if !r.engine.alwaysCompile && isSimple(sc.tokens) {
		return renderSimple(sc.source, sc.tokens, resolved)
	}

	root, perr := r.engine.compile(sc.source, parser.SourceLoc{Pathname: r.libraryPath(), LineNo: r.first})
	if perr != nil {
		r.add(diag.Errorf(in.File, r.lineOf(perr), "%s", messageOf(perr)))
		return nil
	}

	site := in.Site
	if site == nil {
		site = map[string]any{}
	}
	page := in.Page
	if page == nil {
		page = map[string]any{}
	}
	found := len(r.diags)
	for attempt := 0; ; attempt++ {
		sort.Strings(passThrough)
		v := r.engine.variantFor(site, passThrough)
		st := &renderState{variant: v, resolver: in.Resolver, resolved: resolved, out: r}
		bindings := map[string]any{"site": site, "page": page, stateKey: st}
		r.work = workDone{maxHeld: len(in.Body) + r.engine.limits.output}
		out := &limitedBuffer{r: r}
		out.buf.Grow(len(in.Body) + len(in.Body)/8)
		rerr := render.Render(root, out, bindings, v.cfg)
		if r.work.over != "" {
			r.reportOverflow()
			return nil
		}
		if rerr == nil {
			return out.buf.Bytes()
		}
		if name, ok := undefinedFilter(rerr); ok && attempt < maxFilterRetries && !slices.Contains(passThrough, name) {
			// Drop what the failed attempt reported: the next one reports it again.
			r.diags = r.diags[:found]
			r.add(diag.Warnf(in.File, r.lineOf(rerr), "unknown filter %q", name))
			found = len(r.diags)
			passThrough = append(passThrough, name)
			continue
		}
		r.add(diag.Errorf(in.File, r.lineOf(rerr), "%s", messageOf(rerr)))
		return nil
	}
}

// reportOverflow reports output that went over the limit after the last
// checkpoint, which therefore did not report it.
func (r *bodyRender) reportOverflow() {
	w := &r.work
	switch {
	case w.reported:
	case w.lastState != nil:
		w.lastState.report(diag.Error, tagLine(w.lastCtx), w.over)
	default:
		r.add(diag.Errorf(r.in.File, 0, "%s", w.over))
	}
	w.reported = true
}

// libraryPath is the template path given to the library. It must not be
// empty: the library keeps the innermost line of an error only when the
// error carries a path.
func (r *bodyRender) libraryPath() string {
	if r.in.File == "" {
		return "body"
	}
	return r.in.File
}

// lineOf returns the file line of a library error, or 0 when the error
// points outside the body.
func (r *bodyRender) lineOf(err parser.Error) int {
	if err.Path() != r.libraryPath() || err.LineNumber() < r.first {
		return 0
	}
	return err.LineNumber()
}

// resolveStaticTargets checks every post_url and link whose target is
// written literally, before rendering, so that each missing one is reported
// with its line even when it sits in a branch that is not rendered. It
// returns the URLs found, for the tags to output.
func (r *bodyRender) resolveStaticTargets(uses []tagUse) map[string]string {
	var resolved map[string]string
	for _, t := range uses {
		if (t.name != "post_url" && t.name != "link") || t.args == "" || strings.Contains(t.args, "{{") {
			continue
		}
		url, ok, msg := resolveTarget(r.in.Resolver, t.name, strings.TrimSpace(t.args))
		if !ok {
			r.add(diag.Errorf(r.in.File, t.line, "%s", msg))
			continue
		}
		if resolved == nil {
			resolved = map[string]string{}
		}
		resolved[targetKey(t.name, t.args)] = url
	}
	return resolved
}

// targetKey is where the URL of a literal post_url or link target is kept
// between resolveStaticTargets and the tag that writes it, whichever
// renderer writes it.
func targetKey(tag, args string) string {
	return tag + "\x00" + strings.TrimSpace(args)
}

// resolveTarget asks the resolver for the URL of a post_url or link target,
// returning the message to report when there is none.
func resolveTarget(res Resolver, tag, target string) (url string, ok bool, msg string) {
	if tag == "link" {
		if res != nil {
			url, ok = res.LinkURL(target)
		}
		if !ok {
			return "", false, fmt.Sprintf("link: no file %q", target)
		}
		return url, true, ""
	}
	var suggestions []string
	if res != nil {
		url, ok, suggestions = res.PostURL(target)
	}
	if ok {
		return url, true, ""
	}
	msg = fmt.Sprintf("post_url: no post named %q", target)
	if len(suggestions) > 0 {
		quoted := make([]string, len(suggestions))
		for i, s := range suggestions {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		msg += "; did you mean " + strings.Join(quoted, ", ") + "?"
	}
	return "", false, msg
}

// finish adds the code block hint and orders the diagnostics.
func (r *bodyRender) finish() []diag.Diagnostic {
	if len(r.diags) == 0 {
		return nil
	}
	fences := fencedRanges(r.in.Body, r.first)
	for i, d := range r.diags {
		if d.Line > 0 && inRanges(fences, d.Line) {
			r.diags[i].Message += " (inside a code block: wrap it in {% raw %}…{% endraw %})"
		}
	}
	diag.Sort(r.diags)
	return r.diags
}

func (e *Engine) isTag(name string) bool {
	if _, ok := e.base.cfg.FindTagDefinition(name); ok {
		return true
	}
	_, ok := e.base.cfg.BlockSyntax(name)
	return ok
}
