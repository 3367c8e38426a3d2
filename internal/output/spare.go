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

	"github.com/weeknotes/weeknotes/internal/fileio"
)

// The spare tree. A switch leaves the previous site in the hidden folder
// that held the new one; removing it, and making the next build's tree
// from nothing (a folder per page, a hard link per unchanged file), cost a
// build with a saved state most of its time in the kernel: 11,766 folders
// and 5,500 links made and removed to change one page.
//
// So the switched-out tree is kept beside the destination instead, as the
// spare (".site.weeknotes-spare/tree" for "site"), with a record of what
// the build that switched it out changed: the paths where the new site's
// file is not the old one's (written anew, or gone). Every other file of
// the spare is a hard link of the destination's file at the same path.
// The next build moves the spare into place as its new tree and, for the
// recorded paths alone, unlinks the spare's file and links the
// destination's: the result is the tree that linking the whole old site
// would have made (Options.LinkOld), for the cost of the change.
//
// The record is trusted only for the destination it was written against:
// it names the destination's marker by device, inode, size and time
// (every switch writes the marker, so its time moves), and the number of
// files the marker
// records, which the walk of the destination must find all there. Where
// anything differs (the site was copied, a file removed by hand, kept
// entries such as .git, a build killed while it patched the spare), the
// spare is removed and the new tree made as before. The record is removed
// before the spare is touched, so that a build killed while it patches
// leaves a spare the next run removes.

// spareVersion heads a spare's record; a record with another head is
// not trusted.
const spareVersion = "weeknotes spare 1\n"

// spareRecordName is the record's name in the spare's folder, beside its
// tree ("tree"), its marker and a .gitignore that hides it from git.
const spareRecordName = "record"

// spareRecord is what a switch leaves beside the spare tree.
type spareRecord struct {
	marker  markerID // the destination's marker when the spare was made
	files   int      // the number of files that marker records
	changed []string // paths where the destination's file is not the spare's
}

// markerID identifies one marker file as one switch wrote it.
type markerID struct {
	dev, ino uint64
	size     int64
	mtime    int64 // nanoseconds
}

func (r *spareRecord) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(spareVersion)
	fmt.Fprintf(&b, "marker %d %d %d %d\nfiles %d\nchanged:\n", r.marker.dev, r.marker.ino, r.marker.size, r.marker.mtime, r.files)
	for _, p := range r.changed {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseSpareRecord reads a record; any deviation from what bytes writes
// is an error, and the spare is then not used.
func parseSpareRecord(data []byte) (*spareRecord, error) {
	rest, ok := bytes.CutPrefix(data, []byte(spareVersion))
	if !ok {
		return nil, errors.New("not a record of this version")
	}
	head, list, ok := bytes.Cut(rest, []byte("changed:\n"))
	if !ok {
		return nil, errors.New("no list of changed paths")
	}
	r := &spareRecord{}
	var dev, ino uint64
	if _, err := fmt.Sscanf(string(head), "marker %d %d %d %d\nfiles %d\n", &dev, &ino, &r.marker.size, &r.marker.mtime, &r.files); err != nil {
		return nil, err
	}
	r.marker.dev, r.marker.ino = dev, ino
	sc := bufio.NewScanner(bytes.NewReader(list))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		p := sc.Text()
		if err := CheckPath(p); err != nil {
			return nil, err
		}
		r.changed = append(r.changed, p)
	}
	return r, sc.Err()
}

// spareFits reports whether the spare's record was written against the
// destination as the walk found it: the same marker, all its files there,
// and no kept entries (which are carried anew by each build).
func (w *Writer) spareFits(r *spareRecord) bool {
	id, err := readMarkerID(filepath.Join(w.pl.real, MarkerFile))
	return err == nil && id == r.marker && r.files == len(w.old.files) && w.old.recorded == len(w.old.files) && len(w.old.kept) == 0
}

// takeSpare moves a fitting spare into place as the new tree and reports
// whether it did, returning its record; a spare that does not fit is
// removed. It is called with the lock held, before the new tree exists.
func (w *Writer) takeSpare() (*spareRecord, error) {
	data, err := os.ReadFile(filepath.Join(w.pl.spareDir, spareRecordName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, removeOurs(w.pl.spareDir)
	}
	r, perr := parseSpareRecord(data)
	if err != nil || perr != nil || !w.old.exists || !w.spareFits(r) {
		return nil, removeOurs(w.pl.spareDir)
	}
	// The record goes first: from here on the spare is not what it says.
	if err := os.Remove(filepath.Join(w.pl.spareDir, spareRecordName)); err != nil {
		return nil, removeOurs(w.pl.spareDir)
	}
	if err := os.Rename(filepath.Join(w.pl.spareDir, "tree"), w.pl.newDir); err != nil {
		return nil, removeOurs(w.pl.spareDir)
	}
	// What is left is the spare's marker and .gitignore, which a switch
	// writes anew: one that stays changes nothing.
	_ = removeOurs(w.pl.spareDir)
	return r, nil
}

// patchSpare makes the spare, moved into place as the new tree, what
// linkAll would have made: for each changed path, the spare's file is
// unlinked (with the folders it leaves empty) and the destination's linked
// in its place. Every recorded file of the destination is then linked in
// the new tree. It runs on its own goroutine from NewWriter, as linkAll
// does; where a step fails, the spare is dropped and linkAll runs instead.
func (w *Writer) patchSpare(r *spareRecord) {
	defer close(w.linking)
	changed := append([]string(nil), r.changed...)
	sort.Sort(sort.Reverse(sort.StringSlice(changed))) // a folder's files before the folder
	err := w.unlinkChanged(changed)
	if err == nil {
		err = w.linkChanged(changed)
	}
	if err != nil {
		w.linked = nil
		w.dropSpare()
		return
	}
	w.linked = make(map[string]bool, len(w.old.files))
	for p := range w.old.files {
		w.linked[p] = true
	}
}

// unlinkChanged removes the spare's files at the changed paths, and the
// folders they leave empty, as a build unlinks the old links it does not
// keep (unlinkNew). A path where something stays (a folder that holds
// more than changed paths) fails the patch.
func (w *Writer) unlinkChanged(changed []string) error {
	for _, p := range changed {
		w.unlinkNew(p, ".")
		if _, err := os.Lstat(filepath.Join(w.pl.newDir, filepath.FromSlash(p))); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s stays in the spare: %v", p, err)
		}
	}
	return nil
}

// linkChanged links the destination's file at each changed path that it
// has into the new tree.
func (w *Writer) linkChanged(changed []string) error {
	for _, p := range changed {
		if !w.old.files[p] {
			continue
		}
		target := filepath.Join(w.pl.newDir, filepath.FromSlash(p))
		if err := w.dirs.mkdirAll(filepath.Dir(target)); err != nil {
			return err
		}
		if err := os.Link(filepath.Join(w.pl.real, filepath.FromSlash(p)), target); err != nil {
			return err
		}
	}
	return nil
}

// dropSpare replaces a spare that could not be patched with a new tree
// into which the whole old site is linked.
func (w *Writer) dropSpare() {
	w.dirs = dirCache{}
	if err := removeTree(w.pl.newDir); err == nil && os.Mkdir(w.pl.newDir, 0o755) == nil {
		w.dirs.made.Store(w.pl.newDir, true)
		if fileio.CreateFile(filepath.Join(w.pl.newDir, MarkerFile), []byte(markerHead), 0o644) == nil {
			w.linkEach()
			return
		}
	}
	w.fail(fmt.Errorf("prepare %s: the spare tree could not be patched nor replaced", w.pl.newDir))
}

// keepSpare makes the tree switched out to dir the spare for the next
// build, with changed, the paths where the new site's file is not the
// one in dir. What fails leaves no record, so the next build removes it.
func (pl *place) keepSpare(dir string, changed []string, files int) error {
	if !spareSupported {
		return errors.ErrUnsupported
	}
	if err := os.MkdirAll(pl.spareDir, 0o755); err != nil {
		return err
	}
	for name, data := range map[string]string{MarkerFile: markerHead, ".gitignore": "# made by weeknotes build: the previous site, to patch into the next\n*\n"} {
		if err := os.WriteFile(filepath.Join(pl.spareDir, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	tree := filepath.Join(pl.spareDir, "tree")
	if err := removeOurs(tree); err != nil {
		return err
	}
	if err := os.Rename(dir, tree); err != nil {
		return err
	}
	id, err := readMarkerID(filepath.Join(pl.real, MarkerFile))
	if err != nil {
		return err
	}
	sort.Strings(changed)
	r := &spareRecord{marker: id, files: files, changed: changed}
	tmp := filepath.Join(pl.spareDir, spareRecordName+".tmp")
	if err := os.WriteFile(tmp, r.bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(pl.spareDir, spareRecordName))
}

// changedPaths lists the paths where the new tree's file is not the old
// tree's: those written anew, and the old tree's files the new one lacks.
func (w *Writer) changedPaths() []string {
	changed := append([]string(nil), w.created...)
	for p := range w.old.files {
		if !w.paths[p] {
			changed = append(changed, p)
		}
	}
	return changed
}
