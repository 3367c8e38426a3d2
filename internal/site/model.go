package site

import (
	"html/template"

	"github.com/weeknotes/weeknotes/internal/content"
	"time"
)

// The types below are what templates see. Every page template is executed
// with a *Page as its dot. Field names are stable: they are the theme API
// that authors' overriding templates are written against.

// SiteData is the site as templates see it: {{ .Site.Title }}.
type SiteData struct {
	Title       string         // configured title, else the site folder's name, else the author; never "" (see siteTitle)
	Description string         // configured description
	Author      string         // configured author
	URL         string         // scheme and host, no trailing slash
	BaseURL     string         // path prefix, "" or "/blog"
	Language    string         // <html lang>
	Params      map[string]any // every key of the configuration file
	Posts       []*PostData    // published posts, newest first
	Pages       []*PageData    // the site's own pages (about.md, now.md), by URL
	Series      []*SeriesData  // every series, by name
	Tags        []*TagData     // every tag, by name
	Years       []*YearData    // posts by year, newest year first
	FirstYear   int            // year of the oldest dated post; 0 when there is none
	LastYear    int            // year of the newest dated post; 0 when there is none
	Drafts      bool           // the build includes drafts and future posts (preview)
}

// PostData is one post as templates see it.
type PostData struct {
	Title       string         // post title
	URL         string         // path with baseurl, e.g. /blog/2021/01/10/my-first-weeknote/
	Permalink   string         // absolute URL (site URL + URL)
	Date        time.Time      // publication date in the site's time zone
	Updated     time.Time      // front matter last_modified_at or updated; else Date
	Author      string         // post author, else the site's
	Description string         // front matter description, else the excerpt text
	Excerpt     template.HTML  // front matter excerpt, else the first paragraph, as HTML
	Content     template.HTML  // the rendered body
	Tags        []*TagData     // the post's tags
	Draft       bool           // a draft, shown only in previews
	Future      bool           // dated in the future, shown only in previews
	Source      string         // source path relative to the site root
	Params      map[string]any // every front matter key
	Episode     *EpisodeData   // nil when the post is not part of a series
	Newer       *PostData      // the next post by date in Site.Posts, nil for the newest
	Older       *PostData      // the previous post by date in Site.Posts, nil for the oldest
	Image       string         // absolute URL of the post's image: front matter image, else its first image; "" when none
	HasCode     bool           // the body has highlighted code, so the page needs the syntax stylesheet
	ReadingTime int            // minutes, at 230 words a minute, at least 1
	WordCount   int            // words in the body

	state *postState // the builder's record of the post, for fingerprints
}

// PageData is one of the site's own pages: in a Jekyll site a file with
// front matter outside _posts, in a weeknotes site a file of content/pages.
type PageData struct {
	Title   string         // front matter title; "" when none
	URL     string         // path with baseurl, e.g. /about/
	Source  string         // source path relative to the site root
	Content template.HTML  // the rendered page, on its own page only
	HTML    bool           // an HTML page (not feed.xml or robots.txt), as navigation lists
	Params  map[string]any // every front matter key

	page *content.Page
}

// TagData is one tag and its posts.
type TagData struct {
	Name  string      // as written by the author
	Slug  string      // URL-safe
	URL   string      // the tag page, with baseurl
	Posts []*PostData // newest first
}

// YearData is one year of the archive.
type YearData struct {
	Year  int         // e.g. 2021
	Posts []*PostData // newest first
}

// SeriesData is one series: "Weeknotes".
type SeriesData struct {
	Name    string        // e.g. Weeknotes
	Slug    string        // e.g. weeknotes
	URL     string        // /series/weeknotes/, with baseurl
	FeedURL string        // /series/weeknotes/feed.xml, with baseurl
	Seasons []*SeasonData // in order
	Count   int           // episodes in all seasons
}

// SeasonData is one season of a series.
type SeasonData struct {
	Number   int            // 1-based; 0 for episodes with no season
	Episodes []*EpisodeData // in episode order
}

// EpisodeData places a post in its series.
type EpisodeData struct {
	Series     *SeriesData  // the series
	Season     int          // season number, 0 when none
	Number     int          // episode number
	NumberEnd  int          // last episode of a range; equal to Number otherwise
	Label      string       // "Season 1, episode 2" (or "episodes 2–11", or "Episode 12")
	Post       *PostData    // the post
	Prev, Next *EpisodeData // neighbours within the series, nil at the ends
}

// Paginator is the position of one home page in the paginated list.
type Paginator struct {
	Page       int    // 1-based
	TotalPages int    // at least 1
	PrevURL    string // "" on the first page
	NextURL    string // "" on the last page
}

// Page is the dot of every page template.
type Page struct {
	Kind        string      // "post", "page", "home", "archive", "tag", "tags", "series", "series-list", "404"
	Title       string      // for <title> and <h1>
	Description string      // for <meta name=description>
	URL         string      // this page's path, with baseurl
	Permalink   string      // absolute URL of this page
	Site        *SiteData   // the whole site
	Post        *PostData   // on post pages
	Page        *PageData   // on the site's own pages (Kind "page")
	Posts       []*PostData // on home (this page's slice), tag and archive pages
	Tag         *TagData    // on tag pages
	Series      *SeriesData // on series pages
	Paginator   *Paginator  // on home pages
	FeedURL     string      // the feed to advertise in <link rel=alternate>, with baseurl
	StyleURLs   []string    // stylesheets, with baseurl, cache-busted by content hash
}

// posts lists the series' posts in episode order, season by season.
func (s *SeriesData) posts() []*PostData {
	posts := make([]*PostData, 0, s.Count)
	for _, season := range s.Seasons {
		for _, e := range season.Episodes {
			posts = append(posts, e.Post)
		}
	}
	return posts
}
