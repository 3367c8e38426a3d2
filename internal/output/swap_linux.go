package output

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// exchange swaps the folders a and b in one step.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return errNoExchange // a file system or kernel without it
	}
	if errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("%s is a mount point or in use, and weeknotes replaces the output folder whole; write into a folder inside it: %w", b, err)
	}
	return err
}

// moveNew moves the folder a to b, which must not exist.
func moveNew(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return renameNew(a, b)
	}
	return err
}
