package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"time"
	_ "time/tzdata" // timezone must work on machines and containers without a zoneinfo database

	"go.yaml.in/yaml/v3"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/glob"
	"github.com/weeknotes/weeknotes/internal/yamlx"
)

// Source folder layouts. A site that already has content/posts is a
// weeknotes site; one with _posts is a Jekyll blog built as it stands.
const (
	weeknotesPostsDir  = "content/posts"
	weeknotesDraftsDir = "content/drafts"
	jekyllPostsDir     = "_posts"
	jekyllDraftsDir    = "_drafts"
	jekyllIncludesDir  = "_includes"
	weeknotesPagesDir  = "content/pages"
	jekyllDataDir      = "_data"
	defaultTemplates   = "templates"
	defaultStatic      = "static"
	defaultLanguage    = "en"
)

// Load reads the site's configuration from the first of FileNames that
// exists in fsys, the site root, and fills in every default. A site without
// a configuration file is valid: it gets the defaults.
//
// Problems with the author's file are returned as a *diag.BuildError whose
// diagnostics name the file and line, so its message reads
// "weeknotes.yaml:3: ..." and callers can show every problem at once. Other
// failures (an unreadable file) are returned as ordinary wrapped errors.
func Load(fsys fs.FS) (*Config, error) {
	cfg := &Config{
		Permalink:    DefaultPermalink,
		Paginate:     DefaultPaginate,
		Language:     defaultLanguage,
		Series:       DefaultSeries,
		Location:     time.UTC,
		TemplatesDir: defaultTemplates,
		StaticDir:    defaultStatic,
		Publish:      map[string]string{},
		PublishCDN:   map[string]string{},
		Params:       map[string]any{},
		Include:      []string{".htaccess"},
		KeepFiles:    []string{".git", ".svn"}, // Jekyll's default
	}
	name, data, err := readFirst(fsys)
	if err != nil {
		return nil, err
	}
	dirs := folderOverrides{}
	var permalink permalinkKey
	if name != "" {
		cfg.File = name
		cfg.Permalink = defaultPermalink(name)
		d := decoder{file: name, cfg: cfg, dirs: &dirs, permalink: &permalink}
		d.decodeFile(data)
		if len(d.problems) > 0 {
			diag.Sort(d.problems)
			return nil, &diag.BuildError{Diagnostics: d.problems}
		}
	}
	cfg.PostsDir, cfg.DraftsDir = detectLayout(fsys)
	dirs.apply(cfg)
	cfg.Jekyll = isJekyllPosts(cfg.PostsDir)
	if cfg.DataDir == "" {
		cfg.DataDir = jekyllDataDir
	}
	if cfg.PagesDir == "" {
		cfg.PagesDir = weeknotesPagesDir
	}
	// Jekyll adds its own to the author's list.
	cfg.Exclude = append(cfg.Exclude, jekyllExcludes...)
	if cfg.IncludesDir == "" {
		cfg.IncludesDir = path.Join(cfg.TemplatesDir, "includes")
		if cfg.Jekyll {
			cfg.IncludesDir = jekyllIncludesDir
		}
	}
	if cfg.Jekyll && !permalink.set {
		// Jekyll's default, whether or not there is a _config.yml.
		cfg.Permalink = JekyllPermalink
	}
	if err := CheckPermalink(cfg.Permalink); err != nil {
		cfg.Problems = append(cfg.Problems, diag.Errorf(name, permalink.line, "permalink: %v", err))
		// Posts still get URLs, so that this is the one error about it.
		cfg.Permalink = JekyllPermalink
	}
	if cfg.Markdown == "" {
		cfg.Markdown = MarkdownCommonMark
		if cfg.Jekyll {
			cfg.Markdown = MarkdownKramdown
		}
	}
	return cfg, nil
}

// markdownNames maps the values of Jekyll's markdown key (any case) to the
// dialect weeknotes reads: kramdown, or one of the CommonMark converters
// Jekyll has plugins for.
var markdownNames = map[string]string{
	"kramdown":          MarkdownKramdown,
	"commonmark":        MarkdownCommonMark,
	"commonmarkghpages": MarkdownCommonMark,
	"gfm":               MarkdownCommonMark,
}

func (d *decoder) markdown(value *yaml.Node) {
	var name string
	d.text("markdown", value, &name)
	if name == "" {
		return
	}
	dialect, ok := markdownNames[strings.ToLower(name)]
	if !ok {
		d.errorf(value.Line, "markdown: unknown Markdown converter %q; use kramdown (as Jekyll) or commonmark", name)
		return
	}
	d.cfg.Markdown = dialect
}

// readFirst returns the name and bytes of the first configuration file that
// exists, or "" when there is none.
func readFirst(fsys fs.FS) (string, []byte, error) {
	for _, name := range FileNames {
		data, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("reading site configuration %s: %w", name, err)
		}
		return name, data, nil
	}
	return "", nil, nil
}

// detectLayout picks the posts and drafts folders from what exists, so that
// a Jekyll blog builds without a configuration change.
func detectLayout(fsys fs.FS) (posts, drafts string) {
	if isDir(fsys, weeknotesPostsDir) {
		return weeknotesPostsDir, weeknotesDraftsDir
	}
	if isDir(fsys, jekyllPostsDir) {
		return jekyllPostsDir, jekyllDraftsDir
	}
	return weeknotesPostsDir, weeknotesDraftsDir
}

// jekyllExcludes are what Jekyll 4.3 always leaves out of a site.
var jekyllExcludes = []string{".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"}

// list reads a list of names; one name alone is a list of one.
func (d *decoder) list(key string, value *yaml.Node, out *[]string) {
	if value.Kind == yaml.ScalarNode {
		var s string
		d.text(key, value, &s)
		if s != "" {
			*out = append(*out, s)
		}
		return
	}
	var items []string
	if d.decode(key, value, &items, "a list of names") {
		*out = append(*out, items...)
	}
}

// isJekyllPosts reports whether posts are read with Jekyll's rules: they are
// in a _posts folder (at the root, or an author's posts_dir under one).
func isJekyllPosts(postsDir string) bool {
	return postsDir == jekyllPostsDir || path.Base(postsDir) == jekyllPostsDir
}

// permalinkKey is where the file sets permalink, if it does.
type permalinkKey struct {
	set  bool
	line int
}

func isDir(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && info.IsDir()
}

// folderOverrides are the folder keys the author set; they win over the
// detected layout, which is only known after the file has been read.
type folderOverrides struct {
	posts, drafts, templates, static, includes, pages, data string
}

func (o folderOverrides) apply(cfg *Config) {
	for _, f := range []struct {
		override string
		field    *string
	}{
		{o.posts, &cfg.PostsDir},
		{o.drafts, &cfg.DraftsDir},
		{o.templates, &cfg.TemplatesDir},
		{o.static, &cfg.StaticDir},
		{o.includes, &cfg.IncludesDir},
		{o.pages, &cfg.PagesDir},
		{o.data, &cfg.DataDir},
	} {
		if f.override != "" {
			*f.field = f.override
		}
	}
}

// decoder turns the YAML tree into Config fields, collecting every problem
// rather than stopping at the first, so the author can fix them in one pass.
type decoder struct {
	file      string
	cfg       *Config
	dirs      *folderOverrides
	permalink *permalinkKey
	problems  []diag.Diagnostic

	// Kept until every key is read, because url and baseurl are normalised together.
	urlNode, baseURLNode *yaml.Node
}

func (d *decoder) errorf(line int, format string, args ...any) {
	d.problems = append(d.problems, diag.Errorf(d.file, line, format, args...))
}

// warnf records a warning; the configuration is still used.
func (d *decoder) warnf(line int, format string, args ...any) {
	d.cfg.Problems = append(d.cfg.Problems, diag.Warnf(d.file, line, format, args...))
}

func (d *decoder) decodeFile(data []byte) {
	pairs, err := yamlx.DecodeMapping(data, &d.cfg.Params, "the configuration must be settings written as key: value lines")
	if err != nil {
		var yamlErr *yamlx.Error
		if !errors.As(err, &yamlErr) {
			yamlErr = &yamlx.Error{Msg: err.Error()}
		}
		d.errorf(yamlErr.Line, "%s", yamlErr.Msg)
		return
	}
	var lang, language *yaml.Node
	for _, pair := range pairs {
		key, value := pair.Key.Value, pair.Value
		switch key {
		case "lang":
			lang = value
		case "language":
			language = value
		default:
			// Other keys are kept in Params only.
			_ = d.siteSetting(key, value) || d.layoutSetting(key, value)
		}
	}
	// Jekyll themes read lang; some sites say language. lang wins, as in Jekyll's SEO tag.
	for _, n := range []*yaml.Node{language, lang} {
		if n != nil {
			d.text("lang", n, &d.cfg.Language)
		}
	}
	d.siteURL()
	d.applyDefaults()
}

// siteSetting reads one setting about the site itself; it reports whether
// key is one.
func (d *decoder) siteSetting(key string, value *yaml.Node) bool {
	switch key {
	case "title":
		d.text(key, value, &d.cfg.Title)
	case "description":
		d.text(key, value, &d.cfg.Description)
	case "author":
		d.author(value)
	case "url":
		d.urlNode = value
	case "baseurl":
		d.baseURLNode = value
	case "permalink":
		d.text(key, value, &d.cfg.Permalink)
		*d.permalink = permalinkKey{set: d.cfg.Permalink != "", line: value.Line}
	case "timezone":
		d.timezone(value)
	case "paginate":
		d.paginate(value)
	case "series":
		d.text(key, value, &d.cfg.Series)
	case "markdown":
		d.markdown(value)
	case "publish":
		d.publish(value)
	case "headers":
		d.headers(value)
	case "defaults":
		d.defaults(value)
	case "future":
		d.decode(key, value, &d.cfg.Future, "true or false")
	case "unpublished":
		d.decode(key, value, &d.cfg.Unpublished, "true or false")
	default:
		return false
	}
	return true
}

// layoutSetting reads one setting about where things are and which files
// are read; it reports whether key is one.
func (d *decoder) layoutSetting(key string, value *yaml.Node) bool {
	switch key {
	case "posts_dir":
		d.folder(key, value, &d.dirs.posts)
	case "drafts_dir":
		d.folder(key, value, &d.dirs.drafts)
	case "templates_dir":
		d.folder(key, value, &d.dirs.templates)
	case "static_dir":
		d.folder(key, value, &d.dirs.static)
	case "includes_dir":
		d.folder(key, value, &d.dirs.includes)
	case "data_dir":
		d.folder(key, value, &d.dirs.data)
	case "pages_dir":
		d.folder(key, value, &d.dirs.pages)
	case "include":
		d.cfg.Include = nil // the author's list replaces Jekyll's default
		d.list(key, value, &d.cfg.Include)
	case "exclude":
		d.list(key, value, &d.cfg.Exclude)
	case "keep_files":
		d.cfg.KeepFiles = nil // the author's list replaces Jekyll's default
		d.list(key, value, &d.cfg.KeepFiles)
	default:
		return false
	}
	return true
}

// applyDefaults restores defaults the author blanked out (e.g. "series:"),
// because an empty permalink or series name is never what was meant.
func (d *decoder) applyDefaults() {
	if d.cfg.Permalink == "" {
		d.cfg.Permalink = defaultPermalink(d.file)
	}
	if d.cfg.Series == "" {
		d.cfg.Series = DefaultSeries
	}
	if d.cfg.Language == "" {
		d.cfg.Language = defaultLanguage
	}
}

// decode decodes value into out, reporting a type mismatch as "key: want
// <want>, got ..." on the value's line.
func (d *decoder) decode(key string, value *yaml.Node, out any, want string) bool {
	if err := value.Decode(out); err != nil {
		var typeErr *yaml.TypeError
		if !errors.As(err, &typeErr) {
			line, msg := yamlx.Split(err)
			d.errorf(line, "%s: %s", key, msg)
			return false
		}
		d.errorf(value.Line, "%s: want %s, got %s", key, want, describe(value))
		return false
	}
	return true
}

// describe names what the author wrote, for type-mismatch messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func (d *decoder) text(key string, value *yaml.Node, out *string) {
	if value.Kind != yaml.ScalarNode {
		d.errorf(value.Line, "%s: want text, got %s", key, describe(value))
		return
	}
	var s string
	if d.decode(key, value, &s, "text") {
		*out = strings.TrimSpace(s)
	}
}

// author accepts a name, or a map with a name as Jekyll themes
// (minima, jekyll-seo-tag) expect: author: {name: ..., email: ...}.
func (d *decoder) author(value *yaml.Node) {
	if value.Kind == yaml.MappingNode {
		var a struct {
			Name string `yaml:"name"`
		}
		if d.decode("author", value, &a, "a name, or a map with a name") {
			d.cfg.Author = strings.TrimSpace(a.Name)
		}
		return
	}
	d.text("author", value, &d.cfg.Author)
}

func (d *decoder) timezone(value *yaml.Node) {
	var name string
	d.text("timezone", value, &name)
	if name == "" {
		return
	}
	if name == "Local" {
		d.errorf(value.Line, `timezone: "Local" would make the site depend on the machine building it; use an IANA name such as Europe/London`)
		return
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		d.errorf(value.Line, "timezone: unknown time zone %q; use an IANA name such as Europe/London or America/Chicago", name)
		return
	}
	d.cfg.Timezone = name
	d.cfg.Location = loc
}

func (d *decoder) paginate(value *yaml.Node) {
	var n int
	if !d.decode("paginate", value, &n, "a whole number of posts per page") {
		return
	}
	switch {
	case n < 0:
		d.errorf(value.Line, "paginate: want a whole number of posts per page, got %d", n)
	case n == 0:
		d.cfg.Paginate = DefaultPaginate
	default:
		d.cfg.Paginate = n
	}
}

// publish reads the named targets: each a URL, or a map with the URL and
// the CDN in front of it (url: s3://..., cdn: cloudfront://...).
func (d *decoder) publish(value *yaml.Node) {
	if value.Kind == yaml.ScalarNode && value.Tag == "!!null" {
		return // "publish:" with nothing after it
	}
	if value.Kind != yaml.MappingNode {
		d.errorf(value.Line, "publish: want a map of target names to URLs, got %s", describe(value))
		return
	}
	for i := 0; i+1 < len(value.Content); i += 2 {
		name, target := value.Content[i].Value, value.Content[i+1]
		var t struct {
			URL string `yaml:"url"`
			CDN string `yaml:"cdn"`
		}
		switch {
		case target.Kind == yaml.ScalarNode:
			d.text("publish: "+name, target, &t.URL)
		case target.Kind == yaml.MappingNode && d.decode("publish: "+name, target, &t, "a URL, or a map with url and cdn"):
			if t.URL == "" {
				d.errorf(target.Line, "publish: %s: want url: with the target's URL", name)
				continue
			}
		default:
			d.errorf(target.Line, "publish: %s: want a URL, or a map with url and cdn, got %s", name, describe(target))
			continue
		}
		d.cfg.Publish[name] = strings.TrimSpace(t.URL)
		if t.CDN != "" {
			d.cfg.PublishCDN[name] = strings.TrimSpace(t.CDN)
		}
	}
}

func (d *decoder) headers(value *yaml.Node) {
	if value.Kind != yaml.SequenceNode {
		d.errorf(value.Line, "headers: want a list of {glob, cache_control, gzip}, got %s", describe(value))
		return
	}
	rules := make([]HeaderRule, 0, len(value.Content))
	for _, item := range value.Content {
		if rule, ok := d.headerRule(item); ok {
			rules = append(rules, rule)
		}
	}
	d.cfg.Headers = rules
}

// headerRule reads one rule field by field, so that a mistake is reported on
// its own line and an unknown key (a typo of cache_control) is not ignored.
func (d *decoder) headerRule(item *yaml.Node) (HeaderRule, bool) {
	var rule HeaderRule
	if item.Kind != yaml.MappingNode {
		d.errorf(item.Line, "headers: want {glob, cache_control, gzip}, got %s", describe(item))
		return rule, false
	}
	ok := true
	globLine := item.Line
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, value := item.Content[i], item.Content[i+1]
		switch key.Value {
		case "glob":
			d.text("headers: glob", value, &rule.Glob)
			globLine = value.Line
		case "cache_control":
			d.text("headers: cache_control", value, &rule.CacheControl)
		case "gzip":
			ok = d.decode("headers: gzip", value, &rule.Gzip, "true or false") && ok
		default:
			d.errorf(key.Line, "headers: unknown key %q; a rule has glob, cache_control and gzip", key.Value)
			ok = false
		}
	}
	// Compiled here, once: publish matches with what was checked here.
	g, err := glob.Compile(rule.Glob)
	if err != nil {
		d.errorf(globLine, "headers: glob %q is not a valid pattern (e.g. \"**.html\" or \"static/**\")", rule.Glob)
		return rule, false
	}
	rule.Match = g
	return rule, ok
}

// folder reads a folder key, which must stay inside the site root.
func (d *decoder) folder(key string, value *yaml.Node, out *string) {
	var dir string
	d.text(key, value, &dir)
	if dir == "" {
		return
	}
	clean := path.Clean(strings.TrimSuffix(dir, "/"))
	if !fs.ValidPath(clean) || clean == "." {
		d.errorf(value.Line, "%s: %q must be a folder inside the site, written with / and without ..", key, dir)
		return
	}
	*out = clean
}

// siteURL normalises url and baseurl together: a path written in url (as
// Hugo's baseURL has it) becomes the baseurl when none is given.
func (d *decoder) siteURL() {
	var raw, base string
	if d.urlNode != nil {
		d.text("url", d.urlNode, &raw)
	}
	if d.baseURLNode != nil {
		d.text("baseurl", d.baseURLNode, &base)
	}
	base = normaliseBaseURL(base)
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			d.errorf(d.urlNode.Line, "url: %q must be a scheme and host, e.g. https://example.org", raw)
			return
		}
		if p := normaliseBaseURL(u.Path); p != "" {
			if base != "" && base != p {
				d.errorf(d.urlNode.Line, "url: has the path %s while baseurl is %s; give the path only in baseurl", p, base)
				return
			}
			base = p
		}
		d.cfg.URL = u.Scheme + "://" + u.Host
	}
	d.cfg.BaseURL = base
}

// normaliseBaseURL gives "" or "/x/y": one leading slash, none trailing.
func normaliseBaseURL(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "/")
	if s == "" {
		return ""
	}
	return path.Clean("/" + s)
}

// defaultPermalink is the URL pattern of a site configured by file that
// names none: a Jekyll blog keeps Jekyll's default URLs, so that links to it
// keep working when it moves to weeknotes.
func defaultPermalink(file string) string {
	if strings.HasPrefix(file, "_config.") {
		return JekyllPermalink
	}
	return DefaultPermalink
}
