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

func FuzzParseAttributeList(f *testing.F) {
	for _, s := range []string{` .pull-quote `, `#id .a.b key="v" ref`, `k='a\'b' x="\}"`, `.#`, `#1 .`, `a=b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := ParseAttributeList([]byte(s))
		seen := map[string]bool{}
		for _, a := range l.Attrs {
			if seen[a.Name] {
				t.Errorf("%q: attribute %q twice", s, a.Name)
			}
			seen[a.Name] = true
			if a.Name == "" || strings.ContainsAny(a.Name, " \t\n\"'=") {
				t.Errorf("%q: bad attribute name %q", s, a.Name)
			}
			if a.Name == "class" && (a.Value == "" || a.Value != strings.TrimSpace(a.Value)) {
				t.Errorf("%q: bad class %q", s, a.Value)
			}
		}
		for _, r := range l.Refs {
			if !isName([]byte(r)) {
				t.Errorf("%q: bad reference %q", s, r)
			}
		}
	})
}

// FuzzConvert checks that no body makes the extension panic, and that a
// body with none of the characters that start kramdown syntax renders as
// it does without the extension.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"A\n{: .x}\n", "*a*{:.b}", "<div markdown=\"1\">\n*x*\n</div>\n", "{::comment}\nx\n{:/}\n",
		"*[A]: b\n\nA", "- a\n\n  <p>\n\n    b\n  </p>\n", "{:r: .x}\n{: r}\np", "<div>\n<div>\n</div>",
		"t {::nomarkdown}<b>{:/} u", "<p markdown=span>\na\n</p>", "> q\n{: .q}",
	} {
		f.Add(s)
	}
	plain := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Footnote, extension.DefinitionList, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAttribute(), parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<16 {
			return
		}
		got := convert(t, []byte(s))
		if strings.ContainsAny(s, "{<*") {
			return
		}
		var want bytes.Buffer
		if err := plain.Convert([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: the extension changed a body without its syntax\n got: %s\nwant: %s", s, got, want.Bytes())
		}
	})
}
