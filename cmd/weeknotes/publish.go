package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
the bucket; nothing outside it is read or touched. Flags may come before or
after the URL.

With a CDN in front of the bucket, --invalidate cloudfront://DISTRIBUTION_ID
(or cdn: beside the target's url: in weeknotes.yaml) invalidates exactly the
paths that changed once they are published; past CloudFront's 1,000 free
paths a month, folder wildcards (/2024/*) stand for them. For other CDNs,
purge the paths --changed-paths writes.

Exit status: 0 when published (or nothing changed), 1 when publishing failed,
2 for a usage error.

Flags:
`

// runPublish is "weeknotes publish": it parses the flags and hands them to
// publish.Run.
func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newCommand("publish", publishUsage)
	o := publish.RunOptions{Stdout: stdout, Stderr: stderr, Terminal: isTerminal(stderr)}
	fl.StringVar(&o.Source, "source", ".", "the site's root `DIR`, holding weeknotes.yaml")
	fl.StringVar(&o.Dir, "dir", "", "the built site's `DIR` (default <source>/site)")
	fl.StringVar(&o.TargetName, "target", "", "publish to the target called `NAME` in weeknotes.yaml")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print every planned change and change nothing")
	fl.IntVar(&o.MaxDeletes, "max-deletes", publish.DefaultMaxDeletes, "refuse to run if more than `N` objects would be deleted; -1 for no limit, 0 to never delete")
	fl.BoolVar(&o.ForceUnlock, "force-unlock", false, "take the target's lock although another publish holds it (after a killed publish)")
	fl.BoolVar(&o.Force, "force", false, "upload every file, changed or not")
	fl.IntVar(&o.Workers, "workers", publish.DefaultWorkers, "`N` uploads at a time")
	fl.StringVar(&o.ChangedPaths, "changed-paths", "", "write the URL paths uploaded or deleted to `FILE`, one per line and sorted, e.g. for a CDN purge")
	fl.StringVar(&o.Invalidate, "invalidate", "", "invalidate the changed paths in the CDN at `URL`, cloudfront://DISTRIBUTION_ID (default the target's cdn: setting)")
	fl.BoolVar(&o.Quiet, "quiet", false, "print errors only")
	positional, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(positional) > 1 {
		return fl.usageError(stderr, "one target URL at most, got %d: %s", len(positional), strings.Join(positional, " "))
	}
	if len(positional) == 1 {
		o.URL = positional[0]
	}
	err := publish.Run(ctx, o)
	var usageErr *publish.UsageError
	var tooMany *publish.TooManyDeletesError
	var build *diag.BuildError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usageErr):
		return fl.usageError(stderr, "%v", err)
	case errors.As(err, &tooMany):
		fmt.Fprintf(stderr, "weeknotes publish: %s\n", publish.DeletesAdvice(tooMany))
	case errors.As(err, &build):
		for _, d := range build.Diagnostics {
			fmt.Fprintln(stderr, d)
		}
	default:
		fmt.Fprintf(stderr, "weeknotes publish: %v\n", err)
	}
	return exitFailure
}

// isTerminal reports whether w is a terminal, where progress can be
// redrawn in place rather than written line by line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
