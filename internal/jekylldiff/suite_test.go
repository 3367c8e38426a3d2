package jekylldiff

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// regenerate makes the suite run the real jekyll on every case and rewrite
// its expected.json instead of comparing (make jekyll-expected).
var regenerate = flag.Bool("jekyll", false, "run `jekyll build --safe` on every case and rewrite expected.json")

// casesDir holds one folder per case: site/ (the Jekyll site), case.yaml
// (what it checks, and where weeknotes deliberately differs) and
// expected.json (what Jekyll made of it).
const casesDir = "../../testdata/jekyll"

// Expected is what Jekyll made of a case's site.
type Expected struct {
	// JekyllError is set when Jekyll refused to build the site: the end of
	// its message. weeknotes must refuse the site too.
	JekyllError string `json:"jekyll_error,omitempty"`
	BaseURL     string `json:"baseurl,omitempty"`
	// Posts and Pages map source paths to URLs (without baseurl, as
	// site.posts gives them).
	Posts map[string]string `json:"posts"`
	Pages map[string]string `json:"pages,omitempty"`
	// Outputs are the rendered posts and pages by output path.
	Outputs map[string]Rendered `json:"outputs"`
	// Files are the output paths of files copied as they are.
	Files []string `json:"files,omitempty"`
	// Kept are the files of the case's dest/ (put into the output folder
	// before the build) that Jekyll left there, byte for byte: keep_files.
	Kept []string `json:"kept,omitempty"`
}

// Rendered is one rendered post or page, normalised (see Text, Hrefs).
type Rendered struct {
	Source string   `json:"source"`
	Text   string   `json:"text"`
	Hrefs  []string `json:"hrefs,omitempty"`
}

// Case is a case's case.yaml.
type Case struct {
	About string `yaml:"about"` // the behaviour the site shows
	// WeeknotesError, when set, is part of the message of an error
	// weeknotes must stop the build with; nothing else is compared.
	// weeknotes refuses some sites Jekyll builds (a post_url to no post,
	// for one), naming the file and line.
	WeeknotesError string `yaml:"weeknotes_error"`
	// Errors, when not 0, is how many errors weeknotes must report: one
	// mistake is one error, not one per post it touches.
	Errors int `yaml:"errors"`
	// Warnings are parts of warnings weeknotes must give, where Jekyll may
	// be silent.
	Warnings []string `yaml:"warnings"`
	// TextDiffers names outputs whose text weeknotes deliberately renders
	// differently, and why; their URLs and links are still compared.
	TextDiffers map[string]string `yaml:"text_differs"`
	// HrefsDiffer names outputs whose links weeknotes deliberately writes
	// differently, and why (it links an image to its file).
	HrefsDiffer map[string]string `yaml:"hrefs_differ"`
	// Missing names outputs Jekyll writes that weeknotes deliberately does
	// not, and why (a Sass stylesheet, which it cannot compile).
	Missing map[string]string `yaml:"missing"`
	// Drafts builds with drafts (jekyll build --drafts, weeknotes' Drafts).
	Drafts bool `yaml:"drafts"`
	// ModTime, when set (RFC 3339), is given to every file of the site as
	// its modification time before both builds: Jekyll dates a draft by it.
	ModTime string `yaml:"mtime"`
}

func TestJekyllCases(t *testing.T) {
	entries, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(casesDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			c := readCase(t, dir)
			if *regenerate {
				writeExpected(t, dir, runJekyll(t, c, dir))
				return
			}
			exp := readExpected(t, dir)
			compare(t, c, exp, siteCopy(t, c, dir))
			compareKept(t, exp, dir)
		})
	}
	if n == 0 {
		t.Fatalf("no cases in %s", casesDir)
	}
}

func readCase(t *testing.T, dir string) Case {
	t.Helper()
	var c Case
	data, err := os.ReadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("case.yaml: %v", err)
	}
	if c.About == "" {
		t.Fatal("case.yaml: say what the case is about")
	}
	return c
}

func readExpected(t *testing.T, dir string) *Expected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatalf("%v (make jekyll-expected writes it)", err)
	}
	var exp Expected
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	return &exp
}

func writeExpected(t *testing.T, dir string, exp *Expected) {
	t.Helper()
	data, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "expected.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// built is what weeknotes made of a case's site, in Expected's terms.
type built struct {
	diags   []diag.Diagnostic
	err     error
	posts   map[string]string // source → URL with baseurl
	pages   map[string]string
	outputs map[string]Rendered
	files   map[string]bool // every output path not written through the post or page template
	copied  map[string]bool // the files copied as they are
}

// testTheme renders a post or page as a marker line naming its source and
// URL, then its content alone, which is what Jekyll writes for a post
// whose layout does not exist. Every other page is empty.
func testTheme() fs.FS {
	th := fstest.MapFS{
		"base.html": {Data: []byte(`{{template "main" .}}`)},
		"post.html": {Data: []byte("{{define \"main\"}}weeknotes-post {{.Post.Source}} {{.URL}}\n{{.Post.Content}}{{end}}")},
		"page.html": {Data: []byte("{{define \"main\"}}weeknotes-page {{.Page.Source}} {{.URL}}\n{{.Page.Content}}{{end}}")},
	}
	for _, k := range []string{"home", "archive", "tags", "tag", "series-list", "series", "404"} {
		th[k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{end}}`)}
	}
	return th
}

func buildWeeknotes(t *testing.T, c Case, src string) *built {
	t.Helper()
	b := site.NewBuilder(site.Options{Source: src, Theme: testTheme(), Now: time.Now(), Drafts: c.Drafts})
	res, err := b.Build(context.Background(), nil)
	out := &built{err: err, posts: map[string]string{}, pages: map[string]string{}, outputs: map[string]Rendered{}, files: map[string]bool{}, copied: map[string]bool{}}
	var be *diag.BuildError
	switch {
	case errors.As(err, &be):
		out.diags = be.Diagnostics
		return out
	case err != nil:
		t.Fatalf("build: %v", err)
	}
	out.diags = res.Diagnostics
	for p, f := range res.Output.Files {
		if f.Source != "" {
			out.files[p], out.copied[p] = true, true
			continue
		}
		first, rest, _ := strings.Cut(string(f.Data), "\n")
		kind, ref, ok := strings.Cut(first, " ")
		source, url, _ := strings.Cut(ref, " ")
		switch {
		case ok && kind == "weeknotes-post":
			out.posts[source] = url
		case ok && kind == "weeknotes-page":
			out.pages[source] = url
		default:
			// A generated file, or a page not written through a template
			// (feed.xml, layout: null): its source is not known here.
			out.files[p] = true
			out.outputs[p] = Rendered{Text: Text(string(f.Data)), Hrefs: Hrefs(string(f.Data))}
			continue
		}
		out.outputs[p] = Rendered{Source: source, Text: Text(rest), Hrefs: Hrefs(rest)}
	}
	return out
}

func compare(t *testing.T, c Case, exp *Expected, src string) {
	got := buildWeeknotes(t, c, src)
	if exp.JekyllError != "" || c.WeeknotesError != "" {
		compareRefusal(t, c, exp, got)
		return
	}
	if got.err != nil {
		t.Fatalf("weeknotes refused a site Jekyll builds: %v", got.err)
	}
	for _, w := range c.Warnings {
		if !hasDiag(got.diags, diag.Warning, w) {
			t.Errorf("no warning about %q; got %v", w, got.diags)
		}
	}
	compareURLs(t, "post", exp.BaseURL, exp.Posts, got.posts)
	compareURLs(t, "page", exp.BaseURL, htmlPages(exp.Pages, c.Missing), got.pages)
	for _, p := range sortedKeys(exp.Outputs) {
		want, have := exp.Outputs[p], got.outputs[p]
		if _, missing := c.Missing[p]; missing {
			if _, ok := got.outputs[p]; ok {
				t.Errorf("%s: missing says weeknotes does not write it, but it does now; drop it", p)
			}
			continue
		}
		if _, ok := got.outputs[p]; !ok {
			t.Errorf("%s (from %s): weeknotes wrote no such page", p, want.Source)
			continue
		}
		if why, ok := c.HrefsDiffer[p]; ok {
			if slices.Equal(want.Hrefs, have.Hrefs) {
				t.Errorf("%s: hrefs_differ says %q, but the links are the same now; drop it", p, why)
			}
		} else if !slices.Equal(want.Hrefs, have.Hrefs) {
			t.Errorf("%s: links\n got %q\nwant %q", p, have.Hrefs, want.Hrefs)
		}
		if why, ok := c.TextDiffers[p]; ok {
			if want.Text == have.Text {
				t.Errorf("%s: text_differs says %q, but the texts are the same now; drop it", p, why)
			}
			continue
		}
		if want.Text != have.Text {
			t.Errorf("%s: text\n got %q\nwant %q", p, have.Text, want.Text)
		}
	}
	want := map[string]bool{}
	for _, f := range exp.Files {
		want[f] = true
		if !got.files[f] {
			t.Errorf("%s: Jekyll copies this file; weeknotes did not", f)
		}
	}
	for _, f := range sortedKeys(got.copied) {
		if !want[f] {
			t.Errorf("%s: weeknotes copies this file; Jekyll does not", f)
		}
	}
}

// compareRefusal checks a site that Jekyll or weeknotes refuses.
func compareRefusal(t *testing.T, c Case, exp *Expected, got *built) {
	if got.err == nil {
		t.Fatalf("weeknotes built a site that should be refused (Jekyll: %q)", exp.JekyllError)
	}
	if c.WeeknotesError != "" && !hasDiag(got.diags, diag.Error, c.WeeknotesError) {
		t.Errorf("no error about %q; got %v", c.WeeknotesError, got.err)
	}
	errs := 0
	for _, d := range got.diags {
		if d.Severity == diag.Error {
			errs++
			if d.File == "" {
				t.Errorf("error without a file: %s", d)
			}
		}
	}
	if c.Errors != 0 && errs != c.Errors {
		t.Errorf("%d errors, want %d: %v", errs, c.Errors, got.err)
	}
}

func compareURLs(t *testing.T, kind, baseURL string, want, got map[string]string) {
	t.Helper()
	for _, src := range sortedKeys(want) {
		if g, ok := got[src]; !ok {
			t.Errorf("%s %s: Jekyll publishes it at %s; weeknotes does not publish it", kind, src, want[src])
		} else if w := baseURL + want[src]; g != w {
			t.Errorf("%s %s: URL %s, Jekyll's is %s", kind, src, g, w)
		}
	}
	for _, src := range sortedKeys(got) {
		if _, ok := want[src]; !ok {
			t.Errorf("%s %s: weeknotes publishes it at %s; Jekyll does not publish it", kind, src, got[src])
		}
	}
}

// htmlPages are the pages written through the page template, whose
// sources weeknotes' output names; the others are compared by output path.
func htmlPages(pages map[string]string, missing map[string]string) map[string]string {
	out := map[string]string{}
	for src, url := range pages {
		if _, gone := missing[outputOf(url)]; !gone && strings.HasSuffix(outputOf(url), ".html") {
			out[src] = url
		}
	}
	return out
}

func hasDiag(ds []diag.Diagnostic, sev diag.Severity, part string) bool {
	for _, d := range ds {
		if d.Severity == sev && strings.Contains(d.String(), part) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// probe is a page added to a copy of the site before Jekyll builds it: it
// lists every post and page with its URL, which the output alone does not
// tell.
const probe = `---
layout: null
permalink: /weeknotes-probe.txt
---
baseurl {{ site.baseurl }}
{% for p in site.posts %}post {{ p.path }} {{ p.url }}
{% endfor %}{% for p in site.pages %}page {{ p.path }} {{ p.url }}
{% endfor %}`

const probeName = "weeknotes-probe.txt"

// runJekyll builds a copy of the site with jekyll build --safe and reads
// what it made.
func runJekyll(t *testing.T, c Case, dir string) *Expected {
	t.Helper()
	tmp := t.TempDir()
	work, dest := filepath.Join(tmp, "site"), filepath.Join(tmp, "out")
	copySite(t, c, dir, work)
	seeded := seedDest(t, dir, dest)
	if err := os.WriteFile(filepath.Join(work, probeName), []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"build", "--safe", "--quiet", "-s", work, "-d", dest}
	if c.Drafts {
		args = append(args, "--drafts")
	}
	cmd := exec.Command("jekyll", args...)
	cmd.Env = append(os.Environ(), "JEKYLL_ENV=production", "TZ=UTC")
	outb, err := cmd.CombinedOutput()
	exp := &Expected{Posts: map[string]string{}, Pages: map[string]string{}, Outputs: map[string]Rendered{}}
	if err != nil {
		exp.JekyllError = jekyllMessage(string(outb), work)
		return exp
	}
	probeOut, err := os.ReadFile(filepath.Join(dest, probeName))
	if err != nil {
		t.Fatal(err)
	}
	urls := readProbe(t, exp, string(probeOut))
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dest+string(filepath.Separator)))
		if rel == probeName {
			return nil
		}
		if want, ok := seeded[rel]; ok {
			if data, err := os.ReadFile(p); err == nil && string(data) == want {
				exp.Kept = append(exp.Kept, rel)
			}
			return nil
		}
		source, rendered := urls[rel]
		if !rendered {
			exp.Files = append(exp.Files, rel)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		exp.Outputs[rel] = Rendered{Source: source, Text: Text(string(data)), Hrefs: Hrefs(string(data))}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(exp.Files)
	sort.Strings(exp.Kept)
	return exp
}

// siteCopy is the case's site to build: the site itself, or a copy whose
// files have the case's modification time.
func siteCopy(t *testing.T, c Case, dir string) string {
	t.Helper()
	if c.ModTime == "" {
		return filepath.Join(dir, "site")
	}
	work := filepath.Join(t.TempDir(), "site")
	copySite(t, c, dir, work)
	return work
}

// copySite copies the case's site to work and gives its files the case's
// modification time, when it has one.
func copySite(t *testing.T, c Case, dir, work string) {
	t.Helper()
	if err := os.CopyFS(work, os.DirFS(filepath.Join(dir, "site"))); err != nil {
		t.Fatal(err)
	}
	if c.ModTime == "" {
		return
	}
	mt, err := time.Parse(time.RFC3339, c.ModTime)
	if err != nil {
		t.Fatalf("case.yaml: mtime: %v", err)
	}
	err = filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, mt, mt)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// seedDest copies the case's dest/ folder, when it has one, into the
// output folder dest before a build, and returns its files' contents by
// path.
func seedDest(t *testing.T, dir, dest string) map[string]string {
	t.Helper()
	seed := filepath.Join(dir, "dest")
	if _, err := os.Stat(seed); err != nil {
		return nil
	}
	if err := os.CopyFS(dest, os.DirFS(seed)); err != nil {
		t.Fatal(err)
	}
	seeded := map[string]string{}
	err := filepath.WalkDir(seed, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(seed, p)
		seeded[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seeded
}

// compareKept builds a case that has a dest/ folder into a copy of it,
// twice, as weeknotes build does (writing to disk), and checks that the
// files Jekyll kept are there, byte for byte, after each build.
func compareKept(t *testing.T, exp *Expected, dir string) {
	dest := filepath.Join(t.TempDir(), "out")
	seeded := seedDest(t, dir, dest)
	if seeded == nil {
		return
	}
	for i := range 2 {
		b := site.NewBuilder(site.Options{Source: filepath.Join(dir, "site"), Theme: testTheme(), Now: time.Now(), StreamTo: dest})
		if _, err := b.Build(context.Background(), nil); err != nil {
			t.Fatalf("build %d into a folder with kept files: %v", i+1, err)
		}
		var kept []string
		for rel, want := range seeded {
			if data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(rel))); err == nil && string(data) == want {
				kept = append(kept, rel)
			}
		}
		sort.Strings(kept)
		if !slices.Equal(kept, exp.Kept) {
			t.Errorf("build %d: kept %q, Jekyll keeps %q", i+1, kept, exp.Kept)
		}
	}
}

// readProbe fills exp from the probe's listing and returns the output path
// of every post and page, mapped to its source.
func readProbe(t *testing.T, exp *Expected, listing string) map[string]string {
	t.Helper()
	outputs := map[string]string{}
	for _, line := range strings.Split(listing, "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) == 2 && fields[0] == "baseurl":
			exp.BaseURL = strings.TrimSuffix(fields[1], "/")
		case len(fields) == 3 && fields[0] == "post":
			exp.Posts[fields[1]] = fields[2]
			outputs[outputOf(fields[2])] = fields[1]
		case len(fields) == 3 && fields[0] == "page" && fields[1] != probeName:
			exp.Pages[fields[1]] = fields[2]
			outputs[outputOf(fields[2])] = fields[1]
		}
	}
	return outputs
}

// outputOf is the file Jekyll writes for a URL (Document#destination):
// index.html in a folder for a URL ending in "/", else .html added unless
// the URL has an extension.
func outputOf(u string) string {
	p := strings.TrimPrefix(u, "/")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	switch {
	case p == "" || strings.HasSuffix(p, "/"):
		return p + "index.html"
	case filepath.Ext(p) == "":
		return p + ".html"
	}
	return p
}

// ansi matches the colour codes Jekyll writes.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// jekyllMessage is the part of Jekyll's output that says why it stopped,
// without the temporary folder's name.
func jekyllMessage(out, work string) string {
	var lines []string
	for _, l := range strings.Split(ansi.ReplaceAllString(out, ""), "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, work+"/", ""))
		if l != "" && !strings.HasPrefix(l, "from ") && !strings.Contains(l, "/usr/") && !strings.HasPrefix(l, "---") && !strings.Contains(l, "--trace") {
			lines = append(lines, l)
		}
	}
	if len(lines) > 3 {
		lines = lines[:3]
	}
	return fmt.Sprint(strings.Join(lines, " | "))
}
