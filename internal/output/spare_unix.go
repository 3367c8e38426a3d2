//go:build unix

package output

import (
	"errors"
	"os"
	"syscall"
)

// spareSupported says that markers can be told apart here (readMarkerID).
const spareSupported = true

// readMarkerID identifies the marker at p.
func readMarkerID(p string) (markerID, error) {
	info, err := os.Lstat(p)
	if err != nil {
		return markerID{}, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || !info.Mode().IsRegular() {
		return markerID{}, errors.New("not a regular file")
	}
	return markerID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: info.Size(), mtime: info.ModTime().UnixNano()}, nil
}
