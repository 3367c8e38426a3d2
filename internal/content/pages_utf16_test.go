package content

import (
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/weeknotes/weeknotes/internal/config"
)

// TestPageUTF16 reads a page saved as UTF-16 with a byte order mark as a
// post is read: decoded, not published garbled.
func TestPageUTF16(t *testing.T) {
	text := "---\ntitle: Café\n---\nNaïve.\n"
	src := []byte{0xff, 0xfe} // UTF-16LE
	for _, u := range utf16.Encode([]rune(text)) {
		src = append(src, byte(u), byte(u>>8))
	}
	fsys := fstest.MapFS{"content/pages/now.md": {Data: src}}
	cfg, err := config.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	pages, _, ds := LoadPages(fsys, cfg, nil)
	if len(pages) != 1 {
		t.Fatalf("pages = %d, diagnostics %v", len(pages), ds)
	}
	if pages[0].Title != "Café" || string(pages[0].Body) != "Naïve.\n" {
		t.Errorf("page = %q, %q; want Café, Naïve.", pages[0].Title, pages[0].Body)
	}
}
