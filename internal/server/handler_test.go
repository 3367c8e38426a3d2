package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/mediatype"
	"github.com/weeknotes/weeknotes/internal/site"
)

// builtServer returns a server already showing files, as after a build.
func builtServer(t *testing.T, files map[string]*site.File, basePath string) *Server {
	t.Helper()
	s := New(Options{Source: t.TempDir(), BasePath: basePath})
	s.state.Store(&state{output: &site.Output{Files: files}, version: "v1"})
	close(s.ready)
	close(s.built)
	return s
}

func page(body string) *site.File {
	return &site.File{Data: []byte("<!doctype html><html><body>" + body + "</body></html>")}
}

func testFiles(t *testing.T) map[string]*site.File {
	dir := t.TempDir()
	png := filepath.Join(dir, "a.png")
	if err := os.WriteFile(png, []byte("\x89PNG\r\n\x1a\nfake"), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]*site.File{
		"index.html":                  page("<h1>Home</h1>"),
		"2021/01/10/slug/index.html":  page("<h1>Post</h1>"),
		"about.html":                  page("<h1>About</h1>"),
		"404.html":                    page("<h1>Lost</h1>"),
		"feed.xml":                    {Data: []byte("<feed/>")},
		"assets/style.css":            {Data: []byte("body{}")},
		"static/images/a.png":         {Source: png},
		"static/images/gone.png":      {Source: filepath.Join(dir, "gone.png")},
		"static/unknown.weeknotesext": {Data: []byte("plain words")},
		"series/weeknotes/index.html": page("<h1>Series</h1>"),
	}
}

func TestServeHTTP(t *testing.T) {
	s := builtServer(t, testFiles(t), "")
	tests := []struct {
		method, target string
		status         int
		contentType    string
		body           string // contained in the body
		location       string // for redirects
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<h1>Home</h1>", ""},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "<h1>Home</h1>", ""},
		{"GET", "/2021/01/10/slug/", 200, "text/html; charset=utf-8", "<h1>Post</h1>", ""},
		{"GET", "/2021/01/10/slug", 302, "", "", "/2021/01/10/slug/"},
		{"GET", "/2021/01/10/slug?x=1", 302, "", "", "/2021/01/10/slug/?x=1"},
		{"GET", "/2021/01/10/slug/index.html", 200, "text/html; charset=utf-8", "<h1>Post</h1>", ""},
		{"GET", "/about", 200, "text/html; charset=utf-8", "<h1>About</h1>", ""},
		{"GET", "/series/weeknotes/", 200, "text/html; charset=utf-8", "<h1>Series</h1>", ""},
		{"GET", "/feed.xml", 200, "application/atom+xml; charset=utf-8", "<feed/>", ""},
		{"GET", "/assets/style.css", 200, "text/css; charset=utf-8", "body{}", ""},
		{"GET", "/assets/style.css?weeknotes=123", 200, "text/css; charset=utf-8", "body{}", ""},
		{"GET", "/static/images/a.png", 200, "image/png", "fake", ""},
		{"GET", "/static/unknown.weeknotesext", 200, "text/plain; charset=utf-8", "plain words", ""},
		{"HEAD", "/", 200, "text/html; charset=utf-8", "", ""},
		{"GET", "/nope/", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/2021/01/10/slug/extra", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/static/images/gone.png", 404, "text/plain; charset=utf-8", "not found", ""},
		{"POST", "/", 405, "text/plain; charset=utf-8", "method not allowed", ""},
		// Requests for anything outside the site.
		{"GET", "/../etc/passwd", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/%2e%2e/etc/passwd", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/static/%2E%2E/%2e%2e/go.mod", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/2021%2f01%2f10/slug/", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/2021%5c01/", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/index.html%00.png", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "/./index.html", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
		{"GET", "//index.html", 404, "text/html; charset=utf-8", "<h1>Lost</h1>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://localhost"+tt.target, nil)
			// httptest.NewRequest keeps the target as written, but a
			// client would too: check that nothing cleaned it.
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d; body:\n%s", rec.Code, tt.status, rec.Body)
			}
			if tt.contentType != "" {
				if got := rec.Header().Get("Content-Type"); got != tt.contentType {
					t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
				}
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body lacks %q:\n%s", tt.body, rec.Body)
			}
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
			if tt.status != 302 && tt.status != 405 && rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", rec.Header().Get("Cache-Control"))
			}
			if tt.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD has a body")
			}
		})
	}
}

func TestServeHTTPInjectsOnlyIntoPages(t *testing.T) {
	files := testFiles(t)
	s := builtServer(t, files, "")
	original := append([]byte(nil), files["index.html"].Data...)
	for _, target := range []string{"/", "/nope/"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+target, nil))
		body := rec.Body.String()
		script := strings.Index(body, "new EventSource(")
		if script < 0 || script > strings.LastIndex(body, "</body>") {
			t.Errorf("%s: live script missing or not before </body>:\n%s", target, body)
		}
		if strings.Contains(body, `id="weeknotes-overlay"`) {
			t.Errorf("%s: overlay shown without errors", target)
		}
	}
	for _, target := range []string{"/feed.xml", "/assets/style.css"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+target, nil))
		if strings.Contains(rec.Body.String(), "EventSource") {
			t.Errorf("%s: script injected into a file that is not a page", target)
		}
	}
	if !bytes.Equal(files["index.html"].Data, original) {
		t.Error("serving changed the built bytes")
	}
}

func TestServeHTTPRanges(t *testing.T) {
	s := builtServer(t, testFiles(t), "")
	req := httptest.NewRequest("GET", "http://localhost/static/images/a.png", nil)
	req.Header.Set("Range", "bytes=0-3")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusPartialContent || rec.Body.String() != "\x89PNG" {
		t.Errorf("range request = %d %q", rec.Code, rec.Body)
	}
}

func TestServeHTTPWithoutNotFoundPage(t *testing.T) {
	s := builtServer(t, map[string]*site.File{"index.html": page("home")}, "")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost/missing/", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Not found") || !strings.Contains(rec.Body.String(), "EventSource") {
		t.Errorf("GET /missing/ = %d\n%s", rec.Code, rec.Body)
	}
}

func TestServeHTTPBasePath(t *testing.T) {
	s := builtServer(t, testFiles(t), "/blog/")
	tests := []struct {
		target   string
		status   int
		body     string
		location string
	}{
		{"/", 302, "", "/blog/"},
		{"/blog", 302, "", "/blog/"},
		{"/blog/", 200, "<h1>Home</h1>", ""},
		{"/blog/2021/01/10/slug/", 200, "<h1>Post</h1>", ""},
		{"/blog/2021/01/10/slug", 302, "", "/blog/2021/01/10/slug/"},
		{"/blog/feed.xml", 200, "<feed/>", ""},
		{"/2021/01/10/slug/", 404, "<h1>Lost</h1>", ""},
		{"/blogger/", 404, "<h1>Lost</h1>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+tt.target, nil))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) || rec.Header().Get("Location") != tt.location {
				t.Errorf("= %d, Location %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
			}
		})
	}
}

func TestSitePath(t *testing.T) {
	tests := []struct {
		target, basePath string
		want             string
		ok               bool
	}{
		{"/", "", "", true},
		{"/a/b/", "", "a/b/", true},
		{"/a%20b.html", "", "a b.html", true},
		{"/caf%C3%A9/", "", "café/", true},
		{"/a/../b", "", "", false},
		{"/..", "", "", false},
		{"/%2e%2e/x", "", "", false},
		{"/.%2e/x", "", "", false},
		{"/a%2Fb", "", "", false},
		{"/a%5Cb", "", "", false},
		{"/a\\b", "", "", false},
		{"/a%00", "", "", false},
		{"/a//b", "", "", false},
		{"/.well-known/x", "", ".well-known/x", true},
		{"/blog/x/", "/blog", "x/", true},
		{"/blog", "/blog", "", true},
		{"/blogx", "/blog", "", false},
		{"/x/", "/blog", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			u, err := url.ParseRequestURI(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := sitePath(u, tt.basePath)
			if got != tt.want || ok != tt.ok {
				t.Errorf("sitePath(%q, %q) = %q, %v; want %q, %v", tt.target, tt.basePath, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzSitePath checks that no request path, however written, resolves to
// a name that leaves the site or is not clean.
func FuzzSitePath(f *testing.F) {
	for _, seed := range []string{"/", "/a/b/", "/%2e%2e/x", "/a%2fb", "/a/./b", "/blog/x", "/%00", "/a//b", "/\\..\\x"} {
		f.Add(seed, "")
		f.Add(seed, "/blog")
	}
	f.Fuzz(func(t *testing.T, target, basePath string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		name, ok := sitePath(u, basePath)
		if !ok {
			return
		}
		if strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\x00\\") {
			t.Fatalf("sitePath(%q) = %q", target, name)
		}
		trimmed := strings.TrimSuffix(name, "/")
		if trimmed != "" && filepath.ToSlash(filepath.Clean(trimmed)) != trimmed {
			t.Fatalf("sitePath(%q) = %q, which is not clean", target, name)
		}
	})
}

func TestInject(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"before the body's end", "<html><body><p>x</p></body></html>", "<html><body><p>x</p>EXTRA</body></html>"},
		{"upper case", "<HTML><BODY>x</BODY></HTML>", "<HTML><BODY>xEXTRA</BODY></HTML>"},
		{"the last of several", "<body><pre>&lt;/body&gt;</pre><script>'</body>'</script></body>", "<body><pre>&lt;/body&gt;</pre><script>'</body>'</script>EXTRA</body>"},
		{"no body end tag", "<p>fragment", "<p>fragmentEXTRA"},
		{"empty", "", "EXTRA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := []byte(tt.page)
			if got := string(inject(page, "EXTRA")); got != tt.want {
				t.Errorf("inject = %q, want %q", got, tt.want)
			}
			if string(page) != tt.page {
				t.Error("inject changed its input")
			}
		})
	}
}

// FuzzInject checks that injecting only ever adds the extra text, leaving
// the page's own bytes as they were.
func FuzzInject(f *testing.F) {
	f.Add([]byte("<html><body>x</body></html>"))
	f.Add([]byte("</BODY></body"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, page []byte) {
		const extra = "<script>x</script>"
		got := inject(page, extra)
		at := bytes.Index(got, []byte(extra))
		if at < 0 || len(got) != len(page)+len(extra) {
			t.Fatalf("inject(%q) = %q", page, got)
		}
		if rest := append(append([]byte(nil), got[:at]...), got[at+len(extra):]...); !bytes.Equal(rest, page) {
			t.Fatalf("inject(%q) = %q: page changed", page, got)
		}
	})
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"index.html":        "text/html; charset=utf-8",
		"feed.xml":          "application/atom+xml; charset=utf-8",
		"series/x/feed.xml": "application/atom+xml; charset=utf-8",
		"sitemap.xml":       "application/xml; charset=utf-8",
		"assets/site.CSS":   "text/css; charset=utf-8",
		"a/b.js":            "text/javascript; charset=utf-8",
		"a.svg":             "image/svg+xml; charset=utf-8",
		"a.JPG":             "image/jpeg",
		"a.webp":            "image/webp",
		"font.woff2":        "font/woff2",
		"robots.txt":        "text/plain; charset=utf-8",
		"CNAME":             "",
	}
	for name, want := range tests {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
		// The preview serves every file with the type publish stores it
		// with: both read mediatype.ByName.
		if published, ok := mediatype.ByName(name); ok && published != contentType(name) {
			t.Errorf("%s: preview %q, publish %q", name, contentType(name), published)
		}
	}
}
