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

// newStaging prepares the new tree; with linkOld, the previous output's
// files are linked into it at once (see output.Options.LinkOld).
func (b *Builder) newStaging(linkOld bool) (*staging, error) {
	w, err := output.NewWriter(b.opts.StreamTo, output.Options{Inputs: b.inputs(), KeepFiles: b.cfg.KeepFiles, LinkOld: linkOld})
	if err != nil {
		return nil, err
	}
	return &staging{w: w}, nil
}

// earlyStaging is a staging prepared in the background: reading the old
// tree, and with a saved state that vouches for it, linking its files
// into the new one, while the posts are loaded and the pages listed.
type earlyStaging struct {
	done chan struct{}
	s    *staging
	err  error
}

// startStaging begins preparing the staging of a streamed full build as
// soon as the configuration is known. Where the saved state's output
// folder is the destination, with its marker, the build is expected to
// keep most files, which are linked in at once.
func (b *Builder) startStaging(r *run) {
	if b.opts.StreamTo == "" || r.early != nil || r.stage != nil {
		return
	}
	linkOld := false
	if w := b.warm; w != nil {
		dest := b.destAbs()
		linkOld = dest != "" && dest == w.state.Dest && markerHash(dest) == w.state.Marker
	}
	e := &earlyStaging{done: make(chan struct{})}
	r.early = e
	go func() {
		defer close(e.done)
		e.s, e.err = b.newStaging(linkOld)
	}()
}

// take waits for the staging.
func (e *earlyStaging) take() (*staging, error) {
	<-e.done
	return e.s, e.err
}

// staging returns the build's staging: the one started early, or a new one.
func (b *Builder) staging(r *run) (*staging, error) {
	if e := r.early; e != nil {
		r.early = nil
		return e.take()
	}
	return b.newStaging(false)
}

// put queues one file; see output.Writer.PutRecorded: old, when not nil,
// is the output folder's file at p as the saved state records it.
func (s *staging) put(p string, data []byte, release func(), old *File) *File {
	return s.w.PutRecorded(p, data, release, old)
}

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
