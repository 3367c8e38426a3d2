package content

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

func TestIsSource(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"2021-01-10-x.md", true},
		{"x.markdown", true},
		{"X.MD", true},
		{"content/posts/2021/x.md", true},
		{"/home/me/site/content/posts/x.md", true},
		{"x.txt", false},
		{"x.html", false},
		{"x", false},
		{".x.md.swp", false},
		{".x.md", false},
		{".#x.md", false},
		{"#x.md#", false},
		{"x.md~", false},
		{"x.md.swp", false},
		{"x.md.swx", false},
		{"x.md.tmp", false},
		{"4913", false},
		{"content/posts/4913", false},
		{"x4913", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsSource(tt.name); got != tt.want {
			t.Errorf("IsSource(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// failingFS fails to open the named files and folders, as unreadable ones
// would. It has only Open, so that fs.ReadFile and fs.WalkDir go through it.
type failingFS struct {
	fsys fs.FS
	fail map[string]bool
}

func (f failingFS) Open(name string) (fs.File, error) {
	if f.fail[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.fsys.Open(name)
}

func TestLoad(t *testing.T) {
	post := func(text string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(text)} }
	site := fstest.MapFS{
		"content/posts/2021-01-17-b.md":            post("---\ntitle: B\n---\n"),
		"content/posts/2021-01-10-a.md":            post("---\ntitle: A\n---\n"),
		"content/posts/2021/2021-02-01-c.markdown": post("# C\n"),
		"content/posts/2021/image.png":             post("\x89PNG"),
		"content/posts/.git/x.md":                  post("not a post"),
		"content/posts/.2021-01-10-a.md.swp":       post("swap"),
		"content/posts/2021-01-10-a.md~":           post("backup"),
		"content/posts/4913":                       post(""),
		"content/posts/undated.md":                 post("Undated\n\ntext\n"),
		"content/drafts/idea.md":                   post("---\ntitle: Idea\n---\n"),
		"content/drafts/2021-03-01-dated-idea.md":  post("hi\n"),
	}
	cfg := &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts", Location: time.UTC}
	tests := []struct {
		name      string
		fsys      fs.FS
		cfg       *config.Config
		drafts    bool
		wantPosts []string // Path, and "draft" when a draft
		wantDiags string
	}{
		{
			name: "posts only",
			fsys: site, cfg: cfg,
			wantPosts: []string{
				"content/posts/2021-01-10-a.md",
				"content/posts/2021-01-17-b.md",
				"content/posts/2021/2021-02-01-c.markdown",
				"content/posts/undated.md draft",
			},
			wantDiags: `content/posts/undated.md: no date: treated as a draft; rename it to YYYY-MM-DD-undated.md or add front matter with "date: YYYY-MM-DD" at its top`,
		},
		{
			name: "with drafts",
			fsys: site, cfg: cfg, drafts: true,
			wantPosts: []string{
				"content/drafts/2021-03-01-dated-idea.md draft",
				"content/drafts/idea.md draft",
				"content/posts/2021-01-10-a.md",
				"content/posts/2021-01-17-b.md",
				"content/posts/2021/2021-02-01-c.markdown",
				"content/posts/undated.md draft",
			},
			wantDiags: `content/posts/undated.md: no date: treated as a draft; rename it to YYYY-MM-DD-undated.md or add front matter with "date: YYYY-MM-DD" at its top`,
		},
		{
			name: "Jekyll layout with drafts inside the posts folder",
			fsys: fstest.MapFS{
				"blog/2021-01-10-a.md":     post("a"),
				"blog/_drafts/idea.md":     post("idea"),
				"blog/_drafts/notes.txt":   post("notes"),
				"blog/sub/2021-01-11-b.md": post("b"),
			},
			cfg:    &config.Config{PostsDir: "blog", DraftsDir: "blog/_drafts"},
			drafts: true,
			wantPosts: []string{
				"blog/2021-01-10-a.md",
				"blog/_drafts/idea.md draft",
				"blog/sub/2021-01-11-b.md",
			},
		},
		{
			name:      "no posts folder",
			fsys:      fstest.MapFS{},
			cfg:       cfg,
			drafts:    true,
			wantDiags: "content/posts: the posts folder does not exist, so the site has no posts",
		},
		{
			name: "unreadable file",
			fsys: failingFS{site, map[string]bool{"content/posts/2021-01-17-b.md": true}},
			cfg:  cfg,
			wantPosts: []string{
				"content/posts/2021-01-10-a.md",
				"content/posts/2021/2021-02-01-c.markdown",
				"content/posts/undated.md draft",
			},
			wantDiags: "content/posts/2021-01-17-b.md: cannot read the file: permission denied\n" +
				`content/posts/undated.md: no date: treated as a draft; rename it to YYYY-MM-DD-undated.md or add front matter with "date: YYYY-MM-DD" at its top`,
		},
		{
			name: "unreadable folder",
			fsys: failingFS{site, map[string]bool{"content/posts/2021": true}},
			cfg:  cfg,
			wantPosts: []string{
				"content/posts/2021-01-10-a.md",
				"content/posts/2021-01-17-b.md",
				"content/posts/undated.md draft",
			},
			wantDiags: "content/posts/2021: cannot read: permission denied\n" +
				`content/posts/undated.md: no date: treated as a draft; rename it to YYYY-MM-DD-undated.md or add front matter with "date: YYYY-MM-DD" at its top`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, ds := Load(tt.fsys, tt.cfg, tt.drafts)
			var got []string
			for _, p := range posts {
				s := p.Path
				if p.Draft {
					s += " draft"
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tt.wantPosts, "\n") {
				t.Errorf("posts:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.wantPosts, "\n"))
			}
			var diags []string
			for _, d := range ds {
				diags = append(diags, d.String())
			}
			if strings.Join(diags, "\n") != tt.wantDiags {
				t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(diags, "\n"), tt.wantDiags)
			}
		})
	}
}

func TestLoadDraftsFolderNamesAndRelName(t *testing.T) {
	site := fstest.MapFS{"content/drafts/sub/idea.md": &fstest.MapFile{Data: []byte("hi")}}
	cfg := &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts"}
	posts, _ := Load(site, cfg, true)
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	if p := posts[0]; p.RelName != "sub/idea" || !p.Draft || p.HasDate {
		t.Errorf("RelName %q, Draft %v, HasDate %v; want sub/idea, a draft, undated", p.RelName, p.Draft, p.HasDate)
	}
}

func TestLoadManyPostsInParallel(t *testing.T) {
	site := fstest.MapFS{}
	const n = 500
	for i := range n {
		name := fmt.Sprintf("content/posts/2021-01-%02d-post-%03d.md", i%28+1, i)
		site[name] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Post %d\n---\nBody %d\n", i, i))}
	}
	posts, ds := Load(site, &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts"}, false)
	if len(ds) > 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	if len(posts) != n {
		t.Fatalf("got %d posts, want %d", len(posts), n)
	}
	for i, p := range posts {
		if i > 0 && posts[i-1].Path >= p.Path {
			t.Fatalf("posts not sorted by path: %s before %s", posts[i-1].Path, p.Path)
		}
		var day, number int
		if _, err := fmt.Sscanf(p.Name, "2021-01-%d-post-%d", &day, &number); err != nil {
			t.Fatalf("unexpected name %q: %v", p.Name, err)
		}
		if want := fmt.Sprintf("Post %d", number); p.Title != want {
			t.Fatalf("%s has title %q, want %q: posts and files mixed up", p.Path, p.Title, want)
		}
	}
}

// TestLoadWith shows that LoadWith takes a post from Cached unread, the
// bytes of a source from Read instead of the file system, reads the rest,
// and never takes a draft dated by its file's time from Cached.
func TestLoadWith(t *testing.T) {
	site := fstest.MapFS{
		"content/posts/2021-01-01-cached.md": {Data: []byte("---\ntitle: On disk\n---\nBody.\n")},
		"content/posts/2021-01-02-read.md":   {Data: []byte("---\ntitle: On disk\n---\nBody.\n")},
		"content/posts/2021-01-03-disk.md":   {Data: []byte("---\ntitle: On disk\n---\nBody.\n")},
		"_drafts/undated.md":                 {Data: []byte("No date.\n"), ModTime: time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)},
	}
	cfg := &config.Config{PostsDir: "content/posts", DraftsDir: "_drafts", Jekyll: true, Location: time.UTC}
	var asked []string
	var mu sync.Mutex
	posts, _ := LoadWith(site, cfg, LoadOptions{
		Drafts: true,
		Cached: func(p string) (*Post, []diag.Diagnostic, bool) {
			mu.Lock()
			asked = append(asked, p)
			mu.Unlock()
			if p == "content/posts/2021-01-01-cached.md" || p == "_drafts/undated.md" {
				return &Post{Path: p, Title: "Cached"}, nil, true
			}
			return nil, nil, false
		},
		Read: func(p string) ([]byte, bool) {
			if p == "content/posts/2021-01-02-read.md" {
				return []byte("---\ntitle: Read before\n---\nBody.\n"), true
			}
			return nil, false
		},
	})
	titles := map[string]string{}
	for _, p := range posts {
		titles[p.Path] = p.Title
	}
	want := map[string]string{
		"content/posts/2021-01-01-cached.md": "Cached",
		"content/posts/2021-01-02-read.md":   "Read before",
		"content/posts/2021-01-03-disk.md":   "On disk",
		"_drafts/undated.md":                 "Undated",
	}
	for p, title := range want {
		if titles[p] != title {
			t.Errorf("%s: title %q, want %q", p, titles[p], title)
		}
	}
	for _, p := range asked {
		if p == "_drafts/undated.md" {
			t.Error("a draft dated by its file's time was asked for from the cache")
		}
	}
}
