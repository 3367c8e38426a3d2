package site

import (
	"strings"
	"testing"
)

// TestMarkdownDialect checks which sites read bodies as kramdown: a Jekyll
// layout does, as Jekyll does, unless its configuration names another
// converter; weeknotes' own layout does only when asked.
func TestMarkdownDialect(t *testing.T) {
	const body = "---\ntitle: A\n---\n\nA pulled quote.\n{: .pull-quote}\n"
	tests := []struct {
		name     string
		files    map[string]string
		kramdown bool
	}{
		{"Jekyll layout", map[string]string{"_posts/2020-01-20-a.md": body}, true},
		{"Jekyll layout with a configuration", map[string]string{"_config.yml": "title: T\n", "_posts/2020-01-20-a.md": body}, true},
		{"Jekyll layout choosing CommonMark", map[string]string{"_config.yml": "markdown: CommonMark\n", "_posts/2020-01-20-a.md": body}, false},
		{"weeknotes layout", map[string]string{"content/posts/2020-01-20-a.md": body}, false},
		{"weeknotes layout asking for kramdown", map[string]string{"weeknotes.yaml": "markdown: kramdown\n", "content/posts/2020-01-20-a.md": body}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				writeSource(t, dir, name, data)
			}
			res, err := build(t, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var page string
			for name, f := range res.Output.Files {
				if strings.HasSuffix(name, ".html") && strings.Contains(string(f.Data), "A pulled quote.") && strings.Contains(name, "2020/01/20") {
					page = string(f.Data)
				}
			}
			if page == "" {
				t.Fatal("no post page")
			}
			applied := strings.Contains(page, `<p class="pull-quote">A pulled quote.</p>`)
			asText := strings.Contains(page, "{: .pull-quote}")
			if applied != tt.kramdown || asText == tt.kramdown {
				t.Errorf("kramdown = %v, but the page has the list applied: %v, as text: %v", tt.kramdown, applied, asText)
			}
		})
	}
}
