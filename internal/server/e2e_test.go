package server

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser the end-to-end test drives. Without one
// the test is skipped on a developer's machine but fails in CI, where the
// Makefile installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; the end-to-end test needs it in CI")
	}
	t.Skip("chromium is not installed")
	return ""
}

// browser starts a headless Chromium for the test and returns a context
// that drives one tab of it.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// waitForJS evaluates expr until it is true, failing after within. Errors
// are expected while the page reloads, and retried.
func waitForJS(t *testing.T, ctx context.Context, expr string, within time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		if time.Since(start) > within {
			t.Fatalf("%s still false after %v", expr, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBrowserReloadsAndShowsErrors(t *testing.T) {
	ctx := browser(t)
	dir := integrationSite(t)
	r := startServer(t, dir, newSiteBuilder(t, dir))

	if err := chromedp.Do(ctx, chromedp.Navigate(r.url+integrationPostPath)); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(h1, "First light") {
		t.Fatalf("h1 = %q, %v", h1, err)
	}
	waitFor(t, func() bool { return r.srv.events.clientCount() == 1 })

	// A save shows on its own, within a second.
	start := time.Now()
	writeFile(t, dir, integrationPost, integrationPostText("A new heading", "Body."))
	waitForJS(t, ctx, `document.querySelector("h1") !== null && document.querySelector("h1").textContent.includes("A new heading")`, time.Second)
	t.Logf("save to new h1: %v", time.Since(start))

	// A stylesheet saved alone is swapped in place: the page is not reloaded.
	waitFor(t, func() bool { return r.srv.events.clientCount() == 1 })
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, integrationSheet, "h1 { color: rgb(1, 2, 3) }\n")
	waitForJS(t, ctx, `getComputedStyle(document.querySelector("h1")).color === "rgb(1, 2, 3)"`, 2*time.Second)
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !kept {
		t.Errorf("the page reloaded for a stylesheet change (%v)", err)
	}

	// Broken front matter: the overlay appears over the last good page,
	// can be dismissed, and goes when the post is fixed.
	writeFile(t, dir, integrationPost, "---\ntitle: [unclosed\n---\nBody.\n")
	waitForJS(t, ctx, `document.querySelector('#weeknotes-overlay[open]') !== null`, 2*time.Second)
	overlay, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#weeknotes-overlay")))
	if err != nil {
		t.Fatal(err)
	}
	h1, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(overlay, integrationPost+":2:") || !strings.Contains(h1, "A new heading") {
		t.Errorf("overlay %q over h1 %q", overlay, h1)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#weeknotes-overlay [data-weeknotes-dismiss]"))); err != nil {
		t.Fatal(err)
	}
	waitForJS(t, ctx, `document.querySelector("#weeknotes-overlay") === null`, time.Second)

	writeFile(t, dir, integrationPost, integrationPostText("Fixed", "Body."))
	waitForJS(t, ctx, `document.querySelector("#weeknotes-overlay") === null && document.querySelector("h1").textContent.includes("Fixed")`, 2*time.Second)
}
