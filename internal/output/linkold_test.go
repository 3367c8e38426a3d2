package output

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// TestLinkOld writes the same change with and without Options.LinkOld:
// the destination, the stats and the old site's own files must come out
// the same, whatever the start linked that the build then replaced,
// dropped, or found in the way (a file become a folder, and the reverse).
func TestLinkOld(t *testing.T) {
	for _, linkOld := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "linked"}[linkOld], func(t *testing.T) {
			ctx := context.Background()
			base := t.TempDir()
			dest := filepath.Join(base, "site")
			old := files("index.html", "home", "same/index.html", "same", "changed/index.html", "old",
				"kept/index.html", "kept", "gone/deep/index.html", "gone", "f", "file", "g/index.html", "folder",
				"static.css", "a", "static2.css", "b")
			if _, err := WriteDir(ctx, old, dest, Options{}); err != nil {
				t.Fatal(err)
			}
			// Another name for the old site's changed file: a write through
			// a link would show here.
			outside := filepath.Join(base, "outside")
			if err := os.Link(filepath.Join(dest, "changed", "index.html"), outside); err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(base, "src")
			os.Mkdir(src, 0o755)
			os.WriteFile(filepath.Join(src, "static.css"), []byte("a"), 0o644)
			os.WriteFile(filepath.Join(src, "static2.css"), []byte("b2"), 0o644)

			w, err := NewWriter(dest, Options{LinkOld: linkOld})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			if missed := w.Keep(ctx, []string{"kept/index.html"}); len(missed) > 0 {
				t.Errorf("missed %q", missed)
			}
			w.Put("same/index.html", []byte("same"), nil)
			w.Put("changed/index.html", []byte("new"), nil)
			w.Put("f/index.html", []byte("now a folder"), nil)
			w.Put("g", []byte("now a file"), nil)
			out := files("index.html", "home", "same/index.html", "same", "changed/index.html", "new",
				"f/index.html", "now a folder", "g", "now a file")
			out.Files["kept/index.html"] = &File{Size: 4, Source: filepath.Join(dest, "kept", "index.html")}
			out.Files["static.css"] = &File{Size: 1, Source: filepath.Join(src, "static.css")}
			out.Files["static2.css"] = &File{Size: 2, Source: filepath.Join(src, "static2.css")}
			st, err := w.Commit(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			if want := (Stats{Written: 4, Unchanged: 4, Removed: 3}); st != want {
				t.Errorf("stats %+v, want %+v", st, want)
			}
			want := map[string]string{"index.html": "home", "same/index.html": "same", "changed/index.html": "new",
				"kept/index.html": "kept", "f/index.html": "now a folder", "g": "now a file", "static.css": "a", "static2.css": "b2"}
			var got, wantPaths []string
			for p := range tree(t, dest) {
				got = append(got, p)
			}
			for p := range want {
				wantPaths = append(wantPaths, p)
			}
			wantPaths = append(wantPaths, "./", MarkerFile, "same/", "changed/", "kept/", "f/")
			sort.Strings(got)
			sort.Strings(wantPaths)
			if !slices.Equal(got, wantPaths) {
				t.Errorf("tree %q\nwant %q", got, wantPaths)
			}
			for p, data := range want {
				if b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(p))); string(b) != data {
					t.Errorf("%s = %q, %v; want %q", p, b, err, data)
				}
			}
			if b, _ := os.ReadFile(outside); string(b) != "old" {
				t.Errorf("the old site's file became %q", b)
			}
			if s := siblings(t, dest); !slices.Equal(s, []string{"outside", "src"}) {
				t.Errorf("beside the destination: %v", s)
			}
		})
	}
}

// TestLinkOldAbort shows that a build that linked the old tree in and
// then failed leaves the destination as it was and nothing beside it.
func TestLinkOldAbort(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dest := filepath.Join(base, "site")
	if _, err := WriteDir(ctx, files("index.html", "home", "a/b/index.html", "b"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, base)
	w, err := NewWriter(dest, Options{LinkOld: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Put("a/b/index.html", []byte("changed"), nil)
	w.Put("c/index.html", []byte("new"), nil)
	w.Abort()
	if after := tree(t, base); !same(before, after) {
		t.Errorf("abort changed the folder:\n%v\n%v", before, after)
	}
}
