package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/weeknotes/weeknotes/internal/fileio"
)

// DefaultKeepFiles is Jekyll's keep_files when a site's configuration
// does not set it: a version-control folder in the output survives a build.
var DefaultKeepFiles = []string{".git", ".svn"}

// KeptBy returns the entry of keep (Jekyll's keep_files) that keeps the
// output path p, or "" when none does. As in Jekyll, an entry is a prefix
// of the path relative to the destination, as text: ".git" keeps ".git/",
// and ".github/" and ".gitignore" too. Empty entries keep nothing.
func KeptBy(p string, keep []string) string {
	for _, k := range keep {
		if k != "" && strings.HasPrefix(p, k) {
			return k
		}
	}
	return ""
}

// carryKept links every kept entry of the old tree (a file, a link or a
// whole folder) into the new tree, so that the switch leaves it in place.
// The old tree is only read: a build killed before the switch leaves it
// as it was, and the new tree's links go with the new tree. It runs just
// before the switch, so that what changed in a kept folder while the site
// was built (a git commit in site/.git) is carried too.
func (w *Writer) carryKept() error {
	for _, rel := range w.old.kept {
		if err := w.carry(rel); err != nil {
			return fmt.Errorf("keep %s (keep_files): %w", rel, err)
		}
	}
	return nil
}

// carry links the old tree's entry rel, and all under it, into the new
// tree, without following symbolic links.
func (w *Writer) carry(rel string) error {
	root := filepath.Join(w.pl.real, filepath.FromSlash(rel))
	if err := w.dirs.mkdirAll(filepath.Dir(filepath.Join(w.pl.newDir, filepath.FromSlash(rel)))); err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		sub, err := filepath.Rel(w.pl.real, p)
		if err != nil {
			return err
		}
		target := filepath.Join(w.pl.newDir, sub)
		if d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			if err := os.Mkdir(target, info.Mode().Perm()); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			return os.Chmod(target, info.Mode().Perm())
		}
		return linkKept(p, target, d)
	})
}

// linkKept hard-links one kept file (or the link itself, never what it
// points to), copying a regular file or remaking a symbolic link where the
// file system refuses a hard link.
func linkKept(p, target string, d fs.DirEntry) error {
	err := os.Link(p, target)
	if err == nil {
		return nil
	}
	switch {
	case d.Type()&fs.ModeSymlink != 0:
		to, rerr := os.Readlink(p)
		if rerr != nil {
			return rerr
		}
		return os.Symlink(to, target)
	case d.Type().IsRegular():
		data, rerr := fileio.ReadFile(p)
		if rerr != nil {
			return rerr
		}
		info, ierr := d.Info()
		if ierr != nil {
			return ierr
		}
		return fileio.CreateFile(target, data, info.Mode().Perm())
	}
	return err
}

// ErrKept is the error (wrapped) for a file the build would write at a
// path that keep_files keeps.
var ErrKept = errors.New("a path keep_files keeps")
