package site

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
)

// stateSite writes a small site for the build-state tests: posts with
// tags, code, links between them and series places, an image, a site
// template of its own and a configuration.
func stateSite(t *testing.T, posts int) string {
	t.Helper()
	dir := t.TempDir()
	writeSource(t, dir, "weeknotes.yaml", "title: State test\nurl: https://example.org\nauthor: Ann\npaginate: 4\n")
	writeSource(t, dir, "templates/partials/footer.html", "<footer>Footer one</footer>\n")
	writeSource(t, dir, "static/img/a.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"></svg>`)
	for i := range posts {
		writeSource(t, dir, postName(i), postText(i, fmt.Sprintf("Post %d", i), fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%27), []string{"t" + fmt.Sprint(i%3)}, i%4 == 0, "Body of post "+fmt.Sprint(i)+"."))
	}
	return dir
}

func postName(i int) string { return fmt.Sprintf("content/posts/p%03d.md", i) }

// postText is one post's source. Post 0 is linked to from every other and
// never deleted or renamed, so that every build of the site succeeds.
func postText(i int, title, date string, tags []string, inSeries bool, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\ntags: [%s]\n", title, date, strings.Join(tags, ", "))
	if inSeries {
		fmt.Fprintf(&b, "series: Weeknotes\nepisode: %d\n", i/4+1)
	}
	b.WriteString("---\n\n" + body + "\n\n")
	if i != 0 {
		b.WriteString("See [the first]({% post_url p000 %}).\n\n")
	}
	if i%5 == 0 {
		b.WriteString("![An image](/static/img/a.svg)\n\n```go\nfunc main() { println(" + fmt.Sprint(i) + ") }\n```\n")
	}
	return b.String()
}

// readTree returns every file under dir, by slash path, and every folder
// (its path and a slash, with no text): a folder left empty is a
// difference too.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTrees reports the first differences between two output folders.
func sameTrees(t *testing.T, step string, got, want string) {
	t.Helper()
	g, w := readTree(t, got), readTree(t, want)
	var diffs []string
	for p, data := range w {
		if g[p] != data {
			diffs = append(diffs, p+": "+firstDiff(data, g[p]))
		}
	}
	for p := range g {
		if _, ok := w[p]; !ok {
			diffs = append(diffs, p+": not in the clean build")
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("%s: the incremental build differs from a clean one in %d files, e.g.\n%s", step, len(diffs), strings.Join(diffs[:min(5, len(diffs))], "\n"))
	}
}

// stateBuild builds dir into dest as a new process would, with the
// state in cache (or none when cache is "").
func stateBuild(t *testing.T, dir, dest, cache string) *Result {
	t.Helper()
	res, err := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: dest, CacheDir: cache}).Build(context.Background(), nil)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

// TestStateRandomEdits makes a series of random edits of every kind to a
// site and builds after each, once from the saved state into the same
// folder and once from nothing into a new one: the two trees must be the
// same bytes. Edits to posts must be followed from the state (fewer pages
// rendered than the site has); edits to the configuration and templates
// must make the build ignore it, and say so.
func TestStateRandomEdits(t *testing.T) {
	for _, theme := range []struct {
		name  string
		files map[string]string
	}{
		{"default theme", nil},
		{"theme reading across posts", acrossPostsTheme},
	} {
		t.Run(theme.name, func(t *testing.T) {
			dir := stateSite(t, 24)
			for name, text := range theme.files {
				writeSource(t, dir, "templates/"+name, text)
			}
			randomEdits(t, dir)
		})
	}
}

// acrossPostsTheme is a theme whose pages read other posts in every way a
// template can reach them: through variables set in loops, index, and/or,
// templates called on a neighbour, cached partials, front matter and the
// configuration's own keys. Every page must still change when what it
// shows does.
var acrossPostsTheme = map[string]string{
	"post.html": `{{define "main"}}{{$first := false}}{{range .Site.Series}}{{range .Seasons}}{{range .Episodes}}{{if not $first}}{{$first = .}}{{end}}{{end}}{{end}}{{end}}
{{with $first}}<p>First episode: {{.Post.Title}}</p>{{end}}
{{with index .Site.Posts 0}}<p>Newest: {{.Title}}</p>{{end}}
{{$n := or .Post.Newer .Post.Older}}{{with $n}}<p>Near: {{.Title}} {{.Date.Year}}</p>{{end}}
{{template "older-title" .Post}}
<p>Mood: {{.Post.Params.mood}}</p>
{{partialCached "count.html" .Site}}
<article>{{.Post.Content}}</article>{{end}}
{{define "older-title"}}{{with .Older}}<p>Older: {{.Title}}, tagged {{range .Tags}}{{.Name}} ({{len .Posts}}) {{end}}</p>{{end}}{{end}}`,
	"partials/count.html": `<p>{{len .Posts}} posts, {{range $k, $v := .Params}}{{$k}}={{$v}} {{end}}</p>`,
}

// TestAcrossPostsThemeIsAnalysed shows that the analysis follows every
// construct of acrossPostsTheme, so that TestStateRandomEdits tests the
// fingerprints made from it rather than the fallback.
func TestAcrossPostsThemeIsAnalysed(t *testing.T) {
	dir := t.TempDir()
	for name, text := range acrossPostsTheme {
		writeSource(t, dir, "templates/"+name, text)
	}
	th, ds := loadTheme(defaultTheme(t), os.DirFS(dir), &config.Config{TemplatesDir: "templates"})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	set := th.sets["post.html"]
	if set.deps == nil {
		t.Fatalf("the analysis gave up: %s", set.depsNote)
	}
	paths := set.deps.paths()
	for _, want := range []string{".Site.Series[].Seasons[].Episodes[].Post.Title", ".Site.Posts[].Title", ".Post.Newer.Date", ".Post.Older.Tags[].Posts", ".Post.Params.mood", ".Site.Params"} {
		if !slices.Contains(paths, want) {
			t.Errorf("post.html should read %s; it reads\n%s", want, strings.Join(paths, "\n"))
		}
	}
}

// randomEdits makes the edits of TestStateRandomEdits to the site in dir.
func randomEdits(t *testing.T, dir string) {
	dest := filepath.Join(dir, "site")
	cache := filepath.Join(dir, CacheDirName)
	stateBuild(t, dir, dest, cache)
	// The preview's way too: one Builder, told what changed, in memory.
	live := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime})
	if _, err := live.Build(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	sources := sourceSums(t, dir)
	rng := rand.New(rand.NewPCG(17, 2026))
	alive := map[int]bool{}
	for i := range 24 {
		alive[i] = true
	}
	next := 24
	pick := func() int { // any post but the first, which others link to
		var ids []int
		for i := range alive {
			if i != 0 {
				ids = append(ids, i)
			}
		}
		sort.Ints(ids)
		return ids[rng.IntN(len(ids))]
	}
	edits := []struct {
		kind      string
		followed  bool // the state is used, not ignored
		apply     func(i int)
		needsPost bool
		allBodies bool // every body is rendered again, the state being used all the same
	}{
		{"body", true, func(i int) { rewritePost(t, dir, i, "", "", nil, "Edited body "+fmt.Sprint(rng.IntN(1000))+".") }, true, false},
		{"title", true, func(i int) { rewritePost(t, dir, i, "Retitled "+fmt.Sprint(rng.IntN(1000)), "", nil, "") }, true, false},
		{"date", true, func(i int) {
			rewritePost(t, dir, i, "", fmt.Sprintf("2023-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(27)), nil, "")
		}, true, false},
		{kind: "date of the post every other links to", followed: true, allBodies: true, apply: func(int) {
			// Its URL changes, and with it the body of every post that
			// links to it, whose sources do not.
			rewritePost(t, dir, 0, "", fmt.Sprintf("2024-01-%02d", 1+rng.IntN(27)), nil, "")
		}},
		{"tag", true, func(i int) { rewritePost(t, dir, i, "", "", []string{"t" + fmt.Sprint(rng.IntN(5))}, "") }, true, false},
		{"series marker", true, func(i int) {
			src := readSource(t, dir, postName(i))
			if strings.Contains(src, "series: Weeknotes\n") {
				src = strings.Replace(src, "series: Weeknotes\n", "", 1)
			} else {
				src = strings.Replace(src, "---\n\n", "series: Weeknotes\nepisode: 40\n---\n\n", 1)
			}
			writeSource(t, dir, postName(i), src)
		}, true, false},
		{"front matter", true, func(i int) {
			setFrontMatter(t, dir, i, "description", fmt.Sprintf("%q", "About "+fmt.Sprint(rng.IntN(1000))))
			setFrontMatter(t, dir, i, "extra", fmt.Sprintf("{when: 2024-0%d-0%d 08:00:00 +0200, list: [1, two, %d.5]}", 1+rng.IntN(9), 1+rng.IntN(9), rng.IntN(9)))
		}, true, false},
		{"delete", true, func(i int) {
			if err := os.Remove(filepath.Join(dir, postName(i))); err != nil {
				t.Fatal(err)
			}
			delete(alive, i)
		}, true, false},
		{"rename", true, func(i int) {
			if err := os.Rename(filepath.Join(dir, postName(i)), filepath.Join(dir, postName(next))); err != nil {
				t.Fatal(err)
			}
			delete(alive, i)
			alive[next] = true
			next++
		}, true, false},
		{"new post", true, func(int) {
			writeSource(t, dir, postName(next), postText(next, "New "+fmt.Sprint(next), "2024-06-15", []string{"t1"}, false, "A new post."))
			alive[next] = true
			next++
		}, false, false},
		{"front matter", true, func(i int) {
			src := readSource(t, dir, postName(i))
			if k := strings.Index(src, "mood: "); k >= 0 {
				src = src[:k] + src[k+strings.IndexByte(src[k:], '\n')+1:]
			}
			src = strings.Replace(src, "---\n\n", fmt.Sprintf("mood: m%d\n---\n\n", rng.IntN(1000)), 1)
			writeSource(t, dir, postName(i), src)
		}, true, false},
		{"image", true, func(int) {
			writeSource(t, dir, "static/img/a.svg", fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="3"></svg>`, 5+rng.IntN(50)))
		}, false, false},
		{"template", false, func(int) {
			writeSource(t, dir, "templates/partials/footer.html", fmt.Sprintf("<footer>Footer %d</footer>\n", rng.IntN(1000)))
		}, false, false},
		{"configuration", false, func(int) {
			writeSource(t, dir, "weeknotes.yaml", fmt.Sprintf("title: State test %d\nurl: https://example.org\nauthor: Ann\npaginate: 4\n", rng.IntN(1000)))
		}, false, false},
	}
	order := rng.Perm(len(edits))
	for round := range 2 {
		for _, k := range order {
			e := edits[k]
			target := 0
			if e.needsPost {
				target = pick()
			}
			e.apply(target)
			step := fmt.Sprintf("round %d, %s of post %d", round, e.kind, target)
			res := stateBuild(t, dir, dest, cache)
			clean := filepath.Join(t.TempDir(), "site")
			want := stateBuild(t, dir, clean, "")
			sameTrees(t, step, dest, clean)
			now := sourceSums(t, dir)
			fresh, err := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime}).Build(context.Background(), nil)
			if err != nil {
				t.Fatalf("%s: a clean build in memory: %v", step, err)
			}
			sameOutput(t, step+", in the preview", liveBuild(t, live, changedSources(sources, now)), fresh.Output)
			sources = now
			if e.followed && (res.StateNote != "" || res.Stats.Bodies >= want.Stats.Bodies && !e.allBodies) {
				t.Errorf("%s: the state was not used: note %q, %d of %d bodies rendered", step, res.StateNote, res.Stats.Bodies, want.Stats.Bodies)
			}
			if !e.followed && res.StateNote == "" {
				t.Errorf("%s: the build took the state without saying why it could not", step)
			}
		}
	}
}

// sourceSums fingerprints every file of the site but its output and
// cache, to tell the preview's Builder what an edit changed.
func sourceSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for p, data := range readTree(t, dir) {
		if !strings.HasPrefix(p, "site/") && !strings.HasPrefix(p, CacheDirName+"/") {
			sums[p] = data
		}
	}
	return sums
}

// changedSources lists the paths added, changed or removed between two
// sourceSums.
func changedSources(before, after map[string]string) []string {
	var changed []string
	for p, data := range after {
		if old, ok := before[p]; !ok || old != data {
			changed = append(changed, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}

// liveBuild rebuilds with the preview's Builder.
func liveBuild(t *testing.T, b *Builder, changed []string) *Output {
	t.Helper()
	res, err := b.Build(context.Background(), changed)
	if err != nil {
		t.Fatalf("the preview's build of %v: %v", changed, err)
	}
	return res.Output
}

// rewritePost changes one post's title, date, tags or body, keeping the rest.
func rewritePost(t *testing.T, dir string, i int, title, date string, tags []string, body string) {
	t.Helper()
	src := readSource(t, dir, postName(i))
	lines := strings.Split(src, "\n")
	for k, l := range lines {
		switch {
		case title != "" && strings.HasPrefix(l, "title: "):
			lines[k] = fmt.Sprintf("title: %q", title)
		case date != "" && strings.HasPrefix(l, "date: "):
			lines[k] = "date: " + date
		case tags != nil && strings.HasPrefix(l, "tags: "):
			lines[k] = "tags: [" + strings.Join(tags, ", ") + "]"
		case body != "" && strings.HasPrefix(l, "Body of post"), body != "" && strings.HasPrefix(l, "Edited body"):
			lines[k] = body
		}
	}
	writeSource(t, dir, postName(i), strings.Join(lines, "\n"))
}

// setFrontMatter sets one key of a post's front matter to value (YAML),
// adding it if it is not there.
func setFrontMatter(t *testing.T, dir string, i int, key, value string) {
	t.Helper()
	src := readSource(t, dir, postName(i))
	lines := strings.Split(src, "\n")
	for k, l := range lines {
		if strings.HasPrefix(l, key+": ") {
			lines[k] = key + ": " + value
			writeSource(t, dir, postName(i), strings.Join(lines, "\n"))
			return
		}
	}
	writeSource(t, dir, postName(i), strings.Replace(src, "---\n\n", key+": "+value+"\n---\n\n", 1))
}

func readSource(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestStateNoChange shows that a build with nothing changed writes
// nothing: it says so, and every file keeps its inode; and that one that
// finds a file of the output gone builds again.
func TestStateNoChange(t *testing.T) {
	dir := stateSite(t, 8)
	dest := filepath.Join(t.TempDir(), "site")
	cache := filepath.Join(dir, CacheDirName)
	first := stateBuild(t, dir, dest, cache)
	before := inodes(t, dest)
	res := stateBuild(t, dir, dest, cache)
	if !res.NoChange || res.Written.Written != 0 || res.Stats.Rendered != 0 {
		t.Errorf("no-change build: NoChange %v, %d written, %d rendered", res.NoChange, res.Written.Written, res.Stats.Rendered)
	}
	if res.Stats.Posts != first.Stats.Posts || res.Stats.Pages != first.Stats.Pages || res.Stats.Files != first.Stats.Files {
		t.Errorf("no-change build reports %+v, the build before %+v", res.Stats, first.Stats)
	}
	if after := inodes(t, dest); !equalMaps(before, after) {
		t.Error("a no-change build replaced files")
	}

	// A strict build fails on the warnings the build before let pass.
	writeSource(t, dir, "content/posts/warned.md", "---\ntitle: Warned\ndate: 2024-05-05\n---\n\n![Gone](/static/img/missing.png)\n")
	stateBuild(t, dir, dest, cache)
	if res := stateBuild(t, dir, dest, cache); !res.NoChange || len(res.Diagnostics) == 0 {
		t.Fatalf("no-change build after a warning: NoChange %v, diagnostics %v", res.NoChange, res.Diagnostics)
	}
	strict := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: dest, CacheDir: cache, Strict: true})
	if _, err := strict.Build(context.Background(), nil); err == nil {
		t.Error("a strict build with nothing changed passed over the warnings")
	}

	// A file of the output went: the build puts it back.
	page := filepath.Join(dest, "index.html")
	want, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	res = stateBuild(t, dir, dest, cache)
	if got, err := os.ReadFile(page); res.NoChange || err != nil || !bytes.Equal(got, want) {
		t.Errorf("after a page of the output was removed: NoChange %v, page %v", res.NoChange, err)
	}
	if res := stateBuild(t, dir, dest, cache); !res.NoChange {
		t.Error("the build after that was not a no-change build")
	}
}

func inodes(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			out[p] = st.Ino
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalMaps[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestStateNotTrusted: a state the build cannot trust is ignored, said
// once, and replaced, so that the build after uses the new one.
func TestStateNotTrusted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spoil   func(t *testing.T, dir, cache string)
		wantMsg string
	}{
		{"another binary", func(t *testing.T, dir, cache string) {
			orig := binaryIdentity
			binaryIdentity = func(*buildState) (string, string) { return "another weeknotes", "" }
			t.Cleanup(func() { binaryIdentity = orig })
			stateBuild(t, dir, filepath.Join(dir, "site"), cache)
			binaryIdentity = orig
		}, "another version of weeknotes"},
		{"damaged state", func(t *testing.T, dir, cache string) {
			spoilFiles(t, cache, "build-*.state")
		}, "damaged"},
		{"damaged bodies", func(t *testing.T, dir, cache string) {
			spoilFiles(t, cache, "bodies-*.state")
		}, "bodies are damaged"},
		{"configuration", func(t *testing.T, dir, cache string) {
			writeSource(t, dir, "weeknotes.yaml", "title: Another title\nurl: https://example.org\nauthor: Ann\npaginate: 4\n")
		}, "configuration changed"},
		{"templates", func(t *testing.T, dir, cache string) {
			writeSource(t, dir, "templates/partials/footer.html", "<footer>Another</footer>\n")
		}, "templates changed"},
		{"an input of another kind", func(t *testing.T, dir, cache string) {
			writeSource(t, dir, "about.md", "---\ntitle: About\n---\nHello.\n")
		}, "about.md changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := stateSite(t, 6)
			dest := filepath.Join(dir, "site")
			cache := filepath.Join(dir, CacheDirName)
			stateBuild(t, dir, dest, cache)
			writeSource(t, dir, postName(1), postText(1, "Changed", "2024-02-02", nil, false, "Changed."))
			tc.spoil(t, dir, cache)
			res := stateBuild(t, dir, dest, cache)
			if !strings.Contains(res.StateNote, tc.wantMsg) {
				t.Errorf("note %q, want one saying %q", res.StateNote, tc.wantMsg)
			}
			clean := filepath.Join(t.TempDir(), "site")
			stateBuild(t, dir, clean, "")
			sameTrees(t, tc.name, dest, clean)
			writeSource(t, dir, postName(2), postText(2, "Changed too", "2024-03-03", nil, false, "Changed too."))
			if res := stateBuild(t, dir, dest, cache); res.StateNote != "" {
				t.Errorf("the build after said %q again", res.StateNote)
			}
		})
	}
}

// spoilFiles flips a byte in the middle of the files matching pattern.
func spoilFiles(t *testing.T, dir, pattern string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(names) == 0 {
		t.Fatalf("no %s in %s", pattern, dir)
	}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x20
		if err := os.WriteFile(n, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStateFileFormat round-trips both files, and holds the decoders to
// all-or-nothing: every cut of a good file is refused.
func TestStateFileFormat(t *testing.T) {
	st := &buildState{
		Identity: "id", Options: "opts", Config: 1, Theme: 2, ScanTime: 3, ValidUntil: 4, Dest: "/d", Marker: 5, Bodies: [bodyShards]uint64{6, 7, 31: 8}, Posts: 9,
		Inputs: map[string]inputPrint{"a.md": {Size: 10, MTime: 11, Hash: 12}, "b.md": {Size: 0, MTime: -1, Hash: 13}},
		Pages:  map[string]pagePrint{"index.html": {Print: 20, Size: 21, Hash: 22}},
		Stats:  Stats{Posts: 1, Drafts: 2, Pages: 3, Files: 4},
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := st.encode(w); err != nil {
		t.Fatal(err)
	}
	got, err := decodeBuildState(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(st) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, st)
	}
	for n := range buf.Len() {
		if _, err := decodeBuildState(buf.Bytes()[:n]); err == nil {
			t.Fatalf("a state cut to %d bytes was accepted", n)
		}
	}
	bodies := map[string]*bodyState{"a.md": {RenderedOf: 1, HTML: "<p>a</p>", Excerpt: "a", Text: "a", Words: 1, Asked: map[string]string{"post:x": "/x/"}, Reads: []string{"static/i.png"}, ContentHash: 2, ExcerptHash: 3, Image: "/i.png", HasCode: true}}
	buf.Reset()
	w = bufio.NewWriter(&buf)
	sum, err := encodeBodies(w, bodies)
	if err != nil {
		t.Fatal(err)
	}
	gotBodies, err := decodeBodies(buf.Bytes(), sum)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*gotBodies["a.md"]) != fmt.Sprint(*bodies["a.md"]) {
		t.Errorf("bodies round trip: got %+v", *gotBodies["a.md"])
	}
	if _, err := decodeBodies(buf.Bytes(), sum+1); err == nil {
		t.Error("bodies of another build were accepted")
	}
}

// TestSourceSize shows that a build with the cache reports the bytes of
// the site's sources once, from its scan of the inputs: posts and pages,
// not templates, static files or what hidden folders, node_modules and
// vendor hold.
func TestSourceSize(t *testing.T) {
	dir := stateSite(t, 3)
	writeSource(t, dir, "about.md", "---\ntitle: About\n---\nHello.\n")
	writeSource(t, dir, ".notes/draft.md", "not content")
	writeSource(t, dir, "node_modules/x/readme.md", "not content")
	var want int64
	for _, rel := range []string{postName(0), postName(1), postName(2), "about.md"} {
		want += int64(len(readSource(t, dir, rel)))
	}
	var got []int64
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: filepath.Join(dir, "site"),
		CacheDir: filepath.Join(dir, CacheDirName), SourceSize: func(n int64) { got = append(got, n) }})
	for range 2 {
		if _, err := b.Build(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(got, []int64{want}) {
		t.Errorf("reported %v, want [%d]", got, want)
	}
}

// TestPruneStates shows that the cache keeps the state of the sets of
// options saved last, the current one whatever its age, and the temporary
// files of running processes, and nothing else of the states.
func TestPruneStates(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	keys := []string{"a1", "b2", "c3", "d4", "e5", "f6"} // saved in this order
	for i, k := range keys {
		names := []string{"build-" + k + ".state", "posts-" + k + ".state", "pages-" + k + ".state", "bodies-" + k + "-00.state", "bodies-" + k + "-31.state"}
		for _, n := range names {
			writeSource(t, dir, n, "x")
			mt := base.Add(time.Duration(i) * time.Hour)
			if err := os.Chtimes(filepath.Join(dir, n), mt, mt); err != nil {
				t.Fatal(err)
			}
		}
	}
	others := []string{"highlight.cache", "notes.txt", "build-NOTHEX.state",
		"bodies-e5-07.state.tmp-" + strconv.Itoa(os.Getpid())}
	for _, n := range others {
		writeSource(t, dir, n, "x")
	}
	// A process id that no process has: above the kernel's maximum.
	writeSource(t, dir, "bodies-e5-07.state.tmp-2147483647", "x")
	pruneStates(dir, "a1")
	var got []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		got = append(got, e.Name())
	}
	var want []string
	for _, k := range []string{"a1", "d4", "e5", "f6"} {
		want = append(want, "build-"+k+".state", "posts-"+k+".state", "pages-"+k+".state", "bodies-"+k+"-00.state", "bodies-"+k+"-31.state")
	}
	want = append(want, others...)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("left\n%q\nwant\n%q", got, want)
	}
}

// TestHiddenIncludeLeavesBuildFoldersOut builds a Jekyll site whose
// include: takes every hidden file, into a folder inside it, three times:
// the cache and the folders a build keeps beside its output (the spare)
// are never part of the site.
func TestHiddenIncludeLeavesBuildFoldersOut(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "_config.yml", "title: Hidden\nurl: https://example.org\nauthor: Ann\ninclude: [\".*\"]\n")
	writeSource(t, dir, "_posts/2024-01-01-a.md", "---\ntitle: A\n---\nA.\n")
	writeSource(t, dir, ".well-known/security.txt", "Contact: ann@example.org\n")
	for i := range 3 {
		writeSource(t, dir, "_posts/2024-01-02-b.md", fmt.Sprintf("---\ntitle: B\n---\nB %d.\n", i))
		res := stateBuild(t, dir, filepath.Join(dir, "_site"), filepath.Join(dir, CacheDirName))
		var paths []string
		for p := range res.Output.Files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		if !slices.Contains(paths, ".well-known/security.txt") {
			t.Errorf("build %d: the site's own hidden file is missing: %q", i, paths)
		}
		for _, p := range paths {
			if strings.Contains(p, "weeknotes-") || strings.HasPrefix(p, "_site") {
				t.Errorf("build %d: %s is in the site", i, p)
			}
		}
	}
}

// FuzzStateFileKey reads any name as a cache file's: pruneStates removes
// files by what it says, so a name it accepts must be one of the state's
// own (a kind, a hexadecimal key, ".state", perhaps a shard number and a
// temporary suffix), with no separator in it.
func FuzzStateFileKey(f *testing.F) {
	for _, name := range []string{"build-1a2b.state", "bodies-ff-07.state", "posts-0.state.tmp-42", "highlight.cache", "pages-.state", "bodies-a.state", "build-../x.state"} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key, tmp, ok := stateFileKey(name)
		if !ok {
			return
		}
		if key == "" || strings.Trim(key, "0123456789abcdef") != "" || strings.ContainsAny(name, `/\`) {
			t.Fatalf("%q: key %q accepted", name, key)
		}
		base, _, _ := strings.Cut(name, ".state")
		if !strings.HasPrefix(name, "build-"+key+".state") && !strings.HasPrefix(name, "posts-"+key+".state") &&
			!strings.HasPrefix(name, "pages-"+key+".state") && !strings.HasPrefix(base, "bodies-"+key+"-") {
			t.Fatalf("%q: not a state file of key %q", name, key)
		}
		if tmp != strings.Contains(name, ".tmp-") {
			t.Fatalf("%q: temporary %v", name, tmp)
		}
	})
}
