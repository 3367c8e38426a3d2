package server

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/site"
)

// The site the integration tests preview, built by the real builder.
const (
	integrationPost     = "content/posts/2021-01-10-first-light.md"
	integrationPostPath = "/2021/01/10/first-light/"
	integrationSheet    = "templates/assets/style.css"
)

func integrationPostText(title, body string) string {
	return fmt.Sprintf("---\ntitle: %s\nexcerpt: >\n  Weeknotes S01E01 - 10 January 2021\n---\n%s\n", title, body)
}

// integrationSite writes a small weeknotes site: two posts of a series, a
// stylesheet of its own and a configuration file.
func integrationSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "weeknotes.yaml", "title: Preview test\nurl: https://example.org\n")
	writeFile(t, dir, integrationPost, integrationPostText("First light", "The first week."))
	writeFile(t, dir, "content/posts/2021-01-17-second-wind.md",
		"---\ntitle: Second wind\nexcerpt: >\n  Weeknotes S01E02 - 17 January 2021\n---\nAfter [the first]({% post_url 2021-01-10-first-light %}).\n")
	writeFile(t, dir, integrationSheet, "body { margin: 0 }\n")
	return dir
}

// newSiteBuilder returns the real builder for the site in dir, with the
// embedded theme, as `weeknotes serve` makes it.
func newSiteBuilder(t testing.TB, dir string) Builder {
	t.Helper()
	theme, err := fs.Sub(weeknotes.Theme, "templates")
	if err != nil {
		t.Fatal(err)
	}
	return site.NewBuilder(site.Options{Source: dir, Theme: theme, Drafts: true, Future: true, Preview: true})
}

func TestPreviewWithTheRealBuilder(t *testing.T) {
	dir := integrationSite(t)
	r := startServer(t, dir, newSiteBuilder(t, dir))
	events, _ := r.listen(t)

	status, body := r.get(t, integrationPostPath)
	if status != 200 || !strings.Contains(body, "First light") || !strings.Contains(body, EventsPath) {
		t.Fatalf("GET %s = %d\n%s", integrationPostPath, status, body)
	}
	if status, _ := r.get(t, strings.TrimSuffix(integrationPostPath, "/")); status != 302 {
		t.Errorf("GET without the slash = %d, want a redirect", status)
	}

	t.Run("plain save", func(t *testing.T) {
		writeFile(t, dir, integrationPost, integrationPostText("First light, saved", "The first week."))
		events.expect(t, eventReload, eventWait)
		if _, body := r.get(t, integrationPostPath); !strings.Contains(body, "First light, saved") {
			t.Errorf("page not rebuilt:\n%s", body)
		}
	})
	t.Run("temporary file renamed over", func(t *testing.T) {
		renameOver(t, dir, integrationPost, integrationPostText("First light, renamed", "The first week."))
		events.expect(t, eventReload, eventWait)
		if _, body := r.get(t, integrationPostPath); !strings.Contains(body, "First light, renamed") {
			t.Errorf("page not rebuilt:\n%s", body)
		}
	})
	t.Run("swap files ignored", func(t *testing.T) {
		writeFile(t, dir, "content/posts/.2021-01-10-first-light.md.swp", "swap")
		writeFile(t, dir, "content/posts/2021-01-10-first-light.md~", "backup")
		events.quiet(t, 200*time.Millisecond)
	})
	t.Run("broken front matter", func(t *testing.T) {
		writeFile(t, dir, integrationPost, "---\ntitle: [unclosed\n---\nThe first week.\n")
		ev := events.expect(t, eventError, eventWait)
		for _, want := range []string{`role="alertdialog"`, integrationPost + ":2:", "<mark>"} {
			if !strings.Contains(ev.Data.HTML, want) {
				t.Errorf("error event lacks %q:\n%s", want, ev.Data.HTML)
			}
		}
		status, body := r.get(t, integrationPostPath)
		if status != 200 || !strings.Contains(body, "First light, renamed") || !strings.Contains(body, `id="weeknotes-overlay"`) {
			t.Errorf("GET while broken = %d\n%s", status, body)
		}
		if !strings.Contains(r.log.String(), integrationPost+":2: ") {
			t.Errorf("terminal lacks the error:\n%s", r.log.String())
		}
		writeFile(t, dir, integrationPost, integrationPostText("First light, fixed", "The first week."))
		events.expect(t, eventReload, eventWait)
		if _, body := r.get(t, integrationPostPath); strings.Contains(body, `id="weeknotes-overlay"`) || !strings.Contains(body, "First light, fixed") {
			t.Errorf("GET after the fix:\n%s", body)
		}
	})
	t.Run("missing post_url target", func(t *testing.T) {
		writeFile(t, dir, "content/posts/2021-01-17-second-wind.md",
			"---\ntitle: Second wind\n---\nAfter [the first]({% post_url 2021-01-10-no-such-post %}).\n")
		ev := events.expect(t, eventError, eventWait)
		if !strings.Contains(ev.Data.HTML, "content/posts/2021-01-17-second-wind.md:4:") {
			t.Errorf("error event lacks the post_url's line:\n%s", ev.Data.HTML)
		}
		writeFile(t, dir, "content/posts/2021-01-17-second-wind.md", "---\ntitle: Second wind\n---\nAfter the first.\n")
		events.expect(t, eventReload, eventWait)
	})
	t.Run("new folder with a post", func(t *testing.T) {
		writeFile(t, dir, "content/posts/2021/2021-01-24-third-time.md", "---\ntitle: Third time\n---\nA third.\n")
		events.expect(t, eventReload, eventWait)
		if status, body := r.get(t, "/2021/01/24/third-time/"); status != 200 || !strings.Contains(body, "Third time") {
			t.Errorf("new post = %d\n%s", status, body)
		}
	})
	t.Run("stylesheet only", func(t *testing.T) {
		writeFile(t, dir, integrationSheet, "body { margin: 1rem }\n")
		events.expect(t, eventCSS, eventWait)
	})
	t.Run("unknown page", func(t *testing.T) {
		status, body := r.get(t, "/no/such/page/")
		if status != 404 || !strings.Contains(body, EventsPath) {
			t.Errorf("GET unknown = %d\n%s", status, body)
		}
	})
	t.Run("outside the site", func(t *testing.T) {
		for _, target := range []string{"/../weeknotes.yaml", "/%2e%2e/weeknotes.yaml", "/static%2f..%2fweeknotes.yaml", "/index.html%00"} {
			if status, body := r.get(t, target); status != 404 || strings.Contains(body, "Preview test\nurl") {
				t.Errorf("GET %s = %d", target, status)
			}
		}
	})
	t.Run("nothing written to disk", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(dir, "site")); !os.IsNotExist(err) {
			t.Errorf("site/ exists: %v", err)
		}
	})
}

func TestPreviewOfTheFixtureSite(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	r := startServer(t, dir, newSiteBuilder(t, dir))
	// As it stands the fixture site fails: its post_url targets are missing.
	status, body := r.get(t, "/")
	if status != 500 || !strings.Contains(body, "content/posts/2023-11-17-power-cut.md:") || !strings.Contains(body, "<mark>") {
		t.Fatalf("GET / = %d\n%s", status, body)
	}
	events, _ := r.listen(t)
	for _, name := range []string{"2023-08-04-blameless-reviews", "2023-05-19-running-hot"} {
		writeFile(t, dir, "content/posts/"+name+".md", "---\ntitle: "+name+"\n---\nA stand-in.\n")
	}
	// The two files may be rebuilt together or one at a time; a rebuild
	// between them still fails on the second target, so wait for the reload.
	events.until(t, eventReload, eventWait)
	status, body = r.get(t, "/")
	if status != 200 || strings.Contains(body, `id="weeknotes-overlay"`) {
		t.Fatalf("GET / after adding the targets = %d\n%s", status, body)
	}
	if !slices.ContainsFunc(strings.Split(r.log.String(), "\n"), func(l string) bool { return strings.Contains(l, "re-rendered") }) {
		t.Errorf("no rebuild line:\n%s", r.log.String())
	}
}
