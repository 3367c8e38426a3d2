package output

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// spareState says what is in dest's spare: its record, and its tree's
// files as tree reports them; nil when there is no spare.
func spareState(t *testing.T, dest string) (*spareRecord, map[string]string) {
	t.Helper()
	pl, err := newPlace(dest)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(pl.spareDir, spareRecordName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseSpareRecord(data)
	if err != nil {
		t.Fatalf("the spare's record: %v\n%s", err, data)
	}
	return r, tree(t, filepath.Join(pl.spareDir, "tree"))
}

// checkSpare checks the spare's promise: it holds the site before dest's,
// prev, and every file of it that the record does not name is a hard link
// of dest's file at the same path.
func checkSpare(t *testing.T, dest string, prev map[string]string) {
	t.Helper()
	r, got := spareState(t, dest)
	if r == nil {
		t.Fatal("no spare after a switch")
	}
	if !same(got, prev) {
		t.Fatalf("the spare is not the previous site:\n%v\nwant\n%v", got, prev)
	}
	pl, _ := newPlace(dest)
	for p, sum := range got {
		if sum == "dir" || p == MarkerFile || slices.Contains(r.changed, p) {
			continue
		}
		a, aerr := os.Stat(filepath.Join(pl.spareDir, "tree", filepath.FromSlash(p)))
		b, berr := os.Stat(filepath.Join(dest, filepath.FromSlash(p)))
		if aerr != nil || berr != nil || !os.SameFile(a, b) {
			t.Errorf("%s: not recorded as changed, yet not the destination's file (%v, %v)", p, aerr, berr)
		}
	}
}

// TestSpareRandomWrites writes a series of random sites into one folder,
// each from the spare the last write left, and checks after each that the
// folder holds exactly that site, and that the spare is the one before.
// The paths cross each other (a file where a folder was, and the reverse),
// and some writes change nothing. With and without Options.LinkOld, Keep
// and Put, the result must be the same.
func TestSpareRandomWrites(t *testing.T) {
	universe := []string{"index.html", "a", "a/index.html", "a/b", "a/b/index.html", "a/b/c/index.html",
		"d/index.html", "d/e/index.html", "f.css", "g/h/i/j.txt", "g/index.html"}
	for _, linkOld := range []bool{false, true} {
		t.Run(fmt.Sprint("linkOld=", linkOld), func(t *testing.T) {
			ctx := context.Background()
			dest := filepath.Join(t.TempDir(), "site")
			rng := rand.New(rand.NewPCG(1, 2))
			var prev map[string]string
			var current *Output
			for step := range 60 {
				out := randomSite(rng, universe, current)
				w, err := NewWriter(dest, Options{LinkOld: linkOld})
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				// Half the unchanged files are kept without being read, as a
				// build with a saved state does; the rest are Put.
				var kept []string
				for p, f := range out.Files {
					if current != nil && current.Files[p] != nil && string(current.Files[p].Data) == string(f.Data) && rng.IntN(2) == 0 {
						kept = append(kept, p)
					}
				}
				slices.Sort(kept)
				missed := w.Keep(ctx, kept)
				for p, f := range out.Files {
					if !slices.Contains(kept, p) || slices.Contains(missed, p) {
						w.Put(p, f.Data, nil)
					}
				}
				if _, err := w.Commit(ctx, out); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				w.Abort()
				got := tree(t, dest)
				want := treeOf(t, out)
				if !sameFiles(got, want) {
					t.Fatalf("step %d: the destination is\n%v\nwant\n%v", step, got, want)
				}
				if prev != nil && !sameFiles(got, prev) {
					checkSpare(t, dest, prev)
				}
				prev, current = got, out
			}
		})
	}
}

// randomSite makes a site from the universe's paths, none of them above
// another, each with one of a few contents; about one time in five it is
// the last site unchanged.
func randomSite(rng *rand.Rand, universe []string, last *Output) *Output {
	if last != nil && rng.IntN(5) == 0 {
		return last
	}
	out := &Output{Files: map[string]*File{}}
	for _, i := range rng.Perm(len(universe)) {
		p := universe[i]
		if rng.IntN(3) == 0 {
			continue
		}
		clash := false
		for q := range out.Files {
			if strings.HasPrefix(q, p+"/") || strings.HasPrefix(p, q+"/") {
				clash = true
			}
		}
		if !clash {
			data := []byte(fmt.Sprintf("%s v%d", p, rng.IntN(3)))
			out.Files[p] = &File{Data: data, Size: int64(len(data))}
		}
	}
	return out
}

// treeOf is what tree reports for a folder holding exactly out.
func treeOf(t *testing.T, out *Output) map[string]string {
	t.Helper()
	dir := t.TempDir()
	for p, f := range out.Files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tree(t, dir)
}

// sameFiles compares two trees as tree reports them, but for the marker.
func sameFiles(a, b map[string]string) bool {
	strip := func(m map[string]string) map[string]string {
		c := map[string]string{}
		for k, v := range m {
			if k != MarkerFile {
				c[k] = v
			}
		}
		return c
	}
	return same(strip(a), strip(b))
}

// TestSpareIsUsed shows that a write after a switch starts from the spare:
// the destination's folder is the spare's, moved in, and an unchanged file
// is the same file throughout.
func TestSpareIsUsed(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	pl, _ := newPlace(dest)
	for i, body := range []string{"one", "two", "three"} {
		if _, err := WriteDir(ctx, files("index.html", body, "same/index.html", "same"), dest, Options{}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			continue
		}
		gi, err := os.ReadFile(filepath.Join(pl.spareDir, ".gitignore"))
		if err != nil || !strings.Contains(string(gi), "\n*\n") {
			t.Errorf("the spare's .gitignore: %q, %v", gi, err)
		}
	}
	before, _ := os.Stat(filepath.Join(pl.spareDir, "tree"))
	unchanged, _ := os.Stat(filepath.Join(dest, "same", "index.html"))
	if _, err := WriteDir(ctx, files("index.html", "four", "same/index.html", "same"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(dest)
	if !os.SameFile(before, after) {
		t.Error("the write did not start from the spare")
	}
	if now, _ := os.Stat(filepath.Join(dest, "same", "index.html")); !os.SameFile(unchanged, now) {
		t.Error("an unchanged file is not the same file")
	}
	if r, _ := spareState(t, dest); r == nil || !slices.Equal(r.changed, []string{"index.html"}) {
		t.Errorf("the spare's record: %+v", r)
	}
	// A write that changes nothing leaves the spare, patched, as it found it.
	if _, err := WriteDir(ctx, files("index.html", "four", "same/index.html", "same"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	if r, got := spareState(t, dest); r == nil || len(r.changed) != 0 || !same(got, tree(t, dest)) {
		t.Errorf("after a write that changed nothing, the spare is %+v: %v", r, got)
	}
}

// TestSpareNotTrusted shows each case where the spare does not fit the
// destination: it is removed, and the write comes out right.
func TestSpareNotTrusted(t *testing.T) {
	cases := []struct {
		name   string
		spoil  func(t *testing.T, dest string, pl *place)
		keep   []string
		spare  bool // whether a spare is left after the write
		errDst bool
	}{
		{"marker rewritten", func(t *testing.T, dest string, pl *place) {
			data, _ := os.ReadFile(filepath.Join(dest, MarkerFile))
			os.Remove(filepath.Join(dest, MarkerFile))
			os.WriteFile(filepath.Join(dest, MarkerFile), data, 0o644)
		}, nil, true, false},
		{"file removed by hand", func(t *testing.T, dest string, pl *place) {
			os.Remove(filepath.Join(dest, "a", "b", "index.html"))
		}, nil, true, false},
		{"record spoilt", func(t *testing.T, dest string, pl *place) {
			os.WriteFile(filepath.Join(pl.spareDir, spareRecordName), []byte("weeknotes spare 1\nmarker x\n"), 0o644)
		}, nil, true, false},
		{"record of another version", func(t *testing.T, dest string, pl *place) {
			data, _ := os.ReadFile(filepath.Join(pl.spareDir, spareRecordName))
			os.WriteFile(filepath.Join(pl.spareDir, spareRecordName), []byte(strings.Replace(string(data), "spare 1", "spare 0", 1)), 0o644)
		}, nil, true, false},
		{"no record: a run killed while it kept the spare", func(t *testing.T, dest string, pl *place) {
			os.Remove(filepath.Join(pl.spareDir, spareRecordName))
		}, nil, true, false},
		{"destination removed", func(t *testing.T, dest string, pl *place) {
			os.RemoveAll(dest)
		}, nil, false, false},
		{"kept entries", func(t *testing.T, dest string, pl *place) {
			os.MkdirAll(filepath.Join(dest, ".git"), 0o755)
			os.WriteFile(filepath.Join(dest, ".git", "HEAD"), []byte("ref"), 0o644)
		}, DefaultKeepFiles, false, false},
		{"a folder of that name weeknotes did not make", func(t *testing.T, dest string, pl *place) {
			os.RemoveAll(pl.spareDir)
			os.MkdirAll(pl.spareDir, 0o755)
			os.WriteFile(filepath.Join(pl.spareDir, "mine.txt"), []byte("mine"), 0o644)
		}, nil, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dest := filepath.Join(t.TempDir(), "site")
			pl, _ := newPlace(dest)
			for _, body := range []string{"one", "two"} {
				if _, err := WriteDir(ctx, files("index.html", body, "a/b/index.html", body, "c/index.html", "c"), dest, Options{}); err != nil {
					t.Fatal(err)
				}
			}
			c.spoil(t, dest, pl)
			want := files("index.html", "three", "a/b/index.html", "two", "c/index.html", "c", "d/index.html", "d")
			_, err := WriteDir(ctx, want, dest, Options{KeepFiles: c.keep, LinkOld: true})
			if c.errDst {
				if !errors.Is(err, ErrDest) {
					t.Fatalf("wrote beside a folder weeknotes did not make: %v", err)
				}
				if data, _ := os.ReadFile(filepath.Join(pl.spareDir, "mine.txt")); string(data) != "mine" {
					t.Error("mine.txt is gone")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := tree(t, dest)
			delete(got, ".git/")
			delete(got, ".git/HEAD")
			if !sameFiles(got, treeOf(t, want)) {
				t.Errorf("the destination is %v", got)
			}
			if r, _ := spareState(t, dest); (r != nil) != c.spare {
				t.Errorf("a spare after the write: %v, want %v", r != nil, c.spare)
			}
			if _, err := os.Lstat(pl.spareDir); !c.spare && err == nil {
				t.Error("the spare's folder is left")
			}
		})
	}
}

// TestSpareAbort shows that a write that took the spare and failed
// leaves the destination as it was and no spare, and that the next write
// comes out right.
func TestSpareAbort(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	for _, body := range []string{"one", "two"} {
		if _, err := WriteDir(ctx, files("index.html", body, "a/index.html", "a"), dest, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	before := tree(t, dest)
	w, err := NewWriter(dest, Options{LinkOld: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Put("index.html", []byte("three"), nil)
	w.Abort()
	if got := tree(t, dest); !same(got, before) {
		t.Errorf("an aborted write changed the destination: %v", got)
	}
	pl, _ := newPlace(dest)
	for _, dir := range []string{pl.newDir, pl.spareDir} {
		if _, err := os.Lstat(dir); err == nil {
			t.Errorf("%s is left", dir)
		}
	}
	want := files("index.html", "three", "b/index.html", "b")
	if _, err := WriteDir(ctx, want, dest, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dest); !sameFiles(got, treeOf(t, want)) {
		t.Errorf("the destination is %v", got)
	}
}

// FuzzSpareRecord reads any bytes as a spare's record: a record it
// accepts names only paths a build may write, and reads back the same.
func FuzzSpareRecord(f *testing.F) {
	f.Add((&spareRecord{marker: markerID{1, 2, 3, 4}, files: 2, changed: []string{"a/index.html", "b.css"}}).bytes())
	f.Add([]byte(spareVersion + "marker 1 2 3 4\nfiles 0\nchanged:\n../x\n"))
	f.Add([]byte(spareVersion + "marker -1 2 3 4\nfiles 1\nchanged:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseSpareRecord(data)
		if err != nil {
			return
		}
		for _, p := range r.changed {
			if CheckPath(p) != nil {
				t.Fatalf("accepted the path %q", p)
			}
		}
		again, err := parseSpareRecord(r.bytes())
		if err != nil || again.marker != r.marker || again.files != r.files || !slices.Equal(again.changed, r.changed) {
			t.Fatalf("read back %+v, %v; want %+v", again, err, r)
		}
	})
}

// TestPutRecorded shows that a file put with a record of other bytes is
// written without being compared: even with the old bytes, it is a new
// file; with the record's bytes it is compared, and kept.
func TestPutRecorded(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	if _, err := WriteDir(ctx, files("a.html", "a", "b.html", "b"), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dest, "a.html"))
	w, err := NewWriter(dest, Options{LinkOld: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.PutRecorded("a.html", []byte("a"), nil, &File{Size: 1, Hash: 1})
	w.PutRecorded("b.html", []byte("b"), nil, &File{Size: 1, Hash: xxhash.Sum64String("b")})
	st, err := w.Commit(ctx, files("a.html", "a", "b.html", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Written: 1, Unchanged: 1}) {
		t.Errorf("stats %+v", st)
	}
	after, _ := os.Stat(filepath.Join(dest, "a.html"))
	if os.SameFile(before, after) {
		t.Error("a file put as changed was kept")
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "a.html")); string(data) != "a" {
		t.Errorf("a.html = %q", data)
	}
}

// TestSpareAfterReplacedFile replaces a file of the destination that the
// last build did not change, by hand and with a new file (as rsync does,
// not through the old inode), holding the bytes the next build writes
// there: the spare still has the file before, which the build must not
// keep.
func TestSpareAfterReplacedFile(t *testing.T) {
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "site")
	for _, body := range []string{"one", "two"} {
		if _, err := WriteDir(ctx, files("index.html", body, "a.html", "a"), dest, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(filepath.Dir(dest), "x")
	os.WriteFile(tmp, []byte("a2"), 0o644)
	if err := os.Rename(tmp, filepath.Join(dest, "a.html")); err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.Put("index.html", []byte("three"), nil)
	w.Put("a.html", []byte("a2"), nil)
	if _, err := w.Commit(ctx, files("index.html", "three", "a.html", "a2")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "a.html")); string(data) != "a2" {
		t.Fatalf("a.html = %q, want the new bytes", data)
	}
}
