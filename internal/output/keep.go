package output

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// Keep hard-links the old tree's files at paths into the new tree without
// reading them: the caller knows their bytes are still right, because a
// record of the last build says what it wrote there and the marker is the
// one it wrote. Reading 5,000 unchanged pages twice to compare them took
// most of a build that re-rendered one. It returns the paths it could not
// keep (not in the old tree, or the link failed); give those to Put or
// Commit as usual. With Options.LinkOld, most are linked already.
func (w *Writer) Keep(ctx context.Context, paths []string) []string {
	w.awaitLinks()
	var next atomic.Int64
	var mu sync.Mutex
	var missed []string
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				if err := w.keep(paths[i]); err != nil {
					mu.Lock()
					missed = append(missed, paths[i])
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return missed
}

// keep links one file of the old tree into the new one, and claims its
// path only once the link is made. The walk of the old tree found a regular
// file there (w.old.files holds no other kind); it is not looked at again.
func (w *Writer) keep(p string) error {
	if err := CheckPath(p); err != nil {
		return err
	}
	if !w.old.files[p] {
		return fmt.Errorf("%s is not in the previous site", p)
	}
	if w.takeLinked(p) {
		// Linked at the start already.
		if err := w.claim(p); err != nil {
			w.giveBack(p)
			return err
		}
		w.unchanged.Add(1)
		return nil
	}
	target := filepath.Join(w.pl.newDir, filepath.FromSlash(p))
	if err := w.dirs.mkdirAll(filepath.Dir(target)); err != nil {
		return err
	}
	prev := filepath.Join(w.pl.real, filepath.FromSlash(p))
	if err := os.Link(prev, target); err != nil {
		return err
	}
	if err := w.claim(p); err != nil {
		os.Remove(target)
		return err
	}
	w.unchanged.Add(1)
	return nil
}
