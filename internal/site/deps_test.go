package site

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/config"
)

// TestDefaultThemeDeps shows that the analysis follows every page template
// of the default theme, and that a post page does not read the list of all
// posts: a new post must not re-render every post page.
func TestDefaultThemeDeps(t *testing.T) {
	th, ds := loadTheme(defaultTheme(t), nil, &config.Config{})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	for name, set := range th.sets {
		if set.deps == nil {
			t.Errorf("%s: the analysis gave up: %s", name, set.depsNote)
		}
	}
	post := th.sets["post.html"].deps.paths()
	t.Logf("post.html reads:\n%s", strings.Join(post, "\n"))
	for _, p := range post {
		if strings.HasPrefix(p, ".Site.Posts[]") || strings.HasPrefix(p, ".Site.Years[]") {
			t.Errorf("post.html reads %s", p)
		}
	}
	if !slices.Contains(post, ".Post.Newer.Title") || !slices.Contains(post, ".Post.Content") {
		t.Errorf("post.html should read its post's content and its neighbour's title")
	}
}

// depsSite writes a site of three posts, a, b and c, a month apart, whose
// post pages are rendered by a theme of one base.html and a post.html that
// defines main; defines adds more templates to post.html and files more
// theme files.
func depsSite(t *testing.T, main, defines string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeSource(t, dir, "weeknotes.yaml", "title: Deps\nurl: https://example.org\nauthor: Ann\n")
	writeSource(t, dir, "templates/base.html", `{{template "main" .}}`)
	writeSource(t, dir, "templates/post.html", `{{define "main"}}`+main+`{{end}}`+defines)
	for name, text := range files {
		writeSource(t, dir, "templates/"+name, text)
	}
	for i, name := range []string{"a", "b", "c"} {
		writeSource(t, dir, "content/posts/"+name+".md", fmt.Sprintf("---\ntitle: Post %s\ndate: 2024-0%d-01\ntags: [t%d]\nmood: calm\n---\n\nBody of %s.\n", name, i+1, i%2, name))
	}
	return dir
}

// editPost replaces old with new in the post named name.
func editPost(t *testing.T, dir, name, old, new string) {
	t.Helper()
	p := "content/posts/" + name + ".md"
	src := readSource(t, dir, p)
	if !strings.Contains(src, old) {
		t.Fatalf("%s has no %q", p, old)
	}
	writeSource(t, dir, p, strings.Replace(src, old, new, 1))
}

// TestPageFingerprintsFollowReads shows, construct by construct, that a
// page whose template reads another post through it is rendered again when
// that post changes: the page of post b must be the same after an edit to
// a or c, built from the saved state, as in a clean build, and different
// from what it was. The last cases are ones the analysis gives up on, and
// whose pages must change all the same.
func TestPageFingerprintsFollowReads(t *testing.T) {
	const page = "2024/02/01/b/index.html"
	cases := []struct {
		name, main, defines string
		files               map[string]string
		edit                func(t *testing.T, dir string)
		givesUp             bool
	}{
		{name: "field of a neighbour", main: `{{with .Post.Newer}}{{.Title}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "c", "Post c", "Post c2") }},
		{name: "body of a neighbour", main: `{{with .Post.Older}}{{.Content}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Body of a", "New body of a") }},
		{name: "index", main: `{{with index .Site.Posts 2}}{{.Title}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "slice", main: `{{range slice .Site.Posts 2}}{{.Title}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "variable set in a loop", main: `{{$last := false}}{{range .Site.Posts}}{{$last = .}}{{end}}{{with $last}}{{.Title}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "range variables", main: `{{range $i, $p := .Site.Years}}{{$i}}:{{range $p.Posts}}{{.URL}}{{end}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "c", "date: 2024-03-01", "date: 2025-03-01") }},
		{name: "or", main: `{{with or .Post.Params.missing .Post.Older}}{{.Title}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "template on a neighbour", main: `{{template "older" .Post.Older}}`, defines: `{{define "older"}}{{with .}}{{.Title}}{{end}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "cached partial", main: `{{with .Post.Newer}}{{partialCached "p.html" . .Source}}{{end}}`, files: map[string]string{"partials/p.html": `{{.Title}}`},
			edit: func(t *testing.T, dir string) { editPost(t, dir, "c", "Post c", "Post c2") }},
		{name: "front matter of a neighbour", main: `{{with .Post.Older}}{{.Params.mood}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "mood: calm", "mood: glad") }},
		{name: "front matter printed whole", main: `{{with .Post.Newer}}{{.Params}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "c", "mood: calm", "mood: glad") }},
		{name: "posts of a tag", main: `{{range .Post.Tags}}{{len .Posts}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "tags: [t0]", "tags: [t1]") }},
		{name: "method of a time", main: `{{with .Post.Older}}{{.Date.Year}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "date: 2024-01-01", "date: 2023-01-01") }},
		{name: "pointers compared", main: `{{range .Site.Posts}}{{if eq . $.Post.Newer}}newer{{else}}other{{end}} {{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "date: 2024-01-01", "date: 2024-12-01") }},
		{name: "tested for emptiness", main: `{{with .Post.Newer}}{{if .Tags}}tagged{{else}}untagged{{end}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "c", "tags: [t0]", "tags: []") }},
		{name: "front matter tested", main: `{{with .Post.Older}}{{if .Params.mood}}moody{{end}}{{end}}`,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "mood: calm\n", "") }},
		{name: "configuration", main: `{{.Site.Params.motto}}`,
			edit: func(t *testing.T, dir string) {
				writeSource(t, dir, "weeknotes.yaml", "title: Deps\nurl: https://example.org\nauthor: Ann\nmotto: Onwards\n")
			}},
		{name: "recursion", main: `{{template "chain" .Post}}`, defines: `{{define "chain"}}{{with .Older}}{{.Title}}{{template "chain" .}}{{end}}{{end}}`, givesUp: true,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
		{name: "partial named by a variable", main: `{{$p := "p.html"}}{{with .Post.Older}}{{partialCached $p . .Source}}{{end}}`, files: map[string]string{"partials/p.html": `{{.Title}}`}, givesUp: true,
			edit: func(t *testing.T, dir string) { editPost(t, dir, "a", "Post a", "Post a2") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := depsSite(t, c.main, c.defines, c.files)
			th, ds := loadTheme(defaultTheme(t), os.DirFS(dir), &config.Config{TemplatesDir: "templates"})
			if len(ds) > 0 {
				t.Fatal(ds)
			}
			if set := th.sets["post.html"]; (set.deps == nil) != c.givesUp {
				t.Fatalf("analysis gave up = %v (%s), want %v", set.deps == nil, set.depsNote, c.givesUp)
			}
			dest, cache := filepath.Join(dir, "site"), filepath.Join(dir, CacheDirName)
			stateBuild(t, dir, dest, cache)
			before := readTree(t, dest)[page]
			c.edit(t, dir)
			res := stateBuild(t, dir, dest, cache)
			clean := filepath.Join(t.TempDir(), "site")
			stateBuild(t, dir, clean, "")
			after := readTree(t, clean)[page]
			if before == after {
				t.Fatalf("the edit does not change %s: %q", page, after)
			}
			if got := readTree(t, dest)[page]; got != after {
				t.Errorf("%s from the saved state is %q, a clean build gives %q (state note %q)", page, got, after, res.StateNote)
			}
		})
	}
}

// FuzzAnalyseDeps runs the analysis on any base.html that parses, and
// hashes a page with what it finds: it must end, within its bounds, and
// never panic, whatever the template.
func FuzzAnalyseDeps(f *testing.F) {
	for _, seed := range []string{
		`{{.Site.Title}}{{range .Site.Posts}}{{.Title}}{{end}}`,
		`{{$x := .Post}}{{range .Site.Posts}}{{$x = .Newer}}{{end}}{{$x.Title}}`,
		`{{define "r"}}{{template "r" .Newer}}{{end}}{{template "r" .Post}}`,
		`{{with index .Site.Posts 0}}{{.Params.x}}{{end}}{{partialCached "base.html" .}}`,
		`{{range $k, $v := .Site.Params}}{{$k}}{{$v}}{{end}}{{len (slice .Posts 1)}}`,
	} {
		f.Add(seed)
	}
	page := &Page{Kind: "post", Site: &SiteData{Title: "T", Params: map[string]any{"x": []any{1, "a"}}}}
	first := &PostData{Title: "One", Source: "a.md", Params: map[string]any{"x": "y"}}
	second := &PostData{Title: "Two", Source: "b.md", Older: first}
	first.Newer = second
	page.Site.Posts, page.Post, page.Posts = []*PostData{second, first}, first, []*PostData{second}
	f.Fuzz(func(t *testing.T, text string) {
		set, err := template.New("base.html").Funcs(funcMap("", "")).Parse(text)
		if err != nil {
			return
		}
		deps, _ := analyseDeps(set)
		if deps == nil {
			return
		}
		h := newHasher()
		for _, name := range deps.names {
			deps.kids[name].hashStep(h, reflect.ValueOf(page).Elem(), name)
		}
	})
}

// TestNewTagKeepsPostPages shows the precision the tests above must not
// cost: with the default theme, a new post with a tag no post had before
// re-renders its neighbour, the lists and the tag pages, but not the page
// of a post three places away, whose banner only asks whether the site
// has tags.
func TestNewTagKeepsPostPages(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "weeknotes.yaml", "title: Tags\nurl: https://example.org\nauthor: Ann\n")
	for i := range 5 {
		writeSource(t, dir, fmt.Sprintf("content/posts/p%d.md", i), fmt.Sprintf("---\ntitle: Post %d\ndate: 2024-0%d-01\ntags: [old]\n---\n\nBody %d.\n", i, i+1, i))
	}
	dest, cache := filepath.Join(dir, "site"), filepath.Join(dir, CacheDirName)
	stateBuild(t, dir, dest, cache)
	writeSource(t, dir, "content/posts/p5.md", "---\ntitle: Post 5\ndate: 2024-06-01\ntags: [brand-new]\n---\n\nBody 5.\n")
	res := stateBuild(t, dir, dest, cache)
	if res.StateNote != "" {
		t.Fatalf("the state was not used: %s", res.StateNote)
	}
	// Of 13 pages, 7 are rendered: the new post and its neighbour, the
	// home page, the archive, the tag list, the new tag's page and the 404
	// page, which lists the newest posts. The four older posts' pages, the
	// old tag's and the series list stay.
	if res.Stats.Rendered > res.Stats.Pages-5 {
		t.Errorf("%d of %d pages rendered: the older posts' pages should have been kept", res.Stats.Rendered, res.Stats.Pages)
	}
	clean := filepath.Join(t.TempDir(), "site")
	stateBuild(t, dir, clean, "")
	sameTrees(t, "a new tag", dest, clean)
}
