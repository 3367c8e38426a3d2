package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gocloud.dev/blob"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/fileio"
	"github.com/weeknotes/weeknotes/internal/output"
)

// RunOptions say what one publish does: the flags of "weeknotes publish".
type RunOptions struct {
	Source       string // the site's root, holding its configuration
	Dir          string // the built site; "" means <Source>/site
	URL          string // the target's URL; "" to take it from the configuration
	TargetName   string // a target named under publish: in the configuration
	DryRun       bool   // print the plan and change nothing
	MaxDeletes   int    // refuse to delete more objects than this; -1 for no limit, 0 to never delete
	ForceUnlock  bool   // take the target's lock even if another publish holds it
	Force        bool   // upload every file, changed or not
	Workers      int    // uploads at a time, at least 1
	ChangedPaths string // where to write the URL paths changed, one per line; "" for nowhere
	Invalidate   string // the CDN whose copies of the changed paths to invalidate, cloudfront://ID; "" for the target's cdn:
	Quiet        bool   // print errors only

	Stdout   io.Writer // the plan, the summary and what was done
	Stderr   io.Writer // warnings and progress
	Terminal bool      // Stderr is a terminal, where progress is redrawn in place
}

// UsageError is a mistake in what Run was asked to do (which target, how
// many workers), as opposed to a failure while doing it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// Run publishes a built site: it reads the site's configuration for the
// target and the header rules, plans the changes that bring the target in
// line with the site, and applies them, or with DryRun prints them. A
// *UsageError says the options were wrong; a *TooManyDeletesError that the
// delete guard stopped the publish before any change.
func Run(ctx context.Context, o RunOptions) error {
	switch {
	case o.URL != "" && o.TargetName != "":
		return usageErrorf("give a URL or --target, not both")
	case o.Workers < 1:
		return usageErrorf("--workers must be at least 1, got %d", o.Workers)
	case o.MaxDeletes < -1:
		return usageErrorf("--max-deletes must be a count, or -1 for no limit; got %d", o.MaxDeletes)
	}
	cfg, err := config.Load(fileio.DirFS(o.Source))
	if err != nil {
		return fmt.Errorf("read the configuration in %s: %w", o.Source, err)
	}
	rawURL, name, err := targetURL(cfg, o.URL, o.TargetName)
	if err != nil {
		return &UsageError{Err: err}
	}
	target, err := ParseTarget(rawURL)
	if err != nil {
		return &UsageError{Err: err}
	}
	cdn, err := targetCDN(cfg, o.Invalidate, name)
	if err != nil {
		return &UsageError{Err: err}
	}
	if o.Dir == "" {
		o.Dir = filepath.Join(o.Source, "site")
	}
	// A build killed while it switched folders is finished first, so that
	// the site published is a whole one.
	if err := output.Recover(o.Dir); err != nil {
		return err
	}
	if info, err := os.Stat(o.Dir); err != nil || !info.IsDir() {
		return fmt.Errorf("no built site in %s; run weeknotes build first, or point --dir at the built site", o.Dir)
	}
	bucket, err := target.Open(ctx)
	if err != nil {
		return err
	}
	defer bucket.Close()

	if name != "" {
		o.say("Publishing %s to %s (target %s)", o.Dir, target, name)
	} else {
		o.say("Publishing %s to %s", o.Dir, target)
	}
	work := ctx // the publish's own steps: they stop when the lock is lost
	if !o.DryRun {
		// Taken before planning: a plan made while another publish
		// changes the target would be out of date when applied.
		lock, err := AcquireLock(ctx, bucket, LockOptions{ForceUnlock: o.ForceUnlock, Warn: func(w string) {
			fmt.Fprintf(o.Stderr, "weeknotes publish: warning: %s\n", w)
		}})
		if err != nil {
			return err
		}
		defer func() {
			if err := lock.Release(context.WithoutCancel(ctx)); err != nil {
				fmt.Fprintf(o.Stderr, "weeknotes publish: warning: %v\n", err)
			}
		}()
		// Should another publish take the lock over meanwhile, this one
		// stops at its next upload or delete.
		var stop context.CancelFunc
		work, stop = lock.Guard(ctx)
		defer stop()
	}
	// Read through fileio.DirFS: a link in the site that leads outside it,
	// and anything but a regular file, is an error at its path, never
	// uploaded.
	plan, err := NewPlan(work, fileio.DirFS(o.Dir), bucket, PlanOptions{Rules: NewRules(cfg.Headers), Force: o.Force, Workers: o.Workers})
	if err != nil {
		return lockLost(work, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(o.Stderr, "weeknotes publish: warning: %s\n", w)
	}
	if o.DryRun {
		return o.dryRun(plan, target, cdn)
	}
	// What changed is invalidated even when the publish failed part way:
	// readers should not be served old copies of what did change.
	changed, err := o.apply(work, plan, bucket, target)
	err = lockLost(work, err)
	if ierr := o.invalidate(ctx, cdn, changed, target); ierr != nil {
		return errors.Join(err, ierr)
	}
	return err
}

// lockLost returns, for an err that ended a publish whose context work
// ended because its lock was taken over, the error that says so; any other
// err as it is.
func lockLost(work context.Context, err error) error {
	if cause := context.Cause(work); err != nil && errors.Is(cause, ErrLockLost) {
		return fmt.Errorf("stopped: %w; what this publish changed until then may be mixed with the other's, so publish again once that one is done", cause)
	}
	return err
}

// targetCDN is the CDN to invalidate: the one given, else the named
// target's cdn: setting; nil for none.
func targetCDN(cfg *config.Config, given, name string) (*CDN, error) {
	if given == "" {
		given = cfg.PublishCDN[name]
	}
	if given == "" {
		return nil, nil
	}
	return ParseCDN(given)
}

// invalidate asks the CDN to drop its copies of what the publish changed.
func (o *RunOptions) invalidate(ctx context.Context, cdn *CDN, changed []string, target Target) error {
	if cdn == nil {
		return nil
	}
	paths := URLPaths(changed, target.Prefix)
	if len(paths) == 0 {
		return nil
	}
	ids, err := cdn.Invalidate(ctx, paths)
	if err != nil {
		return fmt.Errorf("the site is published, but its CDN still serves the old copies: %w", err)
	}
	n := 0
	for _, b := range cdn.Plan(paths) {
		n += len(b)
	}
	o.say("Invalidated %d paths in %s (%s)", n, cdn, strings.Join(ids, ", "))
	return nil
}

// say prints one line to Stdout unless Quiet.
func (o *RunOptions) say(format string, a ...any) {
	if !o.Quiet {
		fmt.Fprintf(o.Stdout, format+"\n", a...)
	}
}

// dryRun prints the plan, warns when the delete guard would stop a real
// run, and writes the paths a real run would change.
func (o *RunOptions) dryRun(plan *Plan, target Target, cdn *CDN) error {
	// --max-deletes 0 keeps what left the site: show the plan a real run
	// carries out, not deletes, invalidations and changed paths it never makes.
	kept := 0
	if o.MaxDeletes == 0 && len(plan.Deletes) > 0 {
		trimmed := *plan
		kept, trimmed.Deletes = len(plan.Deletes), nil
		plan = &trimmed
	}
	if err := plan.Write(o.Stdout); err != nil {
		return err
	}
	if cdn != nil {
		for i, batch := range cdn.Plan(URLPaths(plan.Changes(), target.Prefix)) {
			fmt.Fprintf(o.Stdout, "would invalidate in %s (request %d, %d paths):\n", cdn, i+1, len(batch))
			for _, p := range batch {
				fmt.Fprintf(o.Stdout, "  %s\n", p)
			}
		}
	}
	if err := plan.CheckDeletes(o.MaxDeletes); err != nil {
		fmt.Fprintf(o.Stderr, "weeknotes publish: warning: a real run would stop here: %s\n", DeletesAdvice(err))
	}
	if err := writeChangedPaths(o.ChangedPaths, plan.Changes(), target.Prefix); err != nil {
		return err
	}
	if kept > 0 {
		o.say("%s no longer in the site would be kept (--max-deletes 0).", FormatCount(kept))
	}
	o.say("Dry run: nothing was changed.")
	return nil
}

// apply makes the planned changes, showing progress, says what it did, and
// returns the keys it changed.
func (o *RunOptions) apply(ctx context.Context, plan *Plan, bucket *blob.Bucket, target Target) ([]string, error) {
	o.say("Plan: %s", plan.Summary())
	opts := ApplyOptions{Workers: o.Workers, MaxDeletes: o.MaxDeletes}
	if !o.Quiet && (len(plan.Uploads) > 0 || len(plan.Deletes) > 0) {
		opts.Progress = NewProgressPrinter(o.Stderr, o.Terminal).Update
	}
	report, applyErr := plan.Apply(ctx, bucket, opts)
	if err := writeChangedPaths(o.ChangedPaths, report.Changed, target.Prefix); err != nil {
		applyErr = errors.Join(applyErr, err)
	}
	if report.StateErr != nil {
		fmt.Fprintf(o.Stderr, "weeknotes publish: warning: %v (the site is published; the next publish reads each object's metadata instead)\n", report.StateErr)
	}
	var tooMany *TooManyDeletesError
	switch {
	case errors.As(applyErr, &tooMany):
		return nil, tooMany
	case applyErr != nil:
		if report.Uploaded+report.Deleted > 0 {
			o.say("Published in part: %s", report.Summary())
		}
		return report.Changed, applyErr
	case len(report.Changed) > 0 || report.Kept > 0:
		o.say("Published: %s", report.Summary())
	default:
		o.say("Nothing to publish.")
	}
	return report.Changed, nil
}

// targetURL picks the target: the URL given, the named target, or the
// configuration's only target. name is "" unless the URL came from the
// configuration.
func targetURL(cfg *config.Config, rawURL, targetName string) (url, name string, err error) {
	if rawURL != "" {
		return rawURL, "", nil
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

// DeletesAdvice says plainly how many objects would go and how to allow
// it, for the delete guard; other errors it returns as they are.
func DeletesAdvice(err error) string {
	var tooMany *TooManyDeletesError
	if !errors.As(err, &tooMany) {
		return err.Error()
	}
	return fmt.Sprintf("%v (--max-deletes %d). Nothing was changed. Check that the target and --dir are the right ones; to allow it, run again with --max-deletes %d, or -1 for no limit.",
		tooMany, tooMany.Max, tooMany.Deletes)
}

// writeChangedPaths writes the URL paths of keys to file, one per line; it
// does nothing when file is "".
func writeChangedPaths(file string, keys []string, prefix string) error {
	if file == "" {
		return nil
	}
	var b strings.Builder
	for _, p := range URLPaths(keys, prefix) {
		b.WriteString(p + "\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write the changed paths: %w", err)
	}
	return nil
}
