// Package output writes a built site into its destination folder, and
// nowhere else.
//
// A Writer builds the new site beside the old one, in a hidden sibling
// folder on the same file system (".site.weeknotes-new" for "site"): files
// whose bytes are already right are hard-linked from the old tree, the
// others written as new files. Only when every file is in place does it
// switch the two folders with one atomic rename (renameat2 with
// RENAME_EXCHANGE on Linux; two renames elsewhere). The old tree is then
// kept as the spare, which the next Writer patches into its new tree
// rather than making one from nothing (see spare.go); where it cannot be,
// it is removed. A build that fails, or is killed, at any moment before
// the switch leaves the destination exactly as it was; after it, exactly
// the new site. Every Writer first removes what an interrupted run left
// behind.
//
// The guarantees, each checked before the first byte is written:
//   - every output path is a clean relative path (CheckPath): nothing is
//     ever written outside the destination, whatever a permalink says;
//   - the destination is not, does not contain and is not inside any of
//     the site's inputs (CheckDest);
//   - the destination holds only files that a previous build recorded
//     writing, in the MarkerFile at its root: anything else is left alone
//     and the build refused, so that a copied marker cannot make weeknotes
//     delete someone's work; what Options.KeepFiles keeps (a .git folder)
//     is hard-linked into the new tree, never removed nor written into;
//   - copied files are regular files, opened without following a link, and
//     copied up to the size they had when opened (a FIFO or a device is an
//     error, never a hang or an endless file).
package output

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// MarkerFile is written at the root of every output folder. It lists every
// file the build wrote there; only those files are ever removed by a later
// build, and a folder with files but without it is never written into.
const MarkerFile = ".weeknotes-output"

// markerHead is the marker's first line; the written paths follow, one a
// line, after a line "files:". A marker of an older version has no list:
// every regular file in its folder then counts as recorded.
const markerHead = "written by weeknotes build; files not in the build are removed on the next build\n"

// File is one file of the output.
type File struct {
	Data   []byte // the bytes, for rendered files; nil for copied files
	Source string // for copied static files: the file on disk to copy; "" for rendered files
	Size   int64  // length in bytes
	Hash   uint64 // content hash, to compare outputs without their bytes
}

// Output is a whole built site: slash paths (e.g. "2021/01/10/x/index.html",
// "feed.xml") to files. It is never modified after a build returns it, so the
// preview server can keep serving one while the next is built.
type Output struct {
	Files map[string]*File
}

// Stats count what a write did.
type Stats struct {
	Written   int // files created or changed
	Unchanged int // files whose bytes were already right
	Removed   int // files of the previous build no longer in the site
}

// ErrPath is the error (wrapped) for an output path that is not a clean
// relative path inside the destination.
var ErrPath = errors.New("not a path inside the destination")

// CheckPath returns an error wrapping ErrPath unless p is a path the site may
// write: slash-separated and relative, with no empty, "." or ".." segment,
// no backslash, NUL or line break, valid UTF-8, and not the marker file. Every file
// goes through it before it is written, whatever produced its path.
func CheckPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("output path %q: %s: %w", p, why, ErrPath) }
	switch {
	case p == "":
		return bad("empty")
	case !utf8.ValidString(p):
		return bad("not valid UTF-8")
	case strings.ContainsAny(p, "\\\x00\n\r"):
		return bad("has a backslash, a NUL or a line break")
	case strings.HasPrefix(p, "/"):
		return bad("absolute")
	case p == MarkerFile:
		return bad("the name of the output marker")
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "":
			return bad("has an empty segment")
		case ".", "..":
			return bad("has a " + seg + " segment")
		}
	}
	if path.Clean(p) != p {
		return bad("not clean")
	}
	return nil
}

// CheckURLPath checks the path part of a page's URL, as a permalink makes
// it ("/2021/01/10/x/", "/feed.xml"): after the leading slash it may not
// hold "." or ".." segments, backslashes or NULs.
func CheckURLPath(u string) error {
	if strings.ContainsAny(u, "\\\x00") {
		return fmt.Errorf("URL %q has a backslash or a NUL: %w", u, ErrPath)
	}
	for seg := range strings.SplitSeq(u, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("URL %q has a %q segment, which would lead outside the site: %w", u, seg, ErrPath)
		}
	}
	return nil
}
