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
package fileio

import (
	"io/fs"
	"os"
	"path/filepath"
)

// DirFS is os.DirFS(dir) with ReadFile from this package. Builds read
// the site through it.
func DirFS(dir string) fs.FS {
	// os.DirFS's result has these methods since Go 1.21 (go.mod asks for more).
	return dirFS{root: os.DirFS(dir).(rootFS), dir: dir}
}

// rootFS is what os.DirFS implements.
type rootFS interface {
	fs.StatFS
	fs.ReadDirFS
	fs.ReadFileFS
}

type dirFS struct {
	root rootFS
	dir  string
}

// Open implements fs.FS.
func (d dirFS) Open(name string) (fs.File, error) { return d.root.Open(name) }

// Stat implements fs.StatFS.
func (d dirFS) Stat(name string) (fs.FileInfo, error) { return d.root.Stat(name) }

// ReadDir implements fs.ReadDirFS.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) { return d.root.ReadDir(name) }

// ReadFile implements fs.ReadFileFS.
func (d dirFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		// os.DirFS's own checks and messages, for names it refuses.
		return d.root.ReadFile(name)
	}
	data, err := ReadFile(filepath.Join(d.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: underlying(err)}
	}
	return data, nil
}

func underlying(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
