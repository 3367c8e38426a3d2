//go:build unix && !linux

package fileio

import "os"

// openNoWait opens path for reading without waiting on a FIFO.
func openNoWait(path string) (*os.File, error) {
	fd, err := openNonblock(path)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}
