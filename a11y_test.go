package weeknotes_test

// The default theme's end-to-end accessibility check: every kind of page of
// three sites, rendered by Debian's headless Chromium in light and dark, on
// a desktop and a phone-sized screen, audited by axe-core for WCAG 2.1 A
// and AA and axe's best practices. Run by `make test`, which installs
// Chromium and axe-core (into .cache/npm) first.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"maps"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/server"
	"github.com/weeknotes/weeknotes/internal/site"
)

// axeScript is where `make test` installs axe-core.
const axeScript = ".cache/npm/node_modules/axe-core/axe.min.js"

// axeTags are the rule sets every page must pass.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// screenModes are the combinations every page is audited in.
var screenModes = []screenMode{
	{"desktop-light", 1280, 800, false, "light"},
	{"desktop-dark", 1280, 800, false, "dark"},
	{"phone-light", 390, 844, true, "light"},
	{"phone-dark", 390, 844, true, "dark"},
}

type screenMode struct {
	name          string
	width, height int64
	phone         bool   // mobile and touch emulation: no hover
	scheme        string // prefers-color-scheme
}

// themeSite is one site the theme is audited on, and the address of each
// kind of page in it.
type themeSite struct {
	name  string
	dir   string            // the site's folder, a copy the test may change
	pages map[string]string // page kind → path
}

// needTool returns what the end-to-end test needs, or skips: a developer
// without Chromium or axe-core is told how to get them, while CI (CI set,
// as `make test` does) fails, because there they must be installed.
func needTool(t *testing.T, what, hint string, find func() (string, bool)) string {
	t.Helper()
	if p, ok := find(); ok {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing; the theme's accessibility test needs it in CI (%s)", what, hint)
	}
	t.Skipf("%s is missing, so the theme's accessibility test is skipped (%s)", what, hint)
	return ""
}

func chromium(t *testing.T) string {
	return needTool(t, "chromium", "make chromium", func() (string, bool) {
		for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				return p, true
			}
		}
		return "", false
	})
}

func axeSource(t *testing.T) string {
	p := needTool(t, "axe-core", "make axe", func() (string, bool) {
		_, err := os.Stat(axeScript)
		return axeScript, err == nil
	})
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestThemeAccessibility audits every page kind of the three sites in
// every screen mode and fails on any axe violation. With
// WEEKNOTES_SCREENSHOTS=<folder> it also saves a full-page screenshot of
// each, to look at.
func TestThemeAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("the accessibility audit takes a browser; skipped with -short")
	}
	browserPath := chromium(t)
	axe := axeSource(t)
	shots := os.Getenv("WEEKNOTES_SCREENSHOTS")

	sites := []themeSite{sampleSite(t), jekyllSite(t), generatedSite(t, 300)}
	ctx := startBrowser(t, browserPath)
	axeFindsWhatIsThere(t, ctx, axe)
	for _, s := range sites {
		base := serveBuilt(t, s.dir)
		pages := map[string]string{}
		for kind, p := range s.pages {
			pages[kind] = base + p
		}
		pages["overlay"] = overlayPage(t, ctx, s.dir)
		for _, kind := range sortedKeys(pages) {
			t.Run(s.name+"/"+kind, func(t *testing.T) {
				auditPage(t, ctx, pages[kind], kind, axe, shots, s.name)
			})
		}
	}
}

// axeFindsWhatIsThere audits a page with known faults first, so that an
// audit that finds nothing means the pages have none, not that axe did not
// run.
func axeFindsWhatIsThere(t *testing.T, ctx context.Context, axe string) {
	t.Helper()
	bad := listenAndServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title></title></head><body><main><img src="data:,"><a href="/x"></a><p style="color:#999;background:#fff">pale</p></main></body></html>`))
	}))
	if err := chromedp.Do(ctx, chromedp.Navigate(bad)); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, v := range runAxe(t, ctx, axe) {
		found[v.ID] = true
	}
	for _, id := range []string{"html-has-lang", "document-title", "image-alt", "link-name", "color-contrast"} {
		if !found[id] {
			t.Errorf("axe did not report %s on a page that has it (found %v)", id, found)
		}
	}
}

// auditPage runs axe on a page in each screen mode. The page is loaded
// afresh for each screen size (the overlay only once: the live preview
// shows it over a loaded page); the colour scheme changes in place.
func auditPage(t *testing.T, ctx context.Context, url, kind, axe, shots, siteName string) {
	for i, m := range screenModes {
		if err := chromedp.Do(ctx, emulate(m)); err != nil {
			t.Fatal(err)
		}
		newSize := i == 0 || m.width != screenModes[i-1].width
		if newSize && (kind != "overlay" || i == 0) {
			if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
				t.Fatalf("%s: %v", url, err)
			}
		}
		waitFor(t, ctx, fmt.Sprintf(`matchMedia("(prefers-color-scheme: %s)").matches && innerWidth === %d`, m.scheme, m.width))
		if kind == "overlay" {
			waitFor(t, ctx, `document.querySelector("#weeknotes-overlay[open]") !== null && document.activeElement.matches("#weeknotes-overlay button")`)
		}
		violations := runAxe(t, ctx, axe)
		for _, v := range violations {
			t.Errorf("%s %s: %s", m.name, url, v)
		}
		if shots != "" {
			saveScreenshot(t, ctx, filepath.Join(shots, fmt.Sprintf("%s-%s-%s.png", siteName, kind, m.name)))
		}
	}
	if kind == "overlay" {
		overlayIsModal(t, ctx)
	}
}

// overlayIsModal checks what axe cannot: the overlay is a modal dialog, so
// the page behind it is inert, and Esc closes it.
func overlayIsModal(t *testing.T, ctx context.Context) {
	t.Helper()
	modal, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#weeknotes-overlay").matches(":modal")`))
	if err != nil || !modal {
		t.Errorf("the overlay is not open as a modal dialog (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector("#weeknotes-overlay") === null`)
}

// emulate sets the viewport and colour scheme of a screen mode.
func emulate(m screenMode) chromedp.Action[chromedp.Void] {
	var opts []chromedp.EmulateViewportOption
	if m.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.Steps(
		chromedp.EmulateViewport(m.width, m.height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: m.scheme}},
			})
			return err
		}),
	)
}

// axeResult is the part of axe's results the test reports.
type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 3 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-3)
			break
		}
		fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// runAxe injects axe-core into the page and returns its violations.
func runAxe(t *testing.T, ctx context.Context, axe string) []axeResult {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	if err != nil {
		t.Fatal(err)
	}
	if loaded {
		return axeViolations(t, ctx)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	return axeViolations(t, ctx)
}

// axeViolations runs the axe-core already in the page.
func axeViolations(t *testing.T, ctx context.Context) []axeResult {
	t.Helper()
	tags, _ := json.Marshal(axeTags)
	script := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, tags)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var vs []axeResult
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func saveScreenshot(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor evaluates expr, on every frame, until it is true: a page that
// never gets there fails the test after 30 seconds rather than hanging it.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	poll := chromedp.Evaluate[bool](fmt.Sprintf(`new Promise(resolve => {
  const check = () => (%s) ? resolve(true) : requestAnimationFrame(check);
  check();
})`, expr), chromedp.EvalAwaitPromise)
	if ok, err := chromedp.Run(ctx, poll); err != nil || !ok {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// startBrowser starts one headless Chromium for the whole test; every page
// is loaded in its one tab.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// Bounds a stuck browser; the audit takes well under a minute.
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// serveBuilt builds the site in dir and serves it on a loopback port as a
// static host would: folders answer with their index.html, and any other
// missing address with 404.html and status 404.
func serveBuilt(t *testing.T, dir string) string {
	t.Helper()
	res, err := site.NewBuilder(site.Options{Source: dir, Theme: defaultTheme(t)}).Build(context.Background(), nil)
	if err != nil {
		t.Fatalf("building %s: %v", dir, err)
	}
	files := res.Output.Files
	read := func(name string) ([]byte, bool) {
		f := files[name]
		if f == nil {
			return nil, false
		}
		if f.Data != nil {
			return f.Data, true
		}
		data, err := os.ReadFile(f.Source)
		return data, err == nil
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		status := http.StatusOK
		data, ok := read(name)
		if !ok {
			name, status = "404.html", http.StatusNotFound
			data, _ = read(name)
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		w.WriteHeader(status)
		_, _ = w.Write(data)
	})
	return listenAndServe(t, handler)
}

func listenAndServe(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// overlayPage serves a copy of the site in the live preview, breaks one of
// its posts and returns the address of its home page, which now carries the
// error overlay over the last good build.
func overlayPage(t *testing.T, ctx context.Context, dir string) string {
	t.Helper()
	work := filepath.Join(t.TempDir(), filepath.Base(dir))
	copyTree(t, dir, work)
	ln, err := server.Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	postsDir := "content/posts"
	if _, err := os.Stat(filepath.Join(work, "_posts")); err == nil {
		postsDir = "_posts"
	}
	srv := server.New(server.Options{
		Builder: site.NewBuilder(site.Options{Source: work, Theme: defaultTheme(t), Preview: true}),
		Source:  work,
		Watch:   []string{postsDir},
	})
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("preview server: %v", err)
		}
	})
	url := "http://" + ln.Addr().String() + "/"
	// The page must be up before the post breaks, so that the overlay comes
	// over the last good build.
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector("main") !== null`)
	broken := filepath.Join(work, filepath.FromSlash(postsDir), "2020-01-01-broken.md")
	if err := os.WriteFile(broken, []byte("---\ntitle: [never closed\n---\nBody.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector("#weeknotes-overlay[open]") !== null`)
	return url
}

func defaultTheme(t *testing.T) fs.FS {
	sub, err := fs.Sub(weeknotes.Theme, "templates")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// sampleSite is the repository's own site, copied.
func sampleSite(t *testing.T) themeSite {
	dir := filepath.Join(t.TempDir(), "sample")
	for _, p := range []string{"weeknotes.yaml", "content", "static"} {
		copyTree(t, p, filepath.Join(dir, p))
	}
	return themeSite{name: "sample", dir: dir, pages: map[string]string{
		"home":           "/",
		"home-page-2":    "/page/2/",
		"post-code":      "/2025/10/12/front-matter-all-the-way-down/",
		"post-image":     "/2026/01/11/back-to-it/",
		"post-no-series": "/2026/02/08/why-i-write-weeknotes/",
		"series":         "/series/weeknotes/",
		"series-list":    "/series/",
		"archive":        "/archive/",
		"tag":            "/tags/weeknotes/",
		"tags":           "/tags/",
		"404":            "/no-such-page/",
	}}
}

// jekyllSite is a Jekyll blog with no title, url or author configured,
// copied into a folder whose name becomes its title.
func jekyllSite(t *testing.T) themeSite {
	dir := filepath.Join(t.TempDir(), "garden-notes")
	copyTree(t, "testdata/jekyll-site", dir)
	return themeSite{name: "jekyll", dir: dir, pages: map[string]string{
		"home":        "/",
		"home-page-2": "/page/2/",
		"post-code":   "/2023/03/19/weeknotes-s01e02.html",
		"post-image":  "/2023/03/26/weeknotes-s01e03.html",
		"series":      "/series/weeknotes/",
		"series-list": "/series/",
		"archive":     "/archive/",
		"tag":         "/tags/garden/",
		"tags":        "/tags/",
		"404":         "/no-such-page/",
	}}
}

// generatedSite writes a site of n weekly posts: most in a series of
// seasons of 50 episodes, every seventh with code, every eleventh with an
// image, spread over several years.
func generatedSite(t *testing.T, n int) themeSite {
	dir := filepath.Join(t.TempDir(), "long-run")
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("weeknotes.yaml", "title: Three hundred weeks\ndescription: A long-running weeknotes site.\nauthor: Kit Example\nurl: https://long.example\npaginate: 10\n")
	writeChart(t, filepath.Join(dir, "static", "images", "chart.png"))
	tags := []string{"work", "reading", "garden", "code", "family"}
	start := time.Date(2020, 1, 5, 9, 0, 0, 0, time.UTC)
	var codePost, imagePost string
	for i := range n {
		date := start.AddDate(0, 0, 7*i)
		slug := fmt.Sprintf("week-%03d", i+1)
		url := fmt.Sprintf("/%s/%s/", date.Format("2006/01/02"), slug)
		var fm, body strings.Builder
		fmt.Fprintf(&fm, "---\ntitle: Week %d of the long run\ntags: [%s]\n", i+1, tags[i%len(tags)])
		if i%9 != 4 {
			fmt.Fprintf(&fm, "excerpt: Weeknotes S%02dE%02d - week %d\n", i/50+1, i%50+1, i+1)
		}
		fm.WriteString("---\n\n")
		fmt.Fprintf(&body, "This was week %d. Some of it went to plan.\n\n## What happened\n\nA paragraph of what happened, long enough to wrap on a phone screen and to read like a note.\n", i+1)
		if i%7 == 3 {
			body.WriteString("\n```go\nfunc main() {\n\tfmt.Println(\"a line of code long enough to need a sideways scroll on a narrow screen, as many do\")\n}\n```\n")
			codePost = url
		}
		if i%11 == 5 {
			body.WriteString("\n![A bar chart of five bars, the fourth the tallest](/static/images/chart.png)\n")
			imagePost = url
		}
		write(fmt.Sprintf("content/posts/%s-%s.md", date.Format("2006-01-02"), slug), fm.String()+body.String())
	}
	return themeSite{name: "generated", dir: dir, pages: map[string]string{
		"home":        "/",
		"home-page-2": "/page/2/",
		"post-code":   codePost,
		"post-image":  imagePost,
		"series":      "/series/weeknotes/",
		"series-list": "/series/",
		"archive":     "/archive/",
		"tag":         "/tags/garden/",
		"tags":        "/tags/",
		"404":         "/no-such-page/",
	}}
}

// writeChart writes a small bar chart PNG.
func writeChart(t *testing.T, file string) {
	img := image.NewRGBA(image.Rect(0, 0, 480, 240))
	for y := range 240 {
		for x := range 480 {
			c := color.RGBA{250, 250, 250, 255}
			if bar := (x - 40) / 80; x >= 40 && (x-40)%80 < 56 && bar < 5 && y > 220-[]int{80, 120, 60, 200, 140}[bar] && y < 220 {
				c = color.RGBA{13, 107, 100, 255}
			}
			img.Set(x, y, c)
		}
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies a file or a folder.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
