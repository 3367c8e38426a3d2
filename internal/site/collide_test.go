package site

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
)

// FuzzPermalinkOutputPath follows a permalink from front matter or
// configuration, with any slug and category, to the file a build would
// write: whatever the build's checks let through stays inside the
// destination, and a pattern with a ".." segment never gets through.
func FuzzPermalinkOutputPath(f *testing.F) {
	for _, s := range [][3]string{
		{"/:year/:month/:day/:slug/", "a-post", "notes"},
		{"../../etc/passwd", "x", ""},
		{"/a/../../x.txt", "x", ""},
		{"/:categories/:title:output_ext", "..", ".."},
		{"date", "x", "../.."},
		{"/:slug", "../../x", ""},
		{"/x\\..\\y", "x", ""},
		{"pretty", ".", "."},
		{"/%2e%2e/%2E%2E/x.txt", "x", ""},
		{"/:slug/", "%2e%2e", ""},
	} {
		f.Add(s[0], s[1], s[2], false)
	}
	root := filepath.FromSlash("/srv/site")
	f.Fuzz(func(t *testing.T, pattern, slug, category string, jekyll bool) {
		p := &content.Post{Path: "content/posts/x.md", HasDate: true, Date: time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC), Slug: slug, Categories: []string{category}}
		ps := &postState{post: p}
		ps.rel = content.Permalink(pattern, p)
		ps.outPath = postOutputPath(ps.rel, jekyll)
		if config.CheckPermalinkPath(pattern) == nil && strings.Contains("/"+pattern+"/", "/../") {
			t.Fatalf("pattern %q climbs, and the configuration and front matter check let it through", pattern)
		}
		if urlDiag(ps) != nil {
			return // the build refuses the post, at its permalink's line
		}
		if strings.Contains("/"+ps.outPath+"/", "/../") {
			t.Fatalf("pattern %q, slug %q, category %q: output path %q climbs and was let through", pattern, slug, category, ps.outPath)
		}
		joined := filepath.Join(root, filepath.FromSlash(ps.outPath))
		if !strings.HasPrefix(joined, root+string(filepath.Separator)) {
			t.Fatalf("pattern %q, slug %q, category %q: output path %q leads to %s", pattern, slug, category, ps.outPath, joined)
		}
	})
}
