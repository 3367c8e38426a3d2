package site

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif" // register decoders: authors use all of these
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	_ "golang.org/x/image/webp"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/markdown"
)

// imageCache remembers the pixel size of local images, so that thousands of
// posts showing the same few images decode each header once.
type imageCache struct {
	mu    sync.Mutex
	sizes map[string]markdown.ImageInfo // static source path → info
}

func newImageCache() *imageCache { return &imageCache{sizes: map[string]markdown.ImageInfo{}} }

func (c *imageCache) reset() {
	c.mu.Lock()
	c.sizes = map[string]markdown.ImageInfo{}
	c.mu.Unlock()
}

func (c *imageCache) forget(p string) {
	c.mu.Lock()
	delete(c.sizes, p)
	c.mu.Unlock()
}

// imageLookup answers the Markdown stage's question about an image src. It
// returns the static source path it looked at ("" for remote images).
func (b *Builder) imageLookup(src string) (markdown.ImageInfo, string) {
	p, ok := b.localPath(src)
	if !ok {
		return markdown.ImageInfo{}, ""
	}
	b.images.mu.Lock()
	info, ok := b.images.sizes[p]
	b.images.mu.Unlock()
	if ok {
		return info, p
	}
	info = markdown.ImageInfo{Local: true}
	if f, err := b.fsys.Open(p); err == nil {
		if cfg, _, err := image.DecodeConfig(f); err == nil {
			info.Found, info.Width, info.Height = true, cfg.Width, cfg.Height
		} else if st, err := f.Stat(); err == nil && !st.IsDir() {
			info.Found = true // an SVG or another format we cannot size
		}
		f.Close()
	}
	b.images.mu.Lock()
	b.images.sizes[p] = info
	b.images.mu.Unlock()
	return info, p
}

// localPath maps a URL as written in a post ("/static/images/a.png", with
// or without the baseurl) to the source file that serves it.
func (b *Builder) localPath(src string) (string, bool) {
	if src == "" || strings.HasPrefix(src, "//") || strings.Contains(src, "://") || strings.HasPrefix(src, "data:") {
		return "", false
	}
	if !strings.HasPrefix(src, "/") {
		return "", false // relative to the page: cannot be checked against one folder
	}
	if i := strings.IndexAny(src, "?#"); i >= 0 {
		src = src[:i]
	}
	if bu := b.cfg.BaseURL; bu != "" && strings.HasPrefix(src, bu+"/") {
		src = strings.TrimPrefix(src, bu)
	}
	p := strings.TrimPrefix(path.Clean(src), "/")
	// The site's own files (a Jekyll site's /assets/images/a.png) are
	// published where they are.
	if b.own != nil {
		if source, ok := b.own.source[p]; ok {
			return source, true
		}
	}
	// Static files are published under /static/ from the static folder.
	if rest, ok := strings.CutPrefix(p, "static/"); ok {
		return path.Join(b.cfg.StaticDir, rest), true
	}
	return path.Join(b.cfg.StaticDir, p), true
}

// staticURL gives the URL of a static source file, for {% link %}.
func (b *Builder) staticURL(p string) (string, bool) {
	if b.own != nil {
		if u, ok := b.own.urls[p]; ok {
			return joinURL(b.cfg.BaseURL, u), true // a page or file of the site, as Jekyll's link finds
		}
	}
	rest, ok := strings.CutPrefix(p, b.cfg.StaticDir+"/")
	if !ok {
		return "", false
	}
	if _, exists := b.static["static/"+rest]; !exists {
		return "", false
	}
	return joinURL(b.cfg.BaseURL, "/static/"+rest), true
}

// walkStatic lists the static folder as output files copied from disk.
// Only regular files are copied: a link is followed only when it leads to
// a file inside the site, and a FIFO, device, socket or a link to a folder
// is an error at its path, found here, before anything is written.
func (b *Builder) walkStatic() (map[string]*File, []diag.Diagnostic) {
	files := map[string]*File{}
	var ds []diag.Diagnostic
	dir := b.cfg.StaticDir
	if _, err := fs.Stat(b.fsys, dir); err != nil {
		return files, nil
	}
	err := fs.WalkDir(b.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			ds = append(ds, diag.Errorf(p, 0, "cannot read: %v", pathless(err)))
			return nil
		}
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			return nil
		}
		f, err := b.staticFile(p, d)
		if err != nil {
			ds = append(ds, diag.Errorf(p, 0, "%v", err))
			return nil
		}
		files["static/"+strings.TrimPrefix(p, dir+"/")] = f
		return nil
	})
	if err != nil {
		ds = append(ds, diag.Errorf(dir, 0, "cannot read: %v", pathless(err)))
	}
	return files, ds
}

// staticFile describes the static file at p for copying.
func (b *Builder) staticFile(p string, d fs.DirEntry) (*File, error) {
	source := filepath.Join(b.opts.Source, filepath.FromSlash(p))
	info, err := d.Info()
	if err == nil && d.Type()&fs.ModeSymlink != 0 {
		// Through the site's file system, which refuses a link that leads
		// outside the site; then copied from where it leads, so that the
		// copy never follows a link.
		if info, err = fs.Stat(b.fsys, p); err == nil {
			source, err = filepath.EvalSymlinks(source)
		}
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read: %v", pathless(err))
	case info.IsDir():
		return nil, fmt.Errorf("a link to a folder; weeknotes copies files only, so link the files or copy the folder")
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("not a regular file (%s); only regular files are copied", kindOf(info.Mode()))
	}
	rel := strings.TrimPrefix(p, b.cfg.StaticDir+"/")
	return &File{
		Source: source,
		Size:   info.Size(),
		// Size and modification time stand in for the bytes: static
		// files can be large, and writing compares bytes anyway.
		Hash: hashBytes([]byte(info.ModTime().UTC().String()+"|"+rel)) ^ uint64(info.Size()),
	}, nil
}

// pathless drops the path an fs.PathError repeats, since diagnostics name
// the file already.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// kindOf names the kind of a file that is not a regular file or a folder.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
