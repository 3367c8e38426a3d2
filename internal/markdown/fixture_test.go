package markdown

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // the fixture's images are PNGs
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureSite is the repository's own small site (testdata/README.md).
const fixtureSite = "../../testdata/site"

// fixtureImages knows the images in the fixture site's static/images folder, with
// their real sizes, as the site's lookup would.
func fixtureImages(t *testing.T) func(string) ImageInfo {
	t.Helper()
	dir := filepath.Join(fixtureSite, "static", "images")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]ImageInfo{}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		known["/static/images/"+e.Name()] = ImageInfo{Local: true, Found: true, Width: cfg.Width, Height: cfg.Height}
	}
	if len(known) != 2 {
		t.Fatalf("fixture site has %d images, want the 2 PNGs", len(known))
	}
	return func(src string) ImageInfo {
		if !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") {
			return ImageInfo{}
		}
		if info, ok := known[src]; ok {
			return info
		}
		return ImageInfo{Local: true}
	}
}

// splitFrontMatter returns the body after a "---" front matter block and the
// file line on which the body starts.
func splitFrontMatter(t *testing.T, source []byte) ([]byte, int) {
	t.Helper()
	lines := bytes.SplitAfter(source, []byte("\n"))
	if len(lines) == 0 || string(bytes.TrimSpace(lines[0])) != "---" {
		t.Fatal("no front matter")
	}
	for i := 1; i < len(lines); i++ {
		if string(bytes.TrimSpace(lines[i])) == "---" {
			return bytes.Join(lines[i+1:], nil), i + 2
		}
	}
	t.Fatal("front matter not closed")
	return nil, 0
}

func TestFixturePostImages(t *testing.T) {
	const file = "content/posts/2023-03-12-the-kettle-broke.md"
	source, err := os.ReadFile(filepath.Join(fixtureSite, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	body, firstLine := splitFrontMatter(t, source)
	if firstLine != 7 {
		t.Fatalf("body starts on line %d, want 7", firstLine)
	}
	image := fixtureImages(t)

	out, ds := New(Options{Image: image}).Render(Input{File: file, Source: body, FirstLine: firstLine})

	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	want := []string{
		file + ":51: image has no alt text",
		file + ":78: image not found: /static/images/canal-at-dusk.jpg",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n got %q\nwant %q", got, want)
	}

	board := image("/static/images/whiteboard.png")
	wantImg := `src="/static/images/whiteboard.png" alt="A whiteboard covered in boxes and arrows`
	wantSize := fmt.Sprintf(`width="%d" height="%d" loading="lazy" decoding="async">`, board.Width, board.Height)
	i := strings.Index(out.HTML, wantImg)
	if i < 0 {
		t.Fatalf("HTML has no %s", wantImg)
	}
	if end := strings.IndexByte(out.HTML[i:], '>'); !strings.Contains(out.HTML[i:i+end+1], wantSize) {
		t.Errorf("whiteboard image %s lacks %s", out.HTML[i:i+end+1], wantSize)
	}

	if !strings.Contains(out.HTML, `<h2 id="away-from-work">Away from work <a class="anchor" href="#away-from-work" aria-label="Anchor link for: away-from-work">#</a></h2>`) {
		t.Error("HTML lacks the anchored Away from work heading")
	}
	if !strings.HasPrefix(out.Text, "This week I spent far too long arguing with a spreadsheet and not long enough") {
		t.Errorf("Text = %q", out.Text)
	}
	if out.WordCount < 400 {
		t.Errorf("WordCount = %d, implausibly low for the post", out.WordCount)
	}
}
