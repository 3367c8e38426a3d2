package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/weeknotes/weeknotes/internal/config"
)

// notASiteError is checkSource's error when the folder given as the site is
// missing or holds no site: a mistake on the command line (exit 2) that
// build, serve and new must not paper over by creating folders.
type notASiteError struct{ msg string }

func (e *notASiteError) Error() string { return e.msg }

func notASite(format string, a ...any) error {
	return &notASiteError{fmt.Sprintf(format, a...)}
}

// checkSource reports whether dir is a site: a folder holding a
// configuration file or a posts folder. Its error says how to start one.
func checkSource(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return notASite("%s does not exist; to start a site there, run: weeknotes init %s", dir, shellQuote(dir))
	case err != nil:
		return err
	case !info.IsDir():
		return notASite("%s is a file, not a site's folder", dir)
	}
	fsys := os.DirFS(dir)
	for _, name := range config.FileNames {
		if _, err := fs.Stat(fsys, name); err == nil {
			return nil
		}
	}
	for _, posts := range []string{"content/posts", "_posts"} {
		if info, err := fs.Stat(fsys, posts); err == nil && info.IsDir() {
			return nil
		}
	}
	hint := "weeknotes init"
	if abs, err := filepath.Abs(dir); err != nil || !sameDir(abs, ".") {
		hint += " " + shellQuote(dir)
	}
	return notASite("%s holds neither weeknotes.yaml (or a Jekyll _config.yml) nor content/posts/ (or _posts/); to start a site there, run: %s", dir, hint)
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// sourceError prints a checkSource error: exit 2 when the folder is not a
// site, 1 when it could not be looked at.
func sourceError(cmd *command, stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "weeknotes %s: %v\n", cmd.name, err)
	var nas *notASiteError
	if errors.As(err, &nas) {
		return exitUsage
	}
	return exitFailure
}
