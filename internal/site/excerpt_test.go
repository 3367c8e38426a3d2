package site

import (
	"testing"

	"github.com/weeknotes/weeknotes/internal/content"
)

// TestHTMLPostExcerpt: the excerpt of a post written in HTML is its HTML
// before the separator, as Jekyll's pass-through converter leaves it; read
// as Markdown, the indented <p> would become a code block.
func TestHTMLPostExcerpt(t *testing.T) {
	body := "<div>\n\n    <p>Indented.</p>\n</div>\n<!--more-->\nThe rest.\n"
	got := (&Builder{}).excerptBefore(&content.Post{HTML: true}, []byte(body), "<!--more-->", "whole")
	if want := "<div>\n\n    <p>Indented.</p>\n</div>\n"; string(got) != want {
		t.Errorf("excerpt = %q, want %q", got, want)
	}
}
