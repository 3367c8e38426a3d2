package site

import (
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// completeConfig names everything a published site needs, so that a test
// site built with it gets no advice about its configuration.
const completeConfig = "title: Test notes\nauthor: Sam Example\nurl: https://notes.example\n"

// A site without url, title or author is warned once for each, with the
// line to add, and its feeds, sitemap and robots.txt say why their links
// are relative; --strict fails it. One with a url gets absolute addresses
// and an author in its feed.
func TestConfigAdvice(t *testing.T) {
	post := "---\ntitle: One\nauthor: Post Author\n---\n\nHi.\n"
	tests := []struct {
		name     string
		config   string
		opts     Options
		warnings []string
		files    map[string][]string // output file → texts it must contain
		absent   map[string][]string // output file → texts it must not contain
	}{
		{
			name:   "nothing configured",
			config: "",
			warnings: []string{
				`weeknotes.yaml: no author: Atom feeds must name one, and fall back to the site's title; add the line "author: Your Name"`,
				`weeknotes.yaml: no title: pages and feeds fall back to a placeholder; add the line "title: My weeknotes"`,
				`weeknotes.yaml: no url: the feeds, the sitemap and robots.txt can only use relative links`,
			},
			files: map[string][]string{
				"feed.xml":    {"<!-- No url is configured (url: in weeknotes.yaml), so these links are relative", "<author>\n    <name>"},
				"sitemap.xml": {"<!-- No url is configured", "<loc>/</loc>"},
				"robots.txt":  {"# No Sitemap line: it must be an absolute URL"},
			},
			absent: map[string][]string{"robots.txt": {"Sitemap:"}},
		},
		{
			name:     "a Jekyll config without url",
			config:   "_config.yml:title: T\nauthor: A\n",
			warnings: []string{`_config.yml: no url: `},
		},
		{
			name:   "complete",
			config: completeConfig,
			files: map[string][]string{
				"feed.xml": {
					`<link href="https://notes.example/feed.xml" rel="self"`,
					"<id>https://notes.example/</id>",
					"<author>\n    <name>Sam Example</name>",
					"<id>https://notes.example/2024/01/05/one/</id>",
					`<link href="https://notes.example/2024/01/05/one/" rel="alternate"`,
				},
				"sitemap.xml": {"<loc>https://notes.example/</loc>", "<loc>https://notes.example/2024/01/05/one/</loc>"},
				"robots.txt":  {"Sitemap: https://notes.example/sitemap.xml\n"},
			},
			absent: map[string][]string{"feed.xml": {"<!--"}, "sitemap.xml": {"<!--", "<loc>/"}},
		},
		{
			name:   "under a baseurl",
			config: completeConfig + "baseurl: /blog\n",
			warnings: []string{
				`weeknotes.yaml: baseurl /blog: robots.txt is written to /blog/robots.txt, where crawlers never look; at the root of the host, serve a robots.txt with the line "Sitemap: https://notes.example/blog/sitemap.xml"`,
			},
			files: map[string][]string{"robots.txt": {"Sitemap: https://notes.example/blog/sitemap.xml\n"}},
		},
		{
			name:   "a preview is given its url",
			config: "title: T\nauthor: A\n",
			opts:   Options{Preview: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSource(t, dir, "content/posts/2024-01-05-one.md", post)
			if name, text, ok := strings.Cut(tt.config, ":"); ok && strings.HasPrefix(name, "_config") {
				writeSource(t, dir, name, text)
			} else if tt.config != "" {
				writeSource(t, dir, "weeknotes.yaml", tt.config)
			}
			res, err := build(t, dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Diagnostics) != len(tt.warnings) {
				t.Errorf("diagnostics %v, want %d", res.Diagnostics, len(tt.warnings))
			}
			for i, d := range res.Diagnostics {
				if d.Severity != diag.Warning || i < len(tt.warnings) && !strings.HasPrefix(d.String(), tt.warnings[i]) {
					t.Errorf("diagnostic %d: %v, want a warning starting %q", i, d, tt.warnings[min(i, len(tt.warnings)-1)])
				}
			}
			for file, wants := range tt.files {
				got := string(res.Output.Files[file].Data)
				for _, want := range wants {
					if !strings.Contains(got, want) {
						t.Errorf("%s lacks %q:\n%s", file, want, got)
					}
				}
			}
			for file, unwanted := range tt.absent {
				got := string(res.Output.Files[file].Data)
				for _, u := range unwanted {
					if strings.Contains(got, u) {
						t.Errorf("%s holds %q:\n%s", file, u, got)
					}
				}
			}
			if len(tt.warnings) > 0 {
				opts := tt.opts
				opts.Strict = true
				if _, err := build(t, dir, opts); err == nil {
					t.Error("--strict passed a site with warnings")
				}
			}
		})
	}
}
