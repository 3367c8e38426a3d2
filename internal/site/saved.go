package site

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Saved pages: a build that keeps its pages in memory (the preview) has no
// output folder to take unchanged pages from in the next run, so with
// Options.SavePages it keeps them beside the build state, in one more file
// per set of options, pages-<key>.state:
//
//   - the length of the index, 8 bytes;
//   - the index, checksummed as the other state files are: the scan time
//     of the build that wrote it (which the small file holds too, so that
//     a pages file is only ever used with the state of the same build),
//     then every output file in path order: its path, and either the size
//     and hash of its bytes or, for a file copied from the site, the
//     source's path under the site's folder with its size and hash;
//   - the bytes of every rendered file, in the index's order.
//
// The index is read whole; a page's bytes are read when it is asked for
// and checked against the hash the index and the small file both give.
// Before its first build, the preview (SavedPages) serves them at once
// when no input has changed since they were saved, and its first build
// keeps every page whose fingerprint still holds.

const pagesMagic = "weeknotes pages state 1\n"

// maxPagesIndex bounds the index a pages file may claim: far beyond any
// site's, and small enough that a damaged length cannot exhaust memory.
const maxPagesIndex = 1 << 30

// pagesName is the pages file for this Builder's options.
func (b *Builder) pagesName() string {
	small, _ := b.stateNames()
	return "pages-" + strings.TrimPrefix(small, "build-")
}

// savesPages reports whether this Builder keeps its pages in the state.
func (b *Builder) savesPages() bool {
	return b.opts.SavePages && b.opts.CacheDir != "" && b.opts.StreamTo == ""
}

// savedEntry is one output file of a pages file.
type savedEntry struct {
	file *File  // Data nil until read; Source set for copied files
	off  int64  // where a rendered file's bytes start in the file
	src  string // a copied file's source, slash path under the site's folder
}

// pagesPack is an opened pages file whose index has been read and checked.
type pagesPack struct {
	f        *os.File
	scanTime int64
	entries  map[string]savedEntry
	blob     int64 // where the bytes start
	size     int64 // the file's size
}

// openPages opens the pages file and reads its index; root is the site's
// folder, absolute, against which copied files' sources are resolved.
func openPages(path, root string) (*pagesPack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	p, err := readPagesIndex(f, root)
	if err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

func readPagesIndex(f *os.File, root string) (*pagesPack, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var head [8]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return nil, errStateDamaged
	}
	n := binary.LittleEndian.Uint64(head[:])
	if n > maxPagesIndex || int64(n) > info.Size()-8 {
		return nil, errStateDamaged
	}
	index := make([]byte, n)
	if _, err := io.ReadFull(f, index); err != nil {
		return nil, errStateDamaged
	}
	r, _, err := openState(index, pagesMagic)
	if err != nil {
		return nil, err
	}
	p := &pagesPack{f: f, scanTime: int64(r.u64()), blob: 8 + int64(n), size: info.Size()}
	count := r.count()
	p.entries = make(map[string]savedEntry, count)
	off := p.blob
	for range count {
		name, copied := r.str(), r.number() == 1
		var src string
		if copied {
			src = r.str()
		}
		size, hash := r.number(), r.u64()
		if r.short || !safeSource(src) || size > uint64(p.size) || !copied && int64(size) > p.size-off {
			return nil, errStateDamaged
		}
		e := savedEntry{file: &File{Size: int64(size), Hash: hash}}
		if copied {
			e.src, e.file.Source = src, filepath.Join(root, filepath.FromSlash(src))
		} else {
			e.off = off
			off += int64(size)
		}
		p.entries[name] = e
	}
	if r.short || len(r.rest) != 0 || off != p.size {
		return nil, errStateDamaged
	}
	return p, nil
}

// safeSource reports whether a copied file's recorded source is a path
// inside the site's folder: a damaged file must not make the preview
// serve a file from elsewhere.
func safeSource(src string) bool {
	if src == "" {
		return true
	}
	return filepath.IsLocal(filepath.FromSlash(src))
}

// matches reports whether the pack was written by the build that saved st:
// the same scan, and every page the state records with the same bytes.
func (p *pagesPack) matches(st *buildState) bool {
	if p.scanTime != st.ScanTime {
		return false
	}
	for name, pg := range st.Pages {
		e, ok := p.entries[name]
		if !ok || e.file.Source != "" || e.file.Size != pg.Size || e.file.Hash != pg.Hash {
			return false
		}
	}
	return true
}

// read returns one rendered file's bytes, checked against its hash.
func (p *pagesPack) read(e savedEntry) ([]byte, error) {
	data := make([]byte, e.file.Size)
	if _, err := p.f.ReadAt(data, e.off); err != nil {
		return nil, err
	}
	if hashBytes(data) != e.file.Hash {
		return nil, errStateDamaged
	}
	return data, nil
}

// readAll returns every file of the pack with its bytes, read in one go:
// each page's bytes are a slice of one buffer.
func (p *pagesPack) readAll() (map[string]*File, error) {
	blob := make([]byte, p.size-p.blob)
	if _, err := p.f.ReadAt(blob, p.blob); err != nil {
		return nil, err
	}
	files := make(map[string]*File, len(p.entries))
	for name, e := range p.entries {
		f := *e.file
		if f.Source == "" {
			start := e.off - p.blob
			f.Data = blob[start : start+f.Size : start+f.Size]
			if hashBytes(f.Data) != f.Hash {
				return nil, errStateDamaged
			}
		}
		files[name] = &f
	}
	return files, nil
}

// encodePages writes the pages file of a finished build: out's files, the
// copied ones by their source under root.
func encodePages(w *bufio.Writer, scanTime int64, out *Output, root string) error {
	names := sortedKeys(out.Files)
	var index bytes.Buffer
	iw := bufio.NewWriter(&index)
	s := newStateWriter(iw)
	s.raw([]byte(pagesMagic))
	s.u64(uint64(scanTime))
	s.uvarint(uint64(len(names)))
	for _, name := range names {
		f := out.Files[name]
		s.str(name)
		if f.Data == nil {
			rel, err := filepath.Rel(root, f.Source)
			if err != nil || f.Source == "" || !filepath.IsLocal(rel) {
				return fmt.Errorf("%s is copied from %s, outside the site's folder", name, f.Source)
			}
			s.uvarint(1)
			s.str(filepath.ToSlash(rel))
		} else {
			s.uvarint(0)
		}
		s.uvarint(uint64(f.Size))
		s.u64(f.Hash)
	}
	if _, err := s.finish(); err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(index.Len()))
	w.Write(n[:])
	w.Write(index.Bytes())
	for _, name := range names {
		if f := out.Files[name]; f.Data != nil {
			w.Write(f.Data)
		}
	}
	return w.Flush()
}

// pagesSave is a pages file being written beside the build state.
type pagesSave struct {
	tmp  string
	err  error
	done chan struct{}
}

// startPagesSave begins writing a finished build's pages, in the
// background; nil when this Builder saves none.
func (b *Builder) startPagesSave(r *run) *pagesSave {
	if !b.savesPages() {
		return nil
	}
	root, err := filepath.Abs(b.opts.Source)
	s := &pagesSave{done: make(chan struct{}), err: err}
	if err != nil {
		close(s.done)
		return s
	}
	go func() {
		defer close(s.done)
		s.tmp, s.err = writeStateTemp(b.opts.CacheDir, b.pagesName(), func(w *bufio.Writer) error {
			return encodePages(w, r.scanTime, r.out, root)
		})
	}()
	return s
}

// finish puts the pages file in place, or with ok false throws it away.
func (s *pagesSave) finish(b *Builder, ok bool) error {
	if s == nil {
		return nil
	}
	<-s.done
	if s.err != nil {
		return s.err
	}
	if !ok {
		os.Remove(s.tmp)
		return nil
	}
	return renameState(s.tmp, b.opts.CacheDir, b.pagesName())
}

// SavedSite is the site as the last run saved it (Options.SavePages), for
// the preview to serve while its first build runs. The rendered files'
// bytes are read when asked for. It is safe for concurrent use.
type SavedSite struct {
	fsys   fs.FS // the site's folder, through which copied files are checked
	mu     sync.RWMutex
	pack   *pagesPack // nil once closed
	pages  int
	output *Output // every file, rendered ones without their bytes
}

// ErrClosed is returned by SavedSite.File once the saved site is closed.
var ErrClosed = errors.New("the saved site is closed")

// Has reports whether the saved site has a file at the output path name.
func (s *SavedSite) Has(name string) bool { return s.output.Files[name] != nil }

// Pages is how many rendered files the saved site holds.
func (s *SavedSite) Pages() int { return s.pages }

// File returns the file at the output path name with its bytes (or, for a
// copied file, its source); nil when there is none.
func (s *SavedSite) File(name string) (*File, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.pack == nil {
		return nil, ErrClosed
	}
	e, ok := s.pack.entries[name]
	if !ok {
		return nil, nil
	}
	if e.file.Source != "" {
		// Through the site's file system, which refuses a link leading
		// out of the site: the pages file names it, and is not trusted
		// to. Served only while it is the file the saved build copied.
		info, err := fs.Stat(s.fsys, e.src)
		if err != nil || !info.Mode().IsRegular() || info.Size() != e.file.Size {
			return nil, fmt.Errorf("the saved %s: its source %s is not the file copied: %w", name, e.src, errStateDamaged)
		}
		return e.file, nil
	}
	data, err := s.pack.read(e)
	if err != nil {
		return nil, fmt.Errorf("read the saved %s: %w", name, err)
	}
	return &File{Data: data, Size: e.file.Size, Hash: e.file.Hash}, nil
}

// Close releases the pages file, once reads in progress are done.
func (s *SavedSite) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pack == nil {
		return nil
	}
	err := s.pack.f.Close()
	s.pack = nil
	return err
}

// warmScan is the saved state and the scan of the inputs a warm start
// compares it with.
type warmScan struct {
	state    *buildState
	note     string
	inputs   map[string]inputPrint
	scanTime int64
}

// scanWarm reads the saved state and fingerprints the inputs, unless
// SavedPages did already before the first build, whose scan it then takes:
// the scan was made before anything read the inputs.
func (b *Builder) scanWarm() warmScan {
	if ws := b.prescan; ws != nil {
		b.prescan = nil
		return *ws
	}
	st, note := b.readState()
	inputs, scanTime := b.scan(st)
	return warmScan{state: st, note: note, inputs: inputs, scanTime: scanTime}
}

// SavedPages returns, before the first build, the site the last run saved
// (Options.SavePages) when it is still the site: the same binary and
// options, no input changed since, and no post come of age. The first
// Build reuses its scan of the inputs, and reports what changed against
// the saved site. Otherwise, and after the first build, it returns nil.
func (b *Builder) SavedPages() *SavedSite {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.warmTried || b.prescan != nil || !b.savesPages() {
		return nil
	}
	ws := b.scanWarm()
	b.prescan = &ws
	st := ws.state
	now := b.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	switch {
	case st == nil, len(diffInputs(st.Inputs, ws.inputs)) != 0,
		st.ValidUntil != 0 && !now.Before(time.Unix(0, st.ValidUntil)),
		b.opts.Strict && hasErrors(st.Diags, true):
		return nil
	}
	pack, err := b.openSavedPages(st)
	if err != nil {
		return nil
	}
	s := &SavedSite{fsys: b.fsys, pack: pack, output: &Output{Files: make(map[string]*File, len(pack.entries))}}
	for name, e := range pack.entries {
		s.output.Files[name] = e.file
		if e.file.Source == "" {
			s.pages++
		}
	}
	b.last = s.output
	return s
}

// openSavedPages opens the pages file that goes with st.
func (b *Builder) openSavedPages(st *buildState) (*pagesPack, error) {
	root, err := filepath.Abs(b.opts.Source)
	if err != nil {
		return nil, err
	}
	pack, err := openPages(filepath.Join(b.opts.CacheDir, b.pagesName()), root)
	if err != nil {
		return nil, err
	}
	if !pack.matches(st) {
		pack.f.Close()
		return nil, errors.New("the saved pages are not those of the build state")
	}
	return pack, nil
}

// restoreSavedPages makes the saved pages the previous build's output, to
// be kept while their fingerprints hold, as restorePages does with an
// output folder. unchanged says no input changed since they were saved.
// Their bytes are read in the background, while the site loads and its
// model is made; awaitSavedPages takes them before the pages render.
func (b *Builder) restoreSavedPages(r *run, st *buildState, unchanged bool) {
	pack, err := b.openSavedPages(st)
	if err != nil {
		return
	}
	l := &savedLoad{st: st, unchanged: unchanged, done: make(chan struct{})}
	r.savedPages = l
	go func() {
		defer close(l.done)
		defer pack.f.Close()
		l.files, l.err = pack.readAll()
	}()
}

// savedLoad is the saved pages being read for a build.
type savedLoad struct {
	st        *buildState
	unchanged bool
	done      chan struct{} // closed once files or err is set
	files     map[string]*File
	err       error
}

// awaitSavedPages waits for the saved pages restoreSavedPages is reading
// and, when they were read whole, makes them the previous output.
func (b *Builder) awaitSavedPages(r *run) {
	l := r.savedPages
	if l == nil {
		return
	}
	r.savedPages = nil
	<-l.done
	if l.err != nil {
		return
	}
	b.last = &Output{Files: l.files}
	b.prints = make(map[string]uint64, len(l.st.Pages))
	for p, pg := range l.st.Pages {
		b.prints[p] = pg.Print
	}
	r.savedCurrent = l.unchanged
}

// dropSavedPages waits for saved pages still being read for a build that
// stopped before its pages: no reading outlives the build.
func (r *run) dropSavedPages() {
	if l := r.savedPages; l != nil {
		<-l.done
		r.savedPages = nil
	}
}

// stateCurrent reports whether the saved state already describes this
// in-memory build, so that saving it again would write what is there: no
// input changed since, and the output is the one restored from it.
func (b *Builder) stateCurrent(r *run) bool {
	return r.savedCurrent && b.last != nil && len(diffOutputs(b.last, r.out)) == 0
}

// firstErr returns the first error that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// finishLater finishes saving a build's state in the background: a
// build that keeps its site in memory (the preview) need not wait for
// ninety megabytes of pages to be written before its site is served. The
// next build, and Flush, wait for it.
func (b *Builder) finishLater(save *stateSave, pages *pagesSave) {
	done := make(chan struct{})
	b.saving, b.saveErr = done, nil
	go func() {
		defer close(done)
		b.saveErr = firstErr(pages.finish(b, true), save.finish(b, true))
	}()
}

// waitSaving waits for a save finishLater started; b.mu is held.
func (b *Builder) waitSaving() error {
	if b.saving == nil {
		return nil
	}
	<-b.saving
	b.saving = nil
	err := b.saveErr
	b.saveErr = nil
	return err
}

// Flush waits until the state the last build is saving in the background
// is saved, or saves the state of the last build when it was an
// incremental one (see trackInputs), and says why it could not be. Call it
// before the process ends.
func (b *Builder) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.waitSaving()
	if err == nil {
		err = b.saveSession()
	}
	if err != nil {
		return fmt.Errorf("the build state was not saved: %w", err)
	}
	return nil
}
