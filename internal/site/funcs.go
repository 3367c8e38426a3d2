package site

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// funcMap is the set of functions templates may call, in addition to
// html/template's built-ins. It is part of the theme API.
func funcMap(url, baseURL string) template.FuncMap {
	rel := func(p string) string { return joinURL(baseURL, p) }
	return template.FuncMap{
		// relURL prefixes a site path with the baseurl: {{ relURL "/feed.xml" }}.
		"relURL": rel,
		// absURL makes a site path absolute: {{ absURL "/feed.xml" }}.
		"absURL": func(p string) string { return url + rel(p) },
		// date formats a time with a Go layout: {{ date "2 January 2006" .Date }}.
		"date": func(layout string, t time.Time) string { return t.Format(layout) },
		// isoDate formats a time for <time datetime> and feeds.
		"isoDate": func(t time.Time) string { return t.Format(time.RFC3339) },
		// humanDate formats a time as weeknotes write it: 17 January 2021.
		"humanDate": func(t time.Time) string { return t.Format("2 January 2006") },
		// partialCached renders a partial once a build for each set of
		// variants and reuses the result: {{ partialCached "footer.html" . }},
		// {{ partialCached "header.html" . .Kind .Paginator }}. Bound per
		// rendering clone; see partialCache.
		"partialCached": unboundPartialCached,
		// replace replaces every old in s with new, as Hugo's does:
		// {{ replace .Site.Language "-" "_" }}.
		"replace": func(s, old, new string) string { return strings.ReplaceAll(s, old, new) },
		// hasPrefix reports whether s starts with prefix: {{ if hasPrefix .Image "https://" }}.
		"hasPrefix": strings.HasPrefix,
		// plural counts with the right noun: {{ plural 3 "post" "posts" }} gives "3 posts".
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
	}
}

// joinURL joins a baseurl ("" or "/blog") and a site path ("/x/"), keeping
// exactly one slash between them.
func joinURL(baseURL, p string) string {
	if p == "" {
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return strings.TrimSuffix(baseURL, "/") + p
}
