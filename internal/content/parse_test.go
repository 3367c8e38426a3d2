package content

import (
	"reflect"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

func TestParseTagsAndCategories(t *testing.T) {
	tests := []struct {
		name           string
		src            string
		wantTags       []string
		wantCategories []string
		wantDiag       string
	}{
		{
			name:     "YAML list",
			src:      "---\ntags: [go, \"open source\", web]\n---\n",
			wantTags: []string{"go", "open source", "web"},
		},
		{
			name:     "block list",
			src:      "---\ntags:\n  - go\n  - 2021\n---\n",
			wantTags: []string{"go", "2021"},
		},
		{
			name:     "space-separated string, as Jekyll",
			src:      "---\ntags: go  web\tmeta\n---\n",
			wantTags: []string{"go", "web", "meta"},
		},
		{
			name:     "comma-separated string",
			src:      "---\ntags: go, web,meta\n---\n",
			wantTags: []string{"go", "web", "meta"},
		},
		{
			name:     "singular key, then plural, de-duplicated ignoring case",
			src:      "---\ntag: Go\ntags: [go, web, Web]\n---\n",
			wantTags: []string{"Go", "web"},
		},
		{
			name:           "categories, singular and plural",
			src:            "---\ncategory: notes\ncategories: work life\n---\n",
			wantCategories: []string{"notes", "work", "life"},
		},
		{
			name:     "TOML array",
			src:      "+++\ntags = [\"go\", \"web\"]\n+++\n",
			wantTags: []string{"go", "web"},
		},
		{
			name:     "JSON array",
			src:      "{\n\"tags\": [\"go\", \"web\"]\n}\n\n",
			wantTags: []string{"go", "web"},
		},
		{
			name:     "map is left out with a warning naming the line, as Jekyll leaves it out",
			src:      "---\ntitle: x\ntags:\n  a: b\n---\n",
			wantDiag: "warning 3: tags: want a list or words separated by spaces, got a map; left out, as Jekyll leaves it out",
		},
		{
			name:     "nested list is used as Ruby writes it, with a warning",
			src:      "---\ntags: [go, [a]]\n---\n",
			wantTags: []string{"go", `["a"]`},
			wantDiag: `warning 2: tags: want a list of words, got a list in the list; used as "[\"a\"]", as Jekyll would`,
		},
		{
			name:     "a list of maps is used as Ruby writes each, with a warning",
			src:      "---\ntags:\n  - id: 7\n    name: Gardening\n---\n",
			wantTags: []string{`{"id"=>7, "name"=>"Gardening"}`},
			wantDiag: `warning 2: tags: want a list of words, got a map in the list; used as "{\"id\"=>7, \"name\"=>\"Gardening\"}", as Jekyll would`,
		},
		{
			name:     "numbers and booleans are their text",
			src:      "---\ntags: [2021, true, 1.5]\n---\n",
			wantTags: []string{"2021", "true", "1.5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost("2021-01-10-x.md", tt.src, nil)
			if got := messages(ds); got != tt.wantDiag {
				t.Errorf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
			if !reflect.DeepEqual(p.Tags, tt.wantTags) {
				t.Errorf("Tags = %q, want %q", p.Tags, tt.wantTags)
			}
			if !reflect.DeepEqual(p.Categories, tt.wantCategories) {
				t.Errorf("Categories = %q, want %q", p.Categories, tt.wantCategories)
			}
		})
	}
}

func TestParseDraftAndPublished(t *testing.T) {
	tests := []struct {
		name          string
		file, src     string
		wantDraft     bool
		wantPublished bool
		wantDiag      string
	}{
		{
			name: "dated post", file: "2021-01-10-x.md", src: "hi\n",
			wantPublished: true,
		},
		{
			name: "published: false", file: "2021-01-10-x.md", src: "---\npublished: false\n---\n",
			wantPublished: false,
		},
		{
			name: "draft: true", file: "2021-01-10-x.md", src: "---\ndraft: true\n---\n",
			wantDraft: true, wantPublished: true,
		},
		{
			name: "YAML 1.1 yes and no", file: "2021-01-10-x.md", src: "---\ndraft: yes\npublished: no\n---\n",
			wantDraft: true, wantPublished: false,
		},
		{
			name: "TOML draft", file: "2021-01-10-x.md", src: "+++\ndraft = true\n+++\n",
			wantDraft: true, wantPublished: true,
		},
		{
			name: "neither true nor false", file: "2021-01-10-x.md", src: "---\ntitle: x\ndraft: maybe\n---\n",
			wantPublished: true,
			wantDiag:      `warning 3: draft: want true or false, got "maybe"; left as if not given`,
		},
		{
			name: "undated, no front matter", file: "notes.md", src: "hi\n",
			wantDraft: true, wantPublished: true,
			wantDiag: `warning 0: no date: treated as a draft; rename it to YYYY-MM-DD-notes.md or add front matter with "date: YYYY-MM-DD" at its top`,
		},
		{
			name: "undated, YAML front matter", file: "notes.markdown", src: "---\ntitle: Notes\n---\n",
			wantDraft: true, wantPublished: true,
			wantDiag: `warning 0: no date: treated as a draft; rename it to YYYY-MM-DD-notes.markdown or add "date: YYYY-MM-DD" to its front matter`,
		},
		{
			name: "undated, TOML front matter", file: "notes.md", src: "+++\ntitle = \"Notes\"\n+++\n",
			wantDraft: true, wantPublished: true,
			wantDiag: `warning 0: no date: treated as a draft; rename it to YYYY-MM-DD-notes.md or add "date = YYYY-MM-DD" to its front matter`,
		},
		{
			name: "undated, JSON front matter", file: "notes.md", src: "{\n\"title\": \"Notes\"\n}\n\n",
			wantDraft: true, wantPublished: true,
			wantDiag: `warning 0: no date: treated as a draft; rename it to YYYY-MM-DD-notes.md or add a "date" key with a YYYY-MM-DD value to its front matter`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost(tt.file, tt.src, nil)
			if got := messages(ds); got != tt.wantDiag {
				t.Errorf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
			if p.Draft != tt.wantDraft || p.Published != tt.wantPublished {
				t.Errorf("Draft = %v, Published = %v; want %v, %v", p.Draft, p.Published, tt.wantDraft, tt.wantPublished)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	src := `---
layout: post
title: "Week 3"
excerpt: >
  Weeknotes S01E03 -
  24 January 2021
sub-title: A quieter week
description: Notes on a quieter week
author:
  name: Ada
  email: ada@example.org
permalink: /notes/:slug/
series: Weeknotes
season: "01"
episode: 08
last_modified_at: 2021-01-25 09:30
updated: 2021-01-26T10:00:00Z
cover: /static/cover.png
---
Body
`
	p, ds := parsePost("2021-01-24-week-3.md", src, chicago)
	if len(ds) > 0 {
		t.Fatalf("diagnostics:\n%s", messages(ds))
	}
	want := &Post{
		Path:        "content/posts/2021-01-24-week-3.md",
		RelName:     "2021-01-24-week-3",
		Name:        "2021-01-24-week-3",
		Title:       "Week 3",
		TitleSource: "front matter",
		Slug:        "week-3",
		SlugSource:  "week-3",
		Liquid:      true,
		Date:        time.Date(2021, 1, 24, 0, 0, 0, 0, chicago),
		HasDate:     true,
		Published:   true,
		Excerpt:     "Weeknotes S01E03 - 24 January 2021",
		Description: "Notes on a quieter week",
		Subtitle:    "A quieter week",
		Author:      "Ada",
		Layout:      "post",
		Permalink:   "/notes/:slug/",
		URLLine:     12, // the permalink line
		SeriesName:  "Weeknotes",
		Season:      1,
		Episode:     8,
		Params: map[string]any{
			"layout": "post", "title": "Week 3",
			"excerpt": "Weeknotes S01E03 - 24 January 2021\n", "sub-title": "A quieter week",
			"description": "Notes on a quieter week",
			"author":      map[string]any{"name": "Ada", "email": "ada@example.org"},
			"permalink":   "/notes/:slug/", "series": "Weeknotes", "season": "01", "episode": 8.0,
			"last_modified_at": time.Date(2021, 1, 25, 9, 30, 0, 0, chicago),
			"updated":          time.Date(2021, 1, 26, 10, 0, 0, 0, time.UTC).In(chicago),
			"cover":            "/static/cover.png",
		},
		Body:     []byte("Body\n"),
		BodyLine: 20,
		Hash:     hashOf(src),
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", p, want)
	}
}

// TestSeriesAsHugoList reads Hugo's taxonomy form of the series key, a
// list of one name, as the name.
func TestSeriesAsHugoList(t *testing.T) {
	for _, src := range []string{"---\nseries: [\"Weeknotes\"]\n---\n", "---\nseries:\n  - Weeknotes\n---\n", "+++\nseries = [\"Weeknotes\"]\n+++\n"} {
		p, ds := parsePost("2021-01-10-x.md", src, nil)
		if p == nil || p.SeriesName != "Weeknotes" || len(ds) != 0 {
			t.Errorf("%q: series %q, diagnostics %v", src, p.SeriesName, ds)
		}
	}
}

func TestParseFieldErrors(t *testing.T) {
	tests := []struct {
		name, src, wantDiag string
	}{
		{"season as words", "---\ntitle: x\nseason: one\n---\n", `warning 3: season: want a whole number, got "one"; left as if not given`},
		{"negative episode", "---\nepisode: -2\n---\n", `warning 2: episode: want a whole number, got "-2"; left as if not given`},
		{"fractional episode in JSON", "{\n\"episode\": 2.5\n}\n\n", "warning 2: episode: want a whole number, got 2.5; left as if not given"},
		{"title as a list", "---\ntitle: [a, b]\n---\n", `warning 2: title: want text, got a list; used as "[\"a\", \"b\"]", as Jekyll would`},
		{"title as a map", "---\ntitle: {a: 1}\n---\n", `warning 2: title: want text, got a map; used as "{\"a\"=>1}", as Jekyll would`},
		{"published as words", "---\npublished: not yet\n---\n", `warning 2: published: want true or false, got "not yet"; left as if not given`},
		{"two series", "---\nseries: [Weeknotes, Travel]\n---\n", `warning 2: series: a post belongs to one series, got 2; the first, "Weeknotes", is used`},
		{"series list of a list", "---\nseries: [[Weeknotes]]\n---\n", "warning 2: series: want a name, got a list; the post is in no series"},
		{"unreadable updated is only a warning", "---\nupdated: last week\n---\n",
			`warning 2: updated: cannot read "last week" as a date; write it as 2021-11-19, 2021-11-19 08:00 or 2021-11-19 08:00:00 -0600`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := parsePost("2021-01-10-x.md", tt.src, nil)
			if got := messages(ds); got != tt.wantDiag {
				t.Errorf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
		})
	}
}

func TestParseNames(t *testing.T) {
	tests := []struct {
		path, dir         string
		wantName, wantRel string
	}{
		{"content/posts/2021-01-10-x.md", "content/posts", "2021-01-10-x", "2021-01-10-x"},
		{"content/posts/2021/2021-01-10-x.md", "content/posts", "2021-01-10-x", "2021/2021-01-10-x"},
		{"_posts/a/b/2021-01-10-x.markdown", "_posts", "2021-01-10-x", "a/b/2021-01-10-x"},
		{"content/drafts/idea.md", "content/drafts", "idea", "idea"},
		{"elsewhere/idea.md", "content/posts", "idea", "elsewhere/idea"},
	}
	for _, tt := range tests {
		p, _ := Parse(tt.path, tt.dir, []byte("hi"), nil)
		if p.Name != tt.wantName || p.RelName != tt.wantRel || p.Path != tt.path {
			t.Errorf("Parse(%q, %q): Path %q, Name %q, RelName %q; want %q, %q", tt.path, tt.dir, p.Path, p.Name, p.RelName, tt.wantName, tt.wantRel)
		}
	}
}

func TestParseHash(t *testing.T) {
	a, _ := parsePost("x.md", "same", nil)
	b, _ := parsePost("y.md", "same", nil)
	c, _ := parsePost("x.md", "same!", nil)
	if a.Hash != b.Hash || a.Hash != hashOf("same") {
		t.Errorf("hashes of the same bytes differ or are not FNV-1a: %x %x", a.Hash, b.Hash)
	}
	if a.Hash == c.Hash {
		t.Errorf("hashes of different bytes are equal: %x", a.Hash)
	}
}

func hashOf(s string) uint64 { return xxhash.Sum64String(s) }
