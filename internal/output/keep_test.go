package output

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriterKeep shows that kept files are the old tree's files, linked
// without being written, that paths the old tree lacks are handed back,
// and that a kept path cannot be put again.
func TestWriterKeep(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	if _, err := WriteDir(ctx, files("index.html", "home", "a/index.html", "a"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dest, "a/index.html"))
	w, err := NewWriter(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	missed := w.Keep(ctx, []string{"a/index.html", "b/index.html", "../x"})
	slices.Sort(missed)
	if want := []string{"../x", "b/index.html"}; !slices.Equal(missed, want) {
		t.Errorf("missed %q, want %q", missed, want)
	}
	out := files("index.html", "home 2", "b/index.html", "b")
	out.Files["a/index.html"] = &File{Size: 1, Source: filepath.Join(dest, "a/index.html")}
	st, err := w.Commit(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Written: 2, Unchanged: 1}) {
		t.Errorf("stats %+v", st)
	}
	after, err := os.Stat(filepath.Join(dest, "a/index.html"))
	if err != nil || !os.SameFile(before, after) {
		t.Errorf("the kept file is not the old one: %v", err)
	}
	if got := tree(t, dest); len(got) != 7 { // the root, two folders, three files and the marker
		t.Errorf("tree after keeping: %v", got)
	}
}
