package site

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"testing"
)

func TestPartialCached(t *testing.T) {
	set := template.Must(template.New("base").Funcs(funcMap("", "")).Parse(`{{define "p"}}<b>{{.}}</b>{{end}}`))
	cache := &partialCache{}
	partialCached := cache.funcFor(set)

	type call struct {
		context  any
		variants []any
		want     template.HTML
		wantErr  string
	}
	steps := []struct {
		name string
		call
	}{
		{"first call renders", call{context: "a", want: "<b>a</b>"}},
		{"same key, other context: the first rendering", call{context: "b", want: "<b>a</b>"}},
		{"a variant is a new key", call{context: "b", variants: []any{"post"}, want: "<b>b</b>"}},
		{"same variant again", call{context: "c", variants: []any{"post"}, want: "<b>b</b>"}},
		{"variants compare by value and type", call{context: "d", variants: []any{1}, want: "<b>d</b>"}},
		{"a nil variant is a key", call{context: "e", variants: []any{"post", nil}, want: "<b>e</b>"}},
		{"a typed nil pointer is another", call{context: "f", variants: []any{"post", (*Paginator)(nil)}, want: "<b>f</b>"}},
		{"pointers compare by identity", call{context: "g", variants: []any{&Paginator{Page: 1}}, want: "<b>g</b>"}},
		{"output is escaped for HTML", call{context: "<i>", variants: []any{"esc"}, want: "<b>&lt;i&gt;</b>"}},
		{"too many variants", call{context: "x", variants: []any{1, 2, 3, 4, 5}, wantErr: "at most 4 variants"}},
		{"a slice cannot be a key", call{context: "x", variants: []any{[]string{"a"}}, wantErr: "variant 1 is a []string"}},
		{"a map cannot be a key", call{context: "x", variants: []any{"ok", map[string]int{}}, wantErr: "variant 2 is a map[string]int"}},
	}
	for _, s := range steps {
		got, err := partialCached("p", s.context, s.variants...)
		switch {
		case s.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Errorf("%s: err = %v, want %q", s.name, err, s.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", s.name, err)
		case got != s.want:
			t.Errorf("%s: got %q, want %q", s.name, got, s.want)
		}
	}

	if _, err := partialCached("no-such.html", "a"); err == nil {
		t.Error("a missing template gave no error")
	}
	cache.reset()
	if got, _ := partialCached("p", "z"); got != "<b>z</b>" {
		t.Errorf("after reset: got %q, want a new rendering", got)
	}
	if _, err := unboundPartialCached("p", nil); err == nil {
		t.Error("the parse-time stand-in rendered something")
	}
}

// TestPartialCachedForgetsBetweenBuilds adds the first post in a series
// while the preview runs. The banner, cached once a build, must gain its
// Series link on every page, as a build from scratch shows it.
func TestPartialCachedForgetsBetweenBuilds(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-a.md", "---\ntitle: A\n---\n\nNo series yet.\n")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	ctx := context.Background()
	first, err := b.Build(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	seriesLink := `href="/series/"`
	if strings.Contains(string(first.Output.Files["2024/01/05/a/index.html"].Data), seriesLink) {
		t.Fatal("a site without series links to its series")
	}

	writeSource(t, dir, "content/posts/2024-01-12-b.md", "---\ntitle: B\nexcerpt: Weeknotes S01E01\n---\n\nThe first episode.\n")
	inc, err := b.Build(ctx, []string{"content/posts/2024-01-12-b.md"})
	if err != nil {
		t.Fatal(err)
	}
	full, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"2024/01/05/a/index.html", "2024/01/12/b/index.html", "index.html"} {
		got := string(inc.Output.Files[p].Data)
		if !strings.Contains(got, seriesLink) {
			t.Errorf("%s: no Series link after the first series post was added", p)
		}
		if got != string(full.Output.Files[p].Data) {
			t.Errorf("%s: differs from a build from scratch", p)
		}
	}
}

// TestOverriddenBannerIsNotCached overrides the banner, which the default
// base.html renders through partialCached, with one that shows each page's
// title: every page must show its own. A site template that calls
// partialCached itself still gets one rendering for all pages.
func TestOverriddenBannerIsNotCached(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nFirst.\n")
	writeSource(t, dir, "content/posts/2024-01-12-two.md", "---\ntitle: Two\n---\n\nSecond.\n")
	writeSource(t, dir, "templates/partials/header.html", "<header>banner of {{.Title}}</header>\n")
	writeSource(t, dir, "templates/partials/aside.html", "<aside>aside of {{.Title}}</aside>\n")
	writeSource(t, dir, "templates/post.html", "{{define \"main\"}}{{partialCached \"aside.html\" . .Kind}}{{end}}\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	asides := map[string]bool{}
	for page, title := range map[string]string{"2024/01/05/one/index.html": "One", "2024/01/12/two/index.html": "Two"} {
		html := string(res.Output.Files[page].Data)
		if !strings.Contains(html, "<header>banner of "+title+"</header>") {
			t.Errorf("%s: the site's banner does not show the page's own title", page)
		}
		for _, a := range []string{"aside of One", "aside of Two"} {
			if strings.Contains(html, a) {
				asides[a] = true
			}
		}
	}
	if len(asides) != 1 {
		t.Errorf("the site's own partialCached call gave %d renderings for two pages, want 1", len(asides))
	}
}

// TestPartialCachedRace renders one key from many goroutines at once, with
// a context that differs: whichever rendering is kept, every caller must
// get that one, as every page of a build must show the same.
func TestPartialCachedRace(t *testing.T) {
	proto := template.Must(template.New("base").Funcs(funcMap("", "")).Parse(`{{define "p"}}{{.}}{{end}}`))
	cache := &partialCache{}
	got := make([]template.HTML, 8)
	var wg sync.WaitGroup
	for i := range got {
		set, err := proto.Clone()
		if err != nil {
			t.Fatal(err)
		}
		partialCached := cache.funcFor(set)
		wg.Go(func() {
			got[i], _ = partialCached("p", fmt.Sprint("context ", i), "key")
		})
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] || got[i] == "" {
			t.Fatalf("callers got different renderings of one key: %q", got)
		}
	}
}

// TestPartialCachedRecursion gives a partial that renders itself through
// partialCached: an error naming it, not a crash.
func TestPartialCachedRecursion(t *testing.T) {
	set := template.Must(template.New("base").Funcs(funcMap("", "")).Parse(`{{define "loop"}}x{{partialCached "loop" . .}}{{end}}`))
	set.Funcs(template.FuncMap{"partialCached": (&partialCache{}).funcFor(set)})
	var b strings.Builder
	err := set.ExecuteTemplate(&b, "loop", 1)
	if err == nil || !strings.Contains(err.Error(), `partialCached "loop": partials nested 100 deep`) {
		t.Errorf("got %v, want the nesting error", err)
	}
}
