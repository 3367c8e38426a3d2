package output

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeptBy(t *testing.T) {
	keep := []string{".git", "", "assets/old/"}
	for _, tc := range []struct{ p, want string }{
		{".git/HEAD", ".git"},
		{".git", ".git"},
		{".github/workflows/x.yml", ".git"}, // a prefix as text, as Jekyll's
		{".gitignore", ".git"},
		{"git/HEAD", ""},
		{"assets/old/a.css", "assets/old/"},
		{"assets/old", ""},
		{"assets/new.css", ""},
		{"index.html", ""},
	} {
		if got := KeptBy(tc.p, keep); got != tc.want {
			t.Errorf("KeptBy(%q) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// seedKept puts a .git folder (with an empty folder and a symbolic link
// that points outside the destination) and a kept file into dest.
func seedKept(t *testing.T, dest string) {
	t.Helper()
	for p, data := range map[string]string{
		".git/HEAD":             "ref: refs/heads/main\n",
		".git/objects/ab/cdef":  "blob",
		"CNAME":                 "example.org\n",
		"assets/old/legacy.css": "p{}",
	} {
		full := filepath.Join(dest, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dest, ".git/refs/tags"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../outside", filepath.Join(dest, ".git/link")); err != nil {
		t.Fatal(err)
	}
}

// keptOnly is the part of a tree that keep keeps.
func keptOnly(all map[string]string, keep []string) map[string]string {
	out := map[string]string{}
	for p, v := range all {
		if KeptBy(p, keep) != "" {
			out[p] = v
		}
	}
	return out
}

// TestWriteDirKeepFiles shows that what keep_files keeps survives two
// builds byte for byte (the second changing the site, so that the trees
// are switched), that everything else is the new site, and that a build
// writing at a kept path, or killed, changes nothing.
func TestWriteDirKeepFiles(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	keep := []string{".git", "CNAME", "assets/old"}
	seedKept(t, dest)
	before := keptOnly(tree(t, dest), keep)
	opts := Options{KeepFiles: keep}
	for i, out := range []*Output{
		files("index.html", "one", "assets/site.css", "a{}"),
		files("index.html", "two", "about/index.html", "about"),
	} {
		if _, err := WriteDir(ctx, out, dest, opts); err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
		got := tree(t, dest)
		if k := keptOnly(got, keep); !same(k, before) {
			t.Errorf("build %d: kept entries\n got %v\nwant %v", i+1, k, before)
		}
		for p := range out.Files {
			if _, ok := got[p]; !ok {
				t.Errorf("build %d: %s not written", i+1, p)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "assets/site.css")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file the second build does not write is still there: %v", err)
	}
	if to, err := os.Readlink(filepath.Join(dest, ".git/link")); err != nil || to != "../../outside" {
		t.Errorf("the kept link is %q, %v", to, err)
	}
	if info, err := os.Stat(filepath.Join(dest, ".git/refs/tags")); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the kept empty folder: %v %v", info, err)
	}

	all := tree(t, dest)
	_, err := WriteDir(ctx, files("index.html", "three", "CNAME", "other.org"), dest, opts)
	if !errors.Is(err, ErrKept) || !strings.Contains(err.Error(), `"CNAME"`) {
		t.Errorf("writing at a kept path: %v, want an error naming the entry", err)
	}
	if got := tree(t, dest); !same(got, all) {
		t.Errorf("a refused build changed the destination")
	}

	w, err := NewWriter(dest, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.Put("index.html", []byte("killed"), nil)
	w.Abort() // as a killed build leaves it, once the next run cleans up
	if got := tree(t, dest); !same(got, all) {
		t.Errorf("an aborted build changed the destination")
	}
}

// TestReadOldKeepFiles shows which destinations a build may replace when
// keep_files keeps some of their entries.
func TestReadOldKeepFiles(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		seed []string
		keep []string
		ok   bool
	}{
		{"only kept entries, no marker", []string{".git/HEAD", ".svn/x"}, DefaultKeepFiles, true},
		{"a stranger beside the kept", []string{".git/HEAD", "notes.txt"}, DefaultKeepFiles, false},
		{"kept by nothing", []string{".git/HEAD"}, nil, false},
		{"a folder above an entry", []string{"docs/kept.txt"}, []string{"docs/kept"}, true},
		{"an entry ending in a slash keeps nothing, as in Jekyll", []string{"legacy/old.html"}, []string{"legacy/"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "site")
			for _, p := range tc.seed {
				full := filepath.Join(dest, filepath.FromSlash(p))
				os.MkdirAll(filepath.Dir(full), 0o755)
				if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := WriteDir(ctx, files("index.html", "x"), dest, Options{KeepFiles: tc.keep})
			if ok := err == nil; ok != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if !tc.ok && !errors.Is(err, ErrDest) {
				t.Errorf("err = %v, want ErrDest", err)
			}
			for _, p := range tc.seed {
				if data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(p))); err != nil || string(data) != p {
					t.Errorf("%s: %q %v", p, data, err)
				}
			}
		})
	}
}

// TestKeptOnlyOldTreeIsRemovable shows that an old tree of kept entries
// alone (no marker), once switched out, is marked so that a run stopped
// before removing it leaves a folder the next run removes, where an
// unmarked folder of that name is refused.
func TestKeptOnlyOldTreeIsRemovable(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "site")
	pl, err := newPlace(dest)
	if err != nil {
		t.Fatal(err)
	}
	seedKept(t, pl.newDir) // as the exchange leaves the old tree
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dest); !errors.Is(err, ErrDest) {
		t.Fatalf("an unmarked folder was not refused: %v", err)
	}
	markOld(pl.newDir)
	if err := Recover(dest); err != nil {
		t.Fatal(err)
	}
	if s := siblings(t, dest); len(s) > 0 {
		t.Errorf("left beside the destination: %v", s)
	}
}
