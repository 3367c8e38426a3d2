package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/weeknotes/weeknotes"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/output"
	"github.com/weeknotes/weeknotes/internal/site"
)

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
	noCache := fl.Bool("no-cache", false, "neither read nor write <source>/"+site.CacheDirName+": the highlighted-code cache and the build state, with which a build renders only what changed since the last")
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
	// What a killed build left beside the destination goes first, even
	// when this build finds nothing to write.
	if err := output.Recover(*dest); err != nil {
		fmt.Fprintf(stderr, "weeknotes build: %v\n", err)
		return exitFailure
	}
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
	// Memory follows the site (see memory.go), and the huge pages advised
	// let the heap it allows grow in few page faults. A build with the
	// cache measures the site as it scans its inputs, first thing; until
	// then its heap is small.
	if *noCache {
		adviseHugePages(int(setBuildMemory(*source, *dest)))
	} else {
		opts.CacheDir = filepath.Join(*source, site.CacheDirName)
		opts.SourceSize = func(n int64) { adviseHugePages(int(applyBuildMemory(n))) }
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
	if res.StateNote != "" && !*quiet {
		// Once: the build after this one saves a state it can use.
		fmt.Fprintf(stderr, "note: %s\n", res.StateNote)
	}
	ws := res.Written
	if !*quiet {
		_, warns := diag.Count(res.Diagnostics)
		fmt.Fprintf(stdout, "built %s, %s, %s (%d rendered, %d written, %d removed) in %s with %s\n",
			plural(res.Stats.Posts, "post"), plural(res.Stats.Pages, "page"), plural(res.Stats.Files, "file"),
			res.Stats.Rendered, ws.Written, ws.Removed, time.Since(start).Round(time.Millisecond), plural(warns, "warning"))
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
