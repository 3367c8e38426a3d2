package jekylldiff

import (
	"slices"
	"testing"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<p>Hello <a href=\"/x\">x</a> don’t – ok</p>\n", "Hello x don't -- ok"},
		{"<h2 id=\"a-b\">A b</h2>\n\n<p>c&amp;d</p>", "A b c&d"},
		{"<p>a</p><p>b</p>", "a b"},
		{"", ""},
		{"“quoted”…", `"quoted"...`},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHrefs(t *testing.T) {
	got := Hrefs(`<p><a href="/a.html">a</a> <img src="/i.png" alt=""/> <a name="x">n</a><a href='/b/'>b</a></p>`)
	want := []string{"/a.html", "/i.png", "/b/"}
	if !slices.Equal(got, want) {
		t.Errorf("Hrefs = %q, want %q", got, want)
	}
}
