package kramdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

// hostileBodies are bodies built to make a careless parser quadratic: each
// repeats a start whose end never comes.
var hostileBodies = map[string]string{
	"unclosed-divs":        strings.Repeat("<div>\n\n", 20000),
	"nested-unclosed-divs": strings.Repeat("<div>\n", 20000),
	"unclosed-comments":    strings.Repeat("{::comment}\n", 20000),
	"unclosed-span-ext":    strings.Repeat("{::comment}x ", 20000) + "}",
	"open-braces":          strings.Repeat("{:a ", 30000),
	"unclosed-quotes":      "x{: " + strings.Repeat("a=\"", 30000) + "}",
	"span-ials":            strings.Repeat("*a*{:.b} ", 20000),
	"many-abbreviations":   strings.Repeat("*[A]: b\n*[B]: c\n", 5000) + strings.Repeat("x A B ", 10000),
	"long-open-tag":        "<div " + strings.Repeat("a=\"b\" ", 30000),
}

// BenchmarkHostile converts each hostile body with the extension and, for
// comparison, without it: the two should be of the same order.
func BenchmarkHostile(b *testing.B) {
	plain := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Footnote, extension.DefinitionList, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAttribute(), parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	for name, body := range hostileBodies {
		for _, md := range []struct {
			name string
			md   goldmark.Markdown
		}{{"kramdown", newMarkdown()}, {"commonmark", plain}} {
			b.Run(name+"/"+md.name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				var out bytes.Buffer
				for b.Loop() {
					out.Reset()
					_ = md.md.Convert([]byte(body), &out)
				}
			})
		}
	}
}
