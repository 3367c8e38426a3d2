package content

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my-first-weeknote", "my-first-weeknote"},
		{"Oops, I did it again", "oops-i-did-it-again"},
		{"  --Leading and trailing--  ", "leading-and-trailing"},
		{"snake_case_name", "snake-case-name"},
		{"don't panic", "dont-panic"},
		{"don’t panic", "dont-panic"},
		{"Café Ørsted & Straße", "cafe-orsted-strasse"},
		{"Łódź, Æsir, þing", "lodz-aesir-thing"},
		{"Ａｂｃ", "ａｂｃ"}, // full-width letters have no ASCII decomposition in NFD: kept
		{"Привет мир", "привет-мир"},
		{"東京 2021", "東京-2021"},
		{"e\u0301te\u0301", "ete"}, // decomposed accents are dropped
		{"S01E02 – 17 January", "s01e02-17-january"},
		{"100%", "100"},
		{"!!!", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSlug(t *testing.T) {
	tests := []struct {
		file, src string
		want      string
	}{
		{"2021-01-10-my-first-weeknote.md", "hi\n", "my-first-weeknote"},
		{"2021-1-5-Mixed_Case.markdown", "hi\n", "mixed-case"},
		{"no-date-here.md", "hi\n", "no-date-here"},
		{"2021-01-10-x.md", "---\nslug: Custom Slug!\n---\n", "custom-slug"},
		{"2021-01-10.md", "---\ntitle: Week one\n---\n", "week-one"},
		{"2021-01-10.md", "# Week one, again\n", "week-one-again"},
		{"2021-01-10.md", "hi\n", "2021-01-10"},
		{"2021-01-10-x.md", "---\nslug: \"!!\"\n---\n", "x"},
		{"!!.md", "hi\n", "post"},
	}
	for _, tt := range tests {
		p, _ := parsePost(tt.file, tt.src, nil)
		if p.Slug != tt.want {
			t.Errorf("%s: Slug = %q, want %q", tt.file, p.Slug, tt.want)
		}
	}
}

func TestParseTitle(t *testing.T) {
	tests := []struct {
		name         string
		file, src    string
		wantTitle    string
		wantSource   string
		wantBody     string
		wantBodyLine int
	}{
		{
			name: "front matter",
			file: "x.md", src: "---\ntitle: Hello\n---\nBody\n",
			wantTitle: "Hello", wantSource: "front matter", wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name: "front matter title wrapped over lines",
			file: "x.md", src: "---\ntitle: >-\n  A long\n  title\n---\nBody\n",
			wantTitle: "A long title", wantSource: "front matter", wantBody: "Body\n", wantBodyLine: 6,
		},
		{
			name: "front matter title repeated by the leading heading, which goes",
			file: "x.md", src: "---\ntitle: \"Oops, I did it again\"\n---\n\n# Oops I did it again!\n\nBody\n",
			wantTitle: "Oops, I did it again", wantSource: "front matter", wantBody: "Body\n", wantBodyLine: 7,
		},
		{
			name: "front matter title and a different heading, which stays",
			file: "x.md", src: "---\ntitle: Week one\n---\n# Outside work\n\nBody\n",
			wantTitle: "Week one", wantSource: "front matter", wantBody: "# Outside work\n\nBody\n", wantBodyLine: 4,
		},
		{
			name: "ATX heading with no front matter",
			file: "x.md", src: "\n# A *fine* week #\n\nBody\n",
			wantTitle: "A *fine* week", wantSource: "heading", wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name: "ATX heading after empty front matter",
			file: "x.md", src: "---\nlayout: post\n---\n   # Indented a little\nBody\n",
			wantTitle: "Indented a little", wantSource: "heading", wantBody: "Body\n", wantBodyLine: 5,
		},
		{
			name: "heading that ends in a hash that is part of the text",
			file: "x.md", src: "# Learning C#\n",
			wantTitle: "Learning C#", wantSource: "heading", wantBody: "", wantBodyLine: 2,
		},
		{
			name: "Setext heading",
			file: "x.md", src: "A setext title\n==============\n\nBody\n",
			wantTitle: "A setext title", wantSource: "heading", wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name: "Windows line endings",
			file: "x.md", src: "---\r\nlayout: post\r\n---\r\n# Carriage returns\r\n\r\nBody\r\n",
			wantTitle: "Carriage returns", wantSource: "heading", wantBody: "Body\r\n", wantBodyLine: 6,
		},
		{
			name: "carriage returns alone end lines, so no title line",
			file: "my-notes.md", src: "# One\rTwo\n\nText\n",
			wantTitle: "My notes", wantSource: "slug", wantBody: "# One\rTwo\n\nText\n", wantBodyLine: 1,
		},
		{
			name: "plain first line of a file without front matter",
			file: "what-i-learnt.md", src: "What I learnt, and I was on-call\n\nA system is failing.\n",
			wantTitle: "What I learnt, and I was on-call", wantSource: "first line", wantBody: "A system is failing.\n", wantBodyLine: 3,
		},
		{
			name: "first line that is a sentence is prose",
			file: "my-notes.md", src: "I had a good week.\n\nMore.\n",
			wantTitle: "My notes", wantSource: "slug", wantBody: "I had a good week.\n\nMore.\n", wantBodyLine: 1,
		},
		{
			name: "first line not followed by a blank line is prose",
			file: "my-notes.md", src: "\nSign up to save your podcasts\nOr\n\nText\n",
			wantTitle: "My notes", wantSource: "slug", wantBody: "\nSign up to save your podcasts\nOr\n\nText\n", wantBodyLine: 1,
		},
		{
			name: "first line that is a list item is not a title",
			file: "my-notes.md", src: "- one\n\n- two\n",
			wantTitle: "My notes", wantSource: "slug", wantBody: "- one\n\n- two\n", wantBodyLine: 1,
		},
		{
			name: "first line that is too long is prose",
			file: "my-notes.md", src: "This line runs on " + strings.Repeat("and on ", 25) + "\n\nText\n",
			wantTitle: "My notes", wantSource: "slug", wantBody: "This line runs on " + strings.Repeat("and on ", 25) + "\n\nText\n", wantBodyLine: 1,
		},
		{
			name: "plain first line after front matter is not a title",
			file: "2021-01-10-my-first-weeknote.md", src: "---\nlayout: post\n---\nJust a line\n\nText\n",
			wantTitle: "My first weeknote", wantSource: "slug", wantBody: "Just a line\n\nText\n", wantBodyLine: 4,
		},
		{
			name: "level-2 heading is not a title",
			file: "2021-01-10-my-first-weeknote.md", src: "## Outside work\n\nText\n",
			wantTitle: "My first weeknote", wantSource: "slug", wantBody: "## Outside work\n\nText\n", wantBodyLine: 1,
		},
		{
			name: "hashtag is not a heading",
			file: "2021-01-10-my-first-weeknote.md", src: "#weeknotes\n\nText\n",
			wantTitle: "My first weeknote", wantSource: "slug", wantBody: "#weeknotes\n\nText\n", wantBodyLine: 1,
		},
		{
			name: "code block is not a heading",
			file: "2021-01-10-my-first-weeknote.md", src: "    # comment\n",
			wantTitle: "My first weeknote", wantSource: "slug", wantBody: "    # comment\n", wantBodyLine: 1,
		},
		{
			name: "empty heading is not a title",
			file: "2021-01-10-my-first-weeknote.md", src: "#\n\nText\n",
			wantTitle: "My first weeknote", wantSource: "slug", wantBody: "#\n\nText\n", wantBodyLine: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost(tt.file, tt.src, nil)
			for _, d := range ds {
				if !strings.HasPrefix(d.Message, "no date") {
					t.Errorf("unexpected diagnostic %v", d)
				}
			}
			if p.Title != tt.wantTitle || p.TitleSource != tt.wantSource {
				t.Errorf("Title = %q from %q, want %q from %q", p.Title, p.TitleSource, tt.wantTitle, tt.wantSource)
			}
			if string(p.Body) != tt.wantBody || p.BodyLine != tt.wantBodyLine {
				t.Errorf("Body = %q at line %d, want %q at line %d", p.Body, p.BodyLine, tt.wantBody, tt.wantBodyLine)
			}
		})
	}
}
