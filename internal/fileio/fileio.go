// Package fileio reads and writes whole files for the build, which reads
// every post and writes every page: thousands of small files a build.
//
// Package os registers every file it opens with the runtime's network
// poller, which on Linux costs four fcntl calls and a failing epoll_ctl per
// file on top of open, read or write, and close; os.ReadFile also reads
// once more to see the end of the file. For a 5,000-post site that is over
// 50,000 system calls that do nothing for a regular file, and system calls
// are dear on the virtual machines that builds often run on. On Unix this
// package makes only the calls the job needs; elsewhere it uses package os.
//
// The site is read through DirFS, which is contained: a name that leads
// outside the site's folder, through ".." or through a symbolic link, is
// refused with ErrOutside, and only regular files (and folders) are opened,
// never a FIFO, device or socket, so that no input can make a build read
// /etc/passwd or wait forever on a pipe. Symbolic links that stay inside the
// folder work.
package fileio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ErrOutside is the error (wrapped in an *fs.PathError) for a name that
// resolves outside the folder it is read from.
var ErrOutside = errors.New("a symbolic link leads outside the site's folder")

// ErrNotRegular is the error (wrapped in an *fs.PathError) for a FIFO,
// device, socket or other file that is neither a regular file nor a folder.
var ErrNotRegular = errors.New("not a regular file (a FIFO, device or socket); only regular files are read")

// DirFS returns the files under dir. It implements fs.StatFS, fs.ReadDirFS
// and fs.ReadFileFS, and every method refuses names that resolve outside dir
// (ErrOutside) and files that are not regular files or folders
// (ErrNotRegular). Builds read the site through it.
func DirFS(dir string) fs.FS {
	return &dirFS{dir: dir}
}

type dirFS struct {
	dir string

	once     sync.Once
	root     *os.File // dir, opened once, for openat2 where the kernel has it
	realRoot string   // dir with every symbolic link resolved, for the portable check
	rootErr  error
}

// Open implements fs.FS.
func (d *dirFS) Open(name string) (fs.File, error) {
	f, info, err := d.open("open", name)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() && !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	return f, nil
}

// Stat implements fs.StatFS.
func (d *dirFS) Stat(name string) (fs.FileInfo, error) {
	f, info, err := d.open("stat", name)
	if err != nil {
		return nil, err
	}
	f.Close()
	return info, nil
}

// ReadDir implements fs.ReadDirFS.
func (d *dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, info, err := d.open("readdir", name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	if err != nil {
		return entries, &fs.PathError{Op: "readdir", Path: name, Err: underlying(err)}
	}
	return entries, nil
}

// ReadFile implements fs.ReadFileFS.
func (d *dirFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	data, err := d.readFile(name)
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: underlying(err)}
	}
	return data, nil
}

// open opens name, contained in d, without blocking on a FIFO, and stats it.
func (d *dirFS) open(op, name string) (*os.File, fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	f, err := d.openFile(name)
	if err != nil {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: underlying(err)}
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: underlying(err)}
	}
	return f, info, nil
}

// init opens the root folder once, for the life of the FS.
func (d *dirFS) init() {
	d.once.Do(func() {
		d.realRoot, d.rootErr = filepath.EvalSymlinks(d.dir)
		if d.rootErr == nil {
			d.root, _ = os.Open(d.realRoot) // nil (no openat2) is fine: resolve then checks every name
		}
	})
}

// resolve is the portable containment check: it resolves every symbolic
// link in name and returns the path it leads to, if that is inside the
// folder. It also serves the names openat2 refuses that are fine: an
// absolute symbolic link to a file of the site.
func (d *dirFS) resolve(name string) (string, error) {
	d.init()
	if d.rootErr != nil {
		return "", d.rootErr
	}
	real, err := filepath.EvalSymlinks(filepath.Join(d.realRoot, filepath.FromSlash(name)))
	if err != nil {
		return "", err
	}
	if !Within(d.realRoot, real) {
		return "", fmt.Errorf("%w (it leads to %s)", ErrOutside, real)
	}
	return real, nil
}

// Within reports whether path p is root or inside it. Both must be clean
// and absolute (or both relative to the same folder).
func Within(root, p string) bool {
	if p == root {
		return true
	}
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return strings.HasPrefix(p, root)
}

func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
