package content

import (
	"slices"
	"testing"
	"time"
)

func TestJekyllSlugify(t *testing.T) {
	for _, tt := range []struct {
		in            string
		pretty, cased bool
		want          string
	}{
		{"release-1.2.0", true, true, "release-1.2.0"},
		{"release-1.2.0", false, false, "release-1-2-0"},
		{"Weeknote", true, true, "Weeknote"},
		{"Weeknote", false, false, "weeknote"},
		{"My Own Slug.v1", true, true, "My-Own-Slug.v1"},
		{" Q*bert says @!#@!", false, false, "q-bert-says"},
		{"Café Ørsted", false, false, "café-ørsted"},
		{"--x--", false, false, "x"},
		{"", false, false, ""},
	} {
		if got := jekyllSlugify(tt.in, tt.pretty, tt.cased); got != tt.want {
			t.Errorf("jekyllSlugify(%q, %v, %v) = %q, want %q", tt.in, tt.pretty, tt.cased, got, tt.want)
		}
	}
}

func TestEscapePathAndSanitize(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"deep dive/go", "deep%20dive/go"},
		{"plain/path-1.2", "plain/path-1.2"},
		{"café", "caf%C3%A9"},
		{"a+b@c", "a+b@c"},
	} {
		if got := escapePath(tt.in); got != tt.want {
			t.Errorf("escapePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"//2021//x.html", "/2021/x.html"},
		{"/../../etc/passwd", "/etc/passwd"},
		{"/a/./b/", "/a/b/"},
	} {
		if got := sanitizeURL(tt.in); got != tt.want {
			t.Errorf("sanitizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFolderCategories(t *testing.T) {
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"_posts/2020-01-01-x.md", nil},
		{"_posts/sub/2020-01-01-x.md", nil},
		{"blog/_posts/2020-01-01-x.md", []string{"blog"}},
		{"blog/tech/_posts/y/2020-01-01-x.md", []string{"blog", "tech"}},
		{"_drafts/x.md", nil},
		{"blog/_drafts/x.md", []string{"blog"}},
		{"blog/tech/_drafts/x.md", []string{"blog", "tech"}},
	} {
		if got := folderCategories(tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("folderCategories(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestIsJekyllPostName(t *testing.T) {
	for name, want := range map[string]bool{
		"2021-05-02-Weeknote.md":    true,
		"2021-5-2-x.markdown":       true,
		"2024-03-01 notes.md":       false,
		"2024-03-01.md":             false,
		"notes.md":                  false,
		"2019-08-01-release-1.2.md": true,
	} {
		if got := IsJekyllPostName(name); got != want {
			t.Errorf("IsJekyllPostName(%q) = %v, want %v", name, got, want)
		}
	}
	if got, want := jekyllNameHint("2024-03-01 notes.md"), "rename it to 2024-03-01-notes.md"; got != want {
		t.Errorf("jekyllNameHint = %q, want %q", got, want)
	}
}

func TestRubyString(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{map[string]any{"id": 7, "name": "Gardening"}, `{"id"=>7, "name"=>"Gardening"}`},
		{[]any{1, "a", nil, 2.0}, `[1, "a", nil, 2.0]`},
		{true, "true"},
		{2.5, "2.5"},
		{1e20, "1.0e+20"},
		{3.0, "3.0"},
		{time.Date(2021, 1, 2, 0, 0, 0, 0, time.UTC), "2021-01-02"},
		{nil, ""},
	} {
		if got := rubyString(tt.in); got != tt.want {
			t.Errorf("rubyString(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsSourceFor(t *testing.T) {
	for _, tt := range []struct {
		name   string
		jekyll bool
		want   bool
	}{
		{"2021-01-01-x.md", false, true},
		{"2021-01-01-x.html", false, false},
		{"2021-01-01-x.html", true, true},
		{"2021-01-01-x.htm", true, true},
		{".2021-01-01-x.html", true, false},
		{"2021-01-01-x.html~", true, false},
		{"2021-01-01-x.txt", true, false},
	} {
		if got := IsSourceFor(tt.name, tt.jekyll); got != tt.want {
			t.Errorf("IsSourceFor(%q, %v) = %v, want %v", tt.name, tt.jekyll, got, tt.want)
		}
	}
}
