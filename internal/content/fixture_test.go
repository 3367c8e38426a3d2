package content

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// fixtureSite is the repository's own small site with the edge cases
// real weeknotes have (see testdata/README.md).
const fixtureSite = "../../testdata/site"

// TestFixtureSite loads the fixture site as a build would: configuration
// first, then every post.
func TestFixtureSite(t *testing.T) {
	fsys := os.DirFS(fixtureSite)
	cfg, err := config.Load(fsys)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	cfg.Location = mustZone(t, "America/Chicago")
	posts, ds := Load(fsys, cfg, false)
	if len(posts) != 5 {
		t.Fatalf("got %d posts, want 5", len(posts))
	}
	byName := map[string]*Post{}
	for _, p := range posts {
		byName[p.Name] = p
	}

	t.Run("undated posts are drafts, with how to date them", func(t *testing.T) { checkUndatedDrafts(t, byName, ds) })

	t.Run("a -0600 date keeps its offset", func(t *testing.T) { checkOffsetDate(t, byName) })

	t.Run("series line only in a folded excerpt, heading removed", func(t *testing.T) { checkFoldedExcerpt(t, byName) })

	t.Run("mis-decoded ellipsis is reported on its line", func(t *testing.T) { checkMisdecoded(t, ds) })

	t.Run("nothing else is reported", func(t *testing.T) { checkNothingElse(t, ds) })
}

// checkUndatedDrafts is the fixture site's case "undated posts are drafts, with how to date them".
func checkUndatedDrafts(t *testing.T, byName map[string]*Post, ds []diag.Diagnostic) {
	for _, name := range []string{
		"notes-from-the-on-call-rota",
		"podcast-moving-the-payments-platform",
	} {
		p := byName[name]
		if p == nil {
			t.Fatalf("no post %s", name)
		}
		if !p.Draft || p.HasDate {
			t.Errorf("%s: Draft %v, HasDate %v; want an undated draft", name, p.Draft, p.HasDate)
		}
		want := diag.Diagnostic{
			Severity: diag.Warning,
			File:     "content/posts/" + name + ".md",
			Message: "no date: treated as a draft; rename it to YYYY-MM-DD-" + name +
				`.md or add front matter with "date: YYYY-MM-DD" at its top`,
		}
		if !contains(ds, want) {
			t.Errorf("no diagnostic %v among\n%s", want, messages(ds))
		}
	}
	p := byName["notes-from-the-on-call-rota"]
	if p.TitleSource != TitleFromFirstLine || !strings.HasPrefix(p.Title, "Notes from the on-call rota") {
		t.Errorf("Title %q from %q, want the first line", p.Title, p.TitleSource)
	}
}

// checkOffsetDate is the fixture site's case "a -0600 date keeps its offset".
func checkOffsetDate(t *testing.T, byName map[string]*Post) {
	p := byName["2023-11-17-power-cut"]
	want := time.Date(2023, 11, 17, 8, 0, 0, 0, time.FixedZone("", -6*60*60))
	if !p.HasDate || !p.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", p.Date, want)
	}
	if got := p.Date.Format("2006-01-02 15:04 -0700"); got != "2023-11-17 08:00 -0600" {
		t.Errorf("Date in the site's zone = %s, want 2023-11-17 08:00 -0600", got)
	}
	if p.Author != "priya" || p.Title != "Power cut" {
		t.Errorf("Author %q, Title %q", p.Author, p.Title)
	}
}

// checkFoldedExcerpt is the fixture site's case "series line only in a folded excerpt, heading removed".
func checkFoldedExcerpt(t *testing.T, byName map[string]*Post) {
	p := byName["2023-03-05-back-at-the-desk"]
	if p.Excerpt != "Weeknotes S01E01 - 5 March 2023" {
		t.Errorf("Excerpt = %q", p.Excerpt)
	}
	if p.Title != "Back at the desk" || p.TitleSource != TitleFromFrontMatter {
		t.Errorf("Title %q from %q", p.Title, p.TitleSource)
	}
	if strings.Contains(string(p.Body), "# Back at the desk") {
		t.Errorf("Body still has the heading that repeats the title: %.80q", p.Body)
	}
	first, _ := lineAfter(p.Body, 0)
	src, err := os.ReadFile(fixtureSite + "/" + p.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if p.BodyLine < 1 || p.BodyLine > len(lines) || lines[p.BodyLine-1] != string(first) {
		t.Errorf("BodyLine %d does not point at the body's first line %q", p.BodyLine, first)
	}
	if !p.HasDate || p.DateString() != "2023-03-05" {
		t.Errorf("Date %v, want 2023-03-05 from the file name", p.Date)
	}
}

// checkMisdecoded is the fixture site's case "mis-decoded ellipsis is reported on its line".
func checkMisdecoded(t *testing.T, ds []diag.Diagnostic) {
	want := diag.Diagnostic{
		Severity: diag.Warning,
		File:     "content/posts/2023-03-05-back-at-the-desk.md",
		Line:     62,
		Message:  `"â€¦" looks like mis-decoded UTF-8 for "…"`,
	}
	if !contains(ds, want) {
		t.Errorf("no diagnostic %v among\n%s", want, messages(ds))
	}
}

// checkNothingElse is the fixture site's case "nothing else is reported".
func checkNothingElse(t *testing.T, ds []diag.Diagnostic) {
	if errs, warnings := diag.Count(ds); errs != 0 || warnings != 3 {
		t.Errorf("%d errors and %d warnings, want 0 and 3:\n%s", errs, warnings, messages(ds))
	}
}

func contains(ds []diag.Diagnostic, want diag.Diagnostic) bool {
	for _, d := range ds {
		if d == want {
			return true
		}
	}
	return false
}
