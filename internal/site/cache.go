package site

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
)

// CacheDirName is the folder, at a site's root, where builds keep what is
// costly to compute and safe to reuse (like Jekyll's .jekyll-cache). It can
// be deleted at any time and belongs in .gitignore.
const CacheDirName = ".weeknotes-cache"

// highlightFile is the highlight cache's file inside the cache folder.
const highlightFile = "highlight.cache"

// oldHighlightFile is where weeknotes kept the cache in its gob format; a
// save removes it, so that it does not lie there unread.
const oldHighlightFile = "highlight.gob"

// highlightStore keeps chroma's output for code blocks across builds: in
// memory for the life of a Builder (so a template edit in the preview does
// not lex every code block again), and on disk between runs.
type highlightStore struct {
	loaded  chan struct{} // closed once the file's entries are in
	mu      sync.RWMutex
	entries map[[32]byte][]byte
	used    map[[32]byte]bool // looked up or added since the last save
	dirty   bool
}

// cacheFile is what the highlight cache's file holds.
type cacheFile struct {
	Version string // the chroma module's version: its lexers decide the output
	Entries map[[32]byte][]byte
}

// cacheMagic opens a cache file: the format and its version, so that a
// file in an older format (gob, before version 2) or anything else is not
// misread but ignored.
const cacheMagic = "weeknotes highlight cache 2\n"

// encode writes f as the magic, the chroma version (a uvarint length and
// the bytes), the number of entries (a uvarint), and each entry as its
// 32-byte key, a uvarint length and the HTML, in key order so that the
// same entries make the same file. gob took 125-200 ms for the 8 MB of a
// 5,000-post site, at the end of a first build; this takes a copy.
func (f *cacheFile) encode(w *bufio.Writer) error {
	var n [binary.MaxVarintLen64]byte
	uvarint := func(v uint64) { w.Write(n[:binary.PutUvarint(n[:], v)]) }
	w.WriteString(cacheMagic)
	uvarint(uint64(len(f.Version)))
	w.WriteString(f.Version)
	keys := make([][32]byte, 0, len(f.Entries))
	for k := range f.Entries {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	uvarint(uint64(len(keys)))
	for _, k := range keys {
		w.Write(k[:])
		uvarint(uint64(len(f.Entries[k])))
		w.Write(f.Entries[k])
	}
	return w.Flush()
}

// decodeCacheFile reads a file encode wrote. The entries' HTML is sliced
// from data, not copied. Anything else, including a file cut short, is an
// error: the whole file is used or none of it.
func decodeCacheFile(data []byte) (cacheFile, error) {
	errDamaged := errors.New("not a highlight cache file, or a damaged one")
	rest, ok := bytes.CutPrefix(data, []byte(cacheMagic))
	if !ok {
		return cacheFile{}, errDamaged
	}
	r := cacheReader{rest: rest}
	version := r.take(r.uvarint())
	count := r.uvarint() // at most the bytes left, so the map's size is bounded
	if r.short {
		return cacheFile{}, errDamaged
	}
	f := cacheFile{Version: string(version), Entries: make(map[[32]byte][]byte, count)}
	for range count {
		key := r.take(32)
		html := r.take(r.uvarint())
		if r.short {
			return cacheFile{}, errDamaged
		}
		f.Entries[[32]byte(key)] = html
	}
	if len(r.rest) != 0 {
		return cacheFile{}, errDamaged
	}
	return f, nil
}

// cacheReader reads a cache file's fields in turn. Once one runs past the
// end, short is set and every later read gives nothing, so the decoder
// checks once per entry rather than after every field.
type cacheReader struct {
	rest  []byte
	short bool
}

// uvarint reads a length: a uvarint no greater than the bytes left.
func (r *cacheReader) uvarint() int {
	v, n := binary.Uvarint(r.rest)
	if r.short || n <= 0 || v > uint64(len(r.rest)) {
		r.short = true
		return 0
	}
	r.rest = r.rest[n:]
	return int(v)
}

// take reads n bytes, capped so that an append cannot run into the next.
func (r *cacheReader) take(n int) []byte {
	if r.short || n > len(r.rest) {
		r.short = true
		return nil
	}
	b := r.rest[:n:n]
	r.rest = r.rest[n:]
	return b
}

func newHighlightStore() *highlightStore {
	loaded := make(chan struct{})
	close(loaded)
	return &highlightStore{loaded: loaded, entries: map[[32]byte][]byte{}, used: map[[32]byte]bool{}}
}

// loadInBackground reads the cache file of dir while the caller goes on:
// decoding megabytes of highlighted code takes tens of milliseconds that
// reading the posts can overlap. Every other method waits for it.
func (s *highlightStore) loadInBackground(dir string) {
	loaded := make(chan struct{})
	s.loaded = loaded
	go func() {
		defer close(loaded)
		s.load(dir)
	}()
}

// Get implements markdown.HighlightCache.
func (s *highlightStore) Get(key [32]byte) ([]byte, bool) {
	<-s.loaded
	s.mu.RLock()
	html, ok := s.entries[key]
	seen := s.used[key]
	s.mu.RUnlock()
	if ok && !seen {
		s.mu.Lock()
		s.used[key] = true
		s.mu.Unlock()
	}
	return html, ok
}

// Put implements markdown.HighlightCache.
func (s *highlightStore) Put(key [32]byte, html []byte) {
	<-s.loaded
	s.mu.Lock()
	s.entries[key] = html
	s.used[key] = true
	s.dirty = true
	s.mu.Unlock()
}

// load reads the cache file of dir, if there is a usable one. A missing,
// damaged or outdated file is no error: the cache starts empty.
func (s *highlightStore) load(dir string) {
	data, err := os.ReadFile(filepath.Join(dir, highlightFile))
	if err != nil {
		return
	}
	f, err := decodeCacheFile(data)
	if err != nil || f.Version != chromaVersion() {
		return
	}
	s.mu.Lock()
	for k, v := range f.Entries {
		if _, ok := s.entries[k]; !ok {
			s.entries[k] = v
		}
	}
	s.mu.Unlock()
}

// save writes the cache to dir atomically; with prune (after a full build)
// it drops entries that no post used since the last save. Failing to
// save only costs the next build time, so errors are ignored.
func (s *highlightStore) save(dir string, prune bool) {
	<-s.loaded
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty && !(prune && len(s.used) < len(s.entries)) {
		return
	}
	if prune {
		for k := range s.entries {
			if !s.used[k] {
				delete(s.entries, k)
			}
		}
	}
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp := filepath.Join(dir, highlightFile+".tmp-"+strconv.Itoa(os.Getpid()))
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return
	}
	f := cacheFile{Version: chromaVersion(), Entries: s.entries}
	err = f.encode(bufio.NewWriterSize(out, 256<<10))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil || os.Rename(tmp, filepath.Join(dir, highlightFile)) != nil {
		os.Remove(tmp)
		return
	}
	os.Remove(filepath.Join(dir, oldHighlightFile))
	s.dirty = false
	s.used = map[[32]byte]bool{}
}

// forget drops every entry held in memory. The cache file is left as it
// is, and a later build with this store highlights its code afresh.
func (s *highlightStore) forget() {
	<-s.loaded
	s.mu.Lock()
	s.entries = map[[32]byte][]byte{}
	s.used = map[[32]byte]bool{}
	s.dirty = false
	s.mu.Unlock()
}

// chromaVersion is the version of the chroma module in this binary.
var chromaVersion = sync.OnceValue(func() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/alecthomas/chroma/v2" {
				return dep.Version
			}
		}
	}
	return "unknown"
})
