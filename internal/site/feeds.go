package site

import (
	"bytes"
	"encoding/xml"
	"time"
)

// feedEntries is how many posts a feed carries: enough for readers who
// check weekly or monthly, small enough to fetch cheaply.
const feedEntries = 20

// genJob is one file made by code rather than a template, with the
// fingerprint of its inputs so that an incremental build can keep it.
type genJob struct {
	out   string
	print uint64
	make  func() []byte
}

// generated lists the files made by code: feeds, the sitemap, robots.txt
// and the theme's assets. global fingerprints the metadata of every post.
func (b *Builder) generated(sd *SiteData, included []*postState, global uint64) []genJob {
	cfg := b.cfg
	var jobs []genJob
	for name, data := range b.theme.assets {
		jobs = append(jobs, genJob{name, b.theme.hash, func() []byte { return data }})
	}
	feedPrint := func(out string, posts []*PostData) uint64 {
		h := newHasher()
		h.u64(global)
		h.str(out)
		for i, pd := range posts {
			if i == feedEntries {
				break
			}
			h.u64(pd.state.contentHash)
		}
		return h.sum()
	}
	jobs = append(jobs, genJob{"feed.xml", feedPrint("feed.xml", sd.Posts), func() []byte {
		return atom(sd, sd.Title, sd.Description, "/", "/feed.xml", sd.Posts)
	}})
	for _, s := range sd.Series {
		posts := s.posts()
		// Newest first, as in the main feed.
		for i, j := 0, len(posts)-1; i < j; i, j = i+1, j-1 {
			posts[i], posts[j] = posts[j], posts[i]
		}
		name := "series/" + s.Slug + "/feed.xml"
		jobs = append(jobs, genJob{name, feedPrint(name, posts), func() []byte {
			return atom(sd, sd.Title+": "+s.Name, s.Name, "/series/"+s.Slug+"/", "/"+name, posts)
		}})
	}
	jobs = append(jobs, genJob{"sitemap.xml", global, func() []byte { return sitemap(sd, included) }})
	jobs = append(jobs, genJob{"robots.txt", global, func() []byte { return robots(cfg.URL, cfg.BaseURL) }})
	return jobs
}

// relativeNote explains, in the feeds and the sitemap of a site without a
// url, why their links are relative: their formats want absolute ones, and
// only the configuration knows the site's address.
const relativeNote = "No url is configured (url: in weeknotes.yaml), so these links are relative; feed readers and search engines need absolute ones."

// robots is robots.txt: everything allowed, and the sitemap's absolute
// address, which the format requires; without a url there is none to give.
func robots(siteURL, baseURL string) []byte {
	if siteURL == "" {
		return []byte("User-agent: *\nAllow: /\n\n# No Sitemap line: it must be an absolute URL, and no url is configured (url: in weeknotes.yaml).\n")
	}
	return []byte("User-agent: *\nAllow: /\n\nSitemap: " + siteURL + joinURL(baseURL, "/sitemap.xml") + "\n")
}

// atom writes an Atom feed of the newest posts. Its <updated> is the newest
// post's, never the build time, so an unchanged site gives identical bytes.
func atom(sd *SiteData, title, subtitle, home, self string, posts []*PostData) []byte {
	if len(posts) > feedEntries {
		posts = posts[:feedEntries]
	}
	abs := func(p string) string { return sd.URL + joinURL(sd.BaseURL, p) }
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	if sd.URL == "" {
		buf.WriteString("<!-- " + relativeNote + " -->\n")
	}
	buf.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="` + esc(sd.Language) + `">` + "\n")
	el(&buf, "  ", "title", title)
	if subtitle != "" {
		el(&buf, "  ", "subtitle", subtitle)
	}
	buf.WriteString(`  <link href="` + esc(abs(self)) + `" rel="self" type="application/atom+xml"/>` + "\n")
	buf.WriteString(`  <link href="` + esc(abs(home)) + `" rel="alternate" type="text/html"/>` + "\n")
	el(&buf, "  ", "id", abs(home))
	var newest time.Time
	for _, p := range posts {
		if p.Updated.After(newest) {
			newest = p.Updated
		}
	}
	if newest.IsZero() {
		newest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	el(&buf, "  ", "updated", newest.Format(time.RFC3339))
	// RFC 4287 wants an author for every entry: the feed's stands for
	// those without one. Without a configured author, the site's title is
	// the best name there is (and the build warns).
	author := sd.Author
	if author == "" {
		author = sd.Title
	}
	if author == "" {
		author = "unknown"
	}
	buf.WriteString("  <author>\n")
	el(&buf, "    ", "name", author)
	buf.WriteString("  </author>\n")
	buf.WriteString(`  <generator>weeknotes</generator>` + "\n")
	for _, p := range posts {
		buf.WriteString("  <entry>\n")
		el(&buf, "    ", "title", p.Title)
		buf.WriteString(`    <link href="` + esc(p.Permalink) + `" rel="alternate" type="text/html"/>` + "\n")
		el(&buf, "    ", "id", p.Permalink)
		el(&buf, "    ", "published", p.Date.Format(time.RFC3339))
		el(&buf, "    ", "updated", p.Updated.Format(time.RFC3339))
		if p.Author != "" && p.Author != sd.Author {
			buf.WriteString("    <author>\n")
			el(&buf, "      ", "name", p.Author)
			buf.WriteString("    </author>\n")
		}
		for _, t := range p.Tags {
			buf.WriteString(`    <category term="` + esc(t.Name) + `"/>` + "\n")
		}
		if p.Description != "" {
			el(&buf, "    ", "summary", p.Description)
		}
		buf.WriteString(`    <content type="html" xml:base="` + esc(p.Permalink) + `">`)
		xml.EscapeText(&buf, []byte(p.Content))
		buf.WriteString("</content>\n  </entry>\n")
	}
	buf.WriteString("</feed>\n")
	return buf.Bytes()
}

// sitemap lists every post and index page for search engines.
func sitemap(sd *SiteData, included []*postState) []byte {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	if sd.URL == "" {
		buf.WriteString("<!-- " + relativeNote + " -->\n")
	}
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	loc := func(p string, mod time.Time) {
		buf.WriteString("  <url><loc>" + esc(sd.URL+p) + "</loc>")
		if !mod.IsZero() {
			buf.WriteString("<lastmod>" + mod.Format("2006-01-02") + "</lastmod>")
		}
		buf.WriteString("</url>\n")
	}
	var newest time.Time
	if len(sd.Posts) > 0 {
		newest = sd.Posts[0].Updated
	}
	loc(joinURL(sd.BaseURL, "/"), newest)
	loc(joinURL(sd.BaseURL, "/archive/"), newest)
	for _, s := range sd.Series {
		loc(s.URL, time.Time{})
	}
	for _, t := range sd.Tags {
		loc(t.URL, time.Time{})
	}
	for _, ps := range included {
		if ps.data.Draft || ps.data.Future {
			continue
		}
		loc(ps.data.URL, ps.data.Updated)
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
}

func el(buf *bytes.Buffer, indent, name, text string) {
	buf.WriteString(indent + "<" + name + ">")
	xml.EscapeText(buf, []byte(text))
	buf.WriteString("</" + name + ">\n")
}

func esc(s string) string {
	var buf bytes.Buffer
	xml.EscapeText(&buf, []byte(s))
	return buf.String()
}
