package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/weeknotes/weeknotes/internal/diag"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.html from the current output")

// testImage stands in for the site's image lookup: two local images exist,
// every other local path is missing, and anything with a scheme is remote.
func testImage(src string) ImageInfo {
	if strings.Contains(src, "://") || strings.HasPrefix(src, "//") {
		return ImageInfo{}
	}
	switch src {
	case "/static/images/known.png":
		return ImageInfo{Local: true, Found: true, Width: 800, Height: 450}
	case "images/relative.png":
		return ImageInfo{Local: true, Found: true, Width: 40, Height: 30}
	case "/static/images/diagram.svg":
		// Found, but with no pixel size (a vector image).
		return ImageInfo{Local: true, Found: true}
	}
	return ImageInfo{Local: true}
}

// goldenText is the rendered HTML followed by everything else Render
// returns, in a comment, so one file shows a reviewer the whole result.
func goldenText(file string, out Output, ds []diag.Diagnostic) []byte {
	var b bytes.Buffer
	b.WriteString(out.HTML)
	b.WriteString("<!--\n")
	fmt.Fprintf(&b, "excerpt: %s\n", out.Excerpt)
	fmt.Fprintf(&b, "text: %s\n", out.Text)
	fmt.Fprintf(&b, "words: %d\n", out.WordCount)
	b.WriteString("headings:\n")
	for _, h := range out.Headings {
		fmt.Fprintf(&b, "  h%d #%s %q\n", h.Level, h.ID, h.Text)
	}
	b.WriteString("diagnostics:\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s: %s\n", d.Severity, d)
	}
	b.WriteString("-->\n")
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.md inputs")
	}
	r := New(Options{Image: testImage})
	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".md")
		t.Run(name, func(t *testing.T) {
			source, err := os.ReadFile(input)
			if err != nil {
				t.Fatal(err)
			}
			file := "content/posts/" + name + ".md"
			out, ds := r.Render(Input{File: file, Source: source, FirstLine: 1})
			got := goldenText(file, out, ds)
			goldenPath := strings.TrimSuffix(input, ".md") + ".golden.html"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update to accept):\n--- got\n%s\n--- want\n%s", goldenPath, got, want)
			}
		})
	}
}

func TestImageWarningLines(t *testing.T) {
	tests := []struct {
		name      string
		source    string
		firstLine int
		want      []string
	}{
		{
			name:      "first line of body",
			source:    "![gone](/static/images/a.png)\n",
			firstLine: 1,
			want:      []string{"p.md:1: image not found: /static/images/a.png"},
		},
		{
			name:      "body after front matter",
			source:    "Intro.\n\n![gone](/static/images/a.png)\n",
			firstLine: 7,
			want:      []string{"p.md:9: image not found: /static/images/a.png"},
		},
		{
			name:      "zero first line counts from one",
			source:    "\n\n![gone](/x.png)\n",
			firstLine: 0,
			want:      []string{"p.md:3: image not found: /x.png"},
		},
		{
			name:      "second line of a paragraph",
			source:    "Some text that wraps\nonto ![gone](/x.png) here.\n",
			firstLine: 10,
			want:      []string{"p.md:11: image not found: /x.png"},
		},
		{
			name:      "two on one line and one below",
			source:    "![](/x.png) ![b](/y.png)\n\n\n![c](/z.png)\n",
			firstLine: 3,
			want: []string{
				"p.md:3: image has no alt text",
				"p.md:3: image not found: /x.png",
				"p.md:3: image not found: /y.png",
				"p.md:6: image not found: /z.png",
			},
		},
		{
			name:      "inside list and blockquote",
			source:    "- item\n- ![in list](/l.png)\n\n> quoted\n>\n> ![in quote](/q.png)\n",
			firstLine: 2,
			want: []string{
				"p.md:3: image not found: /l.png",
				"p.md:7: image not found: /q.png",
			},
		},
		{
			name:      "inside a table cell",
			source:    "| a | b |\n|---|---|\n| x | ![cell](/t.png) |\n",
			firstLine: 1,
			want:      []string{"p.md:3: image not found: /t.png"},
		},
		{
			name:      "reference style reports the use not the definition",
			source:    "![ref][r]\n\n[r]: /r.png\n",
			firstLine: 5,
			want:      []string{"p.md:5: image not found: /r.png"},
		},
		{
			name:      "windows line endings",
			source:    "One.\r\n\r\nTwo.\r\n\r\n![gone](/w.png)\r\n",
			firstLine: 4,
			want:      []string{"p.md:8: image not found: /w.png"},
		},
		{
			name:      "inside a footnote",
			source:    "Text[^1].\n\n[^1]: See ![note image](/f.png)\n",
			firstLine: 1,
			want:      []string{"p.md:3: image not found: /f.png"},
		},
		{
			name:      "raw HTML images, inline and in a block",
			source:    "Text <img src=\"/x.png\"> here.\n\n<figure>\n<IMG SRC=\"/static/images/known.png\" alt=\"\">\n<img alt=\"gone\" src=\"/y.png\">\n</figure>\n",
			firstLine: 5,
			want: []string{
				"p.md:5: image has no alt attribute",
				"p.md:5: image not found: /x.png",
				"p.md:9: image not found: /y.png",
			},
		},
		{
			name:      "raw HTML images that are remote or in code are quiet",
			source:    "<img src=\"https://example.org/a.png\" alt=\"a\">\n\n`<img src=\"/x.png\">`\n\n    <img src=\"/y.png\">\n",
			firstLine: 1,
			want:      nil,
		},
		{
			name:      "found and remote images are quiet",
			source:    "![ok](/static/images/known.png)\n![remote](https://example.org/x.png)\n",
			firstLine: 1,
			want:      nil,
		},
	}
	r := New(Options{Image: testImage})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: tt.firstLine})
			var got []string
			for _, d := range ds {
				if d.Severity != diag.Warning {
					t.Errorf("%s: severity %s, want warning", d, d.Severity)
				}
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestImageAttributes(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   string
	}{
		{
			name:   "local image gets its size",
			source: "![A chart](/static/images/known.png)",
			want:   `<img src="/static/images/known.png" alt="A chart" width="800" height="450" loading="lazy" decoding="async">`,
		},
		{
			name:   "unknown size is left to the browser",
			source: "![A diagram](/static/images/diagram.svg)",
			want:   `<img src="/static/images/diagram.svg" alt="A diagram" loading="lazy" decoding="async">`,
		},
		{
			name:   "remote image has no size",
			source: `![A photo](https://example.org/p.jpg "Title")`,
			want:   `<img src="https://example.org/p.jpg" alt="A photo" title="Title" loading="lazy" decoding="async">`,
		},
		{
			name:   "alt text is escaped plain text",
			source: `![A "quoted" *word* & more](https://example.org/p.jpg)`,
			want:   `alt="A &quot;quoted&quot; word &amp; more"`,
		},
	}
	r := New(Options{Image: testImage})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: 1})
			if !strings.Contains(out.HTML, tt.want) {
				t.Errorf("HTML %s\ndoes not contain %s", out.HTML, tt.want)
			}
		})
	}
}

func TestNilImageFuncTreatsImagesAsRemote(t *testing.T) {
	out, ds := New(Options{}).Render(Input{File: "p.md", Source: []byte("![x](/static/images/a.png)"), FirstLine: 1})
	if len(ds) != 0 {
		t.Errorf("diagnostics %v, want none", ds)
	}
	if strings.Contains(out.HTML, "width=") {
		t.Errorf("HTML %s has a width without an image lookup", out.HTML)
	}
}

func TestHeadingIDs(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   []Heading
	}{
		{
			name:   "duplicates are numbered in order",
			source: "## Outside work\n\n## Outside work\n\n### Outside work\n",
			want: []Heading{
				{2, "outside-work", "Outside work"},
				{2, "outside-work-1", "Outside work"},
				{3, "outside-work-2", "Outside work"},
			},
		},
		{
			name:   "a generated suffix skips an id already taken",
			source: "## A\n\n## A-1\n\n## A\n",
			want: []Heading{
				{2, "a", "A"},
				{2, "a-1", "A-1"},
				{2, "a-2", "A"},
			},
		},
		{
			name:   "explicit ids win over earlier generated ones",
			source: "## Plans\n\n## Other {#plans}\n",
			want: []Heading{
				{2, "plans-1", "Plans"},
				{2, "plans", "Other"},
			},
		},
		{
			name:   "markup is not part of the id",
			source: "## Read [the *docs*](https://example.org/docs) `now`\n",
			want:   []Heading{{2, "read-the-docs-now", "Read the docs now"}},
		},
		{
			name:   "letters beyond ASCII are kept",
			source: "## Ça marche — très bien\n",
			want:   []Heading{{2, "ça-marche--très-bien", "Ça marche — très bien"}},
		},
		{
			name:   "h1, h5 and h6 get ids but stay out of the contents",
			source: "# One\n\n##### Five\n\n###### Six\n\n#### Four\n",
			want:   []Heading{{4, "four", "Four"}},
		},
		{
			name:   "punctuation only",
			source: "## ???\n\n## ???\n",
			want: []Heading{
				{2, "section", "???"},
				{2, "section-1", "???"},
			},
		},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: 1})
			if fmt.Sprint(out.Headings) != fmt.Sprint(tt.want) {
				t.Errorf("headings\n got %v\nwant %v", out.Headings, tt.want)
			}
		})
	}
}

func TestHeadingAnchor(t *testing.T) {
	out, _ := New(Options{}).Render(Input{File: "p.md", Source: []byte("## Outside work\n\n# Title\n"), FirstLine: 1})
	want := `<h2 id="outside-work">Outside work <a class="anchor" href="#outside-work" aria-label="Anchor link for: outside-work">#</a></h2>` + "\n" +
		`<h1 id="title">Title</h1>` + "\n"
	if out.HTML != want {
		t.Errorf("HTML\n got %s\nwant %s", out.HTML, want)
	}
}

func TestDuplicateExplicitHeadingID(t *testing.T) {
	_, ds := New(Options{}).Render(Input{File: "p.md", Source: []byte("## A {#x}\n\n## B {#x}\n"), FirstLine: 4})
	want := `p.md:6: duplicate heading id "x"`
	if len(ds) != 1 || ds[0].String() != want {
		t.Errorf("diagnostics %v, want [%s]", ds, want)
	}
}

func TestWordCount(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   int
	}{
		{"empty", "", 0},
		{"plain", "one two  three\nfour", 4},
		{"emphasis inside a word is one word", "un*believ*able", 1},
		{"punctuation alone is not a word", "wait — what ... ?", 2},
		{"contractions and hyphens", "don't over-think it", 3},
		{"blocks separate words", "# Title\nbody\n\n- a\n- b", 4},
		{"code blocks are not counted", "before\n\n```go\nfunc main() { println(1) }\n```\n\n    indented code here\n\nafter", 2},
		{"inline code counts", "run `go test` now", 4},
		{"link text counts, URL does not", "see [the docs](https://example.org/a/b/c)", 3},
		{"autolink is one word", "see https://example.org/a/b", 2},
		{"image alt text is not counted", "![a long description of a picture](/x.png) caption", 1},
		{"raw HTML tags are not words", "<div class=\"note\">\nthree words here\n</div>", 3},
		{"inline HTML separates", "a<br>b", 2},
		{"entities resolve", "Tom &amp; Jerry", 2},
		{"table cells", "| a | b |\n|---|---|\n| c | d |", 4},
		{"Han characters count one each", "我爱猫 and dogs", 5},
		{"footnote text counts", "Text[^1].\n\n[^1]: two more", 3},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: 1})
			if out.WordCount != tt.want {
				t.Errorf("WordCount = %d, want %d", out.WordCount, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name        string
		source      string
		wantExcerpt string
		wantText    string
	}{
		{
			name:        "first paragraph only",
			source:      "Hello *world*.\n\nSecond.",
			wantExcerpt: "Hello <em>world</em>.",
			wantText:    "Hello world.",
		},
		{
			name:        "skips headings, images and quotes before it",
			source:      "## Heading\n\n![pic](https://example.org/a.png)\n\n> quoted\n\nThe real start.",
			wantExcerpt: "The real start.",
			wantText:    "The real start.",
		},
		{
			name:        "falls back to a nested paragraph",
			source:      "> Only a quotation\n> here.",
			wantExcerpt: "Only a quotation\nhere.",
			wantText:    "Only a quotation here.",
		},
		{
			name:        "footnote references are dropped",
			source:      "Claim[^1] made.\n\n[^1]: Source.",
			wantExcerpt: "Claim made.",
			wantText:    "Claim made.",
		},
		{
			name:        "escapes and entities become plain text",
			source:      `Fish \& chips &amp; "peas" &lt;b&gt;`,
			wantExcerpt: `Fish &amp; chips &amp; &quot;peas&quot; &lt;b&gt;`,
			wantText:    `Fish & chips & "peas" <b>`,
		},
		{
			name:        "no paragraph at all",
			source:      "## Just a heading\n\n- a list",
			wantExcerpt: "",
			wantText:    "",
		},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: 1})
			if string(out.Excerpt) != tt.wantExcerpt {
				t.Errorf("Excerpt = %q, want %q", out.Excerpt, tt.wantExcerpt)
			}
			if out.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", out.Text, tt.wantText)
			}
		})
	}
}

func TestExcerptLeavesBodyFootnotes(t *testing.T) {
	out, _ := New(Options{}).Render(Input{File: "p.md", Source: []byte("Claim[^1].\n\n[^1]: Source."), FirstLine: 1})
	if !strings.Contains(out.HTML, `href="#fn:1"`) {
		t.Errorf("body lost its footnote reference: %s", out.HTML)
	}
}

func TestTruncateText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "a few words", 20, "a few words"},
		{"exactly the limit", "abcde fghij", 11, "abcde fghij"},
		{"cut on a word boundary", "alpha beta gamma delta", 14, "alpha beta…"},
		{"trailing punctuation dropped", "alpha, beta gamma", 10, "alpha…"},
		{"one long word", "abcdefghijklmnop", 6, "abcde…"},
		{"white space collapsed first", "  a \n\t b  ", 10, "a b"},
		{"multi-byte runes counted as one", "éééé éééé éééé", 10, "éééé éééé…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncateText(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("truncateText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("result has %d runes, more than %d", n, tt.max)
			}
		})
	}
}

func TestCodeBlocks(t *testing.T) {
	tests := []struct {
		name    string
		source  string
		want    []string
		notWant []string
	}{
		{
			name:    "known language is highlighted with classes",
			source:  "```go\nfunc main() {}\n```\n",
			want:    []string{`<pre class="chroma" tabindex="0"><code class="language-go" data-lang="go">`, `<span class="kd">func</span>`},
			notWant: []string{"style="},
		},
		{
			name:   "no language is plain",
			source: "```\na < b\n```\n",
			want:   []string{"<pre tabindex=\"0\"><code>a &lt; b\n</code></pre>"},
		},
		{
			name:    "unknown language is plain but keeps its class",
			source:  "```mermaid-ish\na --> b\n```\n",
			want:    []string{`<pre tabindex="0"><code class="language-mermaid-ish">a --&gt; b` + "\n</code></pre>"},
			notWant: []string{"chroma"},
		},
		{
			name:    "language name is escaped",
			source:  "```a\"onmouseover=\"x\ny\n```\n",
			want:    []string{`class="language-a&quot;onmouseover=&quot;x"`},
			notWant: []string{`"onmouseover="`},
		},
		{
			name:   "highlighted code is escaped",
			source: "```html\n<b>&amp;</b>\n```\n",
			want:   []string{"&lt;", "&amp;amp;"},
		},
		{
			name:   "empty fenced block",
			source: "```go\n```\n",
			want:   []string{`<code class="language-go"`, "</code></pre>"},
		},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := r.Render(Input{File: "p.md", Source: []byte(tt.source), FirstLine: 1})
			for _, w := range tt.want {
				if !strings.Contains(out.HTML, w) {
					t.Errorf("HTML %s\ndoes not contain %s", out.HTML, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.HTML, w) {
					t.Errorf("HTML %s\ncontains %s", out.HTML, w)
				}
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Outside work", "outside-work"},
		{"What's new? (2021)", "whats-new-2021"},
		{"snake_case and kebab-case", "snake_case-and-kebab-case"},
		{"Two  spaces", "two--spaces"},
		{"Ünïcödé 日本", "ünïcödé-日本"},
		{"", "section"},
		{"!!!", "section"},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestConcurrentRender renders the same bodies from many goroutines at once;
// with -race it proves the shared pipeline holds no per-render state, and
// the comparison proves pooled buffers do not leak between renders.
func TestConcurrentRender(t *testing.T) {
	r := New(Options{Image: testImage})
	sources := []string{
		benchmarkPost(false),
		benchmarkPost(true),
		"## A\n\n## A\n\n![](/static/images/missing.png)\n",
	}
	want := make([]Output, len(sources))
	for i, s := range sources {
		want[i], _ = r.Render(Input{File: "p.md", Source: []byte(s), FirstLine: 1})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				k := (g + i) % len(sources)
				got, _ := r.Render(Input{File: "p.md", Source: []byte(sources[k]), FirstLine: 1})
				if got.HTML != want[k].HTML || !bytes.Equal(got.Excerpt, want[k].Excerpt) {
					errs <- fmt.Sprintf("source %d rendered differently under concurrency", k)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestSkipExcerpt(t *testing.T) {
	src := []byte("Hello *world*[^1].\n\nSecond.\n\n[^1]: Note.")
	r := New(Options{})
	full, _ := r.Render(Input{File: "p.md", Source: src, FirstLine: 1})
	skipped, _ := r.Render(Input{File: "p.md", Source: src, FirstLine: 1, SkipExcerpt: true})
	if len(skipped.Excerpt) != 0 || skipped.Text != "" {
		t.Errorf("SkipExcerpt rendered an excerpt: %q, text %q", skipped.Excerpt, skipped.Text)
	}
	if full.HTML != skipped.HTML || full.WordCount != skipped.WordCount {
		t.Errorf("SkipExcerpt changed the body:\n%s\nwant\n%s", skipped.HTML, full.HTML)
	}
}

// TestAutolinkShortcut checks that parsing without GFM's autolinks first,
// and with them only where text could hold a bare URL or address, and
// looking for link references only in paragraphs that start with "[",
// renders exactly what goldmark's own GFM parser does: on tricky cases,
// this repository's posts, and the benchmark corpus when WEEKNOTES_CORPUS
// names one.
func TestAutolinkShortcut(t *testing.T) {
	bodies := map[string][]byte{
		"bare URLs":          []byte("Go to www.example.org or https://example.org/a?b=c, mail ada@example.org.\n"),
		"only destinations":  []byte("A [link](https://example.org) and <https://auto.example.org> and\n\n[ref]: http://ref.example.org\n"),
		"broken link syntax": []byte("text](https://example.org) and (http://x.org)\n"),
		"code":               []byte("`https://code.example` and\n\n```\nwww.block.example\n```\n"),
		"emphasis":           []byte("*http://x.org* _www.y.org_ ~~ftp://z.org~~ first_name@example.com\n"),
		"label":              []byte("[www.label.example](/x)\n"),
		"html":               []byte("<div>https://html.example</div>\n\nand <a href=\"http://x\">x</a>\n"),
		"mention":            []byte("Thanks @ada for the review.\n"),
		"references":         []byte("[a]: /x\n[b]: <http://y> \"T\"\ntext [a], [b] and [c]\n\n   [c]: /c\n"),
		"reference later":    []byte("text\n[a]: /x\n\n[a]\n"),
		"indented reference": []byte("\t[a]: /x\n\n    [b]: /y\n\n[a] [b]\n"),
		"nested references":  []byte("> [q]: /q\n> [q]\n\n- [l]: /l\n\n  [l]\n"),
	}
	for _, glob := range []string{"../../content/posts/*.md", os.Getenv("WEEKNOTES_CORPUS") + "/content/posts/*.md"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				bodies[p] = b
			}
		}
	}
	r := New(Options{Image: testImage})
	for name, src := range bodies {
		in := Input{File: "p.md", Source: src, FirstLine: 1}
		got, _ := r.Render(in)
		want, _ := r.renderGFM(in)
		if !sameRendering(got, want) {
			t.Errorf("%s: output differs from GFM's:\n%s\nwant\n%s", name, got.HTML, want.HTML)
		}
	}
	if !bytes.Contains(mustRender(t, r, "Go to www.example.org now."), []byte(`<a href="http://www.example.org">www.example.org</a>`)) {
		t.Error("a bare www. URL is not linked")
	}
	if !bytes.Contains(mustRender(t, r, "  [a]: /x\n\nSee [a]."), []byte(`<a href="/x">a</a>`)) {
		t.Error("an indented link reference definition is not used")
	}
}

func mustRender(t *testing.T, r *Renderer, src string) []byte {
	t.Helper()
	out, _ := r.Render(Input{File: "p.md", Source: []byte(src), FirstLine: 1})
	return []byte(out.HTML)
}
