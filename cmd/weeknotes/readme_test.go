package main

import (
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README's "your own site" commands, run as written in an empty folder
// with the weeknotes binary on the PATH, make a site whose sitemap, feed
// and pages are valid; the same site without url fails --strict. The go
// install line is stood for by the binary built from this checkout, and
// serve, which runs until stopped, by TestRunServe.
func TestReadmeOwnSite(t *testing.T) {
	script := readmeOwnSiteScript(t)
	dir := t.TempDir()
	bin := filepath.Dir(weeknotesBinary(t))
	run := func(script string) (string, error) {
		cmd := exec.Command("sh", "-ec", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(script)
	if err != nil {
		t.Fatalf("the README's commands failed: %v\n%s\nscript:\n%s", err, out, script)
	}
	if !strings.Contains(out, "with 0 warnings") {
		t.Errorf("build --strict did not report 0 warnings:\n%s", out)
	}
	site := filepath.Join(dir, "my-blog", "site")
	checkSitemap(t, filepath.Join(site, "sitemap.xml"))
	checkAtom(t, filepath.Join(site, "feed.xml"))
	checkTitles(t, site)
	if robots := readFile(t, filepath.Join(site, "robots.txt")); !strings.Contains(robots, "\nSitemap: https://notes.example/sitemap.xml\n") {
		t.Errorf("robots.txt:\n%s", robots)
	}

	// Without url, --strict fails and says why.
	noURL := strings.Replace(script, " --url https://notes.example", "", 1)
	noURL = strings.ReplaceAll(noURL, "my-blog", "no-url")
	if noURL == script {
		t.Fatal("the README's init line has no --url to leave out")
	}
	out, err = run(noURL)
	if err == nil || !strings.Contains(out, "no url: the feeds, the sitemap and robots.txt can only use relative links") {
		t.Errorf("a site without url passed --strict: %v\n%s", err, out)
	}
}

// readmeOwnSiteScript returns the shell commands between the README's
// own-site markers, without go install and serve.
func readmeOwnSiteScript(t *testing.T) string {
	t.Helper()
	readme := readFile(t, "../../README.md")
	_, block, ok := strings.Cut(readme, "<!-- own-site:begin -->")
	block, _, ok2 := strings.Cut(block, "<!-- own-site:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no own-site block")
	}
	var lines []string
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "```"):
		case strings.HasPrefix(line, "go install "), line == "weeknotes serve":
		default:
			if !strings.HasPrefix(line, "weeknotes ") && !strings.HasPrefix(line, "cd ") {
				t.Fatalf("unexpected README line %q", line)
			}
			lines = append(lines, line)
		}
	}
	if len(lines) < 4 {
		t.Fatalf("README own-site block has %d commands: %q", len(lines), lines)
	}
	return strings.Join(lines, "\n")
}

// checkSitemap applies the sitemap protocol's rules: the urlset namespace,
// at most 50,000 absolute <loc> URLs, <lastmod> as a W3C date.
func checkSitemap(t *testing.T, name string) {
	t.Helper()
	var sm struct {
		XMLName xml.Name
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, name)), &sm); err != nil {
		t.Fatalf("sitemap: %v", err)
	}
	if sm.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || sm.XMLName.Local != "urlset" {
		t.Errorf("sitemap root %v", sm.XMLName)
	}
	if len(sm.URLs) == 0 || len(sm.URLs) > 50000 {
		t.Errorf("sitemap has %d URLs", len(sm.URLs))
	}
	for _, u := range sm.URLs {
		checkAbsolute(t, "sitemap <loc>", u.Loc)
		if u.LastMod != "" {
			if _, err := time.Parse("2006-01-02", u.LastMod); err != nil {
				t.Errorf("sitemap <lastmod> %q: %v", u.LastMod, err)
			}
		}
	}
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

// checkAtom applies RFC 4287's rules for a feed and its entries: an
// absolute id, a title, an updated date, an author (the feed's stands for
// its entries'), and absolute links.
func checkAtom(t *testing.T, name string) {
	t.Helper()
	var feed struct {
		XMLName xml.Name
		ID      string     `xml:"id"`
		Title   string     `xml:"title"`
		Updated string     `xml:"updated"`
		Authors []string   `xml:"author>name"`
		Links   []atomLink `xml:"link"`
		Entries []struct {
			ID      string     `xml:"id"`
			Title   string     `xml:"title"`
			Updated string     `xml:"updated"`
			Links   []atomLink `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, name)), &feed); err != nil {
		t.Fatalf("feed: %v", err)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" {
		t.Errorf("feed root %v", feed.XMLName)
	}
	checkAbsolute(t, "feed <id>", feed.ID)
	if strings.TrimSpace(feed.Title) == "" || len(feed.Authors) == 0 || strings.TrimSpace(feed.Authors[0]) != "Sam Example" {
		t.Errorf("feed title %q, authors %q", feed.Title, feed.Authors)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed <updated>: %v", err)
	}
	self := false
	for _, l := range feed.Links {
		checkAbsolute(t, "feed <link>", l.Href)
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("feed has no rel=self link")
	}
	if len(feed.Entries) != 2 {
		t.Errorf("feed has %d entries, want the first post and the new one", len(feed.Entries))
	}
	for _, e := range feed.Entries {
		checkAbsolute(t, "entry <id>", e.ID)
		if strings.TrimSpace(e.Title) == "" || len(e.Links) == 0 {
			t.Errorf("entry %s: title %q, %d links", e.ID, e.Title, len(e.Links))
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry %s <updated>: %v", e.ID, err)
		}
		for _, l := range e.Links {
			checkAbsolute(t, "entry <link>", l.Href)
		}
	}
}

func checkAbsolute(t *testing.T, what, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host != "notes.example" {
		t.Errorf("%s %q is not an absolute URL of the site", what, raw)
	}
}

var titleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

// checkTitles checks that every page has one non-empty <title>.
func checkTitles(t *testing.T, site string) {
	t.Helper()
	pages := 0
	err := filepath.WalkDir(site, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		pages++
		m := titleRE.FindAllStringSubmatch(readFile(t, path), -1)
		if len(m) != 1 || strings.TrimSpace(m[0][1]) == "" {
			t.Errorf("%s: titles %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 5 {
		t.Errorf("only %d pages", pages)
	}
}
