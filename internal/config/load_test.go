package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// expected returns the configuration of a site with no settings, changed by edit.
func expected(edit func(*Config)) Config {
	c := Config{
		Permalink:    DefaultPermalink,
		Paginate:     DefaultPaginate,
		Language:     "en",
		Series:       DefaultSeries,
		PostsDir:     "content/posts",
		DraftsDir:    "content/drafts",
		TemplatesDir: "templates",
		StaticDir:    "static",
		IncludesDir:  "templates/includes",
		PagesDir:     "content/pages",
		DataDir:      "_data",
		Include:      []string{".htaccess"},
		KeepFiles:    []string{".git", ".svn"},
		Exclude:      []string{".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"},
		Publish:      map[string]string{},
		PublishCDN:   map[string]string{},
		Params:       map[string]any{},
	}
	if edit != nil {
		edit(&c)
	}
	if c.Jekyll && c.IncludesDir == "templates/includes" {
		c.IncludesDir = "_includes"
	}
	if c.Markdown == "" { // a Jekyll layout is read as kramdown unless the file says otherwise
		c.Markdown = MarkdownCommonMark
		if c.Jekyll {
			c.Markdown = MarkdownKramdown
		}
	}
	return c
}

func file(text string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(text)} }

func dir() *fstest.MapFile { return &fstest.MapFile{Mode: 0o755 | 1<<31} }

func TestLoad(t *testing.T) {
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		want     Config
		wantZone string // Location's name; "UTC" when empty
	}{
		{
			name: "no configuration file",
			fsys: fstest.MapFS{},
			want: expected(nil),
		},
		{
			name: "empty file",
			fsys: fstest.MapFS{"weeknotes.yaml": file("# nothing yet\n")},
			want: expected(func(c *Config) { c.File = "weeknotes.yaml" }),
		},
		{
			name: "every setting",
			fsys: fstest.MapFS{"weeknotes.yaml": file(`title: Weeknotes of a developer
description: What I did this week
author: Ada
url: https://example.org/
baseurl: /notes/
permalink: pretty
timezone: Europe/London
paginate: 5
lang: en-GB
series: Weeknote
publish:
  production: s3://bucket?region=eu-west-2
  staging: file:///tmp/site
headers:
  - glob: "**.html"
    cache_control: public, max-age=300
    gzip: true
  - glob: static/**
    cache_control: public, max-age=31536000, immutable
theme_colour: teal
`)},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.Title = "Weeknotes of a developer"
				c.Description = "What I did this week"
				c.Author = "Ada"
				c.URL = "https://example.org"
				c.BaseURL = "/notes"
				c.Permalink = "pretty"
				c.Timezone = "Europe/London"
				c.Paginate = 5
				c.Language = "en-GB"
				c.Series = "Weeknote"
				c.Publish = map[string]string{"production": "s3://bucket?region=eu-west-2", "staging": "file:///tmp/site"}
				c.Headers = []HeaderRule{
					{Glob: "**.html", CacheControl: "public, max-age=300", Gzip: true},
					{Glob: "static/**", CacheControl: "public, max-age=31536000, immutable"},
				}
				c.Params = map[string]any{
					"title": "Weeknotes of a developer", "description": "What I did this week", "author": "Ada",
					"url": "https://example.org/", "baseurl": "/notes/", "permalink": "pretty",
					"timezone": "Europe/London", "paginate": 5, "lang": "en-GB", "series": "Weeknote",
					"publish": map[string]any{"production": "s3://bucket?region=eu-west-2", "staging": "file:///tmp/site"},
					"headers": []any{
						map[string]any{"glob": "**.html", "cache_control": "public, max-age=300", "gzip": true},
						map[string]any{"glob": "static/**", "cache_control": "public, max-age=31536000, immutable"},
					},
					"theme_colour": "teal",
				}
			}),
			wantZone: "Europe/London",
		},
		{
			name: "Jekyll blog: _config.yml, _posts, author map, language",
			fsys: fstest.MapFS{
				"_config.yml":            file("title: Old blog\nauthor:\n  name: Grace\n  email: g@example.org\nlanguage: fr\n"),
				"_posts/2020-01-01-x.md": file("hi"),
			},
			want: expected(func(c *Config) {
				c.File = "_config.yml"
				c.Permalink = JekyllPermalink // a Jekyll blog keeps its URLs
				c.Title = "Old blog"
				c.Author = "Grace"
				c.Language = "fr"
				c.PostsDir = "_posts"
				c.DraftsDir = "_drafts"
				c.Jekyll = true
				c.Markdown = MarkdownKramdown // as Jekyll reads it
				c.Params = map[string]any{
					"title": "Old blog", "language": "fr",
					"author": map[string]any{"name": "Grace", "email": "g@example.org"},
				}
			}),
		},
		{
			name: "weeknotes.yaml is read before _config.yml; content/posts before _posts",
			fsys: fstest.MapFS{
				"weeknotes.yaml":         file("title: New\n"),
				"_config.yml":            file("title: Old\n"),
				"content/posts/a.md":     file("a"),
				"_posts/2020-01-01-b.md": file("b"),
			},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.Title = "New"
				c.Params = map[string]any{"title": "New"}
			}),
		},
		{
			name: "weeknotes.yml when there is no weeknotes.yaml",
			fsys: fstest.MapFS{"weeknotes.yml": file("title: Short name\n")},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yml"
				c.Title = "Short name"
				c.Params = map[string]any{"title": "Short name"}
			}),
		},
		{
			name: "a Jekyll layout without a configuration file is read as kramdown",
			fsys: fstest.MapFS{"_posts/2020-01-01-x.md": file("hi")},
			want: expected(func(c *Config) {
				c.PostsDir, c.DraftsDir, c.Jekyll, c.Markdown = "_posts", "_drafts", true, MarkdownKramdown
				c.Permalink = JekyllPermalink
			}),
		},
		{
			name: "a Jekyll blog that chose a CommonMark converter keeps it",
			fsys: fstest.MapFS{
				"_config.yml":            file("markdown: CommonMarkGhPages\n"),
				"_posts/2020-01-01-x.md": file("hi"),
			},
			want: expected(func(c *Config) {
				c.File, c.Permalink = "_config.yml", JekyllPermalink
				c.PostsDir, c.DraftsDir, c.Jekyll, c.Markdown = "_posts", "_drafts", true, MarkdownCommonMark
				c.Params = map[string]any{"markdown": "CommonMarkGhPages"}
			}),
		},
		{
			name: "a weeknotes site can ask for kramdown",
			fsys: fstest.MapFS{"weeknotes.yaml": file("markdown: kramdown\n")},
			want: expected(func(c *Config) {
				c.File, c.Markdown = "weeknotes.yaml", MarkdownKramdown
				c.Params = map[string]any{"markdown": "kramdown"}
			}),
		},
		{
			name: "a file named _posts is not a posts folder",
			fsys: fstest.MapFS{"_posts": file("not a folder")},
			want: expected(nil),
		},
		{
			name: "folder keys override the detected layout",
			fsys: fstest.MapFS{
				"weeknotes.yaml": file("posts_dir: writing/posts/\ndrafts_dir: writing/drafts\ntemplates_dir: theme\nstatic_dir: assets\n"),
				"_posts":         dir(),
			},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.PostsDir = "writing/posts"
				c.DraftsDir = "writing/drafts"
				c.TemplatesDir = "theme"
				c.IncludesDir = "theme/includes"
				c.StaticDir = "assets"
				c.Params = map[string]any{
					"posts_dir": "writing/posts/", "drafts_dir": "writing/drafts",
					"templates_dir": "theme", "static_dir": "assets",
				}
			}),
		},
		{
			name: "blank values fall back to defaults; lang wins over language",
			fsys: fstest.MapFS{"weeknotes.yaml": file("permalink:\nseries: \"\"\npaginate: 0\nlang: de\nlanguage: fr\ntimezone:\n")},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.Language = "de"
				c.Params = map[string]any{
					"permalink": nil, "series": "", "paginate": 0, "lang": "de", "language": "fr", "timezone": nil,
				}
			}),
		},
		{
			name: "numbers as text; alias",
			fsys: fstest.MapFS{"weeknotes.yaml": file("title: &t 2021\ndescription: *t\n")},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.Title = "2021"
				c.Description = "2021"
				c.Params = map[string]any{"title": 2021, "description": 2021}
			}),
		},
		{
			name: "path in url becomes baseurl",
			fsys: fstest.MapFS{"weeknotes.yaml": file("url: https://example.org/blog/\n")},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.URL = "https://example.org"
				c.BaseURL = "/blog"
				c.Params = map[string]any{"url": "https://example.org/blog/"}
			}),
		},
		{
			name: "Jekyll blog without _config.yml keeps Jekyll's default permalink",
			fsys: fstest.MapFS{"_posts/2020-01-01-x.md": file("hi")},
			want: expected(func(c *Config) {
				c.Permalink = JekyllPermalink
				c.PostsDir, c.DraftsDir, c.Jekyll = "_posts", "_drafts", true
			}),
		},
		{
			name: "Jekyll blog with its own permalink",
			fsys: fstest.MapFS{"_config.yml": file("permalink: /:title/\n"), "_posts/2020-01-01-x.md": file("hi")},
			want: expected(func(c *Config) {
				c.File = "_config.yml"
				c.Permalink = "/:title/"
				c.PostsDir, c.DraftsDir, c.Jekyll = "_posts", "_drafts", true
				c.Params = map[string]any{"permalink": "/:title/"}
			}),
		},
		{
			name: "an unknown placeholder is one problem at its line, and posts keep Jekyll's URLs",
			fsys: fstest.MapFS{"_config.yml": file("title: T\npermalink: /p/:ts.html\n"), "_posts/2020-01-01-x.md": file("hi")},
			want: expected(func(c *Config) {
				c.File = "_config.yml"
				c.Title = "T"
				c.Permalink = JekyllPermalink
				c.PostsDir, c.DraftsDir, c.Jekyll = "_posts", "_drafts", true
				c.Params = map[string]any{"title": "T", "permalink": "/p/:ts.html"}
				c.Problems = []diag.Diagnostic{diag.Errorf("_config.yml", 2, "permalink: %v", CheckPermalink("/p/:ts.html"))}
			}),
		},
		{
			name: "url and baseurl agreeing",
			fsys: fstest.MapFS{"weeknotes.yaml": file("url: http://localhost:4000/blog\nbaseurl: blog\n")},
			want: expected(func(c *Config) {
				c.File = "weeknotes.yaml"
				c.URL = "http://localhost:4000"
				c.BaseURL = "/blog"
				c.Params = map[string]any{"url": "http://localhost:4000/blog", "baseurl": "blog"}
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.fsys)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			wantZone := tt.wantZone
			if wantZone == "" {
				wantZone = "UTC"
			}
			if got.Location == nil || got.Location.String() != wantZone {
				t.Errorf("Location = %v, want %s", got.Location, wantZone)
			}
			got.Location = nil
			for i, h := range got.Headers {
				// Compiled where loaded; compared here by what it compiled.
				if h.Match == nil || h.Match.String() != h.Glob {
					t.Errorf("header rule %d: glob %q compiled as %v", i, h.Glob, h.Match)
				}
				got.Headers[i].Match = nil
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Load =\n%#v\nwant\n%#v", *got, tt.want)
			}
		})
	}
}

func TestLoadBaseURL(t *testing.T) {
	tests := []struct{ baseurl, want string }{
		{`""`, ""},
		{"/", ""},
		{"blog", "/blog"},
		{"/blog/", "/blog"},
		{"blog/notes/", "/blog/notes"},
		{"//blog//notes", "/blog/notes"},
	}
	for _, tt := range tests {
		cfg, err := Load(fstest.MapFS{"weeknotes.yaml": file("baseurl: " + tt.baseurl + "\n")})
		if err != nil {
			t.Fatalf("baseurl %s: %v", tt.baseurl, err)
		}
		if cfg.BaseURL != tt.want {
			t.Errorf("baseurl %s: BaseURL = %q, want %q", tt.baseurl, cfg.BaseURL, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // contents of weeknotes.yaml
		want string // the error message
	}{
		{"invalid YAML", "title: x\nauthor: a: b\n", "weeknotes.yaml:2: invalid YAML: mapping values are not allowed in this context"},
		{"tab indentation", "publish:\n\tproduction: s3://x\n", "weeknotes.yaml:2: invalid YAML: found character that cannot start any token"},
		{"duplicate key", "title: a\ntitle: b\n", `weeknotes.yaml:2: invalid YAML: mapping key "title" already defined at line 1`},
		{"alias bomb", "title: x\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
			`weeknotes.yaml:8: invalid YAML: document contains excessive aliasing: the value of "g" repeats its aliases into more than 5380840 values`},
		{"NUL byte", "title: x\nauthor: a\x00b\n", "weeknotes.yaml:2: invalid YAML: control characters are not allowed"},
		{"not a map", "- title\n- author\n", "weeknotes.yaml:1: the configuration must be settings written as key: value lines"},
		{"paginate as words", "title: x\npaginate: ten\n", `weeknotes.yaml:2: paginate: want a whole number of posts per page, got "ten"`},
		{"negative paginate", "paginate: -3\n", "weeknotes.yaml:1: paginate: want a whole number of posts per page, got -3"},
		{"title as list", "title:\n  - a\n", "weeknotes.yaml:2: title: want text, got a list"},
		{"author map without text", "author:\n  name: [a]\n", "weeknotes.yaml:2: author: want a name, or a map with a name, got a map"},
		{"unknown time zone", "title: x\n\ntimezone: Europe/Lndon\n", `weeknotes.yaml:3: timezone: unknown time zone "Europe/Lndon"; use an IANA name such as Europe/London or America/Chicago`},
		{"Local time zone", "timezone: Local\n", `weeknotes.yaml:1: timezone: "Local" would make the site depend on the machine building it; use an IANA name such as Europe/London`},
		{"publish as list", "publish: [a]\n", "weeknotes.yaml:1: publish: want a map of target names to URLs, got a list"},
		{"headers as map", "headers:\n  glob: x\n", "weeknotes.yaml:2: headers: want a list of {glob, cache_control, gzip}, got a map"},
		{"bad glob", "headers:\n  - glob: \"[a\"\n", `weeknotes.yaml:2: headers: glob "[a" is not a valid pattern (e.g. "**.html" or "static/**")`},
		{"missing glob", "headers:\n  - gzip: true\n", `weeknotes.yaml:2: headers: glob "" is not a valid pattern (e.g. "**.html" or "static/**")`},
		{"bad glob on its own line", "headers:\n  - cache_control: no-cache\n    glob: \"a[\"\n", `weeknotes.yaml:3: headers: glob "a[" is not a valid pattern (e.g. "**.html" or "static/**")`},
		{"unfinished escape in a class", "headers:\n  - glob: \"[\\\\\"\n", `weeknotes.yaml:2: headers: glob "[\\" is not a valid pattern (e.g. "**.html" or "static/**")`},
		{"gzip not a bool", "headers:\n  - glob: x\n    gzip: sometimes\n", `weeknotes.yaml:3: headers: gzip: want true or false, got "sometimes"`},
		{"header rule not a map", "headers:\n  - \"**.html\"\n", `weeknotes.yaml:2: headers: want {glob, cache_control, gzip}, got "**.html"`},
		{"header rule typo", "headers:\n  - glob: x\n    cache-control: no-cache\n", `weeknotes.yaml:3: headers: unknown key "cache-control"; a rule has glob, cache_control and gzip`},
		{"folder outside the site", "posts_dir: ../posts\n", `weeknotes.yaml:1: posts_dir: "../posts" must be a folder inside the site, written with / and without ..`},
		{"absolute folder", "static_dir: /var/www\n", `weeknotes.yaml:1: static_dir: "/var/www" must be a folder inside the site, written with / and without ..`},
		{"url without scheme", "url: example.org\n", `weeknotes.yaml:1: url: "example.org" must be a scheme and host, e.g. https://example.org`},
		{"url and baseurl disagree", "url: https://example.org/a\nbaseurl: /b\n", "weeknotes.yaml:1: url: has the path /a while baseurl is /b; give the path only in baseurl"},
		{"unknown Markdown converter", "title: x\nmarkdown: redcarpet\n", `weeknotes.yaml:2: markdown: unknown Markdown converter "redcarpet"; use kramdown (as Jekyll) or commonmark`},
		{"every problem at once", "paginate: x\ntimezone: Nowhere\n", "2 errors:\n" +
			`weeknotes.yaml:1: paginate: want a whole number of posts per page, got "x"` + "\n" +
			`weeknotes.yaml:2: timezone: unknown time zone "Nowhere"; use an IANA name such as Europe/London or America/Chicago`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(fstest.MapFS{"weeknotes.yaml": file(tt.file)})
			if err == nil {
				t.Fatalf("Load succeeded with %+v; want error %q", cfg, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Load error:\n%s\nwant\n%s", err, tt.want)
			}
			var buildErr *diag.BuildError
			if !errors.As(err, &buildErr) {
				t.Errorf("error is %T, want *diag.BuildError so callers can list every diagnostic", err)
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	// A folder where the file should be cannot be read; that is not "no file".
	_, err := Load(fstest.MapFS{"weeknotes.yaml/x": file("")})
	if err == nil {
		t.Fatal("Load succeeded; want an error for an unreadable weeknotes.yaml")
	}
	var buildErr *diag.BuildError
	if errors.As(err, &buildErr) {
		t.Errorf("error %v is a BuildError; an unreadable file is not a problem in the author's text", err)
	}
}

func TestCheckPermalink(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		bad     string // the placeholder named in the error; "" when valid
	}{
		{"date", ""},
		{"pretty", ""},
		{"/:categories/:year/:month/:day/:title:output_ext", ""},
		{"/:year/:w_year/W:week/:w_day/:short_day/:long_day/:short_month/:long_month/:i_month/:i_day/:y_day/:hour/:minute/:second/:name/:path/:collection/:slugified_categories/:slug/", ""},
		{"/:title_/x", ""}, // Jekyll reads :title_ as :title
		{"/p/:ts.html", ":ts"},
		{"/:year/:titles/", ":titles"},
		{"/plain/path.html", ""},
		{"/a..b/x...html", ""},
		{"../../etc/:slug", ".."},
		{"/:year/../../:slug/", ".."},
		{"/./:slug/", "."},
		{"/%2e%2e/%2E%2E/:slug/", ".."},
		{"/a\\..\\b", "backslash"},
	} {
		err := CheckPermalink(tt.pattern)
		if tt.bad == "backslash" {
			if err == nil || !strings.Contains(err.Error(), "backslash") {
				t.Errorf("CheckPermalink(%q) = %v, want a refusal of the backslash", tt.pattern, err)
			}
			continue
		}
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("CheckPermalink(%q) = %v, want nil", tt.pattern, err)
		case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), `"`+tt.bad+`"`)):
			t.Errorf("CheckPermalink(%q) = %v, want an error naming %s", tt.pattern, err, tt.bad)
		}
	}
}
