package fileio

import (
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// noOpenat2 is set once the kernel (or a sandbox's system call filter)
// turns openat2 down; resolve then checks every name.
var noOpenat2 atomic.Bool

// openFD opens name inside d with one openat2 call where the kernel can:
// RESOLVE_BENEATH makes the kernel itself refuse any step out of the folder,
// so the check costs nothing. What it refuses is looked at again by resolve,
// which allows absolute links that lead back inside. FIFOs open without
// waiting for a writer (O_NONBLOCK), to be refused by the caller.
func (d *dirFS) openFD(name string) (int, error) {
	d.init()
	if d.root != nil && !noOpenat2.Load() {
		how := unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
		}
		for {
			fd, err := unix.Openat2(int(d.root.Fd()), name, &how)
			switch {
			case err == unix.EINTR || err == unix.EAGAIN:
				continue
			case err == nil:
				return fd, nil
			case errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM):
				noOpenat2.Store(true)
			case !errors.Is(err, unix.EXDEV) && !errors.Is(err, unix.ELOOP):
				return -1, err
			}
			break
		}
	}
	real, err := d.resolve(name)
	if err != nil {
		return -1, err
	}
	return openNonblock(real)
}

func (d *dirFS) openFile(name string) (*os.File, error) {
	fd, err := d.openFD(name)
	if err != nil {
		return nil, err
	}
	// Named with its full path: the entries its ReadDir returns stat
	// themselves by that name.
	return os.NewFile(uintptr(fd), filepath.Join(d.dir, filepath.FromSlash(name))), nil
}

func (d *dirFS) readFile(name string) ([]byte, error) {
	fd, err := d.openFD(name)
	if err != nil {
		return nil, err
	}
	return readFD(fd, name)
}
