package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	benchcorpus "github.com/weeknotes/weeknotes/internal/corpus"
	"github.com/weeknotes/weeknotes/internal/site"
)

// corpus generates the benchmark corpus of n posts, laid out as a
// weeknotes site.
func corpus(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "site")
	if err := benchcorpus.Generate(dir, benchcorpus.Options{Posts: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	writeFile(b, dir, "weeknotes.yaml", "title: Benchmark\nurl: https://example.org\n")
	return dir
}

// BenchmarkSaveToReload measures what an author waits for: from writing a
// post to an open page being told to reload. The post edited is the
// newest, as it is when writing this week's note, so the home page and
// feeds are rebuilt too. The "builder=instant" case has a builder that
// takes no time, which leaves what the server itself adds: the file event,
// the debounce and the event stream.
func BenchmarkSaveToReload(b *testing.B) {
	b.Run("builder=instant", func(b *testing.B) {
		dir := b.TempDir()
		writeFile(b, dir, "content/posts/a.md", "a")
		measureSaveToReload(b, dir, filepath.Join(dir, "content", "posts", "a.md"), instantBuilder{})
	})
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			dir := corpus(b, n)
			posts, err := filepath.Glob(filepath.Join(dir, "content", "posts", "*.md"))
			if err != nil || len(posts) == 0 {
				b.Fatalf("no posts: %v", err)
			}
			slices.Sort(posts)
			measureSaveToReload(b, dir, posts[len(posts)-1], newSiteBuilder(b, dir))
		})
	}
}

func measureSaveToReload(b *testing.B, dir, post string, builder Builder) {
	r := startServerDebounced(b, dir, builder, DefaultDebounce)
	if status, _ := r.get(b, "/"); status != 200 {
		b.Fatalf("the site does not build: GET / = %d\n%s", status, r.log.String())
	}
	events, _ := r.listen(b)
	original, err := os.ReadFile(post)
	if err != nil {
		b.Fatal(err)
	}
	var waits []time.Duration
	for i := 0; b.Loop(); i++ {
		edited := fmt.Appendf(slices.Clip(original), "\nEdited %d times.\n", i+1)
		start := time.Now()
		if err := os.WriteFile(post, edited, 0o644); err != nil {
			b.Fatal(err)
		}
		ev := events.expect(b, eventReload, time.Minute)
		waits = append(waits, ev.At.Sub(start))
	}
	slices.Sort(waits)
	ms := func(q float64) float64 {
		return float64(waits[int(q*float64(len(waits)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.9), "p90-ms")
}

// instantBuilder builds in no time, and every build changes the home page.
type instantBuilder struct{}

func (instantBuilder) Build(context.Context, []string) (*site.Result, error) {
	page := &site.File{Data: []byte("<!doctype html><body>home</body>")}
	return &site.Result{
		Output:  &site.Output{Files: map[string]*site.File{"index.html": page}},
		Changed: []string{"index.html"},
		Stats:   site.Stats{Pages: 1, Rendered: 1},
	}, nil
}
