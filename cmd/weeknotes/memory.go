package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/weeknotes/weeknotes/internal/content"
)

// What a build's memory follows. A build keeps every post's rendered body
// (its HTML, excerpt and plain text) until the lists and feeds are done:
// measured on generated corpora, the live heap is 2.1-2.3 times the bytes
// of the sources (84 MiB for 5,000 posts and 36 MiB of Markdown, 309 MiB
// for 20,000 posts and 145 MiB). A soft limit of three times the sources
// leaves the garbage collector room in proportion to the site: with a
// fixed 180 MiB a 20,000-post build collected continuously and took 8-9
// times as long as a 5,000-post one; with this limit it takes 4.1 times
// the CPU.
const (
	memoryBase      = 64 << 20 // the binary, the theme, caches and the runtime's own needs
	memoryPerSource = 3        // bytes of heap allowed per byte of source
)

// buildGCPercent is a build's GOGC: with the limit bounding the heap,
// collecting at every doubling while it is still small only spends CPU (a
// 5,000-post build took 2-4% less time at the same peak memory).
const buildGCPercent = 400

// memoryLimitFor is the soft memory limit of a build whose sources hold
// sourceBytes bytes.
func memoryLimitFor(sourceBytes int64) int64 {
	return memoryBase + memoryPerSource*max(sourceBytes, 0)
}

// sourceBytes adds up the sizes of the Markdown files under root, wherever
// they are: what a build renders and keeps. It leaves out hidden
// folders (.git, the cache) and the folders named in skip (the output).
// Static files are copied, never held, and templates are small, so they
// do not count.
func sourceBytes(root string, skip ...string) int64 {
	skipped := make(map[string]bool, len(skip))
	for _, s := range skip {
		if abs, err := filepath.Abs(s); err == nil {
			skipped[abs] = true
		}
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return 0
	}
	var total int64
	_ = filepath.WalkDir(absRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts are the build's to report
		}
		if d.IsDir() {
			// Hidden folders and other tools' packages are never read as
			// content (content leaves out node_modules and vendor too).
			if p != absRoot && (d.Name()[0] == '.' || d.Name() == "node_modules" || d.Name() == "vendor" || skipped[p]) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && content.IsSource(d.Name()) {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// setBuildMemory sets the build's soft memory limit and GOGC from the size
// of the site at source, unless GOMEMLIMIT (or GOGC) says otherwise, and
// returns the heap the build is expected to use: the limit, or the site's
// budget where GOMEMLIMIT allows more.
func setBuildMemory(source, dest string) int64 {
	budget := memoryLimitFor(sourceBytes(source, dest))
	if os.Getenv("GOMEMLIMIT") != "" {
		return min(budget, debug.SetMemoryLimit(-1))
	}
	debug.SetMemoryLimit(budget)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	return budget
}
