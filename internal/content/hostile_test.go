package content

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestHostileFiles parses the posts in testdata/hostile: files in other
// encodings, with bytes YAML refuses, or with front matter that never ends.
// Each is read as meant, or fails with one error at the line at fault.
func TestHostileFiles(t *testing.T) {
	tests := []struct {
		file  string
		title string   // when it parses
		body  string   // when it parses
		diags []string // "severity line: message"
	}{
		{file: "utf16le.md", title: "Café notes", body: "Written on Windows: naïve “quotes”.\n"},
		{file: "utf16be.md", title: "Café notes", body: "Written on Windows: naïve “quotes”.\n"},
		{file: "utf16-odd-length.md", diags: []string{"error 6: the file starts with a UTF-16 byte order mark but ends in half a character; save it as UTF-8"}},
		{file: "utf16-lone-surrogate.md", diags: []string{"error 5: the file starts with a UTF-16 byte order mark but holds an unpaired surrogate on this line; save it as UTF-8"}},
		{file: "json-never-closed.md", diags: []string{`error 1: front matter opened with "{" is never closed: add a "}" line followed by a blank line after its last key`}},
		{file: "nul-in-front-matter.md", diags: []string{"error 2: front matter: invalid YAML: control characters are not allowed"}},
		{file: "invalid-utf8-in-front-matter.md", diags: []string{
			"warning 3: invalid UTF-8 on this line; save the file as UTF-8",
			"error 3: front matter: invalid YAML: incomplete UTF-8 octet sequence",
		}},
		{file: "alias-bomb.md", diags: []string{`error 9: front matter: invalid YAML: document contains excessive aliasing: the value of "g" repeats its aliases into more than 5380840 values`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "hostile", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p, ds := Parse("content/posts/2020-01-01-"+tt.file, "content/posts", src, time.UTC)
			var got []string
			for _, d := range ds {
				if d.File != "content/posts/2020-01-01-"+tt.file {
					t.Errorf("diagnostic for %s", d.File)
				}
				got = append(got, fmt.Sprintf("%s %d: %s", d.Severity, d.Line, d.Message))
			}
			if !slices.Equal(got, tt.diags) {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, tt.diags)
			}
			if tt.diags == nil && (p.Title != tt.title || string(p.Body) != tt.body) {
				t.Errorf("title %q body %q, want %q %q", p.Title, p.Body, tt.title, tt.body)
			}
		})
	}
}
