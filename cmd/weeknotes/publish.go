package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/publish"
)

const publishUsage = `Usage: weeknotes publish [flags] [URL]

Uploads the built site to object storage, changing only what changed: files
are compared by content hash and by the headers they should be served with,
never by date. Assets go up first, then posts, then the pages that list
them, then feeds and the sitemap; deletes come last, so that readers never
see a page whose links lead nowhere.

The target is a URL, or --target NAME for one named under publish: in
weeknotes.yaml (when there is only one, it is used without --target):

  s3://bucket?region=eu-west-2     Amazon S3 (AWS_ACCESS_KEY_ID and
                                   AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)
  s3://bucket?endpoint=https://host&use_path_style=true
                                   an S3-compatible service
  gs://bucket                      Google Cloud Storage
                                   (GOOGLE_APPLICATION_CREDENTIALS)
  azblob://container               Azure Blob Storage (AZURE_STORAGE_ACCOUNT
                                   with AZURE_STORAGE_KEY or a login)
  file:///srv/www                  a folder on this machine

Add ?prefix=blog/ (or a path, s3://bucket/blog/) to publish into one folder of
the bucket; nothing outside it is read or touched.

Flags:
  --source DIR          the site's root, holding weeknotes.yaml (default ".")
  --dir DIR             the built site (default <source>/site)
  --target NAME         publish to a target named in weeknotes.yaml
  --dry-run             print every planned change and change nothing
  --max-deletes N       refuse to run if more than N objects would be
                        deleted; -1 for no limit (default 256)
  --force               upload every file, changed or not
  --workers N           uploads at a time (default 8)
  --changed-paths FILE  write the URL paths uploaded or deleted, one per line
                        and sorted, e.g. for a CDN purge
  --quiet               print errors only

Exit status: 0 when published (or nothing changed), 1 when publishing failed,
2 for a usage error.
`

// runPublish is "weeknotes publish": it plans the changes that bring the
// target in line with the built site and applies them, or prints them with
// --dry-run.
func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("publish", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // errors are printed below, with the usage hint
	source := flags.String("source", ".", "")
	dir := flags.String("dir", "", "")
	targetName := flags.String("target", "", "")
	dryRun := flags.Bool("dry-run", false, "")
	maxDeletes := flags.Int("max-deletes", publish.DefaultMaxDeletes, "")
	force := flags.Bool("force", false, "")
	workers := flags.Int("workers", publish.DefaultWorkers, "")
	changedPaths := flags.String("changed-paths", "", "")
	quiet := flags.Bool("quiet", false, "")

	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "weeknotes publish: "+format+"\nRun 'weeknotes publish --help' for usage.\n", a...)
		return exitUsage
	}
	// Flags may come before or after the URL.
	var positional []string
	for rest := args; ; {
		if err := flags.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, publishUsage)
				return exitOK
			}
			return usageError("%v", err)
		}
		rest = flags.Args()
		if len(rest) == 0 {
			break
		}
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	switch {
	case len(positional) > 1:
		return usageError("one target URL at most, got %d: %s", len(positional), strings.Join(positional, " "))
	case len(positional) == 1 && *targetName != "":
		return usageError("give a URL or --target, not both")
	case *workers < 1:
		return usageError("--workers must be at least 1, got %d", *workers)
	case *maxDeletes < -1:
		return usageError("--max-deletes must be a count, or -1 for no limit; got %d", *maxDeletes)
	}

	cfg, err := config.Load(os.DirFS(*source))
	if err != nil {
		return publishFailed(stderr, fmt.Errorf("read the configuration in %s: %w", *source, err))
	}
	rawURL, name, err := publishTargetURL(cfg, positional, *targetName)
	if err != nil {
		return usageError("%v", err)
	}
	target, err := publish.ParseTarget(rawURL)
	if err != nil {
		return usageError("%v", err)
	}
	rules, err := publish.CompileRules(cfg.Headers, cfg.File)
	if err != nil {
		return publishFailed(stderr, err)
	}
	siteDir := *dir
	if siteDir == "" {
		siteDir = filepath.Join(*source, "site")
	}
	if info, err := os.Stat(siteDir); err != nil || !info.IsDir() {
		return publishFailed(stderr, fmt.Errorf("no built site in %s; run weeknotes build first, or point --dir at the built site", siteDir))
	}

	bucket, err := target.Open(ctx)
	if err != nil {
		return publishFailed(stderr, err)
	}
	defer bucket.Close()

	say := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(stdout, format+"\n", a...)
		}
	}
	if name != "" {
		say("Publishing %s to %s (target %s)", siteDir, target, name)
	} else {
		say("Publishing %s to %s", siteDir, target)
	}
	plan, err := publish.NewPlan(ctx, os.DirFS(siteDir), bucket, publish.PlanOptions{
		Rules: rules, Force: *force, Workers: *workers,
	})
	if err != nil {
		return publishFailed(stderr, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(stderr, "weeknotes publish: warning: %s\n", w)
	}

	if *dryRun {
		if err := plan.Write(stdout); err != nil {
			return publishFailed(stderr, err)
		}
		if err := plan.CheckDeletes(*maxDeletes); err != nil {
			fmt.Fprintf(stderr, "weeknotes publish: warning: a real run would stop here: %s\n", publishDeletesAdvice(err))
		}
		if err := publishWriteChangedPaths(*changedPaths, plan.Changes(), target.Prefix); err != nil {
			return publishFailed(stderr, err)
		}
		say("Dry run: nothing was changed.")
		return exitOK
	}

	say("Plan: %s", plan.Summary())
	var printer *publish.ProgressPrinter
	if !*quiet && (len(plan.Uploads) > 0 || len(plan.Deletes) > 0) {
		printer = publish.NewProgressPrinter(stderr, publishIsTerminal(stderr))
	}
	opts := publish.ApplyOptions{Workers: *workers, MaxDeletes: *maxDeletes}
	if printer != nil {
		opts.Progress = printer.Update
	}
	report, applyErr := plan.Apply(ctx, bucket, opts)
	if err := publishWriteChangedPaths(*changedPaths, report.Changed, target.Prefix); err != nil {
		applyErr = errors.Join(applyErr, err)
	}
	if report.StateErr != nil {
		fmt.Fprintf(stderr, "weeknotes publish: warning: %v (the site is published; the next publish reads each object's metadata instead)\n", report.StateErr)
	}
	if applyErr != nil {
		var tooMany *publish.TooManyDeletesError
		if errors.As(applyErr, &tooMany) {
			fmt.Fprintf(stderr, "weeknotes publish: %s\n", publishDeletesAdvice(tooMany))
			return exitFailure
		}
		if report.Uploaded+report.Deleted > 0 {
			say("Published in part: %s", report.Summary())
		}
		return publishFailed(stderr, applyErr)
	}
	if len(report.Changed) > 0 {
		say("Published: %s", report.Summary())
	} else {
		say("Nothing to publish.")
	}
	return exitOK
}

// publishTargetURL picks the target: the URL given, the named target, or
// the configuration's only target. name is "" unless the URL came from the
// configuration.
func publishTargetURL(cfg *config.Config, positional []string, targetName string) (rawURL, name string, err error) {
	if len(positional) == 1 {
		return positional[0], "", nil
	}
	names := make([]string, 0, len(cfg.Publish))
	for n := range cfg.Publish {
		names = append(names, n)
	}
	sort.Strings(names)
	configFile := cfg.File
	if configFile == "" {
		configFile = config.FileNames[0]
	}
	switch {
	case targetName != "":
		if u, ok := cfg.Publish[targetName]; ok {
			return u, targetName, nil
		}
		if len(names) == 0 {
			return "", "", fmt.Errorf("no target named %q: %s names no publish targets", targetName, configFile)
		}
		return "", "", fmt.Errorf("no target named %q in %s; it names %s", targetName, configFile, strings.Join(names, ", "))
	case len(names) == 1:
		return cfg.Publish[names[0]], names[0], nil
	case len(names) == 0:
		return "", "", fmt.Errorf("no target: give a URL such as s3://bucket?region=eu-west-2, or name one under publish: in %s", configFile)
	}
	return "", "", fmt.Errorf("%s names several targets (%s); choose one with --target", configFile, strings.Join(names, ", "))
}

// publishDeletesAdvice says plainly how many objects would go and how to
// allow it, for the delete guard.
func publishDeletesAdvice(err error) string {
	var tooMany *publish.TooManyDeletesError
	if !errors.As(err, &tooMany) {
		return err.Error()
	}
	return fmt.Sprintf("%v (--max-deletes %d). Nothing was changed. Check that the target and --dir are the right ones; to allow it, run again with --max-deletes %d, or -1 for no limit.",
		tooMany, tooMany.Max, tooMany.Deletes)
}

// publishWriteChangedPaths writes the URL paths of keys to file, one per
// line; it does nothing when file is "".
func publishWriteChangedPaths(file string, keys []string, prefix string) error {
	if file == "" {
		return nil
	}
	var b strings.Builder
	for _, p := range publish.URLPaths(keys, prefix) {
		b.WriteString(p + "\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write the changed paths: %w", err)
	}
	return nil
}

// publishFailed prints err, each of the author's diagnostics on a line of
// its own, and returns the failure exit status.
func publishFailed(stderr io.Writer, err error) int {
	var build *diag.BuildError
	if errors.As(err, &build) {
		for _, d := range build.Diagnostics {
			fmt.Fprintln(stderr, d)
		}
		return exitFailure
	}
	fmt.Fprintf(stderr, "weeknotes publish: %v\n", err)
	return exitFailure
}

// publishIsTerminal reports whether w is a terminal, where progress can be
// redrawn in place rather than written line by line.
func publishIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
