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
// measured on generated corpora, the live heap is about 20 MiB plus 2.2
// times the bytes of the sources (84 MiB for 5,000 posts and 36 MiB of
// Markdown, 309 MiB for 20,000 posts and 145 MiB). The collector's work is
// the number of collections times the live heap, and the number is the
// garbage made over the room left above the live heap. So that room grows
// with the site as the live heap does, at 1.9 times the sources: then a site
// four times the size is collected as often, and costs four times as much,
// not more. With a fixed 64 MiB of the room given on top instead, the room
// was relatively larger on small sites, and 20,000 posts took 4.3-4.8 times
// the CPU of 5,000 (a fixed 180 MiB limit: 8-9 times).
const (
	memoryFixed     = 20 << 20 // the binary, the theme, caches and the runtime's own needs
	memoryPerSource = 4.1      // bytes of heap allowed per byte of source: 2.2 live, 1.9 of room
	memoryFloor     = 64 << 20 // the least limit, for small sites: a limit below what the runtime needs makes it collect without end
)

// buildGCPercent is a build's GOGC: with the limit bounding the heap,
// collecting at every doubling while it is still small only spends CPU (a
// 5,000-post build took 2-4% less time at the same peak memory).
const buildGCPercent = 400

// memoryLimitFor is the soft memory limit of a build whose sources hold
// sourceBytes bytes.
func memoryLimitFor(sourceBytes int64) int64 {
	return max(memoryFloor, memoryFixed+int64(memoryPerSource*float64(max(sourceBytes, 0))))
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
			// content.
			if p != absRoot && (content.NeverContent(d.Name()) || skipped[p]) {
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
	return applyBuildMemory(sourceBytes(source, dest))
}

// applyBuildMemory is setBuildMemory for a site whose sources hold
// sourceBytes bytes. A build with the cache lists its inputs first thing,
// and passes their size here (site.Options.SourceSize): listing the site
// twice took 20 ms of a 200 ms edit build at 5,000 posts.
func applyBuildMemory(sourceBytes int64) int64 {
	budget := memoryLimitFor(sourceBytes)
	if os.Getenv("GOMEMLIMIT") != "" {
		return min(budget, debug.SetMemoryLimit(-1))
	}
	debug.SetMemoryLimit(budget)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	return budget
}
