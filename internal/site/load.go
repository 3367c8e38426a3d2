package site

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/liquid"
	"github.com/weeknotes/weeknotes/internal/markdown"
)

// The load stage: configuration, theme and posts, read afresh for a full
// build or only where they changed for an incremental one.

// needsFull reports whether a change invalidates more than posts: the
// configuration and templates shape every page.
func (b *Builder) needsFull(changed []string) bool {
	for _, c := range changed {
		if c == b.cfg.File || isConfigName(c) || within(c, b.cfg.TemplatesDir) || within(c, b.cfg.IncludesDir) {
			return true
		}
		// The site's own pages and files: few, and read again whole.
		if within(c, b.cfg.PagesDir) || within(c, b.cfg.DataDir) || b.cfg.Jekyll && !content.IsPostPath(b.cfg, c) && !within(c, b.cfg.StaticDir) {
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

// loadAll reads configuration, templates and every post afresh, or takes
// the posts whose sources are unchanged from the saved state (r is the
// build's run, for its inputs' fingerprints).
func (b *Builder) loadAll(diags *diag.List, r *run) error {
	cfg, err := config.Load(b.fsys)
	if err != nil {
		diags.Add(diagFromError(err, "weeknotes.yaml"))
		return &diag.BuildError{Diagnostics: diags.Sorted()}
	}
	if err := applyBaseURL(cfg, b.opts.BaseURL); err != nil {
		return err
	}
	b.cfg = cfg
	b.advice = configAdvice(cfg, b.opts.Preview)
	th, tds := loadTheme(b.opts.Theme, b.fsys, cfg)
	diags.Add(tds...)
	b.theme = th
	tagsDir := tagTemplatesDir(cfg)
	b.liquid = liquid.New(liquid.Options{
		Includes: b.includes(cfg), IncludesDir: cfg.IncludesDir,
		Tags: subOrNil(b.fsys, tagsDir), TagsDir: tagsDir,
		Source: b.fsys,
	})
	b.md = markdown.New(markdown.Options{
		Highlights: b.hl,
		Image:      func(src string) markdown.ImageInfo { info, _ := b.imageLookup(src); return info },
		Kramdown:   cfg.Markdown == config.MarkdownKramdown,
	})
	b.images.reset()

	cached, unread := b.savedPosts(r, cfg)
	scanned := b.scanned
	b.scanned = nil
	posts, pds := content.LoadWith(b.fsys, cfg, content.LoadOptions{Drafts: true, Cached: cached, Read: func(p string) ([]byte, bool) {
		data, ok := scanned[p]
		return data, ok
	}})
	b.posts = make(map[string]*postState, len(posts))
	b.sorted = nil
	for _, p := range posts {
		b.posts[p.Path] = &postState{post: p, bodyUnread: unread[p.Path]}
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
	b.static, b.staticDiags = b.walkStatic()
	b.loadSiteFiles(diags)
	var dds []diag.Diagnostic
	b.data, dds = content.LoadData(b.fsys, cfg.DataDir)
	diags.Add(dds...)
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
		case content.IsPostPath(b.cfg, c):
			b.reloadPost(c)
		}
	}
	if len(changedStatic) > 0 {
		b.static, b.staticDiags = b.walkStatic()
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
	if !content.IsSourceFor(path.Base(p), b.cfg.Jekyll) {
		return
	}
	src, err := fs.ReadFile(b.fsys, p)
	if err != nil {
		b.posts[p] = &postState{post: &content.Post{Path: p}, parseDiags: []diag.Diagnostic{diag.Errorf(p, 0, "cannot read: %v", err)}}
		return
	}
	post, ds := b.parsePost(p, src)
	if post == nil {
		b.posts[p] = &postState{post: &content.Post{Path: p}, parseDiags: ds}
		return
	}
	old := b.posts[p]
	ps := &postState{post: post, parseDiags: ds}
	if old != nil && old.rendered && old.renderedOf == post.Hash {
		// Saved without a change (editors do this): keep the rendering.
		*ps = *old
		ps.post, ps.parseDiags, ps.bodyUnread = post, ds, false
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

// tagTemplatesDir is where a site defines tags that stand in for Jekyll
// plugins' (see liquid.Options.Tags): tags/ in the includes folder of a
// Jekyll site (_includes/tags), in the templates folder otherwise
// (templates/tags). A change there reloads everything, as a change to
// either folder does.
func tagTemplatesDir(cfg *config.Config) string {
	if cfg.Jekyll {
		return path.Join(cfg.IncludesDir, "tags")
	}
	return path.Join(cfg.TemplatesDir, "tags")
}

// includes is where {% include %} reads: the site's includes folder (a
// Jekyll site's _includes, or includes_dir), then the site's
// templates/includes, then the default theme's, the first that has the
// file winning, as a Jekyll site's includes win over its theme's.
func (b *Builder) includes(cfg *config.Config) fs.FS {
	var layers fs.FS = subOrNil(b.opts.Theme, "includes")
	dirs := []string{path.Join(cfg.TemplatesDir, "includes"), cfg.IncludesDir}
	for i, dir := range dirs {
		if i > 0 && dir == dirs[0] {
			continue
		}
		if sub := subOrNil(b.fsys, dir); sub != nil {
			layers = overlayFS{top: sub, bottom: layers}
		}
	}
	if layers == nil {
		return nil
	}
	return layers
}

// parsePost parses the post or draft at the site path p: a draft of a
// Jekyll layout is dated by its file's modification time when it has no
// date, as in a full load.
func (b *Builder) parsePost(p string, src []byte) (*content.Post, []diag.Diagnostic) {
	if drafts := content.DraftsDirOf(b.cfg, p); drafts != "" {
		var modTime time.Time
		if info, err := fs.Stat(b.fsys, p); err == nil && b.cfg.Jekyll {
			modTime = info.ModTime()
		}
		return content.ParseDraft(b.cfg, p, drafts, src, modTime)
	}
	postsDir := b.cfg.PostsDir
	if dir, _, ok := strings.Cut(p, "/_posts/"); ok && b.cfg.Jekyll && !within(p, postsDir) {
		postsDir = dir + "/_posts"
	}
	return content.ParseSite(b.cfg, p, postsDir, src)
}
