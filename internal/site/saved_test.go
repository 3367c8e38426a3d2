package site

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// previewOptions are the options `weeknotes serve` builds dir with.
func previewOptions(t *testing.T, dir string) Options {
	return Options{
		Source: dir, Theme: defaultTheme(t), Now: buildTime, CacheDir: filepath.Join(dir, CacheDirName),
		Drafts: true, Future: true, Preview: true, BaseURL: "http://localhost:4000", SavePages: true,
	}
}

func previewBuild(t *testing.T, b *Builder) *Result {
	t.Helper()
	res, err := b.Build(context.Background(), nil)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	return res
}

// sameOutput reports where two in-memory outputs differ.
func sameOutput(t *testing.T, step string, got, want *Output) {
	t.Helper()
	for name, w := range want.Files {
		g := got.Files[name]
		switch {
		case g == nil:
			t.Errorf("%s: %s is missing", step, name)
		case !bytes.Equal(g.Data, w.Data) || g.Source != w.Source:
			t.Errorf("%s: %s differs: %s", step, name, firstDiff(string(w.Data), string(g.Data)))
		}
	}
	for name := range got.Files {
		if want.Files[name] == nil {
			t.Errorf("%s: %s is not in the clean build", step, name)
		}
	}
}

// TestSavedPages starts a preview's builder in a new process's place after
// one that saved its pages: it serves every file of the earlier build,
// byte for byte, before building, and its first build renders nothing,
// reports nothing changed and leaves the saved files as they are.
func TestSavedPages(t *testing.T) {
	dir := stateSite(t, 12)
	writeSource(t, dir, "content/pages/about.md", "---\ntitle: About\n---\nAbout this site.\n")
	first := previewBuild(t, NewBuilder(previewOptions(t, dir)))
	b := NewBuilder(previewOptions(t, dir))
	pagesFile := filepath.Join(dir, CacheDirName, b.pagesName())
	before, err := os.Stat(pagesFile)
	if err != nil {
		t.Fatalf("the first build saved no pages: %v", err)
	}

	saved := b.SavedPages()
	if saved == nil {
		t.Fatal("SavedPages = nil with nothing changed")
	}
	if b.SavedPages() != nil {
		t.Error("a second SavedPages before the build returned a site again")
	}
	for name, want := range first.Output.Files {
		if !saved.Has(name) {
			t.Errorf("saved site lacks %s", name)
			continue
		}
		got, err := saved.File(name)
		if err != nil || got == nil || !bytes.Equal(got.Data, want.Data) || got.Source != want.Source {
			t.Errorf("saved %s = %v, %v; want the first build's", name, got, err)
		}
	}
	if f, err := saved.File("no/such/index.html"); f != nil || err != nil || saved.Has("no/such/index.html") {
		t.Errorf("a file the site lacks: %v, %v", f, err)
	}

	res := previewBuild(t, b)
	sameOutput(t, "first build after the saved site", res.Output, first.Output)
	if len(res.Changed) != 0 || res.Stats.Rendered != 0 || res.StateNote != "" {
		t.Errorf("first build: changed %q, %d pages rendered, note %q; want nothing", res.Changed, res.Stats.Rendered, res.StateNote)
	}
	after, err := os.Stat(pagesFile)
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("a build that changed nothing wrote the saved pages again")
	}
	if err := saved.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := saved.File("index.html"); !errors.Is(err, ErrClosed) {
		t.Errorf("File after Close: %v, want ErrClosed", err)
	}
}

// TestSavedPagesNotUsed covers the starts where the saved pages are not
// the site: each must give no saved site, and a first build identical to a
// clean one.
func TestSavedPagesNotUsed(t *testing.T) {
	cases := []struct {
		name  string
		later time.Duration // how long after the saving build the next starts
		edit  func(t *testing.T, dir string, b *Builder)
		// ignored: the build says it could not use the saved state.
		ignored bool
		// fewer: the build keeps saved pages the change does not affect.
		fewer bool
	}{
		{"end of a post edited", 0, func(t *testing.T, dir string, _ *Builder) {
			writeSource(t, dir, postName(3), readSource(t, dir, postName(3))+"\nA last paragraph, added.\n")
		}, false, true},
		{"post edited", 0, func(t *testing.T, dir string, _ *Builder) {
			rewritePost(t, dir, 3, "", "", nil, "An edited body.")
		}, false, false},
		{"post added", 0, func(t *testing.T, dir string, _ *Builder) {
			writeSource(t, dir, postName(40), postText(40, "New", "2024-06-15", []string{"t1"}, false, "A new post."))
		}, false, false},
		{"configuration changed", 0, func(t *testing.T, dir string, _ *Builder) {
			writeSource(t, dir, "weeknotes.yaml", "title: Another title\nurl: https://example.org\nauthor: Ann\npaginate: 4\n")
		}, true, false},
		{"a future post came of age", 60 * 24 * time.Hour, func(t *testing.T, dir string, _ *Builder) {}, false, false},
		{"pages file missing", 0, func(t *testing.T, dir string, b *Builder) {
			if err := os.Remove(filepath.Join(dir, CacheDirName, b.pagesName())); err != nil {
				t.Fatal(err)
			}
		}, false, false},
		{"pages file cut short", 0, func(t *testing.T, dir string, b *Builder) {
			p := filepath.Join(dir, CacheDirName, b.pagesName())
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, info.Size()-10); err != nil {
				t.Fatal(err)
			}
		}, false, false},
		{"index damaged", 0, func(t *testing.T, dir string, b *Builder) {
			flipByte(t, filepath.Join(dir, CacheDirName, b.pagesName()), 40)
		}, false, false},
		{"pages file of another build", 0, func(t *testing.T, dir string, b *Builder) {
			p := filepath.Join(dir, CacheDirName, b.pagesName())
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			// The scan time, just after the length and the magic line, and
			// the index's checksum made to match.
			at := 8 + len(pagesMagic)
			binary.LittleEndian.PutUint64(data[at:], binary.LittleEndian.Uint64(data[at:])+1)
			n := int(binary.LittleEndian.Uint64(data))
			binary.LittleEndian.PutUint64(data[8+n-8:], hashBytes(data[8:8+n-8]))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := stateSite(t, 12)
			writeSource(t, dir, postName(30), postText(30, "Future", "2026-12-24", []string{"t2"}, false, "Not yet."))
			previewBuild(t, NewBuilder(previewOptions(t, dir)))
			opts := previewOptions(t, dir)
			opts.Now = buildTime.Add(c.later)
			b := NewBuilder(opts)
			c.edit(t, dir, b)
			if saved := b.SavedPages(); saved != nil {
				saved.Close()
				t.Fatal("SavedPages gave a site that is not the site")
			}
			res := previewBuild(t, b)
			clean := Options{Source: dir, Theme: opts.Theme, Now: opts.Now, Drafts: true, Future: true, Preview: true, BaseURL: opts.BaseURL}
			want := previewBuild(t, NewBuilder(clean))
			sameOutput(t, c.name, res.Output, want.Output)
			if c.fewer && res.Stats.Rendered >= want.Stats.Rendered {
				t.Errorf("%d of %d pages rendered; want only those the change affects", res.Stats.Rendered, want.Stats.Rendered)
			}
			if ignored := res.StateNote != ""; ignored != c.ignored {
				t.Errorf("state note %q; want the state ignored: %v", res.StateNote, c.ignored)
			}
		})
	}
}

// TestSavedPageDamaged flips a byte of one saved page: that page is
// refused, not served, and the first build renders it afresh.
func TestSavedPageDamaged(t *testing.T) {
	dir := stateSite(t, 6)
	first := previewBuild(t, NewBuilder(previewOptions(t, dir)))
	b := NewBuilder(previewOptions(t, dir))
	p := filepath.Join(dir, CacheDirName, b.pagesName())
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	flipByte(t, p, int(info.Size())-100) // in the bytes of the last page in path order
	saved := b.SavedPages()
	if saved == nil {
		t.Fatal("SavedPages = nil: the index is whole")
	}
	defer saved.Close()
	var refused int
	for name := range first.Output.Files {
		if _, err := saved.File(name); err != nil {
			refused++
			if !errors.Is(err, errStateDamaged) {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if refused != 1 {
		t.Errorf("%d pages refused, want the damaged one", refused)
	}
	res := previewBuild(t, b)
	sameOutput(t, "after a damaged page", res.Output, first.Output)
}

func flipByte(t *testing.T, p string, at int) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[at] ^= 0x55
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzPagesIndex reads arbitrary pages files: never a panic, and never a
// copied file's source outside the site's folder.
func FuzzPagesIndex(f *testing.F) {
	root := f.TempDir()
	var good bytes.Buffer
	out := &Output{Files: map[string]*File{
		"index.html": newFile([]byte("<p>home</p>")),
		"img/a.png":  {Source: filepath.Join(root, "static", "img", "a.png"), Size: 3, Hash: 7},
	}}
	w := bufio.NewWriter(&good)
	if err := encodePages(w, 42, out, root); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte{})
	f.Add(append([]byte{8, 0, 0, 0, 0, 0, 0, 0}, pagesMagic...))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "pages.state")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pack, err := openPages(p, root)
		if err != nil {
			return
		}
		defer pack.f.Close()
		for name, e := range pack.entries {
			if src := e.file.Source; src != "" {
				rel, err := filepath.Rel(root, src)
				if err != nil || !filepath.IsLocal(rel) {
					t.Fatalf("%s is copied from %s, outside %s", name, src, root)
				}
			} else if e.off < pack.blob || e.off+e.file.Size > pack.size {
				t.Fatalf("%s's bytes lie outside the file", name)
			}
		}
		if _, err := pack.readAll(); err != nil && !errors.Is(err, errStateDamaged) && !strings.Contains(err.Error(), "EOF") {
			t.Fatal(err)
		}
	})
}

// TestSavedCopyThroughALink gives the pages file an entry copied from a
// link that leads out of the site: the saved site refuses it, as the
// build would.
func TestSavedCopyThroughALink(t *testing.T) {
	dir := stateSite(t, 3)
	outside := t.TempDir()
	writeSource(t, outside, "secret", "not the site's")
	if err := os.Symlink(outside, filepath.Join(dir, "lnk")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	first := previewBuild(t, NewBuilder(previewOptions(t, dir)))
	b := NewBuilder(previewOptions(t, dir))
	st, note := b.readState()
	if st == nil {
		t.Fatalf("no state: %s", note)
	}
	out := &Output{Files: map[string]*File{"secret.txt": {Source: filepath.Join(dir, "lnk", "secret"), Size: 14, Hash: 1}}}
	for name, f := range first.Output.Files {
		out.Files[name] = f
	}
	err := writeStateFile(filepath.Join(dir, CacheDirName), b.pagesName(), func(w *bufio.Writer) error {
		return encodePages(w, st.ScanTime, out, dir)
	})
	if err != nil {
		t.Fatal(err)
	}
	saved := b.SavedPages()
	if saved == nil {
		t.Fatal("SavedPages = nil")
	}
	defer saved.Close()
	if f, err := saved.File("secret.txt"); err == nil {
		t.Errorf("served %s from a link out of the site", f.Source)
	}
	if f, err := saved.File("static/img/a.svg"); err != nil || f == nil {
		t.Errorf("a copied file of the site: %v, %v", f, err)
	}
}

// TestSavedPagesThenContentError starts after an edit that breaks the
// content: the build fails with the error, reading of the saved pages
// ends with it, and the build after the fix is a clean build's.
func TestSavedPagesThenContentError(t *testing.T) {
	dir := stateSite(t, 8)
	previewBuild(t, NewBuilder(previewOptions(t, dir)))
	good := readSource(t, dir, postName(2))
	writeSource(t, dir, postName(2), good+"\nSee {% post_url p999 %}.\n")
	b := NewBuilder(previewOptions(t, dir))
	if saved := b.SavedPages(); saved != nil {
		saved.Close()
		t.Fatal("SavedPages gave a site after an edit")
	}
	var be *diag.BuildError
	if _, err := b.Build(context.Background(), nil); !errors.As(err, &be) {
		t.Fatalf("build: %v, want the broken link", err)
	}
	writeSource(t, dir, postName(2), good)
	res, err := b.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	opts := previewOptions(t, dir)
	opts.CacheDir, opts.SavePages = "", false
	sameOutput(t, "after the fix", res.Output, previewBuild(t, NewBuilder(opts)).Output)
}
