package content

import "testing"

// TestFnmatch checks Ruby's File.fnmatch rules, each twice: the second
// call takes the compiled pattern from the cache.
func TestFnmatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"*.psd", "art/cover.psd", true}, // * crosses "/", as in Ruby without flags
		{"*.psd", "cover.psd.txt", false},
		{"draft?.md", "draft1.md", true},
		{"draft?.md", "draft10.md", false},
		{"[ab]*.txt", "b-notes.txt", true},
		{"[ab]*.txt", "c-notes.txt", false},
		{"[unclosed", "[unclosed", true},
		{"README.md", "README.md", true},
		{"README.md", "docs/README.md", false},
	} {
		for range 2 {
			if got := fnmatch(tc.pattern, tc.name); got != tc.want {
				t.Errorf("fnmatch(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
			}
		}
	}
}
