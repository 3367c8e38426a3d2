package site

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// TestRenderingBeforeTheBuild asks for pages from inside ready, which the
// build calls before any page is rendered: each is made there and then,
// and is the very file the finished build holds, which does not make it
// again.
func TestRenderingBeforeTheBuild(t *testing.T) {
	dir := stateSite(t, 10)
	writeSource(t, dir, "content/pages/about.md", "---\ntitle: About\n---\nAbout this site.\n")
	clean := previewBuild(t, NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, Drafts: true, Preview: true}))
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, Drafts: true, Preview: true})

	asked := []string{"index.html", "2024/01/01/p000/index.html", "feed.xml", "about/index.html", "archive/index.html"}
	early := map[string]*File{}
	var handed *Rendering
	res, err := b.BuildRendering(context.Background(), nil, func(p *Rendering) {
		handed = p
		for _, name := range asked {
			if !p.Has(name) {
				t.Errorf("the rendering site lacks %s", name)
				continue
			}
			f, err := p.File(name)
			if err != nil || f == nil {
				t.Fatalf("File(%s) = %v, %v", name, f, err)
			}
			early[name] = f
		}
		if p.Has("no/such/index.html") {
			t.Error("the rendering site has a page the site lacks")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if handed == nil {
		t.Fatal("ready was never called")
	}
	for name, f := range early {
		if res.Output.Files[name] != f {
			t.Errorf("%s: the build made it again rather than keeping the one served", name)
		}
		if !bytes.Equal(f.Data, clean.Output.Files[name].Data) {
			t.Errorf("%s served early differs from a plain build's: %s", name, firstDiff(string(clean.Output.Files[name].Data), string(f.Data)))
		}
	}
	sameOutput(t, "a build that rendered on demand", res.Output, clean.Output)
	for name := range res.Output.Files {
		if !handed.Has(name) {
			t.Errorf("the rendering site did not know of %s", name)
		}
	}
	handed.Close()
	if _, err := handed.File("index.html"); !errors.Is(err, ErrClosed) {
		t.Errorf("File after Close: %v, want ErrClosed", err)
	}
}

// TestRenderingWhileTheBuildRenders asks for every file from several
// goroutines while the build's workers render them too (run it with
// -race): each file is made once, and what is served is what the build
// returns.
func TestRenderingWhileTheBuildRenders(t *testing.T) {
	dir := stateSite(t, 24)
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, Drafts: true, Preview: true})
	clean := previewBuild(t, NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, Drafts: true, Preview: true}))
	names := sortedKeys(clean.Output.Files)
	var wg sync.WaitGroup
	var mu sync.Mutex
	served := map[string]*File{}
	res, err := b.BuildRendering(context.Background(), nil, func(p *Rendering) {
		for k := range 3 {
			wg.Go(func() {
				for i := range names {
					name := names[(i*7+k*11)%len(names)]
					f, err := p.File(name)
					if err != nil || f == nil {
						t.Errorf("File(%s) = %v, %v", name, f, err)
						return
					}
					mu.Lock()
					if old := served[name]; old != nil && old != f {
						t.Errorf("%s was made twice", name)
					}
					served[name] = f
					mu.Unlock()
				}
			})
		}
	})
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range served {
		if res.Output.Files[name] != f {
			t.Errorf("%s: served a file the build did not keep", name)
		}
	}
	sameOutput(t, "rendered on demand while building", res.Output, clean.Output)
}

// TestRenderingOfABrokenPage asks for a page whose template fails: no
// file, but ErrNotRendered, and the build fails with the error at
// file:line.
func TestRenderingOfABrokenPage(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\nlayout: broken\n---\n\nFirst.\n")
	writeSource(t, dir, "content/posts/2024-01-06-two.md", "---\ntitle: Two\n---\n\nSecond.\n")
	writeSource(t, dir, "templates/broken.html", "{{define \"main\"}}\n<h1>{{ .Post.NoSuchField }}</h1>\n{{end}}\n")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	var got []error
	_, err := b.BuildRendering(context.Background(), nil, func(p *Rendering) {
		for _, name := range []string{"2024/01/05/one/index.html", "2024/01/06/two/index.html"} {
			_, err := p.File(name)
			got = append(got, err)
		}
	})
	if len(got) != 2 || !errors.Is(got[0], ErrNotRendered) || got[1] != nil {
		t.Errorf("File of the broken page, then of a good one: %v; want ErrNotRendered, then nil", got)
	}
	var be *diag.BuildError
	if !errors.As(err, &be) || len(be.Diagnostics) == 0 || be.Diagnostics[0].File != "templates/broken.html" || be.Diagnostics[0].Line != 2 {
		t.Fatalf("build: %v, want the template's error at templates/broken.html:2", err)
	}
}

// TestRenderingNotWithContentErrors gives no Rendering when the content
// has errors: the build stops before its pages, and shows the errors.
func TestRenderingNotWithContentErrors(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nSee {% post_url 2024-01-09-nowhere %}.\n")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	_, err := b.BuildRendering(context.Background(), nil, func(*Rendering) { t.Error("ready was called for a site with errors") })
	var be *diag.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("build: %v, want the content's errors", err)
	}
}

// TestRenderingNotForStreamedBuilds: a build that writes its pages to disk
// as it renders them has none in memory to hand out.
func TestRenderingNotForStreamedBuilds(t *testing.T) {
	dir := stateSite(t, 3)
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: t.TempDir() + "/site"})
	if _, err := b.BuildRendering(context.Background(), nil, func(*Rendering) { t.Error("ready was called for a streamed build") }); err != nil {
		t.Fatal(err)
	}
}
