package site

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSiteTitle(t *testing.T) {
	tests := []struct {
		name, configured, source, author, want string
	}{
		{"configured", "Field notes", "/srv/blog", "Sam", "Field notes"},
		{"configured with spaces", "  Field notes ", "/srv/blog", "", "Field notes"},
		{"folder name", "", "/srv/my-weeknotes", "Sam", "my-weeknotes"},
		{"blank is not a title", "   ", "/srv/my-weeknotes", "", "my-weeknotes"},
		{"author when the folder has no name", "", "/", "Sam Example", "Sam Example"},
		{"never empty", "", "/", "", "weeknotes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := siteTitle(tt.configured, tt.source, tt.author); got != tt.want {
				t.Errorf("siteTitle(%q, %q, %q) = %q, want %q", tt.configured, tt.source, tt.author, got, tt.want)
			}
		})
	}
}

func TestPostImage(t *testing.T) {
	const permalink = "https://example.org/2024/01/07/first/"
	tests := []struct {
		name   string
		params map[string]any
		body   string
		want   string
	}{
		{"front matter path", map[string]any{"image": "/static/images/a.png"}, "", "https://example.org/static/images/a.png"},
		{"front matter relative", map[string]any{"image": "a.png"}, "", "https://example.org/2024/01/07/first/a.png"},
		{"front matter absolute", map[string]any{"image": "https://cdn.example/a.png"}, "", "https://cdn.example/a.png"},
		{"jekyll-seo-tag map", map[string]any{"image": map[string]any{"path": "/b.png", "height": 100}}, "", "https://example.org/b.png"},
		{"first image of the body", nil, `<p>x <a href="/c.png"><img src="/c.png?x=1&amp;y=2" alt="C"></a></p><img src="/d.png" alt="D">`, "https://example.org/c.png?x=1&y=2"},
		{"front matter wins over the body", map[string]any{"image": "/a.png"}, `<img src="/c.png" alt="C">`, "https://example.org/a.png"},
		{"none", nil, "<p>No pictures.</p>", ""},
		{"img without src", nil, `<img alt="x">`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postImage(tt.params, firstImage(tt.body), permalink); got != tt.want {
				t.Errorf("postImage = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNoEmptyTitles builds a site that configures no title, author or url
// (a Jekyll blog's usual _config.yml) and checks that no page has an empty
// <title>, heading, link or og:site_name, and that the feed has a title.
func TestNoEmptyTitles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "garden-notes")
	writeSource(t, dir, "_config.yml", "markdown: kramdown\n")
	writeSource(t, dir, "_posts/2024-01-07-one.md", "---\ntitle: One\n---\n\nFirst.\n")
	writeSource(t, dir, "_posts/2024-01-14-two.md", "---\ntitle: Two\ntags: [a]\n---\n\nSecond.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	empty := regexp.MustCompile(`<title>\s*(·\s*)?</title>|<h[1-6][^>]*>\s*</h[1-6]>|<a [^>]*>\s*</a>|content=""|<title>[^<]*· </title>`)
	pages := 0
	for name, f := range res.Output.Files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if m := empty.Find(f.Data); m != nil {
			t.Errorf("%s has %s", name, m)
		}
		if !strings.Contains(string(f.Data), "garden-notes") {
			t.Errorf("%s does not name the site by its folder", name)
		}
	}
	if pages < 5 {
		t.Fatalf("only %d pages built", pages)
	}
	if feed := res.Output.Files["feed.xml"]; feed == nil || !strings.Contains(string(feed.Data), "<title>garden-notes</title>") {
		t.Error("the feed has no title")
	}
	home := string(res.Output.Files["index.html"].Data)
	for _, absent := range []string{`rel="canonical"`, `og:url`, `application/ld+json`} {
		if strings.Contains(home, absent) {
			t.Errorf("a site without a url has %s, which must be absolute", absent)
		}
	}
}

// TestPostNeighbours checks that a post outside a series links to the posts
// either side of it by date, and a post in a series to its episodes only.
func TestPostNeighbours(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-01-a.md", "---\ntitle: Alpha\n---\n\nA.\n")
	writeSource(t, dir, "content/posts/2024-01-08-b.md", "---\ntitle: Bravo\n---\n\nB.\n")
	writeSource(t, dir, "content/posts/2024-01-15-c.md", "---\ntitle: Charlie\n---\n\nC.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := func(p string) string { return string(res.Output.Files[p].Data) }
	tests := []struct {
		page      string
		want, not []string
	}{
		{"2024/01/01/a/index.html", []string{`href="/2024/01/08/b/" rel="next"`}, []string{`rel="prev"`}},
		{"2024/01/08/b/index.html", []string{`href="/2024/01/01/a/" rel="prev"`, `href="/2024/01/15/c/" rel="next"`}, nil},
		{"2024/01/15/c/index.html", []string{`href="/2024/01/08/b/" rel="prev"`}, []string{`rel="next"`}},
	}
	for _, tt := range tests {
		html := page(tt.page)
		for _, w := range tt.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %s", tt.page, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(html, n) {
				t.Errorf("%s has %s", tt.page, n)
			}
		}
	}
}

// TestSyntaxStylesheetOnlyWithCode checks that only pages with highlighted
// code load the highlighting stylesheet.
func TestSyntaxStylesheetOnlyWithCode(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-01-code.md", "---\ntitle: Code\n---\n\n```go\nfunc main() {}\n```\n")
	writeSource(t, dir, "content/posts/2024-01-08-prose.md", "---\ntitle: Prose\n---\n\nJust words.\n\n    indented, not highlighted\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]bool{
		"2024/01/01/code/index.html":  true,
		"2024/01/08/prose/index.html": false,
		"index.html":                  false,
		"archive/index.html":          false,
	} {
		if got := strings.Contains(string(res.Output.Files[page].Data), "/assets/syntax.css"); got != want {
			t.Errorf("%s loads syntax.css: %v, want %v", page, got, want)
		}
	}
	if res.Output.Files["assets/syntax.css"] == nil || res.Output.Files["assets/favicon.svg"] == nil {
		t.Error("the syntax stylesheet or the favicon is not written")
	}
}

// TestJSONLD checks that a post's JSON-LD is valid JSON however its title
// and tags are written, and carries what jekyll-seo-tag's does.
func TestJSONLD(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "weeknotes.yaml", "title: Notes\nurl: https://notes.example\nauthor: Sam\n")
	writeSource(t, dir, "content/posts/2024-01-07-odd.md", "---\ntitle: \"Tom & Jerry's \\\"</script><b>\\\" \\\\ week\"\ndescription: A <description>\nimage: /static/a.png\ntags: [\"c++\", 'quote\"d']\n---\n\nBody.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	html := string(res.Output.Files["2024/01/07/odd/index.html"].Data)
	const open = `<script type="application/ld+json">`
	i := strings.Index(html, open)
	j := strings.Index(html[i+len(open):], "</script>")
	if i < 0 || j < 0 {
		t.Fatalf("no JSON-LD in\n%s", html)
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(html[i+len(open):i+len(open)+j]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, html[i:i+len(open)+j])
	}
	want := map[string]any{
		"@type":         "BlogPosting",
		"headline":      `Tom & Jerry's "</script><b>" \ week`,
		"description":   "A <description>",
		"url":           "https://notes.example/2024/01/07/odd/",
		"image":         "https://notes.example/static/a.png",
		"datePublished": "2024-01-07T00:00:00Z",
	}
	for k, v := range want {
		if ld[k] != v {
			t.Errorf("JSON-LD %s = %v, want %v", k, ld[k], v)
		}
	}
	if a, _ := ld["author"].(map[string]any); a["name"] != "Sam" {
		t.Errorf("JSON-LD author = %v", ld["author"])
	}
	if !strings.Contains(html, `<meta property="og:image" content="https://notes.example/static/a.png">`) || !strings.Contains(html, `<meta name="twitter:card" content="summary_large_image">`) {
		t.Error("no og:image or large Twitter card for a post with an image")
	}
}
