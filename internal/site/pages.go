package site

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/series"
)

// siteModel builds what templates see from the included posts, newest
// first: every post, then tags, years and series, which list them.
func (b *Builder) siteModel(included []*postState) (*SiteData, []diag.Diagnostic) {
	cfg := b.cfg
	sd := &SiteData{
		Title: siteTitle(cfg.Title, b.opts.Source, cfg.Author), Description: cfg.Description, Author: cfg.Author,
		URL: cfg.URL, BaseURL: cfg.BaseURL, Language: cfg.Language, Params: cfg.Params,
		Drafts: b.opts.Preview,
	}
	tags := map[string]*TagData{}
	years := map[int]*YearData{}
	fixed := b.fixedPrint()
	for _, ps := range included {
		if ps.fields == nil {
			ps.fields = &fieldSums{}
		}
		pd := b.postData(ps)
		ps.fieldsKey = ownFieldsKey(pd, fixed)
		if n := len(sd.Posts); n > 0 {
			pd.Newer, sd.Posts[n-1].Older = sd.Posts[n-1], pd
		}
		sd.Posts = append(sd.Posts, pd)
		b.addTags(tags, ps)
		if p := ps.post; p.HasDate {
			y := years[p.Date.Year()]
			if y == nil {
				y = &YearData{Year: p.Date.Year()}
				years[p.Date.Year()] = y
			}
			y.Posts = append(y.Posts, pd)
		}
	}
	for _, t := range tags {
		sd.Tags = append(sd.Tags, t)
	}
	sort.Slice(sd.Tags, func(i, j int) bool { return sd.Tags[i].Slug < sd.Tags[j].Slug })
	for _, y := range years {
		sd.Years = append(sd.Years, y)
	}
	sort.Slice(sd.Years, func(i, j int) bool { return sd.Years[i].Year > sd.Years[j].Year })
	if n := len(sd.Years); n > 0 {
		sd.FirstYear, sd.LastYear = sd.Years[n-1].Year, sd.Years[0].Year
	}
	var warnings []diag.Diagnostic
	sd.Series, warnings = b.seriesModel(included)
	return sd, warnings
}

// postData makes one post's template data and links its state to it.
func (b *Builder) postData(ps *postState) *PostData {
	p := ps.post
	author := p.Author
	if author == "" {
		author = b.cfg.Author
	}
	desc := p.Description
	if desc == "" {
		desc = p.Excerpt
	}
	if desc == "" {
		desc = ps.text
	}
	pd := &PostData{
		Title: p.Title, URL: ps.url, Permalink: b.cfg.URL + ps.url, Date: p.Date, Updated: ps.updated,
		Author: author, Description: desc,
		Excerpt: ps.excerpt, Content: ps.html,
		Draft: p.Draft || !p.Published, Future: ps.future, Source: p.Path, Params: p.Params,
		WordCount: ps.words, ReadingTime: max(1, (ps.words+229)/230), state: ps,
	}
	facts := ps.bodyFacts()
	pd.Image, pd.HasCode = postImage(p.Params, facts.image, b.cfg.URL+ps.url), facts.hasCode
	ps.data = pd
	return pd
}

// bodyFacts are what the theme needs to know of a post's rendered body.
type bodyFacts struct {
	of      uint64 // the contentHash they were read from, with known set
	known   bool
	image   string // src of its first image
	hasCode bool   // it has highlighted code
}

// bodyFacts reads them from the body once per change of the body: the
// model is made on every build, and scanning the bodies of thousands of
// posts again on each save in the preview would be wasted.
func (ps *postState) bodyFacts() bodyFacts {
	if !ps.body.known || ps.body.of != ps.contentHash {
		ps.body = readBodyFacts(ps.contentHash, string(ps.html))
	}
	return ps.body
}

// readBodyFacts reads the facts of the body html, whose hash is sum. They
// are read when a body is rendered, and saved with it in the state, so
// that a build from the state does not scan every body again.
func readBodyFacts(sum uint64, html string) bodyFacts {
	return bodyFacts{of: sum, known: true, image: firstImage(html), hasCode: hasHighlightedCode(html)}
}

// addTags files a post under each of its tags, creating tags on first use.
func (b *Builder) addTags(tags map[string]*TagData, ps *postState) {
	pd := ps.data
	for i, name := range ps.post.Tags {
		slug := ps.tagSlugs[i]
		if slug == "" {
			continue
		}
		t := tags[slug]
		if t == nil {
			t = &TagData{Name: name, Slug: slug, URL: joinURL(b.cfg.BaseURL, "/tags/"+slug+"/")}
			tags[slug] = t
		}
		if n := len(t.Posts); n > 0 && t.Posts[n-1] == pd {
			continue // two spellings of one tag ("café", "cafe")
		}
		t.Posts = append(t.Posts, pd)
		pd.Tags = append(pd.Tags, t)
	}
}

// seriesModel orders the posts that belong to a series into seasons and
// episodes, and links each post to its episode and each episode to its
// neighbours. The warnings are about gaps and duplicates in numbering.
func (b *Builder) seriesModel(included []*postState) ([]*SeriesData, []diag.Diagnostic) {
	var entries []series.Entry
	byPath := make(map[string]*postState, len(included))
	for _, ps := range included {
		byPath[ps.post.Path] = ps
		if ps.inSeries {
			entries = append(entries, series.Entry{Key: ps.post.Path, Marker: ps.marker, Date: ps.post.Date})
		}
	}
	all, _, warnings := series.Assemble(entries)
	var out []*SeriesData
	episodes := map[*series.Episode]*EpisodeData{}
	for _, s := range all {
		sdata := &SeriesData{Name: s.Name, Slug: s.Slug, URL: joinURL(b.cfg.BaseURL, "/series/"+s.Slug+"/"), FeedURL: joinURL(b.cfg.BaseURL, "/series/"+s.Slug+"/feed.xml")}
		for _, season := range s.Seasons {
			sn := &SeasonData{Number: season.Number}
			for _, e := range season.Episodes {
				ed := &EpisodeData{Series: sdata, Season: e.Season, Number: e.Number, NumberEnd: e.NumberEnd, Label: e.Label(), Post: byPath[e.Key].data}
				byPath[e.Key].data.Episode = ed
				episodes[e] = ed
				sn.Episodes = append(sn.Episodes, ed)
				sdata.Count++
			}
			sdata.Seasons = append(sdata.Seasons, sn)
		}
		out = append(out, sdata)
	}
	for e, ed := range episodes {
		if e.Prev != nil {
			ed.Prev = episodes[e.Prev]
		}
		if e.Next != nil {
			ed.Next = episodes[e.Next]
		}
	}
	return out, warnings
}

// updated is the post's last_modified_at or updated, which the content
// stage has read as a time in the site's zone; else its date.
func updated(params map[string]any, date time.Time) time.Time {
	for _, k := range []string{"last_modified_at", "updated"} {
		if t, ok := params[k].(time.Time); ok {
			return t
		}
	}
	return date
}

// pageJob is one page to render through a template.
type pageJob struct {
	out   string // output path
	tmpl  string // page template file
	page  *Page
	print uint64   // fingerprint of everything the page shows
	deps  *depNode // what its template set reads, when known: print is made from it

	// listed is how many posts the page lists, which is what its rendering
	// costs: the archive of a 5,000-post site takes 90 ms, a post page 1.
	listed int
}

// listedBy is how many posts a page lists: the posts it is given, or a
// series page's episodes.
func listedBy(p *Page) int {
	if p.Series != nil {
		return p.Series.Count
	}
	return len(p.Posts)
}

// pageJobs lists every page of the site with the fingerprint of its
// inputs. A page whose fingerprint equals the previous build's is not
// rendered again: the fingerprint covers the theme, the configuration and
// the values its template set may read of the page (see deps.go). For a
// set whose reading cannot be told, it covers the metadata of every post
// (titles, URLs, dates, tags, series: lists and navigation may show them
// anywhere) and the bodies or excerpts of the posts the page shows.
func (b *Builder) pageJobs(sd *SiteData, included []*postState) ([]*pageJob, uint64) {
	l := &pageList{b: b, sd: sd, global: b.globalPrint(included), fixed: b.fixedPrint()}
	l.postPages(included)
	l.homePages()
	l.indexPages()
	l.printReads(context.Background())
	return l.jobs, l.global
}

// globalPrint fingerprints what every page shows: the theme, the
// configuration and the metadata of every post.
func (b *Builder) globalPrint(included []*postState) uint64 {
	g := newHasher()
	g.u64(b.fixedPrint())
	for _, ps := range included {
		g.u64(ps.metaHash())
		if e := ps.data.Episode; e != nil {
			g.str(e.Series.Slug)
			g.str(e.Label)
		}
	}
	return g.sum()
}

// fixedPrint fingerprints what every page depends on besides its data:
// the theme, the configuration (which template functions read) and the
// options. It is kept while the theme and configuration are the same
// ones: a build asks for it more than once, and printing the whole
// configuration to fingerprint it is the costly part.
func (b *Builder) fixedPrint() uint64 {
	if m := b.fixed; m.theme == b.theme && m.cfg == b.cfg {
		return m.sum
	}
	g := newHasher()
	g.u64(b.theme.hash)
	g.u64(configPrint(b.cfg))
	g.str(fmt.Sprintf("%v|%v", b.opts.Preview, b.opts.Drafts))
	b.fixed = fixedMemo{theme: b.theme, cfg: b.cfg, sum: g.sum()}
	return b.fixed.sum
}

// fixedMemo is the fixedPrint of one theme and configuration, both
// replaced, never changed, when their files change.
type fixedMemo struct {
	theme *theme
	cfg   *config.Config
	sum   uint64
}

// pageList collects the pages of one build.
type pageList struct {
	b      *Builder
	sd     *SiteData
	global uint64 // globalPrint
	fixed  uint64 // fixedPrint
	jobs   []*pageJob
}

// base is a page of the given kind with what every page carries.
func (l *pageList) base(kind, title, url string) *Page {
	cfg := l.b.cfg
	return &Page{Kind: kind, Title: title, Description: cfg.Description, URL: joinURL(cfg.BaseURL, url), Permalink: cfg.URL + joinURL(cfg.BaseURL, url),
		Site: l.sd, FeedURL: joinURL(cfg.BaseURL, "/feed.xml"), StyleURLs: l.b.theme.styles}
}

// add lists one page. posts are the posts whose excerpts the page shows,
// and withContent says it shows their bodies too.
func (l *pageList) add(out, tmpl string, page *Page, posts []*PostData, withContent bool) {
	h := newHasher()
	h.str(tmpl)
	h.str(out)
	if set := l.b.theme.sets[tmpl]; set != nil && set.deps != nil {
		// Hashed with the others once all are listed: see printReads.
		l.jobs = append(l.jobs, &pageJob{out: out, tmpl: tmpl, page: page, deps: set.deps, listed: listedBy(page)})
		return
	}
	h.u64(l.global)
	for _, pd := range posts {
		ps := pd.state
		h.u64(ps.excerptHash)
		if withContent {
			h.u64(ps.contentHash)
		}
	}
	l.jobs = append(l.jobs, &pageJob{out: out, tmpl: tmpl, page: page, print: h.sum(), listed: listedBy(page)})
}

// printReads fingerprints the pages whose sets' reading is known, on all
// cores: what a page of such a set reads of the site is the same on every
// one, so it is hashed first, once a set.
func (l *pageList) printReads(ctx context.Context) {
	siteSums := map[*depNode]uint64{}
	var sites []*depNode
	var todo []*pageJob
	for _, j := range l.jobs {
		if j.deps == nil {
			continue
		}
		todo = append(todo, j)
		if site := j.deps.kids["Site"]; site != nil {
			if _, ok := siteSums[site]; !ok {
				siteSums[site] = 0
				sites = append(sites, site)
			}
		}
	}
	sums := make([]uint64, len(sites))
	_ = parallel(ctx, sites, func(site *depNode) { // not cancelled: a background context
		h := pooledHasher()
		defer h.release()
		site.hash(h, reflect.ValueOf(l.sd))
		sums[slices.Index(sites, site)] = h.sum()
	})
	for i, site := range sites {
		siteSums[site] = sums[i]
	}
	_ = parallel(ctx, todo, func(j *pageJob) { j.print = l.hashReads(j, siteSums) })
}

// hashReads fingerprints one page from what its set reads of it.
func (l *pageList) hashReads(j *pageJob, siteSums map[*depNode]uint64) uint64 {
	h := pooledHasher()
	defer h.release()
	h.str(j.tmpl)
	h.str(j.out)
	h.u64(l.fixed)
	v := reflect.ValueOf(j.page).Elem()
	for i, name := range j.deps.names {
		kid := j.deps.order[i]
		if name == "Site" && j.page.Site == l.sd {
			h.str(name)
			h.u64(siteSums[kid])
			continue
		}
		kid.hashStep(h, v, name)
	}
	return h.sum()
}

// postPages lists one page per post, through the template its layout names
// when the theme has one.
func (l *pageList) postPages(included []*postState) {
	for _, ps := range included {
		pd := ps.data
		pg := l.base("post", pd.Title, ps.rel)
		pg.Post, pg.Description = pd, pd.Description
		if pd.HasCode {
			pg.StyleURLs = l.b.theme.withSyntax
		}
		tmpl := "post.html"
		if lay := ps.post.Layout; lay != "" && lay != "post" && l.b.theme.sets[lay+".html"] != nil {
			tmpl = lay + ".html"
		}
		if pd.Episode != nil {
			pg.FeedURL = pd.Episode.Series.FeedURL
		}
		l.add(ps.outPath, tmpl, pg, []*PostData{pd}, true)
	}
}

// homePages lists the home page and its following pages, Paginate posts
// each.
func (l *pageList) homePages() {
	cfg, posts := l.b.cfg, l.sd.Posts
	per := cfg.Paginate
	if per <= 0 {
		per = 10
	}
	pages := max(1, (len(posts)+per-1)/per)
	pageURL := func(i int) string { // i is 0-based
		if i == 0 {
			return "/"
		}
		return fmt.Sprintf("/page/%d/", i+1)
	}
	for i := 0; i < pages; i++ {
		url := pageURL(i)
		pg := l.base("home", l.sd.Title, url)
		pg.Posts = posts[i*per : min((i+1)*per, len(posts))]
		pg.Paginator = &Paginator{Page: i + 1, TotalPages: pages}
		if i > 0 {
			pg.Paginator.PrevURL = joinURL(cfg.BaseURL, pageURL(i-1))
			pg.Title = fmt.Sprintf("%s, page %d", l.sd.Title, i+1)
		}
		if i+1 < pages {
			pg.Paginator.NextURL = joinURL(cfg.BaseURL, pageURL(i+1))
		}
		l.add(outputPath(url), "home.html", pg, pg.Posts, false)
	}
}

// indexPages lists the archive, the tag and series pages and the 404 page.
func (l *pageList) indexPages() {
	arch := l.base("archive", "Archive", "/archive/")
	arch.Posts = l.sd.Posts
	l.add("archive/index.html", "archive.html", arch, nil, false)

	l.add("tags/index.html", "tags.html", l.base("tags", "Tags", "/tags/"), nil, false)
	for _, t := range l.sd.Tags {
		pg := l.base("tag", "Posts tagged “"+t.Name+"”", "/tags/"+t.Slug+"/")
		pg.Tag, pg.Posts = t, t.Posts
		l.add(outputPath("/tags/"+t.Slug+"/"), "tag.html", pg, t.Posts, false)
	}

	l.add("series/index.html", "series-list.html", l.base("series-list", "Series", "/series/"), nil, false)
	for _, s := range l.sd.Series {
		pg := l.base("series", s.Name, "/series/"+s.Slug+"/")
		pg.Series, pg.FeedURL = s, s.FeedURL
		l.add(outputPath("/series/"+s.Slug+"/"), "series.html", pg, s.posts(), false)
	}

	l.add("404.html", "404.html", l.base("404", "Page not found", "/404.html"), nil, false)
}

// metaHash fingerprints what lists and navigation show of a post. It is
// cached: 5,000 posts' titles and URLs would otherwise be hashed on every
// keystroke in the preview.
func (ps *postState) metaHash() uint64 {
	pd := ps.data
	key := ps.contentHash ^ ps.excerptHash<<1
	if pd.Future {
		key ^= 0x9e3779b97f4a7c15
	}
	if ps.metaKey == key && ps.metaSum != 0 {
		return ps.metaSum
	}
	h := newHasher()
	h.str(pd.URL)
	h.str(pd.Title)
	h.str(pd.Date.String())
	h.str(pd.Updated.String())
	h.str(pd.Author)
	h.str(pd.Description)
	for _, t := range pd.Tags {
		h.str(t.Slug)
	}
	h.u64(uint64(pd.ReadingTime))
	if pd.Draft {
		h.str("draft")
	}
	if pd.Future {
		h.str("future")
	}
	ps.metaKey, ps.metaSum = key, h.sum()
	return ps.metaSum
}

// siteTitle is the title every page, feed and header shows. A site with no
// title configured (a new site, or a Jekyll blog whose _config.yml has none)
// must still never show an empty <title>, heading or link, so it falls back
// to the name of the site's folder, then to the author, then to "weeknotes".
// This is the one place the fallback is decided; templates and feeds read
// SiteData.Title.
func siteTitle(configured, source, author string) string {
	if t := strings.TrimSpace(configured); t != "" {
		return t
	}
	if abs, err := filepath.Abs(source); err == nil {
		if name := filepath.Base(abs); name != "." && name != string(filepath.Separator) && name != "" {
			return name
		}
	}
	if a := strings.TrimSpace(author); a != "" {
		return a
	}
	return "weeknotes"
}

// postImage is the image that stands for a post where it is shared (Open
// Graph, Twitter cards, JSON-LD): the front matter image (a URL or path, or
// jekyll-seo-tag's map with a path), else bodyImage, the first image of
// its body, made absolute against the post's own address.
func postImage(params map[string]any, bodyImage, permalink string) string {
	var src string
	switch v := params["image"].(type) {
	case string:
		src = v
	case map[string]any:
		src, _ = v["path"].(string)
	}
	if src == "" {
		src = bodyImage
	}
	src = strings.TrimSpace(src)
	if src == "" {
		return ""
	}
	base, err := url.Parse(permalink)
	if err != nil {
		return src
	}
	ref, err := url.Parse(src)
	if err != nil {
		return ""
	}
	return base.ResolveReference(ref).String()
}

// firstImage is the src of the first <img> in rendered HTML, unescaped.
func firstImage(body string) string {
	i := strings.Index(body, "<img ")
	if i < 0 {
		return ""
	}
	tag := body[i:]
	if end := strings.IndexByte(tag, '>'); end >= 0 {
		tag = tag[:end]
	}
	j := strings.Index(tag, ` src="`)
	if j < 0 {
		return ""
	}
	src := tag[j+len(` src="`):]
	if end := strings.IndexByte(src, '"'); end >= 0 {
		return html.UnescapeString(src[:end])
	}
	return ""
}

// hasHighlightedCode reports whether rendered HTML holds a highlighted code
// block, and so needs the syntax stylesheet.
func hasHighlightedCode(html string) bool {
	return strings.Contains(html, `<pre class="chroma"`)
}
