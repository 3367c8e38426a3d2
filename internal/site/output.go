package site

import (
	"context"
	"path/filepath"

	"github.com/weeknotes/weeknotes/internal/output"
)

// MarkerFile is written at the root of every output folder; see
// output.MarkerFile.
const MarkerFile = output.MarkerFile

// WriteStats count what writing the output did.
type WriteStats = output.Stats

// WriteDir makes dest hold exactly out; see output.WriteDir. It knows no
// inputs to keep clear of: builds write through Options.StreamTo, which does.
func WriteDir(ctx context.Context, out *Output, dest string) (WriteStats, error) {
	return output.WriteDir(ctx, out, dest, output.Options{})
}

// jekyllInputs are the folders of a Jekyll site that a build may read
// besides the configured ones, which no destination may overlap.
var jekyllInputs = []string{"_layouts", "_includes", "_data", "_sass", "_plugins"}

// inputs are the site's folders and files a build reads, on disk.
func (b *Builder) inputs() []string {
	cfg := b.cfg
	rel := []string{cfg.PostsDir, cfg.DraftsDir, cfg.TemplatesDir, cfg.StaticDir, cfg.PagesDir, cfg.IncludesDir, cfg.File, CacheDirName}
	rel = append(rel, jekyllInputs...)
	var out []string
	for _, r := range rel {
		if r != "" {
			out = append(out, filepath.Join(b.opts.Source, filepath.FromSlash(r)))
		}
	}
	return out
}

// staging writes a build's pages into a new tree beside the destination
// while the build runs, so that a large site never has to sit in memory
// whole, and switches it into place only once the build has succeeded.
type staging struct{ w *output.Writer }

func (b *Builder) newStaging() (*staging, error) {
	w, err := output.NewWriter(b.opts.StreamTo, output.Options{Inputs: b.inputs(), KeepFiles: b.cfg.KeepFiles})
	if err != nil {
		return nil, err
	}
	return &staging{w: w}, nil
}

// put queues one file; see output.Writer.Put.
func (s *staging) put(p string, data []byte, release func()) *File { return s.w.Put(p, data, release) }

// commit writes the rest of out and switches the new tree into place; the
// old tree is removed in the background until wait.
func (s *staging) commit(ctx context.Context, out *Output) (WriteStats, error) {
	return s.w.Switch(ctx, out)
}

// wait waits until the old tree is removed.
func (s *staging) wait() { s.w.Wait() }

// keep links files of the previous output that are known to be unchanged
// into the new tree, and returns those it could not.
func (s *staging) keep(ctx context.Context, paths []string) []string { return s.w.Keep(ctx, paths) }

// abort removes the new tree unless it was committed.
func (s *staging) abort() { s.w.Abort() }
