// Package content turns source files into posts: it splits off front matter
// (YAML, TOML or JSON), reads dates, slugs, titles, excerpts, tags and draft
// state with Jekyll's rules, and reports what is wrong with a file as
// diagnostics naming file and line. It knows nothing of rendering.
package content

import (
	"time"
)

// Post is one source file, parsed. Bodies are kept as raw Markdown with
// Liquid; later stages render them.
type Post struct {
	Path    string // slash path relative to the site root, e.g. content/posts/2021/2021-01-10-x.md
	RelName string // path under the posts folder without extension, e.g. 2021/2021-01-10-x (post_url's subfolder form)
	Name    string // file name without extension, e.g. 2021-01-10-x (post_url's plain form)

	Title       string    // front matter, else the leading "# heading", else made from the slug
	TitleSource string    // "front matter", "heading", "slug" or "first line"
	Slug        string    // front matter slug, else from the file name, URL-safe
	SlugSource  string    // Jekyll's data["slug"]: front matter slug, else the file name after the date, as written
	Date        time.Time // in the site's time zone; zero when HasDate is false
	HasDate     bool      // a date came from the front matter or the file name
	// DateFromModTime is set for a draft of a Jekyll layout dated, as in
	// Jekyll, by its file's modification time.
	DateFromModTime bool
	Draft           bool     // no date, draft: true, or read from the drafts folder
	Published       bool     // false when the front matter says published: false
	Excerpt         string   // front matter excerpt (plain text, trimmed), else "" (the renderer takes the first paragraph)
	Description     string   // front matter description
	Subtitle        string   // front matter sub-title or subtitle
	Author          string   // front matter author
	Layout          string   // front matter layout, e.g. "post"
	Permalink       string   // front matter permalink, overriding the site's pattern
	URLLine         int      // the front matter line of permalink, else of slug; 0 when neither decides the URL
	HTML            bool     // the body is HTML (a Jekyll post written as .html), not Markdown
	Liquid          bool     // the body is rendered through Liquid; false with render_with_liquid: false, as in Jekyll
	Tags            []string // tags, from a list or a space-separated string, in file order, de-duplicated
	Categories      []string // categories, likewise

	// Explicit series keys; zero values mean "not given".
	SeriesName string // front matter series
	Season     int    // front matter season
	Episode    int    // front matter episode

	Params map[string]any // every front matter key, known and unknown, for templates (page.Params)

	Body     []byte // Markdown with Liquid, after the front matter, with a leading title heading removed
	BodyLine int    // the 1-based line of the source file on which Body starts, to report body lines as file lines

	Hash uint64 // hash of the whole source file, for incremental rebuilds

	// Jekyll is set when the post was read with Jekyll's rules (a site in
	// Jekyll's layout): its categories include the folders above _posts,
	// and its permalink's :title, :slug and :categories are Jekyll's.
	Jekyll bool
}

// DateString is the post's date as YYYY-MM-DD, the prefix post_url matches on.
func (p *Post) DateString() string {
	if !p.HasDate {
		return ""
	}
	return p.Date.Format("2006-01-02")
}
