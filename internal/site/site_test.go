package site

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/diag"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// fixtureSite is the repository's own small site with the edge cases real
// weeknotes have (see testdata/README.md).
const fixtureSite = "../../testdata/site"

// buildTime is a fixed "now" so that future-post filtering is repeatable.
var buildTime = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func defaultTheme(t testing.TB) fs.FS {
	t.Helper()
	sub, err := fs.Sub(weeknotes.Theme, "templates")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// copyTree copies a fixture into a temporary folder so tests can add to it.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

func writeSource(t testing.TB, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func build(t testing.TB, dir string, opts Options) (*Result, error) {
	t.Helper()
	opts.Source = dir
	opts.Theme = defaultTheme(t)
	if opts.Now.IsZero() {
		opts.Now = buildTime
	}
	return NewBuilder(opts).Build(context.Background(), nil)
}

func TestFixtureSiteFailsWithBothMissingPostURLs(t *testing.T) {
	dir := copyTree(t, fixtureSite)
	dest := filepath.Join(t.TempDir(), "site")
	_, err := build(t, dir, Options{})
	var be *diag.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("build of the seed site: got %v, want a BuildError", err)
	}
	var errs []string
	for _, d := range be.Diagnostics {
		if d.Severity == diag.Error {
			errs = append(errs, d.String())
		}
	}
	want := []string{
		`content/posts/2023-11-17-power-cut.md:9: post_url: no post named "2023-08-04-blameless-reviews"`,
		`content/posts/2023-11-17-power-cut.md:31: post_url: no post named "2023-05-19-running-hot"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%s\nwant exactly:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %d = %q, want it to start with %q", i, errs[i], want[i])
		}
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed build wrote output: %v", err)
	}
}

func TestFixtureSiteBuildsOnceTargetsExist(t *testing.T) {
	dir := copyTree(t, fixtureSite)
	writeSource(t, dir, "content/posts/2023-08-04-blameless-reviews.md", "---\ntitle: Blameless reviews\n---\n\nBlame helps nobody.\n")
	writeSource(t, dir, "content/posts/2023-05-19-running-hot.md", "---\ntitle: Running hot\n---\n\nLeave some headroom.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatalf("build: %v", err)
	}

	checkFixtureDiagnostics(t, res)
	checkFixturePages(t, res)
}

// checkFixtureDiagnostics: the two undated posts are drafts, the missing
// image is a warning, and nothing is reported twice.
func checkFixtureDiagnostics(t *testing.T, res *Result) {
	t.Helper()
	var all []string
	for _, d := range res.Diagnostics {
		all = append(all, d.String())
	}
	joined := strings.Join(all, "\n")
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d] {
			t.Errorf("reported twice: %s", d)
		}
		seen[d] = true
	}
	for _, want := range []string{
		"content/posts/notes-from-the-on-call-rota.md",
		"content/posts/podcast-moving-the-payments-platform.md",
		"content/posts/2023-03-12-the-kettle-broke.md:78: image not found: /static/images/canal-at-dusk.jpg",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, joined)
		}
	}
	for _, d := range res.Diagnostics {
		if strings.HasPrefix(d.File, "content/posts/podcast-") || strings.HasPrefix(d.File, "content/posts/notes-from") {
			if strings.Contains(d.Message, "draft") && !strings.Contains(d.Message, "date") {
				t.Errorf("draft message does not say how to date it: %s", d)
			}
		}
	}
	if res.Stats.Posts != 5 {
		t.Errorf("posts = %d, want 5 (the two undated posts are drafts)", res.Stats.Posts)
	}
}

// checkFixturePages: episodes 1 and 2 link to each other, in order on the
// series page, post_url links lead to the added posts, and every generated
// file is there.
func checkFixturePages(t *testing.T, res *Result) {
	t.Helper()
	files := res.Output.Files
	page := func(p string) string {
		t.Helper()
		f := files[p]
		if f == nil {
			t.Fatalf("no output %s", p)
		}
		return string(f.Data)
	}
	ep1 := page("2023/03/05/back-at-the-desk/index.html")
	ep2 := page("2023/03/12/the-kettle-broke/index.html")
	if !strings.Contains(ep1, `href="/2023/03/12/the-kettle-broke/"`) {
		t.Error("episode 1 does not link to episode 2")
	}
	if !strings.Contains(ep2, `href="/2023/03/05/back-at-the-desk/"`) {
		t.Error("episode 2 does not link to episode 1")
	}
	if !strings.Contains(ep2, "Season 1, episode 2") {
		t.Error(`episode 2 does not say "Season 1, episode 2"`)
	}
	seriesPage := page("series/weeknotes/index.html")
	// The header links the latest episode; the order is the seasons' lists.
	seriesPage = seriesPage[max(0, strings.Index(seriesPage, `<section class="season"`)):]
	i1, i2 := strings.Index(seriesPage, "Back at the desk"), strings.Index(seriesPage, "The kettle broke")
	if i1 < 0 || i2 < 0 || i1 > i2 {
		t.Errorf("series page does not list episodes 1 and 2 in order (%d, %d)", i1, i2)
	}
	outage := page("2023/11/17/power-cut/index.html")
	for _, link := range []string{`href="/2023/08/04/blameless-reviews/"`, `href="/2023/05/19/running-hot/"`} {
		if !strings.Contains(outage, link) {
			t.Errorf("outage page lacks post_url link %s", link)
		}
	}
	if strings.Count(ep1, "Back at the desk</h1>") != 1 || strings.Contains(ep1, `<h1 id="back-at-the-desk"`) {
		t.Error("the heading that repeats the title is rendered again")
	}
	for _, p := range []string{"index.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html", "archive/index.html",
		"series/index.html", "series/weeknotes/feed.xml", "tags/index.html", "assets/style.css", "assets/syntax.css",
		"static/images/kettle.png"} {
		if files[p] == nil {
			t.Errorf("no %s in the output", p)
		}
	}
	if strings.Contains(page("sitemap.xml"), "notes-from-the-on-call-rota") {
		t.Error("a draft is in the sitemap")
	}
}

// TestBuildIsDeterministic builds the same site twice, in parallel as
// always, and expects identical bytes.
func TestBuildIsDeterministic(t *testing.T) {
	dir := copyTree(t, fixtureSite)
	writeSource(t, dir, "content/posts/2023-08-04-blameless-reviews.md", "---\ntitle: Blameless reviews\ntags: [a, b]\n---\n\nBlame.\n")
	writeSource(t, dir, "content/posts/2023-05-19-running-hot.md", "---\ntitle: Running hot\ntags: b\n---\n\nWork.\n")
	a, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(t, dir, Options{Now: buildTime.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Output.Files) != len(b.Output.Files) {
		t.Fatalf("file counts differ: %d and %d", len(a.Output.Files), len(b.Output.Files))
	}
	for p, f := range a.Output.Files {
		g := b.Output.Files[p]
		if g == nil || g.Hash != f.Hash || g.Size != f.Size {
			t.Errorf("%s differs between two builds of the same input", p)
		}
	}
}

func TestWriteDirKeepsOldSiteOnFailureAndRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	// zero's neighbours (none older, one newer) stay the same throughout,
	// so its page must not be written again.
	writeSource(t, dir, "content/posts/2024-01-01-zero.md", "---\ntitle: Zero\n---\n\nBefore.\n")
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nFirst.\n")
	writeSource(t, dir, "content/posts/2024-01-12-two.md", "---\ntitle: Two\n---\n\nSecond.\n")
	dest := filepath.Join(dir, "site")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteDir(context.Background(), res.Output, dest); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dest, "2024/01/01/zero/index.html")
	before, err := os.Stat(zero)
	if err != nil {
		t.Fatal(err)
	}

	// A broken post: the build fails and nothing is written.
	writeSource(t, dir, "content/posts/2024-01-19-three.md", "---\ntitle: [unclosed\n---\n")
	if _, err := build(t, dir, Options{}); err == nil {
		t.Fatal("a post with broken front matter built")
	}

	// Fixed, and post two removed: its page goes, post zero's page is not rewritten.
	writeSource(t, dir, "content/posts/2024-01-19-three.md", "---\ntitle: Three\n---\n\nThird.\n")
	os.Remove(filepath.Join(dir, "content/posts/2024-01-12-two.md"))
	time.Sleep(10 * time.Millisecond)
	res, err = build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := WriteDir(context.Background(), res.Output, dest)
	if err != nil {
		t.Fatal(err)
	}
	if st.Removed == 0 {
		t.Error("no stale file removed")
	}
	if _, err := os.Stat(filepath.Join(dest, "2024/01/12/two/index.html")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the removed post's page is still there")
	}
	if _, err := os.Stat(filepath.Join(dest, "2024/01/12")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the removed post's empty folder is still there")
	}
	after, err := os.Stat(zero)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("an unchanged page was rewritten")
	}

	// A folder weeknotes did not write is never cleaned.
	other := t.TempDir()
	writeSource(t, other, "precious.txt", "keep me")
	if _, err := WriteDir(context.Background(), res.Output, other); err == nil {
		t.Error("WriteDir cleaned a folder it did not create")
	}
}

func TestIncrementalBuildMatchesFullBuild(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"2024-01-05-a", "2024-01-12-b", "2024-01-19-c", "2024-01-26-d"} {
		writeSource(t, dir, "content/posts/"+name+".md", "---\ntitle: Post "+name+"\ntags: [t]\nexcerpt: Weeknotes S01E0"+string(rune('1'+i))+"\n---\n\nBody of "+name+" links to {% post_url 2024-01-05-a %}.\n")
	}
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	ctx := context.Background()
	first, err := b.Build(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}

	writeSource(t, dir, "content/posts/2024-01-19-c.md", "---\ntitle: Post 2024-01-19-c\ntags: [t]\nexcerpt: Weeknotes S01E03\n---\n\nAn edited body.\n")
	inc, err := b.Build(ctx, []string{"content/posts/2024-01-19-c.md"})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Stats.Rendered >= first.Stats.Rendered {
		t.Errorf("incremental build rendered %d pages, the full one %d", inc.Stats.Rendered, first.Stats.Rendered)
	}
	if !contains(inc.Changed, "2024/01/19/c/index.html") {
		t.Errorf("changed = %v, want the edited post's page", inc.Changed)
	}
	full, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for p, f := range full.Output.Files {
		if g := inc.Output.Files[p]; g == nil || g.Hash != f.Hash {
			t.Errorf("%s: incremental output differs from a full build", p)
		}
	}

	// Removing a post_url target makes the posts that link to it fail.
	os.Remove(filepath.Join(dir, "content/posts/2024-01-05-a.md"))
	_, err = b.Build(ctx, []string{"content/posts/2024-01-05-a.md"})
	var be *diag.BuildError
	if !errors.As(err, &be) || !strings.Contains(be.Error(), `post_url: no post named "2024-01-05-a"`) {
		t.Errorf("after removing a link target: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestEmptySiteBuilds renders every page template with no posts at all: a
// new author's first build must not fail on an empty list.
func TestEmptySiteBuilds(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/.keep", "")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "archive/index.html", "tags/index.html", "series/index.html", "404.html", "feed.xml"} {
		if res.Output.Files[p] == nil {
			t.Errorf("no %s", p)
		}
	}
}

// TestTemplateErrorNamesFileAndLine overrides default templates with
// broken ones: a parse error, an execution error, and an execution error
// in a partial that the default base.html renders through partialCached,
// which must be reported at the partial's line, not base.html's.
func TestTemplateErrorNamesFileAndLine(t *testing.T) {
	tests := []struct {
		name, file, text string
		wantLine         int
		wantMessage      string // a part of the message
	}{
		{"parse error", "templates/post.html", "{{define \"main\"}}\n<h1>{{ .Post.Title }</h1>\n{{end}}\n", 2, ""},
		{"execution error", "templates/post.html", "{{define \"main\"}}\n\n<h1>{{ .Post.NoSuchField }}</h1>\n{{end}}\n", 3, "NoSuchField"},
		{"in a cached partial", "templates/partials/footer.html", "<footer>\n{{ .NoSuchField }}\n</footer>\n", 2, "NoSuchField"},
		// The escaper names base.html for a call in post.html.
		{"a missing partial", "templates/post.html", "{{define \"main\"}}\n<h1>{{ .Post.Title }}</h1>\n{{ template \"missing.html\" . }}\n{{end}}\n", 3,
			`no such template "missing.html" (rendering content/posts/2024-01-05-one.md and 1 more page)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nFirst.\n")
			writeSource(t, dir, "content/posts/2024-01-06-two.md", "---\ntitle: Two\n---\n\nSecond.\n")
			writeSource(t, dir, tt.file, tt.text)
			_, err := build(t, dir, Options{})
			var be *diag.BuildError
			if !errors.As(err, &be) {
				t.Fatalf("got %v, want a BuildError", err)
			}
			// Once, however many pages it stops.
			if errs, _ := diag.Count(be.Diagnostics); errs != 1 {
				t.Errorf("%d errors, want 1: %v", errs, be.Diagnostics)
			}
			if d := be.Diagnostics[0]; d.File != tt.file || d.Line != tt.wantLine || !strings.Contains(d.Message, tt.wantMessage) {
				t.Errorf("diagnostic = %s, want %s:%d about %q", d, tt.file, tt.wantLine, tt.wantMessage)
			}
		})
	}
}

// TestJekyllLayoutBuildsUnchanged builds a Jekyll blog: _config.yml and
// _posts, with Jekyll's default permalinks.
func TestJekyllLayoutBuildsUnchanged(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "_config.yml", "title: Old blog\nbaseurl: /blog\nurl: https://old.example\n")
	writeSource(t, dir, "_posts/2020-01-20-hello.md", "---\ntitle: Hello\ncategories: notes\n---\n\nSee [next]({% post_url 2020/2020-02-01-next %}).\n")
	writeSource(t, dir, "_posts/2020/2020-02-01-next.md", "---\ntitle: Next\n---\n\nHi.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Output.Files["notes/2020/01/20/hello.html"]
	if f == nil {
		t.Fatalf("no Jekyll-style page; have %d files", len(res.Output.Files))
	}
	if !strings.Contains(string(f.Data), `href="/blog/2020/02/01/next.html"`) {
		t.Error("post_url in subfolder form did not resolve with the baseurl")
	}
}

// TestStreamedBuild checks the one-shot mode the CLI uses: pages go to disk
// as they render, but a failed build leaves the folder as it was.
func TestStreamedBuild(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "site")
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nFirst.\n")
	writeSource(t, dir, "content/posts/2024-01-12-two.md", "---\ntitle: Two\n---\n\nSecond.\n")

	// A template error fails the build late, after pages were staged.
	writeSource(t, dir, "templates/tag.html", "{{define \"main\"}}{{ .NoSuchField }}{{end}}")
	writeSource(t, dir, "content/posts/2024-01-19-three.md", "---\ntitle: Three\ntags: x\n---\n\nThird.\n")
	if _, err := build(t, dir, Options{StreamTo: dest}); err == nil {
		t.Fatal("a template error did not fail the build")
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("a failed build into an empty folder left %d entries", len(entries))
	}
	os.Remove(filepath.Join(dir, "templates/tag.html"))

	res, err := build(t, dir, Options{StreamTo: dest})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written.Written != len(res.Output.Files) {
		t.Errorf("written %d of %d files", res.Written.Written, len(res.Output.Files))
	}
	page := filepath.Join(dest, "2024/01/05/one/index.html")
	before, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}

	// A failure on a later build leaves every file as it was, with no temporary files.
	writeSource(t, dir, "templates/tag.html", "{{define \"main\"}}{{ .NoSuchField }}{{end}}")
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One, edited\n---\n\nFirst.\n")
	if _, err := build(t, dir, Options{StreamTo: dest}); err == nil {
		t.Fatal("a template error did not fail the build")
	}
	after, _ := os.ReadFile(page)
	if !bytes.Equal(before, after) {
		t.Error("a failed build changed a page")
	}
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})

	// Fixed: the edit lands, the unchanged pages are not rewritten.
	os.Remove(filepath.Join(dir, "templates/tag.html"))
	res, err = build(t, dir, Options{StreamTo: dest})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(page); !bytes.Contains(got, []byte("One, edited")) {
		t.Error("the edit did not land")
	}
	if res.Written.Unchanged == 0 {
		t.Error("every file was rewritten")
	}
}

// TestIncrementalStaticImage adds a missing image while the builder runs:
// the post that shows it is rendered again, with the image's size, and the
// warning goes.
func TestIncrementalStaticImage(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\n![A dot](/static/images/dot.png)\n")
	writeSource(t, dir, "content/posts/2024-01-12-two.md", "---\ntitle: Two\n---\n\nNo images here.\n")
	writeSource(t, dir, "weeknotes.yaml", completeConfig)
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	ctx := context.Background()
	res, err := b.Build(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fmt.Sprint(res.Diagnostics), "image not found: /static/images/dot.png") {
		t.Fatalf("no missing-image warning: %v", res.Diagnostics)
	}
	png, err := os.ReadFile(filepath.Join(fixtureSite, "static/images/kettle.png"))
	if err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, "static/images/dot.png", string(png))
	res, err = b.Build(ctx, []string{"static/images/dot.png"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("warnings after adding the image: %v", res.Diagnostics)
	}
	page := string(res.Output.Files["2024/01/05/one/index.html"].Data)
	if !strings.Contains(page, `width="400" height="400"`) {
		t.Error("the post was not rendered again with the image's size")
	}
	if res.Output.Files["static/images/dot.png"] == nil {
		t.Error("the new image is not in the output")
	}
	if contains(res.Changed, "2024/01/12/two/index.html") {
		t.Error("a post without the image was rendered again")
	}
}

// TestStreamedBuildTwiceWithOneBuilder reuses a Builder after a streamed
// build, which let its sources go: the second build must read them again.
func TestStreamedBuildTwiceWithOneBuilder(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\n---\n\nFirst body.\n")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: filepath.Join(dir, "site")})
	for i := 0; i < 2; i++ {
		res, err := b.Build(context.Background(), []string{"content/posts/2024-01-05-one.md"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(res.Output.Files["2024/01/05/one/index.html"].Source)
		if err != nil || !bytes.Contains(page, []byte("First body.")) {
			t.Fatalf("build %d: page lacks its body (%v)", i+1, err)
		}
	}
}

// TestTagSpellingsAndUpdatedDate: two spellings of one tag list the post
// once, and last_modified_at reaches the feed.
func TestTagSpellingsAndUpdatedDate(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-one.md", "---\ntitle: One\ntags: [café, cafe]\nlast_modified_at: 2024-02-01 10:00:00 +0000\n---\n\nFirst.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tag := string(res.Output.Files["tags/cafe/index.html"].Data)
	if n := strings.Count(tag, `href="/2024/01/05/one/"`); n != 1 {
		t.Errorf("the post is listed %d times on its tag page", n)
	}
	if feed := string(res.Output.Files["feed.xml"].Data); !strings.Contains(feed, "<updated>2024-02-01T10:00:00Z</updated>") {
		t.Error("last_modified_at is not the feed's updated time")
	}
}

// TestIncludeRelative builds a post that pulls in a file beside it, and
// renders the post again when only that file changes, as the preview must.
func TestIncludeRelative(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2024-01-05-a.md", "---\ntitle: A\n---\n\nBefore. {% include_relative parts/aside.txt %}\n")
	writeSource(t, dir, "content/posts/2024-01-12-b.md", "---\ntitle: B\n---\n\nNo includes here.\n")
	writeSource(t, dir, "content/posts/parts/aside.txt", "The first aside.")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	ctx := context.Background()
	if _, err := b.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	page := func(res *Result) string {
		t.Helper()
		f := res.Output.Files["2024/01/05/a/index.html"]
		if f == nil {
			t.Fatal("no page for post A")
		}
		return string(f.Data)
	}
	writeSource(t, dir, "content/posts/parts/aside.txt", "The second aside.")
	res, err := b.Build(ctx, []string{"content/posts/parts/aside.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if got := page(res); !strings.Contains(got, "Before. The second aside.") {
		t.Errorf("after editing the included file, the post shows:\n%s", got)
	}
	if !contains(res.Changed, "2024/01/05/a/index.html") || contains(res.Changed, "2024/01/12/b/index.html") {
		t.Errorf("changed = %v, want post A's page and not post B's", res.Changed)
	}
}

// TestSiteIncludesWinOverTheme checks the order {% include %} looks in: a
// Jekyll site's _includes (or its includes_dir), then the default theme's.
func TestSiteIncludesWinOverTheme(t *testing.T) {
	tests := []struct {
		name, config, includeFile, want string
	}{
		{"the theme's note.html", "", "", `class="note-title"`},
		{"the site's _includes/note.html", "", "_includes/note.html", `site-note`},
		{"includes_dir", "includes_dir: _parts\n", "_parts/note.html", `site-note`},
		{"templates/includes in a Jekyll site", "", "templates/includes/note.html", `site-note`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				writeSource(t, dir, "_config.yml", tt.config)
			}
			if tt.includeFile != "" {
				writeSource(t, dir, tt.includeFile, `<aside class="site-note">{{ include.text }}</aside>`)
			}
			writeSource(t, dir, "_posts/2021-01-01-x.md", "---\ntitle: X\n---\n\n{% include note.html text=\"hi\" %}\n")
			res, err := build(t, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Output.Files["2021/01/01/x.html"]
			if f == nil {
				t.Fatal("no post page")
			}
			if !strings.Contains(string(f.Data), tt.want) {
				t.Errorf("the post does not show %q", tt.want)
			}
		})
	}
}

// TestSitePages checks the site's own pages and files: a weeknotes site's
// content/pages, and a Jekyll site's files outside _posts, which win over
// the generated file of the same path.
func TestSitePages(t *testing.T) {
	t.Run("weeknotes layout: content/pages", func(t *testing.T) {
		dir := t.TempDir()
		writeSource(t, dir, "content/posts/2021-01-01-x.md", "---\ntitle: X\n---\n\nHello.\n")
		writeSource(t, dir, "content/pages/now.md", "---\ntitle: Now\n---\n\nWhat I am doing {{ site.posts | size }}.\n")
		writeSource(t, dir, "content/pages/cv/index.md", "# CV\n\nNo front matter needed here.\n")
		writeSource(t, dir, "content/pages/cv/photo.jpg", "jpeg")
		res, err := build(t, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		now := res.Output.Files["now/index.html"]
		if now == nil {
			t.Fatalf("no now/index.html; files: %v", len(res.Output.Files))
		}
		for _, want := range []string{`<h1 class="post-title">Now</h1>`, "What I am doing 1.", `<a href="/now/">Now</a>`} {
			if !strings.Contains(string(now.Data), want) {
				t.Errorf("now/index.html lacks %q", want)
			}
		}
		if res.Output.Files["cv/index.html"] == nil || res.Output.Files["cv/photo.jpg"] == nil {
			t.Error("the page or the file of content/pages/cv is missing")
		}
	})
	t.Run("Jekyll layout: the site's files win over generated ones", func(t *testing.T) {
		dir := t.TempDir()
		writeSource(t, dir, "_posts/2021-01-01-x.md", "---\ntitle: X\n---\n\nHello.\n")
		writeSource(t, dir, "robots.txt", "User-agent: *\nDisallow: /private/\n")
		writeSource(t, dir, "404.html", "---\ntitle: Lost\n---\n<p>Nothing here.</p>\n")
		writeSource(t, dir, "site/feed.xml", "an earlier build's output, not the site's")
		res, err := build(t, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f := res.Output.Files["robots.txt"]; f == nil || f.Source == "" {
			t.Error("robots.txt is not the site's own")
		}
		if f := res.Output.Files["404.html"]; f == nil || !strings.Contains(string(f.Data), "Nothing here.") {
			t.Error("404.html is not the site's own page")
		}
		for p := range res.Output.Files {
			if strings.HasPrefix(p, "site/") {
				t.Errorf("%s: an earlier build's output is copied", p)
			}
		}
	})
}

// TestSitePageTemplateErrorOnce: a broken page.html stops every page of the
// site; it is reported once, naming the first page and how many more, as
// for posts.
func TestSitePageTemplateErrorOnce(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2021-01-01-x.md", "---\ntitle: X\n---\n\nHello.\n")
	writeSource(t, dir, "content/pages/now.md", "---\ntitle: Now\n---\n\nNow.\n")
	writeSource(t, dir, "content/pages/uses.md", "---\ntitle: Uses\n---\n\nUses.\n")
	writeSource(t, dir, "templates/page.html", "{{ define \"main\" }}{{ .NoSuchField }}{{ end }}\n")
	_, err := build(t, dir, Options{})
	var be *diag.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("build: %v, want a BuildError", err)
	}
	var got []string
	for _, d := range be.Diagnostics {
		if strings.HasPrefix(d.File, "templates/page.html") {
			got = append(got, d.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "(rendering content/pages/now.md and 1 more page)") {
		t.Errorf("page.html errors = %q, want one naming content/pages/now.md and 1 more page", got)
	}
}

// TestSitePageWithCodeHasSyntaxCSS: a page of the site with highlighted
// code links the highlighting stylesheet, as a post with code does; one
// without code does not.
func TestSitePageWithCodeHasSyntaxCSS(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "content/posts/2021-01-01-x.md", "---\ntitle: X\n---\n\nHello.\n")
	writeSource(t, dir, "content/pages/uses.md", "---\ntitle: Uses\n---\n\n```go\npackage main\n```\n")
	writeSource(t, dir, "content/pages/now.md", "---\ntitle: Now\n---\n\nNo code.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]bool{"uses/index.html": true, "now/index.html": false} {
		f := res.Output.Files[page]
		if f == nil {
			t.Fatalf("no %s", page)
		}
		if got := strings.Contains(string(f.Data), "syntax.css"); got != want {
			t.Errorf("%s links syntax.css: %v, want %v", page, got, want)
		}
	}
}
