// Package config reads a site's configuration: weeknotes.yaml, or a Jekyll
// _config.yml when an existing Jekyll blog is built unchanged. It also knows
// where a site keeps its posts, drafts, templates and static files, so that
// both layouts (weeknotes' content/posts and Jekyll's _posts) are handled in
// one place.
package config

import (
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/glob"
)

// FileNames are the configuration files looked for, in order. The first one
// that exists is read.
var FileNames = []string{"weeknotes.yaml", "weeknotes.yml", "_config.yml", "_config.yaml"}

// Config is a site's configuration. Field names follow Jekyll where Jekyll has
// the setting, so an existing _config.yml means the same thing here.
type Config struct {
	File string // path of the file read, relative to the site root; "" when none exists

	Title       string         // site title: <title>, header, feed title
	Description string         // one-line description: <meta name=description>, feed subtitle
	Author      string         // default author of every post
	URL         string         // scheme and host, no trailing slash, e.g. https://example.org
	BaseURL     string         // path prefix the site is served under, "" or e.g. /blog (no trailing slash)
	Permalink   string         // post URL pattern; Jekyll styles "date", "pretty", "none" or placeholders
	Timezone    string         // IANA name, e.g. Europe/London; "" means UTC
	Location    *time.Location // Timezone, loaded; never nil after Load
	Paginate    int            // posts per home page; 0 means the default (10)
	Language    string         // <html lang>; default "en"

	// Markdown is the dialect bodies are read in: MarkdownKramdown, as
	// Jekyll reads them, or MarkdownCommonMark. A Jekyll layout (_posts)
	// defaults to kramdown, weeknotes' own layout to CommonMark; the
	// markdown key of the file decides otherwise.
	Markdown string

	// Series names the series used for posts whose series marker has no name
	// of its own ("S01E02 - ..."). Default "Weeknotes".
	Series string

	// Layout of the source folder, relative to the site root. Defaults depend
	// on which layout exists: content/posts (weeknotes) or _posts (Jekyll).
	PostsDir     string // e.g. content/posts or _posts
	DraftsDir    string // e.g. content/drafts or _drafts; may not exist
	TemplatesDir string // default "templates"
	StaticDir    string // default "static"; copied to the output as /static/...
	// PagesDir holds a weeknotes site's pages (about.md, now.md): every
	// file there is published, pages rendered. Default "content/pages". A
	// Jekyll site's pages are its files with front matter, anywhere.
	PagesDir string

	// Include, Exclude and KeepFiles are Jekyll's: names (or globs, or
	// prefixes) of files to read although Jekyll would skip them
	// (".htaccess"), to leave out although it would read them, and to keep
	// in the output. Exclude starts with Jekyll's own defaults
	// (node_modules, vendor/bundle/, Gemfile...).
	Include, Exclude, KeepFiles []string

	// DataDir holds Jekyll's data files, site.data in Liquid: data_dir,
	// default "_data".
	DataDir string

	// IncludesDir is where {% include %} looks first: includes_dir, else
	// Jekyll's _includes in Jekyll's layout, else <TemplatesDir>/includes.
	// The site's files there win over the default theme's.
	IncludesDir string

	// Jekyll is set when the site is in Jekyll's layout (_posts): its
	// posts then get Jekyll's URLs, categories and slugs exactly.
	Jekyll bool

	// Problems are warnings about the file (a defaults set Jekyll would
	// leave out), and errors that leave the rest of the site worth checking
	// (an unknown permalink placeholder): the build reports them with the
	// posts' own. Other errors make Load return an error instead.
	Problems []diag.Diagnostic

	// Future and Unpublished are Jekyll's future and unpublished: publish
	// posts dated after the build, and posts with published: false.
	Future, Unpublished bool

	// Defaults are Jekyll's front matter defaults, in the order written.
	Defaults []DefaultSet

	// Publish holds named publish targets, e.g. production: s3://bucket?region=eu-west-2.
	Publish map[string]string
	// PublishCDN holds, by target name, the CDN in front of a target whose
	// changed paths publish invalidates, e.g. cloudfront://E2EXAMPLE.
	PublishCDN map[string]string
	// Headers are Cache-Control and encoding rules applied by publish, first match wins.
	Headers []HeaderRule

	Params map[string]any // every key of the file, including unknown ones, for templates (site.Params)
}

// HeaderRule sets object headers for published files whose site path matches Glob.
type HeaderRule struct {
	Glob         string     `yaml:"glob"`          // path.Match pattern against the slash path, e.g. "**.html" or "static/**"
	CacheControl string     `yaml:"cache_control"` // e.g. "public, max-age=300"
	Gzip         bool       `yaml:"gzip"`          // store gzip-compressed with Content-Encoding: gzip
	Match        *glob.Glob `yaml:"-"`             // Glob compiled: Load and NewHeaderRule set it
}

// NewHeaderRule returns a rule for headers set in code rather than in a
// configuration file, with its glob compiled as Load compiles them.
func NewHeaderRule(pattern, cacheControl string, gzip bool) (HeaderRule, error) {
	g, err := glob.Compile(pattern)
	if err != nil {
		return HeaderRule{}, err
	}
	return HeaderRule{Glob: pattern, CacheControl: cacheControl, Gzip: gzip, Match: g}, nil
}

// Defaults of settings the author did not give.
const (
	DefaultPermalink = "/:year/:month/:day/:slug/"
	// JekyllPermalink is Jekyll's default ("date"), used when the site is
	// configured by a Jekyll _config.yml.
	JekyllPermalink = "date"
	DefaultPaginate = 10
	DefaultSeries   = "Weeknotes"
)

// The Markdown dialects.
const (
	MarkdownCommonMark = "commonmark" // CommonMark with GitHub's extensions, footnotes and definition lists
	MarkdownKramdown   = "kramdown"   // the same, read as Jekyll's kramdown reads it
)
