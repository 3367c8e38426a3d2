//go:build !linux

package fileio

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// openFile opens name inside d after resolve has checked where it leads.
func (d *dirFS) openFile(name string) (*os.File, error) {
	real, err := d.resolve(name)
	if err != nil {
		return nil, err
	}
	return openNoWait(real)
}

func (d *dirFS) readFile(name string) ([]byte, error) {
	f, err := d.openFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		if info.IsDir() {
			return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
		}
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrNotRegular}
	}
	return io.ReadAll(f)
}
