package publish

import (
	"errors"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

func TestCompileGlob(t *testing.T) {
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
		re, err := compileGlob(tt.glob)
		if err != nil {
			t.Errorf("compileGlob(%q): %v", tt.glob, err)
			continue
		}
		for _, s := range tt.matches {
			if !re.MatchString(s) {
				t.Errorf("%q does not match %q", tt.glob, s)
			}
		}
		for _, s := range tt.misses {
			if re.MatchString(s) {
				t.Errorf("%q matches %q", tt.glob, s)
			}
		}
	}
}

func TestCompileGlobRejectsWhatPathMatchRejects(t *testing.T) {
	for _, glob := range []string{"", "[", "[]", "[a", "[a-", "[-a]", "[]a]", `a\`, "[^]", `[\`} {
		if _, err := compileGlob(glob); err == nil {
			t.Errorf("compileGlob(%q) accepted a malformed glob", glob)
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
		re, err := compileGlob(glob)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("compileGlob(%q) error %v, path.Match error %v", glob, err, wantErr)
		}
		if err != nil {
			return
		}
		if got := re.MatchString(name); got != want {
			t.Fatalf("glob %q on %q: match %v, path.Match %v (regexp %s)", glob, name, got, want, re)
		}
	})
}

func TestRulesHeaders(t *testing.T) {
	rules, err := CompileRules([]config.HeaderRule{
		{Glob: "assets/**", CacheControl: "public, max-age=31536000, immutable", Gzip: true},
		{Glob: "**.html", CacheControl: "no-cache", Gzip: true},
		{Glob: "**.html", CacheControl: "never used: the rule above wins"},
		{Glob: "downloads/**", CacheControl: ""},
	}, "weeknotes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		want Headers
	}{
		{key: "assets/style.css", want: Headers{ContentType: "text/css; charset=utf-8", CacheControl: "public, max-age=31536000, immutable", ContentEncoding: "gzip"}},
		{key: "assets/logo.png", want: Headers{ContentType: "image/png", CacheControl: "public, max-age=31536000, immutable"}},
		{key: "2021/01/10/x/index.html", want: Headers{ContentType: "text/html; charset=utf-8", CacheControl: "no-cache", ContentEncoding: "gzip"}},
		{key: "downloads/book.epub", want: Headers{ContentType: "application/epub+zip"}},
		{key: "feed.xml", want: Headers{ContentType: "application/atom+xml; charset=utf-8", CacheControl: "public, max-age=300"}},
		{key: "static/images/a.jpg", want: Headers{ContentType: "image/jpeg", CacheControl: "public, max-age=86400"}},
		{key: "robots.txt", want: Headers{ContentType: "text/plain; charset=utf-8", CacheControl: "public, max-age=3600"}},
		{key: "CNAME", want: Headers{ContentType: "application/octet-stream", CacheControl: "public, max-age=3600"}},
	}
	for _, tt := range tests {
		if got := rules.Headers(tt.key); got != tt.want {
			t.Errorf("Headers(%q) = %+v, want %+v", tt.key, got, tt.want)
		}
	}
}

func TestCompileRulesReportsEveryBadGlob(t *testing.T) {
	_, err := CompileRules([]config.HeaderRule{{Glob: "[a"}, {Glob: "**.html"}, {Glob: ""}}, "weeknotes.yaml")
	var build *diag.BuildError
	if !errors.As(err, &build) || len(build.Diagnostics) != 2 {
		t.Fatalf("CompileRules: %v, want a BuildError with two diagnostics", err)
	}
	for i, want := range []string{"rule 1", "rule 3"} {
		d := build.Diagnostics[i]
		if d.File != "weeknotes.yaml" || d.Severity != diag.Error || !strings.Contains(d.Message, want) {
			t.Errorf("diagnostic %d = %+v, want an error in weeknotes.yaml about %s", i, d, want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"index.html":                "text/html; charset=utf-8",
		"a/B.HTML":                  "text/html; charset=utf-8",
		"feed.xml":                  "application/atom+xml; charset=utf-8",
		"series/weeknotes/feed.xml": "application/atom+xml; charset=utf-8",
		"rss.xml":                   "application/rss+xml; charset=utf-8",
		"sitemap.xml":               "application/xml; charset=utf-8",
		"assets/app.js":             "text/javascript; charset=utf-8",
		"data.json":                 "application/json; charset=utf-8",
		"logo.svg":                  "image/svg+xml; charset=utf-8",
		"notes.txt":                 "text/plain; charset=utf-8",
		"photo.jpeg":                "image/jpeg",
		"font.woff2":                "font/woff2",
		"episode.mp3":               "audio/mpeg",
		"no-extension":              "application/octet-stream",
		"archive.unknown":           "application/octet-stream",
	}
	for key, want := range tests {
		if got := ContentType(key); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestPhaseOf(t *testing.T) {
	tests := map[string]Phase{
		"assets/style.css":                 PhaseAssets,
		"static/images/a.png":              PhaseAssets,
		"robots.txt":                       PhaseAssets,
		"2021/01/10/first-week/index.html": PhasePosts,
		"about/index.html":                 PhasePosts,
		"2021-01-10-first-week.html":       PhasePosts,
		"tags/go/page.html":                PhasePosts,
		"index.html":                       PhaseIndexes,
		"404.html":                         PhaseIndexes,
		"page/2/index.html":                PhaseIndexes,
		"tags/index.html":                  PhaseIndexes,
		"tags/gardening/index.html":        PhaseIndexes,
		"series/weeknotes/index.html":      PhaseIndexes,
		"archive/index.html":               PhaseIndexes,
		"2021/index.html":                  PhaseIndexes,
		"2021/01/index.html":               PhaseIndexes,
		"feed.xml":                         PhaseFeeds,
		"series/weeknotes/feed.xml":        PhaseFeeds,
		"sitemap.xml":                      PhaseFeeds,
		"sitemap-posts.xml":                PhaseFeeds,
		"notes.atom":                       PhaseFeeds,
		"static/data/list.xml":             PhaseAssets,
	}
	for key, want := range tests {
		if got := PhaseOf(key); got != want {
			t.Errorf("PhaseOf(%q) = %s, want %s", key, got, want)
		}
	}
}

func TestHeadersHash(t *testing.T) {
	base := Headers{ContentType: "text/html; charset=utf-8", CacheControl: "max-age=60"}
	variants := []Headers{
		{ContentType: base.ContentType, CacheControl: "max-age=61"},
		{ContentType: base.ContentType, CacheControl: base.CacheControl, ContentEncoding: "gzip"},
		{ContentType: "text/html", CacheControl: base.CacheControl},
		// The separator keeps fields from running into each other.
		{ContentType: base.ContentType + "max-age=60", CacheControl: ""},
	}
	same := Headers{ContentType: "text/html; charset=utf-8", CacheControl: "max-age=60"}
	if h := base.hash(); h != same.hash() || !isHex(h, 32) {
		t.Fatalf("hash %q is not stable or not 32 hex digits", h)
	}
	for _, v := range variants {
		if v.hash() == base.hash() {
			t.Errorf("%+v hashes like %+v", v, base)
		}
	}
}
