package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
)

func site(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func post(title, excerpt string) string {
	return "---\ntitle: " + title + "\nexcerpt: >\n  " + excerpt + "\n---\n\nBody.\n"
}

// inSeries is a post that names its series in front matter and has no number,
// as posts written for Jekyll's series plugins or Hugo's series taxonomy do.
func inSeries(title, front string) string {
	return "---\ntitle: " + title + "\n" + front + "\n---\n\nBody.\n"
}

func TestPlan(t *testing.T) {
	date := time.Date(2026, 2, 15, 18, 30, 0, 0, time.UTC)
	tests := []struct {
		name       string
		files      map[string]string
		req        Request
		wantPath   string
		wantLine   string // the excerpt's series line, "" for none
		wantSeries string // the front matter's series, "" for none
		wantSeason int    // the front matter's season, 0 for none
		wantError  string
	}{
		{
			name:     "first post of a new site",
			files:    map[string]string{"content/posts/.keep": ""},
			req:      Request{Title: "Hello, world"},
			wantPath: "content/posts/2026-02-15-hello-world.md",
			wantLine: "Weeknotes S01E01 - 15 February 2026",
		},
		{
			name: "continues the newest season",
			files: map[string]string{
				"content/posts/2025-10-05-a.md": post("A", "Weeknotes S01E04 - 5 October 2025"),
				"content/posts/2026-02-08-b.md": post("B", "Weeknotes S02E04 - 8 February 2026"),
				"content/posts/2026-02-01-c.md": post("C", "Weeknotes S02E03 - 1 February 2026"),
			},
			req:      Request{Title: "Quiet week"},
			wantPath: "content/posts/2026-02-15-quiet-week.md",
			wantLine: "Weeknotes S02E05 - 15 February 2026",
		},
		{
			name:     "a range counts to its end",
			files:    map[string]string{"content/posts/2026-02-08-b.md": post("B", "Weeknotes S04E02–11 - 8 February 2026")},
			req:      Request{Title: "Back"},
			wantPath: "content/posts/2026-02-15-back.md",
			wantLine: "Weeknotes S04E12 - 15 February 2026",
		},
		{
			name:     "a new season",
			files:    map[string]string{"content/posts/2026-02-08-b.md": post("B", "Weeknotes S02E04 - 8 February 2026")},
			req:      Request{Title: "New year", NewSeason: true},
			wantPath: "content/posts/2026-02-15-new-year.md",
			wantLine: "Weeknotes S03E01 - 15 February 2026",
		},
		{
			name:     "another series is left alone",
			files:    map[string]string{"content/posts/2026-02-08-b.md": post("B", "Sprint notes S05E09")},
			req:      Request{Title: "Mine"},
			wantPath: "content/posts/2026-02-15-mine.md",
			wantLine: "Weeknotes S01E01 - 15 February 2026",
		},
		{
			name:     "a named series",
			files:    map[string]string{"content/posts/2026-02-08-b.md": post("B", "Sprint notes S05E09")},
			req:      Request{Title: "Sprint", Series: "Sprint notes"},
			wantPath: "content/posts/2026-02-15-sprint.md",
			wantLine: "Sprint notes S05E10 - 15 February 2026",
		},
		{
			name: "a marker with no name is the default series, not the requested one",
			files: map[string]string{
				"content/posts/2026-02-01-a.md": post("A", "S09E07 - 1 February 2026"),
				"content/posts/2026-02-08-b.md": post("B", "Sprint notes S05E09"),
			},
			req:      Request{Title: "Sprint", Series: "Sprint notes"},
			wantPath: "content/posts/2026-02-15-sprint.md",
			wantLine: "Sprint notes S05E10 - 15 February 2026",
		},
		{
			name: "a series without numbers goes on without them",
			files: map[string]string{
				"content/posts/2026-01-04-lisbon.md": inSeries("Lisbon", "series: Travel"),
				"content/posts/2026-01-11-porto.md":  inSeries("Porto", "series: Travel"),
			},
			req:        Request{Title: "Faro", Series: "travel"},
			wantPath:   "content/posts/2026-02-15-faro.md",
			wantSeries: "Travel",
		},
		{
			name: "a series without numbers keeps its newest season",
			files: map[string]string{
				"content/posts/2026-01-04-lisbon.md": inSeries("Lisbon", "series: Travel"),
				"content/posts/2026-01-11-porto.md":  inSeries("Porto", "series: Travel\nseason: 2"),
			},
			req:        Request{Title: "Faro", Series: "Travel"},
			wantPath:   "content/posts/2026-02-15-faro.md",
			wantSeries: "Travel",
			wantSeason: 2,
		},
		{
			name:       "a series without numbers starts a new season",
			files:      map[string]string{"content/posts/2026-01-04-lisbon.md": inSeries("Lisbon", "series: Travel")},
			req:        Request{Title: "Faro", Series: "Travel", NewSeason: true},
			wantPath:   "content/posts/2026-02-15-faro.md",
			wantSeries: "Travel",
			wantSeason: 1,
		},
		{
			name: "an unnumbered post does not stop the numbering",
			files: map[string]string{
				"content/posts/2026-02-01-a.md": post("A", "Weeknotes S02E04 - 1 February 2026"),
				"content/posts/2026-02-08-b.md": inSeries("Year in review", "series: Weeknotes"),
			},
			req:      Request{Title: "Quiet week"},
			wantPath: "content/posts/2026-02-15-quiet-week.md",
			wantLine: "Weeknotes S02E05 - 15 February 2026",
		},
		{
			name:     "no series line",
			files:    map[string]string{"content/posts/.keep": ""},
			req:      Request{Title: "An essay", NoSeries: true},
			wantPath: "content/posts/2026-02-15-an-essay.md",
		},
		{
			name:      "never replaces a post",
			files:     map[string]string{"content/posts/2026-02-15-taken.md": post("Taken", "x")},
			req:       Request{Title: "Taken"},
			wantError: "content/posts/2026-02-15-taken.md already exists",
		},
		{
			name:      "needs a title",
			files:     map[string]string{"content/posts/.keep": ""},
			req:       Request{Title: "  "},
			wantError: "needs a title",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := site(tt.files)
			cfg, err := config.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			tt.req.Date = date
			p, err := Plan(fsys, cfg, tt.req)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Path != tt.wantPath {
				t.Errorf("path = %s, want %s", p.Path, tt.wantPath)
			}
			// The post must read back as the site will read it.
			parsed, diags := content.Parse(p.Path, cfg.PostsDir, p.Content, cfg.Location)
			if len(diags) > 0 {
				t.Errorf("the new post has problems: %v", diags)
			}
			if parsed.Title != strings.TrimSpace(tt.req.Title) || !parsed.Date.Equal(date) {
				t.Errorf("reads back as %q on %v", parsed.Title, parsed.Date)
			}
			if parsed.Excerpt != tt.wantLine {
				t.Errorf("series line = %q, want %q", parsed.Excerpt, tt.wantLine)
			}
			if parsed.SeriesName != tt.wantSeries || parsed.Season != tt.wantSeason || parsed.Episode != 0 {
				t.Errorf("front matter series, season, episode = %q, %d, %d; want %q, %d, 0",
					parsed.SeriesName, parsed.Season, parsed.Episode, tt.wantSeries, tt.wantSeason)
			}
		})
	}
}

func TestWriteNeverReplaces(t *testing.T) {
	root := t.TempDir()
	p := &Post{Path: "content/posts/2026-02-15-x.md", Content: []byte("---\ntitle: X\n---\n")}
	if err := Write(root, p); err != nil {
		t.Fatal(err)
	}
	if err := Write(root, p); err == nil {
		t.Error("Write replaced an existing post")
	}
	got, err := os.ReadFile(filepath.Join(root, "content/posts/2026-02-15-x.md"))
	if err != nil || string(got) != string(p.Content) {
		t.Errorf("file = %q, %v", got, err)
	}
}
