package site

import (
	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// configAdvice warns, once a build, about settings a published site needs
// and the configuration lacks, each with the line to add. Without url the
// feeds, the sitemap and robots.txt cannot hold the absolute addresses
// their formats require; without title or author, pages and feeds fall
// back to placeholders. A preview gets its url from the server, so it is
// not warned about url.
func configAdvice(cfg *config.Config, preview bool) []diag.Diagnostic {
	file := cfg.File
	if file == "" {
		file = config.FileNames[0]
	}
	var ds []diag.Diagnostic
	if cfg.URL == "" && !preview {
		ds = append(ds, diag.Warnf(file, 0, `no url: the feeds, the sitemap and robots.txt can only use relative links, which feed readers and search engines cannot follow; add the line "url: https://example.org" with the site's address (or build with --base-url)`))
	}
	if cfg.Title == "" {
		ds = append(ds, diag.Warnf(file, 0, `no title: pages and feeds fall back to a placeholder; add the line "title: My weeknotes"`))
	}
	if cfg.Author == "" {
		ds = append(ds, diag.Warnf(file, 0, `no author: Atom feeds must name one, and fall back to the site's title; add the line "author: Your Name"`))
	}
	if cfg.BaseURL != "" && !preview {
		sitemap := cfg.URL + joinURL(cfg.BaseURL, "/sitemap.xml")
		ds = append(ds, diag.Warnf(file, 0, "baseurl %s: robots.txt is written to %s/robots.txt, where crawlers never look; at the root of the host, serve a robots.txt with the line \"Sitemap: %s\"", cfg.BaseURL, cfg.BaseURL, sitemap))
	}
	return ds
}
