package site

import (
	"strings"
	"testing"
)

// TestSeriesWithoutNumbers builds posts that name their series in front
// matter and carry no number, as posts written for Jekyll's series plugins
// or Hugo's series taxonomy do: each must be on its series page, in date
// order, and linked to its neighbours, without a warning.
func TestSeriesWithoutNumbers(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"2024-03-01-lisbon.md":   "---\ntitle: Lisbon\nseries: Travel\n---\n\nDay one.\n",
		"2024-03-08-porto.md":    "---\ntitle: Porto\nseries: Travel\n---\n\nDay eight.\n",
		"2024-03-15-faro.md":     "---\ntitle: Faro\nseries: Travel\n---\n\nDay fifteen.\n",
		"2024-01-07-first.md":    "---\ntitle: First\nexcerpt: Weeknotes S01E01 - 7 January 2024\n---\n\nOne.\n",
		"2024-01-14-second.md":   "---\ntitle: Second\nexcerpt: Weeknotes S01E02 - 14 January 2024\n---\n\nTwo.\n",
		"2024-01-21-planning.md": "---\ntitle: Planning\nseries: Weeknotes\n---\n\nA special.\n",
		"2024-01-28-third.md":    "---\ntitle: Third\nexcerpt: Weeknotes S02E01 - 28 January 2024\n---\n\nThree.\n",
	} {
		writeSource(t, dir, "content/posts/"+name, data)
	}
	writeSource(t, dir, "weeknotes.yaml", completeConfig)
	res, err := build(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("unexpected diagnostic: %s", d)
	}
	tests := []struct {
		page string
		want []string // in this order on the page
	}{
		{"series/travel/index.html", []string{"3 episodes", `href="/2024/03/01/lisbon/"`, `href="/2024/03/08/porto/"`, `href="/2024/03/15/faro/"`}},
		{"2024/03/01/lisbon/index.html", []string{"Part 1 of", `href="/2024/03/08/porto/" rel="next"`, "Next: Part 2"}},
		{"2024/03/08/porto/index.html", []string{"Part 2 of", `href="/2024/03/01/lisbon/" rel="prev"`, `href="/2024/03/15/faro/" rel="next"`}},
		{"2024/03/15/faro/index.html", []string{"Part 3 of", `href="/2024/03/08/porto/" rel="prev"`, "Previous: Part 2"}},
		{"series/weeknotes/index.html", []string{"4 episodes", "Season 1", `href="/2024/01/07/first/"`, `href="/2024/01/14/second/"`, `href="/2024/01/21/planning/"`, "Season 2", `href="/2024/01/28/third/"`}},
		{"2024/01/21/planning/index.html", []string{"Season 1, after episode 2 of", `href="/2024/01/14/second/" rel="prev"`, `href="/2024/01/28/third/" rel="next"`}},
		{"2024/01/14/second/index.html", []string{`href="/2024/01/21/planning/" rel="next"`, "Next: Season 1, after episode 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			f := res.Output.Files[tt.page]
			if f == nil {
				t.Fatalf("no %s", tt.page)
			}
			rest := string(f.Data)
			for _, want := range tt.want {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("%q is missing, or not after what comes before it, in:\n%s", want, f.Data)
				}
				rest = rest[i+len(want):]
			}
		})
	}
	if pg := res.Output.Files["2024/03/01/lisbon/index.html"]; pg != nil && strings.Contains(string(pg.Data), `rel="prev"`) {
		t.Error("the first part links to a previous one")
	}
}
