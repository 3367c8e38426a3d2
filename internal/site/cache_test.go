package site

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const codePost = "---\ntitle: Code\n---\n\n```go\nfunc main() {}\n```\n"

func readCache(t *testing.T, dir string) cacheFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, highlightFile))
	if err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	var f cacheFile
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

func writeCache(t *testing.T, dir string, f cacheFile) {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, highlightFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHighlightCache shows that highlighted code is kept between runs and
// used (a doctored entry shows up in the page), that entries of another
// chroma version are ignored, and that a damaged file is harmless.
func TestHighlightCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, CacheDirName)
	writeSource(t, dir, "content/posts/2024-01-05-code.md", codePost)
	page := "2024/01/05/code/index.html"

	first, err := build(t, dir, Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	f := readCache(t, cache)
	if len(f.Entries) != 1 || f.Version != chromaVersion() {
		t.Fatalf("cache holds %d entries of version %q", len(f.Entries), f.Version)
	}

	for k := range f.Entries {
		f.Entries[k] = []byte("FROM-THE-CACHE")
	}
	writeCache(t, cache, f)
	res, err := build(t, dir, Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Output.Files[page].Data), "FROM-THE-CACHE") {
		t.Error("the cached highlighting was not used")
	}

	f.Version = "v0.0.0-other"
	writeCache(t, cache, f)
	res, err = build(t, dir, Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Output.Files[page].Data, first.Output.Files[page].Data) {
		t.Error("a cache of another chroma version was used")
	}

	if err := os.WriteFile(filepath.Join(cache, highlightFile), []byte("not gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = build(t, dir, Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Output.Files[page].Data, first.Output.Files[page].Data) {
		t.Error("a damaged cache changed the output")
	}
	if f := readCache(t, cache); len(f.Entries) != 1 {
		t.Errorf("the damaged cache was not rewritten: %d entries", len(f.Entries))
	}
}
