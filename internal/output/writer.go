package output

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/fileio"
)

// Options say what a Writer must not touch.
type Options struct {
	// Inputs are the site's folders and files that a build reads; the
	// destination may not be, contain or be inside any of them (CheckDest).
	Inputs []string
	// KeepFiles are Jekyll's keep_files: prefixes of paths in the
	// destination that a build leaves in place (see KeptBy). A build
	// writing at a kept path is an error. nil keeps nothing.
	KeepFiles []string
	// LinkOld says that the build expects to keep most of the old tree's
	// files: NewWriter links them all into the new tree at once, in the
	// background, and each is replaced or removed if the build does not
	// keep it (see linkold.go).
	LinkOld bool
}

// Writer writes one site into its destination: Put files as they are
// rendered, then Commit once the whole build succeeded, or Abort. Until
// Commit switches the trees, the destination is not touched.
type Writer struct {
	pl        *place
	old       *old
	unlock    func()
	dirs      dirCache
	keepFiles []string // keep_files

	// Files are written by a pool of writers while the renderers go on:
	// creating thousands of folders and files spends most of its time
	// waiting in the kernel, which rendering on the same cores can overlap.
	jobs    chan job
	done    sync.WaitGroup
	closing sync.Once

	written, unchanged atomic.Int64

	// With Options.LinkOld: linking is closed once linkAll is done, and
	// linked then holds the links it made that no path claimed yet
	// (guarded by mu).
	linking  chan struct{}
	linked   map[string]bool
	evicting sync.Mutex // held while links in the way of a path are unlinked

	// spare is the record of the spare tree that prepare moved into place
	// as the new tree, for patchSpare.
	spare *spareRecord

	// removing is closed once the old tree, switched out, is removed and
	// the destination unlocked; nil until Switch switches.
	removing chan struct{}

	mu       sync.Mutex
	paths    map[string]bool // every path put or copied into the new tree
	same     []string        // paths whose bytes the old tree has, linked at Commit
	created  []string        // paths written anew: where the new tree's file is not the old one's
	errs     []error
	finished bool
}

// job is one file for the writers.
type job struct {
	p       string
	data    []byte
	release func() // called once data is written; may be nil
	changed bool   // the old tree's file is known to have other bytes
}

// writers is how many files are written at once. Two writers let the
// renderers go on while a file waits in the kernel; more made a 5,000-post
// build slower on ext4, because creators contend for the file system's locks.
const writers = 2

// NewWriter checks dest and prepares the new tree beside it. Everything
// that can refuse the destination is checked here, before any file is
// written: an overlap with the inputs, files in it that no build recorded,
// a build already writing there. What an interrupted run left beside dest
// is cleaned up first.
func NewWriter(dest string, opts Options) (*Writer, error) {
	if err := CheckDest(dest, opts.Inputs); err != nil {
		return nil, err
	}
	pl, err := newPlace(dest)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(pl.parent, 0o755); err != nil {
		return nil, fmt.Errorf("create the folder of %s: %w", dest, err)
	}
	unlock, err := lock(pl.parent, dest)
	if err != nil {
		return nil, err
	}
	w := &Writer{pl: pl, unlock: unlock, keepFiles: opts.KeepFiles, paths: map[string]bool{}, jobs: make(chan job, 4*writers)}
	if err := w.prepare(); err != nil {
		unlock()
		return nil, err
	}
	switch {
	case w.spare != nil:
		w.linking = make(chan struct{})
		go w.patchSpare(w.spare)
	case opts.LinkOld && len(w.old.files) > 0:
		w.linking = make(chan struct{})
		go w.linkAll()
	}
	for range writers {
		w.done.Go(func() {
			w.awaitLinks()
			for j := range w.jobs {
				err := w.writeData(j.p, j.data, j.changed)
				if j.release != nil {
					j.release()
				}
				if err != nil {
					w.fail(fmt.Errorf("write %s: %w", j.p, err))
				}
			}
		})
	}
	return w, nil
}

// prepare cleans up, reads the old tree and makes the new one.
func (w *Writer) prepare() error {
	if err := w.pl.cleanUp(); err != nil {
		return err
	}
	o, err := w.pl.readOld(w.keepFiles)
	if err != nil {
		return err
	}
	w.old = o
	if w.spare, err = w.takeSpare(); err != nil {
		return err
	}
	w.dirs.made.Store(w.pl.newDir, true)
	if w.spare != nil {
		return nil
	}
	if err := os.Mkdir(w.pl.newDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", w.pl.newDir, err)
	}
	// The marker first, so that a run killed at any moment from here on
	// leaves a folder the next run knows it may remove.
	if err := fileio.CreateFile(filepath.Join(w.pl.newDir, MarkerFile), []byte(markerHead), 0o644); err != nil {
		os.Remove(w.pl.newDir)
		return fmt.Errorf("create %s: %w", w.pl.newDir, err)
	}
	return nil
}

// Put queues one rendered file and returns its description at once; its
// Source names where it will be once committed. release, if not nil, is
// called once data has been written and is no longer needed. A bad path is
// reported by Commit.
func (w *Writer) Put(p string, data []byte, release func()) *File {
	return w.PutRecorded(p, data, release, nil)
}

// PutRecorded is Put with what a record of the last build says the old
// tree holds at p (its Size and Hash; nil when nothing is known): when the
// new bytes' differ, they are written without reading the old file to
// compare.
func (w *Writer) PutRecorded(p string, data []byte, release func(), old *File) *File {
	f := &File{Size: int64(len(data)), Hash: xxhash.Sum64(data), Source: filepath.Join(w.pl.dest, filepath.FromSlash(p))}
	changed := old != nil && (old.Size != f.Size || old.Hash != f.Hash)
	if err := w.claim(p); err != nil {
		w.fail(err)
		if release != nil {
			release()
		}
		return f
	}
	w.jobs <- job{p: p, data: data, release: release, changed: changed}
	return f
}

// claim checks p and records it as part of the new tree.
func (w *Writer) claim(p string) error {
	if err := CheckPath(p); err != nil {
		return err
	}
	if k := KeptBy(p, w.keepFiles); k != "" {
		return fmt.Errorf("output path %s is kept by keep_files entry %q, which a build never writes into: %w", p, k, ErrKept)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.paths[p] {
		return fmt.Errorf("output path %s is written twice", p)
	}
	w.paths[p] = true
	return nil
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	w.errs = append(w.errs, err)
	w.mu.Unlock()
}

// addSame records a file whose bytes the old tree has.
func (w *Writer) addSame(p string) {
	w.mu.Lock()
	w.same = append(w.same, p)
	w.mu.Unlock()
	w.unchanged.Add(1)
}

// linkSame hard-links into the new tree the old tree's files that have the
// right bytes already. It runs only once the build knows it changes
// something: a build that changes nothing links nothing.
func (w *Writer) linkSame(ctx context.Context) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(w.same)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(w.same) {
					return
				}
				if err := w.linkOld(w.same[i]); err != nil {
					w.fail(fmt.Errorf("write %s: %w", w.same[i], err))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.err()
}

// linkOld links the old tree's file at p into the new tree, or copies it
// where the file system has no hard links.
func (w *Writer) linkOld(p string) error {
	target := filepath.Join(w.pl.newDir, filepath.FromSlash(p))
	if err := w.dirs.mkdirAll(filepath.Dir(target)); err != nil {
		return err
	}
	prev := filepath.Join(w.pl.real, filepath.FromSlash(p))
	if os.Link(prev, target) == nil {
		return nil
	}
	data, err := fileio.ReadFile(prev)
	if err != nil {
		return err
	}
	return fileio.CreateFile(target, data, 0o644)
}

// finish ends a Commit that leaves the destination as it is.
func (w *Writer) finish(st Stats) Stats {
	w.mu.Lock()
	w.finished = true
	w.mu.Unlock()
	// Where every file was linked from the old tree, the new tree is a
	// copy of the destination, which stays: it is the next build's spare,
	// with nothing changed.
	if w.linking == nil || len(w.same) > 0 || len(w.old.kept) > 0 || w.pl.keepSpare(w.pl.newDir, nil, len(w.old.files)) != nil {
		removeTree(w.pl.newDir)
	}
	w.unlock()
	return st
}

// wait lets the writers finish what is queued. It may be called more than once.
func (w *Writer) wait() {
	w.closing.Do(func() { close(w.jobs) })
	w.done.Wait()
	w.awaitLinks()
}

// Commit writes every file of out not already Put (rendered files with
// Data, copies of files with Source), records them all in the marker,
// switches the new tree into place and removes the old one. On error
// nothing has changed at the destination; call Abort to clean up.
func (w *Writer) Commit(ctx context.Context, out *Output) (Stats, error) {
	st, err := w.Switch(ctx, out)
	w.Wait()
	return st, err
}

// Switch is Commit, but for the old tree's removal, which goes on in the
// background until Wait: a caller with work of its own to finish (a build
// saving its state) does it meanwhile. The destination holds the new site
// once Switch returns.
func (w *Writer) Switch(ctx context.Context, out *Output) (Stats, error) {
	w.wait()
	if err := w.err(); err != nil {
		return Stats{}, err
	}
	var rest []string
	for p := range out.Files {
		if !w.paths[p] {
			rest = append(rest, p)
		}
	}
	sort.Strings(rest)
	if err := w.writeRest(ctx, rest, out); err != nil {
		return Stats{}, err
	}
	paths := make([]string, 0, len(w.paths))
	for p := range w.paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	marker := markerBytes(paths)
	if w.written.Load() == 0 && len(paths) == len(w.old.files) && bytes.Equal(marker, w.old.marker) {
		// Every file is the old one and none went: the destination is
		// the new site already. Nothing is switched.
		return w.finish(Stats{Unchanged: int(w.unchanged.Load())}), nil
	}
	w.unlinkUnclaimed()
	if err := w.linkSame(ctx); err != nil {
		return Stats{}, err
	}
	if err := w.carryKept(); err != nil {
		return Stats{}, err
	}
	if err := os.WriteFile(filepath.Join(w.pl.newDir, MarkerFile), marker, 0o644); err != nil {
		return Stats{}, fmt.Errorf("write %s: %w", MarkerFile, err)
	}
	if w.old.exists {
		if err := os.Chmod(w.pl.newDir, w.old.mode); err != nil {
			return Stats{}, err
		}
	}
	oldAt, err := w.pl.swap(w.old.exists)
	if err != nil {
		return Stats{}, err
	}
	w.mu.Lock()
	w.finished = true
	w.mu.Unlock()
	w.removing = make(chan struct{})
	go func() {
		defer close(w.removing)
		if oldAt != "" {
			w.keepOrRemove(oldAt, len(paths))
		}
		w.unlock()
	}()
	st := Stats{Written: int(w.written.Load()), Unchanged: int(w.unchanged.Load())}
	for p := range w.old.files {
		if !w.paths[p] {
			st.Removed++
		}
	}
	return st, nil
}

// keepOrRemove keeps the old tree, switched out to dir, as the spare for
// the next build (see spare.go), or removes it where it holds kept
// entries or cannot be kept. A failure changes nothing for the site: the
// next run removes what is left.
func (w *Writer) keepOrRemove(dir string, files int) {
	if len(w.old.kept) == 0 && w.pl.keepSpare(dir, w.changedPaths(), files) == nil {
		return
	}
	if _, err := os.Lstat(dir); err == nil {
		_ = removeOld(dir, w.old)
	}
}

// Wait waits until the old tree that Switch switched out is removed and
// the destination is free for another build. It does nothing when Switch
// did not switch, and may be called more than once.
func (w *Writer) Wait() {
	if w.removing != nil {
		<-w.removing
	}
}

// writeRest writes and copies the files of out named by rest, on all cores.
func (w *Writer) writeRest(ctx context.Context, rest []string, out *Output) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rest)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(rest) {
					return
				}
				p, f := rest[i], out.Files[rest[i]]
				if err := w.claim(p); err != nil {
					w.fail(err)
					continue
				}
				var err error
				if f.Data != nil || f.Source == "" {
					err = w.writeData(p, f.Data, false)
				} else {
					err = w.copyFile(p, f.Source)
				}
				if err != nil {
					w.fail(fmt.Errorf("write %s: %w", p, err))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.err()
}

func (w *Writer) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	sort.Slice(w.errs, func(i, j int) bool { return w.errs[i].Error() < w.errs[j].Error() })
	return errors.Join(w.errs...)
}

// Abort removes the new tree of a build that did not succeed, leaving the
// destination as it was. After a successful Switch it only waits as Wait
// does. It may be called more than once.
func (w *Writer) Abort() {
	w.wait()
	w.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finished {
		return
	}
	w.finished = true
	removeTree(w.pl.newDir)
	w.unlock()
}

// writeData writes data at p in the new tree, or links the old tree's file
// when it has these bytes already.
func (w *Writer) writeData(p string, data []byte, changed bool) error {
	if w.old.files[p] && !changed {
		prev := w.oldCopy(p)
		if have, err := fileio.ReadFile(prev); err == nil && bytes.Equal(have, data) {
			w.keepSame(p)
			return nil
		}
	}
	err := w.create(p, func(target string) error { return fileio.CreateFile(target, data, 0o644) })
	if err != nil {
		return err
	}
	w.written.Add(1)
	return nil
}

// oldCopy is the old tree's file at p to compare new bytes with: the one
// linked into the new tree at the start, which is the file kept when they
// are the same, or else the destination's, which is linked at Commit. The
// two are one file but where something replaced the destination's since
// the spare was made (see spare.go).
func (w *Writer) oldCopy(p string) string {
	if w.linking != nil {
		w.mu.Lock()
		linked := w.linked[p]
		w.mu.Unlock()
		if linked {
			return filepath.Join(w.pl.newDir, filepath.FromSlash(p))
		}
	}
	return filepath.Join(w.pl.real, filepath.FromSlash(p))
}

// keepSame records that the old tree's file at p has the right bytes: the
// link made at the start stays, or one is made at Commit.
func (w *Writer) keepSame(p string) {
	if w.takeLinked(p) {
		w.unchanged.Add(1)
		return
	}
	w.addSame(p)
}

// create makes the file p in the new tree with make, which must create it
// anew (O_EXCL), after its folders, in place of what the start linked
// there or in its way.
func (w *Writer) create(p string, make func(target string) error) error {
	if err := w.replaceLinked(p); err != nil {
		return err
	}
	target := filepath.Join(w.pl.newDir, filepath.FromSlash(p))
	try := func() error {
		if err := w.dirs.mkdirAll(filepath.Dir(target)); err != nil {
			return err
		}
		return make(target)
	}
	err := try()
	if err != nil && w.linking != nil {
		// Something was in the way: a link of the old tree, which this
		// writer or another one evicts (another may have taken it from
		// w.linked and not yet unlinked it), or a folder another eviction
		// removed, empty, just after this writer made it. The retry runs
		// with evictions held off, whether this one found anything or not.
		w.evicting.Lock()
		w.evict(p)
		err = try()
		w.evicting.Unlock()
	}
	if err == nil {
		w.mu.Lock()
		w.created = append(w.created, p)
		w.mu.Unlock()
	}
	return err
}

// copyFile copies the regular file src to p in the new tree, or links the
// old tree's file when it has the same bytes. Only regular files are
// copied, never through a link at src's last step, and only as many bytes
// as the file had when it was opened.
func (w *Writer) copyFile(p, src string) error {
	in, info, err := fileio.OpenRegular(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if w.old.files[p] {
		prev := w.oldCopy(p)
		if same, _ := sameFile(prev, in, info.Size()); same {
			w.keepSame(p)
			return nil
		}
		if _, err := in.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	var out *os.File
	err = w.create(p, func(target string) (err error) {
		out, err = os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		return err
	})
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(in, info.Size()))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != info.Size() {
		err = fmt.Errorf("%s changed while it was copied", src)
	}
	if err != nil {
		return err
	}
	w.written.Add(1)
	return nil
}

// sameFile reports whether the regular file at prev holds exactly the
// first size bytes of in.
func sameFile(prev string, in io.Reader, size int64) (bool, error) {
	f, info, err := fileio.OpenRegular(prev)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if info.Size() != size {
		return false, nil
	}
	a, b := make([]byte, 64<<10), make([]byte, 64<<10)
	for left := size; left > 0; {
		n := int(min(left, int64(len(a))))
		if _, err := io.ReadFull(in, a[:n]); err != nil {
			return false, err
		}
		if _, err := io.ReadFull(f, b[:n]); err != nil {
			return false, err
		}
		if !bytes.Equal(a[:n], b[:n]) {
			return false, nil
		}
		left -= int64(n)
	}
	return true, nil
}

// WriteDir makes dest hold exactly out, as a Writer does: files whose bytes
// are already right keep their inode and times (so rsync and publish see no
// change), and the switch from the old site to the new is atomic.
func WriteDir(ctx context.Context, out *Output, dest string, opts Options) (Stats, error) {
	w, err := NewWriter(dest, opts)
	if err != nil {
		return Stats{}, err
	}
	defer w.Abort()
	return w.Commit(ctx, out)
}

// Recover cleans up after a run that was interrupted while writing dest,
// so that dest holds a whole site (the old or the new one) and nothing is
// left beside it. Commands that read a built site call it first.
func Recover(dest string) error {
	pl, err := newPlace(dest)
	if err != nil {
		return err
	}
	if _, err := os.Stat(pl.parent); err != nil {
		return nil // nothing was ever written there
	}
	unlock, err := lock(pl.parent, dest)
	if err != nil {
		return err
	}
	defer unlock()
	return pl.cleanUp()
}

// dirCache remembers folders already made, so that writing thousands of
// pages does not stat every parent folder thousands of times.
type dirCache struct{ made sync.Map }

func (c *dirCache) mkdirAll(dir string) error {
	if _, ok := c.made.Load(dir); ok {
		return nil
	}
	// Make sure of the parent first: it is usually known already, and then
	// making dir costs one mkdir rather than a failed one, the parent's,
	// and a retry.
	if parent := filepath.Dir(dir); parent != dir {
		if err := c.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	c.made.Store(dir, true)
	return nil
}

// removeTree removes a tree of ours, its marker last, so that a run killed
// half-way leaves a folder the next run still recognises and removes.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var errs []error
	for _, e := range entries {
		if e.Name() != MarkerFile {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// removeOld removes the old tree, switched out to dir, as the walk before
// the build found it: its recorded files and kept entries, then its
// folders, deepest first, each step on all cores, with no folder read
// again. What appeared in it since the walk is then removed by removeTree,
// which removes the marker last.
func removeOld(dir string, o *old) error {
	at := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	files := make([]string, 0, len(o.files))
	for p := range o.files {
		files = append(files, p)
	}
	onAllCores(files, func(p string) { _ = os.Remove(at(p)) })
	onAllCores(o.kept, func(p string) { _ = os.RemoveAll(at(p)) })
	// A folder that holds something still (it appeared since the walk) is
	// left, with the folders above it, for removeTree.
	for _, level := range byDepth(o.dirs) {
		onAllCores(level, func(p string) { _ = syscall.Rmdir(at(p)) })
	}
	return removeTree(dir)
}

// byDepth groups slash paths by their number of segments, the deepest
// group first.
func byDepth(paths []string) [][]string {
	var levels [][]string
	for _, p := range paths {
		d := strings.Count(p, "/")
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], p)
	}
	slices.Reverse(levels)
	return levels
}

// onAllCores calls fn for every item, on as many goroutines as there are
// cores.
func onAllCores(items []string, fn func(string)) {
	onAllCoresIndexed(len(items), func(i int) { fn(items[i]) })
}

// onAllCoresIndexed calls fn for 0 to n-1, on as many goroutines as there
// are cores.
func onAllCoresIndexed(n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
