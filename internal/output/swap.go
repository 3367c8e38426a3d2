package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// errNoExchange means the system cannot swap two folders in one step.
var errNoExchange = errors.New("no atomic exchange")

// swap puts the new tree in place of the destination and removes the old.
func (pl *place) swap(exists bool) error {
	if !exists {
		if err := moveNew(pl.newDir, pl.real); err != nil {
			return fmt.Errorf("move the new site into %s: %w", pl.dest, err)
		}
		return nil
	}
	err := exchange(pl.newDir, pl.real)
	if errors.Is(err, errNoExchange) {
		return pl.swapInTwo()
	}
	if err != nil {
		return fmt.Errorf("switch %s to the new site: %w", pl.dest, err)
	}
	// newDir holds the old site now. A failure to remove it changes
	// nothing for the site; the next run removes what is left.
	removeTree(pl.newDir)
	return nil
}

// swapInTwo moves the old tree aside and the new one in. A run stopped
// between the two leaves no destination, and the next run's recover puts
// the old tree back.
func (pl *place) swapInTwo() error {
	if err := os.Rename(pl.real, pl.oldDir); err != nil {
		return fmt.Errorf("move the previous site aside: %w", err)
	}
	if err := os.Rename(pl.newDir, pl.real); err != nil {
		if rerr := os.Rename(pl.oldDir, pl.real); rerr != nil {
			return fmt.Errorf("move the new site into %s: %w; the previous site is in %s", pl.dest, err, pl.oldDir)
		}
		return fmt.Errorf("move the new site into %s: %w", pl.dest, err)
	}
	removeTree(pl.oldDir)
	return nil
}

// renameNew renames a to b after checking that b does not exist (a folder
// renamed over an empty folder would replace it).
func renameNew(a, b string) error {
	if _, err := os.Lstat(b); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s appeared while the site was built: %w", b, fs.ErrExist)
	}
	return os.Rename(a, b)
}
