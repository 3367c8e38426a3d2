package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/weeknotes/weeknotes/internal/diag"
)

func FuzzRender(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/*.md")
	for _, p := range inputs {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, 1)
		}
	}
	for _, s := range []string{
		"",
		"```",
		"```\x00\n\x00",
		"## {#}\n## {id=1.5}\n## {.a #b c=d}",
		"![](",
		"![a](/x.png)[^1]\n\n[^1]: ![b](/y.png)",
		"| a |\n|---|\n| ![c](/t.png) |",
		"<div>\n<img src=x>\n",
		"```go\n\xff\xfe\n```",
		"```\"'<>&\nx\n```",
		"- [ ] ![](/a.png)\n\t- [x] ## h",
		"\r\n\r\n![z](/z.png)\r",
		"see www.example.org, ada@example.org and https://x.org/a_(b)",
		"foo](https://example.org) and *http://x.org*",
		"`http://code.example` [www.label.org](/x) <https://auto.example>",
		"first_name@example.com ~~ftp://x.org~~",
		"[a]: /x\n[b]: /y 'T'\ntext [a] [b]",
		"  [a]:\n  /x\n\n> [q]: /q\n> [q]",
		"text\n[a]: /x\n\n[a]",
		"\t[a]: /x\n\n    [b]: /y\n\n[a] [b]",
		"- [c]: /c\n\n[c]",
		"[^1]: note\n\n[x][^1]",
	} {
		f.Add([]byte(s), 3)
	}
	r := New(Options{Image: testImage})
	f.Fuzz(func(t *testing.T, source []byte, firstLine int) {
		if firstLine < -1000 || firstLine > 1_000_000 {
			return
		}
		out, ds := r.Render(Input{File: "f.md", Source: source, FirstLine: firstLine})
		// Parsing without autolinks first must never change the result.
		if want, _ := r.renderGFM(Input{File: "f.md", Source: source, FirstLine: firstLine}); !sameRendering(out, want) {
			t.Errorf("the autolink shortcut changed the output of %q:\n%+v\nwant\n%+v", source, out, want)
		}

		start := max(firstLine, 1)
		last := start + bytes.Count(source, []byte{'\n'})
		for _, d := range ds {
			if d.Line < start || d.Line > last {
				t.Errorf("%s: line outside the body's lines %d..%d", d, start, last)
			}
		}
		seen := map[string]bool{}
		for _, h := range out.Headings {
			if h.Level < 2 || h.Level > 4 {
				t.Errorf("heading %v outside h2..h4", h)
			}
			if h.ID == "" {
				t.Errorf("heading %v has no id", h)
			}
			seen[h.ID] = true
		}
		if utf8.ValidString(out.Text) && utf8.RuneCountInString(out.Text) > MaxTextRunes {
			t.Errorf("Text has %d runes", utf8.RuneCountInString(out.Text))
		}
		if out.WordCount < 0 {
			t.Errorf("WordCount = %d", out.WordCount)
		}
		if len(source) > 0 && len(out.HTML) == 0 && len(bytes.TrimSpace(source)) > 0 && !onlyDefinitions(source) {
			t.Errorf("no HTML for %q", source)
		}
	})
}

// onlyDefinitions reports whether a body could legitimately render to
// nothing: link reference definitions and empty footnotes produce no HTML.
func onlyDefinitions(source []byte) bool {
	return bytes.Contains(source, []byte("]:")) || bytes.HasPrefix(bytes.TrimSpace(source), []byte("<!--"))
}

// sameRendering compares two renderings of one body. goldmark with
// autolinks keeps the spaces before a hard line break ("a <br>") where
// without them it drops them, as CommonMark says ("a<br>"); browsers show
// both alike, so that difference alone does not count.
func sameRendering(a, b Output) bool {
	norm := func(o Output) Output {
		o.HTML = spaceBeforeBreak.ReplaceAllString(o.HTML, "<br>")
		o.Excerpt = spaceBeforeBreak.ReplaceAll(o.Excerpt, []byte("<br>"))
		return o
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

var spaceBeforeBreak = regexp.MustCompile(`[ \t]+<br>`)

// stockGFM is goldmark's own parser with the extensions New uses: no
// shortcut at all.
var stockGFM = goldmark.New(
	goldmark.WithExtensions(append(blockExtensions(), extension.Linkify)...),
	goldmark.WithParserOptions(parser.WithAttribute()),
).Parser()

// renderGFM renders a body the plain way, parsed by stockGFM, for
// comparison with Render's shortcuts: autolinks looked for only where text
// could hold one, link references only in paragraphs that start with "[".
func (r *Renderer) renderGFM(in Input) (Output, []diag.Diagnostic) {
	doc := stockGFM.Parse(text.NewReader(in.Source))
	return r.renderDoc(in, doc, r.analyse(in, doc, nil))
}

// FuzzContainerPrefix holds the pre-scan's reading of a line's block quote
// and list markers to what it must be: the rest is a suffix of the line,
// each marker counted took at least a byte, and reading is the same every
// time.
func FuzzContainerPrefix(f *testing.F) {
	for _, s := range []string{"- x", "> > - 1. x", "* * *", "10) [a](b)", ">>>", "-x", "\t+\t> ", "123456789. x", "1234567890. x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		depth, listItem, rest := containerPrefix(line)
		if !bytes.HasSuffix(line, rest) {
			t.Fatalf("rest %q is not a suffix of %q", rest, line)
		}
		if depth > len(line)-len(rest) {
			t.Fatalf("depth %d from a prefix of %d bytes", depth, len(line)-len(rest))
		}
		if listItem && depth == 0 {
			t.Fatal("a list item at depth 0")
		}
		d2, l2, r2 := containerPrefix(line)
		if d2 != depth || l2 != listItem || !bytes.Equal(r2, rest) {
			t.Fatal("not deterministic")
		}
		_ = checkLimits("p.md", 1, line, Limits{Bytes: 64, Depth: 2, Brackets: 2, Footnotes: 1})
	})
}
