package series

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/content"
)

func TestParse(t *testing.T) {
	wk := func(season, episode, end int) Marker {
		return Marker{Name: "Weeknotes", Season: season, Episode: episode, EpisodeEnd: end}
	}
	bare := func(season, episode, end int) Marker {
		return Marker{Season: season, Episode: episode, EpisodeEnd: end}
	}
	tests := []struct {
		text string
		want Marker
	}{
		// Season and episode codes.
		{"Weeknotes S01E02", wk(1, 2, 2)},
		{"Weeknote S1E3", wk(1, 3, 3)},
		{"S1E3", bare(1, 3, 3)},
		{"s01e02", bare(1, 2, 2)},
		{"Weeknotes S01 E02", wk(1, 2, 2)},
		{"WEEKNOTES s01e02", wk(1, 2, 2)},
		{"week S01E02", wk(1, 2, 2)},
		{"Weeknotes S01E01 - 10 January 2021", wk(1, 1, 1)},
		{"  Weeknotes S01E02 - 17 January 2021\n", wk(1, 2, 2)},
		{"My first weeknote. Weeknotes S01E05: busy", wk(1, 5, 5)},
		{"#weeknotes S01E02", wk(1, 2, 2)},
		{"(Weeknotes S01E02)", wk(1, 2, 2)},
		{"Weeknotes\u00a0S01E02", wk(1, 2, 2)},
		{"“S01E02” was short", bare(1, 2, 2)},
		{"S00E01", bare(0, 1, 1)},
		{"S999E9999", bare(999, 9999, 9999)},
		{"S9999E53", bare(9999, 53, 53)},
		{"S01E02.", bare(1, 2, 2)},
		{"Weeknotes S01E02:Title", wk(1, 2, 2)},
		{"S01E02, S01E03", bare(1, 2, 2)},

		// Names other than weeknotes.
		{"Sprint notes S02E03", Marker{Name: "Sprint notes", Season: 2, Episode: 3, EpisodeEnd: 3}},
		{"sprint notes S02E03", Marker{Name: "sprint notes", Season: 2, Episode: 3, EpisodeEnd: 3}},
		{"Dave's notes S01E01", Marker{Name: "Dave's notes", Season: 1, Episode: 1, EpisodeEnd: 1}},
		{"(Sprint notes S01E02)", Marker{Name: "Sprint notes", Season: 1, Episode: 2, EpisodeEnd: 2}},
		{"Busy week — Sprint notes S01E02", Marker{Name: "Sprint notes", Season: 1, Episode: 2, EpisodeEnd: 2}},
		{"Café club S01E02", Marker{Name: "Café club", Season: 1, Episode: 2, EpisodeEnd: 2}},
		{"A big week of notes S01E02", bare(1, 2, 2)}, // four words: a title, not a name
		{"Oops I did it again S01E02", bare(1, 2, 2)}, // likewise
		{"Here is S1E3", bare(1, 3, 3)},               // a sentence mentioning a code
		{"Notes on S01E02", bare(1, 2, 2)},            // likewise
		{"17 January 2021 S01E02", bare(1, 2, 2)},     // a date is not a name
		{"Weeknotes: S01E02", bare(1, 2, 2)},          // punctuation ends the name
		{"Weeknotes - S01E02", bare(1, 2, 2)},         // likewise
		{"Weeknotes-S01E02", bare(1, 2, 2)},           // likewise
		{"My weekly weeknotes S01E02", wk(1, 2, 2)},   // the nearest word decides
		{"Weeknotes\nS01E02", bare(1, 2, 2)},          // a name never spans lines
		{"Web3 notes S01E02", Marker{Name: "Web3 notes", Season: 1, Episode: 2, EpisodeEnd: 2}},
		{"2nd notes S01E02", Marker{Name: "notes", Season: 1, Episode: 2, EpisodeEnd: 2}},    // an ordinal ends the name
		{"S01E00 notes S01E02", Marker{Name: "notes", Season: 1, Episode: 2, EpisodeEnd: 2}}, // so does a code
		{"Weeknotes Season 1 Episode 2", wk(1, 2, 2)},                                        // names precede word forms too
		{"Weeknotes 2021-W35", wk(2021, 35, 35)},                                             // and ISO weeks
		{"Season 1 Episode 2 of Sprint notes", bare(1, 2, 2)},                                // names follow nothing

		// Season and episode in words.
		{"Season 1 Episode 2", bare(1, 2, 2)},
		{"season 1, episode 2", bare(1, 2, 2)},
		{"Season 3 Ep. 4", bare(3, 4, 4)},
		{"Season 3, ep 4", bare(3, 4, 4)},
		{"Season 4, Episodes 2–11", bare(4, 2, 11)},
		{"Season 4 episodes 2 to 11", bare(4, 2, 11)},
		{"Season 4 episodes 2 - 11", bare(4, 2, 11)},
		{"Season 4 episode 2-11", bare(4, 2, 11)},
		{"Season 4 episode 2 - 11 January", bare(4, 2, 2)},

		// Ranges.
		{"S04E02–11", bare(4, 2, 11)},
		{"S04E02-11", bare(4, 2, 11)},
		{"S04E02—E11", bare(4, 2, 11)},
		{"S04E02-e11", bare(4, 2, 11)},
		{"S01E06 - S01E09", bare(1, 6, 9)},
		{"Weeknotes S01E06 – S01E09: catching up", wk(1, 6, 9)},
		{"S01E06 - E09", bare(1, 6, 9)},
		{"S01E06-S01E09", bare(1, 6, 9)},
		{"S04E02–02", bare(4, 2, 2)},
		{"S01E06 - S02E01", bare(1, 6, 6)},        // into another season: not a range
		{"S01E06-S02E01", bare(1, 6, 6)},          // likewise
		{"S04E02-11 January 2021", bare(4, 2, 2)}, // a date, not a range
		{"S04E02-11 Jan", bare(4, 2, 2)},
		{"S04E02-11 things", bare(4, 2, 11)},
		{"S04E02 - 11", bare(4, 2, 2)}, // spaced bare numbers are not ranges
		{"S04E02-11abc", bare(4, 2, 2)},
		{"S04E02-foo", bare(4, 2, 2)},

		// Numbered weeknotes.
		{"Weeknote #12", wk(0, 12, 12)},
		{"Weeknotes #12", wk(0, 12, 12)},
		{"weeknotes #12: a quiet one", wk(0, 12, 12)},
		{"Weeknote#12", wk(0, 12, 12)},
		{"Weeknotes No. 12", wk(0, 12, 12)},
		{"Weeknotes № 12", wk(0, 12, 12)},
		{"Weeknotes #2021", wk(0, 2021, 2021)},
		{"Weeknote 12", wk(0, 12, 12)},
		{"Weeknote 12: a quiet one", wk(0, 12, 12)},
		{"Weeknote 12 - 17 January 2021", wk(0, 12, 12)},
		{"Week #3", wk(0, 3, 3)},
		{"Week Notes #7", wk(0, 7, 7)},
		{"week notes 7", wk(0, 7, 7)},
		{"Weekly Notes #7", wk(0, 7, 7)},
		{"Week-notes #7", wk(0, 7, 7)},
		{"Week Note No. 7", wk(0, 7, 7)},
		{"Week Notes S01E07", wk(1, 7, 7)},
		{"Week-Notes S01E07", wk(1, 7, 7)},
		{"Platform Team Week Notes #7", Marker{Name: "Platform Team Weeknotes", Episode: 7, EpisodeEnd: 7}},
		{"Platform Team Weeknotes #7", Marker{Name: "Platform Team Weeknotes", Episode: 7, EpisodeEnd: 7}},
		{"Notes on Weeknotes #7", wk(0, 7, 7)},  // a sentence, not a name
		{"Moving house Week 34", wk(0, 34, 34)}, // before a bare week, prose

		// Weeks of a year.
		{"Weeknotes 35/2021", wk(2021, 35, 35)},
		{"Weeknote 35/2021", wk(2021, 35, 35)},
		{"Week 35/2021", wk(2021, 35, 35)},
		{"Week 34, 2021", wk(2021, 34, 34)},
		{"Week 34,2021", wk(2021, 34, 34)},
		{"Week 34 of 2021", wk(2021, 34, 34)},
		{"Week 34 2021", wk(2021, 34, 34)},
		{"Week 53/2020", wk(2020, 53, 53)},
		{"2021-W35", bare(2021, 35, 35)},
		{"2021w05", bare(2021, 5, 5)},
		{"S2021E35", bare(2021, 35, 35)},

		// Weeks alone.
		{"Week 34", wk(0, 34, 34)},
		{"week 34", wk(0, 34, 34)},
		{"Week 34: moving house", wk(0, 34, 34)},
		{"Week 34 – 20 August", wk(0, 34, 34)},
		{"Week 34, 20 August", wk(0, 34, 34)},
		{"Week 34.", wk(0, 34, 34)},
		{"Week34", wk(0, 34, 34)},

		// First match wins, and nonsense does not stop the search.
		{"Weeknotes S01E02 (after Week 34)", wk(1, 2, 2)},
		{"Week 34, and Weeknotes S01E02", wk(0, 34, 34)},
		{"S01E00, S01E03", bare(1, 3, 3)},
		{"Weekend plans. Weeknotes S01E02", wk(1, 2, 2)},
		{"see http://x/S01E02 and Weeknotes S01E03", wk(1, 3, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := Parse(tt.text)
			if !ok || got != tt.want {
				t.Errorf("Parse(%q) = %+v, %v; want %+v, true", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		text string
		why  string
	}{
		{"", "empty"},
		{"My first weeknote", "no number"},
		{"Weekend", "a word that starts like week"},
		{"Weekend 2", "likewise, with a number"},
		{"Weekly 3", "likewise"},
		{"Week notebook 3", "notes must be the whole word"},
		{"Weekly notes", "two-word weeknotes alone"},
		{"Weeks 3", "a plural is a count"},
		{"Weeknotes", "a name alone"},
		{"S01", "a season alone"},
		{"episode", "the word alone"},
		{"Episode 12", "an episode alone is too common in prose to be a marker"},
		{"Season 2", "a season alone"},
		{"Seasons 1 Episode 2", "seasons is not season"},
		{"http://x/S01E02abc", "inside a URL, followed by letters"},
		{"http://x/S01E02", "inside a URL"},
		{"https://example.org/weeknotes-s01e02/", "inside a URL"},
		{"/posts/S01E02", "inside a path"},
		{"file_S01E02", "inside a file name"},
		{"me@S01E02", "inside an address"},
		{"S01E02.html", "a file name"},
		{"S01E02/notes", "a path"},
		{"S01E02abc", "letters continue the word"},
		{"S01E023x", "likewise"},
		{"XS01E02", "letters precede it"},
		{"1S01E02", "a digit precedes it"},
		{"Week 2 of lockdown", "a week within something else"},
		{"Week 3 of 5", "likewise"},
		{"week 2 was busy", "a sentence, not a title"},
		{"I wrote weeknotes 3 times", "likewise"},
		{"Week 34-35", "a range of weeks"},
		{"Week 3/4", "a fraction"},
		{"Weeknotes 2021", "a year, not an episode"},
		{"Week 35/21", "a two-digit year"},
		{"S01E00", "episode 0"},
		{"Weeknote #0", "episode 0"},
		{"Week 0", "week 0"},
		{"S10000E01", "season above 9999"},
		{"S01E10000", "episode above 9999"},
		{"S01E1234567890123", "too many digits"},
		{"Week 54", "week above 53"},
		{"Week #60", "week above 53"},
		{"Week 54/2021", "week above 53"},
		{"Week 0/2021", "week 0"},
		{"2021-W54", "week above 53"},
		{"2021-W00", "week 0"},
		{"2021-W123", "three-digit week"},
		{"0999-W12", "not a year"},
		{"S2021E54", "week above 53 in a year season"},
		{"S04E11-02", "range ends before it starts"},
		{"S04E11—E02", "likewise"},
		{"Season 4 episodes 11-2", "likewise"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got, ok := Parse(tt.text); ok {
				t.Errorf("Parse(%q) = %+v, true; want no marker (%s)", tt.text, got, tt.why)
			}
		})
	}
}

// TestOfPost places posts from their front matter and texts, as the site and
// `weeknotes new` read them.
func TestOfPost(t *testing.T) {
	tests := []struct {
		name   string
		post   content.Post
		want   Marker
		wantOK bool
	}{
		{
			name: "nothing names a series",
			post: content.Post{Title: "A quiet week", Excerpt: "Gardening, mostly."},
		},
		{
			name:   "a marker in the title joins the default series",
			post:   content.Post{Title: "S01E02: oops"},
			want:   Marker{Name: "Weeknotes", Season: 1, Episode: 2, EpisodeEnd: 2},
			wantOK: true,
		},
		{
			name:   "series alone places the post, unnumbered",
			post:   content.Post{Title: "Day one in Lisbon", SeriesName: "Travel"},
			want:   Marker{Name: "Travel"},
			wantOK: true,
		},
		{
			name:   "series and season without an episode",
			post:   content.Post{Title: "Back on the road", SeriesName: "Travel", Season: 2},
			want:   Marker{Name: "Travel", Season: 2},
			wantOK: true,
		},
		{
			name: "a season alone names no series",
			post: content.Post{Title: "Spring", Season: 2},
			want: Marker{Season: 2},
		},
		{
			name:   "series renames a marker found in the excerpt",
			post:   content.Post{Title: "Lisbon", Excerpt: "Weeknotes S01E03 - 24 January 2021", SeriesName: "Travel"},
			want:   Marker{Name: "Travel", Season: 1, Episode: 3, EpisodeEnd: 3},
			wantOK: true,
		},
		{
			name:   "episode numbers a post that has only a series",
			post:   content.Post{Title: "Porto", SeriesName: "Travel", Episode: 4},
			want:   Marker{Name: "Travel", Episode: 4, EpisodeEnd: 4},
			wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := OfPost(&tt.post, "Weeknotes")
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("OfPost = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestParseFixtureSite reads the series markers of the fixture site's
// excerpts, where real weeknotes keep them.
func TestParseFixtureSite(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "site", "content", "posts")
	tests := []struct {
		file string
		want Marker
	}{
		{"2023-03-05-back-at-the-desk.md", Marker{Name: "Weeknotes", Season: 1, Episode: 1, EpisodeEnd: 1}},
		{"2023-03-12-the-kettle-broke.md", Marker{Name: "Weeknotes", Season: 1, Episode: 2, EpisodeEnd: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var excerpt string
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "  Weeknotes") {
					excerpt = strings.TrimSpace(line)
				}
			}
			got, ok := Parse(excerpt)
			if !ok || got != tt.want {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", excerpt, got, ok, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Weeknotes", "weeknotes"},
		{"Sprint notes", "sprint-notes"},
		{"sprint  notes", "sprint-notes"},
		{"Sprint notes!", "sprint-notes"},
		{"  Sprint -- notes  ", "sprint-notes"},
		{"Dave's notes", "daves-notes"},
		{"Dave’s notes", "daves-notes"},
		{"Café club", "cafe-club"},
		{"Notes 2021", "notes-2021"},
		{"Straße", "strasse"},
		{"Привет мир", "привет-мир"},
		{"日記", "日記"},
		{"", ""},
		{"!!!", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.name); got != tt.want {
			t.Errorf("Slug(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"Weeknotes S01E02 - 17 January 2021", "S04E02–11", "S01E06 - S01E09", "S04E02—E11",
		"Weeknote #12", "Weeknotes 35/2021", "Week 34, 2021", "Week 2 of lockdown", "2021-W35",
		"Season 4, Episodes 2 to 11", "http://x/S01E02abc", "Sprint notes S02E03", "Weekend",
		"S1E99999999999999999999", "Weeknotes\u00a0S\u00a0", "\xffS1E1\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, ok := Parse(text)
		if !ok {
			if m != (Marker{}) {
				t.Fatalf("Parse(%q) = %+v without a marker", text, m)
			}
			return
		}
		if m.Episode < 1 || m.EpisodeEnd < m.Episode {
			t.Fatalf("Parse(%q) = %+v: episode numbers out of order", text, m)
		}
		if m.Season < 0 || m.Season > maxSeason || m.EpisodeEnd > maxEpisode {
			t.Fatalf("Parse(%q) = %+v: numbers out of range", text, m)
		}
		if m.Season >= MinYear && m.EpisodeEnd > maxWeek {
			t.Fatalf("Parse(%q) = %+v: week out of range", text, m)
		}
		if m.Name != "Weeknotes" {
			for _, word := range strings.Fields(m.Name) {
				if !strings.Contains(text, word) {
					t.Fatalf("Parse(%q) = %+v: name not from the text", text, m)
				}
			}
		}
		// The canonical code of what was found reads back the same.
		code := fmt.Sprintf("S%02dE%02d", m.Season, m.Episode)
		if m.EpisodeEnd > m.Episode {
			code += fmt.Sprintf("–%d", m.EpisodeEnd)
		}
		again, ok := Parse(code)
		m.Name = ""
		if !ok || again != m {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", text, m, code, again, ok)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	texts := []string{
		"Oops I did it again",
		"Weeknotes S01E02 - 17 January 2021",
		"This year I'm going to try writing personal weeknotes. There are a few folk at work who have been " +
			"writing weeknotes for years, see https://example.org/2020/11/01/why-i-write-weeknotes/ for more.",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, text := range texts {
			Parse(text)
		}
	}
}
