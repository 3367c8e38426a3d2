package kramdown

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var update = flag.Bool("update", false, "rewrite the golden files testdata/cases/*.golden.html")

// deliberate names the cases whose output differs from kramdown's on
// purpose, and why. Their golden files still pin what this package writes.
var deliberate = map[string]string{
	"unclosed": "an HTML element without its end tag ends at a blank line, as in CommonMark; kramdown takes the rest of the post into it",
	"code-ial": "code is highlighted by the site's renderer, not wrapped in Rouge's <div class=highlighter-rouge>",
}

// newMarkdown is the Markdown that Jekyll's kramdown is compared with:
// what kramdown reads besides this extension (tables, footnotes,
// definition lists), heading attributes ({#id}, as in kramdown), heading
// ids made from their text (as kramdown's, for simple text) and raw
// HTML passed through.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Footnote, extension.DefinitionList, extension.Typographer, Extension),
		goldmark.WithParserOptions(parser.WithAttribute(), parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
}

func convert(t testing.TB, src []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := newMarkdown().Convert(src, &out); err != nil {
		t.Fatalf("converting: %v", err)
	}
	return out.Bytes()
}

// TestCases renders every testdata/cases/NAME.md, compares it with
// NAME.golden.html, and compares its markup with NAME.kramdown.html, which
// Jekyll wrote (testdata/kramdown.sh, or make jekyll-expected).
func TestCases(t *testing.T) {
	sources, err := filepath.Glob("testdata/cases/*.md")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, source := range sources {
		name := strings.TrimSuffix(filepath.Base(source), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(source)
			if err != nil {
				t.Fatal(err)
			}
			got := convert(t, src)
			checkGolden(t, strings.TrimSuffix(source, ".md")+".golden.html", got)
			want, err := os.ReadFile(strings.TrimSuffix(source, ".md") + ".kramdown.html")
			if err != nil {
				t.Fatalf("kramdown's output: %v (run testdata/kramdown.sh)", err)
			}
			g, w := normalise(t, got), normalise(t, want)
			if why, ok := deliberate[name]; ok {
				if g == w {
					t.Errorf("listed as differing from kramdown (%s), but matches it", why)
				}
				return
			}
			if g != w {
				t.Errorf("differs from kramdown\n got: %s\nwant: %s", g, w)
			}
		})
	}
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\n got:\n%s\nwant:\n%s", file, got, want)
	}
}

// normalise writes HTML as a canonical outline, so that kramdown's layout
// (indentation, "<img />", attribute order) does not count as a
// difference: elements with sorted attributes, text with runs of space
// collapsed, and no text that is only space. The classes that Jekyll's
// Rouge gives every code span are dropped: they are not kramdown's syntax.
func normalise(t *testing.T, b []byte) string {
	t.Helper()
	body := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(b), body)
	if err != nil {
		t.Fatalf("parsing HTML: %v", err)
	}
	var out strings.Builder
	for _, n := range nodes {
		outline(&out, n)
	}
	return out.String()
}

func outline(out *strings.Builder, n *xhtml.Node) {
	switch n.Type {
	case xhtml.TextNode:
		if s := strings.Join(strings.Fields(n.Data), " "); s != "" {
			out.WriteString(s + " ")
		}
	case xhtml.CommentNode:
		out.WriteString("<!--" + strings.Join(strings.Fields(n.Data), " ") + "--> ")
	case xhtml.ElementNode:
		attrs := make([]string, 0, len(n.Attr))
		for _, a := range n.Attr {
			if a.Key == "class" && n.Data == "code" {
				a.Val = strings.Join(slices.DeleteFunc(strings.Fields(a.Val), func(c string) bool {
					return c == "highlighter-rouge" || c == "language-plaintext"
				}), " ")
				if a.Val == "" {
					continue
				}
			}
			attrs = append(attrs, a.Key+"="+a.Val)
		}
		slices.Sort(attrs)
		out.WriteString("<" + n.Data)
		for _, a := range attrs {
			out.WriteString(" " + a)
		}
		out.WriteString("> ")
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			outline(out, c)
		}
		out.WriteString("</" + n.Data + "> ")
	}
}
