package content

import (
	"path"
	"strconv"
	"strings"

	"github.com/weeknotes/weeknotes/internal/config"
)

// Permalink expands a permalink pattern for a post, without baseurl. The
// post's own front matter permalink, if any, is used instead of pattern.
// Patterns are Jekyll's: a named style (date, pretty, ordinal, weekdate,
// none) or a path with placeholders
//
//	:year :month :day :i_month :i_day :short_year :y_day :hour :minute :second
//	:week :w_year :w_day :short_day :long_day :short_month :long_month
//	:title :slug :categories :slugified_categories :output_ext
//
// :title and :slug are the post's slug; :categories are its categories,
// slugified so that every URL is a plain path, joined with "/", with empty
// ones left out. An unknown placeholder stays as written. Repeated slashes
// are collapsed. A post without a date gets /drafts/<slug>/ whatever the
// pattern, since its date placeholders would be empty.
func Permalink(pattern string, p *Post) string {
	if !p.HasDate {
		return "/drafts/" + p.Slug + "/"
	}
	if p.Permalink != "" {
		pattern = p.Permalink
	}
	pattern = config.ExpandStyle(pattern)
	if p.Jekyll {
		return jekyllPermalink(pattern, p)
	}
	var b strings.Builder
	b.Grow(len(pattern) + len(p.Slug) + 16)
	for i := 0; i < len(pattern); {
		if pattern[i] == ':' {
			end := i + 1
			for end < len(pattern) && (pattern[end] >= 'a' && pattern[end] <= 'z' || pattern[end] == '_') {
				end++
			}
			if value, ok := placeholder(pattern[i+1:end], p); ok {
				b.WriteString(value)
				i = end
				continue
			}
		}
		b.WriteByte(pattern[i])
		i++
	}
	return collapseSlashes(b.String())
}

// placeholder returns the value of one permalink placeholder for p.
func placeholder(name string, p *Post) (string, bool) {
	d := p.Date
	switch name {
	case "year":
		return pad(d.Year(), 4), true
	case "month":
		return pad(int(d.Month()), 2), true
	case "day":
		return pad(d.Day(), 2), true
	case "i_month":
		return strconv.Itoa(int(d.Month())), true
	case "i_day":
		return strconv.Itoa(d.Day()), true
	case "short_year":
		return pad(d.Year()%100, 2), true
	case "y_day":
		return pad(d.YearDay(), 3), true
	case "hour":
		return pad(d.Hour(), 2), true
	case "minute":
		return pad(d.Minute(), 2), true
	case "second":
		return pad(d.Second(), 2), true
	case "week":
		_, week := d.ISOWeek()
		return pad(week, 2), true
	case "w_year":
		year, _ := d.ISOWeek()
		return pad(year, 4), true
	case "w_day":
		// ISO numbering, as Jekyll's %u: Monday is 1, Sunday 7.
		return strconv.Itoa((int(d.Weekday())+6)%7 + 1), true
	case "short_day":
		return d.Format("Mon"), true
	case "long_day":
		return d.Format("Monday"), true
	case "short_month":
		return d.Format("Jan"), true
	case "long_month":
		return d.Format("January"), true
	case "title", "slug":
		return p.Slug, true
	case "categories", "slugified_categories":
		parts := make([]string, 0, len(p.Categories))
		for _, c := range p.Categories {
			if s := Slugify(c); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "/"), true
	case "output_ext":
		return ".html", true
	}
	return "", false
}

// pad formats n with at least width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width && n >= 0 {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// collapseSlashes makes s start with one slash and have no empty segments.
// It does not clean "." or ".." segments: patterns come from the author and
// are used as written.
func collapseSlashes(s string) string {
	out := make([]byte, 1, len(s)+1)
	out[0] = '/'
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && out[len(out)-1] == '/' {
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// jekyllPermalink expands pattern as Jekyll's URL does for a post: every
// placeholder (see config.Placeholders) replaced by its value escaped for a
// URL, an unknown one left as written (the configuration or the front
// matter reports it), then the result sanitised.
func jekyllPermalink(pattern string, p *Post) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(pattern, -1) {
		name, ok := config.PlaceholderName(pattern[m[2]:m[3]])
		if !ok {
			continue
		}
		b.WriteString(pattern[last:m[0]])
		b.WriteString(escapePath(jekyllPlaceholder(name, p)))
		last = m[0] + 1 + len(name) // a trailing "_" not in the name stays
	}
	b.WriteString(pattern[last:])
	return sanitizeURL(b.String())
}

// placeholderRE finds placeholders as Jekyll does.
var placeholderRE = regexpPlaceholder()

// jekyllPlaceholder is the value of one placeholder for a post, as Jekyll's
// URL drop has it.
func jekyllPlaceholder(name string, p *Post) string {
	switch name {
	case "title":
		return jekyllSlugify(p.SlugSource, true, true)
	case "slug":
		return jekyllSlugify(p.SlugSource, false, false)
	case "name":
		return jekyllSlugify(p.Name, false, false)
	case "categories":
		return jekyllCategoryPath(p.Categories, false)
	case "slugified_categories":
		return jekyllCategoryPath(p.Categories, true)
	case "collection":
		return "posts"
	case "path":
		rel := strings.TrimSuffix(p.Path, path.Ext(p.Path))
		return strings.TrimRight(strings.Replace(rel, "_posts", "", 1), ".")
	}
	v, _ := placeholder(name, p)
	return v
}
