package series

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// day is a date in January 2021, to order entries by.
func day(d int) time.Time { return time.Date(2021, time.January, d, 9, 0, 0, 0, time.UTC) }

// entry builds an entry; end 0 means no range.
func entry(key, name string, season, episode, end, date int) Entry {
	return Entry{Key: key, Marker: Marker{Name: name, Season: season, Episode: episode, EpisodeEnd: end}, Date: day(date)}
}

// describe renders series as "Name(slug): s1[a b] s2[c]", one per line, so
// whole results compare in one string.
func describe(series []*Series) string {
	var b strings.Builder
	for _, s := range series {
		fmt.Fprintf(&b, "%s(%s):", s.Name, s.Slug)
		for _, season := range s.Seasons {
			keys := make([]string, len(season.Episodes))
			for i, ep := range season.Episodes {
				keys[i] = ep.Key
			}
			fmt.Fprintf(&b, " s%d[%s]", season.Number, strings.Join(keys, " "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func messages(ds []diag.Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		if d.Severity != diag.Warning {
			out[i] = "not a warning: " + d.String()
			continue
		}
		out[i] = d.String()
	}
	return out
}

func TestAssemble(t *testing.T) {
	tests := []struct {
		name     string
		entries  []Entry
		want     string
		warnings []string
	}{
		{
			name:    "empty",
			entries: nil,
			want:    "",
		},
		{
			name: "seed site",
			entries: []Entry{
				entry("content/posts/2021-01-17-oops-i-did-it-again.md", "Weeknotes", 1, 2, 0, 17),
				entry("content/posts/2021-01-10-my-first-weeknote.md", "Weeknotes", 1, 1, 0, 10),
			},
			want: "Weeknotes(weeknotes): s1[content/posts/2021-01-10-my-first-weeknote.md content/posts/2021-01-17-oops-i-did-it-again.md]\n",
		},
		{
			name: "series by name, seasons and episodes ascending",
			entries: []Entry{
				entry("w3", "Weeknotes", 2, 1, 0, 20),
				entry("s1", "Sprint notes", 1, 1, 0, 1),
				entry("w2", "Weeknotes", 1, 2, 0, 10),
				entry("w0", "Weeknotes", 0, 7, 0, 30),
				entry("w1", "Weeknotes", 1, 1, 0, 3),
				entry("b1", "book club", 1, 1, 0, 2),
			},
			want: "book club(book-club): s1[b1]\n" +
				"Sprint notes(sprint-notes): s1[s1]\n" +
				"Weeknotes(weeknotes): s0[w0] s1[w1 w2] s2[w3]\n",
		},
		{
			name: "numbers decide before dates",
			entries: []Entry{
				entry("late-but-first", "Weeknotes", 1, 1, 0, 30),
				entry("early-but-second", "Weeknotes", 1, 2, 0, 1),
			},
			want: "Weeknotes(weeknotes): s1[late-but-first early-but-second]\n",
		},
		{
			name: "spellings of one name form one series under the commonest",
			entries: []Entry{
				entry("a", "sprint notes", 1, 1, 0, 1),
				entry("b", "Sprint notes", 1, 2, 0, 2),
				entry("c", "Sprint Notes!", 1, 3, 0, 3),
				entry("d", "Sprint notes", 1, 4, 0, 4),
			},
			want: "Sprint notes(sprint-notes): s1[a b c d]\n",
		},
		{
			name: "tied spellings go to the one sorting first",
			entries: []Entry{
				entry("a", "sprint notes", 1, 1, 0, 1),
				entry("b", "Sprint notes", 1, 2, 0, 2),
			},
			want: "Sprint notes(sprint-notes): s1[a b]\n",
		},
		{
			name: "duplicate ordered by date then key, reported on the later",
			entries: []Entry{
				entry("content/posts/c.md", "Weeknotes", 1, 2, 0, 5),
				entry("content/posts/b.md", "Weeknotes", 1, 2, 0, 3),
				entry("content/posts/a.md", "Weeknotes", 1, 2, 0, 5),
				entry("content/posts/x.md", "Weeknotes", 1, 1, 0, 1),
			},
			want: "Weeknotes(weeknotes): s1[content/posts/x.md content/posts/b.md content/posts/a.md content/posts/c.md]\n",
			warnings: []string{
				"content/posts/a.md: duplicate episode S01E02: also in content/posts/b.md",
				"content/posts/c.md: duplicate episode S01E02: also in content/posts/b.md",
			},
		},
		{
			name: "duplicates without a season and in a year",
			entries: []Entry{
				entry("a.md", "Weeknotes", 0, 12, 0, 1),
				entry("b.md", "Weeknotes", 0, 12, 0, 2),
				entry("c.md", "Weeknotes", 2021, 35, 0, 1),
				entry("d.md", "Weeknotes", 2021, 35, 0, 2),
			},
			want: "Weeknotes(weeknotes): s0[a.md b.md] s2021[c.md d.md]\n",
			warnings: []string{
				"b.md: duplicate episode #12: also in a.md",
				"d.md: duplicate episode week 35 of 2021: also in c.md",
			},
		},
		{
			name: "gaps of one and of several episodes",
			entries: []Entry{
				entry("a.md", "Weeknotes", 1, 2, 0, 1),
				entry("b.md", "Weeknotes", 1, 4, 0, 2),
				entry("c.md", "Weeknotes", 1, 8, 0, 3),
				entry("d.md", "Sprint notes", 0, 1, 0, 3),
				entry("e.md", "Sprint notes", 0, 3, 0, 3),
			},
			want: "Sprint notes(sprint-notes): s0[d.md e.md]\nWeeknotes(weeknotes): s1[a.md b.md c.md]\n",
			warnings: []string{
				"b.md: gap in Weeknotes season 1: no episode 3 between a.md and b.md",
				"c.md: gap in Weeknotes season 1: no episodes 5–7 between b.md and c.md",
				"e.md: gap in Sprint notes: no episode 2 between d.md and e.md",
			},
		},
		{
			name: "no gap before a season's first episode, nor across seasons",
			entries: []Entry{
				entry("a.md", "Weeknotes", 1, 1, 0, 1),
				entry("b.md", "Weeknotes", 2, 5, 0, 2),
				entry("c.md", "Weeknotes", 2, 6, 0, 3),
			},
			want: "Weeknotes(weeknotes): s1[a.md] s2[b.md c.md]\n",
		},
		{
			name: "skipped weeks of a year are not gaps",
			entries: []Entry{
				entry("a.md", "Weeknotes", 2021, 1, 0, 1),
				entry("b.md", "Weeknotes", 2021, 3, 0, 15),
			},
			want: "Weeknotes(weeknotes): s2021[a.md b.md]\n",
		},
		{
			name: "a range fills its numbers",
			entries: []Entry{
				entry("a.md", "Weeknotes", 4, 1, 0, 1),
				entry("b.md", "Weeknotes", 4, 2, 11, 2),
				entry("c.md", "Weeknotes", 4, 12, 0, 3),
			},
			want: "Weeknotes(weeknotes): s4[a.md b.md c.md]\n",
		},
		{
			name: "a range overlapping an episode, and a gap after a range",
			entries: []Entry{
				entry("a.md", "Weeknotes", 4, 2, 11, 1),
				entry("b.md", "Weeknotes", 4, 5, 0, 2),
				entry("c.md", "Weeknotes", 4, 14, 0, 3),
			},
			want: "Weeknotes(weeknotes): s4[a.md b.md c.md]\n",
			warnings: []string{
				"b.md: duplicate episode S04E05: also in a.md",
				"c.md: gap in Weeknotes season 4: no episodes 12–13 between a.md and c.md",
			},
		},
		{
			name: "overlapping ranges",
			entries: []Entry{
				entry("a.md", "Weeknotes", 4, 2, 6, 1),
				entry("b.md", "Weeknotes", 4, 5, 8, 2),
				entry("c.md", "Weeknotes", 4, 9, 0, 3),
			},
			want: "Weeknotes(weeknotes): s4[a.md b.md c.md]\n",
			warnings: []string{
				"b.md: duplicate episode S04E05: also in a.md",
			},
		},
		{
			name: "unnumbered episodes placed among numbered ones by date",
			entries: []Entry{
				entry("e1", "Travel", 0, 1, 0, 5),
				entry("u-early", "Travel", 0, 0, 0, 1),
				entry("e2", "Travel", 0, 2, 0, 10),
				entry("u-mid", "Travel", 0, 0, 0, 7),
				entry("u-same-day", "Travel", 0, 0, 0, 10),
				entry("u-late", "Travel", 0, 0, 0, 20),
			},
			want: "Travel(travel): s0[u-early e1 u-mid e2 u-same-day u-late]\n",
		},
		{
			name: "entries that cannot be placed",
			entries: []Entry{
				entry("nameless.md", "", 1, 1, 0, 1),
				entry("punct.md", "!!!", 1, 1, 0, 1),
				entry("zero.md", "Weeknotes", 1, -1, 0, 1),
				entry("backwards.md", "Weeknotes", 1, 5, 3, 1),
				entry("season.md", "Weeknotes", 10000, 1, 0, 1),
				entry("unnumbered-season.md", "Weeknotes", -1, 0, 0, 1),
				entry("week.md", "Weeknotes", 2021, 54, 0, 1),
				entry("ok.md", "Weeknotes", 1, 1, 0, 1),
			},
			want: "Weeknotes(weeknotes): s1[ok.md]\n",
			warnings: []string{
				`backwards.md: Weeknotes S01E05–3: episode range ends before it starts; the post is left out of the series`,
				`nameless.md: series name "" has no letters or digits to make its address from; the post is left out of the series`,
				`punct.md: series name "!!!" has no letters or digits to make its address from; the post is left out of the series`,
				`season.md: Weeknotes S10000E01: season must be between 0 and 9999; the post is left out of the series`,
				`unnumbered-season.md: Weeknotes: season must be between 0 and 9999; the post is left out of the series`,
				`week.md: Weeknotes week 54 of 2021: a year has at most 53 weeks; the post is left out of the series`,
				`zero.md: Weeknotes S01E-1: episode must be between 1 and 9999; the post is left out of the series`,
			},
		},
		{
			name: "a key given twice keeps one place",
			entries: []Entry{
				entry("a.md", "Weeknotes", 1, 2, 0, 1),
				entry("a.md", "Weeknotes", 1, 1, 0, 1),
			},
			want: "Weeknotes(weeknotes): s1[a.md]\n",
			warnings: []string{
				"a.md: post is placed in series twice (Weeknotes S01E01 and Weeknotes S01E02); keeping Weeknotes S01E01",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series, byKey, warnings := Assemble(tt.entries)
			if got := describe(series); got != tt.want {
				t.Errorf("series:\n%s\nwant:\n%s", got, tt.want)
			}
			if got := messages(warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
			}
			var inSeries int
			for _, s := range series {
				for _, ep := range s.Episodes() {
					inSeries++
					if byKey[ep.Key] != ep {
						t.Errorf("byKey[%q] is not the episode in %s", ep.Key, s.Name)
					}
					if ep.Series != s {
						t.Errorf("episode %q points at series %v, not %s", ep.Key, ep.Series, s.Name)
					}
				}
			}
			if len(byKey) != inSeries {
				t.Errorf("byKey has %d episodes; the series have %d", len(byKey), inSeries)
			}
		})
	}
}

func TestAssemblePrevNextAcrossSeasons(t *testing.T) {
	series, byKey, _ := Assemble([]Entry{
		entry("s2e1", "Weeknotes", 2, 1, 0, 20),
		entry("s1e2", "Weeknotes", 1, 2, 0, 10),
		entry("s1e1", "Weeknotes", 1, 1, 0, 3),
		entry("s3e1", "Weeknotes", 3, 1, 0, 25),
		entry("other", "Sprint notes", 1, 3, 0, 15),
	})
	if len(series) != 2 {
		t.Fatalf("got %d series; want 2", len(series))
	}
	order := []string{"s1e1", "s1e2", "s2e1", "s3e1"}
	for i, key := range order {
		ep := byKey[key]
		wantPrev, wantNext := "", ""
		if i > 0 {
			wantPrev = order[i-1]
		}
		if i < len(order)-1 {
			wantNext = order[i+1]
		}
		if got := keyOf(ep.Prev); got != wantPrev {
			t.Errorf("%s.Prev = %q; want %q", key, got, wantPrev)
		}
		if got := keyOf(ep.Next); got != wantNext {
			t.Errorf("%s.Next = %q; want %q", key, got, wantNext)
		}
	}
	if other := byKey["other"]; other.Prev != nil || other.Next != nil {
		t.Errorf("a series of one links to %q and %q", keyOf(other.Prev), keyOf(other.Next))
	}
}

func keyOf(ep *Episode) string {
	if ep == nil {
		return ""
	}
	return ep.Key
}

// TestAssembleDeterministic assembles the same entries in many orders and
// expects the same series, links, labels and warnings every time.
func TestAssembleDeterministic(t *testing.T) {
	var entries []Entry
	for i := range 60 {
		name := []string{"Weeknotes", "weeknotes", "Sprint notes", "Book club"}[i%4]
		season := i % 3
		episode := i % 7 // duplicates, gaps and unnumbered episodes
		entries = append(entries, entry(fmt.Sprintf("content/posts/%02d.md", i), name, season, episode, 0, i%5+1))
	}
	render := func(entries []Entry) string {
		series, _, warnings := Assemble(entries)
		var b strings.Builder
		b.WriteString(describe(series))
		for _, s := range series {
			for _, ep := range s.Episodes() {
				fmt.Fprintf(&b, "%s %s prev=%s next=%s\n", ep.Key, ep.Label(), keyOf(ep.Prev), keyOf(ep.Next))
			}
		}
		b.WriteString(strings.Join(messages(warnings), "\n"))
		return b.String()
	}
	want := render(entries)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(entries)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := render(shuffled); got != want {
			t.Fatalf("assembly depends on input order:\n%s\nwant:\n%s", got, want)
		}
	}
}

func TestAssembleLeavesInputAlone(t *testing.T) {
	entries := []Entry{entry("b", "Weeknotes", 1, 2, 0, 2), entry("a", "Weeknotes", 1, 1, 0, 1)}
	before := slices.Clone(entries)
	Assemble(entries)
	if !slices.Equal(entries, before) {
		t.Errorf("Assemble changed its input: %+v; was %+v", entries, before)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		season, number, end int
		want                string
	}{
		{1, 2, 2, "Season 1, episode 2"},
		{4, 2, 11, "Season 4, episodes 2–11"},
		{0, 12, 12, "Episode 12"},
		{0, 2, 11, "Episodes 2–11"},
		{2021, 35, 35, "Week 35, 2021"},
		{2021, 35, 37, "Weeks 35–37, 2021"},
		{999, 1, 1, "Season 999, episode 1"},
	}
	for _, tt := range tests {
		ep := &Episode{Season: tt.season, Number: tt.number, NumberEnd: tt.end}
		if got := ep.Label(); got != tt.want {
			t.Errorf("Label of S%dE%d–%d = %q; want %q", tt.season, tt.number, tt.end, got, tt.want)
		}
	}
}

// TestAssembleUnnumbered places posts that name a series but carry no
// number, as `series: Name` front matter alone gives: by date, labelled
// without looking like an episode number, linked, and never warned about.
func TestAssembleUnnumbered(t *testing.T) {
	tests := []struct {
		name     string
		entries  []Entry
		want     string
		labels   map[string]string
		warnings []string
	}{
		{
			name: "a series without numbers is in date order, in parts",
			entries: []Entry{
				entry("porto", "Travel", 0, 0, 0, 9),
				entry("lisbon", "Travel", 0, 0, 0, 2),
				entry("faro", "Travel", 0, 0, 0, 5),
				entry("braga", "Travel", 0, 0, 0, 9), // same day as porto: by key
			},
			want:   "Travel(travel): s0[lisbon faro braga porto]\n",
			labels: map[string]string{"lisbon": "Part 1", "faro": "Part 2", "braga": "Part 3", "porto": "Part 4"},
		},
		{
			name: "without a season they join the season running when they were published",
			entries: []Entry{
				entry("s1e1", "Weeknotes", 1, 1, 0, 3),
				entry("s1e2", "Weeknotes", 1, 2, 0, 8),
				entry("s2e1", "Weeknotes", 2, 1, 0, 15),
				entry("s2e2", "Weeknotes", 2, 2, 0, 22),
				entry("prologue", "Weeknotes", 0, 0, 0, 1),
				entry("special", "Weeknotes", 0, 0, 0, 10),
				entry("same-day", "Weeknotes", 0, 0, 0, 15),
				entry("late", "Weeknotes", 0, 0, 0, 30),
			},
			want: "Weeknotes(weeknotes): s1[prologue s1e1 s1e2 special] s2[s2e1 same-day s2e2 late]\n",
			labels: map[string]string{
				"prologue": "Season 1, before episode 1",
				"special":  "Season 1, after episode 2",
				"same-day": "Season 2, after episode 1",
				"late":     "Season 2, after episode 2",
				"s2e1":     "Season 2, episode 1",
			},
		},
		{
			name: "a gap is reported between numbered episodes only",
			entries: []Entry{
				entry("a.md", "Weeknotes", 1, 1, 0, 1),
				entry("between.md", "Weeknotes", 0, 0, 0, 5),
				entry("c.md", "Weeknotes", 1, 3, 0, 10),
			},
			want:     "Weeknotes(weeknotes): s1[a.md between.md c.md]\n",
			labels:   map[string]string{"between.md": "Season 1, after episode 1"},
			warnings: []string{"c.md: gap in Weeknotes season 1: no episode 2 between a.md and c.md"},
		},
		{
			name: "two on one day are no duplicate",
			entries: []Entry{
				entry("a.md", "Weeknotes", 1, 1, 0, 1),
				entry("b.md", "Weeknotes", 0, 0, 0, 5),
				entry("c.md", "Weeknotes", 0, 0, 0, 5),
				entry("d.md", "Weeknotes", 1, 2, 0, 10),
			},
			want:   "Weeknotes(weeknotes): s1[a.md b.md c.md d.md]\n",
			labels: map[string]string{"b.md": "Season 1, after episode 1", "c.md": "Season 1, after episode 1"},
		},
		{
			name: "numbers without seasons",
			entries: []Entry{
				entry("n11", "Weeknotes", 0, 11, 0, 5),
				entry("n12", "Weeknotes", 0, 12, 0, 12),
				entry("early", "Weeknotes", 0, 0, 0, 1),
				entry("mid", "Weeknotes", 0, 0, 0, 6),
			},
			want:   "Weeknotes(weeknotes): s0[early n11 mid n12]\n",
			labels: map[string]string{"early": "Before episode 11", "mid": "After episode 11", "n12": "Episode 12"},
		},
		{
			name: "a range is followed from its end",
			entries: []Entry{
				entry("r", "Weeknotes", 4, 2, 11, 1),
				entry("after", "Weeknotes", 0, 0, 0, 2),
			},
			want:   "Weeknotes(weeknotes): s4[r after]\n",
			labels: map[string]string{"after": "Season 4, after episode 11"},
		},
		{
			name: "weeks of a year",
			entries: []Entry{
				entry("w1", "Weeknotes", 2021, 1, 0, 4),
				entry("review", "Weeknotes", 0, 0, 0, 6),
			},
			want:   "Weeknotes(weeknotes): s2021[w1 review]\n",
			labels: map[string]string{"review": "2021, after week 1"},
		},
		{
			name: "a season given without numbers is a season in parts",
			entries: []Entry{
				entry("one", "Travel", 0, 0, 0, 1),
				entry("two", "Travel", 2, 0, 0, 5),
				entry("three", "Travel", 2, 0, 0, 9),
				entry("yearly", "Travel", 2021, 0, 0, 12),
			},
			want:   "Travel(travel): s0[one] s2[two three] s2021[yearly]\n",
			labels: map[string]string{"one": "Part 1", "two": "Season 2, part 1", "three": "Season 2, part 2", "yearly": "2021, part 1"},
		},
		{
			name: "a season given keeps it out of the one running",
			entries: []Entry{
				entry("s1e1", "Weeknotes", 1, 1, 0, 1),
				entry("s1e2", "Weeknotes", 1, 2, 0, 10),
				entry("s2-start", "Weeknotes", 2, 0, 0, 5),
			},
			want:   "Weeknotes(weeknotes): s1[s1e1 s1e2] s2[s2-start]\n",
			labels: map[string]string{"s2-start": "Season 2, part 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series, byKey, warnings := Assemble(tt.entries)
			if got := describe(series); got != tt.want {
				t.Errorf("series:\n%s\nwant:\n%s", got, tt.want)
			}
			if got := messages(warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
			}
			for key, want := range tt.labels {
				if ep := byKey[key]; ep == nil {
					t.Errorf("%s is in no series", key)
				} else if got := ep.Label(); got != want {
					t.Errorf("Label of %s = %q; want %q", key, got, want)
				}
			}
			for _, s := range series {
				var prev *Episode
				for _, ep := range s.Episodes() {
					if ep.Prev != prev || (prev != nil && prev.Next != ep) {
						t.Errorf("%s is linked from %q to %q; want from %q", ep.Key, keyOf(ep.Prev), keyOf(ep.Next), keyOf(prev))
					}
					prev = ep
				}
			}
		})
	}
}

// TestParseThenAssemble runs markers read from titles through assembly, as a
// build does.
func TestParseThenAssemble(t *testing.T) {
	titles := map[string]string{
		"content/posts/3.md": "Weeknotes S01E03 - 24 January 2021",
		"content/posts/1.md": "Weeknotes S01E01 - 10 January 2021",
		"content/posts/2.md": "Weeknote S1E2: oops",
		"content/posts/r.md": "Weeknotes S01E04–06",
		"content/posts/s.md": "Sprint notes S02E03",
	}
	var entries []Entry
	for key, title := range titles {
		m, ok := Parse(title)
		if !ok {
			t.Fatalf("Parse(%q) found no marker", title)
		}
		if m.Name == "" {
			m.Name = "Weeknotes"
		}
		entries = append(entries, Entry{Key: key, Marker: m})
	}
	series, byKey, warnings := Assemble(entries)
	want := "Sprint notes(sprint-notes): s2[content/posts/s.md]\n" +
		"Weeknotes(weeknotes): s1[content/posts/1.md content/posts/2.md content/posts/3.md content/posts/r.md]\n"
	if got := describe(series); got != want {
		t.Errorf("series:\n%s\nwant:\n%s", got, want)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if got := byKey["content/posts/r.md"].Label(); got != "Season 1, episodes 4–6" {
		t.Errorf("range label = %q", got)
	}
}

func BenchmarkAssemble(b *testing.B) {
	entries := make([]Entry, 5000)
	for i := range entries {
		entries[i] = entry(fmt.Sprintf("content/posts/%04d.md", i), "Weeknotes", 1+i/52, 1+i%52, 0, 1)
	}
	b.ReportAllocs()
	for b.Loop() {
		Assemble(entries)
	}
}
