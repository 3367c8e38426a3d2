package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errNoExchange means the system cannot swap two folders in one step.
var errNoExchange = errors.New("no atomic exchange")

// swap puts the new tree in place of the destination and returns where
// the old tree is now, marked, for removeOld; "" when there was none.
func (pl *place) swap(exists bool) (string, error) {
	if !exists {
		if err := moveNew(pl.newDir, pl.real); err != nil {
			return "", fmt.Errorf("move the new site into %s: %w", pl.dest, err)
		}
		return "", nil
	}
	err := exchange(pl.newDir, pl.real)
	if errors.Is(err, errNoExchange) {
		return pl.swapInTwo()
	}
	if err != nil {
		return "", fmt.Errorf("switch %s to the new site: %w", pl.dest, err)
	}
	// newDir holds the old site now. A failure to remove it changes
	// nothing for the site; the next run removes what is left. An old
	// tree of kept entries alone had no marker: it gets one first, so that
	// the next run knows it may remove it if this one stops here.
	markOld(pl.newDir)
	return pl.newDir, nil
}

// swapInTwo moves the old tree aside and the new one in. A run stopped
// between the two leaves no destination, and the next run's recover puts
// the old tree back.
func (pl *place) swapInTwo() (string, error) {
	if err := os.Rename(pl.real, pl.oldDir); err != nil {
		return "", fmt.Errorf("move the previous site aside: %w", err)
	}
	if err := os.Rename(pl.newDir, pl.real); err != nil {
		if rerr := os.Rename(pl.oldDir, pl.real); rerr != nil {
			return "", fmt.Errorf("move the new site into %s: %w; the previous site is in %s", pl.dest, err, pl.oldDir)
		}
		return "", fmt.Errorf("move the new site into %s: %w", pl.dest, err)
	}
	markOld(pl.oldDir)
	return pl.oldDir, nil
}

// markOld gives a switched-out old tree a marker when it has none (a
// destination of kept entries alone), so that a run stopped while
// removing it leaves a folder the next run may remove. Its kept entries
// are hard links of those in the new site, which removing it leaves.
func markOld(dir string) {
	if _, err := os.Lstat(filepath.Join(dir, MarkerFile)); errors.Is(err, fs.ErrNotExist) {
		_ = os.WriteFile(filepath.Join(dir, MarkerFile), []byte(markerHead), 0o644)
	}
}

// renameNew renames a to b after checking that b does not exist (a folder
// renamed over an empty folder would replace it).
func renameNew(a, b string) error {
	if _, err := os.Lstat(b); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s appeared while the site was built: %w", b, fs.ErrExist)
	}
	return os.Rename(a, b)
}
