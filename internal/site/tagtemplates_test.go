package site

import (
	"strings"
	"testing"
)

// TestTagTemplates checks where a site defines a tag that stands in for a
// Jekyll plugin's, and what a build says when a post uses one it has not
// defined.
func TestTagTemplates(t *testing.T) {
	const body = "---\ntitle: A\n---\n\nWatch this:\n\n{% youtube dQw4w9WgXcQ start=30 %}\n"
	const tag = `<iframe src="https://www.youtube-nocookie.com/embed/{{ include.arg1 }}?start={{ include.start }}"></iframe>`
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string // empty when the build succeeds
	}{
		{"Jekyll layout", map[string]string{"_posts/2020-01-20-a.md": body, "_includes/tags/youtube.html": tag}, ""},
		{"Jekyll layout with includes_dir", map[string]string{"_config.yml": "includes_dir: parts\n", "_posts/2020-01-20-a.md": body, "parts/tags/youtube.html": tag}, ""},
		{"weeknotes layout", map[string]string{"content/posts/2020-01-20-a.md": body, "templates/tags/youtube.html": tag}, ""},
		{"Jekyll layout, undefined", map[string]string{"_posts/2020-01-20-a.md": body},
			`_posts/2020-01-20-a.md:7: unknown tag "youtube"; define it in _includes/tags/youtube.html`},
		{"weeknotes layout, undefined", map[string]string{"content/posts/2020-01-20-a.md": body, "_includes/tags/youtube.html": tag},
			`content/posts/2020-01-20-a.md:7: unknown tag "youtube"; define it in templates/tags/youtube.html`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				writeSource(t, dir, name, data)
			}
			res, err := build(t, dir, Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, f := range res.Output.Files {
				if strings.Contains(name, "2020/01/20") && strings.HasSuffix(name, ".html") {
					if want := `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=30"></iframe>`; !strings.Contains(string(f.Data), want) {
						t.Errorf("%s lacks %s", name, want)
					}
					return
				}
			}
			t.Fatal("no post page")
		})
	}
}
