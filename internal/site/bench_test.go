package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/corpus"
)

// benchCorpus returns a generated weeknotes corpus laid out as a site: the
// one named by WEEKNOTES_CORPUS (make bench generates 5,000 posts), or
// 1,000 posts generated here.
func benchCorpus(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv("WEEKNOTES_CORPUS"); dir != "" {
		return dir
	}
	dir := filepath.Join(b.TempDir(), "corpus")
	if err := corpus.Generate(dir, corpus.Options{Posts: 1000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkFullBuild measures what `weeknotes build` does from a cold
// start: read and render every post and page, and write the site to an
// empty folder.
func BenchmarkFullBuild(b *testing.B) {
	dir := benchCorpus(b)
	theme := defaultTheme(b)
	ctx := context.Background()
	var posts int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dest := filepath.Join(b.TempDir(), fmt.Sprint("site", i))
		b.StartTimer()
		res, err := NewBuilder(Options{Source: dir, Theme: theme, Now: buildTime}).Build(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := WriteDir(ctx, res.Output, dest); err != nil {
			b.Fatal(err)
		}
		posts = res.Stats.Posts
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(posts), "µs/post")
	b.ReportMetric(float64(posts), "posts")
}

// BenchmarkStreamedBuild measures a build the way `weeknotes build` runs
// it: pages streamed to an empty folder as they render, with no
// highlighted-code cache (cold) and with one filled by an earlier run
// (warm).
func BenchmarkStreamedBuild(b *testing.B) {
	dir := benchCorpus(b)
	theme := defaultTheme(b)
	ctx := context.Background()
	warmCache := filepath.Join(b.TempDir(), CacheDirName)
	if _, err := NewBuilder(Options{Source: dir, Theme: theme, Now: buildTime, CacheDir: warmCache}).Build(ctx, nil); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, cache string }{{"cache=cold", ""}, {"cache=warm", warmCache}} {
		b.Run(bc.name, func(b *testing.B) {
			var posts int
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dest := filepath.Join(b.TempDir(), fmt.Sprint("site", i))
				b.StartTimer()
				res, err := NewBuilder(Options{Source: dir, Theme: theme, Now: buildTime, StreamTo: dest, CacheDir: bc.cache}).Build(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				posts = res.Stats.Posts
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(posts), "µs/post")
		})
	}
}

// BenchmarkIncrementalEdit measures the preview's rebuild after one post's
// body changes.
func BenchmarkIncrementalEdit(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	bl := NewBuilder(Options{Source: dir, Theme: defaultTheme(b), Now: buildTime, Drafts: true, Future: true})
	if _, err := bl.Build(ctx, nil); err != nil {
		b.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "content", "posts"))
	if err != nil || len(entries) == 0 {
		b.Fatalf("no posts: %v", err)
	}
	name := entries[len(entries)/2].Name()
	rel := "content/posts/" + name
	path := filepath.Join(dir, rel)
	orig, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(path, orig, 0o644)
	b.ReportAllocs()
	cpu := processCPU(b)
	b.ResetTimer()
	defer func() { b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N)/1e6, "cpu-ms/op") }()
	for i := 0; i < b.N; i++ {
		edited := append(append([]byte(nil), orig...), fmt.Sprintf("\nEdit number %d.\n", i)...)
		if err := os.WriteFile(path, edited, 0o644); err != nil {
			b.Fatal(err)
		}
		res, err := bl.Build(ctx, []string{rel})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(res.Stats.Rendered), "pages-rendered")
		}
	}
}

// processCPU is the CPU time this process has used, user and system: a
// measure of a benchmark's work that other processes' load moves far less
// than wall time.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
