//go:build unix

package output

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
)

func TestCheckPath(t *testing.T) {
	for _, tt := range []struct {
		p  string
		ok bool
	}{
		{"index.html", true},
		{"2021/01/10/x/index.html", true},
		{"static/a b.png", true},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"a/./x", false},
		{"/etc/passwd", false},
		{"a//b", false},
		{"a/", false},
		{"", false},
		{"a\\..\\b", false},
		{"a\x00b", false},
		{"a\nb", false},
		{MarkerFile, false},
		{"\xff", false},
	} {
		err := CheckPath(tt.p)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrPath)) {
			t.Errorf("CheckPath(%q) = %v, want ok=%v", tt.p, err, tt.ok)
		}
	}
}

func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"index.html", "../x", "a/../../b", "/abs", "a//b", "a/./b", "..\\x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if CheckPath(p) != nil {
			return
		}
		// Whatever passes stays inside any root it is joined to.
		root := filepath.FromSlash("/srv/site")
		joined := filepath.Join(root, filepath.FromSlash(p))
		if !strings.HasPrefix(joined, root+string(filepath.Separator)) {
			t.Fatalf("CheckPath(%q) passed, but it joins to %s", p, joined)
		}
	})
}

func TestCheckDest(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "blog")
	posts := filepath.Join(src, "content", "posts")
	if err := os.MkdirAll(posts, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link-to-posts")
	if err := os.Symlink(posts, link); err != nil {
		t.Fatal(err)
	}
	inputs := []string{posts, filepath.Join(src, "templates"), filepath.Join(src, "weeknotes.yaml")}
	for _, tt := range []struct {
		dest string
		ok   bool
	}{
		{filepath.Join(src, "site"), true},
		{filepath.Join(base, "elsewhere"), true},
		{src, false},                                  // contains the inputs
		{base, false},                                 // contains them too
		{posts, false},                                // is one
		{filepath.Join(posts, "out"), false},          // inside one
		{filepath.Join(src, "templates", "x"), false}, // inside one that does not exist yet
		{filepath.Join(src, "weeknotes.yaml"), false}, // a file input
		{filepath.Join(link, "site"), false},          // inside one, through a link
		{filepath.Join(src, "content", "posts", "..", "posts"), false},
	} {
		err := CheckDest(tt.dest, inputs)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrDest)) {
			t.Errorf("CheckDest(%s) = %v, want ok=%v", tt.dest, err, tt.ok)
		}
	}
}

// tree returns every file under dir with its SHA-256, and every folder.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			out[rel+"/"] = "dir"
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			out[rel] = hex.EncodeToString(sum[:])
		default:
			out[rel] = "special " + d.Type().String()
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func files(pairs ...string) *Output {
	out := &Output{Files: map[string]*File{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Files[pairs[i]] = &File{Data: []byte(pairs[i+1]), Size: int64(len(pairs[i+1]))}
	}
	return out
}

// siblings lists what is beside dest in its folder, other than dest and
// its spare (spare_test.go checks the spare).
func siblings(t *testing.T, dest string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dest))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != filepath.Base(dest) && e.Name() != "."+filepath.Base(dest)+".weeknotes-spare" {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func TestWriteDirReplacesWhole(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	st, err := WriteDir(ctx, files("index.html", "home", "a/index.html", "a", "b/c/index.html", "c"), dest, Options{})
	if err != nil || st.Written != 3 {
		t.Fatalf("first write: %+v, %v", st, err)
	}
	before, _ := os.Stat(filepath.Join(dest, "a/index.html"))
	st, err = WriteDir(ctx, files("index.html", "home 2", "a/index.html", "a"), dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Written: 1, Unchanged: 1, Removed: 1}) {
		t.Errorf("second write: %+v", st)
	}
	after, _ := os.Stat(filepath.Join(dest, "a/index.html"))
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("an unchanged file is not the same file")
	}
	got := tree(t, dest)
	for _, want := range []string{"index.html", "a/index.html", MarkerFile} {
		if got[want] == "" {
			t.Errorf("%s missing after the second write: %v", want, got)
		}
	}
	if got["b/"] != "" || got["b/c/index.html"] != "" {
		t.Errorf("stale files or folders left: %v", got)
	}
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
}

func TestWriteDirRefusesAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dest := filepath.Join(base, "site")
	if _, err := WriteDir(ctx, files("index.html", "home"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(base, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	secretLink := filepath.Join(base, "link")
	if err := os.Symlink("/etc/hostname", secretLink); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		out  *Output
	}{
		{"parent path", files("index.html", "x", "../escaped.txt", "x")},
		{"absolute path", files("/tmp/escaped.txt", "x")},
		{"marker", files(MarkerFile, "x")},
		{"fifo copy", &Output{Files: map[string]*File{"static/f": {Source: fifo}}}},
		{"device copy", &Output{Files: map[string]*File{"static/z": {Source: "/dev/zero"}}}},
		{"link copy", &Output{Files: map[string]*File{"static/l": {Source: secretLink}}}},
		{"file and folder", files("a", "x", "a/index.html", "y")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := tree(t, base)
			if _, err := WriteDir(ctx, tt.out, dest, Options{}); err == nil {
				t.Fatal("written")
			}
			if after := tree(t, base); !same(before, after) {
				t.Errorf("the folder changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestWriteDirKeepsOthersFiles(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dest := filepath.Join(base, "site")
	if _, err := WriteDir(ctx, files("index.html", "home"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	planted := map[string]func(string) error{
		"notes.txt": func(p string) error { return os.WriteFile(p, []byte("mine"), 0o644) },
		"link":      func(p string) error { return os.Symlink("/etc", p) },
	}
	for name, plant := range planted {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dest, name)
			if err := plant(p); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(p)
			before := tree(t, base)
			_, err := WriteDir(ctx, files("index.html", "new"), dest, Options{})
			if !errors.Is(err, ErrDest) || !strings.Contains(err.Error(), name) {
				t.Errorf("WriteDir = %v, want a refusal naming %s", err, name)
			}
			if after := tree(t, base); !same(before, after) {
				t.Errorf("the folder changed")
			}
		})
	}
	// A folder with files and no marker, or a copied marker listing other
	// files, is never written into.
	other := filepath.Join(base, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "precious.md"), []byte("keep"), 0o644)
	if _, err := WriteDir(ctx, files("index.html", "x"), other, Options{}); !errors.Is(err, ErrDest) {
		t.Errorf("wrote into a folder without a marker: %v", err)
	}
	os.WriteFile(filepath.Join(other, MarkerFile), markerBytes([]string{"index.html"}), 0o644)
	if _, err := WriteDir(ctx, files("index.html", "x"), other, Options{}); !errors.Is(err, ErrDest) {
		t.Errorf("wrote into a folder whose marker does not list its files: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(other, "precious.md")); string(data) != "keep" {
		t.Error("precious.md is gone")
	}
	// A marker of an older version (no list) still counts.
	os.WriteFile(filepath.Join(other, MarkerFile), []byte(markerHead), 0o644)
	if st, err := WriteDir(ctx, files("index.html", "x"), other, Options{}); err != nil || st.Removed != 1 {
		t.Errorf("older marker: %+v, %v", st, err)
	}
}

func TestWriterCleansUpInterruptedRuns(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dest := filepath.Join(base, "site")
	if _, err := WriteDir(ctx, files("index.html", "home"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	pl, _ := newPlace(dest)
	// A half-built tree, and a half-removed old one.
	for _, dir := range []string{pl.newDir, pl.oldDir} {
		os.MkdirAll(filepath.Join(dir, "x"), 0o755)
		os.WriteFile(filepath.Join(dir, MarkerFile), []byte(markerHead), 0o644)
		os.WriteFile(filepath.Join(dir, "x", "index.html"), []byte("half"), 0o644)
	}
	if err := Recover(dest); err != nil {
		t.Fatal(err)
	}
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
	// Stopped between the two renames of the portable switch: the old site
	// comes back.
	if err := os.Rename(dest, pl.oldDir); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dest); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dest, "index.html")); err != nil || string(data) != "home" {
		t.Errorf("the old site did not come back: %q, %v", data, err)
	}
	// A folder of that name that weeknotes did not make is left alone.
	os.MkdirAll(pl.newDir, 0o755)
	os.WriteFile(filepath.Join(pl.newDir, "mine.txt"), []byte("mine"), 0o644)
	if _, err := WriteDir(ctx, files("index.html", "x"), dest, Options{}); !errors.Is(err, ErrDest) {
		t.Errorf("removed a folder weeknotes did not make: %v", err)
	}
}

func TestWriterLocks(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "site")
	w, err := NewWriter(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(dest, Options{}); !errors.Is(err, ErrDest) {
		t.Errorf("a second writer at once: %v", err)
	}
	// The lock is the parent folder's: a build beside is told so.
	beside := filepath.Join(filepath.Dir(dest), "other")
	if _, err := NewWriter(beside, Options{}); !errors.Is(err, ErrDest) || !strings.Contains(err.Error(), "a folder beside it") {
		t.Errorf("a writer beside the first: %v", err)
	}
	w.Put("index.html", []byte("x"), nil)
	if _, err := w.Commit(context.Background(), files("index.html", "x")); err != nil {
		t.Fatal(err)
	}
	w2, err := NewWriter(dest, Options{})
	if err != nil {
		t.Fatalf("after the first committed: %v", err)
	}
	w2.Abort()
}

func TestWriterAbortLeavesOld(t *testing.T) {
	base := t.TempDir()
	dest := filepath.Join(base, "site")
	if _, err := WriteDir(context.Background(), files("index.html", "home"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, base)
	w, err := NewWriter(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Put("index.html", []byte("changed"), nil)
	w.Put("new/index.html", []byte("new"), nil)
	w.Abort()
	if after := tree(t, base); !same(before, after) {
		t.Errorf("abort changed the folder:\n%v\n%v", before, after)
	}
}

// TestSwapInTwo checks the portable switch that systems without an atomic
// exchange use: the new tree in place, the old one gone.
func TestSwapInTwo(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "site")
	if _, err := WriteDir(context.Background(), files("index.html", "old"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	pl, _ := newPlace(dest)
	os.MkdirAll(pl.newDir, 0o755)
	os.WriteFile(filepath.Join(pl.newDir, MarkerFile), markerBytes([]string{"index.html"}), 0o644)
	os.WriteFile(filepath.Join(pl.newDir, "index.html"), []byte("new"), 0o644)
	oldAt, err := pl.swapInTwo()
	if err != nil {
		t.Fatal(err)
	}
	if oldAt != pl.oldDir {
		t.Errorf("the old tree is at %s, want %s", oldAt, pl.oldDir)
	}
	if err := removeOld(oldAt, &old{files: map[string]bool{"index.html": true}}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dest, "index.html")); err != nil || string(data) != "new" {
		t.Errorf("after the switch: %q, %v", data, err)
	}
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
}

// TestWriteDirChangingNothing writes the same site twice: the second write
// switches nothing, so the destination folder itself stays the same.
func TestWriteDirChangingNothing(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	out := files("index.html", "home", "a/b/index.html", "b")
	if _, err := WriteDir(ctx, out, dest, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(dest)
	st, err := WriteDir(ctx, out, dest, Options{})
	if err != nil || st != (Stats{Unchanged: 2}) {
		t.Fatalf("second write: %+v, %v", st, err)
	}
	after, _ := os.Stat(dest)
	if !os.SameFile(before, after) {
		t.Error("a write that changed nothing replaced the folder")
	}
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
	// One change, and the folder is switched as usual.
	out.Files["a/b/index.html"] = &File{Data: []byte("c")}
	if st, err := WriteDir(ctx, out, dest, Options{}); err != nil || st != (Stats{Written: 1, Unchanged: 1}) {
		t.Fatalf("third write: %+v, %v", st, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "a/b/index.html")); string(data) != "c" {
		t.Errorf("a/b/index.html = %q", data)
	}
}

// TestSwitchRemovesOldTree shows that the old tree, removed from the
// walk's list once switched out, goes whole: with what appeared in it
// after the walk, deep or at its root, and its kept entries' old links.
// Until Wait, the destination stays locked.
func TestSwitchRemovesOldTree(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	seed := files("index.html", "home", "a/b/c/index.html", "c", "a/b/d/index.html", "d", "e/index.html", "e")
	if _, err := WriteDir(ctx, seed, dest, Options{}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dest, ".git", "objects"), 0o755)
	os.WriteFile(filepath.Join(dest, ".git", "objects", "x"), []byte("x"), 0o644)
	w, err := NewWriter(dest, Options{KeepFiles: DefaultKeepFiles})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	// Written after the walk, so unknown to it.
	os.WriteFile(filepath.Join(dest, "a", "b", "c", "late.txt"), []byte("late"), 0o644)
	os.MkdirAll(filepath.Join(dest, "f", "g"), 0o755)
	os.WriteFile(filepath.Join(dest, "f", "g", "late.txt"), []byte("late"), 0o644)
	st, err := w.Switch(ctx, files("index.html", "home 2", "a/b/c/index.html", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Written: 1, Unchanged: 1, Removed: 2}) {
		t.Errorf("stats %+v", st)
	}
	if _, err := NewWriter(dest, Options{}); !errors.Is(err, ErrDest) {
		t.Errorf("a second writer before Wait: %v", err)
	}
	w.Wait()
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
	var got []string
	for p := range tree(t, dest) {
		got = append(got, p)
	}
	sort.Strings(got)
	want := []string{"./", ".git/", ".git/objects/", ".git/objects/x", MarkerFile, "a/", "a/b/", "a/b/c/", "a/b/c/index.html", "index.html"}
	if !slices.Equal(got, want) {
		t.Errorf("tree %q, want %q", got, want)
	}
	for p, data := range map[string]string{"index.html": "home 2", "a/b/c/index.html": "c", ".git/objects/x": "x"} {
		if b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(p))); string(b) != data {
			t.Errorf("%s = %q, %v", p, b, err)
		}
	}
	w.Abort() // after Switch, only waits
	if got := tree(t, dest); len(got) != len(want) {
		t.Errorf("Abort after Switch changed the site: %v", got)
	}
}
