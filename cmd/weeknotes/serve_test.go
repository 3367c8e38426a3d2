package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
)

// lockedBuffer is written by the command while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func serveSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"weeknotes.yaml":                        "title: Serve test\nurl: https://example.org\nbaseurl: /blog\n",
		"content/posts/2021-01-10-first-one.md": "---\ntitle: First one\n---\nHello.\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunServe(t *testing.T) {
	dir := serveSite(t)
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- runServe(ctx, []string{"--source", dir, "--port", "0"}, stdout, stderr) }()

	var pageURL string
	urlPattern := regexp.MustCompile(`at (http://localhost:\d+/blog/) \(drafts and future posts included\)`)
	deadline := time.Now().Add(30 * time.Second)
	for pageURL == "" {
		if m := urlPattern.FindStringSubmatch(stdout.String()); m != nil {
			pageURL = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no URL printed:\n%s\n%s", stdout, stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(pageURL + "2021/01/10/first-one/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// Links point at the preview, under the configured base path.
	if resp.StatusCode != 200 || !strings.Contains(string(body), "First one") || !strings.Contains(string(body), strings.TrimSuffix(pageURL, "/blog/")) {
		t.Errorf("GET the post = %d\n%s", resp.StatusCode, body)
	}
	// The page may be answered before the first build is done (it is
	// rendered on demand); the build's line follows.
	for !strings.Contains(stdout.String(), "built ") {
		if time.Now().After(deadline) {
			t.Fatalf("no build line:\n%s", stdout)
		}
		time.Sleep(10 * time.Millisecond)
	}

	cancel()
	select {
	case c := <-code:
		if c != exitOK || !strings.Contains(stdout.String(), "Stopped.") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", c, stdout, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after Ctrl-C")
	}
	if _, err := os.Stat(filepath.Join(dir, "site")); !os.IsNotExist(err) {
		t.Errorf("serve wrote site/: %v", err)
	}
}

func TestRunServeFailures(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	dir := serveSite(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"port in use", []string{"--source", dir, "--port", strconv.Itoa(port)}, exitFailure,
			"weeknotes serve: port " + strconv.Itoa(port) + " is in use; try --port " + strconv.Itoa(port+1) + " or --port 0 for any free port\n"},
		{"no such folder", []string{"--source", filepath.Join(dir, "nope"), "--port", "0"}, exitUsage, "does not exist; to start a site there, run: weeknotes init"},
		{"port out of range", []string{"--port", "70000"}, exitUsage, "--port 70000: want 0 to 65535"},
		{"unknown flag", []string{"--drafts"}, exitUsage, "flag provided but not defined: -drafts"},
		{"stray argument", []string{"site"}, exitUsage, `unexpected argument "site"`},
		{"help", []string{"--help"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runServe(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, want %d; stderr:\n%s\nwant it to contain %q", code, tt.code, stderr.String(), tt.stderr)
			}
		})
	}
}

func TestWatchedFolders(t *testing.T) {
	tests := []struct {
		name string
		cfg  *config.Config
		want []string
	}{
		{"no configuration", nil, []string{"content", "_posts", "_drafts", "templates", "static"}},
		{"weeknotes layout", &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts", TemplatesDir: "templates", StaticDir: "static"},
			[]string{"content", "templates", "static"}},
		{"Jekyll layout", &config.Config{PostsDir: "_posts", DraftsDir: "_drafts", TemplatesDir: "templates", StaticDir: "static"},
			[]string{"_posts", "_drafts", "templates", "static"}},
		{"no drafts folder", &config.Config{PostsDir: "blog/posts", TemplatesDir: "theme", StaticDir: "assets"},
			[]string{"blog", "theme", "assets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := watchedFolders(tt.cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("watchedFolders = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDisplayHost(t *testing.T) {
	tests := map[string]string{"127.0.0.1": "127.0.0.1", "0.0.0.0": "localhost", "::": "localhost", "": "localhost", "::1": "::1", "192.168.1.5": "192.168.1.5"}
	for bind, want := range tests {
		if got := displayHost(bind); got != want {
			t.Errorf("displayHost(%q) = %q, want %q", bind, got, want)
		}
	}
}

func TestAllowedHosts(t *testing.T) {
	tests := []struct {
		bind, allow string
		want        []string
	}{
		{"127.0.0.1", "", nil},
		{"0.0.0.0", "laptop.local", []string{"laptop.local"}},
		{"laptop.local", "", []string{"laptop.local"}},
		{"::1", " a.example , ,b.example", []string{"a.example", "b.example"}},
	}
	for _, tt := range tests {
		if got := allowedHosts(tt.bind, tt.allow); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("allowedHosts(%q, %q) = %q, want %q", tt.bind, tt.allow, got, tt.want)
		}
	}
}

func TestWithNestedFolders(t *testing.T) {
	site := fstest.MapFS{
		"_posts/2021-01-01-a.md":       {Data: []byte("a")},
		"blog/_posts/2021-01-02-b.md":  {Data: []byte("b")},
		"blog/_drafts/idea.md":         {Data: []byte("c")},
		"_private/_drafts/skipped.md":  {Data: []byte("d")},
		"content/drafts/not-jekyll.md": {Data: []byte("e")},
	}
	jekyll := &config.Config{PostsDir: "_posts", DraftsDir: "_drafts", TemplatesDir: "templates", StaticDir: "static", Jekyll: true}
	got := withNestedFolders(watchedFolders(jekyll), site, jekyll)
	if want := []string{"_posts", "_drafts", "templates", "static", "blog/_posts", "blog/_drafts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Jekyll layout: %q, want %q", got, want)
	}
	weeknotes := &config.Config{PostsDir: "content/posts", DraftsDir: "content/drafts", TemplatesDir: "templates", StaticDir: "static"}
	if got, want := withNestedFolders(watchedFolders(weeknotes), site, weeknotes), []string{"content", "templates", "static"}; !reflect.DeepEqual(got, want) {
		t.Errorf("weeknotes layout: %q, want %q", got, want)
	}
}
