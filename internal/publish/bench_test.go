package publish

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"gocloud.dev/blob"
)

// largeSite is a built site the size of a blog with 5,000 posts: post pages
// of about 15 kB, home pagination, tag, series and date archive pages,
// feeds and 20 images, about 16,000 files in all.
func largeSite(dir string) (files int, err error) {
	rng := rand.New(rand.NewPCG(5000, 16000))
	words := strings.Fields("weeknotes garden build deploy reading cycling team meeting review coffee rain migration service podcast")
	paragraph := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		return b.String()
	}
	write := func(key string, content string) error {
		files++
		p := dir + "/" + key
		if err := os.MkdirAll(p[:strings.LastIndexByte(p, '/')], 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	page := func(title string, size int) string {
		return "<!doctype html><title>" + title + "</title><main><h1>" + title + "</h1><p>" + paragraph(size) + "</p></main>"
	}
	for i := range 5000 {
		day := 1 + i%28
		if err := write(fmt.Sprintf("%d/%02d/%02d/post-%d/index.html", 2010+i/365, 1+i/28%12, day, i), page(fmt.Sprintf("Post %d", i), 15000)); err != nil {
			return files, err
		}
	}
	for i := range 500 {
		key := "index.html"
		if i > 0 {
			key = fmt.Sprintf("page/%d/index.html", i+1)
		}
		if err := write(key, page("Home", 4000)); err != nil {
			return files, err
		}
	}
	for i := range 9200 {
		if err := write(fmt.Sprintf("tags/tag-%d/index.html", i), page("Tag", 2000)); err != nil {
			return files, err
		}
	}
	for i := range 1000 {
		if err := write(fmt.Sprintf("series/series-%d/index.html", i), page("Series", 2000)); err != nil {
			return files, err
		}
		if i < 100 {
			if err := write(fmt.Sprintf("series/series-%d/feed.xml", i), "<feed>"+paragraph(5000)+"</feed>"); err != nil {
				return files, err
			}
		}
	}
	for year := 2010; year < 2024; year++ {
		if err := write(fmt.Sprintf("%d/index.html", year), page("Year", 3000)); err != nil {
			return files, err
		}
		for month := 1; month <= 12; month++ {
			if err := write(fmt.Sprintf("%d/%02d/index.html", year, month), page("Month", 2000)); err != nil {
				return files, err
			}
		}
	}
	for i := range 20 {
		image := make([]byte, 100_000)
		for j := range image {
			image[j] = byte(rng.Uint32())
		}
		if err := write(fmt.Sprintf("static/images/photo-%d.jpg", i), string(image)); err != nil {
			return files, err
		}
	}
	for _, key := range []string{"feed.xml", "sitemap.xml", "robots.txt", "404.html", "archive/index.html", "tags/index.html", "series/index.html", "assets/style.css", "assets/site.js"} {
		if err := write(key, paragraph(20000)); err != nil {
			return files, err
		}
	}
	return files, nil
}

var largeSitePublished struct {
	once   sync.Once
	dir    string
	bucket *blob.Bucket
	files  int
	err    error
}

// BenchmarkNoChangePublish times a publish of a 5,000-post site that is
// already online as it is: the common case of publishing from CI after a
// build that changed nothing.
func BenchmarkNoChangePublish(b *testing.B) {
	requireS3(b)
	ctx := context.Background()
	s := &largeSitePublished
	s.once.Do(func() {
		if s.dir, s.err = os.MkdirTemp("", "weeknotes-large-site-"); s.err != nil {
			return
		}
		afterTests = append(afterTests, func() { os.RemoveAll(s.dir) })
		if s.files, s.err = largeSite(s.dir); s.err != nil {
			return
		}
		name := fmt.Sprintf("bench-%d", bucketCount.Add(1))
		if s.err = os.Mkdir(sharedS3.dir+"/"+name, 0o755); s.err != nil {
			return
		}
		target, err := ParseTarget(sharedS3.url(name))
		if err != nil {
			s.err = err
			return
		}
		if s.bucket, s.err = target.Open(ctx); s.err != nil {
			return
		}
		p, err := NewPlan(ctx, os.DirFS(s.dir), s.bucket, PlanOptions{})
		if err != nil {
			s.err = err
			return
		}
		_, s.err = p.Apply(ctx, s.bucket, ApplyOptions{Workers: 16})
	})
	if s.err != nil {
		b.Fatalf("publish the large site: %v", s.err)
	}
	for b.Loop() {
		p, err := NewPlan(ctx, os.DirFS(s.dir), s.bucket, PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Uploads)+len(p.Deletes) != 0 || p.Unchanged != s.files || p.MetadataReads != 0 {
			b.Fatalf("no-change publish: %s, %d metadata reads", p.Summary(), p.MetadataReads)
		}
		report, err := p.Apply(ctx, s.bucket, ApplyOptions{})
		if err != nil || report.Uploaded != 0 {
			b.Fatalf("no-change publish: %v, %+v", err, report)
		}
	}
	b.ReportMetric(float64(s.files), "files")
}
