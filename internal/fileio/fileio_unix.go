//go:build unix

package fileio

import (
	"io/fs"
	"os"
	"syscall"
)

// ReadFile reads the file at path, as os.ReadFile does, except that only
// regular files are read: a FIFO or a device is an error (ErrNotRegular)
// rather than a wait or an endless read.
func ReadFile(path string) ([]byte, error) {
	fd, err := openNonblock(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return readFD(fd, path)
}

// readFD reads the regular file open as fd, and closes it.
func readFD(fd int, path string) ([]byte, error) {
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		return nil, &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	default:
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	// One byte more than the file's size, so that a read that fills what
	// the size promised also shows whether the file has grown since.
	data := make([]byte, 0, max(st.Size, 0)+1)
	for {
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		data = data[:len(data)+n]
		if n == 0 || len(data) < cap(data) {
			// The end of the file: a regular file reads short only there.
			return data, nil
		}
		data = append(data, 0)[:len(data)] // grew: make room and read on
	}
}

// WriteFile writes data to the file at path, creating it with perm or
// truncating it, as os.WriteFile does.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	fd, err := open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, uint32(perm.Perm()))
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return writeFD(fd, path, data)
}

// CreateFile writes data to a new file at path, which must not exist yet
// (not even as a symbolic link, which is not followed).
func CreateFile(path string, data []byte, perm fs.FileMode) error {
	fd, err := open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_NOFOLLOW, uint32(perm.Perm()))
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return writeFD(fd, path, data)
}

func writeFD(fd int, path string, data []byte) error {
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: path, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

// OpenRegular opens the regular file at path for reading, without
// following a symbolic link at its last step and without waiting on a FIFO;
// anything but a regular file is an error (ErrNotRegular). Copies of static
// files go through it, so that a file swapped for a link or a pipe after
// the build looked at it is still refused.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	fd, err := open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if err == syscall.ELOOP {
			err = ErrNotRegular
		}
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return f, info, nil
}

func openNonblock(path string) (int, error) {
	return open(path, syscall.O_RDONLY|syscall.O_NONBLOCK, 0)
}

func open(path string, flags int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
