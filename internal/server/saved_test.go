package server

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// gatedBuilder holds every build until the test lets it go, so that a test
// sees what the preview answers before its first build has finished.
type gatedBuilder struct {
	*site.Builder
	release chan struct{}
	fail    error // when set, builds fail with it instead of building
}

func (g *gatedBuilder) Build(ctx context.Context, changed []string) (*site.Result, error) {
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if g.fail != nil {
		return nil, g.fail
	}
	return g.Builder.Build(ctx, changed)
}

// savingOptions are `weeknotes serve`'s options for the site in dir: with
// the build state, and the pages saved in it.
func savingOptions(t *testing.T, dir string) site.Options {
	t.Helper()
	theme, err := fs.Sub(weeknotes.Theme, "templates")
	if err != nil {
		t.Fatal(err)
	}
	return site.Options{Source: dir, Theme: theme, Drafts: true, Future: true, Preview: true,
		CacheDir: filepath.Join(dir, site.CacheDirName), SavePages: true}
}

// savedPreview builds the site in dir once, as an earlier run of the
// preview did, then starts the preview with a builder held at its first
// build, and waits until it answers.
func savedPreview(t *testing.T, dir string, fail error) (*running, *gatedBuilder) {
	t.Helper()
	first := site.NewBuilder(savingOptions(t, dir))
	if _, err := first.Build(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := first.Flush(); err != nil {
		t.Fatal(err)
	}
	g := &gatedBuilder{Builder: site.NewBuilder(savingOptions(t, dir)), release: make(chan struct{}), fail: fail}
	r := serveInBackground(t, dir, g, testDebounce)
	select {
	case <-r.srv.ready:
	case <-time.After(firstBuildWait):
		t.Fatal("the preview did not answer from the saved site")
	}
	return r, g
}

func waitBuilt(t *testing.T, r *running) {
	t.Helper()
	select {
	case <-r.srv.built:
	case <-time.After(firstBuildWait):
		t.Fatalf("first build did not finish within %v", firstBuildWait)
	}
}

// TestSavedSiteBeforeTheFirstBuild shows pages served while the first
// build has not even started, from what the last run saved, and the same
// bytes served after it: no reload, no other version.
func TestSavedSiteBeforeTheFirstBuild(t *testing.T) {
	dir := integrationSite(t)
	r, g := savedPreview(t, dir, nil)
	early := map[string]string{}
	for _, p := range []string{"/", integrationPostPath, "/feed.xml"} {
		status, body := r.get(t, p)
		if status != 200 {
			t.Fatalf("GET %s before the first build = %d\n%s", p, status, body)
		}
		early[p] = body
	}
	if !strings.Contains(early[integrationPostPath], "First light") {
		t.Errorf("the saved post page does not show the post:\n%s", early[integrationPostPath])
	}
	if status, _ := r.get(t, "/no/such/page/"); status != 404 {
		t.Errorf("a page the site lacks: %d, want 404", status)
	}
	select {
	case <-r.srv.built:
		t.Fatal("the first build finished before it was let go")
	default:
	}
	if !strings.Contains(r.log.String(), "saved by the last run") {
		t.Errorf("the log does not say the saved site is served:\n%s", r.log.String())
	}

	close(g.release)
	waitBuilt(t, r)
	for p, want := range early {
		if _, got := r.get(t, p); got != want {
			t.Errorf("GET %s after the first build differs from before it:\n%s", p, firstLineDiff(want, got))
		}
	}
}

// TestSavedSiteThenFailedBuild shows a first build's errors over the saved
// site as soon as the build knows of them.
func TestSavedSiteThenFailedBuild(t *testing.T) {
	dir := integrationSite(t)
	fail := &diag.BuildError{Diagnostics: []diag.Diagnostic{diag.Errorf(integrationPost, 2, "a broken tag")}}
	r, g := savedPreview(t, dir, fail)
	if _, body := r.get(t, integrationPostPath); strings.Contains(body, "a broken tag") {
		t.Fatal("the overlay shows before the build failed")
	}
	close(g.release)
	waitBuilt(t, r)
	status, body := r.get(t, integrationPostPath)
	if status != 200 || !strings.Contains(body, "First light") || !strings.Contains(body, integrationPost+":2") || !strings.Contains(body, "a broken tag") {
		t.Errorf("GET %s after the failed build = %d, want the saved page with the error at file:line over it\n%s", integrationPostPath, status, body)
	}
}

// firstLineDiff names the first line where two texts differ.
func firstLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strings.TrimSpace(w[i]) + "\nnow   " + strings.TrimSpace(g[i])
		}
	}
	return "one is longer"
}

// heldBuilder holds its first build right after handing over the site it
// is rendering, before any page is rendered, until the test lets it go.
type heldBuilder struct {
	*site.Builder
	handed  chan struct{}
	release chan struct{}
}

func (h *heldBuilder) BuildRendering(ctx context.Context, changed []string, ready func(*site.Rendering)) (*site.Result, error) {
	return h.Builder.BuildRendering(ctx, changed, func(r *site.Rendering) {
		ready(r)
		close(h.handed)
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	})
}

// TestPageRenderedOnDemand shows a page served while the first build has
// rendered none (there is no saved site): the page is rendered for the
// request, and is the same bytes the finished build serves.
func TestPageRenderedOnDemand(t *testing.T) {
	dir := integrationSite(t)
	h := &heldBuilder{Builder: newSiteBuilder(t, dir).(*site.Builder), handed: make(chan struct{}), release: make(chan struct{})}
	r := serveInBackground(t, dir, h, testDebounce)
	select {
	case <-h.handed:
	case <-time.After(firstBuildWait):
		t.Fatal("the first build did not hand over its site")
	}
	status, early := r.get(t, integrationPostPath)
	if status != 200 || !strings.Contains(early, "First light") {
		t.Fatalf("GET %s while the build renders = %d\n%s", integrationPostPath, status, early)
	}
	if status, _ := r.get(t, "/no/such/page/"); status != 404 {
		t.Errorf("a page the site lacks: %d, want 404", status)
	}
	select {
	case <-r.srv.built:
		t.Fatal("the first build finished while held")
	default:
	}
	close(h.release)
	waitBuilt(t, r)
	if _, late := r.get(t, integrationPostPath); late != early {
		t.Errorf("the page after the build differs from the one rendered on demand:\n%s", firstLineDiff(early, late))
	}
}

// TestBrokenPageAskedWhileRendering asks for a page whose template fails
// while the first build renders: the answer waits for the build, and is
// its error at file:line, not a page.
func TestBrokenPageAskedWhileRendering(t *testing.T) {
	dir := integrationSite(t)
	writeFile(t, dir, integrationPost, "---\ntitle: First light\nlayout: broken\n---\nThe first week.\n")
	writeFile(t, dir, "templates/broken.html", "{{define \"main\"}}\n<h1>{{ .Post.NoSuchField }}</h1>\n{{end}}\n")
	h := &heldBuilder{Builder: newSiteBuilder(t, dir).(*site.Builder), handed: make(chan struct{}), release: make(chan struct{})}
	r := serveInBackground(t, dir, h, testDebounce)
	<-h.handed
	type answer struct {
		status int
		body   string
	}
	answered := make(chan answer, 1)
	go func() {
		status, body := r.get(t, integrationPostPath)
		answered <- answer{status, body}
	}()
	// The request cannot be answered before the build fails; letting the
	// build go while it waits, or before it arrives, must give the same.
	close(h.release)
	a := <-answered
	if a.status != 500 || !strings.Contains(a.body, "templates/broken.html:2") || strings.Contains(a.body, "The first week") {
		t.Errorf("GET %s = %d, want the build's error at templates/broken.html:2 and no page\n%s", integrationPostPath, a.status, a.body)
	}
}

// TestStopBeforeTheFirstBuild stops the preview while its first build is
// held: Serve returns, and the saved site it was answering from is closed.
func TestStopBeforeTheFirstBuild(t *testing.T) {
	dir := integrationSite(t)
	first := site.NewBuilder(savingOptions(t, dir))
	if _, err := first.Build(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := first.Flush(); err != nil {
		t.Fatal(err)
	}
	g := &gatedBuilder{Builder: site.NewBuilder(savingOptions(t, dir)), release: make(chan struct{})}
	ln, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Builder: g, Source: dir, Watch: []string{"content"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	<-srv.ready
	saved := srv.current().early
	if saved == nil {
		t.Fatal("no saved site")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := saved.File("index.html"); !errors.Is(err, site.ErrClosed) {
		t.Errorf("the saved site after Serve returned: %v, want ErrClosed", err)
	}
}
