package site

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// seedSite is the site this project was designed from. Only
// TestSeedSiteAcceptance reads it, and only when it sits beside the
// repository.
const seedSite = "../../../shared/fixtures/seed-site"

// TestSeedSiteAcceptance builds the site this project was designed from,
// ../shared/fixtures/seed-site, when it sits beside the repository (as in
// CI). No other test reads it: the project's own tests use testdata/. As
// it stands the seed site must fail with one error for each of its two
// post_url targets that do not exist; with those two posts added, it must
// build, with episodes 1 and 2 of season 1 of Weeknotes linked to each
// other.
func TestSeedSiteAcceptance(t *testing.T) {
	if _, err := os.Stat(seedSite); err != nil {
		t.Skipf("SKIPPED: the seed site acceptance check needs %s beside the repository (%v); the tests on testdata/ ran without it", seedSite, err)
	}
	dir := copyTree(t, seedSite)
	_, err := build(t, dir, Options{})
	var be *diag.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("build of the seed site as it stands: got %v, want a BuildError", err)
	}
	var errs []string
	for _, d := range be.Diagnostics {
		if d.Severity == diag.Error {
			errs = append(errs, d.String())
		}
	}
	want := []string{
		`content/posts/2021-11-19-outage.md:9: post_url: no post named "2021-10-08-punitive-measures"`,
		`content/posts/2021-11-19-outage.md:41: post_url: no post named "2021-06-11-full-capacity"`,
	}
	if len(errs) != len(want) || !strings.HasPrefix(errs[0], want[0]) || !strings.HasPrefix(errs[1], want[1]) {
		t.Fatalf("errors:\n%s\nwant exactly:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}

	writeSource(t, dir, "content/posts/2021-10-08-punitive-measures.md", "---\ntitle: Punitive measures\n---\n\nA stand-in.\n")
	writeSource(t, dir, "content/posts/2021-06-11-full-capacity.md", "---\ntitle: Full capacity\n---\n\nA stand-in.\n")
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatalf("build with the targets added: %v", err)
	}
	if res.Stats.Posts != 5 {
		t.Errorf("posts = %d, want 5 (the two undated posts are drafts)", res.Stats.Posts)
	}
	ep1 := res.Output.Files["2021/01/10/my-first-weeknote/index.html"]
	ep2 := res.Output.Files["2021/01/17/oops-i-did-it-again/index.html"]
	if ep1 == nil || ep2 == nil {
		t.Fatal("no pages for episodes 1 and 2")
	}
	if !strings.Contains(string(ep1.Data), `href="/2021/01/17/oops-i-did-it-again/"`) || !strings.Contains(string(ep2.Data), "Season 1, episode 2") {
		t.Error("episodes 1 and 2 are not linked as season 1 of Weeknotes")
	}
	var warnings []string
	for _, d := range res.Diagnostics {
		warnings = append(warnings, d.String())
	}
	if joined := strings.Join(warnings, "\n"); !strings.Contains(joined, "image not found: /static/images/folklore-wine.jpg") {
		t.Errorf("no warning for the missing image among:\n%s", joined)
	}
}
