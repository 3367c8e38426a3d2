package output

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Linking the old tree in at the start (Options.LinkOld). When a build
// expects to keep most files, making the new tree's folders and linking
// its files is most of the cost of writing it; done at once, in the
// background, it overlaps the caller's own work. Until a path is claimed
// (Put, Keep, Commit), the file linked there is only a guess:
//   - claimed with the old file's bytes, the link stays;
//   - claimed with other bytes, it is unlinked first and the file created
//     anew, never written through (it is the old site's file too);
//   - never claimed, Commit unlinks it, and the folders it leaves empty;
//   - in the way of a claimed path (a file where the new site has a
//     folder, or the reverse), it is unlinked when the write fails, and
//     the write tried once more.

// linkAll links every recorded file of the old tree into the new one. It
// runs on its own goroutine from NewWriter; w.linking is closed when it is
// done, and only then is w.linked read.
func (w *Writer) linkAll() {
	defer close(w.linking)
	w.linkEach()
}

// linkEach links every recorded file of the old tree into the new one,
// and records them in w.linked.
func (w *Writer) linkEach() {
	paths := make([]string, 0, len(w.old.files))
	for p := range w.old.files {
		paths = append(paths, p)
	}
	sort.Strings(paths) // a folder's files together
	linked := make([]bool, len(paths))
	onAllCoresIndexed(len(paths), func(i int) {
		target := filepath.Join(w.pl.newDir, filepath.FromSlash(paths[i]))
		if w.dirs.mkdirAll(filepath.Dir(target)) != nil {
			return
		}
		linked[i] = os.Link(filepath.Join(w.pl.real, filepath.FromSlash(paths[i])), target) == nil
	})
	w.linked = make(map[string]bool, len(paths))
	for i, p := range paths {
		if linked[i] {
			w.linked[p] = true
		}
	}
}

// awaitLinks waits until linkAll is done, if it ran.
func (w *Writer) awaitLinks() {
	if w.linking != nil {
		<-w.linking
	}
}

// takeLinked reports whether the old file linked at p at the start is
// still unclaimed, and claims it: the caller keeps it or replaces it.
func (w *Writer) takeLinked(p string) bool {
	if w.linking == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.linked[p] {
		return false
	}
	delete(w.linked, p)
	return true
}

// giveBack returns a link takeLinked took, unused, for Commit to remove.
func (w *Writer) giveBack(p string) {
	w.mu.Lock()
	w.linked[p] = true
	w.mu.Unlock()
}

// replaceLinked unlinks the file linked at p at the start, if it is there
// unclaimed, so that p can be created anew.
func (w *Writer) replaceLinked(p string) error {
	if !w.takeLinked(p) {
		return nil
	}
	return os.Remove(filepath.Join(w.pl.newDir, filepath.FromSlash(p)))
}

// evict unlinks the unclaimed links in the way of p: one at a folder
// above it, or those under it. It is called with w.evicting held.
func (w *Writer) evict(p string) {
	w.mu.Lock()
	var gone []string
	for a := path.Dir(p); a != "."; a = path.Dir(a) {
		if w.linked[a] {
			gone = append(gone, a)
		}
	}
	for q := range w.linked {
		if strings.HasPrefix(q, p+"/") {
			gone = append(gone, q)
		}
	}
	for _, q := range gone {
		delete(w.linked, q)
	}
	w.mu.Unlock()
	for _, q := range gone {
		w.unlinkNew(q, path.Dir(p))
	}
}

// unlinkNew removes the file q from the new tree, and the folders above it
// that it leaves empty, up to (not including) the folder stop ("." for the
// root) and those above it; each is forgotten as made.
func (w *Writer) unlinkNew(q, stop string) {
	full := filepath.Join(w.pl.newDir, filepath.FromSlash(q))
	if os.Remove(full) != nil {
		return
	}
	w.dirs.made.Delete(full) // a folder above a path was thought made there
	for d := path.Dir(q); d != "." && d != stop && !strings.HasPrefix(stop, d+"/"); d = path.Dir(d) {
		full := filepath.Join(w.pl.newDir, filepath.FromSlash(d))
		if os.Remove(full) != nil {
			return
		}
		w.dirs.made.Delete(full)
	}
}

// unlinkUnclaimed removes the links no path claimed: files of the old
// site that the new one does not have.
func (w *Writer) unlinkUnclaimed() {
	if w.linking == nil {
		return
	}
	w.mu.Lock()
	rest := make([]string, 0, len(w.linked))
	for p := range w.linked {
		rest = append(rest, p)
	}
	clear(w.linked)
	w.mu.Unlock()
	sort.Strings(rest)
	for _, p := range rest {
		w.unlinkNew(p, ".")
	}
}
