package markdown

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestKramdownGolden renders testdata/kramdown/*.md as a Jekyll site's
// bodies are rendered, with Options.Kramdown, through everything the
// Renderer adds (anchors, image sizes, highlighting, diagnostics).
func TestKramdownGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/kramdown/*.md")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata/kramdown/*.md inputs: %v", err)
	}
	r := New(Options{Image: testImage, Kramdown: true})
	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".md")
		t.Run(name, func(t *testing.T) {
			source, err := os.ReadFile(input)
			if err != nil {
				t.Fatal(err)
			}
			file := "_posts/" + name + ".md"
			out, ds := r.Render(Input{File: file, Source: source, FirstLine: 5})
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

// TestKramdownOnlyWhenAsked shows each kramdown construct read both ways:
// as CommonMark (the default, for weeknotes' own layout) it stays text or
// follows CommonMark's rules; with Options.Kramdown it takes effect.
func TestKramdownOnlyWhenAsked(t *testing.T) {
	tests := []struct {
		name, src            string
		commonMark, kramdown string // a piece of the HTML each way
	}{
		{"block attributes", "Quote.\n{: .pull-quote}\n", "{: .pull-quote}</p>", `<p class="pull-quote">Quote.</p>`},
		{"span attributes", "*a*{:.b}\n", "<em>a</em>{:.b}", `<em class="b">a</em>`},
		{"HTML with a blank line", "<div>\n  <p>a</p>\n\n    <p>b</p>\n</div>\n", "<pre tabindex=\"0\"><code>&lt;p&gt;b", "\n    <p>b</p>\n</div>"},
		{"markdown=1", "<div markdown=\"1\">\n*a*\n</div>\n", `<div markdown="1">`, "<div>\n<p><em>a</em></p>\n</div>"},
		{"comment", "{::comment}\nnot shown\n{:/comment}\n", "<p>{::comment}", "<!-- not shown -->"},
		{"abbreviation", "*[CSS]: Cascading Style Sheets\n\nCSS\n", "<p>*[CSS]", `<abbr title="Cascading Style Sheets">CSS</abbr>`},
		{"bare URL", "See https://example.org now.\n", `<a href="https://example.org">`, "<p>See https://example.org now.</p>"},
		{"table of contents", "* TOC\n{:toc}\n\n## One\n\n### Two\n", "{:toc}</li>", "<ul id=\"markdown-toc\">\n<li><a href=\"#one\" id=\"markdown-toc-one\">One</a>\n<ul>\n<li><a href=\"#two\" id=\"markdown-toc-two\">Two</a></li>"},
		{"typographic quotes and dashes", "It's \"here\" -- now...\n", "It's &quot;here&quot; -- now...", "It&rsquo;s &ldquo;here&rdquo; &ndash; now&hellip;"},
		{"code block attributes", "```\nx\n```\n{: .wide}\n", "<pre tabindex=\"0\"><code>x", `<pre class="wide" tabindex="0"><code>x`},
	}
	commonMark, kramdown := New(Options{}), New(Options{Kramdown: true})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRender(t, commonMark, tt.src); !bytes.Contains(got, []byte(tt.commonMark)) {
				t.Errorf("CommonMark: want %q in\n%s", tt.commonMark, got)
			}
			if got := mustRender(t, kramdown, tt.src); !bytes.Contains(got, []byte(tt.kramdown)) {
				t.Errorf("kramdown: want %q in\n%s", tt.kramdown, got)
			}
		})
	}
}

// BenchmarkRenderKramdown is BenchmarkRender's post read as kramdown, and
// the same post with kramdown's constructs in every section.
func BenchmarkRenderKramdown(b *testing.B) {
	var withIALs strings.Builder
	for i, section := range strings.SplitAfter(benchmarkPost(false), "## ") {
		withIALs.WriteString(section)
		if i > 0 {
			withIALs.WriteString("\n{: .section}\n\nA *note*{:.aside} on the <abbr>API</abbr> and the API.\n\n<div class=\"figure\">\n  <img src=\"/static/images/known.png\" alt=\"x\">\n\n  <p>caption</p>\n</div>\n\n## ")
		}
	}
	withIALs.WriteString("Last\n\n*[API]: Application Programming Interface\n")
	for _, post := range []struct{ name, src string }{{"prose", benchmarkPost(false)}, {"with-code", benchmarkPost(true)}, {"kramdown-syntax", withIALs.String()}} {
		b.Run(post.name, func(b *testing.B) {
			r := New(Options{Image: testImage, Kramdown: true})
			in := Input{File: "p.md", Source: []byte(post.src), FirstLine: 1}
			b.SetBytes(int64(len(in.Source)))
			b.ReportAllocs()
			for b.Loop() {
				r.Render(in)
			}
		})
	}
}

// FuzzRenderKramdown renders bodies as kramdown through the whole
// Renderer: nothing may panic, and diagnostics and headings keep the
// promises they keep for CommonMark.
func FuzzRenderKramdown(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/kramdown/*.md")
	for _, p := range inputs {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, 1)
		}
	}
	for _, s := range []string{
		"A\n{: .x}\n", "![a](/static/images/known.png){: width=\"3\"}", "<div markdown=\"1\">\n## h {#i}\n</div>\n",
		"{::comment}\n![](/x.png)\n{:/}\n", "*[A]: b\n\n## A", "- a\n\n  <p>\n\n    <img src=/n.png>\n  </p>\n",
		"```\nx\n```\n{: #i .c}\n", "<p markdown=span>\n*a*\n</p>", "## a\n{: #b}\n## c {#b}",
	} {
		f.Add([]byte(s), 3)
	}
	r := New(Options{Image: testImage, Kramdown: true})
	f.Fuzz(func(t *testing.T, source []byte, firstLine int) {
		if firstLine < -1000 || firstLine > 1_000_000 {
			return
		}
		out, ds := r.Render(Input{File: "f.md", Source: source, FirstLine: firstLine})
		start := max(firstLine, 1)
		last := start + bytes.Count(source, []byte{'\n'})
		for _, d := range ds {
			if d.Line < start || d.Line > last {
				t.Errorf("%s: line outside the body's lines %d..%d", d, start, last)
			}
		}
		for _, h := range out.Headings {
			if h.Level < 2 || h.Level > 4 || h.ID == "" {
				t.Errorf("heading %v", h)
			}
		}
		if out.WordCount < 0 {
			t.Errorf("WordCount = %d", out.WordCount)
		}
	})
}

// TestKramdownConcurrentRender renders kramdown bodies from many
// goroutines with one Renderer, as a build does: the extension's parsers
// keep their state in the parse's context, never in themselves.
func TestKramdownConcurrentRender(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/kramdown/*.md")
	cases, _ := filepath.Glob("kramdown/testdata/cases/*.md")
	r := New(Options{Image: testImage, Kramdown: true})
	var sources [][]byte
	var want []string
	for _, p := range append(inputs, cases...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("```")) {
			continue // highlighting is TestConcurrentRender's concern
		}
		out, _ := r.Render(Input{File: "p.md", Source: src, FirstLine: 1})
		sources, want = append(sources, src), append(want, out.HTML)
	}
	if len(sources) < 2 {
		t.Fatalf("only %d bodies", len(sources))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(sources)
				if got, _ := r.Render(Input{File: "p.md", Source: sources[k], FirstLine: 1}); got.HTML != want[k] {
					errs <- fmt.Sprintf("body %d rendered differently under concurrency", k)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
