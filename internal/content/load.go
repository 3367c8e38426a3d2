package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// editorLeftovers are name endings of files editors write beside the real
// one: backups (~), Vim swap files, temporary saves and Vim's probe file
// "4913", which it creates to test that a folder is writable.
var editorLeftovers = []string{"~", ".swp", ".swx", ".tmp", "4913"}

// IsSource reports whether a path under a posts folder is a post source
// (.md, .markdown) and not an editor leftover; the preview server uses it to
// ignore swap files. Hidden files (".name") and Emacs lock and autosave
// files ("#name#", ".#name") are leftovers too.
func IsSource(name string) bool {
	base := filepath.Base(name)
	if base == "" || base[0] == '.' || base[0] == '#' {
		return false
	}
	for _, ending := range editorLeftovers {
		if strings.HasSuffix(base, ending) {
			return false
		}
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".md", ".markdown":
		return true
	}
	return false
}

// IsSourceFor is IsSource for a site: in Jekyll's layout an HTML file
// (.html, .htm) in _posts is a post too, its body HTML rather than Markdown.
func IsSourceFor(name string, jekyll bool) bool {
	if IsSource(name) {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	return jekyll && (ext == ".html" || ext == ".htm") && IsSource(strings.TrimSuffix(name, path.Ext(name))+".md")
}

// names returns the file name without extension and the path under dir
// without extension: the two forms post_url accepts.
func names(p, dir string) (name, relName string) {
	e := path.Ext(p)
	name = strings.TrimSuffix(path.Base(p), e)
	relName = p
	if dir != "" && dir != "." {
		relName = strings.TrimPrefix(p, strings.TrimSuffix(dir, "/")+"/")
	}
	return name, strings.TrimSuffix(relName, e)
}

// source is one file to parse.
type source struct {
	path     string
	dir      string // the posts or drafts folder it was found under
	inDrafts bool
	modTime  time.Time // a draft's, in Jekyll's layout: its date when it has none
}

// Load reads every post under cfg.PostsDir (subfolders included) and, when
// drafts is true, cfg.DraftsDir (those posts get Draft=true), in parallel
// on all cores, skipping editor leftovers (see IsSource) and hidden folders.
// Posts are returned sorted by Path. Unreadable files are error diagnostics
// naming the file and are left out; posts with problems in their text are
// returned along with diagnostics about them. A missing posts folder is a
// warning, since the site then has no posts; a missing drafts folder is normal.
func Load(fsys fs.FS, cfg *config.Config, drafts bool) ([]*Post, []diag.Diagnostic) {
	return LoadWith(fsys, cfg, LoadOptions{Drafts: drafts})
}

// LoadOptions are Load's, with what a caller knows already of the sources.
type LoadOptions struct {
	Drafts bool // read the drafts folder too
	// Cached, when not nil, gives the post an earlier run parsed from the
	// source at path, exactly as parsing it again would give it but for its
	// Body, with what parsing it said; ok false has the source read and
	// parsed. A draft dated by its file's time is always read.
	Cached func(path string) (post *Post, diags []diag.Diagnostic, ok bool)
	// Read, when not nil, gives the bytes of the source at path when the
	// caller read them already (a scan that fingerprinted them); ok false
	// has them read from the file system.
	Read func(path string) (data []byte, ok bool)
}

// LoadWith is Load with opts. Cached and Read are called on several
// goroutines at once.
func LoadWith(fsys fs.FS, cfg *config.Config, opts LoadOptions) ([]*Post, []diag.Diagnostic) {
	drafts, cached := opts.Drafts, opts.Cached
	var sources []source
	var ds []diag.Diagnostic
	skip := ""
	if cfg.DraftsDir != cfg.PostsDir {
		skip = cfg.DraftsDir // drafts kept inside the posts folder are not posts
	}
	for _, dir := range PostFolders(fsys, cfg) {
		sources, ds = walk(fsys, dir, skip, false, cfg.Jekyll, sources, ds)
	}
	if cfg.Jekyll {
		sources, ds = jekyllPostNames(sources, ds)
	}
	if drafts && cfg.DraftsDir != "" && cfg.DraftsDir != cfg.PostsDir {
		for _, dir := range DraftFolders(fsys, cfg) {
			sources, ds = walk(fsys, dir, "", true, cfg.Jekyll, sources, ds)
		}
	}

	posts := make([]*Post, len(sources))
	found := make([][]diag.Diagnostic, len(sources))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(sources)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sources) {
					return
				}
				s := sources[i]
				if cached != nil && s.modTime.IsZero() {
					if p, d, ok := cached(s.path); ok {
						posts[i], found[i] = p, d
						continue
					}
				}
				src, err := readSource(fsys, s.path, opts.Read)
				if err != nil {
					found[i] = []diag.Diagnostic{diag.Errorf(s.path, 0, "cannot read the file: %v", pathless(err))}
					continue
				}
				posts[i], found[i] = parse(s.path, s.dir, src, rulesOf(cfg), s.inDrafts, s.modTime)
			}
		})
	}
	wg.Wait()

	out := make([]*Post, 0, len(posts))
	for i, p := range posts {
		ds = append(ds, found[i]...)
		if p != nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	diag.Sort(ds)
	return out, ds
}

// readSource reads one source, or takes the bytes read gives for it.
func readSource(fsys fs.FS, p string, read func(string) ([]byte, bool)) ([]byte, error) {
	if read != nil {
		if data, ok := read(p); ok {
			return data, nil
		}
	}
	return fs.ReadFile(fsys, p)
}

// PostFolders are the folders posts are read from: the posts folder and,
// in Jekyll's layout, every other _posts folder Jekyll reads, one in each
// folder of the site whose name and whose parents' names do not start
// with "_" or "." (blog/_posts holds posts of the category blog).
func PostFolders(fsys fs.FS, cfg *config.Config) []string {
	return jekyllFolders(fsys, cfg, cfg.PostsDir, "_posts")
}

// DraftFolders are the folders drafts are read from: the drafts folder
// and, in Jekyll's layout, every other _drafts folder Jekyll reads, as for
// _posts (blog/_drafts holds drafts of the category blog).
func DraftFolders(fsys fs.FS, cfg *config.Config) []string {
	return jekyllFolders(fsys, cfg, cfg.DraftsDir, "_drafts")
}

// jekyllFolders are main and, in Jekyll's layout, every folder called name
// in a folder of the site whose name and parents' names Jekyll reads.
func jekyllFolders(fsys fs.FS, cfg *config.Config, main, name string) []string {
	dirs := []string{main}
	if !cfg.Jekyll {
		return dirs
	}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || p == "." {
			return nil
		}
		if ignoredName(d.Name()) {
			return fs.SkipDir
		}
		if sub := p + "/" + name; sub != main && isDir(fsys, sub) {
			dirs = append(dirs, sub)
		}
		return nil
	})
	return dirs
}

// DraftsDirOf returns the drafts folder that holds the site path p (the
// drafts folder, or in Jekyll's layout a folder's _drafts), or "" when p
// is not a draft's path.
func DraftsDirOf(cfg *config.Config, p string) string {
	if within(p, cfg.DraftsDir) {
		return cfg.DraftsDir
	}
	if !cfg.Jekyll {
		return ""
	}
	before, _, ok := strings.Cut(p+"/", "/_drafts/") // the folder itself too
	if !ok {
		return ""
	}
	for _, part := range strings.Split(before, "/") {
		if ignoredName(part) {
			return ""
		}
	}
	return before + "/_drafts"
}

// IsPostPath reports whether a site path is in one of the folders posts
// are read from (see PostFolders), for a preview deciding what to re-read.
func IsPostPath(cfg *config.Config, p string) bool {
	if within(p, cfg.PostsDir) || DraftsDirOf(cfg, p) != "" {
		return true
	}
	if !cfg.Jekyll {
		return false
	}
	before, _, ok := strings.Cut(p, "/_posts/")
	if !ok {
		return false
	}
	for _, part := range strings.Split(before, "/") {
		if ignoredName(part) {
			return false
		}
	}
	return true
}

func within(p, dir string) bool {
	return dir != "" && (p == dir || strings.HasPrefix(p, dir+"/"))
}

// NeverContent reports whether a folder of this name never holds a site's
// content, wherever it is: hidden folders (.git, caches) and the folders
// of other tools' packages (node_modules, vendor). What sizes a site
// leaves them out.
func NeverContent(dir string) bool {
	return strings.HasPrefix(dir, ".") || dir == "node_modules" || dir == "vendor"
}

// ignoredName reports whether Jekyll leaves out a file or folder of this
// name, wherever it is: hidden, special (_), Emacs's (#) and backup (~)
// files, and the folders of Ruby's and Node's packages.
func ignoredName(name string) bool {
	switch {
	case name == "", strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"), strings.HasPrefix(name, "#"), strings.HasSuffix(name, "~"):
		return true
	case name == "node_modules", name == "vendor", name == "Gemfile", name == "Gemfile.lock", name == "gemfiles":
		return true
	}
	return false
}

func isDir(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && info.IsDir()
}

// jekyllPostNames leaves out the sources Jekyll does not read as posts:
// only a name of the form YYYY-MM-DD-title.ext is one. Each left out is
// one warning saying so, since the author surely meant it as a post.
func jekyllPostNames(sources []source, ds []diag.Diagnostic) ([]source, []diag.Diagnostic) {
	kept := sources[:0]
	for _, s := range sources {
		if s.inDrafts || IsJekyllPostName(path.Base(s.path)) {
			kept = append(kept, s)
			continue
		}
		ds = append(ds, diag.Warnf(s.path, 0, "not a post, so left out as Jekyll leaves it out: a post's file name is YYYY-MM-DD-title.md, the date followed by a hyphen (%s)", jekyllNameHint(path.Base(s.path))))
	}
	return kept, ds
}

// jekyllPostNameRE is Jekyll's Document::DATE_FILENAME_MATCHER for a file
// name alone.
var jekyllPostNameRE = regexp.MustCompile(`^(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$`)

// IsJekyllPostName reports whether Jekyll reads a file of this name in a
// _posts folder as a post.
func IsJekyllPostName(name string) bool {
	return jekyllPostNameRE.MatchString(name)
}

// jekyllNameHint suggests the name Jekyll would read as a post.
func jekyllNameHint(name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	year, month, day, rest, found, _ := fileNameDate(base)
	if !found {
		if m := leadingDateRE.FindStringSubmatch(base); m != nil {
			rest = strings.TrimLeft(base[len(m[0]):], " _.")
			return fmt.Sprintf("rename it to %s-%s%s", m[0], Slugify(rest), ext)
		}
		return "rename it to YYYY-MM-DD-" + name
	}
	if rest == "" {
		rest = "title"
	}
	return fmt.Sprintf("rename it to %04d-%02d-%02d-%s%s", year, month, day, rest, ext)
}

// leadingDateRE finds a date at the start of a name, whatever follows it.
var leadingDateRE = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}`)

// walk adds the post sources under dir, except under skip.
func walk(fsys fs.FS, dir, skip string, inDrafts, jekyll bool, sources []source, ds []diag.Diagnostic) ([]source, []diag.Diagnostic) {
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				if !inDrafts {
					ds = append(ds, diag.Warnf(dir, 0, "the posts folder does not exist, so the site has no posts"))
				}
				return fs.SkipAll
			}
			ds = append(ds, diag.Errorf(p, 0, "cannot read: %v", pathless(err)))
			return nil
		}
		if d.IsDir() {
			if p != dir && (p == skip || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if IsSourceFor(d.Name(), jekyll) {
			s := source{path: p, dir: dir, inDrafts: inDrafts}
			if inDrafts && jekyll {
				if info, err := d.Info(); err == nil {
					s.modTime = info.ModTime()
				}
			}
			sources = append(sources, s)
		}
		return nil
	})
	if err != nil {
		ds = append(ds, diag.Errorf(dir, 0, "cannot read: %v", pathless(err)))
	}
	return sources, ds
}

// pathless drops the path from a file system error: the diagnostic names
// the file already.
func pathless(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}
