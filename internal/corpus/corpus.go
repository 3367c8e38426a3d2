// Package corpus generates the benchmark corpus: a synthetic weeknotes
// blog of any size, the same bytes for the same size and seed.
//
// It has the shape of real weeknotes, so that benchmarks exercise what
// real sites make the engine do: one post a week back from Newest, each of
// 600-1,500 words with headings, lists, numbered lists, blockquotes,
// external links and images; about 40% with a fenced code block (Go,
// Python, Bash, YAML, JSON or Rego) and 10% with a table; about 30% linking
// to one or two earlier posts with {% post_url %}; 10% with no front matter
// at all (the title only as a leading "# heading"); and the series line in
// a folded "excerpt: >" ("Weeknotes S11E16 - 21 April 2017"), where season
// is the post's year within the corpus and episode its week within the
// year. About 30% carry a date with a time zone offset in their front
// matter, and 40% tags.
package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Newest is the date of the newest post of every corpus.
var Newest = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// Images is how many images the corpus has, static/images/img0.png to
// img19.png; posts show them at random.
const Images = 20

// Options say which corpus to make.
type Options struct {
	Posts int    // how many posts, one a week back from Newest
	Seed  uint64 // the same seed gives the same bytes
}

// Generate writes the corpus into dir, laid out as a weeknotes site:
// content/posts/YYYY-MM-DD-slug.md and static/images/imgN.png.
func Generate(dir string, o Options) error {
	return Walk(o, func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	})
}

// Walk calls fn with every file of the corpus, slash path and bytes, the
// images first and then the posts, oldest first. It stops at the first
// error fn returns.
func Walk(o Options, fn func(name string, data []byte) error) error {
	for k := range Images {
		if err := fn(fmt.Sprintf("static/images/img%d.png", k), pngOf(k)); err != nil {
			return err
		}
	}
	g := &gen{r: rand.New(rand.NewPCG(o.Seed, 0x5eed_c0de))}
	dates := make([]time.Time, o.Posts) // oldest first
	for i := range dates {
		dates[len(dates)-1-i] = Newest.AddDate(0, 0, -7*i)
	}
	episode := map[int]int{}
	var earlier []string
	for _, d := range dates {
		episode[d.Year()]++
		season := d.Year() - dates[0].Year() + 1
		name, doc := g.post(d, season, episode[d.Year()], earlier)
		if err := fn("content/posts/"+name+".md", doc); err != nil {
			return err
		}
		earlier = append(earlier, name)
	}
	return nil
}

// pngOf is image k: an 8x8 square of one colour.
func pngOf(k int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	c := color.NRGBA{uint8(k * 37 % 256), uint8(k * 91 % 256), uint8(k * 53 % 256), 255}
	for y := range 8 {
		for x := range 8 {
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image into a buffer cannot fail
	}
	return buf.Bytes()
}

// post makes one post: its name (date and slug) and its file.
func (g *gen) post(d time.Time, season, episode int, earlier []string) (string, []byte) {
	t := g.title()
	name := d.Format("2006-01-02") + "-" + slugify(t)
	text := g.body(earlier)
	var doc strings.Builder
	if g.r.Float64() < 0.1 { // no front matter at all
		fmt.Fprintf(&doc, "# %s\n\n%s", t, text)
		return name, []byte(doc.String())
	}
	fmt.Fprintf(&doc, "---\nlayout: post\ntitle: %q\n", t)
	if g.r.Float64() < 0.3 {
		// 08:00 local stays on the same day in UTC with every offset.
		fmt.Fprintf(&doc, "date: %s 08:00:00 %s\n", d.Format("2006-01-02"), choice(g, zones))
	}
	if g.r.Float64() < 0.4 {
		fmt.Fprintf(&doc, "tags: [%s]\n", strings.Join(g.sample(tags, g.between(1, 3)), ", "))
	}
	fmt.Fprintf(&doc, "excerpt: >\n  Weeknotes S%02dE%d - %d %s %d\n---\n", season, episode, d.Day(), d.Month(), d.Year())
	doc.WriteString(text)
	return name, []byte(doc.String())
}

// title is a post title such as "Quiet coffee, rain and bread".
func (g *gen) title() string {
	s := g.sample(nouns, 3)
	a, b, c := s[0], s[1], s[2]
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %s, %s and %s", capitalize(choice(g, adjectives)), a, b, c)
	case 1:
		return fmt.Sprintf("%s: %s and %s", capitalize(a), b, c)
	case 2:
		return fmt.Sprintf("A %s week of %s", choice(g, adjectives), a)
	}
	return fmt.Sprintf("On %s, %s and the %s", a, b, c)
}

// slugify makes a file name's slug from a title: its first six words,
// lower case, joined by hyphens.
func slugify(t string) string {
	words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return strings.Join(words[:min(6, len(words))], "-")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
