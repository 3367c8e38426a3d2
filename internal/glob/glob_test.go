package glob

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCompile(t *testing.T) {
	tests := []struct {
		glob    string
		matches []string
		misses  []string
	}{
		{glob: "**.html", matches: []string{"index.html", "2021/01/10/x/index.html"}, misses: []string{"feed.xml", "index.html.bak"}},
		{glob: "*.html", matches: []string{"index.html", "404.html"}, misses: []string{"tags/index.html"}},
		{glob: "static/**", matches: []string{"static/a.png", "static/images/b/c.jpg"}, misses: []string{"static", "assets/static/a.png", "staticx/a.png"}},
		{glob: "/assets/**", matches: []string{"assets/style.css"}, misses: []string{"x/assets/style.css"}},
		{glob: "**/feed.xml", matches: []string{"feed.xml", "series/weeknotes/feed.xml"}, misses: []string{"myfeed.xml"}},
		{glob: "tags/*/index.html", matches: []string{"tags/go/index.html"}, misses: []string{"tags/index.html", "tags/a/b/index.html"}},
		{glob: "20[0-9][0-9]/**", matches: []string{"2021/01/10/x/index.html"}, misses: []string{"2a21/index.html"}},
		{glob: "[^a-z]*", matches: []string{"404.html", "2021"}, misses: []string{"index.html"}},
		{glob: "page/?/index.html", matches: []string{"page/2/index.html"}, misses: []string{"page/10/index.html", "page///index.html"}},
		{glob: `\*.txt`, matches: []string{"*.txt"}, misses: []string{"a.txt"}},
		{glob: "a.b+c(d)", matches: []string{"a.b+c(d)"}, misses: []string{"aXb+c(d)"}},
		{glob: "**", matches: []string{"x", "a/b/c", "line\nbreak"}},
		{glob: "notes/**.md", matches: []string{"notes/a.md", "notes/x/y.md"}, misses: []string{"notes.md"}},
		{glob: "café/*", matches: []string{"café/menu.html"}, misses: []string{"cafe/menu.html"}},
	}
	for _, tt := range tests {
		re, err := Compile(tt.glob)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.glob, err)
			continue
		}
		for _, s := range tt.matches {
			if !re.Match(s) {
				t.Errorf("%q does not match %q", tt.glob, s)
			}
		}
		for _, s := range tt.misses {
			if re.Match(s) {
				t.Errorf("%q matches %q", tt.glob, s)
			}
		}
	}
}

func TestCompileRejectsWhatPathMatchRejects(t *testing.T) {
	for _, glob := range []string{"", "[", "[]", "[a", "[a-", "[-a]", "[]a]", `a\`, "[^]", `[\`} {
		if _, err := Compile(glob); err == nil {
			t.Errorf("Compile(%q) accepted a malformed glob", glob)
		}
	}
}

// FuzzGlob checks that globs without "**" match exactly what path.Match
// matches, and are rejected exactly when path.Match rejects them.
func FuzzGlob(f *testing.F) {
	for _, seed := range [][2]string{
		{"*.html", "index.html"}, {"static/*", "static/a/b"}, {"[a-c]?", "b/"}, {"[^a]x", "/x"},
		{`\[x`, "[x"}, {"[b-a]", "a"}, {"[^b-a]", "a"}, {"a[", "a"}, {"*[", "x"}, {"é?", "éé"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		if strings.Contains(glob, "**") || strings.HasPrefix(glob, "/") || glob == "" {
			return
		}
		// path.Match backtracks on stars, exponentially in the worst case.
		if len(glob) > 64 || len(name) > 64 || strings.Count(glob, "*") > 4 {
			return
		}
		if !utf8.ValidString(glob) || !utf8.ValidString(name) {
			return
		}
		want, wantErr := path.Match(glob, name)
		if _, err := path.Match(glob, ""); err != nil {
			wantErr = err // path.Match only reports some errors once it reaches them
		}
		re, err := Compile(glob)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("Compile(%q) error %v, path.Match error %v", glob, err, wantErr)
		}
		if err != nil {
			return
		}
		if got := re.Match(name); got != want {
			t.Fatalf("glob %q on %q: match %v, path.Match %v (regexp %s)", glob, name, got, want, re)
		}
	})
}
