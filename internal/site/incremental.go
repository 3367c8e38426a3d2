package site

import (
	"bufio"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/fileio"
	"github.com/weeknotes/weeknotes/internal/output"
)

// Incremental builds across runs: a full build with Options.CacheDir
// fingerprints every input before it reads any, and once it has succeeded
// saves what it rendered (see state.go). The next run's first build
// compares the inputs with those fingerprints and:
//   - when nothing changed, the output folder is the one that build
//     wrote, and no post has come of age, it returns at once, writing
//     nothing;
//   - otherwise it loads the site afresh but takes every post's rendered
//     body whose source is unchanged, and every page whose fingerprint is
//     unchanged from the output folder, so that only what a change affects
//     is rendered.
// A state it cannot trust (another binary, other options, a damaged file,
// a changed configuration or theme, a change to an input the incremental
// path does not know) is ignored, and Result.StateNote says why.

// warm is what the first build of a Builder took from the saved state.
type warm struct {
	state   *buildState
	changed []string // input paths changed since the state was saved

	// The saved bodies, and whether the output folder is the state's, are
	// read in the background from the moment the state is known, while
	// the configuration, theme and posts load: applyWarm waits for them.
	bodies chan warmBodies
	destOK chan bool
}

// warmBodies is what readBodies returned.
type warmBodies struct {
	bodies map[string]*bodyState
	disk   *bodiesOnDisk
	note   string
}

// startReads begins reading what applyWarm needs of the saved state.
func (b *Builder) startReads(w *warm) {
	w.bodies, w.destOK = make(chan warmBodies, 1), make(chan bool, 1)
	go func() {
		bodies, disk, note := b.readBodies(w.state)
		w.bodies <- warmBodies{bodies, disk, note}
	}()
	go func() { w.destOK <- b.destMatches(w.state) }()
}

// stateNames are the files of the state for this Builder's options.
func (b *Builder) stateNames() (small, bodies string) {
	h := newHasher()
	h.str(b.optionsKey())
	key := strconv.FormatUint(h.sum(), 16)
	return "build-" + key + ".state", "bodies-" + key + ".state"
}

// postsName is the posts file of the state for this Builder's options.
func (b *Builder) postsName() string {
	small, _ := b.stateNames()
	return "posts-" + strings.TrimPrefix(small, "build-")
}

// optionsKey is every option that shapes the output.
func (b *Builder) optionsKey() string {
	o := b.opts
	return fmt.Sprintf("drafts=%v future=%v preview=%v baseurl=%q", o.Drafts, o.Future, o.Preview, o.BaseURL)
}

// destAbs is the output folder, absolute, or "" when the build keeps
// pages in memory.
func (b *Builder) destAbs() string {
	if b.opts.StreamTo == "" {
		return ""
	}
	abs, err := filepath.Abs(b.opts.StreamTo)
	if err != nil {
		return ""
	}
	return abs
}

// scanSkips are the folders under the source that are not inputs: the
// cache, the destination and the folders a build keeps beside it.
func (b *Builder) scanSkips() []string {
	skips := []string{b.opts.CacheDir, b.opts.StreamTo}
	if b.opts.StreamTo != "" {
		skips = append(skips, output.Beside(b.opts.StreamTo)...)
	}
	return skips
}

// identify names the running binary (binaryIdentity), once for the
// Builder, with the state it found.
func (b *Builder) identify(prev *buildState) string {
	if b.identity == "" {
		b.identity, b.exeStamp = binaryIdentity(prev)
	}
	return b.identity
}

// readState loads the small state file, or explains why it cannot be used;
// a missing file needs no explanation.
func (b *Builder) readState() (*buildState, string) {
	small, _ := b.stateNames()
	data, err := readStateFile(b.opts.CacheDir, small)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, ""
		}
		return nil, fmt.Sprintf("cannot read the build state (%v)", err)
	}
	st, err := decodeBuildState(data)
	switch {
	case err != nil:
		return nil, "the build state is damaged"
	case st.Identity != b.identify(st):
		return nil, "the build state was saved by another version of weeknotes"
	case st.Options != b.optionsKey():
		return nil, "the build state was saved with other options"
	}
	return st, ""
}

// startInputs fingerprints the inputs of a full build with a cache
// folder, before anything reads them; the first build of a Builder also
// looks at the saved state (startWarm).
func (b *Builder) startInputs(r *run) *Result {
	if !r.full || b.opts.CacheDir == "" {
		return nil
	}
	if !b.warmTried {
		b.warmTried = true
		return b.startWarm(r)
	}
	r.inputs, r.scanTime = b.scan(nil)
	return nil
}

// reportSize passes the bytes of the sources among inputs to
// Options.SourceSize, once: those in hidden folders, node_modules and
// vendor, which are never content, do not count.
func (b *Builder) reportSize(inputs map[string]inputPrint) {
	if b.opts.SourceSize == nil || b.sizeReported {
		return
	}
	b.sizeReported = true
	var total int64
	for rel, in := range inputs {
		if content.IsSource(path.Base(rel)) && !ignoredForSize(rel) {
			total += in.Size
		}
	}
	b.opts.SourceSize(total)
}

// ignoredForSize reports whether the site path rel is in a folder that
// never holds content (content.NeverContent).
func ignoredForSize(rel string) bool {
	dirs := strings.Split(rel, "/")
	return slices.ContainsFunc(dirs[:len(dirs)-1], content.NeverContent)
}

// startWarm runs before the first build of a Builder with a cache folder:
// it fingerprints the inputs and compares them with the saved state. It
// returns a result when nothing changed and nothing need be written.
func (b *Builder) startWarm(r *run) *Result {
	ws := b.scanWarm()
	b.reportSize(ws.inputs)
	st := ws.state
	r.stateNote, r.inputs, r.scanTime = ws.note, ws.inputs, ws.scanTime
	if st == nil {
		return nil
	}
	w := &warm{state: st, changed: diffInputs(st.Inputs, r.inputs)}
	// A strict build fails on the warnings a build before let pass, so it
	// goes the whole way to report them as errors.
	strictFails := b.opts.Strict && hasErrors(st.Diags, true)
	if len(w.changed) == 0 && !strictFails && b.unchangedOutput(st, r.now) {
		return b.noChangeResult(r, st)
	}
	b.warm = w
	b.startReads(w)
	for _, c := range w.changed {
		r.changed[c] = true
	}
	return nil
}

// unchangedOutput reports whether the output folder is the one the state
// describes and no post has come of age since: the marker, which lists
// every file written, is the one that build wrote.
func (b *Builder) unchangedOutput(st *buildState, now time.Time) bool {
	if st.ValidUntil != 0 && !now.Before(time.Unix(0, st.ValidUntil)) {
		return false
	}
	return b.destMatches(st)
}

// destMatches reports whether the output folder is the state's and holds
// what it recorded: the same marker (which lists every file written) and
// every recorded file at its recorded size. A file changed in place at the
// same size is not noticed; the output folder is the build's, not the
// author's.
func (b *Builder) destMatches(st *buildState) bool {
	dest := b.destAbs()
	if dest == "" || dest != st.Dest || markerHash(dest) != st.Marker {
		return false
	}
	paths := sortedKeys(st.Pages)
	var bad atomic.Bool
	parallelIO(paths, func(p string) {
		if bad.Load() {
			return
		}
		info, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(p)))
		if err != nil || !info.Mode().IsRegular() || info.Size() != st.Pages[p].Size {
			bad.Store(true)
		}
	})
	return !bad.Load()
}

func markerHash(dest string) uint64 {
	data, err := fileio.ReadFile(filepath.Join(dest, MarkerFile))
	if err != nil {
		return 0
	}
	return hashBytes(data)
}

// noChangeResult is the result of a build that found nothing to do.
func (b *Builder) noChangeResult(r *run, st *buildState) *Result {
	out := &Output{Files: make(map[string]*File, len(st.Pages))}
	for p, pg := range st.Pages {
		out.Files[p] = &File{Size: pg.Size, Hash: pg.Hash, Source: filepath.Join(st.Dest, filepath.FromSlash(p))}
	}
	stats := st.Stats
	stats.Duration = time.Since(r.start)
	b.forceAll = true // the Builder holds none of the site
	return &Result{
		Output:      out,
		Diagnostics: st.Diags,
		Stats:       stats,
		Written:     WriteStats{Unchanged: st.Stats.Files},
		NoChange:    true,
	}
}

// applyWarm runs after a full load: it checks that the configuration and
// theme are those of the saved state and that every changed input is one
// the incremental path knows, then gives each post its saved rendering and,
// when the output folder is the state's, each page its saved fingerprint.
func (b *Builder) applyWarm(r *run) {
	w := b.warm
	b.warm = nil
	if w == nil {
		return
	}
	st := w.state
	switch {
	case st.Config != configPrint(b.cfg):
		r.stateNote = "the configuration changed since the last build"
		return
	case st.Theme != b.theme.hash:
		r.stateNote = "the templates changed since the last build"
		return
	}
	for _, c := range w.changed {
		if !b.incrementalInput(c) {
			r.stateNote = c + " changed since the last build"
			return
		}
	}
	read := <-w.bodies
	bodies, disk := read.bodies, read.disk
	if read.note != "" {
		r.stateNote = read.note
		return
	}
	for p, ps := range b.posts {
		if bs := bodies[p]; bs != nil && bs.RenderedOf == ps.post.Hash {
			ps.restore(bs)
			disk.ids[p] = ps.renderID
			r.restored++
		}
	}
	b.disk = disk
	if <-w.destOK {
		b.restorePages(st)
	} else if b.savesPages() {
		b.restoreSavedPages(r, st, len(w.changed) == 0)
	}
}

// incrementalInput reports whether a change to the site path p can be
// followed without building everything: posts and static files can.
func (b *Builder) incrementalInput(p string) bool {
	cfg := b.cfg
	if p == cfg.File || isConfigName(p) || within(p, cfg.TemplatesDir) || within(p, cfg.IncludesDir) {
		return false
	}
	return within(p, cfg.PostsDir) || within(p, cfg.DraftsDir) || within(p, cfg.StaticDir) || content.IsPostPath(cfg, p)
}

// configPrint fingerprints the loaded configuration. Its time zone is
// named, not printed as a pointer, and the header rules' compiled globs are
// left out (their pattern stays in), so that the same file gives the same
// fingerprint in every process: fmt prints a pointer as its address.
func configPrint(cfg *config.Config) uint64 {
	c := *cfg
	zone := c.Location.String()
	c.Location = nil
	c.Headers = slices.Clone(c.Headers)
	for i := range c.Headers {
		c.Headers[i].Match = nil
	}
	return hashString(fmt.Sprintf("%+v|%s", c, zone))
}

// restore gives a post the rendering saved for the same source.
func (ps *postState) restore(bs *bodyState) {
	ps.rendered, ps.renderedOf = true, bs.RenderedOf
	ps.html, ps.excerpt, ps.text, ps.words = template.HTML(bs.HTML), template.HTML(bs.Excerpt), bs.Text, bs.Words
	ps.asked, ps.reads, ps.renderDiags = bs.Asked, bs.Reads, bs.Diags
	ps.contentHash, ps.excerptHash = bs.ContentHash, bs.ExcerptHash
	ps.body = bodyFacts{of: bs.ContentHash, known: true, image: bs.Image, hasCode: bs.HasCode}
	ps.renderID = renderSeq.Add(1)
}

// restorePages makes the saved pages the previous build's output: files
// in the output folder, to be kept while their fingerprints hold.
func (b *Builder) restorePages(st *buildState) {
	b.prints = make(map[string]uint64, len(st.Pages))
	b.last = &Output{Files: make(map[string]*File, len(st.Pages))}
	for p, pg := range st.Pages {
		b.prints[p] = pg.Print
		b.last.Files[p] = &File{Size: pg.Size, Hash: pg.Hash, Source: filepath.Join(st.Dest, filepath.FromSlash(p))}
	}
	b.lastOnDisk = true
}

// stateOf makes the small file of the state to save from a finished build.
func (b *Builder) stateOf(r *run) *buildState {
	st := &buildState{
		Identity: b.identify(nil), ExeStamp: b.exeStamp, Options: b.optionsKey(),
		Config: configPrint(b.cfg), Theme: b.theme.hash,
		ScanTime: r.scanTime, Dest: b.destAbs(), Inputs: r.inputs,
		Pages: make(map[string]pagePrint, len(r.prints)),
		Diags: r.diags.Sorted(),
		Stats: Stats{Posts: len(r.included), Drafts: countDrafts(r.states, r.included), Pages: len(r.jobs), Files: len(r.out.Files)},
	}
	for p, print := range r.prints {
		if f := r.out.Files[p]; f != nil {
			st.Pages[p] = pagePrint{Print: print, Size: f.Size, Hash: f.Hash}
		}
	}
	for _, ps := range r.states {
		if p := ps.post; ps.future && p.HasDate && (st.ValidUntil == 0 || p.Date.UnixNano() < st.ValidUntil) {
			st.ValidUntil = p.Date.UnixNano()
		}
	}
	return st
}

// bodiesOf is every rendered body of a build, to save, with the number of
// each one's rendering.
func bodiesOf(r *run) (map[string]*bodyState, map[string]uint64) {
	bodies := make(map[string]*bodyState, len(r.included))
	ids := make(map[string]uint64, len(r.included))
	for _, ps := range r.included {
		if !ps.rendered {
			continue
		}
		bodies[ps.post.Path] = &bodyState{
			RenderedOf: ps.renderedOf, HTML: string(ps.html), Excerpt: string(ps.excerpt), Text: ps.text, Words: ps.words,
			Asked: ps.asked, Reads: ps.reads, Diags: ps.renderDiags, ContentHash: ps.contentHash, ExcerptHash: ps.excerptHash,
			Image: ps.body.image, HasCode: ps.body.hasCode,
		}
		ids[ps.post.Path] = ps.renderID
	}
	return bodies, ids
}

// stateSave is a build state being saved: the bodies and parsed posts are
// written in the background from the moment the bodies are rendered (they
// do not change after), and put in place, with the small file that
// vouches for them, only once the output is committed.
type stateSave struct {
	st       *buildState // the small file, made once the build is written
	shards   [bodyShards]shardWrite
	ids      map[string]uint64 // the rendering of each body saved
	postsTmp string            // the parsed posts, under a temporary name
	postsSum uint64
	err      error
	done     chan struct{}
}

// startBodiesSave begins writing the bodies and parsed posts of a full
// build with a cache folder, in the background. A one-shot build calls it
// as soon as its bodies are rendered, so that the writing overlaps the
// pages; the save is r.save until startStateSave takes it.
func (b *Builder) startBodiesSave(r *run) {
	if r.inputs == nil || r.save != nil {
		return
	}
	bodies, ids := bodiesOf(r)
	s := &stateSave{done: make(chan struct{}), ids: ids}
	states, loc, disk := slices.Clone(r.states), b.cfg.Location, b.disk
	go func() {
		defer close(s.done)
		s.shards, s.err = b.writeShards(bodies, ids, disk)
		if s.err != nil {
			return
		}
		s.postsTmp, s.err = writeStateTemp(b.opts.CacheDir, b.postsName(), func(w *bufio.Writer) (err error) {
			s.postsSum, err = encodePosts(w, states, loc)
			return err
		})
		if s.err != nil {
			removeShardTemps(s.shards)
		}
	}()
	r.save = s
}

// startStateSave takes the save startBodiesSave began (or begins it) for
// a finished full build, with its small file.
func (b *Builder) startStateSave(r *run) *stateSave {
	b.startBodiesSave(r)
	s := r.save
	r.save = nil
	s.st = b.stateOf(r)
	return s
}

// dropSave throws away a save begun for a build that then failed, or
// that found the state current.
func (r *run) dropSave(b *Builder) {
	if r.save != nil {
		r.save.finish(b, false)
		r.save = nil
	}
}

// finish puts the state in place after a successful commit, or, with ok
// false, throws the bodies away.
func (s *stateSave) finish(b *Builder, ok bool) error {
	<-s.done
	if s.err != nil {
		return s.err
	}
	if !ok {
		removeShardTemps(s.shards)
		os.Remove(s.postsTmp)
		return nil
	}
	// Until the small file is written, what is on disk is no state's.
	b.disk = nil
	small, _ := b.stateNames()
	if err := b.putShards(s.shards); err != nil {
		os.Remove(s.postsTmp)
		return err
	}
	if err := renameState(s.postsTmp, b.opts.CacheDir, b.postsName()); err != nil {
		return err
	}
	for i, sh := range s.shards {
		s.st.Bodies[i] = sh.sum
	}
	s.st.Posts = s.postsSum
	if s.st.Dest != "" {
		s.st.Marker = markerHash(s.st.Dest)
	}
	if err := writeStateFile(b.opts.CacheDir, small, s.st.encode); err != nil {
		return err
	}
	b.disk = onDisk(s.shards, s.ids)
	pruneStates(b.opts.CacheDir, strings.TrimSuffix(strings.TrimPrefix(small, "build-"), ".state"))
	return nil
}

// keptFromDisk lists the files of out kept from the saved state's output.
func (b *Builder) keptFromDisk(out *Output) []string {
	var paths []string
	for p, f := range out.Files {
		if b.last.Files[p] == f {
			paths = append(paths, p)
		}
	}
	return paths
}
