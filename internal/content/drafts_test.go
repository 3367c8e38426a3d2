package content

import (
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
)

// TestLoadJekyllDraftsDatedByModTime shows that, in Jekyll's layout, an
// undated draft is dated by its file's modification time (in the site's
// zone), wherever its _drafts folder is, with the categories of the
// folders above it; that a date in the front matter or the name wins; and
// that a weeknotes layout's drafts stay undated.
func TestLoadJekyllDraftsDatedByModTime(t *testing.T) {
	mt := time.Date(2023, 4, 5, 23, 30, 0, 0, time.UTC)
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), ModTime: mt} }
	zone := time.FixedZone("ahead", 3600)
	jekyll := &config.Config{PostsDir: "_posts", DraftsDir: "_drafts", Jekyll: true, Location: zone}
	site := fstest.MapFS{
		"_posts/2021-01-01-p.md":           file("---\ntitle: P\n---\np\n"),
		"_drafts/Undated.md":               file("---\ntitle: U\n---\nu\n"),
		"_drafts/fm.md":                    file("---\ntitle: F\ndate: 2020-02-03 04:05:06 +0000\n---\nf\n"),
		"_drafts/2019-09-09-named.md":      file("---\ntitle: N\n---\nn\n"),
		"blog/tech/_drafts/nested.md":      file("---\ntitle: D\n---\nd\n"),
		"_hidden/_drafts/never.md":         file("---\ntitle: H\n---\nh\n"),
		"content/drafts/weeknotes-idea.md": file("hi"),
	}
	for _, tc := range []struct {
		path       string
		date       time.Time
		fromMod    bool
		categories []string
	}{
		{"_drafts/Undated.md", mt.In(zone), true, nil},
		{"_drafts/fm.md", time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC), false, nil},
		{"_drafts/2019-09-09-named.md", time.Date(2019, 9, 9, 0, 0, 0, 0, zone), false, nil},
		{"blog/tech/_drafts/nested.md", mt.In(zone), true, []string{"blog", "tech"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			posts, _ := Load(site, jekyll, true)
			var p *Post
			for _, q := range posts {
				if q.Path == tc.path {
					p = q
				}
				if q.Path == "_hidden/_drafts/never.md" {
					t.Errorf("a draft in a folder Jekyll does not read was loaded")
				}
			}
			if p == nil {
				t.Fatalf("not loaded")
			}
			if !p.Draft || !p.HasDate || !p.Date.Equal(tc.date) || p.DateFromModTime != tc.fromMod {
				t.Errorf("draft %v, date %v %v (from mtime %v), want %v (%v)", p.Draft, p.HasDate, p.Date, p.DateFromModTime, tc.date, tc.fromMod)
			}
			if tc.fromMod && p.Date.Location() != zone {
				t.Errorf("date in %v, want the site's zone", p.Date.Location())
			}
			if got := p.Categories; len(tc.categories) > 0 && !equalStrings(got, tc.categories) {
				t.Errorf("categories %q, want %q", got, tc.categories)
			}
		})
	}
	if posts, _ := Load(site, jekyll, false); len(posts) != 1 {
		t.Errorf("without drafts: %d posts, want 1", len(posts))
	}
	weeknotes := &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts"}
	posts, _ := Load(site, weeknotes, true)
	if len(posts) != 1 || posts[0].HasDate {
		t.Errorf("a weeknotes layout's draft: %+v, want one, undated", posts)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDraftsDirOf(t *testing.T) {
	jekyll := &config.Config{PostsDir: "_posts", DraftsDir: "_drafts", Jekyll: true}
	weeknotes := &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts"}
	for _, tc := range []struct {
		cfg  *config.Config
		p    string
		want string
	}{
		{jekyll, "_drafts/x.md", "_drafts"},
		{jekyll, "blog/_drafts/x.md", "blog/_drafts"},
		{jekyll, "blog/tech/_drafts/sub/x.md", "blog/tech/_drafts"},
		{jekyll, "blog/_drafts", "blog/_drafts"},
		{jekyll, "blog/_draftsx/y.md", ""},
		{jekyll, "_hidden/_drafts/x.md", ""},
		{jekyll, ".git/_drafts/x.md", ""},
		{jekyll, "_posts/x.md", ""},
		{weeknotes, "content/drafts/x.md", "content/drafts"},
		{weeknotes, "blog/_drafts/x.md", ""},
	} {
		if got := DraftsDirOf(tc.cfg, tc.p); got != tc.want {
			t.Errorf("DraftsDirOf(%q) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// FuzzDraftsDirOf checks that the drafts folder found for a path is a
// folder above it called _drafts (or the configured one), never a path of
// its own making.
func FuzzDraftsDirOf(f *testing.F) {
	for _, s := range []string{"_drafts/x.md", "blog/_drafts/x.md", "a/b/_drafts/c/_drafts/d.md", "_x/_drafts/y.md", "/_drafts/", "../_drafts/x"} {
		f.Add(s)
	}
	cfg := &config.Config{PostsDir: "_posts", DraftsDir: "_drafts", Jekyll: true}
	f.Fuzz(func(t *testing.T, p string) {
		d := DraftsDirOf(cfg, p)
		if d == "" {
			return
		}
		if p != d && !strings.HasPrefix(p, d+"/") || path.Base(d) != "_drafts" {
			t.Errorf("DraftsDirOf(%q) = %q, not a _drafts folder above it", p, d)
		}
		for _, part := range strings.Split(path.Dir(d), "/") {
			if part != "." && ignoredName(part) {
				t.Errorf("DraftsDirOf(%q) = %q, under a folder Jekyll does not read", p, d)
			}
		}
	})
}
