package publish

import (
	"testing"

	"github.com/weeknotes/weeknotes/internal/config"
)

func TestRulesHeaders(t *testing.T) {
	rules := NewRules([]config.HeaderRule{
		testRule(t, "assets/**", "public, max-age=31536000, immutable", true),
		testRule(t, "**.html", "no-cache", true),
		testRule(t, "**.html", "never used: the rule above wins", false),
		testRule(t, "downloads/**", "", false),
	})
	tests := []struct {
		key  string
		want Headers
	}{
		{key: "assets/style.css", want: Headers{ContentType: "text/css; charset=utf-8", CacheControl: "public, max-age=31536000, immutable", ContentEncoding: "gzip"}},
		{key: "assets/logo.png", want: Headers{ContentType: "image/png", CacheControl: "public, max-age=31536000, immutable"}},
		{key: "2021/01/10/x/index.html", want: Headers{ContentType: "text/html; charset=utf-8", CacheControl: "no-cache", ContentEncoding: "gzip"}},
		{key: "downloads/book.epub", want: Headers{ContentType: "application/epub+zip"}},
		{key: "feed.xml", want: Headers{ContentType: "application/atom+xml; charset=utf-8", CacheControl: "public, max-age=300"}},
		{key: "static/images/a.jpg", want: Headers{ContentType: "image/jpeg", CacheControl: "public, max-age=86400"}},
		{key: "robots.txt", want: Headers{ContentType: "text/plain; charset=utf-8", CacheControl: "public, max-age=3600"}},
		{key: "CNAME", want: Headers{ContentType: "application/octet-stream", CacheControl: "public, max-age=3600"}},
	}
	for _, tt := range tests {
		if got := rules.Headers(tt.key); got != tt.want {
			t.Errorf("Headers(%q) = %+v, want %+v", tt.key, got, tt.want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"index.html":                "text/html; charset=utf-8",
		"a/B.HTML":                  "text/html; charset=utf-8",
		"feed.xml":                  "application/atom+xml; charset=utf-8",
		"series/weeknotes/feed.xml": "application/atom+xml; charset=utf-8",
		"rss.xml":                   "application/rss+xml; charset=utf-8",
		"sitemap.xml":               "application/xml; charset=utf-8",
		"assets/app.js":             "text/javascript; charset=utf-8",
		"data.json":                 "application/json; charset=utf-8",
		"logo.svg":                  "image/svg+xml; charset=utf-8",
		"notes.txt":                 "text/plain; charset=utf-8",
		"photo.jpeg":                "image/jpeg",
		"font.woff2":                "font/woff2",
		"episode.mp3":               "audio/mpeg",
		"no-extension":              "application/octet-stream",
		"archive.unknown":           "application/octet-stream",
	}
	for key, want := range tests {
		if got := ContentType(key); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestPhaseOf(t *testing.T) {
	tests := map[string]Phase{
		"assets/style.css":                 PhaseAssets,
		"static/images/a.png":              PhaseAssets,
		"robots.txt":                       PhaseAssets,
		"2021/01/10/first-week/index.html": PhasePosts,
		"about/index.html":                 PhasePosts,
		"2021-01-10-first-week.html":       PhasePosts,
		"tags/go/page.html":                PhasePosts,
		"index.html":                       PhaseIndexes,
		"404.html":                         PhaseIndexes,
		"page/2/index.html":                PhaseIndexes,
		"tags/index.html":                  PhaseIndexes,
		"tags/gardening/index.html":        PhaseIndexes,
		"series/weeknotes/index.html":      PhaseIndexes,
		"archive/index.html":               PhaseIndexes,
		"2021/index.html":                  PhaseIndexes,
		"2021/01/index.html":               PhaseIndexes,
		"feed.xml":                         PhaseFeeds,
		"series/weeknotes/feed.xml":        PhaseFeeds,
		"sitemap.xml":                      PhaseFeeds,
		"sitemap-posts.xml":                PhaseFeeds,
		"notes.atom":                       PhaseFeeds,
		"static/data/list.xml":             PhaseAssets,
	}
	for key, want := range tests {
		if got := PhaseOf(key); got != want {
			t.Errorf("PhaseOf(%q) = %s, want %s", key, got, want)
		}
	}
}

func TestHeadersHash(t *testing.T) {
	base := Headers{ContentType: "text/html; charset=utf-8", CacheControl: "max-age=60"}
	variants := []Headers{
		{ContentType: base.ContentType, CacheControl: "max-age=61"},
		{ContentType: base.ContentType, CacheControl: base.CacheControl, ContentEncoding: "gzip"},
		{ContentType: "text/html", CacheControl: base.CacheControl},
		// The separator keeps fields from running into each other.
		{ContentType: base.ContentType + "max-age=60", CacheControl: ""},
	}
	same := Headers{ContentType: "text/html; charset=utf-8", CacheControl: "max-age=60"}
	if h := base.hash(); h != same.hash() || !isHex(h, 32) {
		t.Fatalf("hash %q is not stable or not 32 hex digits", h)
	}
	for _, v := range variants {
		if v.hash() == base.hash() {
			t.Errorf("%+v hashes like %+v", v, base)
		}
	}
}

// testRule is a header rule made as the configuration makes them.
func testRule(t testing.TB, pattern, cacheControl string, gzip bool) config.HeaderRule {
	t.Helper()
	r, err := config.NewHeaderRule(pattern, cacheControl, gzip)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
