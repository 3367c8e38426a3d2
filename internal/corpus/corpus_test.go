package corpus

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/series"
)

// walk returns the corpus as a map and its files' names in order.
func walk(t *testing.T, o Options) (map[string][]byte, []string) {
	t.Helper()
	files := map[string][]byte{}
	var order []string
	err := Walk(o, func(name string, data []byte) error {
		if _, dup := files[name]; dup {
			return fmt.Errorf("%s twice", name)
		}
		files[name] = bytes.Clone(data)
		order = append(order, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, order
}

func digest(files map[string][]byte, order []string) string {
	h := sha256.New()
	for _, n := range order {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	a, ao := walk(t, Options{Posts: 150, Seed: 1})
	b, bo := walk(t, Options{Posts: 150, Seed: 1})
	c, co := walk(t, Options{Posts: 150, Seed: 2})
	if digest(a, ao) != digest(b, bo) {
		t.Error("two corpora of the same size and seed differ")
	}
	if digest(a, ao) == digest(c, co) {
		t.Error("seeds 1 and 2 gave the same corpus")
	}
	if len(a) != 150+Images {
		t.Errorf("%d files, want %d posts and %d images", len(a), 150, Images)
	}
}

var (
	postNameRE = regexp.MustCompile(`^content/posts/(\d{4}-\d{2}-\d{2})-[a-z0-9-]+\.md$`)
	postURLRE  = regexp.MustCompile(`\{% post_url ([^ ]+) %\}`)
	imageRE    = regexp.MustCompile(`!\[[^\]]+\]\(/(static/images/img\d+\.png)\)`)
	fenceRE    = regexp.MustCompile("(?m)^```([a-z]+)$")
	excerptRE  = regexp.MustCompile("(?m)^excerpt: >\n  (Weeknotes S\\d+E\\d+ - .*)$")
)

// shape counts what the corpus's posts hold.
type shape struct {
	posts, noFrontMatter, withCode, withTable, withPostURL, withImage int
	languages                                                         map[string]int
}

// TestShape checks that a corpus has what the benchmarks rely on: weekly
// posts up to Newest, series lines in folded excerpts that parse, code in
// every language, tables, images that exist, post_url links to earlier
// posts, and posts without front matter, each in about its share.
func TestShape(t *testing.T) {
	const n = 500 // enough for each share to show; more is slow under -race
	files, order := walk(t, Options{Posts: n, Seed: 1})
	s := shape{languages: map[string]int{}}
	var prev time.Time
	seen := map[string]bool{}
	for _, name := range order[Images:] {
		m := postNameRE.FindStringSubmatch(name)
		if m == nil {
			t.Fatalf("%s: not a dated post name", name)
		}
		date, _ := time.Parse("2006-01-02", m[1])
		if !prev.IsZero() && date.Sub(prev) != 7*24*time.Hour {
			t.Errorf("%s: %v after the previous post, want a week", name, date.Sub(prev))
		}
		prev = date
		s.count(t, name, string(files[name]), files, seen)
		seen[strings.TrimSuffix(path.Base(name), ".md")] = true
	}
	if !prev.Equal(Newest) {
		t.Errorf("newest post dated %v, want %v", prev, Newest)
	}
	for _, c := range []struct {
		what     string
		got      int
		min, max int // per 1,000 posts
	}{
		{"posts without front matter", s.noFrontMatter, 60, 140},
		{"posts with code", s.withCode, 330, 470},
		{"posts with a table", s.withTable, 60, 140},
		{"posts with post_url", s.withPostURL, 230, 370},
		{"posts with an image", s.withImage, 400, 1000},
	} {
		if lo, hi := c.min*n/1000, c.max*n/1000; c.got < lo || c.got > hi {
			t.Errorf("%s: %d of %d, want %d to %d", c.what, c.got, n, lo, hi)
		}
	}
	for _, lang := range languages {
		if s.languages[lang] < 30*n/1000 {
			t.Errorf("%d code blocks in %s, want at least %d", s.languages[lang], lang, 30*n/1000)
		}
	}
}

// count adds one post to the shape, checking what it refers to.
func (s *shape) count(t *testing.T, name, doc string, files map[string][]byte, earlier map[string]bool) {
	t.Helper()
	s.posts++
	if strings.HasPrefix(doc, "---\n") {
		m := excerptRE.FindStringSubmatch(doc)
		if m == nil {
			t.Errorf("%s: no series line in a folded excerpt", name)
		} else if mk, ok := series.Parse(m[1]); !ok || mk.Season < 1 || mk.Episode < 1 {
			t.Errorf("%s: series line %q parses as %+v, %v", name, m[1], mk, ok)
		}
	} else {
		s.noFrontMatter++
		if !strings.HasPrefix(doc, "# ") {
			t.Errorf("%s: no front matter and no leading heading", name)
		}
	}
	if fences := fenceRE.FindAllStringSubmatch(doc, -1); len(fences) > 0 {
		s.withCode++
		s.languages[fences[0][1]]++
	}
	if strings.Contains(doc, "\n|---|") {
		s.withTable++
	}
	if links := postURLRE.FindAllStringSubmatch(doc, -1); len(links) > 0 {
		s.withPostURL++
		for _, l := range links {
			if !earlier[l[1]] {
				t.Errorf("%s: post_url %s is not an earlier post", name, l[1])
			}
		}
	}
	if imgs := imageRE.FindAllStringSubmatch(doc, -1); len(imgs) > 0 {
		s.withImage++
		for _, m := range imgs {
			if files[m[1]] == nil {
				t.Errorf("%s: image %s is not in the corpus", name, m[1])
			}
		}
	}
	if strings.Contains(doc, "{{") {
		t.Errorf("%s: holds {{, which Liquid would read", name)
	}
}
