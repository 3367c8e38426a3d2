package content

import (
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
)

func TestPermalink(t *testing.T) {
	// A Saturday afternoon, in ISO week 2 of 2021.
	dated := &Post{
		Slug:       "my-first-weeknote",
		Date:       time.Date(2021, 1, 9, 14, 5, 7, 0, time.UTC),
		HasDate:    true,
		Categories: []string{"Work Notes", "", "!!", "life"},
	}
	plain := &Post{Slug: "x", Date: time.Date(2021, 11, 19, 8, 0, 0, 0, time.UTC), HasDate: true}
	tests := []struct {
		name    string
		pattern string
		post    *Post
		want    string
	}{
		{"default", "/:year/:month/:day/:slug/", plain, "/2021/11/19/x/"},
		{"date style", "date", dated, "/work-notes/life/2021/01/09/my-first-weeknote.html"},
		{"pretty style", "pretty", dated, "/work-notes/life/2021/01/09/my-first-weeknote/"},
		{"ordinal style", "ordinal", dated, "/work-notes/life/2021/009/my-first-weeknote.html"},
		{"weekdate style", "weekdate", dated, "/work-notes/life/2021/W01/Sat/my-first-weeknote.html"},
		{"none style", "none", dated, "/work-notes/life/my-first-weeknote.html"},
		{"styles without categories collapse the slash", "pretty", plain, "/2021/11/19/x/"},
		{"unpadded", "/:i_month/:i_day/:short_year/", dated, "/1/9/21/"},
		{"time", "/:hour-:minute-:second/", dated, "/14-05-07/"},
		{"week-based", "/:w_year/:week/:w_day/", dated, "/2021/01/6/"},
		{"week-based year differs from the year", "/:w_year-:week-:w_day", &Post{Slug: "x", HasDate: true, Date: time.Date(2021, 1, 3, 0, 0, 0, 0, time.UTC)}, "/2020-53-7"},
		{"names", "/:short_day/:long_day/:short_month/:long_month", dated, "/Sat/Saturday/Jan/January"},
		{"title, slug and categories", "/:categories/:title/:slug/:slugified_categories", dated, "/work-notes/life/my-first-weeknote/my-first-weeknote/work-notes/life"},
		{"output_ext", "/:year/:title:output_ext", plain, "/2021/x.html"},
		{"unknown placeholder stays", "/:year/:nope/:title/", plain, "/2021/:nope/x/"},
		{"colon not a placeholder", "/a:b/:/x", plain, "/a:b/:/x"},
		{"no leading slash", ":year/:slug", plain, "/2021/x"},
		{"double slashes collapse", "//:year//:slug//", plain, "/2021/x/"},
		{"front matter permalink wins", "date", &Post{Slug: "x", HasDate: true, Date: plain.Date, Permalink: "/about/"}, "/about/"},
		{"front matter permalink with placeholders", "date", &Post{Slug: "x", HasDate: true, Date: plain.Date, Permalink: "/notes/:year/:slug/"}, "/notes/2021/x/"},
		{"front matter permalink naming a style", "date", &Post{Slug: "x", HasDate: true, Date: plain.Date, Permalink: "pretty"}, "/2021/11/19/x/"},
		{"undated draft", "/:year/:month/:day/:slug/", &Post{Slug: "idea", Draft: true}, "/drafts/idea/"},
		{"undated draft with its own permalink", "date", &Post{Slug: "idea", Draft: true, Permalink: "/:year/idea/"}, "/drafts/idea/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Permalink(tt.pattern, tt.post); got != tt.want {
				t.Errorf("Permalink(%q) = %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestPermalinkUsesTheDateAsGiven(t *testing.T) {
	// 02:00 in London is still the previous day in Chicago: the URL follows
	// the zone the post's date is expressed in, the site's.
	chicago := mustZone(t, "America/Chicago")
	p, ds := parsePost("x.md", "---\ndate: 2021-11-20 02:00:00 +0000\n---\n", chicago)
	if len(ds) > 0 {
		t.Fatalf("diagnostics:\n%s", messages(ds))
	}
	if got, want := Permalink(config.DefaultPermalink, p), "/2021/11/19/x/"; got != want {
		t.Errorf("Permalink = %q, want %q", got, want)
	}
}
