package content

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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
}

// Load reads every post under cfg.PostsDir (subfolders included) and, when
// drafts is true, cfg.DraftsDir (those posts get Draft=true), in parallel
// on all cores, skipping editor leftovers (see IsSource) and hidden folders.
// Posts are returned sorted by Path. Unreadable files are error diagnostics
// naming the file and are left out; posts with problems in their text are
// returned along with diagnostics about them. A missing posts folder is a
// warning, since the site then has no posts; a missing drafts folder is normal.
func Load(fsys fs.FS, cfg *config.Config, drafts bool) ([]*Post, []diag.Diagnostic) {
	var sources []source
	var ds []diag.Diagnostic
	skip := ""
	if cfg.DraftsDir != cfg.PostsDir {
		skip = cfg.DraftsDir // drafts kept inside the posts folder are not posts
	}
	sources, ds = walk(fsys, cfg.PostsDir, skip, false, sources, ds)
	if drafts && cfg.DraftsDir != "" && cfg.DraftsDir != cfg.PostsDir {
		sources, ds = walk(fsys, cfg.DraftsDir, "", true, sources, ds)
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
				src, err := fs.ReadFile(fsys, s.path)
				if err != nil {
					found[i] = []diag.Diagnostic{diag.Errorf(s.path, 0, "cannot read the file: %v", pathless(err))}
					continue
				}
				posts[i], found[i] = parse(s.path, s.dir, src, cfg.Location, s.inDrafts)
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

// walk adds the post sources under dir, except under skip.
func walk(fsys fs.FS, dir, skip string, inDrafts bool, sources []source, ds []diag.Diagnostic) ([]source, []diag.Diagnostic) {
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
		if IsSource(d.Name()) {
			sources = append(sources, source{path: p, dir: dir, inDrafts: inDrafts})
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
