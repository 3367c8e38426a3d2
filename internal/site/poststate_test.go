package site

import (
	"bufio"
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// postSources are posts whose front matter holds every kind of value the
// posts file stores, and some it does not.
var postSources = map[string]string{
	"yaml.md": "---\ntitle: \"Kinds: all\"\ndate: 2021-11-19 08:00:00 -0600\nlast_modified_at: 2021-11-20\n" +
		"tags: go tools\ncategories: [a, b]\ndescription: D\nsub-title: S\nauthor: Ann\nlayout: post\n" +
		"series: Weeknotes\nseason: 2\nepisode: 3\ndraft: false\npublished: true\n" +
		"n: 42\nbig: 18446744073709551615\nneg: -7\nf: 1.5\nyes: true\nnothing: null\nempty: []\nnone: {}\n" +
		"nested:\n  list: [1, two, 3.0, [x, {k: v}]]\n  when: 2020-02-02T10:00:00Z\n  zone: 2020-02-02T10:00:00+05:30\n---\n\n# Heading\n\nBody.\n",
	"toml.md":            "+++\ntitle = \"TOML\"\ndate = 2021-11-19T08:00:00-06:00\ncount = 3\nratio = 0.25\nlocal = 1979-05-27\ntags = [\"x\"]\n[extra]\nk = \"v\"\n+++\n\nBody.\n",
	"json.md":            "---json\n{\"title\": \"JSON\", \"date\": \"2021-11-19\", \"n\": 2, \"l\": [1, \"a\", null], \"m\": {\"k\": true}}\n---\n\nBody.\n",
	"2021-03-04-bare.md": "No front matter at all, a title from the slug.\n",
	"broken.md":          "---\ntitle: [unclosed\n---\n\nBody.\n",
	"tables.md":          "+++\ntitle = \"Tables\"\n[[items]]\nname = \"a\"\n[[items]]\nname = \"b\"\n+++\n\nBody.\n",
	"params-only.md":     "---\nslug: chosen\npermalink: /x/:slug/\nexcerpt: Given.\nrender_with_liquid: false\n---\nBody.\n",
}

// parsedPosts parses postSources with cfg's rules.
func parsedPosts(t *testing.T, cfg *config.Config) []*postState {
	t.Helper()
	var states []*postState
	for _, name := range slices.Sorted(maps.Keys(postSources)) {
		p, ds := content.ParseSite(cfg, "content/posts/"+name, "content/posts", []byte(postSources[name]))
		if p == nil {
			t.Fatalf("%s: not parsed", name)
		}
		states = append(states, &postState{post: p, parseDiags: ds})
	}
	return states
}

// TestPostsRoundTrip writes parsed posts to the posts file and reads them
// back: every post it stores comes back exactly as parsed (but for its
// body), in a site's own time zone and in UTC, and one with a value of a
// kind it does not store (TOML's arrays of tables) is left out, to be
// parsed again.
func TestPostsRoundTrip(t *testing.T) {
	for _, zone := range []string{"", "Europe/Paris"} {
		t.Run("zone="+zone, func(t *testing.T) {
			yaml := "title: T\nurl: https://example.org\n"
			if zone != "" {
				yaml += "timezone: " + zone + "\n"
			}
			cfg, err := config.Load(fstest.MapFS{"weeknotes.yaml": {Data: []byte(yaml)}})
			if err != nil {
				t.Fatal(err)
			}
			states := parsedPosts(t, cfg)
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			sum, err := encodePosts(w, states, cfg.Location)
			if err != nil {
				t.Fatal(err)
			}
			w.Flush()
			got, err := decodePosts(buf.Bytes(), sum, cfg.Location)
			if err != nil {
				t.Fatal(err)
			}
			for _, ps := range states {
				want := *ps.post
				want.Body = nil
				sp := got[want.Path]
				if want.Path == "content/posts/tables.md" {
					if sp != nil {
						t.Errorf("%s: stored, with a value the file cannot hold", want.Path)
					}
					continue
				}
				if sp == nil {
					t.Errorf("%s: not stored", want.Path)
					continue
				}
				if !reflect.DeepEqual(sp.post, &want) {
					t.Errorf("%s: came back as\n%#v\nwant\n%#v", want.Path, sp.post, &want)
				}
				if !sameDiags(sp.diags, ps.parseDiags) {
					t.Errorf("%s: diagnostics %v, want %v", want.Path, sp.diags, ps.parseDiags)
				}
			}
			if _, err := decodePosts(buf.Bytes(), sum+1, cfg.Location); err == nil {
				t.Error("a posts file of another state was taken")
			}
			damaged := bytes.Clone(buf.Bytes())
			damaged[len(damaged)/2] ^= 1
			if _, err := decodePosts(damaged, sum, cfg.Location); err == nil {
				t.Error("a damaged posts file was taken")
			}
		})
	}
}

func sameDiags(a, b []diag.Diagnostic) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// TestPostFieldsStored fails when content.Post gains a field: the posts
// file must then store it too (poststate.go), or a post taken from the
// state would lack it.
func TestPostFieldsStored(t *testing.T) {
	stored := []string{"Path", "RelName", "Name", "Title", "TitleSource", "Slug", "SlugSource", "Date", "HasDate",
		"DateFromModTime", "Draft", "Published", "Excerpt", "Description", "Subtitle", "Author", "Layout", "Permalink",
		"URLLine", "HTML", "Liquid", "Tags", "Categories", "SeriesName", "Season", "Episode", "Params",
		"Body", // not stored: read when the body is rendered again
		"BodyLine", "Hash", "Jekyll"}
	var fields []string
	for f := range reflect.TypeFor[content.Post]().Fields() {
		fields = append(fields, f.Name)
	}
	if !slices.Equal(fields, stored) {
		t.Errorf("content.Post has the fields\n%q\nand the posts file stores\n%q", fields, stored)
	}
}

// TestStateTakesParsedPosts shows that a build after one post's body was
// edited takes every other post from the saved state unread, reads the
// edited one, and that a post taken unread whose body must be rendered
// again (a post it links to moved) reads its source then.
func TestStateTakesParsedPosts(t *testing.T) {
	dir := stateSite(t, 6)
	dest := filepath.Join(dir, "site")
	cache := filepath.Join(dir, CacheDirName)
	stateBuild(t, dir, dest, cache)
	rewritePost(t, dir, 3, "", "", nil, "Edited body.")
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: dest, CacheDir: cache})
	if _, err := b.Build(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for path, ps := range b.posts {
		if want := path != postName(3); ps.bodyUnread != want {
			t.Errorf("%s: taken unread %v, want %v", path, ps.bodyUnread, want)
		}
	}
	// Post 0, which every other links to, gets another date, so another
	// URL: every other body is rendered again, from its source.
	rewritePost(t, dir, 0, "", "2024-12-30", nil, "")
	b = NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, StreamTo: dest, CacheDir: cache})
	res, err := b.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Bodies != 6 {
		t.Errorf("%d bodies rendered, want 6", res.Stats.Bodies)
	}
	clean := filepath.Join(t.TempDir(), "site")
	stateBuild(t, dir, clean, "")
	sameTrees(t, "after a linked post moved", dest, clean)
}

// TestStateRewritesChangedShards shows that a build after one post's body
// was edited rewrites only the shard of the bodies that holds it, and one
// after a post was deleted only that post's shard, keeping the others'
// files as they were; the random-edits test holds the result to a clean
// build.
func TestStateRewritesChangedShards(t *testing.T) {
	dir := stateSite(t, 24)
	dest := filepath.Join(dir, "site")
	cache := filepath.Join(dir, CacheDirName)
	stateBuild(t, dir, dest, cache)
	inodes := func() map[string]uint64 {
		names, _ := filepath.Glob(filepath.Join(cache, "bodies-*-*.state"))
		if len(names) != bodyShards {
			t.Fatalf("%d shards, want %d", len(names), bodyShards)
		}
		out := map[string]uint64{}
		for _, n := range names {
			info, err := os.Stat(n)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(n)] = info.Sys().(*syscall.Stat_t).Ino
		}
		return out
	}
	for _, step := range []struct {
		name string
		post int
		do   func()
	}{
		{"edit", 5, func() { rewritePost(t, dir, 5, "", "", nil, "Edited body.") }},
		{"delete", 7, func() { os.Remove(filepath.Join(dir, postName(7))) }},
	} {
		before := inodes()
		step.do()
		stateBuild(t, dir, dest, cache)
		after := inodes()
		var rewritten []string
		for n, ino := range after {
			if before[n] != ino {
				rewritten = append(rewritten, n)
			}
		}
		_, bodiesName := NewBuilder(Options{Source: dir, StreamTo: dest, CacheDir: cache}).stateNames()
		want := []string{shardName(bodiesName, shardOf(postName(step.post)))}
		if !slices.Equal(rewritten, want) {
			t.Errorf("%s: rewrote %q, want %q", step.name, rewritten, want)
		}
	}
}
