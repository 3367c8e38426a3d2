// Package site is the site model and the build: it loads posts, resolves
// links between them, orders series, renders every page through the
// templates in parallel, and writes the output. A Builder keeps what it
// rendered so that the preview server can rebuild incrementally.
package site

import (
	"io/fs"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/output"
)

// Options say what to build.
type Options struct {
	Source  string    // the site's root folder on disk
	Theme   fs.FS     // the default theme: templates/ of the weeknotes repository, embedded in the binary
	Drafts  bool      // include drafts and posts with published: false
	Future  bool      // include posts dated after Now
	BaseURL string    // overrides the configured url (scheme and host, with an optional path) when not ""
	Now     time.Time // the build time, for leaving out future posts; zero means time.Now()
	Strict  bool      // warnings fail the build
	Preview bool      // marks the build as a preview (SiteData.Drafts), e.g. for badges on drafts

	// StreamTo, when set, makes Build write the site into this folder as it
	// renders instead of keeping pages in memory: the pages go into a new
	// tree beside the folder, which replaces it in one step only when the
	// whole build succeeded (see package output). The returned Output then has no Data; its files' Source
	// names the written file. For one-shot builds of large sites.
	StreamTo string

	// CacheDir, when set, is where builds keep highlighted code and the
	// build state between runs, usually <Source>/.weeknotes-cache: with
	// it, the first build of a run renders only what changed since the
	// last successful full build. "" keeps everything in memory only.
	CacheDir string

	// SavePages, with CacheDir and without StreamTo, keeps the rendered
	// pages in the build state too, since such a build has no output
	// folder to take them from in the next run: the preview saves them,
	// for Builder.SavedPages to serve at once when nothing has changed.
	SavePages bool

	// SourceSize, when set, is called once by the first Build that scans
	// the inputs (which it does with CacheDir), as soon as they are
	// listed, with the bytes of the site's Markdown and HTML sources: the
	// command line sets its memory limit from them without listing the
	// site a second time.
	SourceSize func(bytes int64)
}

// File is one file of the output.
type File = output.File

// Output is a whole built site: slash paths (e.g. "2021/01/10/x/index.html",
// "feed.xml") to files. It is never modified after a build returns it, so the
// preview server can keep serving one while the next is built.
type Output = output.Output

// Stats summarise a build for the one-line report.
type Stats struct {
	Posts    int           // posts in the site
	Drafts   int           // drafts left out (or, in previews, shown)
	Pages    int           // rendered pages
	Files    int           // output files in all, including copies
	Rendered int           // pages actually rendered this time (fewer in incremental builds)
	Bodies   int           // post bodies rendered this time (the others were kept, or taken from the saved state)
	Duration time.Duration // wall time of the build
}

// Result is what a successful build produced.
type Result struct {
	Output      *Output
	Diagnostics []diag.Diagnostic // warnings (and, with errors, returned in *diag.BuildError instead)
	Stats       Stats
	Changed     []string   // output paths added, changed or removed since the previous build of this Builder, sorted
	Written     WriteStats // with Options.StreamTo: what was written to disk

	// NoChange is set when the saved build state showed that no input
	// changed and the output folder is still the one written: nothing was
	// rendered or written.
	NoChange bool
	// StateNote says why the saved build state (see Options.CacheDir) was
	// not used, or could not be saved; "" when it was, or there was none.
	// Print it once: the build itself is complete either way.
	StateNote string
}
