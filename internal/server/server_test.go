package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// eventWait bounds how long a test waits for a rebuild's event: far more
// than a rebuild of a toy site takes, even under -race on a busy machine.
const eventWait = 5 * time.Second

func fakeSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/first.md", "---\ntitle: First light\n---\nHello.\n")
	writeFile(t, dir, "content/posts/second.md", "---\ntitle: Second wind\n---\nAgain.\n")
	writeFile(t, dir, "static/style.css", "body { color: black }\n")
	return dir
}

func TestSaveReloads(t *testing.T) {
	tests := []struct {
		name string
		save func(t testing.TB, root, rel, content string)
	}{
		{"plain write", writeFile},
		{"temporary file renamed over", renameOver},
		{"backup, then write, as Vim does", func(t testing.TB, root, rel, content string) {
			p := filepath.Join(root, filepath.FromSlash(rel))
			writeFile(t, root, filepath.ToSlash(filepath.Dir(rel))+"/4913", "")
			os.Remove(p + "4913")
			if err := os.Rename(p, p+"~"); err != nil {
				t.Fatal(err)
			}
			writeFile(t, root, rel, content)
			os.Remove(p + "~")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeSite(t)
			b := newFakeBuilder(dir)
			r := startServer(t, dir, b)
			events, _ := r.listen(t)

			tt.save(t, dir, "content/posts/first.md", "---\ntitle: First light, revised\n---\nHello.\n")
			events.expect(t, eventReload, eventWait)
			status, body := r.get(t, "/first/")
			if status != 200 || !strings.Contains(body, "<h1>First light, revised</h1>") {
				t.Fatalf("GET /first/ = %d\n%s", status, body)
			}
			// One save is one rebuild, told exactly what changed.
			events.quiet(t, 150*time.Millisecond)
			calls := b.Calls()
			if want := [][]string{nil, {"content/posts/first.md"}}; !reflect.DeepEqual(calls, want) {
				t.Errorf("Build calls = %q, want %q", calls, want)
			}
			if log := r.log.String(); !strings.Contains(log, "content/posts/first.md: 2 pages re-rendered in ") {
				t.Errorf("log lacks the rebuild line:\n%s", log)
			}
		})
	}
}

func TestBrokenBuildShowsOverlayAndRecovers(t *testing.T) {
	dir := fakeSite(t)
	r := startServer(t, dir, newFakeBuilder(dir))
	events, _ := r.listen(t)

	writeFile(t, dir, "content/posts/second.md", "---\ntitle: Second wind\ntags: [unclosed\n---\nAgain.\n")
	ev := events.expect(t, eventError, eventWait)
	for _, want := range []string{`role="alertdialog"`, "content/posts/second.md:3:", "front matter: expected key: value", "<mark>", "tags: [unclosed"} {
		if !strings.Contains(ev.Data.HTML, want) {
			t.Errorf("error event lacks %q:\n%s", want, ev.Data.HTML)
		}
	}
	// Pages loaded while broken: the last good page, with the overlay.
	status, body := r.get(t, "/second/")
	if status != 200 || !strings.Contains(body, "<h1>Second wind</h1>") || !strings.Contains(body, `id="weeknotes-overlay"`) {
		t.Fatalf("GET /second/ while broken = %d\n%s", status, body)
	}
	if strings.Index(body, `id="weeknotes-overlay"`) > strings.LastIndex(body, "</body>") {
		t.Error("overlay is not inside <body>")
	}
	if log := r.log.String(); !strings.Contains(log, "  content/posts/second.md:3: front matter: expected key: value\n") {
		t.Errorf("terminal lacks the diagnostic:\n%s", log)
	}

	writeFile(t, dir, "content/posts/second.md", "---\ntitle: Second wind\ntags: [closed]\n---\nAgain.\n")
	events.expect(t, eventReload, eventWait)
	_, body = r.get(t, "/second/")
	if strings.Contains(body, `id="weeknotes-overlay"`) {
		t.Errorf("overlay still served after the fix:\n%s", body)
	}
}

func TestFirstBuildFailing(t *testing.T) {
	dir := fakeSite(t)
	writeFile(t, dir, "content/posts/first.md", "---\ntitle First light\n---\n")
	r := startServer(t, dir, newFakeBuilder(dir))

	for _, path := range []string{"/", "/first/", "/static/style.css"} {
		status, body := r.get(t, path)
		if status != 500 || !strings.Contains(body, "content/posts/first.md:2:") || !strings.Contains(body, "Nothing has built yet") || !strings.Contains(body, EventsPath) {
			t.Errorf("GET %s = %d\n%s", path, status, body)
		}
	}
	events, _ := r.listen(t)
	writeFile(t, dir, "content/posts/first.md", "---\ntitle: First light\n---\n")
	events.expect(t, eventReload, eventWait)
	if status, body := r.get(t, "/first/"); status != 200 || !strings.Contains(body, "<h1>First light</h1>") {
		t.Errorf("GET /first/ after the fix = %d\n%s", status, body)
	}
}

func TestNewFolders(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, dir string)
		post string // the new post, relative to the site root
		page string // its page
	}{
		{"created in place", func(t *testing.T, dir string) {
			writeFile(t, dir, "content/posts/2021/01/third.md", "---\ntitle: Third time\n---\n")
		}, "content/posts/2021/01/third.md", "/third/"},
		{"moved in with a post inside", func(t *testing.T, dir string) {
			outside := t.TempDir()
			writeFile(t, outside, "2022/fourth.md", "---\ntitle: Fourth wall\n---\n")
			if err := os.Rename(filepath.Join(outside, "2022"), filepath.Join(dir, "content", "posts", "2022")); err != nil {
				t.Fatal(err)
			}
		}, "content/posts/2022/fourth.md", "/fourth/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeSite(t)
			b := newFakeBuilder(dir)
			r := startServer(t, dir, b)
			events, _ := r.listen(t)
			tt.make(t, dir)
			events.expect(t, eventReload, eventWait)
			if status, body := r.get(t, tt.page); status != 200 {
				t.Fatalf("GET %s = %d\n%s", tt.page, status, body)
			}
			calls := b.Calls()
			if got := calls[len(calls)-1]; !slices.Contains(got, tt.post) {
				t.Errorf("changed = %q, want it to name %s", got, tt.post)
			}
			// The new folder is watched: a save inside it rebuilds.
			writeFile(t, dir, tt.post, "---\ntitle: Renamed\n---\n")
			events.expect(t, eventReload, eventWait)
			if _, body := r.get(t, tt.page); !strings.Contains(body, "<h1>Renamed</h1>") {
				t.Errorf("GET %s after the save:\n%s", tt.page, body)
			}
		})
	}
}

func TestWatchedFolderCreatedAfterStart(t *testing.T) {
	dir := fakeSite(t)
	b := newFakeBuilder(dir)
	startServer(t, dir, b)
	for i, rel := range []string{"templates/post.html", "templates/partials/head.html"} {
		writeFile(t, dir, rel, "{{.Title}}")
		waitFor(t, func() bool { return len(b.Calls()) > i+1 })
		calls := b.Calls()
		if got := calls[len(calls)-1]; !reflect.DeepEqual(got, []string{rel}) {
			t.Errorf("changed = %q, want [%s]", got, rel)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(eventWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSwapAndBackupFilesIgnored(t *testing.T) {
	dir := fakeSite(t)
	b := newFakeBuilder(dir)
	r := startServer(t, dir, b)
	events, _ := r.listen(t)
	for _, name := range []string{".first.md.swp", ".first.md.swx", "first.md~", "4913", ".#first.md", "#first.md#", ".DS_Store", "first.md___jb_tmp___"} {
		writeFile(t, dir, "content/posts/"+name, "junk")
	}
	writeFile(t, dir, "content/.git/index", "junk")
	writeFile(t, dir, "elsewhere/notes.md", "not part of the site")
	events.quiet(t, 300*time.Millisecond)
	if calls := b.Calls(); len(calls) != 1 {
		t.Errorf("Build called %d times, want only the first build: %q", len(calls), calls)
	}
}

func TestStylesheetOnlyChangeSendsCSS(t *testing.T) {
	dir := fakeSite(t)
	r := startServer(t, dir, newFakeBuilder(dir))
	events, _ := r.listen(t)
	writeFile(t, dir, "static/style.css", "body { color: navy }\n")
	events.expect(t, eventCSS, eventWait)
	if _, body := r.get(t, "/static/style.css"); body != "body { color: navy }\n" {
		t.Errorf("stylesheet = %q", body)
	}
	// A post and a sheet saved together need the page reloaded.
	writeFile(t, dir, "static/style.css", "body { color: teal }\n")
	writeFile(t, dir, "content/posts/first.md", "---\ntitle: Again\n---\n")
	events.expect(t, eventReload, eventWait)
}

func TestHelloCarriesThePageVersion(t *testing.T) {
	dir := fakeSite(t)
	r := startServer(t, dir, newFakeBuilder(dir))
	_, body := r.get(t, "/first/")
	_, hello := r.listen(t)
	if want := strconv.Quote(hello.Data.Version); !strings.Contains(body, "var version = "+want) {
		t.Errorf("page does not carry version %s:\n%s", want, body)
	}
	events, _ := r.listen(t)
	writeFile(t, dir, "content/posts/first.md", "---\ntitle: Changed\n---\n")
	ev := events.expect(t, eventReload, eventWait)
	if ev.Data.Version == hello.Data.Version {
		t.Error("version did not change with the build")
	}
	_, body = r.get(t, "/first/")
	if !strings.Contains(body, strconv.Quote(ev.Data.Version)) {
		t.Errorf("page after rebuild does not carry version %s", ev.Data.Version)
	}
}

func TestOtherBuildErrorsAreShown(t *testing.T) {
	dir := fakeSite(t)
	b := newFakeBuilder(dir)
	r := startServer(t, dir, b)
	events, _ := r.listen(t)
	b.setFailure(errors.New("write site/index.html: no space left on device"))
	writeFile(t, dir, "content/posts/first.md", "---\ntitle: X\n---\n")
	ev := events.expect(t, eventError, eventWait)
	if !strings.Contains(ev.Data.HTML, "no space left on device") {
		t.Errorf("overlay lacks the error:\n%s", ev.Data.HTML)
	}
	if status, body := r.get(t, "/first/"); status != 200 || !strings.Contains(body, "First light") {
		t.Errorf("last good page not served: %d\n%s", status, body)
	}
}

func TestShutdownEndsEventStreams(t *testing.T) {
	dir := fakeSite(t)
	ln, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Builder: newFakeBuilder(dir), Source: dir, Watch: []string{"content"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	<-srv.built
	r := &running{srv: srv, url: "http://" + ln.Addr().String()}
	events, _ := r.listen(t)

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
	select {
	case _, ok := <-events.events:
		if ok {
			t.Error("event after shutdown")
		}
	case <-time.After(time.Second):
		t.Error("event stream still open after shutdown")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still listening after shutdown")
	}
}

func TestListen(t *testing.T) {
	taken, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port

	_, err = Listen("127.0.0.1", port)
	want := "port " + strconv.Itoa(port) + " is in use; try --port " + strconv.Itoa(port+1) + " or --port 0 for any free port"
	if err == nil || err.Error() != want {
		t.Errorf("Listen on a taken port: %v, want %q", err, want)
	}
	if _, err := Listen("192.0.2.1", 0); err == nil || !strings.Contains(err.Error(), "listen on 192.0.2.1:0") {
		t.Errorf("Listen on an address not on this machine: %v", err)
	}
}

func TestEventFor(t *testing.T) {
	tests := []struct {
		name      string
		batch     batch
		outputs   []string
		wasBroken bool
		want      string
	}{
		{"post saved", batch{paths: []string{"content/posts/x.md"}}, []string{"x/index.html", "index.html"}, false, eventReload},
		{"nothing changed in the output", batch{paths: []string{"content/posts/x.md"}}, nil, false, ""},
		{"recovered with nothing changed", batch{paths: []string{"content/posts/x.md"}}, nil, true, eventReload},
		{"sheet saved", batch{paths: []string{"static/style.css"}}, []string{"static/style.css", "x/index.html"}, false, eventCSS},
		{"sheet saved, upper case", batch{paths: []string{"static/STYLE.CSS"}}, []string{"static/STYLE.CSS"}, false, eventCSS},
		{"sheet and post saved", batch{paths: []string{"static/style.css", "content/posts/x.md"}}, []string{"static/style.css"}, false, eventReload},
		{"sheet saved, feed changed", batch{paths: []string{"static/style.css"}}, []string{"static/style.css", "feed.xml"}, false, eventReload},
		{"sheet saved, no sheet in the output", batch{paths: []string{"static/style.css"}}, []string{"x/index.html"}, false, eventReload},
		{"sheet saved while broken", batch{paths: []string{"static/style.css"}}, []string{"static/style.css"}, true, eventReload},
		{"everything", batch{all: true}, []string{"static/style.css"}, false, eventReload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eventFor(tt.batch, tt.outputs, tt.wasBroken); got != tt.want {
				t.Errorf("eventFor = %q, want %q", got, tt.want)
			}
		})
	}
}

// scriptedBuilder returns prepared results in turn.
type scriptedBuilder struct {
	results []*site.Result
	errs    []error
	n       int
}

func (b *scriptedBuilder) Build(context.Context, []string) (*site.Result, error) {
	i := b.n
	b.n++
	return b.results[i], b.errs[i]
}

func TestReport(t *testing.T) {
	out := &site.Output{Files: map[string]*site.File{"index.html": {Data: []byte("<p>x")}}}
	warn := diag.Warnf("content/posts/x.md", 4, "image /static/a.png does not exist")
	other := diag.Warnf("content/posts/y.md", 0, "no date: treated as a draft")
	b := &scriptedBuilder{
		results: []*site.Result{
			{Output: out, Diagnostics: []diag.Diagnostic{warn}, Stats: site.Stats{Pages: 12, Posts: 10, Drafts: 2}, Changed: []string{"index.html"}},
			{Output: out, Diagnostics: []diag.Diagnostic{warn, other}, Stats: site.Stats{Rendered: 3}, Changed: []string{"index.html"}},
			nil,
		},
		errs: []error{nil, nil, &diag.BuildError{Diagnostics: []diag.Diagnostic{
			diag.Errorf("content/posts/x.md", 2, "yaml: did not find expected key"),
			diag.Errorf("content/posts/z.md", 9, `post_url: no post named "nope"`),
			warn,
		}}},
	}
	log := &syncBuffer{}
	s := New(Options{Builder: b, Source: t.TempDir(), Log: log})
	ctx := context.Background()
	s.build(ctx, batch{all: true})
	s.build(ctx, batch{paths: []string{"content/posts/a.md", "content/posts/b.md", "content/posts/y.md"}})
	s.build(ctx, batch{paths: []string{"content/posts/x.md"}})

	var got []string
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		// Drop the time of day.
		if !strings.HasPrefix(line, "  ") {
			line = line[strings.Index(line, " ")+1:]
		}
		line = regexp.MustCompile(`\d+ ms$`).ReplaceAllString(strings.TrimSpace(line), "N ms")
		got = append(got, line)
	}
	want := []string{
		"built 12 pages, 10 posts (2 drafts) in N ms",
		"content/posts/x.md:4: warning: image /static/a.png does not exist",
		"content/posts/a.md and 2 more: 3 pages re-rendered in N ms",
		"content/posts/y.md: warning: no date: treated as a draft",
		"content/posts/x.md: build failed with 2 errors; serving the last good build",
		"content/posts/x.md:2: yaml: did not find expected key",
		`content/posts/z.md:9: post_url: no post named "nope"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReportCapsNewWarnings(t *testing.T) {
	var ds []diag.Diagnostic
	for i := range maxNewWarnings + 5 {
		ds = append(ds, diag.Warnf(fmt.Sprintf("content/posts/p%02d.md", i), 1, "gap in series"))
	}
	log := &syncBuffer{}
	s := New(Options{Log: log})
	s.reportWarnings(ds)
	if got := strings.Count(log.String(), "warning: gap in series"); got != maxNewWarnings {
		t.Errorf("printed %d warnings, want %d", got, maxNewWarnings)
	}
	if !strings.Contains(log.String(), "  and 5 more warnings (") {
		t.Errorf("no count of the rest:\n%s", log)
	}
	// The same warnings again are not news.
	before := log.String()
	s.reportWarnings(ds)
	if log.String() != before {
		t.Errorf("repeated warnings printed again:\n%s", strings.TrimPrefix(log.String(), before))
	}
}
