package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// buildMemoryLimit is the default soft memory limit of a build. With the
// heap in huge pages (see adviseHugePages), whose last one counts whole
// however little of it is used, 180 MiB keeps a 5,000-post build's peak
// resident memory near 210 MiB, under the 250 MiB it is allowed; 200 MiB
// was no faster and peaked at up to 245 MiB.
const buildMemoryLimit = 180 << 20

// buildGCPercent is the default GOGC of a build under buildMemoryLimit.
const buildGCPercent = 400

const buildUsage = `Usage: weeknotes build [flags]

Renders the site into --dest. Every warning and error is printed as
file:line: message. A build with errors exits 1 and leaves --dest exactly as
it was; a successful build leaves exactly the new output there, rewriting
only files whose bytes changed.

Flags:
`

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newCommand("build", buildUsage)
	source := fl.String("source", ".", "the site's `DIR`: content/posts/ (or _posts/), templates/, static/, weeknotes.yaml")
	dest := fl.String("dest", "", "the `DIR` to write the site into (default <source>/site)")
	drafts := fl.Bool("drafts", false, "include drafts, undated posts and posts with published: false")
	future := fl.Bool("future", false, "include posts dated in the future")
	baseURL := fl.String("base-url", "", "`URL` to use instead of the configured url, e.g. https://example.org/blog")
	strict := fl.Bool("strict", false, "fail on warnings too")
	quiet := fl.Bool("quiet", false, "print errors only")
	noCache := fl.Bool("no-cache", false, "neither read nor write the highlighted-code cache in <source>/"+site.CacheDirName)
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the build to `FILE`, for go tool pprof")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return fl.usageError(stderr, "unexpected argument %q", rest[0])
	}
	if err := checkSource(*source); err != nil {
		return sourceError(fl, stderr, err)
	}
	if *dest == "" {
		*dest = filepath.Join(*source, "site")
	}
	heap := int64(buildMemoryLimit)
	if os.Getenv("GOMEMLIMIT") == "" {
		// A build keeps every post's rendered body until the feeds and lists
		// are done; by default Go would let garbage grow to twice that. A soft
		// limit keeps a 5,000-post build under 250 MiB for a little more GC
		// work; past it the runtime caps GC at half the CPU, so large sites
		// slow down rather than fail.
		debug.SetMemoryLimit(buildMemoryLimit)
		if os.Getenv("GOGC") == "" {
			// With the limit bounding the heap, collecting at every doubling
			// while it is still small only spends CPU: a 5,000-post build
			// takes 2-4% less time at the same peak memory.
			debug.SetGCPercent(buildGCPercent)
		}
	} else if limit := debug.SetMemoryLimit(-1); limit < heap {
		heap = limit
	}
	// The heap the limit allows, in few page faults.
	adviseHugePages(int(heap))
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "weeknotes build: %v\n", err)
			return exitFailure
		}
		defer stop()
	}
	start := time.Now()
	opts := site.Options{
		Source: *source, Theme: defaultTheme(), Drafts: *drafts, Future: *future,
		BaseURL: *baseURL, Strict: *strict, StreamTo: *dest,
	}
	if !*noCache {
		opts.CacheDir = filepath.Join(*source, site.CacheDirName)
	}
	b := site.NewBuilder(opts)
	res, err := b.Build(ctx, nil)
	var be *diag.BuildError
	if errors.As(err, &be) {
		printDiagnostics(stderr, be.Diagnostics, *quiet)
		errs, warns := diag.Count(be.Diagnostics)
		fmt.Fprintf(stderr, "build failed: %s, %s; %s left unchanged\n", plural(errs, "error"), plural(warns, "warning"), *dest)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(stderr, "weeknotes build: %v\n", err)
		return exitFailure
	}
	printDiagnostics(stderr, res.Diagnostics, *quiet)
	ws := res.Written
	if !*quiet {
		_, warns := diag.Count(res.Diagnostics)
		fmt.Fprintf(stdout, "built %s, %s, %s (%d written, %d removed) in %s with %s\n",
			plural(res.Stats.Posts, "post"), plural(res.Stats.Pages, "page"), plural(res.Stats.Files, "file"),
			ws.Written, ws.Removed, time.Since(start).Round(time.Millisecond), plural(warns, "warning"))
	}
	return exitOK
}

// printDiagnostics prints file:line: message lines; warnings say so, so
// that errors stand out.
func printDiagnostics(w io.Writer, ds []diag.Diagnostic, quiet bool) {
	for _, d := range ds {
		if d.Severity == diag.Warning {
			if quiet {
				continue
			}
			d.Message = "warning: " + d.Message
		}
		fmt.Fprintln(w, d.String())
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// startCPUProfile profiles the process into path until the returned
// function is called. A slow build is best explained by its profile.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// defaultTheme is the theme embedded in the binary: the weeknotes
// repository's own templates/ folder.
func defaultTheme() fs.FS {
	sub, err := fs.Sub(weeknotes.Theme, "templates")
	if err != nil {
		panic(err) // the embedded folder is fixed at compile time
	}
	return sub
}
