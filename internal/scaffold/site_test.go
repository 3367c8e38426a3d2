package scaffold

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
)

// Posts started one after another keep that order, even within a second.
func TestPlanSameDayOrder(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	now := time.Date(2026, 2, 15, 18, 30, 0, 0, london)
	tests := []struct {
		name     string
		existing map[string]string
		date     time.Time
		want     string
	}{
		{"no other post", nil, now, "2026-02-15 18:30:00 +0000"},
		{"one in the same second", map[string]string{"content/posts/2026-02-15-a.md": "---\ntitle: A\ndate: 2026-02-15 18:30:00 +0000\n---\n"}, now, "2026-02-15 18:30:01 +0000"},
		{"one later that day", map[string]string{"content/posts/2026-02-15-a.md": "---\ntitle: A\ndate: 2026-02-15 21:00:00 +0000\n---\n"}, now, "2026-02-15 21:00:01 +0000"},
		{"two, the later one first", map[string]string{
			"content/posts/2026-02-15-b.md": "---\ntitle: B\ndate: 2026-02-15 18:30:02 +0000\n---\n",
			"content/posts/2026-02-15-a.md": "---\ntitle: A\ndate: 2026-02-15 18:30:01 +0000\n---\n",
		}, now, "2026-02-15 18:30:03 +0000"},
		{"one earlier that day", map[string]string{"content/posts/2026-02-15-a.md": "---\ntitle: A\ndate: 2026-02-15 09:00:00 +0000\n---\n"}, now, "2026-02-15 18:30:00 +0000"},
		{"one the day after", map[string]string{"content/posts/2026-02-16-a.md": "---\ntitle: A\ndate: 2026-02-16 09:00:00 +0000\n---\n"}, now, "2026-02-15 18:30:00 +0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := site(tt.existing)
			fsys["content/posts"] = &fstest.MapFile{Mode: 0o755 | 1<<31}
			cfg, err := config.Load(site(map[string]string{"weeknotes.yaml": "timezone: Europe/London\n"}))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Plan(fsys, cfg, Request{Title: "New", Date: tt.date, NoSeries: true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(p.Content), "date: "+tt.want+"\n") {
				t.Errorf("front matter:\n%s\nwant date %s", p.Content, tt.want)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name  string
		site  Site
		wants []string
		check func(*config.Config) string
	}{
		{
			name:  "everything",
			site:  Site{Title: "Notes: a year", URL: "https://notes.example", Author: "Ada", Timezone: "Europe/London", Series: "Weeknotes"},
			wants: []string{`title: "Notes: a year"`, "url: https://notes.example\n", "author: Ada\n", "timezone: Europe/London\n", "series: Weeknotes\n"},
			check: func(c *config.Config) string {
				if c.Title != "Notes: a year" || c.URL != "https://notes.example" || c.Author != "Ada" || c.Timezone != "Europe/London" {
					return "settings not read back"
				}
				return ""
			},
		},
		{
			name:  "no url",
			site:  Site{Title: "yes", Author: "123", Series: "S"},
			wants: []string{"# url: https://example.org", `title: "yes"`, `author: "123"`},
			check: func(c *config.Config) string {
				if c.URL != "" || c.Title != "yes" || c.Author != "123" {
					return "settings not read back"
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		data := Config(tt.site)
		for _, want := range tt.wants {
			if !strings.Contains(string(data), want) {
				t.Errorf("%s: no %q in\n%s", tt.name, want, data)
			}
		}
		cfg, err := config.Load(site(map[string]string{"weeknotes.yaml": string(data)}))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if msg := tt.check(cfg); msg != "" {
			t.Errorf("%s: %s: %+v", tt.name, msg, cfg)
		}
	}
}

func TestGitignore(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/site/\n/.weeknotes-cache/\n"},
		{"node_modules", "node_modules\n/site/\n/.weeknotes-cache/\n"},
		{"site/\n", "site/\n/.weeknotes-cache/\n"},
		{"/site/\n.weeknotes-cache\n", "/site/\n.weeknotes-cache\n"},
	}
	for _, tt := range tests {
		got, added := Gitignore([]byte(tt.in))
		if string(got) != tt.want || added != (tt.in != tt.want) {
			t.Errorf("Gitignore(%q) = %q, %v; want %q", tt.in, got, added, tt.want)
		}
	}
}

func TestFromJekyll(t *testing.T) {
	in := `# My blog
title: Field notes
author:
  name: Sam
url: "https://field.example"
baseurl: /notes
theme: minima
plugins:
  - jekyll-feed
markdown: GFM
kramdown:
  input: GFM
twitter_username: sam
permalink: pretty
`
	out, notes, err := FromJekyll([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(site(map[string]string{"weeknotes.yaml": string(out)}))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if cfg.Title != "Field notes" || cfg.Author != "Sam" || cfg.URL != "https://field.example" || cfg.BaseURL != "/notes" || cfg.Permalink != "pretty" || cfg.Params["twitter_username"] != "sam" || cfg.Markdown != config.MarkdownCommonMark {
		t.Errorf("carried over: %+v\n%s", cfg, out)
	}
	for _, gone := range []string{"theme", "plugins", "kramdown", "minima"} {
		if strings.Contains(string(out), gone) {
			t.Errorf("%s carried over:\n%s", gone, out)
		}
	}
	var got []string
	for _, n := range notes {
		got = append(got, n.String())
	}
	want := []string{
		"_config.yml: timezone: none: Jekyll dated posts in the building machine's time zone",
		"_config.yml:7: theme: not carried over: weeknotes renders with its own theme",
		"_config.yml:8: plugins: not carried over: Jekyll plugins do not run",
		"_config.yml:11: kramdown: not carried over: kramdown's own options are not read",
		"_config.yml:13: twitter_username: kept for templates (site.twitter_username)",
	}
	if len(got) != len(want) {
		t.Fatalf("notes:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("note %d = %q, want it to start %q", i, got[i], want[i])
		}
	}

	// Without a permalink, Jekyll's default is written out: weeknotes.yaml
	// alone would mean weeknotes' own.
	out, notes, err = FromJekyll([]byte("title: T\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := config.Load(site(map[string]string{"weeknotes.yaml": string(out)})); err != nil || cfg.Permalink != "date" {
		t.Errorf("no permalink: %v, %+v\n%s", err, cfg, out)
	}
	if len(notes) != 3 {
		t.Errorf("notes: %v", notes)
	}

	if _, _, err := FromJekyll([]byte("- a\n- b\n")); err == nil || !strings.Contains(err.Error(), "_config.yml:1:") {
		t.Errorf("a list: %v", err)
	}
}

func TestWorkflow(t *testing.T) {
	w := string(Workflow("v1.2.3", "https://notes.example"))
	for _, want := range []string{
		"WEEKNOTES_VERSION: v1.2.3\n",
		"SITE_URL: https://notes.example\n",
		"run: weeknotes build --strict\n",
		"vars.WEEKNOTES_TARGET != ''",
		"--changed-paths changed-paths.txt",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("workflow lacks %q", want)
		}
	}
	for _, line := range strings.Split(w, "\n") {
		if _, ref, ok := strings.Cut(line, "uses: "); ok {
			if at := strings.Index(ref, "@"); at < 0 || len(strings.Fields(ref[at+1:])[0]) != 40 {
				t.Errorf("action not pinned to a commit: %s", line)
			}
		}
	}
	if strings.Contains(w, "__VERSION__") || strings.Contains(w, "__SITE_URL__") {
		t.Error("placeholder left in the workflow")
	}
}
