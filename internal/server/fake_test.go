package server

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"html"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// fakeBuilder builds a toy site from a folder, the way the real builder
// does in the respects the server depends on: posts under content/posts
// become pages at <name>/index.html, files under static/ are copied
// (served from disk), front matter lines that are not "key: value" fail
// the build with a diagnostic naming file and line, and Changed lists the
// outputs that differ from the previous build.
type fakeBuilder struct {
	root string

	mu    sync.Mutex
	calls [][]string // the changed argument of each Build
	prev  map[string]uint64
	fail  error // returned by the next builds while set
}

func newFakeBuilder(root string) *fakeBuilder { return &fakeBuilder{root: root} }

func (b *fakeBuilder) Calls() [][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]string(nil), b.calls...)
}

func (b *fakeBuilder) setFailure(err error) {
	b.mu.Lock()
	b.fail = err
	b.mu.Unlock()
}

func (b *fakeBuilder) Build(ctx context.Context, changed []string) (*site.Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, changed)
	if b.fail != nil {
		return nil, b.fail
	}
	files := map[string]*site.File{}
	var diags diag.List
	type post struct{ url, title string }
	var posts []post

	sheetHash := uint64(0)
	staticDir := filepath.Join(b.root, "static")
	err := filepath.WalkDir(staticDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(b.root, p)
		h := hashOf(data)
		if strings.HasSuffix(p, ".css") {
			sheetHash ^= h
		}
		files[filepath.ToSlash(rel)] = &site.File{Source: p, Size: int64(len(data)), Hash: h}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read static: %w", err)
	}

	postsDir := filepath.Join(b.root, "content", "posts")
	err = filepath.WalkDir(postsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") || ignored(d.Name()) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(b.root, p)
		rel = filepath.ToSlash(rel)
		title, body, bad := parseFakePost(data)
		if bad > 0 {
			diags.Add(diag.Errorf(rel, bad, "front matter: expected key: value"))
			return nil
		}
		name := strings.TrimSuffix(path.Base(rel), ".md")
		page := fmt.Sprintf("<!doctype html>\n<html><head><title>%s</title><link rel=\"stylesheet\" href=\"/static/style.css?h=%x\"></head>\n<body><h1>%s</h1>\n<p>%s</p>\n</body></html>\n",
			html.EscapeString(title), sheetHash, html.EscapeString(title), html.EscapeString(body))
		files[name+"/index.html"] = &site.File{Data: []byte(page), Size: int64(len(page)), Hash: hashOf([]byte(page))}
		posts = append(posts, post{"/" + name + "/", title})
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	if ds := diags.Sorted(); len(ds) > 0 {
		return nil, &diag.BuildError{Diagnostics: ds}
	}
	sort.Slice(posts, func(i, j int) bool { return posts[i].url < posts[j].url })
	var index bytes.Buffer
	index.WriteString("<!doctype html>\n<html><body><h1>Home</h1><ul>\n")
	for _, p := range posts {
		fmt.Fprintf(&index, "<li><a href=\"%s\">%s</a></li>\n", p.url, html.EscapeString(p.title))
	}
	index.WriteString("</ul></body></html>\n")
	notFound := []byte("<!doctype html>\n<html><body><h1>Nothing here</h1></body></html>\n")
	files["index.html"] = &site.File{Data: index.Bytes(), Size: int64(index.Len()), Hash: hashOf(index.Bytes())}
	files["404.html"] = &site.File{Data: notFound, Size: int64(len(notFound)), Hash: hashOf(notFound)}
	files["feed.xml"] = &site.File{Data: []byte("<feed/>"), Size: 7, Hash: 1}

	res := &site.Result{Output: &site.Output{Files: files}}
	hashes := map[string]uint64{}
	for name, f := range files {
		hashes[name] = f.Hash
		if old, ok := b.prev[name]; !ok || old != f.Hash {
			res.Changed = append(res.Changed, name)
			if strings.HasSuffix(name, ".html") {
				res.Stats.Rendered++
			}
		}
		if strings.HasSuffix(name, ".html") {
			res.Stats.Pages++
		}
	}
	for name := range b.prev {
		if _, ok := hashes[name]; !ok {
			res.Changed = append(res.Changed, name)
		}
	}
	sort.Strings(res.Changed)
	b.prev = hashes
	res.Stats.Posts = len(posts)
	res.Stats.Files = len(files)
	return res, nil
}

// parseFakePost reads "---\ntitle: x\n---\nbody". bad is the 1-based line of
// the first malformed front matter line, or 0.
func parseFakePost(data []byte) (title, body string, bad int) {
	lines := strings.Split(string(data), "\n")
	if len(lines) == 0 || lines[0] != "---" {
		return "Untitled", strings.TrimSpace(string(data)), 0
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" {
			return title, strings.TrimSpace(strings.Join(lines[i+1:], "\n")), 0
		}
		key, value, ok := strings.Cut(lines[i], ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(value), "[") && !strings.HasSuffix(value, "]") {
			return "", "", i + 1
		}
		if key == "title" {
			title = strings.TrimSpace(value)
		}
	}
	return "", "", len(lines)
}

func hashOf(data []byte) uint64 {
	h := fnv.New64a()
	h.Write(data)
	return h.Sum64()
}
