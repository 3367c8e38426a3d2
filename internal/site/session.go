package site

import (
	"io/fs"
	"maps"
	"path/filepath"
	"strings"
)

// The preview's state at the end of a session. Only full builds scan the
// inputs and save the state; the preview's rebuilds after each edit render
// what the edit affects without either, so its next start would find the
// edited posts changed and could not serve its saved pages at once. With
// Options.SavePages the Builder therefore follows the inputs from the
// full build's scan on: each rebuild fingerprints the paths it is told
// changed before it reads them, and Flush saves the state of the last
// rebuild, when it succeeded, as the full build would have.
//
// A file that changed without the Builder being told keeps its old
// fingerprint, and the output does not show the change either: the next
// start finds it changed, and builds. Fingerprints are taken before the
// files are read, so a file changed in between is found changed too.

// trackInputs begins an incremental build's fingerprints: those of the
// previous build, with every changed path fingerprinted afresh. It does
// nothing for a full build, which scans, or when the previous build's
// fingerprints are not known (a build failed since the last full one).
func (b *Builder) trackInputs(r *run, changed []string) {
	prev := b.tracked
	b.tracked, b.unsaved = nil, nil // until this build succeeds
	if r.full || prev == nil || !b.savesPages() {
		return
	}
	root, err := filepath.Abs(b.opts.Source)
	if err != nil {
		return
	}
	inputs := maps.Clone(prev.inputs)
	for _, c := range changed {
		if !filepath.IsLocal(filepath.FromSlash(c)) {
			return
		}
		fingerprintPath(inputs, root, c)
	}
	r.tracked = &trackedInputs{inputs: inputs, scanTime: prev.scanTime}
}

// trackedInputs are the inputs' fingerprints as of the last good build.
type trackedInputs struct {
	inputs   map[string]inputPrint
	scanTime int64 // the full build's scan, whose trust window still applies
}

// fingerprintPath fingerprints the site path p into inputs: the file, or
// every file under the folder, or nothing when it is gone.
func fingerprintPath(inputs map[string]inputPrint, root, p string) {
	for k := range inputs {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(inputs, k)
		}
	}
	abs := filepath.Join(root, filepath.FromSlash(p))
	_ = filepath.WalkDir(abs, func(q string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(root, q)
		if err != nil {
			return nil
		}
		e := inputEntry{rel: filepath.ToSlash(rel), info: info}
		hash, _ := fingerprintInput(root, e, nil)
		inputs[e.rel] = inputPrint{Size: info.Size(), MTime: info.ModTime().UnixNano(), Hash: hash}
		return nil
	})
}

// keepTracking records, after a good build, the fingerprints of what it
// read, and, for an incremental build, that its state is not saved yet.
func (b *Builder) keepTracking(r *run) {
	switch {
	case !b.savesPages():
	case r.full && r.inputs != nil:
		b.tracked = &trackedInputs{inputs: r.inputs, scanTime: r.scanTime}
	case r.tracked != nil:
		b.tracked, b.unsaved = r.tracked, r
	}
}

// saveSession saves the state of the last build, an incremental one that
// succeeded, as a full build would have; b.mu is held.
func (b *Builder) saveSession() error {
	r := b.unsaved
	b.unsaved = nil
	if r == nil {
		return nil
	}
	r.inputs, r.scanTime = r.tracked.inputs, r.tracked.scanTime
	save, pages := b.startStateSave(r), b.startPagesSave(r)
	return firstErr(pages.finish(b, true), save.finish(b, true))
}
