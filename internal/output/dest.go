package output

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weeknotes/weeknotes/internal/fileio"
)

// ErrDest is the error (wrapped) for a destination weeknotes refuses to
// write into.
var ErrDest = errors.New("refusing this destination")

// place is where a site goes: the destination and its hidden siblings.
type place struct {
	dest   string // as given, for messages and File.Source
	real   string // absolute, with symbolic links resolved where it exists
	parent string
	newDir string // the tree being built
	oldDir string // the previous tree, on its way out (where exchange is not atomic)
	// spareDir holds the previous site, kept for the next build to patch
	// (see spare.go).
	spareDir string
}

func newPlace(dest string) (*place, error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dest, err)
	}
	real := realPath(abs)
	if real == filepath.Dir(real) {
		return nil, fmt.Errorf("output folder %s is the root of the file system: %w", dest, ErrDest)
	}
	parent := filepath.Dir(real)
	beside := besideDirs(real)
	return &place{dest: dest, real: real, parent: parent, newDir: beside[0], oldDir: beside[1], spareDir: beside[2]}, nil
}

// besideDirs names the hidden folders a build of the destination dest
// makes beside it: the tree being built, the old one on its way out (where
// the switch is two renames), and the spare.
func besideDirs(dest string) [3]string {
	parent, base := filepath.Dir(dest), filepath.Base(dest)
	var out [3]string
	for i, suffix := range []string{".weeknotes-new", ".weeknotes-old", ".weeknotes-spare"} {
		out[i] = filepath.Join(parent, "."+base+suffix)
	}
	return out
}

// Beside lists besideDirs for dest as given, made absolute rather than
// with its links resolved, so that they compare with the paths of a walk
// of the source: none of them is ever an input of the site.
func Beside(dest string) []string {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil
	}
	beside := besideDirs(abs)
	return beside[:]
}

// realPath resolves the symbolic links of the longest part of abs that
// exists, and keeps the rest as written.
func realPath(abs string) string {
	abs = filepath.Clean(abs)
	var rest []string
	for p := abs; ; p = filepath.Dir(p) {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			for i := len(rest) - 1; i >= 0; i-- {
				r = filepath.Join(r, rest[i])
			}
			return r
		}
		if filepath.Dir(p) == p {
			return abs
		}
		rest = append(rest, filepath.Base(p))
	}
}

// CheckDest refuses a destination that is, contains or is inside one of
// inputs (the site's folders and files that a build reads: posts, drafts,
// templates, static files, the configuration), however either is written
// and whatever links lie between them: a build there would overwrite, or
// clean away, its own sources.
func CheckDest(dest string, inputs []string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", dest, err)
	}
	d := realPath(abs)
	for _, in := range inputs {
		absIn, err := filepath.Abs(in)
		if err != nil {
			continue
		}
		i := realPath(absIn)
		switch {
		case d == i:
			return fmt.Errorf("output folder %s is the site's input %s: %w; choose another --dest", dest, in, ErrDest)
		case fileio.Within(i, d):
			return fmt.Errorf("output folder %s is inside the site's input %s: %w; choose another --dest", dest, in, ErrDest)
		case fileio.Within(d, i):
			return fmt.Errorf("output folder %s contains the site's input %s: %w; choose another --dest", dest, in, ErrDest)
		}
	}
	return nil
}

// cleanUp removes what an interrupted run left beside the destination: a
// half-built tree, or an old tree that was being removed. Where the switch
// is two renames and a run stopped between them, the old tree is put back.
// It is called with the lock held.
func (pl *place) cleanUp() error {
	if err := removeOurs(pl.newDir); err != nil {
		return err
	}
	if _, err := os.Lstat(pl.oldDir); err != nil {
		return nil
	}
	if _, err := os.Lstat(pl.real); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(pl.oldDir, pl.real); err != nil {
			return fmt.Errorf("put back the previous site from %s: %w", pl.oldDir, err)
		}
		return nil
	}
	return removeOurs(pl.oldDir)
}

// removeOurs removes dir if it is absent, empty or carries the marker, and
// refuses otherwise: a folder of that name that weeknotes did not make is
// someone's.
func removeOurs(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clean up %s: %w", dir, err)
	}
	if len(entries) > 0 {
		if info, err := os.Lstat(filepath.Join(dir, MarkerFile)); err != nil || !info.Mode().IsRegular() {
			return fmt.Errorf("%s was not made by weeknotes (no %s); remove it yourself: %w", dir, MarkerFile, ErrDest)
		}
	}
	// The marker last, so that a run killed while it cleans up leaves a
	// folder the next run still recognises.
	if err := removeTree(dir); err != nil {
		return fmt.Errorf("clean up %s: %w", dir, err)
	}
	return nil
}

// old is what the destination holds before a build.
type old struct {
	exists bool
	mode   fs.FileMode
	files  map[string]bool // the recorded files in it
	// recorded is how many files its marker records; -1 for a marker
	// without a list, or none.
	recorded int
	marker   []byte   // its marker's bytes
	kept     []string // its entries that keep_files keeps, outermost only
	dirs     []string // its folders, those kept excepted: what removing it removes
}

// readOld lists the destination and checks that weeknotes may replace it:
// absent, empty, or holding only files its marker records and entries that
// keep (keep_files) keeps. A destination holding only kept entries (a
// .git folder) needs no marker: nothing in it is ever removed.
func (pl *place) readOld(keep []string) (*old, error) {
	o := &old{files: map[string]bool{}, recorded: -1}
	info, err := os.Lstat(pl.real)
	if errors.Is(err, fs.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", pl.dest, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("output folder %s is not a folder: %w", pl.dest, ErrDest)
	}
	o.exists, o.mode = true, info.Mode().Perm()
	entries, err := os.ReadDir(pl.real)
	if err != nil {
		return nil, fmt.Errorf("read output folder %s: %w", pl.dest, err)
	}
	if len(entries) == 0 {
		return o, nil
	}
	recorded, legacy, marker, merr := readMarker(filepath.Join(pl.real, MarkerFile))
	o.marker = marker
	if recorded != nil {
		o.recorded = len(recorded)
	}
	strangers, err := pl.walkOld(o, keep, recorded, legacy && merr == nil)
	if err != nil {
		return nil, fmt.Errorf("read output folder %s: %w", pl.dest, err)
	}
	if merr != nil && (len(strangers) > 0 || len(o.files) > 0) {
		return nil, fmt.Errorf("%s has files that weeknotes did not write (no %s); empty it or choose another --dest: %w", pl.dest, MarkerFile, ErrDest)
	}
	if len(strangers) > 0 {
		return nil, strangersError(pl.dest, strangers)
	}
	return o, nil
}

// walkOld sorts the old tree's entries into recorded files (o.files), kept
// entries (o.kept, a kept folder whole) and the rest, which it returns, and
// lists its folders (o.dirs) for removing it once it is switched out.
// As in Jekyll, an entry is kept only when its folder is kept too, or is a
// folder above a keep_files entry: Jekyll removes a folder that neither
// keeps, with all in it ("legacy/" keeps nothing, "legacy" keeps all).
// Folders are read one at a time, with listDir: reading them on several
// goroutines took more time in the kernel than it saved (5,000 posts in
// memory, 11,766 folders).
func (pl *place) walkOld(o *old, keep []string, recorded map[string]bool, legacy bool) ([]string, error) {
	ow := &oldWalk{pl: pl, o: o, keep: keep, recorded: recorded, legacy: legacy}
	if err := ow.dir("", false); err != nil {
		return nil, err
	}
	sort.Strings(o.kept)
	sort.Strings(o.dirs)
	return ow.strangers, nil
}

// oldWalk is one walk of the old tree.
type oldWalk struct {
	pl        *place
	o         *old
	keep      []string
	recorded  map[string]bool
	legacy    bool
	strangers []string
}

// dir sorts the entries of the folder rel ("" for the root); unkept says
// that nothing keeps the folder's entries.
func (ow *oldWalk) dir(rel string, unkept bool) error {
	entries, err := listDir(filepath.Join(ow.pl.real, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	keepHere := ow.keep
	if unkept {
		keepHere = nil
	}
	for _, d := range entries {
		p := d.name
		if rel != "" {
			p = rel + "/" + p
		}
		switch {
		case p == MarkerFile:
		case KeptBy(p, keepHere) != "":
			ow.o.kept = append(ow.o.kept, p)
		case d.kind == fs.ModeDir:
			ow.o.dirs = append(ow.o.dirs, p)
			if err := ow.dir(p, keepHere == nil || !aboveKept(p, ow.keep)); err != nil {
				return err
			}
		case d.kind == 0 && (ow.legacy || ow.recorded[p]):
			ow.o.files[p] = true
		default:
			ow.strangers = append(ow.strangers, p)
		}
	}
	return nil
}

// dirEntry is one entry of a folder: its name and its kind (the type bits
// of fs.FileMode: 0 for a regular file, fs.ModeDir, fs.ModeSymlink...).
type dirEntry struct {
	name string
	kind fs.FileMode
}

// listDirPortable lists a folder with package os.
func listDirPortable(dir string) ([]dirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, len(entries))
	for i, e := range entries {
		out[i] = dirEntry{e.Name(), e.Type()}
	}
	return out, nil
}

// aboveKept reports whether the folder dir is above a keep_files entry
// ("a" and "a/b" are above "a/b/c"; "legacy" is not above "legacy/").
func aboveKept(dir string, keep []string) bool {
	for _, k := range keep {
		if rest, ok := strings.CutPrefix(k, dir+"/"); ok && strings.Trim(rest, "/") != "" {
			return true
		}
	}
	return false
}

func strangersError(dest string, strangers []string) error {
	sort.Strings(strangers)
	more := ""
	if len(strangers) > 5 {
		more = fmt.Sprintf(" and %d more", len(strangers)-5)
		strangers = strangers[:5]
	}
	return fmt.Errorf("%s holds files that weeknotes did not write (%s%s); move them out of it, keep them with keep_files in the configuration, or choose another --dest: %w",
		dest, strings.Join(strangers, ", "), more, ErrDest)
}

// readMarker reads the files a marker records; legacy is true for a marker
// without a list.
func readMarker(p string) (recorded map[string]bool, legacy bool, data []byte, err error) {
	info, err := os.Lstat(p)
	if err != nil {
		return nil, false, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, false, nil, fileio.ErrNotRegular
	}
	data, err = fileio.ReadFile(p)
	if err != nil {
		return nil, false, nil, err
	}
	head, list, found := bytes.Cut(data, []byte("\nfiles:\n"))
	if !found {
		return nil, len(head) > 0, data, nil
	}
	recorded = map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(list))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			recorded[line] = true
		}
	}
	return recorded, false, data, sc.Err()
}

// markerBytes is the marker recording paths.
func markerBytes(paths []string) []byte {
	var b bytes.Buffer
	b.Grow(len(markerHead) + 8 + 40*len(paths))
	b.WriteString(markerHead)
	b.WriteString("files:\n")
	for _, p := range paths {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
