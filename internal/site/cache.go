package site

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
)

// CacheDirName is the folder, at a site's root, where builds keep what is
// costly to compute and safe to reuse (like Jekyll's .jekyll-cache). It can
// be deleted at any time and belongs in .gitignore.
const CacheDirName = ".weeknotes-cache"

// highlightFile is the highlight cache's file inside the cache folder.
const highlightFile = "highlight.gob"

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
	var f cacheFile
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&f) != nil || f.Version != chromaVersion() {
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
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(cacheFile{Version: chromaVersion(), Entries: s.entries}) != nil {
		return
	}
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp := filepath.Join(dir, highlightFile+".tmp-"+strconv.Itoa(os.Getpid()))
	if os.WriteFile(tmp, buf.Bytes(), 0o644) != nil || os.Rename(tmp, filepath.Join(dir, highlightFile)) != nil {
		os.Remove(tmp)
		return
	}
	s.dirty = false
	s.used = map[[32]byte]bool{}
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
