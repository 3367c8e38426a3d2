//go:build unix

package fileio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// hostileTree makes a site folder with links and special files of every
// kind next to a secret file outside it, and returns the site folder.
func hostileTree(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	site := filepath.Join(base, "site")
	outside := filepath.Join(base, "outside")
	for _, dir := range []string{filepath.Join(site, "posts", "sub"), outside} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, text string) {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(site, "posts", "a.md"), "inside")
	write(filepath.Join(outside, "secret.txt"), "secret")
	links := map[string]string{
		"posts/rel-inside.md":   "a.md",
		"posts/abs-inside.md":   filepath.Join(site, "posts", "a.md"),
		"posts/up-inside.md":    "../posts/a.md",
		"posts/rel-outside.md":  "../../outside/secret.txt",
		"posts/abs-outside.md":  filepath.Join(outside, "secret.txt"),
		"posts/dir-outside":     outside,
		"posts/sub/dir-inside":  "..",
		"posts/zero.md":         "/dev/zero",
		"posts/dangling.md":     "nowhere.md",
		"posts/loop.md":         "loop.md",
		"posts/sub/chain.md":    "../rel-outside.md",
		"posts/sub/chain-in.md": "../rel-inside.md",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(site, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(site, "posts", "fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	return site
}

func TestDirFSContained(t *testing.T) {
	for _, portable := range []bool{false, true} {
		name := "openat2"
		if portable {
			name = "portable"
		}
		t.Run(name, func(t *testing.T) {
			if portable {
				was := noOpenat2.Load()
				noOpenat2.Store(true)
				t.Cleanup(func() { noOpenat2.Store(was) })
			}
			fsys := DirFS(hostileTree(t))
			for _, tt := range []struct {
				name string
				want error // nil: reads "inside"
			}{
				{"posts/a.md", nil},
				{"posts/rel-inside.md", nil},
				{"posts/abs-inside.md", nil},
				{"posts/up-inside.md", nil},
				{"posts/sub/dir-inside/a.md", nil},
				{"posts/sub/chain-in.md", nil},
				{"posts/rel-outside.md", ErrOutside},
				{"posts/abs-outside.md", ErrOutside},
				{"posts/dir-outside/secret.txt", ErrOutside},
				{"posts/sub/chain.md", ErrOutside},
				{"posts/zero.md", ErrOutside},
				{"posts/fifo.md", ErrNotRegular},
				{"posts/dangling.md", fs.ErrNotExist},
				{"../outside/secret.txt", fs.ErrInvalid},
			} {
				data, err := fs.ReadFile(fsys, tt.name)
				switch {
				case tt.want == nil && (err != nil || string(data) != "inside"):
					t.Errorf("ReadFile(%s) = %q, %v; want the file inside", tt.name, data, err)
				case tt.want != nil && !errors.Is(err, tt.want):
					t.Errorf("ReadFile(%s) = %q, %v; want %v", tt.name, data, err, tt.want)
				}
				if tt.want == ErrOutside || tt.want == ErrNotRegular {
					if f, err := fsys.Open(tt.name); err == nil {
						f.Close()
						t.Errorf("Open(%s) succeeded", tt.name)
					}
				}
			}
			if _, err := fs.ReadFile(fsys, "posts/loop.md"); err == nil {
				t.Error("read a link to itself")
			}
			if _, err := fs.Stat(fsys, "posts/dir-outside"); !errors.Is(err, ErrOutside) {
				t.Errorf("Stat of a link to a folder outside = %v, want ErrOutside", err)
			}
			if _, err := fs.ReadDir(fsys, "posts/dir-outside"); !errors.Is(err, ErrOutside) {
				t.Errorf("ReadDir of a link to a folder outside = %v, want ErrOutside", err)
			}
			entries, err := fs.ReadDir(fsys, "posts/sub/dir-inside")
			if err != nil || len(entries) == 0 {
				t.Errorf("ReadDir through a link inside = %d entries, %v", len(entries), err)
			}
			// A FIFO is listed and can be stat'ed (so that walkers can name it)
			// but never opened for reading.
			info, err := fs.Stat(fsys, "posts/fifo.md")
			if err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("Stat(fifo) = %v, %v", info, err)
			}
		})
	}
}

func TestReadFileRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/zero", "/dev/null"} {
		if _, err := ReadFile(p); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadFile(%s) = %v, want ErrNotRegular", p, err)
		}
		if f, _, err := OpenRegular(p); !errors.Is(err, ErrNotRegular) {
			if f != nil {
				f.Close()
			}
			t.Errorf("OpenRegular(%s) = %v, want ErrNotRegular", p, err)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink("/etc/hostname", link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenRegular(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("OpenRegular followed a symbolic link: %v", err)
	}
}

func FuzzDirFSNames(f *testing.F) {
	site := hostileTree(f)
	fsys := DirFS(site)
	for _, s := range []string{"posts/a.md", "../x", "posts/../../outside/secret.txt", "/etc/passwd", "posts/dir-outside/secret.txt", "posts//a.md", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		data, err := fs.ReadFile(fsys, name)
		if err == nil && string(data) == "secret" {
			t.Fatalf("ReadFile(%q) read the file outside the site", name)
		}
	})
}
