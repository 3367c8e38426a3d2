package site

import (
	"context"
	"testing"
)

// TestSessionStateSaved edits posts as an author does during a preview,
// each edit followed by the rebuild the server asks for, then stops: the
// next start serves the site as the last rebuild left it, at once, and
// it is a clean build's. An edit the builder was not told of, or a
// rebuild that failed, leaves no such state.
func TestSessionStateSaved(t *testing.T) {
	cases := []struct {
		name   string
		after  func(t *testing.T, dir string, b *Builder) // after the rebuilds, before the stop
		served bool                                       // the next start serves saved pages
	}{
		{"edits followed", func(*testing.T, string, *Builder) {}, true},
		{"an edit not told of", func(t *testing.T, dir string, _ *Builder) {
			rewritePost(t, dir, 5, "", "", nil, "Changed behind the preview's back.")
		}, false},
		{"a rebuild failed", func(t *testing.T, dir string, b *Builder) {
			good := readSource(t, dir, postName(6))
			writeSource(t, dir, postName(6), good+"\nSee {% post_url p999 %}.\n")
			if _, err := b.Build(context.Background(), []string{postName(6)}); err == nil {
				t.Fatal("the broken link built")
			}
			writeSource(t, dir, postName(6), good) // and stopped before the rebuild
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := stateSite(t, 10)
			b := NewBuilder(previewOptions(t, dir))
			previewBuild(t, b)
			rewritePost(t, dir, 3, "", "", nil, "An edited body.")
			if _, err := b.Build(context.Background(), []string{postName(3)}); err != nil {
				t.Fatal(err)
			}
			writeSource(t, dir, postName(20), postText(20, "New", "2024-06-15", []string{"t1"}, false, "A new post."))
			last, err := b.Build(context.Background(), []string{postName(20)})
			if err != nil {
				t.Fatal(err)
			}
			c.after(t, dir, b)
			if err := b.Flush(); err != nil {
				t.Fatal(err)
			}

			next := NewBuilder(previewOptions(t, dir))
			saved := next.SavedPages()
			if (saved != nil) != c.served {
				t.Fatalf("saved site %v, want one: %v", saved != nil, c.served)
			}
			if saved != nil {
				defer saved.Close()
				for name, want := range last.Output.Files {
					got, err := saved.File(name)
					if err != nil || got == nil || string(got.Data) != string(want.Data) || got.Source != want.Source {
						t.Errorf("saved %s is not the last rebuild's: %v", name, err)
					}
				}
			}
			res := previewBuild(t, next)
			opts := previewOptions(t, dir)
			opts.CacheDir, opts.SavePages = "", false
			sameOutput(t, c.name, res.Output, previewBuild(t, NewBuilder(opts)).Output)
			if c.served && (len(res.Changed) != 0 || res.Stats.Rendered != 0) {
				t.Errorf("the build after the saved site changed %q and rendered %d pages", res.Changed, res.Stats.Rendered)
			}
		})
	}
}
