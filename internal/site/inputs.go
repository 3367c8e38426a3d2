package site

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/fileio"
)

// trustWindow is how long before a scan a file must have last changed for
// its size and modification time to stand in for its bytes. A file
// written in the same clock tick as the scan can change again without its
// time moving, so younger files are read and hashed every time.
const trustWindow = time.Second

// scan fingerprints the inputs (scanInputs) and keeps, for the load that
// follows, the Markdown sources it read: a first build read and hashed
// every post, and then read it again to parse it.
func (b *Builder) scan(prev *buildState) (map[string]inputPrint, int64) {
	inputs, scanTime, sources := scanInputs(b.opts.Source, b.scanSkips(), prev, content.IsSource)
	b.scanned = sources
	return inputs, scanTime
}

// scanInputs fingerprints every file under the site's root that a build
// may read: all of them, whatever kind of input they are, except the
// output folder, the cache folder and version-control folders. A file
// whose size and modification time match prev (and which is older than
// prev's scan by trustWindow) keeps prev's hash without being read. It
// returns too the bytes of the files it read whose names keep accepts
// (when keep is not nil), by site path.
func scanInputs(root string, skip []string, prev *buildState, keep func(name string) bool) (map[string]inputPrint, int64, map[string][]byte) {
	scanTime := time.Now().UnixNano()
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return map[string]inputPrint{}, scanTime, nil
	}
	entries := listInputs(absRoot, absSkips(skip))
	prints := make([]inputPrint, len(entries))
	gone := make([]bool, len(entries))
	kept := make([][]byte, len(entries))
	var trusted map[string]inputPrint
	var trustBefore int64
	if prev != nil {
		trusted, trustBefore = prev.Inputs, prev.ScanTime-int64(trustWindow)
	}
	work := make([]int, len(entries))
	for i := range work {
		work[i] = i
	}
	parallelIO(work, func(i int) {
		e := &entries[i]
		if e.info == nil {
			info, err := e.dirent.Info()
			if err != nil {
				gone[i] = true // removed since it was listed
				return
			}
			e.info = info
		}
		in := inputPrint{Size: e.info.Size(), MTime: e.info.ModTime().UnixNano()}
		if old, ok := trusted[e.rel]; ok && old.Size == in.Size && old.MTime == in.MTime && in.MTime < trustBefore {
			prints[i] = old
			return
		}
		in.Hash, kept[i] = fingerprintInput(absRoot, *e, keep)
		prints[i] = in
	})
	out := make(map[string]inputPrint, len(entries))
	var sources map[string][]byte
	for i, e := range entries {
		if gone[i] {
			continue
		}
		out[e.rel] = prints[i]
		if kept[i] != nil {
			if sources == nil {
				sources = map[string][]byte{}
			}
			sources[e.rel] = kept[i]
		}
	}
	return out, scanTime, sources
}

// inputEntry is one file found by listInputs.
type inputEntry struct {
	rel    string // site path
	info   fs.FileInfo
	dirent fs.DirEntry // where info is nil: its entry, to stat on all cores
}

// absSkips makes the folders to leave out absolute, for comparing with the
// walk's paths.
func absSkips(skip []string) map[string]bool {
	skipped := map[string]bool{}
	for _, s := range skip {
		if s != "" {
			if abs, err := filepath.Abs(s); err == nil {
				skipped[abs] = true
			}
		}
	}
	return skipped
}

// listInputs lists every file under absRoot but those in skipped folders
// and version-control folders. Their details are read later, on all
// cores: one lstat after another made the scan of 5,000 posts take 23-27 ms
// instead of 16-18.
func listInputs(absRoot string, skipped map[string]bool) []inputEntry {
	var entries []inputEntry
	_ = filepath.WalkDir(absRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // the build reports what it cannot read
		}
		if d.IsDir() {
			if p != absRoot && (skipped[p] || d.Name() == ".git" || d.Name() == ".hg" || d.Name() == ".svn") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(absRoot, p)
		entries = append(entries, inputEntry{rel: filepath.ToSlash(rel), dirent: d})
		return nil
	})
	return entries
}

// fingerprintInput hashes one file's bytes, returning them too when keep
// accepts its name; a link or special file is hashed by its kind and
// target.
func fingerprintInput(absRoot string, e inputEntry, keep func(name string) bool) (uint64, []byte) {
	full := filepath.Join(absRoot, filepath.FromSlash(e.rel))
	if !e.info.Mode().IsRegular() {
		target, _ := os.Readlink(full)
		return xxhash.Sum64String(e.info.Mode().String() + "|" + target), nil
	}
	data, err := fileio.ReadFile(full)
	if err != nil {
		return 0, nil
	}
	if keep != nil && keep(path.Base(e.rel)) {
		return xxhash.Sum64(data), data
	}
	return xxhash.Sum64(data), nil
}

// diffInputs lists the paths added, changed or removed between two scans,
// sorted.
func diffInputs(old, cur map[string]inputPrint) []string {
	var changed []string
	for p, in := range cur {
		if o, ok := old[p]; !ok || o.Hash != in.Hash || o.Size != in.Size {
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}
