package output

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestListDir holds listDir to package os's listing of a folder with an
// entry of every kind.
func TestListDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
	os.Symlink("file", filepath.Join(dir, "link"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Log("no FIFO here:", err)
	}
	for i := range 300 { // more than one read of the folder
		os.WriteFile(filepath.Join(dir, strings.Repeat("n", 100)+string(rune('a'+i%26))+string(rune('a'+i/26))), nil, 0o644)
	}
	got, err := listDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := listDirPortable(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmp := func(a, b dirEntry) int { return strings.Compare(a.name, b.name) }
	slices.SortFunc(got, cmp)
	slices.SortFunc(want, cmp)
	if len(got) != len(want) {
		t.Errorf("listDir gave %d entries, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("entry %d is %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := listDir(filepath.Join(dir, "link")); err == nil {
		t.Error("listed a folder through a link")
	}
	if _, err := listDir(filepath.Join(dir, "none")); !os.IsNotExist(err) {
		t.Errorf("a missing folder: %v", err)
	}
}
