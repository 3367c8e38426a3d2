package output

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// listDir lists a folder's entries, in no particular order, with open,
// getdents and close alone: package os adds an fstat and a file object
// for each of the old tree's thousands of folders, and ReadDir sorts.
// The folder is opened without following a link.
func listDir(dir string) ([]dirEntry, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	var out []dirEntry
	buf := make([]byte, 8<<10)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		if out, err = parseDirents(dir, buf[:n], out); err != nil {
			return nil, err
		}
	}
}

// parseDirents adds the entries of a getdents64 buffer (struct
// linux_dirent64: inode, offset, record length, type, name) to out.
func parseDirents(dir string, b []byte, out []dirEntry) ([]dirEntry, error) {
	for len(b) > 0 {
		if len(b) < 19 {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: unix.EIO}
		}
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < 19 || reclen > len(b) {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: unix.EIO}
		}
		typ, name := b[18], b[19:reclen]
		if i := indexZero(name); i >= 0 {
			name = name[:i]
		}
		b = b[reclen:]
		if string(name) == "." || string(name) == ".." {
			continue
		}
		e := dirEntry{name: string(name)}
		switch typ {
		case unix.DT_REG:
		case unix.DT_DIR:
			e.kind = fs.ModeDir
		case unix.DT_LNK:
			e.kind = fs.ModeSymlink
		case unix.DT_FIFO:
			e.kind = fs.ModeNamedPipe
		case unix.DT_SOCK:
			e.kind = fs.ModeSocket
		case unix.DT_CHR:
			e.kind = fs.ModeDevice | fs.ModeCharDevice
		case unix.DT_BLK:
			e.kind = fs.ModeDevice
		case unix.DT_UNKNOWN:
			// Some file systems do not say: ask.
			info, err := os.Lstat(filepath.Join(dir, e.name))
			if err != nil {
				return nil, err
			}
			e.kind = info.Mode().Type()
		default:
			e.kind = fs.ModeIrregular
		}
		out = append(out, e)
	}
	return out, nil
}

func indexZero(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}
