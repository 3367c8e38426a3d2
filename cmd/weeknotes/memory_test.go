package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestMemoryLimitFor(t *testing.T) {
	for _, tc := range []struct {
		source, want int64 // want in MiB
	}{
		{0, 64},
		{-1, 64},
		{10 << 20, 64},   // small sites get the floor
		{36 << 20, 167},  // about 5,000 posts
		{145 << 20, 614}, // about 20,000 posts
		{1 << 30, 4218},
	} {
		if got := memoryLimitFor(tc.source) >> 20; got != tc.want {
			t.Errorf("memoryLimitFor(%d) = %d MiB, want %d MiB", tc.source, got, tc.want)
		}
	}
}

func TestSourceBytes(t *testing.T) {
	dir := t.TempDir()
	post := strings.Repeat("p", 1000)
	writeTree(t, dir, map[string]string{
		"content/posts/2024-01-05-one.md":  post,
		"content/posts/2024-01-06-two.md":  post,
		"_posts/2024-01-07-three.markdown": post,
		"templates/post.html":              strings.Repeat("t", 100),  // read, but small and not kept
		"static/photo.jpg":                 strings.Repeat("x", 5000), // copied, never held
		"content/posts/2024-01-05-one.md~": post,                      // an editor's leftover
		".git/objects/readme.md":           post,
		".weeknotes-cache/x.md":            post,
		"node_modules/pkg/README.md":       post, // another tool's packages
		"vendor/lib/README.md":             post,
		"site/notes/readme.md":             post, // the previous output, with a copied file
		"elsewhere/readme.md":              post,
	})
	for _, tc := range []struct {
		name string
		skip []string
		want int64
	}{
		{"output in site/", []string{filepath.Join(dir, "site")}, 4000},
		{"output elsewhere", []string{filepath.Join(dir, "elsewhere")}, 4000},
		{"nothing skipped", nil, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sourceBytes(dir, tc.skip...); got != tc.want {
				t.Errorf("sourceBytes = %d, want %d", got, tc.want)
			}
		})
	}
	if got := sourceBytes(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("sourceBytes of a missing folder = %d, want 0", got)
	}
}
