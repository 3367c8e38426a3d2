package site

import (
	"fmt"
	"sort"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/series"
)

// model builds what templates see from the included posts, newest first.
func (b *Builder) model(included []*postState) (*SiteData, []diag.Diagnostic) {
	cfg := b.cfg
	sd := &SiteData{
		Title: cfg.Title, Description: cfg.Description, Author: cfg.Author,
		URL: cfg.URL, BaseURL: cfg.BaseURL, Language: cfg.Language, Params: cfg.Params,
		Drafts: b.opts.Preview,
	}
	tags := map[string]*TagData{}
	years := map[int]*YearData{}
	var entries []series.Entry
	for _, ps := range included {
		p := ps.post
		author := p.Author
		if author == "" {
			author = cfg.Author
		}
		desc := p.Description
		if desc == "" {
			desc = p.Excerpt
		}
		if desc == "" {
			desc = ps.text
		}
		pd := &PostData{
			Title: p.Title, URL: ps.url, Permalink: cfg.URL + ps.url, Date: p.Date, Updated: ps.updated,
			Author: author, Description: desc,
			Excerpt: ps.excerpt, Content: ps.html,
			Draft: p.Draft || !p.Published, Future: ps.future, Source: p.Path, Params: p.Params,
			WordCount: ps.words, ReadingTime: max(1, (ps.words+229)/230), state: ps,
		}
		ps.data = pd
		sd.Posts = append(sd.Posts, pd)
		for i, name := range p.Tags {
			slug := ps.tagSlugs[i]
			if slug == "" {
				continue
			}
			t := tags[slug]
			if t == nil {
				t = &TagData{Name: name, Slug: slug, URL: joinURL(cfg.BaseURL, "/tags/"+slug+"/")}
				tags[slug] = t
			}
			if n := len(t.Posts); n > 0 && t.Posts[n-1] == pd {
				continue // two spellings of one tag ("café", "cafe")
			}
			t.Posts = append(t.Posts, pd)
			pd.Tags = append(pd.Tags, t)
		}
		if p.HasDate {
			y := years[p.Date.Year()]
			if y == nil {
				y = &YearData{Year: p.Date.Year()}
				years[p.Date.Year()] = y
			}
			y.Posts = append(y.Posts, pd)
		}
		if ps.inSeries {
			entries = append(entries, series.Entry{Key: p.Path, Marker: ps.marker, Date: p.Date})
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

	all, _, warnings := series.Assemble(entries)
	byPath := make(map[string]*postState, len(included))
	for _, ps := range included {
		byPath[ps.post.Path] = ps
	}
	episodes := map[*series.Episode]*EpisodeData{}
	for _, s := range all {
		sdata := &SeriesData{Name: s.Name, Slug: s.Slug, URL: joinURL(cfg.BaseURL, "/series/"+s.Slug+"/"), FeedURL: joinURL(cfg.BaseURL, "/series/"+s.Slug+"/feed.xml")}
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
		sd.Series = append(sd.Series, sdata)
	}
	for e, ed := range episodes {
		if e.Prev != nil {
			ed.Prev = episodes[e.Prev]
		}
		if e.Next != nil {
			ed.Next = episodes[e.Next]
		}
	}
	return sd, warnings
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
	print uint64 // fingerprint of everything the page shows

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
// rendered again: the fingerprint covers the theme, the configuration, the
// metadata of every post (titles, URLs, dates, tags, series: lists and
// navigation show them everywhere) and the bodies or excerpts of the posts
// the page shows.
func (b *Builder) pageJobs(sd *SiteData, included []*postState) ([]*pageJob, uint64) {
	cfg := b.cfg
	g := newHasher()
	g.u64(b.theme.hash)
	g.str(fmt.Sprintf("%+v|%v|%v", *cfg, b.opts.Preview, b.opts.Drafts))
	for _, ps := range included {
		g.u64(ps.metaHash())
		if e := ps.data.Episode; e != nil {
			g.str(e.Series.Slug)
			g.str(e.Label)
		}
	}
	global := g.sum()
	print := func(kind, out string, posts []*PostData, withContent bool) uint64 {
		h := newHasher()
		h.u64(global)
		h.str(kind)
		h.str(out)
		for _, pd := range posts {
			ps := pd.state
			h.u64(ps.excerptHash)
			if withContent {
				h.u64(ps.contentHash)
			}
		}
		return h.sum()
	}
	base := func(kind, title, url string) *Page {
		return &Page{Kind: kind, Title: title, Description: cfg.Description, URL: joinURL(cfg.BaseURL, url), Permalink: cfg.URL + joinURL(cfg.BaseURL, url),
			Site: sd, FeedURL: joinURL(cfg.BaseURL, "/feed.xml"), StyleURLs: b.theme.styles}
	}
	var jobs []*pageJob
	add := func(out, tmpl string, page *Page, posts []*PostData, withContent bool) {
		jobs = append(jobs, &pageJob{out: out, tmpl: tmpl, page: page, print: print(tmpl, out, posts, withContent), listed: listedBy(page)})
	}

	for _, ps := range included {
		pd := ps.data
		pg := base("post", pd.Title, ps.rel)
		pg.Post, pg.Description = pd, pd.Description
		tmpl := "post.html"
		if l := ps.post.Layout; l != "" && l != "post" && b.theme.sets[l+".html"] != nil {
			tmpl = l + ".html"
		}
		if pd.Episode != nil {
			pg.FeedURL = pd.Episode.Series.FeedURL
		}
		add(ps.outPath, tmpl, pg, []*PostData{pd}, true)
	}

	per := cfg.Paginate
	if per <= 0 {
		per = 10
	}
	pages := max(1, (len(sd.Posts)+per-1)/per)
	for i := 0; i < pages; i++ {
		lo, hi := i*per, min((i+1)*per, len(sd.Posts))
		url := "/"
		if i > 0 {
			url = fmt.Sprintf("/page/%d/", i+1)
		}
		pg := base("home", cfg.Title, url)
		pg.Posts = sd.Posts[lo:hi]
		pg.Paginator = &Paginator{Page: i + 1, TotalPages: pages}
		if i == 1 {
			pg.Paginator.PrevURL = joinURL(cfg.BaseURL, "/")
		} else if i > 1 {
			pg.Paginator.PrevURL = joinURL(cfg.BaseURL, fmt.Sprintf("/page/%d/", i))
		}
		if i+1 < pages {
			pg.Paginator.NextURL = joinURL(cfg.BaseURL, fmt.Sprintf("/page/%d/", i+2))
		}
		if i > 0 {
			pg.Title = fmt.Sprintf("%s, page %d", cfg.Title, i+1)
		}
		add(outputPath(url), "home.html", pg, pg.Posts, false)
	}

	arch := base("archive", "Archive", "/archive/")
	arch.Posts = sd.Posts
	add("archive/index.html", "archive.html", arch, nil, false)

	add("tags/index.html", "tags.html", base("tags", "Tags", "/tags/"), nil, false)
	for _, t := range sd.Tags {
		pg := base("tag", "Posts tagged “"+t.Name+"”", "/tags/"+t.Slug+"/")
		pg.Tag, pg.Posts = t, t.Posts
		add(outputPath("/tags/"+t.Slug+"/"), "tag.html", pg, t.Posts, false)
	}

	add("series/index.html", "series-list.html", base("series-list", "Series", "/series/"), nil, false)
	for _, s := range sd.Series {
		pg := base("series", s.Name, "/series/"+s.Slug+"/")
		pg.Series, pg.FeedURL = s, s.FeedURL
		add(outputPath("/series/"+s.Slug+"/"), "series.html", pg, s.posts(), false)
	}

	nf := base("404", "Page not found", "/404.html")
	add("404.html", "404.html", nf, nil, false)
	return jobs, global
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
