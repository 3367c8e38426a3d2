package site

import (
	"bufio"
	"bytes"
	"context"
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
	f, err := decodeCacheFile(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func writeCache(t *testing.T, dir string, f cacheFile) {
	t.Helper()
	var buf bytes.Buffer
	if err := f.encode(bufio.NewWriter(&buf)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, highlightFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	forgetBuildState(t, dir)
}

// forgetBuildState removes the build state from a cache folder, so that
// the next build renders every body (and looks its code up in the
// highlight cache) rather than taking the bodies saved.
func forgetBuildState(t *testing.T, cache string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(cache, "*.state"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.Remove(n); err != nil {
			t.Fatal(err)
		}
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

	if err := os.WriteFile(filepath.Join(cache, highlightFile), []byte("not a cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	forgetBuildState(t, cache)
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

// TestCacheFileFormat round-trips entries, and holds the decoder to
// all-or-nothing: every cut of a good file, and every changed byte of its
// header, is refused rather than half read.
func TestCacheFileFormat(t *testing.T) {
	f := cacheFile{Version: "v2.27.0", Entries: map[[32]byte][]byte{
		{1}:    []byte("<span>a</span>"),
		{2, 3}: []byte(""),
		{255}:  bytes.Repeat([]byte("x"), 300), // a length of two varint bytes
	}}
	var buf bytes.Buffer
	if err := f.encode(bufio.NewWriter(&buf)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	got, err := decodeCacheFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != f.Version || len(got.Entries) != len(f.Entries) {
		t.Fatalf("got version %q and %d entries", got.Version, len(got.Entries))
	}
	for k, v := range f.Entries {
		if !bytes.Equal(got.Entries[k], v) {
			t.Errorf("entry %x: got %q, want %q", k[:2], got.Entries[k], v)
		}
	}
	var again bytes.Buffer
	if err := got.encode(bufio.NewWriter(&again)); err != nil || !bytes.Equal(again.Bytes(), data) {
		t.Error("the same entries made another file")
	}

	for n := range len(data) {
		if _, err := decodeCacheFile(data[:n]); err == nil {
			t.Errorf("a file cut at %d of %d bytes was read", n, len(data))
		}
	}
	if _, err := decodeCacheFile(append(bytes.Clone(data), 0)); err == nil {
		t.Error("a file with a byte too many was read")
	}
	for i := range len(cacheMagic) {
		bad := bytes.Clone(data)
		bad[i]++
		if _, err := decodeCacheFile(bad); err == nil {
			t.Errorf("a file with byte %d of the magic changed was read", i)
		}
	}
}

// TestOldCacheFileRemoved checks that the first save in the new format
// removes the gob file earlier versions wrote.
func TestOldCacheFileRemoved(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, CacheDirName)
	writeSource(t, dir, "content/posts/2024-01-05-code.md", codePost)
	writeSource(t, cache, oldHighlightFile, "gob bytes")
	if _, err := build(t, dir, Options{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, oldHighlightFile)); err == nil {
		t.Error("the old cache file is still there")
	}
	readCache(t, cache)
}

// FuzzCacheFile feeds the decoder anything: it must not panic, and what
// it accepts must encode to a file that decodes to as many entries.
func FuzzCacheFile(f *testing.F) {
	var buf bytes.Buffer
	good := cacheFile{Version: "v1", Entries: map[[32]byte][]byte{{7}: []byte("<b>x</b>")}}
	if err := good.encode(bufio.NewWriter(&buf)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(cacheMagic))
	f.Add([]byte(cacheMagic + "\x02v1\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeCacheFile(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := got.encode(bufio.NewWriter(&out)); err != nil {
			t.Fatal(err)
		}
		// Keys may come in any order in an accepted file; encode sorts them.
		if back, err := decodeCacheFile(out.Bytes()); err != nil || len(back.Entries) != len(got.Entries) {
			t.Errorf("re-encoding an accepted file gave %v, %d entries", err, len(back.Entries))
		}
	})
}

// TestStreamedBuildLetsHighlightsGo checks that a one-shot build saves the
// highlight cache and then holds none of it in memory while it renders
// pages, and that a preview build keeps it.
func TestStreamedBuildLetsHighlightsGo(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, CacheDirName)
	writeSource(t, dir, "content/posts/2024-01-05-code.md", codePost)
	for _, streamed := range []bool{true, false} {
		opts := Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, CacheDir: cache}
		if streamed {
			opts.StreamTo = filepath.Join(dir, "site")
		}
		b := NewBuilder(opts)
		res, err := b.Build(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if streamed {
			page, err := os.ReadFile(res.Output.Files["2024/01/05/code/index.html"].Source)
			if err != nil || !bytes.Contains(page, []byte(`<span class="kd">func</span>`)) {
				t.Fatalf("the streamed page lacks its highlighted code (%v)", err)
			}
		}
		if n := len(readCache(t, cache).Entries); n != 1 {
			t.Errorf("streamed=%v: the cache file holds %d entries", streamed, n)
		}
		if got, want := len(b.hl.entries), map[bool]int{true: 0, false: 1}[streamed]; got != want {
			t.Errorf("streamed=%v: %d entries in memory after the build, want %d", streamed, got, want)
		}
	}
}
