package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGolden renders testdata/site and compares chosen pages byte for byte
// with testdata/golden. After an intended change to the theme or the
// renderer, run `go test ./internal/site -run TestGolden -update` and review
// the diff.
func TestGolden(t *testing.T) {
	res, err := build(t, "testdata/site", Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"2024/01/07/first/index.html",
		"2024/01/14/second/index.html",
		"2024/01/21/third/index.html",
		"2024/01/28/new-season/index.html",
		"2023/12/30/before/index.html",
		"index.html",
		"page/2/index.html",
		"series/weeknotes/index.html",
		"tags/writing/index.html",
		"archive/index.html",
		"tags/index.html",
		"series/index.html",
		"404.html",
		"feed.xml",
		"sitemap.xml",
	}
	for _, p := range pages {
		f := res.Output.Files[p]
		if f == nil {
			t.Errorf("no output %s", p)
			continue
		}
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(p, "/", "_"))
		if *update {
			if err := os.WriteFile(golden, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(f.Data, want) {
			t.Errorf("%s differs from %s (run with -update after reviewing):\n%s", p, golden, firstDiff(string(want), string(f.Data)))
		}
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}
