package content

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// Title sources, recorded in Post.TitleSource so that checks and templates
// can tell a title the author wrote from one made up.
const (
	TitleFromFrontMatter = "front matter"
	TitleFromHeading     = "heading"
	TitleFromFirstLine   = "first line"
	TitleFromSlug        = "slug"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// dateHint is how to write a date, for messages about dates that do not parse.
const dateHint = "write it as 2021-11-19, 2021-11-19 08:00 or 2021-11-19 08:00:00 -0600"

// Parse parses one source file. path is the slash path relative to the site
// root; postsDir is the posts folder it was found under (to compute
// RelName); loc is the site's time zone (nil means UTC).
//
// It never fails: the post is returned filled as far as the file allows,
// with diagnostics for what is wrong, so that a preview can still show it.
// Body aliases src. Front matter last_modified_at and updated, when they
// parse as dates, are stored in Params as time.Time in loc.
func Parse(path, postsDir string, src []byte, loc *time.Location) (*Post, []diag.Diagnostic) {
	return parse(path, postsDir, src, rules{loc: loc}, false, time.Time{})
}

// ParseSite parses one source file of the site cfg describes, with its
// rules: its time zone, and Jekyll's rules for a site in Jekyll's layout.
func ParseSite(cfg *config.Config, path, postsDir string, src []byte) (*Post, []diag.Diagnostic) {
	return parse(path, postsDir, src, rulesOf(cfg), false, time.Time{})
}

// ParseDraft parses one draft (a file of a drafts folder) of the site cfg
// describes. In Jekyll's layout a draft without a date in its front matter
// or name is dated by modTime, the file's modification time, as Jekyll
// dates it, so that it gets a URL from the site's permalink.
func ParseDraft(cfg *config.Config, path, draftsDir string, src []byte, modTime time.Time) (*Post, []diag.Diagnostic) {
	return parse(path, draftsDir, src, rulesOf(cfg), true, modTime)
}

// rules are the site-wide settings that parsing a post depends on.
type rules struct {
	loc    *time.Location
	jekyll bool           // read categories and slugs as Jekyll does
	cfg    *config.Config // for front matter defaults; nil for none
}

func rulesOf(cfg *config.Config) rules {
	return rules{loc: cfg.Location, jekyll: cfg.Jekyll, cfg: cfg}
}

// params are every front matter key, over the defaults.
func (ps *parser) params() map[string]any {
	var fm map[string]any
	if ps.fm != nil {
		fm = ps.fm.values
	}
	if len(ps.defaults) == 0 {
		if fm == nil {
			return map[string]any{}
		}
		return fm
	}
	out := make(map[string]any, len(fm)+len(ps.defaults))
	for k, v := range ps.defaults {
		out[k] = v
	}
	for k, v := range fm {
		out[k] = v
	}
	return out
}

// parser holds the state of parsing one file.
type parser struct {
	post     *Post
	src      []byte
	loc      *time.Location
	inDrafts bool // read from the drafts folder: undated is expected there
	jekyll   bool
	modTime  time.Time // a draft's modification time, its date in Jekyll's layout

	fm       *matter // nil without (valid) front matter
	fmBroken bool    // a front matter was opened but could not be read

	// defaults are the configuration's front matter defaults for the file,
	// used for every key its front matter does not have.
	defaults map[string]any

	badNameDate bool // the file name's date prefix is not a real date (already reported)

	diags []diag.Diagnostic
}

func parse(file, dir string, src []byte, r rules, inDrafts bool, modTime time.Time) (*Post, []diag.Diagnostic) {
	if r.loc == nil {
		r.loc = time.UTC
	}
	hash := xxhash.Sum64(src)
	src, bad := decodeUTF16(file, src)
	if bad != nil {
		// Nothing of the file can be read as it is meant.
		p := &Post{Path: file, Hash: hash, Jekyll: r.jekyll}
		p.Name, p.RelName = names(file, dir)
		return p, []diag.Diagnostic{*bad}
	}
	p := &Post{Path: file, Published: true, Liquid: true, Hash: hash, Jekyll: r.jekyll}
	p.Name, p.RelName = names(file, dir)
	switch strings.ToLower(path.Ext(file)) {
	case ".html", ".htm":
		p.HTML = true
	}
	ps := &parser{post: p, src: src, loc: r.loc, inDrafts: inDrafts, jekyll: r.jekyll, modTime: modTime}
	if r.cfg != nil {
		ps.defaults = r.cfg.DefaultValues(file, "posts")
	}
	ps.diags = checkEncoding(file, src)

	bodyStart := ps.splitFrontMatter()
	p.Params = ps.params()
	ps.readFields()
	bodyStart = ps.findTitle(bodyStart)
	ps.findDate()
	ps.findSlug()
	if p.Title == "" {
		p.Title, p.TitleSource = titleFromSlug(p.Slug), TitleFromSlug
	}
	ps.markDraft()

	p.Body = src[bodyStart:]
	p.BodyLine = 1 + bytes.Count(src[:bodyStart], []byte{'\n'})
	return p, ps.diags
}

func (ps *parser) errorf(line int, format string, args ...any) {
	ps.diags = append(ps.diags, diag.Errorf(ps.post.Path, line, format, args...))
}

func (ps *parser) warnf(line int, format string, args ...any) {
	ps.diags = append(ps.diags, diag.Warnf(ps.post.Path, line, format, args...))
}

// splitFrontMatter decodes the front matter, if the file opens with one, and
// returns the offset in src where the body starts.
func (ps *parser) splitFrontMatter() int {
	bom := 0
	if bytes.HasPrefix(ps.src, utf8BOM) {
		bom = len(utf8BOM)
	}
	data := ps.src[bom:]
	first, _ := lineAfter(data, 0)
	format := openingFormat(first)
	if format == nil {
		return bom
	}
	m := &matter{firstLine: 2}
	if format.UnmarshalDelims {
		m.firstLine = 1
	}
	end, err := decodeFrontMatter(data, format, m)
	if err != nil {
		ps.fmBroken = true
		var blockErr *blockError
		if errors.As(err, &blockErr) {
			line := 1
			if blockErr.line > 0 {
				line = m.firstLine + blockErr.line - 1
			}
			ps.errorf(line, "front matter: %s", blockErr.msg)
		} else {
			ps.errorf(1, "front matter: %v", err)
		}
		return bom
	}
	if !m.closed {
		// No closing delimiter: usually a file caught half-saved by the
		// preview server. Reading it as body would publish the raw keys.
		ps.fmBroken = true
		closing := fmt.Sprintf("a %q line", format.End)
		if format.RequiresNewLine {
			closing += " followed by a blank line"
		}
		ps.errorf(1, "front matter opened with %q is never closed: add %s after its last key", format.Start, closing)
		return bom
	}
	ps.fm = m
	return bom + end
}

// value returns a front matter value; absent and null are the same.
func (ps *parser) value(key string) (any, bool) {
	if ps.fm != nil {
		if v, ok := ps.fm.values[key]; ok {
			// An explicit null in front matter clears a default too.
			return v, v != nil
		}
	}
	v, ok := ps.defaults[key]
	return v, ok && v != nil
}

// raw returns the YAML source text of a scalar value.
func (ps *parser) raw(key string) (string, bool) {
	if ps.fm == nil {
		return "", false
	}
	s, ok := ps.fm.raw[key]
	return s, ok
}

// seriesName reads the series key: text, or, as Hugo's series taxonomy
// writes it, a list of one name. A post belongs to one series, so a longer
// list is an error rather than a silent choice.
func (ps *parser) seriesName() string {
	v, ok := ps.value("series")
	list, isList := v.([]any)
	if !ok || !isList {
		return ps.text("series")
	}
	switch {
	case len(list) == 0:
		return ""
	case len(list) > 1:
		ps.warnf(ps.fm.line("series"), "series: a post belongs to one series, got %d; the first, %s, is used", len(list), describe(list[0]))
	}
	switch name := list[0].(type) {
	case string:
		return strings.TrimSpace(name)
	case []any, map[string]any, nil:
		ps.warnf(ps.fm.line("series"), "series: want a name, got %s; the post is in no series", describe(name))
		return ""
	default:
		return rubyString(name)
	}
}

// text reads a value written as text. Numbers and the like are text too
// ("title: 2021"); YAML values are taken as written, so "title: 2021-01-10"
// is not turned into a time.
func (ps *parser) text(key string) string {
	if s, ok := ps.raw(key); ok {
		return strings.TrimSpace(s)
	}
	v, ok := ps.value(key)
	if !ok {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case []any, map[string]any:
		// Jekyll uses the value's to_s; so does weeknotes, saying so.
		text := rubyString(v)
		ps.warnf(ps.fm.line(key), "%s: want text, got %s; used as %s, as Jekyll would", key, describe(v), strconv.Quote(text))
		return text
	case time.Time:
		return v.Format(time.DateOnly)
	default:
		return fmt.Sprint(v)
	}
}

// flag reads a true/false value. YAML 1.2 reads yes and no as text, but
// authors coming from YAML 1.1 (Jekyll) still write them.
func (ps *parser) flag(key string) (value, present bool) {
	v, ok := ps.value(key)
	if !ok {
		return false, false
	}
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "on":
			return true, true
		case "false", "no", "off":
			return false, true
		}
	}
	// Jekyll leaves out only a post whose published is false; anything
	// else leaves the setting as it was.
	ps.warnf(ps.fm.line(key), "%s: want true or false, got %s; left as if not given", key, describe(v))
	return false, false
}

// number reads a whole number ≥ 0, also written as a string of digits
// (episode: "07").
func (ps *parser) number(key string) int {
	v, ok := ps.value(key)
	if !ok {
		return 0
	}
	if s, ok := ps.raw(key); ok {
		v = s // "episode: 08" is 8, not a failed octal number
	}
	n := -1
	switch v := v.(type) {
	case int:
		n = v
	case int64:
		if v <= math.MaxInt32 {
			n = int(v)
		}
	case uint64:
		if v <= math.MaxInt32 {
			n = int(v)
		}
	case float64:
		if v == math.Trunc(v) && v <= math.MaxInt32 {
			n = int(v)
		}
	case string:
		if i, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			n = i
		}
	}
	if n < 0 {
		ps.warnf(ps.fm.line(key), "%s: want a whole number, got %s; left as if not given", key, describe(v))
		return 0
	}
	return n
}

// words reads tags or categories: a list, or words separated by spaces as
// in Jekyll (commas are separators too, since "tags: go, web" means two tags).
func (ps *parser) words(keys ...string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.TrimSpace(w)
		if k := strings.ToLower(w); w != "" && !seen[k] {
			seen[k] = true
			out = append(out, w)
		}
	}
	for _, key := range keys {
		v, ok := ps.value(key)
		if !ok {
			continue
		}
		switch v := v.(type) {
		case string:
			for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
				add(w)
			}
		case []any:
			for _, item := range v {
				switch item := item.(type) {
				case nil:
				case []any, map[string]any:
					// Jekyll keeps the item; where it shows it, it shows its to_s.
					text := rubyString(item)
					ps.warnf(ps.fm.line(key), "%s: want a list of words, got %s in the list; used as %s, as Jekyll would", key, describe(item), strconv.Quote(text))
					add(text)
				default:
					add(rubyString(item))
				}
			}
		case map[string]any:
			ps.warnf(ps.fm.line(key), "%s: want a list or words separated by spaces, got a map; left out, as Jekyll leaves it out", key)
		default:
			add(rubyString(v))
		}
	}
	return out
}

// date reads a date value, reporting one that does not parse with sev.
func (ps *parser) date(key string, sev diag.Severity) (time.Time, bool) {
	v, ok := ps.value(key)
	if !ok {
		return time.Time{}, false
	}
	raw, hasRaw := ps.raw(key)
	if t, ok := dateValue(v, raw, hasRaw, ps.loc); ok {
		return t, true
	}
	written := describe(v)
	text, isText := v.(string)
	if hasRaw {
		written, text, isText = strconv.Quote(raw), raw, true
	}
	if t, ok := lenientDate(text, ps.loc); ok && isText {
		read := t.Format("2006-01-02 15:04:05 -0700")
		ps.warnf(ps.fm.line(key), "%s: %s is not a date as written; it is read as %s, as Jekyll reads it; write it as %s", key, written, read, read)
		return t, true
	}
	ps.diags = append(ps.diags, diag.Diagnostic{
		Severity: sev,
		File:     ps.post.Path,
		Line:     ps.fm.line(key),
		Message:  fmt.Sprintf("%s: cannot read %s as a date; %s", key, written, dateHint),
	})
	return time.Time{}, false
}

// readFields fills the post from its front matter, except title, date and
// slug, which have fallbacks of their own.
func (ps *parser) readFields() {
	p := ps.post
	if ps.fm == nil && ps.defaults == nil {
		return
	}
	// A title is one line in <title>, feeds and links, however the YAML wraps it.
	p.Title = strings.Join(strings.Fields(ps.text("title")), " ")
	if p.Title != "" {
		p.TitleSource = TitleFromFrontMatter
	}
	p.Excerpt = ps.text("excerpt")
	p.Description = ps.text("description")
	if p.Subtitle = ps.text("sub-title"); p.Subtitle == "" {
		p.Subtitle = ps.text("subtitle")
	}
	p.Author = ps.author()
	p.Layout = ps.text("layout")
	p.Permalink = ps.text("permalink")
	if p.Permalink != "" {
		p.URLLine = ps.fm.line("permalink")
		if err := config.CheckPermalinkPath(p.Permalink); err != nil {
			ps.errorf(p.URLLine, "permalink: %v", err)
			p.Permalink = "" // the site's pattern, so that this is the one error about it
		}
	} else if _, ok := ps.value("slug"); ok {
		p.URLLine = ps.fm.line("slug")
	}
	p.Tags = ps.words("tag", "tags")
	if p.Jekyll {
		p.Categories = ps.jekyllCategories()
	} else {
		p.Categories = ps.words("category", "categories")
	}
	p.SeriesName = ps.seriesName()
	p.Season = ps.number("season")
	p.Episode = ps.number("episode")
	if liquid, ok := ps.flag("render_with_liquid"); ok {
		p.Liquid = liquid
	}
	if published, ok := ps.flag("published"); ok {
		p.Published = published
	}
	if draft, ok := ps.flag("draft"); ok {
		p.Draft = draft
	}
	for _, key := range []string{"last_modified_at", "updated"} {
		if t, ok := ps.date(key, diag.Warning); ok {
			p.Params[key] = t
		}
	}
}

// author reads a name, or a map with a name as Jekyll themes use.
func (ps *parser) author() string {
	if v, ok := ps.value("author"); ok {
		if m, isMap := v.(map[string]any); isMap {
			name, _ := m["name"].(string)
			return strings.TrimSpace(name)
		}
	}
	return ps.text("author")
}

// findTitle settles the title from the body when the front matter has none,
// and drops a leading heading that repeats it. It returns where the body
// now starts.
func (ps *parser) findTitle(bodyStart int) int {
	p := ps.post
	body := ps.src[bodyStart:]
	heading, end, hasHeading := leadingHeading(body)
	switch {
	case p.Title != "":
		if hasHeading && sameTitle(heading, p.Title) {
			return bodyStart + end
		}
	case hasHeading && heading != "":
		p.Title, p.TitleSource = heading, TitleFromHeading
		return bodyStart + end
	case ps.fm == nil && !ps.fmBroken:
		if title, end, ok := firstLineTitle(body); ok {
			p.Title, p.TitleSource = title, TitleFromFirstLine
			return bodyStart + end
		}
	}
	return bodyStart
}

// findDate takes the front matter date, else the file name's.
func (ps *parser) findDate() {
	p := ps.post
	if t, ok := ps.date("date", diag.Error); ok {
		p.Date, p.HasDate = t, true
		return
	}
	_, hasFrontMatterDate := ps.value("date")
	year, month, day, _, found, valid := fileNameDate(p.Name)
	switch {
	case found && valid:
		p.Date = time.Date(year, time.Month(month), day, 0, 0, 0, 0, ps.loc)
		p.HasDate = !hasFrontMatterDate // a bad front matter date is not silently replaced
	case found && !hasFrontMatterDate:
		ps.badNameDate = true
		ps.errorf(0, "the file name starts with %04d-%02d-%02d, which is not a date; rename it to YYYY-MM-DD-%s", year, month, day, ps.nameAfterDate())
	case !found && !hasFrontMatterDate && ps.inDrafts && ps.jekyll && !ps.modTime.IsZero():
		// Jekyll dates an undated draft by its file's modification time.
		p.Date, p.HasDate, p.DateFromModTime = ps.modTime.In(ps.loc), true, true
	}
	if !p.HasDate {
		p.Date = time.Time{}
	}
}

// nameAfterDate is the file name without its date prefix, with extension.
func (ps *parser) nameAfterDate() string {
	p := ps.post
	_, _, _, rest, found, _ := fileNameDate(p.Name)
	if !found {
		rest = p.Name
	}
	return rest + path.Ext(p.Path)
}

// findSlug takes the front matter slug, else the file name after the date,
// else the title, else the whole file name.
func (ps *parser) findSlug() {
	p := ps.post
	_, _, _, rest, _, _ := fileNameDate(p.Name)
	p.SlugSource = strings.TrimRight(rest, ".")
	if s, ok := ps.raw("slug"); ok && strings.TrimSpace(s) != "" {
		p.SlugSource = s
	} else if v, ok := ps.value("slug"); ok {
		p.SlugSource = fmt.Sprint(v)
	}
	for _, candidate := range []string{ps.text("slug"), rest, p.Title, p.Name} {
		if slug := Slugify(candidate); slug != "" {
			p.Slug = slug
			return
		}
	}
	p.Slug = "post"
}

// markDraft makes an undated post a draft and tells the author how to date
// it. The example date is the literal YYYY-MM-DD so that output does not
// change from day to day.
func (ps *parser) markDraft() {
	p := ps.post
	if ps.inDrafts {
		p.Draft = true
		return
	}
	if p.HasDate {
		return
	}
	if _, hasFrontMatterDate := ps.value("date"); hasFrontMatterDate || ps.badNameDate {
		p.Draft = true // the date did not parse; that error says what to do
		return
	}
	p.Draft = true
	add := `add front matter with "date: YYYY-MM-DD" at its top`
	if ps.fm != nil {
		switch ps.fm.format {
		case "TOML":
			add = `add "date = YYYY-MM-DD" to its front matter`
		case "JSON":
			add = `add a "date" key with a YYYY-MM-DD value to its front matter`
		default:
			add = `add "date: YYYY-MM-DD" to its front matter`
		}
	}
	ps.warnf(0, "no date: treated as a draft; rename it to YYYY-MM-DD-%s or %s", ps.nameAfterDate(), add)
}

// jekyllCategories are a post's categories as Jekyll gathers them: the
// folders above _posts, then the categories key (a list, or words
// separated by white space), then category (one category, spaces and
// all) or, without it, categories again; each kept once, in that order.
func (ps *parser) jekyllCategories() []string {
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, c := range folderCategories(ps.post.Path) {
		add(c)
	}
	for _, c := range listValue(ps.defaults["categories"], true) {
		add(c) // defaults are merged before the front matter
	}
	plural := ps.jekyllList("categories", true)
	for _, c := range plural {
		add(c)
	}
	if _, ok := ps.value("category"); ok {
		plural = ps.jekyllList("category", false)
	}
	for _, c := range plural {
		add(c)
	}
	return out
}

// jekyllList reads a list value as Jekyll does: each item as its text;
// a string split at white space when split is set, else one item.
func (ps *parser) jekyllList(key string, split bool) []string {
	v, _ := ps.value(key)
	return listValue(v, split)
}

func listValue(v any, split bool) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if split {
			return strings.Fields(v)
		}
		return []string{strings.TrimSpace(v)}
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			if item != nil {
				out = append(out, rubyString(item))
			}
		}
		return out
	}
	return []string{rubyString(v)}
}
