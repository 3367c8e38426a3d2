package fileio

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestReadFileSizes(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 1 << 20} {
		data := bytes.Repeat([]byte("weeknotes\n"), size/10+1)[:size]
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("ReadFile of %d bytes = %d bytes, %v", size, len(got), err)
		}
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		path string
		want error
	}{
		{filepath.Join(dir, "missing.md"), fs.ErrNotExist},
		{dir, nil}, // a folder: an error, as os.ReadFile gives
	} {
		_, err := ReadFile(tt.path)
		_, osErr := os.ReadFile(tt.path)
		if err == nil || (osErr == nil) != (err == nil) {
			t.Errorf("ReadFile(%s) = %v; os.ReadFile gives %v", tt.path, err, osErr)
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("ReadFile(%s) = %v, want %v", tt.path, err, tt.want)
		}
	}
}

func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "index.html")
	for _, data := range [][]byte{[]byte("a longer first version"), []byte("short")} {
		if err := WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("after WriteFile(%q) the file holds %q, %v", data, got, err)
		}
	}
	info, err := os.Stat(p)
	if err != nil || info.Mode().Perm()&0o600 != 0o600 {
		t.Errorf("mode %v, %v; want readable and writable by its owner", info.Mode(), err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "folder"), nil, 0o644); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteFile into a missing folder = %v, want not exist", err)
	}
}

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content", "posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "posts", "2021-01-10-a.md"), []byte("# A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := DirFS(dir)
	if err := fstest.TestFS(fsys, "content/posts/2021-01-10-a.md"); err != nil {
		t.Fatal(err)
	}
	_, err := fs.ReadFile(fsys, "content/posts/missing.md")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "content/posts/missing.md" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v; want a PathError naming the path relative to the site", err)
	}
	if _, err := fs.ReadFile(fsys, "../outside"); err == nil {
		t.Error("read a path outside the folder")
	}
}
