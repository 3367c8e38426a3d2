package site

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestJekyllDraftRebuildKeepsModTimeDate shows that a preview's rebuild
// after a draft of a Jekyll layout changed (in a nested _drafts folder)
// dates it by its file's modification time as the full build does, so
// that it stays at, or moves to, the URL Jekyll gives it.
func TestJekyllDraftRebuildKeepsModTimeDate(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "_config.yml", "title: T\n")
	writeSource(t, dir, "_posts/2021-01-01-p.md", "---\ntitle: P\n---\np\n")
	draft := "blog/_drafts/idea.md"
	writeSource(t, dir, draft, "---\ntitle: Idea\n---\nfirst\n")
	setModTime := func(day int) {
		mt := time.Date(2023, 4, day, 12, 0, 0, 0, time.UTC)
		if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(draft)), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	setModTime(5)
	b := NewBuilder(Options{Source: dir, Theme: defaultTheme(t), Now: buildTime, Drafts: true})
	ctx := context.Background()
	res, err := b.Build(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Output.Files["blog/2023/04/05/idea.html"]; !ok {
		t.Fatalf("the draft is not at its modification time's URL: %v", keys(res.Output.Files))
	}
	writeSource(t, dir, draft, "---\ntitle: Idea\n---\nsecond\n")
	setModTime(6)
	res, err = b.Build(ctx, []string{draft})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Output.Files["blog/2023/04/06/idea.html"]; !ok {
		t.Errorf("after the edit, the draft is not at its new modification time's URL: %v", keys(res.Output.Files))
	}
	if _, ok := res.Output.Files["blog/2023/04/05/idea.html"]; ok {
		t.Errorf("the draft's old URL is still written")
	}
}

func keys(files map[string]*File) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	return out
}
