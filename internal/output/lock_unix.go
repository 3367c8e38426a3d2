//go:build unix

package output

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on the folder dir, which holds the
// destination and its hidden siblings, so that two builds into one place
// never mix their trees. It refuses at once rather than wait. The lock goes
// with the process, however it ends. Two builds into sibling folders wait
// for each other too: a lock file of the destination's own would outlive
// every build beside the author's site, and the destination itself is
// swapped out from under any lock on it.
func lock(dir, dest string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock the folder of %s: %w", dest, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			break
		}
	}
	if errors.Is(err, unix.EWOULDBLOCK) {
		f.Close()
		// The lock is the folder's: name both, since a build into a folder
		// beside the destination holds it too.
		return nil, fmt.Errorf("another weeknotes build is writing into %s or a folder beside it in %s; wait for it to finish: %w", dest, dir, ErrDest)
	}
	if err != nil {
		// A file system without locks (some network ones): go on unlocked.
		return func() { f.Close() }, nil
	}
	return func() { f.Close() }, nil // closing the last descriptor releases the lock
}
