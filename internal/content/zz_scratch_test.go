package content

import (
	"testing"
	"time"
	"unicode/utf16"
)

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestScratchCases(t *testing.T) {
	cases := map[string][]byte{
		"utf16le":      utf16le("---\ntitle: Hello\n---\nBody é\n", true),
		"json-open":    []byte("{\n  \"title\": \"x\",\n  \"tags\": [\"a\"]\n\nBody text\n"),
		"json-open2":   []byte("{\n  \"title\": \"x\"\n}\nBody right after\n"),
		"semi-open":    []byte(";;;\n{\"title\": \"x\"}\nBody\n"),
		"nul-line2":    []byte("---\ntitle: a\x00b\n---\nBody\n"),
		"badutf-line2": []byte("---\ntitle: a\xffb\n---\nBody\n"),
		"badutf-line2-json": []byte("{\n\"title\": \"a\xffb\"\n}\n\nBody\n"),
	}
	for name, src := range cases {
		p, diags := Parse("content/posts/2020-01-01-x.md", "content/posts", src, time.UTC)
		t.Logf("%s: title=%q body=%q diags=%v", name, p.Title, p.Body, diags)
	}
}
