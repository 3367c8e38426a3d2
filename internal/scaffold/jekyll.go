package scaffold

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Note is one thing `weeknotes init --from-jekyll` says about a Jekyll
// setting: what happened to it and why.
type Note struct {
	Key     string // the _config.yml key
	Line    int    // its line in _config.yml
	Message string // what happened to it
}

// jekyllOnly are Jekyll settings that mean nothing to weeknotes, and why.
var jekyllOnly = map[string]string{
	"theme":           "weeknotes renders with its own theme; put any layouts to keep in templates/",
	"remote_theme":    "weeknotes renders with its own theme; put any layouts to keep in templates/",
	"plugins":         "Jekyll plugins do not run; feeds, the sitemap and {% post_url %} are built in",
	"gems":            "Jekyll plugins do not run; feeds, the sitemap and {% post_url %} are built in",
	"whitelist":       "Jekyll plugins do not run",
	"plugins_dir":     "Jekyll plugins do not run",
	"kramdown":        "kramdown's own options are not read: weeknotes reads kramdown's syntax with goldmark, highlighting with chroma",
	"highlighter":     "code is highlighted by chroma",
	"markdown_ext":    "posts are .md or .markdown files",
	"sass":            "Sass is not compiled; put plain CSS in static/",
	"collections":     "only posts (and pages beside them) are built",
	"collections_dir": "only posts (and pages beside them) are built",
	"paginate_path":   "pages of the home page are at /page/N/",
	"exclude":         "weeknotes reads only its own folders",
	"include":         "weeknotes reads only its own folders",
	"source":          "a setting of the jekyll command; use --source",
	"destination":     "a setting of the jekyll command; use --dest",
	"layouts_dir":     "templates are in templates/",
	"includes_dir":    "includes are in templates/includes/",
	"data_dir":        "a setting of the jekyll command",
	"safe":            "a setting of the jekyll command",
	"incremental":     "a setting of the jekyll command; the preview always rebuilds only what changed",
	"future":          "a setting of the jekyll command; use --future",
	"show_drafts":     "a setting of the jekyll command; use --drafts",
	"unpublished":     "a setting of the jekyll command; use --drafts",
	"limit_posts":     "a setting of the jekyll command",
	"encoding":        "posts are read as UTF-8",
	"port":            "a setting of jekyll serve; use weeknotes serve --port",
	"host":            "a setting of jekyll serve; use weeknotes serve --bind",
	"livereload":      "the preview always reloads on save",
	"profile":         "a setting of the jekyll command; use build --cpuprofile",
	"quiet":           "a setting of the jekyll command; use --quiet",
	"verbose":         "a setting of the jekyll command",
}

// weeknotesKeys are the keys weeknotes acts on; any other key is kept for
// templates (site.KEY) only.
var weeknotesKeys = map[string]bool{
	"title": true, "description": true, "author": true, "url": true, "baseurl": true,
	"permalink": true, "timezone": true, "paginate": true, "lang": true, "language": true,
	"series": true, "publish": true, "headers": true, "defaults": true, "markdown": true,
	"posts_dir": true, "drafts_dir": true, "templates_dir": true, "static_dir": true,
}

// FromJekyll turns a Jekyll _config.yml into a weeknotes.yaml that builds
// the same blog: every setting weeknotes reads is carried over as written,
// settings of Jekyll itself (theme, plugins, kramdown...) are left out,
// and the defaults that differ are written out. The notes say what was
// left out or changed, and why; each names its line in _config.yml.
func FromJekyll(config []byte) ([]byte, []Note, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(config, &doc); err != nil {
		return nil, nil, fmt.Errorf("_config.yml: %w", err)
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		root = doc.Content[0]
	} else if len(doc.Content) > 0 {
		return nil, nil, fmt.Errorf("_config.yml:%d: want settings written as key: value lines", doc.Content[0].Line)
	}
	out := &yaml.Node{Kind: yaml.MappingNode}
	var notes, kept []Note
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		seen[k.Value] = true
		if why, ok := jekyllOnly[k.Value]; ok {
			notes = append(notes, Note{k.Value, k.Line, "not carried over: " + why})
			continue
		}
		if !weeknotesKeys[k.Value] {
			kept = append(kept, Note{k.Value, k.Line, "kept for templates (site." + k.Value + "); weeknotes itself does not read it"})
		}
		out.Content = append(out.Content, k, v)
	}
	add := func(key, value, comment string) {
		out.Content = append(out.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: key, HeadComment: comment},
			&yaml.Node{Kind: yaml.ScalarNode, Value: value})
	}
	if !seen["permalink"] {
		add("permalink", "date", "Jekyll's default: /:categories/:year/:month/:day/:title.html")
		notes = append(notes, Note{"permalink", 0, `written as "permalink: date", Jekyll's default, which weeknotes.yaml does not assume`})
	}
	if !seen["timezone"] {
		notes = append(notes, Note{"timezone", 0, "none: Jekyll dated posts in the building machine's time zone, weeknotes uses UTC; add timezone: (e.g. Europe/London) if posts' days shift"})
	}
	if !seen["url"] {
		notes = append(notes, Note{"url", 0, "none: add url: with the site's address, which feeds and the sitemap need"})
	}
	notes = append(notes, kept...)
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].Line < notes[j].Line })

	var b bytes.Buffer
	b.WriteString("# Written by weeknotes init --from-jekyll from _config.yml, which weeknotes\n")
	b.WriteString("# no longer reads now that this file exists.\n")
	if len(out.Content) > 0 {
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(out); err != nil {
			return nil, nil, fmt.Errorf("write weeknotes.yaml: %w", err)
		}
		enc.Close()
	}
	return b.Bytes(), notes, nil
}

// String formats a note as "_config.yml:LINE: key: message".
func (n Note) String() string {
	if n.Line > 0 {
		return fmt.Sprintf("_config.yml:%d: %s: %s", n.Line, n.Key, n.Message)
	}
	return fmt.Sprintf("_config.yml: %s: %s", n.Key, strings.TrimSpace(n.Message))
}
